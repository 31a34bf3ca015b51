//! `check`: validate files and print a summary per kind.

use std::io::Write;
use std::path::PathBuf;

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
    let (ledger, reports) = load(files, assume, &[], Role::Any)?;
    // One pass: a group per kind, its entries in date order.
    let mut rows: Vec<(String, usize, String, String, Vec<Quantity>)> = Vec::new();
    for g in ledger.group(&Scope::all(), &[Key::Kind])? {
        let (Some(first), Some(last)) = (g.first(), g.last()) else { continue };
        let (first, last) = (first.date().to_string(), last.date().to_string());
        rows.push((g.key()[0].to_string(), g.len(), first, last, g.totals().quantities()?));
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
