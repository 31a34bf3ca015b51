//! Kinds of events, their categories, and events as constructors of entries.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ProblemKind, unknown_name};
use crate::quantity::Dimension;

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
