//! Figures at the limits of a decimal (issue 7, items 2 and 8, and the decimal messages): the
//! verification index never wraps, never panics, and gives the exact figure or an overflow error
//! that names the report; reports near `Decimal::MAX` or below zero are refused, not panicked on.

use proptest::prelude::*;
use relief_ledger::{Entry, Kind, Ledger, Mode, Qualifier, Quantity, Report, Status, Unit, parse_decimal};
use rust_decimal::Decimal;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn cargo(date: &str, quantity: &str) -> Entry {
    Entry::cargo(day(date), quantity.parse().unwrap()).from("RU-EMERCOM").to("NKR").build().unwrap()
}

/// The issue's report: `exact 6975788521879238501 t until 2021-01`.
fn big_report() -> Report {
    Report::builder("big", day("2021-03-01"), Kind::Cargo, "6975788521879238501 t".parse().unwrap())
        .until("2021-01".parse().unwrap())
        .build()
        .unwrap()
}

#[test]
fn a_huge_and_a_tiny_entry_give_the_exact_figure_whichever_comes_first() {
    // The tiny entry lies outside the report's period: the ledger's figure is exactly the huge one,
    // though the bucket's prefix sums at 22 decimal places no longer fit 128 bits.
    // The issue's order (the huge entry first, the tiny one outside `until 2021-01`), and the reverse
    // (the tiny one first, outside `since 2021-01-16`).
    for (big_day, tiny_day, since) in
        [("2021-01-15", "2021-02-01", None), ("2021-01-20", "2021-01-15", Some("2021-01-16"))]
    {
        let ledger = Ledger::from_entries([
            cargo(big_day, "6975788521879238501 t"),
            cargo(tiny_day, "0.0000000000000000000001 t"),
        ])
        .unwrap();
        let mut report =
            Report::builder("big", day("2021-03-01"), Kind::Cargo, "6975788521879238501 t".parse().unwrap())
                .until("2021-01".parse().unwrap());
        if let Some(since) = since {
            report = report.since(since.parse().unwrap());
        }
        let reports = [report.build().unwrap()];
        let v = ledger.verify(&reports).unwrap();
        let o = &v.outcomes()[0];
        assert_eq!(
            (o.status(), o.ledger()),
            (Status::Ok, Decimal::from(6_975_788_521_879_238_501i64)),
            "big on {big_day}, tiny on {tiny_day}"
        );
        assert_eq!(v.difference(o), Decimal::ZERO);
        assert_eq!(v.entries(o).len(), 1);
    }
}

#[test]
fn a_ledger_figure_beyond_a_decimal_is_an_error_naming_the_report() {
    // Both entries in the period: 6975788521879238501.0000000000000000000001 needs 41 digits.
    let ledger = Ledger::from_entries([
        cargo("2021-01-10", "6975788521879238501 t"),
        cargo("2021-01-20", "0.0000000000000000000001 t"),
    ])
    .unwrap();
    let e = ledger.verify(&[big_report()]).unwrap_err().to_string();
    assert!(e.contains("report big") && e.contains("does not fit a decimal"), "{e}");
}

#[test]
fn sums_whose_exact_result_fits_are_never_refused_for_their_trailing_zeros() {
    // 10^20 t and 5.0000000000000000000 t (19 places, all zeros): 100000000000000000005 fits a decimal,
    // though the sum at 19 places does not fit 128 bits.
    let ledger = Ledger::from_entries([
        cargo("2021-01-10", "100000000000000000000 t"),
        cargo("2021-01-20", "5.0000000000000000000 t"),
    ])
    .unwrap();
    let r = Report::builder("r", day("2021-02-01"), Kind::Cargo, "100000000000000000005 t".parse().unwrap())
        .build()
        .unwrap();
    let reports = [r];
    let v = ledger.verify(&reports).unwrap();
    assert_eq!(v.outcomes()[0].status(), Status::Ok);
    assert_eq!(v.outcomes()[0].ledger().to_string(), "100000000000000000005");
    let totals = ledger.totals(&relief_ledger::Scope::all()).unwrap();
    assert_eq!(totals.to_string(), "100000000000000000005 t");
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::Command;

    /// The issue's inputs through the binary: exit 0 and the exact ledger, where release builds
    /// printed `short` with a ledger of 0.000820547648751665152 and debug builds panicked.
    #[test]
    fn verify_prints_the_exact_figure_for_the_issue_input() {
        let dir = std::env::temp_dir().join(format!("relief-ledger-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let entries = dir.join("entries.csv");
        let reports = dir.join("reports.csv");
        std::fs::write(
            &entries,
            "id,date,kind,quantity,unit,from,to\n\
             e1,2021-01-15,cargo,6975788521879238501,t,RU-EMERCOM,NKR\n\
             e2,2021-02-01,cargo,0.0000000000000000000001,t,RU-EMERCOM,NKR\n",
        )
        .unwrap();
        std::fs::write(
            &reports,
            "id,published,kind,until,value,unit\nbig,2021-03-01,cargo,2021-01,6975788521879238501,t\n",
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_relief-ledger"))
            .args(["verify", entries.to_str().unwrap(), "--reports", reports.to_str().unwrap(), "--format", "json"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json[0]["status"], "ok");
        assert_eq!(json[0]["ledger"], "6975788521879238501");
        assert_eq!(json[0]["difference"], "0");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Exact addition of non-negative decimals written as digit strings: the oracle the index is held to.
fn add_exact(a: &str, b: &str) -> String {
    let split = |s: &str| -> (String, String) {
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        (i.to_string(), f.to_string())
    };
    let ((ai, af), (bi, bf)) = (split(a), split(b));
    let places = af.len().max(bf.len());
    let width = ai.len().max(bi.len()) + 1;
    let digits = |i: &str, f: &str| -> Vec<u8> {
        let mut s = format!("{i:0>width$}{f:0<places$}");
        s.retain(|c| c.is_ascii_digit());
        s.bytes().map(|b| b - b'0').collect()
    };
    let (x, y) = (digits(&ai, &af), digits(&bi, &bf));
    let mut out = vec![0u8; x.len()];
    let mut carry = 0;
    for k in (0..x.len()).rev() {
        let d = x[k] + y[k] + carry;
        out[k] = d % 10;
        carry = d / 10;
    }
    let text: String = out.iter().map(|d| char::from(b'0' + d)).collect();
    let (int, frac) = text.split_at(text.len() - places);
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    match (int.is_empty(), frac.is_empty()) {
        (true, true) => "0".into(),
        (true, false) => format!("0.{frac}"),
        (false, true) => int.into(),
        (false, false) => format!("{int}.{frac}"),
    }
}

/// A positive quantity in tonnes with an extreme mantissa or scale.
fn extreme() -> impl Strategy<Value = Decimal> {
    let mantissa = prop_oneof![1i128..1000, 1i128..(1i128 << 64), 1i128..(1i128 << 96), Just((1i128 << 96) - 1)];
    (mantissa, 0u32..=28, 0u32..4).prop_map(|(m, s, zeros)| {
        // Some mantissas carry trailing zeros, so that scales are not always those of the figure.
        let m = (0..zeros).fold(m, |m, _| m.checked_mul(10).filter(|&x| x < (1i128 << 96)).unwrap_or(m));
        Decimal::from_i128_with_scale(m, s)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The index's figure for every period equals the exact sum of the entries in it, or the
    /// verification is refused when that sum does not fit a decimal; it is never another number.
    #[test]
    fn index_sums_equal_an_exact_sum_at_extreme_scales(
        values in prop::collection::vec((extreme(), 0i64..6), 1..8),
        since in 0i64..6,
        length in 0i64..6,
    ) {
        let start = day("2021-01-01");
        let entries: Vec<Entry> = values
            .iter()
            .map(|(v, d)| Entry::cargo(start + chrono::Duration::days(*d), Quantity::new(*v, Unit::Tonne).unwrap())
                .from("RU-EMERCOM").to("NKR").build().unwrap())
            .collect();
        let ledger = Ledger::from_entries(entries).unwrap();
        let (lo, hi) = (start + chrono::Duration::days(since), start + chrono::Duration::days(since + length));
        let reports = [
            Report::builder("r", day("2022-01-01"), Kind::Cargo, "1 t".parse().unwrap())
                .since(lo.into()).until(hi.into()).qualifier(Qualifier::AtLeast).build().unwrap(),
            // A second report over every entry, so that the bucket holds them all.
            Report::builder("all", day("2022-01-01"), Kind::Cargo, "1 t".parse().unwrap())
                .qualifier(Qualifier::AtLeast).build().unwrap(),
        ];
        let expected = values
            .iter()
            .filter(|(_, d)| (since..=since + length).contains(d))
            .fold("0".to_string(), |acc, (v, _)| add_exact(&acc, &v.to_string()));
        let fits = Decimal::from_str_exact(&expected).ok();
        match ledger.verify(&reports[..1]) {
            Ok(v) => {
                let got = v.outcomes()[0].ledger();
                prop_assert_eq!(Some(got), fits, "exact sum {}", expected);
                prop_assert_eq!(got.to_string(), expected);
            }
            Err(e) => prop_assert!(fits.is_none(), "refused {} though it fits: {}", expected, e),
        }
        // With every entry in one bucket, the figure for the same period is the same.
        if let Ok(v) = ledger.verify(&reports) {
            prop_assert_eq!(Some(v.outcomes()[0].ledger()), fits);
        }
    }
}

#[test]
fn fill_reports_at_the_limit_fill_exactly() {
    let ledger = Ledger::from_entries([cargo("2021-01-10", "0.0000000000000000000001 t")]).unwrap();
    let r = Report::builder("fill", day("2021-02-01"), Kind::Cargo, "6975788521879238501 t".parse().unwrap())
        .mode(Mode::Fill)
        .build()
        .unwrap();
    // 6975788521879238501 − 10^-22 needs 41 digits: refused, never rounded.
    assert!(ledger.verify(&[r]).is_err());
}

#[test]
fn decimals_with_trailing_zeros_past_28_places_are_exact() {
    assert_eq!(parse_decimal("9.0000000000000000000000000000"), Ok(Decimal::from(9)));
    assert_eq!(parse_decimal("9.00000000000000000000000000000000000"), Ok(Decimal::from(9)));
    assert_eq!(parse_decimal("-0.50000000000000000000000000000000").unwrap().to_string(), "-0.5");
    assert_eq!(parse_decimal("0000000000000000000000000000000012.5").unwrap().to_string(), "12.5");
    let e = parse_decimal("9.00000000000000000000000000001").unwrap_err();
    assert!(e.contains("28"), "{e}");
    assert!(parse_decimal("79228162514264337593543950336").is_err(), "one past the largest decimal");
    let _ = Qualifier::Exact;
}
