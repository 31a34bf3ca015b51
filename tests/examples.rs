//! Runs every example as a subprocess and checks what it prints (cargo builds the examples
//! before running the tests, next to the test binaries).

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> String {
    let mut dir: PathBuf = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let exe = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let out = Command::new(&exe).output().unwrap_or_else(|e| panic!("running {}: {e}", exe.display()));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
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
