//! The seed statement (Russian foreign ministry, 2021-11-09; ../shared/seed and
//! ../shared/data/public-figures.md), reproduced through the public API from the dated events of
//! public reports. Every expected figure below is a published fact, cited where it is used.

#[path = "../examples/karabakh_2021/data.rs"]
mod data;

use relief_ledger::{Category, Dimension, Kind, Ledger, Period, Quantity, Scope, Status, Verification};

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn ledger() -> Ledger {
    Ledger::from_entries(data::entries().unwrap()).unwrap()
}

fn status_of(v: &Verification, id: &str) -> (Status, String, Option<String>) {
    let o = v.outcome(id).unwrap_or_else(|| panic!("no outcome for {id}"));
    (o.status(), o.ledger().to_string(), o.filled().map(|f| f.to_string()))
}

#[test]
fn persons_returned_since_december_2_are_122_of_which_79_and_13_are_dated() {
    let ledger = ledger();
    let reports = data::reports().unwrap();
    let v = ledger.verify(&reports).unwrap();
    // public-figures.md: the four dated exchanges explain 79 of the 105 returned to Armenia
    // and 13 of the 17 returned to Azerbaijan; the rest are not found in public reports.
    assert_eq!(status_of(&v, "mfa-returned-arm"), (Status::Filled, "79".into(), Some("26".into())));
    assert_eq!(status_of(&v, "mfa-returned-aze"), (Status::Filled, "13".into(), Some("4".into())));
    // The statement: 122 in all since 2020-12-02, checked with the fills applied.
    assert_eq!(status_of(&v, "mfa-returned"), (Status::Ok, "122".into(), None));
    assert_eq!(v.entries(v.outcome("mfa-returned-arm").unwrap()).len(), 4);
}

#[test]
fn the_ledger_with_its_fills_aggregates_to_every_figure_of_the_statement() {
    let ledger = ledger();
    let reports = data::reports().unwrap();
    let v = ledger.verify(&reports).unwrap();
    assert!(v.is_success());
    let mut full = ledger.clone();
    full.insert_all(v.fills().iter().cloned()).unwrap();

    let since_dec2: Period = "2020-12-02..2021-11-09".parse().unwrap();
    let persons = |scope: Scope| full.totals(&scope).unwrap().get(Dimension::Persons).unwrap();
    let detainees = Scope::all().kind(Kind::DetaineeTransfer).period(since_dec2);
    assert_eq!(persons(detainees.clone()), q("122 persons"));
    assert_eq!(persons(detainees.clone().to("ARM")), q("105 persons"));
    assert_eq!(persons(detainees.to("AZE")), q("17 persons"));

    let maps = full.totals(&Scope::all().kind(Kind::MinefieldMaps).to("AZE").period(since_dec2)).unwrap();
    assert_eq!(maps.get(Dimension::Packages).unwrap(), q("3 packages"));

    // "from December 2020 to June this year" (the statement's full text).
    let cargo = Scope::all().kind(Kind::Cargo).period("2020-12..2021-06".parse().unwrap());
    let tonnes = |scope: Scope| full.totals(&scope).unwrap().get(Dimension::Mass).unwrap();
    assert_eq!(tonnes(cargo.clone().category(Category::Humanitarian)), q("1581 t"));
    assert_eq!(tonnes(cargo.category(Category::ConstructionMaterial)), q("800 t"));

    // "about 53 thousand" returned to their homes: filled to the figure itself.
    let returnees = Scope::all().kind(Kind::Returnees).period("2020-11-14..2021-11-09".parse().unwrap());
    assert_eq!(persons(returnees), q("53000 persons"));
}

#[test]
fn cargo_outside_the_statement_period_is_not_counted() {
    // The two convoys of 2020-11-24 (TASS) fall before December 2020.
    let ledger = ledger();
    let reports = data::reports().unwrap();
    let v = ledger.verify(&reports).unwrap();
    assert_eq!(status_of(&v, "mfa-cargo-construction"), (Status::Filled, "0".into(), Some("800".into())));
    // 145 t on 2021-04-07 and 155 t on 2021-05-26 are the humanitarian cargo on record.
    assert_eq!(status_of(&v, "mfa-cargo-humanitarian"), (Status::Filled, "300".into(), Some("1281".into())));
}

#[test]
fn unattributed_entries_name_their_report_and_sit_at_the_period_end() {
    let ledger = ledger();
    let reports = data::reports().unwrap();
    let v = ledger.verify(&reports).unwrap();
    let fill = v.fills().iter().find(|e| e.unattributed() == Some("mfa-cargo-humanitarian")).unwrap();
    // Since issue 11, a fill is dated over the gap it explains: the report's period, "from December
    // 2020 to June 2021" (no earlier fill of the same running total), not its last day alone.
    assert_eq!(fill.date().to_string(), "2020-12-01..2021-06-30");
    assert_eq!(fill.quantity(), q("1281 t"));
    assert_eq!(fill.category(), Some(Category::Humanitarian));
    assert_eq!(fill.from(), Some("RU-EMERCOM"));
    assert_eq!(fill.to(), None, "the report names no recipient, so neither does its fill");
}
