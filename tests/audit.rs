//! `Ledger::audit`: each rule at its edges, the public figures of the seed's operation, findings
//! that do not depend on the order of entries or reports, and no panic on extreme figures.

use proptest::prelude::*;
use relief_ledger::{
    Audit, AuditOptions, Code, Entry, Kind, Ledger, Loader, Mode, Report, Role, Severity, parse_claim,
};

fn returnees(id: &str, date: &str, n: u32) -> Entry {
    Entry::returnees(date.parse().unwrap(), format!("{n} persons").parse().unwrap())
        .id(id)
        .from("ARM")
        .to("NKR")
        .source("test")
        .build()
        .unwrap()
}

fn cargo(id: &str, date: &str, t: &str) -> Entry {
    Entry::cargo(date.parse().unwrap(), format!("{t} t").parse().unwrap())
        .id(id)
        .from("RU-EMERCOM")
        .to("NKR")
        .source("test")
        .build()
        .unwrap()
}

/// A report from a claim, with a source so that `no-source` stays quiet.
fn claim(text: &str) -> Report {
    parse_claim(&format!("{text} source=test")).unwrap()
}

fn audit(entries: Vec<Entry>, reports: &[Report]) -> Audit {
    Ledger::from_entries(entries).unwrap().audit(reports, &AuditOptions::default())
}

/// The findings of one code, each as its (reports, entries) ids.
fn found(a: &Audit, code: Code) -> Vec<(Vec<String>, Vec<String>)> {
    a.of(code).map(|f| (f.reports().to_vec(), f.entries().to_vec())).collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

// duplicate-event

#[test]
fn entries_exactly_the_window_apart_are_one_event_and_one_day_more_are_two() {
    let two = audit(vec![returnees("a", "2021-01-10", 87), returnees("b", "2021-01-12", 87)], &[]);
    assert_eq!(found(&two, Code::DuplicateEvent), vec![(vec![], ids(&["a", "b"]))]);
    let three = audit(vec![returnees("a", "2021-01-10", 87), returnees("b", "2021-01-13", 87)], &[]);
    assert!(found(&three, Code::DuplicateEvent).is_empty());
    let wider = Ledger::from_entries([returnees("a", "2021-01-10", 87), returnees("b", "2021-01-13", 87)])
        .unwrap()
        .audit(&[], &AuditOptions::new().window(3));
    assert_eq!(found(&wider, Code::DuplicateEvent), vec![(vec![], ids(&["a", "b"]))]);
}

#[test]
fn linked_entries_make_one_finding_and_different_figures_or_parties_none() {
    let a = audit(
        vec![
            returnees("a", "2021-01-10", 87),
            returnees("b", "2021-01-12", 87),
            returnees("c", "2021-01-14", 87),
            returnees("d", "2021-01-12", 88),
            Entry::returnees("2021-01-12".parse().unwrap(), "87 persons".parse().unwrap())
                .id("e")
                .to("AZE")
                .source("test")
                .build()
                .unwrap(),
        ],
        &[],
    );
    assert_eq!(found(&a, Code::DuplicateEvent), vec![(vec![], ids(&["a", "b", "c"]))]);
    assert_eq!(a.findings()[0].severity(), Severity::Warning);
}

#[test]
fn quantities_compare_in_canonical_units() {
    let kg = Entry::cargo("2021-04-08".parse().unwrap(), "145000 kg".parse().unwrap())
        .id("kg")
        .from("RU-EMERCOM")
        .to("NKR")
        .source("test")
        .build()
        .unwrap();
    let a = audit(vec![cargo("t", "2021-04-07", "145"), kg], &[]);
    assert_eq!(found(&a, Code::DuplicateEvent), vec![(vec![], ids(&["kg", "t"]))]);
}

// contradiction

#[test]
fn a_narrower_figure_above_a_broader_one_contradicts_it_and_touching_closed_bounds_do_not() {
    let broad = claim("at-most 100 persons returnees since=2021-01-01 until=2021-01-31 id=broad");
    let equal = claim("exact 100 persons returnees to=NKR since=2021-01-10 until=2021-01-20 id=equal");
    assert!(found(&audit(vec![], &[broad.clone(), equal]), Code::Contradiction).is_empty());
    let open = claim("more-than 100 persons returnees to=NKR since=2021-01-10 until=2021-01-20 id=open");
    let a = audit(vec![], &[broad.clone(), open]);
    assert_eq!(found(&a, Code::Contradiction), vec![(ids(&["broad", "open"]), vec![])]);
    assert_eq!(a.findings()[0].severity(), Severity::Error);
    let above = claim("exact 101 persons returnees to=NKR since=2021-01-10 until=2021-01-20 id=above");
    assert_eq!(found(&audit(vec![], &[above.clone(), broad.clone()]), Code::Contradiction).len(), 1);
    // A period that is not covered, or a scope that is not contained, is no contradiction.
    let later = claim("exact 101 persons returnees to=NKR since=2021-01-10 until=2021-02-20 id=later");
    assert!(found(&audit(vec![], &[later, broad.clone()]), Code::Contradiction).is_empty());
    let other = claim("at-most 100 persons returnees to=AZE since=2021-01-01 until=2021-01-31 id=other");
    assert!(found(&audit(vec![], &[above, other]), Code::Contradiction).is_empty());
}

#[test]
fn a_running_total_that_falls_is_a_contradiction_that_says_so() {
    let first = claim("exact 50658 persons returnees since=2020-11-14 until=2021-01-24 id=first");
    let second = claim("exact 50390 persons returnees since=2020-11-14 until=2021-01-30 id=second");
    let a = audit(vec![], &[second, first]);
    let f: Vec<_> = a.of(Code::Contradiction).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].reports(), ids(&["first", "second"]));
    assert!(f[0].message().contains("falls"), "{}", f[0].message());
}

// parts-exceed-whole

#[test]
fn parts_that_add_up_to_the_whole_are_fine_and_one_more_exceeds_it() {
    let whole = claim("exact 122 persons detainee-transfer since=2020-12-02 until=2021-11-09 id=whole");
    let arm = claim("exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=arm");
    let aze = claim("exact 17 persons detainee-transfer to=AZE since=2020-12-02 until=2021-11-09 id=aze");
    let aze18 = claim("exact 18 persons detainee-transfer to=AZE since=2020-12-02 until=2021-11-09 id=aze18");
    assert!(found(&audit(vec![], &[whole.clone(), arm.clone(), aze]), Code::PartsExceedWhole).is_empty());
    let a = audit(vec![], &[whole.clone(), arm.clone(), aze18.clone()]);
    assert_eq!(found(&a, Code::PartsExceedWhole), vec![(ids(&["arm", "aze18", "whole"]), vec![])]);
    // Of two parts for one value, the larger lower bound is taken.
    let arm100 = claim("exact 100 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=arm100");
    let a = audit(vec![], &[whole.clone(), arm100, arm, aze18.clone()]);
    assert_eq!(found(&a, Code::PartsExceedWhole), vec![(ids(&["arm", "aze18", "whole"]), vec![])]);
    // One value of the field is no split.
    assert!(found(&audit(vec![], &[whole, aze18]), Code::PartsExceedWhole).is_empty());
}

#[test]
fn parts_equal_to_the_whole_exceed_it_where_a_bound_is_open() {
    let whole = claim("exact 122 persons detainee-transfer since=2020-12-02 until=2021-11-09 id=whole");
    let arm = claim("more-than 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=arm");
    let aze = claim("exact 17 persons detainee-transfer to=AZE since=2020-12-02 until=2021-11-09 id=aze");
    let a = audit(vec![], &[whole, arm, aze.clone()]);
    assert_eq!(found(&a, Code::PartsExceedWhole), vec![(ids(&["arm", "aze", "whole"]), vec![])]);
    let open_whole = claim("nearly 123 persons detainee-transfer since=2020-12-02 until=2021-11-09 id=nearly");
    let arm = claim("exact 106 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=arm");
    // nearly 123: [122, 123); 106 + 17 = 123 touches the open end.
    assert_eq!(found(&audit(vec![], &[open_whole, arm, aze]), Code::PartsExceedWhole).len(), 1);
}

// rise-exceeded, rise-unexplained

fn totals(first: &str, second: &str) -> Vec<Report> {
    vec![
        claim(&format!("{first} persons returnees since=2021-01-01 until=2021-01-10 id=a")),
        claim(&format!("{second} persons returnees since=2021-01-01 until=2021-01-20 id=b")),
    ]
}

#[test]
fn a_rise_explained_by_the_entries_between_is_no_finding() {
    let a = audit(vec![returnees("e1", "2021-01-11", 20), returnees("e2", "2021-01-20", 30)], &totals("100", "150"));
    assert!(found(&a, Code::RiseUnexplained).is_empty());
    assert!(found(&a, Code::RiseExceeded).is_empty());
}

#[test]
fn a_rise_larger_than_the_entries_is_unexplained_and_says_by_how_much() {
    // The entry on the first report's last day is already in it; the one on the second's is counted.
    let a = audit(vec![returnees("e0", "2021-01-10", 5), returnees("e2", "2021-01-20", 30)], &totals("100", "150"));
    let f: Vec<_> = a.of(Code::RiseUnexplained).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].reports(), ids(&["a", "b"]));
    assert_eq!(f[0].entries(), ids(&["e2"]));
    assert!(f[0].message().starts_with("20 persons unexplained"), "{}", f[0].message());
    assert_eq!(f[0].severity(), Severity::Note);
}

#[test]
fn a_rise_smaller_than_the_entries_is_exceeded_unless_a_bound_is_open_ended() {
    let entries = || vec![returnees("e1", "2021-01-11", 31), returnees("e2", "2021-01-20", 30)];
    let a = audit(entries(), &totals("100", "150"));
    assert_eq!(found(&a, Code::RiseExceeded), vec![(ids(&["a", "b"]), ids(&["e1", "e2"]))]);
    // Open bounds are taken as closed: more than 100 still allows a rise of at most 50.
    assert_eq!(found(&audit(entries(), &totals("more-than 100", "150")), Code::RiseExceeded).len(), 1);
    assert!(found(&audit(entries(), &totals("100", "at-least 150")), Code::RiseExceeded).is_empty());
}

#[test]
fn reports_ending_on_one_day_are_each_paired_with_each_of_the_next_end() {
    let reports = vec![
        claim("exact 100 persons returnees since=2021-01-01 until=2021-01-10 id=a1"),
        claim("exact 90 persons returnees since=2021-01-01 until=2021-01-10 id=a2"),
        claim("exact 150 persons returnees since=2021-01-01 until=2021-01-20 id=b"),
        claim("exact 500 persons returnees since=2021-01-01 until=2021-01-30 id=c"),
    ];
    let a = audit(vec![returnees("e1", "2021-01-15", 50)], &reports);
    let mut pairs: Vec<Vec<String>> = a.of(Code::RiseUnexplained).map(|f| f.reports().to_vec()).collect();
    pairs.sort();
    // a1 -> b: 50 explained; a2 -> b: 10 unexplained; b -> c: 350 unexplained; never a -> c.
    assert_eq!(pairs, vec![ids(&["a2", "b"]), ids(&["b", "c"])]);
}

// outlier

#[test]
fn four_entries_are_no_group_and_five_are() {
    let four: Vec<Entry> =
        ["10", "10", "10", "200"].iter().enumerate().map(|(i, t)| cargo(&format!("c{i}"), "2021-04-01", t)).collect();
    assert!(found(&audit(four, &[]), Code::Outlier).is_empty());
    let five: Vec<Entry> = ["10", "11", "12", "13", "200"]
        .iter()
        .enumerate()
        .map(|(i, t)| cargo(&format!("c{i}"), &format!("2021-0{}-01", i + 1), t))
        .collect();
    assert_eq!(found(&audit(five, &[]), Code::Outlier), vec![(vec![], ids(&["c4"]))]);
}

#[test]
fn exactly_ten_times_or_a_tenth_of_the_lower_median_is_no_outlier() {
    // Six entries: the lower median is the third of the sorted figures, 10.
    let make = |figs: [&str; 6]| -> Vec<Entry> {
        figs.iter().enumerate().map(|(i, t)| cargo(&format!("c{i}"), &format!("2021-0{}-01", i + 1), t)).collect()
    };
    assert!(found(&audit(make(["1", "10", "10", "20", "20", "100"]), &[]), Code::Outlier).is_empty());
    let a = audit(make(["0.99", "10", "10", "20", "20", "100.01"]), &[]);
    assert_eq!(found(&a, Code::Outlier), vec![(vec![], ids(&["c0"])), (vec![], ids(&["c5"]))]);
}

// mostly-unexplained

#[test]
fn a_fill_of_exactly_half_is_no_finding_and_more_is() {
    let fill = |v: &str| {
        vec![
            Report::builder(
                "r",
                "2021-01-31".parse().unwrap(),
                Kind::Returnees,
                format!("{v} persons").parse().unwrap(),
            )
            .since("2021-01-01".parse().unwrap())
            .mode(Mode::Fill)
            .source("test")
            .build()
            .unwrap(),
        ]
    };
    assert!(found(&audit(vec![returnees("e", "2021-01-15", 50)], &fill("100")), Code::MostlyUnexplained).is_empty());
    let a = audit(vec![returnees("e", "2021-01-15", 50)], &fill("101"));
    assert_eq!(found(&a, Code::MostlyUnexplained), vec![(ids(&["r"]), vec![])]);
}

/// A fill that cannot be computed (the ledger's figure in its scope does not fit a decimal) makes
/// `verify` fail; the audit still takes the fills of the other reports, as `verify` computes them
/// without that one.
#[test]
fn a_fill_that_cannot_be_computed_leaves_the_others_found() {
    let max = "79228162514264337593543950335";
    let entries =
        vec![cargo("c1", "2021-01-05", max), cargo("c2", "2021-01-06", max), returnees("e", "2021-01-15", 50)];
    let report = |id: &str, until: &str, kind: Kind, value: &str| {
        Report::builder(id, until.parse().unwrap(), kind, value.parse().unwrap())
            .since("2021-01-01".parse().unwrap())
            .mode(Mode::Fill)
            .source("test")
            .build()
            .unwrap()
    };
    let reports = vec![
        // Applied first (its period ends first): two entries of the largest decimal each.
        report("overflows", "2021-01-20", Kind::Cargo, "100 t"),
        // 51 of 101 persons filled: more than half.
        report("half-unexplained", "2021-01-31", Kind::Returnees, "101 persons"),
        // 49 of 150 persons filled, after the fill above (100 without it: a finding).
        report("explained", "2021-02-28", Kind::Returnees, "150 persons"),
    ];
    let ledger = Ledger::from_entries(entries).unwrap();
    assert!(ledger.verify(&reports).is_err(), "the first fill must fail for this test to mean anything");
    let a = ledger.audit(&reports, &AuditOptions::default());
    assert_eq!(found(&a, Code::MostlyUnexplained), vec![(ids(&["half-unexplained"]), vec![])]);
}

// no-source

#[test]
fn records_without_a_source_make_one_finding_per_kind_of_record() {
    let bare = |id: &str| {
        Entry::returnees("2021-01-15".parse().unwrap(), "5 persons".parse().unwrap()).id(id).to("NKR").build().unwrap()
    };
    let report = parse_claim("exact 10 persons returnees until=2021-01-31 id=r").unwrap();
    let a = audit(vec![bare("x"), bare("y"), returnees("z", "2021-03-01", 7)], &[report]);
    assert_eq!(found(&a, Code::NoSource), vec![(vec![], ids(&["x", "y"])), (ids(&["r"]), vec![])]);
}

// the public figures

#[test]
fn the_public_figures_show_the_duplicated_exchange_and_the_unexplained_rise_and_nothing_false() {
    let mut loader = Loader::new();
    loader.read_path("tests/data/audit/public-entries.csv", Role::Entries);
    loader.read_path("tests/data/audit/public-reports.csv", Role::Reports);
    let (ledger, reports) = loader.finish().unwrap();
    let a = ledger.audit(&reports, &AuditOptions::default());
    assert_eq!(a.count(Severity::Error), 0, "{:#?}", a.findings());
    // The exchange of 2020-12-14, dated 2020-12-13 by one outlet.
    let warnings: Vec<_> = a.findings().iter().filter(|f| f.severity() == Severity::Warning).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].code(), Code::DuplicateEvent);
    assert_eq!(warnings[0].entries(), ids(&["dt-2020-12-13-arm", "dt-2020-12-14-arm"]));
    // 50,390 on 2021-01-22, 50,658 on 2021-01-24 with 137 arrivals: 131 unexplained.
    let rise = a
        .of(Code::RiseUnexplained)
        .find(|f| f.reports() == ids(&["pakistanpoint-2021-01-24", "urdupoint-2021-01-22"]))
        .expect("the rise of 2021-01-24");
    assert_eq!(rise.entries(), ids(&["rt-2021-01-24"]));
    assert!(rise.message().starts_with(&format!("{} persons unexplained", 50658 - 50390 - 137)), "{}", rise.message());
    // 122 returned = 105 + 17: the parts do not exceed their whole.
    assert_eq!(a.of(Code::PartsExceedWhole).count(), 0);
    assert_eq!(a.of(Code::NoSource).count(), 0);
}

#[test]
fn findings_serialize_with_code_severity_message_and_sorted_ids() {
    let a = audit(vec![returnees("b", "2021-01-12", 87), returnees("a", "2021-01-10", 87)], &[]);
    let json = serde_json::to_value(a.findings()).unwrap();
    assert_eq!(json[0]["code"], "duplicate-event");
    assert_eq!(json[0]["severity"], "warning");
    assert_eq!(json[0]["entries"], serde_json::json!(["a", "b"]));
    assert_eq!(json[0]["reports"], serde_json::json!([]));
    assert!(json[0]["message"].as_str().unwrap().contains("87 persons"));
    let options: AuditOptions =
        serde_json::from_str(&serde_json::to_string(&AuditOptions::new().window(5)).unwrap()).unwrap();
    assert_eq!(options.window_days(), 5);
}

// extremes

#[test]
fn extreme_figures_do_not_panic() {
    let max = "79228162514264337593543950335";
    let tiny = "0.0000000000000000000000000001";
    let mut entries = Vec::new();
    for (i, q) in [max, max, tiny, tiny, "1", max].iter().enumerate() {
        entries.push(cargo(&format!("c{i}"), "2021-04-01", q));
    }
    entries.push(
        Entry::cargo("2021-04-02".parse().unwrap(), format!("{max} kg").parse().unwrap())
            .id("kg")
            .to("NKR")
            .build()
            .unwrap(),
    );
    // Claims the crate refuses (an interval past the largest decimal) are left out; the others are audited.
    let reports: Vec<Report> = [
        format!("exact {max} t cargo since=2021-01-01 until=2021-04-01 id=a"),
        format!("exact {tiny} t cargo since=2021-01-01 until=2021-04-30 id=b"),
        format!("about {max} t cargo to=NKR since=2021-01-01 until=2021-04-30 id=c"),
        format!("exact {max} t cargo from=RU-EMERCOM since=2021-01-01 until=2021-04-30 id=d"),
        format!("more-than {max} t cargo from=X since=2021-01-01 until=2021-04-30 id=e"),
        format!("exact {max} t cargo to=NKR since=2021-01-01 until=2021-04-30 id=g"),
        format!("exact {max} t cargo to=ARM since=2021-01-01 until=2021-04-30 id=h"),
        format!("exact {max} t cargo since=2021-01-01 until=2021-05-30 mode=fill id=f"),
    ]
    .iter()
    .filter_map(|c| parse_claim(c).ok())
    .collect();
    assert!(reports.len() >= 6, "{}", reports.len());
    let a = audit(entries, &reports);
    assert!(a.count(Severity::Error) > 0);
}

// order

/// Entries as (to, day, persons, has a source); reports as (qualifier, day, value, to, start).
type Records = (Vec<(u8, u8, u16, u8)>, Vec<(u8, u8, u16, u8, u8)>);

fn arbitrary_records() -> impl Strategy<Value = Records> {
    (
        prop::collection::vec((0u8..3, 0u8..20, 1u16..40, 0u8..2), 0..30),
        prop::collection::vec((0u8..4, 0u8..20, 1u16..200, 0u8..3, 0u8..3), 0..12),
    )
}

fn build(entries: &[(u8, u8, u16, u8)], reports: &[(u8, u8, u16, u8, u8)]) -> (Vec<Entry>, Vec<Report>) {
    let parties = ["ARM", "AZE", "NKR"];
    let qualifiers = ["exact", "more-than", "at-most", "about"];
    let es = entries
        .iter()
        .enumerate()
        .map(|(i, &(to, day, n, src))| {
            let b = Entry::returnees(
                chrono::NaiveDate::from_ymd_opt(2021, 1, 1 + u32::from(day)).unwrap(),
                format!("{n} persons").parse().unwrap(),
            )
            .id(format!("e{i}"))
            .to(parties[usize::from(to)]);
            if src == 0 { b.build().unwrap() } else { b.source("s").build().unwrap() }
        })
        .collect();
    let rs = reports
        .iter()
        .enumerate()
        .map(|(i, &(q, day, v, to, start))| {
            let to = if to == 2 { String::new() } else { format!(" to={}", parties[usize::from(to)]) };
            claim(&format!(
                "{} {v} persons returnees{to} since=2021-01-0{} until=2021-01-{} id=r{i}",
                qualifiers[usize::from(q)],
                1 + start,
                10 + u32::from(day)
            ))
        })
        .collect();
    (es, rs)
}

proptest! {
    #[test]
    fn findings_do_not_depend_on_the_order_of_entries_or_reports(
        (entries, reports) in arbitrary_records(),
        rotate in 0usize..50,
    ) {
        let (es, rs) = build(&entries, &reports);
        let expected = audit(es.clone(), &rs);
        let (mut es2, mut rs2) = (es, rs);
        es2.reverse();
        rs2.reverse();
        if !es2.is_empty() { let k = rotate % es2.len(); es2.rotate_left(k); }
        if !rs2.is_empty() { let k = rotate % rs2.len(); rs2.rotate_left(k); }
        prop_assert_eq!(audit(es2, &rs2), expected);
    }
}

#[test]
fn one_event_in_two_units_reads_the_same_whichever_comes_first() {
    let kg = || {
        Entry::cargo("2021-04-07".parse().unwrap(), "145000 kg".parse().unwrap())
            .id("kg")
            .from("RU-EMERCOM")
            .to("NKR")
            .source("test")
            .build()
            .unwrap()
    };
    let a = audit(vec![cargo("t", "2021-04-07", "145"), kg()], &[]);
    let b = audit(vec![kg(), cargo("t", "2021-04-07", "145")], &[]);
    assert_eq!(a, b);
    assert!(a.findings()[0].message().contains("145 t each"), "{}", a.findings()[0].message());
}

#[test]
fn reports_in_different_units_of_one_dimension_compare_in_canonical_units() {
    let narrow = claim("exact 145000 kg cargo to=NKR since=2021-04-01 until=2021-04-30 id=kg");
    let broad = claim("at-most 100 t cargo since=2021-04-01 until=2021-04-30 id=t");
    let volume = claim("at-most 100 m3 cargo since=2021-04-01 until=2021-04-30 id=m3");
    let a = audit(vec![], &[narrow, broad, volume]);
    assert_eq!(found(&a, Code::Contradiction), vec![(ids(&["kg", "t"]), vec![])]);
}

/// The contradictions of `reports` by the definition, over every pair (all in one unit).
fn contradictions_by_definition(reports: &[Report]) -> Vec<Vec<String>> {
    use std::ops::Bound;
    let fields = |r: &Report| {
        let s = r.scope();
        [
            s.category.map(|c| c.to_string()),
            s.item.as_deref().map(String::from),
            s.from.as_deref().map(String::from),
            s.to.as_deref().map(String::from),
            s.via.as_deref().map(String::from),
            s.region.as_deref().map(String::from),
        ]
    };
    let mut pairs = Vec::new();
    for a in reports {
        for b in reports {
            let (fa, fb) = (fields(a), fields(b));
            let scope = a.kind() == b.kind() && fb.iter().zip(&fa).all(|(x, y)| x.is_none() || x == y);
            let (pa, pb) = (a.scope().period, b.scope().period);
            let start = match (pb.start(), pa.start()) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => x <= y,
            };
            let end = match (pb.end(), pa.end()) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => x >= y,
            };
            let above = match (a.interval().low(), b.interval().high()) {
                (Bound::Included(l), Bound::Included(h)) => l > h,
                (Bound::Excluded(l), Bound::Included(h) | Bound::Excluded(h))
                | (Bound::Included(l), Bound::Excluded(h)) => l >= h,
                _ => false,
            };
            if a.id() != b.id() && scope && start && end && above {
                let mut ids = vec![a.id().to_string(), b.id().to_string()];
                ids.sort();
                pairs.push(ids);
            }
        }
    }
    pairs.sort();
    pairs
}

proptest! {
    #[test]
    fn contradictions_are_those_of_the_definition((entries, reports) in arbitrary_records()) {
        let (es, rs) = build(&entries, &reports);
        let a = audit(es, &rs);
        let mut got: Vec<Vec<String>> = a.of(Code::Contradiction).map(|f| f.reports().to_vec()).collect();
        got.sort();
        prop_assert_eq!(got, contradictions_by_definition(&rs));
    }
}

/// The groups of `duplicate-event` by the definition: entries linked pairwise, joined transitively.
fn duplicate_groups_by_definition(entries: &[Entry], window: i64) -> Vec<Vec<String>> {
    let n = entries.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            i = g[i];
        }
        i
    }
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (&entries[i], &entries[j]);
            let alike = a.kind() == b.kind()
                && a.category() == b.category()
                && a.from() == b.from()
                && a.to() == b.to()
                && a.quantity().canonical().unwrap() == b.quantity().canonical().unwrap();
            if alike && (a.date().first_day() - b.date().first_day()).num_days().abs() <= window {
                let (ri, rj) = (root(&mut group, i), root(&mut group, j));
                group[ri] = rj;
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (i, e) in entries.iter().enumerate() {
        let r = root(&mut group, i);
        by_root.entry(r).or_default().push(e.id().to_string());
    }
    let mut groups: Vec<Vec<String>> = by_root
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    groups.sort();
    groups
}

proptest! {
    #[test]
    fn duplicates_are_those_of_the_definition(
        entries in prop::collection::vec((0u8..2, 0u8..20, 1u16..4, 0u8..1), 0..30),
        window in 0u32..4,
    ) {
        let (es, _) = build(&entries, &[]);
        let a = Ledger::from_entries(es.clone()).unwrap().audit(&[], &AuditOptions::new().window(window));
        let mut got: Vec<Vec<String>> = a.of(Code::DuplicateEvent).map(|f| f.entries().to_vec()).collect();
        got.sort();
        prop_assert_eq!(got, duplicate_groups_by_definition(&es, i64::from(window)));
    }
}

#[test]
fn counts_of_exchanges_make_no_rise_finding() {
    // A running count of exchanges rises by occasions, not by the entries' quantities: the rise
    // rules, which sum quantities, do not apply to it (found on the seed's reports in `exchanges`).
    let transfer = |id: &str, date: &str, x: &str| {
        Entry::detainee_transfer(date.parse().unwrap(), "5 persons".parse().unwrap())
            .id(id)
            .from("AZE")
            .to("ARM")
            .exchange(x)
            .source("test")
            .build()
            .unwrap()
    };
    let entries = vec![
        transfer("a", "2020-12-14", "x1"),
        transfer("b", "2020-12-20", "x2"),
        transfer("c", "2021-02-10", "x3"),
        transfer("d", "2021-02-20", "x4"),
    ];
    let reports = vec![
        claim("2 exchanges detainee-transfer since=2020-12-01 until=2020-12-31 id=n1"),
        claim("4 exchanges detainee-transfer since=2020-12-01 until=2021-02-28 id=n2"),
    ];
    let a = audit(entries, &reports);
    assert!(found(&a, Code::RiseUnexplained).is_empty(), "{:?}", a.findings());
    assert!(found(&a, Code::RiseExceeded).is_empty(), "{:?}", a.findings());
}

// positions

proptest! {
    /// Findings located by where the ledger holds their entries name the same files and lines as
    /// findings located by id, and both the lines the files were written with: entries split
    /// between two CSV files in a rotated order, reports in a third.
    #[test]
    fn findings_are_located_by_position_as_by_id(
        (entries, reports) in arbitrary_records(),
        rotate in 0usize..50,
        split in 0usize..30,
    ) {
        use relief_ledger::{Format, Position, RecordKind};
        let (mut es, rs) = build(&entries, &reports);
        if !es.is_empty() { let k = rotate % es.len(); es.rotate_left(k); }
        let split = split.min(es.len());
        let mut loader = Loader::new();
        let mut expected = std::collections::HashMap::new();
        for (name, part) in [("a.csv", &es[..split]), ("b.csv", &es[split..])] {
            let mut text = Vec::new();
            relief_ledger::write(&mut text, Format::Csv, part, &[]).unwrap();
            loader.read(&text[..], name, Format::Csv, Role::Entries);
            // One line of header, then one line an entry.
            for (line, e) in (2u64..).zip(part) {
                expected.insert((RecordKind::Entry, e.id().to_string()), (name, line));
            }
        }
        if !rs.is_empty() {
            let mut text = Vec::new();
            relief_ledger::write(&mut text, Format::Csv, &[], &rs).unwrap();
            loader.read(&text[..], "r.csv", Format::Csv, Role::Reports);
        }
        for (line, r) in (2u64..).zip(&rs) {
            expected.insert((RecordKind::Report, r.id().to_string()), ("r.csv", line));
        }
        let (ledger, loaded, places) = loader.finish_with_places().unwrap();
        let mut by_position = ledger.audit(&loaded, &AuditOptions::default());
        let mut by_id = by_position.clone();
        // The places of another loader, which read the entries in the reverse order: an entry
        // that is not where the ledger holds it is found by its id.
        let mut elsewhere = by_position.clone();
        let mut other = Loader::new();
        let mut text = Vec::new();
        let reversed: Vec<Entry> = es.iter().rev().cloned().collect();
        relief_ledger::write(&mut text, Format::Csv, &reversed, &[]).unwrap();
        other.read(&text[..], "other.csv", Format::Csv, Role::Entries);
        let (_, _, other_places) = other.finish_with_places().unwrap();
        elsewhere.locate_in(&other_places);
        let mut elsewhere_by_id = by_id.clone();
        elsewhere_by_id.locate(|kind, id| other_places.position(kind, id));
        prop_assert_eq!(&elsewhere, &elsewhere_by_id);
        by_position.locate_in(&places);
        by_id.locate(|kind, id| places.position(kind, id));
        prop_assert_eq!(&by_position, &by_id);
        for f in by_position.findings() {
            let mut want: Vec<Position> = Vec::new();
            for (kind, ids) in [(RecordKind::Report, f.reports()), (RecordKind::Entry, f.entries())] {
                for id in ids {
                    let (file, line) = expected[&(kind, id.clone())];
                    want.push(Position::new().with_file(file).with_line(line).with_id(id.as_str(), kind));
                }
            }
            prop_assert_eq!(f.positions(), &want[..], "{}", f);
        }
    }
}

/// Enough findings for the positions to be found in two halves side by side: 12,000 events each
/// reported twice, in two files, every position what locating by id gives and on the line written.
#[test]
fn many_findings_are_located_in_halves_as_by_id() {
    use relief_ledger::{Format, RecordKind};
    let n = 12_000;
    let header = "id,date,kind,quantity,unit,from,to,source\n";
    let (mut a, mut b) = (String::from(header), String::from(header));
    for i in 0..n {
        // Quantities differ from event to event, so that each pair is a group of its own.
        let day = 1 + i % 28;
        a.push_str(&format!("a{i},2021-03-{day:02},detainee-transfer,{},persons,AZE,ARM,AP\n", 100 + i));
        b.push_str(&format!("b{i},2021-03-{day:02},detainee-transfer,{},persons,AZE,ARM,MoD\n", 100 + i));
    }
    let mut loader = Loader::new();
    loader.read(a.as_bytes(), "a.csv", Format::Csv, Role::Entries);
    loader.read(b.as_bytes(), "b.csv", Format::Csv, Role::Entries);
    let (ledger, reports, places) = loader.finish_with_places().unwrap();
    let mut by_position = ledger.audit(&reports, &AuditOptions::default());
    assert_eq!(by_position.of(Code::DuplicateEvent).count(), n);
    let mut by_id = by_position.clone();
    by_position.locate_in(&places);
    by_id.locate(|kind, id| places.position(kind, id));
    assert_eq!(by_position, by_id);
    for f in by_position.of(Code::DuplicateEvent) {
        let lines: Vec<(String, u64)> = f
            .positions()
            .iter()
            .map(|p| (p.file.as_deref().unwrap_or("").to_string(), p.line().unwrap_or(0)))
            .collect();
        // Entry i is on line i + 2 of each file.
        let i: u64 = f.entries()[0][1..].parse().unwrap();
        assert_eq!(lines, [("a.csv".to_string(), i + 2), ("b.csv".to_string(), i + 2)], "{f}");
        assert!(f.positions().iter().all(|p| p.record_kind == Some(RecordKind::Entry)));
    }
}
