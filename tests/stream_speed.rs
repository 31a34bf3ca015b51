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
