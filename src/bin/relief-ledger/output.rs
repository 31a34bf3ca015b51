//! Tables for people, CSV and JSON for programs.

use std::io::{self, Write};

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
    let mut widths: Vec<usize> = header.iter().map(|h| shown_width(h)).collect();
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
            let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(shown_width(c));
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

pub(crate) fn csv_out(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Failure::Usage(format!("writing CSV: {e}"));
    w.write_record(header).map_err(err)?;
    for r in rows {
        // Keys are texts from files: a spreadsheet must not run them as formulas.
        w.write_record(r.iter().map(|v| relief_ledger::defuse_formula(v).into_owned())).map_err(err)?;
    }
    w.flush()?;
    Ok(())
}

pub(crate) fn json_out(out: &mut impl Write, value: &Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
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
