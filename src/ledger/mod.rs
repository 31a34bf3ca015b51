//! The ledger: validated insertion with unique ids, entries kept in date order, lookup by id.
//!
//! Each entry is held once, as a compact [`Row`] of 52 bytes in date order: its texts as symbols,
//! its days as integers, its quantity as a 32-bit mantissa with the scale and unit (a side table
//! holds the rare decimals that do not fit), its id coded in 8 bytes; the fields few entries have
//! (note, the mark of a fill, a date known only to a span, mines, an exchange) go to a sparse side
//! table. An [`Entry`] is built from its row on access; queries and verification scan the rows.
//!
//! `rows` holds the row and the batches of rows that readers make, `symbols` the interned texts,
//! `ids` the coded ids and their index by hash, `adopt` how batches of rows join a ledger; this
//! file, the ledger that ties them together.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Category, Entry, Event, Extra, Id, Kind, Text};
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::hash::{FxHashMap, TextMap, sorted_by_hash};
use crate::quantity::{Dimension, Quantity, scale_pow10};

mod adopt;
mod ids;
mod rows;
mod symbols;

use adopt::{Adopted, place_by_day};
pub(crate) use ids::IdIndex;
use ids::{IdOf, IdStore, Ids, RowIds};
use rows::{BIG, SCALE, SPARSE, Sparse, day};
pub(crate) use rows::{Row, RowBatch};
pub(crate) use symbols::Symbols;

/// The bytes a hash map allocates, about: its buckets (one more per 7 in use) with a control byte each.
fn map_bytes<K, V, S>(m: &std::collections::HashMap<K, V, S>) -> usize {
    m.capacity().div_ceil(7) * 8 * (std::mem::size_of::<(K, V)>() + 1)
}

/// An ordered set of validated entries with unique ids.
///
/// Entries are held in a compact form (about 56 bytes each) and built on access: [`Ledger::get`],
/// [`Ledger::iter`] and the other methods that give entries give owned [`Entry`] values.
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
/// let ids: Vec<String> = ledger.iter().map(|e| e.id().to_string()).collect();
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
    /// One per entry, sorted by (first day, insertion position).
    rows: Vec<Row>,
    /// The most days any entry's date spans beyond its first (0 when every entry is known to the
    /// day): a query looks back that far for entries that possibly fall in its period.
    max_span: u32,
    ids: Ids,
    id_store: IdStore,
    pub(crate) symbols: Symbols,
    /// Quantities whose mantissa does not fit 32 bits.
    big: Vec<Decimal>,
    /// By position in insertion order.
    sparse: FxHashMap<u32, Sparse>,
    /// The rows of the entries of each exchange (by the symbol of its id), in insertion order.
    /// Few entries have one: the map stays small, and inserting an entry of an exchange checks it
    /// against the others without a scan of the ledger.
    exchanges: FxHashMap<u32, Vec<u32>>,
}

/// The entries of a ledger in date order, built from its rows: see [`Ledger::iter`];
/// `for entry in &ledger` does the same.
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

impl Iterator for Entries<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        self.rows.next().map(|r| self.ledger.entry(r))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Entry> {
        self.rows.next_back().map(|r| self.ledger.entry(r))
    }
}

impl<'a> IntoIterator for &'a Ledger {
    type Item = Entry;
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
                e.id = Id::new(&format!("#{}", self.rows.len() + i + 1));
            }
        }
        self.insert_segments(vec![batch])
            .map_err(|problems| Error::invalid(problems.into_iter().map(|b| b.problem).collect()))
    }

    /// Inserts a batch given in segments, all or none; the problems name the batch positions they
    /// are about. Every entry has its id already. The entries are dropped as their rows are made.
    pub(crate) fn insert_segments(&mut self, segments: Vec<Vec<Entry>>) -> Result<(), Vec<BatchProblem>> {
        let total: usize = segments.iter().map(Vec::len).sum();
        let to_rows = |segments: Vec<Vec<Entry>>| {
            let mut batch = RowBatch::default();
            for e in segments.into_iter().flatten() {
                batch.push(&e);
            }
            batch
        };
        let threads = crate::threads::available();
        let batches = if total >= PARALLEL_BATCH && threads > 1 && segments.len() > 1 {
            // Consecutive runs of segments of about equal size, one per thread, in order.
            let share = total.div_ceil(threads);
            let mut parts: Vec<Vec<Vec<Entry>>> = vec![Vec::new()];
            let mut size = 0;
            for segment in segments {
                if size >= share {
                    parts.push(Vec::new());
                    size = 0;
                }
                size += segment.len();
                if let Some(part) = parts.last_mut() {
                    part.push(segment);
                }
            }
            crate::threads::map_each(parts, to_rows)
        } else {
            vec![to_rows(segments)]
        };
        self.insert_row_batches(batches)
    }

    /// Inserts the rows of `batches`, in order, as one batch: all or none; the problems name the
    /// positions they are about in the whole batch (the entries of the first `RowBatch`, then of
    /// the next, ...). The ids are checked here, unique within the ledger and the batch, and the
    /// exchanges the batch touches; the entries' own checks were made when they were built.
    ///
    /// A large first batch out of date order is placed by a count of its days (each row straight
    /// into its place, which spares sorting the rows afterwards).
    pub(crate) fn insert_row_batches(&mut self, mut batches: Vec<RowBatch>) -> Result<(), Vec<BatchProblem>> {
        let base = self.rows.len();
        let total: usize = batches.iter().map(RowBatch::len).sum();
        if base + total >= u32::MAX as usize {
            let problem = Problem::general(ProblemKind::TooLarge, "a ledger holds at most 4294967294 entries");
            return Err(vec![BatchProblem { index: 0, first: None, problem }]);
        }
        let before = (self.big.len(), self.id_store.arena.len());
        let mut problems = Vec::new();
        // Whether any new entry is part of an exchange (most loads have none: then the new rows
        // need not be read again for them).
        let exchanges = batches.iter().any(|b| b.sparse.iter().any(|(_, s)| s.exchange != 0));
        // What each batch's symbols, id prefixes, side tables and positions become in the ledger,
        // batch by batch in order; then the rows themselves, each batch's on a thread of its own.
        let mut adoptions = Vec::with_capacity(batches.len());
        let mut offset = base as u32;
        for batch in &mut batches {
            let adoption = self.adopt(batch, offset, base, &mut problems);
            offset += batch.len() as u32;
            adoptions.push(adoption);
        }
        let keys = self.ids.keys.clone();
        let mut adopted: Vec<Adopted> = if total >= PARALLEL_BATCH && batches.len() > 1 {
            crate::threads::map_each(batches.into_iter().zip(&adoptions), |(b, a)| a.rows(b, &keys))
        } else {
            batches.into_iter().zip(&adoptions).map(|(b, a)| a.rows(b, &keys)).collect()
        };
        // The days of the new rows: are they in order, and how far apart?
        adopted.retain(|a| !a.rows.is_empty());
        let lo = adopted.iter().map(|a| a.lo).min().unwrap_or(0);
        let hi = adopted.iter().map(|a| a.hi).max().unwrap_or(0);
        let sorted = adopted.iter().all(|a| a.sorted)
            && adopted.windows(2).all(|w| w[0].rows.last().map(|r| r.first) <= w[1].rows.first().map(|r| r.first));
        let widest = adopted.iter().map(|a| a.widest).max().unwrap_or(0);
        let span = (i64::from(hi) - i64::from(lo)) as usize + 1;
        // A large first batch out of date order is placed by a count of its days (each row straight
        // into its place, which spares sorting the rows afterwards); any other is appended.
        let placed = base == 0 && total >= PARALLEL_BATCH && !sorted && span <= total.saturating_mul(4);
        let pairs = if placed {
            let (rows, pairs) = place_by_day(&adopted, lo, span, total);
            self.rows = rows;
            pairs
        } else {
            let hashes = adopted.iter().flat_map(|a| &a.hashes).copied();
            let pairs = sorted_by_hash(total, hashes.clone(), hashes.zip(base as u32..), |&(h, _)| h);
            self.rows.reserve(total);
            for a in adopted {
                self.rows.extend(a.rows);
            }
            pairs
        };
        problems.extend(self.check_ids(pairs, base));
        // Exchanges span files and batches: each exchange the batch touches is checked whole, with
        // the entries the ledger holds already.
        let mut touched: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let new_rows = if exchanges { self.rows.get(base..).unwrap_or(&[]) } else { &[] };
        for (r, i) in new_rows.iter().zip(base as u32..) {
            let exchange = self.exchange_of(r);
            if exchange != 0 {
                touched.entry(exchange).or_default().push(i);
            }
        }
        let mut touched: Vec<(u32, Vec<u32>)> = touched.into_iter().collect();
        touched.sort_unstable();
        for (sym, new) in &mut touched {
            // In insertion order.
            new.sort_by_key(|&i| self.rows.get(i as usize).map(|r| r.pos));
            let old = self.exchanges.get(sym).map_or(&[][..], Vec::as_slice);
            problems.extend(check_exchange(self, old, new, base));
        }
        if !problems.is_empty() {
            self.rows.truncate(base);
            self.ids.truncate(base as u32);
            self.big.truncate(before.0);
            self.id_store.arena.truncate(before.1);
            self.sparse.retain(|&p, _| (p as usize) < base);
            problems.sort_by_key(|p| p.index);
            return Err(problems);
        }
        for (sym, new) in touched {
            self.exchanges.entry(sym).or_default().extend(new);
        }
        self.max_span = self.max_span.max(widest);
        let after_old = match (base.checked_sub(1).and_then(|i| self.rows.get(i)), self.rows.get(base)) {
            (Some(old), Some(new)) => old.first <= new.first,
            _ => true,
        };
        if !(placed || sorted && after_old) {
            let dest = sort_rows_by_date(&mut self.rows);
            self.ids.remap(&dest);
            for rows in self.exchanges.values_mut() {
                for p in rows {
                    *p = dest.get(*p as usize).copied().unwrap_or(*p);
                }
            }
        }
        Ok(())
    }

    /// Adds the ids of the rows from `base` on (hashes given, sorted), or reports those already
    /// taken.
    fn check_ids(&mut self, hashes: Vec<(u64, u32)>, base: usize) -> Vec<BatchProblem> {
        let Ledger { rows, ids, id_store, .. } = self;
        let keys = ids.keys.clone();
        let at = RowIds { rows, store: id_store, keys: &keys };
        let Err(mut taken) = ids.add_sorted(&at, hashes) else { return Vec::new() };
        let pos_of = |i: u32| at.rows.get(i as usize).map_or(0, |r| r.pos);
        // The index meets the uses of an id in the order of their rows, which is date order in a
        // large load placed by day: the first use is the one inserted first.
        taken.sort_unstable_by_key(|&(_, holder)| holder);
        let mut uses = Vec::with_capacity(taken.len());
        for group in taken.chunk_by(|a, b| a.1 == b.1) {
            let Some(&(_, holder)) = group.first() else { continue };
            let all = group.iter().map(|&(i, _)| i).chain([holder]);
            let first = all.clone().min_by_key(|&i| pos_of(i)).unwrap_or(holder);
            uses.extend(all.filter(|&i| i != first).map(|i| (i, first)));
        }
        uses.into_iter()
            .map(|(i, first)| {
                let (pos, first) = (pos_of(i), pos_of(first));
                let id = at.id_of(i).unwrap_or_default();
                let position = Position::new().with_id(id.as_str(), RecordKind::Entry);
                let (msg, first) = if first as usize >= base {
                    let n = first as usize - base;
                    (format!("is used twice in the batch (first by entry {} of the batch)", n + 1), Some(n))
                } else {
                    ("is already in the ledger".to_string(), None)
                };
                BatchProblem { index: pos as usize - base, first, problem: duplicate(&id, &msg, &position) }
            })
            .collect()
    }

    /// The rows of the entries of each exchange, by the symbol of its id.
    pub(crate) fn exchange_positions(&self) -> &FxHashMap<u32, Vec<u32>> {
        &self.exchanges
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the ledger holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The entry with this id, built from the ledger's compact form.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<Entry> {
        let at = RowIds { rows: &self.rows, store: &self.id_store, keys: &self.ids.keys };
        let i = self.ids.get(&at, id)?;
        self.rows.get(i as usize).map(|r| self.entry(r))
    }

    /// The entries in date order (entries of one day in the order they were inserted), each
    /// built from the ledger's compact form as the iterator reaches it.
    #[must_use]
    pub fn iter(&self) -> Entries<'_> {
        Entries { ledger: self, rows: self.rows.iter() }
    }

    /// The entries in the order they were inserted.
    pub fn iter_inserted(&self) -> impl Iterator<Item = Entry> + '_ {
        self.rows_inserted().map(|r| self.entry(r))
    }

    /// The rows in the order their entries were inserted.
    pub(crate) fn rows_inserted(&self) -> impl Iterator<Item = &Row> + '_ {
        let mut order = vec![0u32; self.rows.len()];
        for (i, r) in (0u32..).zip(&self.rows) {
            if let Some(slot) = order.get_mut(r.pos as usize) {
                *slot = i;
            }
        }
        order.into_iter().filter_map(|i| self.rows.get(i as usize))
    }

    /// The ledger's ids, copied out of it by insertion position, to be hashed when first looked up.
    pub(crate) fn id_index(&self) -> IdIndex {
        IdIndex::of(self)
    }

    /// The id of a row's entry.
    pub(crate) fn id_of(&self, r: &Row) -> String {
        self.id_store.decode(r.id_code())
    }

    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The most days an entry's date spans beyond its first day.
    pub(crate) fn max_span(&self) -> u32 {
        self.max_span
    }

    /// The entry of the row at index `i` (of [`Ledger::rows`]); every index the ledger gives out
    /// has a row.
    pub(crate) fn entry_at(&self, i: u32) -> Entry {
        match self.rows.get(i as usize) {
            Some(r) => self.entry(r),
            None => unreachable!("no row {i}"),
        }
    }

    /// The quantity of a row, in its own unit.
    #[inline]
    fn value(&self, r: &Row) -> Decimal {
        if r.bits & BIG != 0 {
            self.big.get(r.mantissa as u32 as usize).copied().unwrap_or_default()
        } else {
            Decimal::try_new(i64::from(r.mantissa), u32::from(r.bits & SCALE)).unwrap_or_default()
        }
    }

    /// The quantity of a row in its dimension's canonical unit (every row's fits: checked when inserted).
    #[inline]
    pub(crate) fn canon(&self, r: &Row) -> Decimal {
        scale_pow10(self.value(r), r.unit().exponent()).unwrap_or_default()
    }

    /// The symbol of a row's exchange id, 0 for none.
    #[inline]
    pub(crate) fn exchange_of(&self, r: &Row) -> u32 {
        if r.bits & SPARSE == 0 {
            return 0;
        }
        self.sparse.get(&r.pos).map_or(0, |s| s.exchange)
    }

    /// True for the unattributed entry of a fill.
    #[inline]
    pub(crate) fn is_fill(&self, r: &Row) -> bool {
        r.bits & SPARSE != 0 && self.sparse.get(&r.pos).is_some_and(|s| s.fills.is_some())
    }

    /// The entry of a row.
    pub(crate) fn entry(&self, r: &Row) -> Entry {
        let sparse = if r.bits & SPARSE != 0 { self.sparse.get(&r.pos) } else { None };
        let kind = Kind::ALL.get(usize::from(r.kind)).copied().unwrap_or(Kind::Cargo);
        let category = r.category.checked_sub(1).and_then(|c| Category::ALL.get(usize::from(c)).copied());
        let event = Event::of(kind, category, sparse.and_then(|s| s.mines));
        let text = |sym: u32| self.symbols.name(sym);
        let note = sparse.and_then(|s| s.note.clone());
        let fills = sparse.and_then(|s| s.fills.clone());
        let span = sparse.and_then(|s| s.span);
        let exchange = text(sparse.map_or(0, |s| s.exchange));
        let extra = (note.is_some() || fills.is_some() || exchange.is_some() || span.is_some())
            .then(|| Box::new(Extra { note, fills, exchange, span }));
        let [item, from, to, via, region] = r.text;
        Entry {
            id: Id::new(&self.id_store.decode(r.id_code())),
            date: r.date(),
            event,
            quantity: Quantity::unchecked(self.value(r), r.unit()),
            item: text(item),
            from: text(from),
            to: text(to),
            via: text(via),
            region: text(region),
            source: text(r.source),
            extra,
        }
    }

    /// The first day of the earliest entry and the last day of the latest (an entry dated to a
    /// month, a year or a range covers its whole span).
    #[must_use]
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.rows.first()?.date();
        let last = if self.max_span == 0 { self.rows.last()?.last } else { self.rows.iter().map(|r| r.last).max()? };
        Some((first, day(last)))
    }

    /// Takes the entries out, in insertion order.
    #[must_use]
    pub fn into_entries(self) -> Vec<Entry> {
        self.iter_inserted().collect()
    }

    /// The bytes the ledger holds on the heap, from the capacities of its arrays and tables
    /// (hash tables counted by their buckets, texts with their shared headers): for measuring
    /// the compact form, not a contract.
    #[doc(hidden)]
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let text = |t: &Option<Text>| t.as_ref().map_or(0, |t| 2 * 8 + std::mem::size_of::<String>() + t.capacity());
        self.rows.capacity() * std::mem::size_of::<Row>()
            + self.ids.heap_bytes()
            + self.id_store.heap_bytes()
            + self.symbols.heap_bytes()
            + self.big.capacity() * std::mem::size_of::<Decimal>()
            + map_bytes(&self.sparse)
            + self.sparse.values().map(|s| text(&s.note) + text(&s.fills)).sum::<usize>()
            + map_bytes(&self.exchanges)
            + self.exchanges.values().map(|v| v.capacity() * 4).sum::<usize>()
    }
}

/// From how many entries a batch is worth a second thread.
const PARALLEL_BATCH: usize = 50_000;

/// The longest an exchange lasts: its latest entry is at most this many days after its earliest.
pub(crate) const EXCHANGE_DAYS: i64 = 7;

/// Checks one exchange: the entries at rows `old` (in the ledger, valid together) and `new`
/// (the batch, from row `base`). Problems go to entries of the batch, naming the others.
fn check_exchange(ledger: &Ledger, old: &[u32], new: &[u32], base: usize) -> Vec<BatchProblem> {
    let owned: Vec<(u32, Entry, bool)> = old
        .iter()
        .map(|&p| (p, false))
        .chain(new.iter().map(|&p| (p, true)))
        .filter_map(|(p, is_new)| ledger.rows.get(p as usize).map(|r| (p, ledger.entry(r), is_new)))
        .collect();
    let members: Vec<(u32, &Entry, bool)> = owned.iter().map(|(p, e, n)| (*p, e, *n)).collect();
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
        index: ledger.rows.get(p as usize).map_or(0, |r| r.pos as usize).saturating_sub(base),
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

/// A stable counting sort by first day, done in place: rows of one day keep their relative order,
/// which is insertion order because earlier batches are already sorted and come first. Sorting in
/// place (following the permutation's cycles) keeps a second array of rows out of memory. Gives
/// where each row went, so that the indices kept elsewhere can follow.
fn sort_rows_by_date(rows: &mut [Row]) -> Vec<u32> {
    let (Some(min), Some(max)) = (rows.iter().map(|r| r.first).min(), rows.iter().map(|r| r.first).max()) else {
        return Vec::new();
    };
    let span = (i64::from(max) - i64::from(min)) as usize + 1;
    let mut dest: Vec<u32> = vec![0; rows.len()];
    if span > rows.len().saturating_mul(4).max(1024) {
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_by_key(|&i| rows.get(i as usize).map(|r| (r.first, r.pos)));
        for (new, &old) in (0u32..).zip(&order) {
            dest[old as usize] = new;
        }
    } else {
        let day = |r: &Row| (i64::from(r.first) - i64::from(min)) as usize;
        let mut next = vec![0usize; span + 1];
        for r in rows.iter() {
            next[day(r) + 1] += 1;
        }
        for i in 1..next.len() {
            next[i] += next[i - 1];
        }
        for (r, d) in rows.iter().zip(dest.iter_mut()) {
            let slot = &mut next[day(r)];
            *d = *slot as u32;
            *slot += 1;
        }
    }
    let mut to = dest.clone();
    for i in 0..rows.len() {
        while to[i] as usize != i {
            let j = to[i] as usize;
            rows.swap(i, j);
            to.swap(i, j);
        }
    }
    dest
}

/// The dimension of a row.
pub(crate) fn row_dimension(r: &Row) -> Dimension {
    r.unit().dimension()
}

/// A quantity whose canonical form does not fit a decimal: a problem of the entry `id` (the
/// ledger's rows and the streaming fold word it alike).
pub(crate) fn overflow(quantity: &crate::quantity::Quantity, id: &str) -> Problem {
    let unit = quantity.dimension().canonical_unit();
    Problem::new(ProblemKind::Overflow, "quantity", format!("{quantity} does not fit a decimal in {unit}"))
        .at(Position::new().with_id(id.to_string(), RecordKind::Entry))
}

#[cfg(test)]
mod tests {
    use super::ids::{ByHash, bucket};
    use super::*;
    use crate::entry::Entry;
    use crate::hash::IdKeys;
    use ids::NUMERIC;
    use std::sync::OnceLock;

    /// Two ids that share a hash are told apart by comparing them: the index finds each.
    #[test]
    fn ids_of_one_hash_are_found_by_their_text() {
        let mut store = IdStore::default();
        let (a, b) = (store.encode("alpha"), store.encode("beta"));
        let keys = IdKeys::new();
        let h = keys.hash("beta");
        let mut starts = vec![0u32; (1 << 16) + 1];
        for n in starts.iter_mut().skip(bucket(h) + 1) {
            *n = 2;
        }
        // "alpha" filed under the hash of "beta", before it.
        let hashes = OnceLock::from(ByHash { sorted: vec![(h, 0), (h, 1)], starts });
        let index = IdIndex { keys, store, codes: vec![a, b], hashes };
        assert_eq!(index.position("beta"), Some(1));
        assert_eq!(index.position("alpha"), None, "not under its own hash");
        assert_eq!(index.position("gamma"), None);
    }

    proptest::proptest! {
        /// An id's hash made from its code (prefix and number written as bytes, or the arena's
        /// bytes) is the hash of its text, for ids coded either way: numbers with and without
        /// leading zeros, long numbers, empty prefixes, letters of more than one byte.
        #[test]
        fn the_hash_of_a_code_is_the_hash_of_its_id(ids in proptest::collection::vec("(é|x|-){0,3}[0-9]{0,14}", 1..40)) {
            let keys = IdKeys::new();
            let mut store = IdStore::default();
            for id in &ids {
                let code = store.encode(id);
                proptest::prop_assert_eq!(store.hash(code, &keys, &[]), keys.hash(id), "{:?}", id);
                proptest::prop_assert_eq!(store.hash(code, &keys, &store.prefix_hashes(&keys)), keys.hash(id), "{:?}", id);
            }
        }
    }

    fn cargo(id: &str, date: &str, q: &str) -> Entry {
        Entry::cargo(date.parse().unwrap(), q.parse().unwrap()).id(id).to("NKR").build().unwrap()
    }

    #[test]
    fn row_batches_are_adopted_with_their_symbols_ids_and_positions() {
        let batch = |entries: &[Entry]| {
            let mut b = RowBatch::default();
            for e in entries {
                b.push(e);
            }
            b
        };
        let x = Entry::detainee_transfer("2021-02-10".parse().unwrap(), "5 persons".parse().unwrap())
            .id("q7")
            .from("AZE")
            .to("ARM")
            .exchange("x")
            .note("n")
            .build()
            .unwrap();
        let first = [cargo("p1", "2021-03-01", "1 t"), cargo("long id, not a number", "2021-03-02", "12345678901.5 t")];
        let second = [x.clone(), cargo("p1", "2021-01-01", "2 t")];
        let mut l = Ledger::new();
        let err = l.insert_row_batches(vec![batch(&first), batch(&second)]).err().unwrap();
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].index, err[0].first), (3, Some(0)), "positions count across the batches");
        assert!(l.is_empty() && l.big.is_empty() && l.sparse.is_empty());
        let second = [x, cargo("p2", "2021-01-01", "2 t")];
        l.insert_row_batches(vec![batch(&first), batch(&second)]).map_err(|_| "refused").unwrap();
        let all: Vec<Entry> = first.iter().chain(&second).cloned().collect();
        assert_eq!(l.iter_inserted().collect::<Vec<_>>(), all);
        for e in &all {
            assert_eq!(l.get(e.id()).as_ref(), Some(e));
        }
        let ids: Vec<String> = l.iter().map(|e| e.id().to_string()).collect();
        assert_eq!(ids, ["p2", "q7", "p1", "long id, not a number"]);
        assert_eq!(l.exchange("x").unwrap().map(|x| x.entries().len()), Some(1));
    }

    #[test]
    fn ids_of_prefixes_the_ledger_has_no_room_for_are_kept_as_text() {
        // Unit tests allow 64 prefixes: the second batch brings 16 the ledger cannot number.
        let batch = |letter: char| {
            let mut b = RowBatch::default();
            for k in 0..40 {
                b.push(&cargo(&format!("{letter}{k}-7"), &format!("2021-03-{:02}", 1 + k % 28), "1 t"));
            }
            b
        };
        let mut l = Ledger::new();
        l.insert_row_batches(vec![batch('a'), batch('b')]).map_err(|_| "refused").unwrap();
        assert_eq!(l.id_store.prefixes.len(), 64);
        let ids: Vec<String> = l.iter_inserted().map(|e| e.id().to_string()).collect();
        let expected: Vec<String> = "ab".chars().flat_map(|c| (0..40).map(move |k| format!("{c}{k}-7"))).collect();
        assert_eq!(ids, expected);
        for id in &expected {
            assert_eq!(l.get(id).map(|e| e.id().to_string()).as_ref(), Some(id));
        }
        // And an id used again is found, whichever way it is coded.
        let again = l.insert_row_batches(vec![batch('b')]).err().unwrap();
        assert_eq!(again.len(), 40);
    }

    #[test]
    fn rows_stay_small() {
        assert_eq!(std::mem::size_of::<Row>(), 52);
    }

    #[test]
    fn ids_code_to_a_number_or_the_arena_and_back() {
        let mut store = IdStore::default();
        let ids =
            ["e1", "e0", "0", "e007", "x", "", "entries.csv:12", "n1099511627775", "n1099511627776", "é9", "a b 3"];
        let codes: Vec<u64> = ids.iter().map(|id| store.encode(id)).collect();
        for (&code, id) in codes.iter().zip(ids) {
            assert_eq!(store.decode(code), id);
            // Each code is its own id and no other (nor one a digit longer or shorter).
            for other in
                ids.iter().copied().chain([&format!("{id}0")[..], id.get(..id.len().saturating_sub(1)).unwrap_or("")])
            {
                assert_eq!(store.is(code, other), other == id, "{id:?} against {other:?}");
            }
        }
        assert!(store.encode("e42") & NUMERIC != 0);
        assert!(store.encode("e042") & NUMERIC == 0, "leading zeros go to the arena");
    }

    #[test]
    fn keeps_date_order_across_batches() {
        let mut l = Ledger::new();
        l.insert_all([cargo("b", "2021-02-01", "1 t"), cargo("a", "2021-01-01", "1 t")]).unwrap();
        l.insert_all([cargo("c", "2021-01-15", "1 t"), cargo("d", "2021-01-01", "1 t")]).unwrap();
        let ids: Vec<String> = l.iter().map(|e| e.id().to_string()).collect();
        assert_eq!(ids, ["a", "d", "c", "b"]);
        let inserted: Vec<String> = l.iter_inserted().map(|e| e.id().to_string()).collect();
        assert_eq!(inserted, ["b", "a", "c", "d"]);
    }

    #[test]
    fn wide_date_spans_sort_too() {
        let mut l = Ledger::new();
        l.insert_all([cargo("late", "2900-01-01", "1 t"), cargo("early", "1900-01-01", "1 t")]).unwrap();
        let ids: Vec<String> = l.iter().map(|e| e.id().to_string()).collect();
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

    /// Ids by position, hashed with `keys`, or all with `hash`.
    struct Names {
        names: Vec<String>,
        keys: Option<IdKeys>,
        hash: u64,
    }

    impl IdOf for Names {
        fn id_of(&self, p: u32) -> Option<String> {
            self.names.get(p as usize).cloned()
        }

        fn hash_at(&self, p: u32) -> u64 {
            match (&self.keys, self.names.get(p as usize)) {
                (Some(k), Some(n)) => k.hash(n.as_str()),
                _ => self.hash,
            }
        }
    }

    #[test]
    fn ids_whose_hashes_collide_are_kept_apart() {
        let mut ids = Ids::default();
        // As if "x", "y" and "z" had one 64-bit hash.
        let h = ids.hash("x");
        let id_of = Names { names: vec!["x".into(), "y".into(), "y".into(), "z".into()], keys: None, hash: h };
        assert_eq!(ids.add(&id_of, vec![(h, 0), (h, 1)]), Ok(()));
        assert_eq!(ids.get(&id_of, "x"), Some(0));
        assert_eq!(ids.collisions.get("y"), Some(&1), "y goes to the collision map");
        assert_eq!(ids.add(&id_of, vec![(h, 3), (h, 2)]), Err(vec![(2, 1)]), "the second y is taken; nothing changes");
        assert_eq!(ids.collisions.get("z"), None);
        assert_eq!(ids.add(&id_of, vec![(h, 3)]), Ok(()));
        assert_eq!(ids.collisions.get("z"), Some(&3));
    }

    #[test]
    fn many_small_batches_merge_into_the_sorted_ids() {
        let names: Vec<String> = (0..10_000).map(|i| format!("e{i}")).collect();
        let mut ids = Ids::default();
        let id_of = Names { names: names.clone(), keys: Some(ids.keys.clone()), hash: 0 };
        for (i, n) in names.iter().enumerate() {
            let h = ids.hash(n);
            assert_eq!(ids.add(&id_of, vec![(h, i as u32)]), Ok(()));
        }
        assert!(ids.sorted.len() > 5000, "merged {} of 10000", ids.sorted.len());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(ids.get(&id_of, n), Some(i as u32));
        }
        let h = ids.hash("e42");
        assert_eq!(ids.add(&id_of, vec![(h, 42)]), Err(vec![(42, 42)]));
    }

    #[test]
    fn segments_are_adopted_and_looked_up_across() {
        let mut l = Ledger::new();
        l.insert_segments(vec![vec![cargo("a", "2021-03-01", "1 t")], vec![], vec![cargo("b", "2021-01-01", "2 t")]])
            .map_err(|_| "refused")
            .unwrap();
        l.insert(cargo("c", "2021-02-01", "3 t")).unwrap();
        assert_eq!(l.get("b").unwrap().quantity().to_string(), "2 t");
        let ids: Vec<String> = l.iter().map(|e| e.id().to_string()).collect();
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
        let mut hashes: Vec<u64> =
            names.iter().map(|n| std::hash::BuildHasher::hash_one(symbols.by_text.hasher(), n.as_str())).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), names.len());
    }
}
