//! Reading several files into one ledger and one list of reports, and where each record came from.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::hash::TextMap;
use crate::ledger::{IdIndex, Ledger};
use crate::report::Report;

use super::lines::Lines;
use super::{Assumptions, FileContent, Format, Role, read_content};

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
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Assumptions, Format, Loader, Role};
    ///
    /// let mut assume = Assumptions::new();
    /// assume.add_pair("kind=returnees")?;
    /// assume.add_pair("unit=persons")?;
    /// let mut loader = Loader::new();
    /// loader.assume(assume);
    /// loader.read("date,quantity,to\n2020-11-14,250,NKR\n".as_bytes(), "returns.csv", Format::Csv, Role::Entries);
    /// let (ledger, _) = loader.finish()?;
    /// assert_eq!(ledger.iter().next().map(|e| e.quantity().to_string()), Some("250 persons".to_string()));
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    pub fn assume(&mut self, assume: Assumptions) {
        self.assume = assume;
    }

    /// Reads one stream; its problems are kept for [`Loader::finish`]. `name` names the stream in
    /// messages and in default entry ids, as in [`read`](super::read).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Format, Loader, Role};
    ///
    /// let mut loader = Loader::new();
    /// // Two bad files: neither stops the loader, and finish() lists the problems of both.
    /// loader.read("id,date,kind,quantity,unit,to\nc1,2021-02-30,cargo,1,t,NKR\n".as_bytes(), "a.csv", Format::Csv, Role::Entries);
    /// loader.read("{\"entries\": [{\"id\": \"c2\"}]}".as_bytes(), "b.json", Format::Json, Role::Entries);
    /// let err = loader.finish().unwrap_err();
    /// let message = err.to_string();
    /// assert!(message.starts_with("a.csv: line 2, field date"), "{message}");
    /// assert!(message.contains("b.json: line 1"), "{message}");
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    pub fn read(&mut self, input: impl Read, name: &str, format: Format, role: Role) {
        match read_content(input, &Arc::from(name), format, role, &self.assume, true) {
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
    /// counted twice. A file that cannot be opened is kept as an I/O error for [`Loader::finish`].
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Loader, Role};
    ///
    /// let dir = std::env::temp_dir().join(format!("relief-ledger-doc-read-path-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("entries.csv"), "id,date,kind,quantity,unit,from,to\ndt-1,2020-12-14,detainee-transfer,44,persons,AZE,ARM\n")?;
    /// std::fs::write(dir.join("reports.csv"), "id,published,kind,to,since,value,unit,qualifier\nr1,2021-11-09,detainee-transfer,ARM,2020-12-02,40,persons,more-than\n")?;
    ///
    /// let mut loader = Loader::new();
    /// loader.read_path(&dir.join("entries.csv"), Role::Entries);
    /// loader.read_path(&dir.join("reports.csv"), Role::Reports);
    /// let (ledger, reports) = loader.finish()?;
    /// assert!(ledger.verify(&reports)?.is_success());
    ///
    /// let mut loader = Loader::new();
    /// loader.read_path(&dir.join("entries.csv"), Role::Entries);
    /// loader.read_path(&dir.join(".").join("entries.csv"), Role::Entries);
    /// let err = loader.finish().unwrap_err();
    /// assert!(err.to_string().ends_with("are the same file; name each file once"), "{err}");
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_path(&mut self, path: impl AsRef<Path>, role: Role) {
        let path = path.as_ref();
        let name = path.display().to_string();
        if let Ok(canonical) = std::fs::canonicalize(path) {
            if let Some((_, first)) = self.paths.iter().find(|(p, _)| *p == canonical) {
                self.problems.push(Problem::general(ProblemKind::WrongFile, same_file(first, &name)));
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
                self.io.get_or_insert(Error::io(path, e));
            }
        }
    }

    /// Builds the ledger and the reports.
    ///
    /// # Errors
    ///
    /// The first I/O error, or every problem of every file, ids used twice within or across files included.
    pub fn finish(self) -> Result<(Ledger, Vec<Report>), Error> {
        self.finish_inner(false).map(|(ledger, reports, _)| (ledger, reports))
    }

    /// Builds the ledger and the reports as [`Loader::finish`] does, and says where each entry and
    /// report came from (file and line, by id), for messages about them that come later, such as the
    /// findings of an audit. Keeping the places costs 8 bytes an entry (the code of its id, no text
    /// per entry) and the entries' lines, kept as runs of consecutive lines (a few words for a file
    /// of one record a line, at most 16 bytes an entry), and 16 bytes more an entry once an entry
    /// is looked up by id (the ids' hashes, made then); [`Loader::finish`] keeps none.
    ///
    /// # Errors
    ///
    /// As [`Loader::finish`].
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Format, Loader, Role};
    ///
    /// let mut loader = Loader::new();
    /// let entries = "id,date,kind,quantity,unit,to\ncg-1,2021-04-07,cargo,145,t,NKR\ncg-2,2021-05-26,cargo,155,t,NKR\n";
    /// loader.read(entries.as_bytes(), "convoys.csv", Format::Csv, Role::Entries);
    /// let (ledger, _reports, places) = loader.finish_with_places()?;
    /// assert_eq!(ledger.len(), 2);
    /// assert_eq!(places.entry("cg-2"), Some(("convoys.csv", 3)));
    /// assert_eq!(places.report("cg-2"), None);
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    pub fn finish_with_places(self) -> Result<(Ledger, Vec<Report>, Places), Error> {
        self.finish_inner(true).map(|(ledger, reports, places)| (ledger, reports, places.unwrap_or_default()))
    }

    fn finish_inner(self, keep_places: bool) -> Result<(Ledger, Vec<Report>, Option<Places>), Error> {
        if let Some(e) = self.io {
            return Err(e);
        }
        let mut problems = self.problems;
        // Reports: ids unique across files.
        let mut reports = Vec::new();
        problems.extend(repeated_report_ids(self.files.iter().map(|f| (&f.name, &f.reports[..], &f.report_lines[..]))));
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        let mut files = self.files;
        let mut batches = Vec::new();
        for f in &mut files {
            reports.append(&mut f.reports);
            batches.append(&mut f.batches);
        }
        let mut ledger = Ledger::new();
        if let Err(batch) = ledger.insert_row_batches(batches) {
            // Where each entry of the batch came from, for the messages.
            let places = Places::of_entries(&files);
            let place = |i: usize| u32::try_from(i).ok().and_then(|i| places.place_inserted(i));
            for b in batch {
                let mut p = b.problem;
                if let Some((file, line)) = place(b.index) {
                    p.position.file = Some(file.clone());
                    p.position.line = Some(line);
                }
                if let (Some((file, line)), Some(id)) = (b.first.and_then(place), &p.position.id) {
                    p.message = format!("{} is already used at {file}: line {line}; ids must be unique", echo(id));
                }
                problems.push(p);
            }
            return Err(Error::invalid(problems));
        }
        let places = keep_places.then(|| Places::of(&files, &reports, &ledger));
        Ok((ledger, reports, places))
    }
}

/// Where the entries and reports of a [`Loader`] came from: the file and line of each, by id; see
/// [`Loader::finish_with_places`].
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The files' names, and the index in `lines` of each file's first entry.
    files: Vec<(Arc<str>, usize)>,
    /// The line of each entry, by insertion position (the files' entries in order).
    lines: Lines,
    /// Insertion positions by id: the ledger's ids, copied (no text per entry), hashed when first asked.
    ids: IdIndex,
    reports: TextMap<String, (Arc<str>, u64)>,
}

impl Places {
    /// The places of what `files` held, once their entries are in `ledger` (in the files' order)
    /// and their reports in `reports`.
    fn of(files: &[FileContent], reports: &[Report], ledger: &Ledger) -> Places {
        let mut places = Places { ids: ledger.id_index(), ..Places::of_entries(files) };
        let report_lines = files.iter().flat_map(|f| f.report_lines.iter().map(move |&l| (&f.name, l)));
        for (r, (name, line)) in reports.iter().zip(report_lines) {
            places.reports.insert(r.id().to_string(), (name.clone(), line));
        }
        places
    }

    /// The places of the entries of `files`, by insertion position only (no ids, no reports).
    fn of_entries(files: &[FileContent]) -> Places {
        let mut places = Places::default();
        for f in files {
            places.files.push((f.name.clone(), places.lines.len()));
            places.lines.append(&f.entry_lines);
        }
        places
    }

    /// The file and line of the entry with this id.
    #[must_use]
    pub fn entry(&self, id: &str) -> Option<(&str, u64)> {
        self.entry_place(id).map(|(file, line)| (&**file, line))
    }

    fn entry_place(&self, id: &str) -> Option<(&Arc<str>, u64)> {
        self.place_inserted(self.ids.position(id)?)
    }

    /// The file and line of the entry inserted at position `at` (the files' entries in order).
    fn place_inserted(&self, at: u32) -> Option<(&Arc<str>, u64)> {
        let at = at as usize;
        let line = self.lines.get(at)?;
        let file = self.files.partition_point(|&(_, first)| first <= at).checked_sub(1)?;
        self.files.get(file).map(|(name, _)| (name, line))
    }

    /// The position of the entry with id `id`, which a ledger inserted at position `at`: found there
    /// when these places hold that id there (the places of the loader that built the ledger), else
    /// by id.
    pub(crate) fn inserted(&self, at: u32, id: &str) -> Option<Position> {
        if !self.ids.holds(at, id) {
            return self.position(RecordKind::Entry, id);
        }
        let (file, line) = self.place_inserted(at)?;
        Some(Position::new().with_file(file.clone()).with_line(line).with_id(id, RecordKind::Entry))
    }

    /// The file and line of the report with this id.
    #[must_use]
    pub fn report(&self, id: &str) -> Option<(&str, u64)> {
        self.report_place(id).map(|(file, line)| (&**file, line))
    }

    fn report_place(&self, id: &str) -> Option<(&Arc<str>, u64)> {
        self.reports.get(id).map(|(file, line)| (file, *line))
    }

    /// The position of a record of this kind and id (an entry, or a report or claim), where known.
    #[must_use]
    pub fn position(&self, kind: RecordKind, id: &str) -> Option<Position> {
        // The file's name shared, not copied: an audit locates hundreds of thousands of records.
        let (file, line) = if kind == RecordKind::Entry { self.entry_place(id) } else { self.report_place(id) }?;
        Some(Position::new().with_file(file.clone()).with_line(line).with_id(id, kind))
    }
}

/// The reports whose id an earlier report used, across `files` (each its name, its reports and their
/// lines), as problems at the later one's line.
pub(crate) fn repeated_report_ids<'a>(
    files: impl Iterator<Item = (&'a Arc<str>, &'a [Report], &'a [u64])>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report_ids: TextMap<Arc<str>, (Arc<str>, u64)> = TextMap::default();
    for (name, reports, lines) in files {
        for (r, &line) in reports.iter().zip(lines) {
            let id: Arc<str> = Arc::from(r.id());
            if let Some((file, first)) = report_ids.get(&id) {
                let message =
                    format!("{} is already used at {file}: line {first}; report ids must be unique", echo(&id));
                problems.push(Problem::new(ProblemKind::DuplicateId, "id", message).located(
                    name,
                    Some(line),
                    None,
                    Some(r.id()),
                ));
            } else {
                report_ids.insert(id, (name.clone(), line));
            }
        }
    }
    problems
}
