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
use crate::io::record::{Cells, Interner, Table, entry_from_cells, report_from_cells, row_from_cells};
use crate::io::{Assumptions, Consumer};
use crate::ledger::RowBatch;
use crate::report::Report;

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
    lines: Vec<u64>,
    problems: Vec<Problem>,
    records: u64,
    /// The chunk's buffer, handed back for the next chunk.
    buffer: Vec<u8>,
}

/// One chunk of the file: whole records, and the line its first record starts on.
struct Chunk {
    index: usize,
    bytes: Vec<u8>,
    first_line: u64,
    /// How many lines it has: an upper bound on its records (a quoted value may span lines).
    lines: u64,
}

/// What [`read`] found: entries in chunks, in file order, or reports.
pub(crate) struct Content {
    pub(crate) entries: Vec<Vec<Entry>>,
    /// The entries as rows, when read for a ledger.
    pub(crate) batches: Vec<RowBatch>,
    pub(crate) lines_of_entries: Vec<u64>,
    pub(crate) reports: Vec<Report>,
    pub(crate) lines_of_reports: Vec<u64>,
}

/// Reads from `input` until `buf` holds at least `target` bytes or the input ends; true at the end.
pub(crate) fn fill(input: &mut impl Read, buf: &mut Vec<u8>, target: usize) -> std::io::Result<bool> {
    while buf.len() < target {
        let old = buf.len();
        buf.resize(target, 0);
        match input.read(&mut buf[old..]) {
            Ok(0) => {
                buf.truncate(old);
                return Ok(true);
            }
            Ok(n) => buf.truncate(old + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(old),
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
    Ok(false)
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
    let mut pending = buf.split_off(header_end);
    drop(buf);

    let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
    let rx = Mutex::new(rx);
    // Spent chunk buffers come back to be filled again, so that their memory is reused.
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
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
        while !pending.is_empty() || !eof {
            if !eof {
                match fill(&mut input, &mut pending, target) {
                    Ok(end) => eof = end,
                    Err(e) => {
                        feed_error = Some(io(e));
                        break;
                    }
                }
            }
            let cut = match last_boundary(&pending) {
                _ if eof => pending.len(),
                Some(cut) => cut,
                None => {
                    target *= 2; // one record longer than a chunk
                    continue;
                }
            };
            target = chunk;
            let mut tail = back_rx.try_recv().unwrap_or_default();
            tail.clear();
            tail.extend_from_slice(&pending[cut..]);
            pending.truncate(cut);
            let bytes = std::mem::replace(&mut pending, tail);
            let lines = bytecount(&bytes);
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
            lines_of_entries: Vec::new(),
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
                content.lines_of_entries.extend(p.lines);
            } else if !p.entries.is_empty() {
                content.entries.push(p.entries);
                content.lines_of_entries.extend(p.lines);
            } else {
                content.reports.extend(p.reports);
                content.lines_of_reports.extend(p.lines);
            }
        }
        if problems.is_empty() {
            return Ok(content);
        }
        let ids = content.entries.iter().flatten().map(|e| e.id().to_string());
        let ids = ids.chain(content.batches.iter().flat_map(RowBatch::ids));
        let reports = content.reports.iter().zip(content.lines_of_reports.iter().copied());
        problems.extend(crate::io::repeated_ids(file, ids.zip(content.lines_of_entries.iter().copied()), reports));
        Err(Error::invalid(problems))
    })
}

/// How far the end of the file is from a line, in words.
fn lines_on(lines: u64) -> String {
    if lines == 1 { "1 line on".to_string() } else { format!("{lines} lines on") }
}

fn bytecount(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

fn csv_error(e: csv::Error, file: &Arc<str>, first_line: u64) -> Error {
    let line = e.position().map(|p| p.line() + first_line.saturating_sub(1));
    Error::invalid(vec![
        Problem::general(ProblemKind::Malformed, format!("malformed CSV: {e}")).located(file, line, None, None),
    ])
}

fn parse_chunk<'c>(
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
        buffer: Vec::new(),
    };
    let rows_wanted = consumer.as_ref().is_some_and(|c| c.wants_rows());
    let mut sink = Sink { out: &mut out, header, width, file, interner, consumer, rows_wanted };
    match std::str::from_utf8(&chunk.bytes) {
        Ok(text) => parse_text(text, chunk.first_line, &mut sink),
        Err(_) => parse_bytes(&chunk.bytes, chunk.first_line, &mut sink),
    }
    out.buffer = chunk.bytes;
    out
}

/// Where parsed records go.
struct Sink<'a, 'c> {
    out: &'a mut Parsed,
    header: &'a Header,
    width: usize,
    file: &'a Arc<str>,
    interner: &'a mut Interner,
    /// Where entries go as they are read; `None` keeps them in `out`.
    consumer: Option<&'a mut (dyn Consumer + 'c)>,
    /// Whether the consumer takes rows ([`Consumer::wants_rows`], asked once a chunk).
    rows_wanted: bool,
}

/// Room for the fields of a record at first; more are made as a record needs them.
const FIELDS: usize = 32;

/// What a chunk's parser hands its records to.
trait Records {
    /// One record: every one of its fields.
    fn record(&mut self, fields: &[&str], line: u64);
    /// A quoted value that opens on `line`, in field `field` of its record, and is still open at
    /// the end of the file, `lines` lines further on: the record is not read.
    fn open_quote(&mut self, line: u64, field: usize, lines: u64);
    /// Text follows the closing quote of a quoted value in field `field` of the record on `line`
    /// (`"1"581`): csv_core joins the two, but the file does not say which value it means.
    fn text_after_quote(&mut self, _line: u64, _field: usize) {}
}

/// Parses a chunk that is valid UTF-8. A line without a double quote or a CR is split at its
/// commas right there, its fields borrowed from the text, which is what csv_core would make of
/// it; any other record goes through `csv_core`. The lines before the next quote or CR are
/// split in one pass over their commas and line ends, not line by line.
fn parse_text(text: &str, first_line: u64, sink: &mut impl Records) {
    let mut core = core_reader();
    let mut unquoted: Vec<u8> = vec![0; 1024];
    let mut ends: Vec<usize> = vec![0; FIELDS];
    // The fields of a plain record, borrowed from the text; the vector is the chunk's.
    let mut fields: Vec<&str> = Vec::with_capacity(FIELDS);
    let (mut pos, mut line) = (0usize, first_line);
    // Where the next quote or CR is, at or after `pos` (the text's end when there is none).
    let mut special = 0usize;
    while let Some(rest) = text.get(pos..).filter(|r| !r.is_empty()) {
        if special < pos {
            special = memchr::memchr2(b'"', b'\r', rest.as_bytes()).map_or(text.len(), |i| pos + i);
        }
        // The whole lines before it (and the rest of the text, when there is none).
        let plain = match text.as_bytes().get(pos..special) {
            Some(before) if special == text.len() => before.len(),
            Some(before) => memchr::memrchr(b'\n', before).map_or(0, |i| i + 1),
            None => 0,
        };
        if plain > 0 {
            line = split_plain(rest.get(..plain).unwrap_or_default(), line, &mut fields, sink);
            pos += plain;
            continue;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let raw = rest.get(..end).unwrap_or(rest);
        let record = raw.strip_suffix('\r').unwrap_or(raw);
        if memchr::memchr2(b'"', b'\r', record.as_bytes()).is_none() {
            fields.clear();
            let mut start = 0;
            for comma in memchr::memchr_iter(b',', record.as_bytes()).chain([record.len()]) {
                fields.push(record.get(start..comma).unwrap_or(""));
                start = comma + 1;
            }
            if !(fields.len() == 1 && record.trim_ascii().is_empty()) {
                sink.record(&fields, line);
            }
            pos += end + 1;
            line += 1;
            continue;
        }
        // A quoted record, which may run over several lines, or one that a lone CR ends.
        let rest = rest.as_bytes();
        // csv_core skips blank lines before a record (CRs here, and the LF after them).
        let blank = rest.iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
        let at = line + bytecount(rest.get(..blank).unwrap_or_default());
        let (nin_total, nends) = core_record(&mut core, rest, &mut unquoted, &mut ends);
        if nin_total >= rest.len() {
            // The record runs to the end of the input: csv_core ends a quoted value that is still
            // open there without a word, and it would hold the rest of the file.
            if let Some((quote, field)) = open_quote(rest) {
                let (before, after) = rest.split_at(quote.min(rest.len()));
                sink.open_quote(line + bytecount(before), field, bytecount(after));
                break;
            }
        }
        let consumed = rest.get(..nin_total).unwrap_or(rest);
        if let Some(field) = text_after_quote(consumed) {
            sink.text_after_quote(at, field);
        }
        let mut start = 0;
        let quoted: Vec<&str> = ends
            .get(..nends)
            .unwrap_or_default()
            .iter()
            .map(|&e| {
                // Removing quotes from valid UTF-8 leaves valid UTF-8.
                let f = unquoted.get(start..e).and_then(|f| std::str::from_utf8(f).ok()).unwrap_or("");
                start = e;
                f
            })
            .collect();
        if nends > 0 && !(nends == 1 && quoted.first().is_some_and(|f| f.trim_ascii().is_empty())) {
            sink.record(&quoted, at);
        }
        if nin_total == 0 {
            break; // nothing left that makes a record
        }
        pos += nin_total;
        line += bytecount(consumed);
    }
}

/// Hands `sink` the records of `lines`, which hold no double quote and no CR: each line split at
/// its commas (blank lines left out), the first on line `line`; gives the line after the last.
fn split_plain<'t>(lines: &'t str, mut line: u64, fields: &mut Vec<&'t str>, sink: &mut impl Records) -> u64 {
    fn hand(fields: &mut Vec<&str>, line: u64, sink: &mut impl Records) {
        let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim_ascii().is_empty());
        if !blank {
            sink.record(fields, line);
        }
        fields.clear();
    }
    fields.clear();
    let mut start = 0;
    for i in super::separators::Separators::new(lines.as_bytes(), b',', b'\n') {
        fields.push(lines.get(start..i).unwrap_or(""));
        start = i + 1;
        if lines.as_bytes().get(i) == Some(&b'\n') {
            hand(fields, line, sink);
            line += 1;
        }
    }
    if start < lines.len() || !fields.is_empty() {
        // The last line, without a line end.
        fields.push(lines.get(start..).unwrap_or(""));
        hand(fields, line, sink);
        line += 1;
    }
    line
}

/// A csv_core reader for input that starts at a record in the middle of a file. csv_core drops
/// a byte order mark at the start of what it reads first (and again after `reset`), which only
/// the start of the file may have: a line end read first takes that turn, and is a blank line.
fn core_reader() -> csv_core::Reader {
    let mut core = csv_core::Reader::new();
    let _ = core.read_record(b"\n", &mut [0; 4], &mut [0; 4]);
    core
}

/// Reads the record that `input` starts with through csv_core: how many bytes it takes, and how
/// many fields it has, whose ends in `unquoted` are in `ends`.
fn core_record(
    core: &mut csv_core::Reader,
    input: &[u8],
    unquoted: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> (usize, usize) {
    let (mut nin_total, mut nout_total, mut nends) = (0usize, 0usize, 0usize);
    loop {
        // Empty input tells csv_core the input has ended, which ends a last record without a newline.
        let (result, nin, nout, nend) = core.read_record(
            input.get(nin_total..).unwrap_or_default(),
            unquoted.get_mut(nout_total..).unwrap_or_default(),
            ends.get_mut(nends..).unwrap_or_default(),
        );
        nin_total += nin;
        nout_total += nout;
        nends += nend;
        match result {
            csv_core::ReadRecordResult::OutputFull => unquoted.resize(unquoted.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => return (nin_total, nends),
        }
    }
}

/// Parses a chunk that is not valid UTF-8, to say which field of which record is not.
fn parse_bytes(bytes: &[u8], first_line: u64, sink: &mut Sink<'_, '_>) {
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
/// space (no Unicode white space is ASCII but for those `is_ascii_graphic` leaves out).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
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

/// The line of the first line end, when it is a CR alone followed by more: a file with CR line
/// ends, which csv_core reads but whose lines nothing counts.
fn cr_line_ends(buf: &[u8]) -> Option<u64> {
    let mut found = None;
    Scanner::new().run(buf, |i, b, _| {
        if b == b'\r' && buf.get(i).is_some_and(|&next| next != b'\n') {
            found = Some(1 + bytecount(buf.get(..i).unwrap_or_default()));
        }
        false
    });
    found
}

/// Where csv_core's reader is within a record, as far as finding where records end needs: the
/// states of its machine (default dialect: `,`, `"` quoting with `""` inside, CR, LF or CRLF
/// terminators) merged where they treat every byte alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before a record: line ends here are blank lines, which csv_core skips.
    RecordStart,
    /// After a comma: a quote here opens a quoted field.
    FieldStart,
    /// In an unquoted field, or after a quoted field's closing quote and more text: a quote here
    /// is an ordinary character.
    InField,
    /// Inside a quoted field: only a quote matters.
    Quoted,
    /// Just after a quote in a quoted field: a second quote is a literal one, anything else
    /// closes the field.
    AfterQuote,
}

/// Follows csv_core's state machine over bytes, without parsing fields, to find the ends of
/// records: where a file can be cut into chunks that parse alone exactly as they do in one pass.
#[derive(Debug, Clone, Copy)]
struct Scanner {
    state: State,
    /// The first field of the record where text follows a quoted value's closing quote.
    loose: Option<usize>,
    /// The field of the record the scanner is in (0 first).
    field: usize,
    /// The offset of the quote that opened the current quoted field.
    quote: usize,
}

impl Scanner {
    /// A scanner at the start of a record.
    fn new() -> Scanner {
        Scanner { state: State::RecordStart, loose: None, field: 0, quote: 0 }
    }

    /// Scans `buf`, calling `at_end(offset after it, byte, ends a record)` at every line end
    /// outside quotes (a blank line ends no record); stops early when `at_end` says false.
    /// Returns how many bytes it scanned.
    fn run(&mut self, buf: &[u8], mut at_end: impl FnMut(usize, u8, bool) -> bool) -> usize {
        let mut i = 0;
        while let Some(&b) = buf.get(i) {
            match self.state {
                State::Quoted => match memchr::memchr(b'"', buf.get(i..).unwrap_or_default()) {
                    Some(j) => {
                        i += j + 1;
                        self.state = State::AfterQuote;
                    }
                    None => return buf.len(),
                },
                State::InField => match memchr::memchr3(b',', b'\n', b'\r', buf.get(i..).unwrap_or_default()) {
                    // Jump to the comma or line end; the arm below handles it as at a field's start.
                    Some(j) => {
                        i += j;
                        self.state = State::FieldStart;
                    }
                    None => return buf.len(),
                },
                state => {
                    i += 1;
                    match b {
                        b'\n' | b'\r' => {
                            let ends = state != State::RecordStart;
                            self.state = State::RecordStart;
                            self.field = 0;
                            if !at_end(i, b, ends) {
                                return i;
                            }
                        }
                        b',' => {
                            self.field += 1;
                            self.state = State::FieldStart;
                        }
                        b'"' if state == State::AfterQuote => self.state = State::Quoted,
                        b'"' => {
                            self.quote = i - 1;
                            self.state = State::Quoted;
                        }
                        _ => {
                            if state == State::AfterQuote {
                                self.loose = self.loose.or(Some(self.field));
                            }
                            self.state = State::InField;
                        }
                    }
                }
            }
        }
        buf.len()
    }
}

/// The ends (after their terminators) of the first `n` records of `buf`, which starts at a record.
fn record_ends(buf: &[u8], n: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    Scanner::new().run(buf, |i, _, record| {
        if record {
            ends.push(i);
        }
        ends.len() < n
    });
    ends
}

/// The end (after its newline) of the last whole record in `buf`, which starts at a record: the
/// last newline outside quotes, where a chunk may end.
fn last_boundary(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut found = None;
    Scanner::new().run(buf, |i, b, _| {
        if b == b'\n' {
            found = Some(i);
        }
        true
    });
    found
}

/// Where a quoted field that `record` (from a record's start to the end of the input) leaves
/// open begins: its offset and the index of its field.
fn open_quote(record: &[u8]) -> Option<(usize, usize)> {
    let mut scanner = Scanner::new();
    scanner.run(record, |_, _, _| true);
    (scanner.state == State::Quoted).then_some((scanner.quote, scanner.field))
}

/// The first field of `record` (one whole record) where text follows a quoted value's closing quote.
fn text_after_quote(record: &[u8]) -> Option<usize> {
    let mut scanner = Scanner::new();
    scanner.run(record, |_, _, _| true);
    scanner.loose
}

/// Whether a spreadsheet would run a cell that begins with `c` as a formula.
fn formula_start(c: u8) -> bool {
    matches!(c, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// A plain decimal number (`-5`, `+1.5`), which a spreadsheet reads as a number, not a formula.
fn is_number(s: &str) -> bool {
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
            Ok(c) => Ok((c.entries.concat(), c.lines_of_entries, c.reports, c.lines_of_reports)),
            Err(e) if e.problems().is_empty() => Err(vec![e.to_string()]),
            Err(e) => Err(e.problems().iter().map(ToString::to_string).collect()),
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
}
