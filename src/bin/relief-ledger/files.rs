//! The files a command reads (each named once, opened before any is read) and the file it writes
//! with `--out` (whole or not at all).

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use relief_ledger::stream::{Fold, Folded};
use relief_ledger::{Assumptions, Format, Ledger, Loader, Places, Problem, ProblemKind, Report, Role};

use crate::Failure;

/// Shows progress on stderr for inputs that take more than a second, when stderr is a terminal.
pub(crate) struct Progress<R> {
    pub(crate) inner: R,
    pub(crate) name: String,
    pub(crate) total: u64,
    pub(crate) read: u64,
    pub(crate) started: Instant,
    pub(crate) last: Instant,
    pub(crate) shown: bool,
    pub(crate) enabled: bool,
}

impl<R: Read> Progress<R> {
    pub(crate) fn new(inner: R, name: &str, total: u64) -> Progress<R> {
        let now = Instant::now();
        Progress {
            inner,
            name: name.to_string(),
            total,
            read: 0,
            started: now,
            last: now,
            shown: false,
            enabled: io::stderr().is_terminal(),
        }
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.enabled {
            let now = Instant::now();
            if n == 0 && self.shown {
                eprint!("\r\x1b[2K");
                self.shown = false;
            } else if now - self.started > Duration::from_secs(1) && now - self.last > Duration::from_millis(200) {
                // Megabytes for a person to read, not a figure of the ledger.
                let mb = |b: u64| b / 1_000_000;
                if self.total > 0 {
                    eprint!("\rreading {}: {} of {} MB", self.name, mb(self.read), mb(self.total));
                } else {
                    eprint!("\rreading {}: {} MB", self.name, mb(self.read));
                }
                self.last = now;
                self.shown = true;
            }
        }
        Ok(n)
    }
}

impl<R> Drop for Progress<R> {
    fn drop(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

/// What is wrong with one file named on the command line.
pub(crate) enum FileProblem {
    /// It cannot be opened: the message names it.
    Open(String),
    /// Its name or its relation to the other files is wrong.
    Data(Problem),
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::Open(m) => f.write_str(m),
            FileProblem::Data(p) => write!(f, "{p}"),
        }
    }
}

/// What makes two names one file: the device and inode on Unix (so links, hard or symbolic, and
/// every spelling of a path are one file), the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
pub(crate) fn file_id(_path: &Path, meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
pub(crate) fn file_id(path: &Path, _meta: &std::fs::Metadata) -> FileId {
    FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// An input file, opened and known to be named once.
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) role: Role,
    pub(crate) file: std::fs::File,
    pub(crate) size: u64,
    pub(crate) id: FileId,
    /// The path it was opened from, to read it again.
    pub(crate) path: PathBuf,
}

/// Opens every file named on the command line, or says what is wrong with each of them: a missing
/// file, an extension that names no format, a folder, the same file named twice (`a.csv ./a.csv`,
/// `a.csv a.csv`, or through a link), which would count every entry twice.
pub(crate) fn open_inputs(files: &[(&Path, Role)]) -> Result<Vec<Input>, Failure> {
    let mut problems = Vec::new();
    let mut inputs: Vec<Input> = Vec::new();
    for &(path, role) in files {
        let name = path.display().to_string();
        // One problem per file, the first to fix: a folder, then an extension, then a file that is not there.
        let opened = std::fs::File::open(path).and_then(|f| f.metadata().map(|m| (f, m)));
        if opened.as_ref().is_ok_and(|(_, m)| m.is_dir()) {
            problems.push(FileProblem::Open(format!("{name}: is a folder; name the files in it")));
            continue;
        }
        let format = match Format::from_path(path) {
            Ok(f) => f,
            Err(e) => {
                problems.extend(e.problems().iter().cloned().map(FileProblem::Data));
                continue;
            }
        };
        let (file, meta) = match opened {
            Ok(fm) => fm,
            Err(e) => {
                problems.push(FileProblem::Open(format!("{name}: {e}")));
                continue;
            }
        };
        let id = file_id(path, &meta);
        if let Some(first) = inputs.iter().find(|i| i.id == id) {
            problems.push(FileProblem::Data(Problem::general(ProblemKind::WrongFile, same_file(&first.name, &name))));
            continue;
        }
        inputs.push(Input { name, format, role, file, size: meta.len(), id, path: path.to_path_buf() });
    }
    if problems.is_empty() { Ok(inputs) } else { Err(Failure::Files(problems)) }
}

/// The message for a file named twice, `first` then `second`, worded as the library's [`Loader`] words it.
pub(crate) fn same_file(first: &str, second: &str) -> String {
    if first == second {
        format!("{first} is named twice; name each file once")
    } else {
        format!("{first} and {second} are the same file; name each file once")
    }
}

/// The files of a command: `files` read as `role`, then `report_files` read as reports.
pub(crate) fn opened(files: &[PathBuf], role: Role, report_files: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    let named: Vec<(&Path, Role)> = files
        .iter()
        .map(|p| (p.as_path(), role))
        .chain(report_files.iter().map(|p| (p.as_path(), Role::Reports)))
        .collect();
    open_inputs(&named)
}

/// Reads opened files into a ledger and reports.
pub(crate) fn read_inputs(inputs: Vec<Input>, assume: &Assumptions) -> Result<(Ledger, Vec<Report>), Failure> {
    Ok(loader_of(inputs, assume).finish()?)
}

/// A loader that has read the inputs.
fn loader_of(inputs: Vec<Input>, assume: &Assumptions) -> Loader {
    let mut loader = Loader::new();
    loader.assume(assume.clone());
    for i in inputs {
        let reader = io::BufReader::with_capacity(1 << 20, Progress::new(i.file, &i.name, i.size));
        loader.read(reader, &i.name, i.format, i.role);
    }
    loader
}

/// Folds opened files as they are read (see [`relief_ledger::stream`]): their entries are never
/// all in memory. Paths are kept so that ids whose hashes collide are read again.
pub(crate) fn fold_inputs(inputs: Vec<Input>, assume: &Assumptions, mut fold: Fold) -> Result<Folded, Failure> {
    fold.assume(assume.clone());
    for i in inputs {
        let reader = io::BufReader::with_capacity(1 << 20, Progress::new(i.file, &i.name, i.size));
        fold.read_from(reader, &i.name, i.format, i.role, Some(&i.path));
    }
    Ok(fold.finish()?)
}

/// Reads opened files into a ledger and reports, and says where each record came from.
pub(crate) fn read_inputs_with_places(
    inputs: Vec<Input>,
    assume: &Assumptions,
) -> Result<(Ledger, Vec<Report>, Places), Failure> {
    Ok(loader_of(inputs, assume).finish_with_places()?)
}

/// Reads files into a ledger and reports, and says where each record came from.
pub(crate) fn load_with_places(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    role: Role,
) -> Result<(Ledger, Vec<Report>, Places), Failure> {
    Ok(loader_of(opened(files, role, report_files)?, assume).finish_with_places()?)
}

/// Reads files into a ledger and reports.
pub(crate) fn load(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    role: Role,
) -> Result<(Ledger, Vec<Report>), Failure> {
    read_inputs(opened(files, role, report_files)?, assume)
}

/// The file a command writes with `--out`.
///
/// Checked before any input is read (its extension fits the format, it is none of the inputs, its
/// folder exists), then written whole or not at all: into a temporary file in the same folder,
/// renamed over the target only once everything is written, so that a command that fails leaves
/// the old file as it was. A symbolic link at the target is replaced by the new file, never
/// followed: the file it points to is not truncated in place.
pub(crate) struct OutFile {
    pub(crate) path: PathBuf,
    pub(crate) dir: PathBuf,
    /// The permissions of the file replaced, kept by the new one.
    pub(crate) permissions: Option<std::fs::Permissions>,
}

/// What a command writes to `--out`: a description for messages and the extensions that fit it.
pub(crate) struct OutKind {
    pub(crate) what: &'static str,
    pub(crate) extensions: &'static [&'static str],
}

impl OutKind {
    pub(crate) const SVG: OutKind = OutKind { what: "the chart is SVG", extensions: &["svg"] };
    pub(crate) const HTML: OutKind =
        OutKind { what: "--format html writes an HTML page", extensions: &["html", "htm"] };

    pub(crate) fn of(format: Format) -> OutKind {
        match format {
            Format::Csv => OutKind { what: "--format csv writes CSV", extensions: &["csv"] },
            Format::Json => OutKind { what: "--format json writes a JSON document", extensions: &["json"] },
            Format::Jsonl => OutKind { what: "--format jsonl writes JSON Lines", extensions: &["jsonl"] },
            // HXL is CSV with a row of hashtags; readers take both names.
            _ => OutKind { what: "--format hxl writes HXL", extensions: &["hxl", "csv"] },
        }
    }
}

impl OutFile {
    /// Checks `path` as the output of a command that reads `inputs`.
    pub(crate) fn prepare(path: &Path, kind: &OutKind, inputs: &[Input]) -> Result<OutFile, Failure> {
        let shown = path.display();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !ext.as_deref().is_some_and(|e| kind.extensions.contains(&e)) {
            let names: Vec<String> = kind.extensions.iter().map(|e| format!(".{e}")).collect();
            return Err(Failure::Usage(format!("--out {shown}: {}; name the file {}", kind.what, names.join(" or "))));
        }
        // Through a link, the file it points to: an input there is an input all the same.
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                return Err(Failure::Usage(format!("--out {shown}: is a folder; name a file")));
            }
            let id = file_id(path, &meta);
            if let Some(input) = inputs.iter().find(|i| i.id == id) {
                return Err(Failure::Usage(format!(
                    "--out {shown}: is an input of this command ({}); write to another file",
                    input.name
                )));
            }
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
            return Err(Failure::Usage(format!("--out {shown}: the folder {} does not exist", dir.display())));
        }
        // A regular file keeps its permissions; a link is replaced by a file of the default ones.
        let permissions =
            std::fs::symlink_metadata(path).ok().filter(|m| m.file_type().is_file()).map(|m| m.permissions());
        // A rename would replace a read-only file that writing in place could not: keep the promise it makes.
        if permissions.as_ref().is_some_and(|p| p.readonly()) {
            return Err(Failure::Usage(format!(
                "--out {shown}: the file is read-only; make it writable or write to another file"
            )));
        }
        Ok(OutFile { path: path.to_path_buf(), dir, permissions })
    }

    /// Writes the output with `write` and puts it in place; on any failure the target is untouched
    /// and the temporary file removed.
    pub(crate) fn write(self, write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
        let shown = self.path.display().to_string();
        let fail = |e: io::Error| Failure::Usage(format!("--out {shown}: {e}"));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".relief-ledger-").suffix(".tmp");
        #[cfg(unix)]
        let default_permissions = {
            use std::os::unix::fs::PermissionsExt;
            // What File::create gives: readable by all, less the umask.
            std::fs::Permissions::from_mode(0o666)
        };
        #[cfg(unix)]
        builder.permissions(default_permissions);
        let temp = builder.tempfile_in(&self.dir).map_err(|e| {
            Failure::Usage(format!("--out {shown}: cannot write in the folder {}: {e}", self.dir.display()))
        })?;
        if let Some(p) = self.permissions {
            temp.as_file().set_permissions(p).map_err(fail)?;
        }
        let mut w = io::BufWriter::new(temp);
        write(&mut w).map_err(|f| match f {
            Failure::Usage(m) => Failure::Usage(format!("--out {shown}: {m}")),
            other => other,
        })?;
        let temp = w.into_inner().map_err(|e| fail(e.into_error()))?;
        temp.as_file().sync_all().map_err(fail)?;
        temp.persist(&self.path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}
