//! SVG line charts of running totals: one line per group, dates along the bottom, the unit up the side.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::Error;
use crate::quantity::Unit;
use crate::query::Series;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 540.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 230.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 70.0;
const COLOURS: [&str; 10] =
    ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

/// Draws running totals as an SVG line chart, in `unit` (its dimension's figure of each point).
///
/// Figures are exact until they are placed on the page; only pixel positions are approximated.
///
/// # Errors
///
/// When a figure cannot be expressed in `unit` exactly (it does not fit a decimal).
///
/// # Example
///
/// ```
/// use relief_ledger::{Entry, Ledger, Scope, Step, Unit, chart_svg};
///
/// let ledger = Ledger::from_entries([
///     Entry::cargo("2021-04-07".parse()?, "145 t".parse()?).to("NKR").build()?,
///     Entry::cargo("2021-05-26".parse()?, "155 t".parse()?).to("NKR").build()?,
/// ])?;
/// let series = ledger.running(&Scope::all(), &[], Step::Day)?;
/// let svg = chart_svg(&series, Unit::Tonne, "EMERCOM cargo")?;
/// assert!(svg.starts_with("<svg") && svg.contains("EMERCOM cargo") && svg.contains("300 t"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chart_svg(series: &[Series], unit: Unit, title: &str) -> Result<String, Error> {
    let mut lines: Vec<(String, Vec<(NaiveDate, Decimal)>)> = Vec::new();
    for s in series {
        let label = s
            .key()
            .iter()
            .map(|k| k.to_string())
            .map(|k| if k.is_empty() { "(none)".into() } else { k })
            .collect::<Vec<_>>();
        let label = if label.is_empty() { "all".to_string() } else { label.join(" / ") };
        let points =
            s.points().iter().map(|(d, t)| Ok((*d, t.in_unit(unit)?.value()))).collect::<Result<Vec<_>, Error>>()?;
        lines.push((label, points));
    }
    let dates: Vec<NaiveDate> = lines.iter().flat_map(|(_, p)| p.iter().map(|(d, _)| *d)).collect();
    let (Some(&first), Some(&last)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(empty(title));
    };
    let max = lines.iter().flat_map(|(_, p)| p.iter().map(|(_, v)| *v)).max().unwrap_or(Decimal::ONE).max(Decimal::ONE);
    let (step, top) = nice_scale(max);
    let days = ((last - first).num_days().max(1)) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |d: NaiveDate| LEFT + (d - first).num_days() as f64 / days * plot_w;
    let topf = top.to_f64().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let y = |v: Decimal| TOP + plot_h - v.to_f64().unwrap_or(0.0) / topf * plot_h;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(svg, r#"<text x="{}" y="28" font-size="16" font-weight="bold">{}</text>"#, LEFT, escape(title));
    // Horizontal grid and the figure axis.
    let mut v = Decimal::ZERO;
    while v <= top {
        let yy = y(v);
        let _ =
            writeln!(svg, r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/>"##, LEFT + plot_w);
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 8.0,
            yy + 4.0,
            v.normalize()
        );
        v += step;
    }
    let _ = writeln!(
        svg,
        r#"<text transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle">running total ({unit})</text>"#,
        TOP + plot_h / 2.0
    );
    // Date axis: ticks at month or year starts.
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h
    );
    let _ = writeln!(svg, r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{:.1}" stroke="#333"/>"##, TOP + plot_h);
    for (d, label) in date_ticks(first, last) {
        let xx = x(d);
        let _ = writeln!(
            svg,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#333"/>"##,
            TOP + plot_h,
            TOP + plot_h + 5.0
        );
        let _ =
            writeln!(svg, r#"<text x="{xx:.1}" y="{:.1}" text-anchor="middle">{label}</text>"#, TOP + plot_h + 20.0);
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">date</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 18.0
    );
    // One stepped line per group, and the legend with each final figure.
    for (i, (label, points)) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let mut path = String::new();
        // Each line starts from zero at the first date, so that the first day's figure shows as a step.
        let mut prev = y(Decimal::ZERO);
        let _ = write!(path, "M{:.1},{prev:.1}", points.first().map_or(LEFT, |(d, _)| x(*d)));
        for (d, v) in points {
            let (xx, yy) = (x(*d), y(*v));
            let _ = write!(path, " L{xx:.1},{prev:.1} L{xx:.1},{yy:.1}");
            prev = yy;
        }
        let _ = writeln!(svg, r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>"#);
        let ly = TOP + 10.0 + i as f64 * 20.0;
        let lx = LEFT + plot_w + 15.0;
        let last_value = points.last().map_or(Decimal::ZERO, |(_, v)| *v);
        let _ = writeln!(svg, r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="4" fill="{colour}"/>"#, ly - 4.0);
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{ly:.1}">{} ({} {unit})</text>"#,
            lx + 20.0,
            escape(label),
            last_value.normalize()
        );
    }
    svg.push_str("</svg>\n");
    Ok(svg)
}

fn empty(title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"sans-serif\">\
<rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"{LEFT}\" y=\"28\" font-size=\"16\">{}</text>\
<text x=\"{LEFT}\" y=\"80\">no entries in scope</text></svg>\n",
        escape(title)
    )
}

/// A round step (1, 2 or 5 times a power of ten) and the top of the axis, for about five gridlines.
fn nice_scale(max: Decimal) -> (Decimal, Decimal) {
    let mut step = Decimal::ONE;
    while max / step > Decimal::from(10) {
        step *= Decimal::TEN;
    }
    while max / step < Decimal::from(2) && step > Decimal::new(1, 6) {
        step /= Decimal::TEN;
    }
    for f in [1, 2, 5, 10] {
        let s = step * Decimal::from(f);
        if max / s <= Decimal::from(6) {
            step = s;
            break;
        }
    }
    let top = (max / step).ceil() * step;
    (step, top)
}

/// Ticks at the first day of months (or of years, over long spans), labelled as in files.
fn date_ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
    let months = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
    let every = match months {
        ..=12 => 1,
        13..=30 => 3,
        31..=72 => 6,
        _ => 12,
    };
    let mut out = Vec::new();
    let (mut y, mut m) = (first.year(), first.month());
    while let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
        if d > last {
            break;
        }
        let index = y * 12 + m as i32 - 1;
        if d >= first && index % every == 0 {
            let label = if every == 12 { format!("{y}") } else { format!("{y}-{m:02}") };
            out.push((d, label));
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    if out.is_empty() {
        out.push((first, first.to_string()));
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_cover_the_maximum() {
        for (max, step, top) in [(53_000, 10_000, 60_000), (1581, 500, 2000), (3, 1, 3), (122, 50, 150)] {
            let (s, t) = nice_scale(Decimal::from(max));
            assert_eq!((s, t), (Decimal::from(step), Decimal::from(top)), "max {max}");
        }
    }

    #[test]
    fn ticks_thin_out_over_long_spans() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(date_ticks(d("2021-01-15"), d("2021-04-02")).len(), 3);
        let four_years = date_ticks(d("2020-11-10"), d("2024-12-30"));
        assert_eq!(four_years.len(), 8, "every six months");
        assert_eq!(four_years[0].1, "2021-01");
        let decade = date_ticks(d("2014-11-10"), d("2024-12-30"));
        assert_eq!(decade.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>()[..3], ["2015", "2016", "2017"]);
    }

    #[test]
    fn titles_are_escaped() {
        assert!(empty("a < b & c").contains("a &lt; b &amp; c"));
    }
}
