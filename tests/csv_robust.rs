//! The CSV reader against hostile input (issue 7): quotes that would mislead the parallel reader's
//! chunk splitter, quotes that never close, hashtag rows in plain CSV, values that spreadsheets
//! would run as formulas, and CR line ends.

use relief_ledger::{Dimension, Entry, Format, Ledger, PartialDate, Period, Report, Role, Scope, read, write};

/// The entries of `text`, read as CSV.
fn entries(text: &[u8]) -> Result<Vec<Entry>, relief_ledger::Error> {
    read(text, "robust.csv", Format::Csv, Role::Entries).map(|d| d.entries)
}

/// The mass of cargo the entries hold until the end of January 2021, as written.
fn january_mass(entries: Vec<Entry>) -> String {
    let ledger = Ledger::from_entries(entries).unwrap();
    let until: PartialDate = "2021-01-31".parse().unwrap();
    let totals = ledger.totals(&Scope::all().period(Period::until(until))).unwrap();
    totals.get(Dimension::Mass).unwrap().to_string()
}

const HEADER: &str = "id,date,kind,quantity,unit,to,note\n";

/// Issue 7, item 1: a quote in the middle of an unquoted field is an ordinary character, and a
/// quoted note across two lines is one value, whatever the size of the file.
fn stray_quote_file(padding: usize) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for i in 0..30 {
        text.push_str(&format!("o{i},2021-01-{:02},cargo,1,t,NKR,ordinary\n", i % 28 + 1));
    }
    text.push_str("e1,2021-01-01,cargo,5,t,NK\"R,stray quote\n");
    text.push_str("eX,2021-01-02,cargo,1,t,NKR,\"hello\n");
    text.push_str("eZ,2021-01-03,cargo,999,t,NKR,x\"\n");
    for i in 0..padding {
        text.push_str(&format!("p{i},2021-06-01,cargo,1,t,NKR,padding\n"));
    }
    text.into_bytes()
}

#[test]
fn a_large_file_parses_as_its_first_lines_do() {
    let big = stray_quote_file(120_000);
    assert!(big.len() > 4 << 20, "the file spans more than one chunk");
    let first_200: Vec<u8> = {
        let mut lines = big.split_inclusive(|&b| b == b'\n');
        lines.by_ref().take(200).flatten().copied().collect()
    };
    let small = entries(&first_200).unwrap();
    let large = entries(&big).unwrap();
    // 30 ordinary tonnes, 5 for e1 and 1 for eX, whose note holds the line that looks like eZ.
    assert_eq!(january_mass(small), "36 t");
    let note = large.iter().find(|e| e.id() == "eX").and_then(|e| e.note().map(str::to_string));
    assert_eq!(note.as_deref(), Some("hello\neZ,2021-01-03,cargo,999,t,NKR,x"));
    assert!(large.iter().all(|e| e.id() != "eZ"), "no phantom entry eZ");
    assert_eq!(large.len(), 30 + 2 + 120_000);
    assert_eq!(january_mass(large), "36 t");
}
