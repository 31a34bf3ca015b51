//! Writing CSV: values that a spreadsheet would run as formulas are defused, and read back whole.

use crate::entry::Entry;
use crate::error::Error;
use crate::report::Report;

/// Whether a spreadsheet would run a cell that begins with `c` as a formula.
pub(super) fn formula_start(c: u8) -> bool {
    matches!(c, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// A plain decimal number (`-5`, `+1.5`), which a spreadsheet reads as a number, not a formula.
pub(super) fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// A value as this crate's CSV writers write it: with a `'` before it when a spreadsheet would run it
/// as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a plain
/// number), or when it begins with a `'` followed by one of those or by another `'`, which the readers
/// take off again. This is what OWASP advises against CSV injection; use it for CSV of your own that
/// holds text from files.
///
/// # Example
///
/// ```
/// use relief_ledger::defuse_formula;
///
/// assert_eq!(defuse_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(defuse_formula("-5"), "-5"); // a number, not a formula
/// assert_eq!(defuse_formula("NKR"), "NKR");
/// ```
pub fn defuse_formula(value: &str) -> std::borrow::Cow<'_, str> {
    defuse(value)
}

/// See [`defuse_formula`].
pub(crate) fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    let b = value.as_bytes();
    let risky = match b.first() {
        Some(&c) if formula_start(c) => !is_number(value),
        Some(b'\'') => b.get(1).is_some_and(|&c| c == b'\'' || formula_start(c)),
        _ => false,
    };
    if risky { std::borrow::Cow::Owned(format!("'{value}")) } else { std::borrow::Cow::Borrowed(value) }
}

/// A value as read: without the `'` that [`defuse`] puts before it.
pub(crate) fn restore(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.bytes().next().is_some_and(|c| c == b'\'' || formula_start(c)) => rest,
        _ => value,
    }
}

/// Writes one record of values, each through [`defuse`].
pub(crate) fn write_defused<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    values: impl IntoIterator<Item = impl AsRef<str>>,
) -> csv::Result<()> {
    for v in values {
        w.write_field(defuse(v.as_ref()).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// Writes entries as CSV, with the `mines` and `exchange` columns only when some entry has a value
/// for them (files without them read back the same).
pub(crate) fn write_entries(out: impl std::io::Write, entries: &[&Entry]) -> Result<(), Error> {
    let with_mines = entries.iter().any(|e| e.event().mines().is_some());
    let with_exchange = entries.iter().any(|e| e.exchange().is_some());
    let columns: Vec<usize> = (0..13).chain(with_mines.then_some(13)).chain(with_exchange.then_some(14)).collect();
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| Error::write(e.into());
    let names = crate::io::record::ENTRY_COLUMNS;
    w.write_record(columns.iter().filter_map(|&i| names.get(i))).map_err(io)?;
    for e in entries {
        let cells = crate::io::record::entry_cells(e);
        write_defused(&mut w, columns.iter().filter_map(|&i| cells.get(i))).map_err(io)?;
    }
    w.flush().map_err(Error::write)
}

/// Writes reports as CSV.
pub(crate) fn write_reports(out: impl std::io::Write, reports: &[Report]) -> Result<(), Error> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| Error::write(e.into());
    w.write_record(crate::io::record::REPORT_COLUMNS).map_err(io)?;
    for r in reports {
        write_defused(&mut w, crate::io::record::report_cells(r)).map_err(io)?;
    }
    w.flush().map_err(Error::write)
}
