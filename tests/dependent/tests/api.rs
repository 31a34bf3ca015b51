//! What a dependent crate does with the library: store and send its values, tell problems apart by
//! kind, and feed it extreme values without a panic. Figures are the seed's (the 2021-11-09 statement
//! and the dated exchanges in `shared/data/public-figures.md` of the project).

use relief_ledger::chrono::NaiveDate;
use relief_ledger::rust_decimal::Decimal;
use relief_ledger::{
    Entry, Format, Kind, Ledger, Outcome, PartialDate, ProblemKind, Quantity, Report, Role, Status, Unit, read,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn entries_reports_and_outcomes_travel_as_json() {
    let entry = Entry::detainee_transfer(day(2020, 12, 14), Quantity::new(Decimal::from(44), Unit::Persons).unwrap())
        .id("dt-2020-12-14")
        .from("AZE")
        .to("ARM")
        .build()
        .unwrap();
    let json = serde_json::to_string(&entry).unwrap();
    assert!(json.contains(r#""quantity":"44""#) && json.contains(r#""date":"2020-12-14""#), "{json}");
    assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);

    let report: Report = "exact 44 persons detainee-transfer to=ARM until=2020-12-14 id=r".parse().unwrap();
    let back: Report = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);

    let ledger = Ledger::from_entries([entry]).unwrap();
    let reports = [report];
    let verification = ledger.verify(&reports).unwrap();
    let outcome = &verification.outcomes()[0];
    assert_eq!((outcome.status(), outcome.report_id()), (Status::Ok, "r"));
    let sent = serde_json::to_string(outcome).unwrap();
    let received: Outcome = serde_json::from_str(&sent).unwrap();
    assert_eq!(&received, outcome);

    // A record that breaks the builders' rules does not deserialize.
    let bad = json.replace(r#""quantity":"44""#, r#""quantity":"-44""#);
    assert!(serde_json::from_str::<Entry>(&bad).is_err());
}

#[test]
fn problems_are_told_apart_by_kind() {
    let file = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,tons,NKR\nc1,2021-04-08,cargo,1,t,NKR\n";
    let err = read(file.as_bytes(), "entries.csv", Format::Csv, Role::Entries).unwrap_err();
    let kinds: Vec<ProblemKind> = err.problems().iter().map(|p| p.kind()).collect();
    assert!(kinds.contains(&ProblemKind::BadUnit), "{err}");
    let twice = Ledger::from_entries(
        read(
            "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\nc1,2021-04-08,cargo,1,t,NKR\n".as_bytes(),
            "e.csv",
            Format::Csv,
            Role::Entries,
        )
        .unwrap()
        .entries,
    )
    .unwrap_err();
    assert!(twice.problems().iter().all(|p| p.kind() == ProblemKind::DuplicateId), "{twice}");
}

#[test]
fn extreme_values_give_errors_not_panics() {
    assert!(PartialDate::month(2021, 13).is_err());
    assert!(PartialDate::year(i32::MAX).is_err());
    let max = Quantity::new(Decimal::MAX, Unit::Tonne).unwrap();
    assert!(max.to_unit(Unit::Kilogram).is_err(), "MAX tonnes in kilograms does not fit a decimal");
    let mut ledger = Ledger::new();
    for d in [1, 2] {
        ledger.insert(Entry::builder(Kind::Cargo, day(2021, 1, d), max).to("NKR").build().unwrap()).unwrap();
    }
    let report: Report = "exact 5 t cargo until=2021-01".parse().unwrap();
    assert!(ledger.verify(&[report]).is_err(), "twice the largest decimal is an error, never a figure");
    assert!("about 79228162514264337593543950335 t cargo until=2021-01".parse::<Report>().is_err());
}
