//! Groups of entries, running totals by step, and the ledger's queries.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::entry::Entry;
use crate::error::{Error, ProblemKind, unknown_name};
use crate::hash::FxHashMap;
use crate::ledger::{Ledger, Row, row_dimension};
use crate::period::{Coverage, last_of_month};
use crate::quantity::Totals;

use super::{Key, KeyValue, Scope};

/// One group of a grouped query: its key values, its totals and its entries.
///
/// # Serde
///
/// A group serializes (it borrows its entries from a ledger, so it does not deserialize) as an
/// object of its key values, its totals and its entries as records of the JSON file format:
/// `{"key": [{"month": [2021, 6]}], "totals": [{"value": "145", "unit": "t"}], "entries": [{"id": "c1", …}]}`.
///
/// # Example
///
/// The detainee transfers of 2020-12-14 (44 to Armenia, 12 to Azerbaijan) and 2021-02-10
/// (5 to Armenia, 1 to Azerbaijan), grouped by the party they were returned to:
///
/// ```
/// use relief_ledger::{Entry, Key, Kind, Ledger, Scope};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").build()?,
///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").build()?,
///     Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?).from("ARM").to("AZE").build()?,
/// ])?;
/// let groups = ledger.group(&Scope::all().kind(Kind::DetaineeTransfer), &[Key::To])?;
/// let arm = groups.iter().find(|g| g.key()[0] == "ARM").ok_or("no group for ARM")?;
/// assert_eq!(arm.totals().to_string(), "49 persons");
/// let dates: Vec<String> = arm.entries().iter().map(|e| e.date().to_string()).collect();
/// assert_eq!(dates, ["2020-12-14", "2021-02-10"]);
///
/// // A group serializes with its entries as records of the JSON file format.
/// let json = serde_json::to_value(arm)?;
/// assert_eq!(json["key"][0]["text"], "ARM");
/// assert_eq!(json["totals"][0]["value"], "49");
/// assert_eq!(json["entries"][1]["date"], "2021-02-10");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Group<'a> {
    key: Vec<KeyValue>,
    totals: Totals,
    ledger: &'a Ledger,
    /// The group's rows (indices in the ledger's rows), in date order.
    rows: Vec<u32>,
}

impl fmt::Debug for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("key", &self.key)
            .field("totals", &self.totals)
            .field("entries", &self.entries())
            .finish()
    }
}

/// Groups are equal when their keys, totals and entries are (of one ledger or two).
impl PartialEq for Group<'_> {
    fn eq(&self, other: &Group<'_>) -> bool {
        self.key == other.key && self.totals == other.totals && self.entries() == other.entries()
    }
}

impl Eq for Group<'_> {}

impl std::hash::Hash for Group<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.totals.hash(state);
        self.entries().hash(state);
    }
}

impl<'a> Group<'a> {
    /// The group's value of each key, in the order the keys were given.
    #[must_use]
    pub fn key(&self) -> &[KeyValue] {
        &self.key
    }

    /// The group's totals, one figure per dimension.
    #[must_use]
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// The entries that make up the totals, in date order, built from the ledger's compact form
    /// (a group keeps only where they are).
    #[must_use]
    pub fn entries(&self) -> Vec<Entry> {
        self.rows.iter().map(|&i| self.ledger.entry_at(i)).collect()
    }

    /// The earliest entry of the group (by first day).
    #[must_use]
    pub fn first(&self) -> Option<Entry> {
        self.rows.first().map(|&i| self.ledger.entry_at(i))
    }

    /// The entry of the group that comes last in date order.
    #[must_use]
    pub fn last(&self) -> Option<Entry> {
        self.rows.last().map(|&i| self.ledger.entry_at(i))
    }

    /// The number of entries that make up the totals.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no entry makes up the totals (never for a group [`Ledger::group`] gives).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of distinct exchanges among the group's entries (`report --count`).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Key, Ledger, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").exchange("x1").build()?,
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").exchange("x1").build()?,
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").exchange("x2").build()?,
    ///     Entry::detainee_transfer("2021-03-01".parse()?, "1 persons".parse()?).from("AZE").to("ARM").build()?,
    /// ])?;
    /// let all = &ledger.group(&Scope::all(), &[])?[0];
    /// assert_eq!((all.entries().len(), all.exchanges()), (4, 2));
    /// let by = ledger.group(&Scope::all(), &[Key::Exchange])?;
    /// let keys: Vec<String> = by.iter().map(|g| g.key()[0].to_string()).collect();
    /// assert_eq!(keys, ["", "x1", "x2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn exchanges(&self) -> usize {
        let mut ids: Vec<u32> = self
            .rows
            .iter()
            .filter_map(|&i| self.ledger.rows().get(i as usize))
            .map(|r| self.ledger.exchange_of(r))
            .filter(|&x| x != 0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// How finely a running total is dated: each change is dated at the end of its day or its month.
///
/// # Example
///
/// The two deliveries of humanitarian cargo the Ministry of Defence reported in spring 2021
/// (145 t on 2021-04-07, 155 t on 2021-05-26), as a running total by day and by month:
///
/// ```
/// use relief_ledger::{Entry, Ledger, Scope, Step};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
/// ])?;
/// let by_day = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
/// assert_eq!(by_day.points()[0].0.to_string(), "2021-04-07");
/// // By month, each change is dated on the last day of its month.
/// let by_month = &ledger.running(&Scope::all(), &[], Step::Month)?[0];
/// let dates: Vec<String> = by_month.points().iter().map(|(d, _)| d.to_string()).collect();
/// assert_eq!(dates, ["2021-04-30", "2021-05-31"]);
/// assert_eq!(by_month.points()[1].1.to_string(), "300 t");
///
/// // Spelled as on the command line (`--step month`), and in serde formats.
/// assert_eq!("month".parse::<Step>()?, Step::Month);
/// assert_eq!(Step::Day.to_string(), "day");
/// assert_eq!(serde_json::to_string(&Step::Month)?, r#""month""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Step {
    /// Changes dated on their day.
    #[default]
    Day,
    /// Changes dated on the last day of their month.
    Month,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 2] = [Step::Day, Step::Month];

    /// The name used on the command line: `day`, `month`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Day => "day",
            Step::Month => "month",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = Error;

    fn from_str(s: &str) -> Result<Step, Error> {
        Step::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Step::ALL.iter().map(|k| k.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "step", unknown_name("step", s, &known))
        })
    }
}

serde_via_str!(Key, Step);

/// A running total of one group, kept as steps: a point only where the total changes.
///
/// The total is zero before the first point, and from each point on it is that point's total until
/// the next one; after the last point it stays. The size of a series is therefore at most the number
/// of its entries, however long the span it covers.
///
/// # Serde
///
/// An object of the key values, the span and the points, each point a date and its totals:
/// `{"key": [{"text": "NKR"}], "span": ["2021-04-07", "2021-05-26"], "points": [["2021-04-07", [{"value": "145", "unit": "t"}]], …]}`.
///
/// # Example
///
/// Returnees escorted since 2020-11-14, as TASS reported them: 250 on the first day, 1,168 on
/// 2020-12-01:
///
/// ```
/// use relief_ledger::{Entry, Key, Ledger, Scope, Step};
///
/// let ledger = Ledger::from_entries([
///     Entry::returnees("2020-11-14".parse()?, "250 persons".parse()?).to("NKR").build()?,
///     Entry::returnees("2020-12-01".parse()?, "1168 persons".parse()?).to("NKR").build()?,
/// ])?;
/// let series = ledger.running(&Scope::all(), &[Key::Kind], Step::Day)?;
/// assert_eq!(series.len(), 1);
/// let s = &series[0];
/// assert_eq!(s.key()[0], "returnees");
/// assert_eq!(s.span().0.to_string(), "2020-11-14");
/// assert_eq!(s.points().len(), 2, "a point only where the total changes");
/// assert_eq!(s.total_at("2020-11-30".parse()?).to_string(), "250 persons");
/// assert_eq!(s.total_at("2020-12-01".parse()?).to_string(), "1418 persons");
///
/// let json = serde_json::to_string(s)?;
/// assert_eq!(serde_json::from_str::<relief_ledger::Series>(&json)?, *s);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Series {
    key: Vec<KeyValue>,
    span: (NaiveDate, NaiveDate),
    points: Vec<(NaiveDate, Totals)>,
    /// The upper line, when it differs from the lower one (some entry is dated to a span).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    upper: Vec<(NaiveDate, Totals)>,
}

impl Series {
    /// The group's value of each key.
    #[must_use]
    pub fn key(&self) -> &[KeyValue] {
        &self.key
    }

    /// The first and last dates the running total covers (each at the end of its step); every
    /// series of one query has the same span, so that they can be drawn together.
    #[must_use]
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        self.span
    }

    /// The cumulative totals where they change, in date order: each point is dated at the end of
    /// the step (day or month) in which its entries fall, and holds the total from then on.
    #[must_use]
    pub fn points(&self) -> &[(NaiveDate, Totals)] {
        &self.points
    }

    /// The upper line of the running total: each entry counts from the first day its date covers
    /// (where [`Series::points`], the lower line, counts it from the last). The two lines are the
    /// same when every entry is known to the day; the band between them is what the dates leave open.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-01".parse()?, "145 t".parse()?).date("2021-04".parse()?).to("NKR").build()?,
    /// ])?;
    /// let s = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
    /// assert_eq!(s.points()[0].0.to_string(), "2021-04-30");
    /// assert_eq!(s.upper()[0].0.to_string(), "2021-04-01");
    /// assert_eq!(s.upper_at("2021-04-15".parse()?).to_string(), "145 t");
    /// assert_eq!(s.total_at("2021-04-15".parse()?).to_string(), "0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn upper(&self) -> &[(NaiveDate, Totals)] {
        if self.upper.is_empty() { &self.points } else { &self.upper }
    }

    /// The upper line's total at the end of `date`.
    pub fn upper_at(&self, date: NaiveDate) -> Totals {
        let line = self.upper();
        let n = line.partition_point(|(d, _)| *d <= date);
        n.checked_sub(1).and_then(|i| line.get(i)).map_or_else(Totals::new, |(_, t)| *t)
    }

    /// The running total at the end of `date`: the last point on or before it, or zero.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
    ///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
    /// ])?;
    /// let series = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
    /// assert_eq!(series.total_at("2021-04-06".parse()?).to_string(), "0");
    /// assert_eq!(series.total_at("2021-05-01".parse()?).to_string(), "145 t");
    /// assert_eq!(series.total_at("2030-01-01".parse()?).to_string(), "300 t");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_at(&self, date: NaiveDate) -> Totals {
        let n = self.points.partition_point(|(d, _)| *d <= date);
        n.checked_sub(1).and_then(|i| self.points.get(i)).map_or_else(Totals::new, |(_, t)| *t)
    }
}

/// Groups rows under composite keys: twelve keys at most (there are eleven), unused slots zero.
type GroupCode = [u64; 6];

impl Ledger {
    /// The entries surely or possibly in `scope` (see [`Scope::may_match`]), in date order.
    pub fn select<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = Entry> + 'a {
        self.select_rows(scope).map(|r| self.entry(r))
    }

    /// The rows of [`Ledger::select`]'s entries, in its order.
    pub(crate) fn select_rows<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Row> + 'a {
        let compiled = scope.compile(self);
        let rows = compiled.map_or(&[][..], |c| c.candidate_rows(self.rows(), self.max_span()));
        rows.iter().filter(move |r| compiled.is_some_and(|c| c.coverage(r) != Coverage::None))
    }

    /// The totals of the entries in `scope`, one figure per dimension in its canonical unit.
    ///
    /// # Example
    ///
    /// TASS: EMERCOM's first two convoys of 2020-11-24 carried 45 t of construction material and
    /// 300 t; 250 people were escorted home on 2020-11-14.
    ///
    /// ```
    /// use relief_ledger::{Category, Entry, Kind, Ledger, Period, Scope, Unit};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2020-11-24".parse()?, "45 t".parse()?).category(Category::ConstructionMaterial).to("NKR").build()?,
    ///     Entry::cargo("2020-11-24".parse()?, "300000 kg".parse()?).to("NKR").build()?,
    ///     Entry::returnees("2020-11-14".parse()?, "250 persons".parse()?).to("NKR").build()?,
    /// ])?;
    /// // One figure per dimension, in its canonical unit: never tonnes plus persons.
    /// assert_eq!(ledger.totals(&Scope::all())?.to_string(), "345 t, 250 persons");
    /// let cargo = ledger.totals(&Scope::all().kind(Kind::Cargo))?;
    /// assert_eq!(cargo.in_unit(Unit::Kilogram)?.to_string(), "345000 kg");
    /// let building = Scope::all().category(Category::ConstructionMaterial).period(Period::of("2020-11".parse()?));
    /// assert_eq!(ledger.totals(&building)?.to_string(), "45 t");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Never for a ledger's own entries today; kept fallible so that totals too large for a decimal
    /// can be reported rather than rounded.
    pub fn totals(&self, scope: &Scope) -> Result<Totals, Error> {
        let mut totals = Totals::new();
        if let Some(c) = scope.compile(self) {
            for r in c.candidate_rows(self.rows(), self.max_span()) {
                match c.coverage(r) {
                    Coverage::Sure => totals.add_canonical(row_dimension(r), self.canon(r)),
                    Coverage::Possible => totals.add_possible(row_dimension(r), self.canon(r)),
                    Coverage::None => {}
                }
            }
        }
        Ok(totals)
    }

    /// Totals of the entries in `scope`, grouped by `keys` (in that order), groups sorted by their keys.
    ///
    /// With no keys there is one group (when any entry is in scope).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Key, Ledger, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").build()?,
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").build()?,
    /// ])?;
    /// let groups = ledger.group(&Scope::all(), &[Key::To])?;
    /// let rows: Vec<String> = groups.iter().map(|g| format!("{}: {}", g.key()[0], g.totals())).collect();
    /// assert_eq!(rows, ["ARM: 49 persons", "AZE: 12 persons"]);
    /// assert_eq!(groups[0].entries().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ledger::totals`].
    pub fn group<'a>(&'a self, scope: &Scope, keys: &[Key]) -> Result<Vec<Group<'a>>, Error> {
        let Some(c) = scope.compile(self) else { return Ok(Vec::new()) };
        let mut index: FxHashMap<GroupCode, usize> = FxHashMap::default();
        // Entries whose dates span more than one bucket of a time key, grouped by their key values.
        let mut spanning: FxHashMap<Vec<KeyValue>, usize> = FxHashMap::default();
        let mut groups: Vec<Group<'a>> = Vec::new();
        let range = c.candidate_range(self.rows(), self.max_span());
        let first = range.start as u32;
        for (r, i) in self.rows().get(range).unwrap_or(&[]).iter().zip(first..) {
            let coverage = c.coverage(r);
            if coverage == Coverage::None {
                continue;
            }
            let mut new_group = |key: Vec<KeyValue>| {
                groups.push(Group { key, totals: Totals::new(), ledger: self, rows: Vec::new() });
                groups.len() - 1
            };
            let g = if keys.iter().any(|k| k.splits(r)) {
                let key: Vec<KeyValue> = keys.iter().map(|k| k.value(&self.entry(r))).collect();
                match spanning.get(&key) {
                    Some(&g) => g,
                    None => {
                        let g = new_group(key.clone());
                        spanning.insert(key, g);
                        g
                    }
                }
            } else {
                let code = group_code(self, keys, r);
                *index.entry(code).or_insert_with(|| new_group(Key::values(keys, &self.entry(r))))
            };
            let group = &mut groups[g];
            if coverage == Coverage::Sure {
                group.totals.add_canonical(row_dimension(r), self.canon(r));
            } else {
                group.totals.add_possible(row_dimension(r), self.canon(r));
            }
            group.rows.push(i);
        }
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(groups)
    }

    /// Running (cumulative) totals of the entries in `scope`, per group of `keys`, as steps: a point
    /// at the end of each day or month in which the total changes.
    ///
    /// Every series spans from the period's start (or the first entry in scope) to its end (or the
    /// last entry in scope), each at the end of its step; a series holds at most one point per entry,
    /// whatever the span, so `0000..9999` costs no more than the year of its entries.
    /// Time keys (`month`, `quarter`, `year`) make little sense here and are refused.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step, Dimension};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
    ///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
    /// ])?;
    /// let series = ledger.running(&Scope::all().period("2021".parse()?), &[], Step::Month)?;
    /// let points: Vec<String> = series[0]
    ///     .points()
    ///     .iter()
    ///     .map(|(d, t)| format!("{d} {}", t.get(Dimension::Mass).unwrap()))
    ///     .collect();
    /// assert_eq!(points, ["2021-04-30 145 t", "2021-05-31 300 t"]);
    /// assert_eq!(series[0].span(), ("2021-01-31".parse()?, "2021-12-31".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A time key among `keys`.
    pub fn running(&self, scope: &Scope, keys: &[Key], step: Step) -> Result<Vec<Series>, Error> {
        if let Some(k) = keys.iter().find(|k| matches!(k, Key::Month | Key::Quarter | Key::Year)) {
            return Err(Error::problem(
                ProblemKind::Inconsistent,
                "by",
                format!("running totals are over time already; drop {k}"),
            ));
        }
        let groups = self.group(scope, keys)?;
        // Each group's entries are in order of their first day.
        let rows = self.rows();
        let row = |i: &u32| rows.get(*i as usize);
        let firsts = groups.iter().filter_map(|g| g.rows.first().and_then(row).map(Row::date));
        let lasts = groups.iter().flat_map(|g| g.rows.iter().filter_map(row).map(Row::last));
        let (Some(first), Some(last)) = (firsts.min(), lasts.max()) else { return Ok(Vec::new()) };
        let start = scope.period.start().unwrap_or(first);
        let end = scope.period.end().unwrap_or(last);
        let span = (step_end(start, step), step_end(end, step));
        // One line, each entry counted from the day `day` gives.
        let line = |group: &[u32], day: fn(&Row) -> NaiveDate| {
            let mut order: Vec<&Row> = group.iter().filter_map(row).collect();
            order.sort_by_key(|r| day(r));
            let mut totals = Totals::new();
            let mut points: Vec<(NaiveDate, Totals)> = Vec::new();
            for r in order {
                totals.add_canonical(row_dimension(r), self.canon(r));
                let at = step_end(day(r), step);
                match points.last_mut() {
                    Some((d, t)) if *d == at => *t = totals,
                    _ => points.push((at, totals)),
                }
            }
            points
        };
        let series = groups
            .into_iter()
            .map(|g| {
                let points = line(&g.rows, Row::last);
                let spanned = g.rows.iter().filter_map(row).any(|r| !r.is_day());
                let upper = if spanned { line(&g.rows, Row::date) } else { Vec::new() };
                let upper = if upper == points { Vec::new() } else { upper };
                Series { key: g.key, span, points, upper }
            })
            .collect();
        Ok(series)
    }
}

fn step_end(d: NaiveDate, step: Step) -> NaiveDate {
    match step {
        Step::Day => d,
        Step::Month => last_of_month(d.year(), d.month()).unwrap_or(NaiveDate::MAX),
    }
}

#[inline]
fn group_code(ledger: &Ledger, keys: &[Key], r: &Row) -> GroupCode {
    // Two key codes to a word: hashing then reads whole words, as they were written.
    let mut code = [0u64; 6];
    let exchange = if keys.contains(&Key::Exchange) { ledger.exchange_of(r) } else { 0 };
    for (i, k) in keys.iter().enumerate().take(12) {
        code[i / 2] |= u64::from(k.code(r, exchange)) << (32 * (i % 2));
    }
    code
}
