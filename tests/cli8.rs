//! The command-line corrections of issue 8, run as a user runs them: `report` never adds different
//! kinds together, json keys in `--by` order, `convert --format`, both keys of a JSON document,
//! `--explain` alone, exit statuses in every help, counts in words, `verify --claim`, and the
//! records of `verify --format csv|json` written by the library.

#![cfg(feature = "cli")]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;
use relief_ledger::{Format, Loader, Role};
use rust_decimal::Decimal;

/// The seed's totals per (kind, unit), summed here from the file itself.
fn seed_totals_by_kind() -> BTreeMap<(String, String), Decimal> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_ENTRIES);
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (kind, quantity, unit) = (col("kind"), col("quantity"), col("unit"));
    let mut totals = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let q: Decimal = rec[quantity].parse().unwrap();
        *totals.entry((rec[kind].to_string(), rec[unit].to_string())).or_insert(Decimal::ZERO) += q;
    }
    totals
}

#[test]
fn report_without_kind_never_adds_kinds_together() {
    let out = run(&["report", SEED_ENTRIES, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[0], ["kind", "unit", "total", "high"]);
    let expected = seed_totals_by_kind();
    // The seed is in canonical units (t, persons, packages), so each row is one kind's sum.
    let got: BTreeMap<(String, String), Decimal> =
        rows[1..].iter().map(|r| ((r[0].clone(), r[1].clone()), r[2].parse().unwrap())).collect();
    assert_eq!(got, expected);
    // Returnees and detainees are both persons, and stay apart.
    let persons: Vec<&Decimal> = got.iter().filter(|((_, u), _)| u == "persons").map(|(_, v)| v).collect();
    assert_eq!(persons.len(), 2, "{got:?}");
    let sum: Decimal = persons.into_iter().sum();
    assert!(!rows.iter().any(|r| r.last() == Some(&sum.to_string())), "no row adds them: {rows:?}");

    // The table too.
    let text = stdout(&run(&["report", SEED_ENTRIES]));
    assert!(text.lines().next().unwrap().starts_with("kind "), "{text}");
    assert!(!text.contains(&sum.to_string()), "{text}");

    // One kind in scope: no kind column.
    let out = run(&["report", SEED_ENTRIES, "--kind", "returnees", "--format", "csv"]);
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[0], ["unit", "total", "high"]);
    let returnees = expected[&("returnees".to_string(), "persons".to_string())];
    assert_eq!(rows[1], ["persons".to_string(), returnees.to_string(), returnees.to_string()]);
    // A category names its kind.
    let rows = csv_rows(&stdout(&run(&["report", SEED_ENTRIES, "--category", "humanitarian", "--format", "csv"])));
    assert_eq!(rows[0], ["unit", "total", "high"]);
    // --by without kind gets kind first; --by with kind keeps the order given.
    let rows = csv_rows(&stdout(&run(&["report", SEED_ENTRIES, "--by", "to", "--format", "csv"])));
    assert_eq!(rows[0], ["kind", "to", "unit", "total", "high"]);
    let rows = csv_rows(&stdout(&run(&["report", SEED_ENTRIES, "--by", "to,kind", "--format", "csv"])));
    assert_eq!(rows[0], ["to", "kind", "unit", "total", "high"]);
}

#[test]
fn report_json_keeps_the_by_keys_in_order() {
    for by in ["to,kind", "kind,to", "year,to,kind"] {
        let out = run(&["report", SEED_ENTRIES, "--by", by, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let csv = csv_rows(&stdout(&run(&["report", SEED_ENTRIES, "--by", by, "--format", "csv"])));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let items = json.as_array().unwrap();
        assert_eq!(items.len(), csv.len() - 1, "one object per csv row");
        // Every object's keys, in the order written, are the csv header.
        let first_object = &text[..text.find('}').unwrap()];
        let mut at: Vec<usize> = csv[0].iter().map(|k| first_object.find(&format!("\"{k}\":")).unwrap()).collect();
        let written = at.clone();
        at.sort_unstable();
        assert_eq!(written, at, "--by {by}: keys in the order of {:?}:\n{text}", csv[0]);
        for (obj, row) in items.iter().zip(&csv[1..]) {
            for (k, v) in csv[0].iter().zip(row) {
                assert_eq!(obj[k], v.as_str(), "--by {by}");
            }
        }
    }
}

#[test]
fn convert_takes_format_and_keeps_to_as_the_old_spelling() {
    let new = run(&["convert", SEED_ENTRIES, "--format", "json"]);
    assert_eq!(new.status.code(), Some(0), "{}", stderr(&new));
    let old = run(&["convert", SEED_ENTRIES, "--to", "json"]);
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
    assert_eq!(stdout(&new), stdout(&old));
    // Both at once, or neither: usage errors.
    assert_eq!(run(&["convert", SEED_ENTRIES, "--format", "json", "--to", "csv"]).status.code(), Some(2));
    assert_eq!(run(&["convert", SEED_ENTRIES]).status.code(), Some(2));
    let help = stdout(&run(&["convert", "--help"]));
    assert!(help.contains("--format <FORMAT>"), "{help}");
    assert!(help.contains("Deprecated"), "--to is documented as deprecated:\n{help}");
}

#[test]
fn convert_to_json_writes_both_keys() {
    for (file, present, absent) in [(SEED_ENTRIES, "entries", "reports"), (SEED_REPORTS, "reports", "entries")] {
        let out = run(&["convert", file, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert!(!doc[present].as_array().unwrap().is_empty(), "{file}: {present}");
        assert_eq!(doc[absent], serde_json::json!([]), "{file}: {absent} is an empty array");
    }
}

#[test]
fn explain_prints_only_the_explanation() {
    let out = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--explain", "mfa-returned-arm"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("mfa-returned-arm: filled: exact 105 persons"), "{text}");
    assert!(!text.contains("mfa-returned-aze"), "no other report: {text}");
    assert!(!text.contains("8 reports"), "no summary of every report: {text}");
    assert!(text.contains("the ledger holds 79 persons in 4 entries"), "{text}");

    let out =
        run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--explain", "mfa-returned-arm", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The seed statement: 105 returned to Armenia, 79 in four dated exchanges, 26 filled.
    assert_eq!(json["id"], "mfa-returned-arm");
    assert_eq!(json["status"], "filled");
    assert_eq!(json["reported"], "105");
    assert_eq!(json["ledger"], "79");
    assert_eq!(json["filled"], "26");
    let ids: Vec<&str> = json["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["dt-2020-12-14-arm", "dt-2021-02-10-arm", "dt-2021-06-12-arm", "dt-2021-07-03-arm"]);
}

#[test]
fn every_help_states_the_exit_statuses() {
    for sub in ["check", "report", "verify", "convert", "chart"] {
        let out = run(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(text.contains("Exit status: 0"), "{sub} --help:\n{text}");
        assert!(text.contains("2 bad input"), "{sub} --help:\n{text}");
    }
}

#[test]
fn counts_read_as_words() {
    let dir = std::env::temp_dir().join(format!("relief-ledger-cli8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("cargo.svg");
    let out = run(&["chart", SEED_ENTRIES, "--kind", "cargo", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("(1 line, in t)"), "{}", stdout(&out));
    let out = run(&["verify", SEED_ENTRIES, "--claim", "exact 1418 persons returnees until=2020-12-31"]);
    assert!(stdout(&out).contains("\n1 report: 1 ok"), "{}", stdout(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_claims_alone_and_with_reports() {
    // The claims: 105 returned to Armenia (79 dated in the seed), about 53,000 returnees.
    let arm = "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09";
    let out = run(&["verify", SEED_ENTRIES, "--claim", arm, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1), "short: {}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows[1][..2], ["claim-1", "short"]);
    assert_eq!(rows[1][7], "79");

    let fill = format!("{arm} mode=fill id=arm");
    let returnees = "about 53000 persons returnees since=2020-11-14 until=2021-11-09 mode=fill";
    let out = run(&["verify", SEED_ENTRIES, "--claim", &fill, "--claim", returnees, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][..2], ["arm", "filled"]);
    assert_eq!(rows[2][..2], ["claim-2", "filled"]);

    // With reports from files: every report, then the claims. Checks see every fill, so with the
    // seed's fill of the same statement (26 unattributed) the claim holds.
    let out = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--claim", arm, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    assert_eq!(rows.len(), 1 + 8 + 1, "a header, the 8 reports and the claim");
    assert_eq!(rows[9][..2], ["claim-1", "ok"]);
    assert_eq!(rows[9][7], "105");
}

#[test]
fn a_bad_claim_is_named_and_exits_2() {
    let good = "44 persons detainee-transfer to=ARM until=2020-12-14";
    let bad = "5 persns detainee-transfer to=ARM until=2021-02-10";
    let column = bad.find("persns").unwrap() + 1;
    let out = run(&["verify", SEED_ENTRIES, "--claim", good, "--claim", bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("--claim 2, column {column}, field unit: \"persns\" is not a unit")), "{err}");
    assert!(stdout(&out).is_empty(), "nothing verified: {}", stdout(&out));

    // A bad claim and a bad file: every problem at once.
    let out = run(&["verify", "tests/data/errors/decimal-comma.csv", "--claim", bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("2 problems"), "{err}");
    assert!(err.contains("--claim 1, column") && err.contains("decimal-comma.csv: line 2"), "{err}");
}

#[test]
fn verify_records_are_the_library_s() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut loader = Loader::new();
    loader.read_path(root.join(SEED_ENTRIES), Role::Any);
    loader.read_path(root.join(SEED_REPORTS), Role::Reports);
    let (ledger, reports) = loader.finish().unwrap();
    let v = ledger.verify(&reports).unwrap();
    for (flag, format) in [("csv", Format::Csv), ("json", Format::Json)] {
        let mut expected = Vec::new();
        relief_ledger::write_outcomes(&mut expected, format, &v).unwrap();
        let out = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--format", flag]);
        assert_eq!(out.stdout, expected, "--format {flag}");
    }
}

#[test]
fn chart_without_kind_never_adds_kinds_together() {
    let dir = std::env::temp_dir().join(format!("relief-ledger-cli8-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("persons.svg");
    let out = run(&["chart", SEED_ENTRIES, "--unit", "persons", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("(2 lines, in persons)"), "{}", stdout(&out));
    let text = std::fs::read_to_string(&svg).unwrap();
    let totals = seed_totals_by_kind();
    for kind in ["returnees", "detainee-transfer"] {
        let n = totals[&(kind.to_string(), "persons".to_string())];
        assert!(text.contains(&format!("{kind} ({n} persons)")), "a line for {kind}");
    }
    assert!(!text.contains("all ("), "no line adds the kinds together");
    // Groups with nothing of the unit's dimension draw no line.
    let svg = dir.join("kg.svg");
    let out = run(&["chart", SEED_ENTRIES, "--unit", "kg", "--by", "to", "--out", svg.to_str().unwrap()]);
    assert!(stdout(&out).contains("(1 line, in kg)"), "{}", stdout(&out));
    assert!(!std::fs::read_to_string(&svg).unwrap().contains("(0 kg)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_claim_without_a_date_is_checked_as_of_today() {
    // The issue's own example: about 53,000 returnees since 2020-11-14 (the MFA statement of 2021-11-09);
    // the seed's dated entries hold 250 + 1168 = 1418 returnees, so the claim is short, not refused.
    let out = Command::new(env!("CARGO_BIN_EXE_relief-ledger"))
        .args([
            "verify",
            "examples/data/karabakh-2021/entries.csv",
            "--claim",
            "about 53000 persons returnees since=2020-11-14",
            "--format",
            "csv",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().nth(1).unwrap_or_default();
    assert!(row.starts_with("claim-1,short,53000,about,persons,51940,54060,1418,"), "{row}");
}
