//! The audit of 1,000,000 in-memory entries and 10,000 reports.
//!
//! Target (issue 9): one audit, end to end with reading the files, in under 1 s on a 2-core machine.
//! `audit/1M-entries/10k-reports` times the audit of a ledger in memory; `audit/read-and-audit/...`
//! times it end to end from the CSV text of the same entries and reports (reading, checking, the
//! ledger, the audit; not the printing).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use relief_ledger::{AuditOptions, Format, Ledger, Loader, Role, write};
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
    let (mut entries_csv, mut reports_csv) = (Vec::new(), Vec::new());
    write(&mut entries_csv, Format::Csv, &ledger.iter_inserted().collect::<Vec<_>>(), &[]).unwrap();
    write(&mut reports_csv, Format::Csv, &[], &reports).unwrap();
    drop(ledger);
    g.bench_function("read-and-audit/1M-entries/10k-reports", |b| {
        b.iter(|| {
            let mut loader = Loader::new();
            loader.read(&entries_csv[..], "entries.csv", Format::Csv, Role::Entries);
            loader.read(&reports_csv[..], "reports.csv", Format::Csv, Role::Reports);
            let (ledger, reports) = loader.finish().unwrap();
            black_box(ledger.audit(&reports, &options).findings().len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
