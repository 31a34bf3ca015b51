//! The dated public figures on the 2020-2021 Nagorno-Karabakh humanitarian operation, and the
//! figures of the Russian foreign ministry's statement of 2021-11-09, built through the public API.
//! Each entry and report cites the outlet that published it; the outlets' sentences are theirs.

use std::error::Error;
use std::str::FromStr;

use relief_ledger::{Category, Entry, Kind, Mode, PartialDate, Qualifier, Report};

/// What building the data can fail with: a date, quantity or entry that does not parse or validate.
pub type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Parses a literal: a date, a quantity, a period.
fn p<T: FromStr>(s: &str) -> Result<T>
where
    T::Err: Error + 'static,
{
    Ok(s.parse()?)
}

const STATEMENT: &str = "Russian foreign ministry statement, 2021-11-09 (ARMENPRESS; full text on 1lurer.am)";

/// The dated events of public reports.
pub fn entries() -> Result<Vec<Entry>> {
    let transfer = |id: &str, date: &str, n: &str, from: &str, to: &str, source: &str| -> Result<Entry> {
        // Each transfer belongs to the exchange of its day (public-figures.md: each was an exchange).
        let exchange = format!("x-{date}");
        Ok(Entry::detainee_transfer(p(date)?, p(n)?)
            .id(id)
            .from(from)
            .to(to)
            .source(source)
            .exchange(exchange)
            .build()?)
    };
    let ap = "AP, 2020-12-14 (Russian Ministry of Defence figures; one outlet dates it 2020-12-13)";
    let armradio = "Armenian Public Radio (en.armradio.am), 2021-02-10";
    let afp = "AFP via Taipei Times, published 2021-06-14";
    let reuters = "Reuters via devdiscourse.com, 2021-07-03";
    Ok(vec![
        // Detainee transfers.
        transfer("dt-2020-12-14-arm", "2020-12-14", "44 persons", "AZE", "ARM", ap)?,
        transfer("dt-2020-12-14-aze", "2020-12-14", "12 persons", "ARM", "AZE", ap)?,
        Entry::detainee_transfer(p("2021-02-10")?, p("1 persons")?)
            .id("dt-2021-02-10-aze")
            .category(Category::Pow)
            .from("ARM")
            .to("AZE")
            .source(armradio)
            .exchange("x-2021-02-10")
            .build()?,
        transfer("dt-2021-02-10-arm", "2021-02-10", "5 persons", "AZE", "ARM", armradio)?,
        transfer("dt-2021-06-12-arm", "2021-06-12", "15 persons", "AZE", "ARM", afp)?,
        transfer("dt-2021-07-03-arm", "2021-07-03", "15 persons", "AZE", "ARM", reuters)?,
        // Minefield maps handed over in the same exchanges, for the detainees released.
        Entry::minefield_maps(p("2021-06-12")?, p("1 packages")?)
            .id("mm-2021-06-12")
            .from("ARM")
            .to("AZE")
            .region("Aghdam")
            .mines(97_000)
            .source(afp)
            .exchange("x-2021-06-12")
            .build()?,
        Entry::minefield_maps(p("2021-07-03")?, p("1 packages")?)
            .id("mm-2021-07-03")
            .from("ARM")
            .to("AZE")
            .mines(92_000)
            .source(reuters)
            .note("maps of the Fuzuli and Zangilan districts; how many packages is not reported")
            .exchange("x-2021-07-03")
            .build()?,
        // EMERCOM convoys.
        Entry::cargo(p("2020-11-24")?, p("45 t")?)
            .id("cg-2020-11-24-1")
            .category(Category::ConstructionMaterial)
            .from("RU-EMERCOM")
            .to("NKR")
            .source("TASS via hyetert.org, 2020-11-24")
            .note("first EMERCOM convoy")
            .build()?,
        Entry::cargo(p("2020-11-24")?, p("300 t")?)
            .id("cg-2020-11-24-2")
            .from("RU-EMERCOM")
            .to("NKR")
            .source("TASS via hyetert.org, 2020-11-24")
            .note("second convoy; a French report gives 345 t for both")
            .build()?,
        Entry::cargo(p("2021-04-07")?, p("145 t")?)
            .id("cg-2021-04-07")
            .category(Category::Humanitarian)
            .from("RU-EMERCOM")
            .to("NKR")
            .via("RU-PKF")
            .source("Panorama via hyetert.org, 2021-04-07 (Russian Ministry of Defence)")
            .build()?,
        Entry::cargo(p("2021-05-26")?, p("155 t")?)
            .id("cg-2021-05-26")
            .category(Category::Humanitarian)
            .from("RU-EMERCOM")
            .to("NKR")
            .via("RU-PKF")
            .source("TASS (tass.com/politics/1294089), 2021-05-26 (Russian Ministry of Defence)")
            .note("reported as about 155 t")
            .build()?,
        // Returnees escorted by the peacekeepers.
        Entry::returnees(p("2020-11-14")?, p("250 persons")?)
            .id("rt-2020-11-14")
            .from("ARM")
            .to("NKR")
            .via("RU-PKF")
            .source("TASS (tass.com/defense/1223857), 2020-11-14")
            .note("nine buses")
            .build()?,
        Entry::returnees(p("2020-12-01")?, p("1168 persons")?)
            .id("rt-2020-12-01")
            .from("ARM")
            .to("NKR")
            .via("RU-PKF")
            .source("TASS (tass.com/world/1230247), 2020-12-01")
            .build()?,
    ])
}

/// The statement's figures, and one earlier running total of returnees.
pub fn reports() -> Result<Vec<Report>> {
    let published: chrono::NaiveDate = p("2021-11-09")?;
    let since_dec2: PartialDate = p("2020-12-02")?;
    let detainees = |id: &str, n: &str| -> Result<_> {
        Ok(Report::builder(id, published, Kind::DetaineeTransfer, p(n)?).since(since_dec2).source(STATEMENT))
    };
    let cargo = |id: &str, category: Category, t: &str| -> Result<Report> {
        Ok(Report::builder(id, published, Kind::Cargo, p(t)?)
            .category(category)
            .from("RU-EMERCOM")
            .since(p("2020-12")?)
            .until(p("2021-06")?)
            .mode(Mode::Fill)
            .source(STATEMENT)
            .build()?)
    };
    Ok(vec![
        detainees("mfa-returned", "122 persons")?.build()?,
        detainees("mfa-returned-arm", "105 persons")?.to("ARM").mode(Mode::Fill).build()?,
        detainees("mfa-returned-aze", "17 persons")?.to("AZE").mode(Mode::Fill).build()?,
        Report::builder("mfa-maps", published, Kind::MinefieldMaps, p("3 packages")?)
            .to("AZE")
            .since(since_dec2)
            .mode(Mode::Fill)
            .source(STATEMENT)
            .build()?,
        cargo("mfa-cargo-humanitarian", Category::Humanitarian, "1581 t")?,
        cargo("mfa-cargo-construction", Category::ConstructionMaterial, "800 t")?,
        Report::builder("sputnik-returnees-2021-01-13", p("2021-01-13")?, Kind::Returnees, p("49054 persons")?)
            .since(p("2020-11-14")?)
            .mode(Mode::Fill)
            .source("Sputnik via urdupoint.com, 2021-01-13")
            .build()?,
        Report::builder("mfa-returnees", published, Kind::Returnees, p("53000 persons")?)
            .since(p("2020-11-14")?)
            .qualifier(Qualifier::About)
            .mode(Mode::Fill)
            .source(STATEMENT)
            .build()?,
    ])
}
