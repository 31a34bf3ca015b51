//! The index of prefix sums that makes each report cost a hash lookup and two binary searches.

use chrono::NaiveDate;

use crate::hash::FxHashMap;
use crate::ledger::{Ledger, Row};
use crate::period::{Coverage, Period};
use crate::quantity::{ExactSum, pow10};
use crate::query::Scope;

use super::*;

/// Which scope fields a report names: bits for kind, category, item, from, to, via, region.
pub(super) type Shape = u8;
/// The values of a shape's fields, then the dimension.
pub(super) type BucketKey = [u64; 4];

/// Per scope shape, the ledger's rows bucketed by key, for the reports being verified.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    pub(super) shapes: Vec<ShapeIndex>,
    /// Per report: its shape slot and bucket key, or `None` when its scope names a value no entry has.
    pub(super) keys: Vec<Option<(usize, BucketKey)>>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ShapeIndex {
    pub(super) buckets: Vec<Bucket>,
    pub(super) by_key: FxHashMap<BucketKey, usize>,
}

/// Date-ordered rows of one key, with their dates and exact prefix sums at the bucket's largest scale.
#[derive(Debug, Clone, Default)]
pub(super) struct Bucket {
    /// Rows known to the day, which the prefix sums cover.
    pub(super) rows: Vec<u32>,
    /// Rows dated to a span (a month, a year, a range), few in real data: checked one by one.
    pub(super) spans: Vec<u32>,
    pub(super) dates: Vec<NaiveDate>,
    /// `prefix[i]`: the sum of the first `i` rows, times `10^scale`.
    pub(super) prefix: Sums,
    pub(super) scale: u32,
    pub(super) overflow: bool,
}

/// Prefix sums in 64 bits while they fit (half the memory), in 128 once they do not.
#[derive(Debug, Clone)]
pub(super) enum Sums {
    Narrow(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for Sums {
    fn default() -> Sums {
        Sums::Narrow(vec![0])
    }
}

impl Sums {
    pub(super) fn last(&self) -> i128 {
        match self {
            Sums::Narrow(v) => v.last().copied().map_or(0, i128::from),
            Sums::Wide(v) => v.last().copied().unwrap_or(0),
        }
    }

    pub(super) fn get(&self, i: usize) -> Option<i128> {
        match self {
            Sums::Narrow(v) => v.get(i).copied().map(i128::from),
            Sums::Wide(v) => v.get(i).copied(),
        }
    }

    pub(super) fn widen(&mut self) {
        if let Sums::Narrow(v) = self {
            *self = Sums::Wide(v.iter().map(|&x| i128::from(x)).collect());
        }
    }

    pub(super) fn push(&mut self, value: i128) {
        if let (Sums::Narrow(v), Ok(x)) = (&mut *self, i64::try_from(value)) {
            v.push(x);
            return;
        }
        self.widen();
        if let Sums::Wide(v) = self {
            v.push(value);
        }
    }

    /// Multiplies every sum by `f`; false when one no longer fits 128 bits (the sums are then
    /// meaningless, and the bucket sums its rows one by one instead).
    pub(super) fn scale(&mut self, f: i128) -> bool {
        if let (Sums::Narrow(v), Ok(f)) = (&mut *self, i64::try_from(f)) {
            // Rescaling happens at most 28 times per bucket: a new vector is cheap, and nothing is
            // half-scaled when one sum does not fit.
            if let Some(scaled) = v.iter().map(|x| x.checked_mul(f)).collect::<Option<Vec<i64>>>() {
                *v = scaled;
                return true;
            }
        }
        self.widen();
        match self {
            Sums::Wide(v) => match v.iter().map(|x| x.checked_mul(f)).collect::<Option<Vec<i128>>>() {
                Some(scaled) => {
                    *v = scaled;
                    true
                }
                None => false,
            },
            Sums::Narrow(_) => false,
        }
    }
}

pub(super) fn shape_of(s: &Scope) -> Shape {
    let named = [
        s.kind.is_some(),
        s.category.is_some(),
        s.item.is_some(),
        s.from.is_some(),
        s.to.is_some(),
        s.via.is_some(),
        s.region.is_some(),
    ];
    named.iter().enumerate().fold(0, |acc, (i, &n)| acc | (u8::from(n) << i))
}

/// The key of a shape from the seven scope values and a dimension.
/// Built in whole words, so that hashing reads what was just written at its own width.
#[inline]
pub(super) fn key(shape: Shape, values: [u32; 7], dim: u8) -> BucketKey {
    let v = |i: usize| if shape & (1 << i) != 0 { u64::from(values[i]) } else { 0 };
    [v(0) | v(1) << 32, v(2) | v(3) << 32, v(4) | v(5) << 32, v(6) | u64::from(dim) << 32]
}

pub(super) fn row_values(r: &Row) -> [u32; 7] {
    let [a, b, c, d, e] = r.text;
    [u32::from(r.kind), u32::from(r.category), a, b, c, d, e]
}

impl Index {
    pub(super) fn build(ledger: &Ledger, reports: &[Report]) -> Index {
        let mut index = Index::default();
        let mut slots: FxHashMap<Shape, usize> = FxHashMap::default();
        let mut shapes: Vec<Shape> = Vec::new();
        for r in reports {
            let shape = shape_of(&r.scope);
            let slot = *slots.entry(shape).or_insert_with(|| {
                shapes.push(shape);
                shapes.len() - 1
            });
            let dim = r.value.dimension().index() as u8;
            index.keys.push(r.scope.compile(ledger).map(|c| (slot, key(shape, c.values(), dim))));
        }
        let rows = ledger.rows();
        // Shapes are independent: large ledgers index them on every core.
        let threads = crate::threads::available();
        if rows.len() >= 100_000 && shapes.len() > 1 && threads > 1 {
            let per_thread = shapes.len().div_ceil(threads);
            index.shapes = crate::threads::map_each(shapes.chunks(per_thread), |part| {
                part.iter().map(|&shape| ShapeIndex::build(shape, ledger)).collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .collect();
        } else {
            index.shapes = shapes.iter().map(|&shape| ShapeIndex::build(shape, ledger)).collect();
        }
        index
    }

    /// Adds the ledger's part of report `i`'s figure (canonical unit) to `sum`; returns where its rows are.
    pub(super) fn lookup(
        &self,
        i: usize,
        period: &Period,
        ledger: &Ledger,
        sum: &mut ExactSum,
        maybe: &mut ExactSum,
        spans: &mut Vec<u32>,
    ) -> Option<(usize, usize, usize, usize)> {
        let (slot, key) = self.keys.get(i)?.as_ref()?;
        let shape = self.shapes.get(*slot)?;
        let b_idx = *shape.by_key.get(key)?;
        let b = shape.buckets.get(b_idx)?;
        let lo = period.start().map_or(0, |s| b.dates.partition_point(|d| *d < s));
        let hi = period.end().map_or(b.dates.len(), |e| b.dates.partition_point(|d| *d <= e)).max(lo);
        b.add_range(lo, hi, ledger, sum);
        for &ri in &b.spans {
            let Some(r) = ledger.rows().get(ri as usize) else { continue };
            match period.coverage(r.date(), r.last()) {
                Coverage::Sure => sum.add(ledger.canon(r)),
                Coverage::Possible => maybe.add(ledger.canon(r)),
                Coverage::None => continue,
            }
            spans.push(ri);
        }
        Some((*slot, b_idx, lo, hi))
    }
}

impl ShapeIndex {
    /// Buckets the rows by the fields of `shape`: first the bucket of each row, then each bucket
    /// filled at its final size, in date order, with its running sums.
    pub(super) fn build(shape: Shape, ledger: &Ledger) -> ShapeIndex {
        let rows = ledger.rows();
        let mut si = ShapeIndex::default();
        let mut of_row: Vec<u32> = Vec::with_capacity(rows.len());
        let mut sizes: Vec<usize> = Vec::new();
        for r in rows {
            let k = key(shape, row_values(r), r.dim());
            let b = *si.by_key.entry(k).or_insert_with(|| {
                sizes.push(0);
                sizes.len() - 1
            });
            sizes[b] += 1;
            of_row.push(b as u32);
        }
        si.buckets = sizes.iter().map(|&n| Bucket::with_capacity(n)).collect();
        for (i, (r, &b)) in rows.iter().zip(&of_row).enumerate() {
            if let Some(bucket) = si.buckets.get_mut(b as usize) {
                bucket.push(i as u32, r, ledger);
            }
        }
        si
    }
}

impl Bucket {
    pub(super) fn with_capacity(n: usize) -> Bucket {
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0);
        Bucket {
            rows: Vec::with_capacity(n),
            spans: Vec::new(),
            dates: Vec::with_capacity(n),
            prefix: Sums::Narrow(prefix),
            scale: 0,
            overflow: false,
        }
    }

    /// Appends a row (rows come in date order), keeping the prefix sums exact: a value with more
    /// decimal places than seen so far rescales the sums before it. Once the sums no longer fit
    /// 128 bits (`6975788521879238501 t` and `0.0000000000000000000001 t` at 22 places), the bucket
    /// stops keeping them and [`Bucket::add_range`] adds its rows one by one.
    #[inline]
    pub(super) fn push(&mut self, index: u32, r: &Row, ledger: &Ledger) {
        if !r.is_day() {
            self.spans.push(index);
            return;
        }
        self.rows.push(index);
        self.dates.push(r.date());
        if self.overflow {
            return;
        }
        let canon = ledger.canon(r);
        let (m, s) = (canon.mantissa(), canon.scale());
        if s > self.scale {
            if !pow10(s - self.scale).is_some_and(|f| self.prefix.scale(f)) {
                self.overflow = true;
                return;
            }
            self.scale = s;
        }
        let last = self.prefix.last();
        match pow10(self.scale - s).and_then(|f| m.checked_mul(f)).and_then(|m| last.checked_add(m)) {
            Some(v) => self.prefix.push(v),
            None => self.overflow = true,
        }
    }

    /// Adds rows `lo..hi` to `sum`: the difference of two prefix sums, or each row's exact figure when
    /// the prefix sums overflowed (a range of them may still fit a decimal though the whole bucket does not).
    pub(super) fn add_range(&self, lo: usize, hi: usize, ledger: &Ledger, sum: &mut ExactSum) {
        let rows = ledger.rows();
        if !self.overflow {
            if let Some(d) = self.prefix.get(hi).zip(self.prefix.get(lo)).and_then(|(h, l)| h.checked_sub(l)) {
                sum.add_scaled(d, self.scale);
                return;
            }
        }
        for &i in self.rows.get(lo..hi).unwrap_or(&[]) {
            match rows.get(i as usize) {
                Some(r) => sum.add(ledger.canon(r)),
                None => sum.poison(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_sums_widen_when_they_outgrow_64_bits() {
        let mut sums = Sums::Narrow(vec![0]);
        sums.push(i128::from(i64::MAX));
        assert!(matches!(sums, Sums::Narrow(_)));
        sums.push(i128::from(i64::MAX) + 1);
        assert!(matches!(sums, Sums::Wide(_)));
        assert_eq!(sums.get(2), Some(i128::from(i64::MAX) + 1));
        let mut small = Sums::Narrow(vec![0, 5, i64::MAX / 2]);
        assert!(small.scale(10), "widens, and fits in 128 bits");
        assert_eq!(small.get(2), Some(i128::from(i64::MAX / 2) * 10));
        assert!(matches!(small, Sums::Wide(_)));
        let mut narrow = Sums::Narrow(vec![0, 7]);
        assert!(narrow.scale(1000));
        assert_eq!((narrow.get(1), matches!(narrow, Sums::Narrow(_))), (Some(7000), true));
    }

    #[test]
    fn rescaling_prefix_sums_is_checked() {
        // 10^22 does not fit 64 bits: the sums widen rather than multiply by a truncated factor.
        let mut small = Sums::Narrow(vec![0, 7]);
        assert!(small.scale(10i128.pow(22)));
        assert_eq!(small.get(1), Some(7 * 10i128.pow(22)));
        // 6975788521879238501 * 10^22 does not fit 128 bits: reported, never wrapped.
        let mut big = Sums::Narrow(vec![0, 6_975_788_521_879_238_501]);
        assert!(!big.scale(10i128.pow(22)));
        let mut wide = Sums::Wide(vec![0, i128::MAX / 2]);
        assert!(!wide.scale(3));
        assert_eq!(wide.get(1), Some(i128::MAX / 2), "nothing is half-scaled");
    }
}
