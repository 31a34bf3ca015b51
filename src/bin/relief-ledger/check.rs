//! `check`: validate files and print a summary per kind.

use std::io::Write;
use std::path::PathBuf;

use relief_ledger::stream::Fold;
use relief_ledger::{Assumptions, Key, Quantity, Role, Scope};
use serde_json::{Value, json};

use crate::cli::*;
use crate::files::*;
use crate::output::*;
use crate::{Failure, leak};

pub(crate) fn check(
    files: &[PathBuf],
    assume: &Assumptions,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // One pass as the files are read: a group per kind, with its first and last entries in date order.
    let folded = fold_inputs(opened(files, Role::Any, &[])?, assume, Fold::group(&Scope::all(), &[Key::Kind]))?;
    let reports = folded.reports();
    let mut rows: Vec<(String, u64, String, String, Vec<Quantity>)> = Vec::new();
    for g in folded.groups() {
        let (first, last) = (g.first().to_string(), g.last().to_string());
        rows.push((g.key()[0].to_string(), g.entries(), first, last, g.totals().quantities()?));
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
                plural(usize::try_from(folded.entries()).unwrap_or(usize::MAX), "entry", "entries"),
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
            json_out(out, &json!({"entries": folded.entries(), "reports": reports.len(), "kinds": kinds}))?;
        }
    }
    leak(folded);
    Ok(())
}
