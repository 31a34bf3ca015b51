//! Qualifiers, the intervals a published figure stands for, and the modes of a report.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Bound;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, ProblemKind, echo, unknown_name};
use crate::quantity::{Toward, Wide};

/// How exact a reported figure is.
///
/// A figure `v` with rounding unit `r` (the place of its last non-zero digit) stands for an interval:
///
/// | qualifier | interval |
/// |---|---|
/// | `exact` | `[v, v]` |
/// | `about` | `[v − r/2, v + r/2]`, widened to at least ±2 % of `v` |
/// | `more-than` | `(v, ∞)` |
/// | `at-least` | `[v, ∞)` |
/// | `nearly` | `[v − r, v)` |
/// | `at-most` | `(−∞, v]` |
///
/// # Example
///
/// ```
/// use relief_ledger::Qualifier;
/// use relief_ledger::rust_decimal::Decimal;
///
/// // "about 53 thousand": r = 1000, but ±2 % is wider.
/// let i = Qualifier::About.interval(Decimal::from(53_000), None);
/// assert_eq!(i.to_string(), "[51940, 54060]");
/// assert_eq!(Qualifier::Nearly.interval(Decimal::from(2100), None).to_string(), "[2000, 2100)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Qualifier {
    /// Exactly the figure.
    #[default]
    Exact,
    /// Rounded: within half the rounding unit, and at least ±2 %.
    About,
    /// Strictly more than the figure.
    MoreThan,
    /// The figure or more.
    AtLeast,
    /// Less than the figure, by at most the rounding unit.
    Nearly,
    /// The figure or less.
    AtMost,
}

impl Qualifier {
    /// Every qualifier.
    pub const ALL: [Qualifier; 6] = [
        Qualifier::Exact,
        Qualifier::About,
        Qualifier::MoreThan,
        Qualifier::AtLeast,
        Qualifier::Nearly,
        Qualifier::AtMost,
    ];

    /// The spelling used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::About => "about",
            Qualifier::MoreThan => "more-than",
            Qualifier::AtLeast => "at-least",
            Qualifier::Nearly => "nearly",
            Qualifier::AtMost => "at-most",
        }
    }

    /// The interval a figure `value` stands for; an explicit `tolerance` `t` makes an `exact` or
    /// `about` figure `[v − t, v + t]` (other qualifiers ignore it).
    ///
    /// The ends are exact. An end with more than 28 decimal places (2 % of `1.0000000000000000000000000001`)
    /// is rounded inward to the nearest decimal, which keeps in the interval exactly the figures a
    /// decimal can hold. An end past the largest decimal is clamped to [`Decimal::MAX`] (or
    /// [`Decimal::MIN`]): every figure lies within it, so [`Interval::locate`] answers as it would
    /// for the true end; [`Qualifier::checked_interval`] refuses such a figure instead.
    ///
    /// ```
    /// use relief_ledger::Qualifier;
    /// use relief_ledger::rust_decimal::Decimal;
    ///
    /// let i = Qualifier::Exact.interval(Decimal::MAX, Some(Decimal::ONE));
    /// assert_eq!(i.to_string(), "[79228162514264337593543950334, 79228162514264337593543950335]");
    /// assert!(Qualifier::Exact.checked_interval(Decimal::MAX, Some(Decimal::ONE)).is_none());
    /// ```
    #[must_use]
    pub fn interval(self, value: Decimal, tolerance: Option<Decimal>) -> Interval {
        let (low, high) = self.ends(value, tolerance);
        Interval {
            low: low.map(|d| d.unwrap_or(Decimal::MIN).normalize()),
            high: high.map(|d| d.unwrap_or(Decimal::MAX).normalize()),
        }
    }

    /// The interval a figure stands for, as [`Qualifier::interval`]; `None` when an end lies past
    /// the range of a decimal (`about 78000000000000000000000000000`: 2 % above it is too large).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::Qualifier;
    /// use relief_ledger::rust_decimal::Decimal;
    ///
    /// let about = Qualifier::About.checked_interval(Decimal::from(53_000), None);
    /// assert_eq!(about.map(|i| i.to_string()).as_deref(), Some("[51940, 54060]"));
    /// let huge: Decimal = "78000000000000000000000000000".parse()?;
    /// assert!(Qualifier::About.checked_interval(huge, None).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn checked_interval(self, value: Decimal, tolerance: Option<Decimal>) -> Option<Interval> {
        let (low, high) = self.ends(value, tolerance);
        let open = |b: Bound<Option<Decimal>>| match b {
            Bound::Included(d) => d.map(|d| Bound::Included(d.normalize())),
            Bound::Excluded(d) => d.map(|d| Bound::Excluded(d.normalize())),
            Bound::Unbounded => Some(Bound::Unbounded),
        };
        Some(Interval { low: open(low)?, high: open(high)? })
    }

    /// The ends, computed exactly and rounded inward to decimals; `None` for an end past a decimal's range.
    fn ends(self, value: Decimal, tolerance: Option<Decimal>) -> (Bound<Option<Decimal>>, Bound<Option<Decimal>>) {
        let v = Wide::new(value);
        let low = |w: Option<Wide>| Bound::Included(w.and_then(|w| w.to_decimal(Toward::Ceil)));
        let high = |w: Option<Wide>| Bound::Included(w.and_then(|w| w.to_decimal(Toward::Floor)));
        let r = || Wide::new(rounding_unit(value));
        match (self, tolerance) {
            (Qualifier::Exact | Qualifier::About, Some(t)) => {
                let t = Wide::new(t).and_then(Wide::abs);
                let sum = |minus: bool| {
                    let (v, t) = (v?, t?);
                    if minus { v.checked_sub(t) } else { v.checked_add(t) }
                };
                (low(sum(true)), high(sum(false)))
            }
            (Qualifier::Exact, None) => (Bound::Included(Some(value)), Bound::Included(Some(value))),
            (Qualifier::About, None) => {
                let half = || {
                    let by_rounding = r()?.times_ratio(1, 2)?;
                    let by_percent = v?.abs()?.times_ratio(2, 100)?;
                    Some(by_rounding.max(by_percent))
                };
                let half = half();
                (
                    low(v.zip(half).and_then(|(v, h)| v.checked_sub(h))),
                    high(v.zip(half).and_then(|(v, h)| v.checked_add(h))),
                )
            }
            (Qualifier::MoreThan, _) => (Bound::Excluded(Some(value)), Bound::Unbounded),
            (Qualifier::AtLeast, _) => (Bound::Included(Some(value)), Bound::Unbounded),
            (Qualifier::Nearly, _) => {
                (low(v.zip(r()).and_then(|(v, r)| v.checked_sub(r))), Bound::Excluded(Some(value)))
            }
            (Qualifier::AtMost, _) => (Bound::Unbounded, Bound::Included(Some(value))),
        }
    }

    /// True for the qualifiers a `fill` report may have.
    #[must_use]
    pub fn can_fill(self) -> bool {
        matches!(self, Qualifier::Exact | Qualifier::About)
    }
}

/// The place of the last non-zero digit of `v`: 53000 → 1000, 1581 → 1, 2.5 → 0.1 (1 for zero).
///
/// # Example
///
/// ```
/// use relief_ledger::rounding_unit;
/// use relief_ledger::rust_decimal::Decimal;
///
/// assert_eq!(rounding_unit(Decimal::from(53_000)), Decimal::from(1000));
/// assert_eq!(rounding_unit(Decimal::from(1581)), Decimal::ONE);
/// assert_eq!(rounding_unit(Decimal::new(25, 1)), Decimal::new(1, 1));
/// ```
#[must_use]
pub fn rounding_unit(v: Decimal) -> Decimal {
    let v = v.normalize();
    if v.is_zero() {
        return Decimal::ONE;
    }
    if v.scale() > 0 {
        return Decimal::new(1, v.scale());
    }
    let mut m = v.mantissa().unsigned_abs();
    let mut r = Decimal::ONE;
    while m % 10 == 0 {
        m /= 10;
        r *= Decimal::TEN;
    }
    r
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Qualifier {
    type Err = Error;

    fn from_str(s: &str) -> Result<Qualifier, Error> {
        Qualifier::ALL.into_iter().find(|q| q.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Qualifier::ALL.iter().map(|q| q.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "qualifier", unknown_name("qualifier", s, &known))
        })
    }
}

/// "a" or "an" before `word`, by its first letter (`an at-least figure`, `a more-than figure`).
pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Whether a report is only checked, or fills the ledger's shortfall with an unattributed entry.
///
/// # Example
///
/// ```
/// use relief_ledger::{Kind, Mode, Qualifier, Report};
///
/// assert_eq!(Mode::default(), Mode::Check);
/// assert_eq!("fill".parse::<Mode>()?, Mode::Fill);
/// assert_eq!(Mode::Fill.to_string(), "fill");
/// // Only exact and about figures can fill; a bound ("more than") says too little.
/// assert!(Qualifier::About.can_fill() && !Qualifier::MoreThan.can_fill());
/// let bound = Report::builder("tass", "2020-12-01".parse()?, Kind::Returnees, "27000 persons".parse()?)
///     .qualifier(Qualifier::MoreThan)
///     .mode(Mode::Fill)
///     .build();
/// assert!(bound.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Compare the figure with the ledger.
    #[default]
    Check,
    /// Record the part of the figure that the ledger lacks as an unattributed entry.
    Fill,
}

impl Mode {
    /// The spelling used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Fill => "fill",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Mode, Error> {
        match s {
            "check" => Ok(Mode::Check),
            "fill" => Ok(Mode::Fill),
            _ => Err(Error::problem(ProblemKind::NotAllowed, "mode", unknown_name("mode", s, &["check", "fill"]))),
        }
    }
}

/// A range of figures, each end open, inclusive or exclusive.
///
/// A [`Qualifier`] turns a published figure into one; verification asks where the ledger's figure
/// lies in it. It prints, parses and serializes as `[51940, 54060]`, `(27000, ∞)`, `(-∞, 50]`.
///
/// # Example
///
/// ```
/// use std::cmp::Ordering;
/// use std::ops::Bound;
///
/// use relief_ledger::rust_decimal::Decimal;
/// use relief_ledger::{Interval, Qualifier};
///
/// // "About 53 thousand" (the seed statement): rounding unit 1000 gives ±500, widened to ±2 %.
/// let about = Qualifier::About.interval(Decimal::from(53_000), None);
/// assert_eq!(about.to_string(), "[51940, 54060]");
/// assert_eq!(about.low(), Bound::Included(Decimal::from(51_940)));
/// assert!(about.contains(Decimal::from(53_500)));
/// // 49,054 had returned by 2021-01-13 (Sputnik): below the interval.
/// assert_eq!(about.locate(Decimal::from(49_054)), Ordering::Less);
///
/// // "More than 27,000" (TASS, 2020-12-01) is open above and excludes 27,000 itself.
/// let more = Qualifier::MoreThan.interval(Decimal::from(27_000), None);
/// assert_eq!(more.high(), Bound::Unbounded);
/// assert!(!more.contains(Decimal::from(27_000)));
/// assert_eq!(more.to_string(), "(27000, ∞)");
/// assert_eq!("(27000, ∞)".parse::<Interval>()?, more);
/// assert_eq!(serde_json::to_string(&more)?, r#""(27000, ∞)""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    pub(super) low: Bound<Decimal>,
    pub(super) high: Bound<Decimal>,
}

impl Interval {
    /// The lower end.
    #[must_use]
    pub fn low(&self) -> Bound<Decimal> {
        self.low
    }

    /// The upper end.
    #[must_use]
    pub fn high(&self) -> Bound<Decimal> {
        self.high
    }

    /// Where `x` lies: `Less` below the interval, `Equal` inside, `Greater` above.
    #[must_use]
    pub fn locate(&self, x: Decimal) -> Ordering {
        let below = match self.low {
            Bound::Included(l) => x < l,
            Bound::Excluded(l) => x <= l,
            Bound::Unbounded => false,
        };
        let above = match self.high {
            Bound::Included(h) => x > h,
            Bound::Excluded(h) => x >= h,
            Bound::Unbounded => false,
        };
        if below {
            Ordering::Less
        } else if above {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    /// True when `x` lies in the interval.
    #[must_use]
    pub fn contains(&self, x: Decimal) -> bool {
        self.locate(x) == Ordering::Equal
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.low {
            Bound::Included(l) => write!(f, "[{l}, ")?,
            Bound::Excluded(l) => write!(f, "({l}, ")?,
            Bound::Unbounded => f.write_str("(-∞, ")?,
        }
        match self.high {
            Bound::Included(h) => write!(f, "{h}]"),
            Bound::Excluded(h) => write!(f, "{h})"),
            Bound::Unbounded => f.write_str("∞)"),
        }
    }
}

impl FromStr for Interval {
    type Err = Error;

    /// Parses an interval as [`Display`](fmt::Display) writes it: `[40, 50]`, `(40, ∞)`, `(-∞, 50]`,
    /// `[2000, 2100)`.
    fn from_str(s: &str) -> Result<Interval, Error> {
        let bad = |why: &str| {
            Error::problem(
                ProblemKind::Malformed,
                "interval",
                format!(
                    "{} is not an interval: {why}; write [low, high], with ( or ) for an open end and ∞ for none",
                    echo(s)
                ),
            )
        };
        let t = s.trim();
        let (Some(open), Some(close)) = (t.chars().next(), t.chars().last()) else {
            return Err(bad("it is empty"));
        };
        let inner = t.get(open.len_utf8()..t.len() - close.len_utf8()).ok_or_else(|| bad("it has no ends"))?;
        let (a, b) = inner.split_once(',').ok_or_else(|| bad("it has no comma between its ends"))?;
        let number = |x: &str| x.trim().parse::<Decimal>().map_err(|_| bad("an end is not a decimal"));
        let low = match (open, a.trim()) {
            ('(', "-∞") => Bound::Unbounded,
            ('[', _) => Bound::Included(number(a)?),
            ('(', _) => Bound::Excluded(number(a)?),
            _ => return Err(bad("it does not start with [ or (")),
        };
        let high = match (close, b.trim()) {
            (')', "∞") => Bound::Unbounded,
            (']', _) => Bound::Included(number(b)?),
            (')', _) => Bound::Excluded(number(b)?),
            _ => return Err(bad("it does not end with ] or )")),
        };
        if let (Bound::Included(l) | Bound::Excluded(l), Bound::Included(h) | Bound::Excluded(h)) = (low, high) {
            if h < l {
                return Err(bad("its high end is below its low end"));
            }
        }
        Ok(Interval { low, high })
    }
}
