//! The JSON readers against hostile input (issue 7): a repeated key is refused at the line of its
//! second occurrence, every record of a document is placed on its own line, and a huge value
//! neither takes long to explain nor is echoed whole.

use std::time::{Duration, Instant};

use relief_ledger::{Error, Format, Role, read};

fn refused(text: &str, name: &str, format: Format, role: Role) -> Error {
    match read(text.as_bytes(), name, format, role) {
        Ok(doc) => panic!(
            "{name} was read ({} entries, {} reports), it should be refused",
            doc.entries.len(),
            doc.reports.len()
        ),
        Err(e) => e,
    }
}

/// (line, field) of every problem, in order.
fn places(err: &Error) -> Vec<(Option<u64>, Option<String>)> {
    err.problems().iter().map(|p| (p.position.line, p.field.clone())).collect()
}

const C1: &str = r#"{"id": "c1", "date": "2021-04-07", "kind": "cargo", "quantity": "145", "unit": "t", "to": "NKR"}"#;
const C2: &str = r#"{"id": "c2", "date": "2021-05-26", "kind": "cargo", "quantity": "155", "unit": "t", "to": "NKR"}"#;

#[test]
fn entries_twice_at_the_top_is_refused_at_the_second() {
    let text = format!("{{\n  \"entries\": [\n    {C1}\n  ],\n  \"entries\": [\n    {C2}\n  ]\n}}\n");
    let err = refused(&text, "twice.json", Format::Json, Role::Entries);
    assert_eq!(places(&err), vec![(Some(5), Some("entries".to_string()))], "{err}");
    let message = err.to_string();
    assert!(message.starts_with("twice.json: line 5, field entries: "), "{message}");
    assert!(message.contains("\"entries\" appears twice"), "{message}");
    assert!(message.contains("line 2"), "names the first occurrence too: {message}");
}

#[test]
fn a_field_twice_in_one_record_is_refused_at_the_second() {
    // The record spans lines, so that the line of the second key differs from the record's.
    let text = "{\"entries\": [\n  {\"id\": \"c1\", \"date\": \"2021-04-07\", \"kind\": \"cargo\",\n   \"quantity\": \"145\", \"unit\": \"t\",\n   \"to\": \"NKR\", \"quantity\": \"1450\"\n  }\n]}\n";
    let err = refused(text, "twice.json", Format::Json, Role::Entries);
    assert_eq!(places(&err), vec![(Some(4), Some("quantity".to_string()))], "{err}");
    let message = err.to_string();
    assert!(message.starts_with("twice.json: line 4, field quantity: "), "{message}");
    assert!(message.contains("\"quantity\" appears twice in one record"), "{message}");
    let p = &err.problems()[0];
    assert_eq!((p.position.record, p.position.id.as_deref()), (Some(1), Some("c1")));
}

#[test]
fn a_field_twice_in_a_json_lines_record_is_refused() {
    let line2 = C2.replace("\"unit\": \"t\"", "\"unit\": \"t\", \"quantity\": \"1\"");
    let text = format!("{C1}\n{line2}\n");
    let err = refused(&text, "twice.jsonl", Format::Jsonl, Role::Entries);
    assert_eq!(places(&err), vec![(Some(2), Some("quantity".to_string()))], "{err}");
    assert!(err.to_string().contains("\"quantity\" appears twice in one record"), "{err}");
}

#[test]
fn a_repeated_field_is_refused_even_when_both_values_agree_or_one_is_empty() {
    for (a, b) in [("\"145\"", "\"145\""), ("\"145\"", "null"), ("\"\"", "\"145\"")] {
        let record = format!(
            "{{\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": {a}, \"unit\": \"t\", \"to\": \"NKR\", \"quantity\": {b}}}"
        );
        let err = refused(&record, "twice.jsonl", Format::Jsonl, Role::Entries);
        assert!(err.to_string().contains("\"quantity\" appears twice in one record"), "{a} then {b}: {err}");
    }
}

#[test]
fn reports_twice_and_a_key_written_with_an_escape_are_repeats_too() {
    let report = r#"{"id": "r1", "published": "2021-11-09", "kind": "cargo", "value": "1581", "unit": "t"}"#;
    let text = format!("{{\"reports\": [{report}],\n\"entries\": [],\n\"re\\u0070orts\": []}}");
    let err = refused(&text, "twice.json", Format::Json, Role::Any);
    assert_eq!(places(&err), vec![(Some(3), Some("reports".to_string()))], "{err}");
}

/// A document whose records span several lines in both arrays, with one error in each array
/// after a multi-line record.
#[test]
fn every_record_of_a_document_is_placed_on_its_line() {
    let text = r#"{
  "entries": [
    {"id": "c1", "date": "2021-04-07", "kind": "cargo",
     "quantity": "145", "unit": "t", "to": "NKR"},
    {
      "id": "c2", "date": "2021-05-26", "kind": "cargo", "quantity": "155", "unit": "t", "to": "NKR"
    },
    {"id": "c3", "date": "2021-06-01", "kind": "cargo", "quantity": "1,581", "unit": "t", "to": "NKR"}
  ],
  "reports": [
    {"id": "r1", "published": "2021-11-09", "kind": "cargo",
     "value": "1581", "unit": "t"},

    {"id": "r2", "published": "2021-11-09", "kind": "cargo", "value": "800", "unit": "tons"}
  ]
}"#;
    let err = refused(text, "lines.json", Format::Json, Role::Any);
    assert_eq!(
        places(&err),
        vec![(Some(8), Some("quantity".to_string())), (Some(14), Some("unit".to_string()))],
        "{err}"
    );
    let records: Vec<Option<u64>> = err.problems().iter().map(|p| p.position.record).collect();
    assert_eq!(records, vec![Some(3), Some(2)]);

    // Without the errors, each record keeps the line it starts on.
    let good = text.replace("1,581", "1581").replace("tons", "t");
    let mut loader = relief_ledger::Loader::new();
    loader.read(good.as_bytes(), "lines.json", Format::Json, Role::Any);
    let (ledger, reports) = loader.finish().unwrap();
    assert_eq!(ledger.len(), 3);
    assert_eq!(reports.len(), 2);
}

#[test]
fn a_bare_array_and_a_key_after_the_arrays_are_placed_too() {
    let text = format!("[\n  {C1},\n  {{\"id\": \"c2\",\n   \"kind\": \"cargo\"}}\n]");
    let err = refused(&text, "bare.json", Format::Json, Role::Entries);
    assert!(err.problems().iter().all(|p| p.position.line == Some(3)), "{err}");
    let text = format!("{{\"entries\": [\n{C1}\n],\n\"colour\": \"red\"}}");
    let err = refused(&text, "key.json", Format::Json, Role::Entries);
    assert_eq!(places(&err), vec![(Some(4), Some("colour".to_string()))], "{err}");
}

#[test]
fn an_entry_without_an_id_is_named_by_its_line() {
    let text = "{\"entries\": [\n{\"date\": \"2021-04-07\", \"kind\": \"cargo\",\n \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"},\n{\"date\": \"2021-04-08\", \"kind\": \"cargo\", \"quantity\": \"2\", \"unit\": \"t\", \"to\": \"NKR\"}\n]}";
    let doc = read(text.as_bytes(), "noid.json", Format::Json, Role::Entries).unwrap();
    let ids: Vec<&str> = doc.entries.iter().map(|e| e.id()).collect();
    assert_eq!(ids, ["noid.json:2", "noid.json:4"]);
}

#[test]
fn figures_as_numbers_and_other_types_keep_their_messages() {
    let text = "{\"entries\": [{\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": 145.5, \"unit\": [\"t\"], \"to\": \"NKR\", \"mines\": 3}]}";
    let err = refused(text, "types.json", Format::Json, Role::Entries);
    let messages: Vec<&str> = err.problems().iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "is a JSON number with a fraction or an exponent, which a float cannot hold exactly (it reads as 145.5); write the figure as a string, its digits in quotes as published, such as \"1581.5\"",
            "expected a string, found an array"
        ],
        "{err}"
    );
    let err = refused("{\"entries\": [3, \"x\"]}", "types.json", Format::Json, Role::Entries);
    let messages: Vec<&str> = err.problems().iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        ["expected an object for each record, found a number", "expected an object for each record, found a string"]
    );
    let err = refused("{\"entries\": {}}", "types.json", Format::Json, Role::Entries);
    assert_eq!(err.to_string(), "types.json: line 1, field entries: expected an array, found an object");
}

#[test]
fn a_huge_unknown_field_is_explained_briefly_and_quickly() {
    // The issue's 100 MB column name, as a JSON Lines key.
    let name = "a".repeat(100 << 20);
    let text = format!(
        "{{\"{name}\": \"1\", \"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"}}\n"
    );
    let start = Instant::now();
    let err = refused(&text, "huge.jsonl", Format::Jsonl, Role::Entries);
    let took = start.elapsed();
    let message = err.to_string();
    assert!(message.len() < 1000, "a message of {} bytes", message.len());
    assert!(message.contains("…\" (104857600 characters)"), "{message}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn long_kinds_in_many_records_are_explained_briefly_and_quickly() {
    // The issue's 100,000 rows with 1,000-character kinds.
    let kind = "k".repeat(1000);
    let mut text = String::new();
    for i in 0..100_000 {
        text.push_str(&format!(
            "{{\"id\": \"c{i}\", \"date\": \"2021-04-07\", \"kind\": \"{kind}\", \"quantity\": \"1\", \"unit\": \"t\", \"to\": \"NKR\"}}\n"
        ));
    }
    let start = Instant::now();
    let err = refused(&text, "kinds.jsonl", Format::Jsonl, Role::Entries);
    let took = start.elapsed();
    assert_eq!(err.problems().len(), 100_000);
    let first = &err.problems()[0].message;
    assert!(first.len() < 300, "{first}");
    assert!(first.contains("…\" (1000 characters) is not a kind; expected one of cargo, "), "{first}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_huge_unknown_column_of_a_csv_file_is_explained_briefly() {
    // The issue's input: a 100 MB column name in a CSV header (22 s and a 200 MB message before).
    let name = "a".repeat(100 << 20);
    let text = format!("id,date,kind,quantity,unit,to,{name}\nc1,2021-04-07,cargo,145,t,NKR,x\n");
    let start = Instant::now();
    let err = refused(&text, "huge.csv", Format::Csv, Role::Entries);
    let took = start.elapsed();
    let message = err.to_string();
    assert!(message.len() < 1000, "a message of {} bytes", message.len());
    let cut = format!("\"{}…\" (104857600 characters)", "a".repeat(40));
    assert!(message.contains(&format!("unknown column {cut}; the columns are id, date,")), "{message}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn a_huge_figure_with_a_separator_is_echoed_cut() {
    let figure = format!("1{}", ",000".repeat(250_000));
    let text = format!(
        "{{\"date\": \"2021-04-07\", \"kind\": \"cargo\", \"quantity\": \"{figure}\", \"unit\": \"t\", \"to\": \"NKR\"}}"
    );
    let err = refused(&text, "figure.jsonl", Format::Jsonl, Role::Entries);
    let message = err.to_string();
    assert!(message.len() < 500, "a message of {} bytes", message.len());
    assert!(message.contains("(1000001 characters) has a thousands separator; write 1000000000"), "{message}");
    assert!(message.ends_with('…'), "{message}");
}

#[test]
fn a_json_number_with_more_digits_than_a_float_holds_is_never_suggested_back() {
    // 1234567890.12345678901234 reads as 1234567890.1234567 through a float: the message must not
    // offer that string as the figure to write.
    let text = r#"{"entries":[{"id":"a","date":"2021-01-01","kind":"cargo","unit":"t","to":"ARM","quantity":1234567890.12345678901234}]}"#;
    let err = refused(text, "n.json", Format::Json, Role::Entries);
    let message = &err.problems()[0].message;
    assert!(!message.contains("(\"1234567890.1234567\")"), "{message}");
    assert!(message.contains("write the figure as a string"), "{message}");
}
