//! The audit: findings across reports and entries that verification, one report at a time, cannot
//! see. Figures that contradict each other, parts that exceed their whole, events counted twice,
//! running totals that rise by more (or less) than the events between them, outliers, fills that
//! explain most of a figure, and records without a source.
//!
//! Every rule works on canonical units of one dimension and avoids loops over all pairs: reports
//! are indexed by scope and sorted by period, entries sorted by kind, parties, quantity and date.
//! This file holds the findings and their order; `rules` holds the rules.

mod rules;

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Position, RecordKind};
use crate::io::Places;
use crate::ledger::Ledger;
use crate::report::Report;

use rules::{
    EntryRows, Fig, contradictions, duplicates, fig, mostly_unexplained, no_source, outliers, parts_exceed_whole, rises,
};

/// How grave a finding is. Ordered from the gravest: errors, then warnings, then notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The record contradicts itself: at least one figure is wrong.
    Error,
    /// Probably a mistake (an event counted twice, an implausible figure); worth a look.
    Warning,
    /// Worth knowing (what the record leaves unexplained, what has no source).
    Note,
}

impl Severity {
    /// The name, as printed: `error`, `warning`, `note`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about; each code has one [`Severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// A narrower report's figure lies wholly above a broader one's (a running total that falls is one case).
    Contradiction,
    /// The parts of a report, split by one more field, add up to more than the report allows.
    PartsExceedWhole,
    /// Entries alike in kind, category, parties and quantity, dated a few days apart.
    DuplicateEvent,
    /// A running total rose by less than the entries between two of its reports add.
    RiseExceeded,
    /// An entry more than 10 times, or less than a tenth of, the median of its group.
    Outlier,
    /// A running total rose by more than the entries between two of its reports explain.
    RiseUnexplained,
    /// A `fill` report whose fill is more than half of its figure.
    MostlyUnexplained,
    /// Entries or reports without a source.
    NoSource,
}

impl Code {
    /// The code, as printed: `contradiction`, `parts-exceed-whole`, `duplicate-event`, ...
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Contradiction => "contradiction",
            Code::PartsExceedWhole => "parts-exceed-whole",
            Code::DuplicateEvent => "duplicate-event",
            Code::RiseExceeded => "rise-exceeded",
            Code::Outlier => "outlier",
            Code::RiseUnexplained => "rise-unexplained",
            Code::MostlyUnexplained => "mostly-unexplained",
            Code::NoSource => "no-source",
        }
    }

    /// The severity of every finding of this code.
    #[must_use]
    pub fn severity(self) -> Severity {
        match self {
            Code::Contradiction | Code::PartsExceedWhole => Severity::Error,
            Code::DuplicateEvent | Code::RiseExceeded | Code::Outlier => Severity::Warning,
            Code::RiseUnexplained | Code::MostlyUnexplained | Code::NoSource => Severity::Note,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`Ledger::audit`] looks for.
///
/// ```
/// use relief_ledger::AuditOptions;
///
/// let options = AuditOptions::new().window(3);
/// assert_eq!(options.window_days(), 3);
/// assert_eq!(AuditOptions::default().window_days(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditOptions {
    /// Entries alike dated at most this many days apart are one event reported twice.
    window: u32,
}

impl Default for AuditOptions {
    fn default() -> AuditOptions {
        AuditOptions { window: 2 }
    }
}

impl AuditOptions {
    /// The defaults: a window of 2 days.
    #[must_use]
    pub fn new() -> AuditOptions {
        AuditOptions::default()
    }

    /// Entries alike dated at most `days` apart are taken for one event reported twice.
    #[must_use]
    pub fn window(mut self, days: u32) -> AuditOptions {
        self.window = days;
        self
    }

    /// The window of `duplicate-event`, in days.
    #[must_use]
    pub fn window_days(&self) -> u32 {
        self.window
    }
}

/// One finding: a code, its severity, a one-line message with the figures, and the ids of the
/// entries and reports involved (each list sorted), with their file positions where known.
///
/// Two findings are equal when everything they print is equal: where the audited ledger held
/// the entries (which depends on the order they were added in) takes no part.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    code: Code,
    severity: Severity,
    message: String,
    entries: Vec<String>,
    reports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    positions: Vec<Position>,
    /// The insertion position in the audited ledger of each entry of `entries`, in their order.
    #[serde(skip)]
    inserted: Vec<u32>,
}

impl PartialEq for Finding {
    fn eq(&self, other: &Finding) -> bool {
        let Finding { code, severity, message, entries, reports, positions, inserted: _ } = self;
        (code, severity, message, entries, reports, positions)
            == (&other.code, &other.severity, &other.message, &other.entries, &other.reports, &other.positions)
    }
}

impl Eq for Finding {}

impl Finding {
    /// A finding about `entries` (each its id and its insertion position in the ledger) and `reports`.
    pub(crate) fn new(
        code: Code,
        message: String,
        mut entries: Vec<(String, u32)>,
        mut reports: Vec<String>,
    ) -> Finding {
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let (entries, inserted) = entries.into_iter().unzip();
        reports.sort_unstable();
        reports.dedup();
        Finding { code, severity: code.severity(), message, entries, reports, positions: Vec::new(), inserted }
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> Code {
        self.code
    }

    /// The severity.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The message, one line, with the figures.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The ids of the entries involved, sorted.
    #[must_use]
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The ids of the reports involved, sorted.
    #[must_use]
    pub fn reports(&self) -> &[String] {
        &self.reports
    }

    /// Where the records involved were read, reports first, as far as [`Audit::locate`] or
    /// [`Audit::locate_in`] knew them.
    #[must_use]
    pub fn positions(&self) -> &[Position] {
        &self.positions
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity, self.code, self.message)
    }
}

/// The findings of an audit, in a stable order: by severity, code, reports, entries, message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    findings: Vec<Finding>,
}

impl Audit {
    /// Every finding.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many findings have this severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// The findings of one code.
    pub fn of(&self, code: Code) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// True when no finding is an error (nor, with `deny_warnings`, a warning).
    #[must_use]
    pub fn is_clean(&self, deny_warnings: bool) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity == Severity::Note || (f.severity == Severity::Warning && !deny_warnings))
    }

    /// Gives each finding the positions of its records, as `place` knows them (a reader that kept
    /// the file and line of each id, say); records `place` does not know are left out.
    pub fn locate(&mut self, mut place: impl FnMut(RecordKind, &str) -> Option<Position>) {
        for f in &mut self.findings {
            let reports = f.reports.iter().map(|id| (RecordKind::Report, id));
            let entries = f.entries.iter().map(|id| (RecordKind::Entry, id));
            f.positions = reports.chain(entries).filter_map(|(k, id)| place(k, id)).collect();
        }
    }

    /// Gives each finding the positions of its records as [`Audit::locate`] does, from the places
    /// of the [`Loader`](crate::Loader) that built the audited ledger ([`Loader::finish_with_places`](crate::Loader::finish_with_places)).
    /// Entries are found by where the ledger holds them, checked against their ids, so that no
    /// index of ids is made; an entry the places hold elsewhere (places of another loader, entries
    /// added to the ledger after loading) is found by its id, as [`Audit::locate`] finds it.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{AuditOptions, Format, Loader, Role};
    ///
    /// let mut loader = Loader::new();
    /// let entries = "id,date,kind,quantity,unit,from,to,source\n\
    ///     ap,2020-12-13,detainee-transfer,44,persons,AZE,ARM,AP\n\
    ///     mod,2020-12-14,detainee-transfer,44,persons,AZE,ARM,MoD\n";
    /// loader.read(entries.as_bytes(), "exchanges.csv", Format::Csv, Role::Entries);
    /// let (ledger, reports, places) = loader.finish_with_places()?;
    /// let mut audit = ledger.audit(&reports, &AuditOptions::default());
    /// audit.locate_in(&places);
    /// let lines: Vec<u64> = audit.findings()[0].positions().iter().map(|p| p.line().unwrap_or(0)).collect();
    /// assert_eq!(lines, [2, 3]);
    /// # Ok::<(), relief_ledger::Error>(())
    /// ```
    pub fn locate_in(&mut self, places: &Places) {
        let locate = |findings: &mut [Finding]| {
            for f in findings {
                let reports = f.reports.iter().filter_map(|id| places.position(RecordKind::Report, id));
                let entries = f.entries.iter().zip(&f.inserted).filter_map(|(id, &at)| places.inserted(at, id));
                f.positions = reports.chain(entries).collect();
            }
        };
        // Many findings: in two halves side by side.
        if self.findings.len() < PARALLEL_LOCATE_FROM || crate::threads::available() < 2 {
            locate(&mut self.findings);
        } else {
            let half = self.findings.len() / 2;
            let (a, b) = self.findings.split_at_mut(half);
            crate::threads::map_each([a, b], locate);
        }
    }
}

/// Sorts findings by severity, code, reports, entries and message. Millions of findings (a
/// running total that falls thousands of times) would spend most of a plain sort comparing ids
/// in memory far apart; here each finding is keyed by 8-byte prefixes of its first reports and
/// entries (zero-padded, so that keys order as the ids do, or tie), and the records themselves
/// are compared only on a tie.
fn sort_findings(findings: &mut [Finding]) {
    let prefix = |id: &str| {
        let mut b = [0u8; 8];
        b.iter_mut().zip(id.as_bytes()).for_each(|(d, s)| *d = *s);
        u64::from_be_bytes(b)
    };
    // The first id's prefix, then the second's where the first is whole in its prefix (shorter
    // than 8 bytes, no NUL), else the highest key; absent ids key as 0. A list that sorts before
    // another never keys higher (so keys that differ decide), and equal keys leave it to the lists.
    let first_two = |ids: &[String]| -> [u64; 2] {
        match ids {
            [] => [0, 0],
            [first, rest @ ..] => {
                let whole = first.len() < 8 && !first.contains('\0');
                let second = if whole { rest.first().map_or(0, |id| prefix(id)) } else { u64::MAX };
                [prefix(first), second]
            }
        }
    };
    // Severity, code, keys of the reports and entries, index, and whether the finding names no
    // report (most do not: two such lists are equal without reading them).
    type Key = (Severity, Code, [u64; 2], [u64; 2], u32, bool);
    let mut keys: Vec<Key> = (0u32..)
        .zip(findings.iter())
        .map(|(i, f)| (f.severity, f.code, first_two(&f.reports), first_two(&f.entries), i, f.reports.is_empty()))
        .collect();
    let at = |i: u32| &findings[i as usize];
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| if a.5 && b.5 { Ordering::Equal } else { at(a.4).reports.cmp(&at(b.4).reports) })
            .then_with(|| a.3.cmp(&b.3))
            .then_with(|| at(a.4).entries.cmp(&at(b.4).entries))
            .then_with(|| at(a.4).message.cmp(&at(b.4).message))
    });
    // Each finding to its place, following the permutation's cycles.
    let mut dest = vec![0u32; keys.len()];
    for (to, k) in (0u32..).zip(&keys) {
        dest[k.4 as usize] = to;
    }
    drop(keys);
    for i in 0..findings.len() {
        while dest[i] as usize != i {
            let j = dest[i] as usize;
            findings.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// The number of findings from which [`Audit::locate_in`] works on two threads.
const PARALLEL_LOCATE_FROM: usize = 10_000;

/// The size of ledger from which the rules over every entry run on two threads.
const PARALLEL_FROM: usize = 50_000;

impl Ledger {
    /// Audits the ledger and `reports` together: what the record contradicts, duplicates or leaves
    /// unexplained.
    ///
    /// | code | severity | finding |
    /// |---|---|---|
    /// | `contradiction` | error | a report whose scope and period lie within another's, with its interval wholly above the other's |
    /// | `parts-exceed-whole` | error | reports that split another by one more field and whose largest lower bounds add up to more than it allows |
    /// | `duplicate-event` | warning | entries of one kind, category, `from`, `to` and canonical quantity dated at most `window` days apart |
    /// | `rise-exceeded` | warning | consecutive reports of a running total between which the entries add more than the rise allows |
    /// | `outlier` | warning | an entry more than 10 times, or less than a tenth of, the lower median of its kind, category and dimension (groups of 5 or more) |
    /// | `rise-unexplained` | note | consecutive reports of a running total between which the entries add less than the rise needs |
    /// | `mostly-unexplained` | note | a `fill` report whose fill (as [`Ledger::verify`] computes it) is more than half of its figure |
    /// | `no-source` | note | the entries, then the reports, without a source |
    ///
    /// Entries that record fills (unattributed entries) are left out of the rules on entries. Where
    /// [`Ledger::verify`] fails on a fill (a figure too large for a decimal), `mostly-unexplained`
    /// takes the fills of the other reports, made as `verify` makes them without that one.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{AuditOptions, Code, Entry, Ledger};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-13".parse()?, "44 persons".parse()?).id("ap").from("AZE").to("ARM").source("AP").build()?,
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).id("mod").from("AZE").to("ARM").source("MoD").build()?,
    /// ])?;
    /// let audit = ledger.audit(&[], &AuditOptions::default());
    /// let f = &audit.findings()[0];
    /// assert_eq!(f.code(), Code::DuplicateEvent);
    /// assert_eq!(f.entries(), ["ap", "mod"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn audit(&self, reports: &[Report], options: &AuditOptions) -> Audit {
        let figs: Vec<Fig<'_>> = reports.iter().filter_map(fig).collect();
        let mut findings = Vec::new();
        contradictions(&figs, &mut findings);
        parts_exceed_whole(&figs, &mut findings);
        let any_fill = self.rows().iter().any(|r| self.is_fill(r));
        // One pass over the rows for both rules over every entry; then, on a large ledger, the
        // two side by side (the hash sort of duplicates, the medians and messages of outliers).
        let scan = EntryRows::scan(self, any_fill);
        let (mut dups, mut outs) = (Vec::new(), Vec::new());
        if self.len() < PARALLEL_FROM {
            duplicates(self, &scan, options.window, &mut dups);
            outliers(self, &scan, &mut outs);
        } else {
            std::thread::scope(|s| {
                s.spawn(|| duplicates(self, &scan, options.window, &mut dups));
                outliers(self, &scan, &mut outs);
            });
        }
        // Sorted at the end: the largest list (usually the duplicates) takes in the others, not copied.
        for mut more in [dups, outs] {
            if more.len() > findings.len() {
                std::mem::swap(&mut findings, &mut more);
            }
            findings.append(&mut more);
        }
        rises(self, &figs, &mut findings);
        mostly_unexplained(self, reports, &mut findings);
        no_source(self, reports, &mut findings);
        sort_findings(&mut findings);
        Audit { findings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn finding() -> impl Strategy<Value = Finding> {
        // Ids around the 8 bytes of the key, with NUL bytes: ties of the key, a shorter id before a longer.
        let ids = prop::collection::vec("[ab]{0,3}|aaaaaa[ab\\x00]{0,4}|\\x00[ab]?", 0..4);
        (0usize..3, ids.clone(), ids, "[xy]{0,2}").prop_map(|(code, entries, reports, message)| {
            let code = [Code::Contradiction, Code::Outlier, Code::NoSource][code];
            Finding::new(code, message, entries.into_iter().map(|id| (id, 0)).collect(), reports)
        })
    }

    proptest! {
        /// The sort by prefixes of ids orders findings as a plain sort by severity, code, reports,
        /// entries and message does (ids that share prefixes, lists of 0 to 3, ties included).
        #[test]
        fn findings_sort_as_by_their_fields(mut findings in prop::collection::vec(finding(), 0..40)) {
            let mut expected = findings.clone();
            expected.sort_by(|a, b| {
                (a.severity, a.code, &a.reports, &a.entries, &a.message)
                    .cmp(&(b.severity, b.code, &b.reports, &b.entries, &b.message))
            });
            sort_findings(&mut findings);
            prop_assert_eq!(findings, expected);
        }
    }
}
