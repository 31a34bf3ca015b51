//! The crate's one error type: a boxed [`ErrorKind`], with every data problem positioned.
//!
//! Validation never stops at the first problem: an [`Error`] of kind [`ErrorKind::Invalid`]
//! carries every [`Problem`] found, each naming where it is (file, line, record, entry) and
//! which field is wrong.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::quantity::Dimension;

mod position;

pub use position::{Position, RecordKind};

/// How many problems an error's message lists before it says "and N more".
pub const PROBLEMS_SHOWN: usize = 50;

/// The error of every fallible operation in this crate.
///
/// It is one pointer wide, so `Result<T, Error>` stays small. Use [`Error::kind`] to inspect it,
/// the predicates [`Error::is_data`] and [`Error::is_io`] to choose what to do, and
/// [`Error::problems`] with [`Problem::kind`] to tell one data problem from another without
/// reading its text.
///
/// # Example
///
/// ```
/// use relief_ledger::{ProblemKind, Unit};
///
/// let err = "tons".parse::<Unit>().unwrap_err();
/// assert!(err.is_data());
/// assert_eq!(err.problems()[0].kind(), ProblemKind::BadUnit);
/// assert_eq!(err.to_string(), r#"field unit: "tons" is not a unit; did you mean "t"?"#);
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
///
/// # Example
///
/// Match on the kind to choose what to do; an I/O error keeps the path, and its operating
/// system's reason is its [`source`](std::error::Error::source), printed once by a chain:
///
/// ```
/// use std::error::Error as _;
/// use std::path::Path;
/// use relief_ledger::{ErrorKind, ProblemKind, Role, read_file};
///
/// let err = read_file(Path::new("no-such-file.csv"), Role::Any).unwrap_err();
/// match err.kind() {
///     ErrorKind::Io { path, .. } => assert_eq!(path.to_str(), Some("no-such-file.csv")),
///     ErrorKind::Invalid(problems) => {
///         let duplicates = problems.iter().filter(|p| p.kind() == ProblemKind::DuplicateId).count();
///         println!("{duplicates} ids used twice");
///     }
///     other => println!("{other}"),
/// }
/// assert_eq!(err.to_string(), "no-such-file.csv: could not read the file");
/// assert!(err.source().is_some(), "the reason is the source, not part of the message");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Quantities of different dimensions were combined.
    #[error("cannot add {right} to {left}: quantities of different dimensions never add up")]
    MixedDimensions {
        /// The dimension of the left operand.
        left: Dimension,
        /// The dimension of the right operand.
        right: Dimension,
    },
    /// An exact result does not fit a decimal (96-bit mantissa, at most 28 decimal places).
    #[error("{0}: the exact result does not fit a decimal")]
    Overflow(String),
    /// Input data was refused; every problem found is listed.
    #[error("{0}")]
    Invalid(Problems),
    /// A file could not be read. The message names the file; the operating system's reason is
    /// the [`source`](std::error::Error::source), so that an error chain prints it once.
    #[error("{}: could not read the file", path.display())]
    Io {
        /// The file, as the caller named it.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Output could not be written (to the writer the caller gave); the reason is the source.
    #[error("could not write the output")]
    Write {
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwraps the kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// True when the input was bad (the caller should fix the data, not retry).
    pub fn is_data(&self) -> bool {
        matches!(*self.0, ErrorKind::Invalid(_) | ErrorKind::MixedDimensions { .. })
    }

    /// True when a file could not be read or output could not be written.
    pub fn is_io(&self) -> bool {
        matches!(*self.0, ErrorKind::Io { .. } | ErrorKind::Write { .. })
    }

    /// The problems of an [`ErrorKind::Invalid`] error; empty for other kinds.
    pub fn problems(&self) -> &[Problem] {
        match &*self.0 {
            ErrorKind::Invalid(p) => &p.0,
            _ => &[],
        }
    }

    /// True when one of the problems is of `kind` (always false for errors other than
    /// [`ErrorKind::Invalid`]).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{ProblemKind, parse_decimal};
    ///
    /// let err = parse_decimal("1,581").unwrap_err();
    /// assert!(err.has(ProblemKind::BadNumber));
    /// assert!(!err.has(ProblemKind::BadDate));
    /// ```
    pub fn has(&self, kind: ProblemKind) -> bool {
        self.problems().iter().any(|p| p.kind == kind)
    }

    pub(crate) fn invalid(problems: Vec<Problem>) -> Error {
        debug_assert!(!problems.is_empty());
        Error::from(ErrorKind::Invalid(Problems(problems)))
    }

    pub(crate) fn problem(kind: ProblemKind, field: &str, message: impl Into<String>) -> Error {
        Error::invalid(vec![Problem::new(kind, field, message)])
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Error {
        Error::from(ErrorKind::Overflow(what.into()))
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::from(ErrorKind::Io { path: path.into(), source })
    }

    pub(crate) fn write(source: std::io::Error) -> Error {
        Error::from(ErrorKind::Write { source })
    }

    /// Sets a position on every problem that has none (used by readers and by the ledger).
    pub(crate) fn at(mut self, position: &Position) -> Error {
        if let ErrorKind::Invalid(p) = &mut *self.0 {
            for problem in &mut p.0 {
                problem.position.fill_from(position);
            }
        }
        self
    }

    /// Names the field of every problem that names none (a value parsed before its field was known).
    pub(crate) fn in_field(mut self, field: &str) -> Error {
        if let ErrorKind::Invalid(p) = &mut *self.0 {
            for problem in &mut p.0 {
                if problem.field.is_none() {
                    problem.field = Some(field.to_string());
                }
            }
        }
        self
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

/// The problems of an invalid input, in the order found.
///
/// Its `Display` lists the first [`PROBLEMS_SHOWN`] problems, one per line, then how many more there are.
///
/// # Example
///
/// A file is refused whole, with every problem in it; match on each problem's [`ProblemKind`] to
/// decide what to do, and read its [`Position`] to point at it:
///
/// ```
/// use relief_ledger::{ErrorKind, Format, ProblemKind, Role, read};
///
/// let csv = "id,date,kind,category,quantity,unit,to\n\
///            c1,2020-11-24,cargo,construction-material,45,t,NKR\n\
///            c2,2020-11-24,cargo,,300,tons,NKR\n\
///            r1,2020-12-01,returnees,,\"1,168\",persons,NKR\n";
/// let err = read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries).unwrap_err();
/// let ErrorKind::Invalid(problems) = err.kind() else { panic!("expected bad data: {err}") };
/// let mut fixes = Vec::new();
/// for p in problems.iter() {
///     let line = p.position.line().unwrap_or(0);
///     match p.kind() {
///         ProblemKind::DuplicateId => fixes.push(format!("line {line}: rename")),
///         ProblemKind::BadUnit => fixes.push(format!("line {line}: fix the unit")),
///         ProblemKind::BadNumber => fixes.push(format!("line {line}: write the number plainly")),
///         other => fixes.push(format!("line {line}: {other}")),
///     }
/// }
/// fixes.sort();
/// assert_eq!(fixes, ["line 3: fix the unit", "line 4: write the number plainly"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl std::ops::Deref for Problems {
    type Target = [Problem];

    fn deref(&self) -> &[Problem] {
        &self.0
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().take(PROBLEMS_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.0.len() > PROBLEMS_SHOWN {
            write!(f, "\nand {} more", self.0.len() - PROBLEMS_SHOWN)?;
        }
        Ok(())
    }
}

/// What kind of thing is wrong with the input, so that a program can tell one problem from another
/// without reading its message. Each [`Problem`] carries one; the list will grow.
///
/// It serializes (and prints, and parses) as its kebab-case name: `duplicate-id`, `bad-unit`.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Kind, Ledger, ProblemKind};
///
/// let day = relief_ledger::parse_date("2021-01-10")?;
/// let a = Entry::builder(Kind::Returnees, day, "5 persons".parse()?).id("r1").to("ARM").build()?;
/// let err = Ledger::from_entries([a.clone(), a]).unwrap_err();
/// assert_eq!(err.problems()[0].kind(), ProblemKind::DuplicateId);
/// assert_eq!(ProblemKind::DuplicateId.to_string(), "duplicate-id");
/// assert_eq!("bad-unit".parse::<ProblemKind>()?, ProblemKind::BadUnit);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// An id used by two entries or two reports, in one file or across files.
    DuplicateId,
    /// A column (or JSON key, or HXL hashtag) the format does not know, or one with no name.
    UnknownColumn,
    /// A column (or key, or hashtag) given twice.
    DuplicateColumn,
    /// A required column is absent from the header (or an HXL file has no hashtag for it).
    MissingColumn,
    /// A record lacks a value it needs: an empty required cell, a party its kind needs.
    MissingField,
    /// A value that is not a date, or a day that does not exist (`2021-02-30`).
    BadDate,
    /// A value that is not a decimal number as files write them: thousands separators, decimal
    /// commas, letters, exponents.
    BadNumber,
    /// A number of the right form but out of the range allowed: zero or negative quantities,
    /// negative tolerances, fractional counts of persons, packages or items.
    OutOfRange,
    /// A unit that does not exist (`tons`).
    BadUnit,
    /// A unit of a dimension the kind (or the operation) does not allow: tonnes of returnees.
    WrongDimension,
    /// A name outside the values allowed: an unknown kind, category, qualifier, mode, grouping key,
    /// format or field.
    NotAllowed,
    /// Values that contradict each other: the same party as from and to, a period that ends before it
    /// starts, a category of another kind, a fill with a bound qualifier.
    Inconsistent,
    /// An empty value where a field should be left out, or an empty file.
    Empty,
    /// A value with spaces around it.
    Padded,
    /// Text that is not well-formed CSV, JSON or claim syntax: an unterminated quote, rows of
    /// different lengths, no header, a JSON number where a string is expected.
    Malformed,
    /// Bytes that are not UTF-8.
    Encoding,
    /// A value or an exact result that does not fit a decimal.
    Overflow,
    /// A file that cannot be taken as given: an extension that names no format, the same file named
    /// twice. (Entries in a reports file show as [`ProblemKind::UnknownColumn`]: their columns are
    /// not a report's.)
    WrongFile,
    /// An input beyond what the crate holds: more entries than a ledger can index. (JSON nested too
    /// deep is [`ProblemKind::Malformed`], as its parser says.)
    TooLarge,
}

impl ProblemKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [ProblemKind; 19] = [
        ProblemKind::DuplicateId,
        ProblemKind::UnknownColumn,
        ProblemKind::DuplicateColumn,
        ProblemKind::MissingColumn,
        ProblemKind::MissingField,
        ProblemKind::BadDate,
        ProblemKind::BadNumber,
        ProblemKind::OutOfRange,
        ProblemKind::BadUnit,
        ProblemKind::WrongDimension,
        ProblemKind::NotAllowed,
        ProblemKind::Inconsistent,
        ProblemKind::Empty,
        ProblemKind::Padded,
        ProblemKind::Malformed,
        ProblemKind::Encoding,
        ProblemKind::Overflow,
        ProblemKind::WrongFile,
        ProblemKind::TooLarge,
    ];

    /// The kebab-case name, as `Display` prints it and serde writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::DuplicateId => "duplicate-id",
            ProblemKind::UnknownColumn => "unknown-column",
            ProblemKind::DuplicateColumn => "duplicate-column",
            ProblemKind::MissingColumn => "missing-column",
            ProblemKind::MissingField => "missing-field",
            ProblemKind::BadDate => "bad-date",
            ProblemKind::BadNumber => "bad-number",
            ProblemKind::OutOfRange => "out-of-range",
            ProblemKind::BadUnit => "bad-unit",
            ProblemKind::WrongDimension => "wrong-dimension",
            ProblemKind::NotAllowed => "not-allowed",
            ProblemKind::Inconsistent => "inconsistent",
            ProblemKind::Empty => "empty",
            ProblemKind::Padded => "padded",
            ProblemKind::Malformed => "malformed",
            ProblemKind::Encoding => "encoding",
            ProblemKind::Overflow => "overflow",
            ProblemKind::WrongFile => "wrong-file",
            ProblemKind::TooLarge => "too-large",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProblemKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<ProblemKind, Error> {
        ProblemKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "kind", unknown_name("problem kind", s, &known))
        })
    }
}

/// One thing wrong with the input: what kind of problem, where, which field, and what.
///
/// # Example
///
/// Tell problems apart by [`kind`](Problem::kind), not by their text:
///
/// ```
/// use relief_ledger::{ProblemKind, parse_claim};
///
/// let err = parse_claim("exact 105 tons detainee-transfer").unwrap_err();
/// let p = &err.problems()[0];
/// assert_eq!(p.kind(), ProblemKind::BadUnit);
/// assert_eq!((p.position.column(), p.field()), (Some(11), Some("unit")));
/// assert!(p.to_string().starts_with("column 11, field unit: "), "{p}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// Where the problem is.
    pub position: Position,
    /// The column or field, when one is to blame.
    pub field: Option<String>,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl Problem {
    /// A problem with a field, not yet positioned.
    #[must_use]
    pub fn new(kind: ProblemKind, field: &str, message: impl Into<String>) -> Problem {
        Problem { kind, position: Position::default(), field: Some(field.to_string()), message: message.into() }
    }

    /// A problem with no particular field.
    #[must_use]
    pub fn general(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem { kind, position: Position::default(), field: None, message: message.into() }
    }

    /// The same problem, at `position`.
    #[must_use]
    pub fn at(mut self, position: Position) -> Problem {
        self.position = position;
        self
    }

    /// What kind of problem it is.
    #[must_use]
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// Where it is.
    #[must_use]
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// The column or field to blame, if one is.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong and how to fix it, without the position.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Places the problem in a file: at a line, a record and an entry, where known.
    pub(crate) fn located(
        mut self,
        file: &Arc<str>,
        line: Option<u64>,
        record: Option<u64>,
        id: Option<&str>,
    ) -> Problem {
        let column = self.position.column;
        let record_kind = self.position.record_kind;
        self.position =
            Position { file: Some(file.clone()), line, column, record, id: id.map(str::to_string), record_kind };
        self
    }

    /// Sets the 1-based column.
    pub(crate) fn in_column(mut self, column: u64) -> Problem {
        self.position.column = Some(column);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pos = &self.position;
        if let Some(file) = &pos.file {
            write!(f, "{file}: ")?;
        }
        let parts = pos.parts(self.field.as_deref());
        if !parts.is_empty() {
            write!(f, "{}: ", parts.join(", "))?;
        }
        write!(f, "{}", self.message)
    }
}

/// How many characters of a value from the input a message echoes; past that, [`echo`] cuts it.
pub(crate) const ECHOED_CHARS: usize = 40;

/// A value from the input as a message shows it: quoted and escaped like `{:?}`, and cut after
/// [`ECHOED_CHARS`] characters with an ellipsis and its length (`"aaaa…" (104857600 characters)`),
/// so that a hostile value never makes a message as large as itself.
pub(crate) fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHOED_CHARS) {
        None => format!("{value:?}"),
        Some((cut, _)) => {
            let quoted = format!("{:?}", value.get(..cut).unwrap_or_default());
            let open = quoted.strip_suffix('"').unwrap_or(&quoted);
            format!("{open}…\" ({} characters)", value.chars().count())
        }
    }
}

/// A name or a suggestion made from the input, unquoted (a field in a position, "write 1581"): cut
/// like [`echo`], with an ellipsis and without the length.
pub(crate) fn cut(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(ECHOED_CHARS) {
        None => std::borrow::Cow::Borrowed(name),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", name.get(..cut).unwrap_or_default())),
    }
}

/// The known name nearest to `found` (by edit distance, ignoring case), if it is near enough to be a typo.
///
/// The work is bounded by the known names, not by `found`: a value much longer than every known
/// name cannot be a typo of one (its distance exceeds the limit), so it is not compared at all.
pub(crate) fn nearest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let known: Vec<&'a str> = known.into_iter().collect();
    let longest = known.iter().map(|k| k.chars().count()).max().unwrap_or(0);
    // A typo is at most `limit` edits away, `limit` being a third of its length (at least 2), and
    // the distance is at least the difference in length; so a name of more than 3/2 of the
    // longest known length, plus 2, is never near enough. A prefix is never longer than its name.
    if found.chars().nth(longest + longest / 2 + 2).is_some() {
        return None;
    }
    let found = found.to_lowercase();
    let prefixed: Vec<&'a str> =
        known.iter().copied().filter(|k| found.len() >= 3 && k.to_lowercase().starts_with(&found)).collect();
    if let [only] = prefixed[..] {
        return Some(only);
    }
    let mut best: Option<(usize, &str)> = None;
    for name in known {
        let d = edit_distance(&found, &name.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, name));
        }
    }
    let limit = (found.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit).map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `"x" is not a WHAT; did you mean "y"?` or `...; expected one of a, b, c`.
pub(crate) fn unknown_name(what: &str, found: &str, known: &[&str]) -> String {
    match nearest(found, known.iter().copied()) {
        Some(n) => format!("{} is not a {what}; did you mean {n:?}?", echo(found)),
        None => format!("{} is not a {what}; expected one of {}", echo(found), known.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let known = ["quantity", "unit", "date"];
        assert_eq!(nearest("quantiy", known), Some("quantity"));
        assert_eq!(nearest("Quantity", known), Some("quantity"));
        assert_eq!(nearest("zzzzzzzz", known), None);
        assert_eq!(nearest("quant", known), Some("quantity"), "an unambiguous prefix");
    }

    #[test]
    fn problem_display_goes_from_where_to_what() {
        let mut p = Problem::new(ProblemKind::OutOfRange, "quantity", "must be greater than zero");
        p.position.file = Some("entries.csv".into());
        p.position.line = Some(13);
        assert_eq!(p.to_string(), "entries.csv: line 13, field quantity: must be greater than zero");
    }

    #[test]
    fn problems_display_is_capped() {
        let list: Vec<Problem> =
            (0..PROBLEMS_SHOWN + 3).map(|i| Problem::general(ProblemKind::Malformed, format!("p{i}"))).collect();
        let text = Problems(list).to_string();
        assert!(text.ends_with("\nand 3 more"), "{text}");
        assert_eq!(text.lines().count(), PROBLEMS_SHOWN + 1);
    }

    #[test]
    fn echo_quotes_short_values_and_cuts_long_ones() {
        assert_eq!(echo("1,581"), "\"1,581\"");
        assert_eq!(echo("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        let exact = "a".repeat(ECHOED_CHARS);
        assert_eq!(echo(&exact), format!("{exact:?}"), "a value of the limit's length is shown whole");
        let long = "a".repeat(104_857_600);
        assert_eq!(echo(&long), format!("\"{}…\" (104857600 characters)", "a".repeat(ECHOED_CHARS)));
        // Cut on characters, not bytes: no half of a letter, and the length counts letters.
        let cyrillic = "Шуша".repeat(20);
        assert_eq!(echo(&cyrillic), format!("\"{}…\" (80 characters)", "Шуша".repeat(10)));
    }

    #[test]
    fn nearest_does_not_compare_what_cannot_be_a_typo() {
        let known = ["quantity", "unit", "date"];
        // Every name that could be near enough is still compared ("quantity" + 4 letters is 12,
        // within a third of its length) ...
        assert_eq!(nearest("quantityyyyy", known), Some("quantity"));
        assert_eq!(nearest("quantityyyyyy", known), None);
        // ... and a huge value is refused at once, without a comparison of 100 million letters.
        let huge = "q".repeat(100 << 20);
        let start = std::time::Instant::now();
        assert_eq!(nearest(&huge, known), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(1), "{:?}", start.elapsed());
    }

    #[test]
    fn a_long_field_name_is_cut_in_the_position() {
        let name = "b".repeat(1000);
        let p = Problem::new(ProblemKind::UnknownColumn, &name, "unknown");
        assert_eq!(p.to_string(), format!("field {}…: unknown", "b".repeat(ECHOED_CHARS)));
    }
}
