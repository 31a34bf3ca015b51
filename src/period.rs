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
/// # Example
///
/// ```
/// use relief_ledger::PartialDate;
///
/// let june: PartialDate = "2021-06".parse()?;
/// assert_eq!(june.first_day().to_string(), "2021-06-01");
/// assert_eq!(june.last_day().to_string(), "2021-06-30");
/// assert!("2021-02-30".parse::<PartialDate>().is_err());
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialDate {
    /// A whole year.
    Year(i32),
    /// A whole month: year and month (1–12).
    Month(i32, u32),
    /// One day.
    Day(NaiveDate),
}

impl PartialDate {
    /// The first day the date covers.
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            PartialDate::Year(y) => ymd(y, 1, 1),
            PartialDate::Month(y, m) => ymd(y, m, 1),
            PartialDate::Day(d) => d,
        }
    }

    /// The last day the date covers.
    pub fn last_day(&self) -> NaiveDate {
        match *self {
            PartialDate::Year(y) => ymd(y, 12, 31),
            PartialDate::Month(y, m) => last_of_month(y, m),
            PartialDate::Day(d) => d,
        }
    }
}

/// A valid date; callers pass only checked parts, and the fallback never shows.
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The last day of a month.
pub(crate) fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
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
        Ok(PartialDate::Day(d)) => Ok(d),
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
            [_] => Ok(PartialDate::Year(year)),
            [_, m] => {
                let m = num(m, 2).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(Error::problem(
                        ProblemKind::BadDate,
                        "date",
                        format!("{} has no month {m}; months run 01 to 12", echo(s)),
                    ));
                }
                Ok(PartialDate::Month(year, m))
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
                NaiveDate::from_ymd_opt(year, m, d).map(PartialDate::Day).ok_or_else(|| {
                    let last = last_of_month(year, m).day();
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
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Day(d) => write!(f, "{d}"),
        }
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> PartialDate {
        PartialDate::Day(d)
    }
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Period {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Period {
    /// All time.
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
    pub fn since(start: PartialDate) -> Period {
        Period { start: Some(start.first_day()), end: None }
    }

    /// Up to the last day of `end`.
    pub fn until(end: PartialDate) -> Period {
        Period { start: None, end: Some(end.last_day()) }
    }

    /// The span of one date: a day, a whole month or a whole year.
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
    pub fn start(&self) -> Option<NaiveDate> {
        self.start
    }

    /// The last day, if the end is not open.
    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    /// True when `date` lies in the period.
    #[inline]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date <= e)
    }

    /// True when the period has neither start nor end.
    pub fn is_all(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }

    /// The days common to both periods, or `None` when they do not meet.
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
        let y = Period::of(PartialDate::Year(2020));
        assert!(y.contains(d("2020-12-31")) && !y.contains(d("2021-01-01")));
        assert_eq!(Period::of(PartialDate::Month(2024, 2)).end(), Some(d("2024-02-29")));
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
        assert!(Period::of(PartialDate::Year(2019)).intersect(&since).is_none());
    }
}
