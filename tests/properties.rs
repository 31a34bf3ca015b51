//! Invariants, with proptest: totals do not depend on entry order; groups sum to the ungrouped
//! total; unit conversions round-trip exactly; verification's index agrees with a plain scan.

use proptest::prelude::*;
use relief_ledger::{Dimension, Entry, Key, Kind, Ledger, Qualifier, Quantity, Report, Scope, Totals, Unit};
use rust_decimal::Decimal;

const PARTIES: [&str; 4] = ["ARM", "AZE", "NKR", "RUS"];

/// A cargo or demining entry with a random unit, day, recipient and region.
fn entry() -> impl Strategy<Value = Entry> {
    (0usize..2, 0usize..11, 1i64..1_000_000, 0u32..4, 0i64..800, 0usize..4, 0usize..3).prop_map(
        |(kind, unit, mantissa, scale, day, to, region)| {
            let kind = [Kind::Cargo, Kind::Demining][kind];
            let allowed: Vec<Unit> =
                Unit::ALL.into_iter().filter(|u| kind.dimensions().contains(&u.dimension())).collect();
            let unit = allowed[unit % allowed.len()];
            let value =
                if unit.dimension().is_count() { Decimal::from(mantissa) } else { Decimal::new(mantissa, scale) };
            let date = chrono::NaiveDate::from_ymd_opt(2020, 11, 1).unwrap() + chrono::Duration::days(day);
            Entry::builder(kind, date, Quantity::new(value, unit).unwrap())
                .from("RU-EMERCOM")
                .to(PARTIES[to])
                .region(["Aghdam", "Fuzuli", "Shusha"][region])
                .build()
                .unwrap()
        },
    )
}

fn totals_of(groups: &[relief_ledger::Group<'_>]) -> Totals {
    let mut sum = Totals::new();
    for g in groups {
        for q in g.totals().quantities().unwrap() {
            sum.add(&q).unwrap();
        }
    }
    sum
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn totals_do_not_depend_on_entry_order(entries in prop::collection::vec(entry(), 0..60), seed in any::<u64>()) {
        let forward = Ledger::from_entries(entries.clone()).unwrap();
        let mut shuffled = entries;
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let backward = Ledger::from_entries(shuffled).unwrap();
        prop_assert_eq!(forward.totals(&Scope::all()).unwrap(), backward.totals(&Scope::all()).unwrap());
        let keys = [Key::To, Key::Month];
        let a: Vec<_> = forward.group(&Scope::all(), &keys).unwrap().iter().map(|g| (g.key().to_vec(), *g.totals())).collect();
        let b: Vec<_> = backward.group(&Scope::all(), &keys).unwrap().iter().map(|g| (g.key().to_vec(), *g.totals())).collect();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn groups_sum_to_the_ungrouped_total(entries in prop::collection::vec(entry(), 0..60), k in 0usize..5) {
        let ledger = Ledger::from_entries(entries).unwrap();
        let keys: &[Key] = [&[Key::Kind][..], &[Key::To, Key::Region], &[Key::Month], &[Key::Quarter, Key::Kind], &[Key::Year]][k];
        let scope = Scope::all().period("2021".parse().unwrap());
        let groups = ledger.group(&scope, keys).unwrap();
        prop_assert_eq!(totals_of(&groups), ledger.totals(&scope).unwrap());
        let counted: usize = groups.iter().map(|g| g.entries().len()).sum();
        prop_assert_eq!(counted, ledger.select(&scope).count());
    }

    #[test]
    fn unit_conversions_round_trip_exactly(mantissa in -10_000_000_000i64..10_000_000_000, scale in 0u32..12, a in 0usize..11, b in 0usize..11) {
        let ua = Unit::ALL[a];
        let same: Vec<Unit> = Unit::ALL.into_iter().filter(|u| u.dimension() == ua.dimension()).collect();
        let ub = same[b % same.len()];
        let value = if ua.dimension().is_count() { Decimal::from(mantissa) } else { Decimal::new(mantissa, scale) };
        let q = Quantity::new(value, ua).unwrap();
        let there = q.to_unit(ub).unwrap();
        let back = there.to_unit(ua).unwrap();
        prop_assert_eq!(back.value(), value.normalize());
        prop_assert_eq!(back.unit(), ua);
    }

    #[test]
    fn verification_agrees_with_a_scan_of_the_scope(
        entries in prop::collection::vec(entry(), 1..80),
        to in prop::option::of(0usize..4),
        region in prop::option::of(0usize..3),
        since in 0i64..800,
        len in 0i64..400,
        unit in 0usize..11,
    ) {
        let ledger = Ledger::from_entries(entries).unwrap();
        let cargo_units: Vec<Unit> = Unit::ALL.into_iter().filter(|u| Kind::Cargo.dimensions().contains(&u.dimension())).collect();
        let unit = cargo_units[unit % cargo_units.len()];
        let start = chrono::NaiveDate::from_ymd_opt(2020, 11, 1).unwrap() + chrono::Duration::days(since);
        let end = start + chrono::Duration::days(len);
        let mut b = Report::builder("r", end, Kind::Cargo, Quantity::new(Decimal::ONE, unit).unwrap())
            .since(start.into())
            .qualifier(Qualifier::AtLeast);
        if let Some(t) = to { b = b.to(PARTIES[t]); }
        if let Some(r) = region { b = b.region(["Aghdam", "Fuzuli", "Shusha"][r]); }
        let reports = [b.build().unwrap()];
        let v = ledger.verify(&reports).unwrap();
        let outcome = &v.outcomes()[0];
        let mut scanned = Totals::new();
        let mut count = 0;
        for e in ledger.select(reports[0].scope()).filter(|e| e.quantity().dimension() == unit.dimension()) {
            scanned.add(&e.quantity()).unwrap();
            count += 1;
        }
        prop_assert_eq!(outcome.ledger(), scanned.in_unit(unit).unwrap().value());
        prop_assert_eq!(v.entries(outcome).len(), count);
    }
}

#[test]
fn dimensions_each_have_one_canonical_unit() {
    for d in Dimension::ALL {
        assert_eq!(d.canonical_unit().dimension(), d);
    }
}
