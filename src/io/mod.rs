//! Reading and writing entries and reports: CSV, JSON and JSON Lines, with every problem of a
//! file positioned (file, line, record, field) and the file refused whole.
//!
//! [`Loader`] reads several files into one ledger and one set of reports, reporting the problems of
//! every file at once, ids used twice across files included; [`read`] and [`write`] handle one
//! stream of a known [`Format`].

mod csv;
pub mod hxl;
mod json;
mod outcomes;
pub(crate) mod record;
mod serde;

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use crate::entry::Entry;
use crate::error::{Error, Position, Problem, unknown_name};
use crate::hash::TextMap;
use crate::ledger::Ledger;
use crate::report::Report;
use record::Table;

pub use outcomes::{OUTCOME_COLUMNS, outcome_record, write_explanation, write_outcomes};
pub use record::{ENTRY_COLUMNS, REPORT_COLUMNS};

/// A file format, recognised by the file's extension.
///
/// # Example
///
/// ```
/// use relief_ledger::Format;
///
/// assert_eq!(Format::from_path("data/entries.csv")?, Format::Csv);
/// assert_eq!(Format::from_path("ledger.JSONL")?, Format::Jsonl);
/// assert!(Format::from_path("entries.xlsx").is_err());
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON document: `{"entries": [...], "reports": [...]}`.
    Json,
    /// JSON Lines: one object per line.
    Jsonl,
    /// HXL-tagged CSV: a row of hashtags under the human headers (see the [`hxl`] module).
    /// Files named `.csv` are read as HXL too when they have a hashtag row.
    Hxl,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Csv, Format::Json, Format::Jsonl, Format::Hxl];

    /// The name used on the command line and as the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Hxl => "hxl",
        }
    }

    /// The format of a file, by its extension (`.csv`, `.json`, `.jsonl`, `.hxl`; any case).
    ///
    /// # Errors
    ///
    /// When the extension is missing or not one of these.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Format, Error> {
        let path = path.as_ref();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        ext.parse().map_err(|_| {
            let mut p = Problem::general(format!(
                "cannot tell the format from the extension {ext:?}; name the file .csv, .json, .jsonl or .hxl"
            ));
            p.position.file = Some(Arc::from(path.display().to_string()));
            Error::invalid(vec![p])
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format, Error> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            Error::problem("format", unknown_name("format", s, &known))
        })
    }
}

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
            return Err(Error::problem("assume", unknown_name("field", field, &known)));
        }
        if self.values.iter().any(|(f, _)| f == field) {
            return Err(Error::problem("assume", format!("{field} is assumed twice")));
        }
        if value.is_empty() {
            return Err(Error::problem("assume", format!("{field}= needs a value")));
        }
        let checked: Result<(), Error> = match field {
            "kind" => value.parse::<crate::Kind>().map(drop),
            "category" => value.parse::<crate::Category>().map(drop),
            "unit" => value.parse::<crate::Unit>().map(drop),
            "qualifier" => value.parse::<crate::Qualifier>().map(drop),
            "mode" => value.parse::<crate::Mode>().map(drop),
            "date" | "published" => crate::period::parse_date(value).map(drop).map_err(|m| Error::problem(field, m)),
            "since" | "until" => value.parse::<crate::PartialDate>().map(drop),
            "quantity" | "value" | "tolerance" => {
                crate::quantity::parse_decimal(value).map(drop).map_err(|m| Error::problem(field, m))
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
                "assume",
                format!("{pair:?} needs the form FIELD=VALUE, such as kind=returnees"),
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

/// What a file is expected to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Role {
    /// Whatever it holds: a CSV file's header tells entries from reports.
    #[default]
    Any,
    /// Entries only.
    Entries,
    /// Reports only.
    Reports,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Any, Role::Entries, Role::Reports];

    /// The name of the role: `any`, `entries`, `reports`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Any => "any",
            Role::Entries => "entries",
            Role::Reports => "reports",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Role, Error> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            Error::problem("role", unknown_name("role", s, &known))
        })
    }
}

/// The entries and reports of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The entries, in file order.
    pub entries: Vec<Entry>,
    /// The reports, in file order.
    pub reports: Vec<Report>,
}

/// What one file gave, with the line of each record, kept until the ledger is built.
struct FileContent {
    name: Arc<str>,
    /// Entries in chunks (CSV reads them in parallel), with the line of each.
    entries: Vec<Vec<Entry>>,
    entry_lines: Vec<u64>,
    reports: Vec<Report>,
    report_lines: Vec<u64>,
}

fn read_content(
    mut input: impl Read,
    name: &Arc<str>,
    format: Format,
    role: Role,
    assume: &Assumptions,
) -> Result<FileContent, Error> {
    let want = match role {
        Role::Any => None,
        Role::Entries => Some(Table::Entries),
        Role::Reports => Some(Table::Reports),
    };
    let mut content = FileContent {
        name: name.clone(),
        entries: Vec::new(),
        entry_lines: Vec::new(),
        reports: Vec::new(),
        report_lines: Vec::new(),
    };
    match format {
        Format::Csv | Format::Hxl => {
            let dialect = if format == Format::Hxl { csv::Dialect::Hxl } else { csv::Dialect::Auto };
            let c = csv::read(input, name, want, dialect, assume)?;
            content.entry_lines = c.lines_of_entries;
            content.entries = c.entries;
            content.report_lines = c.lines_of_reports;
            content.reports = c.reports;
        }
        Format::Json | Format::Jsonl => {
            let mut bytes = Vec::new();
            input.read_to_end(&mut bytes).map_err(|e| Error::io(name.to_string(), e))?;
            let text = json::utf8(bytes, name)?;
            // Some editors start UTF-8 files with a byte-order mark; JSON has no room for one.
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let c = if format == Format::Json {
                if text.trim().is_empty() {
                    let p = Problem::general(
                        "the file is empty; a JSON document is {\"entries\": [...], \"reports\": [...]}",
                    );
                    return Err(
                        Error::invalid(vec![p]).at(&Position { file: Some(name.clone()), ..Position::default() })
                    );
                }
                json::read_document(text, name, assume)?
            } else {
                json::read_lines(text, name, want, assume)?
            };
            let wrong = match role {
                Role::Entries if !c.reports.is_empty() => Some(("reports", "an entries file")),
                Role::Reports if !c.entries.is_empty() => Some(("entries", "a reports file")),
                _ => None,
            };
            if let Some((what, expected)) = wrong {
                let p = Problem::general(format!("holds {what}, but was given as {expected}"));
                return Err(Error::invalid(vec![p]).at(&Position { file: Some(name.clone()), ..Position::default() }));
            }
            content.entries = vec![c.entries];
            content.entry_lines = c.entry_lines;
            content.reports = c.reports;
            content.report_lines = c.report_lines;
        }
    }
    Ok(content)
}

/// Reads one stream in `format`; `name` names it in messages (and in default entry ids, `NAME:LINE`).
///
/// # Errors
///
/// Every problem in the stream, each positioned; nothing is returned unless there are none.
///
/// # Example
///
/// ```
/// use relief_ledger::{Format, Role, read};
///
/// let csv = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\n";
/// let doc = read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries)?;
/// assert_eq!(doc.entries[0].quantity().to_string(), "145 t");
///
/// let bad = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,\"1,581\",t,NKR\nc2,2021-02-30,cargoo,1,t,NKR\n";
/// let err = read(bad.as_bytes(), "entries.csv", Format::Csv, Role::Entries).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "entries.csv: line 2, field quantity: \"1,581\" has a thousands separator; write 1581\n\
///      entries.csv: line 3, field date: \"2021-02-30\" does not exist: 2021-02 has 28 days\n\
///      entries.csv: line 3, field kind: \"cargoo\" is not a kind; did you mean \"cargo\"?"
/// );
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn read(input: impl Read, name: &str, format: Format, role: Role) -> Result<Document, Error> {
    read_with(input, name, format, role, &Assumptions::new())
}

/// Reads one stream like [`read`], taking what the stream leaves out from `assume`.
///
/// # Errors
///
/// As [`read`]; and a field an entry or report needs that neither the stream nor `assume` gives.
pub fn read_with(
    input: impl Read,
    name: &str,
    format: Format,
    role: Role,
    assume: &Assumptions,
) -> Result<Document, Error> {
    let c = read_content(input, &Arc::from(name), format, role, assume)?;
    Ok(Document { entries: c.entries.into_iter().flatten().collect(), reports: c.reports })
}

/// Reads a file, its format recognised by its extension.
///
/// # Errors
///
/// As [`read`], and an I/O error when the file cannot be opened.
pub fn read_file(path: impl AsRef<Path>, role: Role) -> Result<Document, Error> {
    read_file_with(path, role, &Assumptions::new())
}

/// Reads a file like [`read_file`], taking what the file leaves out from `assume`.
///
/// # Errors
///
/// As [`read_with`], and an I/O error when the file cannot be opened.
pub fn read_file_with(path: impl AsRef<Path>, role: Role, assume: &Assumptions) -> Result<Document, Error> {
    let path = path.as_ref();
    let format = Format::from_path(path)?;
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(name.clone(), e))?;
    read_with(file, &name, format, role, assume)
}

/// Writes entries and reports in `format`. A CSV or HXL file holds entries or reports, not both.
///
/// # Errors
///
/// When writing fails, or when CSV is asked to hold both entries and reports.
pub fn write(out: impl Write, format: Format, entries: &[Entry], reports: &[Report]) -> Result<(), Error> {
    let entries: Vec<&Entry> = entries.iter().collect();
    let entries = &entries[..];
    match format {
        Format::Csv if !entries.is_empty() && !reports.is_empty() => Err(Error::problem(
            "format",
            "a CSV file holds entries or reports, not both; write them to two files, or use json",
        )),
        Format::Csv if entries.is_empty() && !reports.is_empty() => csv::write_reports(out, reports),
        Format::Csv => csv::write_entries(out, entries),
        Format::Json => json::write_document(out, entries, reports),
        Format::Jsonl => json::write_lines(out, entries, reports),
        Format::Hxl if !entries.is_empty() && !reports.is_empty() => {
            Err(Error::problem("format", "an HXL file holds entries or reports, not both; write them to two files"))
        }
        Format::Hxl => hxl::write(out, entries, reports),
    }
}

/// The message for a file named twice, `first` then `second` (the command line words it alike).
fn same_file(first: &str, second: &str) -> String {
    if first == second {
        format!("{first} is named twice; name each file once")
    } else {
        format!("{first} and {second} are the same file; name each file once")
    }
}

/// Reads several files into one ledger and one list of reports.
///
/// Problems are collected across all files (and ids used twice across files are named with both
/// places), so that one run shows everything to fix.
///
/// # Example
///
/// ```
/// use relief_ledger::{Format, Loader, Role};
///
/// let mut loader = Loader::new();
/// loader.read("id,date,kind,quantity,unit,to\ne1,2021-04-07,cargo,145,t,NKR\n".as_bytes(), "a.csv", Format::Csv, Role::Any);
/// loader.read("id,date,kind,quantity,unit,to\ne1,2021-05-26,cargo,155,t,NKR\n".as_bytes(), "b.csv", Format::Csv, Role::Any);
/// let err = loader.finish().unwrap_err();
/// assert_eq!(err.to_string(), "b.csv: line 2, field id: \"e1\" is already used at a.csv: line 2; ids must be unique");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Default)]
pub struct Loader {
    files: Vec<FileContent>,
    problems: Vec<Problem>,
    io: Option<Error>,
    assume: Assumptions,
    /// The files opened by [`Loader::read_path`], canonicalized, with the names they were given.
    paths: Vec<(std::path::PathBuf, String)>,
}

/// What a loader holds so far: the files read, the records and problems, never the records themselves.
impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.files.iter().map(|c| &*c.name).collect();
        f.debug_struct("Loader")
            .field("files", &names)
            .field("entries", &self.files.iter().map(|c| c.entry_lines.len()).sum::<usize>())
            .field("reports", &self.files.iter().map(|c| c.reports.len()).sum::<usize>())
            .field("problems", &self.problems.len())
            .field("io", &self.io)
            .field("assume", &self.assume)
            .finish()
    }
}

impl Loader {
    /// A loader with nothing read yet.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Takes what the files read from now on leave out from `assume`.
    pub fn assume(&mut self, assume: Assumptions) {
        self.assume = assume;
    }

    /// Reads one stream; its problems are kept for [`Loader::finish`].
    pub fn read(&mut self, input: impl Read, name: &str, format: Format, role: Role) {
        match read_content(input, &Arc::from(name), format, role, &self.assume) {
            Ok(c) => self.files.push(c),
            Err(e) if e.is_io() => {
                self.io.get_or_insert(e);
            }
            Err(e) => self.problems.extend(e.problems().iter().cloned()),
        }
    }

    /// Opens and reads a file, its format recognised by its extension.
    ///
    /// A file named a second time (`a.csv` then `./a.csv`, or through a link) is a problem, not
    /// counted twice.
    pub fn read_path(&mut self, path: impl AsRef<Path>, role: Role) {
        let path = path.as_ref();
        let name = path.display().to_string();
        if let Ok(canonical) = std::fs::canonicalize(path) {
            if let Some((_, first)) = self.paths.iter().find(|(p, _)| *p == canonical) {
                self.problems.push(Problem::general(same_file(first, &name)));
                return;
            }
            self.paths.push((canonical, name.clone()));
        }
        let format = match Format::from_path(path) {
            Ok(f) => f,
            Err(e) => {
                self.problems.extend(e.problems().iter().cloned());
                return;
            }
        };
        match std::fs::File::open(path) {
            Ok(file) => self.read(std::io::BufReader::with_capacity(1 << 20, file), &name, format, role),
            Err(e) => {
                self.io.get_or_insert(Error::io(name, e));
            }
        }
    }

    /// Builds the ledger and the reports.
    ///
    /// # Errors
    ///
    /// The first I/O error, or every problem of every file, ids used twice within or across files included.
    pub fn finish(self) -> Result<(Ledger, Vec<Report>), Error> {
        if let Some(e) = self.io {
            return Err(e);
        }
        let mut problems = self.problems;
        // Reports: ids unique across files.
        let mut report_ids: TextMap<Arc<str>, (Arc<str>, u64)> = TextMap::default();
        let mut reports = Vec::new();
        for f in &self.files {
            for (r, &line) in f.reports.iter().zip(&f.report_lines) {
                let id: Arc<str> = Arc::from(r.id());
                if let Some((file, first)) = report_ids.get(&id) {
                    let message = format!("{id:?} is already used at {file}: line {first}; report ids must be unique");
                    problems.push(Problem::new("id", message).located(&f.name, Some(line), None, Some(r.id())));
                } else {
                    report_ids.insert(id, (f.name.clone(), line));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        let mut files = self.files;
        let mut segments = Vec::new();
        for f in &mut files {
            reports.append(&mut f.reports);
            segments.append(&mut f.entries);
        }
        let mut ledger = Ledger::new();
        if let Err(batch) = ledger.insert_segments(segments) {
            // Where each entry of the batch came from, for the messages.
            let places: Vec<(&Arc<str>, u64)> =
                files.iter().flat_map(|f| f.entry_lines.iter().map(move |&l| (&f.name, l))).collect();
            for b in batch {
                let mut p = b.problem;
                if let Some(&(file, line)) = places.get(b.index) {
                    p.position.file = Some(file.clone());
                    p.position.line = Some(line);
                }
                if let (Some(&(file, line)), Some(id)) = (b.first.and_then(|i| places.get(i)), &p.position.id) {
                    p.message = format!("{id:?} is already used at {file}: line {line}; ids must be unique");
                }
                problems.push(p);
            }
            return Err(Error::invalid(problems));
        }
        Ok((ledger, reports))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fill_report_with_one_party_on_both_sides_is_refused_at_its_line() {
        let csv = "id,published,kind,from,to,value,unit,mode\n\
                   r0,2021-01-04,returnees,,NKR,3,persons,check\n\
                   r1,2021-01-05,detainee-transfer,ARM,ARM,10,persons,fill\n\
                   r2,2021-01-05,detainee-transfer,ARM,ARM,10,persons,check\n";
        let err = read(csv.as_bytes(), "reports.csv", Format::Csv, Role::Reports).unwrap_err();
        // Only the fill is refused: a check report with that scope matches nothing, and says so when verified.
        assert_eq!(
            err.to_string(),
            "reports.csv: line 3, field to: ARM is both from and to; a transfer needs two parties"
        );
        let json = r#"{"reports": [
            {"id": "r1", "published": "2021-01-05", "kind": "remains-transfer", "from": "AZE", "to": "AZE",
             "value": "4", "unit": "persons", "mode": "fill"}
        ]}"#;
        let err = read(json.as_bytes(), "doc.json", Format::Json, Role::Any).unwrap_err();
        assert!(err.to_string().starts_with("doc.json: line 2, field to: AZE is both from and to"), "{err}");
    }

    #[test]
    fn a_file_read_twice_through_read_path_is_a_problem() {
        let dir = std::env::temp_dir().join(format!("relief-ledger-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.csv");
        std::fs::write(&path, "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\n").unwrap();
        let again = dir.join(".").join("a.csv");
        let mut loader = Loader::new();
        loader.read_path(&path, Role::Any);
        loader.read_path(&again, Role::Any);
        let err = loader.finish().unwrap_err();
        let message = format!("{} and {} are the same file; name each file once", path.display(), again.display());
        assert_eq!(err.to_string(), message);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn assume_names_each_field_once_in_its_message() {
        let err = Assumptions::new().add("colour", "red").unwrap_err().to_string();
        let list = err.split("expected one of ").nth(1).unwrap_or_default();
        let fields: Vec<&str> = list.split(", ").collect();
        let mut unique = fields.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(fields.len(), unique.len(), "{err}");
        for f in ENTRY_COLUMNS.iter().chain(REPORT_COLUMNS.iter()) {
            assert!(fields.contains(f), "{f} is named in {err}");
        }
    }
}
