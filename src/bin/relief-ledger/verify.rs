//! `verify`: published reports and claims compared with the ledger.

use std::io::{BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use relief_ledger::stream::{Fold, Folded};
use relief_ledger::{Assumptions, AuditOptions, Format, HtmlPage, Ledger, Loader, Places, Report, Role, Status};
use rust_decimal::Decimal;

use crate::cli::*;
use crate::files::*;
use crate::output::*;
use crate::{Failure, colour_stdout, leak};

/// How `verify` prints: one report explained, the format, and the page's file.
pub(crate) struct How<'a> {
    pub(crate) explain: Option<&'a str>,
    pub(crate) format: VerifyFormat,
    pub(crate) out: Option<&'a Path>,
}

pub(crate) fn verify(
    files: &[PathBuf],
    assume: &Assumptions,
    report_files: &[PathBuf],
    claims: Result<Vec<Report>, Failure>,
    how: &How<'_>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let html = how.format == VerifyFormat::Html;
    if let (Some(page), false) = (how.out, html) {
        return Err(Failure::Usage(format!(
            "--out {}: only --format html writes to a file; add --format html, or leave out --out",
            page.display()
        )));
    }
    if let (Some(id), true) = (how.explain, html) {
        return Err(Failure::Usage(format!(
            "--explain {id}: the page explains every report under its row; leave out --explain with --format html"
        )));
    }
    // Positional files may hold reports too (a JSON document holds both). The page's target is
    // checked before anything is read, and the page shows where each finding's records were read.
    let streamed = how.explain.is_none() && !html;
    let loaded = opened(files, Role::Any, report_files).and_then(|inputs| {
        if streamed {
            // Without --explain and the page, the entries are folded as they are read.
            let (ledger, reports) = fold_for_reports(&inputs, assume, claims.as_deref().unwrap_or(&[]))?;
            return Ok((ledger, reports, Places::default(), None));
        }
        let target = how.out.map(|p| OutFile::prepare(p, &OutKind::HTML, &inputs)).transpose()?;
        let (ledger, reports, places) = if html {
            read_inputs_with_places(inputs, assume)?
        } else {
            read_inputs(inputs, assume).map(|(l, r)| (l, r, Places::default()))?
        };
        Ok((ledger, reports, places, target))
    });
    let (ledger, reports, places, target) = match (loaded, claims) {
        (Ok(loaded), Ok(claims)) => {
            let (ledger, mut reports, places, target) = loaded;
            reports.extend(claims);
            (ledger, reports, places, target)
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
    let explained = match how.explain {
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
    match (how.format, explained) {
        (VerifyFormat::Table, Some(o)) => writeln!(out, "{}", v.explain(o))?,
        (VerifyFormat::Csv, Some(o)) => relief_ledger::write_explanation(&mut *out, Format::Csv, &v, o)?,
        (VerifyFormat::Json, Some(o)) => relief_ledger::write_explanation(&mut *out, Format::Json, &v, o)?,
        (VerifyFormat::Table, None) => verify_table(&v, reports.len(), out)?,
        (VerifyFormat::Csv, None) => relief_ledger::write_outcomes(&mut *out, Format::Csv, &v)?,
        (VerifyFormat::Json, None) => relief_ledger::write_outcomes(&mut *out, Format::Json, &v)?,
        (VerifyFormat::Html, _) => {
            let mut audit = ledger.audit(&reports, &AuditOptions::default());
            audit.locate_in(&places);
            let names: Vec<String> = files.iter().chain(report_files).map(|p| p.display().to_string()).collect();
            let page = HtmlPage::new(&v).audit(&audit).files(names).render();
            match target {
                Some(t) => {
                    let shown = t.path.display().to_string();
                    t.write(|w| Ok(w.write_all(page.as_bytes())?))?;
                    let count = |s: Status| v.outcomes().iter().filter(|o| o.status() == s).count();
                    let counts: Vec<String> =
                        Status::ALL.iter().filter(|s| count(**s) > 0).map(|s| format!("{} {s}", count(*s))).collect();
                    writeln!(
                        out,
                        "wrote {shown} ({}: {}; {})",
                        plural(reports.len(), "report", "reports"),
                        counts.join(", "),
                        plural(audit.findings().len(), "finding", "findings")
                    )?;
                }
                None => out.write_all(page.as_bytes())?,
            }
        }
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

/// The ledger of `inputs` reduced for verifying their reports and `claims` (see
/// [`Fold::reduce_for`]), and the reports of the files. The reports of the `--reports` files (few) are read
/// first, to know what to keep of the entries; reports found among the entries' files that name
/// more (rare) make the files fold again, keeping that too.
fn fold_for_reports(
    inputs: &[Input],
    assume: &Assumptions,
    claims: &[Report],
) -> Result<(Ledger, Vec<Report>), Failure> {
    let mut wanted: Vec<Report> = Vec::new();
    for i in inputs.iter().filter(|i| i.role == Role::Reports) {
        let mut loader = Loader::new();
        loader.assume(assume.clone());
        loader.read(BufReader::new(rewound(i)?), &i.name, i.format, i.role);
        // A file with problems is read again by the fold, which reports them with the others.
        if let Ok((_, reports)) = loader.finish() {
            wanted.extend(reports);
        }
    }
    wanted.extend_from_slice(claims);
    let mut folded = fold(inputs, assume, &wanted)?;
    let mut reports = folded.reports().to_vec();
    reports.extend_from_slice(claims);
    if !folded.verifies(&reports) {
        folded = fold(inputs, assume, &reports)?;
    }
    Ok(folded.into_parts())
}

/// Folds `inputs`, from their start, reduced for verifying `reports`.
fn fold(inputs: &[Input], assume: &Assumptions, reports: &[Report]) -> Result<Folded, Failure> {
    let mut fold = Fold::reduce_for(reports);
    fold.assume(assume.clone());
    for i in inputs {
        let reader = BufReader::with_capacity(1 << 20, Progress::new(rewound(i)?, &i.name, i.size));
        fold.read_from(reader, &i.name, i.format, i.role, Some(&i.path));
    }
    Ok(fold.finish()?)
}

/// The opened file of `input`, at its start.
fn rewound(input: &Input) -> Result<&std::fs::File, Failure> {
    let mut file = &input.file;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Failure::Files(vec![FileProblem::Open(format!("{}: {e}", input.name))]))?;
    Ok(file)
}
