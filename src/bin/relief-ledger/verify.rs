//! `verify`: published reports and claims compared with the ledger.

use std::io::Write;
use std::path::PathBuf;

use relief_ledger::{Assumptions, Format, Report, Role, Status};
use rust_decimal::Decimal;

use crate::cli::*;
use crate::files::*;
use crate::output::*;
use crate::{Failure, colour_stdout, leak};

pub(crate) fn verify(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    claims: Result<Vec<Report>, Failure>,
    explain: Option<&str>,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // Positional files may hold reports too (a JSON document holds both).
    let (ledger, reports) = match (load(files, assume, report_files, Role::Any), claims) {
        (Ok(loaded), Ok(claims)) => {
            let (ledger, mut reports) = loaded;
            reports.extend(claims);
            (ledger, reports)
        }
        (Err(f), Ok(_)) | (Ok(_), Err(f)) => return Err(f),
        (Err(files), Err(claims)) => return Err(claims.and(files)),
    };
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
pub(crate) fn verify_table(
    v: &relief_ledger::Verification<'_>,
    reports: usize,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let colour = colour_stdout();
    let paint = |s: Status| -> String {
        let code = match s {
            Status::Ok => "32",
            Status::Filled => "36",
            Status::Short | Status::Undecided => "33",
            _ => "1;31",
        };
        if colour { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    };
    let rows: Vec<Vec<String>> = v
        .outcomes()
        .iter()
        .map(|o| {
            let diff = o.difference();
            vec![
                o.report_id().to_string(),
                paint(o.status()),
                format!("{} {}", o.qualifier(), o.reported()),
                o.interval().to_string(),
                if o.ledger_high() == o.ledger() {
                    o.ledger().normalize().to_string()
                } else {
                    format!("{}..{}", o.ledger().normalize(), o.ledger_high().normalize())
                },
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
    let undecided: Vec<&str> =
        v.outcomes().iter().filter(|o| o.status() == Status::Undecided).map(|o| o.report_id()).collect();
    write!(
        out,
        "\n{}: {} ok, {} filled, {} short, {} over",
        plural(reports, "report", "reports"),
        count(Status::Ok),
        count(Status::Filled),
        count(Status::Short),
        count(Status::Over)
    )?;
    if undecided.is_empty() {
        writeln!(out)?;
    } else {
        // Listed by id: the record's dates leave these open, so they pass but are worth a look.
        writeln!(out, ", {} undecided ({})", undecided.len(), undecided.join(", "))?;
    }
    Ok(())
}

pub(crate) fn nearest_id<'a>(id: &str, ids: &[&'a str]) -> Option<&'a str> {
    ids.iter().copied().find(|c| c.eq_ignore_ascii_case(id)).or_else(|| ids.iter().copied().find(|c| c.starts_with(id)))
}
