//! Splitting CSV text into records: plain lines at their commas, any other record through
//! csv_core; and a scanner that follows csv_core's state machine, to find where records end.

use super::separators::Separators;

/// Room for the fields of a record at first; more are made as a record needs them.
pub(super) const FIELDS: usize = 32;

/// What a chunk's parser hands its records to.
pub(super) trait Records {
    /// One record: every one of its fields.
    fn record(&mut self, fields: &[&str], line: u64);
    /// The records of `lines`, which hold no double quote and no CR, the first on line `line`;
    /// gives the line after the last. By default each line is split at its commas into `fields`
    /// ([`split_plain`]) and handed to [`Records::record`].
    fn lines<'t>(&mut self, lines: &'t str, line: u64, fields: &mut Vec<&'t str>) -> u64
    where
        Self: Sized,
    {
        split_plain(lines, line, fields, self)
    }
    /// A quoted value that opens on `line`, in field `field` of its record, and is still open at
    /// the end of the file, `lines` lines further on: the record is not read.
    fn open_quote(&mut self, line: u64, field: usize, lines: u64);
    /// Text follows the closing quote of a quoted value in field `field` of the record on `line`
    /// (`"1"581`): csv_core joins the two, but the file does not say which value it means.
    fn text_after_quote(&mut self, _line: u64, _field: usize) {}
}

/// Parses a chunk that is valid UTF-8. A line without a double quote or a lone CR is split at its
/// commas right there, its fields borrowed from the text, which is what csv_core would make of
/// it; any other record goes through `csv_core`. The lines before the next quote or CR (a CRLF
/// line end included) are split in one pass over their commas and line ends, not line by line.
pub(super) fn parse_text(text: &str, first_line: u64, sink: &mut impl Records) {
    let mut core = core_reader();
    let mut unquoted: Vec<u8> = vec![0; 1024];
    let mut ends: Vec<usize> = vec![0; FIELDS];
    // The fields of a plain record, borrowed from the text; the vector is the chunk's.
    let mut fields: Vec<&str> = Vec::with_capacity(FIELDS);
    let (mut pos, mut line) = (0usize, first_line);
    // Where the next quote or CR is, once found (the text's end when there is none).
    let mut next_special: Option<usize> = None;
    while let Some(rest) = text.get(pos..).filter(|r| !r.is_empty()) {
        let special = match next_special {
            Some(at) if at >= pos => at,
            _ => memchr::memchr2(b'"', b'\r', rest.as_bytes()).map_or(text.len(), |i| pos + i),
        };
        next_special = Some(special);
        // The whole lines before it (and the rest of the text, when there is none).
        let plain = match text.as_bytes().get(pos..special) {
            Some(before) if special == text.len() => before.len(),
            Some(before) => memchr::memrchr(b'\n', before).map_or(0, |i| i + 1),
            None => 0,
        };
        if plain > 0 {
            line = sink.lines(rest.get(..plain).unwrap_or_default(), line, &mut fields);
            pos += plain;
            continue;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let raw = rest.get(..end).unwrap_or(rest);
        let record = raw.strip_suffix('\r').unwrap_or(raw);
        if memchr::memchr2(b'"', b'\r', record.as_bytes()).is_none() {
            // A line that a CRLF ends.
            sink.lines(record, line, &mut fields);
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
pub(super) fn split_plain<'t>(
    lines: &'t str,
    mut line: u64,
    fields: &mut Vec<&'t str>,
    sink: &mut impl Records,
) -> u64 {
    fn hand(fields: &mut Vec<&str>, line: u64, sink: &mut impl Records) {
        let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim_ascii().is_empty());
        if !blank {
            sink.record(fields, line);
        }
        fields.clear();
    }
    fields.clear();
    let mut start = 0;
    for i in Separators::new(lines.as_bytes(), b',', b'\n') {
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
pub(super) fn core_reader() -> csv_core::Reader {
    let mut core = csv_core::Reader::new();
    let _ = core.read_record(b"\n", &mut [0; 4], &mut [0; 4]);
    core
}

/// Reads the record that `input` starts with through csv_core: how many bytes it takes, and how
/// many fields it has, whose ends in `unquoted` are in `ends`.
pub(super) fn core_record(
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

pub(super) fn bytecount(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

/// The line of the first line end, when it is a CR alone followed by more: a file with CR line
/// ends, which csv_core reads but whose lines nothing counts.
pub(super) fn cr_line_ends(buf: &[u8]) -> Option<u64> {
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
pub(super) enum State {
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
pub(super) struct Scanner {
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
pub(super) fn record_ends(buf: &[u8], n: usize) -> Vec<usize> {
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
pub(super) fn last_boundary(buf: &[u8]) -> Option<usize> {
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
pub(super) fn open_quote(record: &[u8]) -> Option<(usize, usize)> {
    let mut scanner = Scanner::new();
    scanner.run(record, |_, _, _| true);
    (scanner.state == State::Quoted).then_some((scanner.quote, scanner.field))
}

/// The first field of `record` (one whole record) where text follows a quoted value's closing quote.
pub(super) fn text_after_quote(record: &[u8]) -> Option<usize> {
    let mut scanner = Scanner::new();
    scanner.run(record, |_, _, _| true);
    scanner.loose
}
