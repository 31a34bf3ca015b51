//! Adopting batches of rows: what a batch's symbols, id prefixes and side tables become in the
//! ledger, its rows renumbered on a thread of their own, and a large load placed in date order by
//! two threads (one the rows, the other the ids' hashes).

use crate::hash::{IdKeys, sorted_by_hash};

use super::ids::{NUMBER_BITS, NUMBER_MASK, NUMERIC, prefix_number};
use super::rows::BIG;
use super::{BatchProblem, Ledger, Row, RowBatch};

impl Ledger {
    /// What a batch's symbols, id prefixes and side tables become in the ledger, its rows to start at
    /// insertion position `offset`: the side tables are moved in here, the rows are left to
    /// [`Adoption::rows`]. Quantities whose canonical form overflows go to `problems`.
    pub(super) fn adopt(
        &mut self,
        batch: &mut RowBatch,
        offset: u32,
        base: usize,
        problems: &mut Vec<BatchProblem>,
    ) -> Adoption {
        let syms: Vec<u32> =
            std::iter::once(0).chain(batch.symbols.names.iter().map(|t| self.symbols.intern(t))).collect();
        let prefixes: Vec<Option<u32>> = batch.ids.prefixes.iter().map(|p| self.id_store.prefix(p)).collect();
        if prefixes.iter().any(Option::is_none) {
            // The ledger has no room for more prefixes: those ids are kept as text.
            batch.spill_ids(|p| prefixes.get(p).copied().flatten().is_none());
        }
        let big_base = self.big.len() as u32;
        self.big.append(&mut batch.big);
        let arena_base = self.id_store.arena.len() as u64;
        self.id_store.arena.extend_from_slice(&batch.ids.arena);
        for (local, mut s) in batch.sparse.drain(..) {
            s.exchange = syms.get(s.exchange as usize).copied().unwrap_or(0);
            self.sparse.insert(offset + local, s);
        }
        for (local, problem) in batch.overflows.drain(..) {
            problems.push(BatchProblem { index: (offset + local) as usize - base, first: None, problem });
        }
        Adoption {
            syms,
            prefixes: prefixes.into_iter().map(|p| p.unwrap_or(0)).collect(),
            big_base,
            arena_base,
            offset,
        }
    }
}

/// What the symbols, id prefixes and side-table indices of one batch's rows become in a ledger,
/// and the insertion position of its first row.
pub(super) struct Adoption {
    /// The ledger's symbol of each of the batch's (index = the batch's symbol).
    syms: Vec<u32>,
    /// The ledger's number of each of the batch's id prefixes (every prefix in use has one).
    prefixes: Vec<u32>,
    big_base: u32,
    /// Where the batch's arena of ids begins in the ledger's.
    arena_base: u64,
    offset: u32,
}

/// A batch's rows as the ledger's, with the hashes of their ids and what the placement needs.
pub(super) struct Adopted {
    pub(super) rows: Vec<Row>,
    pub(super) hashes: Vec<u64>,
    /// The smallest and largest first day, and whether the rows are in order of it.
    pub(super) lo: i32,
    pub(super) hi: i32,
    pub(super) sorted: bool,
    /// The most days between an entry's first and last day.
    pub(super) widest: u32,
}

impl Adoption {
    /// The rows of `batch` renumbered to the ledger's symbols, side tables, ids and positions,
    /// with the hashes (under `keys`) of their ids.
    pub(super) fn rows(&self, batch: RowBatch, keys: &IdKeys) -> Adopted {
        let RowBatch { mut rows, ids, .. } = batch;
        let sym = |s: u32| self.syms.get(s as usize).copied().unwrap_or(0);
        let prefixes = ids.prefix_hashes(keys);
        let mut hashes = Vec::with_capacity(rows.len());
        let first = rows.first().map_or(0, |r| r.first);
        let (mut lo, mut hi, mut sorted, mut prev, mut widest) = (first, first, true, first, 0u32);
        for r in &mut rows {
            let c = r.id_code();
            hashes.push(ids.hash(c, keys, &prefixes));
            r.pos += self.offset;
            r.text = r.text.map(sym);
            r.source = sym(r.source);
            if r.bits & BIG != 0 {
                r.mantissa = (r.mantissa as u32).wrapping_add(self.big_base) as i32;
            }
            let code = if c & NUMERIC != 0 {
                let prefix = self.prefixes.get(prefix_number(c)).copied().unwrap_or(0);
                NUMERIC | u64::from(prefix) << NUMBER_BITS | (c & NUMBER_MASK)
            } else {
                c + self.arena_base
            };
            r.id = [code as u32, (code >> 32) as u32];
            (lo, hi, sorted, prev) = (lo.min(r.first), hi.max(r.first), sorted && prev <= r.first, r.first);
            widest = widest.max(u32::try_from(i64::from(r.last) - i64::from(r.first)).unwrap_or(u32::MAX));
        }
        Adopted { rows, hashes, lo, hi, sorted, widest }
    }
}

/// The rows of `adopted` (`total` of them) in order of their first day (days from `lo`, `span` of
/// them) and, within a day, in insertion order; with each id's hash and the row's index, sorted
/// by hash. Two tasks share the work, each on a thread of its own: one places the rows
/// into an array as long as all of them, the other finds the same places for the hashes and sorts
/// them. (Splitting the rows by ranges of days instead gave each thread an array of its own, and
/// copying them into one took as long as the placing.)
pub(super) fn place_by_day(adopted: &[Adopted], lo: i32, span: usize, total: usize) -> (Vec<Row>, Vec<(u64, u32)>) {
    let day = |first: i32| ((i64::from(first) - i64::from(lo)) as usize).min(span - 1);
    // Where each day's rows begin.
    let mut starts = vec![0usize; span + 1];
    for r in adopted.iter().flat_map(|a| &a.rows) {
        starts[day(r.first) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    // The place of each row in turn, as each task walks the rows in the same order.
    let places = || {
        let mut next = starts.clone();
        adopted.iter().flat_map(|a| &a.rows).map(move |r| {
            let slot = next.get_mut(day(r.first)).map_or(usize::MAX, |s| {
                *s += 1;
                *s - 1
            });
            (r, slot)
        })
    };
    std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            let hashes = adopted.iter().flat_map(|a| &a.hashes).copied();
            let pairs = places().zip(hashes.clone()).map(|((_, slot), h)| (h, slot as u32));
            sorted_by_hash(total, hashes, pairs, |&(h, _)| h)
        });
        let mut rows = vec![Row::default(); total];
        for (r, slot) in places() {
            if let Some(place) = rows.get_mut(slot) {
                *place = *r;
            }
        }
        let pairs = match hashes.join() {
            Ok(pairs) => pairs,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (rows, pairs)
    })
}
