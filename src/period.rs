//! Dates of day, month or year precision, and inclusive periods between them.
//!
//! "Since December 2020" is the period from 2020-12-01; a month or a year as the end of a period
//! covers its whole span, so `2020-12..2021-06` runs from 2020-12-01 to 2021-06-30.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Problem, ProblemKind, echo};

/// A date known to the year, the month or the day: `2020`, `2020-12` or `2020-12-02`.
///
/// Every value is a real span of days: the constructors refuse a month 13 or a year past the range
/// of [`NaiveDate`], so [`PartialDate::first_day`] and [`PartialDate::last_day`] never fail. To tell
/// the precisions apart, match on [`PartialDate::precision`].
///
/// Dates are ordered by their first day, then by their length: a day before the month it starts,
/// the month before its year (`2020-01-01 < 2020-01 < 2020 < 2020-01-02`).
///
/// In serde formats a date is its text, as [`Display`](fmt::Display) writes it and [`FromStr`]
/// reads it: `"2020"`, `"2020-12"`, `"2020-12-02"`.
///
/// # Example
///
/// ```
/// use relief_ledger::{PartialDate, Precision};
///
/// let june: PartialDate = "2021-06".parse()?;
/// assert_eq!(june.first_day().to_string(), "2021-06-01");
/// assert_eq!(june.last_day().to_string(), "2021-06-30");
/// assert_eq!(june.precision(), Precision::Month(2021, 6));
/// assert_eq!(PartialDate::month(2021, 6)?, june);
/// assert!(PartialDate::month(2021, 13).is_err());
/// assert!("2021-02-30".parse::<PartialDate>().is_err());
/// assert_eq!(serde_json::to_string(&june)?, r#""2021-06""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    // Field order gives the documented order: first day, then length.
    first: NaiveDate,
    span: Span,
}

/// How much a [`PartialDate`] covers; ordered shortest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Span {
    Day,
    Month,
    Year,
}

/// The parts of a [`PartialDate`], to match on: a view of a valid date, given by
/// [`PartialDate::precision`] (to build a date, use [`PartialDate::year`], [`PartialDate::month`],
/// [`PartialDate::day`]).
///
/// # Example
///
/// ```
/// use relief_ledger::{PartialDate, Precision};
///
/// let d: PartialDate = "2020".parse()?;
/// let text = match d.precision() {
///     Precision::Year(y) => format!("the year {y}"),
///     Precision::Month(y, m) => format!("month {m} of {y}"),
///     Precision::Day(d) => format!("the day {d}"),
/// };
/// assert_eq!(text, "the year 2020");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// A whole year.
    Year(i32),
    /// A whole month: year and month (1–12).
    Month(i32, u32),
    /// One day.
    Day(NaiveDate),
}

impl PartialDate {
    /// One day.
    #[must_use]
    pub const fn day(date: NaiveDate) -> PartialDate {
        PartialDate { first: date, span: Span::Day }
    }

    /// A whole month: year and month (1–12).
    ///
    /// # Errors
    ///
    /// When the month is not 1 to 12, or the month lies outside the dates [`NaiveDate`] holds.
    pub fn month(year: i32, month: u32) -> Result<PartialDate, Error> {
        if !(1..=12).contains(&month) {
            return Err(Error::problem(
                ProblemKind::BadDate,
                "date",
                format!("{year}-{month:02} has no month {month}; months run 01 to 12"),
            ));
        }
        match (NaiveDate::from_ymd_opt(year, month, 1), last_of_month(year, month)) {
            (Some(first), Some(_)) => Ok(PartialDate { first, span: Span::Month }),
            _ => Err(out_of_range(&format!("{year}-{month:02}"))),
        }
    }

    /// A whole year.
    ///
    /// # Errors
    ///
    /// When the year lies outside the dates [`NaiveDate`] holds, or only part of it does.
    pub fn year(year: i32) -> Result<PartialDate, Error> {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(first), Some(_)) => Ok(PartialDate { first, span: Span::Year }),
            _ => Err(out_of_range(&year.to_string())),
        }
    }

    /// The year, month or day, to match on.
    #[must_use]
    pub fn precision(&self) -> Precision {
        match self.span {
            Span::Year => Precision::Year(self.first.year()),
            Span::Month => Precision::Month(self.first.year(), self.first.month()),
            Span::Day => Precision::Day(self.first),
        }
    }

    /// The day, when the date is known to the day.
    #[must_use]
    pub fn as_day(&self) -> Option<NaiveDate> {
        (self.span == Span::Day).then_some(self.first)
    }

    /// The first day the date covers.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    /// The last day the date covers.
    #[must_use]
    pub fn last_day(&self) -> NaiveDate {
        let (y, m) = (self.first.year(), self.first.month());
        // The constructors checked that the last day exists; the fallbacks never show.
        match self.span {
            Span::Year => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
            Span::Month => last_of_month(y, m).unwrap_or(NaiveDate::MAX),
            Span::Day => self.first,
        }
    }
}

impl TryFrom<Precision> for PartialDate {
    type Error = Error;

    /// The date of the parts, validated as [`PartialDate::year`] and [`PartialDate::month`] do.
    fn try_from(p: Precision) -> Result<PartialDate, Error> {
        match p {
            Precision::Year(y) => PartialDate::year(y),
            Precision::Month(y, m) => PartialDate::month(y, m),
            Precision::Day(d) => Ok(PartialDate::day(d)),
        }
    }
}

/// A problem when `date` lies outside the years files write (`0000` to `9999`, as `YYYY-MM-DD`):
/// a record dated there could be built but never written and read back.
pub(crate) fn unwritable(field: &str, date: NaiveDate) -> Option<Problem> {
    (!(0..=9999).contains(&date.year())).then(|| {
        Problem::new(
            ProblemKind::OutOfRange,
            field,
            format!("{date} lies outside the dates files hold; dates run from 0000-01-01 to 9999-12-31"),
        )
    })
}

fn out_of_range(s: &str) -> Error {
    Error::problem(
        ProblemKind::OutOfRange,
        "date",
        format!(
            "{s} lies outside the dates this crate holds; write a year from {} to {}",
            NaiveDate::MIN.year(),
            NaiveDate::MAX.year()
        ),
    )
}

/// The last day of a month, if the dates hold it.
pub(crate) fn last_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y.checked_add(1)?, 1) } else { (y, m + 1) };
    match NaiveDate::from_ymd_opt(ny, nm, 1) {
        Some(d) => d.pred_opt(),
        // The month after the last one the dates hold: the last day is NaiveDate::MAX when it is in the month.
        None => (NaiveDate::MAX.year() == y && NaiveDate::MAX.month() == m).then_some(NaiveDate::MAX),
    }
}

/// Parses a `YYYY-MM-DD` date (spaces around it are ignored), with a message that says what is wrong.
///
/// # Errors
///
/// An [`Error`] with one problem of kind [`ProblemKind::BadDate`] and no field (the caller knows
/// it): not of the form `YYYY-MM-DD` (a month or a year alone is not a day), or a day that does not exist.
///
/// # Example
///
/// ```
/// use relief_ledger::{ProblemKind, parse_date};
///
/// assert_eq!(parse_date("2021-11-09")?.to_string(), "2021-11-09");
/// let err = parse_date("2021-11").unwrap_err();
/// assert_eq!(err.problems()[0].kind(), ProblemKind::BadDate);
/// assert_eq!(err.to_string(), r#""2021-11" is not a day; write YYYY-MM-DD"#);
/// assert_eq!(parse_date("2021-02-30").unwrap_err().to_string(), r#""2021-02-30" does not exist: 2021-02 has 28 days"#);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_date(s: &str) -> Result<NaiveDate, Error> {
    let bad = |message: String| Error::invalid(vec![Problem::general(ProblemKind::BadDate, message)]);
    let digits = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    let shaped = matches!(s.trim().split('-').collect::<Vec<_>>()[..], [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2));
    match s.parse::<PartialDate>() {
        Ok(date) if date.as_day().is_some() => Ok(date.first_day()),
        Ok(_) => Err(bad(format!("{} is not a day; write YYYY-MM-DD", echo(s)))),
        // The day's own problem (no month 13, no 30 February), without PartialDate's field.
        Err(e) if shaped => Err(Error::invalid(
            e.problems().iter().map(|p| Problem::general(ProblemKind::BadDate, p.message.clone())).collect(),
        )),
        Err(_) => Err(bad(format!("{} is not a date; write YYYY-MM-DD", echo(s)))),
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<PartialDate, Error> {
        let bad = || {
            Error::problem(
                ProblemKind::BadDate,
                "date",
                format!("{} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD", echo(s)),
            )
        };
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
        };
        let year = parts.first().and_then(|p| num(p, 4)).ok_or_else(bad)? as i32;
        match parts[..] {
            [_] => PartialDate::year(year),
            [_, m] => {
                let m = num(m, 2).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(Error::problem(
                        ProblemKind::BadDate,
                        "date",
                        format!("{} has no month {m}; months run 01 to 12", echo(s)),
                    ));
                }
                PartialDate::month(year, m)
            }
            [_, m, d] => {
                let (m, d) = (num(m, 2).ok_or_else(bad)?, num(d, 2).ok_or_else(bad)?);
                if !(1..=12).contains(&m) {
                    return Err(Error::problem(
                        ProblemKind::BadDate,
                        "date",
                        format!("{} has no month {m}; months run 01 to 12", echo(s)),
                    ));
                }
                NaiveDate::from_ymd_opt(year, m, d).map(PartialDate::day).ok_or_else(|| {
                    let last = last_of_month(year, m).map_or(31, |d| d.day());
                    Error::problem(
                        ProblemKind::BadDate,
                        "date",
                        format!("{} does not exist: {year}-{m:02} has {last} days", echo(s)),
                    )
                })
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision() {
            Precision::Year(y) => write!(f, "{y:04}"),
            Precision::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Precision::Day(d) => write!(f, "{d}"),
        }
    }
}

serde_via_str!(PartialDate);

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> PartialDate {
        PartialDate::day(d)
    }
}

/// The date of an entry: a day, a month, a year, or an inclusive range between two of those
/// (`2024-11-08`, `2024-11`, `2024`, `2024-11-01..2024-11-10`). The event happened on one unknown
/// day within it.
///
/// A month or a year does not stand for its first day: a query whose period holds the whole span
/// counts the entry surely, one that meets only part of it counts it possibly (see
/// [`Ledger::totals`](crate::Ledger::totals)).
///
/// It prints as written and, in serde formats, is that text. A range whose start lies after its
/// end is refused.
///
/// # Example
///
/// ```
/// use relief_ledger::EntryDate;
///
/// let early_november: EntryDate = "2024-11-01..2024-11-10".parse()?;
/// assert_eq!(early_november.first_day().to_string(), "2024-11-01");
/// assert_eq!(early_november.last_day().to_string(), "2024-11-10");
/// assert_eq!(early_november.as_day(), None);
/// let month: EntryDate = "2024-11".parse()?;
/// assert_eq!(month.last_day().to_string(), "2024-11-30");
/// assert_eq!(month.to_string(), "2024-11");
/// let day: EntryDate = "2024-11-08".parse()?;
/// assert_eq!(day.as_day(), Some("2024-11-08".parse()?));
/// assert!("2024-12..2024-11".parse::<EntryDate>().is_err());
/// assert_eq!(serde_json::to_string(&month)?, r#""2024-11""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryDate {
    // Field order gives the order: by first day, then last day, then how it is written.
    first: NaiveDate,
    /// The days after the first that the date covers (bits 4 and up; the dates [`NaiveDate`] holds
    /// span fewer than 2^28 days), the precision of the end (bits 2–3) and of the start (bits 0–1),
    /// as [`Span`] indices. Packed so that an entry stays small.
    packed: u32,
}

fn span_bits(s: Span) -> u8 {
    match s {
        Span::Day => 0,
        Span::Month => 1,
        Span::Year => 2,
    }
}

fn span_of_bits(b: u8) -> Span {
    match b & 3 {
        0 => Span::Day,
        1 => Span::Month,
        _ => Span::Year,
    }
}

impl EntryDate {
    /// One day, a month or a year.
    #[must_use]
    pub fn of(date: PartialDate) -> EntryDate {
        let bits = span_bits(date.span);
        EntryDate::pack(date.first_day(), date.last_day(), bits | bits << 2)
    }

    fn pack(first: NaiveDate, last: NaiveDate, shape: u8) -> EntryDate {
        // At most 2^28 - 1 days between two dates NaiveDate holds: the shift keeps every bit.
        let days = if first == last { 0 } else { (last - first).num_days().clamp(0, (1 << 28) - 1) as u32 };
        EntryDate { first, packed: days << 4 | u32::from(shape & 0xf) }
    }

    fn shape(&self) -> u8 {
        (self.packed & 0xf) as u8
    }

    /// The range from the first day of `start` to the last day of `end`.
    ///
    /// # Errors
    ///
    /// When `start` begins after `end` ends.
    pub fn range(start: PartialDate, end: PartialDate) -> Result<EntryDate, Error> {
        if start.first_day() > end.last_day() {
            return Err(Error::problem(
                ProblemKind::BadDate,
                "date",
                format!("{start}..{end} starts after it ends; write the earlier date first"),
            ));
        }
        Ok(EntryDate::pack(start.first_day(), end.last_day(), span_bits(start.span) | span_bits(end.span) << 2))
    }

    /// The days from `first` to `last`, written as days (`first` itself when they are equal).
    ///
    /// # Errors
    ///
    /// When `first` is after `last`.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Result<EntryDate, Error> {
        if first == last {
            Ok(EntryDate::of(PartialDate::day(first)))
        } else {
            EntryDate::range(PartialDate::day(first), PartialDate::day(last))
        }
    }

    /// The day, when the date is known to the day.
    #[must_use]
    pub fn as_day(&self) -> Option<NaiveDate> {
        (self.packed >> 4 == 0).then_some(self.first)
    }

    /// The first day the event may have happened on.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    /// The last day the event may have happened on.
    #[must_use]
    pub fn last_day(&self) -> NaiveDate {
        if self.packed >> 4 == 0 {
            return self.first;
        }
        // Packed from a real last day: the fallback never shows.
        self.first.checked_add_days(chrono::Days::new(u64::from(self.packed >> 4))).unwrap_or(NaiveDate::MAX)
    }

    /// The days the date covers, as a period.
    #[must_use]
    pub fn period(&self) -> Period {
        Period { start: Some(self.first), end: Some(self.last_day()) }
    }

    /// The start as written: the date itself when it is not a range.
    #[must_use]
    pub fn start(&self) -> PartialDate {
        let span = span_of_bits(self.shape());
        PartialDate { first: start_of(self.first, span), span }
    }

    /// The end as written: the date itself when it is not a range.
    #[must_use]
    pub fn end(&self) -> PartialDate {
        let span = span_of_bits(self.shape() >> 2);
        PartialDate { first: start_of(self.last_day(), span), span }
    }
}

/// The first day of the span of `span` that holds `d`.
fn start_of(d: NaiveDate, span: Span) -> NaiveDate {
    match span {
        Span::Day => d,
        Span::Month => d.with_day(1).unwrap_or(d),
        Span::Year => d.with_ordinal(1).unwrap_or(d),
    }
}

impl From<NaiveDate> for EntryDate {
    fn from(d: NaiveDate) -> EntryDate {
        EntryDate::of(PartialDate::day(d))
    }
}

impl From<PartialDate> for EntryDate {
    fn from(d: PartialDate) -> EntryDate {
        EntryDate::of(d)
    }
}

impl PartialEq<NaiveDate> for EntryDate {
    /// True when the date is that one day.
    fn eq(&self, other: &NaiveDate) -> bool {
        self.as_day() == Some(*other)
    }
}

impl FromStr for EntryDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<EntryDate, Error> {
        match s.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (a.trim(), b.trim());
                if a.is_empty() || b.is_empty() {
                    return Err(Error::problem(
                        ProblemKind::BadDate,
                        "date",
                        format!("{} leaves an end open; an entry's range needs both ends, A..B", echo(s)),
                    ));
                }
                EntryDate::range(a.parse()?, b.parse()?)
            }
            None => s.parse::<PartialDate>().map(EntryDate::of),
        }
    }
}

impl fmt::Display for EntryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (start, end) = (self.start(), self.end());
        if start == end { write!(f, "{start}") } else { write!(f, "{start}..{end}") }
    }
}

serde_via_str!(EntryDate);

/// Where an entry's date lies against a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// Wholly within the period: the entry counts surely.
    Sure,
    /// Partly within it: the entry counts possibly.
    Possible,
    /// Outside it.
    None,
}

/// An inclusive range of days; either end may be open.
///
/// # Example
///
/// ```
/// use relief_ledger::Period;
///
/// // "from December 2020 to June 2021"
/// let p: Period = "2020-12..2021-06".parse()?;
/// assert!(p.contains("2020-12-01".parse()?));
/// assert!(p.contains("2021-06-30".parse()?));
/// assert!(!p.contains("2021-07-01".parse()?));
/// // "since December 2, 2020"
/// let since = Period::since("2020-12-02".parse()?);
/// assert!(!since.contains("2020-12-01".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Serde
///
/// An object of the first and last days, `null` for an open end:
/// `{"start": "2020-12-01", "end": null}`. Deserializing refuses a period that ends before it starts.
///
/// ```
/// use relief_ledger::Period;
///
/// let p: Period = "2020-12..".parse()?;
/// assert_eq!(serde_json::to_string(&p)?, r#"{"start":"2020-12-01","end":null}"#);
/// assert_eq!(serde_json::from_str::<Period>(r#"{"start":"2020-12-01","end":null}"#)?, p);
/// assert!(serde_json::from_str::<Period>(r#"{"start":"2021-01-01","end":"2020-01-01"}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "PeriodRecord")]
pub struct Period {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

/// The ends of a period as serde reads them, before they are checked.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodRecord {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl TryFrom<PeriodRecord> for Period {
    type Error = Error;

    fn try_from(r: PeriodRecord) -> Result<Period, Error> {
        Period::from_bounds(r.start.map(PartialDate::day), r.end.map(PartialDate::day))
    }
}

impl From<NaiveDate> for Period {
    /// The one day.
    fn from(d: NaiveDate) -> Period {
        Period::of(PartialDate::day(d))
    }
}

impl From<PartialDate> for Period {
    /// The span of the date.
    fn from(d: PartialDate) -> Period {
        Period::of(d)
    }
}

impl Period {
    /// All time.
    #[must_use]
    pub fn all() -> Period {
        Period::default()
    }

    /// From the first day of `start` to the last day of `end`, inclusive.
    ///
    /// # Errors
    ///
    /// When the period would end before it starts.
    pub fn between(start: PartialDate, end: PartialDate) -> Result<Period, Error> {
        Period::from_bounds(Some(start), Some(end))
    }

    /// From the first day of `start` on.
    #[must_use]
    pub fn since(start: PartialDate) -> Period {
        Period { start: Some(start.first_day()), end: None }
    }

    /// Up to the last day of `end`.
    #[must_use]
    pub fn until(end: PartialDate) -> Period {
        Period { start: None, end: Some(end.last_day()) }
    }

    /// The span of one date: a day, a whole month or a whole year.
    #[must_use]
    pub fn of(date: PartialDate) -> Period {
        Period { start: Some(date.first_day()), end: Some(date.last_day()) }
    }

    /// A period with optional ends.
    ///
    /// # Errors
    ///
    /// When the period would end before it starts.
    pub fn from_bounds(start: Option<PartialDate>, end: Option<PartialDate>) -> Result<Period, Error> {
        let p = Period { start: start.map(|d| d.first_day()), end: end.map(|d| d.last_day()) };
        if let (Some(s), Some(e)) = (p.start, p.end) {
            if e < s {
                return Err(Error::problem(
                    ProblemKind::Inconsistent,
                    "until",
                    format!("the period ends on {e}, before it starts on {s}"),
                ));
            }
        }
        Ok(p)
    }

    /// The first day, if the start is not open.
    #[must_use]
    pub fn start(&self) -> Option<NaiveDate> {
        self.start
    }

    /// The last day, if the end is not open.
    #[must_use]
    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    /// True when `date` lies in the period.
    #[inline]
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date <= e)
    }

    /// Where the days `first..=last` lie against the period: within it, partly, or outside.
    #[inline]
    pub(crate) fn coverage(&self, first: NaiveDate, last: NaiveDate) -> Coverage {
        if self.contains(first) && self.contains(last) {
            Coverage::Sure
        } else if self.start.is_none_or(|s| s <= last) && self.end.is_none_or(|e| first <= e) {
            Coverage::Possible
        } else {
            Coverage::None
        }
    }

    /// True when the period has neither start nor end.
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }

    /// The days common to both periods, or `None` when they do not meet.
    #[must_use]
    pub fn intersect(&self, other: &Period) -> Option<Period> {
        let start = match (self.start, other.start) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let end = match (self.end, other.end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (start, end) {
            (Some(s), Some(e)) if e < s => None,
            _ => Some(Period { start, end }),
        }
    }
}

impl FromStr for Period {
    type Err = Error;

    /// Parses `START..END` (either end may be left out) or a single date, which stands for its span.
    fn from_str(s: &str) -> Result<Period, Error> {
        let opt = |p: &str| -> Result<Option<PartialDate>, Error> {
            let p = p.trim();
            if p.is_empty() { Ok(None) } else { p.parse().map(Some) }
        };
        match s.split_once("..") {
            Some((a, b)) => Period::from_bounds(opt(a)?, opt(b)?),
            None => Ok(Period::of(s.parse()?)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.start, self.end) {
            (None, None) => f.write_str(".."),
            (Some(s), None) => write!(f, "{s}.."),
            (None, Some(e)) => write!(f, "..{e}"),
            (Some(s), Some(e)) => write!(f, "{s}..{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn precisions_parse_and_print_back() {
        for s in ["2020", "2020-12", "2020-12-02"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        let e = "2021-02-30".parse::<PartialDate>().unwrap_err().to_string();
        assert!(e.contains("2021-02 has 28 days"), "{e}");
        assert!("2020-02-29".parse::<PartialDate>().is_ok(), "2020 is a leap year");
        assert!("2021-13".parse::<PartialDate>().is_err());
        assert!("21-01-01".parse::<PartialDate>().is_err());
        assert!("2021-1-01".parse::<PartialDate>().is_err());
        assert!("".parse::<PartialDate>().is_err());
        assert!(parse_date("2021-06").is_err());
    }

    #[test]
    fn month_and_year_ends_cover_their_span() {
        let p: Period = "2020-12..2021-06".parse().unwrap();
        assert_eq!(p.start(), Some(d("2020-12-01")));
        assert_eq!(p.end(), Some(d("2021-06-30")));
        let y = Period::of(PartialDate::year(2020).unwrap());
        assert!(y.contains(d("2020-12-31")) && !y.contains(d("2021-01-01")));
        assert_eq!(Period::of(PartialDate::month(2024, 2).unwrap()).end(), Some(d("2024-02-29")));
    }

    #[test]
    fn reversed_periods_are_refused() {
        assert!("2021..2020".parse::<Period>().is_err());
        assert!("2021-06..2021-06".parse::<Period>().is_ok());
    }

    #[test]
    fn open_ends_and_intersection() {
        let since: Period = "2020-12-02..".parse().unwrap();
        assert!(since.contains(d("2030-01-01")) && !since.contains(d("2020-12-01")));
        let until: Period = "..2021".parse().unwrap();
        let both = since.intersect(&until).unwrap();
        assert_eq!(both.to_string(), "2020-12-02..2021-12-31");
        assert!(Period::of(PartialDate::year(2019).unwrap()).intersect(&since).is_none());
    }

    #[test]
    fn invalid_months_and_years_are_not_representable() {
        assert!(PartialDate::month(2021, 13).is_err());
        assert!(PartialDate::month(2021, 0).is_err());
        assert!(PartialDate::year(i32::MAX).is_err());
        assert!(PartialDate::year(i32::MIN).is_err());
        assert!(PartialDate::month(NaiveDate::MAX.year() + 1, 1).is_err());
        for y in [NaiveDate::MIN.year(), NaiveDate::MAX.year()] {
            let year = PartialDate::year(y).unwrap();
            assert_eq!(year.first_day(), NaiveDate::from_ymd_opt(y, 1, 1).unwrap());
            assert_eq!(year.last_day(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap());
        }
        let last = PartialDate::month(NaiveDate::MAX.year(), 12).unwrap();
        assert_eq!(last.last_day(), NaiveDate::MAX);
        assert_eq!(PartialDate::day(NaiveDate::MIN).last_day(), NaiveDate::MIN);
    }

    #[test]
    fn dates_order_by_first_day_then_length() {
        let p = |s: &str| s.parse::<PartialDate>().unwrap();
        let mut dates = [p("2020-01-02"), p("2020"), p("2020-01"), p("2020-01-01"), p("2019-12")];
        dates.sort();
        let text: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["2019-12", "2020-01-01", "2020-01", "2020", "2020-01-02"]);
    }
}
