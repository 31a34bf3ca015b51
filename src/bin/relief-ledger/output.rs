//! Tables for people, CSV and JSON for programs.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::Failure;

/// Aligned columns; `right` marks columns of figures. Rows are any lists of texts (owned or
/// borrowed), so that a caller need not copy what it holds already.
pub(crate) fn table<R: AsRef<[C]>, C: AsRef<str>>(
    out: &mut impl Write,
    header: &[&str],
    rows: &[R],
    right: &[bool],
) -> io::Result<()> {
    // A last column aligned left is never padded (lines end trimmed): its width is not needed,
    // and it is the widest (the messages of an audit).
    let padded = match right.get(header.len().saturating_sub(1)) {
        Some(true) => header.len(),
        _ => header.len().saturating_sub(1),
    };
    let mut widths: Vec<usize> = header.iter().take(padded).map(|h| shown_width(h)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r.as_ref()) {
            *w = (*w).max(shown_width(c.as_ref()));
        }
    }
    // One buffer for every line: tables of an audit run to hundreds of thousands of rows.
    let mut line = String::new();
    let mut write_line = |cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        line.clear();
        for (i, c) in cells.enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths.get(i).map_or(0, |w| w.saturating_sub(shown_width(c)));
            if right.get(i).copied().unwrap_or(false) {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let end = line.trim_end().len();
        line.truncate(end);
        line.push('\n');
        out.write_all(line.as_bytes())
    };
    write_line(&mut header.iter().copied())?;
    for r in rows {
        write_line(&mut r.as_ref().iter().map(AsRef::as_ref))?;
    }
    Ok(())
}

/// The number of characters of `s` that show: colour codes (`ESC ... m`) left out.
fn shown_width(s: &str) -> usize {
    if !s.contains('\x1b') {
        return s.chars().count();
    }
    let mut width = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

fn csv_error(e: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("writing CSV: {e}"))
}

/// Rows as CSV records: every value guarded against spreadsheet formulas.
fn csv_records<W: Write, R: AsRef<[C]>, C: AsRef<str>>(
    w: &mut csv::Writer<W>,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), Failure> {
    for r in rows {
        // Keys are texts from files: a spreadsheet must not run them as formulas.
        for v in r.as_ref() {
            w.write_field(relief_ledger::defuse_formula(v.as_ref()).as_bytes()).map_err(csv_error)?;
        }
        // The end of the record.
        w.write_record(None::<&[u8]>).map_err(csv_error)?;
    }
    Ok(())
}

/// A header and rows as CSV. Rows are any lists of texts (owned or borrowed), made as they are
/// written if the caller likes.
pub(crate) fn csv_out<R: AsRef<[C]>, C: AsRef<str>>(
    out: &mut impl Write,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(csv_error)?;
    csv_records(&mut w, rows)?;
    w.flush()?;
    Ok(())
}

/// Items from which [`csv_items`] makes the records of each half on a thread of its own.
const CSV_PARALLEL_FROM: usize = 10_000;

/// A header and the row that `row` makes of each item, as [`csv_out`] writes them, byte for byte;
/// many items are made in two halves side by side (an audit's findings run to tens of megabytes):
/// the first written as it is made, the second held until then.
pub(crate) fn csv_items<'a, T: Sync, R: AsRef<[C]>, C: AsRef<str>>(
    out: &mut impl Write,
    header: &[&str],
    items: &'a [T],
    row: impl Fn(&'a T) -> R + Sync,
) -> Result<(), Failure> {
    if items.len() < CSV_PARALLEL_FROM {
        return csv_out(out, header, items.iter().map(row));
    }
    let (a, b) = items.split_at(items.len() / 2);
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(|| -> Result<Vec<u8>, Failure> {
            let mut w = csv::Writer::from_writer(Vec::new());
            csv_records(&mut w, b.iter().map(&row))?;
            w.into_inner().map_err(csv_error)
        });
        (csv_out(out, header, a.iter().map(&row)), second.join())
    });
    first?;
    match second {
        Ok(second) => out.write_all(&second?)?,
        Err(panic) => std::panic::resume_unwind(panic),
    }
    Ok(())
}

pub(crate) fn json_out(out: &mut impl Write, value: &Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
    writeln!(out)?;
    Ok(())
}

/// Items from which [`json_array`] makes the text of each half on a thread of its own.
const JSON_PARALLEL_FROM: usize = 10_000;

/// `items` as a pretty JSON array and a newline, byte for byte as `serde_json::to_writer_pretty`
/// writes it; a long array is made in two halves side by side (an audit's findings run to tens of
/// megabytes of JSON).
pub(crate) fn json_array<T: Serialize + Sync>(out: &mut impl Write, items: &[T]) -> Result<(), Failure> {
    let err = |e: serde_json::Error| Failure::Usage(format!("writing JSON: {e}"));
    if items.len() < JSON_PARALLEL_FROM {
        serde_json::to_writer_pretty(&mut *out, items).map_err(err)?;
    } else {
        // Each half is an array of its own, "[\n  ...\n]": its items are the text between its
        // brackets, indented as in the whole.
        let (a, b) = items.split_at(items.len() / 2);
        let (a, b) = std::thread::scope(|s| {
            let later = s.spawn(|| serde_json::to_vec_pretty(b));
            (serde_json::to_vec_pretty(a), later.join())
        });
        let b = match b {
            Ok(b) => b,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (a, b) = (a.map_err(err)?, b.map_err(err)?);
        fn inner(v: &[u8]) -> &[u8] {
            v.get(2..v.len().saturating_sub(2)).unwrap_or_default()
        }
        for part in [&b"[\n"[..], inner(&a), b",\n", inner(&b), b"\n]"] {
            out.write_all(part)?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `1 line`, `2 lines`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A row of `report --format json`: its fields in the order of the columns (a JSON map would sort them).
pub(crate) struct OrderedRow<'a>(pub(crate) &'a [&'a str], pub(crate) &'a [String]);

impl serde::Serialize for OrderedRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The array made in halves is the array made whole, byte for byte: empty, short, and long
    /// enough to be split at an odd or an even length, with nested objects and texts to escape.
    #[test]
    fn a_json_array_in_halves_is_the_array_whole() {
        for n in [0, 1, 2, JSON_PARALLEL_FROM - 1, JSON_PARALLEL_FROM, JSON_PARALLEL_FROM + 1] {
            let items: Vec<Value> =
                (0..n).map(|i| serde_json::json!({"i": i, "text": format!("\"{i}\"\n"), "list": [i, {"x": null}], "empty": []})).collect();
            let mut whole = Vec::new();
            serde_json::to_writer_pretty(&mut whole, &items).unwrap();
            whole.push(b'\n');
            let mut halves = Vec::new();
            assert!(json_array(&mut halves, &items).is_ok());
            assert!(halves == whole, "{n} items");
        }
    }

    /// CSV made in halves is the CSV made whole, byte for byte: values to quote, formulas to
    /// defuse, empty values, around the size from which it is split.
    #[test]
    fn csv_in_halves_is_the_csv_whole() {
        let cell = |i: usize| -> [String; 3] {
            [format!("{i}"), ["a,b", "=1+1", "", "say \"hi\"\n", "-5"][i % 5].to_string(), "x".repeat(i % 7)]
        };
        for n in [0, 1, CSV_PARALLEL_FROM - 1, CSV_PARALLEL_FROM, CSV_PARALLEL_FROM + 1] {
            let items: Vec<usize> = (0..n).collect();
            let mut whole = Vec::new();
            assert!(csv_out(&mut whole, &["i", "value", "pad"], items.iter().map(|&i| cell(i))).is_ok());
            let mut halves = Vec::new();
            assert!(csv_items(&mut halves, &["i", "value", "pad"], &items, |&i| cell(i)).is_ok());
            assert!(halves == whole, "{n} items");
            assert!(n < 2 || String::from_utf8_lossy(&whole).contains("'=1+1"), "formulas are defused");
        }
    }
}
