//! An exact, sourced ledger of humanitarian operations that checks published totals against it.
//!
//! Record dated events ([`Entry`]: cargo delivered, people returned, detainees and remains
//! transferred, minefield maps handed over, ground demined) with their sources, aggregate them
//! exactly ([`Ledger::totals`], [`Ledger::group`], [`Ledger::running`]), and verify published figures
//! ([`Report`]) against the record: which it explains (`ok`), which it cannot (`short`), which it
//! contradicts (`over`), and which part of a figure no dated event explains (`filled`).
//!
//! # Example
//!
//! The 2021-11-09 statement of the Russian foreign ministry says that 105 people were returned to
//! Armenia since 2020-12-02. Four dated exchanges in public reports explain 79 of them:
//!
//! ```
//! use relief_ledger::{Entry, Kind, Ledger, Mode, Report, Status};
//!
//! let mut ledger = Ledger::new();
//! for (date, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
//!     ledger.insert(
//!         Entry::detainee_transfer(date.parse()?, format!("{n} persons").parse()?)
//!             .from("AZE")
//!             .to("ARM")
//!             .build()?,
//!     )?;
//! }
//! let statement = [Report::builder("mfa-105", "2021-11-09".parse()?, Kind::DetaineeTransfer, "105 persons".parse()?)
//!     .to("ARM")
//!     .since("2020-12-02".parse()?)
//!     .mode(Mode::Fill)
//!     .build()?];
//! let verification = ledger.verify(&statement)?;
//! let outcome = &verification.outcomes()[0];
//! assert_eq!(outcome.status(), Status::Filled);
//! assert_eq!(outcome.ledger().to_string(), "79"); // explained by dated events
//! assert_eq!(outcome.filled().unwrap().to_string(), "26"); // unattributed
//! assert_eq!(verification.entries(outcome).len(), 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Tour
//!
//! - [`Quantity`], [`Unit`], [`Dimension`], [`Totals`]: exact decimals with units; different
//!   dimensions never add up.
//! - [`Entry`], [`Kind`], [`Event`], [`Category`]: what happened, validated when built.
//! - [`PartialDate`], [`Precision`], [`Period`]: `2020`, `2020-12`, `2020-12-02`, and inclusive
//!   ranges of them; only real spans of days can be built. [`EntryDate`]: the date of an entry, a
//!   day or, when the day is not known, a month, a year or a range (see [Uncertain dates](#uncertain-dates)).
//! - [`Ledger`], [`Entries`]: entries with unique ids, in date order (`for entry in &ledger`).
//! - [`Ledger::exchanges`], [`Exchange`], [`Handover`]: the entries of one occasion linked by their
//!   `exchange` id, with what each of the two parties gave and received; reports count them in the
//!   unit `exchanges`.
//! - [`Scope`], [`Key`], [`Group`], [`Series`]: filters, grouping and running totals.
//! - [`Report`], [`Qualifier`], [`Mode`], [`Verification`], [`Outcome`], [`Status`]: published
//!   figures and how they compare with the ledger.
//! - [`read`], [`write()`], [`Loader`], [`Format`], [`Assumptions`]: CSV, JSON, JSON Lines and
//!   [HXL](Format#hxl) files, with every problem of a file positioned and the file refused whole.
//! - [`stream`]: files larger than memory totalled as they are read, on every core, without
//!   building a ledger ([`stream::Fold`], next to [`Ledger::group`] and [`Ledger::verify`]).
//! - [`write_outcomes`], [`write_explanation`]: verification outcomes as the CSV, JSON and JSON
//!   Lines records that `relief-ledger verify --format csv|json` prints.
//! - [`Ledger::audit`], [`Audit`], [`Finding`], [`Code`], [`Severity`], [`AuditOptions`]: what the
//!   record contradicts, duplicates or leaves unexplained, across reports and entries.
//! - [`chart_svg`]: running totals as an SVG chart.
//! - [`HtmlPage`]: a verification and an audit as one self-contained HTML page to send.
//! - [`claim`]: a [`Report`] in one line (`parse_claim`, [`Report::to_claim`]), and
//!   [`Ledger::check_claims`], [`assert_claims!`]: published totals as assertions in tests.
//! - [`Error`], [`ErrorKind`], [`Problem`]: one error type; data problems are all collected, each
//!   with its position.
//!
//! # Uncertain dates
//!
//! Real records date many events only roughly ("early November 2024"; "from December 2020 to June
//! 2021"). An entry's date may be a day (`2024-11-08`), a month (`2024-11`), a year (`2024`) or a
//! range (`2024-11-01..2024-11-10`, each end of any precision): the event happened on one unknown
//! day within it. No made-up day moves a figure across a period's boundary without a sign:
//!
//! - For a scope with period P, an entry counts *surely* when its date lies within P, *possibly* when
//!   it overlaps P without lying within it. The ledger's figure is the interval `[S, S + M]` (S: the
//!   sure entries, M: the possible ones): [`Totals::get`] and [`Totals::high`], printed `1358..2586
//!   persons` when M > 0. `report --format csv|json` adds `high` after `total`; `verify` adds
//!   `ledger_high` after `ledger` ([`Outcome::ledger_high`]).
//! - A report is `ok` when `[S, S + M]` lies within its interval, `short` when S + M lies below it,
//!   `over` when S lies above it, and [`Status::Undecided`] otherwise: the figure holds for some
//!   datings of the record and not for others. `verify` exits 0 for `ok`, `filled` and `undecided`.
//! - A fill's unattributed entry is dated over the gap it explains: from the day after the end of the
//!   latest earlier fill of the same running total (scope, start and dimension), or from the report's
//!   start, to the end of its period; its quantity is the report's value minus S + M.
//! - Grouping by month, quarter or year puts an entry whose date spans more than one bucket in a group
//!   of its own date, never split; running totals carry a lower line ([`Series::points`]) and an upper
//!   one ([`Series::upper`]), and [`chart_svg`] draws the band between them.
//!
//! ```
//! use relief_ledger::{Entry, Ledger, Status, parse_claims};
//!
//! let ledger = Ledger::from_entries([
//!     Entry::remains_transfer("2024-11-01".parse()?, "563 persons".parse()?)
//!         .date("2024-11-01..2024-11-10".parse()?) // "early November 2024"
//!         .from("RUS")
//!         .to("UKR")
//!         .build()?,
//! ])?;
//! let claims = parse_claims([
//!     "exact 563 persons remains-transfer to=UKR since=2024-11 until=2024-11 id=november",
//!     "exact 563 persons remains-transfer to=UKR since=2024-11-01 until=2024-11-05 id=first-days",
//! ])?;
//! let v = ledger.verify(&claims)?;
//! assert_eq!(v.outcomes()[0].status(), Status::Ok);
//! assert_eq!(v.outcomes()[1].status(), Status::Undecided); // 0..563: it depends on the day
//! assert!(v.is_success());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Serde
//!
//! Every value a program stores or sends serializes, decimals always as strings (never through a
//! float) and dates as `YYYY-MM-DD`; deserializing validates as the builders do. The shapes, in JSON:
//!
//! | value | JSON |
//! |---|---|
//! | [`Entry`], [`Report`] | the record of the JSON file format: `{"id": "dt-1", "date": "2020-12-14", "kind": "detainee-transfer", "quantity": "44", "unit": "persons", "from": "AZE", "to": "ARM"}` |
//! | [`Outcome`] | the record `verify --format json` prints ([`OUTCOME_COLUMNS`]): `{"id": "mfa", "status": "short", "reported": "105", …, "interval": "[105, 105]"}` |
//! | [`Verification`] (serialize only) | `{"outcomes": [outcome, …], "fills": [entry, …]}` |
//! | [`Quantity`] | `{"value": "145.5", "unit": "t"}` |
//! | [`Totals`] | `[{"value": "145.5", "unit": "t"}, {"value": "12", "unit": "persons"}]` |
//! | [`PartialDate`] | `"2020"`, `"2020-12"`, `"2020-12-02"` |
//! | [`Period`] | `{"start": "2020-12-01", "end": null}` |
//! | [`Qualifier`], [`Mode`], [`Status`], [`Kind`], [`Category`], [`Unit`], [`Dimension`], [`Key`], [`Step`] | their file spelling: `"more-than"`, `"fill"`, `"short"`, `"t"` |
//! | [`Interval`] | its text: `"[51940, 54060]"`, `"(40, ∞)"` |
//! | [`Scope`] | `{"kind": "cargo", "category": null, "item": null, "from": null, "to": "NKR", "via": null, "region": null, "period": period}` |
//! | [`KeyValue`] | `{"kind": "cargo"}`, `{"text": "NKR"}`, `{"month": [2021, 6]}`, `{"quarter": [2021, 2]}`, `{"year": 2021}` |
//! | [`Group`] (serialize only) | `{"key": [key value, …], "totals": totals, "entries": [entry, …]}` |
//! | [`Series`] | `{"key": [key value, …], "span": ["2021-04-30", "2021-05-31"], "points": [["2021-04-30", totals], …]}` |
//! | [`Problem`], [`Position`] | `{"kind": "bad-date", "position": {"file": "entries.csv", "line": 3, "column": 2, "record": 2, "id": "e1", "record_kind": "entry"}, "field": "date", "message": "…"}` |
//!
//! ```
//! use relief_ledger::{Entry, Ledger, Outcome, parse_claim};
//!
//! let entry: Entry = serde_json::from_str(
//!     r#"{"date": "2020-12-14", "kind": "detainee-transfer", "quantity": "44", "unit": "persons", "from": "AZE", "to": "ARM"}"#,
//! )?;
//! let ledger = Ledger::from_entries([entry])?;
//! let claims = [parse_claim("exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa")?];
//! let v = ledger.verify(&claims)?;
//! let sent = serde_json::to_string(&v.outcomes()[0])?;
//! let received: Outcome = serde_json::from_str(&sent)?;
//! assert_eq!(received.report_id(), "mfa");
//! assert_eq!(received.ledger_quantity().to_string(), "44 persons");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Reading files
//!
//! ```
//! use relief_ledger::{Format, Loader, Role, Status};
//!
//! let entries = "id,date,kind,quantity,unit,from,to\n\
//!                dt1,2020-12-14,detainee-transfer,44,persons,AZE,ARM\n";
//! let reports = "id,published,kind,to,since,value,unit,qualifier\n\
//!                r1,2021-11-09,detainee-transfer,ARM,2020-12-02,40,persons,more-than\n";
//! let mut loader = Loader::new();
//! loader.read(entries.as_bytes(), "entries.csv", Format::Csv, Role::Entries);
//! loader.read(reports.as_bytes(), "reports.csv", Format::Csv, Role::Reports);
//! let (ledger, reports) = loader.finish()?;
//! let verification = ledger.verify(&reports)?;
//! assert_eq!(verification.outcomes()[0].status(), Status::Ok);
//! # Ok::<(), relief_ledger::Error>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// Serde for a type through its text: serialized as [`Display`](std::fmt::Display) writes it,
/// deserialized as [`FromStr`](std::str::FromStr) reads it (the crate's message becomes serde's).
macro_rules! serde_via_str {
    ($($t:ty),* $(,)?) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

mod assert;
mod audit;
mod chart;
pub mod claim;
mod entry;
mod error;
mod exchange;
mod hash;
mod html;
mod io;
mod ledger;
mod period;
mod quantity;
mod query;
mod report;
pub mod stream;
mod threads;

/// The date types of the crate's API, re-exported so that a dependent crate needs no second version.
pub use chrono;
/// The decimal type of the crate's API, re-exported so that a dependent crate needs no second version.
pub use rust_decimal;

pub use assert::{ClaimsFailed, assert_claims};
pub use audit::{Audit, AuditOptions, Code, Finding, Severity};
pub use chart::chart_svg;
pub use claim::{parse_claim, parse_claims, parse_claims_as_of};
pub use entry::{Category, Entry, EntryBuilder, Event, Kind};
pub use error::{Error, ErrorKind, PROBLEMS_SHOWN, Position, Problem, ProblemKind, Problems, RecordKind};
pub use exchange::{Exchange, Handover};
pub use html::HtmlPage;
pub use io::{
    Assumptions, Document, ENTRY_COLUMNS, Format, Loader, OUTCOME_COLUMNS, Places, REPORT_COLUMNS, Role,
    defuse_formula, hxl, outcome_record, read, read_file, read_file_with, read_with, write, write_explanation,
    write_outcomes,
};
pub use ledger::{Entries, Ledger};
pub use period::{EntryDate, PartialDate, Period, Precision, parse_date};
pub use quantity::{Dimension, Quantity, Totals, Unit, parse_decimal};
pub use query::{Group, Key, KeyValue, Scope, Series, Step};
pub use report::{Interval, Mode, Outcome, Qualifier, Report, ReportBuilder, Status, Verification, rounding_unit};
