//! Reading files and verifying them: loads an entries file and a reports file with a [`Loader`]
//! (every problem of every file at once, the files refused whole), verifies each published figure
//! against the ledger, and prints one line per report. Then shows what a bad file gives instead.
//!
//! Run with `cargo run --example read_and_verify`, or give your own files:
//! `cargo run --example read_and_verify -- entries.csv reports.csv`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use relief_ledger::{Error, Format, Loader, Role};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let (entries, reports) = match args.as_slice() {
        [] => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/karabakh-2021");
            (dir.join("entries.csv"), dir.join("reports.csv"))
        }
        [entries, reports] => (entries.clone(), reports.clone()),
        _ => {
            eprintln!("read_and_verify: give an entries file and a reports file, or nothing for the seed data");
            return ExitCode::from(2);
        }
    };
    match run(&entries, &reports) {
        // As `relief-ledger verify` does: 0 when every figure holds, 1 when one does not.
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("read_and_verify: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads, verifies and prints; true when every report is `ok` or `filled`.
fn run(entries: &Path, reports: &Path) -> Result<bool, Error> {
    let mut loader = Loader::new();
    loader.read_path(entries, Role::Entries);
    loader.read_path(reports, Role::Reports);
    // Nothing is returned unless both files are free of problems.
    let (ledger, reports) = loader.finish()?;
    println!("{} entries, {} reports", ledger.len(), reports.len());

    let verification = ledger.verify(&reports)?;
    for (outcome, report) in verification.outcomes().iter().zip(&reports) {
        let filled = outcome.filled().map_or_else(String::new, |f| format!(", filled {f}"));
        println!(
            "{}: {} {} {} in {}; ledger {}{filled}",
            report.id(),
            outcome.status(),
            report.qualifier(),
            report.value(),
            report.scope().period,
            outcome.ledger(),
        );
    }
    println!("every figure holds: {}", if verification.is_success() { "yes" } else { "no" });

    // A file with problems is refused whole, and its error lists every problem with its line and
    // field, so that one run shows everything to fix.
    let bad = "id,date,kind,quantity,unit,from,to\n\
               cg-1,2021-04-07,cargo,\"1,581\",t,RU-EMERCOM,NKR\n\
               cg-2,2021-05-26,cargo,155,tons,RU-EMERCOM,NKR\n";
    let mut loader = Loader::new();
    loader.read(bad.as_bytes(), "bad.csv", Format::Csv, Role::Entries);
    match loader.finish() {
        Ok(_) => println!("\nbad.csv was read"),
        Err(e) => {
            println!("\nbad.csv is refused ({} problems):", e.problems().len());
            for line in e.to_string().lines() {
                println!("  {line}");
            }
        }
    }
    Ok(verification.is_success())
}
