//! Serializing outcomes for another program: verifies the seed reports against the seed entries and
//! writes one record per report to stdout, as `relief-ledger verify --format json` does: `id`,
//! `status`, `reported`, `qualifier`, `unit`, `low`, `high`, `ledger`, `ledger_high`, `difference`, `filled`,
//! `interval`. Figures are JSON strings, so that no figure passes through a float on the other side.
//!
//! Run with `cargo run --example outcomes_json`, or `-- csv` / `-- jsonl` for the other formats.

use std::path::Path;
use std::process::ExitCode;

use relief_ledger::{Error, Format, Loader, Role, write_outcomes};

fn main() -> ExitCode {
    let format = match std::env::args().nth(1).as_deref() {
        None => Ok(Format::Json),
        Some(f) => f.parse::<Format>(),
    };
    let result = format.and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("outcomes_json: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(format: Format) -> Result<(), Error> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/karabakh-2021");
    let mut loader = Loader::new();
    loader.read_path(dir.join("entries.csv"), Role::Entries);
    loader.read_path(dir.join("reports.csv"), Role::Reports);
    let (ledger, reports) = loader.finish()?;
    let verification = ledger.verify(&reports)?;

    // Any `io::Write` will do: a file, a socket, a `Vec<u8>`.
    write_outcomes(std::io::stdout().lock(), format, &verification)
}
