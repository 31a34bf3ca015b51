//! The ledger: validated insertion with unique ids, entries kept in date order, lookup by id.
//!
//! Beside the entries it keeps a compact row per entry (symbols for the scope's text fields, the
//! quantity in its canonical unit), in date order, so that queries and verification scan small
//! fixed-size records instead of strings. Entries are stored in segments, so that the batches a
//! reader parsed in parallel are adopted as they are rather than copied into one array.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::entry::{Entry, Text};
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::hash::{FxHashMap, TextMap};
use crate::quantity::Dimension;

/// Interned text values; symbol 0 means "absent".
///
/// Lookups go by the text's address first (a small direct-mapped cache, then a map): readers
/// share one copy of each text per file, so most entries arrive with a pointer seen before.
#[derive(Debug, Clone)]
pub(crate) struct Symbols {
    /// Texts come from files: a keyed hasher (see [`crate::hash`]).
    by_text: TextMap<String, u32>,
    /// Addresses are ours.
    by_ptr: FxHashMap<usize, u32>,
    cache: Box<[(usize, u32); CACHE]>,
    /// The canonical copy of each symbol's text (index = symbol - 1).
    names: Vec<Text>,
    /// Other copies whose addresses are in `by_ptr`; kept alive so that the addresses stay theirs.
    aliases: Vec<Text>,
}

const CACHE: usize = 256;

impl Default for Symbols {
    fn default() -> Symbols {
        Symbols {
            by_text: TextMap::default(),
            by_ptr: FxHashMap::default(),
            cache: Box::new([(0, 0); CACHE]),
            names: Vec::new(),
            aliases: Vec::new(),
        }
    }
}

/// How many non-canonical copies of texts the address map remembers.
const MAX_ALIASES: usize = 1 << 16;

impl Symbols {
    /// The symbol of `t`, adding it if new. Entries keep their own copy of the text: readers
    /// share one copy per file already, and swapping copies would cost two atomic operations.
    #[inline]
    fn intern(&mut self, t: &Text) -> u32 {
        let ptr = Arc::as_ptr(t) as usize;
        let slot = (ptr >> 4) % CACHE;
        let (cached, sym) = self.cache[slot];
        if cached == ptr && sym != 0 {
            return sym;
        }
        let sym = self.intern_slow(t, ptr);
        self.cache[slot] = (ptr, sym);
        sym
    }

    fn intern_slow(&mut self, t: &Text, ptr: usize) -> u32 {
        if let Some(&sym) = self.by_ptr.get(&ptr) {
            return sym;
        }
        if let Some(&sym) = self.by_text.get(t.as_str()) {
            if self.aliases.len() < MAX_ALIASES {
                self.aliases.push(t.clone());
                self.by_ptr.insert(ptr, sym);
            }
            return sym;
        }
        self.names.push(t.clone());
        let sym = self.names.len() as u32;
        self.by_text.insert(t.to_string(), sym);
        self.by_ptr.insert(ptr, sym);
        sym
    }

    /// The symbol of `s`, if any entry has it.
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.by_text.get(s).copied()
    }
}

/// The entries, in segments; positions count across segments in insertion order.
#[derive(Debug, Default, Clone)]
struct Store {
    segments: Vec<Vec<Entry>>,
    /// The position of each segment's first entry.
    starts: Vec<u32>,
    len: usize,
}

impl Store {
    #[inline]
    fn get(&self, pos: u32) -> Option<&Entry> {
        let s = self.starts.partition_point(|&st| st <= pos).checked_sub(1)?;
        self.segments.get(s)?.get((pos - self.starts[s]) as usize)
    }

    fn push_segment(&mut self, segment: Vec<Entry>) {
        if segment.is_empty() {
            return;
        }
        self.starts.push(self.len as u32);
        self.len += segment.len();
        self.segments.push(segment);
    }

    /// Drops the segments from `count` on.
    fn truncate_segments(&mut self, count: usize) {
        self.segments.truncate(count);
        self.starts.truncate(count);
        self.len = self.segments.iter().map(Vec::len).sum();
    }

    fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.segments.iter().flatten()
    }
}

/// Entry positions by id, found by a 64-bit hash of the id so that the ids are not stored twice.
///
/// A batch is checked by sorting its hashes, which walks memory in order instead of probing a
/// table at random: a million ids take a few tens of milliseconds. Small batches go to a map that
/// is merged into the sorted array once it grows. The rare ids whose hash another id already has
/// go to `collisions`, keyed by the id itself.
///
/// Ids come from files, so the hash is keyed (std's SipHash-1-3 with random keys for each ledger):
/// with an unkeyed hash, ids crafted to share one hash all land in `collisions` and each is checked
/// against all the others.
#[derive(Debug, Default, Clone)]
struct Ids {
    /// The keys of the id hash; a clone keeps them, so its hashes stay valid.
    keys: RandomState,
    /// (hash, position), sorted by hash; one position per hash.
    sorted: Vec<(u64, u32)>,
    /// Hashes added since `sorted` was last merged.
    /// Keyed by our own (keyed) hashes.
    recent: FxHashMap<u64, u32>,
    collisions: TextMap<Box<str>, u32>,
}

/// Sorts (hash, position) pairs: a counting pass on the top 16 bits of the hash places each pair
/// in its bucket of a new array, then each small bucket is sorted (hashes are uniform, so buckets
/// hold a few pairs each). Placing by cycles in place was tried: it saves the second array but
/// its scattered swaps take twice as long.
fn sort_by_hash(v: &mut Vec<(u64, u32)>) {
    if v.len() < 4096 {
        v.sort_unstable();
        return;
    }
    let bucket = |h: u64| (h >> 48) as usize;
    let mut starts = vec![0usize; (1 << 16) + 1];
    for &(h, _) in v.iter() {
        starts[bucket(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![(0u64, 0u32); v.len()];
    for &(h, p) in v.iter() {
        let b = bucket(h);
        out[next[b]] = (h, p);
        next[b] += 1;
    }
    for w in starts.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    *v = out;
}

/// `id_of(pos)` gives the id of the entry at a position, if there is one.
impl Ids {
    /// The 64-bit hash of an id, under this ledger's keys.
    #[inline]
    fn hash(&self, id: &str) -> u64 {
        self.keys.hash_one(id)
    }

    fn by_hash(&self, h: u64) -> Option<u32> {
        self.recent.get(&h).copied().or_else(|| {
            self.sorted.binary_search_by_key(&h, |&(k, _)| k).ok().and_then(|i| self.sorted.get(i)).map(|&(_, p)| p)
        })
    }

    fn get<'a>(&self, id_of: impl Fn(u32) -> Option<&'a str>, id: &str) -> Option<u32> {
        match self.by_hash(self.hash(id)) {
            Some(p) if id_of(p) == Some(id) => Some(p),
            _ => self.collisions.get(id).copied(),
        }
    }

    /// Adds the ids of a batch, given as (hash, position); or, changing nothing, gives every
    /// position whose id is taken with the position that has it (the earliest).
    fn add<'a>(
        &mut self,
        id_of: impl Fn(u32) -> Option<&'a str>,
        mut batch: Vec<(u64, u32)>,
    ) -> Result<(), Vec<(u32, u32)>> {
        sort_by_hash(&mut batch);
        let mut taken = Vec::new();
        let mut collided: Vec<(&'a str, u32)> = Vec::new();
        // Positions that are not new hashes (taken ids, collisions); usually none.
        let mut not_unique: Vec<u32> = Vec::new();
        for group in batch.chunk_by(|a, b| a.0 == b.0) {
            let h = group[0].0;
            let existing = self.by_hash(h);
            if group.len() == 1 && existing.is_none() {
                // A hash no other id has: the id is new, and need not be read. (An id in
                // `collisions` always shares its hash with the id that holds the hash.)
                continue;
            }
            // The ids of this hash seen so far in the batch.
            let mut seen: Vec<(&'a str, u32)> = Vec::new();
            for &(_, pos) in group {
                let id = id_of(pos).unwrap_or("");
                let holder = existing
                    .filter(|&p| id_of(p) == Some(id))
                    .or_else(|| self.collisions.get(id).copied())
                    .or_else(|| seen.iter().find(|(s, _)| *s == id).map(|&(_, p)| p));
                match holder {
                    Some(first) => {
                        taken.push((pos, first));
                        not_unique.push(pos);
                    }
                    None if existing.is_none() && seen.is_empty() => seen.push((id, pos)),
                    None => {
                        collided.push((id, pos));
                        not_unique.push(pos);
                        seen.push((id, pos));
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
                self.merge(recent);
            }
        } else {
            self.merge(unique);
        }
        Ok(())
    }

    /// Forgets every id at position `len` or later.
    fn truncate(&mut self, len: u32) {
        self.sorted.retain(|&(_, p)| p < len);
        self.recent.retain(|_, p| *p < len);
        self.collisions.retain(|_, p| *p < len);
    }

    /// Merges hashes sorted and new to the array into it.
    fn merge(&mut self, add: Vec<(u64, u32)>) {
        if self.sorted.is_empty() {
            self.sorted = add;
            return;
        }
        let old = std::mem::take(&mut self.sorted);
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
                Some(v) => merged.push(v),
                None => break,
            }
        }
        self.sorted = merged;
    }
}

/// The compact form of an entry that queries scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// The quantity in its dimension's canonical unit.
    pub(crate) canon: Decimal,
    /// The first day of the entry's date (its day, for an entry known to the day).
    pub(crate) date: NaiveDate,
    /// The last day of the entry's date; `date` for an entry known to the day.
    pub(crate) last: NaiveDate,
    /// `year * 12 + month - 1`, of the first day.
    pub(crate) month: i32,
    /// Position of the entry in insertion order.
    pub(crate) pos: u32,
    /// item, from, to, via, region.
    pub(crate) text: [u32; 5],
    /// The exchange id's symbol, 0 for none.
    pub(crate) exchange: u32,
    pub(crate) kind: u8,
    /// 0 for none, else the category's index + 1.
    pub(crate) category: u8,
    pub(crate) dim: u8,
}

/// An ordered set of validated entries with unique ids.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, Scope, Kind, Dimension};
///
/// let mut ledger = Ledger::new();
/// ledger.insert_all([
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).id("c2").to("NKR").build()?,
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).id("c1").to("NKR").build()?,
/// ])?;
/// // Kept in date order.
/// let ids: Vec<&str> = ledger.iter().map(|e| e.id()).collect();
/// assert_eq!(ids, ["c1", "c2"]);
/// assert_eq!(ledger.get("c2").unwrap().quantity().to_string(), "155 t");
/// let totals = ledger.totals(&Scope::all().kind(Kind::Cargo))?;
/// assert_eq!(totals.get(Dimension::Mass).unwrap().to_string(), "300 t");
///
/// // A batch with a duplicate id is refused whole.
/// let again = Entry::cargo("2021-06-01".parse()?, "1 t".parse()?).id("c1").to("NKR").build()?;
/// let fresh = Entry::cargo("2021-06-01".parse()?, "1 t".parse()?).id("c3").to("NKR").build()?;
/// assert!(ledger.insert_all([fresh, again]).is_err());
/// assert_eq!(ledger.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    store: Store,
    /// One per entry, sorted by (first day, insertion position).
    rows: Vec<Row>,
    /// The most days any entry's date spans beyond its first (0 when every entry is known to the
    /// day): a query looks back that far for entries that possibly fall in its period.
    max_span: u32,
    ids: Ids,
    pub(crate) symbols: Symbols,
    /// The positions of the entries of each exchange (by the symbol of its id), in insertion order.
    /// Few entries have one: the map stays small, and inserting an entry of an exchange checks it
    /// against the others without a scan of the ledger.
    exchanges: FxHashMap<u32, Vec<u32>>,
}

/// The entries of a ledger in date order: see [`Ledger::iter`]; `for entry in &ledger` does the same.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
/// ])?;
/// let mut dates = Vec::new();
/// for entry in &ledger {
///     dates.push(entry.date().to_string());
/// }
/// assert_eq!(dates, ["2021-04-07", "2021-05-26"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    ledger: &'a Ledger,
    rows: std::slice::Iter<'a, Row>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = &'a Entry;

    fn next(&mut self) -> Option<&'a Entry> {
        self.rows.next().map(|r| self.ledger.entry_at(r.pos))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl<'a> DoubleEndedIterator for Entries<'a> {
    fn next_back(&mut self) -> Option<&'a Entry> {
        self.rows.next_back().map(|r| self.ledger.entry_at(r.pos))
    }
}

impl<'a> IntoIterator for &'a Ledger {
    type Item = &'a Entry;
    type IntoIter = Entries<'a>;

    fn into_iter(self) -> Entries<'a> {
        self.iter()
    }
}

/// A problem with one entry of a batch.
pub(crate) struct BatchProblem {
    /// The entry's position in the batch.
    pub(crate) index: usize,
    /// For an id used twice in the batch, the position of its first use.
    pub(crate) first: Option<usize>,
    pub(crate) problem: Problem,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// A ledger of `entries`.
    ///
    /// # Errors
    ///
    /// As [`Ledger::insert_all`].
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Result<Ledger, Error> {
        let mut ledger = Ledger::new();
        ledger.insert_all(entries)?;
        Ok(ledger)
    }

    /// Inserts one entry.
    ///
    /// # Errors
    ///
    /// As [`Ledger::insert_all`].
    pub fn insert(&mut self, entry: Entry) -> Result<(), Error> {
        self.insert_all([entry])
    }

    /// Inserts a batch of entries, all or none.
    ///
    /// Entries without an id are named `#N`, N being their 1-based position in the ledger.
    ///
    /// # Errors
    ///
    /// Every problem of the batch at once, and nothing is inserted: an id already in the ledger or
    /// twice in the batch, or a quantity whose canonical form does not fit a decimal.
    pub fn insert_all(&mut self, entries: impl IntoIterator<Item = Entry>) -> Result<(), Error> {
        let mut batch: Vec<Entry> = entries.into_iter().collect();
        for (i, e) in batch.iter_mut().enumerate() {
            if e.id.is_empty() {
                e.id = crate::entry::Id::new(&format!("#{}", self.store.len + i + 1));
            }
        }
        self.insert_segments(vec![batch])
            .map_err(|problems| Error::invalid(problems.into_iter().map(|b| b.problem).collect()))
    }

    /// Inserts a batch given in segments, all or none, adopting the segments as they are; the
    /// problems name the batch positions they are about. Every entry has its id already.
    ///
    /// Large batches build the rows and check the ids on two threads at once.
    pub(crate) fn insert_segments(&mut self, segments: Vec<Vec<Entry>>) -> Result<(), Vec<BatchProblem>> {
        let base = self.store.len;
        let total: usize = segments.iter().map(Vec::len).sum();
        if base + total >= u32::MAX as usize {
            let problem = Problem::general(ProblemKind::TooLarge, "a ledger holds at most 4294967294 entries");
            return Err(vec![BatchProblem { index: 0, first: None, problem }]);
        }
        let segments_before = self.store.segments.len();
        let rows_before = self.rows.len();
        for segment in segments {
            self.store.push_segment(segment);
        }
        let Ledger { store, rows, ids, symbols, .. } = self;
        let store = &*store;
        let (mut problems, in_order) = if total >= PARALLEL_BATCH {
            std::thread::scope(|s| {
                let checking = s.spawn(|| check_ids(ids, store, segments_before, base));
                let (mut problems, in_order) = build_rows(rows, symbols, store, segments_before, base);
                match checking.join() {
                    Ok(more) => problems.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                (problems, in_order)
            })
        } else {
            let (mut problems, in_order) = build_rows(rows, symbols, store, segments_before, base);
            problems.extend(check_ids(ids, store, segments_before, base));
            (problems, in_order)
        };
        // Exchanges span files and batches: each exchange the batch touches is checked whole, with
        // the entries the ledger holds already.
        let mut touched: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for r in self.rows.get(rows_before..).unwrap_or(&[]) {
            if r.exchange != 0 {
                touched.entry(r.exchange).or_default().push(r.pos);
            }
        }
        let mut touched: Vec<(u32, Vec<u32>)> = touched.into_iter().collect();
        touched.sort_unstable();
        for (sym, new) in &mut touched {
            new.sort_unstable();
            let old = self.exchanges.get(sym).map_or(&[][..], Vec::as_slice);
            problems.extend(check_exchange(&self.store, old, new, base));
        }
        if !problems.is_empty() {
            self.store.truncate_segments(segments_before);
            self.rows.truncate(rows_before);
            self.ids.truncate(base as u32);
            problems.sort_by_key(|p| p.index);
            return Err(problems);
        }
        if !in_order {
            sort_rows_by_date(&mut self.rows);
        }
        for (sym, new) in touched {
            self.exchanges.entry(sym).or_default().extend(new);
        }
        let added = self.store.segments[segments_before..].iter().flatten();
        let widest = added.map(|e| (e.date().last_day() - e.date().first_day()).num_days()).max().unwrap_or(0);
        self.max_span = self.max_span.max(u32::try_from(widest).unwrap_or(u32::MAX));
        Ok(())
    }

    /// The positions of the entries of each exchange, by the symbol of its id.
    pub(crate) fn exchange_positions(&self) -> &FxHashMap<u32, Vec<u32>> {
        &self.exchanges
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.store.len
    }

    /// True when the ledger holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.store.len == 0
    }

    /// The entry with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Entry> {
        let pos = self.ids.get(|p| self.store.get(p).map(Entry::id), id)?;
        self.store.get(pos)
    }

    /// The entries in date order (entries of one day in the order they were inserted).
    #[must_use]
    pub fn iter(&self) -> Entries<'_> {
        Entries { ledger: self, rows: self.rows.iter() }
    }

    /// The entries in the order they were inserted.
    pub fn iter_inserted(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.store.iter()
    }

    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The most days an entry's date spans beyond its first day.
    pub(crate) fn max_span(&self) -> u32 {
        self.max_span
    }

    /// The entry of a row; every row's position is in the store.
    #[inline]
    pub(crate) fn entry_at(&self, pos: u32) -> &Entry {
        match self.store.get(pos) {
            Some(e) => e,
            None => unreachable!("row {pos} has no entry"),
        }
    }

    /// The first day of the earliest entry and the last day of the latest (an entry dated to a
    /// month, a year or a range covers its whole span).
    #[must_use]
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.rows.first()?.date;
        let last = if self.max_span == 0 { self.rows.last()?.date } else { self.rows.iter().map(|r| r.last).max()? };
        Some((first, last))
    }

    /// Takes the entries out, in insertion order.
    #[must_use]
    pub fn into_entries(self) -> Vec<Entry> {
        self.store.segments.into_iter().flatten().collect()
    }
}

/// From how many entries a batch is worth a second thread.
const PARALLEL_BATCH: usize = 50_000;

/// Appends the rows of the entries in `segments[from..]`; true when they kept date order.
fn build_rows(
    rows: &mut Vec<Row>,
    symbols: &mut Symbols,
    store: &Store,
    from: usize,
    base: usize,
) -> (Vec<BatchProblem>, bool) {
    let mut problems = Vec::new();
    let entries = || store.segments[from..].iter().flatten().zip(base as u32..);
    let mut make = |e: &Entry, pos: u32, problems: &mut Vec<BatchProblem>| -> Option<Row> {
        let Some(canon) = e.quantity.canonical_value() else {
            let unit = e.quantity.dimension().canonical_unit();
            let problem = Problem::new(
                ProblemKind::Overflow,
                "quantity",
                format!("{} does not fit a decimal in {unit}", e.quantity),
            )
            .at(Position::new().with_id(e.id.to_string(), RecordKind::Entry));
            problems.push(BatchProblem { index: pos as usize - base, first: None, problem });
            return None;
        };
        let mut text = [0u32; 5];
        for (slot, field) in text.iter_mut().zip([&e.item, &e.from, &e.to, &e.via, &e.region]) {
            if let Some(t) = field {
                *slot = symbols.intern(t);
            }
        }
        let (date, last) = (e.date, e.date().last_day());
        let exchange = e.extra.as_ref().and_then(|x| x.exchange.as_ref()).map_or(0, |t| symbols.intern(t));
        Some(Row {
            exchange,
            canon,
            date,
            last,
            month: date.year() * 12 + date.month0() as i32,
            pos,
            text,
            kind: e.kind().index() as u8,
            category: e.category().map_or(0, |c| c.index() as u8 + 1),
            dim: e.quantity.dimension().index() as u8,
        })
    };
    // A large first batch out of date order: count the days first, then put each row straight
    // into its place, which spares sorting the rows afterwards.
    let n = store.len - base;
    let dates = || entries().map(|(e, _)| e.date);
    let span = if rows.is_empty() && n >= PARALLEL_BATCH {
        // One pass for the first and last day, and whether they come in order already.
        let mut it = dates();
        let first = it.next();
        let (lo, hi, sorted, _) = it.fold((first, first, true, first), |(lo, hi, sorted, prev), d| {
            (lo.min(Some(d)), hi.max(Some(d)), sorted && prev.is_none_or(|p| p <= d), Some(d))
        });
        match (lo, hi) {
            (Some(lo), Some(hi)) if !sorted => {
                Some((lo, (hi - lo).num_days() as usize + 1)).filter(|&(_, span)| span <= n.saturating_mul(4))
            }
            _ => None,
        }
    } else {
        None
    };
    if let Some((min, span)) = span {
        let day = |d: NaiveDate| (d - min).num_days() as usize;
        let mut next = vec![0usize; span + 1];
        for d in dates() {
            next[day(d) + 1] += 1;
        }
        for i in 1..next.len() {
            next[i] += next[i - 1];
        }
        let placeholder = Row {
            canon: Decimal::ZERO,
            date: min,
            last: min,
            month: 0,
            pos: 0,
            text: [0; 5],
            exchange: 0,
            kind: 0,
            category: 0,
            dim: 0,
        };
        rows.resize(n, placeholder);
        for (e, pos) in entries() {
            if let Some(row) = make(e, pos, &mut problems) {
                let slot = &mut next[day(row.date)];
                rows[*slot] = row;
                *slot += 1;
            }
        }
        return (problems, true);
    }
    let mut in_order = true;
    let mut last = rows.last().map(|r| r.date);
    rows.reserve(n);
    for (e, pos) in entries() {
        if let Some(row) = make(e, pos, &mut problems) {
            if last.is_some_and(|l| row.date < l) {
                in_order = false;
            }
            last = Some(row.date);
            rows.push(row);
        }
    }
    (problems, in_order)
}

/// Adds the ids of the entries in `segments[from..]`, or reports those already taken.
fn check_ids(ids: &mut Ids, store: &Store, from: usize, base: usize) -> Vec<BatchProblem> {
    let id_of = |p: u32| store.get(p).map(Entry::id);
    let hashes: Vec<(u64, u32)> =
        store.segments[from..].iter().flatten().zip(base as u32..).map(|(e, pos)| (ids.hash(e.id()), pos)).collect();
    let Err(taken) = ids.add(id_of, hashes) else { return Vec::new() };
    taken
        .into_iter()
        .map(|(pos, first)| {
            let id = id_of(pos).unwrap_or("");
            let position = Position::new().with_id(id, RecordKind::Entry);
            let (msg, first) = if first as usize >= base {
                let n = first as usize - base;
                (format!("is used twice in the batch (first by entry {} of the batch)", n + 1), Some(n))
            } else {
                ("is already in the ledger".to_string(), None)
            };
            BatchProblem { index: pos as usize - base, first, problem: duplicate(id, &msg, &position) }
        })
        .collect()
}

/// The longest an exchange lasts: its latest entry is at most this many days after its earliest.
pub(crate) const EXCHANGE_DAYS: i64 = 7;

/// Checks one exchange: the entries at positions `old` (in the ledger, valid together) and `new`
/// (the batch, from position `base`). Problems go to entries of the batch, naming the others.
fn check_exchange(store: &Store, old: &[u32], new: &[u32], base: usize) -> Vec<BatchProblem> {
    let entry = |p: u32| store.get(p);
    let members: Vec<(u32, &Entry, bool)> = old
        .iter()
        .map(|&p| (p, false))
        .chain(new.iter().map(|&p| (p, true)))
        .filter_map(|(p, is_new)| entry(p).map(|e| (p, e, is_new)))
        .collect();
    let Some(name) = members.first().and_then(|(_, e, _)| e.exchange()) else { return Vec::new() };
    // The other entries, by id: a few, then how many more (a large exchange with many problems must
    // not cost the square of its size).
    let others = |me: u32| -> String {
        let n = members.len().saturating_sub(1);
        let shown = if n <= 6 { n } else { 5 };
        let ids: Vec<&str> = members.iter().filter(|(p, _, _)| *p != me).take(shown).map(|(_, e, _)| e.id()).collect();
        match n {
            0 => "none".to_string(),
            n if n <= 6 => ids.join(", "),
            n => format!("{} and {} more", ids.join(", "), n - shown),
        }
    };
    let problem = |p: u32, e: &Entry, field: &str, message: String| BatchProblem {
        index: p as usize - base,
        first: None,
        problem: Problem::new(ProblemKind::Inconsistent, field, message)
            .at(Position::new().with_id(e.id(), RecordKind::Entry)),
    };
    let mut problems = Vec::new();
    // Dates: at most EXCHANGE_DAYS from the earliest to the latest. An entry dated to a month or a
    // span is as close to the others as its period lets it be: the days between two entries are
    // the later one's first day minus the earlier one's last day.
    let apart = |early: &Entry, late: &Entry| (late.date().first_day() - early.date().last_day()).num_days();
    let first = members.iter().min_by_key(|(p, e, _)| (e.date().last_day(), *p));
    let last = members.iter().max_by_key(|(p, e, _)| (e.date().first_day(), std::cmp::Reverse(*p)));
    if let (Some(&(_, a, _)), Some(&(_, z, _))) = (first, last) {
        let span = apart(a, z);
        if span > EXCHANGE_DAYS {
            let late: Vec<&(u32, &Entry, bool)> =
                members.iter().filter(|(_, e, n)| *n && apart(a, e) > EXCHANGE_DAYS).collect();
            let culprits: Vec<(&(u32, &Entry, bool), &Entry, i64)> = if late.is_empty() {
                // The batch brought an entry earlier than the ledger's: it is the one too far off.
                members
                    .iter()
                    .filter(|(_, e, n)| *n && apart(e, z) > EXCHANGE_DAYS)
                    .map(|m| (m, z, apart(m.1, z)))
                    .collect()
            } else {
                late.into_iter().map(|m| (m, a, apart(a, m.1))).collect()
            };
            for (&(p, e, _), anchor, days) in culprits {
                let relation = if e.date().first_day() > anchor.date().first_day() { "after" } else { "before" };
                problems.push(problem(
                    p,
                    e,
                    "date",
                    format!(
                        "{} is {days} days {relation} entry {} ({}) of exchange {}, and the entries of one exchange are at most {EXCHANGE_DAYS} days apart (the exchange's other entries: {}); correct the date, or give the entry another exchange",
                        e.date(),
                        anchor.id(),
                        anchor.date(),
                        echo(name),
                        others(p)
                    ),
                ));
            }
        }
    }
    // Parties: two at most between them (an exchange whose entries name one party, such as a release
    // recorded with its recipient only, is an occasion too). Each party counts the entries naming it,
    // entries already in the ledger above all (they are valid together); the two most named are the
    // exchange's.
    let mut parties: Vec<(&str, u64, usize)> = Vec::new();
    // Parties come from files: a keyed map, so that crafted names cannot make the count quadratic.
    let mut slot_of: TextMap<&str, usize> = TextMap::default();
    let mut sorted: Vec<&(u32, &Entry, bool)> = members.iter().collect();
    sorted.sort_by_key(|(p, e, n)| (*n, e.date(), *p));
    for (_, e, is_new) in &sorted {
        let weight: u64 = if *is_new { 1 } else { 1 << 32 };
        let mut named: Vec<&str> = e.from().into_iter().chain(e.to()).collect();
        named.dedup();
        for party in named {
            let order = parties.len();
            // Most exchanges name two parties: a look along the list; the map once there are many.
            let slot = if order <= 8 {
                parties.iter().position(|(q, _, _)| *q == party).unwrap_or(order)
            } else {
                if slot_of.is_empty() {
                    slot_of.extend(parties.iter().enumerate().map(|(i, (q, _, _))| (*q, i)));
                }
                *slot_of.entry(party).or_insert(order)
            };
            match parties.get_mut(slot) {
                Some(p) => p.1 = p.1.saturating_add(weight),
                None => parties.push((party, weight, order)),
            }
        }
    }
    parties.sort_by_key(|&(_, count, order)| (std::cmp::Reverse(count), order));
    let two: Vec<&str> = parties.iter().take(2).map(|(q, _, _)| *q).collect();
    if parties.len() > 2 {
        for &(p, e, is_new) in &members {
            if !is_new {
                continue;
            }
            for (field, party) in [("from", e.from()), ("to", e.to())] {
                if let Some(party) = party.filter(|q| !two.contains(q)) {
                    problems.push(problem(
                        p,
                        e,
                        field,
                        format!(
                        "{party} is a third party in exchange {}, which is between {} and {} (its other entries: {}); an exchange is between two parties (an intermediary goes in via): correct the party, or give the entry another exchange",
                            echo(name),
                            two.first().copied().unwrap_or(""),
                            two.get(1).copied().unwrap_or(""),
                            others(p)
                        ),
                    ));
                }
            }
        }
    }
    problems
}

fn duplicate(id: &str, what: &str, position: &Position) -> Problem {
    Problem::new(ProblemKind::DuplicateId, "id", format!("{} {what}; ids must be unique", echo(id)))
        .at(position.clone())
}

/// A stable counting sort by day, done in place: rows of one day keep their relative order, which
/// is insertion order because earlier batches are already sorted and come first. Sorting in place
/// (following the permutation's cycles) keeps a second array of rows out of memory.
fn sort_rows_by_date(rows: &mut [Row]) {
    let (Some(min), Some(max)) = (rows.iter().map(|r| r.date).min(), rows.iter().map(|r| r.date).max()) else {
        return;
    };
    let span = (max - min).num_days() as usize + 1;
    if span > rows.len().saturating_mul(4).max(1024) {
        rows.sort_by_key(|r| (r.date, r.pos));
        return;
    }
    let day = |r: &Row| (r.date - min).num_days() as usize;
    let mut next = vec![0usize; span + 1];
    for r in rows.iter() {
        next[day(r) + 1] += 1;
    }
    for i in 1..next.len() {
        next[i] += next[i - 1];
    }
    // dest[i]: where row i goes.
    let mut dest: Vec<u32> = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        let d = day(r);
        dest.push(next[d] as u32);
        next[d] += 1;
    }
    for i in 0..rows.len() {
        while dest[i] as usize != i {
            let j = dest[i] as usize;
            rows.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// The dimension of a row.
pub(crate) fn row_dimension(r: &Row) -> Dimension {
    Dimension::ALL[r.dim as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Entry;

    fn cargo(id: &str, date: &str, q: &str) -> Entry {
        Entry::cargo(date.parse().unwrap(), q.parse().unwrap()).id(id).to("NKR").build().unwrap()
    }

    #[test]
    fn keeps_date_order_across_batches() {
        let mut l = Ledger::new();
        l.insert_all([cargo("b", "2021-02-01", "1 t"), cargo("a", "2021-01-01", "1 t")]).unwrap();
        l.insert_all([cargo("c", "2021-01-15", "1 t"), cargo("d", "2021-01-01", "1 t")]).unwrap();
        let ids: Vec<&str> = l.iter().map(|e| e.id()).collect();
        assert_eq!(ids, ["a", "d", "c", "b"]);
        let inserted: Vec<&str> = l.iter_inserted().map(|e| e.id()).collect();
        assert_eq!(inserted, ["b", "a", "c", "d"]);
    }

    #[test]
    fn wide_date_spans_sort_too() {
        let mut l = Ledger::new();
        l.insert_all([cargo("late", "2900-01-01", "1 t"), cargo("early", "1900-01-01", "1 t")]).unwrap();
        let ids: Vec<&str> = l.iter().map(|e| e.id()).collect();
        assert_eq!(ids, ["early", "late"]);
    }

    #[test]
    fn duplicates_are_all_reported_and_nothing_is_inserted() {
        let mut l = Ledger::new();
        l.insert(cargo("a", "2021-01-01", "1 t")).unwrap();
        let err = l
            .insert_all([
                cargo("a", "2021-01-02", "1 t"),
                cargo("b", "2021-01-02", "1 t"),
                cargo("b", "2021-01-03", "1 t"),
            ])
            .unwrap_err();
        assert_eq!(err.problems().len(), 2, "{err}");
        assert!(err.to_string().contains("\"a\" is already in the ledger"), "{err}");
        assert!(err.to_string().contains("\"b\" is used twice"), "{err}");
        assert_eq!(l.len(), 1);
        // The refused batch left nothing behind: its ids are free again.
        l.insert_all([cargo("b", "2021-01-02", "1 t")]).unwrap();
        assert_eq!(l.get("b").unwrap().date().to_string(), "2021-01-02");
        assert!(l.get("a").is_some());
    }

    #[test]
    fn ids_whose_hashes_collide_are_kept_apart() {
        let mut ids = Ids::default();
        let names = ["x", "y", "y", "z"];
        let id_of = |p: u32| names.get(p as usize).copied();
        // As if "x", "y" and "z" had one 64-bit hash.
        let h = ids.hash("x");
        assert_eq!(ids.add(id_of, vec![(h, 0), (h, 1)]), Ok(()));
        assert_eq!(ids.get(id_of, "x"), Some(0));
        assert_eq!(ids.collisions.get("y"), Some(&1), "y goes to the collision map");
        assert_eq!(ids.add(id_of, vec![(h, 3), (h, 2)]), Err(vec![(2, 1)]), "the second y is taken; nothing changes");
        assert_eq!(ids.collisions.get("z"), None);
        assert_eq!(ids.add(id_of, vec![(h, 3)]), Ok(()));
        assert_eq!(ids.collisions.get("z"), Some(&3));
    }

    #[test]
    fn hashes_sort_like_sort_unstable() {
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let mut v: Vec<(u64, u32)> = (0..10_000u32)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (if i % 100 == 0 { 42 } else { x }, i)
            })
            .collect();
        let mut expected = v.clone();
        expected.sort_unstable();
        sort_by_hash(&mut v);
        assert_eq!(v, expected);
    }

    #[test]
    fn many_small_batches_merge_into_the_sorted_ids() {
        let names: Vec<String> = (0..10_000).map(|i| format!("e{i}")).collect();
        let id_of = |p: u32| names.get(p as usize).map(String::as_str);
        let mut ids = Ids::default();
        for (i, n) in names.iter().enumerate() {
            let h = ids.hash(n);
            assert_eq!(ids.add(id_of, vec![(h, i as u32)]), Ok(()));
        }
        assert!(ids.sorted.len() > 5000, "merged {} of 10000", ids.sorted.len());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(ids.get(id_of, n), Some(i as u32));
        }
        let h = ids.hash("e42");
        assert_eq!(ids.add(id_of, vec![(h, 42)]), Err(vec![(42, 42)]));
    }

    #[test]
    fn segments_are_adopted_and_looked_up_across() {
        let mut l = Ledger::new();
        l.insert_segments(vec![vec![cargo("a", "2021-03-01", "1 t")], vec![], vec![cargo("b", "2021-01-01", "2 t")]])
            .map_err(|_| "refused")
            .unwrap();
        l.insert(cargo("c", "2021-02-01", "3 t")).unwrap();
        assert_eq!(l.get("b").unwrap().quantity().to_string(), "2 t");
        let ids: Vec<&str> = l.iter().map(|e| e.id()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
        let err = l.insert_segments(vec![vec![cargo("d", "2021-01-01", "1 t")], vec![cargo("d", "2021-01-01", "1 t")]]);
        let problems = err.err().unwrap();
        assert_eq!((problems[0].index, problems[0].first), (1, Some(0)));
        assert_eq!(l.len(), 3);
        assert!(l.get("d").is_none());
    }

    #[test]
    fn entries_without_ids_are_numbered() {
        let e = Entry::cargo("2021-01-01".parse().unwrap(), "1 t".parse().unwrap()).to("NKR").build().unwrap();
        let mut l = Ledger::new();
        l.insert_all([e.clone(), e]).unwrap();
        assert!(l.get("#1").is_some() && l.get("#2").is_some());
    }

    /// Ids crafted to share one FxHash (as the old unkeyed id hash was): the keyed hash keeps them
    /// apart, so none goes to the collision map and each is checked once.
    #[test]
    fn ids_crafted_to_collide_under_fxhash_are_spread() {
        use crate::hash::FxHasher;
        use std::hash::Hasher;
        let names = crate::hash::fx_colliding(2000);
        let old_id_hash = |id: &str| {
            let mut h = FxHasher::default();
            h.write(id.as_bytes());
            h.write_usize(id.len());
            h.finish()
        };
        assert!(names.iter().all(|n| old_id_hash(n) == old_id_hash(&names[0])), "one FxHash for all");
        let mut l = Ledger::new();
        for chunk in names.chunks(100) {
            l.insert_all(chunk.iter().map(|n| cargo(n, "2021-01-01", "1 t"))).unwrap();
        }
        l.insert_all(names.iter().map(|n| cargo(&format!("{n}b"), "2021-01-02", "1 t"))).unwrap();
        assert_eq!(l.len(), 4000);
        assert!(l.ids.collisions.len() <= 1, "{} ids in the collision map", l.ids.collisions.len());
        assert!(names.iter().all(|n| l.get(n).is_some_and(|e| e.id() == n)));
        let again = l.insert(cargo(&names[1234], "2021-01-03", "1 t")).unwrap_err();
        assert!(again.to_string().contains("is already in the ledger"), "{again}");
        // The texts of the scope's fields are keyed too.
        let mut symbols = Symbols::default();
        for n in &names {
            symbols.intern(&crate::entry::Text::new(n.clone()));
        }
        let mut hashes: Vec<u64> = names.iter().map(|n| symbols.by_text.hasher().hash_one(n.as_str())).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), names.len());
    }
}
