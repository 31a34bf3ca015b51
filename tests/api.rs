//! The public API as a dependent crate sees it (issue 8 items 2 and 4): extreme decimals and dates
//! fed to every public constructor and operation return values or errors, never a panic; invalid
//! dates are not representable; every enum's text round-trips; the conventions a Rust user expects.

use std::collections::BTreeSet;

use proptest::prelude::*;
use relief_ledger::chrono::NaiveDate;
use relief_ledger::rust_decimal::Decimal;
use relief_ledger::{
    Category, Dimension, Entry, Format, Key, KeyValue, Kind, Ledger, Mode, PartialDate, Period, Precision, Qualifier,
    Quantity, Report, Role, Scope, Status, Step, Totals, Unit, chart_svg,
};

/// Decimals at the edges: the largest and smallest, 28 places, zero, one, and arbitrary ones.
fn extreme_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        Just(Decimal::ONE),
        Just(Decimal::NEGATIVE_ONE),
        Just(Decimal::new(1, 28)),
        Just(Decimal::new(-1, 28)),
        Just(Decimal::from_i128_with_scale(i128::from(i64::MAX), 28)),
        Just(Decimal::MAX - Decimal::ONE),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<[u32; 3]>(), any::<bool>(), 0u32..=28)
            .prop_map(|([lo, mid, hi], neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
    ]
}

/// Dates at the edges of what chrono holds, and ordinary ones.
fn extreme_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (-262_144i32..=262_143, 1u32..=12, 1u32..=31)
            .prop_filter_map("a day", |(y, m, d)| { NaiveDate::from_ymd_opt(y, m, d) }),
        (1990i32..2030, 1u32..=366).prop_filter_map("a day", |(y, d)| NaiveDate::from_yo_opt(y, d)),
    ]
}

fn extreme_year() -> impl Strategy<Value = i32> {
    prop_oneof![
        Just(i32::MIN),
        Just(i32::MAX),
        Just(NaiveDate::MIN.year_value()),
        Just(NaiveDate::MAX.year_value()),
        Just(NaiveDate::MIN.year_value() - 1),
        Just(NaiveDate::MAX.year_value() + 1),
        -262_145i32..=262_144,
        any::<i32>(),
    ]
}

trait YearValue {
    fn year_value(&self) -> i32;
}

impl YearValue for NaiveDate {
    fn year_value(&self) -> i32 {
        relief_ledger::chrono::Datelike::year(self)
    }
}

fn extreme_partial() -> impl Strategy<Value = PartialDate> {
    prop_oneof![
        extreme_date().prop_map(PartialDate::day),
        (extreme_year(), 0u32..=13).prop_filter_map("a month", |(y, m)| PartialDate::month(y, m).ok()),
        extreme_year().prop_filter_map("a year", |y| PartialDate::year(y).ok()),
    ]
}

fn any_unit() -> impl Strategy<Value = Unit> {
    prop::sample::select(Unit::ALL.to_vec())
}

fn any_kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

fn any_qualifier() -> impl Strategy<Value = Qualifier> {
    prop::sample::select(Qualifier::ALL.to_vec())
}

/// An entry of `kind` with the parties it needs, or the builder's error.
fn entry(kind: Kind, date: NaiveDate, q: Quantity, n: usize) -> Option<Entry> {
    Entry::builder(kind, date, q).id(format!("e{n}")).from("AZE").to("ARM").build().ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn quantities_never_panic(v in extreme_decimal(), w in extreme_decimal(), a in any_unit(), b in any_unit()) {
        if let (Ok(x), Ok(y)) = (Quantity::new(v, a), Quantity::new(w, b)) {
            let _ = x.to_unit(b);
            let _ = x.canonical();
            let _ = x.checked_add(&y);
            let _ = x.to_string().parse::<Quantity>();
            let mut totals = Totals::new();
            let _ = totals.add(&x);
            let _ = totals.add(&y);
            let _ = totals.quantities();
            let _ = totals.in_unit(a);
            let _ = totals.to_string();
            let _ = serde_json::to_string(&totals);
            let json = serde_json::to_string(&x);
            prop_assert!(json.is_ok());
            if let Ok(json) = json {
                prop_assert_eq!(serde_json::from_str::<Quantity>(&json).ok(), Some(x));
            }
        }
    }

    #[test]
    fn intervals_never_panic(q in any_qualifier(), v in extreme_decimal(), t in prop::option::of(extreme_decimal())) {
        let i = q.interval(v, t);
        let _ = q.checked_interval(v, t);
        let _ = i.locate(v);
        prop_assert_eq!(i.to_string().parse().ok(), Some(i));
    }

    #[test]
    fn partial_dates_are_valid_spans(y in extreme_year(), m in 0u32..=13, d in extreme_date()) {
        for date in [PartialDate::year(y), PartialDate::month(y, m), Ok(PartialDate::day(d))].into_iter().flatten() {
            prop_assert!(date.first_day() <= date.last_day());
            prop_assert_eq!(PartialDate::try_from(date.precision()).ok(), Some(date));
            let p = Period::of(date);
            prop_assert!(p.contains(date.first_day()) && p.contains(date.last_day()));
            let _ = date.to_string().parse::<PartialDate>();
        }
        prop_assert_eq!(PartialDate::month(y, m).is_ok(), (1..=12).contains(&m) && PartialDate::year(y).is_ok());
    }

    #[test]
    fn periods_never_panic(a in prop::option::of(extreme_partial()), b in prop::option::of(extreme_partial()), d in extreme_date()) {
        if let Ok(p) = Period::from_bounds(a, b) {
            let _ = p.contains(d);
            let _ = p.intersect(&Period::from(d));
            let _ = p.to_string().parse::<Period>();
            let json = serde_json::to_string(&p).unwrap_or_default();
            prop_assert_eq!(serde_json::from_str::<Period>(&json).ok(), Some(p));
        }
    }

    #[test]
    fn ledgers_never_panic(
        values in prop::collection::vec((any_kind(), extreme_date(), extreme_decimal(), any_unit()), 0..6),
        reports in prop::collection::vec(
            (any_kind(), extreme_date(), extreme_decimal(), any_unit(), any_qualifier(),
             prop::option::of(extreme_decimal()), prop::option::of(extreme_partial()), prop::option::of(extreme_partial()), any::<bool>()),
            0..4,
        ),
        step in prop::sample::select(Step::ALL.to_vec()),
    ) {
        let mut ledger = Ledger::new();
        for (n, (kind, date, v, unit)) in values.into_iter().enumerate() {
            if let Some(e) = Quantity::new(v, unit).ok().and_then(|q| entry(kind, date, q, n)) {
                let _ = ledger.insert(e);
            }
        }
        let mut built = Vec::new();
        for (n, (kind, published, v, unit, qualifier, tolerance, since, until, fill)) in reports.into_iter().enumerate() {
            let Ok(q) = Quantity::new(v, unit) else { continue };
            let mut b = Report::builder(format!("r{n}"), published, kind, q).qualifier(qualifier);
            if let Some(t) = tolerance {
                b = b.tolerance(t);
            }
            if let Some(s) = since {
                b = b.since(s);
            }
            if let Some(u) = until {
                b = b.until(u);
            }
            if fill {
                b = b.mode(Mode::Fill);
            }
            if let Ok(r) = b.build() {
                let _ = r.interval();
                let _ = r.to_claim();
                let json = serde_json::to_string(&r).unwrap_or_default();
                let _ = serde_json::from_str::<Report>(&json);
                built.push(r);
            }
        }
        let all = Key::ALL;
        let _ = ledger.totals(&Scope::all());
        let _ = ledger.group(&Scope::all(), &all);
        if let Ok(series) = ledger.running(&Scope::all(), &[Key::Kind], step) {
            for unit in [Unit::Tonne, Unit::Persons, Unit::Hectare] {
                let _ = chart_svg(&series, unit, "t");
            }
        }
        if let Ok(v) = ledger.verify(&built) {
            for o in v.outcomes() {
                let _ = v.entries(o);
                let _ = v.explain(o);
                let _ = o.ledger_quantity();
                let _ = serde_json::to_string(o);
            }
            let _ = serde_json::to_string(&v);
        }
        for e in &ledger {
            let _ = serde_json::to_string(&e);
        }
    }
}

#[test]
fn an_impossible_month_is_not_representable() {
    // The input: month 13 of 2021, whose first day was year -262143.
    let err = PartialDate::month(2021, 13).unwrap_err().to_string();
    assert!(err.contains("months run 01 to 12"), "{err}");
    assert!(PartialDate::try_from(Precision::Month(2021, 13)).is_err());
    assert!(PartialDate::year(i32::MAX).is_err());
}

#[test]
fn a_figure_near_the_largest_decimal_is_an_error_or_verifies_without_panicking() {
    // The input: `about 79228162514264337593543950335` in a reports file. Its interval runs
    // past the largest decimal: the builder refuses it with a message.
    let build = |q: Qualifier| {
        Report::builder(
            "big",
            "2021-11-09".parse().unwrap(),
            Kind::Returnees,
            "79228162514264337593543950335 persons".parse().unwrap(),
        )
        .qualifier(q)
        .build()
    };
    let err = build(Qualifier::About).unwrap_err().to_string();
    assert!(err.contains("the largest a decimal holds"), "{err}");
    // An exact figure there has an interval a decimal holds, and verifies.
    let reports = [build(Qualifier::Exact).unwrap()];
    let ledger = Ledger::new();
    let v = ledger.verify(&reports).unwrap();
    assert_eq!(v.outcomes()[0].status(), Status::Short);
}

#[test]
fn partial_dates_order_by_first_day_then_length() {
    let set: BTreeSet<PartialDate> =
        ["2020", "2020-01", "2020-01-01", "2019-12-31", "2020-02"].iter().map(|s| s.parse().unwrap()).collect();
    let text: Vec<String> = set.iter().map(ToString::to_string).collect();
    assert_eq!(text, ["2019-12-31", "2020-01-01", "2020-01", "2020", "2020-02"]);
}

/// Every enum prints as it parses, and parses as it prints.
#[test]
fn every_enum_round_trips_through_its_text() {
    fn check<T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug>(all: &[T]) {
        for v in all {
            let text = v.to_string();
            assert_eq!(text.parse::<T>().ok().as_ref(), Some(v), "{text}");
        }
        assert!("not-a-name".parse::<T>().is_err());
    }
    check(&Status::ALL);
    check(&Step::ALL);
    check(&Role::ALL);
    check(&Kind::ALL);
    check(&Category::ALL);
    check(&Unit::ALL);
    check(&Dimension::ALL);
    check(&[Mode::Check, Mode::Fill]);
    check(&Qualifier::ALL);
    check(&Format::ALL);
    check(&Key::ALL);
}

#[test]
fn dates_come_from_chrono_and_ledgers_iterate_by_reference() {
    let day = NaiveDate::from_ymd_opt(2021, 4, 7).unwrap();
    let as_partial: PartialDate = day.into();
    assert_eq!(as_partial, PartialDate::day(day));
    let as_period: Period = day.into();
    assert_eq!(as_period, Period::of(PartialDate::day(day)));
    let quantity = Quantity::new(Decimal::from(145), Unit::Tonne).unwrap();
    let ledger = Ledger::from_entries([Entry::cargo(day, quantity).to("NKR").build().unwrap()]).unwrap();
    let mut n = 0;
    for e in &ledger {
        assert_eq!(e.date(), day);
        n += 1;
    }
    assert_eq!(n, 1);
    assert_eq!((&ledger).into_iter().len(), 1);
}

#[test]
fn key_values_compare_with_text_and_give_their_parts() {
    let ledger = Ledger::from_entries([Entry::cargo("2021-06-07".parse().unwrap(), "145 t".parse().unwrap())
        .category(Category::Humanitarian)
        .to("NKR")
        .build()
        .unwrap()])
    .unwrap();
    let keys = [Key::Kind, Key::Category, Key::To, Key::Via, Key::Month, Key::Quarter, Key::Year];
    let groups = ledger.group(&Scope::all(), &keys).unwrap();
    let k = groups[0].key();
    assert_eq!(k[0], "cargo");
    assert_eq!(k[0].kind(), Some(Kind::Cargo));
    assert_eq!(k[1], "humanitarian");
    assert_eq!(k[1].category(), Some(Category::Humanitarian));
    assert_eq!(k[2], "NKR");
    assert_eq!("NKR", k[2]);
    assert_ne!(k[2], "ARM");
    assert_eq!(k[2].text(), Some("NKR"));
    assert_eq!(k[3], "");
    assert_eq!(k[3].text(), None);
    assert_eq!((k[4].year(), k[4].month()), (Some(2021), Some(6)));
    assert_eq!(k[4], "2021-06");
    assert_eq!(k[5].quarter(), Some(2));
    assert_eq!(k[5], "2021-Q2");
    assert_eq!(k[6], "2021");
    assert_eq!(k[6], KeyValue::Year(2021));
}

#[test]
fn quantity_equality_is_by_unit_and_value() {
    let q = |s: &str| s.parse::<Quantity>().unwrap();
    assert_eq!(q("1.5 t"), q("1.50 t"));
    assert_ne!(q("1.5 t"), q("1500 kg"));
    assert_eq!(q("1.5 t").canonical().unwrap(), q("1500 kg").canonical().unwrap());
}

#[test]
fn outcomes_give_their_figures_as_quantities() {
    let ledger =
        Ledger::from_entries([Entry::detainee_transfer("2020-12-14".parse().unwrap(), "44 persons".parse().unwrap())
            .from("AZE")
            .to("ARM")
            .build()
            .unwrap()])
        .unwrap();
    let claims =
        relief_ledger::parse_claims(["exact 50 persons detainee-transfer to=ARM until=2020-12-31 id=arm mode=fill"])
            .unwrap();
    let v = ledger.verify(&claims).unwrap();
    let o = &v.outcomes()[0];
    assert_eq!(o.report_id(), "arm");
    assert_eq!(o.report_index(), Some(0));
    assert_eq!(o.reported(), claims[0].value());
    assert_eq!(o.ledger_quantity(), Quantity::new(Decimal::from(44), Unit::Persons).unwrap());
    assert_eq!(o.filled_quantity(), Some(Quantity::new(Decimal::from(6), Unit::Persons).unwrap()));
    assert_eq!(o.difference(), Decimal::from(-6));
    assert_eq!(v.report(o).map(Report::id), Some("arm"));
    // An outcome of another verification is not this one's: no panic, no report.
    let other_claims = relief_ledger::parse_claims(["exact 1 persons returnees until=2021-01-01 id=zzz"]).unwrap();
    let other = ledger.verify(&other_claims).unwrap();
    assert!(v.report(&other.outcomes()[0]).is_none());
}
