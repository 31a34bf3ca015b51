//! Where a chunk's records go: checked cells to entries, rows or reports, and every problem with
//! its position.

use std::sync::Arc;

use super::separators::Separators;
use super::split::{
    FIELDS, Records, bytecount, core_reader, core_record, open_quote, parse_text, split_plain, text_after_quote,
};
use super::write::restore;
use super::{Chunk, Filled, Header, Parsed};
use crate::error::{Problem, ProblemKind, echo};
use crate::io::Consumer;
use crate::io::lines::Lines;
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
        lines: Lines::default(),
        problems: Vec::new(),
        records: 0,
        buffer: Filled::default(),
    };
    let rows_wanted = consumer.as_ref().is_some_and(|c| c.wants_rows());
    let plain = (rows || rows_wanted)
        && header.table == Table::Entries
        && header.defaults.is_empty()
        && header.date_end.is_none();
    let mut sink = Sink { out: &mut out, header, width, file, interner, consumer, rows_wanted, plain };
    match std::str::from_utf8(chunk.bytes.bytes()) {
        Ok(text) => parse_text(text, chunk.first_line, &mut sink),
        Err(_) => parse_bytes(chunk.bytes.bytes(), chunk.first_line, &mut sink),
    }
    if let Some(batch) = &mut out.rows {
        batch.done_reading();
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
    /// Whether records may go straight to rows ([`Sink::plain_cells`]): entries made into rows
    /// (for a ledger, or for a consumer that takes them), under an entries header that supplies
    /// no value and ends no date (`#date+end`).
    plain: bool,
}

impl<'t> Sink<'_, '_> {
    /// Puts field `col` of a record, the bytes of `text` from `start` to `end`, in `cells`, as
    /// [`plain_row`] takes it: a value written plainly (it begins and ends with a visible ASCII
    /// character, and not with `'`: no white space to trim, no formula quote to take off). False
    /// when the record cannot go that way: a value not written plainly, a value under a plain CSV
    /// column without a name, or a field past the header's. An empty field leaves its cell empty.
    /// The ends are looked at as bytes before the value is taken as text, which spares most of
    /// the checks that it begins and ends on a character's boundary.
    #[inline]
    fn plain_cell(&self, cells: &mut Cells<'t>, col: usize, text: &'t str, start: usize, end: usize) -> bool {
        let b = text.as_bytes().get(start..end).unwrap_or_default();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else { return true };
        match self.header.map.get(col) {
            // Its ends are ASCII, so that the value is text from `start` to `end`.
            Some(Some(i)) if first.is_ascii_graphic() && last.is_ascii_graphic() && first != b'\'' => {
                match (cells.get_mut(*i), text.get(start..end)) {
                    (Some(cell), Some(field)) => {
                        *cell = Some(field);
                        true
                    }
                    _ => false,
                }
            }
            // HXL leaves out the columns it has no tag for; plain CSV names their values.
            Some(None) => self.header.hxl,
            _ => false,
        }
    }

    /// Makes the row of a record whose `cells` [`Sink::plain_cell`] filled, when [`plain_row`]
    /// takes it, without the general path's steps; false leaves the record to that path (nothing
    /// is kept of it), which makes the same row or names the record's problems.
    #[inline]
    fn plain_cells(&mut self, cells: &Cells<'_>, line: u64) -> bool {
        let Some(row) = plain_row(cells) else { return false };
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

    /// A record by [`Sink::plain_cells`], when its fields are all plain.
    fn plain_record(&mut self, fields: &[&'t str], line: u64) -> bool {
        let mut cells: Cells<'t> = [None; 17];
        fields.len() == self.width
            && fields.iter().enumerate().all(|(col, field)| self.plain_cell(&mut cells, col, field, 0, field.len()))
            && self.plain_cells(&cells, line)
    }

    /// The records of `lines` (see [`Records::lines`]) the general way, not the plain one.
    fn split_general<'f>(&mut self, lines: &'f str, line: u64, fields: &mut Vec<&'f str>) -> u64 {
        let plain = std::mem::replace(&mut self.plain, false);
        let next = split_plain(lines, line, fields, self);
        self.plain = plain;
        next
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

    /// Each line is split at its commas straight into the cells that [`plain_row`] takes (no
    /// fields gathered first), and made into its row there; a line that does not go that way is
    /// split again into fields, for the general way.
    fn lines<'t>(&mut self, lines: &'t str, first: u64, fields: &mut Vec<&'t str>) -> u64 {
        if !self.plain {
            return split_plain(lines, first, fields, self);
        }
        let bytes = lines.as_bytes();
        let mut cells: Cells<'t> = [None; 17];
        let (mut line, mut start, mut line_start, mut col, mut plain) = (first, 0, 0, 0, true);
        for i in Separators::new(bytes, b',', b'\n') {
            plain = plain && self.plain_cell(&mut cells, col, lines, start, i);
            col += 1;
            start = i + 1;
            if bytes.get(i) == Some(&b'\n') {
                if !(plain && col == self.width && self.plain_cells(&cells, line)) {
                    self.split_general(lines.get(line_start..start).unwrap_or(""), line, fields);
                }
                (cells, col, plain, line_start) = ([None; 17], 0, true, start);
                line += 1;
            }
        }
        if start < lines.len() || col > 0 {
            // The last line, without a line end.
            plain = plain && self.plain_cell(&mut cells, col, lines, start, lines.len());
            if !(plain && col + 1 == self.width && self.plain_cells(&cells, line)) {
                self.split_general(lines.get(line_start..).unwrap_or(""), line, fields);
            }
            line += 1;
        }
        line
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
