//! Group sums of a fold: a group's figures as they accumulate on one thread, the groups found by
//! codes of their keys, and the [`Summary`] a fold gives per group.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Entry, Text};
use crate::error::Error;
use crate::hash::FxHashMap;
use crate::io::record::Row;
use crate::period::{Coverage, EntryDate};
use crate::quantity::{Dimension, Totals};
use crate::query::{Key, KeyValue};

/// A group's figures so far.
#[derive(Debug, Clone, Default)]
pub(super) struct Acc {
    pub(super) totals: Totals,
    pub(super) entries: u64,
    /// Exchange ids come from files: a keyed set.
    pub(super) exchanges: std::collections::HashSet<Text>,
    /// (first day, place, date) of the first and the last entry in date order.
    pub(super) first: Option<(NaiveDate, u64, EntryDate)>,
    pub(super) last: Option<(NaiveDate, u64, EntryDate)>,
}

impl Acc {
    pub(super) fn merge(&mut self, other: Acc) -> Result<(), Error> {
        self.totals.add_totals(&other.totals)?;
        self.entries += other.entries;
        self.exchanges.extend(other.exchanges);
        self.first = match (self.first.take(), other.first) {
            (Some(a), Some(b)) => Some(if (b.0, b.1) < (a.0, a.1) { b } else { a }),
            (a, b) => a.or(b),
        };
        self.last = match (self.last.take(), other.last) {
            (Some(a), Some(b)) => Some(if (b.0, b.1) > (a.0, a.1) { b } else { a }),
            (a, b) => a.or(b),
        };
        Ok(())
    }
}

/// The most keys a group's [`Code`] holds; more keys take the slower path of full keys.
pub(super) const CODE_KEYS: usize = 12;

/// A group's code within one thread's share: for each key, the address of the entry's interned
/// text (0 for none), or the number given to its value. Texts with the same letters at two
/// addresses make two codes, whose groups the merge joins by their keys; the group holds on to
/// its texts, so that no address is used again for other letters while it is in the map.
///
/// Only the words of the keys given are hashed and compared (a fold has as many keys for every
/// entry): a lookup by two keys hashes two words, not [`CODE_KEYS`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Code {
    len: usize,
    words: [u64; CODE_KEYS],
}

impl Code {
    /// The code of `keys`, each word given by `word`; `None` when there are more than
    /// [`CODE_KEYS`] keys, or when `word` gives none for one of them.
    #[inline]
    fn of(keys: &[Key], mut word: impl FnMut(Key) -> Option<u64>) -> Option<Code> {
        let mut code = Code { len: keys.len(), words: [0; CODE_KEYS] };
        if keys.len() > CODE_KEYS {
            return None;
        }
        for (w, &k) in code.words.iter_mut().zip(keys) {
            *w = word(k)?;
        }
        Some(code)
    }

    fn used(&self) -> &[u64] {
        self.words.get(..self.len).unwrap_or(&self.words)
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.used() == other.used()
    }
}

impl Eq for Code {}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.used().hash(state);
    }
}

/// A group of one thread's share, found by its code.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) key: Vec<KeyValue>,
    /// The texts whose addresses the code holds, kept alive (never read).
    #[allow(dead_code)]
    pins: Vec<Text>,
    pub(super) acc: Acc,
}

/// The entry's interned text for a key of texts; `None` for other keys.
fn key_text(key: Key, e: &Entry) -> Option<Option<&Text>> {
    Some(match key {
        Key::Item => e.item.as_ref(),
        Key::From => e.from.as_ref(),
        Key::To => e.to.as_ref(),
        Key::Via => e.via.as_ref(),
        Key::Region => e.region.as_ref(),
        Key::Exchange => e.extra.as_ref().and_then(|x| x.exchange.as_ref()),
        _ => return None,
    })
}

impl Acc {
    /// Counts one entry of the group.
    pub(super) fn add(
        &mut self,
        coverage: Coverage,
        dim: Dimension,
        canon: Decimal,
        exchange: Option<&Text>,
        at: u64,
        date: EntryDate,
    ) {
        if coverage == Coverage::Sure {
            self.totals.add_canonical(dim, canon);
        } else {
            self.totals.add_possible(dim, canon);
        }
        self.entries += 1;
        if let Some(x) = exchange {
            if !self.exchanges.contains(x) {
                self.exchanges.insert(x.clone());
            }
        }
        let day = date.first_day();
        if self.first.as_ref().is_none_or(|f| (day, at) < (f.0, f.1)) {
            self.first = Some((day, at, date));
        }
        if self.last.as_ref().is_none_or(|l| (day, at) > (l.0, l.1)) {
            self.last = Some((day, at, date));
        }
    }
}

/// Groups found by their codes.
#[derive(Debug, Default)]
pub(super) struct Coded {
    pub(super) codes: FxHashMap<Code, usize>,
    /// The groups, with their keys and the texts whose addresses their codes hold.
    pub(super) slots: Vec<Slot>,
    /// Numbers for the values of keys that are not texts (kinds, categories, months, dates).
    values: FxHashMap<KeyValue, u64>,
}

impl Coded {
    /// The slot of the entry's group, found by its code; `None` when there are too many keys.
    pub(super) fn slot(&mut self, keys: &[Key], e: &Entry) -> Option<&mut Slot> {
        let values = &mut self.values;
        let code = Code::of(keys, |k| {
            Some(match key_text(k, e) {
                Some(t) => t.map_or(0, |t| Arc::as_ptr(t) as usize as u64),
                None => {
                    let v = k.value(e);
                    let next = values.len() as u64 + 1;
                    *values.entry(v).or_insert(next)
                }
            })
        })?;
        let index = match self.codes.get(&code) {
            Some(&i) => i,
            None => {
                let i = self.slots.len();
                let pins = keys.iter().filter_map(|&k| key_text(k, e).flatten().cloned()).collect();
                let key = keys.iter().map(|k| k.value(e)).collect();
                self.slots.push(Slot { key, pins, acc: Acc::default() });
                self.codes.insert(code, i);
                i
            }
        };
        self.slots.get_mut(index)
    }
}

/// Whether a key is one of texts (the row's cells hold it).
pub(super) fn key_text_cell(key: Key) -> Option<()> {
    matches!(key, Key::Item | Key::From | Key::To | Key::Via | Key::Region | Key::Exchange).then_some(())
}

/// Groups of the entries that came as rows, found by codes: a symbol for each text, the index of
/// each kind and category.
#[derive(Debug, Default)]
pub(super) struct Rowed {
    pub(super) codes: FxHashMap<Code, usize>,
    pub(super) slots: Vec<(Vec<KeyValue>, Acc)>,
    /// One thread's share of texts, numbered from 1.
    symbols: crate::ledger::Symbols,
}

impl Rowed {
    pub(super) fn acc(&mut self, keys: &[Key], row: &Row<'_>) -> Option<&mut Acc> {
        let symbols = &mut self.symbols;
        let code = Code::of(keys, |k| {
            Some(match row.text(k) {
                Some(t) => t.map_or(0, |t| u64::from(symbols.intern_str(t))),
                None => match k {
                    Key::Kind => row.kind.index() as u64,
                    Key::Category => row.category.map_or(0, |c| c.index() as u64 + 1),
                    _ => return None,
                },
            })
        })?;
        let index = match self.codes.get(&code) {
            Some(&i) => i,
            None => {
                let i = self.slots.len();
                let mut key = Vec::with_capacity(keys.len());
                for &k in keys {
                    key.push(match row.text(k) {
                        Some(t) => KeyValue::Text(t.map(Arc::from)),
                        None => row_value(k, row)?,
                    });
                }
                self.slots.push((key, Acc::default()));
                self.codes.insert(code, i);
                i
            }
        };
        self.slots.get_mut(index).map(|(_, acc)| acc)
    }
}

/// The value of a key that is not a text, for a row: its kind or category.
fn row_value(key: Key, row: &Row<'_>) -> Option<KeyValue> {
    match key {
        Key::Kind => Some(KeyValue::Kind(row.kind)),
        Key::Category => Some(KeyValue::Category(row.category)),
        _ => None,
    }
}

/// The totals of one group of a [`Fold::group`](super::Fold::group): what [`Group`](crate::Group) gives, with counts
/// and dates in place of the entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub(super) key: Vec<KeyValue>,
    pub(super) totals: Totals,
    pub(super) entries: u64,
    pub(super) exchanges: usize,
    pub(super) first: EntryDate,
    pub(super) last: EntryDate,
}

impl Summary {
    /// The group's value of each key, in the order the keys were given.
    #[must_use]
    pub fn key(&self) -> &[KeyValue] {
        &self.key
    }

    /// The group's totals, one figure per dimension (see [`Group::totals`](crate::Group::totals)).
    #[must_use]
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// How many entries make up the totals.
    #[must_use]
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The number of distinct exchanges among the group's entries.
    #[must_use]
    pub fn exchanges(&self) -> usize {
        self.exchanges
    }

    /// The date of the group's first entry in date order (by first day, then as read).
    #[must_use]
    pub fn first(&self) -> EntryDate {
        self.first
    }

    /// The date of the group's last entry in date order.
    #[must_use]
    pub fn last(&self) -> EntryDate {
        self.last
    }
}
