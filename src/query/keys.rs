//! Keys to group entries by, and their values.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::entry::{Category, Entry, Kind};
use crate::error::{Error, ProblemKind, echo, unknown_name};
use crate::ledger::Row;
use crate::period::{EntryDate, last_of_month};

/// What to group by.
///
/// # Example
///
/// ```
/// use relief_ledger::Key;
///
/// let keys = Key::parse_list("kind,to,month")?;
/// assert_eq!(keys, [Key::Kind, Key::To, Key::Month]);
/// assert!(Key::parse_list("kind,monht").unwrap_err().to_string().contains("did you mean \"month\""));
/// # Ok::<(), relief_ledger::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Key {
    /// The entry's kind.
    Kind,
    /// The category.
    Category,
    /// The item.
    Item,
    /// The party it came from.
    From,
    /// The party it went to.
    To,
    /// The intermediary.
    Via,
    /// The region.
    Region,
    /// The calendar month, `2021-06`; an entry whose date spans more than one month is grouped
    /// under its own date (`2024-11..2024-12`, `2024`), never split.
    Month,
    /// The calendar quarter, `2021-Q2` (an entry spanning more than one: its own date).
    Quarter,
    /// The year, `2021` (an entry spanning more than one: its own date).
    Year,
    /// The exchange the entry belongs to (empty for none).
    Exchange,
}

impl Key {
    /// Every key.
    pub const ALL: [Key; 11] = [
        Key::Kind,
        Key::Category,
        Key::Item,
        Key::From,
        Key::To,
        Key::Via,
        Key::Region,
        Key::Month,
        Key::Quarter,
        Key::Year,
        Key::Exchange,
    ];

    /// The name used on the command line and as a column header.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Kind => "kind",
            Key::Category => "category",
            Key::Item => "item",
            Key::From => "from",
            Key::To => "to",
            Key::Via => "via",
            Key::Region => "region",
            Key::Month => "month",
            Key::Quarter => "quarter",
            Key::Year => "year",
            Key::Exchange => "exchange",
        }
    }

    /// Parses a comma-separated list such as `kind,to,month`.
    ///
    /// # Errors
    ///
    /// An unknown or repeated key.
    pub fn parse_list(s: &str) -> Result<Vec<Key>, Error> {
        let mut keys = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let k: Key = part.parse()?;
            if keys.contains(&k) {
                return Err(Error::problem(ProblemKind::Inconsistent, "by", format!("{} is given twice", echo(part))));
            }
            keys.push(k);
        }
        Ok(keys)
    }

    /// The symbol-level value of this key for a row.
    #[inline]
    pub(super) fn code(self, r: &Row, exchange: u32) -> u32 {
        match self {
            Key::Kind => u32::from(r.kind),
            Key::Category => u32::from(r.category),
            Key::Item => r.text[0],
            Key::From => r.text[1],
            Key::To => r.text[2],
            Key::Via => r.text[3],
            Key::Region => r.text[4],
            Key::Month => r.month() as u32,
            Key::Quarter => (r.month().div_euclid(3)) as u32,
            Key::Year => r.month().div_euclid(12) as u32,
            Key::Exchange => exchange,
        }
    }

    /// True when a time key's bucket cannot hold the row's whole date.
    #[inline]
    pub(super) fn splits(self, r: &Row) -> bool {
        if r.is_day() {
            return false;
        }
        let (l, month) = (r.last(), r.month());
        let last = l.year() * 12 + l.month0() as i32;
        match self {
            Key::Month => last != month,
            Key::Quarter => last.div_euclid(3) != month.div_euclid(3),
            Key::Year => last.div_euclid(12) != month.div_euclid(12),
            _ => false,
        }
    }

    pub(super) fn values(keys: &[Key], e: &Entry) -> Vec<KeyValue> {
        keys.iter().map(|k| k.value(e)).collect()
    }

    pub(crate) fn value(self, e: &Entry) -> KeyValue {
        let text = |s: Option<&str>| KeyValue::Text(s.map(Arc::from));
        let d = e.date().first_day();
        let l = e.date().last_day();
        let spans = match self {
            Key::Month => (d.year(), d.month()) != (l.year(), l.month()),
            Key::Quarter => (d.year(), d.month0() / 3) != (l.year(), l.month0() / 3),
            Key::Year => d.year() != l.year(),
            _ => false,
        };
        if spans {
            return KeyValue::Span(e.date());
        }
        match self {
            Key::Kind => KeyValue::Kind(e.kind()),
            Key::Category => KeyValue::Category(e.category()),
            Key::Item => text(e.item()),
            Key::From => text(e.from()),
            Key::To => text(e.to()),
            Key::Via => text(e.via()),
            Key::Region => text(e.region()),
            Key::Month => KeyValue::Month(d.year(), d.month()),
            Key::Quarter => KeyValue::Quarter(d.year(), d.month0() / 3 + 1),
            Key::Year => KeyValue::Year(d.year()),
            Key::Exchange => text(e.exchange()),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Key {
    type Err = Error;

    fn from_str(s: &str) -> Result<Key, Error> {
        Key::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Key::ALL.iter().map(|k| k.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "by", unknown_name("grouping key", s, &known))
        })
    }
}

/// The value of one grouping key for a group. Displays as written in files: `2021-06`, `2021-Q2`,
/// `2021`, and an absent party or region as the empty string.
///
/// Compares with text as it displays (`key == "ARM"`, `key == "2021-06"`).
///
/// # Serde
///
/// An object of one field named for the variant: `{"kind": "cargo"}`, `{"category": null}`,
/// `{"text": "ARM"}`, `{"month": [2021, 6]}`, `{"quarter": [2021, 2]}`, `{"year": 2021}`.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Key, KeyValue, Ledger, Scope};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2021-06-07".parse()?, "145 t".parse()?).to("NKR").build()?,
/// ])?;
/// let groups = ledger.group(&Scope::all(), &[Key::To, Key::Month])?;
/// let key = groups[0].key();
/// assert_eq!(key[0], "NKR");
/// assert_eq!(key[0].text(), Some("NKR"));
/// assert_eq!(key[1], "2021-06");
/// assert_eq!(key[1].year(), Some(2021));
/// assert_eq!(serde_json::to_string(&key[1])?, r#"{"month":[2021,6]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Values order as their variants do, except that time values (month, quarter, year, and the dates
/// of entries that span more than one of them) order by their first day, then their last: a group of
/// `2024-11..2024-12` comes after `2024-11` and before `2024-12`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KeyValue {
    /// A kind.
    Kind(Kind),
    /// A category, or none.
    Category(Option<Category>),
    /// An item, party or region, or none.
    Text(Option<Arc<str>>),
    /// Year and month.
    Month(i32, u32),
    /// Year and quarter (1–4).
    Quarter(i32, u32),
    /// A year.
    Year(i32),
    /// The date of an entry that spans more than one month, quarter or year (the bucket of a time
    /// key), as written: `2024-11..2024-12`, `2024`.
    Span(EntryDate),
}

impl KeyValue {
    /// The kind, for a value of [`Key::Kind`].
    #[must_use]
    pub fn kind(&self) -> Option<Kind> {
        match self {
            KeyValue::Kind(k) => Some(*k),
            _ => None,
        }
    }

    /// The category, for a value of [`Key::Category`] that has one.
    #[must_use]
    pub fn category(&self) -> Option<Category> {
        match self {
            KeyValue::Category(c) => *c,
            _ => None,
        }
    }

    /// The text, for a value of an item, party or region that has one.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            KeyValue::Text(t) => t.as_deref(),
            _ => None,
        }
    }

    /// The year, for a value of [`Key::Month`], [`Key::Quarter`] or [`Key::Year`].
    #[must_use]
    pub fn year(&self) -> Option<i32> {
        match self {
            KeyValue::Month(y, _) | KeyValue::Quarter(y, _) | KeyValue::Year(y) => Some(*y),
            _ => None,
        }
    }

    /// The month (1–12), for a value of [`Key::Month`].
    #[must_use]
    pub fn month(&self) -> Option<u32> {
        match self {
            KeyValue::Month(_, m) => Some(*m),
            _ => None,
        }
    }

    /// The quarter (1–4), for a value of [`Key::Quarter`].
    #[must_use]
    pub fn quarter(&self) -> Option<u32> {
        match self {
            KeyValue::Quarter(_, q) => Some(*q),
            _ => None,
        }
    }
}

impl KeyValue {
    /// The first and last days of a time value.
    fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let month = |y: i32, m: u32| Some((NaiveDate::from_ymd_opt(y, m, 1)?, last_of_month(y, m)?));
        match *self {
            KeyValue::Month(y, m) => month(y, m),
            KeyValue::Quarter(y, q) => Some((month(y, q * 3 - 2)?.0, month(y, q * 3)?.1)),
            KeyValue::Year(y) => Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?)),
            KeyValue::Span(d) => Some((d.first_day(), d.last_day())),
            _ => None,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            KeyValue::Kind(_) => 0,
            KeyValue::Category(_) => 1,
            KeyValue::Text(_) => 2,
            _ => 3,
        }
    }
}

impl PartialOrd for KeyValue {
    fn partial_cmp(&self, other: &KeyValue) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyValue {
    fn cmp(&self, other: &KeyValue) -> std::cmp::Ordering {
        match (self, other) {
            (KeyValue::Kind(a), KeyValue::Kind(b)) => a.cmp(b),
            (KeyValue::Category(a), KeyValue::Category(b)) => a.cmp(b),
            (KeyValue::Text(a), KeyValue::Text(b)) => a.cmp(b),
            // One total order: by kind of value, days, variant, then the fields themselves.
            _ => self.time_key().cmp(&other.time_key()),
        }
    }
}

impl KeyValue {
    #[allow(clippy::type_complexity)]
    fn time_key(&self) -> (u8, (NaiveDate, NaiveDate), u8, (i32, u32), Option<EntryDate>) {
        let fields = match *self {
            KeyValue::Month(y, m) | KeyValue::Quarter(y, m) => (y, m),
            KeyValue::Year(y) => (y, 0),
            _ => (0, 0),
        };
        let span = match self {
            KeyValue::Span(d) => Some(*d),
            _ => None,
        };
        let days = self.days().unwrap_or((NaiveDate::MAX, NaiveDate::MAX));
        (self.rank(), days, self.variant(), fields, span)
    }

    fn variant(&self) -> u8 {
        match self {
            KeyValue::Kind(_) => 0,
            KeyValue::Category(_) => 1,
            KeyValue::Text(_) => 2,
            KeyValue::Month(..) => 3,
            KeyValue::Quarter(..) => 4,
            KeyValue::Year(_) => 5,
            KeyValue::Span(_) => 6,
        }
    }
}

impl PartialEq<str> for KeyValue {
    fn eq(&self, other: &str) -> bool {
        match self {
            KeyValue::Text(t) => t.as_deref().unwrap_or("") == other,
            KeyValue::Kind(k) => k.as_str() == other,
            KeyValue::Category(c) => c.map_or("", Category::as_str) == other,
            // Dates are short: their text is made to compare.
            _ => {
                let text = self.to_string();
                text == other
            }
        }
    }
}

impl PartialEq<&str> for KeyValue {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<KeyValue> for str {
    fn eq(&self, other: &KeyValue) -> bool {
        other == self
    }
}

impl PartialEq<KeyValue> for &str {
    fn eq(&self, other: &KeyValue) -> bool {
        other == *self
    }
}

impl fmt::Display for KeyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyValue::Kind(k) => write!(f, "{k}"),
            KeyValue::Category(c) => c.map_or(Ok(()), |c| write!(f, "{c}")),
            KeyValue::Text(t) => f.write_str(t.as_deref().unwrap_or("")),
            KeyValue::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            KeyValue::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            KeyValue::Year(y) => write!(f, "{y:04}"),
            KeyValue::Span(d) => write!(f, "{d}"),
        }
    }
}
