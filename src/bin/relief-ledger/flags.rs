//! Flags turned into the library's values: `--assume`, the scope, `--unit`, `--by`, `--claim`.

use std::path::PathBuf;

use relief_ledger::{Assumptions, Category, Error, ErrorKind, Key, Kind, PartialDate, Period, Report, Scope, Unit};

use crate::Failure;
use crate::cli::*;
use crate::output::*;

/// The values of `--assume`.
pub(crate) fn assumptions(input: &InputArgs) -> Result<Assumptions, Failure> {
    let mut assume = Assumptions::new();
    for pair in &input.assume {
        assume.add_pair(pair).map_err(|e| flag_error("assume", e))?;
    }
    Ok(assume)
}

/// An overflow names the files whose figures it adds: the library knows the dimension, not the files.
pub(crate) fn name_files(failure: Failure, files: &[PathBuf], hint: &str) -> Failure {
    match failure {
        Failure::Input(e) if matches!(e.kind(), ErrorKind::Overflow(_)) => {
            const SHOWN: usize = 3;
            let mut names: Vec<String> = files.iter().take(SHOWN).map(|p| p.display().to_string()).collect();
            if files.len() > SHOWN {
                names.push(format!("and {} more", plural(files.len() - SHOWN, "file", "files")));
            }
            Failure::Usage(format!("{}: {e}{hint}", names.join(", ")))
        }
        other => other,
    }
}

pub(crate) fn scope_of(args: &ScopeArgs) -> Result<Scope, Failure> {
    let mut s = Scope::all();
    if let Some(k) = &args.kind {
        s = s.kind(k.parse::<Kind>().map_err(|e| flag_error("kind", e))?);
    }
    if let Some(c) = &args.category {
        let c = c.parse::<Category>().map_err(|e| flag_error("category", e))?;
        if let Some(k) = s.kind {
            if c.kind() != k {
                return Err(Failure::Usage(format!("--category {c} is a category of {}, not of {k}", c.kind())));
            }
        }
        s = s.category(c);
    }
    for (value, set) in [
        (&args.item, Scope::item as fn(Scope, String) -> Scope),
        (&args.from, Scope::from),
        (&args.to, Scope::to),
        (&args.via, Scope::via),
        (&args.region, Scope::region),
    ] {
        if let Some(v) = value {
            s = set(s, v.clone());
        }
    }
    let date = |flag: &str, v: &Option<String>| -> Result<Option<PartialDate>, Failure> {
        v.as_deref().map(|d| d.parse::<PartialDate>().map_err(|e| flag_error(flag, e))).transpose()
    };
    let period = Period::from_bounds(date("since", &args.since)?, date("until", &args.until)?)
        .map_err(|e| flag_error("until", e))?;
    Ok(s.period(period))
}

pub(crate) fn flag_error(flag: &str, e: Error) -> Failure {
    let msg = e.problems().first().map_or_else(|| e.to_string(), |p| p.message.clone());
    Failure::Usage(format!("--{flag}: {msg}"))
}

pub(crate) fn unit_of(flag: Option<&str>) -> Result<Option<Unit>, Failure> {
    flag.map(|u| u.parse::<Unit>().map_err(|e| flag_error("unit", e))).transpose()
}

pub(crate) fn keys_of(by: Option<&str>) -> Result<Vec<Key>, Failure> {
    by.map_or(Ok(Vec::new()), |b| Key::parse_list(b).map_err(|e| flag_error("by", e)))
}

/// The `--claim` values as reports; a problem names the claim by its place (`--claim 2, column 11, ...`).
/// A claim that does not say when it was made is read as made today (UTC), covering the record so far.
pub(crate) fn claims_of(claims: &[String]) -> Result<Vec<Report>, Failure> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let today = relief_ledger::chrono::DateTime::from_timestamp(i64::try_from(now).unwrap_or(0), 0).map_or_else(
        || relief_ledger::chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
        |t| t.date_naive(),
    );
    relief_ledger::parse_claims_as_of(claims, today).map_err(|e| {
        let problems: Vec<String> = e
            .problems()
            .iter()
            .map(|p| {
                let text = p.to_string();
                if text.starts_with("claim ") { format!("--{text}") } else { text }
            })
            .collect();
        if problems.is_empty() { Failure::Input(e) } else { Failure::Claims(problems) }
    })
}
