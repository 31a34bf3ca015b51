//! Uncertain dates (issue 11) on the command line: entries dated to a month, a year or a range in
//! every format, `report --by month` with a year-dated entry and its `high` column, and `verify`'s
//! `undecided` status, `ledger_high` column and exit status.

#![cfg(feature = "cli")]

mod common;

use common::*;

/// Returnees to UKR: one known to the day, one to its month, one to a year, one to a range.
const ENTRIES: &str = "id,date,kind,quantity,unit,to\n\
    d,2024-03-05,returnees,10,persons,UKR\n\
    m,2024-11,returnees,5,persons,UKR\n\
    y,2023,returnees,7,persons,UKR\n\
    r,2024-11-01..2024-11-10,returnees,563,persons,UKR\n";

fn entries_file() -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = scratch();
    let path = dir.join("entries.csv");
    std::fs::write(&path, ENTRIES).unwrap();
    (dir, path)
}

#[test]
fn dates_of_every_precision_round_trip_through_every_format() {
    let (dir, path) = entries_file();
    let p = path.to_str().unwrap();
    for to in ["json", "jsonl", "hxl", "csv"] {
        let out = run(&["convert", p, "--to", to]);
        assert_eq!(out.status.code(), Some(0), "{to}: {}", stderr(&out));
        let text = stdout(&out);
        for date in ["2024-03-05", "2024-11", "2023", "2024-11-01..2024-11-10"] {
            assert!(text.contains(date), "{to} keeps {date}: {text}");
        }
        let ext = if to == "hxl" { "hxl.csv" } else { to };
        let back = dir.join(format!("back.{ext}"));
        std::fs::write(&back, &text).unwrap();
        // HXL is found by its hashtag row.
        let again = run(&["convert", back.to_str().unwrap(), "--to", "csv"]);
        assert_eq!(again.status.code(), Some(0), "{to} read back: {}", stderr(&again));
        let rows = csv_rows(&stdout(&again));
        let date = rows[0].iter().position(|c| c == "date").unwrap();
        let mut dates: Vec<&str> = rows[1..].iter().map(|r| r[date].as_str()).collect();
        dates.sort_unstable();
        assert_eq!(dates, ["2023", "2024-03-05", "2024-11", "2024-11-01..2024-11-10"], "{to}");
    }
}

#[test]
fn a_reversed_range_is_refused_with_its_line_and_field() {
    let dir = scratch();
    let path = dir.join("bad.csv");
    std::fs::write(&path, "date,kind,quantity,unit,to\n2024-11-10..2024-11-01,returnees,1,persons,UKR\n").unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 2") && err.contains("field date") && err.contains("starts after it ends"), "{err}");
}

#[test]
fn report_by_month_groups_a_year_dated_entry_under_its_year() {
    let (_dir, path) = entries_file();
    let out = run(&["report", path.to_str().unwrap(), "--by", "month", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[0], ["kind", "month", "unit", "total", "high"]);
    let row = |label: &str| rows.iter().find(|r| r[1] == label).cloned();
    assert_eq!(row("2023"), Some(vec!["returnees".into(), "2023".into(), "persons".into(), "7".into(), "7".into()]));
    assert_eq!(row("2024-11").map(|r| r[3].clone()), Some("568".into()), "the month and the range within it");
    // A period that holds November in part: the month and the range count possibly.
    let out = run(&["report", path.to_str().unwrap(), "--since", "2024-11-05", "--format", "csv"]);
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[1][2..], ["0", "568"]);
    let table = stdout(&run(&["report", path.to_str().unwrap(), "--since", "2024-11-05"]));
    assert!(table.contains("0..568"), "{table}");
}

#[test]
fn verify_lists_undecided_reports_and_exits_0() {
    let (dir, path) = entries_file();
    let reports = dir.join("reports.csv");
    std::fs::write(
        &reports,
        "id,published,kind,to,since,until,value,unit,qualifier\n\
         early-nov,2024-11-10,returnees,UKR,2024-11-01,2024-11-05,563,persons,exact\n\
         y2024,2025-01-01,returnees,UKR,2024,2024,578,persons,exact\n",
    )
    .unwrap();
    let args = ["verify", path.to_str().unwrap(), "--reports", reports.to_str().unwrap()];
    let out = run(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(out.status.code(), Some(0), "undecided is not a contradiction: {}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    assert_eq!(col("ledger_high"), col("ledger") + 1);
    let early = rows.iter().find(|r| r[0] == "early-nov").unwrap();
    assert_eq!(
        (early[col("status")].as_str(), early[col("ledger")].as_str(), early[col("ledger_high")].as_str()),
        ("undecided", "0", "568")
    );
    let year = rows.iter().find(|r| r[0] == "y2024").unwrap();
    assert_eq!((year[col("status")].as_str(), year[col("ledger_high")].as_str()), ("ok", "578"));
    let table = stdout(&run(&args));
    assert!(table.contains("1 undecided (early-nov)"), "{table}");
    assert!(table.contains("0..568"), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&[&args[..], &["--format", "json"]].concat()))).unwrap();
    assert_eq!(json[0]["ledger_high"], "568");
    // A report the record contradicts still exits 1.
    std::fs::write(&reports, "id,published,kind,to,value,unit\nover,2024-12-31,returnees,UKR,1,persons\n").unwrap();
    assert_eq!(run(&args).status.code(), Some(1));
}

#[test]
fn hxl_entries_may_give_their_range_as_date_start_and_date_end() {
    let dir = scratch();
    let path = dir.join("range.hxl.csv");
    std::fs::write(
        &path,
        "From,To,Kind,Persons,Destination\n\
         #date+start,#date+end,#x_kind,#output+num,#org+dest\n\
         2024-11-01,2024-11-10,remains-transfer,563,UKR\n\
         2024-12-05,,remains-transfer,10,UKR\n\
         2024-12,2024-12,remains-transfer,2,UKR\n",
    )
    .unwrap();
    let out =
        run(&["convert", path.to_str().unwrap(), "--to", "csv", "--assume", "unit=persons", "--assume", "from=RUS"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    let date = rows[0].iter().position(|c| c == "date").unwrap();
    let dates: Vec<&str> = rows[1..].iter().map(|r| r[date].as_str()).collect();
    assert_eq!(dates, ["2024-11-01..2024-11-10", "2024-12-05", "2024-12"]);
    // A reports file keeps #date+start and #date+end as its period beside its publication date.
    let reports = dir.join("reports.hxl.csv");
    std::fs::write(
        &reports,
        "Id,Published,Since,Until,Kind,Value,Unit\n\
         #meta+id,#date,#date+start,#date+end,#x_kind,#output+num,#x_unit\n\
         r1,2024-12-31,2024-11,2024-11,remains-transfer,563,persons\n",
    )
    .unwrap();
    let out = run(&[
        "verify",
        path.to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
        "--assume",
        "unit=persons",
        "--assume",
        "from=RUS",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("r1,ok,563"), "{}", stdout(&out));
}
