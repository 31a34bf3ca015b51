//! Entry ids: coded in 8 bytes, found by a keyed hash, and an index of them that outlives a load.

use std::sync::OnceLock;

use crate::hash::{FxHashMap, IdKeys, TextMap, numbered, sort_by_hash};

use super::rows::Row;
use super::{Ledger, PARALLEL_BATCH, map_bytes};

/// Entry ids, 8 bytes each: an id that is a prefix and a number (`e123456`, `entries.csv:12`) as
/// the prefix's number and the number; any other id as its offset in an arena of bytes.
#[derive(Debug, Default, Clone)]
pub(super) struct IdStore {
    pub(super) prefixes: Vec<Box<str>>,
    /// Prefixes come from files: a keyed map.
    prefix_of: TextMap<Box<str>, u32>,
    /// The last prefix coded, which most ids of a file share.
    pub(super) last: Option<(Box<str>, u32)>,
    /// Each id: its length (LEB128), then its bytes.
    pub(super) arena: Vec<u8>,
}

/// The mark of an id coded as a prefix and a number.
pub(super) const NUMERIC: u64 = 1 << 63;
/// The bits of the number; the prefix's number takes the 23 above.
pub(super) const NUMBER_BITS: u32 = crate::hash::ID_NUMBER_BITS;
/// The number's bits of a code.
pub(super) const NUMBER_MASK: u64 = (1 << NUMBER_BITS) - 1;

/// The prefix's number in the code of an id coded as a prefix and a number.
#[inline]
pub(super) fn prefix_number(code: u64) -> usize {
    ((code & !NUMERIC) >> NUMBER_BITS) as usize
}
/// (Few in unit tests, so that they can fill the table.)
const MAX_PREFIXES: usize = if cfg!(test) { 64 } else { 1 << 23 };

impl IdStore {
    pub(super) fn encode(&mut self, id: &str) -> u64 {
        if let Some((prefix, n)) = numbered(id.as_bytes()) {
            // The prefix is the id's text before its last digits: text still.
            if let Some(sym) = id.get(..prefix.len()).and_then(|p| self.prefix(p)) {
                return NUMERIC | u64::from(sym) << NUMBER_BITS | n;
            }
        }
        self.encode_text(id)
    }

    /// Codes `id` as its text, in the arena.
    pub(super) fn encode_text(&mut self, id: &str) -> u64 {
        let offset = self.arena.len() as u64;
        let mut len = id.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                self.arena.push(byte);
                break;
            }
            self.arena.push(byte | 0x80);
        }
        self.arena.extend_from_slice(id.as_bytes());
        offset
    }

    pub(super) fn prefix(&mut self, prefix: &str) -> Option<u32> {
        if let Some((p, sym)) = &self.last {
            if **p == *prefix {
                return Some(*sym);
            }
        }
        let sym = match self.prefix_of.get(prefix) {
            Some(&sym) => sym,
            None if self.prefixes.len() < MAX_PREFIXES => {
                let sym = self.prefixes.len() as u32;
                self.prefixes.push(prefix.into());
                self.prefix_of.insert(prefix.into(), sym);
                sym
            }
            None => return None,
        };
        self.last = Some((prefix.into(), sym));
        Some(sym)
    }

    /// The prefix and the number's digits, or the bytes, of the id of `code`: `digits` holds the
    /// digits written.
    fn parts<'a>(&'a self, code: u64, digits: &'a mut [u8; 20]) -> (&'a str, &'a [u8]) {
        if code & NUMERIC != 0 {
            let sym = prefix_number(code);
            let prefix = self.prefixes.get(sym).map_or("", |p| p);
            // By hand: the ids of a million entries are decoded to be hashed, and `write!` would
            // take a tenth of a load.
            let (mut at, mut n) = (20usize, code & NUMBER_MASK);
            while let Some(d) = at.checked_sub(1).and_then(|i| digits.get_mut(i)) {
                *d = b'0' + (n % 10) as u8;
                at -= 1;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            return (prefix, digits.get(at..).unwrap_or(&[]));
        }
        let mut at = usize::try_from(code).unwrap_or(usize::MAX);
        let (mut len, mut shift) = (0usize, 0u32);
        while let Some(&b) = self.arena.get(at) {
            at += 1;
            len |= usize::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        ("", self.arena.get(at..at.saturating_add(len)).unwrap_or(&[]))
    }

    /// Writes the id of `code` to `out`.
    pub(super) fn decode_into(&self, code: u64, out: &mut String) {
        let mut digits = [b'0'; 20];
        let (prefix, rest) = self.parts(code, &mut digits);
        out.push_str(prefix);
        // Digits, or bytes copied whole from a `&str`.
        out.push_str(std::str::from_utf8(rest).unwrap_or(""));
    }

    /// The hash under `keys` of the id of `code`, as `keys.hash(&self.decode(code))`, without
    /// writing the id out: a prefix and a number by the prefix's hash (from `prefix_hashes`, by the
    /// prefix's number, when it holds it), an id in the arena where it lies.
    pub(super) fn hash(&self, code: u64, keys: &IdKeys, prefix_hashes: &[u64]) -> u64 {
        if code & NUMERIC != 0 {
            let sym = prefix_number(code);
            let prefix = match prefix_hashes.get(sym) {
                Some(&h) => h,
                None => keys.hash_bytes(self.prefixes.get(sym).map_or(&[], |p| p.as_bytes())),
            };
            return IdKeys::numbered(prefix, code & NUMBER_MASK);
        }
        let mut digits = [b'0'; 20];
        keys.hash_id(self.parts(code, &mut digits).1)
    }

    /// The hashes under `keys` of the prefixes, by number: for [`IdStore::hash`].
    pub(super) fn prefix_hashes(&self, keys: &IdKeys) -> Vec<u64> {
        self.prefixes.iter().map(|p| keys.hash_bytes(p.as_bytes())).collect()
    }

    /// True when `code` is the code of `id` (nothing is allocated).
    pub(super) fn is(&self, code: u64, id: &str) -> bool {
        let mut digits = [b'0'; 20];
        let (prefix, rest) = self.parts(code, &mut digits);
        id.strip_prefix(prefix).is_some_and(|r| r.as_bytes() == rest)
    }

    pub(super) fn decode(&self, code: u64) -> String {
        let mut s = String::new();
        self.decode_into(code, &mut s);
        s
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.prefixes.capacity() * std::mem::size_of::<Box<str>>()
            + 2 * self.prefixes.iter().map(|p| p.len()).sum::<usize>()
            + map_bytes(&self.prefix_of)
            + self.arena.capacity()
    }
}

/// Entry positions by id, found by a 64-bit hash of the id; neither the ids nor their hashes are
/// stored twice: the sorted array holds row indices only, and a hash is made again from the row's
/// id where it is needed.
///
/// A large batch is checked by sorting its hashes and walking the array's hashes (made once for
/// the walk) in order, instead of probing a table at random. Small batches go to a map that is
/// merged into the sorted array once it grows. The rare ids whose hash another id already has go
/// to `collisions`, keyed by the id itself.
///
/// Ids come from files, so the hash is keyed (`IdKeys`, with random seeds for each ledger):
/// with an unkeyed hash, ids crafted to share one hash all land in `collisions` and each is checked
/// against all the others.
#[derive(Debug, Default, Clone)]
pub(super) struct Ids {
    /// The keys of the id hash; a clone keeps them, so its hashes stay valid.
    pub(super) keys: IdKeys,
    /// Row indices, sorted by the hash of their id; one per hash.
    pub(super) sorted: Vec<u32>,
    /// Hashes added since `sorted` was last merged.
    /// Keyed by our own (keyed) hashes.
    pub(super) recent: FxHashMap<u64, u32>,
    pub(super) collisions: TextMap<Box<str>, u32>,
}

/// The id of a row (`id_of`) and the hash of that id (`hash_at`), by row index.
pub(super) trait IdOf {
    fn id_of(&self, p: u32) -> Option<String>;
    fn hash_at(&self, p: u32) -> u64;
}

impl Ids {
    /// The 64-bit hash of an id, under this ledger's keys.
    #[inline]
    pub(super) fn hash(&self, id: &str) -> u64 {
        self.keys.hash(id)
    }

    fn by_hash(&self, h: u64, at: &impl IdOf) -> Option<u32> {
        if let Some(&p) = self.recent.get(&h) {
            return Some(p);
        }
        let i = self.sorted.partition_point(|&p| at.hash_at(p) < h);
        self.sorted.get(i).copied().filter(|&p| at.hash_at(p) == h)
    }

    pub(super) fn get(&self, at: &impl IdOf, id: &str) -> Option<u32> {
        match self.by_hash(self.hash(id), at) {
            Some(p) if at.id_of(p).as_deref() == Some(id) => Some(p),
            _ => self.collisions.get(id).copied(),
        }
    }

    /// The sorted array with the hash of each entry, made once.
    fn with_hashes(&self, at: &impl IdOf) -> Vec<(u64, u32)> {
        self.sorted.iter().map(|&p| (at.hash_at(p), p)).collect()
    }

    /// As [`Ids::add_sorted`], the batch in any order.
    #[cfg(test)]
    pub(super) fn add(&mut self, at: &impl IdOf, mut batch: Vec<(u64, u32)>) -> Result<(), Vec<(u32, u32)>> {
        sort_by_hash(&mut batch, |&(h, _)| h);
        self.add_sorted(at, batch)
    }

    /// Adds the ids of a batch, given as (hash, position) sorted by hash (by the thread that
    /// placed the rows, on a large load); or, changing nothing, gives every position whose id is
    /// taken with the position that has it (the earliest).
    pub(super) fn add_sorted(&mut self, at: &impl IdOf, batch: Vec<(u64, u32)>) -> Result<(), Vec<(u32, u32)>> {
        // A large batch looks its hashes up in the sorted array with its hashes made once; a small
        // one searches it, making the hashes it meets.
        let mut old: Option<Vec<(u64, u32)>> =
            (batch.len() >= 64 && !self.sorted.is_empty()).then(|| self.with_hashes(at));
        let mut taken = Vec::new();
        let mut collided: Vec<(String, u32)> = Vec::new();
        // Positions that are not new hashes (taken ids, collisions); usually none.
        let mut not_unique: Vec<u32> = Vec::new();
        {
            let lookup = |h: u64| match &old {
                Some(old) => self.recent.get(&h).copied().or_else(|| {
                    old.binary_search_by_key(&h, |&(k, _)| k).ok().and_then(|i| old.get(i)).map(|&(_, p)| p)
                }),
                None => self.by_hash(h, at),
            };
            for group in batch.chunk_by(|a, b| a.0 == b.0) {
                let h = group[0].0;
                let existing = lookup(h);
                if group.len() == 1 && existing.is_none() {
                    // A hash no other id has: the id is new, and need not be read. (An id in
                    // `collisions` always shares its hash with the id that holds the hash.)
                    continue;
                }
                // The ids of this hash seen so far in the batch.
                let mut seen: Vec<(String, u32)> = Vec::new();
                let holder_id = existing.and_then(|p| at.id_of(p));
                for &(_, pos) in group {
                    let id = at.id_of(pos).unwrap_or_default();
                    let holder = existing
                        .filter(|_| holder_id.as_deref() == Some(id.as_str()))
                        .or_else(|| self.collisions.get(id.as_str()).copied())
                        .or_else(|| seen.iter().find(|(s, _)| *s == id).map(|&(_, p)| p));
                    match holder {
                        Some(first) => {
                            taken.push((pos, first));
                            not_unique.push(pos);
                        }
                        None if existing.is_none() && seen.is_empty() => seen.push((id, pos)),
                        None => {
                            collided.push((id.clone(), pos));
                            not_unique.push(pos);
                            seen.push((id, pos));
                        }
                    }
                }
            }
        }
        if !taken.is_empty() {
            taken.sort_unstable();
            return Err(taken);
        }
        for (id, pos) in collided {
            self.collisions.insert(id.into(), pos);
        }
        let mut unique = batch;
        if !not_unique.is_empty() {
            not_unique.sort_unstable();
            unique.retain(|(_, p)| not_unique.binary_search(p).is_err());
        }
        if unique.len() < 1024 && unique.len() < self.sorted.len() / 8 {
            self.recent.extend(unique);
            if self.recent.len() > (self.sorted.len() / 8).max(4096) {
                let mut recent: Vec<(u64, u32)> = self.recent.drain().collect();
                recent.sort_unstable();
                let old = old.take().unwrap_or_else(|| self.with_hashes(at));
                self.sorted = merge(old, recent);
            }
        } else {
            let old = old.take().unwrap_or_else(|| self.with_hashes(at));
            self.sorted = merge(old, unique);
        }
        Ok(())
    }

    /// Forgets every id at row `len` or later.
    pub(super) fn truncate(&mut self, len: u32) {
        self.sorted.retain(|&p| p < len);
        self.recent.retain(|_, p| *p < len);
        self.collisions.retain(|_, p| *p < len);
    }

    /// Moves every row index `p` to `dest[p]`; the order by hash stays.
    pub(super) fn remap(&mut self, dest: &[u32]) {
        let to = |p: &mut u32| *p = dest.get(*p as usize).copied().unwrap_or(*p);
        self.sorted.iter_mut().for_each(to);
        self.recent.values_mut().for_each(to);
        self.collisions.values_mut().for_each(to);
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.sorted.capacity() * 4
            + map_bytes(&self.recent)
            + map_bytes(&self.collisions)
            + self.collisions.keys().map(|k| k.len()).sum::<usize>()
    }
}

/// Merges two arrays sorted by hash into one of their positions.
fn merge(old: Vec<(u64, u32)>, add: Vec<(u64, u32)>) -> Vec<u32> {
    let mut merged = Vec::with_capacity(old.len() + add.len());
    let (mut a, mut b) = (old.into_iter().peekable(), add.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some((_, p)) => merged.push(p),
            None => break,
        }
    }
    merged
}

/// The ids and hashes of a ledger's rows.
pub(super) struct RowIds<'a> {
    pub(super) rows: &'a [Row],
    pub(super) store: &'a IdStore,
    pub(super) keys: &'a IdKeys,
}

impl IdOf for RowIds<'_> {
    fn id_of(&self, p: u32) -> Option<String> {
        self.rows.get(p as usize).map(|r| self.store.decode(r.id_code()))
    }

    fn hash_at(&self, p: u32) -> u64 {
        match self.rows.get(p as usize) {
            Some(r) => self.store.hash(r.id_code(), self.keys, &[]),
            None => self.keys.hash(""),
        }
    }
}

/// The insertion positions of a ledger's entries by id, copied out of the ledger (each entry's
/// coded id by insertion position: 8 bytes an entry, no text per entry), for lookups that sit beside
/// it, such as [`Places`](crate::Places). The hashes are made at the first lookup, not before: most
/// users of places locate records by position and never ask for an id. A lookup hashes the id once,
/// finds the bucket of its hash's top 16 bits and searches the few hashes there (a map by hash takes
/// longer to build than a sort, and a search of the whole array misses the cache at every step).
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    pub(super) keys: IdKeys,
    pub(super) store: IdStore,
    /// By insertion position: the code of the entry's id.
    pub(super) codes: Vec<u64>,
    /// The hashes, made at the first lookup.
    pub(super) hashes: OnceLock<ByHash>,
}

/// (hash of the id, insertion position) of every entry, sorted; and where each value of the top 16
/// bits of the hashes starts in `sorted`, and where the last ends.
#[derive(Debug, Clone)]
pub(super) struct ByHash {
    pub(super) sorted: Vec<(u64, u32)>,
    pub(super) starts: Vec<u32>,
}

/// The bucket of a hash in an [`IdIndex`].
pub(super) fn bucket(h: u64) -> usize {
    (h >> 48) as usize
}

impl IdIndex {
    /// The index of `ledger`'s ids: their codes copied, nothing hashed yet.
    pub(super) fn of(ledger: &Ledger) -> IdIndex {
        let mut codes = vec![0u64; ledger.rows.len()];
        for r in &ledger.rows {
            if let Some(c) = codes.get_mut(r.pos as usize) {
                *c = r.id_code();
            }
        }
        IdIndex { keys: ledger.ids.keys.clone(), store: ledger.id_store.clone(), codes, hashes: OnceLock::new() }
    }

    /// The hashes of every id, on every core when there are many.
    fn hash_all(&self) -> ByHash {
        let prefixes = self.store.prefix_hashes(&self.keys);
        let hash_codes = |codes: &[u64], first: u32| -> Vec<(u64, u32)> {
            (first..).zip(codes).map(|(i, &c)| (self.store.hash(c, &self.keys, &prefixes), i)).collect()
        };
        let codes = &self.codes;
        let mut sorted = if codes.len() >= PARALLEL_BATCH {
            let (a, b) = codes.split_at(codes.len() / 2);
            crate::threads::map_each([(a, 0), (b, a.len() as u32)], |(c, first)| hash_codes(c, first)).concat()
        } else {
            hash_codes(codes, 0)
        };
        sort_by_hash(&mut sorted, |&(h, _)| h);
        let mut starts = vec![0u32; (1 << 16) + 1];
        for &(h, _) in &sorted {
            if let Some(n) = starts.get_mut(bucket(h) + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        ByHash { sorted, starts }
    }

    /// Whether the entry inserted at `pos` has the id `id` (no hash made).
    pub(crate) fn holds(&self, pos: u32, id: &str) -> bool {
        self.codes.get(pos as usize).is_some_and(|&code| self.store.is(code, id))
    }

    /// The insertion position of the entry with this id.
    pub(crate) fn position(&self, id: &str) -> Option<u32> {
        let ByHash { sorted, starts } = self.hashes.get_or_init(|| self.hash_all());
        let h = self.keys.hash(id);
        let (lo, hi) = (*starts.get(bucket(h))?, *starts.get(bucket(h) + 1)?);
        let run = sorted.get(lo as usize..hi as usize)?;
        let run = run.get(run.partition_point(|&(k, _)| k < h)..)?;
        // Ids are unique; two of them may share a hash, each then compared for real.
        run.iter()
            .take_while(|&&(k, _)| k == h)
            .find_map(|&(_, pos)| self.store.is(*self.codes.get(pos as usize)?, id).then_some(pos))
    }
}
