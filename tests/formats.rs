//! Files: what is written reads back to equal values in every format (a property test), the seed's
//! CSV files hold the same ledger as the example's code, and CSV records that span the parallel
//! reader's chunk boundaries are read whole.

#[path = "../examples/karabakh_2021/data.rs"]
mod data;

use proptest::prelude::*;
use relief_ledger::{
    Category, Entry, Format, Kind, Loader, Mode, PartialDate, Qualifier, Quantity, Report, Role, Unit, read, write,
};
use rust_decimal::Decimal;

/// Text as people write it: commas, quotes, non-ASCII letters, inner spaces, a line break.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{3}(-[A-Z]{2,6})?",
        "[a-z]{1,8}( [a-z]{1,8}){0,3}",
        Just("Stepanakert, \"Khankendi\"".to_string()),
        Just("Шуша / Şuşa".to_string()),
        Just("two\nlines".to_string()),
    ]
}

fn quantity(unit: Unit) -> impl Strategy<Value = Quantity> {
    (1i64..10_000_000, 0u32..5).prop_map(move |(m, scale)| {
        let v = if unit.dimension().is_count() { Decimal::from(m) } else { Decimal::new(m, scale) };
        Quantity::new(v, unit).unwrap()
    })
}

fn entry() -> impl Strategy<Value = Entry> {
    (0usize..6, 0usize..11, 0i64..2000, any::<[bool; 6]>(), text(), text(), text(), 0usize..3, any::<u64>())
        .prop_flat_map(|(k, u, day, flags, a, b, c, cat, mines)| {
            let kind = Kind::ALL[k];
            let units: Vec<Unit> =
                Unit::ALL.into_iter().filter(|u| kind.dimensions().contains(&u.dimension())).collect();
            let unit = units[u % units.len()];
            quantity(unit).prop_map(move |q| {
                let date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(day);
                let mut e = Entry::builder(kind, date, q).id(format!("e-{day}-{k}-{u}")).from("ARM").to("AZE");
                if let Some(c) = kind.categories().get(cat) {
                    e = e.category(*c);
                }
                if flags[0] {
                    e = e.item(a.clone());
                }
                if flags[1] {
                    e = e.via(b.clone());
                }
                if flags[2] {
                    e = e.region(c.clone());
                }
                if flags[3] {
                    e = e.source(format!("{a}, {b}"));
                }
                if flags[4] {
                    e = e.note(c.clone());
                }
                if flags[5] && kind == Kind::MinefieldMaps {
                    e = e.mines(mines % 1_000_000);
                }
                e.build().unwrap()
            })
        })
}

fn report() -> impl Strategy<Value = Report> {
    (0usize..6, 0usize..6, 0i64..100_000_000, 0u32..4, any::<[bool; 5]>(), text(), 0i64..900).prop_map(
        |(k, q, m, scale, flags, t, day)| {
            let kind = Kind::ALL[k];
            let unit = kind.dimensions()[0].canonical_unit();
            let v = if unit.dimension().is_count() { Decimal::from(m) } else { Decimal::new(m, scale) };
            let published = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Duration::days(day);
            let qualifier = Qualifier::ALL[q];
            let mut r =
                Report::builder(format!("r-{k}-{q}-{m}-{day}"), published, kind, Quantity::new(v, unit).unwrap())
                    .qualifier(qualifier)
                    .since(PartialDate::month(2020, 12).unwrap());
            if flags[0] {
                r = r.to(t.clone());
            }
            if flags[1] {
                r = r.until(PartialDate::year(2022).unwrap());
            }
            if flags[2] && qualifier.can_fill() {
                r = r.mode(Mode::Fill).tolerance(Decimal::new(5, 1));
            }
            if flags[3] {
                r = r.source(t.clone());
            }
            if let (true, Some(c)) = (flags[4], kind.categories().first()) {
                r = r.category(*c);
            }
            r.build().unwrap()
        },
    )
}

fn dedup<T>(items: Vec<T>, id: impl Fn(&T) -> String) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|x| seen.insert(id(x))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn entries_and_reports_read_back_equal_in_every_format(
        entries in prop::collection::vec(entry(), 1..25),
        reports in prop::collection::vec(report(), 1..10),
    ) {
        let entries = dedup(entries, |e| e.id().to_string());
        let reports = dedup(reports, |r| r.id().to_string());
        for format in Format::ALL {
            // A CSV or HXL file holds one table; the JSON formats hold both.
            let tables: Vec<(&[Entry], &[Report])> = if matches!(format, Format::Csv | Format::Hxl) {
                vec![(&entries[..], &[][..]), (&[][..], &reports[..])]
            } else {
                vec![(&entries[..], &reports[..])]
            };
            for (es, rs) in tables {
                let mut bytes = Vec::new();
                write(&mut bytes, format, es, rs).unwrap();
                let doc = read(&bytes[..], "round-trip", format, Role::Any)
                    .map_err(|e| TestCaseError::fail(format!("{format}: {e}\n{}", String::from_utf8_lossy(&bytes))))?;
                prop_assert_eq!(&doc.entries[..], es, "{}", format);
                prop_assert_eq!(&doc.reports[..], rs, "{}", format);
            }
        }
    }
}

#[test]
fn the_seed_files_hold_the_ledger_of_the_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut loader = Loader::new();
    loader.read_path(root.join("examples/data/karabakh-2021/entries.csv"), Role::Entries);
    loader.read_path(root.join("examples/data/karabakh-2021/reports.csv"), Role::Reports);
    let (ledger, reports) = loader.finish().unwrap();
    let from_code = relief_ledger::Ledger::from_entries(data::entries().unwrap()).unwrap();
    let files: Vec<Entry> = ledger.iter_inserted().collect();
    let code: Vec<Entry> = from_code.iter_inserted().collect();
    assert_eq!(files, code);
    assert_eq!(reports, data::reports().unwrap());
    // Every row cites its source.
    assert!(ledger.iter().all(|e| e.source().is_some()));
    assert!(reports.iter().all(|r| r.source().is_some()));
}

#[test]
fn large_json_lines_keep_their_line_numbers() {
    // Over a megabyte, so that it is read in parts; blank lines count as lines but not as records.
    let line = |i: usize| {
        format!(
            "{{\"id\": \"c{i}\", \"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"{i}\", \"unit\": \"t\", \"to\": \"NKR\"}}\n"
        )
    };
    let mut text = String::from("\n");
    for i in 1..=20_000 {
        text.push_str(&line(i));
    }
    assert!(text.len() > 1 << 20);
    let doc = read(text.as_bytes(), "big.jsonl", Format::Jsonl, Role::Entries).unwrap();
    assert_eq!(doc.entries.len(), 20_000);
    assert_eq!(doc.entries[19_999].id(), "c20000");
    let bad = text.replace("\"quantity\": \"19990\"", "\"quantity\": \"1,999\"");
    let err = read(bad.as_bytes(), "big.jsonl", Format::Jsonl, Role::Entries).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!((p.position.line, p.position.record), (Some(19_991), Some(19_990)), "{err}");
    assert!(
        err.to_string().contains("big.jsonl: line 19991, field quantity: \"1,999\" has a thousands separator"),
        "{err}"
    );
}

#[test]
fn byte_order_marks_and_windows_line_ends_are_read() {
    let csv = "\u{feff}id,date,kind,quantity,unit,to\r\nc1,2021-04-07,cargo,145,t,NKR\r\nc2,2021-05-26,cargo,\"155\",t,NKR\r\n";
    let doc = read(csv.as_bytes(), "excel.csv", Format::Csv, Role::Entries).unwrap();
    assert_eq!(doc.entries.len(), 2);
    assert_eq!(doc.entries[1].to(), Some("NKR"), "no carriage return left on the last field");
    let json = "\u{feff}{\"entries\": [{\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"145\", \"unit\": \"t\", \"to\": \"NKR\"}]}";
    assert_eq!(read(json.as_bytes(), "bom.json", Format::Json, Role::Entries).unwrap().entries.len(), 1);
    let jsonl =
        "{\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"}\r\n";
    assert_eq!(read(jsonl.as_bytes(), "crlf.jsonl", Format::Jsonl, Role::Entries).unwrap().entries.len(), 1);
}

#[test]
fn quoted_line_breaks_across_chunk_boundaries_are_read_whole() {
    // More than one 4 MiB chunk, every row with a quoted note spanning two lines.
    let mut csv = String::from("id,date,kind,category,quantity,unit,to,note\n");
    let n = 80_000;
    for i in 0..n {
        csv.push_str(&format!(
            "c{i},2021-04-07,cargo,food,{}.5,t,NKR,\"convoy {i},\nsecond line \"\"quoted\"\"\"\n",
            i % 97
        ));
    }
    assert!(csv.len() > 5 << 20, "{} bytes", csv.len());
    let doc = read(csv.as_bytes(), "big.csv", Format::Csv, Role::Entries).unwrap();
    assert_eq!(doc.entries.len(), n);
    let last = &doc.entries[n - 1];
    assert_eq!(last.note(), Some(format!("convoy {},\nsecond line \"quoted\"", n - 1).as_str()));
    assert_eq!(last.category(), Some(Category::Food));
    // Errors keep their line numbers across chunks: each record takes two lines.
    let bad = csv.replacen(&format!("c{},2021-04-07", n - 10), &format!("c{},2021-02-30", n - 10), 1);
    let err = read(bad.as_bytes(), "big.csv", Format::Csv, Role::Entries).unwrap_err();
    let line = 2 + 2 * (n as u64 - 10);
    assert_eq!(err.problems()[0].position.line, Some(line), "{err}");
    assert_eq!(err.problems()[0].position.record, Some(n as u64 - 9));
}

/// Valid seed files with bytes changed at random.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let seed =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/karabakh-2021/entries.csv"))
            .unwrap_or_default();
    let len = seed.len().max(1);
    prop::collection::vec((0..len, any::<u8>()), 1..20).prop_map(move |edits| {
        let mut bytes = seed.clone();
        for (at, b) in edits {
            if let Some(slot) = bytes.get_mut(at) {
                *slot = b;
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the bytes, reading returns entries or positioned problems; it never panics.
    #[test]
    fn no_input_makes_a_reader_panic(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..400), mutated()],
        hxl_rows in 0usize..3,
    ) {
        let mut with_tags = b"Date,Amount\n".repeat(hxl_rows);
        with_tags.extend_from_slice(b"#date,#output+num,#x_unit\n");
        with_tags.extend_from_slice(&bytes);
        for format in Format::ALL {
            for input in [&bytes[..], &with_tags[..]] {
                match read(input, "fuzz", format, Role::Any) {
                    Ok(_) => {}
                    Err(e) => prop_assert!(e.is_data() || e.is_io(), "{format}: {e}"),
                }
            }
        }
    }
}
