//! Building a ledger in code and grouping it by month and party: the detainee transfers of
//! 2020-2021 that public reports date, built from `chrono` dates and `rust_decimal` figures, then
//! totalled per month and receiving party, and per party over the whole period.
//!
//! Run with `cargo run --example group_by_month`.

use std::error::Error;
use std::process::ExitCode;

use chrono::NaiveDate;
use relief_ledger::{Entry, Group, Key, Kind, Ledger, Quantity, Scope, Unit};
use rust_decimal::Decimal;

/// The dated transfers: date, persons, the party that held them, the party they returned to, source.
const TRANSFERS: [(i32, u32, u32, i64, &str, &str, &str); 6] = [
    (2020, 12, 14, 44, "AZE", "ARM", "AP, 2020-12-14 (Russian Ministry of Defence figures)"),
    (2020, 12, 14, 12, "ARM", "AZE", "AP, 2020-12-14 (Russian Ministry of Defence figures)"),
    (2021, 2, 10, 5, "AZE", "ARM", "Armenian Public Radio (en.armradio.am), 2021-02-10"),
    (2021, 2, 10, 1, "ARM", "AZE", "Armenian Public Radio (en.armradio.am), 2021-02-10"),
    (2021, 6, 12, 15, "AZE", "ARM", "AFP via Taipei Times, published 2021-06-14"),
    (2021, 7, 3, 15, "AZE", "ARM", "Reuters via devdiscourse.com, 2021-07-03"),
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("group_by_month: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut ledger = Ledger::new();
    for (n, &(year, month, day, persons, from, to, source)) in TRANSFERS.iter().enumerate() {
        // Dates and figures from other code arrive as chrono and rust_decimal values; a date that
        // does not exist is the caller's to refuse, and a quantity is checked against its unit
        // (2.5 persons is an error).
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(format!("{year}-{month}-{day} is not a date"))?;
        let quantity = Quantity::new(Decimal::from(persons), Unit::Persons)?;
        let entry = Entry::detainee_transfer(date, quantity)
            .id(format!("dt-{}", n + 1))
            .from(from)
            .to(to)
            .source(source)
            .build()?;
        ledger.insert(entry)?;
    }
    println!("{} transfers in the ledger", ledger.len());

    let transfers = Scope::all().kind(Kind::DetaineeTransfer);
    println!("\nby month and receiving party");
    println!("  {:<8} {:<4} {:>12}  entries", "month", "to", "total");
    for group in ledger.group(&transfers, &[Key::Month, Key::To])? {
        let [month, to] = group.key() else { continue };
        println!(
            "  {:<8} {:<4} {:>12}  {}",
            month.to_string(),
            to.to_string(),
            group.totals().to_string(),
            ids(&group)
        );
    }

    println!("\nby receiving party");
    for group in ledger.group(&transfers, &[Key::To])? {
        let party = group.key().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        println!("  {party:<4} {:>12}  in {} transfers", group.totals().to_string(), group.entries().len());
    }
    println!("\nall of them: {}", ledger.totals(&transfers)?);
    Ok(())
}

/// The ids of a group's entries, joined.
fn ids(group: &Group<'_>) -> String {
    group.entries().iter().map(|e| e.id()).collect::<Vec<_>>().join(" ")
}
