//! The quick paths of the streaming fold (issue 12, its speed): numbers parsed without text, texts
//! found in a table of recent ones, groups found by codes of addresses. Each must give what the slow
//! path gives.

use proptest::prelude::*;
use relief_ledger::{Format, Key, KeyValue, Ledger, Role, Scope, parse_decimal, read, stream};
use rust_decimal::Decimal;

proptest! {
    /// Up to 18 digits take the quick path, more the slow one: both as `from_str_exact` reads them,
    /// value and scale (trailing zeros kept, so that a figure reads back as written).
    #[test]
    fn numbers_parse_as_rust_decimal_reads_them(
        int in "[0-9]{0,16}",
        frac in proptest::option::of("[0-9]{0,12}"),
        plus in any::<bool>(),
    ) {
        prop_assume!(!int.is_empty() || frac.as_deref().is_some_and(|f| !f.is_empty()));
        let text = match &frac {
            Some(f) => format!("{int}.{f}"),
            None => int.clone(),
        };
        let written = if plus { format!("+{text}") } else { text.clone() };
        let ours = parse_decimal(&written).unwrap();
        // The reference: leading zeros dropped, a point with nothing after it dropped.
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let reference = match frac.as_deref().filter(|f| !f.is_empty()) {
            Some(f) => format!("{int}.{f}"),
            None => int.to_string(),
        };
        let theirs = Decimal::from_str_exact(&reference).unwrap();
        prop_assert_eq!(ours, theirs);
        prop_assert_eq!(ours.scale(), theirs.scale());
        prop_assert_eq!(ours.to_string(), theirs.to_string());
    }
}

#[test]
fn numbers_at_the_edge_of_the_quick_path() {
    for (text, shown) in [
        ("999999999999999999", "999999999999999999"),
        ("9999999999999999999", "9999999999999999999"),
        ("0.000000000000000001", "0.000000000000000001"),
        ("000012.500", "12.500"),
        ("-3.25", "-3.25"),
        ("+7", "7"),
        ("5.", "5"),
    ] {
        assert_eq!(parse_decimal(text).unwrap().to_string(), shown, "{text}");
    }
    assert!(parse_decimal("1,581").is_err());
    assert!(parse_decimal("12a").is_err());
}

/// More distinct items than an interner shares (65,536), then items seen before: texts with the
/// same letters at two addresses make two codes in a thread, which the merge joins.
#[test]
fn groups_of_texts_past_what_is_shared_equal_the_ledgers() {
    let mut csv = String::from("id,date,kind,quantity,unit,item,to\n");
    let distinct = 70_000;
    for i in 0..distinct {
        csv.push_str(&format!("a{i},2021-04-07,cargo,1,t,item {i},NKR\n"));
    }
    for i in 0..3_000 {
        let item = 65_536 + i % 7 * 500;
        csv.push_str(&format!("b{i},2021-04-08,cargo,2.5,t,item {item},NKR\n"));
    }
    let keys = [Key::Item, Key::Kind];
    let ours = stream::group(csv.as_bytes(), "many.csv", Format::Csv, &Scope::all(), &keys).unwrap();
    let doc = read(csv.as_bytes(), "many.csv", Format::Csv, Role::Entries).unwrap();
    let ledger = Ledger::from_entries(doc.entries).unwrap();
    let theirs = ledger.group(&Scope::all(), &keys).unwrap();
    assert_eq!(ours.len(), distinct);
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o.key(), t.key());
        assert_eq!(o.totals(), t.totals(), "totals of {:?}", t.key());
        assert_eq!(o.entries(), t.entries().len() as u64);
    }
    // Past what is shared: 1 t once, and 2.5 t for each of the 3,000 / 7 (428 or 429) later rows.
    let item0 = ours.iter().find(|g| g.key()[0] == KeyValue::Text(Some("item 65536".into()))).unwrap();
    assert_eq!(item0.entries(), 1 + 429);
    assert_eq!(item0.totals().to_string(), "1073.5 t");
}

/// Cells, good and bad, for each column of an entry.
fn cell(column: usize) -> BoxedStrategy<String> {
    let pick = |v: &'static [&'static str]| proptest::sample::select(v).prop_map(str::to_string).boxed();
    match column {
        // id: given, left empty (the file and line name it), or used twice.
        0 => pick(&["", "e1", "e2", "x"]),
        1 => pick(&["2021-04-07", "2021-13-01", "2021-04", "2020-11..2020-12", "", "10000-01-01", "7 April"]),
        2 => pick(&["cargo", "returnees", "detainee-transfer", "demining", "minefield-maps", "bogus", ""]),
        3 => pick(&["", "food", "other", "area-cleared", "nope"]),
        4 => pick(&["", "flour", "'=1+2"]),
        5 => pick(&["1", "12.500", "0", "-2", "\"1,581\"", "", "79228162514264337593543950335", "1e3", "0.5"]),
        6 => pick(&["t", "kg", "persons", "ha", "km", "maps", "furlongs", ""]),
        7 | 8 => pick(&["ARM", "AZE", "", "\" NKR\""]),
        9 => pick(&["", "ICRC"]),
        10 => pick(&["", "Martuni"]),
        11 => pick(&["", "bulletin 1"]),
        12 => pick(&["", "a note"]),
        _ => pick(&["", "3", "x"]),
    }
}

/// Cells of cargo entries that the ledger takes, but for ids used twice.
fn good_cell(column: usize) -> BoxedStrategy<String> {
    let pick = |v: &'static [&'static str]| proptest::sample::select(v).prop_map(str::to_string).boxed();
    match column {
        0 => (0..40u32).prop_map(|i| if i < 4 { String::new() } else { format!("g{i}") }).boxed(),
        1 => pick(&["2021-04-07", "2021-04-30", "2020-11..2020-12", "2021-04", "2022"]),
        2 => pick(&["cargo"]),
        3 => pick(&["", "food", "other"]),
        4 => pick(&["", "flour", "'=1+2"]),
        5 => pick(&["1", "12.500", "0.5", "99"]),
        6 => pick(&["t", "kg"]),
        7 => pick(&["", "ARCS"]),
        8 => pick(&["ARM", "AZE", "NKR"]),
        9 => pick(&["", "ICRC"]),
        10 => pick(&["", "Martuni"]),
        11 => pick(&["", "bulletin 1"]),
        12 => pick(&["", "a note"]),
        _ => pick(&[""]),
    }
}

/// Rows, most of them good, some with cells of every sort.
fn records() -> impl Strategy<Value = Vec<Vec<String>>> {
    let any_record: Vec<BoxedStrategy<String>> = (0..14).map(cell).collect();
    let good_record: Vec<BoxedStrategy<String>> = (0..14).map(good_cell).collect();
    let record = prop_oneof![1 => any_record, 6 => good_record];
    proptest::collection::vec(record, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    /// Entries that fold as checked cells (an id, no exchange) and entries that are built (no id)
    /// are refused with the loader's own problems, positions and order, and otherwise total as
    /// the ledger's groups.
    #[test]
    fn checked_cells_are_refused_and_totalled_as_entries_are(rows in records()) {
        let mut csv = String::from("id,date,kind,category,item,quantity,unit,from,to,via,region,source,note,mines\n");
        for r in &rows {
            csv.push_str(&r.join(","));
            csv.push('\n');
        }
        let keys = [Key::Kind, Key::Category, Key::To, Key::Item];
        let mut loader = relief_ledger::Loader::new();
        loader.read(csv.as_bytes(), "p.csv", Format::Csv, Role::Entries);
        let theirs = loader.finish();
        let mut fold = stream::Fold::group(&Scope::all(), &keys);
        fold.chunk_size(64);
        fold.read(csv.as_bytes(), "p.csv", Format::Csv, Role::Entries);
        let ours = fold.finish();
        match (ours, theirs) {
            (Err(o), Err(t)) => prop_assert_eq!(o.to_string(), t.to_string()),
            (Ok(o), Ok((ledger, _))) => {
                let groups = ledger.group(&Scope::all(), &keys).unwrap();
                prop_assert_eq!(o.groups().len(), groups.len());
                for (a, b) in o.groups().iter().zip(&groups) {
                    prop_assert_eq!(a.key(), b.key());
                    prop_assert_eq!(a.totals(), b.totals());
                    prop_assert_eq!(a.entries(), b.entries().len() as u64);
                    prop_assert_eq!(a.first(), b.entries().first().map(|e| e.date()).unwrap());
                }
            }
            (o, t) => prop_assert!(false, "fold {:?}, loader {:?}", o.map(|f| f.entries()), t.map(|l| l.0.len())),
        }
    }
}
