//! CSV with a header row: entries or reports, columns in any order.
//!
//! Large files are cut into chunks at record boundaries (newlines outside quotes) and parsed on
//! every core; the chunks' entries are then handed over in file order.

use std::io::Read;
use std::sync::{Arc, Mutex, mpsc};

use crate::entry::Entry;
use crate::error::{Error, Problem};
use crate::io::Assumptions;
use crate::io::record::{Cells, Interner, Table, entry_from_cells, report_from_cells};
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
                    "the columns are separated by {what} ({first:?}); relief-ledger reads comma-separated files: save the file as CSV with commas"
                );
                return Err(Error::invalid(vec![at(Problem::general(message))]));
            }
        }
        return Err(Error::invalid(vec![at(Problem::general(format!(
            "no header row: the first line starts with {first:?}, not a column name; {} starts with a line naming its columns, such as {}",
            table.noun(),
            table.required().join(",")
        )))]));
    }
    let mut problems = Vec::new();
    let mut map = Vec::with_capacity(names.len());
    let mut seen = vec![false; table.columns().len()];
    for raw in names {
        let name = raw.trim();
        if name.is_empty() {
            // An unnamed column, as a trailing comma makes: fine while it holds nothing.
            map.push(None);
            continue;
        }
        match table.index(name) {
            Some(i) if seen[i] => {
                problems.push(at(Problem::new(name, format!("column {name:?} appears twice"))));
                map.push(None);
            }
            Some(i) => {
                seen[i] = true;
                map.push(Some(i));
            }
            None => {
                problems.push(at(Problem::new(name, table.unknown_column(name))));
                map.push(None);
            }
        }
    }
    if problems.is_empty() {
        let labels = table.columns().iter().map(|c| c.to_string()).collect();
        Ok(Header { table, map, labels, defaults: Vec::new(), hxl: false })
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
        let mut p = Problem::new(req, message).located(file, Some(line), None, None);
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
    pub(crate) lines_of_entries: Vec<u64>,
    pub(crate) reports: Vec<Report>,
    pub(crate) lines_of_reports: Vec<u64>,
}

/// Reads from `input` until `buf` holds at least `target` bytes or the input ends; true at the end.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, target: usize) -> std::io::Result<bool> {
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
///
/// Every problem in the file is reported, and nothing is returned unless there are none.
pub(crate) fn read(
    mut input: impl Read,
    file: &Arc<str>,
    want: Option<Table>,
    dialect: Dialect,
    assume: &Assumptions,
) -> Result<Content, Error> {
    let io = |e: std::io::Error| Error::io(file.to_string(), e);
    // The top of the file: enough for the rows where an HXL hashtag row may be.
    let mut buf: Vec<u8> = Vec::new();
    let mut target = 64 << 10;
    let mut eof = loop {
        let eof = fill(&mut input, &mut buf, target).map_err(io)?;
        if eof || record_ends(&buf, HXL_ROWS + 1).len() > HXL_ROWS {
            break eof;
        }
        target *= 2;
    };
    let bom = if buf.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    if buf[bom..].iter().all(|b| b.is_ascii_whitespace()) && eof {
        let table = want.unwrap_or(Table::Entries);
        let message =
            format!("the file is empty; {} needs a header row, such as {}", table.noun(), table.required().join(","));
        return Err(Error::invalid(vec![Problem::general(message).located(file, None, None, None)]));
    }
    let top = top_rows(&buf[bom..], file)?;
    let hashtag_row = top.iter().take(HXL_ROWS).position(|(cells, _, _)| crate::io::hxl::is_hashtag_row(cells));
    let (header, header_end) = match (hashtag_row, dialect) {
        (Some(k), _) => {
            let (cells, end, line) = &top[k];
            let header = crate::io::hxl::header(cells, want);
            (complete(header, cells, assume, file, *line)?, bom + end)
        }
        (None, Dialect::Hxl) => {
            let message = format!(
                "no hashtag row in the first {HXL_ROWS} rows; HXL tags each column in a row under the headers, such as #date,#adm1+name,#affected+returnees"
            );
            return Err(Error::invalid(vec![Problem::general(message).located(file, None, None, None)]));
        }
        (None, Dialect::Auto) => {
            let Some((cells, end, _)) = top.first() else {
                let message = "the file has no header row".to_string();
                return Err(Error::invalid(vec![Problem::general(message).located(file, Some(1), None, None)]));
            };
            let names: Vec<&str> = cells.iter().map(String::as_str).collect();
            let header = parse_header(&names, file, want)?;
            (complete(header, cells, assume, file, 1)?, bom + end)
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
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let header = &header;
    std::thread::scope(|s| -> Result<Content, Error> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = &rx;
                let back = back_tx.clone();
                s.spawn(move || {
                    let mut out: Vec<Parsed> = Vec::new();
                    let mut interner = Interner::default();
                    while let Some(chunk) = rx.lock().ok().and_then(|guard| guard.recv().ok()) {
                        let mut parsed = parse_chunk(chunk, header, width, file, &mut interner);
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
        let mut target = CHUNK;
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
            target = CHUNK;
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
            if !p.entries.is_empty() {
                content.entries.push(p.entries);
                content.lines_of_entries.extend(p.lines);
            } else {
                content.reports.extend(p.reports);
                content.lines_of_reports.extend(p.lines);
            }
        }
        if problems.is_empty() { Ok(content) } else { Err(Error::invalid(problems)) }
    })
}

fn bytecount(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

fn csv_error(e: csv::Error, file: &Arc<str>, first_line: u64) -> Error {
    let line = e.position().map(|p| p.line() + first_line.saturating_sub(1));
    Error::invalid(vec![Problem::general(format!("malformed CSV: {e}")).located(file, line, None, None)])
}

fn parse_chunk(chunk: Chunk, header: &Header, width: usize, file: &Arc<str>, interner: &mut Interner) -> Parsed {
    let capacity = usize::try_from(chunk.lines + 1).unwrap_or(0);
    let mut out = Parsed {
        index: chunk.index,
        entries: if header.table == Table::Entries { Vec::with_capacity(capacity) } else { Vec::new() },
        reports: Vec::new(),
        lines: Vec::with_capacity(capacity),
        problems: Vec::new(),
        records: 0,
        buffer: Vec::new(),
    };
    let mut sink = Sink { out: &mut out, header, width, file, interner };
    match std::str::from_utf8(&chunk.bytes) {
        Ok(text) => parse_text(text, chunk.first_line, &mut sink),
        Err(_) => parse_bytes(&chunk.bytes, chunk.first_line, &mut sink),
    }
    out.buffer = chunk.bytes;
    out
}

/// Where parsed records go.
struct Sink<'a> {
    out: &'a mut Parsed,
    header: &'a Header,
    width: usize,
    file: &'a Arc<str>,
    interner: &'a mut Interner,
}

/// The most fields a record is split into; more than any valid header has.
const MAX_FIELDS: usize = 32;

/// Parses a chunk that is valid UTF-8. A line without a double quote is split at its commas right
/// there, its fields borrowed from the text; a quoted record goes through `csv_core`.
fn parse_text(text: &str, first_line: u64, sink: &mut Sink<'_>) {
    let bytes = text.as_bytes();
    let mut core = csv_core::Reader::new();
    let mut unquoted: Vec<u8> = vec![0; 1024];
    let mut ends: Vec<usize> = vec![0; MAX_FIELDS];
    let (mut pos, mut line) = (0usize, first_line);
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let raw = &text[pos..end];
        if memchr::memchr(b'"', raw.as_bytes()).is_none() {
            let record = raw.strip_suffix('\r').unwrap_or(raw);
            let mut fields = [""; MAX_FIELDS];
            let mut n = 0;
            let mut start = 0;
            for comma in memchr::memchr_iter(b',', record.as_bytes()).chain([record.len()]) {
                if let (Some(slot), Some(f)) = (fields.get_mut(n), record.get(start..comma)) {
                    *slot = f;
                }
                n += 1;
                start = comma + 1;
            }
            if !(n == 1 && record.trim().is_empty()) {
                sink.record(&fields[..n.min(MAX_FIELDS)], n, line);
            }
            pos = end + 1;
            line += 1;
            continue;
        }
        // A quoted record, which may run over several lines.
        let (mut nin_total, mut nout_total, mut nends) = (0usize, 0usize, 0usize);
        loop {
            // Empty input tells csv_core the chunk has ended, which ends a last record without a newline.
            let input = &bytes[pos + nin_total..];
            let (result, nin, nout, nend) = core.read_record(input, &mut unquoted[nout_total..], &mut ends[nends..]);
            nin_total += nin;
            nout_total += nout;
            nends += nend;
            match result {
                csv_core::ReadRecordResult::OutputFull => unquoted.resize(unquoted.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        let consumed = &bytes[pos..pos + nin_total];
        let mut fields = [""; MAX_FIELDS];
        let mut start = 0;
        let mut valid = true;
        for (i, &e) in ends[..nends].iter().enumerate() {
            // Removing quotes from valid UTF-8 leaves valid UTF-8.
            let f = std::str::from_utf8(&unquoted[start..e]).unwrap_or_else(|_| {
                valid = false;
                ""
            });
            if let Some(slot) = fields.get_mut(i) {
                *slot = f;
            }
            start = e;
        }
        if valid && nends > 0 && !(nends == 1 && fields[0].trim().is_empty()) {
            sink.record(&fields[..nends.min(MAX_FIELDS)], nends, line);
        }
        if nin_total == 0 {
            break; // nothing left that makes a record
        }
        pos += nin_total;
        line += memchr::memchr_iter(b'\n', consumed).count() as u64;
        core.reset();
    }
}

/// Parses a chunk that is not valid UTF-8, to say which field of which record is not.
fn parse_bytes(bytes: &[u8], first_line: u64, sink: &mut Sink<'_>) {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut raw = csv::ByteRecord::new();
    let base = first_line - 1;
    loop {
        match rdr.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(first_line, |p| p.line() + base);
                let p = Problem::general(format!("malformed CSV: {e}"));
                sink.out.problems.push(p.located(sink.file, Some(line), None, None));
                break;
            }
        }
        let line = raw.position().map_or(first_line, |p| p.line() + base);
        if raw.len() == 1 && raw.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        let mut fields = [""; MAX_FIELDS];
        let mut bad = false;
        for (i, field) in raw.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(f) => {
                    if let Some(slot) = fields.get_mut(i) {
                        *slot = f;
                    }
                }
                Err(e) => {
                    bad = true;
                    let name = sink
                        .header
                        .map
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or("(ignored column)", |c| sink.header.table.columns()[c]);
                    let before = String::from_utf8_lossy(&field[..e.valid_up_to()]);
                    let byte = field.get(e.valid_up_to()).copied().unwrap_or(0);
                    let message =
                        format!("is not valid UTF-8: byte 0x{byte:02x} after {before:?}; save the file as UTF-8");
                    let record = Some(sink.out.records + 1);
                    sink.out.problems.push(Problem::new(name, message).located(sink.file, Some(line), record, None));
                }
            }
        }
        if bad {
            sink.out.records += 1;
            continue;
        }
        sink.record(&fields[..raw.len().min(MAX_FIELDS)], raw.len(), line);
    }
}

impl Sink<'_> {
    /// One record: `fields` holds its first fields, `count` says how many it has.
    fn record(&mut self, fields: &[&str], count: usize, line: u64) {
        let out = &mut *self.out;
        out.records += 1;
        let record = out.records;
        let file = self.file;
        let at = |p: Problem, id: Option<&str>| p.located(file, Some(line), Some(record), id);
        let width = self.width;
        if count != width {
            let message = format!(
                "has {count} fields, but the header has {width}; a comma inside a value needs the value in double quotes"
            );
            out.problems.push(at(Problem::general(message), None));
            return;
        }
        if !self.header.hxl {
            // Plain CSV: a value under a column without a name would be lost; say so.
            for (col, (field, target)) in fields.iter().zip(&self.header.map).enumerate() {
                if target.is_none() && !field.trim().is_empty() {
                    let message = format!(
                        "column {} has the value {:?} but no name in the header row; name the column",
                        col + 1,
                        field.trim()
                    );
                    out.problems.push(at(Problem::general(message), None));
                }
            }
        }
        let mut cells: Cells<'_> = [None; 17];
        for (field, target) in fields.iter().zip(&self.header.map) {
            let Some(i) = target else { continue };
            let padded = field.as_bytes().first().is_some_and(u8::is_ascii_whitespace)
                || field.as_bytes().last().is_some_and(u8::is_ascii_whitespace);
            let s = if padded { field.trim() } else { field };
            if !s.is_empty() {
                cells[*i] = Some(s);
            }
        }
        for (i, value) in &self.header.defaults {
            if let Some(cell @ None) = cells.get_mut(*i) {
                *cell = Some(value.as_str());
            }
        }
        let result = match self.header.table {
            Table::Entries => {
                entry_from_cells(&cells, self.interner, || format!("{file}:{line}")).map(|e| out.entries.push(e))
            }
            Table::Reports => report_from_cells(&cells).map(|r| out.reports.push(r)),
        };
        match result {
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
                    }
                    at(p, id)
                }));
            }
        }
    }
}

/// The ends (after their newlines) of the first `n` records of `buf`, which starts at a record.
fn record_ends(buf: &[u8], n: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut inside = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => inside = !inside,
            b'\n' if !inside => {
                ends.push(i + 1);
                if ends.len() == n {
                    break;
                }
            }
            _ => {}
        }
    }
    ends
}

/// The first rows of a file (where HXL allows its hashtag row), each with the offset where it
/// ends and the line where it starts.
fn top_rows(buf: &[u8], file: &Arc<str>) -> Result<Vec<(Vec<String>, usize, u64)>, Error> {
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
                    let message = format!("column {} of the header is not valid UTF-8; save the file as UTF-8", i + 1);
                    return Err(Error::invalid(vec![Problem::general(message).located(file, Some(line), None, None)]));
                }
                // Rows under the first can only be human headers or data: text enough to spot hashtags.
                Err(_) => cells.push(String::from_utf8_lossy(f).into_owned()),
            }
        }
        let end = usize::try_from(rdr.position().byte()).unwrap_or(buf.len());
        rows.push((cells, end, rec.position().map_or(line, |p| p.line())));
    }
    Ok(rows)
}

/// The end (after its newline) of the last whole record in `buf`, which starts at a record
/// boundary, so outside quotes. A doubled quote inside a quoted field toggles twice, which leaves
/// the state as it was.
fn last_boundary(buf: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut inside = false;
    let mut found = None;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => inside = !inside,
            b'\n' if !inside => found = Some(i + 1),
            _ => {}
        }
    }
    found
}

/// Writes entries as CSV, with the `mines` column only when some entry has mines.
pub(crate) fn write_entries(out: impl std::io::Write, entries: &[&Entry]) -> Result<(), Error> {
    let with_mines = entries.iter().any(|e| e.event().mines().is_some());
    let n = if with_mines { 14 } else { 13 };
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| Error::io("output", std::io::Error::other(e.to_string()));
    w.write_record(&crate::io::record::ENTRY_COLUMNS[..n]).map_err(io)?;
    for e in entries {
        let cells = crate::io::record::entry_cells(e);
        w.write_record(&cells[..n]).map_err(io)?;
    }
    w.flush().map_err(|e| Error::io("output", e))
}

/// Writes reports as CSV.
pub(crate) fn write_reports(out: impl std::io::Write, reports: &[Report]) -> Result<(), Error> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let io = |e: csv::Error| Error::io("output", std::io::Error::other(e.to_string()));
    w.write_record(crate::io::record::REPORT_COLUMNS).map_err(io)?;
    for r in reports {
        w.write_record(crate::io::record::report_cells(r)).map_err(io)?;
    }
    w.flush().map_err(|e| Error::io("output", e))
}
