//! A dependent crate: its tests check published figures with `relief_ledger::assert_claims!`.
