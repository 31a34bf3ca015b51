//! The rules of the audit, one function each, and the view of a report they share ([`Fig`]).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Bound;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Code, Finding};
use crate::entry::Kind;
use crate::hash::FxHashMap;
use crate::ledger::{Ledger, Row};
use crate::period::{PartialDate, Period};
use crate::quantity::{Dimension, Quantity};
use crate::report::{Mode, Report};

/// The fields of a scope that a report may name besides its kind: category, item, from, to, via, region.
type ScopeKey<'a> = [Option<&'a str>; 6];
/// Reports by kind, dimension and scope fields.
type ByScope<'a, V> = HashMap<(Kind, Dimension, ScopeKey<'a>), V>;
const FIELDS: [&str; 6] = ["category", "item", "from", "to", "via", "region"];

/// A report as the rules see it: its scope's fields, its period, and its interval in canonical units.
pub(super) struct Fig<'a> {
    id: &'a str,
    kind: Kind,
    dim: Dimension,
    key: ScopeKey<'a>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    low: Bound<Decimal>,
    high: Bound<Decimal>,
    report: &'a Report,
}

fn canonical(d: Decimal, unit: crate::quantity::Unit) -> Option<Decimal> {
    Quantity::unchecked(d, unit).canonical_value().map(|v| v.normalize())
}

fn bound(b: Bound<Decimal>, unit: crate::quantity::Unit) -> Option<Bound<Decimal>> {
    Some(match b {
        Bound::Included(v) => Bound::Included(canonical(v, unit)?),
        Bound::Excluded(v) => Bound::Excluded(canonical(v, unit)?),
        Bound::Unbounded => Bound::Unbounded,
    })
}

pub(super) fn fig(r: &Report) -> Option<Fig<'_>> {
    let s = r.scope();
    let unit = r.value().unit();
    let i = r.interval();
    Some(Fig {
        id: r.id(),
        kind: r.kind(),
        dim: r.value().dimension(),
        key: [
            s.category.map(|c| c.as_str()),
            s.item.as_deref(),
            s.from.as_deref(),
            s.to.as_deref(),
            s.via.as_deref(),
            s.region.as_deref(),
        ],
        start: s.period.start(),
        end: s.period.end(),
        low: bound(i.low(), unit)?,
        high: bound(i.high(), unit)?,
        report: r,
    })
}

fn value(b: Bound<Decimal>) -> Option<Decimal> {
    match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v),
        Bound::Unbounded => None,
    }
}

/// True when an interval with lower end `low` lies wholly above one with upper end `high`.
fn above(low: Bound<Decimal>, high: Bound<Decimal>) -> bool {
    match (low, high) {
        (Bound::Included(l), Bound::Included(h)) => l > h,
        (Bound::Excluded(l), Bound::Included(h) | Bound::Excluded(h)) | (Bound::Included(l), Bound::Excluded(h)) => {
            l >= h
        }
        _ => false,
    }
}

/// A figure in canonical units, for messages: `50390 persons`.
fn figure(v: Decimal, dim: Dimension) -> String {
    format!("{} {}", v.normalize(), dim.canonical_unit())
}

fn describe(f: &Fig<'_>) -> String {
    let r = f.report;
    let period = match (f.start, f.end) {
        (None, None) => "all time".to_string(),
        (Some(s), None) => format!("since {s}"),
        (None, Some(e)) => format!("until {e}"),
        (Some(s), Some(e)) => format!("{s}..{e}"),
    };
    format!("{} ({} {}, {period})", f.id, r.qualifier(), r.value())
}

/// `contradiction`: for each report A, the reports B whose scope names a subset of A's fields (at
/// most 64 lookups), whose period starts no later (a binary search in B's group, sorted by start)
/// and ends no earlier, and whose interval lies wholly below A's.
pub(super) fn contradictions(figs: &[Fig<'_>], out: &mut Vec<Finding>) {
    // Each group: the reports of one scope sorted by start, with the lowest upper end of every
    // prefix, so that a report above none of them costs one binary search.
    let mut groups: ByScope<'_, (Vec<usize>, Vec<Decimal>)> = HashMap::new();
    for (i, f) in figs.iter().enumerate() {
        if !matches!(f.high, Bound::Unbounded) {
            groups.entry((f.kind, f.dim, f.key)).or_default().0.push(i);
        }
    }
    for (g, lowest) in groups.values_mut() {
        g.sort_by_key(|&i| (figs[i].start, figs[i].id));
        let mut min: Option<Decimal> = None;
        for &i in g.iter() {
            let h = value(figs[i].high);
            min = match (min, h) {
                (Some(m), Some(h)) => Some(m.min(h)),
                (m, h) => m.or(h),
            };
            lowest.push(min.unwrap_or(Decimal::MAX));
        }
    }
    // Each report described once, when first found in a contradiction: a running total that
    // falls 3,000 times makes millions of findings, each two descriptions joined.
    let mut descriptions: Vec<Option<String>> = vec![None; figs.len()];
    for (a, fa) in figs.iter().enumerate() {
        if matches!(fa.low, Bound::Unbounded) {
            continue;
        }
        let named: Vec<usize> = (0..6).filter(|&k| fa.key[k].is_some()).collect();
        for mask in 0u32..(1 << named.len()) {
            let mut key = fa.key;
            for (bit, &k) in named.iter().enumerate() {
                if mask & (1 << bit) == 0 {
                    key[k] = None;
                }
            }
            let Some((g, lowest)) = groups.get(&(fa.kind, fa.dim, key)) else { continue };
            let upto = g.partition_point(|&b| figs[b].start <= fa.start);
            let below = upto.checked_sub(1).and_then(|last| lowest.get(last));
            if below.is_none_or(|&m| value(fa.low).is_none_or(|l| m > l)) {
                continue;
            }
            for &b in &g[..upto] {
                let fb = &figs[b];
                let covers_end = match (fb.end, fa.end) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(eb), Some(ea)) => eb >= ea,
                };
                if b == a || !covers_end || !above(fa.low, fb.high) {
                    continue;
                }
                let falls = key == fa.key && fb.start == fa.start && fb.end != fa.end;
                for i in [a, b] {
                    if descriptions[i].is_none() {
                        descriptions[i] = Some(describe(&figs[i]));
                    }
                }
                let (da, db) = (descriptions[a].as_deref().unwrap_or(""), descriptions[b].as_deref().unwrap_or(""));
                let parts = if falls {
                    ["a running total falls: ", db, " is lower than ", da, ", which ends earlier"]
                } else {
                    [
                        da,
                        " lies wholly above ",
                        db,
                        ", whose scope and period contain it: ",
                        "the narrower figure exceeds the broader one",
                    ]
                };
                let mut message = String::with_capacity(parts.iter().map(|p| p.len()).sum());
                parts.iter().for_each(|p| message.push_str(p));
                out.push(Finding::new(Code::Contradiction, message, Vec::new(), vec![fa.id.into(), fb.id.into()]));
            }
        }
    }
}

/// The part of `a` and `b` to take for one value of the splitting field: the larger lower bound,
/// an open one before a closed one of the same value, then the smaller id.
fn better_part(a: &Fig<'_>, b: &Fig<'_>) -> bool {
    let (va, vb) = (value(a.low), value(b.low));
    match va.cmp(&vb) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => {
            let (oa, ob) = (matches!(a.low, Bound::Excluded(_)), matches!(b.low, Bound::Excluded(_)));
            if oa != ob { oa } else { a.id < b.id }
        }
    }
}

/// `parts-exceed-whole`: the parts are indexed by their scope less one field and their period, so
/// that each whole finds its parts with one lookup.
pub(super) fn parts_exceed_whole(figs: &[Fig<'_>], out: &mut Vec<Finding>) {
    type Whole<'a> = (Kind, Dimension, ScopeKey<'a>, Option<NaiveDate>, Option<NaiveDate>);
    let mut parts: HashMap<Whole<'_>, HashMap<usize, HashMap<&str, usize>>> = HashMap::new();
    for (i, f) in figs.iter().enumerate() {
        if matches!(f.low, Bound::Unbounded) {
            continue;
        }
        for k in 0..6 {
            let Some(v) = f.key[k] else { continue };
            let mut key = f.key;
            key[k] = None;
            let by_value = parts.entry((f.kind, f.dim, key, f.start, f.end)).or_default().entry(k).or_default();
            let best = by_value.entry(v).or_insert(i);
            if better_part(f, &figs[*best]) {
                *best = i;
            }
        }
    }
    for fb in figs {
        let (Bound::Included(h) | Bound::Excluded(h)) = fb.high else { continue };
        let Some(split) = parts.get(&(fb.kind, fb.dim, fb.key, fb.start, fb.end)) else { continue };
        let mut ks: Vec<&usize> = split.keys().collect();
        ks.sort_unstable();
        for k in ks {
            let Some(by_value) = split.get(k) else { continue };
            if by_value.len() < 2 {
                continue;
            }
            let mut taken: Vec<&Fig<'_>> = by_value.values().map(|&i| &figs[i]).collect();
            taken.sort_by_key(|f| f.key[*k]);
            let mut sum = Some(Decimal::ZERO);
            let mut open = matches!(fb.high, Bound::Excluded(_));
            for p in &taken {
                sum = sum.and_then(|s| value(p.low).and_then(|v| s.checked_add(v)));
                open |= matches!(p.low, Bound::Excluded(_));
            }
            let Some(sum) = sum else { continue };
            if sum > h || (sum == h && open) {
                let list: Vec<String> = taken.iter().map(|p| describe(p)).collect();
                let message = format!(
                    "the parts of {} by {} add up to at least {}, more than it allows: {}",
                    describe(fb),
                    FIELDS[*k],
                    figure(sum, fb.dim),
                    list.join(", ")
                );
                let mut ids: Vec<String> = taken.iter().map(|p| p.id.to_string()).collect();
                ids.push(fb.id.into());
                out.push(Finding::new(Code::PartsExceedWhole, message, Vec::new(), ids));
            }
        }
    }
}

/// What the rules over every entry take from one pass over the ledger's rows (the entries of the
/// files, not the unattributed entries of fills): for `duplicate-event`, a hash of each row's
/// event key with its place in date order; for `outlier`, each group's figures.
pub(super) struct EntryRows<'a> {
    rows: &'a [Row],
    /// The entries' events, in date order.
    events: Vec<Event>,
    /// Kind, category and dimension, with the canonical figures and indices of their rows.
    groups: Vec<Group>,
}

impl<'a> EntryRows<'a> {
    /// One pass over the rows; on a large ledger, its halves side by side, joined in order.
    pub(super) fn scan(ledger: &'a Ledger, any_fill: bool) -> EntryRows<'a> {
        let rows = ledger.rows();
        let half = rows.len() / 2;
        let (events, groups) = if rows.len() >= super::PARALLEL_FROM {
            let (mut first, second) = std::thread::scope(|s| {
                let later = s.spawn(move || scan_rows(ledger, any_fill, half as u32..rows.len() as u32, 0));
                // Room for the second half's events: joined without growing.
                let first = scan_rows(ledger, any_fill, 0..half as u32, rows.len() - half);
                (first, later.join())
            });
            match second {
                Ok((events, groups)) => {
                    first.0.extend(events);
                    for (key, values) in groups {
                        match first.1.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, v)) => v.extend(values),
                            None => first.1.push((key, values)),
                        }
                    }
                    first
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        } else {
            scan_rows(ledger, any_fill, 0..rows.len() as u32, 0)
        };
        EntryRows { rows, events, groups }
    }
}

/// The events and groups of the rows `range`, in order; the events with room for `more`.
fn scan_rows(ledger: &Ledger, any_fill: bool, range: std::ops::Range<u32>, more: usize) -> (Vec<Event>, Vec<Group>) {
    let rows = ledger.rows();
    let mut events = Vec::with_capacity(range.len() + more);
    let mut group_of: FxHashMap<(u8, u8, u8), usize> = FxHashMap::default();
    let mut groups: Vec<Group> = Vec::new();
    // The group of the previous row, since rows of one group tend to come in runs.
    let mut last: Option<((u8, u8, u8), usize)> = None;
    for i in range {
        let Some(r) = rows.get(i as usize) else { break };
        if any_fill && ledger.is_fill(r) {
            continue;
        }
        let (first_day, last_day) = r.days();
        let canon = ledger.canon(r);
        events.push((event_hash(r, canon), i, first_day, last_day));
        let key = (r.kind, r.category, r.dim());
        let g = match last {
            Some((k, g)) if k == key => g,
            _ => *group_of.entry(key).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            }),
        };
        last = Some((key, g));
        if let Some((_, values)) = groups.get_mut(g) {
            values.push((canon, i));
        }
    }
    (events, groups)
}

/// The rows of one kind, category and dimension (as the rows number them): canonical figures and row indices.
type Group = ((u8, u8, u8), Vec<(Decimal, u32)>);

/// A row's event: the hash of its [`EventKey`], its index in the ledger's rows, and the first and
/// last days of its date.
type Event = (u64, u32, i32, i32);

/// A normalised canonical quantity as (scale, mantissa): equal for equal quantities.
fn quantity_key(canon: Decimal) -> (u32, i128) {
    let q = canon.normalize();
    (q.scale(), q.mantissa())
}

/// What makes two entries one event: kind, category, from, to, dimension and quantity.
type EventKey = (u8, u8, u32, u32, u8, (u32, i128));

fn event_key(ledger: &Ledger, r: &Row) -> EventKey {
    (r.kind, r.category, r.text[1], r.text[2], r.dim(), quantity_key(ledger.canon(r)))
}

/// True when two rows have one [`EventKey`] (decimals compare by value, whatever their scale).
fn same_event(ledger: &Ledger, a: &Row, b: &Row) -> bool {
    (a.kind, a.category, a.text[1], a.text[2], a.dim()) == (b.kind, b.category, b.text[1], b.text[2], b.dim())
        && ledger.canon(a) == ledger.canon(b)
}

/// A hash of a row's [`EventKey`]: rows of one key share it. The keys are numbers of our own
/// making and quantities from files; a file that makes keys share a hash only costs a sort of the
/// rows that do (see [`duplicates`]).
fn event_hash(r: &Row, canon: Decimal) -> u64 {
    use std::hash::Hasher;
    let (scale, m) = quantity_key(canon);
    let mut h = crate::hash::FxHasher::default();
    h.write_u64(u64::from(r.kind) | u64::from(r.category) << 8 | u64::from(r.dim()) << 16 | u64::from(scale) << 24);
    h.write_u64(u64::from(r.text[1]) | u64::from(r.text[2]) << 32);
    h.write_u64(m as u64);
    h.write_u64((m >> 64) as u64);
    // The last multiply leaves the low bits weakest; the sort buckets by the top ones.
    h.finish()
}

/// `duplicate-event`: the rows sorted by the hash of their event key, then by date (their index
/// in `rows`, which are in order of their first day). Within a run of one hash, an entry joins the
/// chain before it when the days between its date and the date of some entry of the chain are at
/// most `window` (overlapping dates are 0 days apart): in this order, when its first day is at most
/// `window` days after the chain's latest last day. Chains are made only of rows of equal keys:
/// should a row that would join have another key than the one before it (a hash shared by two
/// keys), the run is sorted by key first.
pub(super) fn duplicates(ledger: &Ledger, scan: &EntryRows<'_>, window: u32, out: &mut Vec<Finding>) {
    // Sorted straight out of the scan's (which the outliers' rule reads beside this one).
    let events = &scan.events;
    let events = crate::hash::sorted_by_hash(events.len(), events.iter().map(|e| e.0), events.iter().copied(), |e| e.0);
    let row = |i: u32| &scan.rows[i as usize];
    let mut chain: Vec<u32> = Vec::new();
    for run in events.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() >= 2) {
        let mut reach = i32::MIN;
        let one_key = run.iter().enumerate().all(|(i, e)| {
            let joins = i > 0 && near(reach, e, window);
            reach = if joins { reach.max(e.3) } else { e.3 };
            !joins || run.get(i - 1).is_some_and(|p| same_event(ledger, row(p.1), row(e.1)))
        });
        if one_key {
            link(ledger, run, window, &row, &mut chain, out);
            continue;
        }
        let mut sorted = run.to_vec();
        sorted.sort_by_cached_key(|e| (event_key(ledger, row(e.1)), e.1));
        for same in sorted.chunk_by(|a, b| same_event(ledger, row(a.1), row(b.1))) {
            link(ledger, same, window, &row, &mut chain, out);
        }
    }
}

/// The findings of rows of one event key, in date order: each chain of neighbours at most the
/// window apart.
fn link<'r>(
    ledger: &Ledger,
    same: &[Event],
    window: u32,
    row: &impl Fn(u32) -> &'r Row,
    chain: &mut Vec<u32>,
    out: &mut Vec<Finding>,
) {
    chain.clear();
    let mut reach = i32::MIN;
    for e in same {
        // Entries of one exchange are one occasion, recorded part by part: never one event twice.
        let one_exchange = |p: &u32| {
            let (a, b) = (ledger.exchange_of(row(*p)), ledger.exchange_of(row(e.1)));
            a != 0 && a == b
        };
        if !chain.is_empty() && (!near(reach, e, window) || chain.last().is_some_and(one_exchange)) {
            duplicate_group(ledger, chain, row, window, out);
            chain.clear();
        }
        reach = if chain.is_empty() { e.3 } else { reach.max(e.3) };
        chain.push(e.1);
    }
    duplicate_group(ledger, chain, row, window, out);
}

/// True when event `b`, whose first day is no earlier than those of a chain whose latest last day
/// is `reach`, is at most `window` days after it (0 when they overlap).
fn near(reach: i32, b: &Event, window: u32) -> bool {
    i64::from(b.2) - i64::from(reach) <= i64::from(window)
}

/// One `duplicate-event` finding for a chain of linked rows (in date order), if it has two or more.
fn duplicate_group<'r>(
    ledger: &Ledger,
    chain: &[u32],
    row: &impl Fn(u32) -> &'r Row,
    window: u32,
    out: &mut Vec<Finding>,
) {
    let (Some(&first), Some(&last)) = (chain.first(), chain.last()) else { return };
    if chain.len() < 2 {
        return;
    }
    let (first, last) = (row(first), row(last));
    let e = ledger.entry(first);
    let parties = format!("{} -> {}", e.from().unwrap_or("?"), e.to().unwrap_or("?"));
    let kind = match e.category() {
        Some(c) => format!("{} {c}", e.kind()),
        None => e.kind().to_string(),
    };
    let message = format!(
        "{} entries of {kind} {parties}, {} each, dated {}..{} (at most {window} days apart): probably one event reported twice",
        chain.len(),
        figure(ledger.canon(first), e.quantity().dimension()),
        first.date(),
        chain.iter().map(|&k| row(k).last()).max().unwrap_or(last.date())
    );
    let ids = chain.iter().map(|&k| (ledger.id_of(row(k)), row(k).pos)).collect();
    out.push(Finding::new(Code::DuplicateEvent, message, ids, Vec::new()));
}

/// `rise-exceeded` and `rise-unexplained`: reports grouped by running total (scope and start),
/// sorted by end; each report is paired with each report of the next end. Counts of exchanges
/// rise by occasions, not by the entries' quantities that these rules sum: they take no part.
pub(super) fn rises(ledger: &Ledger, figs: &[Fig<'_>], out: &mut Vec<Finding>) {
    type Series<'a> = (Kind, Dimension, ScopeKey<'a>, Option<NaiveDate>);
    let mut series: HashMap<Series<'_>, Vec<usize>> = HashMap::new();
    for (i, f) in figs.iter().enumerate() {
        if f.end.is_some() && f.dim != Dimension::Exchanges {
            series.entry((f.kind, f.dim, f.key, f.start)).or_default().push(i);
        }
    }
    for g in series.values_mut() {
        g.sort_by_key(|&i| (figs[i].end, figs[i].id));
        let mut ends: Vec<&[usize]> = g.chunk_by(|&a, &b| figs[a].end == figs[b].end).collect();
        ends.retain(|c| !c.is_empty());
        for w in ends.windows(2) {
            let (before, after) = (w[0], w[1]);
            let (Some(from), Some(to)) = (figs[before[0]].end, figs[after[0]].end) else { continue };
            let Some(day_after) = from.succ_opt() else { continue };
            let Ok(period) = Period::between(PartialDate::from(day_after), PartialDate::from(to)) else { continue };
            let mut scope = figs[before[0]].report.scope().clone();
            scope.period = period;
            let dim = figs[before[0]].dim;
            // Entries dated within the gap surely count, those whose dates meet it in part possibly.
            let mut sum = Some(Decimal::ZERO);
            let mut maybe = Some(Decimal::ZERO);
            let mut ids = Vec::new();
            for r in ledger.select_rows(&scope) {
                let e = ledger.entry(r);
                if e.unattributed().is_some() || e.quantity().dimension() != dim {
                    continue;
                }
                let v = e.quantity().canonical_value();
                if scope.matches(&e) {
                    sum = sum.and_then(|s| v.and_then(|v| s.checked_add(v)));
                }
                maybe = maybe.and_then(|s| v.and_then(|v| s.checked_add(v)));
                ids.push((e.id().to_string(), r.pos));
            }
            let (Some(sum), Some(maybe)) = (sum, maybe) else { continue };
            for &a in before {
                for &b in after {
                    let (fa, fb) = (&figs[a], &figs[b]);
                    let reports = vec![fa.id.to_string(), fb.id.to_string()];
                    if let (Some(l), Some(h)) = (value(fa.low), value(fb.high)) {
                        if let Some(room) = h.checked_sub(l) {
                            if sum > room {
                                let message = format!(
                                    "the entries dated {day_after}..{to} add {}, more than the rise from {} to {} allows (at most {})",
                                    figure(sum, dim),
                                    describe(fa),
                                    describe(fb),
                                    figure(room, dim)
                                );
                                out.push(Finding::new(Code::RiseExceeded, message, ids.clone(), reports.clone()));
                            }
                        }
                    }
                    if let (Some(h), Some(l)) = (value(fa.high), value(fb.low)) {
                        let need = l.checked_sub(h);
                        if let Some((need, gap)) = need.and_then(|n| Some((n, n.checked_sub(maybe)?))) {
                            if gap > Decimal::ZERO {
                                let message = format!(
                                    "{} unexplained: the running total rises by at least {} from {} to {}, and the entries dated {day_after}..{to} add {}",
                                    figure(gap, dim),
                                    figure(need, dim),
                                    describe(fa),
                                    describe(fb),
                                    figure(maybe, dim)
                                );
                                out.push(Finding::new(Code::RiseUnexplained, message, ids.clone(), reports));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `outlier`: the lower median of each group of kind, category and dimension, then one pass.
pub(super) fn outliers(ledger: &Ledger, scan: &EntryRows<'_>, out: &mut Vec<Finding>) {
    let mut groups: Vec<&Group> = scan.groups.iter().collect();
    groups.sort_unstable_by_key(|g| g.0);
    for (_, g) in groups {
        if g.len() < 5 {
            continue;
        }
        let (median, odd) = match scaled(g) {
            Some(ints) => outliers_of_integers(g, &ints),
            None => outliers_of_decimals(g),
        };
        // The end of every message of the group, made once: " the median 12 t of 40 entries of cargo food in mass".
        let mut tail = String::new();
        for (x, i, high) in odd {
            let Some(r) = ledger.rows().get(i as usize) else { continue };
            let (e, pos) = (ledger.entry(r), r.pos);
            let dim = e.quantity().dimension();
            if tail.is_empty() {
                let what = match e.category() {
                    Some(c) => format!("{} {c}", e.kind()),
                    None => e.kind().to_string(),
                };
                tail = format!(" the median {} of {} entries of {what} in {dim}", figure(median, dim), g.len());
            }
            let is = if high { " is more than 10 times" } else { " is less than a tenth of" };
            let x = figure(x, dim);
            let mut message = String::with_capacity(e.id().len() + 4 + x.len() + is.len() + tail.len());
            for part in [e.id(), " of ", &x, is, &tail] {
                message.push_str(part);
            }
            out.push(Finding::new(Code::Outlier, message, vec![(e.id().to_string(), pos)], Vec::new()));
        }
    }
}

/// The figures of a group as integers of its largest scale (`1.5` and `0.25` as 150 and 25), so
/// that they compare as integers; none when one does not fit 128 bits.
fn scaled(g: &[(Decimal, u32)]) -> Option<Vec<u128>> {
    let scale = g.iter().map(|x| x.0.scale()).max()?;
    g.iter()
        .map(|(d, _)| {
            let m = u128::try_from(d.mantissa()).ok()?;
            m.checked_mul(10u128.checked_pow(scale - d.scale())?)
        })
        .collect()
}

/// The outliers of a group whose figures are the integers `ints`: the lower median, and each
/// outlier's figure, row index and whether it is high.
fn outliers_of_integers(g: &[(Decimal, u32)], ints: &[u128]) -> (Decimal, Vec<(Decimal, u32, bool)>) {
    let mut values = ints.to_vec();
    let mid = (values.len() - 1) / 2;
    let (_, &mut m, _) = values.select_nth_unstable(mid);
    let median = ints.iter().zip(g).find(|(x, _)| **x == m).map_or(Decimal::ZERO, |(_, v)| v.0);
    // x > 10 m and x < m / 10 as 10 x < m: a product too large for 128 bits exceeds every figure.
    let big = m.checked_mul(10);
    let odd = ints
        .iter()
        .zip(g)
        .filter_map(|(&x, &(d, i))| {
            let high = big.is_some_and(|b| x > b);
            let low = x.checked_mul(10).is_some_and(|t| t < m);
            (high || low).then_some((d, i, high))
        })
        .collect();
    (median, odd)
}

/// As [`outliers_of_integers`], on the decimals themselves.
fn outliers_of_decimals(g: &[(Decimal, u32)]) -> (Decimal, Vec<(Decimal, u32, bool)>) {
    let ten = Decimal::TEN;
    let mut values: Vec<Decimal> = g.iter().map(|x| x.0).collect();
    let mid = (values.len() - 1) / 2;
    let (_, &mut median, _) = values.select_nth_unstable(mid);
    // x > 10 m and x < m / 10, without a division: 10 m (or 10 x) too large for a decimal
    // exceeds every figure that fits one.
    let big = median.checked_mul(ten);
    // m / 10 is exact below the largest scale (one more decimal place); at it, x is multiplied.
    let tenth = (median.scale() < 28).then(|| Decimal::from_i128_with_scale(median.mantissa(), median.scale() + 1));
    let odd = g
        .iter()
        .filter_map(|&(x, i)| {
            let high = big.is_some_and(|b| x > b);
            let low = match tenth {
                Some(t) => x < t,
                None => x.checked_mul(ten).is_some_and(|t| t < median),
            };
            (high || low).then_some((x, i, high))
        })
        .collect();
    (median, odd)
}

/// `mostly-unexplained`: the fills as [`Ledger::verify`] makes them. Fills depend only on the
/// entries and the other fill reports, so only those are computed; a fill that cannot be computed
/// (a figure too large for a decimal, where `verify` fails) adds nothing, and the others are still
/// taken.
pub(super) fn mostly_unexplained(ledger: &Ledger, reports: &[Report], out: &mut Vec<Finding>) {
    if reports.iter().all(|r| r.mode() != Mode::Fill) {
        return;
    }
    for (i, filled) in ledger.fills_that_compute(reports) {
        let Some(r) = reports.get(i) else { continue };
        let value = r.value().value();
        let Some(twice) = filled.checked_mul(Decimal::TWO) else { continue };
        if twice > value {
            let message = format!(
                "{} {} of report {} ({} {}) are a fill: no dated entry explains more than half of its figure",
                filled.normalize(),
                r.value().unit(),
                r.id(),
                r.qualifier(),
                r.value()
            );
            out.push(Finding::new(Code::MostlyUnexplained, message, Vec::new(), vec![r.id().to_string()]));
        }
    }
}

/// `no-source`: one finding for the entries, one for the reports.
pub(super) fn no_source(ledger: &Ledger, reports: &[Report], out: &mut Vec<Finding>) {
    // In insertion order: the rows without a source (usually none) sorted, not every row visited in that order.
    let mut missing: Vec<&Row> = ledger.rows().iter().filter(|r| !r.has_source() && !ledger.is_fill(r)).collect();
    missing.sort_unstable_by_key(|r| r.pos);
    let entries: Vec<(String, u32)> = missing.into_iter().map(|r| (ledger.id_of(r), r.pos)).collect();
    if !entries.is_empty() {
        let message = format!(
            "{} without a source; add a source (outlet, title, url) to each",
            plural(entries.len(), "entry", "entries")
        );
        out.push(Finding::new(Code::NoSource, message, entries, Vec::new()));
    }
    let reports: Vec<String> = reports.iter().filter(|r| r.source().is_none()).map(|r| r.id().to_string()).collect();
    if !reports.is_empty() {
        let message = format!(
            "{} without a source; add a source (outlet, title, url) to each",
            plural(reports.len(), "report", "reports")
        );
        out.push(Finding::new(Code::NoSource, message, Vec::new(), reports));
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Entry;

    fn returnees(id: &str, date: &str, n: u32, from: &str) -> Entry {
        Entry::returnees(date.parse().unwrap(), format!("{n} persons").parse().unwrap())
            .id(id)
            .from(from)
            .to("NKR")
            .build()
            .unwrap()
    }

    /// A large ledger is scanned in two halves side by side: the same events in the same order,
    /// and each group's figures in row order, as one pass gives them.
    #[test]
    fn a_scan_in_halves_is_the_scan_in_one_pass() {
        let n = super::super::PARALLEL_FROM + 7;
        let from = ["ARM", "AZE", "RUS"];
        let entries = (0..n).map(|i| {
            let date = format!("2021-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
            let e = returnees(&format!("e{i}"), &date, 1 + (i % 97) as u32, from[i % 3]);
            if i % 5 == 0 {
                Entry::cargo(e.date().first_day(), format!("{} t", 1 + i % 13).parse().unwrap())
                    .id(format!("c{i}"))
                    .to("NKR")
                    .build()
                    .unwrap()
            } else {
                e
            }
        });
        let ledger = Ledger::from_entries(entries).unwrap();
        let halves = EntryRows::scan(&ledger, false);
        let (events, mut groups) = scan_rows(&ledger, false, 0..ledger.len() as u32, 0);
        assert_eq!(halves.events, events);
        let mut got = halves.groups.clone();
        got.sort_by_key(|(k, _)| *k);
        groups.sort_by_key(|(k, _)| *k);
        assert_eq!(got.len(), 2);
        assert_eq!(got, groups);
    }

    fn groups(ledger: &Ledger, scan: &EntryRows<'_>) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        duplicates(ledger, scan, 2, &mut out);
        let mut groups: Vec<Vec<String>> = out.iter().map(|f| f.entries().to_vec()).collect();
        groups.sort();
        groups
    }

    /// Keys that share a hash are told apart by the keys themselves: with every event given one
    /// hash, neighbours of different keys dated within the window send the run to the sort by key.
    #[test]
    fn events_of_different_keys_that_share_a_hash_are_not_linked() {
        let cargo = |id: &str, date: &str, q: &str| {
            Entry::cargo(date.parse().unwrap(), q.parse().unwrap()).id(id).from("RU-EMERCOM").to("NKR").build().unwrap()
        };
        let ledger = Ledger::from_entries([
            returnees("a1", "2021-01-01", 10, "ARM"),
            returnees("b1", "2021-01-01", 20, "ARM"),
            returnees("a2", "2021-01-02", 10, "ARM"),
            returnees("c1", "2021-01-02", 10, "AZE"),
            returnees("b2", "2021-01-03", 20, "ARM"),
            returnees("a3", "2021-01-10", 10, "ARM"),
            returnees("a4", "2021-01-12", 10, "ARM"),
            returnees("a5", "2021-01-15", 10, "ARM"),
            cargo("k1", "2021-01-05", "1.50 t"),
            cargo("k2", "2021-01-06", "1500 kg"),
        ])
        .unwrap();
        let expected: Vec<Vec<String>> = [["a1", "a2"], ["a3", "a4"], ["b1", "b2"], ["k1", "k2"]]
            .iter()
            .map(|g| g.iter().map(|s| s.to_string()).collect())
            .collect();
        let mut scan = EntryRows::scan(&ledger, false);
        assert_eq!(groups(&ledger, &scan), expected, "with the hashes as they are");
        for e in &mut scan.events {
            e.0 = 7;
        }
        assert_eq!(groups(&ledger, &scan), expected, "with one hash for every event");
    }
}
