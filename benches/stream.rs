//! The streaming fold: `report --by kind,to` and a reduced ledger over generated entries, against
//! loading a ledger and grouping it.

use criterion::{Criterion, criterion_group, criterion_main};
use relief_ledger::stream::Fold;
use relief_ledger::{Format, Key, Loader, Role, Scope};

fn entries(n: usize) -> String {
    let parties = ["ARM", "AZE", "NKR", "RUS", "GEO"];
    let mut s = String::from("id,date,kind,category,quantity,unit,to\n");
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let to = parties[i % parties.len()];
        s.push_str(&format!("e{i},2021-{month:02}-{day:02},cargo,food,{}.{},t,{to}\n", i % 400, i % 1000));
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = entries(200_000);
    let keys = [Key::Kind, Key::To];
    let mut g = c.benchmark_group("stream/200k");
    g.sample_size(10);
    g.bench_function("group/fold", |b| {
        b.iter(|| {
            let mut fold = Fold::group(&Scope::all(), &keys);
            fold.read(text.as_bytes(), "bench.csv", Format::Csv, Role::Any);
            fold.finish().map(|f| f.groups().len())
        })
    });
    g.bench_function("reduce/fold", |b| {
        b.iter(|| {
            let mut fold = Fold::reduce();
            fold.read(text.as_bytes(), "bench.csv", Format::Csv, Role::Any);
            fold.finish().map(|f| f.ledger().len())
        })
    });
    g.bench_function("group/ledger", |b| {
        b.iter(|| {
            let mut loader = Loader::new();
            loader.read(text.as_bytes(), "bench.csv", Format::Csv, Role::Any);
            loader.finish().and_then(|(l, _)| l.group(&Scope::all(), &keys).map(|g| g.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
