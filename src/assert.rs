//! Published totals as test assertions: [`Ledger::check_claims`], [`assert_claims()`] and the
//! [`assert_claims!`](crate::assert_claims!) macro, with the explanation of a failing claim built here
//! ([`Verification::explain`]) rather than by the command line.

use std::fmt::{self, Write as _};

use crate::claim::parse_claims;
use crate::error::Error;
use crate::ledger::Ledger;
use crate::report::{Outcome, Report, Verification};

/// Why [`Ledger::check_claims`] failed: some claims are `short` or `over`, or the claims could not be
/// read or verified.
///
/// Its `Display` is the whole message: each failing claim with its interval, what the ledger holds,
/// and the entries behind it, as `relief-ledger verify --explain ID` prints them.
#[derive(Debug)]
pub struct ClaimsFailed {
    message: String,
    failed: Vec<String>,
    error: Option<Error>,
}

impl ClaimsFailed {
    /// The ids of the claims that are `short` or `over`, in the order given (empty when the claims
    /// were refused before verification).
    pub fn failed(&self) -> &[String] {
        &self.failed
    }

    /// The error that kept the claims from being verified (a claim that does not parse, two claims
    /// with one id, a figure too large), if that is why.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    fn refused(error: Error) -> ClaimsFailed {
        ClaimsFailed { message: format!("the claims were refused:\n{error}"), failed: Vec::new(), error: Some(error) }
    }
}

impl fmt::Display for ClaimsFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClaimsFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Ledger {
    /// Checks claim lines (see [`claim`](crate::claim)) against the ledger: `Ok` when every claim is
    /// `ok`, or `filled` where the claim says `mode=fill`.
    ///
    /// Claims without `id=` are named `claim-1`, `claim-2`, … by their place.
    ///
    /// # Errors
    ///
    /// [`ClaimsFailed`], whose message shows each `short` or `over` claim, its interval, the ledger's
    /// figure and the entries behind it; or the claims' own problems when they do not parse.
    ///
    /// # Example
    ///
    /// The seed statement: 105 persons returned to Armenia since 2020-12-02, 79 of them in four
    /// dated exchanges.
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger};
    ///
    /// let mut ledger = Ledger::new();
    /// for (date, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
    ///     ledger.insert(
    ///         Entry::detainee_transfer(date.parse()?, format!("{n} persons").parse()?).from("AZE").to("ARM").build()?,
    ///     )?;
    /// }
    /// // As a fill, the claim passes: 26 persons are recorded as unattributed.
    /// ledger.check_claims(&["105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill"])?;
    ///
    /// // As a check, it fails, and the message shows the four entries that explain 79.
    /// let failed = ledger
    ///     .check_claims(&["105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09"])
    ///     .unwrap_err();
    /// assert_eq!(failed.failed(), ["claim-1"]);
    /// let message = failed.to_string();
    /// assert!(message.contains("claim-1: short: exact 105 persons"), "{message}");
    /// assert!(message.contains("the ledger holds 79 persons in 4 entries"), "{message}");
    /// assert!(message.contains("2021-07-03"), "{message}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_claims<S: AsRef<str>>(&self, claims: &[S]) -> Result<(), ClaimsFailed> {
        let reports = parse_claims(claims.iter().map(AsRef::as_ref)).map_err(ClaimsFailed::refused)?;
        self.check_reports(&reports)
    }

    /// Checks reports against the ledger as [`Ledger::check_claims`] does claim lines.
    ///
    /// # Errors
    ///
    /// [`ClaimsFailed`] when a report is `short` or `over`, or the reports cannot be verified.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, parse_claim};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::returnees("2021-01-05".parse()?, "1200 persons".parse()?).to("NKR").build()?,
    /// ])?;
    /// let claim = parse_claim("about 1200 persons returnees until=2021-01-31")?;
    /// ledger.check_reports(&[claim])?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_reports(&self, reports: &[Report]) -> Result<(), ClaimsFailed> {
        let v = self.verify(reports).map_err(ClaimsFailed::refused)?;
        let failing: Vec<&Outcome> = v.outcomes().iter().filter(|o| !o.status().is_success()).collect();
        if failing.is_empty() {
            return Ok(());
        }
        let mut message = format!(
            "{} of {} claim{} {} not hold against the ledger",
            failing.len(),
            reports.len(),
            if reports.len() == 1 { "" } else { "s" },
            if failing.len() == 1 { "does" } else { "do" },
        );
        for o in &failing {
            message.push_str("\n\n");
            message.push_str(&v.explain(o));
        }
        let failed = failing.iter().map(|o| o.report_id().to_string()).collect();
        Err(ClaimsFailed { message, failed, error: None })
    }
}

impl Verification<'_> {
    /// Explains one outcome in words and a table, as `relief-ledger verify --explain ID` does: the
    /// claim with its status and interval, the ledger's figure, then the entries behind it (date, id,
    /// quantity in the claim's unit, parties, source) and what a fill added.
    ///
    /// # Example
    ///
    /// ```
    /// use relief_ledger::{Entry, Ledger, parse_claim};
    ///
    /// let ledger = Ledger::from_entries([
    ///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").source("ICRC").build()?,
    /// ])?;
    /// let claims = [parse_claim("exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa")?];
    /// let v = ledger.verify(&claims)?;
    /// let text = v.explain(&v.outcomes()[0]);
    /// assert!(text.starts_with("mfa: short: exact 105 persons of kind=detainee-transfer to=ARM period=2020-12-02..2021-11-09"));
    /// assert!(text.contains("interval [105, 105]; the ledger holds 44 persons in 1 entry (difference -61)"));
    /// assert!(text.contains("2020-12-14"));
    /// assert!(text.contains("AZE -> ARM"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn explain(&self, outcome: &Outcome) -> String {
        let r = self.report(outcome);
        let unit = outcome.reported().unit();
        let entries = self.entries(outcome);
        let mut out = String::new();
        let _ = write!(
            out,
            "{}: {}: {} {}",
            outcome.report_id(),
            outcome.status(),
            outcome.qualifier(),
            outcome.reported()
        );
        let _ = match r {
            Some(r) => writeln!(out, " of {}", r.scope()),
            None => writeln!(out),
        };
        let diff = self.difference(outcome);
        let _ = write!(
            out,
            "interval {}; the ledger holds {} {unit} in {} entr{} (difference {}{diff})",
            outcome.interval(),
            if outcome.ledger_high() == outcome.ledger() {
                outcome.ledger().normalize().to_string()
            } else {
                // Entries dated to a span that the period holds in part: the figure is open between.
                format!("{}..{}", outcome.ledger().normalize(), outcome.ledger_high().normalize())
            },
            entries.len(),
            if entries.len() == 1 { "y" } else { "ies" },
            if diff > rust_decimal::Decimal::ZERO { "+" } else { "" },
        );
        if let Some(s) = r.and_then(Report::source) {
            let _ = write!(out, "\nsource: {s}");
        }
        if !entries.is_empty() {
            let rows: Vec<[String; 5]> = entries
                .iter()
                .map(|e| {
                    let q = e.quantity().to_unit(unit).map_or_else(|_| e.quantity().to_string(), |q| q.to_string());
                    let parties = format!("{} -> {}", e.from().unwrap_or("-"), e.to().unwrap_or("-"));
                    let source = match e.unattributed() {
                        Some(rid) => format!("unattributed (fill of {rid})"),
                        None => e.source().unwrap_or("").to_string(),
                    };
                    [e.date().to_string(), e.id().to_string(), q, parties, source]
                })
                .collect();
            out.push('\n');
            out.push_str(&table(["date", "entry", "quantity", "parties", "source"], &rows));
        }
        if let Some(f) = outcome.filled() {
            let _ = write!(
                out,
                "\nits fill adds {} {unit} that no dated event explains, as the unattributed entry fill:{}",
                f.normalize(),
                outcome.report_id()
            );
        }
        out
    }
}

/// Columns padded to their widest cell (in characters), quantities right-aligned, no trailing spaces.
fn table(header: [&str; 5], rows: &[[String; 5]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for (n, row) in std::iter::once(&header).chain(rows).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut line = String::from("  ");
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = w.saturating_sub(cell.chars().count());
            if i == 2 {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
    }
    out
}

/// Panics with [`ClaimsFailed`]'s message unless every claim holds against the ledger; for tests.
///
/// Claims are claim lines (see [`claim`](crate::claim)); the panic is reported at the caller's line.
/// The [`assert_claims!`](crate::assert_claims!) macro is the short form.
///
/// # Panics
///
/// When a claim is `short` or `over`, does not parse, or the claims cannot be verified.
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, assert_claims};
///
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?).from("AZE").to("ARM").build()?,
/// ])?;
/// assert_claims(&ledger, &["44 persons detainee-transfer to=ARM until=2020-12-31"]);
/// let failed = std::panic::catch_unwind(|| {
///     assert_claims(&ledger, &["more-than 50 persons detainee-transfer to=ARM until=2020-12-31"])
/// });
/// assert!(failed.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[track_caller]
pub fn assert_claims<S: AsRef<str>>(ledger: &Ledger, claims: &[S]) {
    if let Err(e) = ledger.check_claims(claims) {
        panic!("{e}");
    }
}

/// Asserts that every claim line holds against a ledger: `assert_claims!(ledger, "…", "…")`.
///
/// Passes when each claim is `ok`, or `filled` where it says `mode=fill`; otherwise panics with a
/// message that shows each failing claim, its interval, what the ledger holds and the entries
/// behind it. See [`assert_claims()`](crate::assert_claims()) and [`Ledger::check_claims`].
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, assert_claims};
///
/// let mut ledger = Ledger::new();
/// for (date, n) in [("2020-12-14", 44), ("2021-02-10", 5), ("2021-06-12", 15), ("2021-07-03", 15)] {
///     ledger.insert(
///         Entry::detainee_transfer(date.parse()?, format!("{n} persons").parse()?).from("AZE").to("ARM").build()?,
///     )?;
/// }
/// assert_claims!(
///     ledger,
///     "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 mode=fill",
///     "more-than 75 persons detainee-transfer to=ARM since=2020-12-02 until=2021-07-31",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! assert_claims {
    ($ledger:expr, $($claim:expr),+ $(,)?) => {
        $crate::assert_claims(&$ledger, &[$(::core::convert::AsRef::<str>::as_ref(&$claim)),+])
    };
}
