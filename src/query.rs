//! Scopes, grouping, totals and running totals.
//!
//! A [`Scope`] filters entries by kind, category, item, parties, region and period; the same type
//! scopes queries and [reports](crate::Report). Totals come in each dimension's canonical unit.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::entry::{Category, Entry, Kind};
use crate::error::{Error, ProblemKind, echo, unknown_name};
use crate::hash::FxHashMap;
use crate::ledger::{Ledger, Row, row_dimension};
use crate::period::{Coverage, EntryDate, Period, last_of_month};
use crate::quantity::Totals;

/// Which entries a query or a report is about; an empty field means any.
///
/// # Example
///
/// ```
/// use relief_ledger::{Category, Kind, Period, Scope};
///
/// let scope = Scope::all()
///     .kind(Kind::Cargo)
///     .category(Category::Humanitarian)
///     .to("NKR")
///     .period("2020-12..2021-06".parse()?);
/// assert_eq!(scope.kind, Some(Kind::Cargo));
/// assert_eq!(scope.to_string(), "kind=cargo category=humanitarian to=NKR period=2020-12-01..2021-06-30");
/// # Ok::<(), relief_ledger::Error>(())
/// ```
///
/// # Serde
///
/// An object of every field, `null` for any: kind and category in their file spelling, texts as
/// written, the period as [`Period`] serializes it.
///
/// ```
/// use relief_ledger::{Kind, Scope};
///
/// let scope = Scope::all().kind(Kind::Cargo).to("NKR");
/// let json = serde_json::to_string(&scope)?;
/// assert_eq!(
///     json,
///     r#"{"kind":"cargo","category":null,"item":null,"from":null,"to":"NKR","via":null,"region":null,"period":{"start":null,"end":null}}"#
/// );
/// assert_eq!(serde_json::from_str::<Scope>(&json)?, scope);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The kind.
    pub kind: Option<Kind>,
    /// The category.
    pub category: Option<Category>,
    /// The item, exactly as written.
    pub item: Option<Arc<str>>,
    /// The party it came from.
    pub from: Option<Arc<str>>,
    /// The party it went to.
    pub to: Option<Arc<str>>,
    /// The intermediary.
    pub via: Option<Arc<str>>,
    /// The area.
    pub region: Option<Arc<str>>,
    /// The days covered.
    pub period: Period,
}

impl Scope {
    /// Every entry.
    #[must_use]
    pub fn all() -> Scope {
        Scope::default()
    }

    /// Only entries of `kind`.
    #[must_use]
    pub fn kind(mut self, kind: Kind) -> Scope {
        self.kind = Some(kind);
        self
    }

    /// Only entries of `category`.
    #[must_use]
    pub fn category(mut self, category: Category) -> Scope {
        self.category = Some(category);
        self
    }

    /// Only entries of this item.
    pub fn item(mut self, item: impl Into<Arc<str>>) -> Scope {
        self.item = Some(item.into());
        self
    }

    /// Only entries from this party.
    pub fn from(mut self, party: impl Into<Arc<str>>) -> Scope {
        self.from = Some(party.into());
        self
    }

    /// Only entries to this party.
    pub fn to(mut self, party: impl Into<Arc<str>>) -> Scope {
        self.to = Some(party.into());
        self
    }

    /// Only entries through this intermediary.
    pub fn via(mut self, party: impl Into<Arc<str>>) -> Scope {
        self.via = Some(party.into());
        self
    }

    /// Only entries in this region.
    pub fn region(mut self, region: impl Into<Arc<str>>) -> Scope {
        self.region = Some(region.into());
        self
    }

    /// Only entries dated in `period`.
    #[must_use]
    pub fn period(mut self, period: Period) -> Scope {
        self.period = period;
        self
    }

    /// True when `entry` is surely in scope: its fields match and its whole date lies in the period.
    ///
    /// An entry dated to a month, a year or a range that the period holds only in part is not
    /// surely in scope; [`Scope::may_match`] tells whether it possibly is.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Kind, Period, Scope};
    ///
    /// // AP: 44 detainees handed over to Armenia on 2020-12-14.
    /// let e = Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?;
    /// let since = Period::since("2020-12-02".parse()?);
    /// assert!(Scope::all().kind(Kind::DetaineeTransfer).to("ARM").period(since).matches(&e));
    /// assert!(!Scope::all().to("AZE").matches(&e));
    /// assert!(!Scope::all().period(Period::of("2021".parse()?)).matches(&e));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn matches(&self, entry: &Entry) -> bool {
        self.kind.is_none_or(|k| k == entry.kind())
            && self.category.is_none_or(|c| Some(c) == entry.category())
            && text_matches(&self.item, entry.item())
            && text_matches(&self.from, entry.from())
            && text_matches(&self.to, entry.to())
            && text_matches(&self.via, entry.via())
            && text_matches(&self.region, entry.region())
            && self.period.contains(entry.date().first_day())
            && self.period.contains(entry.date().last_day())
    }

    /// True when `entry` is surely or possibly in scope: its fields match and its date meets the period.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Period, Scope};
    ///
    /// let e = Entry::returnees("2024-11-01".parse()?, "10 persons".parse()?).date("2024-11".parse()?).to("UKR").build()?;
    /// let early = Scope::all().period("2024-11-01..2024-11-10".parse()?);
    /// assert!(!early.matches(&e) && early.may_match(&e));
    /// assert!(Scope::all().period(Period::of("2024".parse()?)).matches(&e));
    /// assert!(!Scope::all().period(Period::of("2023".parse()?)).may_match(&e));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn may_match(&self, entry: &Entry) -> bool {
        self.coverage(entry) != Coverage::None
    }

    /// Whether `entry` is surely, possibly or not in scope.
    pub(crate) fn coverage(&self, entry: &Entry) -> Coverage {
        let fields = self.kind.is_none_or(|k| k == entry.kind())
            && self.category.is_none_or(|c| Some(c) == entry.category())
            && text_matches(&self.item, entry.item())
            && text_matches(&self.from, entry.from())
            && text_matches(&self.to, entry.to())
            && text_matches(&self.via, entry.via())
            && text_matches(&self.region, entry.region());
        if fields { self.period.coverage(entry.date().first_day(), entry.date().last_day()) } else { Coverage::None }
    }

    pub(crate) fn texts(&self) -> [&Option<Arc<str>>; 5] {
        [&self.item, &self.from, &self.to, &self.via, &self.region]
    }

    /// The scope with symbols resolved against a ledger; `None` when it can match nothing there.
    pub(crate) fn compile(&self, ledger: &Ledger) -> Option<Compiled> {
        let mut text = [0u32; 5];
        for (slot, want) in text.iter_mut().zip(self.texts()) {
            if let Some(s) = want {
                *slot = ledger.symbols.find(s)?;
            }
        }
        Some(Compiled {
            kind: self.kind.map_or(u8::MAX, |k| k.index() as u8),
            category: self.category.map_or(u8::MAX, |c| c.index() as u8 + 1),
            text,
            period: self.period,
        })
    }
}

fn text_matches(want: &Option<Arc<str>>, have: Option<&str>) -> bool {
    want.as_deref().is_none_or(|w| Some(w) == have)
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(k) = self.kind {
            parts.push(format!("kind={k}"));
        }
        if let Some(c) = self.category {
            parts.push(format!("category={c}"));
        }
        for (name, v) in ["item", "from", "to", "via", "region"].iter().zip(self.texts()) {
            if let Some(v) = v {
                parts.push(format!("{name}={v}"));
            }
        }
        if !self.period.is_all() {
            parts.push(format!("period={}", self.period));
        }
        if parts.is_empty() { f.write_str("all") } else { f.write_str(&parts.join(" ")) }
    }
}

/// A scope resolved to a ledger's symbols: u8::MAX and 0 mean "any".
#[derive(Debug, Clone, Copy)]
pub(crate) struct Compiled {
    kind: u8,
    category: u8,
    text: [u32; 5],
    period: Period,
}

impl Compiled {
    /// Whether a row is surely, possibly or not in scope.
    #[inline]
    pub(crate) fn coverage(&self, r: &Row) -> Coverage {
        let fields = (self.kind == u8::MAX || self.kind == r.kind)
            && (self.category == u8::MAX || self.category == r.category)
            && self.text.iter().zip(r.text.iter()).all(|(w, h)| *w == 0 || w == h);
        if !fields {
            Coverage::None
        } else if r.is_day() {
            if self.period.contains(r.date()) { Coverage::Sure } else { Coverage::None }
        } else {
            self.period.coverage(r.date(), r.last())
        }
    }

    /// The seven scope values (kind, category, item, from, to, via, region) as symbols.
    pub(crate) fn values(&self) -> [u32; 7] {
        let [a, b, c, d, e] = self.text;
        [u32::from(self.kind), u32::from(self.category), a, b, c, d, e]
    }

    /// The rows whose dates may meet the period (rows are in order of their first day, and none spans
    /// more than `max_span` days past it), before the other filters.
    pub(crate) fn candidate_rows<'a>(&self, rows: &'a [Row], max_span: u32) -> &'a [Row] {
        rows.get(self.candidate_range(rows, max_span)).unwrap_or(&[])
    }

    /// The indices of [`Compiled::candidate_rows`].
    pub(crate) fn candidate_range(&self, rows: &[Row], max_span: u32) -> std::ops::Range<usize> {
        let back = |s: NaiveDate| s.checked_sub_days(chrono::Days::new(u64::from(max_span))).unwrap_or(NaiveDate::MIN);
        let days = |d: NaiveDate| d.num_days_from_ce();
        let lo = self.period.start().map_or(0, |s| rows.partition_point(|r| r.days().0 < days(back(s))));
        let hi = self.period.end().map_or(rows.len(), |e| rows.partition_point(|r| r.days().0 <= days(e)));
        lo..hi.max(lo)
    }
}

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
    fn code(self, r: &Row, exchange: u32) -> u32 {
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
    fn splits(self, r: &Row) -> bool {
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

    fn values(keys: &[Key], e: &Entry) -> Vec<KeyValue> {
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

/// One group of a grouped query: its key values, its totals and its entries.
///
/// # Serde
///
/// A group serializes (it borrows its entries from a ledger, so it does not deserialize) as an
/// object of its key values, its totals and its entries as records of the JSON file format:
/// `{"key": [{"month": [2021, 6]}], "totals": [{"value": "145", "unit": "t"}], "entries": [{"id": "c1", …}]}`.
///
/// # Example
///
/// The detainee transfers of 2020-12-14 (44 to Armenia, 12 to Azerbaijan) and 2021-02-10
/// (5 to Armenia, 1 to Azerbaijan), grouped by the party they were returned to:
///
/// ```
/// use relief_ledger::{Entry, Key, Kind, Ledger, Scope};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").build()?,
///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").build()?,
///     Entry::detainee_transfer("2021-02-10".parse()?, "1 persons".parse()?).from("ARM").to("AZE").build()?,
/// ])?;
/// let groups = ledger.group(&Scope::all().kind(Kind::DetaineeTransfer), &[Key::To])?;
/// let arm = groups.iter().find(|g| g.key()[0] == "ARM").ok_or("no group for ARM")?;
/// assert_eq!(arm.totals().to_string(), "49 persons");
/// let dates: Vec<String> = arm.entries().iter().map(|e| e.date().to_string()).collect();
/// assert_eq!(dates, ["2020-12-14", "2021-02-10"]);
///
/// // A group serializes with its entries as records of the JSON file format.
/// let json = serde_json::to_value(arm)?;
/// assert_eq!(json["key"][0]["text"], "ARM");
/// assert_eq!(json["totals"][0]["value"], "49");
/// assert_eq!(json["entries"][1]["date"], "2021-02-10");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Group<'a> {
    key: Vec<KeyValue>,
    totals: Totals,
    ledger: &'a Ledger,
    /// The group's rows (indices in the ledger's rows), in date order.
    rows: Vec<u32>,
}

impl fmt::Debug for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("key", &self.key)
            .field("totals", &self.totals)
            .field("entries", &self.entries())
            .finish()
    }
}

/// Groups are equal when their keys, totals and entries are (of one ledger or two).
impl PartialEq for Group<'_> {
    fn eq(&self, other: &Group<'_>) -> bool {
        self.key == other.key && self.totals == other.totals && self.entries() == other.entries()
    }
}

impl Eq for Group<'_> {}

impl std::hash::Hash for Group<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.totals.hash(state);
        self.entries().hash(state);
    }
}

impl<'a> Group<'a> {
    /// The group's value of each key, in the order the keys were given.
    #[must_use]
    pub fn key(&self) -> &[KeyValue] {
        &self.key
    }

    /// The group's totals, one figure per dimension.
    #[must_use]
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// The entries that make up the totals, in date order, built from the ledger's compact form
    /// (a group keeps only where they are).
    #[must_use]
    pub fn entries(&self) -> Vec<Entry> {
        self.rows.iter().map(|&i| self.ledger.entry_at(i)).collect()
    }

    /// The earliest entry of the group (by first day).
    #[must_use]
    pub fn first(&self) -> Option<Entry> {
        self.rows.first().map(|&i| self.ledger.entry_at(i))
    }

    /// The entry of the group that comes last in date order.
    #[must_use]
    pub fn last(&self) -> Option<Entry> {
        self.rows.last().map(|&i| self.ledger.entry_at(i))
    }

    /// The number of entries that make up the totals.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no entry makes up the totals (never for a group [`Ledger::group`] gives).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of distinct exchanges among the group's entries (`report --count`).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Key, Ledger, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").exchange("x1").build()?,
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").exchange("x1").build()?,
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").exchange("x2").build()?,
    ///     Entry::detainee_transfer("2021-03-01".parse()?, "1 persons".parse()?).from("AZE").to("ARM").build()?,
    /// ])?;
    /// let all = &ledger.group(&Scope::all(), &[])?[0];
    /// assert_eq!((all.entries().len(), all.exchanges()), (4, 2));
    /// let by = ledger.group(&Scope::all(), &[Key::Exchange])?;
    /// let keys: Vec<String> = by.iter().map(|g| g.key()[0].to_string()).collect();
    /// assert_eq!(keys, ["", "x1", "x2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn exchanges(&self) -> usize {
        let mut ids: Vec<u32> = self
            .rows
            .iter()
            .filter_map(|&i| self.ledger.rows().get(i as usize))
            .map(|r| self.ledger.exchange_of(r))
            .filter(|&x| x != 0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// How finely a running total is dated: each change is dated at the end of its day or its month.
///
/// # Example
///
/// The two deliveries of humanitarian cargo the Ministry of Defence reported in spring 2021
/// (145 t on 2021-04-07, 155 t on 2021-05-26), as a running total by day and by month:
///
/// ```
/// use relief_ledger::{Entry, Ledger, Scope, Step};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
/// ])?;
/// let by_day = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
/// assert_eq!(by_day.points()[0].0.to_string(), "2021-04-07");
/// // By month, each change is dated on the last day of its month.
/// let by_month = &ledger.running(&Scope::all(), &[], Step::Month)?[0];
/// let dates: Vec<String> = by_month.points().iter().map(|(d, _)| d.to_string()).collect();
/// assert_eq!(dates, ["2021-04-30", "2021-05-31"]);
/// assert_eq!(by_month.points()[1].1.to_string(), "300 t");
///
/// // Spelled as on the command line (`--step month`), and in serde formats.
/// assert_eq!("month".parse::<Step>()?, Step::Month);
/// assert_eq!(Step::Day.to_string(), "day");
/// assert_eq!(serde_json::to_string(&Step::Month)?, r#""month""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Step {
    /// Changes dated on their day.
    #[default]
    Day,
    /// Changes dated on the last day of their month.
    Month,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 2] = [Step::Day, Step::Month];

    /// The name used on the command line: `day`, `month`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Day => "day",
            Step::Month => "month",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = Error;

    fn from_str(s: &str) -> Result<Step, Error> {
        Step::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Step::ALL.iter().map(|k| k.as_str()).collect();
            Error::problem(ProblemKind::NotAllowed, "step", unknown_name("step", s, &known))
        })
    }
}

serde_via_str!(Key, Step);

/// A running total of one group, kept as steps: a point only where the total changes.
///
/// The total is zero before the first point, and from each point on it is that point's total until
/// the next one; after the last point it stays. The size of a series is therefore at most the number
/// of its entries, however long the span it covers.
///
/// # Serde
///
/// An object of the key values, the span and the points, each point a date and its totals:
/// `{"key": [{"text": "NKR"}], "span": ["2021-04-07", "2021-05-26"], "points": [["2021-04-07", [{"value": "145", "unit": "t"}]], …]}`.
///
/// # Example
///
/// Returnees escorted since 2020-11-14, as TASS reported them: 250 on the first day, 1,168 on
/// 2020-12-01:
///
/// ```
/// use relief_ledger::{Entry, Key, Ledger, Scope, Step};
///
/// let ledger = Ledger::from_entries([
///     Entry::returnees("2020-11-14".parse()?, "250 persons".parse()?).to("NKR").build()?,
///     Entry::returnees("2020-12-01".parse()?, "1168 persons".parse()?).to("NKR").build()?,
/// ])?;
/// let series = ledger.running(&Scope::all(), &[Key::Kind], Step::Day)?;
/// assert_eq!(series.len(), 1);
/// let s = &series[0];
/// assert_eq!(s.key()[0], "returnees");
/// assert_eq!(s.span().0.to_string(), "2020-11-14");
/// assert_eq!(s.points().len(), 2, "a point only where the total changes");
/// assert_eq!(s.total_at("2020-11-30".parse()?).to_string(), "250 persons");
/// assert_eq!(s.total_at("2020-12-01".parse()?).to_string(), "1418 persons");
///
/// let json = serde_json::to_string(s)?;
/// assert_eq!(serde_json::from_str::<relief_ledger::Series>(&json)?, *s);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Series {
    key: Vec<KeyValue>,
    span: (NaiveDate, NaiveDate),
    points: Vec<(NaiveDate, Totals)>,
    /// The upper line, when it differs from the lower one (some entry is dated to a span).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    upper: Vec<(NaiveDate, Totals)>,
}

impl Series {
    /// The group's value of each key.
    #[must_use]
    pub fn key(&self) -> &[KeyValue] {
        &self.key
    }

    /// The first and last dates the running total covers (each at the end of its step); every
    /// series of one query has the same span, so that they can be drawn together.
    #[must_use]
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        self.span
    }

    /// The cumulative totals where they change, in date order: each point is dated at the end of
    /// the step (day or month) in which its entries fall, and holds the total from then on.
    #[must_use]
    pub fn points(&self) -> &[(NaiveDate, Totals)] {
        &self.points
    }

    /// The upper line of the running total: each entry counts from the first day its date covers
    /// (where [`Series::points`], the lower line, counts it from the last). The two lines are the
    /// same when every entry is known to the day; the band between them is what the dates leave open.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-01".parse()?, "145 t".parse()?).date("2021-04".parse()?).to("NKR").build()?,
    /// ])?;
    /// let s = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
    /// assert_eq!(s.points()[0].0.to_string(), "2021-04-30");
    /// assert_eq!(s.upper()[0].0.to_string(), "2021-04-01");
    /// assert_eq!(s.upper_at("2021-04-15".parse()?).to_string(), "145 t");
    /// assert_eq!(s.total_at("2021-04-15".parse()?).to_string(), "0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn upper(&self) -> &[(NaiveDate, Totals)] {
        if self.upper.is_empty() { &self.points } else { &self.upper }
    }

    /// The upper line's total at the end of `date`.
    pub fn upper_at(&self, date: NaiveDate) -> Totals {
        let line = self.upper();
        let n = line.partition_point(|(d, _)| *d <= date);
        n.checked_sub(1).and_then(|i| line.get(i)).map_or_else(Totals::new, |(_, t)| *t)
    }

    /// The running total at the end of `date`: the last point on or before it, or zero.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
    ///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
    /// ])?;
    /// let series = &ledger.running(&Scope::all(), &[], Step::Day)?[0];
    /// assert_eq!(series.total_at("2021-04-06".parse()?).to_string(), "0");
    /// assert_eq!(series.total_at("2021-05-01".parse()?).to_string(), "145 t");
    /// assert_eq!(series.total_at("2030-01-01".parse()?).to_string(), "300 t");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total_at(&self, date: NaiveDate) -> Totals {
        let n = self.points.partition_point(|(d, _)| *d <= date);
        n.checked_sub(1).and_then(|i| self.points.get(i)).map_or_else(Totals::new, |(_, t)| *t)
    }
}

/// Groups rows under composite keys: twelve keys at most (there are eleven), unused slots zero.
type GroupCode = [u64; 6];

impl Ledger {
    /// The entries surely or possibly in `scope` (see [`Scope::may_match`]), in date order.
    pub fn select<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = Entry> + 'a {
        self.select_rows(scope).map(|r| self.entry(r))
    }

    /// The rows of [`Ledger::select`]'s entries, in its order.
    pub(crate) fn select_rows<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a Row> + 'a {
        let compiled = scope.compile(self);
        let rows = compiled.map_or(&[][..], |c| c.candidate_rows(self.rows(), self.max_span()));
        rows.iter().filter(move |r| compiled.is_some_and(|c| c.coverage(r) != Coverage::None))
    }

    /// The totals of the entries in `scope`, one figure per dimension in its canonical unit.
    ///
    /// # Example
    ///
    /// TASS: EMERCOM's first two convoys of 2020-11-24 carried 45 t of construction material and
    /// 300 t; 250 people were escorted home on 2020-11-14.
    ///
    /// ```
    /// use relief_ledger::{Category, Entry, Kind, Ledger, Period, Scope, Unit};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2020-11-24".parse()?, "45 t".parse()?).category(Category::ConstructionMaterial).to("NKR").build()?,
    ///     Entry::cargo("2020-11-24".parse()?, "300000 kg".parse()?).to("NKR").build()?,
    ///     Entry::returnees("2020-11-14".parse()?, "250 persons".parse()?).to("NKR").build()?,
    /// ])?;
    /// // One figure per dimension, in its canonical unit: never tonnes plus persons.
    /// assert_eq!(ledger.totals(&Scope::all())?.to_string(), "345 t, 250 persons");
    /// let cargo = ledger.totals(&Scope::all().kind(Kind::Cargo))?;
    /// assert_eq!(cargo.in_unit(Unit::Kilogram)?.to_string(), "345000 kg");
    /// let building = Scope::all().category(Category::ConstructionMaterial).period(Period::of("2020-11".parse()?));
    /// assert_eq!(ledger.totals(&building)?.to_string(), "45 t");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Never for a ledger's own entries today; kept fallible so that totals too large for a decimal
    /// can be reported rather than rounded.
    pub fn totals(&self, scope: &Scope) -> Result<Totals, Error> {
        let mut totals = Totals::new();
        if let Some(c) = scope.compile(self) {
            for r in c.candidate_rows(self.rows(), self.max_span()) {
                match c.coverage(r) {
                    Coverage::Sure => totals.add_canonical(row_dimension(r), self.canon(r)),
                    Coverage::Possible => totals.add_possible(row_dimension(r), self.canon(r)),
                    Coverage::None => {}
                }
            }
        }
        Ok(totals)
    }

    /// Totals of the entries in `scope`, grouped by `keys` (in that order), groups sorted by their keys.
    ///
    /// With no keys there is one group (when any entry is in scope).
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Key, Ledger, Scope};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "12 persons".parse()?).from("ARM").to("AZE").build()?,
    ///     Entry::detainee_transfer("2021-02-10".parse()?, "5 persons".parse()?).from("AZE").to("ARM").build()?,
    /// ])?;
    /// let groups = ledger.group(&Scope::all(), &[Key::To])?;
    /// let rows: Vec<String> = groups.iter().map(|g| format!("{}: {}", g.key()[0], g.totals())).collect();
    /// assert_eq!(rows, ["ARM: 49 persons", "AZE: 12 persons"]);
    /// assert_eq!(groups[0].entries().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ledger::totals`].
    pub fn group<'a>(&'a self, scope: &Scope, keys: &[Key]) -> Result<Vec<Group<'a>>, Error> {
        let Some(c) = scope.compile(self) else { return Ok(Vec::new()) };
        let mut index: FxHashMap<GroupCode, usize> = FxHashMap::default();
        // Entries whose dates span more than one bucket of a time key, grouped by their key values.
        let mut spanning: FxHashMap<Vec<KeyValue>, usize> = FxHashMap::default();
        let mut groups: Vec<Group<'a>> = Vec::new();
        let range = c.candidate_range(self.rows(), self.max_span());
        let first = range.start as u32;
        for (r, i) in self.rows().get(range).unwrap_or(&[]).iter().zip(first..) {
            let coverage = c.coverage(r);
            if coverage == Coverage::None {
                continue;
            }
            let mut new_group = |key: Vec<KeyValue>| {
                groups.push(Group { key, totals: Totals::new(), ledger: self, rows: Vec::new() });
                groups.len() - 1
            };
            let g = if keys.iter().any(|k| k.splits(r)) {
                let key: Vec<KeyValue> = keys.iter().map(|k| k.value(&self.entry(r))).collect();
                match spanning.get(&key) {
                    Some(&g) => g,
                    None => {
                        let g = new_group(key.clone());
                        spanning.insert(key, g);
                        g
                    }
                }
            } else {
                let code = group_code(self, keys, r);
                *index.entry(code).or_insert_with(|| new_group(Key::values(keys, &self.entry(r))))
            };
            let group = &mut groups[g];
            if coverage == Coverage::Sure {
                group.totals.add_canonical(row_dimension(r), self.canon(r));
            } else {
                group.totals.add_possible(row_dimension(r), self.canon(r));
            }
            group.rows.push(i);
        }
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(groups)
    }

    /// Running (cumulative) totals of the entries in `scope`, per group of `keys`, as steps: a point
    /// at the end of each day or month in which the total changes.
    ///
    /// Every series spans from the period's start (or the first entry in scope) to its end (or the
    /// last entry in scope), each at the end of its step; a series holds at most one point per entry,
    /// whatever the span, so `0000..9999` costs no more than the year of its entries.
    /// Time keys (`month`, `quarter`, `year`) make little sense here and are refused.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, Scope, Step, Dimension};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
    ///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
    /// ])?;
    /// let series = ledger.running(&Scope::all().period("2021".parse()?), &[], Step::Month)?;
    /// let points: Vec<String> = series[0]
    ///     .points()
    ///     .iter()
    ///     .map(|(d, t)| format!("{d} {}", t.get(Dimension::Mass).unwrap()))
    ///     .collect();
    /// assert_eq!(points, ["2021-04-30 145 t", "2021-05-31 300 t"]);
    /// assert_eq!(series[0].span(), ("2021-01-31".parse()?, "2021-12-31".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A time key among `keys`.
    pub fn running(&self, scope: &Scope, keys: &[Key], step: Step) -> Result<Vec<Series>, Error> {
        if let Some(k) = keys.iter().find(|k| matches!(k, Key::Month | Key::Quarter | Key::Year)) {
            return Err(Error::problem(
                ProblemKind::Inconsistent,
                "by",
                format!("running totals are over time already; drop {k}"),
            ));
        }
        let groups = self.group(scope, keys)?;
        // Each group's entries are in order of their first day.
        let rows = self.rows();
        let row = |i: &u32| rows.get(*i as usize);
        let firsts = groups.iter().filter_map(|g| g.rows.first().and_then(row).map(Row::date));
        let lasts = groups.iter().flat_map(|g| g.rows.iter().filter_map(row).map(Row::last));
        let (Some(first), Some(last)) = (firsts.min(), lasts.max()) else { return Ok(Vec::new()) };
        let start = scope.period.start().unwrap_or(first);
        let end = scope.period.end().unwrap_or(last);
        let span = (step_end(start, step), step_end(end, step));
        // One line, each entry counted from the day `day` gives.
        let line = |group: &[u32], day: fn(&Row) -> NaiveDate| {
            let mut order: Vec<&Row> = group.iter().filter_map(row).collect();
            order.sort_by_key(|r| day(r));
            let mut totals = Totals::new();
            let mut points: Vec<(NaiveDate, Totals)> = Vec::new();
            for r in order {
                totals.add_canonical(row_dimension(r), self.canon(r));
                let at = step_end(day(r), step);
                match points.last_mut() {
                    Some((d, t)) if *d == at => *t = totals,
                    _ => points.push((at, totals)),
                }
            }
            points
        };
        let series = groups
            .into_iter()
            .map(|g| {
                let points = line(&g.rows, Row::last);
                let spanned = g.rows.iter().filter_map(row).any(|r| !r.is_day());
                let upper = if spanned { line(&g.rows, Row::date) } else { Vec::new() };
                let upper = if upper == points { Vec::new() } else { upper };
                Series { key: g.key, span, points, upper }
            })
            .collect();
        Ok(series)
    }
}

fn step_end(d: NaiveDate, step: Step) -> NaiveDate {
    match step {
        Step::Day => d,
        Step::Month => last_of_month(d.year(), d.month()).unwrap_or(NaiveDate::MAX),
    }
}

#[inline]
fn group_code(ledger: &Ledger, keys: &[Key], r: &Row) -> GroupCode {
    // Two key codes to a word: hashing then reads whole words, as they were written.
    let mut code = [0u64; 6];
    let exchange = if keys.contains(&Key::Exchange) { ledger.exchange_of(r) } else { 0 };
    for (i, k) in keys.iter().enumerate().take(12) {
        code[i / 2] |= u64::from(k.code(r, exchange)) << (32 * (i % 2));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Dimension;

    fn ledger() -> Ledger {
        let e = |id: &str, date: &str, q: &str, to: &str| {
            Entry::cargo(date.parse().unwrap(), q.parse().unwrap()).id(id).to(to).build().unwrap()
        };
        Ledger::from_entries([
            e("a", "2021-01-31", "1 t", "ARM"),
            e("b", "2021-02-01", "500 kg", "ARM"),
            e("c", "2021-02-15", "2 t", "AZE"),
            e("d", "2021-04-01", "3 m3", "AZE"),
        ])
        .unwrap()
    }

    #[test]
    fn scope_filters_on_every_field_and_unknown_values_match_nothing() {
        let l = ledger();
        assert_eq!(l.select(&Scope::all().to("ARM")).count(), 2);
        assert_eq!(l.select(&Scope::all().to("GEO")).count(), 0);
        assert_eq!(l.select(&Scope::all().period("2021-02".parse().unwrap())).count(), 2);
        assert_eq!(l.select(&Scope::all().kind(Kind::Returnees)).count(), 0);
        for e in l.iter() {
            assert!(Scope::all().matches(&e));
        }
    }

    #[test]
    fn quarter_and_year_keys_print_as_in_files() {
        let l = ledger();
        let g = l.group(&Scope::all(), &[Key::Quarter, Key::Year]).unwrap();
        let keys: Vec<String> = g.iter().map(|g| format!("{} {}", g.key()[0], g.key()[1])).collect();
        assert_eq!(keys, ["2021-Q1 2021", "2021-Q2 2021"]);
        assert_eq!(g[0].totals().get(Dimension::Mass).unwrap().to_string(), "3.5 t");
    }

    #[test]
    fn running_totals_by_day_are_steps_over_the_period() {
        let l = ledger();
        let period = "2021-01-30..2021-02-02".parse().unwrap();
        let s = l.running(&Scope::all().to("ARM").period(period), &[], Step::Day).unwrap();
        let pts: Vec<String> = s[0].points().iter().map(|(d, t)| format!("{d}={t}")).collect();
        assert_eq!(pts, ["2021-01-31=1 t", "2021-02-01=1.5 t"]);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(s[0].span(), (d("2021-01-30"), d("2021-02-02")));
        // Entries of one month make one step by month.
        let s = l.running(&Scope::all(), &[Key::To], Step::Month).unwrap();
        let pts: Vec<String> = s[1].points().iter().map(|(d, t)| format!("{d}={t}")).collect();
        assert_eq!(pts, ["2021-02-28=2 t", "2021-04-30=2 t, 3 m3"]);
        assert_eq!(s[1].span(), (d("2021-01-31"), d("2021-04-30")));
        assert!(l.running(&Scope::all(), &[Key::Month], Step::Month).is_err());
    }
}
