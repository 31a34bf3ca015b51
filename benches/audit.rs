//! The audit of 1,000,000 in-memory entries and 10,000 reports.
//!
//! Target (issue 9): one audit, end to end with reading the files, in under 1 s on a 2-core machine;
//! the audit alone is what this bench times.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use relief_ledger::{AuditOptions, Ledger};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let ledger = Ledger::from_entries(common::entries(1_000_000, 30_315_238)).unwrap();
    let reports = common::reports(10_000, 30_315_238);
    let small = Ledger::from_entries(common::entries(10_000, 30_315_238)).unwrap();
    let options = AuditOptions::default();
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.bench_function("10k-entries/1k-reports", |b| {
        b.iter(|| black_box(small.audit(&reports[..1_000], &options).findings().len()))
    });
    g.bench_function("1M-entries/10k-reports", |b| {
        b.iter(|| black_box(ledger.audit(&reports, &options).findings().len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
