//! A verification and an audit as one self-contained HTML page to send: styles and drawings inline,
//! no script, nothing loaded from the network; readable printed, on a phone and by a screen reader.
//! `text` escapes and links citations; `svg` draws the number lines and running-total charts.

mod svg;
mod text;

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::audit::{Audit, Finding, Severity};
use crate::entry::Entry;
use crate::period::{PartialDate, Period};
use crate::quantity::Unit;
use crate::query::{Scope, Step};
use crate::report::{Outcome, Report, Status, Verification};

use svg::{DASHES, Line, Mark, Parts, number_line, running_chart};
use text::{cite, esc};

/// How many entries a list on the page shows before it says how many more there are.
const ENTRIES_SHOWN: usize = 1000;

/// Lines drawn per chart: more scopes than this in one chart are listed, not drawn.
const LINES_DRAWN: usize = 12;

/// The words, symbol and colours of a status: the page never shows a status by colour alone.
/// A new status is one line here.
fn status_look(s: Status) -> (&'static str, &'static str, &'static str, &'static str) {
    // (symbol, what it means, background, text colour)
    match s {
        Status::Ok => ("✓", "the record explains the figure", "#c6f6d5", "#1c4532"),
        Status::Short => {
            ("▼", "the record holds less: events are missing, or the figure is inflated", "#fefcbf", "#5f370e")
        }
        Status::Over => (
            "▲",
            "the record holds more: the figure is contradicted, or the record double counts",
            "#fed7d7",
            "#63171b",
        ),
        Status::Filled => {
            ("◐", "the part no dated event explains is recorded as an unattributed entry", "#bee3f8", "#1a365d")
        }
        Status::Undecided => {
            ("◇", "the figure holds for some datings of the record and not for others", "#e9d8fd", "#322659")
        }
    }
}

/// The severities, gravest first, with their heading and colours.
const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Note];

fn severity_look(s: Severity) -> (&'static str, &'static str, &'static str) {
    // (heading, background, text colour)
    match s {
        Severity::Error => ("Errors: the record contradicts itself", "#fed7d7", "#63171b"),
        Severity::Warning => ("Warnings: probably a mistake", "#fefcbf", "#5f370e"),
        Severity::Note => ("Notes: worth knowing", "#e2e8f0", "#1a202c"),
    }
}

/// A [`Verification`], and optionally an [`Audit`] of the same ledger and reports, as one
/// self-contained HTML page: what was checked, one row per report with its status in words and
/// colour, a number line of its interval and of what the record explains, the entries behind each
/// figure, running-total charts with the reports drawn on them, and the audit's findings.
///
/// Everything is inline (styles, SVG); the page has no script and loads nothing (a content security
/// policy says so to the browser too). Every text from the input is escaped; a source becomes a
/// link only where it holds an `http(s)://` URL or a bare domain path such as
/// `tass.com/world/1230247`. `relief-ledger verify --format html` prints this page.
///
/// # Example
///
/// ```
/// use relief_ledger::{AuditOptions, Entry, HtmlPage, Ledger, parse_claims};
///
/// // AP: 44 detainees handed over to Armenia on 2020-12-14; the ministry's 105 since 2020-12-02.
/// let ledger = Ledger::from_entries([
///     Entry::detainee_transfer("2020-12-14".parse()?, "44 persons".parse()?)
///         .id("dt-1").from("AZE").to("ARM").source("AP, 2020-12-14").build()?,
/// ])?;
/// let reports = parse_claims([
///     "exact 105 persons detainee-transfer to=ARM since=2020-12-02 until=2021-11-09 id=mfa mode=fill",
/// ])?;
/// let verification = ledger.verify(&reports)?;
/// let audit = ledger.audit(&reports, &AuditOptions::default());
/// let html = HtmlPage::new(&verification).audit(&audit).files(["entries.csv", "reports.csv"]).render();
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("mfa") && html.contains("filled") && html.contains("dt-1"));
/// assert!(!html.contains("<script"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct HtmlPage<'a> {
    v: &'a Verification<'a>,
    audit: Option<&'a Audit>,
    files: Vec<String>,
    title: Option<String>,
    entries_shown: usize,
}

impl<'a> HtmlPage<'a> {
    /// The page of a verification; its ledger and reports are the verification's.
    #[must_use]
    pub fn new(verification: &'a Verification<'a>) -> HtmlPage<'a> {
        HtmlPage { v: verification, audit: None, files: Vec::new(), title: None, entries_shown: ENTRIES_SHOWN }
    }

    /// Adds the findings of an audit of the same ledger and reports.
    #[must_use]
    pub fn audit(mut self, audit: &'a Audit) -> HtmlPage<'a> {
        self.audit = Some(audit);
        self
    }

    /// Names the files the ledger and reports were read from, as the page should show them.
    #[must_use]
    pub fn files<S: Into<String>>(mut self, files: impl IntoIterator<Item = S>) -> HtmlPage<'a> {
        self.files = files.into_iter().map(Into::into).collect();
        self
    }

    /// The page's title and heading (by default, "Verification of published figures").
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> HtmlPage<'a> {
        self.title = Some(title.into());
        self
    }

    /// How many entries each list shows before saying how many more there are (by default
    /// 1000); keeps the page of a large ledger small enough to send.
    #[must_use]
    pub fn entries_shown(mut self, n: usize) -> HtmlPage<'a> {
        self.entries_shown = n;
        self
    }

    /// The page, as one HTML document.
    #[must_use]
    pub fn render(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        let title = self.title.as_deref().unwrap_or("Verification of published figures");
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
             img-src data:; base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"generator\" content=\"relief-ledger {}\">\n<title>{}</title>\n<style>\n{}{}</style>\n</head>\n<body>\n{}",
            env!("CARGO_PKG_VERSION"),
            esc(title),
            CSS,
            status_css(),
            svg::DEFS,
        );
        let _ = writeln!(h, "<main>\n<header><h1>{}</h1></header>", esc(title));
        let targets = self.targets();
        self.summary(&mut h);
        self.reports(&mut h);
        self.charts(&mut h);
        self.findings(&mut h, &targets);
        self.named_entries(&mut h, &targets);
        h.push_str("</main>\n<footer><p>Made by relief-ledger from the files named above: figures are exact, as the files give them.</p></footer>\n</body>\n</html>\n");
        h
    }

    fn summary(&self, h: &mut String) {
        let v = self.v;
        let ledger = v.ledger();
        h.push_str(
            "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">What was checked</h2>\n",
        );
        let n = v.outcomes().len();
        let _ = write!(
            h,
            "<p>{} checked against {}",
            plural(n, "published report", "published reports"),
            plural(ledger.len(), "dated entry", "dated entries")
        );
        if let Some((a, b)) = ledger.date_range() {
            let _ = write!(h, " dated from <time datetime=\"{a}\">{a}</time> to <time datetime=\"{b}\">{b}</time>");
        }
        if !v.fills().is_empty() {
            let _ =
                write!(h, "; fills added {}", plural(v.fills().len(), "unattributed entry", "unattributed entries"));
        }
        h.push_str(".</p>\n");
        if !self.files.is_empty() {
            h.push_str("<p>Files read:</p>\n<ul class=\"files\">");
            for f in &self.files {
                let _ = write!(h, "<li><code>{}</code></li>", esc(f));
            }
            h.push_str("</ul>\n");
        }
        h.push_str("<div class=\"counts\">\n<table>\n<caption>Reports by status</caption>\n<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Reports</th></tr></thead>\n<tbody>\n");
        for s in Status::ALL {
            let count = v.outcomes().iter().filter(|o| o.status() == s).count();
            let _ = writeln!(h, "<tr><th scope=\"row\">{}</th><td class=\"num\">{count}</td></tr>", badge(s));
        }
        h.push_str("</tbody>\n</table>\n");
        match self.audit {
            Some(a) => {
                h.push_str("<table>\n<caption>Audit findings by severity</caption>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n");
                for s in SEVERITIES {
                    let _ = writeln!(
                        h,
                        "<tr><th scope=\"row\"><span class=\"sev sev-{0}\">{0}</span></th><td class=\"num\">{1}</td></tr>",
                        s.as_str(),
                        a.count(s)
                    );
                }
                h.push_str("</tbody>\n</table>\n");
            }
            None => h.push_str("<p>No audit was made.</p>\n"),
        }
        h.push_str("</div>\n</section>\n");
    }

    fn reports(&self, h: &mut String) {
        let v = self.v;
        h.push_str(
            "<section id=\"reports\" aria-labelledby=\"reports-h\">\n<h2 id=\"reports-h\">Reports</h2>\n\
             <p>One row per report, in the order of the files: the figure as published, its status, and what the \
             record holds in the report's scope and period. Under each, a number line (the bar: what dated events \
             explain, solid; fills of earlier reports, hatched grey; this report's fill, hatched orange; the line \
             below: the report's interval, an arrow where it is open, a hollow circle at an end it excludes) and the \
             entries behind the figure.</p>\n\
             <table class=\"reports\">\n<caption>Published reports and the record</caption>\n\
             <colgroup><col class=\"c-report\"><col class=\"c-figure\"><col class=\"c-status\"><col class=\"c-record\"></colgroup>\n\
             <thead><tr><th scope=\"col\">Report</th><th scope=\"col\">Published figure</th><th scope=\"col\">Status</th>\
             <th scope=\"col\">The record</th></tr></thead>\n",
        );
        // The unattributed entry of each filled report, by the report's id.
        let fills: HashMap<&str, &Entry> = v.fills().iter().filter_map(|e| e.unattributed().map(|r| (r, e))).collect();
        for (i, o) in v.outcomes().iter().enumerate() {
            self.report_rows(h, i, o, &fills);
        }
        h.push_str("</table>\n</section>\n");
    }

    fn report_rows(&self, h: &mut String, i: usize, o: &Outcome, fills: &HashMap<&str, &Entry>) {
        let v = self.v;
        let r = v.report(o);
        let unit = o.reported().unit();
        let entries = v.entries(o);
        let own_fill = o.filled().and_then(|_| fills.get(o.report_id()).copied());
        let status = o.status();
        let _ = writeln!(h, "<tbody id=\"report-{i}\" class=\"report s-row-{}\">", status.as_str());
        // The report.
        let _ = write!(h, "<tr><th scope=\"row\"><span class=\"id\">{}</span>", esc(o.report_id()));
        if let Some(r) = r {
            if let Some(s) = r.source() {
                let _ = write!(h, "\n<span class=\"source\">{}</span>", cite(s));
            }
        }
        h.push_str("</th>");
        // The figure as published.
        let _ = write!(h, "<td><strong class=\"figure\">{} {}</strong>", o.qualifier(), esc(&o.reported().to_string()));
        let _ = write!(h, "\n<span class=\"small\">interval {}</span>", esc(&o.interval().to_string()));
        if let Some(r) = r {
            let _ =
                write!(h, "\n<span class=\"small\">published <time datetime=\"{0}\">{0}</time></span>", r.published());
        }
        h.push_str("</td>");
        // Its status, in words (what it means is spelt out in the row below).
        let _ = write!(h, "<td>{}</td>", badge(status));
        // What the record holds.
        let diff = o.difference();
        let _ = write!(
            h,
            "<td><span class=\"line\">ledger <strong class=\"ledger\">{} {unit}</strong></span>\n\
             <span class=\"line\">difference <span class=\"difference\">{}{}</span></span>",
            o.ledger().normalize(),
            if diff > Decimal::ZERO { "+" } else { "" },
            diff.normalize()
        );
        if let Some(f) = o.filled() {
            let _ = write!(
                h,
                "\n<span class=\"line\">filled <strong class=\"filled\">{} {unit}</strong></span>",
                f.normalize()
            );
        }
        h.push_str("</td></tr>\n");
        // The number line and the entries behind the figure.
        let parts = parts(o, &entries, unit);
        let legend = format!(
            "interval {} {unit}; dated events explain {}{}{}",
            o.interval(),
            parts.dated.normalize(),
            if parts.earlier > Decimal::ZERO {
                format!("; fills of earlier reports add {}", parts.earlier.normalize())
            } else {
                String::new()
            },
            if parts.own > Decimal::ZERO {
                format!("; this report's fill adds {}", parts.own.normalize())
            } else {
                String::new()
            },
        );
        let label = format!("number line of {}: {legend}", o.report_id());
        h.push_str("<tr class=\"detail\"><td colspan=\"4\">");
        let _ = write!(h, "<p class=\"meaning\"><strong>{}</strong>: {}", status.as_str(), status_look(status).1);
        if let Some(r) = r {
            let _ = write!(h, "\n<span class=\"small\">scope {}", esc(&r.scope().to_string()));
            if r.mode() == crate::report::Mode::Fill {
                h.push_str("; mode fill");
            }
            h.push_str("</span>");
        }
        h.push_str("</p>");
        h.push_str(&number_line(o.interval().low(), o.interval().high(), o.reported().value(), parts, &label));
        let _ = write!(h, "<p class=\"legend-text\">{}</p>", esc(&legend));
        let behind = entries.len() + usize::from(own_fill.is_some());
        let _ = write!(
            h,
            "<details><summary>The entries behind this figure ({}{})</summary>",
            plural(entries.len(), "entry", "entries"),
            if own_fill.is_some() { ", and its fill" } else { "" }
        );
        if behind == 0 {
            h.push_str("<p>No entry of the ledger is in this report's scope and period.</p>");
        } else {
            let _ = write!(
                h,
                "<table class=\"entries\"><caption>Entries behind {}</caption><thead><tr><th scope=\"col\">Date</th>\
                 <th scope=\"col\">Entry</th><th scope=\"col\">Quantity</th><th scope=\"col\">Parties</th>\
                 <th scope=\"col\">Source</th></tr></thead><tbody>",
                esc(o.report_id())
            );
            for e in entries.iter().chain(own_fill).take(self.entries_shown) {
                entry_row(h, e, Some(unit), None);
            }
            h.push_str("</tbody></table>");
            if behind > self.entries_shown {
                let more = behind - self.entries_shown;
                let _ = write!(h, "<p>and {more} more {} not shown</p>", if more == 1 { "entry" } else { "entries" });
            }
        }
        h.push_str("</details></td></tr>\n</tbody>\n");
    }

    fn charts(&self, h: &mut String) {
        let v = self.v;
        let ledger = v.ledger();
        // One chart per kind and unit, in the order of the reports; one line per scope.
        struct Chart<'r> {
            kind: crate::entry::Kind,
            unit: Unit,
            scopes: Vec<Scope>,
            reports: Vec<(&'r Outcome, &'r Report, usize)>,
        }
        let mut charts: Vec<Chart<'_>> = Vec::new();
        let mut chart_of: HashMap<(crate::entry::Kind, Unit), usize> = HashMap::new();
        let mut line_of: HashMap<(usize, Scope), usize> = HashMap::new();
        for o in v.outcomes() {
            let Some(r) = v.report(o) else { continue };
            let unit = o.reported().unit();
            let c = *chart_of.entry((r.kind(), unit)).or_insert_with(|| {
                charts.push(Chart { kind: r.kind(), unit, scopes: Vec::new(), reports: Vec::new() });
                charts.len() - 1
            });
            let period = r.scope().period.start().map_or(Period::all(), |s| Period::since(PartialDate::from(s)));
            let scope = r.scope().clone().period(period);
            let Some(chart) = charts.get_mut(c) else { continue };
            let line = *line_of.entry((c, scope.clone())).or_insert_with(|| {
                chart.scopes.push(scope);
                chart.scopes.len() - 1
            });
            chart.reports.push((o, r, line));
        }
        if charts.is_empty() {
            return;
        }
        h.push_str(
            "<section id=\"charts\" aria-labelledby=\"charts-h\">\n<h2 id=\"charts-h\">Running totals</h2>\n\
             <p>For each kind with reports: the running total of the dated entries of each report's scope (fills left \
             out), and each report at the end of its period as its interval: a bar from its lower to its upper end, \
             an arrow where it is open, a hollow circle at an end it excludes, a dot at the figure published.</p>\n",
        );
        for (c, chart) in charts.iter().enumerate() {
            let drawn = chart.scopes.len().min(LINES_DRAWN);
            let lines: Vec<Line> =
                chart.scopes.iter().take(drawn).map(|s| running_line(ledger, s, chart.unit)).collect();
            let marks: Vec<Mark> = chart
                .reports
                .iter()
                .filter(|(_, _, l)| *l < drawn)
                .map(|(o, r, l)| Mark {
                    line: *l,
                    at: r.scope().period.end().unwrap_or(r.published()),
                    low: o.interval().low(),
                    high: o.interval().high(),
                    reported: o.reported().value(),
                    title: format!("{}: {} {}, interval {}", o.report_id(), o.qualifier(), o.reported(), o.interval()),
                })
                .collect();
            let heading = format!("{} ({})", chart.kind, chart.unit);
            let label = format!(
                "running totals of {} in {} over time, {} and {}; the table below gives the figures",
                chart.kind,
                chart.unit,
                plural(lines.len(), "line", "lines"),
                plural(marks.len(), "report", "reports")
            );
            let _ = write!(
                h,
                "<figure id=\"chart-{c}\" aria-labelledby=\"chart-{c}-h\">\n<h3 id=\"chart-{c}-h\">{}</h3>\n",
                esc(&heading)
            );
            h.push_str(&running_chart(&lines, &marks, &chart.unit.to_string(), &label));
            h.push_str("\n<ul class=\"legend\">");
            for (i, s) in chart.scopes.iter().take(drawn).enumerate() {
                let (colour, dash) = line_style(i);
                let _ = write!(
                    h,
                    "<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" stroke=\"{colour}\" stroke-width=\"3\"{}/></svg> {}</li>",
                    if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") },
                    esc(&line_label(s))
                );
            }
            h.push_str("</ul>\n");
            if chart.scopes.len() > drawn {
                let _ = writeln!(
                    h,
                    "<p>{} more not drawn (listed in the table)</p>",
                    plural(chart.scopes.len() - drawn, "scope", "scopes")
                );
            }
            let _ = write!(
                h,
                "<figcaption>Running totals of {0} in {1}, with the reports at the end of their periods</figcaption>\n\
                 <details><summary>The chart's figures</summary><table class=\"chart-data\"><caption>Reports of {0} and the \
                 running total of the dated entries in their scope</caption><thead><tr><th scope=\"col\">Report</th>\
                 <th scope=\"col\">At</th><th scope=\"col\">Published figure</th><th scope=\"col\">Interval</th>\
                 <th scope=\"col\">Dated entries by then</th></tr></thead><tbody>",
                esc(&chart.kind.to_string()),
                esc(&chart.unit.to_string())
            );
            for (o, r, l) in &chart.reports {
                let at = r.scope().period.end().unwrap_or(r.published());
                // The running total of the report's line at its date; none for a line not drawn
                // (beyond the chart's lines) or not in the report's unit.
                let by_then = match lines.get(*l).and_then(|line| line.points.as_ref()) {
                    Some(points) => points
                        .iter()
                        .take_while(|(d, _)| *d <= at)
                        .last()
                        .map_or(Decimal::ZERO, |(_, v)| *v)
                        .normalize()
                        .to_string(),
                    None => "–".to_string(),
                };
                let _ = write!(
                    h,
                    "<tr><th scope=\"row\"><a href=\"#report-{}\">{}</a></th><td><time datetime=\"{at}\">{at}</time></td>\
                     <td>{} {}</td><td>{}</td><td class=\"num\">{by_then}</td></tr>",
                    o.report_index().unwrap_or(0),
                    esc(o.report_id()),
                    o.qualifier(),
                    esc(&o.reported().to_string()),
                    esc(&o.interval().to_string())
                );
            }
            h.push_str("</tbody></table></details>\n</figure>\n");
        }
        h.push_str("</section>\n");
    }

    /// Where each report and each entry named by a finding is on the page, by id.
    fn targets(&self) -> Targets<'a> {
        let mut t = Targets::default();
        for (i, o) in self.v.outcomes().iter().enumerate() {
            t.reports.entry(o.report_id().to_string()).or_insert(i);
        }
        if let Some(a) = self.audit {
            let ledger = self.v.ledger();
            for f in a.findings() {
                for id in f.entries() {
                    if t.entries.len() >= self.entries_shown || t.entry_at.contains_key(id.as_str()) {
                        continue;
                    }
                    let e = ledger.get(id).or_else(|| self.v.fills().iter().find(|e| e.id() == id).cloned());
                    if let Some(e) = e {
                        t.entry_at.insert(id.clone(), t.entries.len());
                        t.entries.push(e);
                    }
                }
            }
        }
        t
    }

    fn findings(&self, h: &mut String, t: &Targets<'_>) {
        let Some(audit) = self.audit else { return };
        h.push_str(
            "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Audit findings</h2>\n",
        );
        if audit.findings().is_empty() {
            h.push_str("<p>The audit found nothing to report.</p>\n</section>\n");
            return;
        }
        for s in SEVERITIES {
            let list: Vec<&Finding> = audit.findings().iter().filter(|f| f.severity() == s).collect();
            if list.is_empty() {
                continue;
            }
            let _ = write!(
                h,
                "<h3 id=\"findings-{0}\"><span class=\"sev sev-{0}\">{0}</span> {1} ({2})</h3>\n<ul class=\"findings\">\n",
                s.as_str(),
                severity_look(s).0,
                list.len()
            );
            for f in list {
                let _ = write!(
                    h,
                    "<li class=\"finding\"><span class=\"sev sev-{}\">{}</span> <code class=\"code\">{}</code> <span class=\"message\">{}</span>",
                    s.as_str(),
                    s.as_str(),
                    f.code(),
                    esc(f.message())
                );
                if !f.reports().is_empty() {
                    h.push_str("\n<span class=\"small\">reports: ");
                    self.links(h, f.reports(), |id| t.reports.get(id).map(|i| format!("report-{i}")));
                    h.push_str("</span>");
                }
                if !f.entries().is_empty() {
                    h.push_str("\n<span class=\"small\">entries: ");
                    self.links(h, f.entries(), |id| t.entry_at.get(id).map(|i| format!("entry-{i}")));
                    h.push_str("</span>");
                }
                if !f.positions().is_empty() {
                    let places: Vec<String> =
                        f.positions().iter().take(self.entries_shown).map(ToString::to_string).collect();
                    let _ = write!(h, "\n<span class=\"small\">read from: {}</span>", esc(&places.join("; ")));
                }
                h.push_str("</li>\n");
            }
            h.push_str("</ul>\n");
        }
        h.push_str("</section>\n");
    }

    /// Ids as links to their place on the page (text where they have none), at most `entries_shown`.
    fn links(&self, h: &mut String, ids: &[String], anchor: impl Fn(&str) -> Option<String>) {
        for (n, id) in ids.iter().take(self.entries_shown).enumerate() {
            if n > 0 {
                h.push_str(", ");
            }
            match anchor(id) {
                Some(a) => {
                    let _ = write!(h, "<a href=\"#{a}\">{}</a>", esc(id));
                }
                None => h.push_str(&esc(id)),
            }
        }
        if ids.len() > self.entries_shown {
            let _ = write!(h, " and {} more", ids.len() - self.entries_shown);
        }
    }

    fn named_entries(&self, h: &mut String, t: &Targets<'_>) {
        if t.entries.is_empty() {
            return;
        }
        h.push_str(
            "<section id=\"entries\" aria-labelledby=\"entries-h\">\n<h2 id=\"entries-h\">Entries named in the findings</h2>\n\
             <table class=\"entries\"><caption>Entries the findings name</caption><thead><tr><th scope=\"col\">Date</th>\
             <th scope=\"col\">Entry</th><th scope=\"col\">Quantity</th><th scope=\"col\">Parties</th>\
             <th scope=\"col\">Source</th></tr></thead><tbody>\n",
        );
        for (i, e) in t.entries.iter().enumerate() {
            entry_row(h, e, None, Some(i));
        }
        h.push_str("</tbody></table>\n</section>\n");
    }
}

impl fmt::Display for HtmlPage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

#[derive(Default)]
struct Targets<'a> {
    reports: HashMap<String, usize>,
    entry_at: HashMap<String, usize>,
    entries: Vec<Entry>,
    _page: std::marker::PhantomData<&'a ()>,
}

/// A status as a badge: symbol and word, coloured.
fn badge(s: Status) -> String {
    format!(
        "<span class=\"status s-{0}\"><span aria-hidden=\"true\">{1}</span> {0}</span>",
        s.as_str(),
        status_look(s).0
    )
}

/// A line's colour and dash pattern, as the chart draws it.
fn line_style(i: usize) -> (&'static str, &'static str) {
    let colours = crate::chart::COLOURS;
    (colours[i % colours.len()], DASHES[(i / colours.len() + i) % DASHES.len()])
}

/// What a line of a chart is: its scope without the kind, and where it starts.
fn line_label(s: &Scope) -> String {
    let since = s.period.start();
    let bare = Scope { kind: None, ..s.clone() }.period(Period::all()).to_string();
    let bare = if bare == "all" { "all entries".to_string() } else { bare };
    match since {
        Some(d) => format!("{bare} since {d}"),
        None => bare,
    }
}

/// The running total of the dated entries of `scope`, in `unit` (`None` for points when they do not convert).
fn running_line(ledger: &crate::ledger::Ledger, scope: &Scope, unit: Unit) -> Line {
    let points = match ledger.running(scope, &[], Step::Day) {
        Ok(series) => match series.into_iter().next() {
            Some(s) => s
                .points()
                .iter()
                .map(|(d, t)| t.in_unit(unit).map(|q| (*d, q.value())))
                .collect::<Result<Vec<(NaiveDate, Decimal)>, _>>()
                .ok(),
            None => Some(Vec::new()),
        },
        Err(_) => None,
    };
    Line { since: scope.period.start(), points }
}

/// What an outcome's figure is made of, in its unit: dated events, fills of earlier reports, its own fill.
fn parts(o: &Outcome, entries: &[Entry], unit: Unit) -> Parts {
    let dated = entries
        .iter()
        .filter(|e| e.unattributed().is_none())
        .filter_map(|e| e.quantity().to_unit(unit).ok())
        .try_fold(Decimal::ZERO, |acc, q| acc.checked_add(q.value()))
        .unwrap_or(o.ledger())
        .min(o.ledger().max(Decimal::ZERO));
    let earlier = o.ledger().checked_sub(dated).unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
    Parts { dated, earlier, own: o.filled().unwrap_or(Decimal::ZERO) }
}

/// An entry as a row: date, id, quantity (in `unit` where it converts), parties, source and note.
fn entry_row(h: &mut String, e: &Entry, unit: Option<Unit>, anchor: Option<usize>) {
    let q = unit.and_then(|u| e.quantity().to_unit(u).ok()).unwrap_or(e.quantity());
    let class = if e.unattributed().is_some() { " class=\"fill\"" } else { "" };
    let id = anchor.map_or(String::new(), |i| format!(" id=\"entry-{i}\""));
    let _ = write!(
        h,
        "<tr{id}{class}><td><time datetime=\"{0}\">{0}</time></td><th scope=\"row\" class=\"id\">{1}</th><td class=\"num\">{2}</td><td>",
        e.date(),
        esc(e.id()),
        esc(&q.to_string())
    );
    let mut parties = format!("{} → {}", e.from().unwrap_or("–"), e.to().unwrap_or("–"));
    if let Some(via) = e.via() {
        let _ = write!(parties, ", via {via}");
    }
    if let Some(region) = e.region() {
        let _ = write!(parties, ", in {region}");
    }
    h.push_str(&esc(&parties));
    h.push_str("</td><td>");
    match e.unattributed() {
        Some(rid) => {
            let _ = write!(h, "<strong>unattributed</strong>: the fill of report {}", esc(rid));
            if let Some(s) = e.source() {
                let _ = write!(h, "\n<span class=\"small\">report's source: {}</span>", cite(s));
            }
        }
        None => {
            if let Some(s) = e.source() {
                h.push_str(&cite(s));
            }
            if let Some(n) = e.note() {
                let _ = write!(h, "\n<span class=\"small note\">note: {}</span>", esc(n));
            }
        }
    }
    h.push_str("</td></tr>\n");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The colours of each status and severity, from their looks.
fn status_css() -> String {
    let mut css = String::new();
    for s in Status::ALL {
        let (_, _, bg, fg) = status_look(s);
        let _ = writeln!(css, ".s-{0}{{background:{bg};color:{fg};border-color:{fg}}}", s.as_str());
        let _ = writeln!(css, ".s-row-{0} > tr:first-child > th{{border-left:6px solid {fg}}}", s.as_str());
    }
    for s in SEVERITIES {
        let (_, bg, fg) = severity_look(s);
        let _ = writeln!(css, ".sev-{0}{{background:{bg};color:{fg};border-color:{fg}}}", s.as_str());
    }
    css
}

const CSS: &str = r#"*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;hyphens:auto;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1a202c;background:#fff;overflow-wrap:anywhere}
main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
footer{color:#4a5568;font-size:.85rem;border-top:1px solid #cbd5e0;margin-top:2rem}
h1{font-size:1.6rem;margin:1rem 0 .5rem}
h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:2px solid #2d3748}
h3{font-size:1.1rem;margin:1.2rem 0 .4rem}
a{color:#2b6cb0}
code{font-size:.9em}
svg{max-width:100%}
svg.defs{position:absolute;width:0;height:0;overflow:hidden}
table{border-collapse:collapse;width:100%;table-layout:fixed;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .45rem;border-bottom:1px solid #e2e8f0;overflow-wrap:anywhere;word-break:break-word}
thead th{background:#edf2f7;border-bottom:2px solid #a0aec0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.counts{display:flex;flex-wrap:wrap;gap:0 2rem}
.counts table{width:auto;min-width:14rem;table-layout:auto;flex:0 1 auto}
.files{margin:.2rem 0 .8rem}
.small{display:block;font-size:.85rem;color:#4a5568}
.line{display:block}
.id{font-weight:600;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
.source{display:block;font-weight:400;font-size:.85rem;margin-top:.2rem}
.status,.sev{display:inline-block;padding:0 .45rem;border:1px solid;border-radius:.3rem;font-weight:600}
table.reports col.c-report{width:30%}
table.reports col.c-figure{width:26%}
table.reports col.c-status{width:20%}
table.reports col.c-record{width:24%}
.meaning{margin:.2rem 0}
table.reports tbody.report{border-top:2px solid #a0aec0}
tr.detail td{border-bottom:0;padding-top:0}
svg.numberline{display:block;width:100%;max-width:30rem;height:auto;margin:.2rem 0}
.legend-text{margin:.1rem 0 .3rem;font-size:.85rem;color:#4a5568}
details{margin:.3rem 0 .6rem}
summary{cursor:pointer;color:#2b6cb0}
table.entries{font-size:.9rem}
table.entries tr.fill{background:#fffaf0}
table.entries th.id{font-size:.85rem}
figure{margin:1rem 0 2rem}
svg.chart{display:block;width:100%;height:auto;border:1px solid #e2e8f0}
ul.legend{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
figcaption{font-size:.9rem;color:#4a5568}
ul.findings{padding-left:1.2rem}
ul.findings li{margin:.4rem 0}
:target{outline:3px solid #d69e2e}
@media (max-width:40rem){
body{font-size:15px}
main,footer{padding:0 .5rem}
table.entries,table.chart-data{font-size:.8rem}
th,td{padding:.25rem .3rem}
}
@media print{
body{font-size:10pt;color:#000}
main,footer{max-width:none;padding:0}
a{color:#000}
.source a[href]::after,td a[href^="http"]::after{content:" <" attr(href) ">";font-size:.8em;word-break:break-all}
details>summary{list-style:none;font-weight:600;color:#000}
details::details-content{content-visibility:visible;display:block;height:auto}
table.reports tbody.report,figure,li.finding{break-inside:avoid}
h2,h3{break-after:avoid}
thead{display:table-header-group}
svg.chart{border:0}
.status,.sev{border-width:2px}
}
"#;
