//! The HTML page (`HtmlPage`, `relief-ledger verify --format html`), parsed with an HTML parser as a
//! browser parses it: every report's row, status and figures, the entries behind a figure, the
//! findings, nothing loaded from outside the file, and hostile text shown as text.
//!
//! Figures of the seed come from examples/data/karabakh-2021 (the 2021-11-09 statement of the
//! Russian foreign ministry, and the dated reports in shared/data/public-figures.md).

mod common;

use relief_ledger::{Audit, AuditOptions, Format, HtmlPage, Ledger, Loader, Report, Role};
use scraper::{ElementRef, Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn load(entries: &str, reports: &str) -> (Ledger, Vec<Report>) {
    let mut loader = Loader::new();
    for (path, role) in [(entries, Role::Entries), (reports, Role::Reports)] {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        loader.read(data.as_slice(), path, Format::Csv, role);
    }
    loader.finish().expect("the files load")
}

fn page(entries: &str, reports: &str) -> (Html, String) {
    let (ledger, reports_) = load(entries, reports);
    let v = ledger.verify(&reports_).expect("the reports verify");
    let audit: Audit = ledger.audit(&reports_, &AuditOptions::default());
    let html = HtmlPage::new(&v).audit(&audit).files([entries, reports]).render();
    (Html::parse_document(&html), html)
}

fn seed() -> (Html, String) {
    page(common::SEED_ENTRIES, common::SEED_REPORTS)
}

/// The report ids of a reports CSV, in file order (read with the csv crate, not with the library).
fn report_ids(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("the reports file");
    let rows = common::csv_rows(&text);
    let id = rows[0].iter().position(|c| c == "id").expect("an id column");
    rows[1..].iter().map(|r| r[id].clone()).collect()
}

/// The row of report number `n`: its cells' texts, first the header cell.
fn row(doc: &Html, n: usize) -> Vec<String> {
    let body = doc.select(&sel(&format!("tbody#report-{n}"))).next().unwrap_or_else(|| panic!("no row report-{n}"));
    let first = body.select(&sel("tr")).next().expect("a first row");
    first.select(&sel("th, td")).map(text).collect()
}

#[test]
fn every_seed_report_has_its_row_in_file_order_with_status_and_figures() {
    let (doc, _) = seed();
    let ids = report_ids(common::SEED_REPORTS);
    assert_eq!(ids.len(), 8);
    assert_eq!(doc.select(&sel("table.reports > tbody.report")).count(), ids.len());
    // The statement's figures: 105 returned to Armenia, four dated exchanges explain 44 + 5 + 15 + 15;
    // 17 to Azerbaijan, 12 + 1 dated; 122 in all is then explained by those and the two fills.
    let expected = [
        ("mfa-returned", "ok", "exact 122 persons", "122 persons", None),
        ("mfa-returned-arm", "filled", "exact 105 persons", "79 persons", Some("26 persons")),
        ("mfa-returned-aze", "filled", "exact 17 persons", "13 persons", Some("4 persons")),
        ("mfa-maps", "filled", "exact 3 packages", "2 packages", Some("1 packages")),
        ("mfa-cargo-humanitarian", "filled", "exact 1581 t", "300 t", Some("1281 t")),
        ("mfa-cargo-construction", "filled", "exact 800 t", "0 t", Some("800 t")),
        ("sputnik-returnees-2021-01-13", "filled", "exact 49054 persons", "1418 persons", Some("47636 persons")),
        ("mfa-returnees", "filled", "about 53000 persons", "49054 persons", Some("3946 persons")),
    ];
    for (n, (id, status, figure, ledger, filled)) in expected.iter().enumerate() {
        assert_eq!(ids[n], *id, "the page follows the file's order");
        let cells = row(&doc, n);
        assert_eq!(cells.len(), 4, "{id}: {cells:?}");
        assert!(cells[0].starts_with(id), "{id}: {cells:?}");
        assert!(cells[0].contains("Russian foreign ministry statement") || id.starts_with("sputnik"), "{cells:?}");
        assert!(cells[1].starts_with(figure), "{id}: {cells:?}");
        // The status in words, beside its symbol (never colour alone).
        assert!(cells[2].split_whitespace().any(|w| w == *status), "{id}: {cells:?}");
        let body = doc.select(&sel(&format!("tbody#report-{n}"))).next().expect("the row");
        let badge = body.select(&sel(".status")).next().expect("a status badge");
        assert_eq!(badge.value().attr("class"), Some(format!("status s-{status}").as_str()));
        let got_ledger = body.select(&sel("strong.ledger")).next().map(text);
        assert_eq!(got_ledger.as_deref(), Some(*ledger), "{id}");
        let got_filled = body.select(&sel("strong.filled")).next().map(text);
        assert_eq!(got_filled.as_deref(), *filled, "{id}");
    }
    // The summary counts the reports per status: 1 ok and 7 filled.
    let counts: Vec<String> = doc
        .select(&sel("#summary table:first-of-type tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(counts, ["✓ ok 1", "▼ short 0", "▲ over 0", "◐ filled 7", "◇ undecided 0"]);
    let summary = text(doc.select(&sel("#summary p")).next().expect("a summary line"));
    assert_eq!(
        summary,
        "8 published reports checked against 14 dated entries dated from 2020-11-14 to 2021-07-03; fills added 7 unattributed entries."
    );
}

#[test]
fn the_entries_behind_a_figure_are_listed_under_its_report_with_its_fill() {
    let (doc, _) = seed();
    // mfa-returned-arm (row 1): the four exchanges to Armenia in the entries file, then the fill.
    let body = doc.select(&sel("tbody#report-1")).next().expect("row 1");
    let details = body.select(&sel("details")).next().expect("a details block");
    let rows: Vec<Vec<String>> = details
        .select(&sel("table.entries tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect())
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        ids,
        ["dt-2020-12-14-arm", "dt-2021-02-10-arm", "dt-2021-06-12-arm", "dt-2021-07-03-arm", "fill:mfa-returned-arm"]
    );
    let dates: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    // The fill is dated over the gap it explains: the report's own period, since it is the first
    // fill of its running total (issue 11).
    assert_eq!(dates, ["2020-12-14", "2021-02-10", "2021-06-12", "2021-07-03", "2020-12-02..2021-11-09"]);
    let quantities: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(quantities, ["44 persons", "5 persons", "15 persons", "15 persons", "26 persons"]);
    assert_eq!(rows[0][3], "AZE → ARM");
    assert!(rows[0][4].starts_with("AP, 2020-12-14"), "{:?}", rows[0]);
    assert!(rows[4][4].starts_with("unattributed: the fill of report mfa-returned-arm"), "{:?}", rows[4]);
    let summary = text(details.select(&sel("summary")).next().expect("a summary"));
    assert_eq!(summary, "The entries behind this figure (4 entries, and its fill)");
    // mfa-returnees (row 7): the two dated returns, and the earlier fill of the Sputnik figure, then its own.
    let body = doc.select(&sel("tbody#report-7")).next().expect("row 7");
    let ids: Vec<String> = body.select(&sel("table.entries tbody tr th")).map(text).collect();
    // In date order: the Sputnik figure's fill is dated over its gap from 2020-11-14 (issue 11), so it
    // comes before the return of 2020-12-01.
    assert_eq!(ids, ["rt-2020-11-14", "fill:sputnik-returnees-2021-01-13", "rt-2020-12-01", "fill:mfa-returnees"]);
    // Its number line says what is what: 250 + 1168 dated, 47636 filled before, 3946 its own.
    let line = body.select(&sel("svg.numberline")).next().expect("a number line");
    assert_eq!(line.value().attr("role"), Some("img"));
    assert_eq!(
        line.value().attr("aria-label"),
        Some(
            "number line of mfa-returnees: interval [51940, 54060] persons; dated events explain 1418; \
             fills of earlier reports add 47636; this report's fill adds 3946"
        )
    );
}

#[test]
fn a_source_with_an_address_links_to_it() {
    let (doc, _) = seed();
    let hrefs: Vec<&str> = doc.select(&sel("a[href^='http']")).filter_map(|a| a.value().attr("href")).collect();
    // entries.csv: "TASS (tass.com/world/1230247), 2020-12-01" and "TASS (tass.com/politics/1294089), ...".
    assert!(hrefs.contains(&"https://tass.com/world/1230247"), "{hrefs:?}");
    assert!(hrefs.contains(&"https://tass.com/politics/1294089"), "{hrefs:?}");
    // A bare domain without a path ("via urdupoint.com") stays text.
    assert!(!hrefs.iter().any(|h| h.contains("urdupoint")), "{hrefs:?}");
}

#[test]
fn findings_are_grouped_by_severity_and_link_to_their_reports() {
    let (doc, _) = seed();
    let (ledger, reports) = load(common::SEED_ENTRIES, common::SEED_REPORTS);
    let audit = ledger.audit(&reports, &AuditOptions::default());
    let items: Vec<ElementRef<'_>> = doc.select(&sel("#findings li.finding")).collect();
    assert_eq!(items.len(), audit.findings().len());
    assert!(!items.is_empty());
    for (li, f) in items.iter().zip(audit.findings()) {
        let t = text(*li);
        assert!(t.contains(f.code().as_str()) && t.contains(f.severity().as_str()), "{t}");
        assert!(t.contains(f.message()), "{t}");
        let linked: Vec<String> = li.select(&sel("a[href^='#report-']")).map(text).collect();
        assert_eq!(linked, f.reports(), "{t}");
        // Each link goes to the row of the report it names.
        for a in li.select(&sel("a[href^='#report-']")) {
            let target = a.value().attr("href").unwrap_or_default().trim_start_matches('#');
            let row = doc.select(&sel(&format!("tbody#{target}"))).next().expect("the linked row");
            assert!(text(row).starts_with(&text(a)), "{target}");
        }
    }
    // The seed's findings are notes only (no contradiction, no duplicate).
    assert_eq!(
        doc.select(&sel("#findings h3")).map(text).collect::<Vec<_>>(),
        [format!("note Notes: worth knowing ({})", items.len())]
    );
}

#[test]
fn each_kind_with_reports_has_a_chart_with_a_text_alternative() {
    let (doc, _) = seed();
    let headings: Vec<String> = doc.select(&sel("#charts figure h3")).map(text).collect();
    assert_eq!(
        headings,
        ["detainee-transfer (persons)", "minefield-maps (packages)", "cargo (t)", "returnees (persons)"]
    );
    for fig in doc.select(&sel("#charts figure")) {
        let svg = fig.select(&sel("svg.chart")).next().expect("a chart");
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert!(svg.value().attr("aria-label").is_some_and(|l| l.starts_with("running totals of")));
        assert!(fig.select(&sel("figcaption")).next().is_some());
        assert!(fig.select(&sel("table.chart-data thead th[scope=col]")).count() == 5);
    }
    // The returnees: the Sputnik figure at 2021-01-13 and the ministry's at 2021-11-09, against the
    // 250 + 1168 returns dated 2020-11-14 and 2020-12-01.
    let returnees = doc.select(&sel("#charts figure")).nth(3).expect("the returnees chart");
    let rows: Vec<Vec<String>> = returnees
        .select(&sel("table.chart-data tbody tr"))
        .map(|tr| tr.select(&sel("th, td")).map(text).collect())
        .collect();
    assert_eq!(
        rows[0],
        ["sputnik-returnees-2021-01-13", "2021-01-13", "exact 49054 persons", "[49054, 49054]", "1418"]
    );
    assert_eq!(rows[1], ["mfa-returnees", "2021-11-09", "about 53000 persons", "[51940, 54060]", "1418"]);
}

#[test]
fn nothing_is_loaded_from_outside_the_file() {
    for (doc, html) in [seed(), page("tests/data/html/hostile-entries.csv", "tests/data/html/hostile-reports.csv")] {
        for tag in ["script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base", "form"] {
            assert_eq!(doc.select(&sel(tag)).count(), 0, "a <{tag}> element");
        }
        let loading: Vec<_> = doc
            .select(&sel("[src], [srcset], [xlink\\:href], [action], [formaction], [background], [poster]"))
            .map(|e| e.value().name().to_string())
            .collect();
        assert!(loading.is_empty(), "elements that load: {loading:?}");
        for e in doc.select(&sel("[href]")) {
            let href = e.value().attr("href").unwrap_or_default();
            assert!(e.value().name() == "a", "href on <{}>", e.value().name());
            assert!(
                href.starts_with('#') || href.starts_with("https://") || href.starts_with("http://"),
                "href {href}"
            );
        }
        // Styles point at nothing outside (url() only to the page's own patterns).
        let css: String = doc.select(&sel("style")).map(|s| s.text().collect::<String>()).collect();
        assert!(!css.contains("@import") && !css.contains("url(") && !css.contains("@font-face"));
        for e in doc.select(&sel("[style], [fill], [stroke]")) {
            for a in ["style", "fill", "stroke"] {
                let v = e.value().attr(a).unwrap_or_default();
                assert!(!v.contains("url(") || v.starts_with("url(#"), "{a}={v}");
            }
        }
        let csp = doc.select(&sel("meta[http-equiv='Content-Security-Policy']")).next().expect("a policy");
        assert!(csp.value().attr("content").is_some_and(|c| c.starts_with("default-src 'none'")));
        assert!(!html.contains("<script"));
        // A print style sheet and a viewport for phones.
        assert!(html.contains("@media print"));
        assert!(doc.select(&sel("meta[name=viewport]")).next().is_some());
    }
}

#[test]
fn hostile_text_from_the_files_is_shown_as_text() {
    let (doc, html) = page("tests/data/html/hostile-entries.csv", "tests/data/html/hostile-reports.csv");
    let all = text(doc.root_element());
    // What the files hold, shown as written.
    assert!(all.contains("<script>alert('source')</script>"), "{all}");
    assert!(all.contains("<img src=x onerror=alert(1)> & \"quoted\""));
    assert!(all.contains("<iframe src=https://evil.example/></iframe>"));
    assert!(all.contains("r\"><b>bold</b>"));
    assert!(all.contains("e<script>1"));
    assert_eq!(doc.select(&sel("b, iframe, img, script")).count(), 0);
    assert!(!html.contains("<img") && !html.contains("<iframe") && !html.contains("<b>"));
    // A javascript: or data: text is never a link; the http(s) address and the bare domain path are.
    let hrefs: Vec<&str> = doc.select(&sel("a[href]")).filter_map(|a| a.value().attr("href")).collect();
    assert!(
        hrefs.iter().all(|h| !h.to_ascii_lowercase().contains("javascript") && !h.starts_with("data:")),
        "{hrefs:?}"
    );
    // A quote ends an address: the link stops before it, and its `&` is back as written.
    assert!(hrefs.contains(&"https://example.org/story?a=1&b="), "{hrefs:?}");
    assert!(hrefs.contains(&"https://tass.com/world/1230247"), "{hrefs:?}");
    // The hostile report keeps its row, status and figures.
    let cells = row(&doc, 0);
    assert!(cells[0].starts_with("r\"><b>bold</b>"), "{cells:?}");
    assert!(cells[2].contains("short"), "{cells:?}");
}

#[test]
fn open_ends_are_drawn_open_and_statuses_are_in_words() {
    let (doc, _) = page("tests/data/html/hostile-entries.csv", "tests/data/html/hostile-reports.csv");
    // r-open: more than 40, open above: an arrow, and a hollow circle at 40 which it excludes.
    let open = doc.select(&sel("tbody#report-1 svg.numberline")).next().expect("a number line");
    assert_eq!(open.select(&sel("polygon")).count(), 1);
    assert_eq!(open.select(&sel("circle[fill='#fff']")).count(), 1);
    assert!(open.value().attr("aria-label").is_some_and(|l| l.contains("interval (40, ∞) persons")));
    // r-over: at most 20, open below, while the ledger holds 44 + 5 + 5 = 54.
    let cells = row(&doc, 2);
    assert!(cells[2].contains("over"), "{cells:?}");
    assert!(cells[3].contains("ledger 54 persons") && cells[3].contains("difference +34"), "{cells:?}");
    let meaning = text(doc.select(&sel("tbody#report-2 .meaning")).next().expect("the status in words"));
    assert!(meaning.starts_with("over: the record holds more"), "{meaning}");
}

#[test]
fn long_lists_say_how_many_more_there_are() {
    let (ledger, reports) = load(common::SEED_ENTRIES, common::SEED_REPORTS);
    let v = ledger.verify(&reports).expect("verified");
    let html = HtmlPage::new(&v).entries_shown(2).title("Two <at most>").render();
    let doc = Html::parse_document(&html);
    assert_eq!(text(doc.select(&sel("h1")).next().expect("a heading")), "Two <at most>");
    // mfa-returned-arm: 4 entries and its fill, 2 shown.
    let body = doc.select(&sel("tbody#report-1")).next().expect("row 1");
    assert_eq!(body.select(&sel("table.entries tbody tr")).count(), 2);
    assert!(text(body).contains("and 3 more entries not shown"));
    // Without an audit, the page says so and has no findings.
    assert!(html.contains("No audit was made."));
    assert!(doc.select(&sel("#findings")).next().is_none());
}

#[test]
fn odd_ids_and_extreme_figures_make_a_page() {
    use relief_ledger::{Entry, Kind, Qualifier, Report};
    let big = "7922816251426433759354 t".parse().expect("a figure of 22 digits");
    let ledger = Ledger::from_entries([
        Entry::cargo("2021-04-07".parse().expect("a date"), big).id("é:é").to("NKR").build().expect("an entry"),
        Entry::cargo("2021-04-08".parse().expect("a date"), "0.000001 t".parse().expect("a quantity"))
            .id("tiny")
            .to("NKR")
            .build()
            .expect("an entry"),
    ])
    .expect("a ledger");
    let reports = [
        Report::builder("r:é", "2021-05-01".parse().expect("a date"), Kind::Cargo, "0.5 t".parse().expect("a figure"))
            .qualifier(Qualifier::AtMost)
            .since("2021-04-08".parse().expect("a date"))
            .build()
            .expect("a report"),
        Report::builder("ü:ü", "2021-05-01".parse().expect("a date"), Kind::Cargo, "1 t".parse().expect("a figure"))
            .qualifier(Qualifier::MoreThan)
            .build()
            .expect("a report"),
    ];
    let v = ledger.verify(&reports).expect("verified");
    let html = HtmlPage::new(&v).render();
    let doc = Html::parse_document(&html);
    assert!(row(&doc, 0)[0].starts_with("r:é"));
    assert!(row(&doc, 1)[2].contains("ok"), "{:?}", row(&doc, 1));
    let legend = text(doc.select(&sel("tbody#report-0 .legend-text")).next().expect("a legend"));
    assert_eq!(legend, "interval (-∞, 0.5] t; dated events explain 0.000001");
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use crate::common::{SEED_ENTRIES, SEED_REPORTS, run, scratch, stderr, stdout};

    #[test]
    fn verify_prints_the_page_or_writes_it_with_out() {
        let o = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--format", "html"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let printed = stdout(&o);
        assert!(printed.starts_with("<!DOCTYPE html>"));
        let doc = Html::parse_document(&printed);
        assert_eq!(doc.select(&sel("table.reports > tbody.report")).count(), 8);
        let files: Vec<String> = doc.select(&sel("ul.files li")).map(text).collect();
        assert_eq!(files, [SEED_ENTRIES, SEED_REPORTS]);

        let dir = scratch();
        let target = dir.join("page.html");
        let target_s = target.to_str().expect("a UTF-8 path");
        let o = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--format", "html", "--out", target_s]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("wrote {target_s} (8 reports: 1 ok, 7 filled; 4 findings)\n"));
        let written = std::fs::read_to_string(&target).expect("the page");
        assert_eq!(written, printed, "the same page, printed or written");
    }

    #[test]
    fn a_page_with_disagreeing_reports_exits_1_and_is_written() {
        let dir = scratch();
        let target = dir.join("hostile.html");
        let o = run(&[
            "verify",
            "tests/data/html/hostile-entries.csv",
            "--reports",
            "tests/data/html/hostile-reports.csv",
            "--format",
            "html",
            "--out",
            target.to_str().expect("a UTF-8 path"),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(std::fs::read_to_string(&target).is_ok_and(|p| p.contains("r-over")));
    }

    #[test]
    fn out_and_explain_are_refused_where_they_do_not_fit() {
        let dir = scratch();
        let txt = dir.join("page.txt");
        let o = run(&[
            "verify",
            SEED_ENTRIES,
            "--reports",
            SEED_REPORTS,
            "--format",
            "html",
            "--out",
            txt.to_str().expect("utf-8"),
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("--format html writes an HTML page; name the file .html or .htm"),
            "{}",
            stderr(&o)
        );
        assert!(!txt.exists());
        let html = dir.join("page.html");
        let o = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--out", html.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("only --format html writes to a file"), "{}", stderr(&o));
        let o = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--format", "html", "--explain", "mfa-maps"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("leave out --explain with --format html"), "{}", stderr(&o));
        // The page is never written over an input.
        let o = run(&["verify", SEED_ENTRIES, "--reports", SEED_REPORTS, "--format", "html", "--out", SEED_ENTRIES]);
        assert_eq!(o.status.code(), Some(2));
    }
}
