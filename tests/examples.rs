//! Runs every example as a subprocess and checks what it prints (cargo builds the examples
//! before running the tests, next to the test binaries).

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> String {
    example_with(name, &[])
}

/// Runs an example with arguments; it must succeed and print UTF-8.
fn example_with(name: &str, args: &[&str]) -> String {
    let out = run(name, args);
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn run(name: &str, args: &[&str]) -> std::process::Output {
    let mut dir: PathBuf = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let exe = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    Command::new(&exe).args(args).output().unwrap_or_else(|e| panic!("running {}: {e}", exe.display()))
}

/// The cells of the table row that starts with `first`.
fn row<'a>(out: &'a str, first: &str) -> Vec<&'a str> {
    out.lines()
        .map(|l| l.trim())
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no row {first:?} in:\n{out}"))
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn karabakh_2021_prints_the_statement_figures_from_the_ledger() {
    let out = example("karabakh_2021");
    // The seed statement (2021-11-09): 122 returned, 105 to Armenia, 17 to Azerbaijan; of those,
    // public reports date 79 and 13 (public-figures.md).
    assert_eq!(
        row(&out, "mfa-returned-arm"),
        ["mfa-returned-arm", "exact 105 persons", "[105, 105]", "79", "26", "filled"]
    );
    assert_eq!(
        row(&out, "mfa-returned-aze"),
        ["mfa-returned-aze", "exact 17 persons", "[17, 17]", "13", "4", "filled"]
    );
    assert_eq!(row(&out, "mfa-returned "), ["mfa-returned", "exact 122 persons", "[122, 122]", "122", "-", "ok"]);
    let totals = |what: &str| row(&out, what).last().map(|s| s.to_string()).unwrap();
    assert_eq!(totals("persons returned"), "122 persons");
    assert_eq!(totals("of them to ARM"), "105 persons");
    assert_eq!(totals("of them to AZE"), "17 persons");
    assert_eq!(totals("packages of minefield maps"), "3 packages");
    assert_eq!(totals("EMERCOM humanitarian cargo"), "1581 t");
    assert_eq!(totals("EMERCOM construction material"), "800 t");
    assert_eq!(totals("people returned to their homes"), "53000 persons");
    assert_eq!(row(&out, "EMERCOM humanitarian cargo")[1], "2020-12-01..2021-06-30");
    let behind: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("Entries behind the 105")).skip(1).collect();
    assert_eq!(behind.len(), 4, "the four dated exchanges to Armenia:\n{out}");
    assert!(behind[3].contains("2021-07-03") && behind[3].contains("15 persons") && behind[3].contains("Reuters"));
}

#[test]
fn karabakh_2021_prints_the_four_dated_exchanges() {
    let out = example("karabakh_2021");
    // public-figures.md: 2020-12-14 (44 to Armenia, 12 to Azerbaijan), 2021-02-10 (1 prisoner of war
    // for 5 Armenians), 2021-06-12 and 2021-07-03 (15 detainees each for maps).
    assert!(out.contains("Exchanges: 4 in the record"), "{out}");
    assert_eq!(
        row(&out, "x-2020-12-14"),
        [
            "x-2020-12-14",
            "2020-12-14",
            "ARM AZE",
            "ARM gave 12 persons (detainee-transfer); AZE gave 44 persons (detainee-transfer)"
        ]
    );
    assert!(row(&out, "x-2021-02-10")[3].starts_with("ARM gave 1 persons (detainee-transfer); AZE gave 5 persons"));
    for day in ["x-2021-06-12", "x-2021-07-03"] {
        assert_eq!(
            row(&out, day)[3],
            "ARM gave 1 packages (minefield-maps); AZE gave 15 persons (detainee-transfer)",
            "{out}"
        );
    }
}

// The figures below come from the sources the data cite (examples/data/karabakh-2021 and
// ../shared/data/public-figures.md), not from the examples' output: the statement of 2021-11-09
// (105 returned to Armenia, 17 to Azerbaijan, 122 in all, 3 packages of maps, 1581 t and 800 t from
// EMERCOM, about 53,000 returnees), and the dated events that explain part of each.

/// Persons returned to Armenia in the four dated exchanges: AP, Armenian Public Radio, AFP, Reuters.
const DATED_TO_ARM: [u32; 4] = [44, 5, 15, 15];
/// Persons returned to Azerbaijan in the two dated exchanges: AP, Armenian Public Radio.
const DATED_TO_AZE: [u32; 2] = [12, 1];

#[test]
fn read_and_verify_reads_the_seed_files_and_verifies_every_figure() {
    let out = example("read_and_verify");
    // 8 dated transfers and maps, 4 convoys, 2 returnee days; 8 published figures.
    assert_eq!(out.lines().next(), Some("14 entries, 8 reports"), "{out}");
    let line = |id: &str| {
        let prefix = format!("{id}: ");
        out.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no line for {id} in:\n{out}"))
    };
    let to_arm: u32 = DATED_TO_ARM.iter().sum();
    let to_aze: u32 = DATED_TO_AZE.iter().sum();
    assert_eq!(to_arm + to_aze, 92);
    assert_eq!(
        line("mfa-returned-arm"),
        format!(
            "mfa-returned-arm: filled exact 105 persons in 2020-12-02..2021-11-09; ledger {to_arm}, filled {}",
            105 - to_arm
        )
    );
    assert_eq!(
        line("mfa-returned-aze"),
        format!(
            "mfa-returned-aze: filled exact 17 persons in 2020-12-02..2021-11-09; ledger {to_aze}, filled {}",
            17 - to_aze
        )
    );
    // Checks see every fill: 79 + 26 + 13 + 4.
    assert_eq!(line("mfa-returned"), "mfa-returned: ok exact 122 persons in 2020-12-02..2021-11-09; ledger 122");
    // Two humanitarian convoys dated in public reports from 2020-12 to 2021-06: 145 t and 155 t.
    let convoys = 145 + 155;
    assert_eq!(
        line("mfa-cargo-humanitarian"),
        format!(
            "mfa-cargo-humanitarian: filled exact 1581 t in 2020-12-01..2021-06-30; ledger {convoys}, filled {}",
            1581 - convoys
        )
    );
    // The construction material dated in public reports arrived in 2020-11, before the statement's period.
    assert!(line("mfa-cargo-construction").ends_with("ledger 0, filled 800"), "{out}");
    // About 53,000 after Sputnik's 49,054 of 2021-01-13 was filled: 3,946 more.
    assert!(line("mfa-returnees").ends_with(&format!("ledger 49054, filled {}", 53000 - 49054)), "{out}");
    assert!(out.contains("every figure holds: yes"), "{out}");

    // The bad file: both problems listed, each with its line and field.
    let refused: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("bad.csv is refused")).collect();
    assert_eq!(refused.first(), Some(&"bad.csv is refused (2 problems):"), "{out}");
    assert!(
        refused.get(1).is_some_and(|l| l.contains("bad.csv: line 2, field quantity") && l.contains("1581")),
        "{out}"
    );
    assert!(refused.get(2).is_some_and(|l| l.contains("bad.csv: line 3, field unit") && l.contains("tons")), "{out}");
}

#[test]
fn read_and_verify_exits_1_when_a_figure_does_not_hold_and_2_on_bad_input() {
    let dir = std::env::temp_dir().join(format!("relief-ledger-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/karabakh-2021/entries.csv");
    // TASS, 2020-12-01: more than 27,000 returned since 2020-11-14; the seed dates 250 + 1168.
    let reports = dir.join("tass.csv");
    std::fs::write(
        &reports,
        "id,published,kind,since,value,unit,qualifier\ntass,2020-12-01,returnees,2020-11-14,27000,persons,more-than\n",
    )
    .unwrap();
    let out = run("read_and_verify", &[seed, reports.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains(&format!("tass: short more-than 27000 persons in 2020-11-14..2020-12-01; ledger {}", 250 + 1168)),
        "{stdout}"
    );

    let out = run("read_and_verify", &[seed, dir.join("missing.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn group_by_month_totals_each_month_and_party() {
    let out = example("group_by_month");
    assert_eq!(out.lines().next(), Some("6 transfers in the ledger"));
    let cells = |month: &str, to: &str| {
        out.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|c| c.first() == Some(&month) && c.get(1) == Some(&to))
            .unwrap_or_else(|| panic!("no row {month} {to} in:\n{out}"))
    };
    // One row per month and receiving party, as public reports date them.
    for (month, to, persons) in [
        ("2020-12", "ARM", 44),
        ("2020-12", "AZE", 12),
        ("2021-02", "ARM", 5),
        ("2021-02", "AZE", 1),
        ("2021-06", "ARM", 15),
        ("2021-07", "ARM", 15),
    ] {
        let row = cells(month, to);
        assert_eq!(row.get(2..4), Some(&[persons.to_string().as_str(), "persons"][..]), "{month} {to}: {row:?}");
    }
    let rows = out.lines().filter(|l| l.trim_start().starts_with("202")).count();
    assert_eq!(rows, 6, "{out}");
    let party = |to: &str| {
        out.lines()
            .map(str::trim)
            .find(|l| l.starts_with(to) && l.contains(" in "))
            .unwrap_or_else(|| panic!("no total for {to} in:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    let to_arm: u32 = DATED_TO_ARM.iter().sum();
    let to_aze: u32 = DATED_TO_AZE.iter().sum();
    assert_eq!(party("ARM"), ["ARM", &to_arm.to_string(), "persons", "in", "4", "transfers"]);
    assert_eq!(party("AZE"), ["AZE", &to_aze.to_string(), "persons", "in", "2", "transfers"]);
    assert!(out.trim_end().ends_with(&format!("all of them: {} persons", to_arm + to_aze)), "{out}");
}

#[test]
fn claims_holds_explains_and_refuses() {
    let out = example("claims");
    // Each claim is echoed, followed by its verdict on the next line.
    let verdict = |id: &str| {
        let mut lines = out.lines().skip_while(|l| !(l.starts_with("claim: ") && l.contains(&format!("id={id}"))));
        lines.next().unwrap_or_else(|| panic!("no claim {id} in:\n{out}"));
        lines.next().unwrap_or_default().to_string()
    };
    assert_eq!(verdict("mfa-arm"), "holds");
    assert_eq!(verdict("convoys"), "holds", "145 t + 155 t = 300 t");
    assert_eq!(verdict("mfa-arm-check"), "does not hold:");
    assert_eq!(verdict("tass-2020-12-01"), "does not hold:");

    let to_arm: u32 = DATED_TO_ARM.iter().sum();
    let explained = format!("the ledger holds {to_arm} persons in 4 entries (difference -{})", 105 - to_arm);
    assert!(out.contains(&explained), "{out}");
    // The entries behind it: the four dated exchanges, with their sources.
    for (date, source) in [
        ("2020-12-14", "AP"),
        ("2021-02-10", "Armenian Public Radio"),
        ("2021-06-12", "AFP"),
        ("2021-07-03", "Reuters"),
    ] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(date) && l.contains(source)), "{date} {source}:\n{out}");
    }
    assert!(out.contains(&format!("the ledger holds {} persons in 2 entries", 250 + 1168)), "{out}");

    // The claim with typos: refused, each problem at its column.
    let refused: Vec<&str> = out.lines().skip_while(|l| *l != "refused:").skip(1).take(2).map(str::trim).collect();
    let claim = "about 53000 persns returnees since=2020-11-14 untill=2021-11-09";
    let column = |word: &str| claim.find(word).map(|i| i + 1).unwrap();
    assert_eq!(refused.len(), 2, "{out}");
    assert!(refused[0].starts_with(&format!("column {}, field unit: \"persns\"", column("persns"))), "{out}");
    assert!(refused[1].starts_with(&format!("column {}, field untill", column("untill"))), "{out}");
}

#[test]
fn outcomes_json_writes_records_another_program_can_read() {
    let out = example("outcomes_json");
    let records: serde_json::Value = serde_json::from_str(&out).unwrap();
    let records = records.as_array().unwrap();
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // One record per report, in the order of reports.csv.
    assert_eq!(
        ids,
        [
            "mfa-returned",
            "mfa-returned-arm",
            "mfa-returned-aze",
            "mfa-maps",
            "mfa-cargo-humanitarian",
            "mfa-cargo-construction",
            "sputnik-returnees-2021-01-13",
            "mfa-returnees"
        ]
    );
    let record = |id: &str| records.iter().find(|r| r["id"] == id).unwrap();
    // Figures are strings, so that no figure passes through a float.
    let convoys = 145 + 155;
    let cargo = record("mfa-cargo-humanitarian");
    assert_eq!(cargo["status"], "filled");
    assert_eq!(cargo["reported"], "1581");
    assert_eq!(cargo["unit"], "t");
    assert_eq!(cargo["ledger"], convoys.to_string());
    assert_eq!(cargo["difference"], format!("-{}", 1581 - convoys));
    assert_eq!(cargo["filled"], (1581 - convoys).to_string());

    let returned = record("mfa-returned");
    assert_eq!(returned["status"], "ok");
    assert_eq!(
        (&returned["low"], &returned["high"], &returned["ledger"]),
        (&"122".into(), &"122".into(), &"122".into())
    );
    assert_eq!(returned["filled"], serde_json::Value::Null);

    // About 53,000: rounding unit 1000 gives ±500, widened to ±2 % (1060).
    let returnees = record("mfa-returnees");
    let spread = 53000 * 2 / 100;
    assert_eq!(returnees["qualifier"], "about");
    assert_eq!(returnees["low"], (53000 - spread).to_string());
    assert_eq!(returnees["high"], (53000 + spread).to_string());
    assert_eq!(returnees["ledger"], "49054", "Sputnik's figure of 2021-01-13, filled before it");

    // The same records as CSV, for a spreadsheet.
    let csv = example_with("outcomes_json", &["csv"]);
    assert_eq!(
        csv.lines().next(),
        Some("id,status,reported,qualifier,unit,low,high,ledger,ledger_high,difference,filled,interval")
    );
    assert_eq!(csv.lines().count(), 1 + records.len());
}
