//! Totals and verification straight from files, without holding their entries: the streaming path.
//!
//! A [`Fold`] reads files as [`Loader`](crate::Loader) does (every column validated, every problem
//! positioned, a file with problems refused whole, ids unique across all files), but folds each
//! entry into per-thread partial results as soon as it is read: CSV, HXL and JSON Lines files are
//! cut into chunks parsed on every core (a JSON document is read whole). The partial results are
//! merged in a fixed order at the end, so the results are those of the [`Ledger`] path, whatever
//! the chunks and threads.
//!
//! Four folds read naturally next to [`Ledger::group`], [`Ledger::running`] and [`Ledger::verify`]:
//!
//! - [`Fold::group`] totals the entries of a scope by keys: a [`Summary`] per group, as
//!   [`Ledger::group`] gives [`Group`](crate::Group)s, with the number of entries and exchanges and
//!   the dates of the first and last entries instead of the entries themselves;
//! - [`Fold::reduce`] keeps one entry per distinct day, kind, category, parties, item, region,
//!   exchange and dimension, their quantities summed: a small [`Ledger`] whose totals, running
//!   totals and verification are those of the whole ledger;
//! - [`Fold::reduce_for`] keeps of entries only what some reports can tell apart: a far smaller
//!   ledger whose verification of those reports is the whole ledger's ([`verify`] uses it);
//! - [`Fold::reduce_for_group`] keeps of entries only what a scope and keys tell apart: a small
//!   ledger whose totals, groups and running totals for them are the whole ledger's (`chart` uses it).
//!
//! `group` holds the group sums, `project` the projections of the reductions, `ids` the check of ids
//! used twice; this file, the fold.
//!
//! Ids used twice are found in bounded memory: 8 bytes an entry (a keyed hash of the id, whose low
//! 8 bits say which file the entry is in), put in buckets in place and sorted bucket by bucket at
//! the end. The ids whose hashes more than one entry has are compared for real, with where they
//! were read: read again from the files those entries are in (files read with [`Fold::read_path`]
//! or [`Fold::read_from`] with a path), or kept as read (files read from a plain reader with
//! [`Fold::read`]). Only a fold that finds such hashes reads files again, and only those files; one
//! that no longer holds what it held (it changed while it was read) is an error, never a wrong
//! answer.
//!
//! # Example
//!
//! ```
//! use relief_ledger::{Format, Key, Ledger, Role, Scope, read_with, stream};
//!
//! let csv = "id,date,kind,quantity,unit,from,to\n\
//!            d1,2020-12-14,detainee-transfer,44,persons,AZE,ARM\n\
//!            d2,2020-12-14,detainee-transfer,12,persons,ARM,AZE\n\
//!            d3,2021-02-10,detainee-transfer,5,persons,AZE,ARM\n";
//! let groups = stream::group(csv.as_bytes(), "entries.csv", Format::Csv, &Scope::all(), &[Key::To])?;
//! let rows: Vec<String> = groups.iter().map(|g| format!("{}: {} ({} entries)", g.key()[0], g.totals(), g.entries())).collect();
//! assert_eq!(rows, ["ARM: 49 persons (2 entries)", "AZE: 12 persons (1 entries)"]);
//!
//! // The same as the ledger's groups.
//! let doc = relief_ledger::read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries)?;
//! let ledger = Ledger::from_entries(doc.entries)?;
//! let theirs = ledger.group(&Scope::all(), &[Key::To])?;
//! assert_eq!(groups[0].totals(), theirs[0].totals());
//!
//! // Verification, in the ledger's words.
//! let reports = relief_ledger::parse_claims(["exact 49 persons detainee-transfer to=ARM until=2021-03-01 id=arm"])?;
//! let outcomes = stream::verify(csv.as_bytes(), "entries.csv", Format::Csv, &reports)?;
//! assert_eq!(outcomes[0].status(), relief_ledger::Status::Ok);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::entry::Entry;
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::hash::{FxHashMap, FxHasher, IdKeys};
use crate::io::record::Row;
use crate::io::{Assumptions, Consumer, Format, Role};
use crate::ledger::Ledger;
use crate::ledger::overflow;
use crate::period::{Coverage, EntryDate};
use crate::query::{Key, KeyValue, Scope};
use crate::report::{Outcome, Report};

mod group;
mod ids;
mod project;

pub use group::Summary;
use group::{Acc, CODE_KEYS, Coded, Rowed, key_text_cell};
pub(crate) use ids::IdHash;
use ids::{hash_part, id_key, shared_keys};

/// A set of our own numbers (places, hashes of ids).
type FxHashSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<FxHasher>>;

/// Bytes per chunk of a CSV, HXL or JSON Lines file.
const CHUNK: usize = 4 << 20;

/// Lines of a file fit in 40 bits of a place; the file's number takes the rest.
const LINE_BITS: u32 = 40;

fn place(file: u32, line: u64) -> u64 {
    (u64::from(file) << LINE_BITS) | (line & ((1 << LINE_BITS) - 1))
}

fn file_of(place: u64) -> usize {
    (place >> LINE_BITS) as usize
}

fn line_of(place: u64) -> u64 {
    place & ((1 << LINE_BITS) - 1)
}

/// What a fold makes of entries.
#[derive(Debug)]
enum Mode {
    Group {
        scope: Scope,
        keys: Vec<Key>,
    },
    /// Reduce, keeping of entries only what the projection tells apart.
    Reduce(Box<project::Projection>),
    /// Collects the ids with these hash parts ([`hash_part`]), and where they were read, to compare
    /// them for real.
    Ids(FxHashSet<u64>),
}

/// Whether a fold needs no more of an entry than its checked cells: the ids it compares, or groups
/// of every entry by kind, category and texts.
fn takes_rows(mode: &Mode) -> bool {
    match mode {
        Mode::Ids(_) => true,
        Mode::Group { scope, keys } => {
            let fields = Scope { period: scope.period, ..Scope::all() };
            *scope == fields
                && keys.len() <= CODE_KEYS
                && keys.iter().all(|k| matches!(k, Key::Kind | Key::Category) || key_text_cell(*k).is_some())
        }
        Mode::Reduce(_) => true,
    }
}

/// One thread's share of a fold. Each thread writes its own part for every entry: aligned to 128
/// bytes (a pair of cache lines, which x86 prefetches together), parts side by side in a vector
/// share no line, so one thread's writes do not evict the other's.
#[derive(Debug)]
#[repr(align(128))]
struct Part {
    mode: Arc<Mode>,
    hash: IdHash,
    file: u32,
    /// Keep the ids as read (a file that cannot be read again).
    keep: bool,
    /// The id key ([`id_key`]) of every entry.
    ids: Vec<u64>,
    kept: Vec<(u64, Box<str>)>,
    overflow: Vec<(u64, Problem)>,
    exchange_entries: Vec<(u64, Entry)>,
    count: u64,
    /// Groups by their full keys: used when there are more keys than a [`Code`](group::Code) holds.
    groups: FxHashMap<Vec<KeyValue>, Acc>,
    /// Groups by their codes, without building their keys for each entry.
    coded: Coded,
    /// Whether entries may come as rows: the fold needs no more of them than their cells.
    rows: bool,
    /// Groups of the entries that came as rows, by codes of their texts' symbols.
    rowed: Rowed,
    /// The sums of projected shapes of a [`Mode::Reduce`].
    projected: project::Shapes,
    found: Vec<(u64, Box<str>)>,
}

impl Part {
    fn new(mode: Arc<Mode>, hash: IdHash) -> Part {
        let rows = takes_rows(&mode);
        Part {
            mode,
            hash,
            file: 0,
            keep: false,
            ids: Vec::new(),
            kept: Vec::new(),
            overflow: Vec::new(),
            exchange_entries: Vec::new(),
            count: 0,
            groups: FxHashMap::default(),
            coded: Coded::default(),
            rows,
            rowed: Rowed::default(),
            projected: project::Shapes::default(),
            found: Vec::new(),
        }
    }
}

impl Consumer for Part {
    fn entry(&mut self, e: Entry, line: u64) {
        let at = place(self.file, line);
        let hash = self.hash.hash(e.id());
        if let Mode::Ids(wanted) = &*self.mode {
            if wanted.contains(&hash_part(hash)) {
                self.found.push((at, e.id().into()));
            }
            return;
        }
        self.count += 1;
        self.ids.push(id_key(hash, self.file as usize));
        if self.keep {
            self.kept.push((at, e.id().into()));
        }
        let Some(canon) = e.quantity.canonical_value() else {
            self.overflow.push((at, overflow(&e.quantity, e.id())));
            return;
        };
        let dim = e.quantity.dimension();
        let exchange = e.extra.as_ref().and_then(|x| x.exchange.clone());
        match &*self.mode {
            Mode::Group { scope, keys } => {
                let coverage = scope.coverage(&e);
                if coverage != Coverage::None {
                    let date = e.date();
                    match self.coded.slot(keys, &e) {
                        Some(slot) => slot.acc.add(coverage, dim, canon, exchange.as_ref(), at, date),
                        None => {
                            let key: Vec<KeyValue> = keys.iter().map(|k| k.value(&e)).collect();
                            self.groups.entry(key).or_default().add(coverage, dim, canon, exchange.as_ref(), at, date);
                        }
                    }
                }
            }
            Mode::Reduce(p) => self.projected.entry(p, &e, canon, at),
            Mode::Ids(_) => {}
        }
        if exchange.is_some() {
            self.exchange_entries.push((at, e));
        }
    }
    fn wants_rows(&self) -> bool {
        self.rows
    }

    fn row(&mut self, row: &Row<'_>, line: u64) {
        let at = place(self.file, line);
        let hash = self.hash.hash(row.id);
        if let Mode::Ids(wanted) = &*self.mode {
            if wanted.contains(&hash_part(hash)) {
                self.found.push((at, row.id.into()));
            }
            return;
        }
        self.count += 1;
        self.ids.push(id_key(hash, self.file as usize));
        if self.keep {
            self.kept.push((at, row.id.into()));
        }
        let Some(canon) = row.quantity.canonical_value() else {
            self.overflow.push((at, overflow(&row.quantity, row.id)));
            return;
        };
        let (scope, keys) = match &*self.mode {
            Mode::Group { scope, keys } => (scope, keys),
            Mode::Reduce(p) => {
                self.projected.row(p, row, canon, at);
                return;
            }
            _ => return,
        };
        // As an entry gives its date: a day as a day.
        let date = row.date.as_day().map_or(row.date, EntryDate::from);
        let coverage = scope.period.coverage(date.first_day(), date.last_day());
        if coverage == Coverage::None {
            return;
        }
        let dim = row.quantity.dimension();
        if let Some(acc) = self.rowed.acc(keys, row) {
            acc.add(coverage, dim, canon, None, at, date);
        }
    }
}

/// What a file brought to a fold.
#[derive(Debug)]
struct FileState {
    name: Arc<str>,
    path: Option<PathBuf>,
    format: Format,
    role: Role,
    /// Its problems, when it is refused.
    problems: Option<Vec<Problem>>,
    reports: Vec<Report>,
    report_lines: Vec<u64>,
}

/// Reads files and folds their entries as they are read, in bounded memory (see the
/// [module](crate::stream)).
///
/// # Example
///
/// ```
/// use relief_ledger::{Format, Key, Role, Scope, stream::Fold};
///
/// let a = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\n";
/// let b = "id,date,kind,quantity,unit,to\nc2,2021-05-26,cargo,155000,kg,NKR\nc1,2021-06-01,cargo,1,t,NKR\n";
/// let mut fold = Fold::group(&Scope::all(), &[Key::Kind]);
/// fold.read(a.as_bytes(), "a.csv", Format::Csv, Role::Entries);
/// fold.read(b.as_bytes(), "b.csv", Format::Csv, Role::Entries);
/// // An id used in two files is found, as the ledger finds it.
/// let err = fold.finish().unwrap_err();
/// assert_eq!(err.to_string(), r#"b.csv: line 3, field id: "c1" is already used at a.csv: line 2; ids must be unique"#);
///
/// let mut fold = Fold::group(&Scope::all(), &[Key::Kind]);
/// fold.read(a.as_bytes(), "a.csv", Format::Csv, Role::Entries);
/// let folded = fold.finish()?;
/// assert_eq!(folded.groups()[0].totals().to_string(), "145 t");
/// assert_eq!(folded.entries(), 1);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug)]
pub struct Fold {
    mode: Arc<Mode>,
    hash: IdHash,
    parts: Vec<Part>,
    files: Vec<FileState>,
    /// Problems that are no file's (a file named twice).
    problems: Vec<(usize, Problem)>,
    io: Option<Error>,
    assume: Assumptions,
    chunk: usize,
    seen: Vec<(PathBuf, String)>,
}

/// What a [`Fold`] found: the groups or the reduced ledger, the reports of its files, and how many
/// entries it read.
#[derive(Debug)]
pub struct Folded {
    groups: Vec<Summary>,
    ledger: Ledger,
    reports: Vec<Report>,
    entries: u64,
    mode: Arc<Mode>,
}

impl Folded {
    /// The groups of a [`Fold::group`], sorted by their keys (none for other folds).
    #[must_use]
    pub fn groups(&self) -> &[Summary] {
        &self.groups
    }

    /// The reduced ledger of a [`Fold::reduce`] or a [`Fold::reduce_for`] (empty for other folds):
    /// for a [`Fold::reduce`], its totals, running totals and verification are those of the entries
    /// read; for a [`Fold::reduce_for`], its verification of the reports it was made for (see
    /// [`Folded::verifies`]). Its entries are not those read.
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Whether [`Folded::ledger`] verifies `reports` as the ledger of every entry read would: always
    /// for a [`Fold::reduce`]; for a [`Fold::reduce_for`], when it was made for reports that name
    /// every kind, category, text, period end and count of exchanges that `reports` name (fold
    /// again for the others); never for a [`Fold::group`].
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Format, Role, parse_claims, stream::Fold};
    ///
    /// let csv = "id,date,kind,quantity,unit,from,to\n\
    ///            d1,2020-12-14,detainee-transfer,44,persons,AZE,ARM\n\
    ///            d2,2020-12-14,detainee-transfer,12,persons,ARM,AZE\n";
    /// let to_arm = parse_claims(["exact 44 persons detainee-transfer to=ARM until=2020-12-31 id=arm"])?;
    /// let mut fold = Fold::reduce_for(&to_arm);
    /// fold.read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries);
    /// let folded = fold.finish()?;
    /// assert!(folded.verifies(&to_arm));
    /// let to_aze = parse_claims(["exact 12 persons detainee-transfer to=AZE until=2020-12-31 id=aze"])?;
    /// assert!(!folded.verifies(&to_aze), "AZE was not kept apart");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn verifies(&self, reports: &[Report]) -> bool {
        match &*self.mode {
            Mode::Reduce(p) => p.covers(reports),
            _ => false,
        }
    }

    /// The reports found in the files, in file order.
    #[must_use]
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    /// Takes the reduced ledger and the reports out.
    #[must_use]
    pub fn into_parts(self) -> (Ledger, Vec<Report>) {
        (self.ledger, self.reports)
    }

    /// How many entries the files hold.
    #[must_use]
    pub fn entries(&self) -> u64 {
        self.entries
    }
}

impl Fold {
    fn with_mode(mode: Mode) -> Fold {
        Fold {
            mode: Arc::new(mode),
            hash: IdHash::Keyed(IdKeys::new()),
            parts: Vec::new(),
            files: Vec::new(),
            problems: Vec::new(),
            io: None,
            assume: Assumptions::new(),
            chunk: CHUNK,
            seen: Vec::new(),
        }
    }

    /// Totals of the entries in `scope` grouped by `keys`, as [`Ledger::group`] gives them.
    #[must_use]
    pub fn group(scope: &Scope, keys: &[Key]) -> Fold {
        Fold::with_mode(Mode::Group { scope: scope.clone(), keys: keys.to_vec() })
    }

    /// A reduced ledger: one entry per distinct day (or date), kind, category, item, parties,
    /// region, exchange and dimension, their quantities summed in the canonical unit.
    #[must_use]
    pub fn reduce() -> Fold {
        Fold::with_mode(Mode::Reduce(Box::new(project::Projection::everything())))
    }

    /// A reduced ledger for verifying `reports`: entries are projected onto what the reports can
    /// tell apart (their kinds, the categories and texts they name, which of their periods' ends a
    /// day lies between, the dimension, and the exchange when one counts exchanges), one entry per
    /// projected shape, dated on its earliest day, its quantities summed exactly. Its
    /// verification of `reports` (and of any reports that name nothing more, see
    /// [`Folded::verifies`]) gives the outcomes of [`Ledger::verify`] on every entry read; other
    /// figures of it are not those of the entries. Entries are checked as every fold checks them.
    ///
    /// Generated data of a million entries with ten thousand reports by kind, category and
    /// recipient over years reduce to a few hundred entries.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Format, Ledger, Role, Status, parse_claims, stream::Fold};
    ///
    /// // AP: 44 detainees handed over to Armenia, 12 to Azerbaijan on 2020-12-14.
    /// let csv = "id,date,kind,item,quantity,unit,from,to\n\
    ///            d1,2020-12-14,detainee-transfer,,44,persons,AZE,ARM\n\
    ///            d2,2020-12-14,detainee-transfer,,12,persons,ARM,AZE\n\
    ///            c1,2021-04-07,cargo,flour,145,t,RU-EMERCOM,NKR\n\
    ///            c2,2021-05-26,cargo,glass,155,t,RU-EMERCOM,NKR\n";
    /// let reports = parse_claims([
    ///     "exact 44 persons detainee-transfer to=ARM until=2020-12-31 id=arm",
    ///     "exact 300 t cargo since=2021 until=2021 id=cargo",
    /// ])?;
    /// let mut fold = Fold::reduce_for(&reports);
    /// fold.read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries);
    /// let folded = fold.finish()?;
    /// // Cargo is one entry now: no report tells flour from glass, or April from May.
    /// assert_eq!(folded.ledger().len(), 3);
    /// let v = folded.ledger().verify(&reports)?;
    /// let statuses: Vec<Status> = v.outcomes().iter().map(|o| o.status()).collect();
    /// assert_eq!(statuses, [Status::Ok, Status::Ok]);
    ///
    /// // The outcomes of the whole ledger.
    /// let doc = relief_ledger::read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries)?;
    /// let whole = Ledger::from_entries(doc.entries)?;
    /// assert_eq!(whole.verify(&reports)?.outcomes(), v.outcomes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reduce_for(reports: &[Report]) -> Fold {
        Fold::with_mode(Mode::Reduce(Box::new(project::Projection::of(reports))))
    }

    /// A reduced ledger for the groups by `keys` of the entries in `scope` and their running
    /// totals: entries are projected onto the scope's kind (or every kind), the values it names, every
    /// value of a key and their whole dates, one entry per projected shape, its quantities summed
    /// exactly. Its [`Ledger::totals`], [`Ledger::group`] sums and [`Ledger::running`] series for
    /// that scope and those keys are the whole ledger's; other figures of it are not those of the
    /// entries. `relief-ledger chart` draws from it.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Format, Key, Ledger, Role, Scope, Step, stream::Fold};
    ///
    /// let csv = "id,date,kind,item,quantity,unit,from,to\n\
    ///            c1,2021-04-07,cargo,flour,145,t,RU-EMERCOM,NKR\n\
    ///            c2,2021-04-07,cargo,glass,5,t,RU-EMERCOM,NKR\n\
    ///            c3,2021-05-26,cargo,glass,155,t,ARCS,NKR\n";
    /// let scope = Scope::all().to("NKR");
    /// let mut fold = Fold::reduce_for_group(&scope, &[Key::Kind]);
    /// fold.read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries);
    /// let folded = fold.finish()?;
    /// // The two entries of 2021-04-07 are one: no key tells flour from glass, or their senders.
    /// assert_eq!(folded.ledger().len(), 2);
    ///
    /// let doc = relief_ledger::read(csv.as_bytes(), "entries.csv", Format::Csv, Role::Entries)?;
    /// let whole = Ledger::from_entries(doc.entries)?;
    /// let ours = folded.ledger().running(&scope, &[Key::Kind], Step::Day)?;
    /// assert_eq!(ours, whole.running(&scope, &[Key::Kind], Step::Day)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reduce_for_group(scope: &Scope, keys: &[Key]) -> Fold {
        Fold::with_mode(Mode::Reduce(Box::new(project::Projection::of_group(scope, keys))))
    }

    /// Values for fields that files leave out (see [`Loader::assume`](crate::Loader::assume)).
    pub fn assume(&mut self, assume: Assumptions) {
        self.assume = assume;
    }

    /// Cuts CSV, HXL and JSON Lines files into chunks of about `bytes` (tests make them tiny).
    #[doc(hidden)]
    pub fn chunk_size(&mut self, bytes: usize) {
        self.chunk = bytes.max(1);
    }

    #[cfg(test)]
    pub(crate) fn id_hash(&mut self, hash: IdHash) {
        self.hash = hash;
    }

    /// Reads one file from a reader that cannot be read again: the ids of its entries are kept as
    /// read, to compare those whose hashes collide. Problems wait for [`Fold::finish`].
    pub fn read(&mut self, input: impl Read, name: &str, format: Format, role: Role) {
        self.read_from(input, name, format, role, None);
    }

    /// Reads one file from `input`; with `path`, the file it was opened from, ids are kept as
    /// 8 bytes an entry (a hash) and read again from there when the hash of one of its ids is
    /// another entry's too.
    pub fn read_from(&mut self, input: impl Read, name: &str, format: Format, role: Role, path: Option<&Path>) {
        let name: Arc<str> = Arc::from(name);
        let file = self.files.len() as u32;
        if self.parts.is_empty() {
            self.parts =
                (0..crate::threads::available()).map(|_| Part::new(self.mode.clone(), self.hash.clone())).collect();
        }
        for p in &mut self.parts {
            p.file = file;
            p.keep = path.is_none();
        }
        let consumers: Vec<&mut dyn Consumer> = self.parts.iter_mut().map(|p| p as &mut dyn Consumer).collect();
        let read = crate::io::read_streaming(input, &name, format, role, &self.assume, self.chunk, consumers);
        let mut state = FileState {
            name,
            path: path.map(Path::to_path_buf),
            format,
            role,
            problems: None,
            reports: Vec::new(),
            report_lines: Vec::new(),
        };
        match read {
            Ok(s) => {
                state.reports = s.reports;
                state.report_lines = s.report_lines;
            }
            Err(e) if e.is_io() => {
                self.io.get_or_insert(e);
            }
            Err(e) => state.problems = Some(e.problems().to_vec()),
        }
        self.files.push(state);
    }

    /// Reads one file by its path, its format from its extension.
    pub fn read_path(&mut self, path: impl AsRef<Path>, role: Role) {
        let path = path.as_ref();
        let name = path.display().to_string();
        if let Ok(canonical) = std::fs::canonicalize(path) {
            if let Some((_, first)) = self.seen.iter().find(|(p, _)| *p == canonical) {
                let message = if *first == name {
                    format!("{first} is named twice; name each file once")
                } else {
                    format!("{first} and {name} are the same file; name each file once")
                };
                self.problems.push((self.files.len(), Problem::general(ProblemKind::WrongFile, message)));
                return;
            }
            self.seen.push((canonical, name.clone()));
        }
        let format = match Format::from_path(path) {
            Ok(f) => f,
            Err(e) => {
                let at = self.files.len();
                self.problems.extend(e.problems().iter().cloned().map(|p| (at, p)));
                return;
            }
        };
        match std::fs::File::open(path) {
            Ok(file) => {
                self.read_from(std::io::BufReader::with_capacity(1 << 20, file), &name, format, role, Some(path))
            }
            Err(e) => {
                self.io.get_or_insert(Error::io(path, e));
            }
        }
    }

    /// Ends the fold: every problem of every file at once, or the results.
    ///
    /// # Errors
    ///
    /// As [`Loader::finish`](crate::Loader::finish): the problems of every file, report ids used
    /// twice, entry ids used twice across all files, quantities whose canonical form does not fit
    /// a decimal, exchanges whose entries disagree; or the first file that could not be read.
    pub fn finish(mut self) -> Result<Folded, Error> {
        if let Some(e) = self.io {
            return Err(e);
        }
        let mut parts = self.parts;
        // The hashes that more than one id has (few), each thread's ids put in buckets by their
        // top bits and the buckets sorted on every core (see `ids`).
        let shared = shared_keys(parts.iter_mut().map(|p| &mut p.ids[..]).collect());
        for p in &mut parts {
            p.ids = Vec::new();
        }
        self.parts = parts;
        // The entries whose ids share those hashes, with where they were read.
        let suspects = self.ids_with(&shared)?;
        // Problems in the order the loader lists them: each file's (a refused CSV or HXL file with
        // the ids used twice within it), then those across files.
        let mut problems: Vec<Problem> = Vec::new();
        let mut general = self.problems.iter().peekable();
        for (f, state) in self.files.iter().enumerate() {
            while let Some((_, p)) = general.next_if(|(at, _)| *at <= f) {
                problems.push(p.clone());
            }
            let Some(own) = &state.problems else { continue };
            problems.extend(own.iter().cloned());
            if matches!(state.format, Format::Csv | Format::Hxl | Format::Jsonl) {
                for (at, id, first) in Fold::repeated(suspects.iter().filter(|(at, _)| file_of(*at) == f)) {
                    let message = format!(
                        "{} is already used at {}: line {}; ids must be unique",
                        echo(&id),
                        state.name,
                        line_of(first)
                    );
                    let mut p = Problem::new(ProblemKind::DuplicateId, "id", message).located(
                        &state.name,
                        Some(line_of(at)),
                        None,
                        Some(&id),
                    );
                    p.position.record_kind = Some(RecordKind::Entry);
                    problems.push(p);
                }
            }
        }
        problems.extend(general.map(|(_, p)| p.clone()));
        // Report ids, unique across files.
        problems.extend(crate::io::repeated_report_ids(
            self.files.iter().map(|f| (&f.name, &f.reports[..], &f.report_lines[..])),
        ));
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        // As the ledger checks a batch: per entry in file order, a quantity too large, then an id
        // used before, then its exchange.
        let mut staged: Vec<(u64, u8, Problem)> = Vec::new();
        for p in &self.parts {
            staged.extend(p.overflow.iter().map(|(at, prob)| (*at, 0, prob.clone())));
        }
        for (at, id, first) in Fold::repeated(&suspects) {
            let name = |at: u64| self.files.get(file_of(at)).map_or_else(|| Arc::from(""), |f| f.name.clone());
            let message = format!(
                "{} is already used at {}: line {}; ids must be unique",
                echo(&id),
                name(first),
                line_of(first)
            );
            let mut p = Problem::new(ProblemKind::DuplicateId, "id", message)
                .at(Position::new().with_id(id.to_string(), RecordKind::Entry));
            p.position.file = Some(name(at));
            p.position.line = Some(line_of(at));
            staged.push((at, 1, p));
        }
        staged.extend(self.exchange_problems());
        if !staged.is_empty() {
            staged.sort_by_key(|(at, order, _)| (*at, *order));
            return Err(Error::invalid(staged.into_iter().map(|(_, _, p)| p).collect()));
        }
        let entries = self.parts.iter().map(|p| p.count).sum();
        let reports: Vec<Report> = self.files.into_iter().flat_map(|f| f.reports).collect();
        let mut parts = self.parts;
        let groups = match &*self.mode {
            Mode::Group { .. } => merge_groups(&mut parts)?,
            _ => Vec::new(),
        };
        let ledger = match &*self.mode {
            Mode::Reduce(p) => {
                project::reduced_ledger(p, parts.iter_mut().map(|part| std::mem::take(&mut part.projected)).collect())?
            }
            _ => Ledger::new(),
        };
        Ok(Folded { groups, ledger, reports, entries, mode: self.mode })
    }

    /// The problems of exchanges, found by the ledger's own check over the entries that name one.
    fn exchange_problems(&self) -> Vec<(u64, u8, Problem)> {
        let mut members: Vec<&(u64, Entry)> = self.parts.iter().flat_map(|p| p.exchange_entries.iter()).collect();
        if members.is_empty() {
            return Vec::new();
        }
        members.sort_by_key(|(at, _)| *at);
        let batch: Vec<Entry> = members.iter().map(|(_, e)| e.clone()).collect();
        let mut ledger = Ledger::new();
        let Err(problems) = ledger.insert_segments(vec![batch]) else { return Vec::new() };
        problems
            .into_iter()
            .filter(|b| b.problem.kind == ProblemKind::Inconsistent)
            .filter_map(|b| {
                let &(at, _) = *members.get(b.index)?;
                let mut p = b.problem;
                p.position.file = self.files.get(file_of(at)).map(|f| f.name.clone());
                p.position.line = Some(line_of(at));
                Some((at, 2, p))
            })
            .collect()
    }
}

fn merge_groups(parts: &mut [Part]) -> Result<Vec<Summary>, Error> {
    let mut all: FxHashMap<Vec<KeyValue>, Acc> = FxHashMap::default();
    for p in parts {
        let slots = std::mem::take(&mut p.coded.slots).into_iter().map(|s| (s.key, s.acc));
        let rowed = std::mem::take(&mut p.rowed.slots);
        for (k, acc) in std::mem::take(&mut p.groups).into_iter().chain(slots).chain(rowed) {
            match all.get_mut(&k) {
                Some(a) => a.merge(acc)?,
                None => {
                    all.insert(k, acc);
                }
            }
        }
    }
    let mut groups: Vec<Summary> = all
        .into_iter()
        .filter_map(|(key, acc)| {
            let (first, last) = (acc.first?, acc.last?);
            Some(Summary {
                key,
                totals: acc.totals,
                entries: acc.entries,
                exchanges: acc.exchanges.len(),
                first: first.2,
                last: last.2,
            })
        })
        .collect();
    groups.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(groups)
}

/// Totals of the entries of one file in `scope`, grouped by `keys`, without holding its entries:
/// as [`Ledger::group`], with a [`Summary`] per group.
///
/// # Errors
///
/// The file's problems, as [`read`](crate::read) reports them, and ids used twice.
pub fn group(input: impl Read, name: &str, format: Format, scope: &Scope, keys: &[Key]) -> Result<Vec<Summary>, Error> {
    let mut fold = Fold::group(scope, keys);
    fold.read(input, name, format, Role::Entries);
    fold.finish().map(|f| f.groups)
}

/// Verifies `reports` against the entries of one file, without holding its entries: the outcomes
/// of [`Ledger::verify`], in the reports' order.
///
/// # Errors
///
/// The file's problems and ids used twice; then as [`Ledger::verify`].
pub fn verify(input: impl Read, name: &str, format: Format, reports: &[Report]) -> Result<Vec<Outcome>, Error> {
    let mut fold = Fold::reduce_for(reports);
    fold.read(input, name, format, Role::Entries);
    let folded = fold.finish()?;
    let v = folded.ledger.verify(reports)?;
    Ok(v.outcomes().to_vec())
}
