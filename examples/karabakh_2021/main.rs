//! The seed statement, reproduced: builds a ledger from the dated events in public reports, verifies
//! the figures of the Russian foreign ministry's statement of 2021-11-09 against it, and prints what
//! the ledger explains, what it had to record as unattributed, the totals it then holds, and the
//! exchanges: the entries of one occasion linked, with what each side gave.
//!
//! Run with `cargo run --example karabakh_2021`.

mod data;

use relief_ledger::{Category, Entry, Error, Key, Kind, Ledger, Period, Scope, Status};

type Result<T> = data::Result<T>;

fn main() {
    if let Err(e) = run() {
        eprintln!("karabakh_2021: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let ledger = Ledger::from_entries(data::entries()?)?;
    let reports = data::reports()?;
    let verification = ledger.verify(&reports)?;

    println!("The first year of the Nagorno-Karabakh ceasefire: the statement of 2021-11-09, checked");
    println!("{} dated events from public reports, {} published figures\n", ledger.len(), reports.len());

    println!("Verification (ledger: the figure explained by dated events and earlier fills)");
    let mut rows = vec![row(&["report", "reported", "interval", "ledger", "filled", "status"])];
    for o in verification.outcomes() {
        rows.push(vec![
            o.report_id().to_string(),
            format!("{} {}", o.qualifier(), o.reported()),
            o.interval().to_string(),
            o.ledger().to_string(),
            o.filled().map_or_else(|| "-".to_string(), |f| f.to_string()),
            o.status().to_string(),
        ]);
    }
    print_table(&rows);

    // The totals below are aggregated from the ledger with the unattributed entries added,
    // split into what dated events explain and what they do not.
    let mut filled = ledger.clone();
    filled.insert_all(verification.fills().iter().cloned())?;
    let since_dec2: Period = "2020-12-02..2021-11-09".parse()?;
    let dec_to_june: Period = "2020-12..2021-06".parse()?;
    let since_ceasefire: Period = "2020-11-14..2021-11-09".parse()?;

    println!("\nTotals in the ledger");
    let mut rows = vec![row(&["what", "period", "events", "unattributed", "total"])];
    let detainees = Scope::all().kind(Kind::DetaineeTransfer).period(since_dec2);
    rows.push(totals_row("persons returned (prisoners and held persons)", &filled, &detainees)?);
    for group in filled.group(&detainees, &[Key::To])? {
        let scope = detainees.clone().to(group.key()[0].to_string());
        rows.push(totals_row(&format!("  of them to {}", group.key()[0]), &filled, &scope)?);
    }
    let maps = Scope::all().kind(Kind::MinefieldMaps).to("AZE").period(since_dec2);
    rows.push(totals_row("packages of minefield maps to Azerbaijan", &filled, &maps)?);
    let cargo = Scope::all().kind(Kind::Cargo).from("RU-EMERCOM").period(dec_to_june);
    rows.push(totals_row("EMERCOM humanitarian cargo", &filled, &cargo.clone().category(Category::Humanitarian))?);
    rows.push(totals_row("EMERCOM construction material", &filled, &cargo.category(Category::ConstructionMaterial))?);
    let returnees = Scope::all().kind(Kind::Returnees).period(since_ceasefire);
    rows.push(totals_row("people returned to their homes", &filled, &returnees)?);
    print_table(&rows);

    let unexplained = verification.outcomes().iter().filter(|o| o.status() == Status::Filled).count();
    println!(
        "\n{unexplained} of {} figures needed unattributed entries: the part no dated event in the record explains.",
        reports.len()
    );
    // The occasions: entries linked by their exchange id, with what each side handed over.
    let exchanges = ledger.exchanges(&Scope::all())?;
    println!("\nExchanges: {} in the record, what each side gave", exchanges.len());
    let mut rows = vec![row(&["exchange", "date", "parties", "gave"])];
    for x in &exchanges {
        rows.push(vec![x.id().to_string(), x.first_date().to_string(), x.parties().join(" "), x.summary()]);
    }
    print_table(&rows);

    if let Some(o) = verification.outcome("mfa-returned-arm") {
        println!("\nEntries behind the 105 returned to Armenia:");
        for e in verification.entries(o) {
            println!("  {}", describe(&e));
        }
    }

    Ok(())
}

/// One row of the totals table: events, unattributed remainder and total, from the ledger.
fn totals_row(what: &str, ledger: &Ledger, scope: &Scope) -> std::result::Result<Vec<String>, Error> {
    let (mut events, mut unattributed) = (Ledger::new(), Ledger::new());
    for e in ledger.select(scope) {
        if e.unattributed().is_some() { &mut unattributed } else { &mut events }.insert(e.clone())?;
    }
    let all = Scope::all();
    let total = ledger.totals(scope)?;
    // An empty part is shown as zero in the unit of the total, not as a bare 0.
    let part = |l: &Ledger| -> std::result::Result<String, Error> {
        let t = l.totals(&all)?;
        match (t.is_empty(), total.quantities()?.first()) {
            (true, Some(q)) => Ok(format!("0 {}", q.unit())),
            _ => Ok(t.to_string()),
        }
    };
    Ok(vec![what.to_string(), scope.period.to_string(), part(&events)?, part(&unattributed)?, total.to_string()])
}

fn describe(e: &Entry) -> String {
    let source = e.source().unwrap_or("no source");
    format!("{} {:>12}  {}  ({source})", e.date(), e.quantity().to_string(), e.id())
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn print_table(rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    for r in rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        println!("  {}", line.join("  ").trim_end());
    }
}
