//! Where a chunk's records go: checked cells to entries, rows or reports, and every problem with
//! its position.

use std::sync::Arc;

use super::split::{FIELDS, Records, bytecount, core_reader, core_record, open_quote, parse_text, text_after_quote};
use super::write::restore;
use super::{Chunk, Filled, Header, Parsed};
use crate::error::{Problem, ProblemKind, echo};
use crate::io::Consumer;
use crate::io::record::{Cells, Interner, Table, entry_from_cells, plain_row, report_from_cells, row_from_cells};
use crate::ledger::RowBatch;

/// How far the end of the file is from a line, in words.
pub(super) fn lines_on(lines: u64) -> String {
    if lines == 1 { "1 line on".to_string() } else { format!("{lines} lines on") }
}

pub(super) fn parse_chunk<'c>(
    chunk: Chunk,
    header: &Header,
    width: usize,
    file: &Arc<str>,
    interner: &mut Interner,
    consumer: Option<&mut (dyn Consumer + 'c)>,
    rows: bool,
) -> Parsed {
    let capacity = usize::try_from(chunk.lines + 1).unwrap_or(0);
    let rows = rows && header.table == Table::Entries && consumer.is_none();
    let mut out = Parsed {
        index: chunk.index,
        rows: rows.then(|| RowBatch::with_capacity(capacity)),
        entries: if header.table == Table::Entries && consumer.is_none() && !rows {
            Vec::with_capacity(capacity)
        } else {
            Vec::new()
        },
        reports: Vec::new(),
        lines: if consumer.is_none() || header.table == Table::Reports {
            Vec::with_capacity(capacity)
        } else {
            Vec::new()
        },
        problems: Vec::new(),
        records: 0,
        buffer: Filled::default(),
    };
    let rows_wanted = consumer.as_ref().is_some_and(|c| c.wants_rows());
    let plain = (rows || rows_wanted) && header.defaults.is_empty() && header.date_end.is_none();
    let mut sink = Sink { out: &mut out, header, width, file, interner, consumer, rows_wanted, plain };
    match std::str::from_utf8(chunk.bytes.bytes()) {
        Ok(text) => parse_text(text, chunk.first_line, &mut sink),
        Err(_) => parse_bytes(chunk.bytes.bytes(), chunk.first_line, &mut sink),
    }
    out.buffer = chunk.bytes;
    out
}

/// Where parsed records go.
pub(super) struct Sink<'a, 'c> {
    out: &'a mut Parsed,
    header: &'a Header,
    width: usize,
    file: &'a Arc<str>,
    interner: &'a mut Interner,
    /// Where entries go as they are read; `None` keeps them in `out`.
    consumer: Option<&'a mut (dyn Consumer + 'c)>,
    /// Whether the consumer takes rows ([`Consumer::wants_rows`], asked once a chunk).
    rows_wanted: bool,
    /// Whether records may go straight to rows ([`Sink::plain_record`]): entries made into rows
    /// (for a ledger, or for a consumer that takes them), under a header that supplies no value
    /// and ends no date (`#date+end`).
    plain: bool,
}

impl Sink<'_, '_> {
    /// Makes the row of a record whose values are written plainly (no white space around them, no
    /// leading `'`) and that [`plain_row`] takes, without the general path's steps; false leaves
    /// the record to that path (nothing is kept of it), which makes the same row or names the
    /// record's problems.
    fn plain_record(&mut self, fields: &[&str], line: u64) -> bool {
        if fields.len() != self.width || self.header.table != Table::Entries {
            return false;
        }
        let mut cells: Cells<'_> = [None; 17];
        for (field, target) in fields.iter().zip(&self.header.map) {
            let b = field.as_bytes();
            let (Some(&first), Some(&last)) = (b.first(), b.last()) else { continue };
            match target {
                // As `plain_row` takes them.
                Some(i) if first.is_ascii_graphic() && last.is_ascii_graphic() && first != b'\'' => {
                    if let Some(cell) = cells.get_mut(*i) {
                        *cell = Some(*field);
                    }
                }
                // HXL leaves out the columns it has no tag for; plain CSV names their values.
                None if self.header.hxl => {}
                _ => return false,
            }
        }
        let Some(row) = plain_row(&cells) else { return false };
        let out = &mut *self.out;
        match (&mut self.consumer, &mut out.rows) {
            // A consumer counts its entries' lines itself.
            (Some(c), _) if self.rows_wanted => c.row(&row, line),
            (None, Some(batch)) => {
                batch.push_row(&row);
                out.lines.push(line);
            }
            _ => return false,
        }
        out.records += 1;
        true
    }
}

/// Parses a chunk that is not valid UTF-8, to say which field of which record is not.
pub(super) fn parse_bytes(bytes: &[u8], first_line: u64, sink: &mut Sink<'_, '_>) {
    let mut core = core_reader();
    let mut unquoted: Vec<u8> = vec![0; 1024];
    let mut ends: Vec<usize> = vec![0; FIELDS];
    let (mut pos, mut line) = (0usize, first_line);
    while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
        // csv_core skips blank lines before a record.
        let blank = rest.iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
        let (nin, nends) = core_record(&mut core, rest, &mut unquoted, &mut ends);
        let consumed = rest.get(..nin).unwrap_or(rest);
        let at = line + bytecount(rest.get(..blank).unwrap_or_default());
        if nin >= rest.len() {
            if let Some((quote, field)) = open_quote(rest) {
                let (before, after) = rest.split_at(quote.min(rest.len()));
                sink.open_quote(line + bytecount(before), field, bytecount(after));
                break;
            }
        }
        if let Some(field) = text_after_quote(consumed) {
            sink.text_after_quote(at, field);
        }
        if nin == 0 {
            break;
        }
        pos += nin;
        line += bytecount(consumed);
        let mut raw: Vec<&[u8]> = Vec::with_capacity(nends);
        let mut start = 0;
        for &e in ends.get(..nends).unwrap_or_default() {
            raw.push(unquoted.get(start..e).unwrap_or_default());
            start = e;
        }
        if nends == 0 || (nends == 1 && raw.first().is_some_and(|f| f.trim_ascii().is_empty())) {
            continue;
        }
        let mut fields: Vec<&str> = Vec::with_capacity(raw.len());
        let mut bad = false;
        for (i, field) in raw.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(f) => fields.push(f),
                Err(e) => {
                    bad = true;
                    let header = sink.header;
                    let name = header
                        .map
                        .get(i)
                        .copied()
                        .flatten()
                        .and_then(|c| header.labels.get(c))
                        .map_or("(ignored column)", String::as_str);
                    let (valid, invalid) = field.split_at(e.valid_up_to());
                    let before = String::from_utf8_lossy(valid);
                    let byte = invalid.first().copied().unwrap_or(0);
                    let message = format!(
                        "is not valid UTF-8: byte 0x{byte:02x} after {}; save the file as UTF-8",
                        echo(&before)
                    );
                    let record = Some(sink.out.records + 1);
                    sink.out.problems.push(
                        Problem::new(ProblemKind::Encoding, name, message).in_column(i as u64 + 1).located(
                            sink.file,
                            Some(at),
                            record,
                            None,
                        ),
                    );
                }
            }
        }
        if bad {
            sink.out.records += 1;
            continue;
        }
        sink.record(&fields, at);
    }
}

impl Records for Sink<'_, '_> {
    fn open_quote(&mut self, line: u64, field: usize, lines: u64) {
        let out = &mut *self.out;
        out.records += 1;
        let message = format!(
            "the double quote that opens this value is never closed, so the value would run to the end of the file ({}); close it with a double quote (a quote inside a value is written twice: \"\")",
            lines_on(lines)
        );
        let label = self.header.map.get(field).copied().flatten().and_then(|i| self.header.labels.get(i));
        let problem = match label {
            Some(name) => Problem::new(ProblemKind::Malformed, name, message),
            None => Problem::general(ProblemKind::Malformed, message),
        }
        .in_column(field as u64 + 1);
        out.problems.push(problem.located(self.file, Some(line), Some(out.records), None));
    }

    fn text_after_quote(&mut self, line: u64, field: usize) {
        let message = "has text after the double quote that closes it; put the whole value in double quotes (a quote inside a value is written twice: \"\")";
        let label = self.header.map.get(field).copied().flatten().and_then(|i| self.header.labels.get(i));
        let problem = match label {
            Some(name) => Problem::new(ProblemKind::Malformed, name, message),
            None => Problem::general(ProblemKind::Malformed, message),
        }
        .in_column(field as u64 + 1);
        // The record that follows counts itself: this one is the next.
        let record = Some(self.out.records + 1);
        self.out.problems.push(problem.located(self.file, Some(line), record, None));
    }

    fn record(&mut self, fields: &[&str], line: u64) {
        if self.plain && self.plain_record(fields, line) {
            return;
        }
        let out = &mut *self.out;
        out.records += 1;
        let record = out.records;
        let file = self.file;
        let record_kind = self.header.table.record_kind();
        let at = |p: Problem, id: Option<&str>| {
            let mut p = p.located(file, Some(line), Some(record), id);
            p.position.record_kind = p.position.record_kind.or(id.map(|_| record_kind));
            p
        };
        let (width, count) = (self.width, fields.len());
        if count != width {
            let message = format!(
                "has {count} field{}, but the header has {width}; a comma inside a value needs the value in double quotes",
                if count == 1 { "" } else { "s" }
            );
            out.problems.push(at(Problem::general(ProblemKind::Malformed, message), None));
            return;
        }
        let mut cells: Cells<'_> = [None; 17];
        for (col, (field, target)) in fields.iter().zip(&self.header.map).enumerate() {
            let Some(i) = target else {
                // Plain CSV: a value under a column without a name would be lost; say so.
                if !self.header.hxl && !field.trim().is_empty() {
                    let message = format!(
                        "the value {} has no column name in the header row; name the column",
                        echo(field.trim())
                    );
                    let p = Problem::general(ProblemKind::UnknownColumn, message).in_column(col as u64 + 1);
                    out.problems.push(at(p, None));
                }
                continue;
            };
            // The same white space as the JSON reader and the builders' checks: Unicode's, which holds
            // the vertical tab and the no-break space that ASCII's leaves out.
            let s = restore(trim(field));
            if !s.is_empty() {
                cells[*i] = Some(s);
            }
        }
        // `#date+start` and `#date+end`: the entry's date is the range between them (one end alone is
        // the date; the same day twice is that day).
        let range;
        if let (Some(end), Some(date)) = (self.header.date_end, Table::Entries.index("date")) {
            let end = fields.get(end).map(|f| restore(f.trim())).filter(|e| !e.is_empty());
            match (cells.get(date).copied().flatten(), end) {
                (Some(start), Some(end)) if start != end => {
                    range = format!("{start}..{end}");
                    cells[date] = Some(range.as_str());
                }
                (None, Some(end)) => cells[date] = Some(end),
                _ => {}
            }
        }
        for (i, value) in &self.header.defaults {
            if let Some(cell @ None) = cells.get_mut(*i) {
                *cell = Some(value.as_str());
            }
        }
        let result = match self.header.table {
            Table::Entries if cells[14].is_none() && self.rows_wanted => match (cells[0], &mut self.consumer) {
                (Some(id), Some(c)) => row_from_cells(&cells, id).map(|row| c.row(&row, line)),
                (None, Some(c)) => {
                    entry_from_cells(&cells, self.interner, || format!("{file}:{line}")).map(|e| c.entry(e, line))
                }
                (_, None) => Ok(()),
            },
            Table::Entries if out.rows.is_some() => match (cells[0], &mut out.rows) {
                (Some(id), Some(batch)) => row_from_cells(&cells, id).map(|row| batch.push_row(&row)),
                (None, Some(batch)) => {
                    entry_from_cells(&cells, self.interner, || format!("{file}:{line}")).map(|e| batch.push(&e))
                }
                (_, None) => Ok(()),
            },
            Table::Entries => {
                entry_from_cells(&cells, self.interner, || format!("{file}:{line}")).map(|e| match &mut self.consumer {
                    Some(c) => c.entry(e, line),
                    None => out.entries.push(e),
                })
            }
            Table::Reports => report_from_cells(&cells).map(|r| out.reports.push(r)),
        };
        match result {
            Ok(()) if self.consumer.is_some() && self.header.table == Table::Entries => {}
            Ok(()) => out.lines.push(line),
            Err(problems) => {
                let id = cells[0];
                let labels = &self.header.labels;
                let header = self.header;
                out.problems.extend(problems.into_iter().map(|mut p| {
                    if let Some(i) = p.field.as_deref().and_then(|f| header.table.index(f)) {
                        // A value the file has no column for: say how to give it.
                        if !header.map.contains(&Some(i)) && !header.defaults.iter().any(|(j, _)| *j == i) {
                            let name = header.table.columns()[i];
                            let column = if header.hxl {
                                format!("a column tagged {}", crate::io::hxl::suggestion(header.table, name))
                            } else {
                                format!("a {name} column")
                            };
                            p.message = format!("{}; add {column}, or --assume {name}=...", p.message);
                        }
                        // Name the field as the file does: in HXL, by its column's hashtag.
                        p.field = labels.get(i).cloned();
                        if let Some(col) = header.map.iter().position(|c| *c == Some(i)) {
                            p.position.column = Some(col as u64 + 1);
                        }
                    }
                    at(p, id)
                }));
            }
        }
    }
}

/// `str::trim`, without looking at the characters of a value whose ends are ASCII other than white
/// space (no Unicode white space is ASCII but for those `is_ascii_graphic` leaves out), nor at an
/// empty value (a column left empty, as most rows leave some).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        (None, _) => s,
        _ => s.trim(),
    }
}
