//! The ledger: validated insertion with unique ids, entries kept in date order, lookup by id.
//!
//! Beside the entries it keeps a compact row per entry (symbols for the scope's text fields, the
//! quantity in its canonical unit), in date order, so that queries and verification scan small
//! fixed-size records instead of strings.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use std::hash::Hasher;

use crate::entry::{Entry, Text};
use crate::error::{Error, Position, Problem};
use crate::hash::{FxHashMap, FxHasher};
use crate::quantity::Dimension;

/// Interned text values; symbol 0 means "absent".
///
/// Lookups go by the text's address first: readers intern their texts, so most entries arrive with
/// a pointer seen before, and hashing an address is cheaper than hashing a string.
#[derive(Debug, Default, Clone)]
pub(crate) struct Symbols {
    by_text: FxHashMap<String, u32>,
    by_ptr: FxHashMap<usize, u32>,
    /// The canonical copy of each symbol's text (index = symbol - 1).
    names: Vec<Text>,
    /// Other copies whose addresses are in `by_ptr`; kept alive so that the addresses stay theirs.
    aliases: Vec<Text>,
}

/// How many non-canonical copies of texts the address cache remembers.
const MAX_ALIASES: usize = 1 << 16;

impl Symbols {
    /// The symbol of `t`, adding it if new, and the canonical shared copy of the text.
    fn intern(&mut self, t: &Text) -> (u32, Text) {
        let ptr = Arc::as_ptr(t) as usize;
        if let Some(&sym) = self.by_ptr.get(&ptr) {
            return (sym, self.names[sym as usize - 1].clone());
        }
        if let Some(&sym) = self.by_text.get(t.as_str()) {
            if self.aliases.len() < MAX_ALIASES {
                self.aliases.push(t.clone());
                self.by_ptr.insert(ptr, sym);
            }
            return (sym, self.names[sym as usize - 1].clone());
        }
        self.names.push(t.clone());
        let sym = self.names.len() as u32;
        self.by_text.insert(t.to_string(), sym);
        self.by_ptr.insert(ptr, sym);
        (sym, t.clone())
    }

    /// The symbol of `s`, if any entry has it.
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.by_text.get(s).copied()
    }
}

/// Entry positions by id, keyed by a 64-bit hash of the id so that the ids are not stored twice;
/// the rare ids whose hash another id already has go to `collisions`, keyed by the id itself.
#[derive(Debug, Default, Clone)]
struct Ids {
    by_hash: FxHashMap<u64, u32>,
    collisions: FxHashMap<Box<str>, u32>,
}

fn id_hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    h.write_usize(id.len());
    h.finish()
}

impl Ids {
    fn get(&self, entries: &[Entry], id: &str) -> Option<u32> {
        match self.by_hash.get(&id_hash(id)) {
            Some(&p) if entries.get(p as usize).is_some_and(|e| &*e.id == id) => Some(p),
            _ => self.collisions.get(id).copied(),
        }
    }

    /// Records `id` at `pos`; false when the id is already taken.
    fn insert(&mut self, entries: &[Entry], id: &str, pos: u32) -> bool {
        if self.get(entries, id).is_some() {
            return false;
        }
        match self.by_hash.entry(id_hash(id)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(pos);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collisions.insert(id.into(), pos);
            }
        }
        true
    }

    fn remove(&mut self, entries: &[Entry], id: &str) {
        let h = id_hash(id);
        if self.by_hash.get(&h).is_some_and(|&p| entries.get(p as usize).is_some_and(|e| &*e.id == id)) {
            self.by_hash.remove(&h);
        } else {
            self.collisions.remove(id);
        }
    }
}

/// The compact form of an entry that queries scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// The quantity in its dimension's canonical unit.
    pub(crate) canon: Decimal,
    pub(crate) date: NaiveDate,
    /// `year * 12 + month - 1`.
    pub(crate) month: i32,
    /// Position of the entry in insertion order.
    pub(crate) pos: u32,
    /// item, from, to, via, region.
    pub(crate) text: [u32; 5],
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
    entries: Vec<Entry>,
    /// One per entry, sorted by (date, insertion position).
    rows: Vec<Row>,
    ids: Ids,
    pub(crate) symbols: Symbols,
}

impl Ledger {
    /// An empty ledger.
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
        self.insert_batch(entries).map_err(|problems| Error::invalid(problems.into_iter().map(|b| b.problem).collect()))
    }

    /// Inserts a batch, all or none; the problems name the batch positions they are about.
    pub(crate) fn insert_batch(&mut self, entries: impl IntoIterator<Item = Entry>) -> Result<(), Vec<BatchProblem>> {
        let base = self.entries.len();
        let entries = entries.into_iter();
        self.entries.reserve(entries.size_hint().0);
        self.rows.reserve(entries.size_hint().0);
        let mut problems: Vec<BatchProblem> = Vec::new();
        let mut in_order = true;
        let mut last = self.rows.last().map(|r| r.date);
        // Entries go in as they come, so that a large batch is never held twice; a batch with
        // problems is rolled back whole.
        for mut e in entries {
            let pos = self.entries.len();
            if e.id.is_empty() {
                e.id = format!("#{}", pos + 1).into_boxed_str();
            }
            let position = || Position { id: Some(e.id.to_string()), ..Position::default() };
            if pos >= u32::MAX as usize {
                let problem = Problem::general("a ledger holds at most 4294967295 entries");
                problems.push(BatchProblem { index: pos - base, first: None, problem });
                break;
            }
            let canon = e.quantity.canonical();
            if !self.ids.insert(&self.entries, &e.id, pos as u32) {
                let first = self.ids.get(&self.entries, &e.id).map_or(0, |p| p as usize);
                let (msg, first) = if first >= base {
                    (format!("is used twice in the batch (first by entry {} of the batch)", first - base + 1), Some(first - base))
                } else {
                    ("is already in the ledger".to_string(), None)
                };
                problems.push(BatchProblem { index: pos - base, first, problem: duplicate(&e.id, &msg, &position()) });
                continue;
            }
            let canon = match canon {
                Ok(q) => q.value(),
                Err(err) => {
                    let at = err.at(&position());
                    problems.extend(at.problems().iter().cloned().map(|problem| BatchProblem { index: pos - base, first: None, problem }));
                    self.entries.push(e);
                    continue;
                }
            };
            if !problems.is_empty() {
                // The batch is refused already; keep checking ids, and keep the entry for the rollback.
                self.entries.push(e);
                continue;
            }
            let mut text = [0u32; 5];
            for (slot, field) in text.iter_mut().zip([&mut e.item, &mut e.from, &mut e.to, &mut e.via, &mut e.region]) {
                if let Some(t) = field {
                    let (sym, shared) = self.symbols.intern(t);
                    *slot = sym;
                    *t = shared;
                }
            }
            let date = e.date;
            if last.is_some_and(|l| date < l) {
                in_order = false;
            }
            last = Some(date);
            self.rows.push(Row {
                canon,
                date,
                month: date.year() * 12 + date.month0() as i32,
                pos: pos as u32,
                text,
                kind: e.kind().index() as u8,
                category: e.category().map_or(0, |c| c.index() as u8 + 1),
                dim: e.quantity.dimension().index() as u8,
            });
            self.entries.push(e);
        }
        if !problems.is_empty() {
            for e in &self.entries[base..] {
                self.ids.remove(&self.entries, &e.id);
            }
            self.entries.truncate(base);
            self.rows.retain(|r| (r.pos as usize) < base);
            return Err(problems);
        }
        if !in_order {
            sort_rows_by_date(&mut self.rows);
        }
        Ok(())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the ledger holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.ids.get(&self.entries, id).map(|p| &self.entries[p as usize])
    }

    /// The entries in date order (entries of one day in the order they were inserted).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.rows.iter().map(|r| &self.entries[r.pos as usize])
    }

    /// The entries in the order they were inserted.
    pub fn iter_inserted(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub(crate) fn entry_at(&self, pos: u32) -> &Entry {
        &self.entries[pos as usize]
    }

    /// The entries' dates, first and last.
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.rows.first()?.date, self.rows.last()?.date))
    }

    /// Takes the entries out, in insertion order.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
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

fn duplicate(id: &str, what: &str, position: &Position) -> Problem {
    let mut p = Problem::new("id", format!("{id:?} {what}; ids must be unique"));
    p.position = position.clone();
    p
}

/// A stable counting sort by day, applied in place: rows of one day keep their relative order,
/// which is insertion order because earlier batches are already sorted and come first.
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
    // Follow each cycle of the permutation, swapping rows into place.
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
        let entries = vec![cargo("x", "2021-01-01", "1 t"), cargo("y", "2021-01-01", "1 t")];
        assert!(ids.insert(&entries, "x", 0));
        // Force "y" into the collision map, as a 64-bit hash collision would.
        ids.collisions.insert("y".into(), 1);
        assert_eq!(ids.get(&entries, "x"), Some(0));
        assert_eq!(ids.get(&entries, "y"), Some(1));
        assert!(!ids.insert(&entries, "y", 1));
        ids.remove(&entries, "y");
        assert_eq!(ids.get(&entries, "y"), None);
    }

    #[test]
    fn entries_without_ids_are_numbered() {
        let e = Entry::cargo("2021-01-01".parse().unwrap(), "1 t".parse().unwrap()).to("NKR").build().unwrap();
        let mut l = Ledger::new();
        l.insert_all([e.clone(), e]).unwrap();
        assert!(l.get("#1").is_some() && l.get("#2").is_some());
    }
}
