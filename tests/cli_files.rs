//! Files named on the command line and files written by it (issue 7): the same file named twice,
//! outputs written atomically and never over an input or through a symlink, the extension of an
//! output checked against its format, and the messages about missing files, fills and overflow.
//! Each test runs the binary as a subprocess on files made in a scratch folder.

#![cfg(feature = "cli")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// Two entries, in the form the CSV writer gives them (every column), so that what is written reads back
/// to the same bytes.
const ENTRIES: &str = "id,date,kind,category,item,quantity,unit,from,to,via,region,source,note\n\
    c1,2021-04-07,cargo,,,145,t,,NKR,,,,\n\
    c2,2021-05-26,cargo,,,155,t,,NKR,,,,\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a test file");
    path
}

/// The names in `dir`, sorted: a failed or finished command leaves no temporary file behind.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the scratch folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn assert_refused(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}: exit status; stderr: {}", stderr(out));
    assert!(out.stdout.is_empty(), "{what}: nothing on standard output, got {}", stdout(out));
}

/// The total of mass that `report --format csv` prints for `files`.
fn total(dir: &Path, files: &[&str]) -> String {
    let mut args = vec!["report"];
    args.extend(files);
    args.extend(["--format", "csv"]);
    let out = run_in(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

// Item 6: the same file named twice.

#[test]
fn the_same_file_named_twice_is_refused_not_counted_twice() {
    let dir = scratch();
    write(&dir, "a.csv", ENTRIES);
    // The file alone: 300 t (grouped by kind: issue 8).
    assert_eq!(total(&dir, &["a.csv"]), "kind,unit,total,high\ncargo,t,300,300\n");
    for (args, what) in [
        (vec!["report", "a.csv", "./a.csv"], "a.csv ./a.csv"),
        (vec!["report", "a.csv", "a.csv"], "a.csv a.csv"),
        (vec!["check", "a.csv", "../{dir}/a.csv"], "through the parent folder"),
    ] {
        let name = dir.file_name().unwrap().to_str().unwrap();
        let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", name)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_in(&dir, &args);
        assert_refused(&out, what);
        let err = stderr(&out);
        assert!(err.contains("are the same file") || err.contains("is named twice"), "{what}: {err}");
        assert!(err.contains(args[1]) && err.contains(args[2]), "{what}: both names are given: {err}");
        assert!(err.contains("name each file once"), "{what}: says how to fix it: {err}");
    }
}

#[cfg(unix)]
#[test]
fn the_same_file_through_a_symlink_or_a_hard_link_is_refused() {
    let dir = scratch();
    write(&dir, "a.csv", ENTRIES);
    std::os::unix::fs::symlink("a.csv", dir.join("link.csv")).unwrap();
    std::fs::hard_link(dir.join("a.csv"), dir.join("hard.csv")).unwrap();
    for other in ["link.csv", "hard.csv"] {
        let out = run_in(&dir, &["report", "a.csv", other]);
        assert_refused(&out, other);
        assert!(stderr(&out).contains(&format!("a.csv and {other} are the same file")), "{}", stderr(&out));
    }
}

#[test]
fn a_file_given_as_entries_and_as_reports_is_refused() {
    let dir = scratch();
    write(&dir, "a.csv", ENTRIES);
    write(&dir, "r.csv", "id,published,kind,value,unit\nr1,2021-06-01,cargo,300,t\n");
    let out = run_in(&dir, &["verify", "a.csv", "--reports", "r.csv", "./r.csv"]);
    assert_refused(&out, "verify with one reports file twice");
    assert!(stderr(&out).contains("r.csv and ./r.csv are the same file"), "{}", stderr(&out));
    let out = run_in(&dir, &["verify", "a.csv", "r.csv", "--reports", "r.csv"]);
    assert_refused(&out, "verify with a file both positional and under --reports");
    assert!(stderr(&out).contains("r.csv is named twice"), "{}", stderr(&out));
    // Two different files still verify.
    let out = run_in(&dir, &["verify", "a.csv", "--reports", "r.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// Item 14: files written.

#[test]
fn a_failed_convert_leaves_the_output_untouched() {
    let dir = scratch();
    // A document that holds entries and reports cannot be written as one CSV file.
    write(
        &dir,
        "both.json",
        r#"{"entries": [{"id": "c1", "date": "2021-04-07", "kind": "cargo", "quantity": "145", "unit": "t", "to": "NKR"}],
            "reports": [{"id": "r1", "published": "2021-06-01", "kind": "cargo", "value": "145", "unit": "t"}]}"#,
    );
    write(&dir, "bad.csv", "id,date,kind,quantity,unit,to\nc1,2021-02-30,cargo,145,t,NKR\n");
    let before = b"precious,bytes\n1,2\n";
    std::fs::write(dir.join("out.csv"), before).unwrap();
    let listing = names(&dir);
    for (input, what) in [("both.json", "a writer that fails"), ("bad.csv", "an input that is refused")] {
        let out = run_in(&dir, &["convert", input, "--to", "csv", "--out", "out.csv"]);
        assert_refused(&out, what);
        assert_eq!(std::fs::read(dir.join("out.csv")).unwrap(), before, "{what}: out.csv keeps its bytes");
        assert_eq!(names(&dir), listing, "{what}: no temporary file is left behind");
    }
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = scratch();
    let entries = write(&dir, "entries.csv", ENTRIES);
    for (args, what) in [
        (vec!["convert", "entries.csv", "--to", "csv", "--out", "entries.csv"], "convert over its input"),
        (vec!["convert", "entries.csv", "--to", "csv", "--out", "./entries.csv"], "convert over ./input"),
    ] {
        let out = run_in(&dir, &args);
        assert_refused(&out, what);
        assert!(stderr(&out).contains("is an input"), "{what}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&entries).unwrap(), ENTRIES, "{what}: the input keeps its bytes");
    }
    // The issue's case: the chart is SVG, so an output named .csv is refused before anything is written.
    let out = run_in(&dir, &["chart", "entries.csv", "--out", "entries.csv"]);
    assert_refused(&out, "chart --out entries.csv");
    assert_eq!(std::fs::read_to_string(&entries).unwrap(), ENTRIES, "chart: the input keeps its bytes");
}

#[cfg(unix)]
#[test]
fn an_output_that_links_to_an_input_is_refused() {
    let dir = scratch();
    let entries = write(&dir, "entries.csv", ENTRIES);
    std::os::unix::fs::symlink("entries.csv", dir.join("chart.svg")).unwrap();
    std::os::unix::fs::symlink("entries.csv", dir.join("copy.csv")).unwrap();
    let out = run_in(&dir, &["chart", "entries.csv", "--out", "chart.svg"]);
    assert_refused(&out, "chart --out a link to the input");
    assert!(stderr(&out).contains("chart.svg: is an input"), "{}", stderr(&out));
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "csv", "--out", "copy.csv"]);
    assert_refused(&out, "convert --out a link to the input");
    assert_eq!(std::fs::read_to_string(&entries).unwrap(), ENTRIES, "the input keeps its bytes");
    assert!(std::fs::symlink_metadata(dir.join("chart.svg")).unwrap().file_type().is_symlink(), "the link stays");
}

#[test]
fn the_extension_of_an_output_must_fit_its_format() {
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    for (args, expected) in [
        (vec!["convert", "entries.csv", "--to", "json", "--out", "x.csv"], ".json"),
        (vec!["convert", "entries.csv", "--to", "csv", "--out", "x.json"], ".csv"),
        (vec!["convert", "entries.csv", "--to", "jsonl", "--out", "x.json"], ".jsonl"),
        (vec!["convert", "entries.csv", "--to", "hxl", "--out", "x.txt"], ".hxl"),
        (vec!["chart", "entries.csv", "--out", "x.csv"], ".svg"),
        (vec!["chart", "entries.csv", "--out", "chart"], ".svg"),
    ] {
        let out = run_in(&dir, &args);
        assert_refused(&out, &args.join(" "));
        assert!(stderr(&out).contains(expected), "{}: {}", args.join(" "), stderr(&out));
    }
    assert_eq!(names(&dir), ["entries.csv"], "nothing is written");
    // What fits is written: HXL as .hxl or as .csv, any case.
    for (to, name) in [("hxl", "x.hxl"), ("hxl", "y.csv"), ("json", "Z.JSON"), ("jsonl", "w.jsonl")] {
        let out = run_in(&dir, &["convert", "entries.csv", "--to", to, "--out", name]);
        assert_eq!(out.status.code(), Some(0), "--to {to} --out {name}: {}", stderr(&out));
        assert!(dir.join(name).exists(), "{name} is written");
    }
    let out = run_in(&dir, &["chart", "entries.csv", "--out", "c.SVG"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symlink_is_replaced_not_followed() {
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    let victim_text = "{\"not\": \"ours\"}\n";
    let victim = write(&dir, "victim.json", victim_text);
    std::os::unix::fs::symlink("victim.json", dir.join("out.json")).unwrap();
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), victim_text, "the link's target is untouched");
    let meta = std::fs::symlink_metadata(dir.join("out.json")).unwrap();
    assert!(meta.file_type().is_file(), "the link is replaced by a regular file");
    // What was written reads back to the same entries.
    let back = run_in(&dir, &["convert", "out.json", "--to", "csv"]);
    assert_eq!(stdout(&back), ENTRIES);
    std::os::unix::fs::symlink("victim.json", dir.join("chart.svg")).unwrap();
    let out = run_in(&dir, &["chart", "entries.csv", "--out", "chart.svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), victim_text, "chart: the link's target is untouched");
    assert!(std::fs::read_to_string(dir.join("chart.svg")).unwrap().starts_with("<svg"));
}

#[test]
fn a_written_file_replaces_the_old_one_whole_and_leaves_nothing_else() {
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    // A longer old file: nothing of it may remain after the new one is written.
    write(&dir, "out.csv", &"x".repeat(10_000));
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "csv", "--out", "out.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("out.csv")).unwrap(), ENTRIES);
    assert_eq!(names(&dir), ["entries.csv", "out.csv"]);
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    let out_path = write(&dir, "out.json", "{}\n");
    std::fs::set_permissions(&out_path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::metadata(&out_path).unwrap().permissions().mode() & 0o777, 0o640);
    // A new file gets the permissions of any file created here (the umask's), not the 0600 of a temporary file.
    let reference = write(&dir, "reference.txt", "");
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "new.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("new.json")), mode(&reference));
}

#[test]
fn an_output_in_a_missing_folder_or_on_a_folder_is_refused_before_reading() {
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    std::fs::create_dir(dir.join("taken.json")).unwrap();
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "no-such-folder/x.json"]);
    assert_refused(&out, "a missing folder");
    assert!(stderr(&out).contains("no-such-folder/x.json"), "{}", stderr(&out));
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "taken.json"]);
    assert_refused(&out, "a folder");
    assert!(stderr(&out).contains("taken.json: is a folder"), "{}", stderr(&out));
}

#[test]
fn a_read_only_output_is_refused_not_replaced() {
    let dir = scratch();
    write(&dir, "entries.csv", ENTRIES);
    let kept = write(&dir, "kept.json", "{}\n");
    let mut permissions = std::fs::metadata(&kept).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&kept, permissions).unwrap();
    let out = run_in(&dir, &["convert", "entries.csv", "--to", "json", "--out", "kept.json"]);
    assert_refused(&out, "a read-only output");
    assert!(stderr(&out).contains("kept.json: the file is read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "{}\n", "the file keeps its bytes");
}

// Smaller messages.

#[test]
fn every_missing_input_file_is_named() {
    let dir = scratch();
    write(&dir, "a.csv", ENTRIES);
    let out = run_in(&dir, &["check", "nope1.csv", "a.csv", "nope2.csv"]);
    assert_refused(&out, "two missing files");
    let err = stderr(&out);
    assert!(err.contains("nope1.csv") && err.contains("nope2.csv"), "{err}");
    assert!(!err.contains("a.csv:"), "the file that exists is not blamed: {err}");
    // With a bad extension too, every file's problem at once.
    let out = run_in(&dir, &["report", "nope1.csv", "notes.txt", "nope2.json"]);
    assert_refused(&out, "missing files and a bad extension");
    let err = stderr(&out);
    assert!(err.contains("nope1.csv") && err.contains("nope2.json") && err.contains("notes.txt"), "{err}");
}

#[test]
fn a_fill_report_with_one_party_on_both_sides_is_named_by_its_file_and_line() {
    let dir = scratch();
    write(&dir, "e.csv", "id,date,kind,quantity,unit,from,to\ne1,2021-01-01,detainee-transfer,5,persons,AZE,ARM\n");
    write(
        &dir,
        "reports.csv",
        "id,published,kind,from,to,value,unit,mode\n\
         r0,2021-01-04,returnees,,NKR,3,persons,check\n\
         r1,2021-01-05,detainee-transfer,ARM,ARM,10,persons,fill\n",
    );
    let out = run_in(&dir, &["verify", "e.csv", "--reports", "reports.csv"]);
    assert_refused(&out, "a fill with from = to");
    let err = stderr(&out);
    assert!(err.contains("reports.csv: line 3, field to: ARM is both from and to"), "{err}");
    assert!(!err.contains("fill:r1"), "not named by the entry it would make: {err}");
    // It is refused when the file is read, whatever the ledger holds.
    let out = run_in(&dir, &["check", "reports.csv"]);
    assert_refused(&out, "check of a fill with from = to");
    assert!(stderr(&out).contains("reports.csv: line 3, field to"), "{}", stderr(&out));
}

#[test]
fn an_overflowing_total_names_the_file() {
    let dir = scratch();
    write(
        &dir,
        "big.csv",
        "id,date,kind,quantity,unit,to\n\
         e1,2021-01-01,cargo,79228162514264337593543950335,t,NKR\n\
         e2,2021-01-02,cargo,79228162514264337593543950335,t,NKR\n",
    );
    for cmd in ["report", "check"] {
        let out = run_in(&dir, &[cmd, "big.csv"]);
        assert_refused(&out, cmd);
        let err = stderr(&out);
        assert!(err.contains("big.csv"), "{cmd}: the file is named: {err}");
        assert!(err.contains("mass") && err.contains("does not fit"), "{cmd}: says what: {err}");
    }
    let out = run_in(&dir, &["chart", "big.csv", "--out", "big.svg"]);
    assert_refused(&out, "chart");
    assert!(stderr(&out).contains("big.csv"), "chart: {}", stderr(&out));
    assert!(!dir.join("big.svg").exists(), "no chart is written");
}

#[test]
fn the_fields_of_assume_are_named_once() {
    let dir = scratch();
    write(&dir, "a.csv", ENTRIES);
    let out = run_in(&dir, &["check", "a.csv", "--assume", "colour=red"]);
    assert_refused(&out, "an unknown field");
    let err = stderr(&out);
    let list = err.split("expected one of ").nth(1).unwrap_or_else(|| panic!("a list of fields: {err}"));
    let fields: Vec<&str> = list.trim().split(", ").collect();
    for f in ["id", "date", "kind", "unit", "published", "value", "source", "mode"] {
        assert_eq!(fields.iter().filter(|x| **x == f).count(), 1, "{f} once in {list}");
    }
}

#[test]
fn csv_printed_by_report_and_verify_never_holds_a_formula() {
    let dir = scratch();
    write(&dir, "e.csv", "id,date,kind,quantity,unit,to,item\ne1,2021-01-01,cargo,5,t,NKR,=cmd|' /C calc'!A0\n");
    write(&dir, "r.csv", "id,published,kind,value,unit\n@sum,2021-02-01,cargo,5,t\n");
    let report = run_in(&dir, &["report", "e.csv", "--by", "item", "--format", "csv"]);
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert_eq!(stdout(&report), "kind,item,unit,total,high\ncargo,'=cmd|' /C calc'!A0,t,5,5\n");
    let verify = run_in(&dir, &["verify", "e.csv", "--reports", "r.csv", "--format", "csv"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    let line = stdout(&verify).lines().nth(1).unwrap_or_default().to_string();
    assert!(line.starts_with("'@sum,ok,"), "{line}");
}
