//! Verification outcomes as records for other programs: the CSV, JSON and JSON Lines that
//! `relief-ledger verify --format csv|json` prints, built here so that a program linking the crate
//! writes the same records as the command line.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::entry::Entry;
use crate::error::{Error, ProblemKind};
use crate::io::Format;
use crate::report::{Outcome, Verification};

/// The fields of an outcome record, in the order [`write_outcomes`] writes them.
///
/// `id`, `status`, `reported` (the reported value), `qualifier`, `unit` (the report's), `low` and
/// `high` (the interval's ends; none when open), `ledger` (the ledger's figure before the report's own
/// fill: what surely counts), `ledger_high` (its upper end: plus the entries dated to a month, a year or
/// a range that the report's period holds in part; equal to `ledger` when there are none), `difference` (ledger − reported), `filled` (the quantity the report's fill added; none
/// unless filled) and `interval` (as text, `[51940, 54060]`). Figures are decimals in the report's unit.
pub const OUTCOME_COLUMNS: [&str; 12] = [
    "id",
    "status",
    "reported",
    "qualifier",
    "unit",
    "low",
    "high",
    "ledger",
    "ledger_high",
    "difference",
    "filled",
    "interval",
];

/// One outcome as a record: a value per field of [`OUTCOME_COLUMNS`], `None` where the field has
/// none (an open end of the interval, `filled` of a report that did not fill).
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, OUTCOME_COLUMNS, outcome_record, parse_claim};
///
/// let ledger = Ledger::from_entries([
///     Entry::returnees("2020-12-01".parse()?, "1418 persons".parse()?).to("NKR").build()?,
/// ])?;
/// let claims = [parse_claim("more-than 27000 persons returnees until=2020-12-01 id=tass")?];
/// let v = ledger.verify(&claims)?;
/// let record = outcome_record(&v, &v.outcomes()[0]);
/// let field = |name: &str| record[OUTCOME_COLUMNS.iter().position(|c| *c == name).unwrap()].as_deref();
/// assert_eq!(field("status"), Some("short"));
/// assert_eq!(field("low"), Some("27000"));
/// assert_eq!(field("high"), None); // more-than: open above
/// assert_eq!(field("ledger"), Some("1418"));
/// assert_eq!(field("difference"), Some("-25582"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The record is the one an [`Outcome`] serializes to; the verification is not needed for it (an
/// outcome knows its report), and is taken for callers written when it was.
#[must_use]
pub fn outcome_record(verification: &Verification<'_>, outcome: &Outcome) -> [Option<String>; 12] {
    let _ = verification;
    outcome_fields(outcome)
}

/// The record of an outcome: a value per field of [`OUTCOME_COLUMNS`].
pub(crate) fn outcome_fields(outcome: &Outcome) -> [Option<String>; 12] {
    let interval = outcome.interval();
    let reported = outcome.reported();
    [
        Some(outcome.report_id().to_string()),
        Some(outcome.status().to_string()),
        Some(reported.value().normalize().to_string()),
        Some(outcome.qualifier().to_string()),
        Some(reported.unit().to_string()),
        bound(interval.low()),
        bound(interval.high()),
        Some(outcome.ledger().normalize().to_string()),
        Some(outcome.ledger_high().normalize().to_string()),
        Some(outcome.difference().to_string()),
        outcome.filled().map(|f| f.normalize().to_string()),
        Some(interval.to_string()),
    ]
}

fn bound(b: std::ops::Bound<rust_decimal::Decimal>) -> Option<String> {
    match b {
        std::ops::Bound::Included(d) | std::ops::Bound::Excluded(d) => Some(d.normalize().to_string()),
        std::ops::Bound::Unbounded => None,
    }
}

/// Writes every outcome of a verification as records, one per report in the reports' order, as
/// `relief-ledger verify --format csv|json` prints them.
///
/// - [`Format::Csv`]: a header row of [`OUTCOME_COLUMNS`], then a row per outcome; an empty cell where a
///   field has no value.
/// - [`Format::Json`]: an array of objects with the fields of [`OUTCOME_COLUMNS`] in that order; figures
///   are JSON strings (never floats), `null` where a field has no value.
/// - [`Format::Jsonl`]: the same objects, one per line.
///
/// # Errors
///
/// When writing fails, or for [`Format::Hxl`], which holds entries and reports, not outcomes.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Format, Ledger, parse_claims, write_outcomes};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
/// ])?;
/// let claims = parse_claims([
///     "more-than 40 persons detainee-transfer to=ARM until=2020-12-31 id=dec",
///     "exact 50 persons detainee-transfer to=ARM until=2020-12-31 id=fill mode=fill",
/// ])?;
/// // Checks see every fill: `dec` is verified against 44 dated and 6 filled.
/// let v = ledger.verify(&claims)?;
///
/// let mut csv = Vec::new();
/// write_outcomes(&mut csv, Format::Csv, &v)?;
/// assert_eq!(
///     String::from_utf8(csv)?,
///     "id,status,reported,qualifier,unit,low,high,ledger,ledger_high,difference,filled,interval\n\
///      dec,ok,40,more-than,persons,40,,50,50,10,,\"(40, ∞)\"\n\
///      fill,filled,50,exact,persons,50,50,44,44,-6,6,\"[50, 50]\"\n"
/// );
///
/// let mut json = Vec::new();
/// write_outcomes(&mut json, Format::Json, &v)?;
/// let json = String::from_utf8(json)?;
/// assert!(json.starts_with("[\n  {\n    \"id\": \"dec\",\n    \"status\": \"ok\","));
/// assert!(json.contains("\"filled\": null"));
/// assert!(json.contains("\"filled\": \"6\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_outcomes(mut out: impl Write, format: Format, verification: &Verification<'_>) -> Result<(), Error> {
    let records = verification.outcomes().iter().map(|o| Record(outcome_fields(o)));
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(OUTCOME_COLUMNS).map_err(csv_error)?;
            for Record(r) in records {
                crate::io::csv::write_defused(&mut w, r.iter().map(|c| c.as_deref().unwrap_or("")))
                    .map_err(csv_error)?;
            }
            w.flush().map_err(io)?;
        }
        Format::Json => {
            let all: Vec<Record> = records.collect();
            serde_json::to_writer_pretty(&mut out, &all).map_err(json_error)?;
            writeln!(out).map_err(io)?;
        }
        Format::Jsonl => {
            for r in records {
                serde_json::to_writer(&mut out, &r).map_err(json_error)?;
                writeln!(out).map_err(io)?;
            }
        }
        Format::Hxl => {
            return Err(Error::problem(
                ProblemKind::NotAllowed,
                "format",
                "outcomes are written as csv, json or jsonl; hxl holds entries and reports",
            ));
        }
    }
    out.flush().map_err(io)
}

/// Writes one outcome with the entries behind its figure, as `relief-ledger verify --explain ID
/// --format csv|json` prints it.
///
/// - [`Format::Json`]: one object, the outcome's record (the fields of [`OUTCOME_COLUMNS`], `filled`
///   among them) followed by `entries`, the entries behind the figure as records of the JSON file format.
/// - [`Format::Jsonl`]: the same object on one line.
/// - [`Format::Csv`]: the entries behind the figure, as an entries CSV file.
///
/// For the words of the explanation, see [`Verification::explain`].
///
/// # Errors
///
/// When writing fails, or for [`Format::Hxl`].
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Format, Ledger, parse_claim, write_explanation};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).id("dt-1").from("AZE").to("ARM").build()?,
/// ])?;
/// let claims = [parse_claim("exact 50 persons detainee-transfer to=ARM until=2020-12-31 id=arm mode=fill")?];
/// let v = ledger.verify(&claims)?;
/// let mut json = Vec::new();
/// write_explanation(&mut json, Format::Json, &v, &v.outcomes()[0])?;
/// let json = String::from_utf8(json)?;
/// assert!(json.contains("\"filled\": \"6\""));
/// assert!(json.contains("\"entries\": [\n    {\"id\": \"dt-1\", \"date\": \"2020-12-14\""), "{json}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_explanation(
    mut out: impl Write,
    format: Format,
    verification: &Verification<'_>,
    outcome: &Outcome,
) -> Result<(), Error> {
    let entries: Vec<Entry> = verification.entries(outcome);
    let record = Record(outcome_fields(outcome));
    match format {
        Format::Csv => return crate::io::write(out, Format::Csv, &entries, &[]),
        Format::Hxl => {
            return Err(Error::problem(
                ProblemKind::NotAllowed,
                "format",
                "an explanation is written as csv, json or jsonl; hxl holds entries and reports",
            ));
        }
        _ => {}
    }
    // The entries as the JSON Lines writer gives them: the records of the file format, fields in order.
    let mut lines = Vec::new();
    crate::io::write(&mut lines, Format::Jsonl, &entries, &[])?;
    let lines = String::from_utf8_lossy(&lines);
    let lines: Vec<&str> = lines.lines().collect();
    let fields = OUTCOME_COLUMNS.iter().zip(&record.0).map(|(name, value)| {
        let value =
            value.as_ref().map_or_else(|| "null".to_string(), |v| serde_json::Value::from(v.as_str()).to_string());
        format!("{}: {value}", serde_json::Value::from(*name))
    });
    if format == Format::Jsonl {
        let fields: Vec<String> = fields.collect();
        writeln!(out, "{{{}, \"entries\": [{}]}}", fields.join(", "), lines.join(", ")).map_err(io)?;
    } else {
        writeln!(out, "{{").map_err(io)?;
        for f in fields {
            writeln!(out, "  {f},").map_err(io)?;
        }
        if lines.is_empty() {
            writeln!(out, "  \"entries\": []").map_err(io)?;
        } else {
            writeln!(out, "  \"entries\": [\n    {}\n  ]", lines.join(",\n    ")).map_err(io)?;
        }
        writeln!(out, "}}").map_err(io)?;
    }
    out.flush().map_err(io)
}

/// A record whose fields serialize in the order of [`OUTCOME_COLUMNS`] (a JSON map would sort them).
pub(crate) struct Record(pub(crate) [Option<String>; 12]);

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(OUTCOME_COLUMNS.len()))?;
        for (name, value) in OUTCOME_COLUMNS.iter().zip(&self.0) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn io(e: std::io::Error) -> Error {
    Error::write(e)
}

fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io(e),
        other => io(std::io::Error::other(format!("{other:?}"))),
    }
}

fn json_error(e: serde_json::Error) -> Error {
    io(std::io::Error::from(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ledger, parse_claims};

    #[test]
    fn hxl_is_refused_for_outcomes() {
        let ledger = Ledger::new();
        let claims = parse_claims(["exact 1 persons returnees until=2021-01-01"]).unwrap_or_default();
        let Ok(v) = ledger.verify(&claims) else { return };
        let err = write_outcomes(Vec::new(), Format::Hxl, &v).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("outcomes are written as csv, json or jsonl"), "{err}");
    }

    #[test]
    fn jsonl_writes_one_object_per_outcome() {
        let ledger = Ledger::new();
        let claims = parse_claims([
            "exact 1 persons returnees until=2021-01-01",
            "at-least 2 persons returnees until=2021-01-01",
        ])
        .unwrap_or_default();
        let Ok(v) = ledger.verify(&claims) else { panic!("the claims verify") };
        let mut out = Vec::new();
        assert!(write_outcomes(&mut out, Format::Jsonl, &v).is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].starts_with(r#"{"id":"claim-2","status":"short","reported":"2","qualifier":"at-least""#));
        assert!(lines[1].contains(r#""high":null"#), "{text}");
    }
}
