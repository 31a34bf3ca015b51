//! `audit`: what the record contradicts, duplicates or leaves unexplained, across entries and reports.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use relief_ledger::{Assumptions, Audit, AuditOptions, Finding, Role, Severity};

use crate::cli::*;
use crate::files::*;
use crate::output::*;
use crate::{Failure, colour_stdout, leak};

/// Ids listed in a table cell before "and N more".
const IDS_SHOWN: usize = 6;

pub(crate) fn audit(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    window: u32,
    deny_warnings: bool,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // Positional files may hold reports too (a JSON document holds both). The table shows no
    // positions, so only csv and json keep the place of every record.
    let (ledger, reports, places) = if format == OutFormat::Table {
        let (ledger, reports) = load(files, assume, report_files, Role::Any)?;
        (ledger, reports, None)
    } else {
        let (ledger, reports, places) = load_with_places(files, assume, report_files, Role::Any)?;
        (ledger, reports, Some(places))
    };
    let mut audit = ledger.audit(&reports, &AuditOptions::new().window(window));
    if let Some(places) = &places {
        audit.locate_in(places);
    }
    match format {
        OutFormat::Table => audit_table(&audit, out)?,
        OutFormat::Csv => {
            // Each row made as it is written.
            fn row(f: &Finding) -> [Cow<'_, str>; 6] {
                let mut positions = String::new();
                for (i, p) in f.positions().iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let _ = write!(positions, "{sep}{p}");
                }
                [
                    f.code().as_str().into(),
                    f.severity().as_str().into(),
                    f.message().into(),
                    f.entries().join(" ").into(),
                    f.reports().join(" ").into(),
                    positions.into(),
                ]
            }
            let header = ["code", "severity", "message", "entries", "reports", "positions"];
            csv_items(out, &header, audit.findings(), row)?;
        }
        OutFormat::Json => json_array(out, audit.findings())?,
    }
    let clean = audit.is_clean(deny_warnings);
    leak(audit);
    leak(reports);
    leak(ledger);
    if clean { Ok(()) } else { Err(Failure::Disagree) }
}

/// The findings grouped by severity, then a line that counts them per severity.
fn audit_table(audit: &Audit, out: &mut impl Write) -> Result<(), Failure> {
    let colour = colour_stdout();
    let paint = |s: Severity| -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "33",
            _ => "36",
        };
        if colour { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    };
    fn ids(list: &[String]) -> Cow<'_, str> {
        match list {
            [] => "-".into(),
            [one] => one.as_str().into(),
            _ if list.len() <= IDS_SHOWN => list.join(" ").into(),
            _ => format!("{} and {} more", list[..IDS_SHOWN].join(" "), list.len() - IDS_SHOWN).into(),
        }
    }
    let severities = [Severity::Error, Severity::Warning, Severity::Note];
    let mut first = true;
    for s in severities {
        let rows: Vec<[Cow<'_, str>; 4]> = audit
            .findings()
            .iter()
            .filter(|f| f.severity() == s)
            .map(|f: &Finding| [f.code().as_str().into(), ids(f.reports()), ids(f.entries()), f.message().into()])
            .collect();
        if rows.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        writeln!(out, "{} ({})", paint(s), rows.len())?;
        table(out, &["code", "reports", "entries", "message"], &rows, &[false, false, false, false])?;
    }
    if !first {
        writeln!(out)?;
    }
    let count = |s: Severity, one: &str, many: &str| plural(audit.count(s), one, many);
    writeln!(
        out,
        "{}: {}, {}, {}",
        plural(audit.findings().len(), "finding", "findings"),
        count(Severity::Error, "error", "errors"),
        count(Severity::Warning, "warning", "warnings"),
        count(Severity::Note, "note", "notes")
    )?;
    Ok(())
}
