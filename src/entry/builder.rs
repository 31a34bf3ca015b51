//! Building an entry: its fields set one by one, then checked together.

use std::sync::Arc;

use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo};
use crate::period::EntryDate;
use crate::quantity::{Dimension, Quantity};

use super::{Category, Entry, Event, Extra, Id, Kind, Text};

/// Builds a validated [`Entry`]; see [`Entry::builder`].
///
/// Nothing is checked until [`build`](EntryBuilder::build), which lists every problem at once.
///
/// # Example
///
/// Built from a `chrono` date and a `Decimal`, through the crate's re-exports (no second version of
/// either is needed): about 155 t of humanitarian supplies, delivered on 2021-05-26 (MoD, via TASS).
///
/// ```
/// use relief_ledger::chrono::NaiveDate;
/// use relief_ledger::rust_decimal::Decimal;
/// use relief_ledger::{Category, Entry, Kind, ProblemKind, Quantity, Unit};
///
/// let date = NaiveDate::from_ymd_opt(2021, 5, 26).ok_or("no such day")?;
/// let quantity = Quantity::new(Decimal::from(155), Unit::Tonne)?;
/// let entry = Entry::builder(Kind::Cargo, date, quantity)
///     .id("cg-2021-05-26")
///     .category(Category::Humanitarian)
///     .to("NKR")
///     .source("TASS, tass.com/politics/1294089")
///     .note("about 155 t")
///     .build()?;
/// assert_eq!(entry.date(), date);
/// assert_eq!(entry.quantity().value(), Decimal::from(155));
/// assert_eq!(entry.category(), Some(Category::Humanitarian));
///
/// // 2,500 kg, exactly: a decimal with a scale, never a float.
/// let kg = Quantity::new(Decimal::new(2500, 0), Unit::Kilogram)?;
/// assert_eq!(kg.canonical()?.to_string(), "2.5 t");
///
/// // Validated when built: a category of another kind, a transfer without its parties.
/// let err = Entry::cargo(date, "1 t".parse()?).category(Category::Pow).to("NKR").build().unwrap_err();
/// assert!(err.has(ProblemKind::Inconsistent), "{err}");
/// let err = Entry::detainee_transfer(date, "5 persons".parse()?).build().unwrap_err();
/// assert!(err.has(ProblemKind::MissingField), "{err}");
/// // Counts are whole: 2.5 persons is refused where the quantity is made.
/// assert!(Quantity::new(Decimal::new(25, 1), Unit::Persons).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct EntryBuilder {
    pub(crate) kind: Kind,
    pub(crate) date: EntryDate,
    pub(crate) quantity: Quantity,
    pub(crate) id: Option<Id>,
    pub(crate) category: Option<Category>,
    pub(crate) mines: Option<u64>,
    pub(crate) item: Option<Text>,
    pub(crate) from: Option<Text>,
    pub(crate) to: Option<Text>,
    pub(crate) via: Option<Text>,
    pub(crate) region: Option<Text>,
    pub(crate) source: Option<Text>,
    pub(crate) note: Option<Text>,
    pub(crate) fills: Option<Text>,
    pub(crate) exchange: Option<Text>,
}

macro_rules! text_setters {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> EntryBuilder {
            self.$name = Some(Arc::new(value.into()));
            self
        }
    )*};
}

impl EntryBuilder {
    /// Sets the id (unique within a ledger); a ledger names entries without one `#1`, `#2`, … by position.
    pub fn id(mut self, id: impl Into<String>) -> EntryBuilder {
        self.id = Some(Id::new(&id.into()));
        self
    }

    /// Dates the entry to a day, a month, a year or a range (`"2024-11".parse()?`), in place of the
    /// day it was started with: the event happened on one unknown day within it.
    pub fn date(mut self, date: EntryDate) -> EntryBuilder {
        self.date = date;
        self
    }

    text_setters!(
        /// Sets the item (`glass`, `flour`).
        item,
        /// Sets the party it came from.
        from,
        /// Sets the party it went to.
        to,
        /// Sets the intermediary or facilitator.
        via,
        /// Sets the area.
        region,
        /// Sets the citation.
        source,
        /// Sets a free-text note.
        note,
        /// Sets the id of the exchange the entry belongs to (see [`Entry::exchange`]). Entries of one
        /// exchange must be at most 7 days apart and between two parties; a [`Ledger`](crate::Ledger)
        /// checks that when they are inserted.
        exchange
    );

    /// Sets the category; it must be one of the kind's.
    pub fn category(mut self, category: Category) -> EntryBuilder {
        self.category = Some(category);
        self
    }

    /// Sets the number of mines the maps cover (minefield maps only).
    pub fn mines(mut self, mines: u64) -> EntryBuilder {
        self.mines = Some(mines);
        self
    }

    /// Marks the entry as the unattributed remainder of the `fill` report `report_id`; such an entry
    /// need not name the parties its kind requires.
    pub fn unattributed(mut self, report_id: impl Into<String>) -> EntryBuilder {
        self.fills = Some(Arc::new(report_id.into()));
        self
    }

    /// Validates and builds the entry.
    ///
    /// # Errors
    ///
    /// Every problem at once: a quantity that is not greater than zero, a unit of a dimension the kind
    /// does not allow, a category of another kind, mines on an entry that is not minefield maps,
    /// a missing required party, the same party as `from` and `to` of a handover, an empty or padded text field.
    pub fn build(self) -> Result<Entry, Error> {
        fn text(t: &Option<Text>) -> Option<&str> {
            t.as_deref().map(String::as_str)
        }
        let problems = checks(&Checked {
            kind: self.kind,
            date: self.date,
            quantity: &self.quantity,
            category: self.category,
            mines: self.mines.is_some(),
            fills: self.fills.is_some(),
            id: self.id.as_ref().map(Id::as_str),
            item: text(&self.item),
            from: text(&self.from),
            to: text(&self.to),
            via: text(&self.via),
            region: text(&self.region),
            source: text(&self.source),
            note: text(&self.note),
            exchange: text(&self.exchange),
            visible: false,
        });
        let kind = self.kind;
        if !problems.is_empty() {
            let position = Position {
                id: self.id.as_ref().map(Id::to_string),
                record_kind: Some(RecordKind::Entry),
                ..Position::default()
            };
            return Err(Error::invalid(problems).at(&position));
        }
        let event = Event::of(kind, self.category, self.mines);
        let span = self.date.as_day().is_none().then_some(self.date);
        let extra = (self.note.is_some() || self.fills.is_some() || self.exchange.is_some() || span.is_some())
            .then(|| Box::new(Extra { note: self.note, fills: self.fills, exchange: self.exchange, span }));
        Ok(Entry {
            id: self.id.unwrap_or_default(),
            date: self.date.first_day(),
            event,
            quantity: self.quantity,
            item: self.item,
            from: self.from,
            to: self.to,
            via: self.via,
            region: self.region,
            source: self.source,
            extra,
        })
    }
}

/// What [`EntryBuilder::build`] checks of an entry, borrowed: the streaming path checks the cells of
/// a file with it without building the entry.
pub(crate) struct Checked<'a> {
    pub(crate) kind: Kind,
    pub(crate) date: EntryDate,
    pub(crate) quantity: &'a Quantity,
    pub(crate) category: Option<Category>,
    pub(crate) mines: bool,
    pub(crate) fills: bool,
    pub(crate) id: Option<&'a str>,
    pub(crate) item: Option<&'a str>,
    pub(crate) from: Option<&'a str>,
    pub(crate) to: Option<&'a str>,
    pub(crate) via: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    pub(crate) source: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
    pub(crate) exchange: Option<&'a str>,
    /// True when the caller saw every text begin and end with a visible ASCII character, so that
    /// none is empty or padded: the texts need no look.
    pub(crate) visible: bool,
}

/// The problems [`EntryBuilder::build`] finds, in its order.
pub(crate) fn checks(c: &Checked<'_>) -> Vec<Problem> {
    let kind = c.kind;
    let mut problems = Vec::new();
    let (first, last) = (c.date.first_day(), c.date.last_day());
    // One problem for the date, of its first day or else its last.
    if let Some(p) = crate::period::unwritable("date", first).or_else(|| crate::period::unwritable("date", last)) {
        problems.push(p);
    }
    let value = c.quantity.value();
    if value.is_sign_negative() || value.is_zero() {
        problems.push(Problem::new(
            ProblemKind::OutOfRange,
            "quantity",
            format!("{} must be greater than zero", c.quantity.value()),
        ));
    }
    let dim = c.quantity.dimension();
    if !kind.dimensions().contains(&dim) {
        let allowed: Vec<String> = kind.dimensions().iter().map(|d| format!("{d} ({})", units_of(*d))).collect();
        problems.push(Problem::new(
            ProblemKind::WrongDimension,
            "unit",
            format!("{kind} is counted in {}, not {dim} ({})", allowed.join(" or "), c.quantity.unit()),
        ));
    }
    if let Some(c) = c.category {
        if c.kind() != kind {
            let known: Vec<&str> = kind.categories().iter().map(|c| c.as_str()).collect();
            let message = if known.is_empty() {
                format!("{kind} has no categories; {c} is for {}", c.kind())
            } else {
                format!("{c} is a category of {}; {kind} takes {}", c.kind(), known.join(", "))
            };
            problems.push(Problem::new(ProblemKind::Inconsistent, "category", message));
        }
    }
    if c.mines && kind != Kind::MinefieldMaps {
        problems.push(Problem::new(
            ProblemKind::Inconsistent,
            "mines",
            format!("only minefield-maps entries cover mines, not {kind}"),
        ));
    }
    let texts = [c.id, c.item, c.from, c.to, c.via, c.region, c.source, c.note, c.exchange];
    // Most texts begin and end with a visible ASCII character: no white space to decode.
    let visible = |v: &str| matches!((v.as_bytes().first(), v.as_bytes().last()), (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic());
    if !c.visible && !texts.iter().flatten().all(|v| visible(v)) {
        let names = ["id", "item", "from", "to", "via", "region", "source", "note", "exchange"];
        for (name, v) in names.into_iter().zip(texts) {
            let Some(v) = v.filter(|v| !visible(v)) else { continue };
            if !v.is_empty() && !v.starts_with(char::is_whitespace) && !v.ends_with(char::is_whitespace) {
                continue;
            }
            if v.trim().is_empty() {
                problems.push(Problem::new(ProblemKind::Empty, name, "is empty; leave the field out instead"));
            } else if name != "note" && name != "source" {
                problems.push(Problem::new(ProblemKind::Padded, name, format!("{} has spaces around it", echo(v))));
            }
        }
    }
    if !c.fills {
        let (needs_from, needs_to) = kind.requires();
        if needs_from && c.from.is_none() {
            problems.push(Problem::new(
                ProblemKind::MissingField,
                "from",
                format!("{kind} needs the party it comes from"),
            ));
        }
        if needs_to && c.to.is_none() {
            problems.push(Problem::new(ProblemKind::MissingField, "to", format!("{kind} needs the party it goes to")));
        }
    }
    if let (Some(f), Some(t)) = (c.from, c.to) {
        if f == t && kind.is_transfer() {
            problems.push(Problem::new(
                ProblemKind::Inconsistent,
                "to",
                format!("{t} is both from and to; a transfer needs two parties"),
            ));
        }
    }
    problems
}

pub(super) fn units_of(d: Dimension) -> String {
    crate::quantity::Unit::ALL.iter().filter(|u| u.dimension() == d).map(|u| u.symbol()).collect::<Vec<_>>().join(", ")
}
