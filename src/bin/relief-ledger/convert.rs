//! `convert`: a file rewritten in another format.

use std::io::{self, Write};
use std::path::Path;

use relief_ledger::{Assumptions, Format, Role};

use crate::Failure;
use crate::cli::*;
use crate::files::*;

pub(crate) fn convert(
    file: &Path,
    assume: &Assumptions,
    to: ConvertTo,
    target: Option<&Path>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let format = match to {
        ConvertTo::Csv => Format::Csv,
        ConvertTo::Json => Format::Json,
        ConvertTo::Jsonl => Format::Jsonl,
        ConvertTo::Hxl => Format::Hxl,
    };
    let mut inputs = open_inputs(&[(file, Role::Any)])?;
    let target = target.map(|t| OutFile::prepare(t, &OutKind::of(format), &inputs)).transpose()?;
    let Some(input) = inputs.pop() else { return Ok(()) };
    let reader = io::BufReader::with_capacity(1 << 20, Progress::new(input.file, &input.name, input.size));
    let doc = relief_ledger::read_with(reader, &input.name, input.format, Role::Any, assume)?;
    match target {
        Some(target) => target.write(|w| Ok(relief_ledger::write(w, format, &doc.entries, &doc.reports)?))?,
        None => relief_ledger::write(&mut *out, format, &doc.entries, &doc.reports)?,
    }
    Ok(())
}
