//! HXL, the Humanitarian Exchange Language: CSV with a row of hashtags (`#date`, `#adm1+name`)
//! under the human headers, anywhere in the first 25 rows.
//!
//! HXL is one [`Format`](crate::Format) among the others: [`read`](crate::read),
//! [`read_file`](crate::read_file) and [`Loader`](crate::Loader) read it and [`write`](crate::write())
//! writes it. The mapping of hashtags to fields, which files are read as HXL, and which column fills a
//! field when several could are documented with them, in [`Format`'s HXL section](crate::Format#hxl);
//! how values that spreadsheets would run as formulas are written, in [`write`](crate::write()#formulas).
//!
//! This module holds the hashtag matching of the reader and the HXL writer; it has no public items.

use std::io::Write;
use std::sync::Arc;

use crate::error::Error;
use crate::io::csv::Header;
use crate::io::record::{Table, entry_cells, report_cells};
use crate::{Entry, Report};

/// A parsed hashtag: the tag and its attributes, lower case, without `#` and `+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hashtag {
    tag: String,
    attributes: Vec<String>,
    /// As written in the file, for messages.
    text: String,
}

fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Hashtag {
    /// Parses `#tag +attr +attr` (spaces optional); `None` when the cell is not a hashtag.
    pub(crate) fn parse(cell: &str) -> Option<Hashtag> {
        let text = cell.trim();
        let rest = text.strip_prefix('#')?;
        let mut parts = rest.split('+').map(str::trim);
        let tag = parts.next()?.to_ascii_lowercase();
        if !is_token(&tag) {
            return None;
        }
        let mut attributes = Vec::new();
        for a in parts {
            if !is_token(a) {
                return None;
            }
            attributes.push(a.to_ascii_lowercase());
        }
        Some(Hashtag { tag, attributes, text: text.to_string() })
    }

    fn has(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute)
    }
}

/// True when every non-empty cell is a hashtag and at least one is.
pub(crate) fn is_hashtag_row(cells: &[String]) -> bool {
    let mut any = false;
    for c in cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if Hashtag::parse(c).is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// How a hashtag fills a field: the tag, attributes it must have, how strongly it is preferred
/// (0 first), and values it implies for other fields.
struct Spec {
    field: &'static str,
    tag: &'static str,
    attributes: &'static [&'static str],
    rank: u8,
    implies: &'static [(&'static str, &'static str)],
}

const fn spec(field: &'static str, tag: &'static str, attributes: &'static [&'static str], rank: u8) -> Spec {
    Spec { field, tag, attributes, rank, implies: &[] }
}

const RETURNEES: Spec = Spec {
    field: "",
    tag: "affected",
    attributes: &["returnees"],
    rank: 1,
    implies: &[("kind", "returnees"), ("unit", "persons")],
};

/// Specs shared by entries and reports.
const COMMON: &[Spec] = &[
    spec("id", "meta", &["id"], 0),
    spec("kind", "x_kind", &[], 0),
    spec("category", "x_category", &[], 0),
    spec("item", "item", &["name"], 0),
    spec("item", "item", &[], 1),
    spec("unit", "x_unit", &[], 0),
    spec("unit", "output", &["unit"], 1),
    spec("unit", "item", &["unit"], 1),
    spec("unit", "meta", &["unit"], 1),
    spec("from", "org", &["provider"], 0),
    spec("from", "org", &["origin"], 1),
    spec("from", "country", &["origin"], 1),
    spec("from", "org", &[], 3),
    spec("to", "org", &["dest"], 0),
    spec("to", "org", &["recipient"], 1),
    spec("to", "country", &["dest"], 1),
    spec("via", "org", &["impl"], 0),
    spec("via", "org", &["partner"], 1),
    spec("region", "adm1", &["name"], 0),
    spec("region", "adm1", &[], 1),
    spec("region", "loc", &["name"], 2),
    spec("region", "loc", &[], 3),
    spec("region", "adm2", &["name"], 4),
    spec("source", "meta", &["source"], 0),
];

const ENTRIES: &[Spec] = &[
    spec("date", "date", &["occurred"], 0),
    spec("date", "date", &[], 1),
    spec("quantity", "output", &["num"], 0),
    Spec { field: "quantity", ..RETURNEES },
    spec("note", "description", &[], 0),
    spec("note", "meta", &["note"], 1),
    spec("mines", "x_mines", &[], 0),
    spec("exchange", "event", &["id"], 0),
];

const REPORTS: &[Spec] = &[
    spec("published", "date", &["reported"], 0),
    spec("since", "date", &["start"], 0),
    spec("until", "date", &["end"], 0),
    spec("published", "date", &[], 2),
    spec("value", "output", &["num"], 0),
    Spec { field: "value", ..RETURNEES },
    spec("qualifier", "x_qualifier", &[], 0),
    spec("tolerance", "x_tolerance", &[], 0),
    spec("mode", "x_mode", &[], 0),
];

fn specs(table: Table) -> impl Iterator<Item = &'static Spec> {
    COMMON.iter().chain(match table {
        Table::Entries => ENTRIES,
        Table::Reports => REPORTS,
    })
}

impl Spec {
    fn matches(&self, h: &Hashtag) -> bool {
        self.tag == h.tag && self.attributes.iter().all(|a| h.has(a))
    }

    /// How the writer tags the field.
    fn written(&self) -> String {
        let mut s = format!("#{}", self.tag);
        for a in self.attributes {
            s.push('+');
            s.push_str(a);
        }
        s
    }
}

/// The hashtag the writer uses for a field of `table`.
fn written_tag(table: Table, field: &str) -> Option<String> {
    specs(table).filter(|s| s.field == field).min_by_key(|s| s.rank).map(Spec::written)
}

/// Builds the header of an HXL file from its hashtag row (on `line`): which column fills which
/// field, how each field is named in messages, and what the hashtags imply.
///
/// # Errors
///
/// Two columns that fill one field equally well (the same hashtag twice, or two hashtags that
/// mean the same field with the same specificity), naming both.
pub(crate) fn header(cells: &[String], want: Option<Table>, file: &Arc<str>, line: u64) -> Result<Header, Error> {
    let tags: Vec<Option<Hashtag>> = cells.iter().map(|c| Hashtag::parse(c)).collect();
    let span = |h: &Hashtag| h.tag == "date" && (h.has("start") || h.has("end"));
    // `#date+start` and `#date+end` are a report's period beside its publication date, or, alone, the
    // ends of an entry's date known only to a range.
    let other_date = tags.iter().flatten().any(|h| h.tag == "date" && !span(h));
    let table = want.unwrap_or_else(|| {
        let reports = tags.iter().flatten().any(|h| {
            (h.tag == "date" && (h.has("reported") || (span(h) && other_date)))
                || matches!(h.tag.as_str(), "x_qualifier" | "x_mode" | "x_tolerance")
        });
        if reports { Table::Reports } else { Table::Entries }
    });
    // An entry's range: the `#date+end` column ends the date that `#date+start` begins.
    let date_end = match table {
        Table::Entries if !other_date => {
            let has = |a: &str| tags.iter().position(|t| t.as_ref().is_some_and(|h| h.tag == "date" && h.has(a)));
            has("start").and(has("end"))
        }
        _ => None,
    };
    // Every (spec, column) that matches, best first: by the spec's rank, then the column with
    // fewer extra attributes (a total before its breakdowns), then the leftmost.
    let mut candidates: Vec<(u8, usize, usize, &Spec)> = Vec::new();
    for spec in specs(table) {
        for (col, tag) in tags.iter().enumerate() {
            if Some(col) == date_end {
                continue;
            }
            if let Some(h) = tag.as_ref().filter(|h| spec.matches(h)) {
                candidates.push((spec.rank, h.attributes.len() - spec.attributes.len(), col, spec));
            }
        }
    }
    candidates.sort_by_key(|&(rank, extra, col, _)| (rank, extra, col));
    let columns = table.columns();
    let mut map: Vec<Option<usize>> = vec![None; cells.len()];
    let mut labels: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let mut implied: Vec<(usize, String)> = Vec::new();
    // For each field, the column that fills it and how well (rank, extra attributes).
    let mut filled: Vec<Option<(u8, usize, usize)>> = vec![None; columns.len()];
    for &(rank, extra, col, spec) in &candidates {
        let Some(field) = table.index(spec.field) else { continue };
        if filled[field].is_some() || map[col].is_some() {
            continue;
        }
        filled[field] = Some((rank, extra, col));
        map[col] = Some(field);
        if let Some(h) = &tags[col] {
            labels[field] = h.text.clone();
        }
        for (f, v) in spec.implies {
            if let Some(i) = table.index(f) {
                implied.push((i, v.to_string()));
            }
        }
    }
    // A column that would fill a field as well as the column that does, and fills nothing else,
    // would be dropped without a word: refuse it, naming both.
    let mut problems = Vec::new();
    for (field, won) in filled.iter().enumerate() {
        let Some((rank, extra, col)) = *won else { continue };
        let mut twins: Vec<usize> = candidates
            .iter()
            .filter(|&&(r, e, c, s)| {
                (r, e) == (rank, extra) && c != col && map[c].is_none() && table.index(s.field) == Some(field)
            })
            .map(|&(_, _, c, _)| c)
            .collect();
        twins.dedup();
        for twin in twins {
            let name = |c: usize| tags[c].as_ref().map_or_else(String::new, |h| h.text.clone());
            let message = format!(
                "columns {} ({}) and {} ({}) both give the {}; keep one of them, or remove the other's hashtag (a column without one is ignored)",
                col + 1,
                name(col),
                twin + 1,
                name(twin),
                columns[field]
            );
            let p = crate::error::Problem::general(crate::error::ProblemKind::DuplicateColumn, message);
            // The message names both columns; the position does not repeat one of them.
            problems.push(p.located(file, Some(line), None, None));
        }
    }
    if !problems.is_empty() {
        return Err(Error::invalid(problems));
    }
    Ok(Header { table, map, labels, defaults: implied, hxl: true, date_end })
}

/// The tags a reader would want for a field that no column gives, for messages.
pub(crate) fn suggestion(table: Table, field: &str) -> String {
    written_tag(table, field).unwrap_or_else(|| format!("#x_{field}"))
}

fn human(field: &str) -> String {
    let mut c = field.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect::<String>().replace('-', " "))
}

/// Writes entries or reports as HXL: a row of human headers, a row of hashtags, then the records.
/// Only the columns that hold a value are written.
pub(crate) fn write(out: impl Write, entries: &[&Entry], reports: &[Report]) -> Result<(), Error> {
    let (table, rows): (Table, Vec<Vec<String>>) = if entries.is_empty() && !reports.is_empty() {
        (Table::Reports, reports.iter().map(|r| report_cells(r).to_vec()).collect())
    } else {
        (Table::Entries, entries.iter().map(|e| entry_cells(e).to_vec()).collect())
    };
    let columns = table.columns();
    let keep: Vec<usize> = (0..columns.len())
        .filter(|&i| table.required().contains(&columns[i]) || rows.iter().any(|r| !r[i].is_empty()))
        .collect();
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| Error::write(e.into());
    w.write_record(keep.iter().map(|&i| human(columns[i]))).map_err(io)?;
    w.write_record(keep.iter().map(|&i| written_tag(table, columns[i]).unwrap_or_default())).map_err(io)?;
    for r in &rows {
        crate::io::csv::write_defused(&mut w, keep.iter().map(|&i| r[i].as_str())).map_err(io)?;
    }
    w.flush().map_err(Error::write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[String], want: Option<Table>) -> Header {
        super::header(cells, want, &Arc::from("test.csv"), 2).unwrap()
    }

    fn cells(row: &[&str]) -> Vec<String> {
        row.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn hashtags_parse_case_and_space_insensitively() {
        let h = Hashtag::parse(" #ADM1 +Name +i_en").unwrap();
        assert_eq!((h.tag.as_str(), h.attributes.clone()), ("adm1", vec!["name".to_string(), "i_en".to_string()]));
        assert!(Hashtag::parse("#").is_none());
        assert!(Hashtag::parse("#1date").is_none());
        assert!(Hashtag::parse("#date+").is_none());
        assert!(Hashtag::parse("date").is_none());
        assert!(is_hashtag_row(&cells(&["#date", "", "#adm1+name"])));
        assert!(!is_hashtag_row(&cells(&["#date", "Region"])));
        assert!(!is_hashtag_row(&cells(&["", ""])));
    }

    #[test]
    fn the_most_specific_column_fills_a_field() {
        let h = header(
            &cells(&["#adm1+code", "#adm1+name", "#affected+returnees+f", "#affected+returnees", "#date", "Notes"]),
            None,
        );
        let region = Table::Entries.index("region");
        let quantity = Table::Entries.index("quantity");
        assert_eq!(h.map, [None, region, None, quantity, Table::Entries.index("date"), None]);
        assert_eq!(h.labels[quantity.unwrap()], "#affected+returnees");
        let implied: Vec<&str> = h.defaults.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(implied, ["returnees", "persons"]);
    }

    #[test]
    fn report_files_are_told_by_their_dates() {
        let h = header(&cells(&["#meta+id", "#date+reported", "#output+num", "#x_unit", "#x_kind"]), None);
        assert_eq!(h.table, Table::Reports);
        assert_eq!(written_tag(Table::Reports, "since").as_deref(), Some("#date+start"));
        assert_eq!(written_tag(Table::Entries, "from").as_deref(), Some("#org+provider"));
    }
}
