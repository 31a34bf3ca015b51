//! `relief-ledger exchanges`, `report --by exchange`, `report --count` and reports counted in
//! `exchanges`, run as a subprocess on the seed's files and on scratch files.
//!
//! The seed's four dated exchanges and their figures are those of `../shared/data/public-figures.md`
//! (AP 2020-12-14, Armenian Public Radio 2021-02-10, AFP 2021-06-12, Reuters 2021-07-03).

#![cfg(feature = "cli")]

mod common;

use common::*;

#[test]
fn exchanges_lists_the_seed_in_date_order_in_every_format() {
    let out = run(&["exchanges", SEED_ENTRIES]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "a header and four exchanges:\n{text}");
    assert!(lines[2].starts_with("x-2021-02-10  2021-02-10"), "{text}");
    assert!(
        lines[2].ends_with("ARM gave 1 persons (detainee-transfer); AZE gave 5 persons (detainee-transfer)"),
        "{text}"
    );

    let csv = csv_rows(&stdout(&run(&["exchanges", SEED_ENTRIES, "--format", "csv"])));
    assert_eq!(csv[0], ["id", "date", "last", "parties", "entries", "gave"]);
    let dates: Vec<&str> = csv[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(dates, ["2020-12-14", "2021-02-10", "2021-06-12", "2021-07-03"]);
    assert_eq!(csv[3][4], "dt-2021-06-12-arm mm-2021-06-12");
    assert_eq!(csv[3][5], "ARM gave 1 packages (minefield-maps); AZE gave 15 persons (detainee-transfer)");

    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["exchanges", SEED_ENTRIES, "--format", "json"]))).expect("JSON");
    let all = json.as_array().expect("an array");
    assert_eq!(all.len(), 4);
    let first = &all[0];
    assert_eq!(first["id"], "x-2020-12-14");
    assert_eq!(first["date"], "2020-12-14");
    assert_eq!(first["parties"], serde_json::json!(["ARM", "AZE"]));
    assert_eq!(first["entries"], serde_json::json!(["dt-2020-12-14-arm", "dt-2020-12-14-aze"]));
    // 44 handed over to Armenia, 12 to Azerbaijan.
    assert_eq!(first["gave"]["AZE"][0]["value"], "44");
    assert_eq!(first["gave"]["ARM"][0]["value"], "12");
    assert_eq!(first["received"]["ARM"][0]["unit"], "persons");
}

#[test]
fn exchanges_takes_a_scope() {
    let out = run(&["exchanges", SEED_ENTRIES, "--kind", "minefield-maps", "--format", "csv"]);
    let rows = csv_rows(&stdout(&out));
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["x-2021-06-12", "x-2021-07-03"]);
    let out = run(&["exchanges", SEED_ENTRIES, "--since", "2021-03", "--until", "2021-05"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("(no exchanges in scope"), "{}", stdout(&out));
    let out = run(&["exchanges", SEED_ENTRIES, "--kind", "prisoners"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn report_by_exchange_leaves_an_empty_cell_and_count_adds_entries_and_exchanges() {
    let dir = scratch();
    let file = dir.join("entries.csv");
    std::fs::write(
        &file,
        "id,date,kind,quantity,unit,from,to,exchange\n\
         a1,2020-12-14,detainee-transfer,44,persons,AZE,ARM,x1\n\
         a2,2020-12-14,detainee-transfer,12,persons,ARM,AZE,x1\n\
         b1,2021-02-10,detainee-transfer,5,persons,AZE,ARM,x2\n\
         lone,2021-03-01,detainee-transfer,2,persons,AZE,ARM,\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let rows =
        csv_rows(&stdout(&run(&["report", f, "--kind", "detainee-transfer", "--by", "exchange", "--format", "csv"])));
    // `high` (issue 11) equals `total` for entries dated to the day.
    assert_eq!(rows[0], ["exchange", "unit", "total", "high"]);
    assert_eq!(rows[1], ["", "persons", "2", "2"], "the entry without an exchange");
    assert_eq!(rows[2], ["x1", "persons", "56", "56"]);
    assert_eq!(rows[3], ["x2", "persons", "5", "5"]);

    let rows = csv_rows(&stdout(&run(&[
        "report",
        f,
        "--kind",
        "detainee-transfer",
        "--by",
        "to",
        "--count",
        "--format",
        "csv",
    ])));
    assert_eq!(rows[0], ["to", "unit", "total", "high", "entries", "exchanges"]);
    assert_eq!(rows[1], ["ARM", "persons", "51", "51", "3", "2"]);
    assert_eq!(rows[2], ["AZE", "persons", "12", "12", "1", "1"]);
    let rows = csv_rows(&stdout(&run(&["report", f, "--kind", "detainee-transfer", "--count", "--format", "csv"])));
    assert_eq!(rows[1], ["persons", "63", "63", "4", "2"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&[
        "report",
        f,
        "--kind",
        "detainee-transfer",
        "--count",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json[0]["exchanges"], "2");
    let out = run(&["report", f, "--by", "month", "--cumulative", "--count"]);
    assert_eq!(out.status.code(), Some(2), "--count with --cumulative is a usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_counts_the_seed_exchanges() {
    // Four dated exchanges in the seed: more than 3 holds, more than 4 does not.
    let out = run(&[
        "verify",
        SEED_ENTRIES,
        "--claim",
        "more-than 3 exchanges detainee-transfer since=2020-12-02 until=2021-11-09 id=n",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["ledger"], "4");
    assert_eq!(json[0]["unit"], "exchanges");
    let out = run(&["verify", SEED_ENTRIES, "--claim", "more-than 4 exchanges detainee-transfer until=2021-11-09"]);
    assert_eq!(out.status.code(), Some(1));
    // Maps were handed over in two of them.
    let out = run(&["verify", SEED_ENTRIES, "--claim", "exact 2 exchanges minefield-maps until=2021-11-09"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out =
        run(&["verify", SEED_ENTRIES, "--claim", "exact 4 exchanges detainee-transfer until=2021-11-09 mode=fill"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a number of exchanges cannot fill"), "{}", stderr(&out));
}

#[test]
fn entries_of_an_exchange_too_far_apart_are_bad_input() {
    let dir = scratch();
    let file = dir.join("entries.csv");
    std::fs::write(
        &file,
        "id,date,kind,quantity,unit,from,to,exchange\n\
         a,2021-06-12,detainee-transfer,15,persons,AZE,ARM,x\n\
         b,2021-06-19,minefield-maps,1,packages,ARM,AZE,x\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(run(&["exchanges", f]).status.code(), Some(0), "7 days apart");
    std::fs::write(
        &file,
        "id,date,kind,quantity,unit,from,to,exchange\n\
         a,2021-06-12,detainee-transfer,15,persons,AZE,ARM,x\n\
         b,2021-06-20,minefield-maps,1,packages,ARM,AZE,x\n",
    )
    .unwrap();
    let out = run(&["exchanges", f]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("entries.csv: line 3, field date: 2021-06-20 is 8 days after entry a"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
