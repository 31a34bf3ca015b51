//! Verification of reports against a ledger: outcomes, fills, and the index of prefix sums that
//! makes each report cost a hash lookup and two binary searches.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Bound;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Entry, EntryBuilder, Id};
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo, unknown_name};
use crate::hash::{FxHashMap, TextMap};
use crate::ledger::{Ledger, Row};
use crate::period::{Coverage, EntryDate, Period};
use crate::quantity::{ExactSum, Quantity, Unit, decimal_str, exact_sub, pow10};
use crate::query::Scope;

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
    report: usize,
    report_id: Arc<str>,
    reported: Quantity,
    qualifier: Qualifier,
    status: Status,
    interval: Interval,
    ledger: Decimal,
    /// The upper end of the ledger's figure (`ledger` plus what possibly counts).
    ledger_high: Decimal,
    /// Ledger − reported, exact (verification refuses a report whose difference a decimal cannot hold).
    difference: Decimal,
    filled: Option<Decimal>,
    span: Span,
}

impl Outcome {
    /// The data an outcome's record holds, for equality and hashing.
    #[allow(clippy::type_complexity)]
    fn record_key(&self) -> (&str, &Quantity, Qualifier, Status, &Interval, [Decimal; 3], Option<Decimal>) {
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
struct OutcomeRecord {
    id: String,
    status: Status,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    reported: Decimal,
    qualifier: Qualifier,
    unit: Unit,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    low: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    high: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    ledger: Decimal,
    /// Absent in records written before dates could be spans: then the same as `ledger`.
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    ledger_high: Option<Decimal>,
    #[serde(deserialize_with = "decimal_str::deserialize")]
    difference: Decimal,
    #[serde(deserialize_with = "decimal_str::option::deserialize", default)]
    filled: Option<Decimal>,
    interval: Interval,
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
struct Span {
    bucket: Option<(usize, usize, usize, usize)>,
    /// Rows dated to a span that count surely or possibly.
    spans: Vec<u32>,
    fills: Vec<usize>,
    /// For a count of exchanges: the positions of the ledger's entries of the exchanges counted.
    exchanges: Vec<u32>,
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

/// The result of [`Ledger::verify`]: an outcome per report, in the reports' order, the unattributed
/// entries that `fill` reports added, and the entries behind each figure.
///
/// Two verifications are equal when they hold equal outcomes and fills (whatever ledger they came from).
///
/// # Example
///
/// Cargo in public reports (TASS: 45 t of construction material and 300 t on 2020-11-24;
/// MoD: 145 t on 2021-04-07 and 155 t of humanitarian supplies on 2021-05-26), checked against the
/// Ministry of Defence's "about 2,100 t" of 2021-04-07, and the seed statement's 1,581 t of
/// humanitarian cargo filled:
///
/// ```
/// use relief_ledger::{Category, Entry, Ledger, Status, parse_claims};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2020-11-24".parse()?, "45 t".parse()?).id("c1").category(Category::ConstructionMaterial).to("NKR").build()?,
///     Entry::cargo("2020-11-24".parse()?, "300 t".parse()?).id("c2").to("NKR").build()?,
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).id("c3").to("NKR").build()?,
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).id("c4").category(Category::Humanitarian).to("NKR").build()?,
/// ])?;
/// let reports = parse_claims([
///     "about 2100 t cargo until=2021-04-07 id=mod source=MoD",
///     "exact 1581 t cargo category=humanitarian since=2020-12 until=2021-06 published=2021-11-09 mode=fill id=mfa",
/// ])?;
/// let v = ledger.verify(&reports)?;
/// assert!(!v.is_success());
///
/// let mod_ = v.outcome("mod").ok_or("no outcome for mod")?;
/// assert_eq!(mod_.status(), Status::Short);
/// assert_eq!(v.difference(mod_).to_string(), "-1610"); // 490 t recorded, 2,100 t reported
/// // The fill below, dated over December 2020 to June 2021, possibly counts too; even with it the
/// // ledger holds less than about 2,100 t.
/// let entries = v.entries(mod_);
/// let ids: Vec<&str> = entries.iter().map(|e| e.id()).collect();
/// assert_eq!(ids, ["c1", "c2", "fill:mfa", "c3"]);
/// assert_eq!(v.report(mod_).and_then(|r| r.source()), Some("MoD"));
///
/// // The fill is an unattributed entry of what no dated event explains.
/// let mfa = v.outcome("mfa").ok_or("no outcome for mfa")?;
/// assert_eq!(mfa.status(), Status::Filled);
/// assert_eq!(v.fills().len(), 1);
/// assert_eq!(v.fills()[0].quantity().to_string(), "1426 t");
/// assert_eq!(v.fills()[0].unattributed(), Some("mfa"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Serde
///
/// Serializes (it borrows the ledger and the reports, so it does not deserialize) as an object of
/// the outcomes, each as [`Outcome`] serializes, and the fills' entries as records of the JSON file
/// format: `{"outcomes": [{"id": "mfa", "status": "filled", …}], "fills": [{"id": "fill:mfa", …}]}`.
///
/// ```
/// use relief_ledger::{Entry, Ledger, parse_claim};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
/// ])?;
/// let claims = [parse_claim("exact 50 persons detainee-transfer to=ARM until=2020-12-31 id=arm mode=fill")?];
/// let v = ledger.verify(&claims)?;
/// let json = serde_json::to_value(&v)?;
/// assert_eq!(json["outcomes"][0]["status"], "filled");
/// assert_eq!(json["outcomes"][0]["filled"], "6");
/// assert_eq!(json["fills"][0]["id"], "fill:arm");
/// assert_eq!(json["fills"][0]["quantity"], "6");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verification<'a> {
    ledger: &'a Ledger,
    reports: &'a [Report],
    outcomes: Vec<Outcome>,
    /// The outcome of each report id.
    by_id: TextMap<&'a str, usize>,
    fills: Vec<Entry>,
    /// The ends of the fill reports applied so far, per running total: scope (without its period),
    /// start and dimension; ascending, since fills are made in order of their ends.
    running: FxHashMap<(Scope, Option<NaiveDate>, u8), Vec<NaiveDate>>,
    index: Index,
}

impl PartialEq for Verification<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.outcomes == other.outcomes && self.fills == other.fills
    }
}

impl<'a> Verification<'a> {
    /// The outcomes, one per report, in the order the reports were given.
    #[must_use]
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The outcome of the report with this id.
    #[must_use]
    pub fn outcome(&self, report_id: &str) -> Option<&Outcome> {
        self.by_id.get(report_id).and_then(|&i| self.outcomes.get(i))
    }

    /// The report an outcome is about, found by the outcome's report id (so an outcome read back from
    /// a record finds its report too); `None` when no report of this verification has that id.
    #[must_use]
    pub fn report(&self, outcome: &Outcome) -> Option<&'a Report> {
        match self.reports.get(outcome.report) {
            Some(r) if r.id() == outcome.report_id() => Some(r),
            _ => self.by_id.get(outcome.report_id()).and_then(|&i| self.reports.get(i)),
        }
    }

    /// The difference between the ledger's figure and the reported one (ledger − reported).
    #[must_use]
    pub fn difference(&self, outcome: &Outcome) -> Decimal {
        outcome.difference
    }

    /// The unattributed entries added by `fill` reports, in the order they were applied.
    #[must_use]
    pub fn fills(&self) -> &[Entry] {
        &self.fills
    }

    /// The ledger the reports were verified against.
    #[must_use]
    pub fn ledger(&self) -> &'a Ledger {
        self.ledger
    }

    /// True when every report is `ok`, `filled` or `undecided`.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.outcomes.iter().all(|o| o.status.is_success())
    }

    /// The entries that make up the ledger's figure for an outcome, in date order: the ledger's own
    /// entries, and unattributed entries of earlier fills. For a number of exchanges: the entries in
    /// the report's scope and period that belong to an exchange.
    #[must_use]
    pub fn entries(&self, outcome: &Outcome) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        if let Some((shape, bucket, lo, hi)) = outcome.span.bucket {
            if let Some(b) = self.index.shapes.get(shape).and_then(|s| s.buckets.get(bucket)) {
                let rows = self.ledger.rows();
                out.extend(
                    b.rows
                        .get(lo..hi)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|&i| rows.get(i as usize))
                        .map(|r| self.ledger.entry(r)),
                );
            }
        }
        let rows = self.ledger.rows();
        out.extend(outcome.span.spans.iter().filter_map(|&i| rows.get(i as usize)).map(|r| self.ledger.entry(r)));
        out.extend(outcome.span.fills.iter().filter_map(|&i| self.fills.get(i)).cloned());
        out.extend(outcome.span.exchanges.iter().map(|&p| self.ledger.entry_at(p)));
        out.sort_by_key(|e| e.date());
        out
    }
}

impl Ledger {
    /// Verifies `reports` against the ledger.
    ///
    /// `fill` reports are applied first, in order of their period's end, then published date, then id:
    /// each adds the part of its figure that the ledger (with earlier fills) lacks, its value minus
    /// the upper end of the ledger's figure, as an unattributed entry dated over the gap it explains,
    /// or is checked like any report when nothing is lacking. The gap runs from the day after the end
    /// of the latest earlier `fill` report of the same scope, start and dimension (a running total's
    /// previous fill) or, without one, from the start of the report's period (without a `since`: the
    /// first day of the earliest entry of its scope and dimension that meets the period; without any,
    /// its end), to the end of its period. Check reports are then evaluated with every fill applied.
    ///
    /// The ledger's figure is an interval `[S, S + M]`: S the entries whose dates lie within the
    /// report's period, M those whose dates (a month, a year, a range) meet it in part. A report is
    /// `ok` when the whole interval lies in the report's, `short` or `over` when it lies wholly
    /// below or above it, and `undecided` otherwise.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Kind, Ledger, Mode, Report, Status};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
    /// ])?;
    /// let reports = [
    ///     Report::builder("r105", "2021-11-09".parse()?, Kind::DetaineeTransfer, "105 persons".parse()?)
    ///         .to("ARM").since("2020-12-02".parse()?).mode(Mode::Fill).build()?,
    ///     Report::builder("r44", "2020-12-15".parse()?, Kind::DetaineeTransfer, "44 persons".parse()?)
    ///         .to("ARM").build()?,
    /// ];
    /// let v = ledger.verify(&reports)?;
    /// let filled = &v.outcomes()[0];
    /// assert_eq!(filled.status(), Status::Filled);
    /// assert_eq!(filled.ledger().to_string(), "44");
    /// assert_eq!(filled.filled().unwrap().to_string(), "61");
    /// assert_eq!(v.fills()[0].unattributed(), Some("r105"));
    /// // Dated over the gap it explains: its report's period.
    /// assert_eq!(v.fills()[0].date().to_string(), "2020-12-02..2021-11-09");
    /// // So "44 by 2020-12-15" holds if none of the 61 came by then, and not otherwise.
    /// assert_eq!(v.outcomes()[1].status(), Status::Undecided);
    /// assert_eq!(v.outcomes()[1].ledger_high().to_string(), "105");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Two reports with one id; a ledger's figure, or its exact difference from a report's figure,
    /// that does not fit a decimal (a problem of field `value` whose position names the report, never
    /// a rounded figure).
    pub fn verify<'a>(&'a self, reports: &'a [Report]) -> Result<Verification<'a>, Error> {
        let mut problems = Vec::new();
        let mut by_id: TextMap<&str, usize> = TextMap::default();
        for (i, r) in reports.iter().enumerate() {
            if by_id.insert(r.id(), i).is_some() {
                let p = Problem::new(
                    ProblemKind::DuplicateId,
                    "id",
                    format!("{} is used by two reports; ids must be unique", echo(r.id())),
                )
                .at(Position::new().with_id(r.id(), RecordKind::Report));
                problems.push(p);
            }
        }
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        let index = Index::build(self, reports);
        let mut v = Verification {
            ledger: self,
            reports,
            by_id,
            outcomes: Vec::with_capacity(reports.len()),
            fills: Vec::new(),
            running: FxHashMap::default(),
            index,
        };
        let mut results: Vec<Option<Outcome>> = vec![None; reports.len()];
        for i in fill_order(reports) {
            results[i] = Some(v.fill(i)?);
        }
        for (i, slot) in results.iter_mut().enumerate() {
            if slot.is_none() {
                let (low, high, span) = v.figure(i)?;
                *slot = Some(v.judge(i, low, high, span)?);
            }
        }
        v.outcomes = results.into_iter().flatten().collect();
        Ok(v)
    }
}

/// The last day of a report's period.
fn report_end(r: &Report) -> NaiveDate {
    r.scope.period.end().unwrap_or(r.published)
}

impl Ledger {
    /// The fills of the `fill` reports among `reports`, for the audit: each as the report's index
    /// and the quantity added (in the report's unit), made as [`Ledger::verify`] makes them, except
    /// that a report whose fill cannot be computed (a figure that does not fit a decimal) adds none
    /// instead of failing the whole, and ids are not checked.
    pub(crate) fn fills_that_compute(&self, reports: &[Report]) -> Vec<(usize, Decimal)> {
        let mut v = Verification {
            ledger: self,
            reports,
            by_id: TextMap::default(),
            outcomes: Vec::new(),
            fills: Vec::new(),
            running: FxHashMap::default(),
            index: Index::build(self, reports),
        };
        fill_order(reports).into_iter().filter_map(|i| Some((i, v.fill(i).ok()?.filled?))).collect()
    }
}

/// The `fill` reports, in the order their fills are made: by the end of their period, then the
/// day they were published, then id.
fn fill_order(reports: &[Report]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..reports.len()).filter(|&i| reports[i].mode == Mode::Fill).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&reports[a], &reports[b]);
        (ra.scope.period.end(), ra.published, &ra.id).cmp(&(rb.scope.period.end(), rb.published, &rb.id))
    });
    order
}

impl Verification<'_> {
    /// The outcome of `fill` report `i`, its fill (if the ledger's figure, at its upper end, is below
    /// its figure) added to those made so far, dated over the gap it explains; on an error, nothing
    /// is added (but the report still ends its running total's previous gap).
    fn fill(&mut self, i: usize) -> Result<Outcome, Error> {
        let r = &self.reports[i];
        let end = report_end(r);
        let key = (
            Scope { period: Period::all(), ..r.scope.clone() },
            r.scope.period.start(),
            r.value.dimension().index() as u8,
        );
        let ends = self.running.entry(key).or_default();
        let previous = ends.partition_point(|e| *e < end).checked_sub(1).and_then(|k| ends.get(k)).copied();
        // Fills are made in order of their ends, so the ends stay ascending.
        ends.push(end);
        let (low, high, span) = self.figure(i)?;
        let target = r.value.value();
        let mut outcome = self.judge(i, low, high, span)?;
        if high < target {
            let missing = exact_sub(target, high)
                .ok_or_else(|| too_wide(r, "the part of its figure that the ledger lacks", target, high))?;
            let first = match previous.and_then(|p| p.succ_opt()) {
                Some(day) => day,
                None => self.gap_start(r),
            };
            let entry = fill_entry(r, missing, first.min(end))?;
            outcome.status = Status::Filled;
            outcome.filled = Some(missing);
            self.fills.push(entry);
        }
        Ok(outcome)
    }

    /// Where the gap of a fill with no earlier fill of its running total starts: its `since`, else
    /// the first day of the earliest entry of its scope and dimension that meets its period (earlier
    /// fills' entries included), else its end.
    fn gap_start(&self, r: &Report) -> NaiveDate {
        if let Some(start) = r.scope.period.start() {
            return start;
        }
        let dim = r.value.dimension();
        let of_dim = |e: &Entry| e.quantity().dimension() == dim;
        let ledger = self.ledger.select(&r.scope).find(of_dim).map(|e| e.date().first_day());
        let fills = self
            .fills
            .iter()
            .filter(|e| r.scope.may_match(e))
            .filter(|e| of_dim(e))
            .map(|e| e.date().first_day())
            .min();
        match (ledger, fills) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or_else(|| report_end(r)),
        }
    }

    /// The ledger's figure for report `i` (in its unit), with the fills made so far: what surely
    /// counts, and that plus what possibly does.
    fn figure(&self, i: usize) -> Result<(Decimal, Decimal, Span), Error> {
        let r = &self.reports[i];
        let dim = r.value.dimension();
        if dim == crate::quantity::Dimension::Exchanges {
            // Distinct exchange ids among the entries in scope and period, whatever their unit;
            // fills make no exchange (a fill in exchanges is refused when the report is built).
            // An exchange counts surely when one of its entries surely lies in the period, and
            // possibly when one possibly does.
            let (symbols, exchanges) = self.ledger.exchanges_in(&r.scope);
            let sure = symbols.iter().filter(|(_, sure)| *sure).count();
            let span = Span { bucket: None, spans: Vec::new(), fills: Vec::new(), exchanges };
            return Ok((Decimal::from(sure), Decimal::from(symbols.len()), span));
        }
        let mut sum = ExactSum::default();
        let mut maybe = ExactSum::default();
        let mut spans = Vec::new();
        let bucket = self.index.lookup(i, &r.scope.period, self.ledger, &mut sum, &mut maybe, &mut spans);
        let mut span = Span { bucket, spans, fills: Vec::new(), exchanges: Vec::new() };
        for (j, e) in self.fills.iter().enumerate() {
            if e.quantity().dimension() != dim {
                continue;
            }
            match r.scope.coverage(e) {
                Coverage::Sure => sum.add(e.quantity().canonical()?.value()),
                Coverage::Possible => maybe.add(e.quantity().canonical()?.value()),
                Coverage::None => continue,
            }
            span.fills.push(j);
        }
        let overflow = || {
            let p = Problem::new(
                ProblemKind::Overflow,
                "value",
                format!(
                    "the ledger's figure for report {} does not fit a decimal (the largest is {}); \
                     look for a misplaced decimal point among the quantities in its scope",
                    r.id,
                    Decimal::MAX
                ),
            )
            .at(Position::new().with_id(r.id.to_string(), RecordKind::Report));
            Error::invalid(vec![p])
        };
        let canon = sum.value().ok_or_else(overflow)?;
        let q = Quantity::new(canon, dim.canonical_unit())?.to_unit(r.value.unit()).map_err(|_| overflow())?;
        let extra = maybe.value().ok_or_else(overflow)?;
        if extra.is_zero() {
            return Ok((q.value(), q.value(), span));
        }
        let mut total = sum;
        total.add(extra);
        let canon_high = total.value().ok_or_else(overflow)?;
        let high = Quantity::new(canon_high, dim.canonical_unit())?.to_unit(r.value.unit()).map_err(|_| overflow())?;
        Ok((q.value(), high.value(), span))
    }

    fn judge(&self, i: usize, ledger: Decimal, ledger_high: Decimal, span: Span) -> Result<Outcome, Error> {
        let r = &self.reports[i];
        let interval = r.interval();
        let status = match (interval.locate(ledger), interval.locate(ledger_high)) {
            (_, Ordering::Less) => Status::Short,
            (Ordering::Greater, _) => Status::Over,
            (Ordering::Equal, Ordering::Equal) => Status::Ok,
            _ => Status::Undecided,
        };
        let value = r.value.value();
        let difference =
            exact_sub(ledger, value).ok_or_else(|| too_wide(r, "the difference", ledger, value))?.normalize();
        Ok(Outcome {
            report: i,
            report_id: r.id.clone(),
            reported: r.value,
            qualifier: r.qualifier,
            status,
            interval,
            ledger,
            ledger_high,
            difference,
            filled: None,
            span,
        })
    }
}

/// The error for report `r` when an exact `a − b` (`what`) has more digits than a decimal holds:
/// it is refused rather than rounded.
fn too_wide(r: &Report, what: &str, a: Decimal, b: Decimal) -> Error {
    let p = Problem::new(
        ProblemKind::Overflow,
        "value",
        format!(
            "{what} between {a} and {b} does not fit a decimal (more than 28 digits); \
             the ledger's figure and the report's differ too far in scale to compare exactly"
        ),
    )
    .at(Position::new().with_id(r.id.to_string(), RecordKind::Report));
    Error::invalid(vec![p])
}

/// The unattributed entry of a fill of `missing`, dated from `first` to the end of the report's period.
pub(super) fn fill_entry(r: &Report, missing: Decimal, first: NaiveDate) -> Result<Entry, Error> {
    let s = &r.scope;
    let text = |t: &Option<Arc<str>>| t.as_deref().map(|s| Arc::new(s.to_string()));
    let builder = EntryBuilder {
        kind: r.kind(),
        date: EntryDate::days(first, report_end(r))?,
        quantity: Quantity::new(missing, r.value.unit())?,
        id: Some(Id::new(&format!("fill:{}", r.id))),
        category: s.category,
        mines: None,
        item: text(&s.item),
        from: text(&s.from),
        to: text(&s.to),
        via: text(&s.via),
        region: text(&s.region),
        source: text(&r.source),
        note: Some(Arc::new(format!("unattributed: the part of report {} that no dated event explains", r.id))),
        fills: Some(Arc::new(r.id.to_string())),
        exchange: None,
    };
    builder.build().map_err(|e| e.at(&Position::new().with_id(r.id.to_string(), RecordKind::Report)))
}

/// Which scope fields a report names: bits for kind, category, item, from, to, via, region.
type Shape = u8;
/// The values of a shape's fields, then the dimension.
type BucketKey = [u64; 4];

/// Per scope shape, the ledger's rows bucketed by key, for the reports being verified.
#[derive(Debug, Clone, Default)]
struct Index {
    shapes: Vec<ShapeIndex>,
    /// Per report: its shape slot and bucket key, or `None` when its scope names a value no entry has.
    keys: Vec<Option<(usize, BucketKey)>>,
}

#[derive(Debug, Clone, Default)]
struct ShapeIndex {
    buckets: Vec<Bucket>,
    by_key: FxHashMap<BucketKey, usize>,
}

/// Date-ordered rows of one key, with their dates and exact prefix sums at the bucket's largest scale.
#[derive(Debug, Clone, Default)]
struct Bucket {
    /// Rows known to the day, which the prefix sums cover.
    rows: Vec<u32>,
    /// Rows dated to a span (a month, a year, a range), few in real data: checked one by one.
    spans: Vec<u32>,
    dates: Vec<NaiveDate>,
    /// `prefix[i]`: the sum of the first `i` rows, times `10^scale`.
    prefix: Sums,
    scale: u32,
    overflow: bool,
}

/// Prefix sums in 64 bits while they fit (half the memory), in 128 once they do not.
#[derive(Debug, Clone)]
enum Sums {
    Narrow(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for Sums {
    fn default() -> Sums {
        Sums::Narrow(vec![0])
    }
}

impl Sums {
    fn last(&self) -> i128 {
        match self {
            Sums::Narrow(v) => v.last().copied().map_or(0, i128::from),
            Sums::Wide(v) => v.last().copied().unwrap_or(0),
        }
    }

    fn get(&self, i: usize) -> Option<i128> {
        match self {
            Sums::Narrow(v) => v.get(i).copied().map(i128::from),
            Sums::Wide(v) => v.get(i).copied(),
        }
    }

    fn widen(&mut self) {
        if let Sums::Narrow(v) = self {
            *self = Sums::Wide(v.iter().map(|&x| i128::from(x)).collect());
        }
    }

    fn push(&mut self, value: i128) {
        if let (Sums::Narrow(v), Ok(x)) = (&mut *self, i64::try_from(value)) {
            v.push(x);
            return;
        }
        self.widen();
        if let Sums::Wide(v) = self {
            v.push(value);
        }
    }

    /// Multiplies every sum by `f`; false when one no longer fits 128 bits (the sums are then
    /// meaningless, and the bucket sums its rows one by one instead).
    fn scale(&mut self, f: i128) -> bool {
        if let (Sums::Narrow(v), Ok(f)) = (&mut *self, i64::try_from(f)) {
            // Rescaling happens at most 28 times per bucket: a new vector is cheap, and nothing is
            // half-scaled when one sum does not fit.
            if let Some(scaled) = v.iter().map(|x| x.checked_mul(f)).collect::<Option<Vec<i64>>>() {
                *v = scaled;
                return true;
            }
        }
        self.widen();
        match self {
            Sums::Wide(v) => match v.iter().map(|x| x.checked_mul(f)).collect::<Option<Vec<i128>>>() {
                Some(scaled) => {
                    *v = scaled;
                    true
                }
                None => false,
            },
            Sums::Narrow(_) => false,
        }
    }
}

fn shape_of(s: &Scope) -> Shape {
    let named = [
        s.kind.is_some(),
        s.category.is_some(),
        s.item.is_some(),
        s.from.is_some(),
        s.to.is_some(),
        s.via.is_some(),
        s.region.is_some(),
    ];
    named.iter().enumerate().fold(0, |acc, (i, &n)| acc | (u8::from(n) << i))
}

/// The key of a shape from the seven scope values and a dimension.
/// Built in whole words, so that hashing reads what was just written at its own width.
#[inline]
fn key(shape: Shape, values: [u32; 7], dim: u8) -> BucketKey {
    let v = |i: usize| if shape & (1 << i) != 0 { u64::from(values[i]) } else { 0 };
    [v(0) | v(1) << 32, v(2) | v(3) << 32, v(4) | v(5) << 32, v(6) | u64::from(dim) << 32]
}

fn row_values(r: &Row) -> [u32; 7] {
    let [a, b, c, d, e] = r.text;
    [u32::from(r.kind), u32::from(r.category), a, b, c, d, e]
}

impl Index {
    fn build(ledger: &Ledger, reports: &[Report]) -> Index {
        let mut index = Index::default();
        let mut slots: FxHashMap<Shape, usize> = FxHashMap::default();
        let mut shapes: Vec<Shape> = Vec::new();
        for r in reports {
            let shape = shape_of(&r.scope);
            let slot = *slots.entry(shape).or_insert_with(|| {
                shapes.push(shape);
                shapes.len() - 1
            });
            let dim = r.value.dimension().index() as u8;
            index.keys.push(r.scope.compile(ledger).map(|c| (slot, key(shape, c.values(), dim))));
        }
        let rows = ledger.rows();
        // Shapes are independent: large ledgers index them on every core.
        let threads = crate::threads::available();
        if rows.len() >= 100_000 && shapes.len() > 1 && threads > 1 {
            let per_thread = shapes.len().div_ceil(threads);
            index.shapes = crate::threads::map_each(shapes.chunks(per_thread), |part| {
                part.iter().map(|&shape| ShapeIndex::build(shape, ledger)).collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .collect();
        } else {
            index.shapes = shapes.iter().map(|&shape| ShapeIndex::build(shape, ledger)).collect();
        }
        index
    }

    /// Adds the ledger's part of report `i`'s figure (canonical unit) to `sum`; returns where its rows are.
    fn lookup(
        &self,
        i: usize,
        period: &Period,
        ledger: &Ledger,
        sum: &mut ExactSum,
        maybe: &mut ExactSum,
        spans: &mut Vec<u32>,
    ) -> Option<(usize, usize, usize, usize)> {
        let (slot, key) = self.keys.get(i)?.as_ref()?;
        let shape = self.shapes.get(*slot)?;
        let b_idx = *shape.by_key.get(key)?;
        let b = shape.buckets.get(b_idx)?;
        let lo = period.start().map_or(0, |s| b.dates.partition_point(|d| *d < s));
        let hi = period.end().map_or(b.dates.len(), |e| b.dates.partition_point(|d| *d <= e)).max(lo);
        b.add_range(lo, hi, ledger, sum);
        for &ri in &b.spans {
            let Some(r) = ledger.rows().get(ri as usize) else { continue };
            match period.coverage(r.date(), r.last()) {
                Coverage::Sure => sum.add(ledger.canon(r)),
                Coverage::Possible => maybe.add(ledger.canon(r)),
                Coverage::None => continue,
            }
            spans.push(ri);
        }
        Some((*slot, b_idx, lo, hi))
    }
}

impl ShapeIndex {
    /// Buckets the rows by the fields of `shape`: first the bucket of each row, then each bucket
    /// filled at its final size, in date order, with its running sums.
    fn build(shape: Shape, ledger: &Ledger) -> ShapeIndex {
        let rows = ledger.rows();
        let mut si = ShapeIndex::default();
        let mut of_row: Vec<u32> = Vec::with_capacity(rows.len());
        let mut sizes: Vec<usize> = Vec::new();
        for r in rows {
            let k = key(shape, row_values(r), r.dim());
            let b = *si.by_key.entry(k).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            sizes[b] += 1;
            of_row.push(b as u32);
        }
        si.buckets = sizes.iter().map(|&n| Bucket::with_capacity(n)).collect();
        for (i, (r, &b)) in rows.iter().zip(&of_row).enumerate() {
            if let Some(bucket) = si.buckets.get_mut(b as usize) {
                bucket.push(i as u32, r, ledger);
            }
        }
        si
    }
}

impl Bucket {
    fn with_capacity(n: usize) -> Bucket {
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0);
        Bucket {
            rows: Vec::with_capacity(n),
            spans: Vec::new(),
            dates: Vec::with_capacity(n),
            prefix: Sums::Narrow(prefix),
            scale: 0,
            overflow: false,
        }
    }

    /// Appends a row (rows come in date order), keeping the prefix sums exact: a value with more
    /// decimal places than seen so far rescales the sums before it. Once the sums no longer fit
    /// 128 bits (`6975788521879238501 t` and `0.0000000000000000000001 t` at 22 places), the bucket
    /// stops keeping them and [`Bucket::add_range`] adds its rows one by one.
    #[inline]
    fn push(&mut self, index: u32, r: &Row, ledger: &Ledger) {
        if !r.is_day() {
            self.spans.push(index);
            return;
        }
        self.rows.push(index);
        self.dates.push(r.date());
        if self.overflow {
            return;
        }
        let canon = ledger.canon(r);
        let (m, s) = (canon.mantissa(), canon.scale());
        if s > self.scale {
            if !pow10(s - self.scale).is_some_and(|f| self.prefix.scale(f)) {
                self.overflow = true;
                return;
            }
            self.scale = s;
        }
        let last = self.prefix.last();
        match pow10(self.scale - s).and_then(|f| m.checked_mul(f)).and_then(|m| last.checked_add(m)) {
            Some(v) => self.prefix.push(v),
            None => self.overflow = true,
        }
    }

    /// Adds rows `lo..hi` to `sum`: the difference of two prefix sums, or each row's exact figure when
    /// the prefix sums overflowed (a range of them may still fit a decimal though the whole bucket does not).
    fn add_range(&self, lo: usize, hi: usize, ledger: &Ledger, sum: &mut ExactSum) {
        let rows = ledger.rows();
        if !self.overflow {
            if let Some(d) = self.prefix.get(hi).zip(self.prefix.get(lo)).and_then(|(h, l)| h.checked_sub(l)) {
                sum.add_scaled(d, self.scale);
                return;
            }
        }
        for &i in self.rows.get(lo..hi).unwrap_or(&[]) {
            match rows.get(i as usize) {
                Some(r) => sum.add(ledger.canon(r)),
                None => sum.poison(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_sums_widen_when_they_outgrow_64_bits() {
        let mut sums = Sums::Narrow(vec![0]);
        sums.push(i128::from(i64::MAX));
        assert!(matches!(sums, Sums::Narrow(_)));
        sums.push(i128::from(i64::MAX) + 1);
        assert!(matches!(sums, Sums::Wide(_)));
        assert_eq!(sums.get(2), Some(i128::from(i64::MAX) + 1));
        let mut small = Sums::Narrow(vec![0, 5, i64::MAX / 2]);
        assert!(small.scale(10), "widens, and fits in 128 bits");
        assert_eq!(small.get(2), Some(i128::from(i64::MAX / 2) * 10));
        assert!(matches!(small, Sums::Wide(_)));
        let mut narrow = Sums::Narrow(vec![0, 7]);
        assert!(narrow.scale(1000));
        assert_eq!((narrow.get(1), matches!(narrow, Sums::Narrow(_))), (Some(7000), true));
    }

    #[test]
    fn rescaling_prefix_sums_is_checked() {
        // 10^22 does not fit 64 bits: the sums widen rather than multiply by a truncated factor.
        let mut small = Sums::Narrow(vec![0, 7]);
        assert!(small.scale(10i128.pow(22)));
        assert_eq!(small.get(1), Some(7 * 10i128.pow(22)));
        // 6975788521879238501 * 10^22 does not fit 128 bits: reported, never wrapped.
        let mut big = Sums::Narrow(vec![0, 6_975_788_521_879_238_501]);
        assert!(!big.scale(10i128.pow(22)));
        let mut wide = Sums::Wide(vec![0, i128::MAX / 2]);
        assert!(!wide.scale(3));
        assert_eq!(wide.get(1), Some(i128::MAX / 2), "nothing is half-scaled");
    }
}
