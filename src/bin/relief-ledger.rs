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
    Assumptions, Category, Dimension, Entry, Error, Format, Key, KeyValue, Kind, Ledger, Loader, PartialDate, Period,
    Quantity, Report, Role, Scope, Status, Step, Totals, Unit, chart_svg,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

const AFTER_HELP: &str = "Exit status: 0 success; 1 some report short or over; 2 bad input or usage.";

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
        /// Entry and report files (.csv, .json, .jsonl, .hxl)
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
        relief-ledger report entries.csv --since 2020-12 --until 2021-06 --format csv")]
    Report {
        /// Entry files (.csv, .json, .jsonl, .hxl)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Group by these keys, in order: kind,category,item,from,to,via,region,month,quarter,year
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
        relief-ledger verify entries.csv --reports reports.csv --format json\n\n\
        Exit status: 0 every report ok or filled; 1 some report short or over; 2 bad input or usage.")]
    Verify {
        /// Entry files (.csv, .json, .jsonl, .hxl)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Report files (.csv, .json, .jsonl, .hxl); files given before may hold reports too
        #[arg(long, num_args = 1.., value_name = "FILE")]
        reports: Vec<PathBuf>,
        /// List the entries behind this report's figure
        #[arg(long, value_name = "ID")]
        explain: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Rewrite a file in another format
    #[command(after_help = "Examples:\n  relief-ledger convert entries.csv --to json > entries.json\n  \
        relief-ledger convert ledger.json --to jsonl --out ledger.jsonl\n  \
        relief-ledger convert entries.csv --to hxl --out entries-hxl.csv\n  \
        relief-ledger convert returns-hxl.csv --assume kind=returnees --assume to=NKR --to csv")]
    Convert {
        /// The file to convert (.csv, .json, .jsonl, .hxl)
        file: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// The format to write
        #[arg(long, value_enum)]
        to: ConvertTo,
        /// Write here instead of to standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Draw running totals over time as an SVG chart, one line per group
    #[command(
        after_help = "Example:\n  relief-ledger chart entries.csv --kind detainee-transfer --by to --out returned.svg"
    )]
    Chart {
        /// Entry files (.csv, .json, .jsonl, .hxl)
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
        /// The SVG file to write
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

fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Check { files, input, output } => check(&files, &assumptions(&input)?, output.format, &mut out),
        Command::Report { files, input, by, scope, cumulative, unit, output } => report(
            &files,
            &assumptions(&input)?,
            by.as_deref(),
            &scope,
            cumulative,
            unit.as_deref(),
            output.format,
            &mut out,
        ),
        Command::Verify { files, input, reports, explain, output } => {
            verify(&files, &assumptions(&input)?, &reports, explain.as_deref(), output.format, &mut out)
        }
        Command::Convert { file, input, to, out: target } => {
            convert(&file, &assumptions(&input)?, to, target.as_deref(), &mut out)
        }
        Command::Chart { files, input, by, scope, unit, step, title, out: target } => {
            chart(&files, &assumptions(&input)?, by.as_deref(), &scope, unit.as_deref(), step, title, &target, &mut out)
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

/// Reads files into a ledger and reports.
fn load(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    role: Role,
) -> Result<(Ledger, Vec<Report>), Failure> {
    let mut loader = Loader::new();
    loader.assume(assume.clone());
    for (path, role) in files.iter().map(|p| (p, role)).chain(report_files.iter().map(|p| (p, Role::Reports))) {
        let name = path.display().to_string();
        let format = match Format::from_path(path) {
            Ok(f) => f,
            Err(e) => return Err(Failure::Input(e)),
        };
        let file = std::fs::File::open(path).map_err(|e| Failure::Usage(format!("{name}: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        loader.read(io::BufReader::with_capacity(1 << 20, Progress::new(file, &name, size)), &name, format, role);
    }
    Ok(loader.finish()?)
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
            let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
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
    let keys = keys_of(by)?;
    let scope = scope_of(scope)?;
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
            let items: Vec<Value> = rows
                .iter()
                .map(|r| {
                    Value::Object(header.iter().zip(r).map(|(h, c)| (h.to_string(), Value::from(c.as_str()))).collect())
                })
                .collect();
            json_out(out, &Value::Array(items))?;
        }
    }
    leak(groups);
    leak(ledger);
    Ok(())
}

fn bound(b: std::ops::Bound<Decimal>) -> Option<String> {
    match b {
        std::ops::Bound::Included(d) | std::ops::Bound::Excluded(d) => Some(d.normalize().to_string()),
        std::ops::Bound::Unbounded => None,
    }
}

fn verify(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    explain: Option<&str>,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // Positional files may hold reports too (a JSON document holds both).
    let (ledger, reports) = load(files, assume, report_files, Role::Any)?;
    if reports.is_empty() {
        return Err(Failure::Usage(
            "no reports to verify: give them with --reports FILE, or in a file that holds reports".into(),
        ));
    }
    let v = ledger.verify(&reports)?;
    if let Some(id) = explain {
        if v.outcome(id).is_none() {
            let ids: Vec<&str> = reports.iter().map(|r| r.id()).collect();
            let hint = nearest_id(id, &ids).map_or(String::new(), |n| format!("; did you mean {n:?}?"));
            return Err(Failure::Usage(format!("--explain: no report {id:?}{hint}")));
        }
    }
    let header =
        ["id", "status", "reported", "qualifier", "unit", "low", "high", "ledger", "difference", "filled", "interval"];
    // The fields for programs (csv and json), made only for those formats.
    let records = || -> Vec<Vec<Option<String>>> {
        v.outcomes()
            .iter()
            .map(|o| {
                let r = v.report(o);
                vec![
                    Some(r.id().to_string()),
                    Some(o.status().to_string()),
                    Some(r.value().value().normalize().to_string()),
                    Some(r.qualifier().to_string()),
                    Some(r.value().unit().to_string()),
                    bound(o.interval().low()),
                    bound(o.interval().high()),
                    Some(o.ledger().normalize().to_string()),
                    Some(v.difference(o).to_string()),
                    o.filled().map(|f| f.normalize().to_string()),
                    Some(o.interval().to_string()),
                ]
            })
            .collect()
    };
    let explained = explain.and_then(|id| v.outcome(id)).map(|o| (v.report(o), o, v.entries(o)));
    match format {
        OutFormat::Table => {
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
                "\n{} reports: {} ok, {} filled, {} short, {} over",
                reports.len(),
                count(Status::Ok),
                count(Status::Filled),
                count(Status::Short),
                count(Status::Over)
            )?;
            if let Some((r, o, entries)) = &explained {
                writeln!(
                    out,
                    "\n{}: {} {} of {}; the ledger holds {} {} in {} entries",
                    r.id(),
                    r.qualifier(),
                    r.value(),
                    r.scope(),
                    o.ledger().normalize(),
                    r.value().unit(),
                    entries.len()
                )?;
                let unit = r.value().unit();
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        let q = e.quantity().to_unit(unit).map_or_else(|_| e.quantity().to_string(), |q| q.to_string());
                        let parties = format!("{} -> {}", e.from().unwrap_or("-"), e.to().unwrap_or("-"));
                        let source = match e.unattributed() {
                            Some(rid) => format!("unattributed (fill of {rid})"),
                            None => e.source().unwrap_or("").to_string(),
                        };
                        vec![e.date().to_string(), e.id().to_string(), q, parties, source]
                    })
                    .collect();
                table(
                    out,
                    &["date", "entry", "quantity", "parties", "source"],
                    &rows,
                    &[false, false, true, false, false],
                )?;
                if let Some(f) = o.filled() {
                    writeln!(
                        out,
                        "its fill adds {} {unit} that no dated event explains, as the unattributed entry fill:{}",
                        f.normalize(),
                        r.id()
                    )?;
                }
            }
        }
        OutFormat::Csv => {
            if let Some((_, _, entries)) = explained {
                let owned: Vec<Entry> = entries.into_iter().cloned().collect();
                relief_ledger::write(&mut *out, Format::Csv, &owned, &[])?;
            } else {
                let rows: Vec<Vec<String>> =
                    records().iter().map(|r| r.iter().map(|c| c.clone().unwrap_or_default()).collect()).collect();
                csv_out(out, &header, &rows)?;
            }
        }
        OutFormat::Json => {
            if let Some((_, _, entries)) = explained {
                let owned: Vec<Entry> = entries.into_iter().cloned().collect();
                relief_ledger::write(&mut *out, Format::Json, &owned, &[])?;
            } else {
                let items: Vec<Value> = records()
                    .iter()
                    .map(|r| {
                        Value::Object(
                            header
                                .iter()
                                .zip(r)
                                .map(|(h, c)| (h.to_string(), c.clone().map_or(Value::Null, Value::from)))
                                .collect(),
                        )
                    })
                    .collect();
                json_out(out, &Value::Array(items))?;
            }
        }
    }
    let success = v.is_success();
    leak(v);
    leak(reports);
    leak(ledger);
    if success { Ok(()) } else { Err(Failure::Disagree) }
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
    let doc = relief_ledger::read_file_with(file, Role::Any, assume)?;
    let format = match to {
        ConvertTo::Csv => Format::Csv,
        ConvertTo::Json => Format::Json,
        ConvertTo::Jsonl => Format::Jsonl,
        ConvertTo::Hxl => Format::Hxl,
    };
    match target {
        Some(path) => {
            let f = std::fs::File::create(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
            let mut w = io::BufWriter::new(f);
            relief_ledger::write(&mut w, format, &doc.entries, &doc.reports)?;
            w.flush()?;
        }
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
    let (ledger, _) = load(files, assume, &[], Role::Any)?;
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
    std::fs::write(target, svg).map_err(|e| Failure::Usage(format!("{}: {e}", target.display())))?;
    writeln!(out, "wrote {} ({} lines, in {unit})", target.display(), series.len())?;
    leak(ledger);
    Ok(())
}
