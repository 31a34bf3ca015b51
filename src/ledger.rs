//! The ledger: validated insertion with unique ids, entries kept in date order, lookup by id.
//!
//! Beside the entries it keeps a compact row per entry (symbols for the scope's text fields, the
//! quantity in its canonical unit), in date order, so that queries and verification scan small
//! fixed-size records instead of strings.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::entry::Entry;
use crate::error::{Error, Position, Problem};
use crate::hash::FxHashMap;
use crate::quantity::Dimension;

/// Interned text values; symbol 0 means "absent".
#[derive(Debug, Default, Clone)]
pub(crate) struct Symbols {
    map: FxHashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Symbols {
    /// The symbol of `s`, adding it if new, and the shared copy of the text.
    fn intern(&mut self, s: &Arc<str>) -> (u32, Arc<str>) {
        if let Some((k, &v)) = self.map.get_key_value(s) {
            return (v, k.clone());
        }
        self.names.push(s.clone());
        let v = self.names.len() as u32;
        self.map.insert(s.clone(), v);
        (v, s.clone())
    }

    /// The symbol of `s`, if any entry has it.
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
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
    ids: FxHashMap<Arc<str>, u32>,
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
        let mut batch: Vec<Entry> = entries.into_iter().collect();
        let base = self.entries.len();
        let mut problems = Vec::new();
        let mut seen: FxHashMap<Arc<str>, usize> = FxHashMap::default();
        seen.reserve(batch.len());
        let mut canon = Vec::with_capacity(batch.len());
        for (i, e) in batch.iter_mut().enumerate() {
            if e.id.is_empty() {
                e.id = Arc::from(format!("#{}", base + i + 1));
            }
            let position = Position { id: Some(e.id.to_string()), ..Position::default() };
            if self.ids.contains_key(&e.id) {
                problems.push(duplicate(&e.id, "is already in the ledger", &position));
            } else if let Some(first) = seen.insert(e.id.clone(), i) {
                let msg = format!("is used twice in the batch (first by entry {} of the batch)", first + 1);
                problems.push(duplicate(&e.id, &msg, &position));
            }
            match e.quantity.canonical() {
                Ok(q) => canon.push(q.value()),
                Err(err) => problems.extend(err.at(&position).problems().iter().cloned()),
            }
        }
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        if base + batch.len() > u32::MAX as usize {
            return Err(Error::overflow("a ledger holds at most 4294967295 entries"));
        }
        self.ids.reserve(batch.len());
        self.rows.reserve(batch.len());
        self.entries.reserve(batch.len());
        let sorted_before = self.rows.last().map(|r| r.date);
        let mut in_order = true;
        let mut last = sorted_before;
        for (i, (mut e, c)) in batch.into_iter().zip(canon).enumerate() {
            let pos = (base + i) as u32;
            let mut text = [0u32; 5];
            for (slot, field) in text.iter_mut().zip([&mut e.item, &mut e.from, &mut e.to, &mut e.via, &mut e.region]) {
                if let Some(s) = field {
                    let (sym, shared) = self.symbols.intern(s);
                    *slot = sym;
                    *s = shared;
                }
            }
            let date = e.date;
            if last.is_some_and(|l| date < l) {
                in_order = false;
            }
            last = Some(date);
            self.rows.push(Row {
                canon: c,
                date,
                month: date.year() * 12 + date.month0() as i32,
                pos,
                text,
                kind: e.kind().index() as u8,
                category: e.category().map_or(0, |c| c.index() as u8 + 1),
                dim: e.quantity.dimension().index() as u8,
            });
            self.ids.insert(e.id.clone(), pos);
            self.entries.push(e);
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
        self.ids.get(id).map(|&p| &self.entries[p as usize])
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

fn duplicate(id: &str, what: &str, position: &Position) -> Problem {
    let mut p = Problem::new("id", format!("{id:?} {what}; ids must be unique"));
    p.position = position.clone();
    p
}

/// A stable counting sort by day: rows of one day keep their relative order, which is insertion
/// order because earlier batches are already sorted and come first.
fn sort_rows_by_date(rows: &mut Vec<Row>) {
    let (Some(min), Some(max)) = (rows.iter().map(|r| r.date).min(), rows.iter().map(|r| r.date).max()) else {
        return;
    };
    let span = (max - min).num_days() as usize + 1;
    if span > rows.len().saturating_mul(4).max(1024) {
        rows.sort_by_key(|r| (r.date, r.pos));
        return;
    }
    let day = |r: &Row| (r.date - min).num_days() as usize;
    let mut starts = vec![0usize; span + 1];
    for r in rows.iter() {
        starts[day(r) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    let mut slots: Vec<Option<Row>> = vec![None; rows.len()];
    for r in rows.iter() {
        let d = day(r);
        slots[starts[d]] = Some(*r);
        starts[d] += 1;
    }
    out.extend(slots.into_iter().flatten());
    *rows = out;
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
    }

    #[test]
    fn entries_without_ids_are_numbered() {
        let e = Entry::cargo("2021-01-01".parse().unwrap(), "1 t".parse().unwrap()).to("NKR").build().unwrap();
        let mut l = Ledger::new();
        l.insert_all([e.clone(), e]).unwrap();
        assert!(l.get("#1").is_some() && l.get("#2").is_some());
    }
}
