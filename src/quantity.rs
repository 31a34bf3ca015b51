//! Units, dimensions and exact quantities.
//!
//! A [`Quantity`] is a decimal with a [`Unit`]; units of one [`Dimension`] convert exactly (all factors
//! are powers of ten), and quantities of different dimensions never add up: [`Totals`] keeps one figure
//! per dimension instead.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, ProblemKind, cut, echo, unknown_name};

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

pub(crate) fn scale_pow10(d: Decimal, exp: i32) -> Option<Decimal> {
    if exp == 0 {
        return Some(d);
    }
    let scale = d.scale() as i32 - exp;
    let mantissa = d.mantissa();
    if scale >= 0 {
        if scale > 28 {
            return None;
        }
        Decimal::try_from_i128_with_scale(mantissa, scale as u32).ok()
    } else {
        let m = mantissa.checked_mul(10i128.checked_pow((-scale) as u32)?)?;
        Decimal::try_from_i128_with_scale(m, 0).ok()
    }
}

/// Parses a decimal as written in files: digits, an optional sign and `.` for decimals; no exponent,
/// no thousands separator; spaces around it are ignored. The error message says how to write the value.
///
/// # Errors
///
/// An [`Error`] with one problem, of kind [`ProblemKind::BadNumber`] (an empty value, a thousands
/// separator in `1,581`, a decimal comma, a letter) or [`ProblemKind::Overflow`] (more than 28
/// decimal places, or beyond `Decimal::MAX`). The problem names no field: the caller knows it.
///
/// # Example
///
/// ```
/// use relief_ledger::parse_decimal;
///
/// assert_eq!(parse_decimal("1581")?.to_string(), "1581");
/// assert_eq!(parse_decimal("0.5")?.to_string(), "0.5");
/// assert_eq!(parse_decimal("-2")?.to_string(), "-2");
/// let err = parse_decimal("1,581").unwrap_err();
/// assert_eq!(err.problems()[0].kind(), relief_ledger::ProblemKind::BadNumber);
/// assert_eq!(err.to_string(), r#""1,581" has a thousands separator; write 1581"#);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_decimal(s: &str) -> Result<Decimal, Error> {
    decimal_text(s).map_err(|(kind, message)| Error::invalid(vec![crate::error::Problem::general(kind, message)]))
}

/// A number without a minus sign and with at most 18 digits, checked to be digits: its mantissa
/// fits a `u64`, so it is made without text, as `Decimal::from_str_exact` makes it (the same
/// value and scale, trailing zeros kept).
fn small_decimal(sign: &str, int: &str, frac: Option<&str>) -> Option<Decimal> {
    let frac = frac.unwrap_or("");
    if !sign.is_empty() || int.len() + frac.len() > 18 {
        return None;
    }
    let mantissa = int
        .bytes()
        .chain(frac.bytes())
        .try_fold(0u64, |m, b| b.is_ascii_digit().then(|| m * 10 + u64::from(b - b'0')))?;
    Decimal::try_from_i128_with_scale(i128::from(mantissa), frac.len() as u32).ok()
}

/// A number written as digits with at most one point and at most 18 digits, and nothing else (no
/// sign, no white space): [`small_decimal`] of it, read in one pass over its bytes.
fn plain_decimal(s: &str) -> Option<Decimal> {
    let (mut mantissa, mut digits, mut point) = (0u64, 0usize, None);
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b.is_ascii_digit() {
            digits += 1;
            if digits > 18 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(b - b'0');
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    let scale = point.map_or(0, |p| s.len() - p - 1);
    Decimal::try_from_i128_with_scale(i128::from(mantissa), scale as u32).ok()
}

/// [`parse_decimal`], with the kind and message of what is wrong.
fn decimal_text(s: &str) -> Result<Decimal, (ProblemKind, String)> {
    if let Some(d) = plain_decimal(s) {
        return Ok(d);
    }
    let bad = |m: String| (ProblemKind::BadNumber, m);
    let t = s.trim();
    if t.is_empty() {
        return Err(bad("is empty; expected a decimal number".into()));
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.contains(',') {
        let groups: Vec<&str> = digits.split(',').collect();
        let thousands = groups.len() > 1
            && groups.iter().skip(1).all(|g| g.len() == 3 || (g.len() > 3 && g.as_bytes()[3] == b'.'))
            && groups.iter().skip(1).all(|g| g.get(..3).is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())));
        return Err(bad(if thousands {
            format!("{} has a thousands separator; write {}", echo(s), cut(&t.replace(',', "")))
        } else {
            format!("{} uses a decimal comma; write {}", echo(s), cut(&t.replace(',', ".")))
        }));
    }
    if digits.contains([' ', '\u{a0}', '\u{202f}', '_', '\'']) {
        let clean: String = t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\'')).collect();
        return Err(bad(format!("{} has a thousands separator; write {}", echo(s), cut(&clean))));
    }
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let ok_int = int.bytes().all(|b| b.is_ascii_digit());
    let ok_frac = frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if !ok_int || !ok_frac || (int.is_empty() && frac.is_none_or(str::is_empty)) {
        return Err(bad(format!(
            "{} is not a decimal number; write digits with an optional sign and . such as 1581, -2 or 0.5",
            echo(s)
        )));
    }
    // Leading zeros change nothing. Trailing zeros after the point are kept while they fit, so that a
    // figure reads back as it was written, and dropped only when they do not fit a decimal:
    // `9.0000000000000000000000000000` is 9.
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if t.starts_with('-') { "-" } else { "" };
    let written = frac.filter(|f| !f.is_empty());
    if let Some(d) = small_decimal(sign, int, written) {
        return Ok(d);
    }
    let trimmed = written.map(|f| f.trim_end_matches('0')).filter(|f| !f.is_empty());
    let exact = |frac: Option<&str>| {
        let text = match frac {
            Some(f) => format!("{sign}{int}.{f}"),
            None => format!("{sign}{int}"),
        };
        Decimal::from_str_exact(&text).ok()
    };
    exact(written).or_else(|| exact(trimmed)).ok_or_else(|| {
        let message = if trimmed.is_some_and(|f| f.len() > 28) {
            format!("{} has more than 28 decimal places; a decimal holds at most 28", echo(s))
        } else {
            format!("{} does not fit a decimal; write at most {}", echo(s), Decimal::MAX)
        };
        (ProblemKind::Overflow, message)
    })
}

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

/// An exact running sum of decimals: an `i128` mantissa at the largest scale seen.
///
/// Adding never rounds; an overflow is reported when the result is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ExactSum {
    mantissa: i128,
    scale: u32,
    overflow: bool,
}

/// Powers of ten up to 10^28, the most decimal places a decimal has.
pub(crate) const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `10^n` for `n` up to 28; `None` past it.
#[inline]
pub(crate) fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// `m * 10^-s` with its trailing zeros dropped (scale lowered to match), exactly.
fn strip_zeros(mut m: i128, mut s: u32) -> (i128, u32) {
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    (m, s)
}

impl ExactSum {
    #[inline]
    pub(crate) fn add(&mut self, d: Decimal) {
        self.add_parts(d.mantissa(), d.scale());
    }

    /// Marks the sum as overflowed.
    pub(crate) fn poison(&mut self) {
        self.overflow = true;
    }

    /// Adds `m * 10^-s`.
    #[inline]
    pub(crate) fn add_scaled(&mut self, m: i128, s: u32) {
        self.add_parts(m, s);
    }

    /// Adds `m * 10^-s`; when the aligned sum does not fit 128 bits, retries with the trailing zeros
    /// of both sides dropped (`5.0000000000000000000` aligns at scale 0), so that only a sum whose
    /// exact digits do not fit is marked as overflowed.
    #[inline]
    fn add_parts(&mut self, m: i128, s: u32) {
        if self.overflow {
            return;
        }
        if let Some((mantissa, scale)) = aligned_sum(self.mantissa, self.scale, m, s) {
            (self.mantissa, self.scale) = (mantissa, scale);
            return;
        }
        let (a, sa) = strip_zeros(self.mantissa, self.scale);
        let (b, sb) = strip_zeros(m, s);
        match aligned_sum(a, sa, b, sb) {
            Some((mantissa, scale)) => (self.mantissa, self.scale) = (mantissa, scale),
            None => self.overflow = true,
        }
    }

    /// The sum, normalised; `None` when it overflowed or does not fit a decimal.
    pub(crate) fn value(&self) -> Option<Decimal> {
        if self.overflow {
            return None;
        }
        let (m, s) = strip_zeros(self.mantissa, self.scale);
        Decimal::try_from_i128_with_scale(m, s).ok().map(|d| d.normalize())
    }
}

/// `a * 10^-sa + b * 10^-sb` as a mantissa at the larger scale; `None` when it does not fit 128 bits.
#[inline]
fn aligned_sum(a: i128, sa: u32, b: i128, sb: u32) -> Option<(i128, u32)> {
    if sa == sb {
        return Some((a.checked_add(b)?, sa));
    }
    if sb > sa {
        let a = a.checked_mul(pow10(sb - sa)?)?;
        Some((a.checked_add(b)?, sb))
    } else {
        let b = b.checked_mul(pow10(sa - sb)?)?;
        Some((a.checked_add(b)?, sa))
    }
}

/// `a − b` exactly, or `None` when the exact difference does not fit a decimal (it is never rounded).
pub(crate) fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    let mut sum = ExactSum::default();
    sum.add(a);
    sum.add_parts(b.mantissa().checked_neg()?, b.scale());
    sum.value()
}

/// Units of the fractional part of a [`Wide`]: `10^-30`, fine enough for 2 % of a figure with 28 places.
const WIDE_ONE: i128 = 1_000_000_000_000_000_000_000_000_000_000;

/// An exact number `int + frac * 10^-30` (`0 <= frac < 10^30`), wide enough for the ends of a
/// report's interval before they are rounded, inward, to a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Wide {
    int: i128,
    frac: i128,
}

/// Which way [`Wide::to_decimal`] rounds a number that a decimal cannot hold exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Toward {
    /// The largest decimal not above the number (for an upper end kept inside).
    Floor,
    /// The smallest decimal not below the number (for a lower end kept inside).
    Ceil,
}

impl Wide {
    pub(crate) fn new(d: Decimal) -> Option<Wide> {
        let unit = pow10(d.scale())?;
        let (m, frac) = (d.mantissa().div_euclid(unit), d.mantissa().rem_euclid(unit));
        Some(Wide { int: m, frac: frac.checked_mul(10i128.checked_pow(30u32.checked_sub(d.scale())?)?)? })
    }

    pub(crate) fn checked_add(self, o: Wide) -> Option<Wide> {
        let (mut int, mut frac) = (self.int.checked_add(o.int)?, self.frac.checked_add(o.frac)?);
        if frac >= WIDE_ONE {
            frac -= WIDE_ONE;
            int = int.checked_add(1)?;
        }
        Some(Wide { int, frac })
    }

    pub(crate) fn checked_neg(self) -> Option<Wide> {
        if self.frac == 0 {
            Some(Wide { int: self.int.checked_neg()?, frac: 0 })
        } else {
            Some(Wide { int: self.int.checked_neg()?.checked_sub(1)?, frac: WIDE_ONE - self.frac })
        }
    }

    pub(crate) fn checked_sub(self, o: Wide) -> Option<Wide> {
        self.checked_add(o.checked_neg()?)
    }

    pub(crate) fn abs(self) -> Option<Wide> {
        if self.int < 0 { self.checked_neg() } else { Some(self) }
    }

    /// `self * n / d`, exact when the result has at most 30 decimal places (2 % and halves of a
    /// decimal do); `None` otherwise.
    pub(crate) fn times_ratio(self, n: i128, d: i128) -> Option<Wide> {
        let int = self.int.checked_mul(n)?;
        let (q, r) = (int.checked_div_euclid(d)?, int.checked_rem_euclid(d)?);
        let frac = r.checked_mul(WIDE_ONE)?.checked_add(self.frac.checked_mul(n)?)?;
        if frac.checked_rem_euclid(d)? != 0 {
            return None;
        }
        let frac = frac.checked_div_euclid(d)?;
        Some(Wide { int: q.checked_add(frac.div_euclid(WIDE_ONE))?, frac: frac.rem_euclid(WIDE_ONE) })
    }

    /// The nearest decimal `toward` one side, at the most places that fit; `None` beyond a decimal's range.
    pub(crate) fn to_decimal(self, toward: Toward) -> Option<Decimal> {
        // More places than the fraction has add only zeros: start at the places it needs.
        let mut needed = 30u32;
        let mut f = self.frac;
        while needed > 0 && f % 10 == 0 {
            f /= 10;
            needed -= 1;
        }
        // The scale above the first that fits, where the mantissa was too large: the largest
        // mantissa there may lie nearer the number, on the right side, than anything at fewer places
        // (7922816251426433759354395.0336 floors to ...395.0335, not to ...395.033).
        let mut crowded = None;
        for s in (0..=needed.min(28)).rev() {
            let step = 10i128.checked_pow(30 - s)?;
            let (down, rest) = (self.frac / step, self.frac % step);
            let part = if toward == Toward::Ceil && rest != 0 { down + 1 } else { down };
            let m = self.int.checked_mul(pow10(s)?).and_then(|i| i.checked_add(part));
            match m.and_then(|m| Decimal::try_from_i128_with_scale(m, s).ok()) {
                Some(d) => {
                    let edge = |sign: i128| {
                        crowded.and_then(|c| Decimal::try_from_i128_with_scale(sign * Decimal::MAX.mantissa(), c).ok())
                    };
                    return Some(match toward {
                        Toward::Floor if self.int >= 0 => edge(1).map_or(d, |e| e.max(d)),
                        Toward::Ceil if self.int < 0 => edge(-1).map_or(d, |e| e.min(d)),
                        _ => d,
                    });
                }
                None => crowded = Some(s),
            }
        }
        None
    }
}

/// Exact totals with one figure per dimension, each in the dimension's canonical unit
/// (like hledger's mixed amounts: tonnes and persons are kept apart, never summed).
///
/// # Example
///
/// ```
/// use relief_ledger::{Dimension, Totals};
///
/// let mut totals = Totals::new();
/// totals.add(&"145 t".parse()?)?;
/// totals.add(&"500 kg".parse()?)?;
/// totals.add(&"12 persons".parse()?)?;
/// assert_eq!(totals.get(Dimension::Mass).unwrap().to_string(), "145.5 t");
/// assert_eq!(totals.to_string(), "145.5 t, 12 persons");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// # Serde
///
/// A list of the figures, one [`Quantity`] per dimension in its canonical unit, in
/// [`Dimension::ALL`] order: `[{"value": "145.5", "unit": "t"}, {"value": "12", "unit": "persons"}]`.
/// Deserializing refuses two figures of one dimension. Totals too large for a decimal do not serialize.
///
/// ```
/// use relief_ledger::{Quantity, Totals};
///
/// let mut totals = Totals::new();
/// totals.add(&"145.5 t".parse()?)?;
/// totals.add(&"12 persons".parse()?)?;
/// let json = serde_json::to_string(&totals)?;
/// assert_eq!(json, r#"[{"value":"145.5","unit":"t"},{"value":"12","unit":"persons"}]"#);
/// assert_eq!(serde_json::from_str::<Totals>(&json)?, totals);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    sums: [ExactSum; 8],
    present: u8,
    /// The entries that only possibly count (dated to a span that the period holds in part).
    possible: [ExactSum; 7],
    /// The dimensions with a possible entry.
    uncertain: u8,
}

impl Totals {
    /// Empty totals.
    #[must_use]
    pub fn new() -> Totals {
        Totals::default()
    }

    /// Adds a quantity to its dimension's figure.
    ///
    /// # Errors
    ///
    /// An overflow when the quantity cannot be converted to its canonical unit exactly.
    pub fn add(&mut self, q: &Quantity) -> Result<(), Error> {
        let c = q.canonical()?;
        self.add_canonical(q.dimension(), c.value);
        Ok(())
    }

    #[inline]
    pub(crate) fn add_canonical(&mut self, dim: Dimension, value: Decimal) {
        let i = dim.index();
        self.sums[i].add(value);
        self.present |= 1 << i;
    }

    /// Adds the canonical `value` of an entry that possibly counts: its date overlaps the period
    /// without lying within it.
    #[inline]
    pub(crate) fn add_possible(&mut self, dim: Dimension, value: Decimal) {
        let i = dim.index();
        self.possible[i].add(value);
        self.present |= 1 << i;
        self.uncertain |= 1 << i;
    }

    /// True when every figure is certain: no entry counts only possibly.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.uncertain == 0
    }

    /// The upper end of one dimension's figure: what surely counts ([`Totals::get`]) plus what
    /// possibly does (entries dated to a month, a year or a range that the period holds in part);
    /// the same as [`Totals::get`] when nothing possibly counts.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Dimension, Entry, Ledger, Period, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
    ///     // Known only to its month, which the period below holds in part.
    ///     Entry::cargo("2021-04-01".parse()?, "155 t".parse()?).date("2021-04".parse()?).to("NKR").build()?,
    /// ])?;
    /// let totals = ledger.totals(&Scope::all().period("2021-04-01..2021-04-15".parse()?))?;
    /// assert_eq!(totals.get(Dimension::Mass).unwrap().to_string(), "145 t");
    /// assert_eq!(totals.high(Dimension::Mass).unwrap().to_string(), "300 t");
    /// assert_eq!(totals.to_string(), "145..300 t");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn high(&self, dim: Dimension) -> Option<Quantity> {
        self.checked_high(dim).ok().flatten()
    }

    /// The upper end of one dimension's figure, as [`Totals::high`].
    ///
    /// # Errors
    ///
    /// An overflow when the exact sum does not fit a decimal.
    pub fn checked_high(&self, dim: Dimension) -> Result<Option<Quantity>, Error> {
        let i = dim.index();
        if self.uncertain & (1 << i) == 0 {
            return self.checked_get(dim);
        }
        let mut high = self.sums[i];
        match self.possible[i].value() {
            Some(p) => high.add(p),
            None => high.poison(),
        }
        let v = high.value().ok_or_else(|| Error::overflow(format!("the total of {dim}")))?;
        Ok(Some(Quantity { value: v, unit: dim.canonical_unit() }))
    }

    /// The upper ends of the figures, as [`Totals::quantities`] gives the lower ones.
    ///
    /// # Errors
    ///
    /// An overflow when an exact figure does not fit a decimal.
    pub fn highs(&self) -> Result<Vec<Quantity>, Error> {
        Dimension::ALL.into_iter().filter_map(|d| self.checked_high(d).transpose()).collect()
    }

    /// Adds every figure of `other`, sure to sure and possible to possible.
    pub fn add_totals(&mut self, other: &Totals) -> Result<(), Error> {
        for d in Dimension::ALL {
            let i = d.index();
            if let Some(q) = other.checked_get(d)? {
                self.add_canonical(d, q.value);
            }
            if other.uncertain & (1 << i) != 0 {
                let p = other.possible[i].value().ok_or_else(|| Error::overflow(format!("the total of {d}")))?;
                self.add_possible(d, p);
            }
        }
        Ok(())
    }

    /// The figure for one dimension, in its canonical unit; `None` when nothing of it was added.
    ///
    /// With entries that only possibly count, this is the lower end (what surely counts); see
    /// [`Totals::high`].
    ///
    /// A figure too large for a decimal reads as `None` too; [`Totals::checked_get`] tells the two apart.
    #[must_use]
    pub fn get(&self, dim: Dimension) -> Option<Quantity> {
        self.checked_get(dim).ok().flatten()
    }

    /// The figure for one dimension, in its canonical unit.
    ///
    /// # Errors
    ///
    /// An overflow when the exact sum does not fit a decimal.
    pub fn checked_get(&self, dim: Dimension) -> Result<Option<Quantity>, Error> {
        if self.present & (1 << dim.index()) == 0 {
            return Ok(None);
        }
        let v = self.sums[dim.index()].value().ok_or_else(|| Error::overflow(format!("the total of {dim}")))?;
        Ok(Some(Quantity { value: v, unit: dim.canonical_unit() }))
    }

    /// The figure for `unit`'s dimension, in `unit`; zero when nothing of it was added.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Quantity, Totals, Unit};
    ///
    /// let mut totals = Totals::new();
    /// totals.add(&"45 t".parse()?)?;
    /// totals.add(&"300000 kg".parse()?)?;
    /// assert_eq!(totals.in_unit(Unit::Tonne)?.to_string(), "345 t");
    /// assert_eq!(totals.in_unit(Unit::Kilogram)?.to_string(), "345000 kg");
    /// assert_eq!(totals.in_unit(Unit::Persons)?, Quantity::new(0.into(), Unit::Persons)?);
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An overflow when the exact figure does not fit a decimal.
    pub fn in_unit(&self, unit: Unit) -> Result<Quantity, Error> {
        match self.checked_get(unit.dimension())? {
            Some(q) => q.to_unit(unit),
            None => Ok(Quantity { value: Decimal::ZERO, unit }),
        }
    }

    /// The dimensions that have a figure, with it, in [`Dimension::ALL`] order.
    ///
    /// # Errors
    ///
    /// An overflow when an exact figure does not fit a decimal.
    pub fn quantities(&self) -> Result<Vec<Quantity>, Error> {
        Dimension::ALL.into_iter().filter_map(|d| self.checked_get(d).transpose()).collect()
    }

    /// True when nothing was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.present == 0
    }
}

/// One figure of [`Totals`] in serde formats: `high` only when something possibly counts.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TotalRecord {
    #[serde(with = "decimal_str")]
    value: Decimal,
    unit: Unit,
    #[serde(with = "decimal_str::option", default, skip_serializing_if = "Option::is_none")]
    high: Option<Decimal>,
}

impl Serialize for Totals {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut records = Vec::new();
        for d in Dimension::ALL {
            let low = self.checked_get(d).map_err(serde::ser::Error::custom)?;
            let Some(low) = low else { continue };
            let high = if self.uncertain & (1 << d.index()) != 0 {
                self.checked_high(d).map_err(serde::ser::Error::custom)?.map(|q| q.value)
            } else {
                None
            };
            records.push(TotalRecord { value: low.value, unit: low.unit, high });
        }
        records.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Totals {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Totals, D::Error> {
        use serde::de::Error as _;
        let rs = Vec::<TotalRecord>::deserialize(d)?;
        let mut totals = Totals::new();
        for r in rs {
            let q = Quantity::new(r.value, r.unit).map_err(D::Error::custom)?;
            if totals.present & (1 << q.dimension().index()) != 0 {
                return Err(D::Error::custom(format!(
                    "{q}: totals hold one figure of {}; add them up or keep one",
                    q.dimension()
                )));
            }
            totals.add(&q).map_err(D::Error::custom)?;
            if let Some(h) = r.high {
                let high = Quantity::new(h, r.unit).and_then(|h| h.canonical()).map_err(D::Error::custom)?;
                let low = q.canonical().map_err(D::Error::custom)?;
                let extra =
                    crate::quantity::exact_sub(high.value, low.value).filter(|e| *e >= Decimal::ZERO).ok_or_else(
                        || D::Error::custom(format!("{q}: high {h} is below the figure; write high ≥ value")),
                    )?;
                if extra > Decimal::ZERO {
                    totals.add_possible(q.dimension(), extra);
                }
            }
        }
        Ok(totals)
    }
}

/// Totals are equal when they hold the same figures: `1.50 t` equals `1.5 t`.
impl PartialEq for Totals {
    fn eq(&self, other: &Totals) -> bool {
        self.present == other.present
            && Dimension::ALL.iter().all(|&d| {
                self.checked_get(d).ok() == other.checked_get(d).ok()
                    && self.checked_high(d).ok() == other.checked_high(d).ok()
            })
    }
}

impl Eq for Totals {}

/// Hashes the figures that equality compares, so that equal totals hash alike.
impl std::hash::Hash for Totals {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.present.hash(state);
        for d in Dimension::ALL {
            self.checked_get(d).ok().flatten().map(|q| q.value().normalize()).hash(state);
            self.checked_high(d).ok().flatten().map(|q| q.value().normalize()).hash(state);
        }
    }
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in Dimension::ALL {
            if self.present & (1 << d.index()) == 0 {
                continue;
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            match (self.checked_get(d), self.checked_high(d)) {
                (Ok(Some(q)), Ok(Some(h))) if self.uncertain & (1 << d.index()) != 0 => {
                    write!(f, "{}..{}", q.value().normalize(), h)?
                }
                (Ok(Some(q)), _) => write!(f, "{q}")?,
                _ => write!(f, "(overflow) {}", d.canonical_unit())?,
            }
        }
        if first {
            f.write_str("0")?;
        }
        Ok(())
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
    fn scale_pow10_is_exact_or_none() {
        assert_eq!(scale_pow10(Decimal::new(15, 1), 2), Some(Decimal::new(150, 0)));
        assert_eq!(scale_pow10(Decimal::new(15, 1), -3), Some(Decimal::new(15, 4)));
        assert_eq!(scale_pow10(Decimal::new(1, 27), -3), None);
        assert_eq!(scale_pow10(Decimal::MAX, 1), None);
    }
}
