//! `relief-ledger`: check, aggregate, verify, convert and chart ledgers of humanitarian operations.
//!
//! A thin layer over the library. Exit status: 0 success, 1 some report short or over,
//! 2 bad input or usage.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use relief_ledger::{
    Assumptions, Category, Dimension, Error, ErrorKind, Format, Key, KeyValue, Kind, Ledger, Loader, PartialDate,
    Period, Problem, Quantity, Report, Role, Scope, Status, Step, Totals, Unit, chart_svg,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

const AFTER_HELP: &str = "Files: name each file once; the same file named twice (a.csv ./a.csv, a.csv a.csv, or \
    through a link) is refused, not counted twice.\n\
    Files written (--out): written whole or not at all, through a temporary file in the same folder renamed over \
    the target once everything is written; a symbolic link at the target is replaced by the new file (the file it \
    points to is left as it is); an input is never written over; the extension must fit the format.\n\n\
    Exit status: 0 success; 1 some report short or over; 2 bad input or usage.";

#[derive(Parser)]
#[command(
    name = "relief-ledger",
    version,
    about = "An exact, sourced ledger of humanitarian operations that checks published totals against it",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate files and print a summary per kind
    #[command(
        after_help = "Example:\n  relief-ledger check entries.csv more.jsonl\n\nExit status: 0 valid; 2 bad input."
    )]
    Check {
        /// Entry and report files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        output: Output,
    },
    /// Print totals, grouped by keys
    #[command(after_help = "Examples:\n  relief-ledger report entries.csv --by kind,to\n  \
        relief-ledger report entries.csv --kind cargo --by month --cumulative --unit kg\n  \
        relief-ledger report entries.csv --since 2020-12 --until 2021-06 --format csv\n\n\
        Without --kind (or --category), totals are grouped by kind first: different kinds never add up.\n\n\
        Exit status: 0 success; 2 bad input or usage.")]
    Report {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Group by these keys, in order: kind,category,item,from,to,via,region,month,quarter,year
        /// (kind comes first unless given, or one kind is in scope)
        #[arg(long, value_name = "KEYS")]
        by: Option<String>,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Running totals over the time key in --by (month, quarter or year)
        #[arg(long)]
        cumulative: bool,
        /// Give totals of this unit's dimension in this unit (t, kg, m3, m2, ha, km2, m, km, ...)
        #[arg(long, value_name = "U")]
        unit: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Compare published reports with the ledger
    #[command(after_help = "Examples:\n  relief-ledger verify entries.csv --reports reports.csv\n  \
        relief-ledger verify entries.csv --reports reports.csv --explain mfa-returned-arm\n  \
        relief-ledger verify entries.csv --reports reports.csv --format json\n  \
        relief-ledger verify entries.csv --claim \"about 53000 persons returnees since=2020-11-14 until=2021-11-09\"\n\n\
        A claim is a report in one line: [QUALIFIER] VALUE UNIT KIND [key=value ...], keys id, published, \
        category, item, from, to, via, region, since, until, tolerance, mode, source; until= or published= is \
        required; claims without id= are named claim-1, claim-2, ... by their place.\n\n\
        --explain ID prints the explanation of that report only: in words and a table; with --format json its \
        outcome (the fields of --format json, filled among them) and the entries behind it; with --format csv \
        those entries.\n\n\
        Exit status: 0 every report ok or filled; 1 some report short or over; 2 bad input or usage.")]
    Verify {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Report files (.csv, .json, .jsonl, .hxl); files given before may hold reports too (name each file once)
        #[arg(long, num_args = 1.., value_name = "FILE")]
        reports: Vec<PathBuf>,
        /// A report in one line, such as "about 53000 persons returnees since=2020-11-14 until=2021-11-09" (repeatable)
        #[arg(long = "claim", value_name = "CLAIM")]
        claims: Vec<String>,
        /// Print only this report's outcome and the entries behind its figure
        #[arg(long, value_name = "ID")]
        explain: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Rewrite a file in another format
    #[command(after_help = "Examples:\n  relief-ledger convert entries.csv --format json > entries.json\n  \
        relief-ledger convert ledger.json --format jsonl --out ledger.jsonl\n  \
        relief-ledger convert entries.csv --format hxl --out entries-hxl.csv\n  \
        relief-ledger convert returns-hxl.csv --assume kind=returnees --assume to=NKR --format csv\n\n\
        --to FORMAT is the old spelling of --format FORMAT (deprecated: --to names a party elsewhere).\n\n\
        --out writes the file whole or not at all: a temporary file in the same folder is renamed over FILE only \
        once everything is written, so a failure leaves FILE as it was. A symbolic link at FILE is replaced by the \
        new file; the file it points to is left as it is. FILE may not be the input (through a link either), and \
        its extension must fit --format: .csv, .json, .jsonl, .hxl (or .csv for HXL).\n\n\
        Exit status: 0 success; 2 bad input or usage.")]
    Convert {
        /// The file to convert (.csv, .json, .jsonl, .hxl)
        file: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// The format to write
        #[arg(long, value_enum, required_unless_present = "to", value_name = "FORMAT")]
        format: Option<ConvertTo>,
        /// Deprecated: the old spelling of --format (elsewhere --to names a party)
        #[arg(long, value_enum, conflicts_with = "format", value_name = "FORMAT")]
        to: Option<ConvertTo>,
        /// Write here instead of to standard output (written whole or not at all; never over the input)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Draw running totals over time as an SVG chart, one line per group
    #[command(
        after_help = "Example:\n  relief-ledger chart entries.csv --kind detainee-transfer --by to --out returned.svg\n\n\
        --out writes the file whole or not at all: a temporary file in the same folder is renamed over FILE.svg \
        only once the chart is drawn, so a failure leaves FILE.svg as it was. A symbolic link at FILE.svg is \
        replaced by the new file; the file it points to is left as it is. FILE.svg may not be an input (through \
        a link either).\n\n\
        Exit status: 0 success; 2 bad input or usage."
    )]
    Chart {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// One line per group of these keys (not month, quarter or year)
        #[arg(long, value_name = "KEYS")]
        by: Option<String>,
        #[command(flatten)]
        scope: ScopeArgs,
        /// The figure to draw: this unit's dimension, in this unit (needed when the scope mixes dimensions)
        #[arg(long, value_name = "U")]
        unit: Option<String>,
        /// A point per day or per month
        #[arg(long, value_enum, default_value_t = StepArg::Day)]
        step: StepArg,
        /// The chart's title
        #[arg(long)]
        title: Option<String>,
        /// The SVG file to write (named .svg; written whole or not at all; never over an input)
        #[arg(long, required = true, value_name = "FILE.svg")]
        out: PathBuf,
    },
}

/// How files are read.
#[derive(Args, Default)]
struct InputArgs {
    /// A value for a field the files leave out, such as kind=returnees or unit=persons (repeatable)
    #[arg(long = "assume", value_name = "FIELD=VALUE")]
    assume: Vec<String>,
}

#[derive(Args, Default)]
struct ScopeArgs {
    /// Only this kind (cargo, returnees, detainee-transfer, remains-transfer, minefield-maps, demining)
    #[arg(long)]
    kind: Option<String>,
    /// Only this category
    #[arg(long)]
    category: Option<String>,
    /// Only this item
    #[arg(long)]
    item: Option<String>,
    /// Only from this party
    #[arg(long)]
    from: Option<String>,
    /// Only to this party
    #[arg(long)]
    to: Option<String>,
    /// Only through this intermediary
    #[arg(long)]
    via: Option<String>,
    /// Only in this region
    #[arg(long)]
    region: Option<String>,
    /// From this date on (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this date, inclusive (a month or year covers its whole span)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

#[derive(Args)]
struct Output {
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConvertTo {
    Csv,
    Json,
    Jsonl,
    Hxl,
}

#[derive(Clone, Copy, ValueEnum)]
enum StepArg {
    Day,
    Month,
}

/// Why the command failed: bad input (exit 2) or reports that do not agree (exit 1).
enum Failure {
    Input(Error),
    Usage(String),
    /// Problems with the files named on the command line, every one of them (exit 2).
    Files(Vec<FileProblem>),
    /// Problems of `--claim` values, each naming its claim (exit 2).
    Claims(Vec<String>),
    Disagree,
    Quiet,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Input(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::Quiet
        } else {
            Failure::Usage(format!("writing output: {e}"))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Disagree) => ExitCode::from(1),
        Err(Failure::Quiet) => ExitCode::SUCCESS,
        Err(Failure::Input(e)) => {
            report_input_error(&e);
            ExitCode::from(2)
        }
        Err(Failure::Usage(m)) => {
            report_error(&m);
            ExitCode::from(2)
        }
        Err(Failure::Files(problems)) => {
            report_file_problems(&problems);
            ExitCode::from(2)
        }
        Err(Failure::Claims(problems)) => {
            report_input_error_lines(&problems);
            ExitCode::from(2)
        }
    }
}

fn colour_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stderr().is_terminal()
}

fn colour_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

fn error_label() -> &'static str {
    if colour_stderr() { "\x1b[1;31merror\x1b[0m" } else { "error" }
}

fn report_error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "relief-ledger: {}: {message}", error_label());
}

/// Bad input: every problem, one per line under a line that counts them (the list stops at
/// `PROBLEMS_SHOWN` and says how many more there are).
fn report_input_error(e: &Error) {
    let problems = e.problems();
    if problems.is_empty() {
        return report_error(&e.to_string());
    }
    report_input_error_lines(&problems.iter().map(ToString::to_string).collect::<Vec<_>>());
}

fn report_input_error_lines(problems: &[String]) {
    let mut err = io::stderr().lock();
    let n = problems.len();
    let what = if n == 1 { "1 problem".to_string() } else { format!("{n} problems") };
    let _ = writeln!(err, "relief-ledger: {}: the input is refused, {what}:", error_label());
    for p in problems.iter().take(relief_ledger::PROBLEMS_SHOWN) {
        let _ = writeln!(err, "  {p}");
    }
    if n > relief_ledger::PROBLEMS_SHOWN {
        let _ = writeln!(err, "  and {} more", n - relief_ledger::PROBLEMS_SHOWN);
    }
}

/// Files that cannot be read: one alone as a plain error, several under a line that counts them.
fn report_file_problems(problems: &[FileProblem]) {
    match problems {
        [] => {}
        [one] => match one {
            FileProblem::Open(m) => report_error(m),
            FileProblem::Data(p) => report_input_error_lines(&[p.to_string()]),
        },
        many => report_input_error_lines(&many.iter().map(FileProblem::to_string).collect::<Vec<_>>()),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    const SCOPE_HINT: &str = "; narrow the scope with --kind, --since or --until";
    let result = match cli.command {
        Command::Check { files, input, output } => check(&files, &assumptions(&input)?, output.format, &mut out)
            .map_err(|f| name_files(f, &files, "; check the figures of these files")),
        Command::Report { files, input, by, scope, cumulative, unit, output } => report(
            &files,
            &assumptions(&input)?,
            by.as_deref(),
            &scope,
            cumulative,
            unit.as_deref(),
            output.format,
            &mut out,
        )
        .map_err(|f| name_files(f, &files, SCOPE_HINT)),
        Command::Verify { files, input, reports, claims, explain, output } => {
            let claims = claims_of(&claims)?;
            verify(&files, &assumptions(&input)?, &reports, claims, explain.as_deref(), output.format, &mut out)
                .map_err(|f| {
                    let all: Vec<PathBuf> = files.iter().chain(&reports).cloned().collect();
                    name_files(f, &all, "; check the figures of these files")
                })
        }
        Command::Convert { file, input, format, to, out: target } => {
            // clap requires one of the two and refuses both.
            let Some(format) = format.or(to) else {
                return Err(Failure::Usage("convert: give the format to write with --format".into()));
            };
            convert(&file, &assumptions(&input)?, format, target.as_deref(), &mut out)
        }
        Command::Chart { files, input, by, scope, unit, step, title, out: target } => {
            chart(&files, &assumptions(&input)?, by.as_deref(), &scope, unit.as_deref(), step, title, &target, &mut out)
                .map_err(|f| name_files(f, &files, SCOPE_HINT))
        }
    };
    out.flush()?;
    result
}

/// Shows progress on stderr for inputs that take more than a second, when stderr is a terminal.
struct Progress<R> {
    inner: R,
    name: String,
    total: u64,
    read: u64,
    started: Instant,
    last: Instant,
    shown: bool,
    enabled: bool,
}

impl<R: Read> Progress<R> {
    fn new(inner: R, name: &str, total: u64) -> Progress<R> {
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

/// Leaves a large value to the operating system: the process is about to exit, and freeing a
/// million entries one by one would only cost time.
fn leak<T>(value: T) {
    std::mem::forget(value);
}

/// The values of `--assume`.
fn assumptions(input: &InputArgs) -> Result<Assumptions, Failure> {
    let mut assume = Assumptions::new();
    for pair in &input.assume {
        assume.add_pair(pair).map_err(|e| flag_error("assume", e))?;
    }
    Ok(assume)
}

/// An overflow names the files whose figures it adds: the library knows the dimension, not the files.
fn name_files(failure: Failure, files: &[PathBuf], hint: &str) -> Failure {
    match failure {
        Failure::Input(e) if matches!(e.kind(), ErrorKind::Overflow(_)) => {
            const SHOWN: usize = 3;
            let mut names: Vec<String> = files.iter().take(SHOWN).map(|p| p.display().to_string()).collect();
            if files.len() > SHOWN {
                names.push(format!("and {} more files", files.len() - SHOWN));
            }
            Failure::Usage(format!("{}: {e}{hint}", names.join(", ")))
        }
        other => other,
    }
}

/// What is wrong with one file named on the command line.
enum FileProblem {
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
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

#[cfg(unix)]
fn file_id(_path: &Path, meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &std::fs::Metadata) -> FileId {
    FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// An input file, opened and known to be named once.
struct Input {
    name: String,
    format: Format,
    role: Role,
    file: std::fs::File,
    size: u64,
    id: FileId,
}

/// Opens every file named on the command line, or says what is wrong with each of them: a missing
/// file, an extension that names no format, a folder, the same file named twice (`a.csv ./a.csv`,
/// `a.csv a.csv`, or through a link), which would count every entry twice.
fn open_inputs(files: &[(&Path, Role)]) -> Result<Vec<Input>, Failure> {
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
            problems.push(FileProblem::Data(Problem::general(same_file(&first.name, &name))));
            continue;
        }
        inputs.push(Input { name, format, role, file, size: meta.len(), id });
    }
    if problems.is_empty() { Ok(inputs) } else { Err(Failure::Files(problems)) }
}

/// The message for a file named twice, `first` then `second`, worded as the library's [`Loader`] words it.
fn same_file(first: &str, second: &str) -> String {
    if first == second {
        format!("{first} is named twice; name each file once")
    } else {
        format!("{first} and {second} are the same file; name each file once")
    }
}

/// The files of a command: `files` read as `role`, then `report_files` read as reports.
fn opened(files: &[PathBuf], role: Role, report_files: &[PathBuf]) -> Result<Vec<Input>, Failure> {
    let named: Vec<(&Path, Role)> = files
        .iter()
        .map(|p| (p.as_path(), role))
        .chain(report_files.iter().map(|p| (p.as_path(), Role::Reports)))
        .collect();
    open_inputs(&named)
}

/// Reads opened files into a ledger and reports.
fn read_inputs(inputs: Vec<Input>, assume: &Assumptions) -> Result<(Ledger, Vec<Report>), Failure> {
    let mut loader = Loader::new();
    loader.assume(assume.clone());
    for i in inputs {
        let reader = io::BufReader::with_capacity(1 << 20, Progress::new(i.file, &i.name, i.size));
        loader.read(reader, &i.name, i.format, i.role);
    }
    Ok(loader.finish()?)
}

/// Reads files into a ledger and reports.
fn load(
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
struct OutFile {
    path: PathBuf,
    dir: PathBuf,
    /// The permissions of the file replaced, kept by the new one.
    permissions: Option<std::fs::Permissions>,
}

/// What a command writes to `--out`: a description for messages and the extensions that fit it.
struct OutKind {
    what: &'static str,
    extensions: &'static [&'static str],
}

impl OutKind {
    const SVG: OutKind = OutKind { what: "the chart is SVG", extensions: &["svg"] };

    fn of(format: Format) -> OutKind {
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
    fn prepare(path: &Path, kind: &OutKind, inputs: &[Input]) -> Result<OutFile, Failure> {
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
    fn write(self, write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
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

fn scope_of(args: &ScopeArgs) -> Result<Scope, Failure> {
    let mut s = Scope::all();
    if let Some(k) = &args.kind {
        s = s.kind(k.parse::<Kind>().map_err(|e| flag_error("kind", e))?);
    }
    if let Some(c) = &args.category {
        let c = c.parse::<Category>().map_err(|e| flag_error("category", e))?;
        if let Some(k) = s.kind {
            if c.kind() != k {
                return Err(Failure::Usage(format!("--category {c} is a category of {}, not of {k}", c.kind())));
            }
        }
        s = s.category(c);
    }
    for (value, set) in [
        (&args.item, Scope::item as fn(Scope, String) -> Scope),
        (&args.from, Scope::from),
        (&args.to, Scope::to),
        (&args.via, Scope::via),
        (&args.region, Scope::region),
    ] {
        if let Some(v) = value {
            s = set(s, v.clone());
        }
    }
    let date = |flag: &str, v: &Option<String>| -> Result<Option<PartialDate>, Failure> {
        v.as_deref().map(|d| d.parse::<PartialDate>().map_err(|e| flag_error(flag, e))).transpose()
    };
    let period = Period::from_bounds(date("since", &args.since)?, date("until", &args.until)?)
        .map_err(|e| flag_error("until", e))?;
    Ok(s.period(period))
}

fn flag_error(flag: &str, e: Error) -> Failure {
    let msg = e.problems().first().map_or_else(|| e.to_string(), |p| p.message.clone());
    Failure::Usage(format!("--{flag}: {msg}"))
}

fn unit_of(flag: Option<&str>) -> Result<Option<Unit>, Failure> {
    flag.map(|u| u.parse::<Unit>().map_err(|e| flag_error("unit", e))).transpose()
}

fn keys_of(by: Option<&str>) -> Result<Vec<Key>, Failure> {
    by.map_or(Ok(Vec::new()), |b| Key::parse_list(b).map_err(|e| flag_error("by", e)))
}

/// Aligned columns; `right` marks columns of figures.
fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>], right: &[bool]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(strip_ansi(c).chars().count());
        }
    }
    let line = |cells: Vec<String>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(strip_ansi(c).chars().count());
                if right.get(i).copied().unwrap_or(false) {
                    format!("{}{c}", " ".repeat(pad))
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(header.iter().map(|h| h.to_string()).collect()))?;
    for r in rows {
        writeln!(out, "{}", line(r.clone()))?;
    }
    Ok(())
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn csv_out(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Failure::Usage(format!("writing CSV: {e}"));
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    w.flush()?;
    Ok(())
}

fn json_out(out: &mut impl Write, value: &Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
    writeln!(out)?;
    Ok(())
}

fn check(files: &[PathBuf], assume: &Assumptions, format: OutFormat, out: &mut impl Write) -> Result<(), Failure> {
    let (ledger, reports) = load(files, assume, &[], Role::Any)?;
    // One pass: a group per kind, its entries in date order.
    let mut rows: Vec<(String, usize, String, String, Vec<Quantity>)> = Vec::new();
    for g in ledger.group(&Scope::all(), &[Key::Kind])? {
        let (Some(first), Some(last)) = (g.entries().first(), g.entries().last()) else { continue };
        let (first, last) = (first.date().to_string(), last.date().to_string());
        rows.push((g.key()[0].to_string(), g.entries().len(), first, last, g.totals().quantities()?));
    }
    let fills = reports.iter().filter(|r| r.mode() == relief_ledger::Mode::Fill).count();
    match format {
        OutFormat::Table => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|(k, n, f, l, t)| {
                    vec![
                        k.to_string(),
                        n.to_string(),
                        f.clone(),
                        l.clone(),
                        t.iter().map(|q| q.to_string()).collect::<Vec<_>>().join(", "),
                    ]
                })
                .collect();
            table(out, &["kind", "entries", "first", "last", "totals"], &body, &[false, true, false, false, false])?;
            writeln!(
                out,
                "\n{}, {} ({} check, {} fill): valid",
                plural(ledger.len(), "entry", "entries"),
                plural(reports.len(), "report", "reports"),
                reports.len() - fills,
                fills
            )?;
        }
        OutFormat::Csv => {
            let body: Vec<Vec<String>> = rows
                .iter()
                .flat_map(|(k, n, f, l, t)| {
                    t.iter().map(move |q| {
                        vec![
                            k.to_string(),
                            n.to_string(),
                            f.clone(),
                            l.clone(),
                            q.unit().to_string(),
                            q.value().to_string(),
                        ]
                    })
                })
                .collect();
            csv_out(out, &["kind", "entries", "first", "last", "unit", "total"], &body)?;
        }
        OutFormat::Json => {
            let kinds: Vec<Value> = rows
                .iter()
                .map(|(k, n, f, l, t)| {
                    json!({
                        "kind": k, "entries": n, "first": f, "last": l,
                        "totals": t.iter().map(|q| json!({"unit": q.unit().symbol(), "total": q.value().to_string()})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json_out(out, &json!({"entries": ledger.len(), "reports": reports.len(), "kinds": kinds}))?;
        }
    }
    leak(ledger);
    Ok(())
}

/// The figure of each dimension in `totals`, in `unit` for its dimension.
fn figures(totals: &Totals, unit: Option<Unit>) -> Result<Vec<Quantity>, Error> {
    totals
        .quantities()?
        .into_iter()
        .map(|q| match unit {
            Some(u) if u.dimension() == q.dimension() => q.to_unit(u),
            _ => Ok(q),
        })
        .collect()
}

fn is_time(k: Key) -> bool {
    matches!(k, Key::Month | Key::Quarter | Key::Year)
}

#[allow(clippy::too_many_arguments)]
fn report(
    files: &[PathBuf],
    assume: &Assumptions,
    by: Option<&str>,
    scope: &ScopeArgs,
    cumulative: bool,
    unit: Option<&str>,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut keys = keys_of(by)?;
    let scope = scope_of(scope)?;
    // Different kinds never add up (returnees and detainees are both persons): without one kind in
    // scope, totals are per kind.
    if scope.kind.is_none() && scope.category.is_none() && !keys.contains(&Key::Kind) {
        keys.insert(0, Key::Kind);
    }
    let unit = unit_of(unit)?;
    let time = keys.iter().position(|k| is_time(*k));
    if cumulative && time.is_none() {
        return Err(Failure::Usage("--cumulative runs over time: add month, quarter or year to --by".into()));
    }
    let (ledger, _) = load(files, assume, &[], Role::Any)?;
    let groups = ledger.group(&scope, &keys)?;
    let mut totals: Vec<Totals> = groups.iter().map(|g| *g.totals()).collect();
    if let (true, Some(t)) = (cumulative, time) {
        // Within each combination of the other keys, add every earlier period's totals.
        let series_key = |i: usize| -> Vec<KeyValue> {
            groups[i].key().iter().enumerate().filter(|(j, _)| *j != t).map(|(_, v)| v.clone()).collect()
        };
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|&a, &b| (series_key(a), &groups[a].key()[t]).cmp(&(series_key(b), &groups[b].key()[t])));
        let mut running: Option<(Vec<KeyValue>, Totals)> = None;
        for i in order {
            let k = series_key(i);
            let mut acc = match running.take() {
                Some((rk, acc)) if rk == k => acc,
                _ => Totals::new(),
            };
            for q in groups[i].totals().quantities()? {
                acc.add(&q)?;
            }
            totals[i] = acc;
            running = Some((k, acc));
        }
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (g, t) in groups.iter().zip(&totals) {
        for q in figures(t, unit)? {
            let mut row: Vec<String> = g.key().iter().map(|k| k.to_string()).collect();
            row.push(q.unit().to_string());
            row.push(q.value().normalize().to_string());
            rows.push(row);
        }
    }
    let mut header: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    header.extend(["unit", "total"]);
    match format {
        OutFormat::Table => {
            let mut right = vec![false; header.len()];
            if let Some(last) = right.last_mut() {
                *last = true;
            }
            let shown: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| if c.is_empty() { "-".to_string() } else { c.clone() }).collect())
                .collect();
            table(out, &header, &shown, &right)?;
            if rows.is_empty() {
                writeln!(out, "(no entries in scope: {scope})")?;
            }
        }
        OutFormat::Csv => csv_out(out, &header, &rows)?,
        OutFormat::Json => {
            let items: Vec<OrderedRow> = rows.iter().map(|r| OrderedRow(&header, r)).collect();
            serde_json::to_writer_pretty(&mut *out, &items)
                .map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
            writeln!(out)?;
        }
    }
    leak(groups);
    leak(ledger);
    Ok(())
}

/// The `--claim` values as reports; a problem names the claim by its place (`--claim 2, column 11, ...`).
fn claims_of(claims: &[String]) -> Result<Vec<Report>, Failure> {
    relief_ledger::parse_claims(claims).map_err(|e| {
        let problems: Vec<String> = e
            .problems()
            .iter()
            .map(|p| {
                let text = p.to_string();
                if text.starts_with("claim ") { format!("--{text}") } else { text }
            })
            .collect();
        if problems.is_empty() { Failure::Input(e) } else { Failure::Claims(problems) }
    })
}

fn verify(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    claims: Vec<Report>,
    explain: Option<&str>,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // Positional files may hold reports too (a JSON document holds both).
    let (ledger, mut reports) = load(files, assume, report_files, Role::Any)?;
    reports.extend(claims);
    if reports.is_empty() {
        return Err(Failure::Usage(
            "no reports to verify: give them with --reports FILE or --claim \"...\", or in a file that holds reports"
                .into(),
        ));
    }
    let v = ledger.verify(&reports)?;
    let explained = match explain {
        Some(id) => match v.outcome(id) {
            Some(o) => Some(o),
            None => {
                let ids: Vec<&str> = reports.iter().map(|r| r.id()).collect();
                let hint = nearest_id(id, &ids).map_or(String::new(), |n| format!("; did you mean {n:?}?"));
                return Err(Failure::Usage(format!("--explain: no report {id:?}{hint}")));
            }
        },
        None => None,
    };
    // Explaining one report prints that report alone; the exit status is still that of every report.
    match (format, explained) {
        (OutFormat::Table, Some(o)) => writeln!(out, "{}", v.explain(o))?,
        (OutFormat::Csv, Some(o)) => relief_ledger::write_explanation(&mut *out, Format::Csv, &v, o)?,
        (OutFormat::Json, Some(o)) => relief_ledger::write_explanation(&mut *out, Format::Json, &v, o)?,
        (OutFormat::Table, None) => verify_table(&v, reports.len(), out)?,
        (OutFormat::Csv, None) => relief_ledger::write_outcomes(&mut *out, Format::Csv, &v)?,
        (OutFormat::Json, None) => relief_ledger::write_outcomes(&mut *out, Format::Json, &v)?,
    }
    let success = v.is_success();
    leak(v);
    leak(reports);
    leak(ledger);
    if success { Ok(()) } else { Err(Failure::Disagree) }
}

/// Every outcome in a table, then a line that counts them by status.
fn verify_table(v: &relief_ledger::Verification<'_>, reports: usize, out: &mut impl Write) -> Result<(), Failure> {
    let colour = colour_stdout();
    let paint = |s: Status| -> String {
        let code = match s {
            Status::Ok => "32",
            Status::Filled => "36",
            Status::Short => "33",
            _ => "1;31",
        };
        if colour { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    };
    let rows: Vec<Vec<String>> = v
        .outcomes()
        .iter()
        .map(|o| {
            let r = v.report(o);
            let diff = v.difference(o);
            vec![
                r.id().to_string(),
                paint(o.status()),
                format!("{} {}", r.qualifier(), r.value()),
                o.interval().to_string(),
                o.ledger().normalize().to_string(),
                if diff > Decimal::ZERO { format!("+{diff}") } else { diff.to_string() },
                o.filled().map_or_else(|| "-".into(), |f| f.normalize().to_string()),
            ]
        })
        .collect();
    table(
        out,
        &["report", "status", "reported", "interval", "ledger", "difference", "filled"],
        &rows,
        &[false, false, false, false, true, true, true],
    )?;
    let count = |s: Status| v.outcomes().iter().filter(|o| o.status() == s).count();
    writeln!(
        out,
        "\n{}: {} ok, {} filled, {} short, {} over",
        plural(reports, "report", "reports"),
        count(Status::Ok),
        count(Status::Filled),
        count(Status::Short),
        count(Status::Over)
    )?;
    Ok(())
}

/// `1 line`, `2 lines`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A row of `report --format json`: its fields in the order of the columns (a JSON map would sort them).
struct OrderedRow<'a>(&'a [&'a str], &'a [String]);

impl serde::Serialize for OrderedRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn nearest_id<'a>(id: &str, ids: &[&'a str]) -> Option<&'a str> {
    ids.iter().copied().find(|c| c.eq_ignore_ascii_case(id)).or_else(|| ids.iter().copied().find(|c| c.starts_with(id)))
}

fn convert(
    file: &Path,
    assume: &Assumptions,
    to: ConvertTo,
    target: Option<&Path>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let format = match to {
        ConvertTo::Csv => Format::Csv,
        ConvertTo::Json => Format::Json,
        ConvertTo::Jsonl => Format::Jsonl,
        ConvertTo::Hxl => Format::Hxl,
    };
    let mut inputs = open_inputs(&[(file, Role::Any)])?;
    let target = target.map(|t| OutFile::prepare(t, &OutKind::of(format), &inputs)).transpose()?;
    let Some(input) = inputs.pop() else { return Ok(()) };
    let reader = io::BufReader::with_capacity(1 << 20, Progress::new(input.file, &input.name, input.size));
    let doc = relief_ledger::read_with(reader, &input.name, input.format, Role::Any, assume)?;
    match target {
        Some(target) => target.write(|w| Ok(relief_ledger::write(w, format, &doc.entries, &doc.reports)?))?,
        None => relief_ledger::write(&mut *out, format, &doc.entries, &doc.reports)?,
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn chart(
    files: &[PathBuf],
    assume: &Assumptions,
    by: Option<&str>,
    scope: &ScopeArgs,
    unit: Option<&str>,
    step: StepArg,
    title: Option<String>,
    target: &Path,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let keys = keys_of(by)?;
    if let Some(k) = keys.iter().find(|k| is_time(**k)) {
        return Err(Failure::Usage(format!(
            "--by {k}: a chart runs over time already; group by kind, to, ... instead"
        )));
    }
    let scope = scope_of(scope)?;
    let unit = unit_of(unit)?;
    let inputs = opened(files, Role::Any, &[])?;
    let target_file = OutFile::prepare(target, &OutKind::SVG, &inputs)?;
    let (ledger, _) = read_inputs(inputs, assume)?;
    let dims: Vec<Dimension> = ledger.totals(&scope)?.quantities()?.iter().map(|q| q.dimension()).collect();
    let unit = match (unit, dims.as_slice()) {
        (Some(u), _) => u,
        (None, [d]) => d.canonical_unit(),
        (None, []) => return Err(Failure::Usage(format!("no entries in scope ({scope}): nothing to draw"))),
        (None, many) => {
            let names: Vec<String> = many.iter().map(|d| format!("{d} ({})", d.canonical_unit())).collect();
            return Err(Failure::Usage(format!(
                "the entries in scope measure {}; choose one with --unit, or narrow the scope with --kind",
                names.join(", ")
            )));
        }
    };
    let step = match step {
        StepArg::Day => Step::Day,
        StepArg::Month => Step::Month,
    };
    let series = ledger.running(&scope, &keys, step)?;
    let title = title.unwrap_or_else(|| format!("Running totals: {scope}"));
    let svg = chart_svg(&series, unit, &title)?;
    target_file.write(|w| Ok(w.write_all(svg.as_bytes())?))?;
    writeln!(out, "wrote {} ({}, in {unit})", target.display(), plural(series.len(), "line", "lines"))?;
    leak(ledger);
    Ok(())
}
