//! Verification of reports against a ledger: outcomes, fills, and the index of prefix sums that
//! makes each report cost a hash lookup and two binary searches.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Entry, EntryBuilder, Id};
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::hash::{FxHashMap, TextMap};
use crate::ledger::Ledger;
use crate::period::{Coverage, EntryDate, Period};
use crate::quantity::{ExactSum, Quantity, exact_sub};
use crate::query::Scope;

use super::*;

mod index;
mod outcome;

use index::Index;
use outcome::Span;
pub use outcome::{Outcome, Status};

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
