//! What the fuzz targets run, through the crate's public API only. `tests/fuzz_regressions.rs`
//! includes this file by path, so that a regression test replays exactly what the target ran on a
//! crash input. Every check panics on a bug: a panic inside the crate, a round trip that changes a
//! record, or a figure that contradicts another way of computing it.
//!
//! Setting `RELIEF_FUZZ_SKIP` to a comma-separated list of `running`, `chart`, `verify`, `derived`,
//! `interval`, `empty-jsonl` (the round trip of nothing through JSON Lines) skips those operations, to look past a known bug in a local run; unset, everything runs.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use relief_ledger::{
    Assumptions, AuditOptions, Category, Dimension, Document, Entry, Format, Key, Kind, Ledger, Loader, Mode,
    PartialDate, Period, Qualifier, Quantity, Report, Role, Scope, Status, Step, Totals, Unit, chart_svg, parse_date,
    parse_decimal, read, rounding_unit, write,
};
use rust_decimal::Decimal;

/// Separates the two files of a `read` input that loads two files.
pub const SEPARATOR: &[u8] = b"\n\x00\x00\n";

/// The bytes of a `read` input before its file(s).
pub const HEADER: usize = 3;

/// True when `RELIEF_FUZZ_SKIP` names `op`.
fn skip(op: &str) -> bool {
    static SKIP: OnceLock<Vec<String>> = OnceLock::new();
    SKIP.get_or_init(|| {
        std::env::var("RELIEF_FUZZ_SKIP")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .iter()
    .any(|s| s == op)
}

const ROLES: [Role; 4] = [Role::Any, Role::Entries, Role::Reports, Role::Any];

/// The format and role coded in the low four bits of `b`.
fn format_role(b: u8) -> (Format, Role) {
    (Format::ALL[usize::from(b & 3)], ROLES[usize::from((b >> 2) & 3)])
}

/// The grouping keys whose bits are set in `mask`, in [`Key::ALL`] order.
fn keys_of(mask: u16) -> Vec<Key> {
    Key::ALL.into_iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, k)| k).collect()
}

/// The `read` target. Byte 0: format (bits 0–1: csv, json, jsonl, hxl) and role (bits 2–3: any,
/// entries, reports, any) of the first file; bit 4 set: a second file follows [`SEPARATOR`], read
/// with a [`Loader`] together with the first, its format and role in bits 5–7 and bit 0 of byte 1.
/// Bytes 1–2: the grouping keys (bits 1–10 of a little-endian `u16`) and the step of running
/// totals (bit 11: month). The rest: the file(s).
pub fn read_input(data: &[u8]) {
    let [b0, b1, b2, rest @ ..] = data else { return };
    let mask = u16::from_le_bytes([*b1, *b2]);
    let keys = keys_of(mask >> 1);
    let step = if mask & (1 << 11) != 0 { Step::Month } else { Step::Day };
    let (format, role) = format_role(*b0);
    if b0 & 0x10 == 0 {
        read_one(rest, format, role, &keys, step);
    } else {
        let (format2, role2) = format_role((b0 >> 5) | ((b1 & 1) << 3));
        let (first, second) = match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(i) => {
                let (a, b) = rest.split_at(i);
                (a, b.get(SEPARATOR.len()..).unwrap_or_default())
            }
            None => (rest, &[][..]),
        };
        read_two([(first, format, role), (second, format2, role2)], &keys, step);
    }
}

fn name(stem: &str, format: Format) -> String {
    format!("{stem}.{format}")
}

/// One file: [`read`], the round trip, a [`Loader`] that must agree, then the ledger's operations.
fn read_one(bytes: &[u8], format: Format, role: Role, keys: &[Key], step: Step) {
    let name = name("a", format);
    let Ok(doc) = read(bytes, &name, format, role) else {
        // A refused file is refused whole, whichever way it is read.
        let mut loader = Loader::new();
        loader.read(bytes, &name, format, role);
        assert!(loader.finish().is_err(), "read refused {name} but the loader took it");
        return;
    };
    round_trip(&doc);
    let ledger = Ledger::from_entries(doc.entries.clone());
    let mut loader = Loader::new();
    loader.read(bytes, &name, format, role);
    match (&ledger, loader.finish()) {
        (Ok(ledger), Ok((loaded, reports))) => {
            assert!(ledger.iter().eq(loaded.iter()), "the loader's ledger differs from read's");
            assert_eq!(reports, doc.reports, "the loader's reports differ from read's");
        }
        (Err(e), Ok(_)) => panic!("the ledger refused entries the loader took: {e}"),
        _ => {}
    }
    if let Ok(ledger) = ledger {
        ledger_ops(&ledger, &doc.reports, keys, step);
    }
}

/// Two files through a [`Loader`], then the round trip of what it loaded and the ledger's operations.
fn read_two(files: [(&[u8], Format, Role); 2], keys: &[Key], step: Step) {
    let mut loader = Loader::new();
    for ((bytes, format, role), stem) in files.into_iter().zip(["a", "b"]) {
        loader.read(bytes, &name(stem, format), format, role);
    }
    let Ok((ledger, reports, places)) = loader.finish_with_places() else { return };
    if !skip("audit") {
        // Findings located by where the ledger holds their entries are located as by their ids.
        let mut by_place = ledger.audit(&reports, &AuditOptions::new());
        let mut by_id = by_place.clone();
        by_place.locate_in(&places);
        by_id.locate(|kind, id| places.position(kind, id));
        assert_eq!(by_place, by_id, "findings located by place and by id differ");
    }
    let doc = Document { entries: ledger.iter().collect(), reports };
    round_trip(&doc);
    ledger_ops(&ledger, &doc.reports, keys, step);
}

/// Writes `doc` in every format and reads it back: the records must come back equal.
pub fn round_trip(doc: &Document) {
    for format in Format::ALL {
        let one_kind_per_file = matches!(format, Format::Csv | Format::Hxl);
        if one_kind_per_file && !doc.entries.is_empty() && !doc.reports.is_empty() {
            write_and_read(format, &doc.entries, &[]);
            write_and_read(format, &[], &doc.reports);
        } else {
            write_and_read(format, &doc.entries, &doc.reports);
        }
    }
}

fn write_and_read(format: Format, entries: &[Entry], reports: &[Report]) {
    if format == Format::Jsonl && entries.is_empty() && reports.is_empty() && skip("empty-jsonl") {
        return;
    }
    let mut out = Vec::new();
    if let Err(e) = write(&mut out, format, entries, reports) {
        panic!("writing {format} failed: {e}");
    }
    let role = match (entries.is_empty(), reports.is_empty()) {
        (false, true) => Role::Entries,
        (true, false) => Role::Reports,
        _ => Role::Any,
    };
    let name = name("written", format);
    let back = match read(&out[..], &name, format, role) {
        Ok(back) => back,
        Err(e) => panic!("cannot read the {format} just written: {e}\n--- written:\n{}", String::from_utf8_lossy(&out)),
    };
    assert_eq!(back.entries, entries, "{format}: entries changed in a round trip\n{}", String::from_utf8_lossy(&out));
    assert_eq!(back.reports, reports, "{format}: reports changed in a round trip\n{}", String::from_utf8_lossy(&out));
}

/// The sum of `totals`, or `None` when it does not fit.
fn sum<'a>(totals: impl IntoIterator<Item = &'a Totals>) -> Option<Totals> {
    let mut sum = Totals::new();
    for t in totals {
        for q in t.quantities().ok()? {
            sum.add(&q).ok()?;
        }
    }
    Some(sum)
}

/// Totals, groups, running totals, charts and verification, each checked against another way of
/// computing the same figure where there is one.
pub fn ledger_ops(ledger: &Ledger, reports: &[Report], keys: &[Key], step: Step) {
    let all = Scope::all();
    let totals = ledger.totals(&all).ok();
    for kind in Kind::ALL {
        let _ = ledger.totals(&all.clone().kind(kind));
    }
    // The groups add up to the whole.
    if let Ok(groups) = ledger.group(&all, keys) {
        let n: usize = groups.iter().map(|g| g.entries().len()).sum();
        assert_eq!(n, ledger.len(), "the groups by {keys:?} do not hold every entry once");
        if let (Some(t), Some(s)) = (totals, sum(groups.iter().map(|g| g.totals()))) {
            assert_eq!(s, t, "the groups by {keys:?} do not add up to the total");
        }
    }
    let plain: Vec<Key> =
        keys.iter().copied().filter(|k| !matches!(k, Key::Month | Key::Quarter | Key::Year)).collect();
    if !skip("running") {
        if let Ok(series) = ledger.running(&all, &plain, step) {
            // The last point of each running total is its group's total.
            let last = series.iter().filter_map(|s| s.points().last().map(|(_, t)| t));
            if let (Some(t), Some(s)) = (totals, sum(last)) {
                assert_eq!(s, t, "the running totals by {plain:?} ({step:?}) do not end at the total");
            }
            if !skip("chart") {
                for dim in Dimension::ALL {
                    let _ = chart_svg(&series, dim.canonical_unit(), "fuzz");
                }
            }
        }
    }
    if !skip("verify") {
        if let Ok(v) = ledger.verify(reports) {
            assert_eq!(v.outcomes().len(), reports.len(), "not one outcome per report");
            for o in v.outcomes() {
                let _ = (v.entries(o), v.difference(o), o.interval().to_string());
            }
        }
    }
    if !skip("derived") {
        verify_derived(ledger);
    }
    if !skip("audit") {
        // The audit of the same records is the same, and its ids are sorted as documented.
        let options = AuditOptions::new();
        let audit = ledger.audit(reports, &options);
        assert_eq!(audit, ledger.audit(reports, &options), "two audits of the same records differ");
        for f in audit.findings() {
            assert!(f.entries().is_sorted() && f.reports().is_sorted(), "unsorted ids in {f:?}");
        }
    }
}

/// Reports of the ledger's own totals, per kind and dimension, must verify `ok` with that figure.
pub fn verify_derived(ledger: &Ledger) {
    let Some((_, last)) = ledger.date_range() else { return };
    for kind in Kind::ALL {
        let Ok(totals) = ledger.totals(&Scope::all().kind(kind)) else { continue };
        let Ok(quantities) = totals.quantities() else { continue };
        for q in quantities {
            let reports: Vec<Report> = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::AtMost, Qualifier::About]
                .into_iter()
                .filter(|&ql| ql != Qualifier::About || !skip("interval"))
                .filter_map(|ql| Report::builder(format!("derived-{ql}"), last, kind, q).qualifier(ql).build().ok())
                .collect();
            let Ok(v) = ledger.verify(&reports) else { continue };
            for o in v.outcomes() {
                let r = o.report_id();
                assert_eq!(o.status(), Status::Ok, "{r}: the ledger's own total {q} does not verify");
                assert_eq!(o.ledger(), q.value(), "{r}: the ledger's figure is not its total {q}");
            }
        }
    }
}

/// The `parse` target: every parser on the text, and `parse(display(x)) == x` where it parses.
pub fn parse_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s: &str = &text;
    if let Ok(d) = parse_decimal(s) {
        assert_eq!(parse_decimal(&d.to_string()).ok(), Some(d), "decimal {s:?}");
        let _ = rounding_unit(d);
        if !skip("interval") {
            for q in Qualifier::ALL {
                let _ = q.interval(d, None).locate(d);
                let _ = q.interval(d, Some(d)).contains(d);
                let _ = q.interval(Decimal::ONE, Some(d)).to_string();
            }
        }
    }
    if let Ok(d) = parse_date(s) {
        assert_eq!(parse_date(&d.to_string()).ok(), Some(d), "date {s:?}");
    }
    if let Ok(p) = s.parse::<PartialDate>() {
        assert_eq!(p.to_string().parse::<PartialDate>().ok(), Some(p), "partial date {s:?}");
        assert!(p.first_day() <= p.last_day(), "partial date {s:?}");
    }
    if let Ok(d) = s.parse::<relief_ledger::EntryDate>() {
        assert_eq!(d.to_string().parse::<relief_ledger::EntryDate>().ok(), Some(d), "entry date {s:?}");
        assert!(d.first_day() <= d.last_day(), "entry date {s:?}");
        assert_eq!(d.as_day().is_some(), d.first_day() == d.last_day(), "entry date {s:?}");
    }
    if let Ok(p) = s.parse::<Period>() {
        assert_eq!(p.to_string().parse::<Period>().ok(), Some(p), "period {s:?}");
        if let (Some(a), Some(b)) = (p.start(), p.end()) {
            assert!(a <= b && p.contains(a) && p.contains(b), "period {s:?}");
        }
    }
    if let Ok(q) = s.parse::<Quantity>() {
        assert_eq!(q.to_string().parse::<Quantity>().ok(), Some(q), "quantity {s:?}");
        let _ = q.canonical();
        for u in Unit::ALL.into_iter().filter(|u| u.dimension() == q.dimension()) {
            // A conversion is exact: converting back gives the same figure.
            if let Ok(c) = q.to_unit(u) {
                if let Ok(back) = c.to_unit(q.unit()) {
                    assert_eq!(back.value(), q.value(), "{q} to {u} and back");
                }
            }
        }
    }
    round_trips::<Unit>(s);
    round_trips::<Kind>(s);
    round_trips::<Category>(s);
    round_trips::<Qualifier>(s);
    round_trips::<Mode>(s);
    round_trips::<Key>(s);
    round_trips::<Format>(s);
    if let Ok(keys) = Key::parse_list(s) {
        let joined = keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(Key::parse_list(&joined).ok(), Some(keys), "keys {s:?}");
    }
    let mut assume = Assumptions::new();
    let _ = assume.add_pair(s);
    if let Some((field, value)) = s.split_once('\n') {
        let _ = assume.add(field, value);
    }
}

fn round_trips<T>(s: &str)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    if let Ok(x) = s.parse::<T>() {
        assert_eq!(x.to_string().parse::<T>().ok(), Some(x), "{s:?}");
    }
}

/// A decimal for the `values` target: extremes are likely.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// [`Decimal::MAX`].
    Max,
    /// [`Decimal::MIN`].
    Min,
    /// The smallest positive decimal, 1e-28.
    Tiny,
    /// A mantissa (its low 96 bits and sign) and a scale (0–28).
    Of(i128, u8),
}

impl Number {
    /// The decimal.
    pub fn value(self) -> Decimal {
        match self {
            Number::Max => Decimal::MAX,
            Number::Min => Decimal::MIN,
            Number::Tiny => Decimal::new(1, 28),
            Number::Of(m, scale) => {
                let m = m % (1i128 << 96);
                Decimal::try_from_i128_with_scale(m, u32::from(scale % 29)).unwrap_or(Decimal::ZERO)
            }
        }
    }
}

/// A day in 0000-01-01..=9999-12-31 for the `values` target.
pub fn day(n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let span = (last - first).num_days() as u32 + 1;
    first + chrono::Days::new(u64::from(n % span))
}

/// A partial date for the `values` target: precision (0 year, 1 month, 2 day) and day.
pub fn partial(precision: u8, n: u32) -> PartialDate {
    let d = day(n);
    // A day's own year and month are always valid: the fallbacks never run.
    match precision % 3 {
        0 => PartialDate::year(d.year()).unwrap_or(PartialDate::day(d)),
        1 => PartialDate::month(d.year(), d.month()).unwrap_or(PartialDate::day(d)),
        _ => PartialDate::day(d),
    }
}

const TEXTS: [&str; 6] = ["ARM", "AZE", "RUS", "ICRC", "NKR", "Aghdam"];

/// One of a few party names, or none.
fn text(n: Option<u8>) -> Option<&'static str> {
    n.map(|n| TEXTS[usize::from(n) % TEXTS.len()])
}

/// An entry for the `values` target.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    /// Index into [`Kind::ALL`].
    pub kind: u8,
    /// Index into [`Category::ALL`].
    pub category: Option<u8>,
    /// The quantity's figure.
    pub value: Number,
    /// Index into [`Unit::ALL`].
    pub unit: u8,
    /// The date, as for [`day`].
    pub date: u32,
    /// The parties and region, as for [`text`].
    pub from: Option<u8>,
    /// See `from`.
    pub to: Option<u8>,
    /// See `from`.
    pub via: Option<u8>,
    /// See `from`.
    pub region: Option<u8>,
    /// Mines covered.
    pub mines: Option<u64>,
}

/// A report for the `values` target.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    /// Index into [`Kind::ALL`].
    pub kind: u8,
    /// Index into [`Category::ALL`].
    pub category: Option<u8>,
    /// The reported figure.
    pub value: Number,
    /// Index into [`Unit::ALL`]; past it, `exchanges`.
    pub unit: u8,
    /// Index into [`Qualifier::ALL`].
    pub qualifier: u8,
    /// An explicit tolerance.
    pub tolerance: Option<Number>,
    /// Fill when true.
    pub fill: bool,
    /// The date published, as for [`day`].
    pub published: u32,
    /// The period's start, as for [`partial`].
    pub since: Option<(u8, u32)>,
    /// The period's end, as for [`partial`].
    pub until: Option<(u8, u32)>,
    /// The scope's parties, as for [`text`].
    pub from: Option<u8>,
    /// See `from`.
    pub to: Option<u8>,
}

fn pick<T: Copy, const N: usize>(all: [T; N], n: u8) -> T {
    all[usize::from(n) % N]
}

/// The `values` target: entries and reports built from values, then the ledger's operations, with
/// totals checked against a plain sum of the entries where it fits a decimal.
pub fn build(entries: &[EntrySpec], reports: &[ReportSpec], keys: u16) {
    let mut built = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let unit = pick(Unit::ALL, e.unit);
        let Ok(q) = Quantity::new(e.value.value(), unit) else { continue };
        let mut b = Entry::builder(pick(Kind::ALL, e.kind), day(e.date), q).id(format!("e{i}"));
        if let Some(c) = e.category {
            b = b.category(pick(Category::ALL, c));
        }
        if let Some(t) = text(e.from) {
            b = b.from(t);
        }
        if let Some(t) = text(e.to) {
            b = b.to(t);
        }
        if let Some(t) = text(e.via) {
            b = b.via(t);
        }
        if let Some(t) = text(e.region) {
            b = b.region(t);
        }
        if let Some(m) = e.mines {
            b = b.mines(m);
        }
        if let Ok(entry) = b.build() {
            built.push(entry);
        }
    }
    let mut made = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let value = r.value.value();
        let unit = Unit::ALL.get(usize::from(r.unit) % (Unit::ALL.len() + 1)).copied();
        let q = match unit {
            Some(u) => Quantity::new(value, u),
            None => format!("{value} exchanges").parse(),
        };
        let Ok(q) = q else { continue };
        let mut b = Report::builder(format!("r{i}"), day(r.published), pick(Kind::ALL, r.kind), q)
            .qualifier(pick(Qualifier::ALL, r.qualifier))
            .mode(if r.fill { Mode::Fill } else { Mode::Check });
        if let Some(c) = r.category {
            b = b.category(pick(Category::ALL, c));
        }
        if let Some(t) = r.tolerance {
            b = b.tolerance(t.value());
        }
        if let Some((p, n)) = r.since {
            b = b.since(partial(p, n));
        }
        if let Some((p, n)) = r.until {
            b = b.until(partial(p, n));
        }
        if let Some(t) = text(r.from) {
            b = b.from(t);
        }
        if let Some(t) = text(r.to) {
            b = b.to(t);
        }
        if let Ok(report) = b.build() {
            made.push(report);
        }
    }
    let Ok(ledger) = Ledger::from_entries(built.clone()) else { return };
    // The ledger's totals are the exact sum of its entries, when that sum fits a decimal. The oracle
    // adds exactly in i128 parts: `Decimal::checked_add` rounds a sum that needs more than 28 digits of
    // fraction and mantissa (it gave ...290.068 for an exact ...290.067).
    let mut exact: [Option<ExactParts>; 7] = [Some(ExactParts::default()); 7];
    for e in &built {
        let Ok(c) = e.quantity().canonical() else {
            exact = [None; 7];
            break;
        };
        let i = Dimension::ALL.iter().position(|&d| d == c.dimension()).unwrap_or(0);
        exact[i] = exact[i].and_then(|s| s.plus(c.value()));
    }
    if let Ok(totals) = ledger.totals(&Scope::all()) {
        for (dim, s) in Dimension::ALL.into_iter().zip(exact) {
            if let (Some(s), Ok(Some(t))) = (s, totals.checked_get(dim)) {
                assert_eq!(
                    t.value().normalize().to_string(),
                    s.to_string(),
                    "the total of {dim} is not the sum of the entries"
                );
            }
        }
    }
    round_trip(&Document { entries: built, reports: made.clone() });
    ledger_ops(&ledger, &made, &keys_of(keys), if keys & (1 << 15) != 0 { Step::Month } else { Step::Day });
}

/// An exact sum of non-negative decimals: whole units and 10^-28ths, each an i128.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactParts {
    whole: i128,
    tiny: i128,
}

const TINY: i128 = 10_000_000_000_000_000_000_000_000_000;

impl ExactParts {
    /// Adds `d` exactly; `None` when it is negative or the sum leaves i128.
    pub fn plus(self, d: Decimal) -> Option<ExactParts> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        let unit = 10i128.checked_pow(d.scale())?;
        let (whole, frac) = (d.mantissa() / unit, d.mantissa() % unit);
        let tiny = frac.checked_mul(10i128.checked_pow(28 - d.scale())?)?;
        let tiny = self.tiny.checked_add(tiny)?;
        let whole = self.whole.checked_add(whole)?.checked_add(tiny / TINY)?;
        Some(ExactParts { whole, tiny: tiny % TINY })
    }
}

impl std::fmt::Display for ExactParts {
    /// As a normalized decimal prints: no trailing zeros after the point.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let frac = format!("{:028}", self.tiny);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() { write!(f, "{}", self.whole) } else { write!(f, "{}.{frac}", self.whole) }
    }
}
