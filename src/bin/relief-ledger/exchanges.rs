//! `exchanges`: the exchanges of the ledger, one row each in date order, with what each party gave.

use std::io::Write;
use std::path::PathBuf;

use relief_ledger::{Assumptions, Role};

use crate::cli::*;
use crate::files::*;
use crate::flags::*;
use crate::output::*;
use crate::{Failure, leak};

pub(crate) fn exchanges(
    files: &[PathBuf],
    assume: &Assumptions,
    scope: &ScopeArgs,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let scope = scope_of(scope)?;
    let (ledger, _) = load(files, assume, &[], Role::Any)?;
    let exchanges = ledger.exchanges(&scope)?;
    match format {
        OutFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &exchanges)
                .map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
            writeln!(out)?;
        }
        OutFormat::Table | OutFormat::Csv => {
            let header = ["id", "date", "last", "parties", "entries", "gave"];
            let rows: Vec<Vec<String>> = exchanges
                .iter()
                .map(|x| {
                    vec![
                        x.id().to_string(),
                        x.first_date().to_string(),
                        x.last_date().to_string(),
                        x.parties().join(" "),
                        x.entries().join(" "),
                        x.summary(),
                    ]
                })
                .collect();
            if format == OutFormat::Csv {
                csv_out(out, &header, &rows)?;
            } else {
                table(out, &header, &rows, &[false; 6])?;
                if rows.is_empty() {
                    writeln!(out, "(no exchanges in scope: {scope})")?;
                }
            }
        }
    }
    leak(exchanges);
    leak(ledger);
    Ok(())
}
