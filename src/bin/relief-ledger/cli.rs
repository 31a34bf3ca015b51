//! The command line's flags and help, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) const AFTER_HELP: &str = "Files: name each file once; the same file named twice (a.csv ./a.csv, a.csv a.csv, or \
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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        relief-ledger report entries.csv --since 2020-12 --until 2021-06 --format csv\n  \
        relief-ledger report entries.csv --kind detainee-transfer --by exchange --count\n\n\
        Without --kind (or --category), totals are grouped by kind first: different kinds never add up.\n\n\
        Exit status: 0 success; 2 bad input or usage.")]
    Report {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Group by these keys, in order: kind,category,item,from,to,via,region,month,quarter,year,exchange
        /// (kind comes first unless given, or one kind is in scope)
        #[arg(long, value_name = "KEYS")]
        by: Option<String>,
        #[command(flatten)]
        scope: ScopeArgs,
        /// Running totals over the time key in --by (month, quarter or year)
        #[arg(long)]
        cumulative: bool,
        /// Beside each group's total, the number of its entries and of distinct exchanges among them
        #[arg(long, conflicts_with = "cumulative")]
        count: bool,
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
        relief-ledger verify entries.csv --reports reports.csv --format html --out page.html\n  \
        relief-ledger verify entries.csv --claim \"about 53000 persons returnees since=2020-11-14 until=2021-11-09\"\n\n\
        A claim is a report in one line: [QUALIFIER] VALUE UNIT KIND [key=value ...], keys id, published, \
        category, item, from, to, via, region, since, until, tolerance, mode, source; a claim with neither until= \
        nor published= is read as made today (UTC), covering the record so far; claims without id= are named claim-1, claim-2, ... by their place.\n\n\
        --explain ID prints the explanation of that report only: in words and a table; with --format json its \
        outcome (the fields of --format json, filled among them) and the entries behind it; with --format csv \
        those entries.\n\n\
        --format html writes one self-contained page (no script, nothing loaded from the network) with every \
        report, the entries behind each figure, running-total charts and the audit's findings; to standard output, \
        or with --out PAGE.html to that file, written whole or not at all.\n\n\
        Exit status: 0 every report ok, filled or undecided; 1 some report short or over; 2 bad input or usage.")]
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
        output: VerifyOutput,
    },
    /// Find what the record contradicts, duplicates or leaves unexplained
    #[command(after_help = "Examples:\n  relief-ledger audit entries.csv --reports reports.csv\n  \
        relief-ledger audit entries.csv --reports reports.csv --window 3 --deny warnings\n  \
        relief-ledger audit entries.csv --reports reports.csv --format json\n\n\
        Findings: contradiction, parts-exceed-whole (errors); duplicate-event, rise-exceeded, outlier (warnings); \
        rise-unexplained, mostly-unexplained, no-source (notes). --format json prints an array of objects with \
        code, severity, message, entries and reports (ids, sorted), and positions where the records were read \
        from CSV files.\n\n\
        Exit status: 0 no error (and, with --deny warnings, no warning); 1 otherwise; 2 bad input or usage.")]
    Audit {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Report files (.csv, .json, .jsonl, .hxl); files given before may hold reports too (name each file once)
        #[arg(long, num_args = 1.., value_name = "FILE")]
        reports: Vec<PathBuf>,
        /// Entries alike dated at most this many days apart are taken for one event reported twice
        #[arg(long, value_name = "DAYS", default_value_t = 2)]
        window: u32,
        /// Fail (exit 1) on warnings too
        #[arg(long, value_enum, value_name = "warnings")]
        deny: Option<Deny>,
        #[command(flatten)]
        output: Output,
    },
    /// List exchanges: their dates, parties, entries and what each party gave
    #[command(after_help = "Examples:\n  relief-ledger exchanges entries.csv\n  \
        relief-ledger exchanges entries.csv --since 2021 --format json\n\n\
        An exchange is the entries that share an exchange id (at most 7 days apart, between two parties). \
        One row per exchange that has an entry in scope, in date order, with all of its entries. --format json \
        prints an array of objects with id, date (the first day), last, parties and entries (ids, sorted), and \
        gave and received: per party, a list of kind, value and unit.\n\n\
        Exit status: 0 success; 2 bad input or usage.")]
    Exchanges {
        /// Entry files (.csv, .json, .jsonl, .hxl), each named once
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        scope: ScopeArgs,
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
        Without --kind (or --category), lines are per kind first: different kinds never add up; groups with \
        nothing of the unit's dimension draw no line.\n\n\
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
pub(crate) struct InputArgs {
    /// A value for a field the files leave out, such as kind=returnees or unit=persons (repeatable)
    #[arg(long = "assume", value_name = "FIELD=VALUE")]
    pub(crate) assume: Vec<String>,
}

#[derive(Args, Default)]
pub(crate) struct ScopeArgs {
    /// Only this kind (cargo, returnees, detainee-transfer, remains-transfer, minefield-maps, demining)
    #[arg(long)]
    pub(crate) kind: Option<String>,
    /// Only this category
    #[arg(long)]
    pub(crate) category: Option<String>,
    /// Only this item
    #[arg(long)]
    pub(crate) item: Option<String>,
    /// Only from this party
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Only to this party
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// Only through this intermediary
    #[arg(long)]
    pub(crate) via: Option<String>,
    /// Only in this region
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// From this date on (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Up to this date, inclusive (a month or year covers its whole span)
    #[arg(long, value_name = "DATE")]
    pub(crate) until: Option<String>,
}

#[derive(Args)]
pub(crate) struct Output {
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    pub(crate) format: OutFormat,
}

/// `verify`'s output: the formats of every command, and a page.
#[derive(Args)]
pub(crate) struct VerifyOutput {
    /// Output format (html: one self-contained page)
    #[arg(long, value_enum, default_value_t = VerifyFormat::Table)]
    pub(crate) format: VerifyFormat,
    /// With --format html: write the page here instead of to standard output (named .html; written whole or
    /// not at all; never over an input)
    #[arg(long, value_name = "PAGE.html")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyFormat {
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ConvertTo {
    Csv,
    Json,
    Jsonl,
    Hxl,
}

/// What `audit --deny` turns into a failure.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Deny {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StepArg {
    Day,
    Month,
}
