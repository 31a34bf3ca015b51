//! The reduction for verification: entries projected onto what a set of reports can tell apart,
//! their quantities summed exactly per projected shape (see [`Fold::reduce_for`](super::Fold::reduce_for)).
//!
//! Verification reads of an entry its kind, category, item, parties, region (compared with the
//! reports' scopes), its dimension and canonical quantity (summed), its date (against the reports'
//! periods, and the first day of the earliest entry of a fill's scope), and its exchange (counted
//! by reports in `exchanges`). Two entries that agree on every value some report names, whose days
//! lie between the same two ends of report periods, and that share dimension and exchange, are
//! counted alike by every report: one entry dated on the earlier of their days stands for both.
//!
//! The reduction for a chart ([`Fold::reduce_for_group`](super::Fold::reduce_for_group)) projects
//! the same way onto a scope and keys: the values the scope names, every value of a key (kept
//! whole), and the dates whole, which running totals need; [`Fold::reduce`](super::Fold::reduce)
//! keeps everything whole.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Category, Entry, EntryBuilder, Id, Kind, Text};
use crate::error::Error;
use crate::hash::{FxHashMap, RecentTexts, TextMap};
use crate::io::record::{Interner, Row};
use crate::ledger::Ledger;
use crate::period::EntryDate;
use crate::quantity::{Dimension, Quantity, pow10};
use crate::query::{Key, Scope};
use crate::report::Report;

/// The fields of texts a scope names, as cells of an entries file: item, from, to, via, region.
const TEXT_CELLS: [usize; 5] = [4, 7, 8, 9, 10];

/// What a set of reports, or a scope and keys, can tell apart among entries.
#[derive(Debug, Default)]
pub(super) struct Projection {
    /// A bit per kind (by [`Kind::index`]) named by a report: entries of other kinds count for none.
    kinds: u64,
    /// A bit per category named by a report; an entry of another category keeps none.
    categories: u64,
    /// Per field of texts (item, from, to, via, region), the values reports name, numbered from 1.
    codes: [TextMap<Box<str>, u32>; 5],
    /// The values again, by their number less one, to build entries.
    names: [Vec<Text>; 5],
    /// The days on which a report's period starts, and the days after one ends, sorted: days
    /// between two of them lie in the same periods.
    bounds: Vec<NaiveDate>,
    /// Whether a report counts exchanges (then entries keep their exchange).
    exchanges: bool,
    /// Per field of texts, whether every value is kept (a key to group by), not only those named.
    whole: [bool; 5],
    /// Whether entries keep their dates whole (for running totals), not only which period ends
    /// their days lie between.
    dates: bool,
}

/// The day after the end of a report's period (or after its publication, where fills date their
/// entries when the period has no end).
fn report_bounds(r: &Report) -> impl Iterator<Item = NaiveDate> {
    let p = r.scope().period;
    let after = |d: NaiveDate| d.succ_opt();
    [p.start(), p.end().and_then(after), after(r.published())].into_iter().flatten()
}

fn texts_of(r: &Report) -> [Option<&str>; 5] {
    let s = r.scope();
    [s.item.as_deref(), s.from.as_deref(), s.to.as_deref(), s.via.as_deref(), s.region.as_deref()]
}

impl Projection {
    /// What `reports` can tell apart.
    pub(super) fn of(reports: &[Report]) -> Projection {
        let mut p = Projection::default();
        for r in reports {
            p.kinds |= 1 << r.kind().index();
            if let Some(c) = r.scope().category {
                p.categories |= 1 << c.index();
            }
            for ((codes, names), text) in p.codes.iter_mut().zip(p.names.iter_mut()).zip(texts_of(r)) {
                if let Some(t) = text {
                    if !codes.contains_key(t) {
                        names.push(Arc::new(t.to_string()));
                        codes.insert(t.into(), names.len() as u32);
                    }
                }
            }
            p.bounds.extend(report_bounds(r));
            p.exchanges |= r.value().dimension() == Dimension::Exchanges;
        }
        p.bounds.sort_unstable();
        p.bounds.dedup();
        p
    }

    /// Everything that sets entries apart for totals and verification: every kind, category and
    /// value, the dates whole, the exchange.
    pub(super) fn everything() -> Projection {
        Projection {
            kinds: Kind::ALL.iter().fold(0, |bits, k| bits | 1 << k.index()),
            categories: Category::ALL.iter().fold(0, |bits, c| bits | 1 << c.index()),
            exchanges: true,
            whole: [true; 5],
            dates: true,
            ..Projection::default()
        }
    }

    /// What groups by `keys` of the entries in `scope`, and their running totals, can tell apart:
    /// the scope's kind (or every kind), the values it names, every value of a key, the dates whole.
    pub(super) fn of_group(scope: &Scope, keys: &[Key]) -> Projection {
        let mut p = Projection { dates: true, exchanges: keys.contains(&Key::Exchange), ..Projection::default() };
        p.kinds = match scope.kind {
            Some(k) => 1 << k.index(),
            None => Kind::ALL.iter().fold(0, |bits, k| bits | 1 << k.index()),
        };
        p.categories = match (keys.contains(&Key::Category), scope.category) {
            (true, _) => Category::ALL.iter().fold(0, |bits, c| bits | 1 << c.index()),
            (false, Some(c)) => 1 << c.index(),
            (false, None) => 0,
        };
        let named = [&scope.item, &scope.from, &scope.to, &scope.via, &scope.region];
        let text_keys = [Key::Item, Key::From, Key::To, Key::Via, Key::Region];
        for (i, (key, value)) in text_keys.iter().zip(named).enumerate() {
            if keys.contains(key) {
                if let Some(w) = p.whole.get_mut(i) {
                    *w = true;
                }
            } else if let (Some(t), Some(codes), Some(names)) = (value, p.codes.get_mut(i), p.names.get_mut(i)) {
                names.push(Arc::new(t.to_string()));
                codes.insert(t.as_ref().into(), names.len() as u32);
            }
        }
        p
    }

    /// Whether every value, period end and count of exchanges that `reports` name is kept: a ledger
    /// reduced to this projection then verifies them as the whole ledger does.
    pub(super) fn covers(&self, reports: &[Report]) -> bool {
        reports.iter().all(|r| {
            self.kinds & (1 << r.kind().index()) != 0
                && r.scope().category.is_none_or(|c| self.categories & (1 << c.index()) != 0)
                && self
                    .codes
                    .iter()
                    .zip(self.whole)
                    .zip(texts_of(r))
                    .all(|((codes, whole), t)| whole || t.is_none_or(|t| codes.contains_key(t)))
                && (self.dates || report_bounds(r).all(|b| self.bounds.binary_search(&b).is_ok()))
                && (!self.exchanges_of(r) || self.exchanges)
        })
    }

    fn exchanges_of(&self, r: &Report) -> bool {
        r.value().dimension() == Dimension::Exchanges
    }

    fn keeps_kind(&self, kind: Kind) -> bool {
        self.kinds & (1 << kind.index()) != 0
    }

    fn category(&self, c: Option<Category>) -> Option<Category> {
        c.filter(|c| self.categories & (1 << c.index()) != 0)
    }

    fn date(&self, date: EntryDate) -> Dated {
        match date.as_day() {
            Some(day) if !self.dates => Dated::Between(self.bounds.partition_point(|b| *b <= day) as u32),
            _ => Dated::Span(date),
        }
    }
}

/// A projected date: for a day, which two period ends it lies between; a span (a month, a year, a
/// range: few in real data), or any date when dates are kept whole, as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dated {
    Between(u32),
    Span(EntryDate),
}

/// An entry as the reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Projected {
    kind: Kind,
    category: Option<Category>,
    /// The number of the value of item, from, to, via, region; 0 for a value no report names.
    texts: [u32; 5],
    /// The values of the fields kept whole (keys to group by).
    kept: [Option<Text>; 5],
    date: Dated,
    dim: Dimension,
    exchange: Option<Text>,
}

/// Hashed as four words (kind, category, dimension, which fields are kept whole and the period ends a
/// day lies between; the numbers of the texts), then what is rare: a span, texts kept whole, an
/// exchange: the one lookup each row makes hashes four words, where the derived hash wrote about twenty.
impl std::hash::Hash for Projected {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let (span, between) = match self.date {
            Dated::Between(b) => (0u64, b),
            Dated::Span(_) => (1, 0),
        };
        let kept = self.kept.iter().enumerate().fold(0u64, |m, (i, k)| m | (u64::from(k.is_some()) << i));
        let [a, b, c, d, e] = self.texts.map(u64::from);
        h.write_u64(
            self.kind.index() as u64
                | (self.category.map_or(0, |c| c.index() as u64 + 1) << 8)
                | ((self.dim.index() as u64) << 16)
                | (span << 24)
                | (kept << 25)
                | (u64::from(self.exchange.is_some()) << 31)
                | (u64::from(between) << 32),
        );
        h.write_u64(a | (b << 32));
        h.write_u64(c | (d << 32));
        h.write_u64(e);
        if let Dated::Span(date) = self.date {
            date.hash(h);
        }
        for k in self.kept.iter().flatten() {
            k.hash(h);
        }
        if let Some(x) = &self.exchange {
            x.hash(h);
        }
    }
}

/// The largest mantissa of a decimal.
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// The exact sum of the quantities of one projected shape: a running mantissa and scale, and the
/// sums already too large to take more (each a decimal), so that no sum is ever rounded.
#[derive(Debug, Clone)]
pub(super) struct Summed {
    full: Vec<Decimal>,
    mantissa: i128,
    scale: u32,
    /// The earliest day of the entries summed (for a span, its first day).
    first_day: NaiveDate,
    /// Where its first entry was read.
    first: u64,
}

impl Summed {
    fn new(canon: Decimal, day: NaiveDate, at: u64) -> Summed {
        Summed { full: Vec::new(), mantissa: canon.mantissa(), scale: canon.scale(), first_day: day, first: at }
    }

    #[inline]
    fn add(&mut self, d: Decimal) {
        let (m, s) = (d.mantissa(), d.scale());
        let sum = if s == self.scale {
            self.mantissa.checked_add(m).map(|v| (v, s))
        } else if s > self.scale {
            pow10(s - self.scale)
                .and_then(|f| self.mantissa.checked_mul(f))
                .and_then(|a| a.checked_add(m))
                .map(|v| (v, s))
        } else {
            pow10(self.scale - s)
                .and_then(|f| m.checked_mul(f))
                .and_then(|b| self.mantissa.checked_add(b))
                .map(|v| (v, self.scale))
        };
        match sum {
            Some((v, s)) if v.unsigned_abs() <= MAX_MANTISSA => (self.mantissa, self.scale) = (v, s),
            // The sum so far is a decimal (its mantissa was kept within one): set it aside whole.
            _ => {
                if let Ok(done) = Decimal::try_from_i128_with_scale(self.mantissa, self.scale) {
                    self.full.push(done);
                }
                (self.mantissa, self.scale) = (m, s);
            }
        }
    }

    fn merge(&mut self, other: Summed) {
        for d in other.full {
            self.add(d);
        }
        if let Ok(d) = Decimal::try_from_i128_with_scale(other.mantissa, other.scale) {
            self.add(d);
        }
        self.first_day = self.first_day.min(other.first_day);
        self.first = self.first.min(other.first);
    }

    fn sums(self) -> impl Iterator<Item = Decimal> {
        let last = Decimal::try_from_i128_with_scale(self.mantissa, self.scale).ok();
        self.full.into_iter().chain(last)
    }
}

/// Finds the number of a value reports name, first in a small table of recent ones (most cells of
/// a file repeat a few texts), then in the keyed map.
#[derive(Debug)]
pub(super) struct Recent(RecentTexts<u32>);

impl Default for Recent {
    fn default() -> Recent {
        // 2^8 slots: reports name few values.
        Recent(RecentTexts::new(8))
    }
}

impl Recent {
    #[inline]
    fn code(&mut self, codes: &TextMap<Box<str>, u32>, s: &str) -> u32 {
        if let Some(code) = self.0.get(s) {
            return code;
        }
        let code = codes.get(s).copied().unwrap_or(0);
        self.0.put(s, code);
        code
    }
}

/// One thread's sums of projected shapes.
#[derive(Debug, Default)]
pub(super) struct Shapes {
    map: FxHashMap<Projected, Summed>,
    recent: [Recent; 5],
    /// The values of fields kept whole, one copy each in this thread.
    interner: Interner,
}

impl Shapes {
    fn add(&mut self, shape: Projected, canon: Decimal, day: NaiveDate, at: u64) {
        match self.map.get_mut(&shape) {
            Some(s) => {
                s.add(canon);
                if day < s.first_day {
                    s.first_day = day;
                }
            }
            None => {
                self.map.insert(shape, Summed::new(canon, day, at));
            }
        }
    }

    /// Adds an entry read at `at`, its quantity `canon` in its dimension's canonical unit.
    pub(super) fn entry(&mut self, p: &Projection, e: &Entry, canon: Decimal, at: u64) {
        if !p.keeps_kind(e.kind()) {
            return;
        }
        let values = [e.item(), e.from(), e.to(), e.via(), e.region()];
        let mut texts = [0u32; 5];
        for (((t, v), codes), recent) in texts.iter_mut().zip(values).zip(&p.codes).zip(&mut self.recent) {
            if let (Some(v), false) = (v, codes.is_empty()) {
                *t = recent.code(codes, v);
            }
        }
        let exchange = if p.exchanges { e.extra.as_ref().and_then(|x| x.exchange.clone()) } else { None };
        let whole = [&e.item, &e.from, &e.to, &e.via, &e.region];
        let kept = std::array::from_fn(|i| whole[i].clone().filter(|_| p.whole[i]));
        let date = e.date();
        let shape = Projected {
            kind: e.kind(),
            category: p.category(e.category()),
            texts,
            kept,
            date: p.date(date),
            dim: e.quantity.dimension(),
            exchange,
        };
        self.add(shape, canon, date.first_day(), at);
    }

    /// Adds an entry that came as its checked cells (it has no exchange).
    pub(super) fn row(&mut self, p: &Projection, row: &Row<'_>, canon: Decimal, at: u64) {
        if !p.keeps_kind(row.kind) {
            return;
        }
        let mut texts = [0u32; 5];
        for (((t, cell), codes), recent) in texts.iter_mut().zip(TEXT_CELLS).zip(&p.codes).zip(&mut self.recent) {
            if let (Some(Some(v)), false) = (row.cells.get(cell), codes.is_empty()) {
                *t = recent.code(codes, v);
            }
        }
        let mut kept: [Option<Text>; 5] = Default::default();
        for ((k, cell), whole) in kept.iter_mut().zip(TEXT_CELLS).zip(p.whole) {
            if let (true, Some(Some(v))) = (whole, row.cells.get(cell)) {
                *k = Some(self.interner.get(v));
            }
        }
        let shape = Projected {
            kind: row.kind,
            category: p.category(row.category),
            texts,
            kept,
            date: p.date(row.date),
            dim: row.quantity.dimension(),
            exchange: None,
        };
        self.add(shape, canon, row.date.first_day(), at);
    }
}

/// The reduced ledger of the threads' sums: one entry per projected shape and sum, in the order
/// their first entries were read.
pub(super) fn reduced_ledger(p: &Projection, parts: Vec<Shapes>) -> Result<Ledger, Error> {
    let mut all: FxHashMap<Projected, Summed> = FxHashMap::default();
    for part in parts {
        for (shape, summed) in part.map {
            match all.get_mut(&shape) {
                Some(s) => s.merge(summed),
                None => {
                    all.insert(shape, summed);
                }
            }
        }
    }
    let mut shapes: Vec<(Projected, Summed)> = all.into_iter().collect();
    shapes.sort_by_key(|(_, s)| s.first);
    let mut entries = Vec::with_capacity(shapes.len());
    let marker: Text = Arc::new("reduced".to_string());
    for (shape, summed) in shapes {
        let date = match shape.date {
            Dated::Between(_) => EntryDate::from(summed.first_day),
            Dated::Span(d) => d,
        };
        let [item, from, to, via, region] = std::array::from_fn(|i| {
            shape.kept[i]
                .clone()
                .or_else(|| shape.texts[i].checked_sub(1).and_then(|c| p.names[i].get(c as usize)).cloned())
        });
        // Parties no report names are left out: the entry is exempt from its kind's party
        // requirements, as an unattributed one is (verification does not tell them apart).
        let (needs_from, needs_to) = shape.kind.requires();
        let fills = ((needs_from && from.is_none()) || (needs_to && to.is_none())).then(|| marker.clone());
        for value in summed.sums() {
            let b = EntryBuilder {
                kind: shape.kind,
                date,
                quantity: Quantity::new(value, shape.dim.canonical_unit())?,
                id: Some(Id::new(&format!("#{}", entries.len() + 1))),
                category: shape.category,
                mines: None,
                item: item.clone(),
                from: from.clone(),
                to: to.clone(),
                via: via.clone(),
                region: region.clone(),
                source: None,
                note: None,
                fills: fills.clone(),
                exchange: shape.exchange.clone(),
            };
            entries.push(b.build()?);
        }
    }
    Ledger::from_entries(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_that_outgrow_a_decimal_are_set_aside_whole() {
        let big: Decimal = "79228162514264337593543950".parse().unwrap();
        let tiny: Decimal = "0.001".parse().unwrap();
        let mut s = Summed::new(big, NaiveDate::MIN, 0);
        s.add(tiny);
        s.add(big);
        let sums: Vec<Decimal> = s.sums().collect();
        assert!(sums.len() > 1, "no decimal holds the whole sum: {sums:?}");
        // The exact total in thousandths: 2 × big + 1, and no sum rounded on the way.
        let thousandths: i128 = sums.iter().map(|d| d.mantissa() * 10i128.pow(3 - d.scale())).sum();
        assert_eq!(thousandths, 2 * 79_228_162_514_264_337_593_543_950_000 + 1);
    }
}
