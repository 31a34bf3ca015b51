//! A seeded generator of synthetic ledgers for the benchmarks, shaped like
//! `../shared/bench/gen_entries.py`: the same kinds, weights, units, parties and date span.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate};
use relief_ledger::{Category, Entry, Kind, Quantity, Report, Unit};
use rust_decimal::Decimal;

/// xorshift64*: small, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PROVIDERS: [&str; 8] = ["RU-EMERCOM", "RU-MOD", "ICRC", "UNHCR", "WFP", "UNICEF", "AZ-ANAMA", "HALO"];
const PARTIES: [&str; 5] = ["ARM", "AZE", "RUS", "NKR", "GEO"];
const REGIONS: [&str; 10] =
    ["Stepanakert", "Shusha", "Martuni", "Askeran", "Hadrut", "Aghdam", "Fuzuli", "Zangilan", "Kalbajar", "Lachin"];
const ITEMS: [&str; 6] = ["flour", "glass", "wood", "cement", "blankets", "medicines"];

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 11, 10).unwrap()
}

fn quantity(rng: &mut Rng, unit: Unit) -> Quantity {
    let value = match unit {
        Unit::Persons | Unit::Packages | Unit::Items => Decimal::from(rng.below(400) + 1),
        Unit::Tonne => Decimal::new(rng.below(400_000) as i64 + 1, 3),
        Unit::Kilogram => Decimal::from(rng.below(90_000) + 1),
        Unit::SquareMetre | Unit::Metre | Unit::CubicMetre => Decimal::new(rng.below(500_000) as i64 + 1, 1),
        _ => Decimal::new(rng.below(20_000) as i64 + 1, 2),
    };
    Quantity::new(value, unit).unwrap()
}

/// `n` valid entries over 2020-11-10 .. 2024-12-30.
pub fn entries(n: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let roll = rng.below(100);
            let kind = match roll {
                0..55 => Kind::Cargo,
                55..70 => Kind::Returnees,
                70..75 => Kind::DetaineeTransfer,
                75..79 => Kind::RemainsTransfer,
                79..80 => Kind::MinefieldMaps,
                _ => Kind::Demining,
            };
            let category = kind.categories().get(rng.below(kind.categories().len().max(1) as u64) as usize).copied();
            let unit = match (kind, category) {
                (Kind::Cargo, _) => {
                    *rng.pick(&[Unit::Tonne, Unit::Tonne, Unit::Kilogram, Unit::CubicMetre, Unit::SquareMetre])
                }
                (Kind::Demining, Some(Category::AreaCleared)) => *rng.pick(&[Unit::Hectare, Unit::SquareMetre]),
                (Kind::Demining, Some(Category::RoadsChecked)) => *rng.pick(&[Unit::Kilometre, Unit::Metre]),
                (Kind::Demining, _) => Unit::Items,
                (Kind::MinefieldMaps, _) => Unit::Packages,
                _ => Unit::Persons,
            };
            let date = start() + Duration::days(rng.below(1512) as i64);
            let (from, to) = match kind {
                Kind::Cargo | Kind::Demining => (*rng.pick(&PROVIDERS), *rng.pick(&PARTIES)),
                _ => *rng.pick(&[("ARM", "AZE"), ("AZE", "ARM")]),
            };
            let mut b = Entry::builder(kind, date, quantity(&mut rng, unit))
                .id(format!("e{}", i + 1))
                .from(from)
                .to(to)
                .region(*rng.pick(&REGIONS))
                .source(format!("synthetic bulletin {}", i % 997));
            if let Some(c) = category {
                b = b.category(c);
            }
            if kind == Kind::Cargo && rng.below(2) == 0 {
                b = b.item(*rng.pick(&ITEMS));
            }
            if rng.below(4) == 0 {
                b = b.via("RU-PKF");
            }
            b.build().unwrap()
        })
        .collect()
}

/// `n` check reports scoped like the Python generator's: kind, category, recipient and one year.
pub fn reports(n: usize, seed: u64) -> Vec<Report> {
    let mut rng = Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|j| {
            let kind = *rng.pick(&Kind::ALL);
            let year = 2020 + rng.below(5) as i32;
            let unit = *rng.pick(kind.dimensions());
            let value = Quantity::new(Decimal::from(rng.below(100_000)), unit.canonical_unit()).unwrap();
            let mut b =
                Report::builder(format!("r{}", j + 1), NaiveDate::from_ymd_opt(year + 1, 1, 15).unwrap(), kind, value)
                    .to(*rng.pick(&PARTIES))
                    .since(relief_ledger::PartialDate::year(year).unwrap())
                    .until(relief_ledger::PartialDate::year(year).unwrap())
                    .qualifier(*rng.pick(&[relief_ledger::Qualifier::AtLeast, relief_ledger::Qualifier::AtMost]));
            if let Some(c) = kind.categories().first() {
                b = b.category(*rng.pick(kind.categories()).max(c));
            }
            b.build().unwrap()
        })
        .collect()
}
