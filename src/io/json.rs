//! JSON documents (`{"entries": [...], "reports": [...]}`) and JSON Lines (one object per line).
//!
//! Figures are JSON strings, so that none passes through a float; a figure written as a JSON
//! number is refused with a message that says so.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use serde_json::Value;

use crate::entry::Entry;
use crate::error::{Error, Problem, nearest};
use crate::io::Assumptions;
use crate::io::record::{Cells, Interner, Table, entry_cells, entry_from_cells, report_cells, report_from_cells};
use crate::report::Report;

/// Entries and reports read from JSON, with the line each record starts on.
#[derive(Default)]
pub(crate) struct Content {
    pub(crate) entries: Vec<Entry>,
    pub(crate) entry_lines: Vec<u64>,
    pub(crate) reports: Vec<Report>,
    pub(crate) report_lines: Vec<u64>,
}

fn at(p: Problem, file: &Arc<str>, line: u64, record: Option<u64>, id: Option<&str>) -> Problem {
    p.located(file, Some(line), record, id)
}

/// The UTF-8 text of a file, or a positioned error.
pub(crate) fn utf8(bytes: Vec<u8>, file: &Arc<str>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
        let byte = bytes.get(valid).copied().unwrap_or(0);
        Error::invalid(vec![at(
            Problem::general(format!("invalid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8")),
            file,
            line,
            None,
            None,
        )])
    })
}

fn syntax(e: &serde_json::Error, file: &Arc<str>, line_offset: u64) -> Problem {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the position goes in front instead.
    let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
    let mut p = at(Problem::general(format!("malformed JSON: {msg}, column {}", e.column())), file, 1, None, None);
    p.position.line = Some(e.line() as u64 + line_offset);
    p
}

/// What a JSON reader gathers: records, and the problems found.
struct Sink<'f> {
    file: &'f Arc<str>,
    interner: Interner,
    content: Content,
    problems: Vec<Problem>,
    /// Assumed values, for entries and for reports.
    defaults: [Vec<(usize, String)>; 2],
}

impl<'f> Sink<'f> {
    fn new(file: &'f Arc<str>, assume: &Assumptions) -> Sink<'f> {
        Sink {
            file,
            interner: Interner::default(),
            content: Content::default(),
            problems: Vec::new(),
            defaults: [assume.for_table(Table::Entries), assume.for_table(Table::Reports)],
        }
    }

    fn finish(self) -> Result<Content, Error> {
        if self.problems.is_empty() { Ok(self.content) } else { Err(Error::invalid(self.problems)) }
    }

    fn record(&mut self, value: &Value, table: Table, line: u64, record_no: u64) {
        record(value, table, line, record_no, self);
    }
}

/// Converts one JSON object into cells and builds the record.
fn record(value: &Value, table: Table, line: u64, record_no: u64, sink: &mut Sink<'_>) {
    let Sink { file, interner, content, problems, defaults } = sink;
    let file = *file;
    let Some(obj) = value.as_object() else {
        problems.push(at(
            Problem::general(format!("expected an object for each record, found {}", kind_of(value))),
            file,
            line,
            Some(record_no),
            None,
        ));
        return;
    };
    let mut owned: Vec<(usize, Cow<'_, str>)> = Vec::with_capacity(obj.len());
    let mut local = Vec::new();
    for (key, v) in obj {
        let Some(i) = table.index(key) else {
            local.push(Problem::new(key, table.unknown_column(key)));
            continue;
        };
        match v {
            Value::Null => {}
            Value::String(s) if s.trim().is_empty() => {}
            Value::String(s) => owned.push((i, Cow::Borrowed(s.trim()))),
            Value::Number(n) if key == "mines" && n.is_u64() => owned.push((i, Cow::Owned(n.to_string()))),
            Value::Number(n) => local.push(Problem::new(
                key,
                format!("{n} is a JSON number; write figures as strings (\"{n}\") so that none passes through a float"),
            )),
            other => local.push(Problem::new(key, format!("expected a string, found {}", kind_of(other)))),
        }
    }
    let mut cells: Cells<'_> = [None; 17];
    for (i, s) in &owned {
        cells[*i] = Some(s.as_ref());
    }
    let assumed = &defaults[usize::from(table == Table::Reports)];
    for (i, value) in assumed {
        if let Some(cell @ None) = cells.get_mut(*i) {
            *cell = Some(value.as_str());
        }
    }
    let id = cells[0].map(str::to_string);
    let built = match table {
        Table::Entries => entry_from_cells(&cells, interner, || format!("{file}:{line}")).map(|e| {
            content.entries.push(e);
            content.entry_lines.push(line);
        }),
        Table::Reports => report_from_cells(&cells).map(|r| {
            content.reports.push(r);
            content.report_lines.push(line);
        }),
    };
    if let Err(ps) = built {
        // A field refused above (a number where a string belongs) is not also "empty".
        let refused: Vec<Option<String>> = local.iter().map(|p| p.field.clone()).collect();
        local.extend(ps.into_iter().filter(|p| !(p.message.starts_with("is empty") && refused.contains(&p.field))));
    }
    // A record built despite problems elsewhere in its object does no harm: a file with any
    // problem is refused whole.
    problems.extend(local.into_iter().map(|p| at(p, file, line, Some(record_no), id.as_deref())));
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a JSON document: `{"entries": [...], "reports": [...]}`, or a bare array of entries.
pub(crate) fn read_document(text: &str, file: &Arc<str>, assume: &Assumptions) -> Result<Content, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| Error::invalid(vec![syntax(&e, file, 0)]))?;
    let lines = element_lines(text);
    let mut sink = Sink::new(file, assume);
    let lines_of = |key: &str| lines.get(key).map_or(&[][..], Vec::as_slice);
    let table_of = |key: &str, items: &Value, lines: &[u64], sink: &mut Sink<'_>| {
        let table = if key == "reports" { Table::Reports } else { Table::Entries };
        let Some(items) = items.as_array() else {
            let p = Problem::new(key, format!("expected an array, found {}", kind_of(items)));
            sink.problems.push(at(p, file, 1, None, None));
            return;
        };
        for (i, v) in items.iter().enumerate() {
            sink.record(v, table, lines.get(i).copied().unwrap_or(1), i as u64 + 1);
        }
    };
    match &value {
        Value::Array(_) => table_of("entries", &value, lines_of(""), &mut sink),
        Value::Object(obj) => {
            for (key, v) in obj {
                match key.as_str() {
                    "entries" | "reports" => table_of(key, v, lines_of(key), &mut sink),
                    other => {
                        let msg = match nearest(other, ["entries", "reports"]) {
                            Some(n) => format!("unknown key {other:?}; did you mean {n:?}?"),
                            None => format!("unknown key {other:?}; a document has \"entries\" and \"reports\""),
                        };
                        sink.problems.push(at(Problem::new(other, msg), file, 1, None, None));
                    }
                }
            }
        }
        other => {
            let msg = format!("expected an object with \"entries\" and \"reports\", found {}", kind_of(other));
            sink.problems.push(at(Problem::general(msg), file, 1, None, None));
        }
    }
    sink.finish()
}

/// Reads JSON Lines: one entry (or, with `table` Reports, one report) per line; blank lines are
/// skipped. Large files are read on every core, a run of whole lines each.
pub(crate) fn read_lines(
    text: &str,
    file: &Arc<str>,
    table: Option<Table>,
    assume: &Assumptions,
) -> Result<Content, Error> {
    let threads =
        if text.len() < 1 << 20 { 1 } else { std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8) };
    // Cut points just after a line end, near equal shares of the text.
    let mut parts: Vec<(&str, u64)> = Vec::with_capacity(threads);
    let (mut start, mut line) = (0usize, 0u64);
    for k in 1..=threads {
        let target = text.len() * k / threads;
        let end = if k == threads {
            text.len()
        } else {
            text.as_bytes()
                .get(target..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(text.len(), |i| target + i + 1)
        };
        if end > start {
            let part = &text[start..end];
            parts.push((part, line));
            line += memchr::memchr_iter(b'\n', part.as_bytes()).count() as u64;
            start = end;
        }
    }
    let read = |(part, first): (&str, u64)| {
        let mut sink = Sink::new(file, assume);
        let mut records = 0;
        for (i, text_line) in part.lines().enumerate() {
            if text_line.trim().is_empty() {
                continue;
            }
            records += 1;
            let line = first + i as u64;
            match serde_json::from_str::<Value>(text_line) {
                Ok(v) => {
                    let table = table.unwrap_or_else(|| {
                        if v.get("published").is_some() || v.get("value").is_some() {
                            Table::Reports
                        } else {
                            Table::Entries
                        }
                    });
                    sink.record(&v, table, line + 1, records);
                }
                Err(e) => sink.problems.push(syntax(&e, file, line)),
            }
        }
        (sink.content, sink.problems, records)
    };
    let results: Vec<(Content, Vec<Problem>, u64)> = if parts.len() > 1 {
        std::thread::scope(|s| {
            let handles: Vec<_> = parts.iter().map(|&p| s.spawn(move || read(p))).collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    } else {
        parts.into_iter().map(read).collect()
    };
    let mut content = Content::default();
    let mut problems = Vec::new();
    let mut records = 0;
    for (c, ps, n) in results {
        content.entries.extend(c.entries);
        content.entry_lines.extend(c.entry_lines);
        content.reports.extend(c.reports);
        content.report_lines.extend(c.report_lines);
        problems.extend(ps.into_iter().map(|mut p| {
            p.position.record = p.position.record.map(|r| r + records);
            p
        }));
        records += n;
    }
    if records == 0 {
        let p = Problem::general("the file is empty; JSON Lines has one object per line");
        problems.push(at(p, file, 1, None, None));
    }
    if problems.is_empty() { Ok(content) } else { Err(Error::invalid(problems)) }
}

/// The line on which each element of each top-level array starts, by the array's key ("" for a
/// bare top-level array). The text is already known to be valid JSON.
fn element_lines(text: &str) -> std::collections::HashMap<&str, Vec<u64>> {
    let mut out: std::collections::HashMap<&str, Vec<u64>> = std::collections::HashMap::new();
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut i) = (0usize, 1u64, 0usize);
    let (mut key, mut last_string) = ("", "");
    // The depth at which elements of a top-level array sit: 1 for a bare array, 2 in a document.
    let mut list_depth = 2;
    let mut expect_element = false;
    while i < bytes.len() {
        let b = bytes[i];
        if depth == list_depth && expect_element && !b.is_ascii_whitespace() && b != b']' {
            out.entry(key).or_default().push(line);
            expect_element = false;
        }
        match b {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_string = text.get(start..i.min(bytes.len())).unwrap_or("");
            }
            b':' if depth == 1 => key = last_string,
            b',' if depth == list_depth => expect_element = true,
            b'[' | b'{' => {
                if depth == 0 && b == b'[' {
                    list_depth = 1;
                }
                depth += 1;
                if depth == list_depth && b == b'[' {
                    expect_element = true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    out
}

fn object(columns: &[&str], cells: &[String]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .zip(cells)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}: {}", Value::from(*k), Value::from(v.as_str())))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn io(e: std::io::Error) -> Error {
    Error::io("output", e)
}

/// Writes a JSON document with one record per line inside its arrays.
pub(crate) fn write_document(mut out: impl Write, entries: &[&Entry], reports: &[Report]) -> Result<(), Error> {
    let columns = crate::io::record::ENTRY_COLUMNS;
    writeln!(out, "{{").map_err(io)?;
    let mut sections: Vec<(&str, Vec<String>)> = Vec::new();
    sections.push(("entries", entries.iter().map(|e| object(&columns, &entry_cells(e))).collect()));
    // Both keys always, so that a reader of the document need not ask whether one is there.
    let cols = crate::io::record::REPORT_COLUMNS;
    sections.push(("reports", reports.iter().map(|r| object(&cols, &report_cells(r))).collect()));
    let n = sections.len();
    for (s, (name, items)) in sections.into_iter().enumerate() {
        if items.is_empty() {
            write!(out, "  \"{name}\": []").map_err(io)?;
        } else {
            writeln!(out, "  \"{name}\": [").map_err(io)?;
            let last = items.len() - 1;
            for (i, item) in items.iter().enumerate() {
                writeln!(out, "    {item}{}", if i == last { "" } else { "," }).map_err(io)?;
            }
            write!(out, "  ]").map_err(io)?;
        }
        writeln!(out, "{}", if s + 1 == n { "" } else { "," }).map_err(io)?;
    }
    writeln!(out, "}}").map_err(io)?;
    out.flush().map_err(io)
}

/// Writes JSON Lines: one entry, then one report, per line.
pub(crate) fn write_lines(mut out: impl Write, entries: &[&Entry], reports: &[Report]) -> Result<(), Error> {
    let columns = crate::io::record::ENTRY_COLUMNS;
    for e in entries {
        writeln!(out, "{}", object(&columns, &entry_cells(e))).map_err(io)?;
    }
    let cols = crate::io::record::REPORT_COLUMNS;
    for r in reports {
        writeln!(out, "{}", object(&cols, &report_cells(r))).map_err(io)?;
    }
    out.flush().map_err(io)
}
