//! `chart`: running totals over time as an SVG chart.

use std::io::Write;
use std::path::{Path, PathBuf};

use relief_ledger::stream::Fold;
use relief_ledger::{Assumptions, Dimension, Key, Role, Step, chart_svg};

use crate::cli::*;
use crate::files::*;
use crate::flags::*;
use crate::output::*;
use crate::report::is_time;
use crate::{Failure, leak};

#[allow(clippy::too_many_arguments)]
pub(crate) fn chart(
    files: &[PathBuf],
    assume: &Assumptions,
    by: Option<&str>,
    scope: &ScopeArgs,
    unit: Option<&str>,
    step: StepArg,
    title: Option<String>,
    target: &Path,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut keys = keys_of(by)?;
    if let Some(k) = keys.iter().find(|k| is_time(**k)) {
        return Err(Failure::Usage(format!(
            "--by {k}: a chart runs over time already; group by kind, to, ... instead"
        )));
    }
    let scope = scope_of(scope)?;
    // As in `report`: different kinds never add up (returnees and detainees are both persons).
    if scope.kind.is_none() && scope.category.is_none() && !keys.contains(&Key::Kind) {
        keys.insert(0, Key::Kind);
    }
    let unit = unit_of(unit)?;
    let inputs = opened(files, Role::Any, &[])?;
    let target_file = OutFile::prepare(target, &OutKind::SVG, &inputs)?;
    // The entries are folded as they are read, kept only as far as the chart tells them apart.
    let (ledger, _) = fold_inputs(inputs, assume, Fold::reduce_for_group(&scope, &keys))?.into_parts();
    let dims: Vec<Dimension> = ledger.totals(&scope)?.quantities()?.iter().map(|q| q.dimension()).collect();
    let unit = match (unit, dims.as_slice()) {
        (Some(u), _) => u,
        (None, [d]) => d.canonical_unit(),
        (None, []) => return Err(Failure::Usage(format!("no entries in scope ({scope}): nothing to draw"))),
        (None, many) => {
            let names: Vec<String> = many.iter().map(|d| format!("{d} ({})", d.canonical_unit())).collect();
            return Err(Failure::Usage(format!(
                "the entries in scope measure {}; choose one with --unit, or narrow the scope with --kind",
                names.join(", ")
            )));
        }
    };
    let step = match step {
        StepArg::Day => Step::Day,
        StepArg::Month => Step::Month,
    };
    let mut series = ledger.running(&scope, &keys, step)?;
    // A group with nothing of the unit's dimension (cargo in a chart of persons) is no line.
    series.retain(|s| s.points().iter().any(|(_, t)| t.in_unit(unit).is_ok_and(|q| !q.value().is_zero())));
    let title = title.unwrap_or_else(|| format!("Running totals: {scope}"));
    let svg = chart_svg(&series, unit, &title)?;
    target_file.write(|w| Ok(w.write_all(svg.as_bytes())?))?;
    writeln!(out, "wrote {} ({}, in {unit})", target.display(), plural(series.len(), "line", "lines"))?;
    leak(ledger);
    Ok(())
}
