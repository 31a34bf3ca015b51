//! What the tests that run the `relief-ledger` binary share: running it, reading what it printed,
//! the seed's files and scratch folders. Each test file uses what it needs of these.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_relief-ledger");
pub const SEED_ENTRIES: &str = "examples/data/karabakh-2021/entries.csv";
pub const SEED_REPORTS: &str = "examples/data/karabakh-2021/reports.csv";

/// Runs the binary in `dir`, without colour.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("the binary runs")
}

/// Runs the binary in the crate's folder, where the seed's files are.
pub fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 errors")
}

/// A fresh, empty folder under the system's temporary directory, named for the test file.
pub fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "relief-ledger-{}-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// The rows of a CSV text, header included.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.expect("a CSV record").iter().map(String::from).collect()).collect()
}
