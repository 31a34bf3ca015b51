//! Fuzz targets of relief-ledger: [`ops`] holds what they run (shared with the crate's regression
//! tests); this crate adds the [`arbitrary`] decoding of the `values` target's values.

pub mod ops;

use arbitrary::{Arbitrary, Result, Unstructured};
use ops::{EntrySpec, Number, ReportSpec};

/// The input of the `values` target.
#[derive(Debug)]
pub struct BuildInput {
    /// The entries.
    pub entries: Vec<EntrySpec>,
    /// The reports.
    pub reports: Vec<ReportSpec>,
    /// Grouping keys (bits 0–9) and step (bit 15: month).
    pub keys: u16,
}

fn number(u: &mut Unstructured<'_>) -> Result<Number> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Number::Max,
        1 => Number::Min,
        2 => Number::Tiny,
        // Small figures, as in real files.
        3 | 4 => Number::Of(i128::from(u.int_in_range(1u32..=100_000)?), u.int_in_range(0..=3)?),
        _ => Number::Of(u.arbitrary()?, u.arbitrary()?),
    })
}

/// Dates near the seed's, or anywhere in 0000..=9999.
fn date(u: &mut Unstructured<'_>) -> Result<u32> {
    Ok(if u.arbitrary()? { 737_000 + u.int_in_range(0u32..=2_000)? } else { u.arbitrary()? })
}

impl<'a> Arbitrary<'a> for BuildInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<BuildInput> {
        let mut entries = Vec::new();
        for _ in 0..u.int_in_range(0u8..=24)? {
            entries.push(EntrySpec {
                kind: u.arbitrary()?,
                category: u.arbitrary()?,
                value: number(u)?,
                unit: u.arbitrary()?,
                date: date(u)?,
                from: u.arbitrary()?,
                to: u.arbitrary()?,
                via: u.arbitrary()?,
                region: u.arbitrary()?,
                mines: if u.ratio(1, 8)? { Some(u.arbitrary()?) } else { None },
            });
        }
        let mut reports = Vec::new();
        for _ in 0..u.int_in_range(0u8..=8)? {
            let since = if u.arbitrary()? { Some((u.arbitrary()?, date(u)?)) } else { None };
            let until = if u.arbitrary()? { Some((u.arbitrary()?, date(u)?)) } else { None };
            reports.push(ReportSpec {
                kind: u.arbitrary()?,
                category: if u.ratio(1, 4)? { Some(u.arbitrary()?) } else { None },
                value: number(u)?,
                unit: u.arbitrary()?,
                qualifier: u.arbitrary()?,
                tolerance: if u.ratio(1, 4)? { Some(number(u)?) } else { None },
                fill: u.arbitrary()?,
                published: date(u)?,
                since,
                until,
                from: u.arbitrary()?,
                to: u.arbitrary()?,
            });
        }
        Ok(BuildInput { entries, reports, keys: u.arbitrary()? })
    }
}
