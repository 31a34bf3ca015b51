//! Totals: one exact sum per dimension, in its canonical unit.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;

use super::{Dimension, ExactSum, Quantity, Unit, decimal_str};

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
