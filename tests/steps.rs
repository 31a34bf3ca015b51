//! Issue 7, items 9 to 11: running totals kept as steps whatever the span, a chart that never
//! panics and whose size does not depend on the span, and entry ids from files hashed with a keyed
//! hasher so that crafted ids cannot flood it.

use relief_ledger::{Dimension, Entry, Format, Kind, Ledger, Loader, Role, Scope, Series, Step, Unit, chart_svg};
use rust_decimal::Decimal;

const SEED_ENTRIES: &str = "examples/data/karabakh-2021/entries.csv";

fn seed() -> Ledger {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_ENTRIES);
    let text = std::fs::read(&path).expect("the seed's entries");
    let mut loader = Loader::new();
    loader.read(text.as_slice(), SEED_ENTRIES, Format::Csv, Role::Entries);
    let (ledger, _) = loader.finish().expect("the seed loads");
    ledger
}

fn cargo(id: &str, date: &str, quantity: &str) -> Entry {
    Entry::cargo(date.parse().unwrap(), quantity.parse().unwrap()).id(id).to("NKR").build().unwrap()
}

/// The widest scope a command line can give: `--since 0000 --until 9999`.
fn widest() -> Scope {
    Scope::all().period("0000..9999".parse().unwrap())
}

fn steps(series: &[Series]) -> usize {
    series.iter().map(|s| s.points().len()).sum()
}

#[test]
fn the_seed_over_ten_thousand_years_keeps_one_step_per_change() {
    let ledger = seed();
    assert_eq!(ledger.len(), 14, "the seed's entries");
    for step in [Step::Day, Step::Month] {
        let series = ledger.running(&widest(), &[], step).unwrap();
        assert_eq!(series.len(), 1);
        // At most one point per entry: a point only where the total changes.
        assert!(steps(&series) <= ledger.len(), "{step:?}: {} points for 14 entries", steps(&series));
        let (start, end) = series[0].span();
        let first = if step == Step::Day { "0000-01-01" } else { "0000-01-31" };
        assert_eq!((start.to_string().as_str(), end.to_string().as_str()), (first, "9999-12-31"), "{step:?}");
    }
}

#[test]
fn the_seed_charted_over_ten_thousand_years_is_a_small_svg() {
    let ledger = seed();
    let scope = widest();
    let by_to = ledger.running(&scope.clone(), &[relief_ledger::Key::To], Step::Day).unwrap();
    assert!(steps(&by_to) <= ledger.len());
    let svg = chart_svg(&by_to, Unit::Persons, "everything").unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    // The chart of a year of the same entries has the same size, within a few ticks' labels.
    let year = ledger.running(&Scope::all().period("2021".parse().unwrap()), &[relief_ledger::Key::To], Step::Day);
    let year = chart_svg(&year.unwrap(), Unit::Persons, "everything").unwrap();
    assert!(svg.len() < 2 * year.len() + 4096, "{} bytes over 10,000 years, {} over one", svg.len(), year.len());
    assert!(svg.len() < 64 * 1024, "{} bytes", svg.len());
    assert!(svg.matches("<text").count() < 60, "a bounded number of labels");
}

#[test]
fn dates_at_both_ends_of_the_calendar_work() {
    let ledger = Ledger::from_entries([
        cargo("first", "0001-01-01", "1 t"),
        cargo("middle", "2021-01-01", "2 t"),
        cargo("last", "9999-12-31", "4 t"),
    ])
    .unwrap();
    for step in [Step::Day, Step::Month] {
        let series = ledger.running(&Scope::all(), &[], step).unwrap();
        let figures: Vec<String> =
            series[0].points().iter().map(|(d, t)| format!("{d} {}", t.get(Dimension::Mass).unwrap())).collect();
        let expected = match step {
            Step::Day => ["0001-01-01 1 t", "2021-01-01 3 t", "9999-12-31 7 t"],
            _ => ["0001-01-31 1 t", "2021-01-31 3 t", "9999-12-31 7 t"],
        };
        assert_eq!(figures, expected, "{step:?}");
        let svg = chart_svg(&series, Unit::Tonne, "wide").unwrap();
        assert!(svg.len() < 64 * 1024, "{} bytes", svg.len());
        assert!(svg.contains("all (7 t)"), "the legend gives the final figure");
    }
}

#[test]
fn the_total_on_any_day_comes_from_the_steps() {
    let ledger = Ledger::from_entries([cargo("a", "2021-01-31", "1 t"), cargo("b", "2021-02-01", "500 kg")]).unwrap();
    let series = ledger.running(&Scope::all().period("2021-01-30..2021-02-02".parse().unwrap()), &[], Step::Day);
    let series = series.unwrap();
    let at = |d: &str| series[0].total_at(d.parse().unwrap()).to_string();
    assert_eq!(
        [at("2021-01-29"), at("2021-01-30"), at("2021-01-31"), at("2021-02-01"), at("2021-02-02"), at("2023-01-01")],
        ["0", "0", "1 t", "1.5 t", "1.5 t", "1.5 t"]
    );
}

/// Totals up to the largest decimal: the chart draws them, labels exact, and never panics.
#[test]
fn charts_of_totals_near_the_largest_decimal_do_not_panic() {
    let max = Decimal::MAX.to_string();
    let near = [
        vec![max.clone()],
        vec!["60000000000000000000000000000".to_string()],
        vec!["70000000000000000000000000000".to_string(), "9000000000000000000000000000".to_string()],
        vec!["39614081257132168796771975168".to_string(), "39614081257132168796771975167".to_string()],
        vec!["0.0000000000000000000000000001".to_string()],
    ];
    for quantities in near {
        let entries =
            quantities.iter().enumerate().map(|(i, q)| cargo(&format!("e{i}"), "2021-01-01", &format!("{q} t")));
        let ledger = Ledger::from_entries(entries).unwrap();
        let series = ledger.running(&Scope::all(), &[], Step::Day).unwrap();
        let sum: Decimal = quantities.iter().map(|q| q.parse::<Decimal>().unwrap()).sum();
        let svg = chart_svg(&series, Unit::Tonne, "large").unwrap();
        assert!(svg.contains(&format!("all ({} t)", sum.normalize())), "{quantities:?}: the legend is exact");
        assert!(svg.contains(">0<"), "{quantities:?}: the axis starts at zero");
        // In kilograms the figures do not fit a decimal: an error, not a panic.
        if sum > Decimal::from(1_000_000_000_000_000_000_000_000u128) {
            assert!(chart_svg(&series, Unit::Kilogram, "large").is_err(), "{quantities:?} in kg");
        }
    }
}

/// Two entries whose sum is past the largest decimal: the running total cannot be drawn, and says so.
#[test]
fn a_running_total_past_the_largest_decimal_is_an_error_not_a_panic() {
    let max = Decimal::MAX.to_string();
    let ledger = Ledger::from_entries([
        cargo("a", "2021-01-01", &format!("{max} t")),
        cargo("b", "2021-01-02", &format!("{max} t")),
    ]);
    let Ok(ledger) = ledger else { return }; // refusing such a ledger is fine too
    if let Ok(series) = ledger.running(&Scope::all(), &[], Step::Day) {
        assert!(chart_svg(&series, Unit::Tonne, "too large").is_err());
    }
}

/// `n` ids of 16 printable bytes that all had one hash under the old unkeyed id hash (FxHash: the
/// mix `(rotl(h, 5) ^ word) * SEED` is inverted for the second word).
fn ids_colliding_under_fxhash(n: usize) -> Vec<String> {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let ok = |b: u8| (0x21..=0x7e).contains(&b) && b != b',' && b != b'"';
    let mut out = Vec::new();
    for counter in 1u64.. {
        if out.len() == n {
            break;
        }
        let prefix = format!("{counter:08x}");
        let word = u64::from_le_bytes(prefix.as_bytes().try_into().unwrap());
        let last = (0x2a2a_2a2a_2a2a_2a2au64 ^ word.wrapping_mul(SEED).rotate_left(5)).to_le_bytes();
        if last.iter().all(|&b| ok(b)) {
            out.push(format!("{prefix}{}", std::str::from_utf8(&last).unwrap()));
        }
    }
    out
}

/// The attack, small: ids crafted to collide load, are found, and a repeat is still refused
/// with its line (the keyed hash that keeps them apart is tested in `ledger.rs`).
#[test]
fn ids_crafted_to_collide_load_and_are_found() {
    let ids = ids_colliding_under_fxhash(2000);
    let mut csv = String::from("id,date,kind,quantity,unit,to\n");
    for id in &ids {
        csv.push_str(&format!("{id},2021-01-01,cargo,1,t,NKR\n"));
    }
    let mut loader = Loader::new();
    loader.read(csv.as_bytes(), "crafted.csv", Format::Csv, Role::Entries);
    let (ledger, _) = loader.finish().unwrap();
    assert_eq!(ledger.len(), ids.len());
    assert!(ids.iter().all(|id| ledger.get(id).is_some_and(|e| e.id() == id)));
    csv.push_str(&format!("{},2021-01-02,cargo,1,t,NKR\n", ids[999]));
    let mut loader = Loader::new();
    loader.read(csv.as_bytes(), "crafted.csv", Format::Csv, Role::Entries);
    let err = loader.finish().unwrap_err().to_string();
    assert!(err.contains("line 2002") && err.contains(&ids[999]), "{err}");
}

#[cfg(feature = "cli")]
mod cli {
    use std::path::Path;
    use std::process::Command;

    #[test]
    fn chart_since_0000_until_9999_writes_a_small_svg() {
        let dir = std::env::temp_dir().join(format!("relief-ledger-steps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let svg = dir.join("wide.svg");
        let out = Command::new(env!("CARGO_BIN_EXE_relief-ledger"))
            .args(["chart", super::SEED_ENTRIES, "--since", "0000", "--until", "9999", "--unit", "persons", "--out"])
            .arg(&svg)
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let size = std::fs::metadata(&svg).unwrap().len();
        assert!(size < 64 * 1024, "{size} bytes");
        let text = std::fs::read_to_string(&svg).unwrap();
        // One line per kind: persons returned home and detainees transferred never add up.
        for kind in [super::Kind::Returnees, super::Kind::DetaineeTransfer] {
            let scope = super::Scope::all().kind(kind);
            let persons = super::seed().totals(&scope).unwrap().get(super::Dimension::Persons).unwrap();
            assert!(text.contains(&format!("{kind} ({persons})")), "the legend gives the seed's {kind}: {persons}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
