//! Reading and writing entries and reports: CSV, JSON and JSON Lines, with every problem of a
//! file positioned (file, line, record, field) and the file refused whole.
//!
//! [`Loader`] reads several files into one ledger and one set of reports, reporting the problems of
//! every file at once, ids used twice across files included; [`read`] and [`write()`] handle one
//! stream of a known [`Format`].

mod assume;
mod csv;
pub mod hxl;
mod json;
mod lines;
mod loader;
mod outcomes;
pub(crate) mod record;
mod serde;
mod streaming;

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use crate::entry::Entry;
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo, unknown_name};
use crate::hash::TextMap;
use crate::ledger::RowBatch;
use crate::report::Report;
use lines::Lines;
use record::Table;

pub use assume::Assumptions;
pub use csv::defuse_formula;
pub(crate) use loader::repeated_report_ids;
pub use loader::{Loader, Places};
pub use outcomes::{OUTCOME_COLUMNS, outcome_record, write_explanation, write_outcomes};
pub use record::{ENTRY_COLUMNS, REPORT_COLUMNS};
pub(crate) use streaming::{Consumer, read_streaming};

/// A file format, recognised by the file's extension.
///
/// The columns of CSV files and the fields of JSON records are those of the crate's file formats
/// ([`ENTRY_COLUMNS`], [`REPORT_COLUMNS`]); HXL files map hashtags to them as [below](#hxl).
///
/// # Example
///
/// ```
/// use relief_ledger::Format;
///
/// assert_eq!(Format::from_path("data/entries.csv")?, Format::Csv);
/// assert_eq!(Format::from_path("ledger.JSONL")?, Format::Jsonl);
/// assert!(Format::from_path("entries.xlsx").is_err());
/// // The names used on the command line (`--format`, `convert --format`) parse and print alike.
/// assert_eq!("hxl".parse::<Format>()?, Format::Hxl);
/// assert_eq!(Format::Json.to_string(), "json");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// # HXL
///
/// [HXL](https://hxlstandard.org), the Humanitarian Exchange Language, is CSV with a row of
/// hashtags (`#date`, `#adm1+name`) under the human headers, anywhere in the first 25 rows.
/// [`read`], [`read_file`] and [`Loader`] read it, [`write()`] writes it, with this mapping.
///
/// ```
/// use relief_ledger::{Assumptions, Format, Role, read_with};
///
/// // A returns table as a humanitarian data portal publishes it: no kind, unit or party column.
/// let hxl = "Date,Region,Returned\n\
///            #date,#adm1+name,#affected+returnees\n\
///            2020-11-14,Stepanakert,250\n\
///            2020-12-01,Stepanakert,1168\n";
/// let mut assume = Assumptions::new();
/// assume.add("to", "NKR")?; // `#affected+returnees` gives the kind and the unit, not the party
/// let doc = read_with(hxl.as_bytes(), "returns.hxl", Format::Hxl, Role::Entries, &assume)?;
/// assert_eq!(doc.entries[1].to_string(), "2020-12-01 returns.hxl:4 returnees 1168 persons to=NKR region=Stepanakert");
///
/// // Two columns that would fill one field are refused, naming both.
/// let twice = "Returned,Again\n#affected+returnees,#affected+returnees\n250,3\n";
/// let err = read_with(twice.as_bytes(), "twice.hxl", Format::Hxl, Role::Entries, &assume).unwrap_err();
/// assert!(err.to_string().starts_with("twice.hxl: line 2: columns 1 (#affected+returnees) and 2 (#affected+returnees) both give the quantity"));
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// ## The mapping
///
/// Standard hashtags are used wherever one fits; `#x_` tags carry what the standard lacks.
/// Writers use the first hashtag of each row; readers also take the others. Hashtags and
/// attributes are case-insensitive, attribute order does not matter, and a column may carry
/// attributes beyond those listed (`#adm1+name+i_en` is still the region). A column without a
/// hashtag, or with a hashtag not listed here, is ignored.
///
/// | field | entries | reports | also read |
/// |---|---|---|---|
/// | `id` | `#meta+id` | `#meta+id` | |
/// | `date` | `#date+occurred` (a day, `2024-11`, `2024` or `2024-11-01..2024-11-10`) | | any `#date`; `#date+start` with `#date+end` (and no other `#date`): the range between them |
/// | `published` | | `#date+reported` | any other `#date` |
/// | `since`, `until` | | `#date+start`, `#date+end` | |
/// | `kind` | `#x_kind` | `#x_kind` | |
/// | `category` | `#x_category` | `#x_category` | |
/// | `item` | `#item+name` | `#item+name` | any `#item` |
/// | `quantity`, `value` | `#output+num` | `#output+num` | `#affected+returnees` (people returned: kind `returnees`, unit `persons`) |
/// | `unit` | `#x_unit` | `#x_unit` | `#output+unit`, `#item+unit`, `#meta+unit` |
/// | `from` | `#org+provider` | `#org+provider` | `#org+origin`, `#country+origin`, a plain `#org` |
/// | `to` | `#org+dest` | `#org+dest` | `#org+recipient`, `#country+dest` |
/// | `via` | `#org+impl` | `#org+impl` | `#org+partner` |
/// | `region` | `#adm1+name` | `#adm1+name` | any `#adm1`, `#loc+name`, any `#loc`, `#adm2+name` |
/// | `source` | `#meta+source` | `#meta+source` | |
/// | `note` | `#description` | | `#meta+note` |
/// | `mines` | `#x_mines` | | |
/// | `exchange` | `#event+id` | | |
/// | `qualifier`, `tolerance`, `mode` | | `#x_qualifier`, `#x_tolerance`, `#x_mode` | |
///
/// Where a file says nothing of a field an entry needs (a returns table has no kind or unit
/// column), [`Assumptions`] give the value.
///
/// ## One column per field
///
/// When several columns could fill a field, the most specific one does: the best-ranked tag
/// in the table above (`#adm1+name` before `#adm1+code`), then the one with fewer extra
/// attributes (a total `#affected+returnees` before its breakdown `#affected+returnees+f`); the
/// others are ignored. Two columns that would fill a field equally well (the same hashtag twice,
/// or `#org+origin` beside `#country+origin`) are refused, naming both: keeping one of them
/// silently would drop the other's figures.
///
/// ## Which files are HXL
///
/// A `.hxl` file is HXL: its hashtag row may be anywhere in the first 25 rows, and the rows above
/// it are human headers. A `.csv` file is HXL when a hashtag row comes in its first 25 rows and
/// its first row is not a plain header (human headers such as `Date,Region,Returnees`, or the
/// hashtag row itself). A `.csv` whose first row names only our columns (`id,date,kind,...`)
/// and which also has a hashtag row below is refused, naming both lines: read as HXL, the rows
/// above the hashtags would be lost; read as CSV, the hashtag row would be a bad record.
///
/// ## Formulas
///
/// Values that a spreadsheet would run as formulas are written with a leading `'` and read back
/// without it; see [`write`](write()#formulas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON document: `{"entries": [...], "reports": [...]}`.
    Json,
    /// JSON Lines: one object per line.
    Jsonl,
    /// HXL-tagged CSV: a row of hashtags under the human headers, with the mapping of hashtags to
    /// fields [above](Format#hxl). Files named `.csv` are read as HXL too when they have a hashtag
    /// row in their first 25 rows and their first row is not a header of the crate's own columns
    /// (see [Which files are HXL](Format#which-files-are-hxl)).
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
            let mut p = Problem::general(
                ProblemKind::WrongFile,
                format!(
                    "cannot tell the format from the extension {}; name the file .csv, .json, .jsonl or .hxl",
                    echo(&ext)
                ),
            );
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
            Error::problem(ProblemKind::NotAllowed, "format", unknown_name("format", s, &known))
        })
    }
}

/// What a file is expected to hold.
///
/// A file given as entries that holds reports (or the other way round) is refused, so that a
/// reports file named in the wrong place is not silently counted as events.
///
/// # Example
///
/// ```
/// use relief_ledger::{Format, Role, read};
///
/// let entries = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\n";
/// // Any: the header tells entries from reports.
/// assert_eq!(read(entries.as_bytes(), "a.csv", Format::Csv, Role::Any)?.entries.len(), 1);
/// assert_eq!(read(entries.as_bytes(), "a.csv", Format::Csv, Role::Entries)?.entries.len(), 1);
/// // Given as reports, it is refused, with a message that says why.
/// let err = read(entries.as_bytes(), "a.csv", Format::Csv, Role::Reports).unwrap_err();
/// assert!(err.to_string().contains("it belongs in an entries file, not a reports file"), "{err}");
///
/// let json = r#"{"entries": [{"date": "2021-04-07", "kind": "cargo", "quantity": "145", "unit": "t", "to": "NKR"}]}"#;
/// assert!(read(json.as_bytes(), "a.json", Format::Json, Role::Reports).is_err());
/// # Ok::<(), relief_ledger::Error>(())
/// ```
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
            Error::problem(ProblemKind::NotAllowed, "role", unknown_name("role", s, &known))
        })
    }
}

/// The entries and reports of one file, as [`read`] and [`read_file`] return them and [`write()`]
/// takes them.
///
/// Entries are not yet checked against each other: put them in a [`Ledger`](crate::Ledger) to refuse ids used
/// twice, or read several files with a [`Loader`], which does it across files.
///
/// # Example
///
/// ```
/// use relief_ledger::{Document, Format, Ledger, Role, read, write};
///
/// let json = r#"{
///   "entries": [
///     {"id": "dt-1", "date": "2020-12-14", "kind": "detainee-transfer", "quantity": "44", "unit": "persons", "from": "AZE", "to": "ARM"}
///   ],
///   "reports": [
///     {"id": "mfa", "published": "2021-11-09", "kind": "detainee-transfer", "to": "ARM", "since": "2020-12-02", "value": "105", "unit": "persons"}
///   ]
/// }"#;
/// let Document { entries, reports } = read(json.as_bytes(), "seed.json", Format::Json, Role::Any)?;
/// assert_eq!((entries.len(), reports.len()), (1, 1));
/// assert_eq!(reports[0].value().to_string(), "105 persons");
///
/// // Written back as JSON Lines, one object per line, and read again.
/// let mut jsonl = Vec::new();
/// write(&mut jsonl, Format::Jsonl, &entries, &reports)?;
/// let again = read(jsonl.as_slice(), "seed.jsonl", Format::Jsonl, Role::Any)?;
/// assert_eq!(again, Document { entries: entries.clone(), reports });
///
/// let ledger = Ledger::from_entries(entries)?;
/// assert_eq!(ledger.len(), 1);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
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
    /// Or, read for a ledger, their rows.
    batches: Vec<RowBatch>,
    entry_lines: Lines,
    reports: Vec<Report>,
    report_lines: Vec<u64>,
}

fn read_content(
    mut input: impl Read,
    name: &Arc<str>,
    format: Format,
    role: Role,
    assume: &Assumptions,
    rows: bool,
) -> Result<FileContent, Error> {
    let want = match role {
        Role::Any => None,
        Role::Entries => Some(Table::Entries),
        Role::Reports => Some(Table::Reports),
    };
    let mut content = FileContent {
        name: name.clone(),
        entries: Vec::new(),
        batches: Vec::new(),
        entry_lines: Lines::default(),
        reports: Vec::new(),
        report_lines: Vec::new(),
    };
    match format {
        Format::Csv | Format::Hxl => {
            let dialect = if format == Format::Hxl { csv::Dialect::Hxl } else { csv::Dialect::Auto };
            let c = csv::read(input, name, want, dialect, assume, rows)?;
            content.entry_lines = c.lines_of_entries;
            content.entries = c.entries;
            content.batches = c.batches;
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
                        ProblemKind::Empty,
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
                let p = Problem::general(ProblemKind::WrongFile, format!("holds {what}, but was given as {expected}"));
                return Err(Error::invalid(vec![p]).at(&Position { file: Some(name.clone()), ..Position::default() }));
            }
            if rows {
                let mut batch = RowBatch::default();
                for e in &c.entries {
                    batch.push(e);
                }
                content.batches = vec![batch];
            } else {
                content.entries = vec![c.entries];
            }
            content.entry_lines = c.entry_lines;
            content.reports = c.reports;
            content.report_lines = c.report_lines;
        }
    }
    Ok(content)
}

/// Ids used twice among the records that a file with other problems still read. Such a file is
/// refused anyway, before the ledger would see its ids; these are listed with its other problems, so
/// that every problem of the file is said at once.
pub(crate) fn repeated_ids<'a, I: AsRef<str>>(
    file: &Arc<str>,
    entries: impl IntoIterator<Item = (I, u64)>,
    reports: impl IntoIterator<Item = (&'a Report, u64)>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut check = |id: &str, line: u64, kind: RecordKind, seen: &mut TextMap<String, u64>, what: &str| {
        if let Some(first) = seen.get(id) {
            let message = format!("{} is already used at {file}: line {first}; {what} must be unique", echo(id));
            let mut p = Problem::new(ProblemKind::DuplicateId, "id", message).located(file, Some(line), None, Some(id));
            p.position.record_kind = Some(kind);
            problems.push(p);
        } else {
            seen.insert(id.to_string(), line);
        }
    };
    let mut seen = TextMap::default();
    for (id, line) in entries {
        check(id.as_ref(), line, RecordKind::Entry, &mut seen, "ids");
    }
    let mut seen = TextMap::default();
    for (r, line) in reports {
        check(r.id(), line, RecordKind::Report, &mut seen, "report ids");
    }
    problems
}

/// Reads one stream in `format`; `name` names it in messages (and in default entry ids, `NAME:LINE`).
///
/// CSV and JSON records have the fields of [`ENTRY_COLUMNS`] and [`REPORT_COLUMNS`]; HXL files are
/// read through the hashtag mapping documented with [`Format`](Format#hxl).
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
///
/// # Example
///
/// ```
/// use relief_ledger::{Assumptions, Format, Role, read_with};
///
/// // A table of returns with dates and counts only.
/// let csv = "date,quantity\n2020-11-14,250\n2020-12-01,1168\n";
/// let mut assume = Assumptions::new();
/// for pair in ["kind=returnees", "unit=persons", "to=NKR"] {
///     assume.add_pair(pair)?;
/// }
/// let doc = read_with(csv.as_bytes(), "returns.csv", Format::Csv, Role::Entries, &assume)?;
/// assert_eq!(doc.entries[1].quantity().to_string(), "1168 persons");
///
/// // Without the unit, the header says what is missing.
/// let mut partial = Assumptions::new();
/// partial.add_pair("kind=returnees")?;
/// partial.add_pair("to=NKR")?;
/// let err = read_with(csv.as_bytes(), "returns.csv", Format::Csv, Role::Entries, &partial).unwrap_err();
/// assert!(err.to_string().starts_with("returns.csv: line 1, field unit"), "{err}");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn read_with(
    input: impl Read,
    name: &str,
    format: Format,
    role: Role,
    assume: &Assumptions,
) -> Result<Document, Error> {
    let c = read_content(input, &Arc::from(name), format, role, assume, false)?;
    Ok(Document { entries: c.entries.into_iter().flatten().collect(), reports: c.reports })
}

/// Reads a file, its format recognised by its extension (see [`Format::from_path`]); the file's
/// path names it in messages and in default entry ids (`PATH:LINE`).
///
/// # Errors
///
/// As [`read`]; an I/O error when the file cannot be opened, and an error when the extension is
/// not one of `.csv`, `.json`, `.jsonl`, `.hxl`.
///
/// # Example
///
/// ```
/// use std::path::Path;
///
/// use relief_ledger::{Role, read_file};
///
/// let dir = std::env::temp_dir().join(format!("relief-ledger-doc-read-file-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("convoys.csv");
/// std::fs::write(&path, "id,date,kind,category,quantity,unit,from,to\n\
///                        cg-1,2021-04-07,cargo,humanitarian,145,t,RU-EMERCOM,NKR\n\
///                        cg-2,2021-05-26,cargo,humanitarian,155,t,RU-EMERCOM,NKR\n")?;
/// let doc = read_file(&path, Role::Entries)?;
/// assert_eq!(doc.entries.len(), 2);
/// assert_eq!(doc.entries[1].id(), "cg-2");
///
/// // A missing file is an I/O error that names it; a file with bad data, a data error.
/// let err = read_file(&dir.join("missing.csv"), Role::Entries).unwrap_err();
/// assert!(err.is_io() && err.to_string().contains("missing.csv"), "{err}");
/// std::fs::write(&path, "id,date,kind,quantity,unit,to\ncg-1,2021-04-07,cargo,145,tons,NKR\n")?;
/// let err = read_file(&path, Role::Entries).unwrap_err();
/// assert!(err.is_data() && err.to_string().contains("line 2, field unit"), "{err}");
/// assert!(read_file(Path::new("entries.xlsx"), Role::Entries).is_err());
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_file(path: impl AsRef<Path>, role: Role) -> Result<Document, Error> {
    read_file_with(path, role, &Assumptions::new())
}

/// Reads a file like [`read_file`], taking what the file leaves out from `assume` (see
/// [`read_with`] for an example).
///
/// # Errors
///
/// As [`read_with`], and an I/O error when the file cannot be opened.
pub fn read_file_with(path: impl AsRef<Path>, role: Role, assume: &Assumptions) -> Result<Document, Error> {
    let path = path.as_ref();
    let format = Format::from_path(path)?;
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_with(file, &name, format, role, assume)
}

/// Writes entries and reports in `format`. A CSV or HXL file holds entries or reports, not both.
///
/// What is written reads back to equal entries and reports with [`read`]: the same ids, dates,
/// figures (exact decimals, as strings in JSON), parties, sources and notes. CSV has a column for
/// every field of [`ENTRY_COLUMNS`] or [`REPORT_COLUMNS`]; HXL only the columns that hold a value,
/// tagged as in [`Format`'s mapping](Format#hxl); JSON is one document
/// `{"entries": [...], "reports": [...]}`, JSON Lines one object per line.
///
/// # Errors
///
/// When writing fails, or when CSV or HXL is asked to hold both entries and reports.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Format, Role, read, write};
///
/// let entries = [
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).id("cg-1").from("RU-EMERCOM").to("NKR").build()?,
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).id("cg-2").from("RU-EMERCOM").to("NKR").build()?,
/// ];
/// for format in Format::ALL {
///     let mut out = Vec::new();
///     write(&mut out, format, &entries, &[])?;
///     let doc = read(out.as_slice(), "out", format, Role::Entries)?;
///     assert_eq!(doc.entries, entries, "{format}");
/// }
///
/// let mut csv = Vec::new();
/// write(&mut csv, Format::Csv, &entries, &[])?;
/// let csv = String::from_utf8(csv)?;
/// assert!(csv.starts_with("id,date,kind,"));
/// assert!(csv.contains("\ncg-1,2021-04-07,cargo,"));
///
/// // A CSV file holds entries or reports: write both to JSON, or to two files.
/// let report = relief_ledger::parse_claim("300 t cargo id=mod since=2021-04 until=2021-05")?;
/// assert!(write(Vec::new(), Format::Csv, &entries, &[report.clone()]).is_err());
/// write(Vec::new(), Format::Json, &entries, &[report])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Formulas
///
/// Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (some also after a tab or a CR)
/// as a formula. Following OWASP's advice on CSV injection, the HXL and CSV writers put a single
/// quote `'` before such a value, unless it is a number such as `-5`; spreadsheets show it as
/// text, without the quote. Readers take one leading `'` off a value when `=`, `+`, `-`, `@`, a
/// tab, a CR or another `'` follows it, and writers also put a `'` before a value that begins with
/// `'` and one of those, so that every value reads back exactly as it was written.
///
/// ```
/// use relief_ledger::{Entry, Format, Role, read, write};
///
/// let note = "=SUM(A2:A9)";
/// let entry = Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).id("cg-1").to("NKR").note(note).build()?;
/// let mut csv = Vec::new();
/// write(&mut csv, Format::Csv, &[entry], &[])?;
/// assert!(String::from_utf8(csv.clone())?.ends_with(",'=SUM(A2:A9)\n"));
/// let doc = read(csv.as_slice(), "out.csv", Format::Csv, Role::Entries)?;
/// assert_eq!(doc.entries[0].note(), Some(note));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(out: impl Write, format: Format, entries: &[Entry], reports: &[Report]) -> Result<(), Error> {
    let entries: Vec<&Entry> = entries.iter().collect();
    let entries = &entries[..];
    match format {
        Format::Csv if !entries.is_empty() && !reports.is_empty() => Err(Error::problem(
            ProblemKind::NotAllowed,
            "format",
            "a CSV file holds entries or reports, not both; write them to two files, or use json",
        )),
        Format::Csv if entries.is_empty() && !reports.is_empty() => csv::write_reports(out, reports),
        Format::Csv => csv::write_entries(out, entries),
        Format::Json => json::write_document(out, entries, reports),
        Format::Jsonl => json::write_lines(out, entries, reports),
        Format::Hxl if !entries.is_empty() && !reports.is_empty() => Err(Error::problem(
            ProblemKind::NotAllowed,
            "format",
            "an HXL file holds entries or reports, not both; write them to two files",
        )),
        Format::Hxl => hxl::write(out, entries, reports),
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
