//! HXL through the command line and the library: files shaped like published ones (title rows above
//! the headers, untagged columns, mixed-case tags, attributes in any order, wide layouts), our own
//! HXL read back, and libhxl-python reading what we write.

#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use relief_ledger::{Assumptions, Dimension, Kind, Ledger, Role, Scope, read_file_with};

const BIN: &str = env!("CARGO_BIN_EXE_relief-ledger");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(root()).env("NO_COLOR", "1").output().expect("the binary runs")
}

fn assume(pairs: &[&str]) -> Assumptions {
    let mut a = Assumptions::new();
    for p in pairs {
        a.add_pair(p).unwrap();
    }
    a
}

#[test]
fn a_wide_table_of_returns_becomes_returnee_entries() {
    // Three rows above the hashtags, a code column beside the name, a breakdown beside the total,
    // an untagged comment column; tags in mixed case with spaces.
    let path = root().join("tests/data/hxl/returns-by-district.csv");
    let doc = read_file_with(&path, Role::Any, &assume(&["to=NKR"])).unwrap();
    let got: Vec<String> = doc
        .entries
        .iter()
        .map(|e| format!("{} {} {} {}", e.date(), e.kind(), e.quantity(), e.region().unwrap()))
        .collect();
    // TASS: 250 escorted on 2020-11-14, 1,168 arrived on 2020-12-01; the total column, not the women.
    assert_eq!(got, ["2020-11-14 returnees 250 persons Stepanakert", "2020-12-01 returnees 1168 persons Stepanakert"]);
    assert!(doc.entries.iter().all(|e| e.note().is_none()), "the untagged comment column is ignored");
    assert_eq!(
        doc.entries[0].id(),
        format!("{}:5", path.display()),
        "ids name the line, counted from the top of the file"
    );
}

#[test]
fn a_long_table_with_a_unit_column_becomes_cargo_entries() {
    let path = root().join("tests/data/hxl/cargo-deliveries.csv");
    let doc = read_file_with(&path, Role::Entries, &assume(&["kind=cargo"])).unwrap();
    let ledger = Ledger::from_entries(doc.entries).unwrap();
    // TASS: 45 t on 2020-11-24; Panorama: 145 t on 2021-04-07; TASS: 155 t on 2021-05-26 (here in kg).
    let totals = ledger.totals(&Scope::all().kind(Kind::Cargo).from("RU-EMERCOM").to("NKR")).unwrap();
    assert_eq!(totals.get(Dimension::Mass).unwrap().to_string(), "345 t");
    let aid = ledger.totals(&Scope::all().item("humanitarian aid")).unwrap();
    assert_eq!(aid.get(Dimension::Mass).unwrap().to_string(), "300 t");
}

#[test]
fn what_neither_file_nor_flags_give_is_said_clearly() {
    let out = run(&["check", "tests/data/hxl/cargo-deliveries.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: no column is tagged for the kind (such as #x_kind), and no --assume kind=... gives it"),
        "{err}"
    );
    let out = run(&["check", "tests/data/hxl/returns-by-district.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "line 5, field to: returnees needs the party it goes to; add a column tagged #org+dest, or --assume to=..."
        ),
        "{err}"
    );
    let out = run(&["check", "tests/data/hxl/cargo-deliveries.csv", "--assume", "unit=tons"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--assume: \"tons\" is not a unit; did you mean \"t\"?"));
    let out = run(&["check", "tests/data/hxl/cargo-deliveries.csv", "--assume", "colour=red"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_cli_reads_hxl_and_writes_it_back() {
    let out = run(&[
        "report",
        "tests/data/hxl/cargo-deliveries.csv",
        "--assume",
        "kind=cargo",
        "--by",
        "item",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        // Without --kind, totals are grouped by kind first (issue 8).
        "kind,item,unit,total,high\ncargo,construction material,t,45,45\ncargo,humanitarian aid,t,300,300\n"
    );
    // Written HXL has a human header row, then the hashtags.
    let out = run(&["convert", "examples/data/karabakh-2021/entries.csv", "--to", "hxl"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("Id,Date,Kind"));
    assert!(lines.next().unwrap().starts_with("#meta+id,#date+occurred,#x_kind"));
    // And reads back to the same entries.
    let dir = std::env::temp_dir().join(format!("relief-ledger-hxl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hxl = dir.join("seed.hxl");
    std::fs::write(&hxl, &text).unwrap();
    let back = relief_ledger::read_file(&hxl, Role::Entries).unwrap();
    let original =
        relief_ledger::read_file(root().join("examples/data/karabakh-2021/entries.csv"), Role::Entries).unwrap();
    assert_eq!(back.entries, original.entries);
}

/// libhxl-python is installed in a virtual environment under the target folder (once) and reads
/// what we write; skipped, saying why, only where Python is absent.
#[test]
fn libhxl_validates_our_hxl() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libhxl-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).output().expect("python3 runs");
        assert!(made.status.success(), "venv: {}", String::from_utf8_lossy(&made.stderr));
        let pip = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "libhxl==5.2.2", "six"])
            .output()
            .expect("pip runs");
        assert!(pip.status.success(), "pip install libhxl: {}", String::from_utf8_lossy(&pip.stderr));
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libhxl-check");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, input) in
        [("entries", "examples/data/karabakh-2021/entries.csv"), ("reports", "examples/data/karabakh-2021/reports.csv")]
    {
        let path = dir.join(format!("{name}-hxl.csv"));
        let out = run(&["convert", input, "--to", "hxl", "--out", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        files.push(path);
    }
    let script = dir.join("validate.py");
    std::fs::write(
        &script,
        "import sys, hxl, hxl.input\n\
         for path in sys.argv[1:]:\n\
         \x20   with open(path, 'rb') as f:\n\
         \x20       source = hxl.data(hxl.input.make_input(f))\n\
         \x20       tags = [c.display_tag for c in source.columns]\n\
         \x20       rows = sum(1 for _ in source)\n\
         \x20   with open(path, 'rb') as f:\n\
         \x20       report = hxl.validate(hxl.data(hxl.input.make_input(f)))\n\
         \x20   print(path, rows, 'valid' if report['is_valid'] else 'invalid', report['stats']['total'], ' '.join(tags))\n",
    )
    .unwrap();
    let out = Command::new(&python).arg(&script).args(&files).output().expect("the validator runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // 14 entries and 8 reports (the seed data), valid, with no issue at all.
    assert!(lines[0].contains(" 14 valid 0 #meta+id #date+occurred #x_kind"), "{text}");
    assert!(lines[1].contains(" 8 valid 0 #meta+id #date+reported #x_kind"), "{text}");
}
