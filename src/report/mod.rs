//! Reports (published figures with a qualifier), their intervals, and verification against a ledger,
//! with `fill` reports recording what no dated event explains as explicit unattributed entries.
//!
//! Verification indexes the ledger once per scope shape (which of kind, category, item, from, to,
//! via and region the reports name), with prefix sums over date-ordered entries, so that each report
//! costs a hash lookup and two binary searches rather than a scan of the ledger.

mod qualifier;
mod verify;

use qualifier::article;
pub use qualifier::{Interval, Mode, Qualifier, rounding_unit};
use verify::fill_entry;
pub use verify::{Outcome, Status, Verification};

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::entry::{Category, Kind};
use crate::error::{Error, Position, Problem, ProblemKind, RecordKind};
use crate::period::{PartialDate, Period};
use crate::quantity::Quantity;
use crate::query::Scope;

/// A figure that a source published about a scope over a period (a "claim").
///
/// # Example
///
/// ```
/// use relief_ledger::{Kind, Mode, Qualifier, Report};
///
/// // The seed statement: 105 of 122 returned to Armenia since 2020-12-02.
/// let r = Report::builder("mfa-105", "2021-11-09".parse()?, Kind::DetaineeTransfer, "105 persons".parse()?)
///     .to("ARM")
///     .since("2020-12-02".parse()?)
///     .mode(Mode::Fill)
///     .source("Russian foreign ministry, 2021-11-09")
///     .build()?;
/// assert_eq!(r.scope().period.to_string(), "2020-12-02..2021-11-09");
/// assert_eq!(r.qualifier(), Qualifier::Exact);
///
/// // A report in tonnes about people is refused.
/// let bad = Report::builder("x", "2021-11-09".parse()?, Kind::Returnees, "5 t".parse()?).build();
/// assert!(bad.unwrap_err().to_string().contains("returnees is counted in persons"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Serde
///
/// A report serializes to the record of the JSON file format: an object of the columns of
/// [`REPORT_COLUMNS`](crate::REPORT_COLUMNS) that have a value, in that order, every value a string
/// (decimals as written, dates as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `mode` only when it is `fill`).
/// Deserializing reads such a record as the file readers do and validates it as
/// [`ReportBuilder::build`] does.
///
/// ```
/// use relief_ledger::{Report, parse_claim};
///
/// let r = parse_claim("about 53000 persons returnees since=2020-11-14 until=2021-11-09 id=mfa")?;
/// let json = serde_json::to_string(&r)?;
/// assert_eq!(
///     json,
///     r#"{"id":"mfa","published":"2021-11-09","kind":"returnees","since":"2020-11-14","until":"2021-11-09","value":"53000","unit":"persons","qualifier":"about"}"#
/// );
/// assert_eq!(serde_json::from_str::<Report>(&json)?, r);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Report {
    id: Arc<str>,
    published: NaiveDate,
    source: Option<Arc<str>>,
    scope: Scope,
    since: Option<PartialDate>,
    until: Option<PartialDate>,
    value: Quantity,
    qualifier: Qualifier,
    tolerance: Option<Decimal>,
    mode: Mode,
}

impl Report {
    /// Starts a report of a figure about entries of `kind`; finish it with [`ReportBuilder::build`].
    pub fn builder(id: impl Into<Arc<str>>, published: NaiveDate, kind: Kind, value: Quantity) -> ReportBuilder {
        ReportBuilder {
            report: Report {
                id: id.into(),
                published,
                source: None,
                scope: Scope::all().kind(kind),
                since: None,
                until: None,
                value,
                qualifier: Qualifier::Exact,
                tolerance: None,
                mode: Mode::Check,
            },
        }
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The day the figure was published.
    #[must_use]
    pub fn published(&self) -> NaiveDate {
        self.published
    }

    /// The citation.
    #[must_use]
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// What the figure is about, its period included.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The kind the figure is about.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.scope.kind.unwrap_or(Kind::Cargo)
    }

    /// The start of the period as given, if any.
    #[must_use]
    pub fn since(&self) -> Option<PartialDate> {
        self.since
    }

    /// The end of the period as given, if any (the published date otherwise).
    #[must_use]
    pub fn until(&self) -> Option<PartialDate> {
        self.until
    }

    /// The figure and its unit.
    #[must_use]
    pub fn value(&self) -> Quantity {
        self.value
    }

    /// How exact the figure is.
    #[must_use]
    pub fn qualifier(&self) -> Qualifier {
        self.qualifier
    }

    /// The explicit tolerance, in the figure's unit.
    #[must_use]
    pub fn tolerance(&self) -> Option<Decimal> {
        self.tolerance
    }

    /// Check or fill.
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The interval the figure stands for.
    #[must_use]
    pub fn interval(&self) -> Interval {
        self.qualifier.interval(self.value.value(), self.tolerance)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", self.id, self.published, self.qualifier, self.value)?;
        write!(f, " of {}", self.scope)?;
        if let Some(t) = self.tolerance {
            write!(f, " tolerance={t}")?;
        }
        if self.mode == Mode::Fill {
            f.write_str(" mode=fill")?;
        }
        if let Some(s) = &self.source {
            write!(f, " source={s:?}")?;
        }
        Ok(())
    }
}

/// Builds a validated [`Report`]; see [`Report::builder`].
///
/// Scope setters take party, item and region names as written in files; dates take a
/// [`PartialDate`] (`"2020-12".parse()?`, or a `chrono` day with `.into()`), figures a
/// [`Decimal`]. Nothing is checked until [`build`](ReportBuilder::build), which lists every problem.
///
/// # Example
///
/// The seed statement's 1,581 t of humanitarian cargo, delivered "from December 2020 to June" 2021,
/// and the Ministry of Defence's "about 2,100 t" of 2021-04-07:
///
/// ```
/// use relief_ledger::chrono::NaiveDate;
/// use relief_ledger::rust_decimal::Decimal;
/// use relief_ledger::{Category, Kind, Mode, Qualifier, Report};
///
/// let published = NaiveDate::from_ymd_opt(2021, 11, 9).ok_or("no such day")?;
/// let r = Report::builder("mfa-humanitarian", published, Kind::Cargo, "1581 t".parse()?)
///     .category(Category::Humanitarian)
///     .from("RU-EMERCOM")
///     .since("2020-12".parse()?)
///     .until("2021-06".parse()?)
///     .mode(Mode::Fill)
///     .source("Russian foreign ministry, 2021-11-09")
///     .build()?;
/// assert_eq!(r.scope().period.to_string(), "2020-12-01..2021-06-30");
/// assert_eq!(r.interval().to_string(), "[1581, 1581]");
///
/// let day = NaiveDate::from_ymd_opt(2021, 4, 7).ok_or("no such day")?;
/// let mod_ = Report::builder("mod-2021-04-07", day, Kind::Cargo, "2100 t".parse()?)
///     .qualifier(Qualifier::About)
///     .until(day.into())
///     .build()?;
/// assert_eq!(mod_.interval().to_string(), "[2050, 2150]");
/// // An explicit tolerance, in the figure's unit, replaces the qualifier's.
/// let wide = Report::builder("mod-2021-04-07", day, Kind::Cargo, "2100 t".parse()?)
///     .qualifier(Qualifier::About)
///     .tolerance(Decimal::from(100))
///     .build()?;
/// assert_eq!(wide.interval().to_string(), "[2000, 2200]");
///
/// // Every problem at once: persons are not cargo, and a bound cannot fill.
/// let err = Report::builder("x", day, Kind::Cargo, "2100 persons".parse()?)
///     .qualifier(Qualifier::MoreThan)
///     .mode(Mode::Fill)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 2, "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ReportBuilder {
    report: Report,
}

macro_rules! scope_setters {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<Arc<str>>) -> ReportBuilder {
            self.report.scope.$name = Some(value.into());
            self
        }
    )*};
}

impl ReportBuilder {
    scope_setters!(
        /// Scope: only this item.
        item,
        /// Scope: only from this party.
        from,
        /// Scope: only to this party.
        to,
        /// Scope: only through this intermediary.
        via,
        /// Scope: only in this region.
        region
    );

    /// Scope: only this category (one of the kind's).
    pub fn category(mut self, category: Category) -> ReportBuilder {
        self.report.scope.category = Some(category);
        self
    }

    /// The period starts with this date (the beginning of time otherwise). A `chrono` day converts:
    /// `.since(day.into())`; the argument stays a [`PartialDate`] so that `.since("2020-12".parse()?)`
    /// needs no annotation.
    pub fn since(mut self, since: PartialDate) -> ReportBuilder {
        self.report.since = Some(since);
        self
    }

    /// The period ends with this date (the published date otherwise); `.until(day.into())` for a
    /// `chrono` day.
    pub fn until(mut self, until: PartialDate) -> ReportBuilder {
        self.report.until = Some(until);
        self
    }

    /// How exact the figure is (`exact` by default).
    pub fn qualifier(mut self, qualifier: Qualifier) -> ReportBuilder {
        self.report.qualifier = qualifier;
        self
    }

    /// An explicit absolute tolerance, in the figure's unit (`exact` and `about` only).
    pub fn tolerance(mut self, tolerance: Decimal) -> ReportBuilder {
        self.report.tolerance = Some(tolerance);
        self
    }

    /// Check (the default) or fill.
    pub fn mode(mut self, mode: Mode) -> ReportBuilder {
        self.report.mode = mode;
        self
    }

    /// The citation.
    pub fn source(mut self, source: impl Into<Arc<str>>) -> ReportBuilder {
        self.report.source = Some(source.into());
        self
    }

    pub(crate) fn scope_texts(mut self, texts: [Option<Arc<str>>; 5]) -> ReportBuilder {
        let [item, from, to, via, region] = texts;
        let s = &mut self.report.scope;
        (s.item, s.from, s.to, s.via, s.region) = (item, from, to, via, region);
        self
    }

    pub(crate) fn maybe(
        mut self,
        category: Option<Category>,
        since: Option<PartialDate>,
        until: Option<PartialDate>,
        tolerance: Option<Decimal>,
    ) -> ReportBuilder {
        self.report.scope.category = category;
        self.report.since = since;
        self.report.until = until;
        self.report.tolerance = tolerance;
        self
    }

    /// Validates and builds the report.
    ///
    /// # Errors
    ///
    /// Every problem at once: an empty id, a negative figure (a published figure counts what happened),
    /// a figure whose interval reaches past the largest decimal, a unit whose dimension does not fit
    /// the kind, a category of another kind, a negative tolerance or one on a qualifier other than
    /// `exact` and `about`, `fill` with another qualifier, a period that ends before it starts.
    pub fn build(self) -> Result<Report, Error> {
        let mut r = self.report;
        let kind = r.kind();
        let mut problems: Vec<Problem> = crate::period::unwritable("published", r.published).into_iter().collect();
        for (field, date) in [("since", r.since.map(|d| d.first_day())), ("until", r.until.map(|d| d.last_day()))] {
            problems.extend(date.and_then(|d| crate::period::unwritable(field, d)));
        }
        if r.id.trim().is_empty() {
            problems.push(Problem::new(ProblemKind::Empty, "id", "is empty; every report needs an id"));
        }
        let dim = r.value.dimension();
        // A number of exchanges is a figure of every kind: the occasions, whatever they moved.
        let counts_exchanges = dim == crate::quantity::Dimension::Exchanges;
        if counts_exchanges && r.mode == Mode::Fill {
            problems.push(Problem::new(
                ProblemKind::Inconsistent,
                "mode",
                "a number of exchanges cannot fill: no unattributed entry makes an occasion; \
                 make the report a check (mode check, or leave mode out)",
            ));
        }
        if !counts_exchanges && !kind.dimensions().contains(&dim) {
            let allowed: Vec<&str> = kind.dimensions().iter().map(|d| d.as_str()).collect();
            problems.push(Problem::new(
                ProblemKind::WrongDimension,
                "unit",
                format!(
                    "{kind} is counted in {}; a figure in {} ({dim}) cannot be checked against it",
                    allowed.join(" or "),
                    r.value.unit()
                ),
            ));
        }
        if let Some(c) = r.scope.category {
            if c.kind() != kind {
                problems.push(Problem::new(
                    ProblemKind::Inconsistent,
                    "category",
                    format!("{c} is a category of {}, not of {kind}", c.kind()),
                ));
            }
        }
        if let Some(t) = r.tolerance {
            if t < Decimal::ZERO {
                problems.push(Problem::new(ProblemKind::OutOfRange, "tolerance", format!("{t} is negative")));
            } else if !r.qualifier.can_fill() {
                problems.push(Problem::new(
                    ProblemKind::Inconsistent,
                    "tolerance",
                    format!("a tolerance applies to exact and about figures, not {}", r.qualifier),
                ));
            }
        }
        let value = r.value.value();
        if value.is_sign_negative() && !value.is_zero() {
            problems.push(Problem::new(
                ProblemKind::OutOfRange,
                "value",
                format!(
                    "{:?} is negative; a published figure counts what happened, so it is zero or more",
                    value.to_string()
                ),
            ));
        } else if r.qualifier.checked_interval(value, r.tolerance).is_none() {
            let by = match (r.qualifier, r.tolerance) {
                (_, Some(t)) if r.qualifier.can_fill() => format!(" with tolerance {t}"),
                (Qualifier::About, _) => " (±2 %)".to_string(),
                _ => String::new(),
            };
            problems.push(Problem::new(
                ProblemKind::Overflow,
                "value",
                format!(
                    "{} {:?}{by} stands for figures past {}, the largest a decimal holds; give a smaller figure{}",
                    r.qualifier,
                    value.to_string(),
                    Decimal::MAX,
                    if r.tolerance.is_some() { " or tolerance" } else { "" }
                ),
            ));
        }
        if r.mode == Mode::Fill && !r.qualifier.can_fill() {
            problems.push(Problem::new(
                ProblemKind::Inconsistent,
                "mode",
                format!(
                    "only exact and about figures can fill; {} {} figure is a bound, not an amount",
                    article(r.qualifier.as_str()),
                    r.qualifier
                ),
            ));
        }
        for (name, v) in ["item", "from", "to", "via", "region"].iter().zip(r.scope.texts()) {
            if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                problems.push(Problem::new(ProblemKind::Empty, name, "is empty; leave the field out to mean any"));
            }
        }
        match Period::from_bounds(r.since, Some(r.until.unwrap_or(PartialDate::day(r.published)))) {
            Ok(p) => r.scope.period = p,
            Err(e) => problems.extend(e.problems().iter().cloned()),
        }
        if problems.is_empty() && r.mode == Mode::Fill && !counts_exchanges {
            // A fill must be able to record its unattributed entry (a transfer scoped to one party on
            // both sides never can): refuse it here, where the report's file and line are still known.
            if let Err(e) = fill_entry(&r, Decimal::ONE, r.scope.period.end().unwrap_or(r.published)) {
                problems.extend(e.problems().iter().cloned());
            }
        }
        if problems.is_empty() {
            Ok(r)
        } else {
            let position = Position::new().with_id(r.id.to_string(), RecordKind::Report);
            Err(Error::invalid(problems).at(&position))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fill_that_could_never_record_its_entry_is_refused_when_built() {
        let build = |mode| {
            Report::builder(
                "r1",
                NaiveDate::from_ymd_opt(2021, 1, 5).unwrap_or_default(),
                Kind::DetaineeTransfer,
                Quantity::new(Decimal::TEN, crate::quantity::Unit::Persons).unwrap(),
            )
            .from("ARM")
            .to("ARM")
            .mode(mode)
            .build()
        };
        let err = build(Mode::Fill).unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert_eq!(err.problems()[0].field.as_deref(), Some("to"), "{err}");
        // A check report with that scope is no contradiction in itself: it matches nothing.
        assert!(build(Mode::Check).is_ok());
    }

    #[test]
    fn intervals_of_the_issue_do_not_panic() {
        let max = Decimal::MAX;
        assert_eq!(
            Qualifier::About
                .checked_interval(Decimal::from(78) * Decimal::from(10u64.pow(18)) * Decimal::from(10u64.pow(9)), None),
            None
        );
        assert_eq!(Qualifier::Exact.checked_interval(max, Some(Decimal::ONE)), None);
        assert_eq!(Qualifier::Exact.interval(-max, None).to_string(), format!("[-{max}, -{max}]"));
        assert_eq!(Qualifier::Nearly.interval(-max, None).to_string(), format!("[-{max}, -{max})"));
        assert_eq!(Qualifier::About.interval(Decimal::MIN, Some(max)).to_string(), format!("[-{max}, 0]"));
    }
}
