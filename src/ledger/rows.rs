//! The compact form of an entry (a row), and batches of rows made where entries are read.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::entry::{Category, Entry, Kind, Text};
use crate::error::Problem;
use crate::period::EntryDate;
use crate::quantity::{Quantity, Unit};

use super::ids::{IdStore, NUMERIC, prefix_number};
use super::overflow;
use super::symbols::Symbols;

/// The compact form of an entry: what queries scan, and all an [`Entry`] is built from (with the
/// ledger's symbols and side tables).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Row {
    /// The id's code (see [`IdStore`]), low word first: two words keep the row 4-byte aligned.
    pub(super) id: [u32; 2],
    /// The quantity's mantissa in its own unit (with `bits & SCALE` its scale), or with `BIG` the
    /// index of the value in the ledger's side table.
    pub(super) mantissa: i32,
    /// The first day of the entry's date (its day, for an entry known to the day), in days from
    /// 0001-01-01 (chrono's day 1).
    pub(super) first: i32,
    /// The last day of the entry's date; `first` for an entry known to the day.
    pub(super) last: i32,
    /// Position of the entry in insertion order.
    pub(crate) pos: u32,
    /// item, from, to, via, region.
    pub(crate) text: [u32; 5],
    pub(super) source: u32,
    pub(crate) kind: u8,
    /// 0 for none, else the category's index + 1.
    pub(crate) category: u8,
    /// The quantity's unit, its index in [`Unit::ALL`].
    pub(super) unit: u8,
    /// The scale (`SCALE`), and the marks `BIG` and `SPARSE`.
    pub(super) bits: u8,
}

pub(super) const SCALE: u8 = 0x1f;
/// The quantity is in the ledger's side table of decimals.
pub(super) const BIG: u8 = 0x80;
/// The entry has fields in the ledger's sparse side table.
pub(super) const SPARSE: u8 = 0x40;

pub(super) fn day(n: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN)
}

impl Row {
    /// The first day of the entry's date.
    #[inline]
    pub(crate) fn date(&self) -> NaiveDate {
        day(self.first)
    }

    /// The last day of the entry's date.
    #[inline]
    pub(crate) fn last(&self) -> NaiveDate {
        day(self.last)
    }

    /// The first and last day, as days from 0001-01-01.
    #[inline]
    pub(crate) fn days(&self) -> (i32, i32) {
        (self.first, self.last)
    }

    /// True when the entry is known to the day.
    #[inline]
    pub(crate) fn is_day(&self) -> bool {
        self.first == self.last
    }

    /// `year * 12 + month - 1`, of the first day.
    #[inline]
    pub(crate) fn month(&self) -> i32 {
        let d = self.date();
        d.year() * 12 + d.month0() as i32
    }

    #[inline]
    pub(crate) fn unit(&self) -> Unit {
        Unit::ALL.get(usize::from(self.unit)).copied().unwrap_or(Unit::Tonne)
    }

    /// The index of the quantity's dimension.
    #[inline]
    pub(crate) fn dim(&self) -> u8 {
        self.unit().dimension().index() as u8
    }

    /// True when the entry names its source.
    #[inline]
    pub(crate) fn has_source(&self) -> bool {
        self.source != 0
    }

    pub(super) fn id_code(&self) -> u64 {
        u64::from(self.id[0]) | u64::from(self.id[1]) << 32
    }
}

/// The fields few entries have, by position.
#[derive(Debug, Clone, Default)]
pub(super) struct Sparse {
    pub(super) note: Option<Text>,
    pub(super) fills: Option<Text>,
    /// A date known only to a month, a year or a range.
    pub(super) span: Option<EntryDate>,
    pub(super) mines: Option<u64>,
    /// The exchange id's symbol, 0 for none.
    pub(super) exchange: u32,
}

/// Rows made from validated entries where they are read (on a reader's worker thread, say), with
/// symbols and ids of their own; [`Ledger::insert_row_batches`](super::Ledger::insert_row_batches) adopts them, renumbering what is
/// theirs, so that an [`Entry`] need not outlive the line it was read from.
///
/// A reader feeds it `batch.push(&builder.build()?)`: an entry's own checks stay in
/// [`EntryBuilder::build`](crate::EntryBuilder::build); ids and exchanges are checked on insertion.
#[derive(Debug, Default)]
pub(crate) struct RowBatch {
    /// `pos` is the index in the batch; the symbols are the batch's.
    pub(super) rows: Vec<Row>,
    pub(super) symbols: Symbols,
    pub(super) ids: IdStore,
    pub(super) big: Vec<Decimal>,
    pub(super) sparse: Vec<(u32, Sparse)>,
    /// Quantities whose canonical form does not fit a decimal, by index in the batch.
    pub(super) overflows: Vec<(u32, Problem)>,
}

impl RowBatch {
    /// An empty batch with room for `rows` rows.
    pub(crate) fn with_capacity(rows: usize) -> RowBatch {
        RowBatch { rows: Vec::with_capacity(rows), ..RowBatch::default() }
    }

    /// Frees what only the reading of the batch's rows needs (the table of recent texts).
    pub(crate) fn done_reading(&mut self) {
        self.symbols.forget_recent();
    }

    /// Whether the batch holds no table of recent texts (see [`RowBatch::done_reading`]).
    #[cfg(test)]
    pub(crate) fn is_done_reading(&self) -> bool {
        self.symbols.recent_is_empty()
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The ids of the rows, in order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = String> + '_ {
        self.rows.iter().map(|r| self.ids.decode(r.id_code()))
    }

    /// Adds the row of a validated entry.
    pub(crate) fn push(&mut self, e: &Entry) {
        let extra = e.extra.as_ref();
        let s = &mut self.symbols;
        let texts = [&e.item, &e.from, &e.to, &e.via, &e.region, &e.source].map(|t| s.intern_opt(t));
        let exchange = extra.and_then(|x| x.exchange.as_ref()).map_or(0, |x| s.intern(x));
        self.push_fields(&Fields {
            id: e.id(),
            date: e.date(),
            kind: e.kind(),
            category: e.category(),
            quantity: &e.quantity,
            mines: e.event.mines(),
            texts,
            exchange,
            note: extra.and_then(|x| x.note.clone()),
            fills: extra.and_then(|x| x.fills.clone()),
        });
    }

    /// Adds the row of a record whose cells were checked as an entry's (see
    /// [`row_from_cells`](crate::io::record::row_from_cells)), without building the entry.
    pub(crate) fn push_row(&mut self, row: &crate::io::record::Row<'_>) {
        let cells = row.cells;
        let cell = |i: usize| cells.get(i).copied().flatten();
        let texts = self.symbols.intern_strs([cell(4), cell(7), cell(8), cell(9), cell(10), cell(11)]);
        let exchange = cell(14).map_or(0, |t| self.symbols.intern_str(t));
        self.push_fields(&Fields {
            id: row.id,
            date: row.date,
            kind: row.kind,
            category: row.category,
            quantity: &row.quantity,
            mines: row.mines,
            texts,
            exchange,
            note: cells.get(12).copied().flatten().map(|s| Arc::new(s.to_string())),
            fills: None,
        });
    }

    /// Codes as text, in the batch's arena, the ids coded as a prefix and a number whose prefix
    /// (by its index in the batch) is `unmapped`.
    pub(super) fn spill_ids(&mut self, unmapped: impl Fn(usize) -> bool) {
        let mut id = String::new();
        for r in &mut self.rows {
            let c = r.id_code();
            if c & NUMERIC != 0 && unmapped(prefix_number(c)) {
                id.clear();
                self.ids.decode_into(c, &mut id);
                let code = self.ids.encode_text(&id);
                r.id = [code as u32, (code >> 32) as u32];
            }
        }
    }

    fn push_fields(&mut self, e: &Fields<'_>) {
        let pos = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        if e.quantity.canonical_value().is_none() {
            self.overflows.push((pos, overflow(e.quantity, e.id)));
        }
        let value = e.quantity.value();
        let unit = e.quantity.unit();
        let (mantissa, mut bits) = match i32::try_from(value.mantissa()) {
            Ok(m) if value.scale() <= u32::from(SCALE) => (m, value.scale() as u8),
            _ => {
                self.big.push(value);
                ((self.big.len() - 1) as u32 as i32, BIG)
            }
        };
        let [item, from, to, via, region, source] = e.texts;
        let exchange = e.exchange;
        let span = e.date.as_day().is_none().then_some(e.date);
        if e.note.is_some() || e.fills.is_some() || span.is_some() || e.mines.is_some() || exchange != 0 {
            let sparse = Sparse { note: e.note.clone(), fills: e.fills.clone(), span, mines: e.mines, exchange };
            self.sparse.push((pos, sparse));
            bits |= SPARSE;
        }
        let code = self.ids.encode(e.id);
        let first = e.date.first_day().num_days_from_ce();
        let last = if span.is_some() { e.date.last_day().num_days_from_ce() } else { first };
        self.rows.push(Row {
            id: [code as u32, (code >> 32) as u32],
            mantissa,
            first,
            last,
            pos,
            text: [item, from, to, via, region],
            source,
            kind: e.kind.index() as u8,
            category: e.category.map_or(0, |c| c.index() as u8 + 1),
            unit: unit.index() as u8,
            bits,
        });
    }
}

/// The fields of an entry that make its row.
struct Fields<'a> {
    pub(super) id: &'a str,
    pub(super) date: EntryDate,
    pub(super) kind: Kind,
    pub(super) category: Option<Category>,
    pub(super) quantity: &'a Quantity,
    pub(super) mines: Option<u64>,
    /// The symbols of item, from, to, via, region and source (0 for none).
    pub(super) texts: [u32; 6],
    /// The symbol of the exchange's id (0 for none).
    pub(super) exchange: u32,
    pub(super) note: Option<Text>,
    pub(super) fills: Option<Text>,
}
