//! Checking claims written in one line: published figures about the seed operation, each written as
//! a claim (`[qualifier] number unit kind key=value ...`, see the `claim` module), checked against
//! the ledger of dated events in `examples/data/karabakh-2021/entries.csv`. A claim that does not
//! hold is explained: its interval, what the ledger holds, and the entries behind it.
//!
//! Run with `cargo run --example claims`. In a test, `assert_claims!(ledger, "…")` does the same
//! and panics with the explanation.

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use relief_ledger::{Ledger, Role, parse_claim, read_file};

/// Claims from public reports and the foreign ministry's statement of 2021-11-09.
const CLAIMS: [&str; 5] = [
    // The statement: 105 returned to Armenia. Dated events explain part of it; as a fill, the rest
    // is recorded as unattributed and the claim holds.
    "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill id=mfa-arm",
    // Checked as it stands, the same figure is short: the dated events do not reach 105.
    "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa-arm-check",
    // Two EMERCOM convoys dated in public reports, 145 t and about 155 t, in April and May 2021.
    "exact 300 t cargo category=humanitarian from=RU-EMERCOM since=2021-04 until=2021-05 id=convoys",
    // TASS, 2020-12-01: "more than 27,000 returned since 14 November"; the ledger dates only two days.
    "more-than 27000 persons returnees since=2020-11-14 until=2020-12-01 id=tass-2020-12-01",
    // A claim with a typo is refused with the column of each problem, not silently read.
    "about 53000 persns returnees since=2020-11-14 untill=2021-11-09",
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("claims: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/karabakh-2021/entries.csv");
    let ledger = Ledger::from_entries(read_file(&path, Role::Entries)?.entries)?;
    println!("{} dated events\n", ledger.len());

    for claim in CLAIMS {
        println!("claim: {claim}");
        // A claim that does not parse says where: `column N, field F: what; how to fix`.
        if let Err(e) = parse_claim(claim) {
            println!("refused:");
            print_indented(&e.to_string());
            continue;
        }
        match ledger.check_claims(&[claim]) {
            Ok(()) => println!("holds\n"),
            Err(failed) => {
                println!("does not hold:");
                print_indented(&failed.to_string());
            }
        }
    }
    Ok(())
}

/// Prints a message indented by two spaces, then an empty line.
fn print_indented(message: &str) {
    for line in message.lines() {
        if line.is_empty() { println!() } else { println!("  {line}") }
    }
    println!();
}
