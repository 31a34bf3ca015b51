//! Each validation error of entries, reports, periods and the ledger, through the public API.

use relief_ledger::{Category, Entry, ErrorKind, Kind, Ledger, Mode, PartialDate, Qualifier, Quantity, Report, Unit};

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// The (field, message) pairs of an error.
fn problems(err: relief_ledger::Error) -> Vec<(String, String)> {
    assert!(err.is_data(), "{err}");
    err.problems().iter().map(|p| (p.field.clone().unwrap_or_default(), p.message.clone())).collect()
}

fn one_problem(err: relief_ledger::Error) -> (String, String) {
    let mut p = problems(err);
    assert_eq!(p.len(), 1, "{p:?}");
    p.remove(0)
}

#[test]
fn quantity_must_be_greater_than_zero() {
    let (field, msg) = one_problem(Entry::returnees(day("2021-01-01"), q("0 persons")).to("NKR").build().unwrap_err());
    assert_eq!((field.as_str(), msg.as_str()), ("quantity", "0 must be greater than zero"));
    let negative = Quantity::new("-5".parse().unwrap(), Unit::Tonne).unwrap();
    assert_eq!(one_problem(Entry::cargo(day("2021-01-01"), negative).to("NKR").build().unwrap_err()).0, "quantity");
}

#[test]
fn counts_must_be_whole() {
    let err = "2.5 persons".parse::<Quantity>().unwrap_err();
    assert_eq!(one_problem(err).0, "quantity");
}

#[test]
fn unit_must_fit_the_kind() {
    let (field, msg) =
        one_problem(Entry::minefield_maps(day("2021-06-12"), q("1 t")).from("ARM").to("AZE").build().unwrap_err());
    assert_eq!(field, "unit");
    assert!(msg.contains("minefield-maps is counted in packages"), "{msg}");
    // Demining takes area, items and length, not persons.
    assert!(Entry::demining(day("2021-01-01"), q("3 persons")).from("AZ-ANAMA").build().is_err());
    assert!(Entry::demining(day("2021-01-01"), q("2.5 km")).from("AZ-ANAMA").build().is_ok());
}

#[test]
fn required_parties_must_be_present() {
    let p = problems(Entry::detainee_transfer(day("2020-12-14"), q("44 persons")).build().unwrap_err());
    let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["from", "to"]);
    assert_eq!(one_problem(Entry::demining(day("2021-01-01"), q("1 ha")).build().unwrap_err()).0, "from");
    assert_eq!(one_problem(Entry::cargo(day("2021-01-01"), q("1 t")).build().unwrap_err()).0, "to");
}

#[test]
fn from_and_to_must_differ() {
    let (field, msg) = one_problem(
        Entry::remains_transfer(day("2021-01-01"), q("3 persons")).from("ARM").to("ARM").build().unwrap_err(),
    );
    assert_eq!(field, "to");
    assert!(msg.contains("ARM is both from and to"), "{msg}");
    // Returnees may come back from one area of a country to another.
    assert!(Entry::returnees(day("2021-01-01"), q("3 persons")).from("ARM").to("ARM").build().is_ok());
}

#[test]
fn category_must_belong_to_the_kind() {
    let (field, msg) =
        one_problem(Entry::cargo(day("2021-01-01"), q("1 t")).to("NKR").category(Category::Pow).build().unwrap_err());
    assert_eq!(field, "category");
    assert!(msg.contains("pow is a category of detainee-transfer"), "{msg}");
    let (_, msg) = one_problem(
        Entry::returnees(day("2021-01-01"), q("1 persons")).to("NKR").category(Category::Food).build().unwrap_err(),
    );
    assert!(msg.contains("returnees has no categories"), "{msg}");
}

#[test]
fn impossible_dates_are_refused() {
    let err = "2021-02-30".parse::<PartialDate>().unwrap_err();
    assert!(one_problem(err).1.contains("does not exist"));
}

#[test]
fn reports_are_validated_whole() {
    let err = Report::builder("", day("2021-11-09"), Kind::Returnees, q("5 t"))
        .category(Category::Food)
        .qualifier(Qualifier::MoreThan)
        .mode(Mode::Fill)
        .tolerance("1".parse().unwrap())
        .since("2022".parse().unwrap())
        .build()
        .unwrap_err();
    let fields: Vec<String> = problems(err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["id", "unit", "category", "tolerance", "mode", "until"]);
}

#[test]
fn a_report_whose_unit_does_not_fit_its_kind_is_bad_input() {
    let (field, msg) =
        one_problem(Report::builder("r", day("2021-11-09"), Kind::Cargo, q("3 persons")).build().unwrap_err());
    assert_eq!(field, "unit");
    assert!(msg.contains("cargo is counted in mass or volume or area or items"), "{msg}");
}

#[test]
fn only_exact_and_about_can_fill() {
    for qualifier in Qualifier::ALL {
        let built = Report::builder("r", day("2021-11-09"), Kind::Returnees, q("5 persons"))
            .qualifier(qualifier)
            .mode(Mode::Fill)
            .build();
        assert_eq!(built.is_ok(), matches!(qualifier, Qualifier::Exact | Qualifier::About), "{qualifier}");
    }
}

#[test]
fn duplicate_ids_are_refused_in_ledgers_and_in_report_sets() {
    let e = || Entry::returnees(day("2021-01-01"), q("1 persons")).id("x").to("NKR").build().unwrap();
    let err = Ledger::from_entries([e(), e()]).unwrap_err();
    assert_eq!(one_problem(err).0, "id");
    let r = || Report::builder("r", day("2021-11-09"), Kind::Returnees, q("5 persons")).build().unwrap();
    let reports = [r(), r()];
    let ledger = Ledger::new();
    let err = ledger.verify(&reports).unwrap_err();
    assert!(one_problem(err).1.contains("used by two reports"));
}

#[test]
fn mixed_dimensions_do_not_add() {
    let err = q("1 t").checked_add(&q("2 packages")).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::MixedDimensions { .. }));
    assert!(err.is_data() && !err.is_io());
}
