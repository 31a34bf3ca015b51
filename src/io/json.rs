//! JSON documents (`{"entries": [...], "reports": [...]}`) and JSON Lines (one object per line).
//!
//! Figures are JSON strings, so that none passes through a float; a figure written as a JSON
//! number is refused with a message that says so. Records are read as they come, each from its
//! own raw text: a document is never held as a tree of `Value`s, and every key is placed on its line.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::entry::Entry;
use crate::error::{Error, Problem, ProblemKind, echo, nearest};
use crate::io::Assumptions;
use crate::io::lines::Lines;
use crate::io::record::{Cells, Interner, Table, entry_cells, entry_from_cells, report_cells, report_from_cells};
use crate::report::Report;

/// Entries and reports read from JSON, with the line each record starts on.
#[derive(Default)]
pub(crate) struct Content {
    pub(crate) entries: Vec<Entry>,
    pub(crate) entry_lines: Lines,
    pub(crate) reports: Vec<Report>,
    pub(crate) report_lines: Vec<u64>,
}

impl Content {
    fn repeated_ids(&self, file: &Arc<str>) -> Vec<Problem> {
        let entries = self.entries.iter().map(Entry::id).zip(self.entry_lines.iter());
        crate::io::repeated_ids(file, entries, self.reports.iter().zip(self.report_lines.iter().copied()))
    }
}

fn at(p: Problem, file: &Arc<str>, line: u64, record: Option<u64>, id: Option<&str>) -> Problem {
    p.located(file, Some(line), record, id)
}

/// The UTF-8 text of a file, or a positioned error.
pub(crate) fn utf8(bytes: Vec<u8>, file: &Arc<str>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + memchr::memchr_iter(b'\n', bytes.get(..valid).unwrap_or_default()).count() as u64;
        let byte = bytes.get(valid).copied().unwrap_or(0);
        Error::invalid(vec![at(
            Problem::general(
                ProblemKind::Encoding,
                format!("invalid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8"),
            ),
            file,
            line,
            None,
            None,
        )])
    })
}

/// A syntax error of serde_json, placed in the file: `line_offset` lines and, on the error's
/// first line, `column_offset` bytes before the text that was parsed. The column is serde_json's:
/// 1-based, in bytes.
fn syntax(e: &serde_json::Error, file: &Arc<str>, line_offset: u64, column_offset: usize) -> Problem {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the position goes in front instead.
    let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
    let column = if e.line() <= 1 { e.column().saturating_add(column_offset) } else { e.column() };
    let line = (e.line() as u64).max(1).saturating_add(line_offset);
    let p = Problem::general(ProblemKind::Malformed, format!("malformed JSON: {msg}")).in_column(column as u64);
    at(p, file, line, None, None)
}

/// The value of a record's field, as far as a record needs it: arrays and objects are skipped,
/// not built.
enum Field<'de> {
    Null,
    Text(Cow<'de, str>),
    Number(serde_json::Number),
    /// Any other value, by the name of its type ("a boolean", "an array", "an object").
    Other(&'static str),
}

impl Field<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Field::Null => "null",
            Field::Text(_) => "a string",
            Field::Number(_) => "a number",
            Field::Other(kind) => kind,
        }
    }
}

/// A record's fields in the order written, each key raw (so that its place in the text is known).
type Fields<'de> = Vec<(&'de RawValue, Field<'de>)>;

/// A record as read: an object's fields, or what stood where an object belongs.
enum Shape<'de> {
    Object(Fields<'de>),
    Not(Field<'de>),
}

/// A record: an object's fields are kept.
const RECORD: ShapeSeed = ShapeSeed { object: true };

/// Reads one JSON value into a [`Shape`]: an object's fields when `object`, else a [`Field`].
#[derive(Clone, Copy)]
struct ShapeSeed {
    object: bool,
}

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = Shape<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Shape<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = Shape<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Null))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Other("a boolean")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Number(v.into())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(serde_json::Number::from_f64(v).map_or(Field::Other("a number"), Field::Number)))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Text(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Text(Cow::Owned(v.to_string()))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Shape<'de>, E> {
        Ok(Shape::Not(Field::Text(Cow::Owned(v))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Not(Field::Other("an array")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<'de>, A::Error> {
        if !self.object {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Shape::Not(Field::Other("an object")));
        }
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(16).min(32));
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            let value = match map.next_value_seed(ShapeSeed { object: false })? {
                Shape::Not(field) => field,
                Shape::Object(_) => Field::Other("an object"),
            };
            fields.push((key, value));
        }
        Ok(Shape::Object(fields))
    }
}

/// The text of a key, from its raw JSON (a string, quotes and all).
fn key_text(raw: &RawValue) -> Cow<'_, str> {
    let s = raw.get();
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
        _ => serde_json::from_str::<String>(s).map_or(Cow::Borrowed(s), Cow::Owned),
    }
}

/// The byte offset of `part` in `text`, which it is borrowed from.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len())
}

/// Lines of a text, counted as a reader moves forward through it, so that placing every record
/// of a document costs one pass over its text in all.
struct LineCursor<'t> {
    text: &'t str,
    offset: usize,
    line: u64,
    /// The offset at which the current line starts.
    line_start: usize,
}

impl<'t> LineCursor<'t> {
    fn new(text: &'t str) -> LineCursor<'t> {
        LineCursor { text, offset: 0, line: 1, line_start: 0 }
    }

    /// The 1-based line and the 0-based byte column of `offset`.
    fn at(&mut self, offset: usize) -> (u64, usize) {
        if offset < self.offset {
            *self = LineCursor::new(self.text);
        }
        let bytes = self.text.as_bytes().get(self.offset..offset).unwrap_or_default();
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        if let Some(i) = memchr::memrchr(b'\n', bytes) {
            self.line_start = self.offset + i + 1;
        }
        self.offset = offset.max(self.offset);
        (self.line, offset.saturating_sub(self.line_start))
    }
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
        if self.problems.is_empty() {
            return Ok(self.content);
        }
        let mut problems = self.problems;
        problems.extend(self.content.repeated_ids(self.file));
        Err(Error::invalid(problems))
    }

    /// Builds one record from its fields. `table` is what the file holds, or `None` to tell by
    /// the record's fields; `key_at` gives the line and the 1-based byte column of a key of the record.
    fn record(
        &mut self,
        shape: Shape<'_>,
        table: Option<Table>,
        line: u64,
        record_no: u64,
        key_at: &dyn Fn(&RawValue) -> (u64, u64),
    ) {
        let file = self.file;
        let fields = match shape {
            Shape::Object(fields) => fields,
            Shape::Not(other) => {
                let msg = format!("expected an object for each record, found {}", other.kind());
                self.problems.push(at(
                    Problem::general(ProblemKind::Malformed, msg),
                    file,
                    line,
                    Some(record_no),
                    None,
                ));
                return;
            }
        };
        let keys: Vec<Cow<'_, str>> = fields.iter().map(|(k, _)| key_text(k)).collect();
        let table = table.unwrap_or_else(|| {
            if keys.iter().any(|k| k == "published" || k == "value") { Table::Reports } else { Table::Entries }
        });
        // A count of mines may be a JSON number: it is whole, so no float can bend it.
        let mines = fields.iter().zip(&keys).find_map(|((_, v), k)| match v {
            Field::Number(n) if k == "mines" && n.is_u64() => Some(n.to_string()),
            _ => None,
        });
        let mut cells: Cells<'_> = [None; 17];
        // The key of each column's first occurrence: a second one is refused, never silently kept
        // or dropped (serde_json's own maps keep the last).
        let mut first: [Option<&RawValue>; 17] = [None; 17];
        // Problems, each with its line: a repeated key is placed at its own line.
        let mut local: Vec<(Problem, u64)> = Vec::new();
        // A problem of the key `raw`, placed at its line and column.
        let keyed = |p: Problem, raw: &RawValue| {
            let (l, c) = key_at(raw);
            (p.in_column(c), l)
        };
        for ((raw_key, value), key) in fields.iter().zip(&keys) {
            let key = key.as_ref();
            let Some(i) = table.index(key) else {
                local.push(keyed(Problem::new(ProblemKind::UnknownColumn, key, table.unknown_column(key)), raw_key));
                continue;
            };
            if let Some(Some(earlier)) = first.get(i) {
                let msg = format!(
                    "{} appears twice in one record (first on line {}); keep one",
                    echo(key),
                    key_at(earlier).0
                );
                local.push(keyed(Problem::new(ProblemKind::DuplicateColumn, key, msg), raw_key));
                continue;
            }
            if let Some(slot) = first.get_mut(i) {
                *slot = Some(*raw_key);
            }
            let cell = match value {
                Field::Null => None,
                Field::Text(s) if s.trim().is_empty() => None,
                Field::Text(s) => Some(s.trim()),
                Field::Number(_) if key == "mines" && mines.is_some() => mines.as_deref(),
                Field::Number(n) => {
                    // A whole number is read exactly; any other has already passed through a float,
                    // whose digits may not be the ones written: never suggest them as the figure.
                    let msg = if n.is_f64() {
                        format!(
                            "is a JSON number with a fraction or an exponent, which a float cannot hold exactly (it reads as {n}); write the figure as a string, its digits in quotes as published, such as \"1581.5\""
                        )
                    } else {
                        format!(
                            "{n} is a JSON number; write figures as strings (\"{n}\") so that none passes through a float"
                        )
                    };
                    local.push(keyed(Problem::new(ProblemKind::Malformed, key, msg), raw_key));
                    None
                }
                other => {
                    let msg = format!("expected a string, found {}", other.kind());
                    local.push(keyed(Problem::new(ProblemKind::Malformed, key, msg), raw_key));
                    None
                }
            };
            if let Some(c) = cells.get_mut(i) {
                *c = cell;
            }
        }
        let Sink { interner, content, problems, defaults, .. } = self;
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
            // A field refused above (a number where a string belongs, a repeat) is not also "empty".
            let refused: Vec<Option<String>> = local.iter().map(|(p, _)| p.field.clone()).collect();
            // A field's problem is placed at its key, where the record has one.
            let key_of = |field: &Option<String>| {
                fields.iter().zip(&keys).find(|(_, k)| field.as_deref() == Some(k.as_ref())).map(|((raw, _), _)| *raw)
            };
            local.extend(
                ps.into_iter().filter(|p| !(p.message.starts_with("is empty") && refused.contains(&p.field))).map(
                    |p| match key_of(&p.field) {
                        Some(raw) => keyed(p, raw),
                        None => (p, line),
                    },
                ),
            );
        }
        // A record built despite problems elsewhere in its object does no harm: a file with any
        // problem is refused whole.
        problems.extend(local.into_iter().map(|(p, l)| {
            let mut p = at(p, file, l, Some(record_no), id.as_deref());
            p.position.record_kind = p.position.record_kind.or(id.as_ref().map(|_| table.record_kind()));
            p
        }));
    }
}

/// Reads a document as serde_json parses it: records are built one by one as their arrays are
/// visited, each from its own raw text, so that no tree of the whole document is ever held.
struct Document<'de, 'f> {
    text: &'de str,
    lines: LineCursor<'de>,
    sink: Sink<'f>,
    /// The line of the first "entries" and of the first "reports".
    seen: [Option<u64>; 2],
}

impl<'de> Document<'de, '_> {
    /// Reads one element of an array of records.
    fn element(&mut self, raw: &'de RawValue, table: Table, record_no: u64) {
        let text = self.text;
        let start = offset_in(text, raw.get());
        let (line, column) = self.lines.at(start);
        let mut de = serde_json::Deserializer::from_str(raw.get());
        match RECORD.deserialize(&mut de) {
            Ok(shape) => {
                let key_at = |key: &RawValue| {
                    let bytes = text.as_bytes().get(start..offset_in(text, key.get())).unwrap_or_default();
                    let lines = memchr::memchr_iter(b'\n', bytes).count() as u64;
                    let column = match memchr::memrchr(b'\n', bytes) {
                        Some(i) => bytes.len() - i,
                        None => column + bytes.len() + 1,
                    };
                    (line + lines, column as u64)
                };
                self.sink.record(shape, Some(table), line, record_no, &key_at);
            }
            // The document parsed, so only what its first pass does not check is left (a
            // number out of a float's range, nesting too deep).
            Err(e) => self.sink.problems.push(syntax(&e, self.sink.file, line - 1, column)),
        }
    }

    fn problem(&mut self, p: Problem, line: u64) {
        let p = at(p, self.sink.file, line, None, None);
        self.sink.problems.push(p);
    }
}

/// The top of a document: an object with "entries" and "reports", or a bare array of entries.
struct Top<'a, 'de, 'f>(&'a mut Document<'de, 'f>);

impl Top<'_, '_, '_> {
    fn not_a_document<E>(self, kind: &str) -> Result<(), E> {
        let msg = format!("expected an object with \"entries\" and \"reports\", found {kind}");
        self.0.problem(Problem::general(ProblemKind::Malformed, msg), 1);
        Ok(())
    }
}

impl<'de> Visitor<'de> for Top<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with \"entries\" and \"reports\"")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_a_document("null")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_a_document("a boolean")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_a_document("a number")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_a_document("a number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_a_document("a number")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_a_document("a string")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Section { doc: self.0, table: Table::Entries, key: "entries", line: 1 }.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        while let Some(raw) = map.next_key::<&'de RawValue>()? {
            let key = key_text(raw);
            let (line, _) = doc.lines.at(offset_in(doc.text, raw.get()));
            let (table, name, slot) = match key.as_ref() {
                "entries" => (Table::Entries, "entries", 0),
                "reports" => (Table::Reports, "reports", 1),
                other => {
                    let msg = match nearest(other, ["entries", "reports"]) {
                        Some(n) => format!("unknown key {}; did you mean {n:?}?", echo(other)),
                        None => format!("unknown key {}; a document has \"entries\" and \"reports\"", echo(other)),
                    };
                    doc.problem(Problem::new(ProblemKind::UnknownColumn, other, msg), line);
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match doc.seen.get(slot).copied().flatten() {
                Some(first) => {
                    let msg = format!(
                        "{name:?} appears twice in the document (first on line {first}); put all {name} in one array"
                    );
                    doc.problem(Problem::new(ProblemKind::DuplicateColumn, name, msg), line);
                }
                None => {
                    if let Some(s) = doc.seen.get_mut(slot) {
                        *s = Some(line);
                    }
                }
            }
            // The records of a second array are still read, so that their problems are listed too.
            map.next_value_seed(Section { doc, table, key: name, line })?;
        }
        Ok(())
    }
}

/// An array of records under `key`, which is on `line`.
struct Section<'a, 'de, 'f> {
    doc: &'a mut Document<'de, 'f>,
    table: Table,
    key: &'static str,
    line: u64,
}

impl Section<'_, '_, '_> {
    fn not_an_array<E>(self, kind: &str) -> Result<(), E> {
        let p = Problem::new(ProblemKind::Malformed, self.key, format!("expected an array, found {kind}"));
        self.doc.problem(p, self.line);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Section<'_, 'de, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Section<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_array("null")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_array("a boolean")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_array("a number")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_array("a number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_array("a number")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_array("a string")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_an_array("an object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut record_no = 0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            record_no += 1;
            self.doc.element(raw, self.table, record_no);
        }
        Ok(())
    }
}

/// Reads a JSON document: `{"entries": [...], "reports": [...]}`, or a bare array of entries.
///
/// Records are read as they come (issue 7: a 224 MB document built a `Value` tree of 2 GB); a
/// key given twice, at the top or in a record, is refused at the line of its second occurrence.
pub(crate) fn read_document(text: &str, file: &Arc<str>, assume: &Assumptions) -> Result<Content, Error> {
    let mut doc = Document { text, lines: LineCursor::new(text), sink: Sink::new(file, assume), seen: [None; 2] };
    let mut de = serde_json::Deserializer::from_str(text);
    // A malformed document is refused with its syntax error alone: what was read of it before
    // the error cannot be trusted to be what the author meant.
    if let Err(e) = (&mut de).deserialize_any(Top(&mut doc)).and_then(|()| de.end()) {
        return Err(Error::invalid(vec![syntax(&e, file, 0, 0)]));
    }
    doc.sink.finish()
}

/// Reads JSON Lines: one entry (or, with `table` Reports, one report) per line; blank lines are
/// skipped. Large files are read on every core, a run of whole lines each.
pub(crate) fn read_lines(
    text: &str,
    file: &Arc<str>,
    table: Option<Table>,
    assume: &Assumptions,
) -> Result<Content, Error> {
    let (content, mut problems, _) = read_lines_part(text, file, table, assume, (0, 0));
    // An empty file holds no records: that is what the writer writes for an empty document, and it
    // must read back (a CSV file with only its header reads as empty too).
    if problems.is_empty() {
        return Ok(content);
    }
    problems.extend(content.repeated_ids(file));
    Err(Error::invalid(problems))
}

/// Reads the whole lines `text` of a JSON Lines file, the first of them the file's line
/// `after.0 + 1` and its first record the file's record `after.1 + 1`: the records read, the
/// problems found (ids used twice left out) and the number of records.
pub(crate) fn read_lines_part(
    text: &str,
    file: &Arc<str>,
    table: Option<Table>,
    assume: &Assumptions,
    after: (u64, u64),
) -> (Content, Vec<Problem>, u64) {
    let threads = if text.len() < 1 << 20 { 1 } else { crate::threads::available() };
    // Cut points just after a line end, near equal shares of the text.
    let mut parts: Vec<(&str, u64)> = Vec::with_capacity(threads);
    let (mut start, mut line) = (0usize, after.0);
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
            // Each line is read straight into its fields, borrowed from the text: no `Value`.
            let mut de = serde_json::Deserializer::from_str(text_line);
            match RECORD.deserialize(&mut de).and_then(|shape| de.end().map(|()| shape)) {
                // A JSON Lines record is on one line, and so is each of its keys.
                Ok(shape) => {
                    let key_at = |key: &RawValue| (line + 1, offset_in(text_line, key.get()) as u64 + 1);
                    sink.record(shape, table, line + 1, records, &key_at);
                }
                Err(e) => sink.problems.push(syntax(&e, file, line, 0)),
            }
        }
        (sink.content, sink.problems, records)
    };
    let results: Vec<(Content, Vec<Problem>, u64)> = if parts.len() > 1 {
        crate::threads::map_each(parts.iter().copied(), read)
    } else {
        parts.into_iter().map(read).collect()
    };
    let mut content = Content::default();
    let mut problems = Vec::new();
    let mut records = after.1;
    for (c, ps, n) in results {
        content.entries.extend(c.entries);
        content.entry_lines.append(&c.entry_lines);
        content.reports.extend(c.reports);
        content.report_lines.extend(c.report_lines);
        problems.extend(ps.into_iter().map(|mut p| {
            p.position.record = p.position.record.map(|r| r + records);
            p
        }));
        records += n;
    }
    (content, problems, records - after.1)
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
    Error::write(e)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        let file: Arc<str> = Arc::from("t.json");
        match read_document(text, &file, &Assumptions::new()) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems().to_vec(),
        }
    }

    #[test]
    fn what_only_a_record_parse_finds_is_placed_as_serde_json_places_it() {
        // The first pass over the document skips values without converting them, so a number out
        // of a float's range is found when its record is read; it must be placed in the document.
        for text in [
            "{\"entries\": [\n  {\"date\": \"2021-04-07\", \"quantity\": 1e400}\n]}",
            "{\"entries\": [{\"date\": \"2021-04-07\", \"quantity\": 1e400}]}",
            "{\"entries\": [\n  {\"date\": \"2021-04-07\",\n   \"quantity\": 1e400}\n]}",
        ] {
            let whole = serde_json::from_str::<Value>(text).unwrap_err();
            let ps = problems(text);
            assert_eq!(ps.len(), 1, "{text}: {ps:?}");
            assert_eq!(ps[0].position.line, Some(whole.line() as u64), "{text}");
            assert_eq!(ps[0].position.column, Some(whole.column() as u64), "{text}");
            assert_eq!(ps[0].kind, ProblemKind::Malformed, "{text}");
            assert!(ps[0].message.starts_with("malformed JSON: number out of range"), "{}", ps[0].message);
        }
    }

    #[test]
    fn deep_nesting_anywhere_is_an_error_not_a_crash() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [200, 100_000] {
            for text in [
                deep(n),
                format!("{{\"entries\": {}}}", deep(n)),
                format!("{{\"entries\": [{{\"note\": {}}}]}}", deep(n)),
                format!("{{\"colour\": {}}}", deep(n)),
            ] {
                assert!(!problems(&text).is_empty(), "nesting {n} in {}", &text[..20]);
            }
        }
    }

    #[test]
    fn lines_are_counted_forward_and_back() {
        let text = "a\nbc\n\nd";
        let mut lines = LineCursor::new(text);
        assert_eq!(lines.at(0), (1, 0));
        assert_eq!(lines.at(3), (2, 1));
        assert_eq!(lines.at(6), (4, 0));
        assert_eq!(lines.at(2), (2, 0), "a cursor asked to go back starts again");
    }
}
