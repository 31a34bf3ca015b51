//! `report`: totals grouped by keys, never adding different kinds together.

use std::io::Write;
use std::path::PathBuf;

use relief_ledger::stream::Fold;
use relief_ledger::{Assumptions, Error, Key, KeyValue, Quantity, Role, Totals, Unit};

use crate::cli::*;
use crate::files::*;
use crate::flags::*;
use crate::output::*;
use crate::{Failure, leak};

/// The figure of each dimension in `totals`, in `unit` for its dimension.
pub(crate) fn figures(totals: &Totals, unit: Option<Unit>) -> Result<Vec<Quantity>, Error> {
    totals
        .quantities()?
        .into_iter()
        .map(|q| match unit {
            Some(u) if u.dimension() == q.dimension() => q.to_unit(u),
            _ => Ok(q),
        })
        .collect()
}

/// The upper end of each figure of `totals` (see [`Totals::high`]), as [`figures`] gives them.
pub(crate) fn highs(totals: &Totals, unit: Option<Unit>) -> Result<Vec<Quantity>, Error> {
    totals
        .highs()?
        .into_iter()
        .map(|q| match unit {
            Some(u) if u.dimension() == q.dimension() => q.to_unit(u),
            _ => Ok(q),
        })
        .collect()
}

pub(crate) fn is_time(k: Key) -> bool {
    matches!(k, Key::Month | Key::Quarter | Key::Year)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn report(
    files: &[PathBuf],
    assume: &Assumptions,
    by: Option<&str>,
    scope: &ScopeArgs,
    (cumulative, count): (bool, bool),
    unit: Option<&str>,
    format: OutFormat,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut keys = keys_of(by)?;
    let scope = scope_of(scope)?;
    // Different kinds never add up (returnees and detainees are both persons): without one kind in
    // scope, totals are per kind.
    if scope.kind.is_none() && scope.category.is_none() && !keys.contains(&Key::Kind) {
        keys.insert(0, Key::Kind);
    }
    let unit = unit_of(unit)?;
    let time = keys.iter().position(|k| is_time(*k));
    if cumulative && time.is_none() {
        return Err(Failure::Usage("--cumulative runs over time: add month, quarter or year to --by".into()));
    }
    let folded = fold_inputs(opened(files, Role::Any, &[])?, assume, Fold::group(&scope, &keys))?;
    let groups = folded.groups();
    let mut totals: Vec<Totals> = groups.iter().map(|g| *g.totals()).collect();
    if let (true, Some(t)) = (cumulative, time) {
        // Within each combination of the other keys, add every earlier period's totals.
        let series_key = |i: usize| -> Vec<KeyValue> {
            groups[i].key().iter().enumerate().filter(|(j, _)| *j != t).map(|(_, v)| v.clone()).collect()
        };
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|&a, &b| (series_key(a), &groups[a].key()[t]).cmp(&(series_key(b), &groups[b].key()[t])));
        let mut running: Option<(Vec<KeyValue>, Totals)> = None;
        for i in order {
            let k = series_key(i);
            let mut acc = match running.take() {
                Some((rk, acc)) if rk == k => acc,
                _ => Totals::new(),
            };
            acc.add_totals(groups[i].totals())?;
            totals[i] = acc;
            running = Some((k, acc));
        }
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (g, t) in groups.iter().zip(&totals) {
        let highs = highs(t, unit)?;
        for (q, h) in figures(t, unit)?.into_iter().zip(highs) {
            let mut row: Vec<String> = g.key().iter().map(|k| k.to_string()).collect();
            row.push(q.unit().to_string());
            row.push(q.value().normalize().to_string());
            row.push(h.value().normalize().to_string());
            if count {
                row.push(g.entries().to_string());
                row.push(g.exchanges().to_string());
            }
            rows.push(row);
        }
    }
    let mut header: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    header.extend(["unit", "total", "high"]);
    if count {
        header.extend(["entries", "exchanges"]);
    }
    // The columns of the total and of its high end: the table shows them as one.
    let (total, high) = (keys.len() + 1, keys.len() + 2);
    match format {
        OutFormat::Table => {
            let mut right: Vec<bool> = (0..header.len()).map(|i| i >= total).collect();
            right.remove(high);
            // One figure when the dates leave nothing open, `low..high` otherwise.
            let shown: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut r: Vec<String> =
                        r.iter().map(|c| if c.is_empty() { "-".to_string() } else { c.clone() }).collect();
                    let h = r.remove(high);
                    if let Some(t) = r.get_mut(total) {
                        if h != *t {
                            *t = format!("{t}..{h}");
                        }
                    }
                    r
                })
                .collect();
            let mut shown_header = header.clone();
            shown_header.remove(high);
            table(out, &shown_header, &shown, &right)?;
            if rows.is_empty() {
                writeln!(out, "(no entries in scope: {scope})")?;
            }
        }
        OutFormat::Csv => csv_out(out, &header, &rows)?,
        OutFormat::Json => {
            let items: Vec<OrderedRow> = rows.iter().map(|r| OrderedRow(&header, r)).collect();
            serde_json::to_writer_pretty(&mut *out, &items)
                .map_err(|e| Failure::Usage(format!("writing JSON: {e}")))?;
            writeln!(out)?;
        }
    }
    leak(folded);
    Ok(())
}
