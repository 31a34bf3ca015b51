//! Reading one file for a streaming fold: its entries handed to consumers as they are parsed.

use std::io::Read;
use std::sync::Arc;

use crate::entry::Entry;
use crate::error::Error;
use crate::report::Report;

use super::record::Table;
use super::{Assumptions, Format, Role, csv, json, read_content};

/// Takes the entries of a file as a reader reads them, one consumer per parsing thread, so that
/// nothing holds the file's entries at once (see [`crate::stream`]).
pub(crate) trait Consumer: Send {
    /// A valid entry, read at `line` of the file.
    fn entry(&mut self, entry: Entry, line: u64);

    /// Whether valid records with an id and no exchange may come as [`Consumer::row`]s (their
    /// cells checked, the entry not built) instead of entries. Readers ask once a chunk: the
    /// answer must not change while a file is read.
    fn wants_rows(&self) -> bool {
        false
    }

    /// A valid entry with an id and no exchange, read at `line`, as its checked cells (only when
    /// [`Consumer::wants_rows`]).
    fn row(&mut self, _row: &crate::io::record::Row<'_>, _line: u64) {}
}

/// The records of one file read for a streaming fold: its reports (kept, they are few) and their
/// lines. Its entries went to the consumers.
pub(crate) struct Streamed {
    pub(crate) reports: Vec<Report>,
    pub(crate) report_lines: Vec<u64>,
}

/// Reads one file for a streaming fold: CSV and HXL in chunks on every consumer's thread; JSON Lines
/// in chunks of whole lines (each read on every core), their entries handed to the consumers in
/// turn; JSON whole, then handed to the first consumer in file order. Problems as [`read`](super::read) reports
/// them, except ids used twice among the entries of a CSV, HXL or JSON Lines file, which the
/// consumers see.
pub(crate) fn read_streaming(
    mut input: impl Read,
    name: &Arc<str>,
    format: Format,
    role: Role,
    assume: &Assumptions,
    chunk: usize,
    mut consumers: Vec<&mut dyn Consumer>,
) -> Result<Streamed, Error> {
    let want = match role {
        Role::Any => None,
        Role::Entries => Some(Table::Entries),
        Role::Reports => Some(Table::Reports),
    };
    match format {
        Format::Csv | Format::Hxl => {
            let dialect = if format == Format::Hxl { csv::Dialect::Hxl } else { csv::Dialect::Auto };
            let c = csv::read_into(input, name, want, dialect, assume, chunk, consumers)?;
            Ok(Streamed { reports: c.reports, report_lines: c.lines_of_reports })
        }
        Format::Jsonl => read_lines_streaming(input, name, want, assume, chunk, consumers),
        Format::Json => {
            let c = read_content(&mut input, name, format, role, assume, false)?;
            if let Some(first) = consumers.first_mut() {
                for (e, line) in c.entries.into_iter().flatten().zip(c.entry_lines.iter()) {
                    first.entry(e, line);
                }
            }
            Ok(Streamed { reports: c.reports, report_lines: c.report_lines })
        }
    }
}

/// [`read_streaming`] for JSON Lines: chunks of about `chunk` bytes cut after a line end, so that
/// the file is never held whole.
fn read_lines_streaming(
    mut input: impl Read,
    name: &Arc<str>,
    want: Option<Table>,
    assume: &Assumptions,
    chunk: usize,
    mut consumers: Vec<&mut dyn Consumer>,
) -> Result<Streamed, Error> {
    let chunk = chunk.max(1);
    let mut streamed = Streamed { reports: Vec::new(), report_lines: Vec::new() };
    let mut problems = Vec::new();
    let (mut pending, mut target, mut eof) = (Vec::new(), chunk, false);
    // Lines and records before the chunk, and the chunks read.
    let (mut lines, mut records, mut chunks) = (0u64, 0u64, 0usize);
    while !eof || !pending.is_empty() {
        if !eof {
            eof = csv::fill(&mut input, &mut pending, target).map_err(|e| Error::io(name.to_string(), e))?;
        }
        let cut = match memchr::memrchr(b'\n', &pending) {
            _ if eof => pending.len(),
            Some(at) => at + 1,
            None => {
                target = target.saturating_mul(2); // one line longer than a chunk
                continue;
            }
        };
        target = chunk;
        let rest = pending.split_off(cut);
        let bytes = std::mem::replace(&mut pending, rest);
        let newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let text = json::utf8(bytes, name).map_err(|e| {
            // Its line, counted in the file.
            let problems = e.problems().iter().cloned().map(|mut p| {
                p.position.line = p.position.line.map(|l| l + lines);
                p
            });
            Error::invalid(problems.collect())
        })?;
        // Some editors start UTF-8 files with a byte-order mark; only the file's start may have one.
        let text = if chunks == 0 { text.strip_prefix('\u{feff}').unwrap_or(&text) } else { &text };
        // A role given forces the table (`want`): an entries file yields no reports, and so on.
        let (c, found, n) = json::read_lines_part(text, name, want, assume, (lines, records));
        problems.extend(found);
        // The valid entries of a file with problems too: the consumers find the ids used twice.
        let n_consumers = consumers.len().max(1);
        if let Some(consumer) = consumers.get_mut(chunks % n_consumers) {
            for (e, line) in c.entries.into_iter().zip(c.entry_lines.iter()) {
                consumer.entry(e, line);
            }
        }
        streamed.reports.extend(c.reports);
        streamed.report_lines.extend(c.report_lines);
        lines += newlines;
        records += n;
        chunks += 1;
    }
    if problems.is_empty() { Ok(streamed) } else { Err(Error::invalid(problems)) }
}
