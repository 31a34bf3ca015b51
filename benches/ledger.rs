//! Loading a `Ledger` of 1,000,000 entries from CSV, and the bytes it holds per entry.
//!
//! The input is `../shared/bench/gen_entries.py 1000000 DIR --reports 10000` (the file of the scale
//! figures; set `RELIEF_LEDGER_ENTRIES` to use another file), or, without Python, the same number
//! of entries from the benches' own seeded generator written as CSV. Target on a 2-core machine
//! (issue 12): at most 0.25 s to load, at most 64 bytes an entry.
//!
//! Bytes per entry come from the ledger's own accounting (`Ledger::heap_bytes`: the capacities of
//! its arrays and tables, hash tables by their buckets), printed once before the timings.
//!
//! A load in this loop is not a load in a fresh process. Between loads glibc keeps or gives back
//! freed memory by thresholds it moves itself (a freed mapping of up to 32 MB raises them), and
//! a page made again costs about 2 µs here. At 1M entries the reader threads free some 26 MB of
//! rows each: glibc keeps them while the largest array freed in a load is the 16 MB of id hashes,
//! and gave them back when a change made that array 8 MB, which slowed this figure by 10 to 20 %.
//! Compare builds run in turn, and count page faults.

mod common;

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use relief_ledger::{Format, Ledger, Loader, Role, read, write};
use std::hint::black_box;

const N: usize = 1_000_000;

/// The entries CSV: generated once into the temporary directory, then reused.
fn input() -> PathBuf {
    if let Some(path) = std::env::var_os("RELIEF_LEDGER_ENTRIES") {
        return PathBuf::from(path);
    }
    let dir = std::env::temp_dir().join("relief-ledger-bench-ledger");
    let path = dir.join(format!("entries_{N}.csv"));
    if path.exists() {
        return path;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_entries.py");
    let generated = std::process::Command::new("python3")
        .arg(&script)
        .arg(N.to_string())
        .arg(&dir)
        .args(["--reports", "10000"])
        .status()
        .is_ok_and(|s| s.success());
    if !generated {
        std::fs::create_dir_all(&dir).unwrap();
        let mut csv = Vec::new();
        write(&mut csv, Format::Csv, &common::entries(N, 30_315_238), &[]).unwrap();
        std::fs::write(&path, csv).unwrap();
    }
    path
}

fn load(csv: &[u8]) -> Ledger {
    let mut loader = Loader::new();
    loader.read(csv, "entries.csv", Format::Csv, Role::Entries);
    loader.finish().unwrap().0
}

fn bench(c: &mut Criterion) {
    let csv = std::fs::read(input()).unwrap();
    let ledger = load(&csv);
    let bytes = ledger.heap_bytes();
    println!(
        "ledger/bytes-per-entry/1M: {:.1} bytes an entry ({} bytes for {} entries, from Ledger::heap_bytes)",
        bytes as f64 / ledger.len() as f64,
        bytes,
        ledger.len()
    );
    drop(ledger);

    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("load-csv/1M", |b| b.iter(|| black_box(load(&csv).len())));
    // The ledger's own part of loading: rows made from entries already read.
    let entries = read(&csv[..], "entries.csv", Format::Csv, Role::Entries).unwrap().entries;
    g.bench_function("insert-entries/1M", |b| {
        b.iter_batched(
            || entries.clone(),
            |entries| black_box(Ledger::from_entries(entries).unwrap().len()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
