//! The compact ledger (issue 12, item 2): every field of an entry comes back from the compact
//! form as it went in, entries come back in date order, and a ledger of generated entries holds
//! at most 64 bytes an entry by its own accounting.

use relief_ledger::rust_decimal::Decimal;
use relief_ledger::{Category, Entry, Key, Kind, Ledger, Quantity, Scope, Unit};

fn day(s: &str) -> relief_ledger::chrono::NaiveDate {
    s.parse().unwrap()
}

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

/// Entries that use every field, and every way the compact form can hold one: quantities beyond
/// the 32-bit mantissa and at the largest scale, dates known to a month, a year or a range, the
/// marks of fills, exchanges, mines, ids that are a prefix and a number or not, long texts.
fn every_field() -> Vec<Entry> {
    let long_text = "ü".repeat(300);
    let long_id = format!("{}-{}", "id".repeat(100), 7);
    vec![
        // Seed statement: 1581 t of humanitarian cargo (../shared/seed).
        Entry::cargo(day("2021-11-09"), q("1581 t"))
            .id("c1")
            .category(Category::Humanitarian)
            .item("flour")
            .from("RU-EMERCOM")
            .to("NKR")
            .via("RU-PKF")
            .region("Stepanakert")
            .source("MFA statement, 2021-11-09")
            .note("about 1,581 t in the year")
            .build()
            .unwrap(),
        // A mantissa beyond 32 bits, kept exactly with its scale.
        Entry::cargo(day("2021-01-02"), q("12345678901.250 kg")).id("big-1").to("NKR").build().unwrap(),
        // The largest scale a decimal has (28 places); its canonical form in t has no room left,
        // so it stays in t.
        Entry::cargo(day("2021-01-03"), q("0.0000000000000000000000000001 t")).id("tiny").to("NKR").build().unwrap(),
        // A negative mantissa cannot occur (quantities are > 0); the largest 32-bit one can.
        Entry::cargo(day("2021-01-04"), q("2147483647 kg")).id("i32-max").to("NKR").build().unwrap(),
        Entry::cargo(day("2021-01-04"), q("2147483648 kg")).id("i32-max+1").to("NKR").build().unwrap(),
        Entry::demining(day("2021-03-01"), q("2.5 km2"))
            .id("0")
            .category(Category::AreaCleared)
            .from("HALO")
            .build()
            .unwrap(),
        // Dated to a month, a year, a range.
        Entry::returnees(day("2021-02-01"), q("53000 persons"))
            .id("e007")
            .date("2021-02".parse().unwrap())
            .to("NKR")
            .build()
            .unwrap(),
        Entry::returnees(day("2021-01-01"), q("1 persons"))
            .id("123456789012345678901234567890")
            .date("2021".parse().unwrap())
            .to("ARM")
            .build()
            .unwrap(),
        Entry::remains_transfer(day("2024-11-01"), q("563 persons"))
            .id("rt-2024-11")
            .date("2024-11-01..2024-11-10".parse().unwrap())
            .from("RUS")
            .to("UKR")
            .build()
            .unwrap(),
        // An exchange both ways (public-figures.md: 2021-02-10, 1 to AZE and 5 to ARM), and maps
        // with mines (AFP, 2021-06-12: 97,000 mines in Aghdam).
        Entry::detainee_transfer(day("2021-02-10"), q("1 persons"))
            .id("x-1")
            .category(Category::Pow)
            .from("ARM")
            .to("AZE")
            .exchange("x-2021-02-10")
            .build()
            .unwrap(),
        Entry::detainee_transfer(day("2021-02-10"), q("5 persons"))
            .id("x-2")
            .from("AZE")
            .to("ARM")
            .exchange("x-2021-02-10")
            .build()
            .unwrap(),
        Entry::minefield_maps(day("2021-06-12"), q("1 packages"))
            .id("maps-1")
            .from("ARM")
            .to("AZE")
            .region("Aghdam")
            .mines(97_000)
            .build()
            .unwrap(),
        // The unattributed remainder of a fill: no parties needed.
        Entry::detainee_transfer(day("2021-11-09"), q("26 persons"))
            .id("fill:r-105")
            .to("ARM")
            .unattributed("r-105")
            .date("2021-03..2021-11".parse().unwrap())
            .build()
            .unwrap(),
        // Long ids and texts; an id whose number is too large for the short form.
        Entry::cargo(day("2021-05-26"), q("155 t"))
            .id(long_id)
            .item(long_text.clone())
            .to(long_text.clone())
            .source(long_text.clone())
            .note(long_text)
            .build()
            .unwrap(),
        Entry::cargo(day("2021-05-27"), q("1 t")).id("n99999999999999").to("NKR").build().unwrap(),
        Entry::cargo(day("2021-05-28"), q("1 t")).id("n1099511627775").to("NKR").build().unwrap(),
        Entry::cargo(day("2021-05-28"), q("1 t")).id("n1099511627776").to("NKR").build().unwrap(),
        Entry::cargo(day("0001-01-01"), q("1 m3")).id("é1").to("NKR").build().unwrap(),
        Entry::cargo(day("9999-12-31"), q("1 items")).id("last day").to("NKR").build().unwrap(),
    ]
}

#[test]
fn every_field_comes_back_from_the_compact_form() {
    let entries = every_field();
    let ledger = Ledger::from_entries(entries.clone()).unwrap();
    assert_eq!(ledger.len(), entries.len());
    for e in &entries {
        let back = ledger.get(e.id()).unwrap_or_else(|| panic!("{} is not found", e.id()));
        assert_eq!(&back, e, "{}", e.id());
        // Equal as decimals is not enough: the scale comes back too (it is printed).
        assert_eq!(back.quantity().value().scale(), e.quantity().value().scale(), "{}", e.id());
        assert_eq!(back.to_string(), e.to_string());
        assert_eq!(back.date().to_string(), e.date().to_string());
    }
    let big = ledger.get("big-1").unwrap();
    assert_eq!(big.quantity().value(), Decimal::new(12_345_678_901_250, 3));
    assert_eq!(big.quantity().unit(), Unit::Kilogram);
    assert_eq!(ledger.get("maps-1").unwrap().event().mines(), Some(97_000));
    assert_eq!(ledger.get("fill:r-105").unwrap().unattributed(), Some("r-105"));
    assert_eq!(ledger.get("x-2").unwrap().exchange(), Some("x-2021-02-10"));
    assert!(ledger.get("e7").is_none() && ledger.get("00").is_none() && ledger.get("n").is_none());
}

#[test]
fn entries_come_back_in_date_order_then_insertion_order() {
    let entries = every_field();
    let ledger = Ledger::from_entries(entries.clone()).unwrap();
    let mut expected = entries.clone();
    // A stable sort: entries of one first day keep their insertion order.
    expected.sort_by_key(|e| e.date().first_day());
    let got: Vec<Entry> = ledger.iter().collect();
    assert_eq!(got, expected);
    let back: Vec<Entry> = (&ledger).into_iter().rev().collect();
    assert_eq!(back, expected.iter().rev().cloned().collect::<Vec<_>>());
    assert_eq!(ledger.iter_inserted().collect::<Vec<_>>(), entries);
    assert_eq!(ledger.clone().into_entries(), entries);
}

#[test]
fn quantities_beyond_the_mantissa_add_up_exactly() {
    let ledger = Ledger::from_entries(every_field()).unwrap();
    let on = |d: &str| Scope::all().kind(Kind::Cargo).period(d.parse().unwrap());
    let mass = |d: &str| ledger.totals(&on(d)).unwrap().get(relief_ledger::Dimension::Mass).unwrap().to_string();
    // 12345678901.250 kg in t.
    assert_eq!(mass("2021-01-02"), "12345678.90125 t");
    // 2147483647 kg + 2147483648 kg = 4294967295 kg: one mantissa fits 32 bits, one does not.
    assert_eq!(mass("2021-01-04"), "4294967.295 t");
    assert_eq!(mass("2021-01-03"), "0.0000000000000000000000000001 t");
    let ids: Vec<String> = ledger.select(&on("2021-01")).map(|e| e.id().to_string()).collect();
    assert_eq!(ids, ["big-1", "tiny", "i32-max", "i32-max+1"]);
}

#[test]
fn a_refused_batch_leaves_the_compact_form_as_it_was() {
    let mut ledger = Ledger::from_entries(every_field()).unwrap();
    let before: Vec<Entry> = ledger.iter().collect();
    let refused = ledger.insert_all([
        Entry::cargo(day("2020-01-01"), q("99999999999.5 t")).id("new-big").to("NKR").note("n").build().unwrap(),
        Entry::cargo(day("2020-01-02"), q("1 t")).id("c1").to("NKR").build().unwrap(),
    ]);
    assert!(refused.unwrap_err().to_string().contains("\"c1\" is already in the ledger"));
    assert_eq!(ledger.iter().collect::<Vec<_>>(), before);
    assert!(ledger.get("new-big").is_none());
    // The same entries, without the taken id, go in; the big decimal and note are theirs.
    ledger
        .insert_all([Entry::cargo(day("2020-01-01"), q("99999999999.5 t"))
            .id("new-big")
            .to("NKR")
            .note("n")
            .build()
            .unwrap()])
        .unwrap();
    let e = ledger.get("new-big").unwrap();
    assert_eq!((e.quantity().to_string(), e.note()), ("99999999999.5 t".to_string(), Some("n")));
    assert_eq!(ledger.get("big-1").unwrap().quantity().to_string(), "12345678901.25 kg");
}

#[test]
fn a_later_batch_out_of_date_order_keeps_ids_and_exchanges() {
    let mut ledger = Ledger::from_entries(every_field()).unwrap();
    // Earlier than everything but the first entry: the rows are sorted again.
    ledger
        .insert_all([
            Entry::detainee_transfer(day("2021-02-12"), q("3 persons"))
                .id("x-3")
                .from("ARM")
                .to("AZE")
                .exchange("x-2021-02-10")
                .build()
                .unwrap(),
            Entry::cargo(day("1000-01-01"), q("1 t")).id("early").to("NKR").build().unwrap(),
        ])
        .unwrap();
    assert_eq!(ledger.iter().nth(1).unwrap().id(), "early");
    for e in every_field() {
        assert_eq!(ledger.get(e.id()).as_ref(), Some(&e));
    }
    let x = ledger.exchange("x-2021-02-10").unwrap().unwrap();
    let ids: Vec<&str> = x.entries().iter().map(|s| s.as_str()).collect();
    assert_eq!(ids, ["x-1", "x-2", "x-3"]);
    // The exchange's rules still see the members: a third party is refused.
    let third = Entry::detainee_transfer(day("2021-02-11"), q("1 persons"))
        .id("x-4")
        .from("RUS")
        .to("ARM")
        .exchange("x-2021-02-10")
        .build()
        .unwrap();
    assert!(ledger.insert(third).unwrap_err().to_string().contains("third party"));
}

/// A seeded generator shaped like `../shared/bench/gen_entries.py`: ids `e1`, `e2`, …, twenty
/// providers, twenty regions, 997 sources, quantities with up to three decimals.
fn generated(n: usize) -> Vec<Entry> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let providers = ["RU-EMERCOM", "RU-MOD", "ICRC", "UNHCR", "WFP", "UNICEF", "IOM", "ARCS", "HALO", "MSF"];
    let regions = ["Stepanakert", "Shusha", "Martuni", "Askeran", "Hadrut", "Aghdam", "Fuzuli", "Lachin"];
    let start = day("2020-11-10");
    (0..n)
        .map(|i| {
            let date = start + relief_ledger::chrono::Days::new(next(1512));
            let b = match next(3) {
                0 => Entry::cargo(date, Quantity::new(Decimal::new(next(400_000) as i64 + 1, 3), Unit::Tonne).unwrap())
                    .category(Category::ALL[next(6) as usize])
                    .from(providers[next(providers.len() as u64) as usize]),
                1 => Entry::returnees(date, Quantity::new(Decimal::from(next(400) + 1), Unit::Persons).unwrap()),
                _ => Entry::demining(
                    date,
                    Quantity::new(Decimal::new(next(20_000) as i64 + 1, 2), Unit::Hectare).unwrap(),
                )
                .category(Category::AreaCleared)
                .from(providers[next(providers.len() as u64) as usize]),
            };
            b.id(format!("e{}", i + 1))
                .to(["ARM", "AZE", "NKR"][next(3) as usize])
                .region(regions[next(regions.len() as u64) as usize])
                .source(format!("synthetic bulletin {}", i % 997))
                .build()
                .unwrap()
        })
        .collect()
}

#[test]
fn a_ledger_of_generated_entries_holds_at_most_64_bytes_an_entry() {
    const N: usize = 100_000;
    let entries = generated(N);
    let ledger = Ledger::from_entries(entries.clone()).unwrap();
    let bytes = ledger.heap_bytes();
    // The accounting counts what an entry needs at the least: its row (a first day, a quantity,
    // five symbols, a position) is more than 32 bytes.
    assert!(bytes > 32 * N, "{bytes} bytes for {N} entries: the accounting misses the rows");
    assert!(bytes <= 64 * N, "{} bytes an entry", bytes as f64 / N as f64);
    // And the compact form is the whole record.
    let mut expected = entries;
    expected.sort_by_key(|e| e.date().first_day());
    assert!(ledger.iter().eq(expected), "entries differ after the round trip");
}

/// A loader reads CSV and HXL files straight into the compact form, without building entries:
/// what it holds is what the entries of the same file give, every field and every position.
#[test]
fn a_loader_reads_every_field_into_the_compact_form_as_the_entries_give_it() {
    use relief_ledger::{Format, Loader, Role};
    // Files hold what was recorded; fills are what verification adds.
    let entries: Vec<Entry> = every_field().into_iter().filter(|e| e.unattributed().is_none()).collect();
    let expected = Ledger::from_entries(entries.clone()).unwrap();
    for format in [Format::Csv, Format::Hxl, Format::Jsonl, Format::Json] {
        let mut file = Vec::new();
        relief_ledger::write(&mut file, format, &entries, &[]).unwrap();
        let text = String::from_utf8(file).unwrap();
        let mut loader = Loader::new();
        loader.read(text.as_bytes(), "a", format, Role::Entries);
        let (ledger, _, places) = loader.finish_with_places().unwrap();
        let got: Vec<Entry> = ledger.iter_inserted().collect();
        let want: Vec<Entry> = expected.iter_inserted().collect();
        assert_eq!(got, want, "{format:?}");
        assert_eq!(ledger.iter().collect::<Vec<_>>(), expected.iter().collect::<Vec<_>>(), "{format:?}");
        // Each entry's line: after the header (two rows in HXL) in CSV, one a line in JSON Lines;
        // in a JSON document, each on a later line than the one before.
        let mut previous = 0;
        for (i, e) in entries.iter().enumerate() {
            let (file, line) = places.entry(e.id()).unwrap_or_default();
            assert_eq!(file, "a", "{format:?} {}", e.id());
            match format {
                Format::Hxl => assert_eq!(line, i as u64 + 3),
                Format::Csv => assert_eq!(line, i as u64 + 2),
                Format::Jsonl => assert_eq!(line, i as u64 + 1),
                _ => assert!(line > previous, "{format:?} {}: line {line} after {previous}", e.id()),
            }
            previous = line;
        }
    }
}

/// The places of a large load (its ids hashed on every core): every entry's file and line, and
/// nothing for an id no file has.
#[test]
fn places_of_a_large_load_name_every_entry() {
    use relief_ledger::{Format, Loader, Role};
    let n = 60_001;
    let mut a = String::from("id,date,kind,quantity,unit,to\n");
    let mut b = a.clone();
    for i in 0..n {
        let file = if i % 3 == 0 { &mut b } else { &mut a };
        file.push_str(&format!("e{i},2021-{:02}-{:02},cargo,{},t,NKR\n", 1 + i % 12, 1 + i % 28, 1 + i % 50));
    }
    let mut loader = Loader::new();
    loader.read(a.as_bytes(), "a.csv", Format::Csv, Role::Entries);
    loader.read(b.as_bytes(), "b.csv", Format::Csv, Role::Entries);
    let (ledger, _, places) = loader.finish_with_places().unwrap();
    assert_eq!(ledger.len(), n);
    let (mut line_a, mut line_b) = (1, 1);
    for i in 0..n {
        let expected = if i % 3 == 0 {
            line_b += 1;
            ("b.csv", line_b)
        } else {
            line_a += 1;
            ("a.csv", line_a)
        };
        assert_eq!(places.entry(&format!("e{i}")), Some(expected), "e{i}");
    }
    assert_eq!(places.entry("e60001"), None);
    assert_eq!(places.entry(""), None);
}

/// The places of a load whose records do not follow one a line: blank lines, notes over two or
/// three lines, CRLF line ends, in a file of several chunks (about 4.9 MB) and a file after it. Each
/// entry's line is counted as the files are written.
#[test]
fn places_count_lines_past_blank_lines_and_values_over_several_lines() {
    use relief_ledger::{Format, Loader, Role};
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for (name, n, end) in [("a.csv", 120_000u64, "\n"), ("b.csv", 20_000, "\r\n")] {
        let mut text = format!("id,date,kind,quantity,unit,to,note{end}");
        let mut line = 2;
        for i in 0..n {
            let id = format!("{name}-{i}");
            let note = match i % 11 {
                0 => format!("\"two{end}lines\""),
                5 => format!("\"three{end}lines{end}here\""),
                _ => String::new(),
            };
            text.push_str(&format!("{id},{},cargo,{},t,NKR,{note}{end}", day_of_2021((i * 7919) % 365), 1 + i % 9));
            expected.push((id, name, line));
            line += 1 + note.matches(end).count() as u64;
            if i % 7 == 3 {
                text.push_str(end);
                line += 1;
            }
            if i % 13 == 0 {
                text.push_str(&format!("{end}{end}"));
                line += 2;
            }
        }
        files.push((name, text));
    }
    assert!(files[0].1.len() > 4 << 20, "{} bytes", files[0].1.len());
    let mut loader = Loader::new();
    for (name, text) in &files {
        loader.read(text.as_bytes(), name, Format::Csv, Role::Entries);
    }
    let (ledger, _, places) = loader.finish_with_places().unwrap();
    assert_eq!(ledger.len(), expected.len());
    for (id, name, line) in &expected {
        assert_eq!(places.entry(id), Some((*name, *line)), "{id}");
    }
}

/// A load large enough to be read in several chunks and placed on every core: entries out of date
/// order, some with ids that are not a prefix and a number, quantities beyond the 32-bit
/// mantissa and notes, in each chunk. The ledger gives them back in date order (insertion order
/// within a day), in insertion order, and by id, each as the file wrote it.
#[test]
fn a_large_load_in_several_chunks_keeps_every_entry_in_date_order() {
    use relief_ledger::{Format, Loader, Role};
    let n: u64 = 250_000;
    let mut file = String::from("id,date,kind,quantity,unit,to,note\n");
    // (id, day of 2021 from 0, quantity, note) in file order.
    let mut expected: Vec<(String, u64, String, String)> = Vec::new();
    let mut state: u64 = 7;
    for i in 0..n {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let day = (state >> 33) % 365;
        let id = if i % 97 == 0 { format!("entry {i} of the file") } else { format!("e{i}") };
        let quantity = if i % 101 == 0 { format!("12345678901.{}", i % 10) } else { format!("{}", 1 + i % 50) };
        let note = if i % 89 == 0 { format!("note {i}") } else { String::new() };
        let date = day_of_2021(day);
        file.push_str(&format!("{id},{date},cargo,{quantity},t,NKR,{note}\n"));
        expected.push((id, day, quantity, note));
    }
    assert!(file.len() > 2 * (4 << 20), "the file fits in fewer than three chunks");
    let mut loader = Loader::new();
    loader.read(file.as_bytes(), "big.csv", Format::Csv, Role::Entries);
    let (ledger, _) = loader.finish().unwrap();
    let inserted: Vec<String> = ledger.iter_inserted().map(|e| e.id().to_string()).collect();
    let in_file: Vec<String> = expected.iter().map(|e| e.0.clone()).collect();
    assert_eq!(inserted, in_file);
    let mut by_date = expected.clone();
    by_date.sort_by_key(|e| e.1);
    let dated: Vec<(String, String)> = ledger.iter().map(|e| (e.id().to_string(), e.date().to_string())).collect();
    let want: Vec<(String, String)> = by_date.iter().map(|e| (e.0.clone(), day_of_2021(e.1))).collect();
    assert!(dated == want, "date order differs");
    for (id, _, quantity, note) in expected.iter().step_by(7).chain(expected.iter().filter(|e| !e.3.is_empty())) {
        let e = ledger.get(id).unwrap_or_else(|| panic!("{id} is not found"));
        assert_eq!(e.quantity(), q(&format!("{quantity} t")), "{id}");
        assert_eq!(e.note().unwrap_or(""), note.as_str(), "{id}");
    }
}

fn day_of_2021(n: u64) -> String {
    (day("2021-01-01") + relief_ledger::chrono::Days::new(n)).to_string()
}

/// Ids used twice in a load large enough to be placed by day on threads of their own, the two uses
/// on days far apart, on the same day, and the later use on an earlier day; and an id used three
/// times, each use on an earlier day than the one before: each later use (in the file) is named
/// with the line of the first, and the whole file is refused.
#[test]
fn ids_used_twice_in_a_large_load_are_named_with_both_lines() {
    use relief_ledger::{Format, Loader, Role};
    let n: u64 = 120_000;
    let mut file = String::from("id,date,kind,quantity,unit,to\n");
    let mut state: u64 = 11;
    for i in 0..n {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // Line 2 + i: e5 again at the end of the year (line 60,002), e7 again on its own day, e9
        // again early in the year (line 100,002), e11 again and again earlier (lines 50,002 and
        // 110,002).
        let (id, day) = match i {
            110_000 => ("e11".to_string(), 10),
            100_000 => ("e9".to_string(), 1),
            60_000 => ("e5".to_string(), 364),
            90_000 => ("e7".to_string(), 3),
            50_000 => ("e11".to_string(), 100),
            11 => ("e11".to_string(), 200),
            9 => ("e9".to_string(), 300),
            7 => ("e7".to_string(), 3),
            5 => ("e5".to_string(), 0),
            _ => (format!("e{i}"), (state >> 33) % 365),
        };
        file.push_str(&format!("{id},{},cargo,1,t,NKR\n", day_of_2021(day)));
    }
    let mut loader = Loader::new();
    loader.read(file.as_bytes(), "big.csv", Format::Csv, Role::Entries);
    let err = loader.finish().unwrap_err();
    let messages: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "big.csv: line 50002, field id: \"e11\" is already used at big.csv: line 13; ids must be unique",
            "big.csv: line 60002, field id: \"e5\" is already used at big.csv: line 7; ids must be unique",
            "big.csv: line 90002, field id: \"e7\" is already used at big.csv: line 9; ids must be unique",
            "big.csv: line 100002, field id: \"e9\" is already used at big.csv: line 11; ids must be unique",
            "big.csv: line 110002, field id: \"e11\" is already used at big.csv: line 13; ids must be unique",
        ]
    );
}

/// For each column of a generated record (the kind, category and unit as one, so that they go
/// together): values that make a valid entry with the others, and values that are odd (padded,
/// quoted as a formula, misspelt, of another kind or unit, out of range, missing).
const COLUMNS: [(&[&str], &[&str]); 11] = [
    (&["e", "cg-", "x"], &[" e", "'=e", "e ", ""]),
    (
        &["2021-04-07", "2021-12-31", "2020-11-14", "2021-04", "2021", "2021-04-07..2021-04-09"],
        &["2021-02-30", " 2021-04-07", "0000-01-01", "21-04-07", ""],
    ),
    (
        &[
            "cargo,,t",
            "cargo,humanitarian,t",
            "cargo,construction-material,kg",
            "cargo,,m3",
            "returnees,,persons",
            "detainee-transfer,pow,persons",
            "remains-transfer,,persons",
            "minefield-maps,,packages",
            "demining,area-cleared,ha",
            "demining,,m2",
        ],
        &[
            "Cargo,,t",
            "cargo,pow,t",
            "returnees,,t",
            ",,t",
            "cargo,,tons",
            "cargo,bogus,t",
            "demining,,persons",
            "cargo,, t",
        ],
    ),
    (&["", "flour", "''x", "'x", "x y"], &[" flour", "'=1+1", "x\u{a0}", " "]),
    (
        &["145", "32.45", "7", "2.50", "99999999999"],
        &["0", "-2", "1.5", "1,581", "0.0000000000000000000000000001", "1e3", " 7", ""],
    ),
    (&["ARM", "AZE"], &["", "ARM ", " AZE", "NKR\t"]),
    (&["NKR", "ARM"], &["", " NKR", "AZE"]),
    (&["", "ICRC"], &["  ", "ICRC "]),
    (&["", "Lachin"], &["Shusha\u{a0}", " Lachin"]),
    (&["", "s1", "bulletin 2"], &[" s1", "s1 ", "'+s"]),
    (&["", "a note"], &[" spaced note ", "5 mines"]),
];

/// A record's values: each column's valid value, but in at most one column an odd one (`odd`:
/// which column and which of its odd values), and mines (none, a count, or not a number).
fn record(
    valid: &[proptest::sample::Index],
    odd: Option<(usize, proptest::sample::Index)>,
    mines: &'static str,
    i: usize,
) -> String {
    let mut values: Vec<String> = COLUMNS
        .iter()
        .zip(valid)
        .enumerate()
        .map(|(c, ((good, bad), at))| match odd {
            Some((o, bad_at)) if o == c => bad_at.get(bad).to_string(),
            _ => at.get(good).to_string(),
        })
        .collect();
    // Ids of their own, but for the empty id (the file's name and line name the entry).
    if !values[0].is_empty() {
        values[0] = format!("{}{i}", values[0]);
    }
    // Mines: only minefield-maps entries may count them.
    values.push(mines.to_string());
    values.join(",") + "\n"
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// A loader makes most records of a CSV file straight into rows, and any record that is not in
    /// the plain form a writer gives the general way: either way, the ledger it makes (every field of
    /// every entry) and the problems it names are those of the file read into entries and then made
    /// into a ledger.
    #[test]
    fn records_read_straight_into_rows_are_the_entries_of_the_file(
        records in proptest::collection::vec((
            proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 11),
            proptest::option::of((0..11usize, proptest::prelude::any::<proptest::sample::Index>())),
            proptest::sample::select(&["", "", "", "5", "x"][..]),
        ), 1..16),
    ) {
        use relief_ledger::{Format, Loader, Role};
        let columns = "id,date,kind,category,unit,item,quantity,from,to,via,region,source,note,mines";
        let lines: Vec<String> =
            records.iter().enumerate().map(|(i, (valid, odd, mines))| record(valid, *odd, mines, i)).collect();
        // The same records in CSV, and in HXL under the hashtags our writer gives each column.
        for (format, header) in [(Format::Csv, format!("{columns}\n")), (Format::Hxl, format!("{columns}\n{}\n", hashtags(columns)))] {
            let entries = |text: &str| {
                relief_ledger::read(text.as_bytes(), "a", format, Role::Entries)
                    .and_then(|d| Ledger::from_entries(d.entries))
                    .map(|ledger| ledger.iter_inserted().collect::<Vec<Entry>>())
            };
            // The whole file, which most often has problems; then its records that are valid alone.
            let valid: String = lines.iter().filter(|l| entries(&format!("{header}{l}")).is_ok()).cloned().collect();
            for text in [format!("{header}{}", lines.concat()), format!("{header}{valid}")] {
                let mut loader = Loader::new();
                loader.read(text.as_bytes(), "a", format, Role::Entries);
                let loaded = loader.finish().map(|(ledger, _)| ledger.iter_inserted().collect::<Vec<Entry>>());
                let want = entries(&text);
                // The streaming fold takes the same rows (its keys are all of cells): its groups.
                let keys = [Key::Kind, Key::Category, Key::Item, Key::From, Key::To, Key::Via, Key::Region];
                let mut fold = relief_ledger::stream::Fold::group(&Scope::all(), &keys);
                fold.read(text.as_bytes(), "a", format, Role::Entries);
                match (fold.finish(), &want) {
                    (Ok(folded), Ok(want)) => {
                        let ledger = Ledger::from_entries(want.clone()).unwrap();
                        let theirs = ledger.group(&Scope::all(), &keys).unwrap();
                        let ours: Vec<_> = folded.groups().iter().map(|g| (g.key().to_vec(), *g.totals(), g.entries())).collect();
                        let theirs: Vec<_> = theirs.iter().map(|g| (g.key().to_vec(), *g.totals(), g.entries().len() as u64)).collect();
                        proptest::prop_assert_eq!(ours, theirs);
                    }
                    (Err(got), Err(want)) => proptest::prop_assert_eq!(got.to_string(), want.to_string()),
                    (got, want) => proptest::prop_assert!(false, "fold, {format:?}: {:?}\nagainst {want:?}\n{text}", got.err()),
                }
                match (loaded, want) {
                    (Ok(got), Ok(want)) => proptest::prop_assert_eq!(got, want),
                    (Err(got), Err(want)) => proptest::prop_assert_eq!(got.to_string(), want.to_string()),
                    (got, want) => proptest::prop_assert!(false, "{format:?}: {got:?}\nagainst {want:?}\n{text}"),
                }
            }
        }
    }
}

/// The row of hashtags for `columns` (names as in CSV, comma-separated), as our HXL writer tags
/// each column.
fn hashtags(columns: &str) -> String {
    let mut file = Vec::new();
    relief_ledger::write(&mut file, relief_ledger::Format::Hxl, &every_field(), &[]).unwrap();
    let text = String::from_utf8(file).unwrap();
    let mut rows = text.lines();
    let (names, tags) = (rows.next().unwrap(), rows.next().unwrap());
    let tag_of: std::collections::HashMap<String, &str> =
        names.split(',').map(|n| n.to_lowercase().replace(' ', "-")).zip(tags.split(',')).collect();
    columns.split(',').map(|c| tag_of[c]).collect::<Vec<_>>().join(",")
}
