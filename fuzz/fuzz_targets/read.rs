//! Every reader, in every format and role, one file or two through a loader; then the round trip
//! through every writer and the ledger's operations. See `ops::read_input` for the input's layout.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| relief_ledger_fuzz::ops::read_input(data));
