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
pub(crate) const COLOURS: [&str; 10] =
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
    // Per series, the upper line when entries dated to a span leave the running total open: the
    // chart fills the band between it and the lower line.
    let mut uppers: Vec<Option<Vec<(NaiveDate, Decimal)>>> = Vec::new();
    for s in series {
        let upper = if s.upper() == s.points() {
            None
        } else {
            Some(s.upper().iter().map(|(d, t)| Ok((*d, t.in_unit(unit)?.value()))).collect::<Result<Vec<_>, Error>>()?)
        };
        uppers.push(upper);
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
    // The span of every series, and the dates of their points (a series built by hand may stray).
    let dates = series
        .iter()
        .flat_map(|s| [s.span().0, s.span().1])
        .chain(lines.iter().flat_map(|(_, p)| p.iter().map(|(d, _)| *d)));
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return Ok(empty(title));
    };
    let max = lines
        .iter()
        .map(|(_, p)| p)
        .chain(uppers.iter().flatten())
        .flat_map(|p| p.iter().map(|(_, v)| *v))
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ONE);
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
    // Horizontal grid and the figure axis, labelled with exact multiples of the step.
    for v in gridlines(step, top) {
        let yy = y(v);
        let _ =
            writeln!(svg, r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/>"##, LEFT + plot_w);
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 8.0,
            yy + 4.0,
            axis_label(v)
        );
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
    // The vertices of a stepped line from zero at the first date to the last date.
    let steps = |points: &[(NaiveDate, Decimal)]| {
        let mut prev = y(Decimal::ZERO);
        let mut v = vec![(x(first), prev)];
        for (d, value) in points {
            v.push((x(*d), prev));
            prev = y(*value);
            v.push((x(*d), prev));
        }
        v.push((x(last), prev));
        v
    };
    for (i, (_, points)) in lines.iter().enumerate() {
        let Some(Some(upper)) = uppers.get(i) else { continue };
        let colour = COLOURS[i % COLOURS.len()];
        let mut band = String::new();
        let vertices = steps(upper).into_iter().chain(steps(points).into_iter().rev());
        for (k, (xx, yy)) in vertices.enumerate() {
            let _ = write!(band, "{}{xx:.1},{yy:.1}", if k == 0 { "M" } else { " L" });
        }
        let _ = writeln!(svg, r#"<path d="{band} Z" fill="{colour}" fill-opacity="0.2" stroke="none"/>"#);
    }
    for (i, (label, points)) in lines.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let mut path = String::new();
        // Each line starts from zero at the first date, rises at each step and runs on to the last.
        let mut prev = y(Decimal::ZERO);
        let _ = write!(path, "M{:.1},{prev:.1}", x(first));
        for (d, v) in points {
            let (xx, yy) = (x(*d), y(*v));
            let _ = write!(path, " L{xx:.1},{prev:.1} L{xx:.1},{yy:.1}");
            prev = yy;
        }
        let _ = write!(path, " L{:.1},{prev:.1}", x(last));
        let _ = writeln!(svg, r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>"#);
        let ly = TOP + 10.0 + i as f64 * 20.0;
        let lx = LEFT + plot_w + 15.0;
        let last_value = points.last().map_or(Decimal::ZERO, |(_, v)| *v);
        let _ = writeln!(svg, r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="4" fill="{colour}"/>"#, ly - 4.0);
        let text = format!("{label} ({} {unit})", last_value.normalize());
        // A legend wider than the margin gets a smaller font, every character kept.
        let (room, wide) = (WIDTH - lx - 25.0, text.chars().count() as f64 * 7.0);
        let fit = if wide > room { format!(r#" font-size="{:.1}""#, 12.0 * room / wide) } else { String::new() };
        let _ = writeln!(svg, r#"<text x="{:.1}" y="{ly:.1}"{fit}>{}</text>"#, lx + 20.0, escape(&text));
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
///
/// `max` is at least 1. Near the largest decimal a round top may not exist: the top is then the
/// largest decimal, and the last gridline the largest multiple of the step below it.
pub(crate) fn nice_scale(max: Decimal) -> (Decimal, Decimal) {
    let ten = Decimal::TEN;
    let mut step = Decimal::ONE;
    while step.checked_mul(ten).is_some_and(|s| s < max) {
        step *= ten;
    }
    // Now max / step is in (1, 10], or more only where ten steps do not fit a decimal.
    while max < step * Decimal::TWO && step > Decimal::new(1, 6) {
        step /= ten;
    }
    let base = step;
    for f in [1, 2, 5, 10] {
        // A step too large for a decimal is past the maximum: keep the last one that fits.
        let Some(s) = base.checked_mul(Decimal::from(f)) else { break };
        step = s;
        if s.checked_mul(Decimal::from(6)).is_none_or(|six| max <= six) {
            break;
        }
    }
    let top = max.checked_div(step).and_then(|n| n.ceil().checked_mul(step)).unwrap_or(Decimal::MAX);
    (step, top)
}

/// A gridline's figure, exact: as written when short, else as its digits and a power of ten
/// (`2e28`), so that figures near the largest decimal fit beside the axis.
pub(crate) fn axis_label(v: Decimal) -> String {
    let text = v.normalize().to_string();
    let digits = text.trim_end_matches('0');
    let zeros = text.len() - digits.len();
    if text.len() <= 10 || text.contains('.') || digits.is_empty() { text } else { format!("{digits}e{zeros}") }
}

/// The figures of the gridlines: 0, step, 2 step, ... up to `top`, each exact.
pub(crate) fn gridlines(step: Decimal, top: Decimal) -> impl Iterator<Item = Decimal> {
    std::iter::successors(Some(Decimal::ZERO), move |v| v.checked_add(step)).take_while(move |v| *v <= top).take(100)
}

/// Ticks at the first day of months, or of years over long spans (every 1, 2 or 5 times a power of
/// ten years beyond a decade), labelled as in files: about a dozen at most, whatever the span.
pub(crate) fn date_ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let (from, to) = (index(first), index(last));
    let months = to - from;
    let every: i64 = match months {
        ..=12 => 1,
        13..=30 => 3,
        31..=72 => 6,
        73..=144 => 12,
        _ => {
            let mut years = 1i64;
            'search: for power in [1i64, 10, 100, 1_000, 10_000, 100_000] {
                for f in [1, 2, 5] {
                    years = f * power;
                    if months / (12 * years) <= 12 {
                        break 'search;
                    }
                }
                years = 10 * power;
            }
            12 * years
        }
    };
    let mut out = Vec::new();
    // The first multiple of `every` at or after `first`'s month.
    let mut i = from.div_euclid(every) * every;
    while i <= to {
        let (y, m) = (i.div_euclid(12), i.rem_euclid(12) + 1);
        let day = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m as u32, 1));
        if let Some(d) = day.filter(|d| *d >= first && *d <= last) {
            let label = if every >= 12 { format!("{y}") } else { format!("{y}-{m:02}") };
            out.push((d, label));
        }
        i += every;
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
    fn scales_near_the_largest_decimal_stay_in_range() {
        let cases = [Decimal::MAX, Decimal::MAX - Decimal::ONE, Decimal::from(6) * Decimal::from(10u128.pow(28))];
        for max in
            cases.into_iter().chain([Decimal::from(79u128 * 10u128.pow(27)), Decimal::new(1, 0), Decimal::new(19, 1)])
        {
            let (step, top) = nice_scale(max);
            assert!(step > Decimal::ZERO && top >= max, "max {max}: step {step}, top {top}");
            let lines: Vec<Decimal> = gridlines(step, top).collect();
            assert!((2..=12).contains(&lines.len()), "max {max}: {lines:?}");
            assert!(lines.iter().zip(lines.iter().skip(1)).all(|(a, b)| *b - *a == step), "max {max}: {lines:?}");
        }
        let (step, top) = nice_scale(Decimal::MAX);
        assert_eq!((step, top), (Decimal::from(2) * Decimal::from(10u128.pow(28)), Decimal::MAX));
        let labels: Vec<String> = gridlines(step, top).map(axis_label).collect();
        assert_eq!(labels, ["0", "2e28", "4e28", "6e28"]);
        assert_eq!(axis_label(Decimal::from(1_500_000_000u64)), "1500000000", "short figures as written");
        assert_eq!(axis_label(Decimal::from(15_000_000_000u64)), "15e9");
        assert_eq!(axis_label(Decimal::new(25, 1)), "2.5");
    }

    #[test]
    fn ticks_stay_few_over_any_span() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let all = date_ticks(d("0000-01-01"), d("9999-12-31"));
        let labels: Vec<&str> = all.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"]);
        let extreme = date_ticks(NaiveDate::MIN, NaiveDate::MAX);
        assert!((2..=13).contains(&extreme.len()), "{extreme:?}");
        for years in [13, 30, 99, 250, 1234] {
            let n = date_ticks(d("2000-06-15"), d(&format!("{}-06-15", 2000 + years))).len();
            assert!((2..=13).contains(&n), "{years} years: {n} ticks");
        }
        assert_eq!(date_ticks(d("2021-03-05"), d("2021-03-09")), [(d("2021-03-05"), "2021-03-05".to_string())]);
    }

    #[test]
    fn titles_are_escaped() {
        assert!(empty("a < b & c").contains("a &lt; b &amp; c"));
    }
}
