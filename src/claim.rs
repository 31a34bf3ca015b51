//! Claims in one line: a [`Report`] parsed from a sentence-like line of text, and written back as one.
//!
//! A published figure is a sentence ("about 53,000 people have returned since 14 November 2020");
//! a claim line writes it as the figure, its unit and kind, then the report's fields as `key=value`.
//!
//! # Example
//!
//! ```
//! use relief_ledger::{Kind, Qualifier, Report, parse_claim};
//!
//! let r = parse_claim("exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09")?;
//! assert_eq!(r.kind(), Kind::DetaineeTransfer);
//! assert_eq!(r.value().to_string(), "105 persons");
//! assert_eq!(r.scope().period.to_string(), "2020-12-02..2021-11-09");
//! assert_eq!(r.published().to_string(), "2021-11-09"); // the last day of `until`
//! assert_eq!(r.id(), "claim-1");
//!
//! // The qualifier is optional (exact by default); values with spaces are quoted.
//! let r: Report = r#"53000 persons returnees id=returned published=2021-11-09 source="MFA 2021-11-09""#.parse()?;
//! assert_eq!((r.qualifier(), r.id(), r.source()), (Qualifier::Exact, "returned", Some("MFA 2021-11-09")));
//!
//! // A claim writes back to a line that parses to the same report.
//! assert_eq!(parse_claim(&r.to_claim())?, r);
//!
//! // Every problem at once, each with its column (1-based, in characters).
//! let err = parse_claim("exact 105 persns detainee-transfer untill=2021-11-09").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "column 11, field unit: \"persns\" is not a unit; did you mean \"persons\"?\n\
//!      column 36, field untill: is not a field of a claim; did you mean \"until\"?"
//! );
//! # Ok::<(), relief_ledger::Error>(())
//! ```
//!
//! # Grammar
//!
//! ```text
//! claim  = [qualifier] number unit kind { key "=" value }      words separated by white space
//! value  = bare | quoted
//! bare   = any characters but white space and `"`
//! quoted = `"` { any character but `"` and `\` | `\"` | `\\` | `\n` | `\r` | `\t` } `"`
//! ```
//!
//! | part | spelling | default |
//! |---|---|---|
//! | qualifier | `exact`, `about`, `more-than`, `at-least`, `nearly`, `at-most` ([`Qualifier`]) | `exact` |
//! | number | a decimal as in files: `105`, `0.5`; no thousands separator | required |
//! | unit | `t`, `kg`, `m3`, `m2`, `ha`, `km2`, `m`, `km`, `persons`, `packages`, `items` ([`Unit`]) | required |
//! | kind | `cargo`, `returnees`, `detainee-transfer`, … ([`Kind`]) | required |
//! | `id=` | the report's id | `claim-N`, N the claim's 1-based place in [`parse_claims`] (1 for [`parse_claim`]) |
//! | `published=` | `YYYY-MM-DD`, the day the figure was published | the last day of `until` |
//! | `since=`, `until=` | `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the period the figure covers | since the beginning; until `published` |
//! | `to=`, `from=`, `via=`, `region=`, `item=` | scope, as written in files | any |
//! | `category=` | one of the kind's categories | any |
//! | `tolerance=` | explicit absolute tolerance, in the unit | from the qualifier |
//! | `mode=` | `check` or `fill` | `check` |
//! | `source=` | the citation | none |
//!
//! A claim must say when it was made: give `until=` or `published=`, so that it means the same
//! tomorrow; [`parse_claims_as_of`] reads a claim without them as made on a day you give (the command
//! line's `--claim` gives the day it runs). Each key may be given once.
//!
//! # Errors
//!
//! A line with problems is refused whole, and every problem is listed, each as
//! `column N, field F: what; how to fix`, N the 1-based character column where the faulty word starts.

use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Category, Kind};
use crate::error::{Error, Problem, ProblemKind, echo, unknown_name};
use crate::period::PartialDate;
use crate::quantity::{Quantity, Unit, parse_decimal};
use crate::report::{Mode, Qualifier, Report};

/// The keys a claim line accepts, in the order [`Report::to_claim`] writes them.
pub const CLAIM_KEYS: [&str; 13] = [
    "id",
    "published",
    "category",
    "item",
    "from",
    "to",
    "via",
    "region",
    "since",
    "until",
    "tolerance",
    "mode",
    "source",
];

/// Parses one claim line into a [`Report`]; its id is `claim-1` unless the line gives `id=`.
///
/// See the [module docs](crate::claim) for the grammar.
///
/// # Errors
///
/// Every problem of the line at once, each with its column: an unknown qualifier, unit, kind, key,
/// category or mode; a number that is not a decimal; a bad date; a key given twice; an unclosed quote;
/// neither `until=` nor `published=`; and what [`ReportBuilder::build`](crate::ReportBuilder::build)
/// refuses (a unit that does not fit the kind, `fill` on a bound, …).
///
/// # Example
///
/// ```
/// use relief_ledger::parse_claim;
///
/// let r = parse_claim("about 53000 persons returnees since=2020-11-14 until=2021-11-09")?;
/// assert_eq!(r.interval().to_string(), "[51940, 54060]");
/// let err = parse_claim("about 53,000 persons returnees").unwrap_err();
/// assert!(err.to_string().starts_with("column 7, field value: \"53,000\" has a thousands separator; write 53000"));
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_claim(text: &str) -> Result<Report, Error> {
    parse_numbered(text, 1, None)
}

/// Parses claim lines into reports, with ids `claim-1`, `claim-2`, … (by place) where a line gives no `id=`.
///
/// # Errors
///
/// Every problem of every line at once, each placed at its claim (`claim N, column C`: the
/// position's record is N, of kind [`RecordKind::Claim`](crate::RecordKind::Claim)); no report is
/// returned when any line has a problem.
///
/// # Example
///
/// ```
/// use relief_ledger::parse_claims;
///
/// let reports = parse_claims(["44 persons detainee-transfer to=ARM until=2020-12-14", "5 persons detainee-transfer to=ARM until=2021-02-10"])?;
/// assert_eq!(reports[1].id(), "claim-2");
/// let err = parse_claims(["44 persons detainee-transfer until=2020-12-14", "5 persons detainee-transfr until=2021-02-10"]).unwrap_err();
/// assert_eq!(err.to_string(), "claim 2, column 11, field kind: \"detainee-transfr\" is not a kind; did you mean \"detainee-transfer\"?");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_claims<I>(claims: I) -> Result<Vec<Report>, Error>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    parse_all(claims, None)
}

/// Parses claim lines as [`parse_claims`] does, taking a claim that gives neither `until=` nor
/// `published=` as published on `today` and covering the record up to that day: "about 53000 persons
/// have returned since 2020-11-14", checked now. The command line's `--claim` reads claims this way,
/// as of the day it runs (UTC).
///
/// # Errors
///
/// As [`parse_claims`], except that a claim without a date is no error.
///
/// # Example
///
/// ```
/// use relief_ledger::{chrono::NaiveDate, parse_claims_as_of};
///
/// let today = NaiveDate::from_ymd_opt(2021, 11, 9).unwrap();
/// let reports = parse_claims_as_of(["about 53000 persons returnees since=2020-11-14"], today)?;
/// assert_eq!(reports[0].published(), today);
/// assert_eq!(reports[0].scope().period.to_string(), "2020-11-14..2021-11-09");
/// // A claim that says when it was made keeps its own date.
/// let reports = parse_claims_as_of(["3 packages minefield-maps to=AZE until=2021-06-12"], today)?;
/// assert_eq!(reports[0].published().to_string(), "2021-06-12");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_claims_as_of<I>(claims: I, today: NaiveDate) -> Result<Vec<Report>, Error>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    parse_all(claims, Some(today))
}

fn parse_all<I>(claims: I, today: Option<NaiveDate>) -> Result<Vec<Report>, Error>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for (i, text) in claims.into_iter().enumerate() {
        match parse_numbered(text.as_ref(), i + 1, today) {
            Ok(r) => reports.push(r),
            Err(e) => problems.extend(e.problems().iter().cloned().map(|mut p| {
                p.position.record = Some(i as u64 + 1);
                p.position.record_kind = Some(crate::error::RecordKind::Claim);
                p
            })),
        }
    }
    if problems.is_empty() { Ok(reports) } else { Err(Error::invalid(problems)) }
}

impl FromStr for Report {
    type Err = Error;

    /// Parses a claim line, as [`parse_claim`] does.
    fn from_str(s: &str) -> Result<Report, Error> {
        parse_claim(s)
    }
}

impl Report {
    /// Writes the report as a claim line that [`parse_claim`] reads back to an equal report.
    ///
    /// Every field the report has is written (the qualifier, the id and the published date too);
    /// values with spaces, quotes or backslashes are quoted.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Kind, Mode, Report, parse_claim};
    ///
    /// let r = Report::builder("mfa-105", "2021-11-09".parse()?, Kind::DetaineeTransfer, "105 persons".parse()?)
    ///     .to("ARM")
    ///     .since("2020-12-02".parse()?)
    ///     .mode(Mode::Fill)
    ///     .source("Russian foreign ministry, 2021-11-09")
    ///     .build()?;
    /// let line = r.to_claim();
    /// assert_eq!(
    ///     line,
    ///     r#"exact 105 persons detainee-transfer id=mfa-105 published=2021-11-09 to=ARM since=2020-12-02 mode=fill source="Russian foreign ministry, 2021-11-09""#
    /// );
    /// assert_eq!(parse_claim(&line)?, r);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_claim(&self) -> String {
        let v = self.value();
        let mut line = format!("{} {} {} {}", self.qualifier(), v.value(), v.unit(), self.kind());
        let s = self.scope();
        let mut field = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                line.push(' ');
                line.push_str(key);
                line.push('=');
                line.push_str(&quote(&value));
            }
        };
        let text = |t: &Option<Arc<str>>| t.as_deref().map(str::to_string);
        field("id", Some(self.id().to_string()));
        field("published", Some(self.published().to_string()));
        field("category", s.category.map(|c| c.to_string()));
        field("item", text(&s.item));
        field("from", text(&s.from));
        field("to", text(&s.to));
        field("via", text(&s.via));
        field("region", text(&s.region));
        field("since", self.since().map(|d| d.to_string()));
        field("until", self.until().map(|d| d.to_string()));
        field("tolerance", self.tolerance().map(|t| t.to_string()));
        field("mode", (self.mode() != Mode::Check).then(|| self.mode().to_string()));
        field("source", self.source().map(str::to_string));
        line
    }
}

/// A value as written in a claim: bare when it can be, quoted otherwise.
fn quote(value: &str) -> String {
    let bare = !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\');
    if bare {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word of the line: a positional word, or a `key=value` field.
#[derive(Debug)]
struct Word {
    /// 1-based character column where the word starts.
    col: usize,
    /// The whole word (positional) or the key (field).
    text: String,
    /// For a field: the value (unquoted) and the column where it starts.
    value: Option<(String, usize)>,
}

/// A problem of `field` at 1-based character column `col` of the line.
fn at(kind: ProblemKind, col: usize, field: &str, message: impl std::fmt::Display) -> Problem {
    Problem::new(kind, field, message.to_string()).in_column(col as u64)
}

/// A problem of the line found by another parser (`p`), placed at `col` in `field`.
fn again(p: &Problem, col: usize, field: &str) -> Problem {
    at(p.kind, col, field, &p.message)
}

/// A problem at column `col` that no field names (a word out of place).
fn at_column(kind: ProblemKind, col: usize, message: impl Into<String>) -> Problem {
    Problem::general(kind, message).in_column(col as u64)
}

/// Splits a line into words, unquoting values; an unclosed quote or a bad escape is a problem.
fn words(text: &str, problems: &mut Vec<Problem>) -> Vec<Word> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
            continue;
        }
        let start = i;
        // A positional word or a key: up to white space or `=`.
        while chars.get(i).is_some_and(|c| !c.is_whitespace() && *c != '=') {
            i += 1;
        }
        let head: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
        if chars.get(i) != Some(&'=') {
            out.push(Word { col: start + 1, text: head, value: None });
            continue;
        }
        i += 1; // the `=`
        let value_col = i + 1;
        let mut value = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            let mut closed = false;
            while let Some(&c) = chars.get(i) {
                i += 1;
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        let esc = chars.get(i).copied();
                        i += 1;
                        match esc {
                            Some('"') => value.push('"'),
                            Some('\\') => value.push('\\'),
                            Some('n') => value.push('\n'),
                            Some('r') => value.push('\r'),
                            Some('t') => value.push('\t'),
                            other => {
                                let shown =
                                    other.map_or_else(|| "the end of the line".to_string(), |c| format!("{c:?}"));
                                problems.push(at(
                                    ProblemKind::Malformed,
                                    i.saturating_sub(1).max(1),
                                    &head,
                                    format!("\\ is followed by {shown}; inside quotes write \\\" \\\\ \\n \\r or \\t"),
                                ));
                            }
                        }
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                problems.push(at(
                    ProblemKind::Malformed,
                    value_col,
                    &head,
                    "the quote is not closed; end the value with \"",
                ));
            } else if chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                problems.push(at(
                    ProblemKind::Malformed,
                    i + 1,
                    &head,
                    "a quoted value must be followed by a space or the end of the line",
                ));
                while chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                    i += 1;
                }
            }
        } else {
            let vstart = i;
            while chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                i += 1;
            }
            value = chars.get(vstart..i).unwrap_or(&[]).iter().collect();
            if let Some(q) = value.find('"') {
                let qcol = value_col + value.get(..q).map_or(0, |p| p.chars().count());
                problems.push(at(
                    ProblemKind::Malformed,
                    qcol,
                    &head,
                    "a quote may only start a value; quote the whole value: key=\"…\"",
                ));
            }
        }
        out.push(Word { col: start + 1, text: head, value: Some((value, value_col)) });
    }
    out
}

/// Parses `text`, naming the report `claim-{n}` unless it gives `id=`.
fn parse_numbered(text: &str, n: usize, today: Option<NaiveDate>) -> Result<Report, Error> {
    let mut problems = Vec::new();
    let words = words(text, &mut problems);
    let end = text.chars().count() + 1;

    // The positional words come first: [qualifier] number unit kind.
    let first_field = words.iter().position(|w| w.value.is_some()).unwrap_or(words.len());
    let (head, fields) = words.split_at(first_field);
    for w in fields.iter().filter(|w| w.value.is_none()) {
        problems.push(at_column(
            ProblemKind::Malformed,
            w.col,
            format!("{} is not a key=value field; after the kind come only fields such as to=ARM", echo(&w.text)),
        ));
    }
    let mut head = head.iter().peekable();
    let mut qualifier = Qualifier::Exact;
    let looks_numeric = |w: &Word| w.text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if let Some(w) = head.next_if(|w| !looks_numeric(w)) {
        match w.text.parse::<Qualifier>() {
            Ok(q) => qualifier = q,
            Err(_) => {
                let known: Vec<&str> = Qualifier::ALL.iter().map(|q| q.as_str()).collect();
                problems.push(at(
                    ProblemKind::NotAllowed,
                    w.col,
                    "qualifier",
                    unknown_name("qualifier", &w.text, &known),
                ));
            }
        }
    }
    let mut expect = |what: &str, example: &str, problems: &mut Vec<Problem>| -> Option<&Word> {
        let w = head.next();
        if w.is_none() {
            problems.push(at(
                ProblemKind::MissingField,
                end,
                what,
                format!("the claim ends where its {what} should be, such as {example}"),
            ));
        }
        w
    };
    let value_word = expect("value", "105", &mut problems);
    let unit_word = expect("unit", "persons", &mut problems);
    let kind_word = expect("kind", "detainee-transfer", &mut problems);
    for w in head {
        problems.push(at_column(
            ProblemKind::Malformed,
            w.col,
            format!(
                "{} comes after the kind; write [qualifier] number unit kind, then key=value fields",
                echo(&w.text)
            ),
        ));
    }
    let value = value_word.and_then(|w| match parse_decimal(&w.text) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.extend(e.problems().iter().map(|p| again(p, w.col, "value")));
            None
        }
    });
    let unit = unit_word.and_then(|w| match w.text.parse::<Unit>() {
        Ok(u) => Some(u),
        Err(e) => {
            problems.extend(e.problems().iter().map(|p| again(p, w.col, "unit")));
            None
        }
    });
    let kind = kind_word.and_then(|w| match w.text.parse::<Kind>() {
        Ok(k) => Some(k),
        Err(e) => {
            problems.extend(e.problems().iter().map(|p| again(p, w.col, "kind")));
            None
        }
    });
    let quantity = match (value, unit) {
        (Some(v), Some(u)) => match Quantity::new(v, u) {
            Ok(q) => Some(q),
            Err(e) => {
                let col = value_word.map_or(1, |w| w.col);
                problems.extend(e.problems().iter().map(|p| again(p, col, "value")));
                None
            }
        },
        _ => None,
    };

    // The fields, each at most once.
    let mut given: Vec<(&str, &str, usize)> = Vec::new(); // key, value, value column
    let mut key_cols: Vec<(&str, usize)> = Vec::new();
    let mut unknown_keys = false;
    for w in fields {
        let Some((v, vcol)) = &w.value else { continue };
        let Some(key) = CLAIM_KEYS.iter().copied().find(|k| *k == w.text) else {
            let message = unknown_name("field of a claim", &w.text, &CLAIM_KEYS);
            let message = message.strip_prefix(&format!("{:?} ", w.text)).unwrap_or(&message).to_string();
            problems.push(at(ProblemKind::UnknownColumn, w.col, &w.text, message));
            unknown_keys = true;
            continue;
        };
        if let Some((_, first)) = key_cols.iter().find(|(k, _)| *k == key) {
            problems.push(at(
                ProblemKind::DuplicateColumn,
                w.col,
                key,
                format!("is given twice (first at column {first}); give it once"),
            ));
            continue;
        }
        key_cols.push((key, w.col));
        if v.trim().is_empty() {
            problems.push(at(ProblemKind::Empty, *vcol, key, "is empty; leave the field out to mean any"));
            continue;
        }
        given.push((key, v.as_str(), *vcol));
    }
    let col_of = |key: &str| given.iter().find(|(k, _, _)| *k == key).map(|(_, _, c)| *c);
    let text_of = |key: &str| given.iter().find(|(k, _, _)| *k == key).map(|(_, v, _)| *v);
    let parsed = |key: &str, problems: &mut Vec<Problem>| -> Option<PartialDate> {
        let (v, col) = (text_of(key)?, col_of(key)?);
        v.parse::<PartialDate>().map_err(|e| problems.extend(e.problems().iter().map(|p| again(p, col, key)))).ok()
    };
    let since = parsed("since", &mut problems);
    let until = parsed("until", &mut problems);
    let published: Option<NaiveDate> = match (text_of("published"), col_of("published")) {
        (Some(v), Some(col)) => match v.parse::<PartialDate>() {
            Ok(date) if date.as_day().is_some() => date.as_day(),
            Ok(_) => {
                problems.push(at(
                    ProblemKind::BadDate,
                    col,
                    "published",
                    format!("{} is not a day; write YYYY-MM-DD", echo(v)),
                ));
                None
            }
            Err(e) => {
                problems.extend(e.problems().iter().map(|p| again(p, col, "published")));
                None
            }
        },
        _ => None,
    };
    // Without a date, a claim read "as of" a day is published that day and covers up to it.
    let published = published.or(today.filter(|_| text_of("published").is_none() && text_of("until").is_none()));
    // A misspelt key may be the date; then its own problem says enough.
    if published.is_none() && text_of("published").is_none() && text_of("until").is_none() && !unknown_keys {
        problems.push(at(
            ProblemKind::MissingField,
            end,
            "until",
            "a claim must say when it was made; add until=YYYY-MM-DD (the end of the period) or published=YYYY-MM-DD",
        ));
    }
    let field = |key: &str, parse: &dyn Fn(&str) -> Result<(), Error>, problems: &mut Vec<Problem>| {
        if let (Some(v), Some(col)) = (text_of(key), col_of(key)) {
            if let Err(e) = parse(v) {
                problems.extend(e.problems().iter().map(|p| again(p, col, key)));
            }
        }
    };
    field("category", &|v| v.parse::<Category>().map(drop), &mut problems);
    field("mode", &|v| v.parse::<Mode>().map(drop), &mut problems);
    field("tolerance", &|v| parse_decimal(v).map(drop), &mut problems);
    let category = text_of("category").and_then(|v| v.parse::<Category>().ok());
    let mode = text_of("mode").and_then(|v| v.parse::<Mode>().ok());
    let tolerance: Option<Decimal> = text_of("tolerance").and_then(|v| parse_decimal(v).ok());

    let (Some(kind), Some(quantity), Some(published)) =
        (kind, quantity, published.or_else(|| until.map(|u| u.last_day())))
    else {
        return Err(Error::invalid(problems));
    };
    if !problems.is_empty() {
        return Err(Error::invalid(problems));
    }
    let id = text_of("id").map_or_else(|| format!("claim-{n}"), str::to_string);
    let mut b = Report::builder(id, published, kind, quantity).qualifier(qualifier);
    for key in ["item", "from", "to", "via", "region"] {
        if let Some(v) = text_of(key) {
            b = match key {
                "item" => b.item(v),
                "from" => b.from(v),
                "to" => b.to(v),
                "via" => b.via(v),
                _ => b.region(v),
            };
        }
    }
    if let Some(c) = category {
        b = b.category(c);
    }
    if let Some(d) = since {
        b = b.since(d);
    }
    if let Some(d) = until {
        b = b.until(d);
    }
    if let Some(t) = tolerance {
        b = b.tolerance(t);
    }
    if let Some(m) = mode {
        b = b.mode(m);
    }
    if let Some(s) = text_of("source") {
        b = b.source(s);
    }
    b.build().map_err(|e| {
        // The builder names the field; place each problem at the word that carries it.
        let problems = e
            .problems()
            .iter()
            .map(|p| {
                let field = p.field.as_deref().unwrap_or("claim");
                let col = match field {
                    "unit" => unit_word.map(|w| w.col),
                    "quantity" | "value" => value_word.map(|w| w.col),
                    "kind" => kind_word.map(|w| w.col),
                    other => col_of(other).or_else(|| key_cols.iter().find(|(k, _)| *k == other).map(|(_, c)| *c)),
                };
                again(p, col.unwrap_or(1), field)
            })
            .collect();
        Error::invalid(problems)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_leaves_plain_words_bare_and_escapes_the_rest() {
        assert_eq!(quote("ARM"), "ARM");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("say \"hi\"\\\n"), r#""say \"hi\"\\\n""#);
    }

    #[test]
    fn words_know_their_columns() {
        let mut problems = Vec::new();
        let w = words("about  53000 source=\"a b\" to=ARM", &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let cols: Vec<usize> = w.iter().map(|w| w.col).collect();
        assert_eq!(cols, [1, 8, 14, 27]);
        assert_eq!(w[2].value, Some(("a b".to_string(), 21)));
    }
}
