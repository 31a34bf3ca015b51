//! Where a problem is: file, line, column, record and id, and what kind of record.

use std::fmt;
use std::sync::Arc;

use super::cut;

/// What the record of a [`Position`] is: an entry, a report, or a report written as a one-line claim.
///
/// # Example
///
/// ```
/// use relief_ledger::{RecordKind, parse_claims};
///
/// let err = parse_claims(["exact 105 persons detainee-transfer until=2021-11-09", "about 53000 persns returnees"])
///     .unwrap_err();
/// let p = &err.problems()[0];
/// assert_eq!(p.position.record_kind(), Some(RecordKind::Claim));
/// assert_eq!(p.position.record(), Some(2), "the second claim");
/// assert_eq!(RecordKind::Claim.to_string(), "claim");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RecordKind {
    /// An entry (an event of the ledger).
    Entry,
    /// A report (a published figure) read from a file or built in code.
    Report,
    /// A report written as a one-line claim; its position's record is the claim's place in its list.
    Claim,
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordKind::Entry => "entry",
            RecordKind::Report => "report",
            RecordKind::Claim => "claim",
        })
    }
}

/// Where a problem is: any of file, line, column, record and id that are known.
///
/// Fields are public to read; build one with [`Position::new`] and the `with_*` methods.
///
/// # Example
///
/// ```
/// use relief_ledger::{Position, ProblemKind, RecordKind, read_with, Assumptions, Format, Role};
///
/// let csv = "date,kind,quantity,unit,to\n2021-01-10,returnees,5,tons,ARM\n";
/// let err = read_with(csv.as_bytes(), "r.csv", Format::Csv, Role::Entries, &Assumptions::new()).unwrap_err();
/// let p = &err.problems()[0];
/// assert_eq!(p.kind(), ProblemKind::BadUnit);
/// assert_eq!((p.position.line(), p.position.column(), p.field()), (Some(2), Some(4), Some("unit")));
///
/// let built = Position::new().with_id("r1", RecordKind::Report);
/// assert_eq!(built.to_string(), "report r1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Position {
    /// The file, as the user named it.
    #[serde(default, with = "arc_str")]
    pub file: Option<Arc<str>>,
    /// The 1-based line where the record starts (or where the problem is, when a reader knows it).
    #[serde(default)]
    pub line: Option<u64>,
    /// The 1-based column: the field's index in a CSV row, the character in a JSON line or a claim.
    #[serde(default)]
    pub column: Option<u64>,
    /// The 1-based record number (data rows, not counting the header).
    #[serde(default)]
    pub record: Option<u64>,
    /// The id of the entry or report.
    #[serde(default)]
    pub id: Option<String>,
    /// What the record is: an entry, a report or a claim.
    #[serde(default)]
    pub record_kind: Option<RecordKind>,
}

impl Position {
    /// A position that knows nothing yet.
    #[must_use]
    pub fn new() -> Position {
        Position::default()
    }

    /// In a file.
    #[must_use]
    pub fn with_file(mut self, file: impl Into<Arc<str>>) -> Position {
        self.file = Some(file.into());
        self
    }

    /// At a 1-based line.
    #[must_use]
    pub fn with_line(mut self, line: u64) -> Position {
        self.line = Some(line);
        self
    }

    /// At a 1-based column.
    #[must_use]
    pub fn with_column(mut self, column: u64) -> Position {
        self.column = Some(column);
        self
    }

    /// At a 1-based record.
    #[must_use]
    pub fn with_record(mut self, record: u64) -> Position {
        self.record = Some(record);
        self
    }

    /// The entry or report of this id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>, of: RecordKind) -> Position {
        self.id = Some(id.into());
        self.record_kind = Some(of);
        self
    }

    /// The claim at this 1-based place of a list of claims.
    #[must_use]
    pub fn with_claim(mut self, n: u64) -> Position {
        self.record = Some(n);
        self.record_kind = Some(RecordKind::Claim);
        self
    }

    /// The file, as the user named it.
    #[must_use]
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// The 1-based line.
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The 1-based column.
    #[must_use]
    pub fn column(&self) -> Option<u64> {
        self.column
    }

    /// The 1-based record number.
    #[must_use]
    pub fn record(&self) -> Option<u64> {
        self.record
    }

    /// The id of the entry or report.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// What the record is: an entry, a report or a claim.
    #[must_use]
    pub fn record_kind(&self) -> Option<RecordKind> {
        self.record_kind
    }

    pub(super) fn fill_from(&mut self, other: &Position) {
        if self.file.is_none() {
            self.file = other.file.clone();
        }
        if self.line.is_none() {
            self.line = other.line;
        }
        if self.column.is_none() {
            self.column = other.column;
        }
        if self.record.is_none() {
            self.record = other.record;
        }
        if self.id.is_none() {
            self.id = other.id.clone();
        }
        if self.record_kind.is_none() {
            self.record_kind = other.record_kind;
        }
    }

    /// The parts after the file: the line, or the claim's place in its list; the column (shown
    /// when no field names the place, or no line does); the id of the entry or report (when no
    /// line places the record).
    pub(super) fn parts(&self, field: Option<&str>) -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        let kind = self.record_kind.map_or_else(|| "record".to_string(), |k| k.to_string());
        let claim = self.record_kind == Some(RecordKind::Claim);
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        } else if let (Some(n), true) = (self.record, claim) {
            parts.push(format!("claim {n}"));
        }
        if let Some(column) = self.column {
            if field.is_none() || self.line.is_none() {
                parts.push(format!("column {column}"));
            }
        }
        if let Some(id) = &self.id {
            if self.line.is_none() && !(claim && self.record.is_some()) {
                parts.push(format!("{kind} {}", cut(id)));
            }
        }
        if let Some(field) = field {
            parts.push(format!("field {}", cut(field)));
        }
        parts
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = self.parts(None);
        match (&self.file, parts.is_empty()) {
            (Some(file), true) => write!(f, "{file}"),
            (Some(file), false) => write!(f, "{file}: {}", parts.join(", ")),
            (None, _) => write!(f, "{}", parts.join(", ")),
        }
    }
}

/// Serde for `Option<Arc<str>>` as an optional string (serde's `rc` feature is not needed for this one field).
mod arc_str {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_some(&**v),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Arc::from))
    }
}
