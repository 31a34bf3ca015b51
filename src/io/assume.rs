//! Values for fields that files leave out.

use crate::error::{Error, ProblemKind, echo, unknown_name};

use super::record::Table;
use super::{ENTRY_COLUMNS, REPORT_COLUMNS};

/// Values for fields that files leave out, such as the kind and unit of a table of returns
/// that has only dates, places and counts (`--assume kind=returnees --assume unit=persons`).
///
/// A value applies to every record whose file has no value for that field; a cell that has one
/// keeps it. They are distinct from scope filters: they say what the data is, not which data to keep.
///
/// # Example
///
/// ```
/// use relief_ledger::{Assumptions, Format, Role, read_with};
///
/// let mut assume = Assumptions::new();
/// assume.add("kind", "returnees")?;
/// assume.add("unit", "persons")?;
/// assume.add("to", "NKR")?;
/// let csv = "date,quantity\n2020-11-14,250\n";
/// let doc = read_with(csv.as_bytes(), "returns.csv", Format::Csv, Role::Entries, &assume)?;
/// assert_eq!(doc.entries[0].to_string(), "2020-11-14 returns.csv:2 returnees 250 persons to=NKR");
/// assert!(assume.add("unit", "tons").is_err());
/// assert!(assume.add("colour", "red").is_err());
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assumptions {
    values: Vec<(String, String)>,
}

impl Assumptions {
    /// No assumptions.
    pub fn new() -> Assumptions {
        Assumptions::default()
    }

    /// Assumes `value` for `field` (a column of entries or reports files) where a file gives none.
    ///
    /// # Errors
    ///
    /// An unknown field, a field assumed twice, or a value that field cannot take.
    pub fn add(&mut self, field: &str, value: &str) -> Result<(), Error> {
        let field = field.trim();
        let value = value.trim();
        // Entries and reports share most columns: name each field once.
        let mut known: Vec<&str> = ENTRY_COLUMNS.to_vec();
        known.extend(REPORT_COLUMNS.iter().filter(|c| !ENTRY_COLUMNS.contains(c)));
        if !known.contains(&field) {
            return Err(Error::problem(ProblemKind::NotAllowed, "assume", unknown_name("field", field, &known)));
        }
        if self.values.iter().any(|(f, _)| f == field) {
            return Err(Error::problem(ProblemKind::Inconsistent, "assume", format!("{field} is assumed twice")));
        }
        if value.is_empty() {
            return Err(Error::problem(ProblemKind::Empty, "assume", format!("{field}= needs a value")));
        }
        let checked: Result<(), Error> = match field {
            "kind" => value.parse::<crate::Kind>().map(drop),
            "category" => value.parse::<crate::Category>().map(drop),
            "unit" => value.parse::<crate::Unit>().map(drop),
            "qualifier" => value.parse::<crate::Qualifier>().map(drop),
            "mode" => value.parse::<crate::Mode>().map(drop),
            "date" => value.parse::<crate::EntryDate>().map(drop),
            "published" => crate::period::parse_date(value).map(drop).map_err(|e| e.in_field(field)),
            "since" | "until" => value.parse::<crate::PartialDate>().map(drop),
            "quantity" | "value" | "tolerance" => {
                crate::quantity::parse_decimal(value).map(drop).map_err(|e| e.in_field(field))
            }
            _ => Ok(()),
        };
        checked?;
        self.values.push((field.to_string(), value.to_string()));
        Ok(())
    }

    /// Parses `FIELD=VALUE`, as given on the command line, and adds it.
    ///
    /// # Errors
    ///
    /// As [`Assumptions::add`], and text without `=`.
    pub fn add_pair(&mut self, pair: &str) -> Result<(), Error> {
        let Some((field, value)) = pair.split_once('=') else {
            return Err(Error::problem(
                ProblemKind::Malformed,
                "assume",
                format!("{} needs the form FIELD=VALUE, such as kind=returnees", echo(pair)),
            ));
        };
        self.add(field, value)
    }

    /// True when nothing is assumed.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The assumed values of the fields of `table`, by field index.
    pub(crate) fn for_table(&self, table: Table) -> Vec<(usize, String)> {
        self.values.iter().filter_map(|(f, v)| table.index(f).map(|i| (i, v.clone()))).collect()
    }
}
