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

    /// The issue's reports near the limits: exit 2 with each refused at its line, never exit 101.
    #[test]
    fn verify_refuses_reports_at_the_limits_with_their_lines() {
        let dir = std::env::temp_dir().join(format!("relief-ledger-limits-edge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let entries = dir.join("entries.csv");
        let reports = dir.join("reports.csv");
        std::fs::write(&entries, "id,date,kind,quantity,unit,from,to\ne1,2021-01-15,cargo,5,t,RU-EMERCOM,NKR\n")
            .unwrap();
        std::fs::write(
            &reports,
            "id,published,kind,value,unit,qualifier,tolerance\n\
             a,2021-03-01,cargo,78000000000000000000000000000,t,about,\n\
             b,2021-03-01,cargo,79228162514264337593543950335,t,exact,1\n\
             c,2021-03-01,cargo,-79228162514264337593543950335,t,exact,\n",
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_relief-ledger"))
            .args(["verify", entries.to_str().unwrap(), "--reports", reports.to_str().unwrap()])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        for line in [
            "line 2, field value",
            "line 3, field value",
            "line 4, field value: \"-79228162514264337593543950335\" is negative",
        ] {
            assert!(stderr.contains(line), "{line}: {stderr}");
        }
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
    assert_eq!(parse_decimal("9.0000000000000000000000000000").ok(), Some(Decimal::from(9)));
    assert_eq!(parse_decimal("9.00000000000000000000000000000000000").ok(), Some(Decimal::from(9)));
    assert_eq!(parse_decimal("-0.50000000000000000000000000000000").unwrap().to_string(), "-0.5");
    assert_eq!(parse_decimal("0000000000000000000000000000000012.5").unwrap().to_string(), "12.5");
    let e = parse_decimal("9.00000000000000000000000000001").unwrap_err().to_string();
    assert!(e.contains("28"), "{e}");
    assert!(parse_decimal("79228162514264337593543950336").is_err(), "one past the largest decimal");
}

#[test]
fn trailing_zeros_that_fit_are_kept_as_written() {
    // A decimal keeps the digits it was written with (a Quantity still prints normalized).
    assert_eq!(parse_decimal("1.50").unwrap().to_string(), "1.50");
    assert_eq!(parse_decimal("576442.0").unwrap().to_string(), "576442.0");
}

fn report(
    id: &str,
    qualifier: Qualifier,
    value: &str,
    tolerance: Option<&str>,
) -> Result<Report, relief_ledger::Error> {
    let mut b = Report::builder(id, day("2021-12-31"), Kind::Cargo, value.parse().unwrap()).qualifier(qualifier);
    if let Some(t) = tolerance {
        b = b.tolerance(t.parse().unwrap());
    }
    b.build()
}

#[test]
fn reports_near_the_limits_of_a_decimal_are_refused_not_panicked_on() {
    let cases = [
        (Qualifier::About, "78000000000000000000000000000 t", None, "(±2 %) stands for figures past"),
        (Qualifier::Exact, "79228162514264337593543950335 t", Some("1"), "with tolerance 1 stands for figures past"),
        (Qualifier::About, "79228162514264337593543950335 t", Some("1"), "with tolerance 1 stands for figures past"),
    ];
    for (q, value, tolerance, message) in cases {
        let e = report("edge", q, value, tolerance).unwrap_err();
        assert!(e.is_data(), "{e}");
        let p = &e.problems()[0];
        assert_eq!((p.field.as_deref(), p.position.id.as_deref()), (Some("value"), Some("edge")), "{e}");
        assert!(p.message.contains(message) && p.message.contains("79228162514264337593543950335"), "{e}");
    }
    // At the limit but inside it: accepted, and verified without a panic.
    let ledger = Ledger::from_entries([cargo("2021-01-10", "79228162514264337593543950335 t")]).unwrap();
    let reports = [
        report("max", Qualifier::Exact, "79228162514264337593543950335 t", None).unwrap(),
        report("max-1", Qualifier::Exact, "79228162514264337593543950334 t", Some("1")).unwrap(),
        report("nearly", Qualifier::Nearly, "79228162514264337593543950335 t", None).unwrap(),
        report("zero", Qualifier::About, "0 t", None).unwrap(),
        report("wide", Qualifier::Exact, "0 t", Some("79228162514264337593543950335")).unwrap(),
    ];
    let v = ledger.verify(&reports).unwrap();
    let got: Vec<(Status, String)> = v.outcomes().iter().map(|o| (o.status(), v.difference(o).to_string())).collect();
    let want = [
        (Status::Ok, "0"),
        (Status::Ok, "1"),
        (Status::Over, "0"),
        (Status::Over, "79228162514264337593543950335"),
        (Status::Ok, "79228162514264337593543950335"),
    ];
    assert_eq!(got, want.map(|(s, d)| (s, d.to_string())));
}

#[test]
fn negative_published_figures_are_refused() {
    for value in ["-5 t", "-79228162514264337593543950335 t"] {
        let e = report("neg", Qualifier::Exact, value, None).unwrap_err();
        let shown = value.trim_end_matches(" t");
        let want = format!(
            "field value: {shown:?} is negative; a published figure counts what happened, so it is zero or more"
        );
        assert!(e.to_string().contains(&want), "{e}");
    }
    assert!(report("zero", Qualifier::AtMost, "0 t", None).is_ok(), "zero is a figure");
}

#[test]
fn interval_ends_past_28_places_are_rounded_inward() {
    // 2 % of 1.2345678901234567890123456789 is 0.024691357802469135780246913578: the true ends are
    // 1.209876532320987653232098765322 and 1.259259247925925924792592592478.
    let i = Qualifier::About.interval("1.2345678901234567890123456789".parse().unwrap(), None);
    assert_eq!(i.to_string(), "[1.2098765323209876532320987654, 1.2592592479259259247925925924]");
    assert!(!i.contains("1.2592592479259259247925925925".parse().unwrap()), "just past the true end");
    // Nearly 0.0000000000000000000000000001: [0, 1e-28).
    let i = Qualifier::Nearly.interval("0.0000000000000000000000000001".parse().unwrap(), None);
    assert_eq!(i.to_string(), "[0, 0.0000000000000000000000000001)");
}

#[test]
fn fill_with_a_bound_says_an_at_least_figure() {
    let e = Report::builder("f", day("2021-12-31"), Kind::Cargo, "5 t".parse().unwrap())
        .qualifier(Qualifier::AtLeast)
        .mode(Mode::Fill)
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("an at-least figure is a bound"), "{e}");
    let e = Report::builder("f", day("2021-12-31"), Kind::Cargo, "5 t".parse().unwrap())
        .qualifier(Qualifier::Nearly)
        .mode(Mode::Fill)
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("a nearly figure is a bound"), "{e}");
}

/// Any decimal, from the smallest to the largest, at any scale.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    let mantissa = prop_oneof![-1000i128..1000, -(1i128 << 96) + 1..(1i128 << 96), Just((1i128 << 96) - 1)];
    (mantissa, 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s))
}

proptest! {
    /// Every qualifier gives an interval for every decimal and tolerance, without a panic; when both
    /// ends fit, the checked interval is the same, and the figure itself lies in it where it should.
    #[test]
    fn intervals_never_panic(q in 0usize..6, v in any_decimal(), t in prop::option::of(any_decimal())) {
        let q = Qualifier::ALL[q];
        let i = q.interval(v, t);
        if let Some(c) = q.checked_interval(v, t) {
            prop_assert_eq!(c, i);
        }
        let inside = !matches!(q, Qualifier::MoreThan | Qualifier::Nearly);
        prop_assert_eq!(i.contains(v), inside, "{} {} {:?}: {}", q, v, t, i);
    }
}

#[test]
fn an_interval_of_a_figure_with_28_digits_and_a_tolerance_holds_the_figure() {
    // Found by `intervals_never_panic`: 28 significant digits, 4 of them decimals, ± 0.0001.
    let v: Decimal = "7922816251426433759354395.0335".parse().unwrap();
    let t: Decimal = "0.0001".parse().unwrap();
    for q in Qualifier::ALL {
        let i = q.interval(v, Some(t));
        let inside = !matches!(q, Qualifier::MoreThan | Qualifier::Nearly);
        assert_eq!(i.contains(v), inside, "{q} {v} ± {t}: {i}");
    }
}

#[test]
fn records_dated_where_files_cannot_write_them_are_refused() {
    use relief_ledger::chrono::NaiveDate;
    let ton: Quantity = "1 t".parse().unwrap();
    for bad in [NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(), NaiveDate::MIN, NaiveDate::MAX] {
        let err = Entry::cargo(bad, ton).to("NKR").build().unwrap_err();
        assert!(err.to_string().contains("dates run from 0000-01-01 to 9999-12-31"), "{err}");
        assert!(Report::builder("r", bad, Kind::Cargo, ton).build().is_err());
    }
    // The last day files hold is written and read back.
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    let e = Entry::cargo(last, ton).id("e").to("NKR").build().unwrap();
    let mut json = Vec::new();
    relief_ledger::write(&mut json, relief_ledger::Format::Json, std::slice::from_ref(&e), &[]).unwrap();
    let doc =
        relief_ledger::read(json.as_slice(), "e.json", relief_ledger::Format::Json, relief_ledger::Role::Any).unwrap();
    assert_eq!(doc.entries, [e]);
}
