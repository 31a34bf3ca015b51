//! `relief-ledger`: check, aggregate, verify, audit, convert and chart ledgers of humanitarian operations.
//!
//! A thin layer over the library. Exit status: 0 success, 1 some report short or over (audit: some
//! error, or warning under `--deny warnings`),
//! 2 bad input or usage.

mod audit;
mod chart;
mod check;
mod cli;
mod convert;
mod exchanges;
mod files;
mod flags;
mod output;
mod report;
mod verify;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use relief_ledger::Error;

use crate::cli::{Cli, Command};
use crate::files::FileProblem;
use crate::flags::{assumptions, claims_of, name_files};

/// Why the command failed: bad input (exit 2) or reports that do not agree (exit 1).
pub(crate) enum Failure {
    Input(Error),
    Usage(String),
    /// Problems with the files named on the command line, every one of them (exit 2).
    Files(Vec<FileProblem>),
    /// Problems of `--claim` values, each naming its claim, and of the files read with them (exit 2).
    Claims(Vec<String>),
    Disagree,
    Quiet,
}

impl Failure {
    /// The problems of the claims, then those of `other` (the files), as one list; `other` alone
    /// when it is not a list of problems.
    fn and(self, other: Failure) -> Failure {
        let Failure::Claims(mut problems) = self else { return other };
        match other {
            Failure::Claims(more) => problems.extend(more),
            Failure::Files(files) => problems.extend(files.iter().map(ToString::to_string)),
            Failure::Input(e) if !e.problems().is_empty() => {
                problems.extend(e.problems().iter().map(ToString::to_string));
            }
            other => return other,
        }
        Failure::Claims(problems)
    }
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

pub(crate) fn colour_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stderr().is_terminal()
}

pub(crate) fn colour_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

pub(crate) fn error_label() -> &'static str {
    if colour_stderr() { "\x1b[1;31merror\x1b[0m" } else { "error" }
}

pub(crate) fn report_error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "relief-ledger: {}: {message}", error_label());
}

/// Bad input: every problem, one per line under a line that counts them (the list stops at
/// `PROBLEMS_SHOWN` and says how many more there are).
pub(crate) fn report_input_error(e: &Error) {
    let problems = e.problems();
    if problems.is_empty() {
        // The chain, each cause once: "a.csv: could not read the file: Permission denied (os error 13)".
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message = format!("{message}: {s}");
            source = s.source();
        }
        return report_error(&message);
    }
    report_input_error_lines(&problems.iter().map(ToString::to_string).collect::<Vec<_>>());
}

pub(crate) fn report_input_error_lines(problems: &[String]) {
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
pub(crate) fn report_file_problems(problems: &[FileProblem]) {
    match problems {
        [] => {}
        [one] => match one {
            FileProblem::Open(m) => report_error(m),
            FileProblem::Data(p) => report_input_error_lines(&[p.to_string()]),
        },
        many => report_input_error_lines(&many.iter().map(FileProblem::to_string).collect::<Vec<_>>()),
    }
}

pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    const SCOPE_HINT: &str = "; narrow the scope with --kind, --since or --until";
    let result = match cli.command {
        Command::Check { files, input, output } => check::check(&files, &assumptions(&input)?, output.format, &mut out)
            .map_err(|f| name_files(f, &files, "; check the figures of these files")),
        Command::Report { files, input, by, scope, cumulative, count, unit, output } => report::report(
            &files,
            &assumptions(&input)?,
            by.as_deref(),
            &scope,
            (cumulative, count),
            unit.as_deref(),
            output.format,
            &mut out,
        )
        .map_err(|f| name_files(f, &files, SCOPE_HINT)),
        Command::Verify { files, input, reports, claims, explain, output } => {
            // A bad claim is reported with the problems of the files, if any, not alone.
            let claims = claims_of(&claims);
            let how = verify::How { explain: explain.as_deref(), format: output.format, out: output.out.as_deref() };
            verify::verify(&files, &assumptions(&input)?, &reports, claims, &how, &mut out).map_err(|f| {
                let all: Vec<PathBuf> = files.iter().chain(&reports).cloned().collect();
                name_files(f, &all, "; check the figures of these files")
            })
        }
        Command::Audit { files, input, reports, window, deny, output } => {
            audit::audit(&files, &assumptions(&input)?, &reports, window, deny.is_some(), output.format, &mut out)
                .map_err(|f| {
                    let all: Vec<PathBuf> = files.iter().chain(&reports).cloned().collect();
                    name_files(f, &all, "; check the figures of these files")
                })
        }
        Command::Exchanges { files, input, scope, output } => {
            exchanges::exchanges(&files, &assumptions(&input)?, &scope, output.format, &mut out)
                .map_err(|f| name_files(f, &files, SCOPE_HINT))
        }
        Command::Convert { file, input, format, to, out: target } => {
            // clap requires one of the two and refuses both.
            let Some(format) = format.or(to) else {
                return Err(Failure::Usage("convert: give the format to write with --format".into()));
            };
            convert::convert(&file, &assumptions(&input)?, format, target.as_deref(), &mut out)
        }
        Command::Chart { files, input, by, scope, unit, step, title, out: target } => chart::chart(
            &files,
            &assumptions(&input)?,
            by.as_deref(),
            &scope,
            unit.as_deref(),
            step,
            title,
            &target,
            &mut out,
        )
        .map_err(|f| name_files(f, &files, SCOPE_HINT)),
    };
    out.flush()?;
    result
}

/// Leaves a large value to the operating system: the process is about to exit, and freeing a
/// million entries one by one would only cost time.
pub(crate) fn leak<T>(value: T) {
    std::mem::forget(value);
}
