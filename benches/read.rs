//! Reading entries: CSV (parsed on every core), JSON Lines, and a whole ledger through the Loader.
//!
//! The end-to-end figures for the 97 MB file of `../shared/bench/gen_entries.py` are measured on the
//! command line (see the README); this bench keeps the reading path itself under watch.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relief_ledger::{Format, Loader, Role, read, write};
use std::hint::black_box;

const N: usize = 200_000;

fn bench(c: &mut Criterion) {
    let entries = common::entries(N, 30_315_238);
    let mut csv = Vec::new();
    write(&mut csv, Format::Csv, &entries, &[]).unwrap();
    let mut jsonl = Vec::new();
    write(&mut jsonl, Format::Jsonl, &entries, &[]).unwrap();
    drop(entries);

    let mut g = c.benchmark_group("read");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("csv/200k", |b| {
        b.iter(|| black_box(read(&csv[..], "bench.csv", Format::Csv, Role::Entries).unwrap().entries.len()))
    });
    g.bench_function("csv-to-ledger/200k", |b| {
        b.iter(|| {
            let mut loader = Loader::new();
            loader.read(&csv[..], "bench.csv", Format::Csv, Role::Entries);
            black_box(loader.finish().unwrap().0.len())
        })
    });
    g.throughput(Throughput::Bytes(jsonl.len() as u64));
    g.bench_function("jsonl/200k", |b| {
        b.iter(|| black_box(read(&jsonl[..], "bench.jsonl", Format::Jsonl, Role::Entries).unwrap().entries.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
