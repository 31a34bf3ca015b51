//! The parsers of decimals, dates, periods, quantities, units, keys, qualifiers and modes, and
//! their display round trips.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| relief_ledger_fuzz::ops::parse_input(data));
