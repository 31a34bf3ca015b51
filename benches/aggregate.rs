//! Aggregation and verification over 1,000,000 in-memory entries.
//!
//! Targets on a 2-core machine: grouping in under 50 ms; verifying 10,000 reports in under 1 s.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use relief_ledger::{Key, Ledger, Scope};
use std::hint::black_box;

const N: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let ledger = Ledger::from_entries(common::entries(N, 30_315_238)).unwrap();
    let reports = common::reports(10_000, 30_315_238);
    let mut g = c.benchmark_group("aggregate");
    g.sample_size(20);
    g.bench_function("group-kind-to/1M", |b| {
        b.iter(|| black_box(ledger.group(&Scope::all(), &[Key::Kind, Key::To]).unwrap().len()))
    });
    g.bench_function("group-month/1M", |b| {
        b.iter(|| black_box(ledger.group(&Scope::all(), &[Key::Month]).unwrap().len()))
    });
    g.bench_function("totals/1M", |b| b.iter(|| black_box(ledger.totals(&Scope::all()).unwrap())));
    g.finish();
    let mut g = c.benchmark_group("verify");
    g.sample_size(10);
    g.bench_function("10k-reports/1M", |b| b.iter(|| black_box(ledger.verify(&reports).unwrap().outcomes().len())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
