//! Entries and reports built from values (extreme decimals and dates likely), then the ledger's
//! operations and verification, with totals checked against a plain sum.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relief_ledger_fuzz::BuildInput;

fuzz_target!(|input: BuildInput| relief_ledger_fuzz::ops::build(&input.entries, &input.reports, input.keys));
