//! `relief-ledger audit`: its formats and exit statuses, run as a subprocess on files.

#![cfg(feature = "cli")]

mod common;

use std::process::{Command, Output};

use common::{BIN, stdout};

const DUPLICATES: &str = "tests/data/audit/duplicate-entries.csv";
const CONTRADICTING: &str = "tests/data/audit/contradicting-reports.csv";

/// Runs `relief-ledger audit` with `args`.
fn run(args: &[&str]) -> Output {
    common::run(&[&["audit"], args].concat())
}

#[test]
fn warnings_pass_unless_denied() {
    let o = run(&[DUPLICATES]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("duplicate-event"), "{out}");
    assert!(out.trim_end().ends_with("1 finding: 0 errors, 1 warning, 0 notes"), "{out}");
    assert_eq!(run(&[DUPLICATES, "--deny", "warnings"]).status.code(), Some(1));
    // A window shorter than the day between the two dates finds nothing.
    let o = run(&[DUPLICATES, "--window", "0", "--deny", "warnings"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn errors_fail_and_json_lists_codes_and_sorted_ids_with_positions() {
    let o = run(&[DUPLICATES, "--reports", CONTRADICTING, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let findings = json.as_array().expect("an array");
    let first = &findings[0];
    assert_eq!(first["code"], "contradiction");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["reports"], serde_json::json!(["arm", "whole"]));
    assert_eq!(first["entries"], serde_json::json!([]));
    assert_eq!(first["positions"][0]["file"], CONTRADICTING);
    assert_eq!(first["positions"][0]["line"], 3);
    let dup = findings.iter().find(|f| f["code"] == "duplicate-event").expect("the duplicate");
    assert_eq!(dup["entries"], serde_json::json!(["ap", "mod"]));
    assert_eq!(dup["positions"][1]["line"], 3);
}

#[test]
fn csv_has_a_row_per_finding() {
    let o = run(&[DUPLICATES, "--reports", CONTRADICTING, "--format", "csv"]);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("code,severity,message,entries,reports,positions"));
    assert!(out.contains("contradiction,error,"), "{out}");
    assert!(out.contains("ap mod"), "{out}");
}

#[test]
fn bad_input_and_usage_exit_2() {
    assert_eq!(run(&["tests/data/audit/missing.csv"]).status.code(), Some(2));
    assert_eq!(run(&[DUPLICATES, "--deny", "errors"]).status.code(), Some(2));
    assert_eq!(run(&[DUPLICATES, "--window", "-1"]).status.code(), Some(2));
}

#[test]
fn the_seed_files_have_notes_only() {
    let o = run(&["examples/data/karabakh-2021/entries.csv", "--reports", "examples/data/karabakh-2021/reports.csv"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("mostly-unexplained"), "{out}");
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
}

#[test]
fn positions_come_from_json_lines_files_too() {
    // The duplicated entries of DUPLICATES converted to JSON Lines: one record a line, no header.
    let dir = std::env::temp_dir().join(format!("relief-ledger-audit-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let jsonl = dir.join("duplicates.jsonl");
    let converted = Command::new(BIN)
        .args(["convert", DUPLICATES, "--format", "jsonl", "--out"])
        .arg(&jsonl)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let o = run(&[jsonl.to_str().expect("a UTF-8 path"), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let dup = json.as_array().and_then(|f| f.iter().find(|f| f["code"] == "duplicate-event")).expect("the duplicate");
    // In the CSV file the entries stand on lines 2 and 3; in JSON Lines, on lines 1 and 2.
    let lines: Vec<&serde_json::Value> =
        dup["positions"].as_array().expect("positions").iter().map(|p| &p["line"]).collect();
    assert_eq!(lines, [1, 2]);
    let _ = std::fs::remove_dir_all(&dir);
}
