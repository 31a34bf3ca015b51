//! Units, dimensions and exact quantities.
//!
//! A [`Quantity`] is a decimal with a [`Unit`]; units of one [`Dimension`] convert exactly (all factors
//! are powers of ten), and quantities of different dimensions never add up: [`Totals`] keeps one figure
//! per dimension instead.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, ProblemKind, echo, unknown_name};

mod decimal;
mod sum;
mod totals;

pub use decimal::parse_decimal;
pub(crate) use decimal::scale_pow10;
pub(crate) use sum::{ExactSum, Toward, Wide, exact_sub, pow10};
pub use totals::Totals;

/// What a quantity measures. Quantities of different dimensions never add up.
///
/// # Example
///
/// ```
/// use relief_ledger::{Dimension, ErrorKind, Quantity, Totals, Unit};
///
/// let q: Quantity = "2500 kg".parse()?;
/// assert_eq!(q.dimension(), Dimension::Mass);
/// assert_eq!(Dimension::Mass.canonical_unit(), Unit::Tonne);
/// assert!(Dimension::Persons.is_count() && !Dimension::Mass.is_count());
/// assert_eq!("persons".parse::<Dimension>()?, Dimension::Persons);
///
/// // Totals keep one figure per dimension: tonnes and persons never add up.
/// let mut totals = Totals::new();
/// totals.add(&q)?;
/// totals.add(&"12 persons".parse()?)?;
/// assert_eq!(totals.get(Dimension::Mass).map(|t| t.to_string()), Some("2.5 t".to_string()));
/// let err = q.checked_add(&"12 persons".parse()?).unwrap_err();
/// assert!(matches!(
///     err.kind(),
///     ErrorKind::MixedDimensions { left: Dimension::Mass, right: Dimension::Persons }
/// ));
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Dimension {
    /// Mass (`t`, `kg`).
    Mass,
    /// Volume (`m3`).
    Volume,
    /// Area (`m2`, `ha`, `km2`).
    Area,
    /// Length (`m`, `km`).
    Length,
    /// People (`persons`).
    Persons,
    /// Packages, as of minefield maps (`packages`).
    Packages,
    /// Things counted one by one (`items`).
    Items,
    /// Occasions: distinct exchange ids (`exchanges`). Only reports are counted in it, never entries.
    Exchanges,
}

impl Dimension {
    /// Every dimension, in the order totals list them.
    pub const ALL: [Dimension; 8] = [
        Dimension::Mass,
        Dimension::Volume,
        Dimension::Area,
        Dimension::Length,
        Dimension::Persons,
        Dimension::Packages,
        Dimension::Items,
        Dimension::Exchanges,
    ];

    /// The unit totals of this dimension are given in.
    ///
    /// ```
    /// use relief_ledger::{Dimension, Unit};
    /// assert_eq!(Dimension::Area.canonical_unit(), Unit::Hectare);
    /// ```
    #[must_use]
    pub fn canonical_unit(self) -> Unit {
        match self {
            Dimension::Mass => Unit::Tonne,
            Dimension::Volume => Unit::CubicMetre,
            Dimension::Area => Unit::Hectare,
            Dimension::Length => Unit::Kilometre,
            Dimension::Persons => Unit::Persons,
            Dimension::Packages => Unit::Packages,
            Dimension::Items => Unit::Items,
            Dimension::Exchanges => Unit::Exchanges,
        }
    }

    /// True for dimensions counted in whole numbers (persons, packages, items, exchanges).
    #[must_use]
    pub fn is_count(self) -> bool {
        matches!(self, Dimension::Persons | Dimension::Packages | Dimension::Items | Dimension::Exchanges)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The dimension's name as written in messages (`mass`, `persons`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Mass => "mass",
            Dimension::Volume => "volume",
            Dimension::Area => "area",
            Dimension::Length => "length",
            Dimension::Persons => "persons",
            Dimension::Packages => "packages",
            Dimension::Items => "items",
            Dimension::Exchanges => "exchanges",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = Error;

    fn from_str(s: &str) -> Result<Dimension, Error> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "dimension", crate::error::unknown_name("dimension", s, &known))
        })
    }
}

/// A unit as written in files: `t`, `kg`, `m3`, `m2`, `ha`, `km2`, `m`, `km`, `persons`, `packages`, `items`,
/// and `exchanges` (reports only: a number of distinct exchange ids, see [`Ledger::exchanges`](crate::Ledger::exchanges)).
///
/// # Example
///
/// ```
/// use relief_ledger::{Dimension, Unit};
///
/// let unit: Unit = "kg".parse()?;
/// assert_eq!(unit, Unit::Kilogram);
/// assert_eq!(unit.dimension(), Dimension::Mass);
/// assert_eq!(unit.to_string(), "kg");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Unit {
    /// Metric tonne, `t`.
    Tonne,
    /// Kilogram, `kg`.
    Kilogram,
    /// Cubic metre, `m3`.
    CubicMetre,
    /// Square metre, `m2`.
    SquareMetre,
    /// Hectare, `ha`.
    Hectare,
    /// Square kilometre, `km2`.
    SquareKilometre,
    /// Metre, `m`.
    Metre,
    /// Kilometre, `km`.
    Kilometre,
    /// People, `persons`.
    Persons,
    /// Packages, `packages`.
    Packages,
    /// Items, `items`.
    Items,
    /// Exchanges, `exchanges`: reports of any kind count the distinct exchange ids of the entries
    /// in their scope and period in it; no entry is measured in it.
    Exchanges,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 12] = [
        Unit::Tonne,
        Unit::Kilogram,
        Unit::CubicMetre,
        Unit::SquareMetre,
        Unit::Hectare,
        Unit::SquareKilometre,
        Unit::Metre,
        Unit::Kilometre,
        Unit::Persons,
        Unit::Packages,
        Unit::Items,
        Unit::Exchanges,
    ];

    /// The unit's place in [`Unit::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The spelling used in files.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Tonne => "t",
            Unit::Kilogram => "kg",
            Unit::CubicMetre => "m3",
            Unit::SquareMetre => "m2",
            Unit::Hectare => "ha",
            Unit::SquareKilometre => "km2",
            Unit::Metre => "m",
            Unit::Kilometre => "km",
            Unit::Persons => "persons",
            Unit::Packages => "packages",
            Unit::Items => "items",
            Unit::Exchanges => "exchanges",
        }
    }

    /// What the unit measures.
    #[must_use]
    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Tonne | Unit::Kilogram => Dimension::Mass,
            Unit::CubicMetre => Dimension::Volume,
            Unit::SquareMetre | Unit::Hectare | Unit::SquareKilometre => Dimension::Area,
            Unit::Metre | Unit::Kilometre => Dimension::Length,
            Unit::Persons => Dimension::Persons,
            Unit::Packages => Dimension::Packages,
            Unit::Items => Dimension::Items,
            Unit::Exchanges => Dimension::Exchanges,
        }
    }

    /// The power of ten that converts this unit to its dimension's canonical unit.
    pub(crate) fn exponent(self) -> i32 {
        match self {
            Unit::Kilogram | Unit::Metre => -3,
            Unit::SquareMetre => -4,
            Unit::SquareKilometre => 2,
            _ => 0,
        }
    }

    fn alias(s: &str) -> Option<Unit> {
        Some(match s {
            "tons" | "ton" | "tonne" | "tonnes" => Unit::Tonne,
            "person" | "people" => Unit::Persons,
            "package" => Unit::Packages,
            "item" => Unit::Items,
            "exchange" => Unit::Exchanges,
            _ => return None,
        })
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Unit {
    type Err = Error;

    fn from_str(s: &str) -> Result<Unit, Error> {
        if let Some(u) = Unit::ALL.into_iter().find(|u| u.symbol() == s) {
            return Ok(u);
        }
        let known: Vec<&str> = Unit::ALL.iter().map(|u| u.symbol()).collect();
        let message = match Unit::alias(&s.to_lowercase()) {
            Some(u) => format!("{} is not a unit; did you mean {:?}?", echo(s), u.symbol()),
            None => unknown_name("unit", s, &known),
        };
        Err(Error::problem(ProblemKind::BadUnit, "unit", message))
    }
}

serde_via_str!(Unit);

/// An exact amount of a unit.
///
/// Counts (persons, packages, items) are whole numbers. Conversions between units of one dimension are exact.
///
/// # Example
///
/// ```
/// use relief_ledger::{Quantity, Unit};
///
/// let a: Quantity = "1500 kg".parse()?;
/// let b: Quantity = "2 t".parse()?;
/// assert_eq!(b.checked_add(&a)?.to_string(), "3.5 t");
/// assert_eq!(a.to_unit(Unit::Tonne)?.to_string(), "1.5 t");
/// assert!("3 persons".parse::<Quantity>()?.checked_add(&a).is_err());
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// # Equality
///
/// Two quantities are equal when they have the same unit and the same value: `1.50 t` equals
/// `1.5 t`, but `1.5 t` does not equal `1500 kg`. To compare across units, compare
/// [`Quantity::canonical`] values.
///
/// ```
/// use relief_ledger::Quantity;
///
/// let t: Quantity = "1.5 t".parse()?;
/// assert_eq!(t, "1.50 t".parse()?);
/// assert_ne!(t, "1500 kg".parse()?);
/// assert_eq!(t.canonical()?, "1500 kg".parse::<Quantity>()?.canonical()?);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// # Serde
///
/// An object of the value, a decimal as a string, and the unit's symbol:
/// `{"value": "145.5", "unit": "t"}`. Deserializing checks the value as the files' readers do (no
/// JSON number, which would have passed through a float; no thousands separator) and the quantity as
/// [`Quantity::new`] does.
///
/// ```
/// use relief_ledger::Quantity;
///
/// let q: Quantity = "145.5 t".parse()?;
/// assert_eq!(serde_json::to_string(&q)?, r#"{"value":"145.5","unit":"t"}"#);
/// assert_eq!(serde_json::from_str::<Quantity>(r#"{"value": "145.5", "unit": "t"}"#)?, q);
/// assert!(serde_json::from_str::<Quantity>(r#"{"value": "2.5", "unit": "persons"}"#).is_err());
/// assert!(serde_json::from_str::<Quantity>(r#"{"value": 145.5, "unit": "t"}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "QuantityRecord")]
pub struct Quantity {
    #[serde(serialize_with = "decimal_str::serialize")]
    value: Decimal,
    unit: Unit,
}

/// The fields of a quantity as serde reads them, before [`Quantity::new`] checks them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuantityRecord {
    #[serde(deserialize_with = "decimal_str::deserialize")]
    value: Decimal,
    unit: Unit,
}

impl TryFrom<QuantityRecord> for Quantity {
    type Error = Error;

    fn try_from(r: QuantityRecord) -> Result<Quantity, Error> {
        Quantity::new(r.value, r.unit)
    }
}

/// Decimals in serde formats: strings, read as the files' readers read them.
pub(crate) mod decimal_str {
    use std::borrow::Cow;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the decimal as a string.
    pub(crate) fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Reads a decimal from a string, refusing numbers (a float would have rounded them).
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        super::parse_decimal(&s).map_err(serde::de::Error::custom)
    }

    /// An optional decimal: a string or null.
    pub(crate) mod option {
        use super::*;

        /// Writes the decimal as a string, or null.
        pub(crate) fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }

        /// Reads a decimal from a string, or null.
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            match <Option<Cow<'de, str>>>::deserialize(d)? {
                Some(s) => super::super::parse_decimal(&s).map(Some).map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

impl Quantity {
    /// A quantity known to be valid (a figure computed from valid quantities of its unit).
    pub(crate) fn unchecked(value: Decimal, unit: Unit) -> Quantity {
        Quantity { value, unit }
    }

    /// A quantity of `value` in `unit`.
    ///
    /// # Errors
    ///
    /// When `unit` counts whole things and `value` has a fraction (`2.5 persons`).
    pub fn new(value: Decimal, unit: Unit) -> Result<Quantity, Error> {
        // A value written without decimals is whole: no need to take its fraction.
        if unit.dimension().is_count() && value.scale() != 0 && !value.fract().is_zero() {
            return Err(Error::problem(
                ProblemKind::OutOfRange,
                "quantity",
                format!("{value} {unit} is not a whole number; {unit} are counted in whole numbers"),
            ));
        }
        Ok(Quantity { value, unit })
    }

    /// The number, in [`Quantity::unit`].
    #[must_use]
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The unit.
    #[must_use]
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The dimension of the unit.
    #[must_use]
    pub fn dimension(&self) -> Dimension {
        self.unit.dimension()
    }

    /// The same amount in another unit of the same dimension, exactly.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{ErrorKind, Quantity, Unit};
    ///
    /// // The seed statement's 800 t of construction material.
    /// let q: Quantity = "800 t".parse()?;
    /// assert_eq!(q.to_unit(Unit::Kilogram)?.to_string(), "800000 kg");
    /// assert_eq!("2500 kg".parse::<Quantity>()?.to_unit(Unit::Tonne)?.to_string(), "2.5 t");
    /// let err = q.to_unit(Unit::Persons).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::MixedDimensions { .. }));
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MixedDimensions`] when `unit` is of another dimension; an overflow when the
    /// exact result does not fit a decimal.
    pub fn to_unit(&self, unit: Unit) -> Result<Quantity, Error> {
        if unit.dimension() != self.dimension() {
            return Err(ErrorKind::MixedDimensions { left: unit.dimension(), right: self.dimension() }.into());
        }
        let value = scale_pow10(self.value, self.unit.exponent() - unit.exponent())
            .ok_or_else(|| Error::overflow(format!("converting {self} to {unit}")))?;
        Ok(Quantity { value: value.normalize(), unit })
    }

    /// The same amount in its dimension's canonical unit.
    ///
    /// # Errors
    ///
    /// An overflow when the exact result does not fit a decimal.
    pub fn canonical(&self) -> Result<Quantity, Error> {
        self.to_unit(self.dimension().canonical_unit())
    }

    /// The value in the dimension's canonical unit, exact but not normalised (cheaper than
    /// [`Quantity::canonical`], for sums).
    pub(crate) fn canonical_value(&self) -> Option<Decimal> {
        scale_pow10(self.value, self.unit.exponent())
    }

    /// The sum, in `self`'s unit.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MixedDimensions`] when the dimensions differ; an overflow when the sum does not fit.
    pub fn checked_add(&self, other: &Quantity) -> Result<Quantity, Error> {
        if other.dimension() != self.dimension() {
            return Err(ErrorKind::MixedDimensions { left: self.dimension(), right: other.dimension() }.into());
        }
        let other = other.to_unit(self.unit)?;
        let mut sum = ExactSum::default();
        sum.add(self.value);
        sum.add(other.value);
        let value = sum.value().ok_or_else(|| Error::overflow(format!("adding {other} to {self}")))?;
        Ok(Quantity { value, unit: self.unit })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value.normalize(), self.unit)
    }
}

impl FromStr for Quantity {
    type Err = Error;

    /// Parses `"145 t"` or `"12 persons"`.
    fn from_str(s: &str) -> Result<Quantity, Error> {
        let s = s.trim();
        let Some((value, unit)) = s.rsplit_once(char::is_whitespace) else {
            return Err(Error::problem(
                ProblemKind::Malformed,
                "quantity",
                format!("{} needs a number and a unit, such as \"145 t\"", echo(s)),
            ));
        };
        let value = parse_decimal(value).map_err(|e| e.in_field("quantity"))?;
        Quantity::new(value, unit.parse()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn units_round_trip_through_their_spelling() {
        for u in Unit::ALL {
            assert_eq!(u.symbol().parse::<Unit>().unwrap(), u);
            assert_eq!(u.to_string(), u.symbol());
        }
    }

    #[test]
    fn unknown_units_suggest_the_nearest() {
        let e = "tonnes".parse::<Unit>().unwrap_err().to_string();
        assert!(e.contains(r#"did you mean "t""#), "{e}");
        let e = "kgs".parse::<Unit>().unwrap_err().to_string();
        assert!(e.contains(r#"did you mean "kg""#), "{e}");
    }

    #[test]
    fn conversions_are_exact() {
        assert_eq!(q("1 kg").to_unit(Unit::Tonne).unwrap(), q("0.001 t"));
        assert_eq!(q("1 km2").to_unit(Unit::Hectare).unwrap(), q("100 ha"));
        assert_eq!(q("1 m2").to_unit(Unit::Hectare).unwrap(), q("0.0001 ha"));
        assert_eq!(q("2500 m").to_unit(Unit::Kilometre).unwrap(), q("2.5 km"));
        assert_eq!(q("0.3 t").to_unit(Unit::Kilogram).unwrap(), q("300 kg"));
        assert!(q("1 t").to_unit(Unit::Hectare).is_err());
    }

    #[test]
    fn counts_are_whole() {
        let e = "2.5 persons".parse::<Quantity>().unwrap_err().to_string();
        assert!(e.contains("whole number"), "{e}");
        assert!("2.0 persons".parse::<Quantity>().is_ok());
    }

    #[test]
    fn checked_add_refuses_mixed_dimensions() {
        let e = q("1 t").checked_add(&q("1 persons")).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::MixedDimensions { left: Dimension::Mass, right: Dimension::Persons }));
        assert_eq!(q("1 t").checked_add(&q("250 kg")).unwrap(), q("1.25 t"));
    }

    #[test]
    fn decimals_parse_strictly() {
        assert_eq!(parse_decimal("1,581").unwrap_err().to_string(), r#""1,581" has a thousands separator; write 1581"#);
        assert_eq!(parse_decimal("1,5").unwrap_err().to_string(), r#""1,5" uses a decimal comma; write 1.5"#);
        assert!(parse_decimal("1e3").is_err());
        assert!(parse_decimal("1 581").unwrap_err().to_string().contains("write 1581"));
        assert!(parse_decimal(".").is_err());
        assert!(parse_decimal("").is_err());
        assert_eq!(parse_decimal("-0.25").unwrap(), Decimal::new(-25, 2));
        assert_eq!(parse_decimal(".5").unwrap(), Decimal::new(5, 1));
    }

    #[test]
    fn exact_sum_aligns_scales_and_detects_overflow() {
        let mut s = ExactSum::default();
        s.add(Decimal::new(1581, 0));
        s.add(Decimal::new(5, 3));
        s.add(Decimal::new(-1, 1));
        assert_eq!(s.value().unwrap(), Decimal::new(1580905, 3));
        let mut big = ExactSum::default();
        for _ in 0..3 {
            big.add(Decimal::MAX);
        }
        assert!(big.value().is_none(), "3 x Decimal::MAX does not fit");
    }

    #[test]
    fn a_units_index_is_its_place_among_all() {
        for (i, u) in Unit::ALL.into_iter().enumerate() {
            assert_eq!(u.index(), i, "{u}");
        }
    }

    #[test]
    fn scale_pow10_is_exact_or_none() {
        assert_eq!(scale_pow10(Decimal::new(15, 1), 2), Some(Decimal::new(150, 0)));
        assert_eq!(scale_pow10(Decimal::new(15, 1), -3), Some(Decimal::new(15, 4)));
        assert_eq!(scale_pow10(Decimal::new(1, 27), -3), None);
        assert_eq!(scale_pow10(Decimal::MAX, 1), None);
    }
}
