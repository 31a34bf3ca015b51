//! The outcome of verifying one report: its status, figures, fill and the entries that explain it.

use std::fmt;
use std::ops::Bound;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::error::{Error, ProblemKind, unknown_name};
use crate::quantity::{Quantity, Unit, decimal_str, exact_sub};

use super::*;

/// The outcome of verifying one report.
///
/// It prints, parses and serializes as `ok`, `short`, `over`, `filled`.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, Status, parse_claims};
///
/// // 44 detainees handed over to Armenia on 2020-12-14 (AP).
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
/// ])?;
/// let claims = parse_claims([
///     "exact 44 persons detainee-transfer to=ARM until=2020-12-14 id=ap",
///     "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa",
/// ])?;
/// let v = ledger.verify(&claims)?;
/// for outcome in v.outcomes() {
///     match outcome.status() {
///         Status::Ok | Status::Filled => {}
///         Status::Short => println!("{}: events are missing, or the figure is inflated", outcome.report_id()),
///         Status::Over => println!("{}: the figure is contradicted", outcome.report_id()),
///         _ => println!("{}: {}", outcome.report_id(), outcome.status()),
///     }
/// }
/// let statuses: Vec<Status> = v.outcomes().iter().map(|o| o.status()).collect();
/// assert_eq!(statuses, [Status::Ok, Status::Short]);
/// assert!(Status::Ok.is_success() && Status::Filled.is_success() && !Status::Short.is_success());
/// assert_eq!("filled".parse::<Status>()?, Status::Filled);
/// assert_eq!(serde_json::to_string(&Status::Short)?, r#""short""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// The ledger's figure lies in the report's interval.
    Ok,
    /// The ledger holds less: events are missing, or the report is inflated.
    Short,
    /// The ledger holds more: the report is contradicted, or the ledger double counts.
    Over,
    /// A `fill` report whose shortfall was recorded as an unattributed entry.
    Filled,
    /// The ledger's figure is an interval (entries dated to a month, a year or a range that the
    /// report's period holds in part) that lies neither wholly inside the report's interval nor
    /// wholly outside it: the figure holds for some datings of the record and not for others.
    Undecided,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 5] = [Status::Ok, Status::Short, Status::Over, Status::Filled, Status::Undecided];

    /// The spelling used in output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Short => "short",
            Status::Over => "over",
            Status::Filled => "filled",
            Status::Undecided => "undecided",
        }
    }

    /// True for `ok`, `filled` and `undecided` (the record does not contradict the figure).
    #[must_use]
    pub fn is_success(self) -> bool {
        matches!(self, Status::Ok | Status::Filled | Status::Undecided)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Status, Error> {
        Status::ALL.into_iter().find(|q| q.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Status::ALL.iter().map(|q| q.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "status", unknown_name("status", s, &known))
        })
    }
}

serde_via_str!(Qualifier, Mode, Status, Interval);

/// What verification found for one report; figures are in the report's unit.
///
/// An outcome knows its report's id, figure and qualifier, so that it stands alone once the
/// [`Verification`] is gone.
///
/// # Serde
///
/// An outcome serializes to the record `relief-ledger verify --format json` prints (see
/// [`OUTCOME_COLUMNS`](crate::OUTCOME_COLUMNS) and [`outcome_record`](crate::outcome_record)): every
/// field in that order, figures as strings, `null` where a field has none. Deserializing reads the
/// same record back and checks it (known status and qualifier, figures that are decimals, an interval
/// whose ends match `low` and `high`); a deserialized outcome belongs to no verification, so
/// [`Outcome::report_index`] is `None` and [`Verification::entries`] finds no entries for it.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, Outcome, Status, parse_claim};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
/// ])?;
/// let claims = [parse_claim("more-than 40 persons detainee-transfer to=ARM until=2020-12-31 id=dec")?];
/// let v = ledger.verify(&claims)?;
/// let outcome = &v.outcomes()[0];
/// assert_eq!(outcome.report_id(), "dec");
/// assert_eq!(outcome.ledger_quantity().to_string(), "44 persons");
/// assert_eq!(outcome.reported().to_string(), "40 persons");
///
/// let json = serde_json::to_string(outcome)?;
/// assert_eq!(
///     json,
///     r#"{"id":"dec","status":"ok","reported":"40","qualifier":"more-than","unit":"persons","low":"40","high":null,"ledger":"44","ledger_high":"44","difference":"4","filled":null,"interval":"(40, ∞)"}"#
/// );
/// let back: Outcome = serde_json::from_str(&json)?;
/// assert_eq!(back.status(), Status::Ok);
/// assert_eq!(back.report_id(), "dec");
/// assert_eq!(back.interval(), outcome.interval());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Two outcomes are equal when their records are: the report's id, the figure, the qualifier, the
/// status, the interval, the ledger's figure, the difference and the fill. Where in a verification an
/// outcome was made is not compared, so an outcome sent as JSON and read back equals the one sent.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The report's position in the slice verified; `usize::MAX` for an outcome read from a record.
    pub(super) report: usize,
    pub(super) report_id: Arc<str>,
    pub(super) reported: Quantity,
    pub(super) qualifier: Qualifier,
    pub(super) status: Status,
    pub(super) interval: Interval,
    pub(super) ledger: Decimal,
    /// The upper end of the ledger's figure (`ledger` plus what possibly counts).
    pub(super) ledger_high: Decimal,
    /// Ledger − reported, exact (verification refuses a report whose difference a decimal cannot hold).
    pub(super) difference: Decimal,
    pub(super) filled: Option<Decimal>,
    pub(super) span: Span,
}

impl Outcome {
    /// The data an outcome's record holds, for equality and hashing.
    #[allow(clippy::type_complexity)]
    pub(super) fn record_key(&self) -> (&str, &Quantity, Qualifier, Status, &Interval, [Decimal; 3], Option<Decimal>) {
        (
            &self.report_id,
            &self.reported,
            self.qualifier,
            self.status,
            &self.interval,
            [self.ledger, self.ledger_high, self.difference],
            self.filled,
        )
    }
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Outcome) -> bool {
        self.record_key() == other.record_key()
    }
}

impl Eq for Outcome {}

impl std::hash::Hash for Outcome {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.record_key().hash(state);
    }
}

/// The fields of an outcome record as serde reads them (see [`OUTCOME_COLUMNS`](crate::OUTCOME_COLUMNS)).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutcomeRecord {
    pub(super) id: String,
    pub(super) status: Status,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    pub(super) reported: Decimal,
    pub(super) qualifier: Qualifier,
    pub(super) unit: Unit,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    pub(super) low: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    pub(super) high: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    pub(super) ledger: Decimal,
    /// Absent in records written before dates could be spans: then the same as `ledger`.
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    pub(super) ledger_high: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    pub(super) difference: Decimal,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    pub(super) filled: Option<Decimal>,
    pub(super) interval: Interval,
}

impl<'de> serde::Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        use serde::de::Error as _;
        let r = OutcomeRecord::deserialize(d)?;
        let end = |b: Bound<Decimal>| match b {
            Bound::Included(x) | Bound::Excluded(x) => Some(x),
            Bound::Unbounded => None,
        };
        if end(r.interval.low) != r.low || end(r.interval.high) != r.high {
            return Err(D::Error::custom(format!(
                "field interval: {} does not have the ends low and high give; write them alike",
                r.interval
            )));
        }
        if exact_sub(r.ledger, r.reported) != Some(r.difference) {
            return Err(D::Error::custom(format!(
                "field difference: {} is not ledger − reported ({} − {}); write the exact difference",
                r.difference, r.ledger, r.reported
            )));
        }
        let reported = Quantity::new(r.reported, r.unit).map_err(D::Error::custom)?;
        let ledger_high = r.ledger_high.unwrap_or(r.ledger);
        if ledger_high < r.ledger {
            return Err(D::Error::custom(format!(
                "field ledger_high: {ledger_high} is below ledger {}; write the upper end of the ledger's figure",
                r.ledger
            )));
        }
        Ok(Outcome {
            report: usize::MAX,
            report_id: r.id.into(),
            reported,
            qualifier: r.qualifier,
            status: r.status,
            interval: r.interval,
            ledger: r.ledger,
            ledger_high,
            difference: r.difference,
            filled: r.filled,
            span: Span::default(),
        })
    }
}

/// Where an outcome's contributing entries are: a range of one index bucket, and some fill entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(super) struct Span {
    pub(super) bucket: Option<(usize, usize, usize, usize)>,
    /// Rows dated to a span that count surely or possibly.
    pub(super) spans: Vec<u32>,
    pub(super) fills: Vec<usize>,
    /// For a count of exchanges: the positions of the ledger's entries of the exchanges counted.
    pub(super) exchanges: Vec<u32>,
}

impl Outcome {
    /// The outcome.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// The id of the report the outcome is about.
    #[must_use]
    pub fn report_id(&self) -> &str {
        &self.report_id
    }

    /// The reported figure, with its unit.
    #[must_use]
    pub fn reported(&self) -> Quantity {
        self.reported
    }

    /// The report's qualifier.
    #[must_use]
    pub fn qualifier(&self) -> Qualifier {
        self.qualifier
    }

    /// The ledger's figure before this report's own fill, in the report's unit: what surely counts.
    #[must_use]
    pub fn ledger_quantity(&self) -> Quantity {
        Quantity::unchecked(self.ledger, self.reported.unit())
    }

    /// The upper end of the ledger's figure: [`Outcome::ledger`] plus the entries that possibly
    /// count (dated to a month, a year or a range that the report's period holds in part); equal
    /// to it when every entry in scope is known to the day.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Status, parse_claim};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::returnees("2024-01-01".parse()?, "100 persons".parse()?).to("UKR").build()?,
    ///     Entry::returnees("2023-01-01".parse()?, "50 persons".parse()?).date("2023..2024".parse()?).to("UKR").build()?,
    /// ])?;
    /// let claims = [parse_claim("exact 120 persons returnees since=2024 until=2024 id=r")?];
    /// let v = ledger.verify(&claims)?;
    /// let o = &v.outcomes()[0];
    /// assert_eq!((o.ledger().to_string(), o.ledger_high().to_string()), ("100".into(), "150".into()));
    /// assert_eq!(o.status(), Status::Undecided);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn ledger_high(&self) -> Decimal {
        self.ledger_high
    }

    /// The quantity added by this report's fill, in the report's unit, if it filled.
    #[must_use]
    pub fn filled_quantity(&self) -> Option<Quantity> {
        self.filled.map(|f| Quantity::unchecked(f, self.reported.unit()))
    }

    /// The ledger's figure minus the reported one, exact, in the report's unit.
    #[must_use]
    pub fn difference(&self) -> Decimal {
        self.difference
    }

    /// The interval the reported figure stands for.
    #[must_use]
    pub fn interval(&self) -> Interval {
        self.interval
    }

    /// The ledger's figure, before this report's own fill.
    #[must_use]
    pub fn ledger(&self) -> Decimal {
        self.ledger
    }

    /// The quantity added by this report's fill, if it filled.
    #[must_use]
    pub fn filled(&self) -> Option<Decimal> {
        self.filled
    }

    /// The position of the report in the slice given to [`Ledger::verify`]; `None` for an outcome
    /// deserialized from a record.
    #[must_use]
    pub fn report_index(&self) -> Option<usize> {
        (self.report != usize::MAX).then_some(self.report)
    }
}
