//! The rules of the audit, one function each, and the view of a report they share ([`Fig`]).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Bound;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Code, Finding};
use crate::entry::Kind;
use crate::hash::FxHashMap;
use crate::ledger::Ledger;
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
                let message = if falls {
                    format!(
                        "a running total falls: {} is lower than {}, which ends earlier",
                        describe(fb),
                        describe(fa)
                    )
                } else {
                    format!(
                        "{} lies wholly above {}, whose scope and period contain it: the narrower figure exceeds the broader one",
                        describe(fa),
                        describe(fb)
                    )
                };
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

/// The entries of the files (not the unattributed entries of fills), as rows of the ledger.
fn file_rows(ledger: &Ledger, any_fill: bool) -> impl Iterator<Item = &crate::ledger::Row> + '_ {
    ledger.rows().iter().filter(move |r| !any_fill || ledger.entry_at(r.pos).unattributed().is_none())
}

/// What makes two entries one event (kind, category, from, to, dimension, normalised quantity as
/// scale and mantissa), then the first day of the date, the entry's place in the ledger and the
/// last day of the date.
type EventKey = (u8, u8, u32, u32, u8, u32, i128, NaiveDate, u32, NaiveDate);

/// `duplicate-event`: entries sorted by kind, category, parties, dimension, quantity and first day;
/// an entry joins the group before it when the days between its date and the date of some entry of
/// the group are at most `window` (overlapping dates are 0 days apart). Sorted by first day, that is
/// when its first day is at most `window` days after the latest last day of the group.
pub(super) fn duplicates(ledger: &Ledger, any_fill: bool, window: u32, out: &mut Vec<Finding>) {
    let mut keys: Vec<EventKey> = file_rows(ledger, any_fill)
        .map(|r| {
            let q = r.canon.normalize();
            (r.kind, r.category, r.text[1], r.text[2], r.dim, q.scale(), q.mantissa(), r.date, r.pos, r.last)
        })
        .collect();
    keys.sort_unstable();
    // Entries of one exchange are one occasion, recorded part by part: never one event twice.
    let one_exchange = |a: &EventKey, b: &EventKey| {
        let x = ledger.entry_at(a.8).exchange();
        x.is_some() && x == ledger.entry_at(b.8).exchange()
    };
    let same = |a: &EventKey, b: &EventKey, last: NaiveDate| {
        (a.0, a.1, a.2, a.3, a.4, a.5, a.6) == (b.0, b.1, b.2, b.3, b.4, b.5, b.6)
            && (b.7 - last).num_days() <= i64::from(window)
            && !one_exchange(a, b)
    };
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        let mut last = keys[i].9;
        while j < keys.len() && same(&keys[j - 1], &keys[j], last) {
            last = last.max(keys[j].9);
            j += 1;
        }
        if j - i >= 2 {
            let group: Vec<&crate::entry::Entry> = keys[i..j].iter().map(|k| ledger.entry_at(k.8)).collect();
            let (first, last) = (group[0], group[group.len() - 1]);
            let e = first;
            let parties = format!("{} -> {}", e.from().unwrap_or("?"), e.to().unwrap_or("?"));
            let kind = match e.category() {
                Some(c) => format!("{} {c}", e.kind()),
                None => e.kind().to_string(),
            };
            let message = format!(
                "{} entries of {kind} {parties}, {} each, dated {}..{} (at most {window} days apart): probably one event reported twice",
                group.len(),
                figure(Decimal::from_i128_with_scale(keys[i].6, keys[i].5), e.quantity().dimension()),
                first.date(),
                last.date()
            );
            let ids = group.iter().map(|e| e.id().to_string()).collect();
            out.push(Finding::new(Code::DuplicateEvent, message, ids, Vec::new()));
        }
        i = j;
    }
}

/// `rise-exceeded` and `rise-unexplained`: reports grouped by running total (scope and start),
/// sorted by end; each report is paired with each report of the next end.
pub(super) fn rises(ledger: &Ledger, figs: &[Fig<'_>], out: &mut Vec<Finding>) {
    type Series<'a> = (Kind, Dimension, ScopeKey<'a>, Option<NaiveDate>);
    let mut series: HashMap<Series<'_>, Vec<usize>> = HashMap::new();
    for (i, f) in figs.iter().enumerate() {
        if f.end.is_some() {
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
            for e in ledger.select(&scope) {
                if e.unattributed().is_some() || e.quantity().dimension() != dim {
                    continue;
                }
                let v = e.quantity().canonical_value();
                if scope.matches(e) {
                    sum = sum.and_then(|s| v.and_then(|v| s.checked_add(v)));
                }
                maybe = maybe.and_then(|s| v.and_then(|v| s.checked_add(v)));
                ids.push(e.id().to_string());
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
pub(super) fn outliers(ledger: &Ledger, any_fill: bool, out: &mut Vec<Finding>) {
    // A few hundred keys of small integers: a fast hash (texts from files keep the default one).
    let mut groups: FxHashMap<(u8, u8, u8), Vec<(Decimal, u32)>> = FxHashMap::default();
    for r in file_rows(ledger, any_fill) {
        groups.entry((r.kind, r.category, r.dim)).or_default().push((r.canon, r.pos));
    }
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort_unstable();
    let ten = Decimal::TEN;
    for key in keys {
        let Some(g) = groups.get(&key) else { continue };
        if g.len() < 5 {
            continue;
        }
        let mut values: Vec<Decimal> = g.iter().map(|x| x.0).collect();
        let mid = (values.len() - 1) / 2;
        let (_, &mut median, _) = values.select_nth_unstable(mid);
        // x > 10 m and x < m / 10, without a division: 10 m (or 10 x) too large for a decimal
        // exceeds every figure that fits one.
        let big = median.checked_mul(ten);
        // m / 10 is exact below the largest scale (one more decimal place); at it, x is multiplied.
        let tenth = (median.scale() < 28).then(|| Decimal::from_i128_with_scale(median.mantissa(), median.scale() + 1));
        for &(x, pos) in g {
            let high = big.is_some_and(|b| x > b);
            let low = match tenth {
                Some(t) => x < t,
                None => x.checked_mul(ten).is_some_and(|t| t < median),
            };
            if !(high || low) {
                continue;
            }
            let e = ledger.entry_at(pos);
            let dim = e.quantity().dimension();
            let what = match e.category() {
                Some(c) => format!("{} {c}", e.kind()),
                None => e.kind().to_string(),
            };
            let message = format!(
                "{} of {} is {} the median {} of {} entries of {what} in {dim}",
                e.id(),
                figure(x, dim),
                if high { "more than 10 times" } else { "less than a tenth of" },
                figure(median, dim),
                g.len()
            );
            out.push(Finding::new(Code::Outlier, message, vec![e.id().to_string()], Vec::new()));
        }
    }
}

/// `mostly-unexplained`: the fills exactly as [`Ledger::verify`] makes them. Fills depend only on
/// the entries and the other fill reports, so only those are verified.
pub(super) fn mostly_unexplained(ledger: &Ledger, reports: &[Report], out: &mut Vec<Finding>) {
    let fills: Vec<Report> = reports.iter().filter(|r| r.mode() == Mode::Fill).cloned().collect();
    if fills.is_empty() {
        return;
    }
    let Ok(v) = ledger.verify(&fills) else { return };
    for o in v.outcomes() {
        let (Some(filled), value) = (o.filled(), o.reported().value()) else { continue };
        let Some(twice) = filled.checked_mul(Decimal::TWO) else { continue };
        if twice > value {
            let unit = o.reported().unit();
            let message = format!(
                "{} {} of report {} ({} {}) are a fill: no dated entry explains more than half of its figure",
                filled.normalize(),
                unit,
                o.report_id(),
                o.qualifier(),
                o.reported()
            );
            out.push(Finding::new(Code::MostlyUnexplained, message, Vec::new(), vec![o.report_id().to_string()]));
        }
    }
}

/// `no-source`: one finding for the entries, one for the reports.
pub(super) fn no_source(ledger: &Ledger, reports: &[Report], out: &mut Vec<Finding>) {
    let entries: Vec<String> = ledger
        .iter_inserted()
        .filter(|e| e.source().is_none() && e.unattributed().is_none())
        .map(|e| e.id().to_string())
        .collect();
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
