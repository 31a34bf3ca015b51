//! Inputs the fuzz targets (fuzz/) found, each replayed through the operation the target ran on it.
//! `fuzz/src/ops.rs` is included by path, so that a test runs exactly what the target did; its
//! checks panic on a bug (a panic in the crate, a round trip that changes a record, a figure that
//! contradicts another way of computing it). Inputs are in tests/data/fuzz/; those of the `read`
//! and `parse` targets replay as they are, with `cargo fuzz run TARGET tests/data/fuzz/NAME` too.

#[allow(dead_code)]
#[path = "../fuzz/src/ops.rs"]
mod ops;

use std::path::Path;

use relief_ledger::{Entry, Kind, Ledger, Qualifier, Quantity, Report, Unit};
use rust_decimal::Decimal;

fn input(dir: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The operations pass on real data: the seed statement's entries and reports read by a loader,
/// round-tripped through every format, grouped, run, charted and verified.
#[test]
fn the_seed_example_passes_every_operation_of_the_read_target() {
    ops::read_input(&input("fuzz/corpus/read", "seed-karabakh-loader"));
}

/// `parse`: the interval of `about 79228162514264337593543950335` (Decimal::MAX) overflowed in
/// `Qualifier::interval` ("Addition overflowed" in rust_decimal's `add`).
#[test]
fn intervals_of_the_largest_decimal_do_not_panic() {
    ops::parse_input(&input("tests/data/fuzz", "about-decimal-max"));
}

/// `read`: a CSV file of one hashtag row (`#date,#x_kind,#output+num,#x_unit,`) reads as HXL with
/// no records; written as JSON Lines that is an empty file, which the JSON Lines reader refuses
/// ("the file is empty; JSON Lines has one object per line"): what we write, we cannot read back.
#[test]
fn an_empty_document_round_trips_through_json_lines() {
    ops::read_input(&input("tests/data/fuzz", "empty-jsonl-round-trip"));
}

/// `values` (tests/data/fuzz/values-tolerance-max): an `exact` report of Decimal::MAX t with a
/// tolerance of Decimal::MAX made `verify` panic in `Qualifier::interval` ("Addition overflowed").
/// It must verify, or be refused with an error; never panic.
#[test]
fn a_report_of_the_largest_decimal_with_a_tolerance_does_not_panic() {
    let day = "2021-01-01".parse().unwrap();
    let ledger =
        Ledger::from_entries([Entry::cargo(day, "145 t".parse().unwrap()).to("NKR").build().unwrap()]).unwrap();
    let value = Quantity::new(Decimal::MAX, Unit::Tonne).unwrap();
    let Ok(report) =
        Report::builder("r1", day, Kind::Cargo, value).qualifier(Qualifier::Exact).tolerance(Decimal::MAX).build()
    else {
        return; // refused as bad input: an answer
    };
    let reports = [report];
    if let Ok(v) = ledger.verify(&reports) {
        assert_eq!(v.outcomes().len(), 1);
        assert!(v.outcomes()[0].interval().contains(Decimal::from(145)), "145 lies within MAX ± MAX");
    }
}

/// `values` (tests/data/fuzz/values-chart-huge-total): a running total of 70000000000000000000000000000 t
/// made `chart_svg` panic in `nice_scale` (src/chart.rs, "Multiplication overflowed").
#[test]
fn a_chart_of_a_total_near_decimal_max_does_not_panic() {
    let value = Quantity::new("70000000000000000000000000000".parse().unwrap(), Unit::Tonne).unwrap();
    let ledger =
        Ledger::from_entries([Entry::cargo("2021-01-01".parse().unwrap(), value).to("NKR").build().unwrap()]).unwrap();
    let series = ledger.running(&relief_ledger::Scope::all(), &[], relief_ledger::Step::Day).unwrap();
    if let Ok(svg) = relief_ledger::chart_svg(&series, Unit::Tonne, "huge") {
        assert!(svg.starts_with("<svg"), "{svg}");
    }
}

/// `read` (tests/data/fuzz/hxl-source-ends-in-vertical-tab): an HXL reports file whose `source`
/// ends in U+000B (a vertical tab, `"…(A\u{b}"`). The HXL reader keeps the tab; the JSON writer
/// writes it (`\u000b`), but the JSON reader drops it, so the report changes in a JSON round trip
/// (`convert --to json` then reading back gives another source). The readers must agree: keep it,
/// or refuse padded text in every format as entries already do.
#[test]
fn a_source_ending_in_a_vertical_tab_round_trips_through_json() {
    ops::read_input(&input("tests/data/fuzz", "hxl-source-ends-in-vertical-tab"));
}

/// `values`: three areas whose exact sum needs 29 digits. The ledger's total was right; the target's
/// oracle, a chain of `Decimal::checked_add`, rounded the last digit (…290.068). The target now adds
/// exactly, and this checks both against the sum worked by hand:
/// 2,719,500 + 2 × 7922816251426433759354395.0335 = 15845632502852867521428290.067.
#[test]
fn a_total_that_needs_29_digits_is_exact() {
    let day = "2021-01-01".parse().unwrap();
    let big: Decimal = "7922816251426433759354395.0335".parse().unwrap();
    let entries = [Decimal::from(2_719_500), big, big].map(|v| {
        Entry::builder(Kind::Demining, day, Quantity::new(v, Unit::Hectare).unwrap()).from("HALO").build().unwrap()
    });
    let ledger = Ledger::from_entries(entries).unwrap();
    let total = ledger.totals(&relief_ledger::Scope::all()).unwrap();
    let area = total.checked_get(relief_ledger::Dimension::Area).unwrap().unwrap();
    assert_eq!(area.value().normalize().to_string(), "15845632502852867521428290.067");
    let oracle =
        [Decimal::from(2_719_500), big, big].into_iter().try_fold(ops::ExactParts::default(), |s, d| s.plus(d));
    assert_eq!(oracle.unwrap().to_string(), "15845632502852867521428290.067");
}
