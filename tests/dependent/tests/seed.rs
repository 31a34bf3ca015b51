//! The seed statement's figures checked as a dependent crate's test would check them.

use relief_ledger::{Entry, Ledger, assert_claims};

/// The four dated exchanges in public reports that returned detainees to Armenia
/// (`shared/data/public-figures.md` of the project): 44, 5, 15 and 15 persons.
fn exchanges() -> Ledger {
    let mut ledger = Ledger::new();
    for (date, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
        let entry = Entry::detainee_transfer(date.parse().unwrap(), format!("{n} persons").parse().unwrap())
            .from("AZE")
            .to("ARM")
            .build()
            .unwrap();
        ledger.insert(entry).unwrap();
    }
    ledger
}

#[test]
fn the_seed_claim_holds_as_a_fill() {
    assert_claims!(
        exchanges(),
        r#"exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill source="MFA, 2021-11-09""#,
    );
}

#[test]
fn as_a_check_it_fails_and_shows_the_79_persons_behind_it() {
    let failed = exchanges()
        .check_claims(&["exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa-105"])
        .unwrap_err();
    assert_eq!(failed.failed(), ["mfa-105"]);
    let text = failed.to_string();
    assert!(text.contains("mfa-105: short: exact 105 persons"), "{text}");
    assert!(text.contains("the ledger holds 79 persons in 4 entries (difference -26)"), "{text}");
    for date in ["2020-12-14", "2021-02-10", "2021-06-12", "2021-07-03"] {
        assert!(text.contains(date), "{date} is shown: {text}");
    }
    let as_error: &dyn std::error::Error = &failed;
    assert!(as_error.source().is_none());
}

#[test]
fn a_claim_round_trips_through_its_line() {
    let r = relief_ledger::parse_claim("about 53000 persons returnees since=2020-11-14 until=2021-11-09").unwrap();
    assert_eq!(relief_ledger::parse_claim(&r.to_claim()).unwrap(), r);
    let _date: relief_ledger::chrono::NaiveDate = r.published();
}
