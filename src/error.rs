//! The crate's one error type: a boxed [`ErrorKind`], with every data problem positioned.
//!
//! Validation never stops at the first problem: an [`Error`] of kind [`ErrorKind::Invalid`]
//! carries every [`Problem`] found, each naming where it is (file, line, record, entry) and
//! which field is wrong.

use std::fmt;
use std::sync::Arc;

use crate::quantity::Dimension;

/// How many problems an error's message lists before it says "and N more".
pub const PROBLEMS_SHOWN: usize = 50;

/// The error of every fallible operation in this crate.
///
/// It is one pointer wide, so `Result<T, Error>` stays small. Use [`Error::kind`] to inspect it,
/// or the predicates [`Error::is_data`] and [`Error::is_io`] to choose what to do.
///
/// # Example
///
/// ```
/// use relief_ledger::Unit;
///
/// let err = "tons".parse::<Unit>().unwrap_err();
/// assert!(err.is_data());
/// assert_eq!(err.to_string(), r#"field unit: "tons" is not a unit; did you mean "t"?"#);
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
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
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
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

    /// True when a file could not be read or written.
    pub fn is_io(&self) -> bool {
        matches!(*self.0, ErrorKind::Io { .. })
    }

    /// The problems of an [`ErrorKind::Invalid`] error; empty for other kinds.
    pub fn problems(&self) -> &[Problem] {
        match &*self.0 {
            ErrorKind::Invalid(p) => &p.0,
            _ => &[],
        }
    }

    pub(crate) fn invalid(problems: Vec<Problem>) -> Error {
        debug_assert!(!problems.is_empty());
        Error::from(ErrorKind::Invalid(Problems(problems)))
    }

    pub(crate) fn problem(field: &str, message: impl Into<String>) -> Error {
        Error::invalid(vec![Problem::new(field, message)])
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Error {
        Error::from(ErrorKind::Overflow(what.into()))
    }

    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::from(ErrorKind::Io { path: path.into(), source })
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
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

/// The problems of an invalid input, in the order found.
///
/// Its `Display` lists the first [`PROBLEMS_SHOWN`] problems, one per line, then how many more there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

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

/// Where a problem is: any of file, line, record and entry id that are known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// The file, as the user named it.
    pub file: Option<Arc<str>>,
    /// The 1-based line where the record starts.
    pub line: Option<u64>,
    /// The 1-based record number (data rows, not counting the header).
    pub record: Option<u64>,
    /// The id of the entry or report.
    pub id: Option<String>,
}

impl Position {
    fn fill_from(&mut self, other: &Position) {
        if self.file.is_none() {
            self.file = other.file.clone();
        }
        if self.line.is_none() {
            self.line = other.line;
        }
        if self.record.is_none() {
            self.record = other.record;
        }
        if self.id.is_none() {
            self.id = other.id.clone();
        }
    }
}

/// One thing wrong with the input: where, which field, and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Where the problem is.
    pub position: Position,
    /// The column or field, when one is to blame.
    pub field: Option<String>,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl Problem {
    /// A problem with a field, not yet positioned.
    pub fn new(field: &str, message: impl Into<String>) -> Problem {
        Problem { position: Position::default(), field: Some(field.to_string()), message: message.into() }
    }

    /// Places the problem in a file: at a line, a record and an entry, where known.
    pub(crate) fn located(
        mut self,
        file: &Arc<str>,
        line: Option<u64>,
        record: Option<u64>,
        id: Option<&str>,
    ) -> Problem {
        self.position = Position { file: Some(file.clone()), line, record, id: id.map(str::to_string) };
        self
    }

    /// A problem with no particular field.
    pub fn general(message: impl Into<String>) -> Problem {
        Problem { position: Position::default(), field: None, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pos = &self.position;
        if let Some(file) = &pos.file {
            write!(f, "{file}: ")?;
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some(line) = pos.line {
            parts.push(format!("line {line}"));
        }
        if let Some(id) = &pos.id {
            if pos.line.is_none() {
                parts.push(format!("entry {}", cut(id)));
            }
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {}", cut(field)));
        }
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
        let mut p = Problem::new("quantity", "must be greater than zero");
        p.position.file = Some("entries.csv".into());
        p.position.line = Some(13);
        assert_eq!(p.to_string(), "entries.csv: line 13, field quantity: must be greater than zero");
    }

    #[test]
    fn problems_display_is_capped() {
        let list: Vec<Problem> = (0..PROBLEMS_SHOWN + 3).map(|i| Problem::general(format!("p{i}"))).collect();
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
        let p = Problem::new(&name, "unknown");
        assert_eq!(p.to_string(), format!("field {}…: unknown", "b".repeat(ECHOED_CHARS)));
    }
}
