//! CSV with a header row: entries or reports, columns in any order.
//!
//! Large files are cut into chunks at record boundaries (newlines outside quotes, found by
//! following csv_core's own state machine) and parsed on every core; the chunks' entries are then
//! handed over in file order, exactly as one pass over the file would read them.
//!
//! # Formulas
//!
//! Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` (and some, after a tab or a CR)
//! as a formula, so a value from a third party's file could run in the spreadsheet of whoever
//! opens what we write (CSV injection). Following OWASP's advice, the CSV and HXL writers put a
//! single quote `'` before such a value, which spreadsheets show as text without the quote; a
//! number such as `-5` is left as it is. Readers take one leading `'` off a value when a formula
//! character or another `'` follows it, so that what is written reads back exactly: the writers
//! also put a `'` before a value that begins with `'` and one of those characters.

use std::io::Read;
use std::sync::{Arc, Mutex, mpsc};

use crate::entry::Entry;
use crate::error::{Error, Problem, ProblemKind, echo};
use crate::io::lines::Lines;
use crate::io::record::{Interner, Table};
use crate::io::{Assumptions, Consumer};
use crate::ledger::RowBatch;
use crate::report::Report;

mod separators;
mod sink;
mod split;
mod write;

use sink::{lines_on, parse_chunk};
use split::*;
pub use write::defuse_formula;
pub(crate) use write::{write_defused, write_entries, write_reports};

/// Bytes per chunk handed to a parsing thread.
const CHUNK: usize = 4 << 20;

/// What a CSV file's header says about it.
pub(crate) struct Header {
    pub(crate) table: Table,
    /// For each column of the file, the index of the field it fills, or `None` to skip it.
    pub(crate) map: Vec<Option<usize>>,
    /// How each field is named in messages: its column name, or in HXL its column's hashtag.
    pub(crate) labels: Vec<String>,
    /// Values for fields that a record leaves empty: assumed by the user, or implied by a hashtag.
    pub(crate) defaults: Vec<(usize, String)>,
    /// Whether the columns were named by an HXL hashtag row.
    pub(crate) hxl: bool,
    /// In HXL entries, the column tagged `#date+end`, which ends the date the `#date+start` column
    /// begins (an entry known only to a range).
    pub(crate) date_end: Option<usize>,
}

/// How the header of a CSV file is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// The first row names the columns, unless an HXL hashtag row comes in the first 25 rows.
    Auto,
    /// An HXL hashtag row in the first 25 rows names the columns.
    Hxl,
}

/// How many rows HXL allows above and including its hashtag row.
const HXL_ROWS: usize = 25;

/// Reads the header (the first record); every problem with it at once.
pub(crate) fn parse_header(names: &[&str], file: &Arc<str>, want: Option<Table>) -> Result<Header, Error> {
    let at = |p: Problem| p.located(file, Some(1), None, None);
    let known = |t: Table| names.iter().filter(|n| t.index(n.trim()).is_some()).count();
    let table = want.unwrap_or_else(|| {
        if names.iter().any(|n| matches!(n.trim(), "published" | "value")) { Table::Reports } else { Table::Entries }
    });
    if known(Table::Entries) + known(Table::Reports) == 0 {
        let first = names.first().map_or("", |s| s);
        // A spreadsheet saved with another separator: one column whose name holds all the names.
        for (sep, what) in [(';', "semicolons"), ('\t', "tabs"), ('|', "bars")] {
            if first
                .split(sep)
                .filter(|n| Table::Entries.index(n.trim()).or(Table::Reports.index(n.trim())).is_some())
                .count()
                >= 2
            {
                let message = format!(
                    "the columns are separated by {what} ({}); relief-ledger reads comma-separated files: save the file as CSV with commas",
                    echo(first)
                );
                return Err(Error::invalid(vec![at(Problem::general(ProblemKind::Malformed, message))]));
            }
        }
        return Err(Error::invalid(vec![at(Problem::general(
            ProblemKind::Malformed,
            format!(
                "no header row: the first line starts with {}, not a column name; {} starts with a line naming its columns, such as {}",
                echo(first),
                table.noun(),
                table.required().join(",")
            ),
        ))]));
    }
    let mut problems = Vec::new();
    let mut map = Vec::with_capacity(names.len());
    let mut seen = vec![false; table.columns().len()];
    for (col, raw) in (1u64..).zip(names) {
        let name = raw.trim();
        if name.is_empty() {
            // An unnamed column, as a trailing comma makes: fine while it holds nothing.
            map.push(None);
            continue;
        }
        match table.index(name) {
            Some(i) if seen[i] => {
                problems.push(at(Problem::new(
                    ProblemKind::DuplicateColumn,
                    name,
                    format!("column {} appears twice", echo(name)),
                )
                .in_column(col)));
                map.push(None);
            }
            Some(i) => {
                seen[i] = true;
                map.push(Some(i));
            }
            None => {
                problems.push(at(
                    Problem::new(ProblemKind::UnknownColumn, name, table.unknown_column(name)).in_column(col)
                ));
                map.push(None);
            }
        }
    }
    if problems.is_empty() {
        let labels = table.columns().iter().map(|c| c.to_string()).collect();
        Ok(Header { table, map, labels, defaults: Vec::new(), hxl: false, date_end: None })
    } else {
        Err(Error::invalid(problems))
    }
}

/// Adds the assumed values to a header and checks that every required field has a column or a
/// value; `names` are the column names (or hashtags), for suggestions.
fn complete(
    mut header: Header,
    names: &[String],
    assume: &Assumptions,
    file: &Arc<str>,
    line: u64,
) -> Result<Header, Error> {
    let table = header.table;
    // The user's values come first: they override what a hashtag implies.
    let mut defaults = assume.for_table(table);
    let implied: Vec<(usize, String)> =
        header.defaults.into_iter().filter(|(i, _)| !defaults.iter().any(|(j, _)| j == i)).collect();
    defaults.extend(implied);
    header.defaults = defaults;
    let given: Vec<usize> =
        header.map.iter().flatten().copied().chain(header.defaults.iter().map(|(i, _)| *i)).collect();
    // A misspelled column already says what it should be; do not also say that column is missing.
    let suggested: Vec<&str> = if header.hxl {
        Vec::new()
    } else {
        names
            .iter()
            .filter(|n| table.index(n.trim()).is_none())
            .filter_map(|n| crate::error::nearest(n.trim(), table.columns().iter().copied()))
            .collect()
    };
    let mut problems = Vec::new();
    for req in table.required() {
        let Some(i) = table.index(req) else { continue };
        if given.contains(&i) || suggested.contains(req) {
            continue;
        }
        let message = if header.hxl {
            format!(
                "no column is tagged for the {req} (such as {}), and no --assume {req}=... gives it",
                crate::io::hxl::suggestion(table, req)
            )
        } else {
            format!("no column {req:?}; {} needs the columns {}", table.noun(), table.required().join(", "))
        };
        let mut p = Problem::new(ProblemKind::MissingColumn, req, message).located(file, Some(line), None, None);
        if header.hxl {
            p.field = None;
        }
        problems.push(p);
    }
    if problems.is_empty() { Ok(header) } else { Err(Error::invalid(problems)) }
}

/// The parsed records of one chunk.
struct Parsed {
    index: usize,
    entries: Vec<Entry>,
    /// The entries as rows, instead of `entries`, when read for a ledger.
    rows: Option<RowBatch>,
    reports: Vec<Report>,
    /// The line of each entry or report.
    lines: Lines,
    problems: Vec<Problem>,
    records: u64,
    /// The chunk's buffer, handed back for the next chunk.
    buffer: Filled,
}

/// One chunk of the file: whole records, and the line its first record starts on.
struct Chunk {
    index: usize,
    bytes: Filled,
    first_line: u64,
    /// How many lines it has: an upper bound on its records (a quoted value may span lines).
    lines: u64,
}

/// What [`read`] found: entries in chunks, in file order, or reports.
pub(crate) struct Content {
    pub(crate) entries: Vec<Vec<Entry>>,
    /// The entries as rows, when read for a ledger.
    pub(crate) batches: Vec<RowBatch>,
    pub(crate) lines_of_entries: Lines,
    pub(crate) reports: Vec<Report>,
    pub(crate) lines_of_reports: Vec<u64>,
}

/// Reads from `input` until `buf` holds at least `target` bytes or the input ends; true at the end.
/// The room is zeroed once, however many reads fill it (a pipe gives 64 KiB a read).
pub(crate) fn fill(input: &mut impl Read, buf: &mut Vec<u8>, target: usize) -> std::io::Result<bool> {
    let mut filled = Filled::from(std::mem::take(buf));
    let result = filled.fill(input, target);
    *buf = filled.buf;
    buf.truncate(filled.len);
    result
}

/// Bytes read into a buffer that is never shortened, so that reading into it again writes over
/// what it held instead of zeroing it first: its first `len` bytes are the text.
#[derive(Debug, Default)]
pub(crate) struct Filled {
    buf: Vec<u8>,
    len: usize,
}

impl From<Vec<u8>> for Filled {
    /// The bytes of `buf`, all of them text.
    fn from(buf: Vec<u8>) -> Filled {
        Filled { len: buf.len(), buf }
    }
}

impl Filled {
    /// The text.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Reads from `input` until it holds at least `target` bytes or the input ends; true at the end.
    pub(crate) fn fill(&mut self, input: &mut impl Read, target: usize) -> std::io::Result<bool> {
        if self.buf.len() < target {
            // A new zeroed buffer with the text copied in, rather than `resize`: a large one comes
            // zeroed from the system (`calloc`), where `resize` would write every byte of the room.
            let mut grown = vec![0; target];
            if let (Some(to), Some(text)) = (grown.get_mut(..self.len), self.buf.get(..self.len)) {
                to.copy_from_slice(text);
            }
            self.buf = grown;
        }
        while let Some(room) = self.buf.get_mut(self.len..target).filter(|r| !r.is_empty()) {
            let room_len = room.len();
            match input.read(room) {
                Ok(0) => return Ok(true),
                // A reader that says it gave more than it had room for breaks `Read`'s contract:
                // which of the bytes are its own cannot be told.
                Ok(n) if n > room_len => {
                    let message = format!("the reader said it read {n} bytes into room for {room_len}");
                    return Err(std::io::Error::other(message));
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// Keeps the first `at` bytes, and gives the rest to `tail` (what it held is dropped).
    fn split_into(&mut self, at: usize, tail: &mut Filled) {
        let at = at.min(self.len);
        let rest = self.bytes().get(at..).unwrap_or_default();
        if tail.buf.len() < rest.len() {
            tail.buf.resize(rest.len(), 0);
        }
        if let Some(to) = tail.buf.get_mut(..rest.len()) {
            to.copy_from_slice(rest);
        }
        tail.len = rest.len();
        self.len = at;
    }
}

/// Reads a whole CSV file of entries or reports; `want` forces the table, otherwise the header decides.
/// With `rows`, the entries come as the rows of a ledger (a [`RowBatch`] per chunk), not as entries.
///
/// Every problem in the file is reported, and nothing is returned unless there are none.
pub(crate) fn read(
    input: impl Read,
    file: &Arc<str>,
    want: Option<Table>,
    dialect: Dialect,
    assume: &Assumptions,
    rows: bool,
) -> Result<Content, Error> {
    let into = if rows { Into::Rows } else { Into::Entries };
    read_chunked(input, file, want, dialect, assume, CHUNK, into)
}

/// Where a chunked read puts the entries it reads.
enum Into<'a> {
    /// Into the content, as entries.
    Entries,
    /// Into the content, as the rows of a ledger.
    Rows,
    /// To the consumers, one per parsing thread.
    Consumers(Vec<&'a mut dyn Consumer>),
}

/// [`read`], handing each valid entry to one of `consumers` (one per parsing thread) as soon as it is
/// read, instead of keeping it: the entries of the content are then empty. Chunks of about `chunk`
/// bytes. Problems are found and positioned as [`read`] finds them; ids used twice within the file
/// are the consumers' to find.
pub(crate) fn read_into(
    input: impl Read,
    file: &Arc<str>,
    want: Option<Table>,
    dialect: Dialect,
    assume: &Assumptions,
    chunk: usize,
    consumers: Vec<&mut dyn Consumer>,
) -> Result<Content, Error> {
    read_chunked(input, file, want, dialect, assume, chunk, Into::Consumers(consumers))
}

/// [`read`], cutting the file into chunks of about `chunk` bytes (tests make them tiny).
fn read_chunked(
    mut input: impl Read,
    file: &Arc<str>,
    want: Option<Table>,
    dialect: Dialect,
    assume: &Assumptions,
    chunk: usize,
    into: Into<'_>,
) -> Result<Content, Error> {
    let (mut consumers, rows) = match into {
        Into::Entries => (Vec::new(), false),
        Into::Rows => (Vec::new(), true),
        Into::Consumers(c) => (c, false),
    };
    let chunk = chunk.max(1);
    let streaming = !consumers.is_empty();
    let io = |e: std::io::Error| Error::io(file.to_string(), e);
    let refuse = |kind: ProblemKind, line: Option<u64>, message: String| {
        Err(Error::invalid(vec![Problem::general(kind, message).located(file, line, None, None)]))
    };
    // The top of the file: enough for the rows where an HXL hashtag row may be.
    let mut buf: Vec<u8> = Vec::new();
    let mut target = chunk.min(64 << 10);
    let mut eof = loop {
        let eof = fill(&mut input, &mut buf, target).map_err(io)?;
        if eof || record_ends(&buf, HXL_ROWS + 1).len() > HXL_ROWS {
            break eof;
        }
        target *= 2;
    };
    let bom = if buf.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let text = buf.get(bom..).unwrap_or_default();
    if text.iter().all(|b| b.is_ascii_whitespace()) && eof {
        let table = want.unwrap_or(Table::Entries);
        let message =
            format!("the file is empty; {} needs a header row, such as {}", table.noun(), table.required().join(","));
        return refuse(ProblemKind::Empty, None, message);
    }
    if let Some(line) = cr_line_ends(text) {
        let message = "the lines end with a carriage return alone (CR line ends, as old Mac files have), so the file reads as one long line; save it with LF or CRLF line ends".to_string();
        return refuse(ProblemKind::Malformed, Some(line), message);
    }
    let top = top_rows(text, file)?;
    // A quoted value still open at the end of the file, in a row read as a header (or above it).
    let open = top.last().filter(|row| eof && row.end >= text.len()).and_then(|row| {
        let rest = text.get(row.start..).unwrap_or_default();
        let (quote, field) = open_quote(rest)?;
        let (before, after) = rest.split_at(quote.min(rest.len()));
        Some((top.len() - 1, row.line + bytecount(before), field, bytecount(after)))
    });
    let open_quote_error = |(_, line, field, lines): (usize, u64, usize, u64)| {
        let message = format!(
            "the double quote that opens this value is never closed, so the row would run to the end of the file ({}); close it with a double quote (a quote inside a value is written twice: \"\")",
            lines_on(lines)
        );
        let p = Problem::general(ProblemKind::Malformed, message).in_column(field as u64 + 1);
        Err(Error::invalid(vec![p.located(file, Some(line), None, None)]))
    };
    let hashtag_row = top.iter().take(HXL_ROWS).position(|row| crate::io::hxl::is_hashtag_row(&row.cells));
    let (header, header_end) = match (hashtag_row, dialect) {
        (Some(k), _) => {
            if let Some(o) = open.filter(|o| o.0 <= k) {
                return open_quote_error(o);
            }
            let row = &top[k];
            if let (Dialect::Auto, Some(first)) = (dialect, top.first().filter(|_| k > 0)) {
                if let Some(table) = plain_header(&first.cells) {
                    let message = format!(
                        "line {} names the columns of {} and line {} is a row of HXL hashtags, so the file could be plain CSV or HXL; remove the hashtag row to read it as CSV, or name the file .hxl to read it as HXL (with line {} as human headers)",
                        first.line,
                        table.noun(),
                        row.line,
                        first.line
                    );
                    return refuse(ProblemKind::WrongFile, Some(row.line), message);
                }
            }
            let header = crate::io::hxl::header(&row.cells, want, file, row.line)?;
            (complete(header, &row.cells, assume, file, row.line)?, bom + row.end)
        }
        (None, Dialect::Hxl) => {
            if let Some(o) = open {
                return open_quote_error(o);
            }
            let message = format!(
                "no hashtag row in the first {HXL_ROWS} rows; HXL tags each column in a row under the headers, such as #date,#adm1+name,#affected+returnees"
            );
            return refuse(ProblemKind::Malformed, None, message);
        }
        (None, Dialect::Auto) => {
            if let Some(o) = open.filter(|o| o.0 == 0) {
                return open_quote_error(o);
            }
            let Some(row) = top.first() else {
                return refuse(ProblemKind::Malformed, Some(1), "the file has no header row".to_string());
            };
            let names: Vec<&str> = row.cells.iter().map(String::as_str).collect();
            let header = parse_header(&names, file, want)?;
            (complete(header, &row.cells, assume, file, 1)?, bom + row.end)
        }
    };
    let width = header.map.len();
    let first_line = 1 + bytecount(&buf[..header_end]);
    let mut pending = Filled::from(buf.split_off(header_end.min(buf.len())));
    drop(buf);

    let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
    let rx = Mutex::new(rx);
    // Spent chunk buffers come back to be filled again, so that their memory is reused.
    let (back_tx, back_rx) = mpsc::channel::<Filled>();
    let workers = if streaming { consumers.len() } else { crate::threads::available() };
    let header = &header;
    std::thread::scope(|s| -> Result<Content, Error> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = &rx;
                let back = back_tx.clone();
                let mut consumer = consumers.pop();
                s.spawn(move || {
                    let mut out: Vec<Parsed> = Vec::new();
                    let mut interner = Interner::default();
                    while let Some(chunk) = rx.lock().ok().and_then(|guard| guard.recv().ok()) {
                        let mut parsed =
                            parse_chunk(chunk, header, width, file, &mut interner, consumer.as_deref_mut(), rows);
                        let _ = back.send(std::mem::take(&mut parsed.buffer));
                        out.push(parsed);
                    }
                    out
                })
            })
            .collect();
        // Feed chunks cut at record boundaries, in order.
        let mut index = 0;
        let mut line = first_line;
        let mut target = chunk;
        let mut feed_error = None;
        while pending.len > 0 || !eof {
            if !eof {
                match pending.fill(&mut input, target) {
                    Ok(end) => eof = end,
                    Err(e) => {
                        feed_error = Some(io(e));
                        break;
                    }
                }
            }
            let cut = match last_boundary(pending.bytes()) {
                _ if eof => pending.len,
                Some(cut) => cut,
                None => {
                    target *= 2; // one record longer than a chunk
                    continue;
                }
            };
            target = chunk;
            let mut tail = back_rx.try_recv().unwrap_or_default();
            pending.split_into(cut, &mut tail);
            let bytes = std::mem::replace(&mut pending, tail);
            let lines = bytecount(bytes.bytes());
            if tx.send(Chunk { index, bytes, first_line: line, lines }).is_err() {
                break;
            }
            line += lines;
            index += 1;
        }
        drop(tx);
        drop(back_tx);
        let mut parsed: Vec<Parsed> = Vec::new();
        for h in handles {
            match h.join() {
                Ok(p) => parsed.extend(p),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        if let Some(e) = feed_error {
            return Err(e);
        }
        parsed.sort_by_key(|p| p.index);
        let mut problems = Vec::new();
        let mut records_before = 0;
        let mut content = Content {
            entries: Vec::new(),
            batches: Vec::new(),
            lines_of_entries: Lines::default(),
            reports: Vec::new(),
            lines_of_reports: Vec::new(),
        };
        for p in parsed {
            problems.extend(p.problems.into_iter().map(|mut prob| {
                prob.position.record = prob.position.record.map(|r| r + records_before);
                prob
            }));
            records_before += p.records;
            if streaming && header.table == Table::Entries {
                continue;
            }
            if let Some(batch) = p.rows {
                content.batches.push(batch);
                content.lines_of_entries.append(&p.lines);
            } else if !p.entries.is_empty() {
                content.entries.push(p.entries);
                content.lines_of_entries.append(&p.lines);
            } else {
                content.reports.extend(p.reports);
                content.lines_of_reports.extend(p.lines.iter());
            }
        }
        if problems.is_empty() {
            return Ok(content);
        }
        let ids = content.entries.iter().flatten().map(|e| e.id().to_string());
        let ids = ids.chain(content.batches.iter().flat_map(RowBatch::ids));
        let reports = content.reports.iter().zip(content.lines_of_reports.iter().copied());
        problems.extend(crate::io::repeated_ids(file, ids.zip(content.lines_of_entries.iter()), reports));
        Err(Error::invalid(problems))
    })
}

fn csv_error(e: csv::Error, file: &Arc<str>, first_line: u64) -> Error {
    let line = e.position().map(|p| p.line() + first_line.saturating_sub(1));
    Error::invalid(vec![
        Problem::general(ProblemKind::Malformed, format!("malformed CSV: {e}")).located(file, line, None, None),
    ])
}

/// One of the first rows of a file.
struct Row {
    cells: Vec<String>,
    /// Offsets where it starts and ends (after its terminator).
    start: usize,
    end: usize,
    /// The line it starts on.
    line: u64,
}

/// The first rows of a file (where HXL allows its hashtag row).
fn top_rows(buf: &[u8], file: &Arc<str>) -> Result<Vec<Row>, Error> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(buf);
    let mut rec = csv::ByteRecord::new();
    let mut rows = Vec::new();
    while rows.len() <= HXL_ROWS {
        let line = rdr.position().line();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(e, file, 1)),
        }
        let mut cells = Vec::with_capacity(rec.len());
        for (i, f) in rec.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(c) => cells.push(c.to_string()),
                Err(_) if rows.is_empty() => {
                    let message = "the header is not valid UTF-8; save the file as UTF-8";
                    let p = Problem::general(ProblemKind::Encoding, message).in_column(i as u64 + 1);
                    return Err(Error::invalid(vec![p.located(file, Some(line), None, None)]));
                }
                // Rows under the first can only be human headers or data: text enough to spot hashtags.
                Err(_) => cells.push(String::from_utf8_lossy(f).into_owned()),
            }
        }
        let end = usize::try_from(rdr.position().byte()).unwrap_or(buf.len());
        let start = rec.position().and_then(|p| usize::try_from(p.byte()).ok()).unwrap_or(0);
        rows.push(Row { cells, start, end, line: rec.position().map_or(line, |p| p.line()) });
    }
    Ok(rows)
}

/// The table whose columns the row names, when every name in it is a column name (a plain CSV
/// header rather than the human headers above an HXL hashtag row).
fn plain_header(cells: &[String]) -> Option<Table> {
    let names: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    let table = if names.iter().any(|n| matches!(*n, "published" | "value")) { Table::Reports } else { Table::Entries };
    (!names.is_empty() && names.iter().all(|n| table.index(n).is_some())).then_some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "id,date,kind,quantity,unit,to,note\n";

    /// What reading `bytes` in chunks of about `chunk` bytes gives: entries, reports and their
    /// lines, or every problem as printed.
    /// Entries, their lines, reports, their lines.
    type ReadBack = (Vec<Entry>, Vec<u64>, Vec<Report>, Vec<u64>);

    fn outcome(bytes: &[u8], chunk: usize) -> Result<ReadBack, Vec<String>> {
        let file: Arc<str> = Arc::from("p.csv");
        match read_chunked(bytes, &file, None, Dialect::Auto, &Assumptions::new(), chunk, Into::Entries) {
            Ok(c) => Ok((c.entries.concat(), c.lines_of_entries.iter().collect(), c.reports, c.lines_of_reports)),
            Err(e) if e.problems().is_empty() => Err(vec![e.to_string()]),
            Err(e) => Err(e.problems().iter().map(ToString::to_string).collect()),
        }
    }

    /// A reader that says it gave more bytes than it had room for (a `Read` that breaks its
    /// contract, which safe code may write) is an I/O error, however the file is cut into chunks:
    /// never entries with bytes lost or made up.
    #[test]
    fn a_reader_that_claims_more_than_it_had_room_for_is_an_io_error() {
        struct Boastful<'a>(&'a [u8]);
        impl Read for Boastful<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(if n == 0 { 0 } else { buf.len() + 1 })
            }
        }
        let text = format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR,\nc2,2021-04-08,cargo,1,t,NKR,\n");
        for chunk in [1, 7, 64, 1 << 20] {
            let file: Arc<str> = Arc::from("p.csv");
            let read = read_chunked(
                Boastful(text.as_bytes()),
                &file,
                None,
                Dialect::Auto,
                &Assumptions::new(),
                chunk,
                Into::Entries,
            );
            let err = read.err().map(|e| {
                let cause = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
                (e.is_io(), cause)
            });
            assert!(
                err.as_ref().is_some_and(|(io, m)| *io && m.contains("into room for")),
                "chunks of {chunk}: {err:?}"
            );
        }
    }

    /// Bytes from an alphabet rich in what CSV treats specially, with some whole rows.
    fn csv_bytes(utf8_only: bool) -> impl Strategy<Value = Vec<u8>> {
        let mut pieces: Vec<&'static [u8]> = vec![
            b"\"",
            b"\"",
            b"\"\"",
            b",",
            b",",
            b"\n",
            b"\n",
            b"\r",
            b"\r\n",
            b"a",
            b"b",
            b" ",
            "\u{a0}".as_bytes(),
            "é".as_bytes(),
            b"#date",
            b"e1,2021-01-01,cargo,5,t,NKR,x\n",
            b"e2,2021-01-02,cargo,1,t,\"N,K\",\"a \"\"b\"\"\"\n",
            b"'=1",
        ];
        if !utf8_only {
            pieces.extend([b"\xff" as &[u8], b"\xef\xbb\xbf"]);
        }
        let headers: [&[u8]; 3] = [b"", HEADER.as_bytes(), b"Date,Amount,Kind\n#date,#output+num,#x_kind,#x_unit\n"];
        (prop::sample::select(headers.to_vec()), prop::collection::vec(prop::sample::select(pieces), 0..120)).prop_map(
            |(header, parts)| {
                let mut bytes = header.to_vec();
                bytes.extend(parts.concat());
                bytes
            },
        )
    }

    /// Records as a parser hands them over.
    #[derive(Default)]
    struct Collect {
        records: Vec<(Vec<String>, u64)>,
        open: Option<(u64, usize)>,
    }

    impl Records for Collect {
        fn record(&mut self, fields: &[&str], line: u64) {
            self.records.push((fields.iter().map(|f| f.to_string()).collect(), line));
        }
        fn open_quote(&mut self, line: u64, field: usize, _lines: u64) {
            self.open = Some((line, field));
        }
    }

    /// The records csv_core reads in one pass, blank ones too, each with
    /// the line of its first byte (the csv crate gives the line where it began reading, before
    /// the LF of a CRLF).
    fn one_pass(text: &str) -> Vec<(Vec<String>, u64)> {
        let mut core = csv_core::Reader::new();
        let bytes = text.as_bytes();
        let (mut out, mut ends) = (vec![0u8; bytes.len() + 1], vec![0usize; bytes.len() + 1]);
        let mut records = Vec::new();
        let mut pos = 0;
        loop {
            let start = pos + bytes[pos..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
            let (mut nend, mut nout) = (0, 0);
            let result = loop {
                let (result, nin, o, n) = core.read_record(&bytes[pos..], &mut out[nout..], &mut ends[nend..]);
                pos += nin;
                nout += o;
                nend += n;
                if result != csv_core::ReadRecordResult::InputEmpty {
                    break result;
                }
            };
            match result {
                csv_core::ReadRecordResult::Record => {}
                csv_core::ReadRecordResult::End => break,
                other => panic!("{other:?} with buffers as large as the input"),
            }
            let mut fields = Vec::new();
            let mut from = 0;
            for &e in &ends[..nend] {
                fields.push(String::from_utf8(out[from..e].to_vec()).unwrap());
                from = e;
            }
            records.push((fields, 1 + bytecount(&bytes[..start])));
        }
        records
    }

    fn blank(record: &(Vec<String>, u64)) -> bool {
        record.0.len() == 1 && record.0[0].trim_ascii().is_empty()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Issue 7, item 1: whatever the bytes and the chunk size, the chunked reader gives what
        /// one pass gives.
        #[test]
        fn chunks_read_as_one_pass_does(bytes in csv_bytes(false), chunk in 1usize..48) {
            let whole = outcome(&bytes, bytes.len() + 1);
            prop_assert_eq!(outcome(&bytes, chunk), whole);
        }

        /// The fast path (lines split at their commas) and the csv_core path together read what
        /// csv_core reads in one pass; a quote still open at the end is said, not read.
        #[test]
        fn a_chunk_reads_as_csv_core_does(bytes in csv_bytes(true)) {
            let text = std::str::from_utf8(&bytes).unwrap();
            let mut got = Collect::default();
            parse_text(text, 1, &mut got);
            let mut want = one_pass(text);
            if let Some((line, field)) = got.open {
                // csv_core reads the open value to the end, as the last record: that one is refused.
                let last = want.pop().unwrap();
                prop_assert!(line >= last.1 && field < last.0.len(), "{:?} {:?}", got.open, last);
            }
            want.retain(|r| !blank(r));
            prop_assert_eq!(got.records, want);
        }

        /// Without a quote or a CR, the whole chunk is split in one pass: blank lines, empty
        /// fields, a comma or no line end at the very end, as csv_core reads them.
        #[test]
        fn a_plain_chunk_reads_as_csv_core_does(
            bytes in csv_bytes(true).prop_map(|b| b.into_iter().filter(|c| !matches!(c, b'"' | b'\r')).collect::<Vec<u8>>()),
            first_line in 1u64..5,
        ) {
            let text = std::str::from_utf8(&bytes).unwrap();
            let mut got = Collect::default();
            parse_text(text, first_line, &mut got);
            let mut want = one_pass(text);
            want.retain(|r| !blank(r));
            for r in &mut want {
                r.1 += first_line - 1;
            }
            prop_assert_eq!(got.records, want);
        }
    }

    #[test]
    fn the_scanner_follows_csv_core() {
        // A quote inside an unquoted field is text; one after a comma opens a field; `""` is a quote.
        assert_eq!(last_boundary(b"a,b\"c\nd,e\n"), Some(10));
        assert_eq!(last_boundary(b"a,\"b\nc\"\nd"), Some(8));
        assert_eq!(last_boundary(b"a,\"b\"\"\nc\"\"\"\nd"), Some(12));
        // After a quoted field closes, more text makes it an unquoted one, where quotes are text.
        assert_eq!(last_boundary(b"\"a\"b\"\nc\n"), Some(8));
        assert_eq!(record_ends(b"a\r\rb\r\n\nc\n", 5), [2, 5, 9]);
        assert_eq!(open_quote(b"x,y,\"open\nmore,rows\n"), Some((4, 2)));
        assert_eq!(open_quote(b"x,y\"z,\"closed\"\n"), None);
    }

    #[test]
    fn a_quote_never_closed_is_refused_where_it_opens() {
        let text = format!(
            "{HEADER}e1,2021-01-01,cargo,5,t,\"NKR\ne2,2021-01-02,cargo,1,t,NKR,\ne3,2021-01-03,cargo,1,t,NKR,\n"
        );
        for chunk in [1, 7, CHUNK] {
            let problems = outcome(text.as_bytes(), chunk).unwrap_err();
            assert_eq!(
                problems,
                [
                    "p.csv: line 2, field to: the double quote that opens this value is never closed, so the value would run to the end of the file (3 lines on); close it with a double quote (a quote inside a value is written twice: \"\")"
                ],
                "chunks of {chunk} bytes"
            );
        }
        // In the header.
        let problems = outcome(b"id,date,\"kind,quantity,unit\n", CHUNK).unwrap_err();
        assert!(
            problems[0].starts_with("p.csv: line 1, column 3: the double quote that opens this value is never closed"),
            "{problems:?}"
        );
        // In a file that is not UTF-8.
        let mut bytes = format!("{HEADER}e1,2021-01-01,cargo,5,t,NKR,").into_bytes();
        bytes.extend(b"\xff\ne2,2021-01-01,cargo,5,t,NKR,\"x\n");
        let problems = outcome(&bytes, CHUNK);
        assert!(
            problems
                .unwrap_err()
                .iter()
                .any(|p| p.contains("line 3, field note: the double quote that opens this value is never closed"))
        );
    }

    #[test]
    fn cr_line_ends_are_named() {
        let text = HEADER.replace('\n', "\r") + "e1,2021-01-01,cargo,5,t,NKR,x\r";
        let problems = outcome(text.as_bytes(), CHUNK).unwrap_err();
        assert_eq!(
            problems,
            [
                "p.csv: line 1: the lines end with a carriage return alone (CR line ends, as old Mac files have), so the file reads as one long line; save it with LF or CRLF line ends"
            ]
        );
        // CRLF is fine.
        let text = HEADER.replace('\n', "\r\n") + "e1,2021-01-01,cargo,5,t,NKR,x\r\n";
        assert_eq!(outcome(text.as_bytes(), CHUNK).unwrap().1, [2]);
    }

    /// Read for a ledger, each chunk's batch of rows has let go of its table of recent texts (a load
    /// keeps every batch until the ledger is built), and its rows are all there.
    #[test]
    fn batches_read_for_a_ledger_keep_no_table_of_recent_texts() {
        let mut text = HEADER.to_string();
        for i in 0..200 {
            text.push_str(&format!("e{i},2021-01-01,cargo,5,t,NKR,note {}\n", i % 3));
        }
        let file: Arc<str> = Arc::from("p.csv");
        let content = read_chunked(text.as_bytes(), &file, None, Dialect::Auto, &Assumptions::new(), 500, Into::Rows);
        let batches = content.map(|c| c.batches).unwrap_or_default();
        assert!(batches.len() > 1, "{} batches", batches.len());
        assert!(batches.iter().all(RowBatch::is_done_reading));
        assert_eq!(batches.iter().map(RowBatch::len).sum::<usize>(), 200);
    }
}
