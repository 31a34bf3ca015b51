//! `audit`: what the record contradicts, duplicates or leaves unexplained, across entries and reports.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

use relief_ledger::{Assumptions, Audit, AuditOptions, Finding, Position, RecordKind, Role, Severity};

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
    // Positional files may hold reports too (a JSON document holds both).
    let (ledger, reports) = load(files, assume, report_files, Role::Any)?;
    let mut audit = ledger.audit(&reports, &AuditOptions::new().window(window));
    // The table shows no positions: finding them means reading the CSV files again.
    if format != OutFormat::Table {
        let places = csv_places(files.iter().chain(report_files), &audit);
        audit.locate(|kind, id| {
            let (file, line) = places.get(&(kind == RecordKind::Report, id.to_string()))?;
            Some(Position::new().with_file(file.as_str()).with_line(*line).with_id(id, kind))
        });
    }
    match format {
        OutFormat::Table => audit_table(&audit, out)?,
        OutFormat::Csv => {
            let rows: Vec<Vec<String>> = audit
                .findings()
                .iter()
                .map(|f| {
                    vec![
                        f.code().to_string(),
                        f.severity().to_string(),
                        f.message().to_string(),
                        f.entries().join(" "),
                        f.reports().join(" "),
                        f.positions().iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                    ]
                })
                .collect();
            csv_out(out, &["code", "severity", "message", "entries", "reports", "positions"], &rows)?;
        }
        OutFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, audit.findings())
                .map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
            writeln!(out)?;
        }
    }
    let clean = audit.is_clean(deny_warnings);
    leak(audit);
    leak(reports);
    leak(ledger);
    if clean { Ok(()) } else { Err(Failure::Disagree) }
}

/// The file and line of each record of the findings that was read from a CSV file with an `id`
/// column: the library's loader keeps no positions once the ledger is built, so the CSV files are
/// read once more, only when there are findings, and only the ids of findings are kept.
fn csv_places<'a>(files: impl Iterator<Item = &'a PathBuf>, audit: &Audit) -> HashMap<(bool, String), (String, u64)> {
    let mut places = HashMap::new();
    if audit.findings().is_empty() {
        return places;
    }
    let wanted: HashSet<(bool, &str)> = audit
        .findings()
        .iter()
        .flat_map(|f| {
            f.reports().iter().map(|id| (true, id.as_str())).chain(f.entries().iter().map(|id| (false, id.as_str())))
        })
        .collect();
    for path in files {
        if path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some("csv") {
            continue;
        }
        let Ok(mut reader) = csv::ReaderBuilder::new().flexible(true).from_path(path) else { continue };
        let Ok(header) = reader.byte_headers() else { continue };
        let name_of = |h: &[u8]| -> Vec<u8> { h.strip_prefix(b"\xef\xbb\xbf").unwrap_or(h).trim_ascii().to_vec() };
        let Some(id_col) = header.iter().position(|h| name_of(h) == b"id") else { continue };
        // A reports file has a `published` column; an entries file has none.
        let is_reports = header.iter().any(|h| name_of(h) == b"published");
        let name = path.display().to_string();
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let Some(Ok(id)) = record.get(id_col).map(std::str::from_utf8) else { continue };
            let id = id.trim();
            if wanted.contains(&(is_reports, id)) {
                let line = record.position().map_or(0, |p| p.line());
                places.entry((is_reports, id.to_string())).or_insert((name.clone(), line));
            }
        }
    }
    places
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
    let ids = |list: &[String]| -> String {
        match list.len() {
            0 => "-".into(),
            n if n <= IDS_SHOWN => list.join(" "),
            n => format!("{} and {} more", list[..IDS_SHOWN].join(" "), n - IDS_SHOWN),
        }
    };
    let severities = [Severity::Error, Severity::Warning, Severity::Note];
    let mut first = true;
    for s in severities {
        let rows: Vec<Vec<String>> = audit
            .findings()
            .iter()
            .filter(|f| f.severity() == s)
            .map(|f: &Finding| vec![f.code().to_string(), ids(f.reports()), ids(f.entries()), f.message().to_string()])
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
