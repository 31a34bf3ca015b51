//! Scopes, grouping, totals and running totals.
//!
//! A [`Scope`] filters entries by kind, category, item, parties, region and period; the same type
//! scopes queries and [reports](crate::Report). Totals come in each dimension's canonical unit.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::entry::{Category, Entry, Kind};
use crate::ledger::{Ledger, Row};
use crate::period::{Coverage, Period};

mod group;
mod keys;

pub use group::{Group, Series, Step};
pub use keys::{Key, KeyValue};

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
