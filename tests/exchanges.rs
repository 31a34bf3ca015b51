//! Exchanges through the library: the rules of an exchange at their edges (7 days apart and 8, a
//! third party, one entry), across batches and files; `Ledger::exchanges`; reports counted in the
//! unit `exchanges` with every qualifier; grouping by exchange; every format keeps the field; the
//! audit never takes two entries of one exchange for one event twice.
//!
//! The seed's figures come from `../shared/data/public-figures.md`: 2020-12-14, 44 handed over to
//! Armenia and 12 to Azerbaijan (AP); 2021-02-10, Armenia returned 1 prisoner of war for 5
//! Armenians (Armenian Public Radio); 2021-06-12, 15 Armenians for the map of 97,000 mines (AFP);
//! 2021-07-03, 15 prisoners for maps of 92,000 mines (Reuters).

#[path = "../examples/karabakh_2021/data.rs"]
#[allow(dead_code)]
mod data;

use relief_ledger::{
    AuditOptions, Code, Entry, Format, Key, Kind, Ledger, Loader, Mode, ProblemKind, Report, Role, Scope, Status, Unit,
    parse_claim, read, write,
};

fn day(s: &str) -> relief_ledger::chrono::NaiveDate {
    s.parse().expect("a day")
}

/// A detainee transfer of `n` persons in exchange `x`.
fn transfer(id: &str, date: &str, n: u32, from: &str, to: &str, x: &str) -> Entry {
    Entry::detainee_transfer(day(date), format!("{n} persons").parse().expect("a quantity"))
        .id(id)
        .from(from)
        .to(to)
        .exchange(x)
        .build()
        .expect("a valid entry")
}

fn maps(id: &str, date: &str, from: &str, to: &str, x: &str) -> Entry {
    Entry::minefield_maps(day(date), "1 packages".parse().expect("a quantity"))
        .id(id)
        .from(from)
        .to(to)
        .exchange(x)
        .build()
        .expect("a valid entry")
}

#[test]
fn entries_seven_days_apart_are_one_exchange_and_eight_are_refused() {
    let seven = Ledger::from_entries([
        transfer("a", "2021-02-10", 1, "ARM", "AZE", "x"),
        transfer("b", "2021-02-17", 5, "AZE", "ARM", "x"),
    ])
    .expect("7 days apart is one exchange");
    let x = seven.exchange("x").unwrap().expect("the exchange");
    assert_eq!((x.first_date(), x.last_date()), (day("2021-02-10"), day("2021-02-17")));

    let err = Ledger::from_entries([
        transfer("a", "2021-02-10", 1, "ARM", "AZE", "x"),
        transfer("b", "2021-02-18", 5, "AZE", "ARM", "x"),
    ])
    .unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::Inconsistent);
    assert_eq!(p.field(), Some("date"));
    assert_eq!(p.position.id.as_deref(), Some("b"), "the later entry is the one too far: {err}");
    let message = err.to_string();
    assert!(message.contains("8 days after entry a (2021-02-10)"), "{message}");
    assert!(message.contains("at most 7 days apart"), "{message}");
}

#[test]
fn an_exchange_is_checked_whole_across_batches_and_a_refused_batch_leaves_nothing() {
    let mut ledger = Ledger::new();
    ledger.insert(transfer("a", "2021-06-12", 15, "AZE", "ARM", "x")).expect("one entry");
    // Eight days before the entry the ledger holds: the new entry is the one refused, naming the other.
    let err = ledger.insert(maps("m", "2021-06-04", "ARM", "AZE", "x")).unwrap_err();
    assert_eq!(err.problems()[0].position.id.as_deref(), Some("m"), "{err}");
    assert!(err.to_string().contains("8 days before entry a (2021-06-12)"), "{err}");
    assert_eq!(ledger.len(), 1, "nothing of the batch is kept");
    assert_eq!(ledger.exchange("x").unwrap().map(|x| x.entries().len()), Some(1));
    // Seven days before is the same exchange.
    ledger.insert(maps("m", "2021-06-05", "ARM", "AZE", "x")).expect("7 days apart");
    assert_eq!(
        ledger.exchange("x").unwrap().map(|x| x.entries().to_vec()),
        Some(vec!["a".to_string(), "m".to_string()])
    );
}

#[test]
fn a_third_party_is_refused_and_via_is_no_party() {
    let via = |e: Entry| e;
    let ok = Ledger::from_entries([
        via(Entry::detainee_transfer(day("2021-02-10"), "1 persons".parse().unwrap())
            .id("a")
            .from("ARM")
            .to("AZE")
            .via("ICRC")
            .exchange("x")
            .build()
            .unwrap()),
        transfer("b", "2021-02-10", 5, "AZE", "ARM", "x"),
    ])
    .expect("an intermediary is no party");
    assert_eq!(ok.exchange("x").unwrap().expect("the exchange").parties(), ["ARM", "AZE"]);

    let err = Ledger::from_entries([
        transfer("a", "2021-02-10", 1, "ARM", "AZE", "x"),
        transfer("b", "2021-02-10", 5, "AZE", "ARM", "x"),
        transfer("c", "2021-02-11", 2, "GEO", "ARM", "x"),
    ])
    .unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    let p = &err.problems()[0];
    assert_eq!((p.position.id.as_deref(), p.field()), (Some("c"), Some("from")));
    assert!(err.to_string().contains("GEO is a third party"), "{err}");
    assert!(err.to_string().contains("between ARM and AZE (its other entries: a, b)"), "{err}");

    // Across batches: the parties already in the ledger are the exchange's.
    let mut ledger = Ledger::from_entries([transfer("a", "2021-02-10", 1, "ARM", "AZE", "x")]).unwrap();
    let err = ledger.insert(transfer("b", "2021-02-10", 5, "AZE", "GEO", "x")).unwrap_err();
    assert_eq!(err.problems()[0].field(), Some("to"), "{err}");
}

#[test]
fn an_exchange_of_one_entry_is_valid_even_with_one_party() {
    // A release is an occasion too.
    let ledger = Ledger::from_entries([transfer("r", "2021-01-28", 1, "AZE", "ARM", "release")]).expect("valid");
    let xs = ledger.exchanges(&Scope::all()).unwrap();
    assert_eq!(xs.len(), 1);
    assert_eq!(xs[0].parties(), ["ARM", "AZE"]);
    assert_eq!(xs[0].summary(), "ARM gave nothing; AZE gave 1 persons (detainee-transfer)");

    // An entry that names one party (cargo to its recipient) is an occasion still: one party is not a third.
    let cargo =
        Entry::cargo(day("2021-04-07"), "145 t".parse().unwrap()).id("c").to("NKR").exchange("y").build().unwrap();
    let one = Ledger::from_entries([cargo]).expect("valid");
    assert_eq!(one.exchange("y").unwrap().expect("the exchange").parties(), ["NKR"]);
    assert_eq!(one.exchange("y").unwrap().expect("the exchange").summary(), "NKR gave nothing");
}

#[test]
fn problems_of_exchanges_are_positioned_in_their_files() {
    let mut loader = Loader::new();
    let a = "id,date,kind,quantity,unit,from,to,exchange\ndt-1,2021-07-03,detainee-transfer,15,persons,AZE,ARM,x\n";
    let b = "id,date,kind,quantity,unit,from,to,exchange\n\
             mm-1,2021-07-03,minefield-maps,1,packages,ARM,AZE,x\n\
             mm-2,2021-07-11,minefield-maps,1,packages,ARM,AZE,x\n";
    loader.read(a.as_bytes(), "a.csv", Format::Csv, Role::Entries);
    loader.read(b.as_bytes(), "b.csv", Format::Csv, Role::Entries);
    let err = loader.finish().unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("b.csv: line 3, field date: 2021-07-11 is 8 days after entry dt-1"), "{message}");
    assert!(message.contains("other entries: dt-1, mm-1"), "{message}");
}

#[test]
fn the_seed_links_its_four_dated_exchanges() {
    let ledger = Ledger::from_entries(data::entries().expect("the seed")).expect("a valid ledger");
    let xs = ledger.exchanges(&Scope::all()).unwrap();
    let dates: Vec<String> = xs.iter().map(|x| x.first_date().to_string()).collect();
    assert_eq!(dates, ["2020-12-14", "2021-02-10", "2021-06-12", "2021-07-03"]);
    for x in &xs {
        assert_eq!(x.parties(), ["ARM", "AZE"], "{x}");
        assert_eq!(x.first_date(), x.last_date(), "each took one day: {x}");
    }
    let gave = |i: usize, party: &str| -> Vec<String> { xs[i].gave(party).iter().map(|h| h.to_string()).collect() };
    // 2020-12-14: 44 handed over to Armenia, 12 to Azerbaijan.
    assert_eq!(gave(0, "AZE"), ["44 persons (detainee-transfer)"]);
    assert_eq!(gave(0, "ARM"), ["12 persons (detainee-transfer)"]);
    // 2021-02-10: Armenia returned 1 prisoner of war for 5 Armenians.
    assert_eq!(gave(1, "ARM"), ["1 persons (detainee-transfer)"]);
    assert_eq!(xs[1].received("ARM")[0].quantity().to_string(), "5 persons");
    // 2021-06-12 and 2021-07-03: 15 detainees each for maps.
    for i in [2, 3] {
        assert_eq!(gave(i, "AZE"), ["15 persons (detainee-transfer)"]);
        assert_eq!(gave(i, "ARM"), ["1 packages (minefield-maps)"]);
        assert_eq!(xs[i].received("AZE")[0].kind(), Kind::MinefieldMaps);
    }
    assert_eq!(xs[2].entries(), ["dt-2021-06-12-arm", "mm-2021-06-12"]);
    // The seed's CSV file links the same entries.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/karabakh-2021/entries.csv"))
        .expect("the seed file");
    let from_file =
        Ledger::from_entries(read(text.as_bytes(), "entries.csv", Format::Csv, Role::Entries).unwrap().entries)
            .unwrap()
            .exchanges(&Scope::all())
            .unwrap();
    assert_eq!(from_file, xs);
    // Scoped: the exchanges with an entry in scope, each whole.
    let maps_scope = Scope::all().kind(Kind::MinefieldMaps);
    let with_maps = ledger.exchanges(&maps_scope).unwrap();
    assert_eq!(with_maps.iter().map(|x| x.id()).collect::<Vec<_>>(), ["x-2021-06-12", "x-2021-07-03"]);
    assert_eq!(with_maps[0].entries().len(), 2, "the detainees come with the maps");
    assert!(ledger.exchanges(&Scope::all().period("2021-03..2021-05".parse().unwrap())).unwrap().is_empty());
}

/// Three exchanges (one of them maps for detainees), and a transfer outside any exchange.
fn three_exchanges() -> Ledger {
    Ledger::from_entries([
        transfer("a1", "2020-12-14", 44, "AZE", "ARM", "x1"),
        transfer("a2", "2020-12-14", 12, "ARM", "AZE", "x1"),
        transfer("b1", "2021-02-10", 5, "AZE", "ARM", "x2"),
        transfer("b2", "2021-02-10", 1, "ARM", "AZE", "x2"),
        transfer("c1", "2021-06-12", 15, "AZE", "ARM", "x3"),
        maps("c2", "2021-06-12", "ARM", "AZE", "x3"),
        Entry::detainee_transfer(day("2021-03-01"), "2 persons".parse().unwrap())
            .id("lone")
            .from("AZE")
            .to("ARM")
            .build()
            .unwrap(),
    ])
    .expect("a valid ledger")
}

fn status(ledger: &Ledger, claim: &str) -> Status {
    let report = parse_claim(claim).unwrap_or_else(|e| panic!("{claim}: {e}"));
    let v = ledger.verify(std::slice::from_ref(&report)).expect("verified");
    v.outcomes()[0].status()
}

#[test]
fn reports_count_distinct_exchanges_with_every_qualifier() {
    let l = three_exchanges();
    // Of detainee transfers: x1, x2, x3 (x3's maps are another kind, its detainees are not).
    let cases = [
        ("exact 3", Status::Ok),
        ("exact 4", Status::Short),
        ("exact 2", Status::Over),
        ("about 3", Status::Ok),
        ("about 5", Status::Short),
        ("more-than 2", Status::Ok),
        ("more-than 3", Status::Short),
        ("at-least 3", Status::Ok),
        ("at-least 4", Status::Short),
        ("nearly 4", Status::Ok),
        ("nearly 3", Status::Over),
        ("at-most 3", Status::Ok),
        ("at-most 2", Status::Over),
    ];
    for (figure, want) in cases {
        let claim = format!("{figure} exchanges detainee-transfer until=2021-11-09");
        assert_eq!(status(&l, &claim), want, "{claim}");
    }
    // Whatever their unit: maps alone count their exchange; an exchange counts once however many
    // of its entries are in scope; the period and the parties scope it.
    assert_eq!(status(&l, "exact 1 exchanges minefield-maps until=2021-11-09"), Status::Ok);
    assert_eq!(status(&l, "exact 2 exchanges detainee-transfer since=2021 until=2021-11-09"), Status::Ok);
    assert_eq!(status(&l, "exact 1 exchanges detainee-transfer until=2020-12-31"), Status::Ok);
    // To Azerbaijan: detainees in x1 and x2; in x3 it received maps, not detainees.
    assert_eq!(status(&l, "exact 2 exchanges detainee-transfer to=AZE until=2021-11-09"), Status::Ok);
    assert_eq!(status(&l, "exact 1 exchanges minefield-maps to=AZE until=2021-11-09"), Status::Ok);
    assert_eq!(status(&l, "exact 0 exchanges cargo until=2021-11-09"), Status::Ok);

    let report = parse_claim("exact 3 exchanges detainee-transfer until=2021-11-09 id=n").unwrap();
    let reports = [report];
    let v = l.verify(&reports).unwrap();
    let o = v.outcome("n").unwrap();
    assert_eq!(o.ledger_quantity().to_string(), "3 exchanges");
    let entries = v.entries(o);
    let ids: Vec<&str> = entries.iter().map(|e| e.id()).collect();
    // The entries behind the count: those in scope that belong to an exchange (not x3's maps, not
    // the transfer outside any exchange).
    assert_eq!(ids, ["a1", "a2", "b1", "b2", "c1"]);
}

#[test]
fn a_fill_in_exchanges_is_refused_as_bad_input() {
    let err = Report::builder("r", day("2021-11-09"), Kind::DetaineeTransfer, "4 exchanges".parse().unwrap())
        .mode(Mode::Fill)
        .build()
        .unwrap_err();
    assert_eq!(err.problems()[0].field(), Some("mode"));
    assert!(err.to_string().contains("a number of exchanges cannot fill"), "{err}");
    // Counts are whole, and the unit is no entry's.
    assert!("2.5 exchanges".parse::<relief_ledger::Quantity>().is_err());
    let entry =
        Entry::detainee_transfer(day("2021-02-10"), "1 exchanges".parse().unwrap()).from("ARM").to("AZE").build();
    assert!(entry.unwrap_err().has(ProblemKind::WrongDimension));
    assert_eq!("exchanges".parse::<Unit>().unwrap().to_string(), "exchanges");
}

#[test]
fn grouping_by_exchange_leaves_entries_without_one_in_an_empty_group() {
    let l = three_exchanges();
    let groups = l.group(&Scope::all().kind(Kind::DetaineeTransfer), &[Key::Exchange]).unwrap();
    let rows: Vec<(String, String, usize, usize)> = groups
        .iter()
        .map(|g| (g.key()[0].to_string(), g.totals().to_string(), g.entries().len(), g.exchanges()))
        .collect();
    assert_eq!(
        rows,
        [
            (String::new(), "2 persons".to_string(), 1, 0),
            ("x1".to_string(), "56 persons".to_string(), 2, 1),
            ("x2".to_string(), "6 persons".to_string(), 2, 1),
            ("x3".to_string(), "15 persons".to_string(), 1, 1),
        ]
    );
    assert_eq!(groups[0].key()[0].text(), None);
    let all = l.group(&Scope::all(), &[]).unwrap();
    assert_eq!((all[0].entries().len(), all[0].exchanges()), (7, 3));
}

#[test]
fn every_format_keeps_the_exchange() {
    let hard = "x, \"the first\" — Şuşa";
    let entries = vec![
        transfer("a", "2021-02-10", 1, "ARM", "AZE", hard),
        transfer("b", "2021-02-10", 5, "AZE", "ARM", hard),
        Entry::cargo(day("2021-04-07"), "145 t".parse().unwrap()).id("c").to("NKR").build().unwrap(),
    ];
    for format in Format::ALL {
        let mut out = Vec::new();
        write(&mut out, format, &entries, &[]).unwrap();
        let doc = read(out.as_slice(), "out", format, Role::Entries).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(doc.entries, entries, "{format}");
        assert_eq!(doc.entries[0].exchange(), Some(hard), "{format}");
        assert_eq!(doc.entries[2].exchange(), None, "{format}");
    }
    let json = serde_json::to_string(&entries[0]).unwrap();
    assert!(json.ends_with(r#""exchange":"x, \"the first\" — Şuşa"}"#), "{json}");
    assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entries[0]);
    // HXL: the exchange is an event's id.
    let mut hxl = Vec::new();
    write(&mut hxl, Format::Hxl, &entries, &[]).unwrap();
    let hxl = String::from_utf8(hxl).unwrap();
    assert!(hxl.lines().nth(1).is_some_and(|l| l.ends_with(",#event+id")), "{hxl}");
    // A CSV of entries without exchanges has no exchange column.
    let mut csv = Vec::new();
    write(&mut csv, Format::Csv, &entries[2..], &[]).unwrap();
    assert!(!String::from_utf8(csv).unwrap().lines().next().unwrap().contains("exchange"));
    // An empty or padded exchange id is refused like any text field.
    let padded = Entry::detainee_transfer(day("2021-02-10"), "1 persons".parse().unwrap()).from("ARM").to("AZE");
    assert!(padded.clone().exchange(" x").build().unwrap_err().has(ProblemKind::Padded));
    assert!(padded.exchange("").build().unwrap_err().has(ProblemKind::Empty));
}

#[test]
fn two_entries_of_one_exchange_are_never_one_event_twice() {
    // Two packages of maps handed over in one exchange look alike; outside an exchange they are a duplicate.
    let linked = Ledger::from_entries([
        maps("m1", "2021-07-03", "ARM", "AZE", "x"),
        maps("m2", "2021-07-03", "ARM", "AZE", "x"),
        transfer("d", "2021-07-03", 15, "AZE", "ARM", "x"),
    ])
    .unwrap();
    let codes =
        |l: &Ledger| -> Vec<Code> { l.audit(&[], &AuditOptions::new()).findings().iter().map(|f| f.code()).collect() };
    assert!(!codes(&linked).contains(&Code::DuplicateEvent), "{:?}", codes(&linked));
    let plain = Entry::minefield_maps(day("2021-07-03"), "1 packages".parse().unwrap()).from("ARM").to("AZE");
    let apart =
        Ledger::from_entries([plain.clone().id("m1").build().unwrap(), plain.id("m2").build().unwrap()]).unwrap();
    assert!(codes(&apart).contains(&Code::DuplicateEvent));
    // Entries of two exchanges can still be one event twice.
    let two = Ledger::from_entries([
        maps("m1", "2021-07-03", "ARM", "AZE", "x"),
        maps("m2", "2021-07-03", "ARM", "AZE", "y"),
    ])
    .unwrap();
    assert!(codes(&two).contains(&Code::DuplicateEvent));
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// Exchange ids as people write them: dates, commas, quotes, non-ASCII letters, a line break,
    /// and text a spreadsheet would run as a formula.
    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            "x-20[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "[a-z]{1,8}( [a-z]{1,8}){0,2}",
            Just("=HYPERLINK(\"x\")".to_string()),
            Just("-2021-06-12".to_string()),
            Just("Aghdam, \"maps\"".to_string()),
            Just("Шуша / Şuşa".to_string()),
            Just("two\nlines".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_format_reads_back_the_exchange(ids in proptest::collection::vec(proptest::option::of(id()), 1..6)) {
            let entries: Vec<Entry> = ids
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let b = Entry::detainee_transfer(day("2021-06-12"), "15 persons".parse().unwrap())
                        .id(format!("e{i}"))
                        .from("AZE")
                        .to("ARM");
                    match x {
                        Some(x) => b.exchange(x.clone()),
                        None => b,
                    }
                    .build()
                    .unwrap()
                })
                .collect();
            for format in Format::ALL {
                let mut out = Vec::new();
                write(&mut out, format, &entries, &[]).unwrap();
                let doc = read(out.as_slice(), "out", format, Role::Entries).map_err(|e| TestCaseError::fail(format!("{format}: {e}")))?;
                prop_assert_eq!(&doc.entries, &entries, "{}", format);
            }
        }
    }
}

/// An entry of exchange `x` dated only to `date` (a month or a range, issue 11).
fn vague(id: &str, date: &str, n: u32, from: &str, to: &str, x: &str) -> Entry {
    Entry::detainee_transfer(day("2000-01-01"), format!("{n} persons").parse().expect("a quantity"))
        .date(date.parse().expect("an entry date"))
        .id(id)
        .from(from)
        .to(to)
        .exchange(x)
        .build()
        .expect("a valid entry")
}

#[test]
fn an_exchange_dated_to_a_month_counts_possibly_in_a_period_it_straddles() {
    // x2 is known only to February 2021: surely in 2021-02, possibly in 2021-02-01..2021-02-14.
    let ledger = Ledger::from_entries([
        transfer("a1", "2021-02-03", 44, "AZE", "ARM", "x1"),
        vague("b1", "2021-02", 5, "AZE", "ARM", "x2"),
        vague("b2", "2021-02", 1, "ARM", "AZE", "x2"),
    ])
    .expect("a valid ledger");
    let outcome = |claim: &str| {
        let report = parse_claim(claim).unwrap_or_else(|e| panic!("{claim}: {e}"));
        let v = ledger.verify(std::slice::from_ref(&report)).expect("verified");
        let o = &v.outcomes()[0];
        (o.status(), o.ledger().to_string(), o.ledger_high().to_string())
    };
    let whole = outcome("2 exchanges detainee-transfer since=2021-02 until=2021-02 id=m");
    assert_eq!(whole, (Status::Ok, "2".to_string(), "2".to_string()));
    let half = outcome("2 exchanges detainee-transfer since=2021-02-01 until=2021-02-14 id=h");
    assert_eq!(half, (Status::Undecided, "1".to_string(), "2".to_string()), "x2 may fall after the 14th");
    let one = outcome("at-least 1 exchanges detainee-transfer since=2021-02-01 until=2021-02-14 id=o");
    assert_eq!(one.0, Status::Ok, "x1 surely counts");
    // Listed when possibly in scope, and dated from its first possible day to its last.
    let listed = ledger.exchanges(&Scope::all().period("2021-02-01..2021-02-14".parse().unwrap())).unwrap();
    assert_eq!(listed.len(), 2);
    let x2 = ledger.exchange("x2").unwrap().expect("x2");
    assert_eq!((x2.first_date(), x2.last_date()), (day("2021-02-01"), day("2021-02-28")));
}

#[test]
fn entries_dated_to_a_span_are_refused_only_when_surely_more_than_seven_days_apart() {
    // A month-dated entry may fall on the day of the other: no error.
    Ledger::from_entries([
        transfer("a", "2021-02-27", 1, "ARM", "AZE", "x"),
        vague("b", "2021-02", 5, "AZE", "ARM", "x"),
    ])
    .expect("February may hold a day within 7 of the 27th");
    // The range ends on 2021-02-19: its earliest possible distance from 2021-02-27 is 8 days.
    let err = Ledger::from_entries([
        transfer("a", "2021-02-27", 1, "ARM", "AZE", "x"),
        vague("b", "2021-02-01..2021-02-19", 5, "AZE", "ARM", "x"),
    ])
    .unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    assert!(err.to_string().contains("8 days"), "{err}");
    // And 7 days is still one exchange.
    Ledger::from_entries([
        transfer("a", "2021-02-27", 1, "ARM", "AZE", "x"),
        vague("b", "2021-02-01..2021-02-20", 5, "AZE", "ARM", "x"),
    ])
    .expect("7 days apart at the closest");
}
