//! The page's drawings: a number line per report and a running-total chart per kind, in SVG.
//!
//! Figures stay exact decimals until they become positions; positions are decimals rounded to a
//! tenth of a unit of the drawing's view box (no float anywhere). Every drawing has a text
//! alternative: a `<title>` here, and the figures in words or in a table on the page.

use std::fmt::Write as _;
use std::ops::Bound;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::text::esc;
use crate::chart::{COLOURS, axis_label, date_ticks, gridlines, nice_scale};

/// Dash patterns that, with the colours, tell the lines of one chart apart (never colour alone).
pub(crate) const DASHES: [&str; 4] = ["", "8 4", "2 3", "10 3 2 3"];

/// The patterns the drawings share, defined once per page.
pub(crate) const DEFS: &str = r##"<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>
<pattern id="hatch-earlier" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e2e8f0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#4a5568" stroke-width="2"/></pattern>
<pattern id="hatch-fill" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#feebc8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c05621" stroke-width="2"/></pattern>
</defs></svg>
"##;

/// `v` as a position along `len` units for a scale from 0 to `top`, clamped to the scale.
fn pos(v: Decimal, top: Decimal, len: i64) -> Decimal {
    if top <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let v = v.max(Decimal::ZERO).min(top);
    v.checked_div(top)
        .and_then(|r| r.checked_mul(Decimal::from(len)))
        .map_or(Decimal::ZERO, |x| x.round_dp(1).normalize())
}

/// The days from `first` to `d` as a position along `len` units for `days` days.
fn day_pos(d: NaiveDate, first: NaiveDate, days: i64, len: i64) -> i64 {
    let n = (d - first).num_days().clamp(0, days.max(1));
    n.saturating_mul(len) / days.max(1)
}

/// What a report's figure is made of, in its unit: dated events, fills of earlier reports, its own fill.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts {
    pub(crate) dated: Decimal,
    pub(crate) earlier: Decimal,
    pub(crate) own: Decimal,
}

/// A report's number line: its interval (open ends drawn as arrows, excluded ends as hollow
/// circles) over a bar of what the ledger holds, split into dated events, earlier fills and its fill.
pub(crate) fn number_line(
    low: Bound<Decimal>,
    high: Bound<Decimal>,
    reported: Decimal,
    parts: Parts,
    label: &str,
) -> String {
    const W: i64 = 360;
    const X0: i64 = 10;
    let end = |b: Bound<Decimal>| match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v),
        Bound::Unbounded => None,
    };
    let total = parts.dated.checked_add(parts.earlier).and_then(|s| s.checked_add(parts.own)).unwrap_or(Decimal::MAX);
    let max = [end(low), end(high), Some(reported), Some(total)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let (step, top) = nice_scale(max);
    let x = |v: Decimal| pos(v, top, W) + Decimal::from(X0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="numberline" viewBox="0 0 400 58" role="img" aria-label="{0}" preserveAspectRatio="xMinYMid meet"><title>{0}</title>"#,
        esc(label)
    );
    // The bar: dated events, then earlier fills, then this report's fill.
    let mut at = Decimal::ZERO;
    for (v, fill) in [(parts.dated, "#2b6cb0"), (parts.earlier, "url(#hatch-earlier)"), (parts.own, "url(#hatch-fill)")]
    {
        if v > Decimal::ZERO {
            let next = at.checked_add(v).unwrap_or(Decimal::MAX);
            let (a, b) = (x(at), x(next));
            let w = (b - a).max(Decimal::new(1, 0));
            let _ = write!(
                s,
                r##"<rect x="{a}" y="4" width="{w}" height="12" fill="{fill}" stroke="#1a202c" stroke-width="0.5"/>"##
            );
            at = next;
        }
    }
    // The interval.
    let y = 27;
    let lo_x = end(low).map_or(Decimal::from(X0), x);
    let hi_x = end(high).map_or(Decimal::from(X0 + W + 20), x);
    let _ = write!(s, r##"<line x1="{lo_x}" y1="{y}" x2="{hi_x}" y2="{y}" stroke="#1a202c" stroke-width="3"/>"##);
    if end(low).is_none() {
        let _ = write!(
            s,
            r##"<polygon points="{lo_x},{y} {},{} {},{}" fill="#1a202c"/>"##,
            lo_x + Decimal::from(8),
            y - 5,
            lo_x + Decimal::from(8),
            y + 5
        );
    }
    if end(high).is_none() {
        let _ = write!(
            s,
            r##"<polygon points="{hi_x},{y} {},{} {},{}" fill="#1a202c"/>"##,
            hi_x - Decimal::from(8),
            y - 5,
            hi_x - Decimal::from(8),
            y + 5
        );
    }
    for b in [low, high] {
        match b {
            Bound::Included(v) => {
                let _ = write!(s, r##"<circle cx="{}" cy="{y}" r="4.5" fill="#1a202c"/>"##, x(v));
            }
            Bound::Excluded(v) => {
                let _ = write!(
                    s,
                    r##"<circle cx="{}" cy="{y}" r="4.5" fill="#fff" stroke="#1a202c" stroke-width="2"/>"##,
                    x(v)
                );
            }
            Bound::Unbounded => {}
        }
    }
    // The axis, labelled with exact multiples of a round step.
    let _ = write!(s, r##"<line x1="{X0}" y1="38" x2="{}" y2="38" stroke="#718096"/>"##, X0 + W);
    let lines: Vec<Decimal> = gridlines(step, top).collect();
    let every = lines.len().div_ceil(4).max(1);
    for (i, v) in lines.iter().enumerate() {
        let xx = x(*v);
        let _ = write!(s, r##"<line x1="{xx}" y1="36" x2="{xx}" y2="41" stroke="#718096"/>"##);
        if i % every == 0 || i + 1 == lines.len() {
            let _ = write!(
                s,
                r##"<text x="{xx}" y="54" font-size="11" text-anchor="middle" fill="#2d3748">{}</text>"##,
                axis_label(*v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// One line of a running-total chart: the running total of the dated entries of a scope.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// From when the line runs (the scope's start), if it has one.
    pub(crate) since: Option<NaiveDate>,
    /// The running total after each day with entries; `None` when it cannot be given in the
    /// chart's unit (the line is then not drawn).
    pub(crate) points: Option<Vec<(NaiveDate, Decimal)>>,
}

/// A report drawn on a chart, at the end of its period, in the colour of its line.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub(crate) line: usize,
    pub(crate) at: NaiveDate,
    pub(crate) low: Bound<Decimal>,
    pub(crate) high: Bound<Decimal>,
    pub(crate) reported: Decimal,
    pub(crate) title: String,
}

/// A chart of running totals with the reports drawn as intervals (a vertical bar, or a point with a
/// whisker to the chart's edge for an open end). `label` is its text alternative in one sentence.
pub(crate) fn running_chart(lines: &[Line], marks: &[Mark], unit: &str, label: &str) -> String {
    const W: i64 = 720;
    const H: i64 = 340;
    const LEFT: i64 = 72;
    const RIGHT: i64 = 24;
    const TOP: i64 = 24;
    const BOTTOM: i64 = 44;
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let dates = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten().map(|(d, _)| *d).chain(l.since))
        .chain(marks.iter().map(|m| m.at));
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return format!(
            r#"<svg class="chart" viewBox="0 0 {W} 60" role="img" aria-label="{0}"><title>{0}</title><text x="10" y="30">nothing to draw</text></svg>"#,
            esc(label)
        );
    };
    let days = (last - first).num_days().max(1);
    let bound = |b: Bound<Decimal>| match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v),
        Bound::Unbounded => None,
    };
    let max = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten().map(|(_, v)| *v))
        .chain(marks.iter().flat_map(|m| [bound(m.low), bound(m.high), Some(m.reported)].into_iter().flatten()))
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
    let (step, top) = nice_scale(max);
    let x = |d: NaiveDate| LEFT + day_pos(d, first, days, pw);
    let y = |v: Decimal| Decimal::from(TOP + ph) - pos(v, top, ph);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{0}" font-family="sans-serif" font-size="12"><title>{0}</title>"#,
        esc(label)
    );
    for v in gridlines(step, top) {
        let yy = y(v);
        let _ = write!(s, r##"<line x1="{LEFT}" y1="{yy}" x2="{}" y2="{yy}" stroke="#e2e8f0"/>"##, LEFT + pw);
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end" fill="#2d3748">{}</text>"##,
            LEFT - 6,
            yy + Decimal::from(4),
            axis_label(v)
        );
    }
    let _ = write!(
        s,
        r##"<text transform="translate(14 {}) rotate(-90)" text-anchor="middle" fill="#2d3748">{}</text>"##,
        TOP + ph / 2,
        esc(unit)
    );
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#4a5568"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{0}" stroke="#4a5568"/>"##,
        TOP + ph,
        LEFT + pw
    );
    let ticks = date_ticks(first, last);
    let every = ticks.len().div_ceil(6).max(1);
    for (i, (d, text)) in ticks.iter().enumerate() {
        let xx = x(*d);
        let _ =
            write!(s, r##"<line x1="{xx}" y1="{0}" x2="{xx}" y2="{1}" stroke="#4a5568"/>"##, TOP + ph, TOP + ph + 5);
        if i % every == 0 {
            let _ = write!(
                s,
                r##"<text x="{xx}" y="{}" text-anchor="middle" fill="#2d3748">{}</text>"##,
                TOP + ph + 20,
                esc(text)
            );
        }
    }
    for (i, l) in lines.iter().enumerate() {
        let Some(points) = &l.points else { continue };
        let colour = COLOURS[i % COLOURS.len()];
        let dash = DASHES[(i / COLOURS.len() + i) % DASHES.len()];
        let start = l.since.map_or(first, |d| d.max(first));
        let mut prev = y(Decimal::ZERO);
        let mut path = format!("M{},{prev}", x(start));
        for (d, v) in points {
            let (xx, yy) = (x(*d), y(*v));
            let _ = write!(path, " L{xx},{prev} L{xx},{yy}");
            prev = yy;
        }
        let _ = write!(path, " L{},{prev}", x(last));
        let dash = if dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{dash}""#) };
        let _ = write!(s, r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#);
    }
    for m in marks {
        let colour = COLOURS[m.line % COLOURS.len()];
        let xx = x(m.at);
        let (lo, hi) = (bound(m.low), bound(m.high));
        let y_lo = lo.map_or(Decimal::from(TOP + ph), y);
        let y_hi = hi.map_or(Decimal::from(TOP - 6), y);
        let _ = write!(s, r#"<g class="mark"><title>{}</title>"#, esc(&m.title));
        let _ = write!(s, r#"<line x1="{xx}" y1="{y_lo}" x2="{xx}" y2="{y_hi}" stroke="{colour}" stroke-width="4"/>"#);
        if hi.is_none() {
            let _ = write!(
                s,
                r#"<polygon points="{xx},{y_hi} {},{} {},{}" fill="{colour}"/>"#,
                xx - 5,
                y_hi + Decimal::from(9),
                xx + 5,
                y_hi + Decimal::from(9)
            );
        }
        if lo.is_none() {
            let _ = write!(
                s,
                r#"<polygon points="{xx},{y_lo} {},{} {},{}" fill="{colour}"/>"#,
                xx - 5,
                y_lo - Decimal::from(9),
                xx + 5,
                y_lo - Decimal::from(9)
            );
        }
        for b in [m.low, m.high] {
            match b {
                Bound::Included(v) => {
                    let _ = write!(
                        s,
                        r#"<line x1="{}" y1="{yy}" x2="{}" y2="{yy}" stroke="{colour}" stroke-width="3"/>"#,
                        xx - 7,
                        xx + 7,
                        yy = y(v)
                    );
                }
                Bound::Excluded(v) => {
                    let _ = write!(
                        s,
                        r##"<circle cx="{xx}" cy="{}" r="5" fill="#fff" stroke="{colour}" stroke-width="2.5"/>"##,
                        y(v)
                    );
                }
                Bound::Unbounded => {}
            }
        }
        let _ = write!(s, r##"<circle cx="{xx}" cy="{}" r="3" fill="#1a202c"/></g>"##, y(m.reported));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_exact_tenths_and_clamped() {
        assert_eq!(pos(Decimal::from(1), Decimal::from(3), 360).to_string(), "120");
        assert_eq!(pos(Decimal::from(1), Decimal::from(7), 100).to_string(), "14.3");
        assert_eq!(pos(Decimal::from(-5), Decimal::from(7), 100), Decimal::ZERO);
        assert_eq!(pos(Decimal::MAX, Decimal::from(7), 100), Decimal::from(100));
        assert_eq!(pos(Decimal::ONE, Decimal::ZERO, 100), Decimal::ZERO);
    }

    #[test]
    fn open_ends_are_arrows_and_excluded_ends_hollow() {
        let parts = Parts { dated: Decimal::from(44), earlier: Decimal::ZERO, own: Decimal::ZERO };
        let more = number_line(Bound::Excluded(Decimal::from(40)), Bound::Unbounded, Decimal::from(40), parts, "x");
        assert_eq!(more.matches("<polygon").count(), 1);
        assert!(more.contains(r##"fill="#fff""##));
        let exact = number_line(
            Bound::Included(Decimal::from(44)),
            Bound::Included(Decimal::from(44)),
            Decimal::from(44),
            parts,
            "x",
        );
        assert_eq!(exact.matches("<polygon").count(), 0);
        assert!(!exact.contains(r##"fill="#fff""##));
    }

    #[test]
    fn extreme_figures_draw_without_panic() {
        let parts = Parts { dated: Decimal::MAX, earlier: Decimal::MAX, own: Decimal::MAX };
        let s = number_line(Bound::Unbounded, Bound::Included(Decimal::MAX), Decimal::MAX, parts, "<x>");
        assert!(s.contains("&lt;x&gt;") && !s.contains("<x>"));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let lines = [
            Line { since: None, points: Some(vec![(NaiveDate::MIN, Decimal::MAX), (NaiveDate::MAX, Decimal::MAX)]) },
            Line { since: Some(NaiveDate::MAX), points: None },
        ];
        let marks = [Mark {
            line: 3,
            at: d("2021-01-01"),
            low: Bound::Unbounded,
            high: Bound::Unbounded,
            reported: Decimal::MIN,
            title: "t".into(),
        }];
        assert!(running_chart(&lines, &marks, "t", "c").ends_with("</svg>"));
        assert!(running_chart(&[], &[], "t", "c").contains("nothing to draw"));
    }
}
