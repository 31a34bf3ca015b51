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
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::error::{Error, Position, Problem, ProblemKind, RecordKind, echo, unknown_name};
use crate::period::EntryDate;
use crate::quantity::{Dimension, Quantity};

/// The kind of an event, as written in files (`cargo`, `detainee-transfer`, …).
///
/// # Example
///
/// ```
/// use relief_ledger::{Dimension, Kind};
///
/// let kind: Kind = "detainee-transfer".parse()?;
/// assert_eq!(kind, Kind::DetaineeTransfer);
/// assert_eq!(kind.dimensions(), &[Dimension::Persons]);
/// assert!("detainee".parse::<Kind>().unwrap_err().to_string().contains("did you mean"));
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// Goods delivered: humanitarian cargo, construction material, …
    Cargo,
    /// People returned to their homes.
    Returnees,
    /// Prisoners of war or other detainees handed over.
    DetaineeTransfer,
    /// Remains of the dead handed over.
    RemainsTransfer,
    /// Packages of minefield maps handed over.
    MinefieldMaps,
    /// Ground cleared, explosive objects neutralised, roads checked.
    Demining,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Cargo,
        Kind::Returnees,
        Kind::DetaineeTransfer,
        Kind::RemainsTransfer,
        Kind::MinefieldMaps,
        Kind::Demining,
    ];

    /// The spelling used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cargo => "cargo",
            Kind::Returnees => "returnees",
            Kind::DetaineeTransfer => "detainee-transfer",
            Kind::RemainsTransfer => "remains-transfer",
            Kind::MinefieldMaps => "minefield-maps",
            Kind::Demining => "demining",
        }
    }

    /// The dimensions a quantity of this kind may have.
    #[must_use]
    pub fn dimensions(self) -> &'static [Dimension] {
        use Dimension::*;
        match self {
            Kind::Cargo => &[Mass, Volume, Area, Items],
            Kind::Returnees | Kind::DetaineeTransfer | Kind::RemainsTransfer => &[Persons],
            Kind::MinefieldMaps => &[Packages],
            Kind::Demining => &[Area, Items, Length],
        }
    }

    /// The categories an entry of this kind may have (none for some kinds).
    #[must_use]
    pub fn categories(self) -> &'static [Category] {
        use Category::*;
        match self {
            Kind::Cargo => &[Humanitarian, ConstructionMaterial, Food, Medical, Shelter, Other],
            Kind::DetaineeTransfer => &[Pow, Civilian, Unspecified],
            Kind::Demining => &[AreaCleared, ExplosivesNeutralised, RoadsChecked],
            _ => &[],
        }
    }

    /// Whether an entry of this kind must name the party it comes from and the one it goes to.
    #[must_use]
    pub fn requires(self) -> (bool, bool) {
        match self {
            Kind::Cargo | Kind::Returnees => (false, true),
            Kind::DetaineeTransfer | Kind::RemainsTransfer | Kind::MinefieldMaps => (true, true),
            Kind::Demining => (true, false),
        }
    }

    /// True for kinds whose `from` and `to` are two parties of a handover (detainees, remains,
    /// minefield maps), which must differ. For cargo, returnees and demining they may be places,
    /// and people may return from one area of a country to another.
    #[must_use]
    pub fn is_transfer(self) -> bool {
        matches!(self, Kind::DetaineeTransfer | Kind::RemainsTransfer | Kind::MinefieldMaps)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Kind, Error> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "kind", unknown_name("kind", s, &known))
        })
    }
}

/// A category, as written in files; each belongs to one [`Kind`].
///
/// It prints, parses and serializes as written in files: `humanitarian`, `construction-material`.
///
/// # Example
///
/// ```
/// use relief_ledger::{Category, Kind};
///
/// // The seed statement's 800 t of construction material.
/// let c: Category = "construction-material".parse()?;
/// assert_eq!(c, Category::ConstructionMaterial);
/// assert_eq!(c.kind(), Kind::Cargo);
/// assert_eq!(c.to_string(), "construction-material");
/// assert!(Kind::DetaineeTransfer.categories().contains(&Category::Pow));
/// let err = "constructon-material".parse::<Category>().unwrap_err();
/// assert!(err.to_string().contains(r#"did you mean "construction-material""#), "{err}");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// Cargo: humanitarian supplies.
    Humanitarian,
    /// Cargo: construction material.
    ConstructionMaterial,
    /// Cargo: food.
    Food,
    /// Cargo: medical supplies.
    Medical,
    /// Cargo: shelter.
    Shelter,
    /// Cargo: anything else.
    Other,
    /// Detainee transfer: prisoners of war.
    Pow,
    /// Detainee transfer: civilians.
    Civilian,
    /// Detainee transfer: not said.
    Unspecified,
    /// Demining: area cleared.
    AreaCleared,
    /// Demining: explosive objects neutralised.
    ExplosivesNeutralised,
    /// Demining: roads checked.
    RoadsChecked,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 12] = [
        Category::Humanitarian,
        Category::ConstructionMaterial,
        Category::Food,
        Category::Medical,
        Category::Shelter,
        Category::Other,
        Category::Pow,
        Category::Civilian,
        Category::Unspecified,
        Category::AreaCleared,
        Category::ExplosivesNeutralised,
        Category::RoadsChecked,
    ];

    /// The spelling used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Humanitarian => "humanitarian",
            Category::ConstructionMaterial => "construction-material",
            Category::Food => "food",
            Category::Medical => "medical",
            Category::Shelter => "shelter",
            Category::Other => "other",
            Category::Pow => "pow",
            Category::Civilian => "civilian",
            Category::Unspecified => "unspecified",
            Category::AreaCleared => "area-cleared",
            Category::ExplosivesNeutralised => "explosives-neutralised",
            Category::RoadsChecked => "roads-checked",
        }
    }

    /// The kind this category belongs to.
    #[must_use]
    pub fn kind(self) -> Kind {
        Kind::ALL.into_iter().find(|k| k.categories().contains(&self)).unwrap_or(Kind::Cargo)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = Error;

    fn from_str(s: &str) -> Result<Category, Error> {
        Category::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "category", unknown_name("category", s, &known))
        })
    }
}

serde_via_str!(Kind, Category);

/// What happened, with the fields that each kind needs.
///
/// # Example
///
/// AFP: on 2021-06-12, Armenia handed over the map of 97,000 mines in the Aghdam district.
///
/// ```
/// use relief_ledger::{Category, Entry, Event, Kind};
///
/// let maps = Entry::minefield_maps("2021-06-12".parse()?, "1 packages".parse()?)
///     .from("ARM")
///     .to("AZE")
///     .region("Aghdam")
///     .mines(97_000)
///     .build()?;
/// assert_eq!(maps.event(), &Event::MinefieldMaps { mines: Some(97_000) });
/// assert_eq!(maps.event().kind(), Kind::MinefieldMaps);
/// assert_eq!(maps.event().mines(), Some(97_000));
/// assert_eq!(maps.event().category(), None);
///
/// let pows = Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?)
///     .from("ARM")
///     .to("AZE")
///     .category(Category::Pow)
///     .build()?;
/// // The enum is non-exhaustive: a match needs an arm for kinds added later.
/// let what = match pows.event() {
///     Event::DetaineeTransfer { category: Some(Category::Pow) } => "prisoners of war",
///     Event::DetaineeTransfer { .. } => "detainees",
///     _ => "something else",
/// };
/// assert_eq!(what, "prisoners of war");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// Goods delivered.
    Cargo {
        /// What sort of goods.
        category: Option<Category>,
    },
    /// People returned home.
    Returnees,
    /// Detainees handed over.
    DetaineeTransfer {
        /// Prisoners of war, civilians, or not said.
        category: Option<Category>,
    },
    /// Remains handed over.
    RemainsTransfer,
    /// Minefield maps handed over.
    MinefieldMaps {
        /// How many mines the maps cover, when reported.
        mines: Option<u64>,
    },
    /// Demining work done.
    Demining {
        /// Area cleared, explosives neutralised or roads checked.
        category: Option<Category>,
    },
}

impl Event {
    /// The event of `kind` with its own fields (those of other kinds are dropped).
    pub(crate) fn of(kind: Kind, category: Option<Category>, mines: Option<u64>) -> Event {
        match kind {
            Kind::Cargo => Event::Cargo { category },
            Kind::Returnees => Event::Returnees,
            Kind::DetaineeTransfer => Event::DetaineeTransfer { category },
            Kind::RemainsTransfer => Event::RemainsTransfer,
            Kind::MinefieldMaps => Event::MinefieldMaps { mines },
            Kind::Demining => Event::Demining { category },
        }
    }

    /// The kind of event.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            Event::Cargo { .. } => Kind::Cargo,
            Event::Returnees => Kind::Returnees,
            Event::DetaineeTransfer { .. } => Kind::DetaineeTransfer,
            Event::RemainsTransfer => Kind::RemainsTransfer,
            Event::MinefieldMaps { .. } => Kind::MinefieldMaps,
            Event::Demining { .. } => Kind::Demining,
        }
    }

    /// The category, for kinds that have one.
    #[must_use]
    pub fn category(&self) -> Option<Category> {
        match *self {
            Event::Cargo { category } | Event::DetaineeTransfer { category } | Event::Demining { category } => category,
            _ => None,
        }
    }

    /// The number of mines covered, for minefield maps.
    #[must_use]
    pub fn mines(&self) -> Option<u64> {
        match *self {
            Event::MinefieldMaps { mines } => mines,
            _ => None,
        }
    }
}

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
}

/// The problems [`EntryBuilder::build`] finds, in its order.
pub(crate) fn checks(c: &Checked<'_>) -> Vec<Problem> {
    let kind = c.kind;
    let mut problems: Vec<Problem> = [c.date.first_day(), c.date.last_day()]
        .into_iter()
        .filter_map(|d| crate::period::unwritable("date", d))
        .take(1)
        .collect();
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
    let texts = [
        ("id", c.id),
        ("item", c.item),
        ("from", c.from),
        ("to", c.to),
        ("via", c.via),
        ("region", c.region),
        ("source", c.source),
        ("note", c.note),
        ("exchange", c.exchange),
    ];
    for (name, value) in texts {
        if let Some(v) = value {
            // Most texts begin and end with a visible ASCII character: no white space to decode.
            let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
            if visible(v.as_bytes().first()) && visible(v.as_bytes().last()) {
                continue;
            }
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

fn units_of(d: Dimension) -> String {
    crate::quantity::Unit::ALL.iter().filter(|u| u.dimension() == d).map(|u| u.symbol()).collect::<Vec<_>>().join(", ")
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
