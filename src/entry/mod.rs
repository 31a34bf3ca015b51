//! Entries: one dated event of a known kind, with an exact quantity, its parties and its source.
//!
//! | kind | dimensions | requires | categories |
//! |---|---|---|---|
//! | `cargo` | mass, volume, area, items | `to` | `humanitarian`, `construction-material`, `food`, `medical`, `shelter`, `other` |
//! | `returnees` | persons | `to` | |
//! | `detainee-transfer` | persons | `from`, `to` | `pow`, `civilian`, `unspecified` |
//! | `remains-transfer` | persons | `from`, `to` | |
//! | `minefield-maps` | packages | `from`, `to` | |
//! | `demining` | area, items, length | `from` (the operator) | `area-cleared`, `explosives-neutralised`, `roads-checked` |
//!
//! In a handover (detainees, remains, minefield maps) `from` and `to` must be two different parties.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::period::EntryDate;
use crate::quantity::Quantity;

mod builder;
mod kind;

pub use builder::EntryBuilder;
pub(crate) use builder::{Checked, checks};
pub use kind::{Category, Event, Kind};

/// One dated event: what happened, how much, between whom, where, and who said so.
///
/// Entries are built with [`Entry::builder`] or a constructor per kind, which validate them.
///
/// # Example
///
/// ```
/// use relief_ledger::{Category, Entry, Kind};
///
/// // AP: on 2020-12-14, 44 detainees were handed over to Armenia.
/// let e = Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?)
///     .id("dt-2020-12-14-arm")
///     .from("AZE")
///     .to("ARM")
///     .via("RU-PKF")
///     .source("AP")
///     .build()?;
/// assert_eq!(e.kind(), Kind::DetaineeTransfer);
/// assert_eq!(e.to(), Some("ARM"));
/// assert_eq!(
///     e.to_string(),
///     "2020-12-14 dt-2020-12-14-arm detainee-transfer 44 persons from=AZE to=ARM via=RU-PKF source=\"AP\""
/// );
///
/// // Validation collects every problem: here the parties are the same, and a category of another kind.
/// let err = Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?)
///     .from("ARM")
///     .to("ARM")
///     .category(Category::Food)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Serde
///
/// An entry serializes to the record of the JSON file format: an object of the columns of
/// [`ENTRY_COLUMNS`](crate::ENTRY_COLUMNS) that have a value, in that order, every value a string
/// (decimals as written, dates `YYYY-MM-DD`). Deserializing reads such a record as the file readers
/// do (a count of `mines` may be a JSON number; any other number is refused, never passed through a
/// float) and validates it as [`EntryBuilder::build`] does, every problem in one message. An
/// unattributed entry of a fill is written as a plain entry: the mark is the verification's.
///
/// ```
/// use relief_ledger::Entry;
///
/// let e = Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).id("dt-1").from("AZE").to("ARM").build()?;
/// let json = serde_json::to_string(&e)?;
/// assert_eq!(
///     json,
///     r#"{"id":"dt-1","date":"2020-12-14","kind":"detainee-transfer","quantity":"44","unit":"persons","from":"AZE","to":"ARM"}"#
/// );
/// assert_eq!(serde_json::from_str::<Entry>(&json)?, e);
///
/// let bad = r#"{"date":"2020-12-14","kind":"detainee-transfer","quantity":"44","unit":"t","from":"AZE"}"#;
/// let err = serde_json::from_str::<Entry>(bad).unwrap_err().to_string();
/// assert!(err.contains("field unit"), "{err}");
/// assert!(err.contains("field to"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    pub(crate) id: Id,
    /// The day, or the first day of a date known only to a span (kept whole in `extra`).
    pub(crate) date: NaiveDate,
    pub(crate) event: Event,
    pub(crate) quantity: Quantity,
    pub(crate) item: Option<Text>,
    pub(crate) from: Option<Text>,
    pub(crate) to: Option<Text>,
    pub(crate) via: Option<Text>,
    pub(crate) region: Option<Text>,
    pub(crate) source: Option<Text>,
    pub(crate) extra: Option<Box<Extra>>,
}

/// An entry id. Ids are short (`e123456`, `dt-2020-12-14-arm`), so most are kept inline: a ledger
/// of a million entries makes no allocation for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) enum Id {
    #[default]
    Empty,
    Inline(u8, [u8; INLINE_ID]),
    Heap(Box<str>),
}

const INLINE_ID: usize = 22;

impl Id {
    pub(crate) fn new(s: &str) -> Id {
        if s.is_empty() {
            return Id::Empty;
        }
        if s.len() <= INLINE_ID {
            let mut bytes = [0u8; INLINE_ID];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Id::Inline(s.len() as u8, bytes)
        } else {
            Id::Heap(s.into())
        }
    }

    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Id::Empty => "",
            // Inline bytes were copied whole from a `&str`, so they are valid UTF-8.
            Id::Inline(len, bytes) => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or(""),
            Id::Heap(s) => s,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Id::Empty)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A shared text value. Readers and the ledger intern them, so that a million entries naming the
/// same party share one string; one pointer wide, to keep entries small.
pub(crate) type Text = Arc<String>;

/// Fields most entries leave empty, kept out of line to keep entries small.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Extra {
    pub(crate) note: Option<Text>,
    pub(crate) fills: Option<Text>,
    /// The id of the exchange the entry belongs to.
    pub(crate) exchange: Option<Text>,
    /// A date known only to a month, a year or a range (few entries have one).
    pub(crate) span: Option<EntryDate>,
}

impl Entry {
    /// Starts an entry of `kind`; finish it with [`EntryBuilder::build`].
    ///
    /// The entry is dated on one day; [`EntryBuilder::date`] dates it to a month, a year or a range.
    pub fn builder(kind: Kind, date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        EntryBuilder {
            kind,
            date: EntryDate::from(date),
            quantity,
            id: None,
            category: None,
            mines: None,
            item: None,
            from: None,
            to: None,
            via: None,
            region: None,
            source: None,
            note: None,
            fills: None,
            exchange: None,
        }
    }

    /// Starts a `cargo` entry.
    pub fn cargo(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::Cargo, date, quantity)
    }

    /// Starts a `returnees` entry.
    pub fn returnees(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::Returnees, date, quantity)
    }

    /// Starts a `detainee-transfer` entry.
    pub fn detainee_transfer(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::DetaineeTransfer, date, quantity)
    }

    /// Starts a `remains-transfer` entry.
    pub fn remains_transfer(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::RemainsTransfer, date, quantity)
    }

    /// Starts a `minefield-maps` entry.
    pub fn minefield_maps(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::MinefieldMaps, date, quantity)
    }

    /// Starts a `demining` entry.
    pub fn demining(date: NaiveDate, quantity: Quantity) -> EntryBuilder {
        Entry::builder(Kind::Demining, date, quantity)
    }

    /// The id; unique within a ledger. Empty until the entry is given one or inserted into a ledger.
    #[must_use]
    pub fn id(&self) -> &str {
        self.id.as_str()
    }

    /// When it happened: a day, or a month, a year or a range when the day is not known.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::Entry;
    ///
    /// // "early November 2024": known only to a span of days.
    /// let e = Entry::remains_transfer("2024-11-01".parse()?, "563 persons".parse()?)
    ///     .date("2024-11-01..2024-11-10".parse()?)
    ///     .from("RUS")
    ///     .to("UKR")
    ///     .build()?;
    /// assert_eq!(e.date().to_string(), "2024-11-01..2024-11-10");
    /// assert_eq!(e.date().as_day(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn date(&self) -> EntryDate {
        match self.extra.as_ref().and_then(|x| x.span) {
            Some(span) => span,
            None => EntryDate::from(self.date),
        }
    }

    /// What happened, with the kind's own fields.
    #[must_use]
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// The kind of event.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.event.kind()
    }

    /// The category, if any.
    #[must_use]
    pub fn category(&self) -> Option<Category> {
        self.event.category()
    }

    /// How much.
    #[must_use]
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The item (`glass`, `flour`), if named.
    pub fn item(&self) -> Option<&str> {
        self.item.as_deref().map(String::as_str)
    }

    /// The party it came from: provider, origin, the party that held or handed over.
    pub fn from(&self) -> Option<&str> {
        self.from.as_deref().map(String::as_str)
    }

    /// The party it went to: recipient, destination, the party receiving.
    pub fn to(&self) -> Option<&str> {
        self.to.as_deref().map(String::as_str)
    }

    /// The intermediary or facilitator, such as peacekeepers or a Red Cross delegation.
    pub fn via(&self) -> Option<&str> {
        self.via.as_deref().map(String::as_str)
    }

    /// The area: free text or a P-code.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref().map(String::as_str)
    }

    /// The citation: outlet, title, URL.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref().map(String::as_str)
    }

    /// A free-text note.
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|x| x.note.as_deref()).map(String::as_str)
    }

    /// The id of the exchange the entry belongs to: the occasion (prisoners handed over both
    /// ways, maps for detainees) that links it with other entries; see [`Ledger::exchanges`](crate::Ledger::exchanges).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::Entry;
    ///
    /// // 2021-02-10: Armenia returned 1 prisoner of war, Azerbaijan 5 Armenians (public-figures.md).
    /// let e = Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?)
    ///     .from("ARM")
    ///     .to("AZE")
    ///     .exchange("x-2021-02-10")
    ///     .build()?;
    /// assert_eq!(e.exchange(), Some("x-2021-02-10"));
    /// assert!(e.to_string().ends_with("exchange=x-2021-02-10"), "{e}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exchange(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|x| x.exchange.as_deref()).map(String::as_str)
    }

    /// For an unattributed entry made by a `fill` report, the id of that report.
    ///
    /// Such an entry records a shortfall that no dated event explains.
    pub fn unattributed(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|x| x.fills.as_deref()).map(String::as_str)
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.date, self.id, self.kind())?;
        if let Some(c) = self.category() {
            write!(f, "/{c}")?;
        }
        write!(f, " {}", self.quantity)?;
        let fields = [
            ("item", self.item()),
            ("from", self.from()),
            ("to", self.to()),
            ("via", self.via()),
            ("region", self.region()),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                if v.contains(char::is_whitespace) {
                    write!(f, " {name}={v:?}")?;
                } else {
                    write!(f, " {name}={v}")?;
                }
            }
        }
        if let Some(m) = self.event.mines() {
            write!(f, " mines={m}")?;
        }
        if let Some(r) = self.unattributed() {
            write!(f, " unattributed-from={r}")?;
        }
        if let Some(x) = self.exchange() {
            if x.contains(char::is_whitespace) {
                write!(f, " exchange={x:?}")?;
            } else {
                write!(f, " exchange={x}")?;
            }
        }
        if let Some(s) = self.source() {
            write!(f, " source={s:?}")?;
        }
        if let Some(n) = self.note() {
            write!(f, " note={n:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn kinds_and_categories_round_trip() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
            for c in k.categories() {
                assert_eq!(c.kind(), k);
            }
        }
        for c in Category::ALL {
            assert_eq!(c.to_string().parse::<Category>().unwrap(), c);
        }
    }

    #[test]
    fn every_validation_problem_is_reported() {
        let err = Entry::minefield_maps(date("2021-06-12"), "0 t".parse().unwrap())
            .category(Category::Pow)
            .from("ARM")
            .item(" ")
            .build()
            .unwrap_err();
        let fields: Vec<&str> = err.problems().iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, ["quantity", "unit", "category", "item", "to"]);
    }

    #[test]
    fn unit_of_wrong_dimension_says_what_is_allowed() {
        let err = Entry::returnees(date("2021-01-13"), "5 t".parse().unwrap()).to("NKR").build().unwrap_err();
        assert_eq!(err.to_string(), "field unit: returnees is counted in persons (persons), not mass (t)");
    }

    #[test]
    fn unattributed_entries_need_no_parties() {
        let e = Entry::detainee_transfer(date("2021-11-09"), "26 persons".parse().unwrap())
            .to("ARM")
            .unattributed("r-105")
            .build()
            .unwrap();
        assert_eq!(e.unattributed(), Some("r-105"));
        assert!(e.to_string().contains("unattributed-from=r-105"));
    }

    #[test]
    fn minefield_maps_carry_mines() {
        let e = Entry::minefield_maps(date("2021-06-12"), "1 packages".parse().unwrap())
            .from("ARM")
            .to("AZE")
            .mines(97_000)
            .build()
            .unwrap();
        assert_eq!(e.event().mines(), Some(97_000));
        assert!(Entry::cargo(date("2021-06-12"), "1 t".parse().unwrap()).to("NKR").mines(3).build().is_err());
    }

    #[test]
    fn entries_stay_small() {
        assert!(std::mem::size_of::<Entry>() <= 120, "{}", std::mem::size_of::<Entry>());
    }
}
