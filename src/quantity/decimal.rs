//! Decimals from text: plain ones fast, every other form checked.

use rust_decimal::Decimal;

use crate::error::{Error, ProblemKind, cut, echo};

pub(crate) fn scale_pow10(d: Decimal, exp: i32) -> Option<Decimal> {
    if exp == 0 {
        return Some(d);
    }
    let scale = d.scale() as i32 - exp;
    let mantissa = d.mantissa();
    if scale >= 0 {
        if scale > 28 {
            return None;
        }
        Decimal::try_from_i128_with_scale(mantissa, scale as u32).ok()
    } else {
        let m = mantissa.checked_mul(10i128.checked_pow((-scale) as u32)?)?;
        Decimal::try_from_i128_with_scale(m, 0).ok()
    }
}

/// Parses a decimal as written in files: digits, an optional sign and `.` for decimals; no exponent,
/// no thousands separator; spaces around it are ignored. The error message says how to write the value.
///
/// # Errors
///
/// An [`Error`] with one problem, of kind [`ProblemKind::BadNumber`] (an empty value, a thousands
/// separator in `1,581`, a decimal comma, a letter) or [`ProblemKind::Overflow`] (more than 28
/// decimal places, or beyond `Decimal::MAX`). The problem names no field: the caller knows it.
///
/// # Example
///
/// ```
/// use relief_ledger::parse_decimal;
///
/// assert_eq!(parse_decimal("1581")?.to_string(), "1581");
/// assert_eq!(parse_decimal("0.5")?.to_string(), "0.5");
/// assert_eq!(parse_decimal("-2")?.to_string(), "-2");
/// let err = parse_decimal("1,581").unwrap_err();
/// assert_eq!(err.problems()[0].kind(), relief_ledger::ProblemKind::BadNumber);
/// assert_eq!(err.to_string(), r#""1,581" has a thousands separator; write 1581"#);
/// # Ok::<(), relief_ledger::Error>(())
/// ```
pub fn parse_decimal(s: &str) -> Result<Decimal, Error> {
    decimal_text(s).map_err(|(kind, message)| Error::invalid(vec![crate::error::Problem::general(kind, message)]))
}

/// A number without a minus sign and with at most 18 digits, checked to be digits: its mantissa
/// fits a `u64`, so it is made without text, as `Decimal::from_str_exact` makes it (the same
/// value and scale, trailing zeros kept).
fn small_decimal(sign: &str, int: &str, frac: Option<&str>) -> Option<Decimal> {
    let frac = frac.unwrap_or("");
    if !sign.is_empty() || int.len() + frac.len() > 18 {
        return None;
    }
    let mantissa = int
        .bytes()
        .chain(frac.bytes())
        .try_fold(0u64, |m, b| b.is_ascii_digit().then(|| m * 10 + u64::from(b - b'0')))?;
    Decimal::try_from_i128_with_scale(i128::from(mantissa), frac.len() as u32).ok()
}

/// A number written as digits with at most one point and at most 18 digits, and nothing else (no
/// sign, no white space): [`small_decimal`] of it, read in one pass over its bytes.
fn plain_decimal(s: &str) -> Option<Decimal> {
    let (mut mantissa, mut digits, mut point) = (0u64, 0usize, None);
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b.is_ascii_digit() {
            digits += 1;
            if digits > 18 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(b - b'0');
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    let scale = point.map_or(0, |p| s.len() - p - 1);
    Decimal::try_from_i128_with_scale(i128::from(mantissa), scale as u32).ok()
}

/// [`parse_decimal`], with the kind and message of what is wrong.
fn decimal_text(s: &str) -> Result<Decimal, (ProblemKind, String)> {
    if let Some(d) = plain_decimal(s) {
        return Ok(d);
    }
    let bad = |m: String| (ProblemKind::BadNumber, m);
    let t = s.trim();
    if t.is_empty() {
        return Err(bad("is empty; expected a decimal number".into()));
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.contains(',') {
        let groups: Vec<&str> = digits.split(',').collect();
        let thousands = groups.len() > 1
            && groups.iter().skip(1).all(|g| g.len() == 3 || (g.len() > 3 && g.as_bytes()[3] == b'.'))
            && groups.iter().skip(1).all(|g| g.get(..3).is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())));
        return Err(bad(if thousands {
            format!("{} has a thousands separator; write {}", echo(s), cut(&t.replace(',', "")))
        } else {
            format!("{} uses a decimal comma; write {}", echo(s), cut(&t.replace(',', ".")))
        }));
    }
    if digits.contains([' ', '\u{a0}', '\u{202f}', '_', '\'']) {
        let clean: String = t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\'')).collect();
        return Err(bad(format!("{} has a thousands separator; write {}", echo(s), cut(&clean))));
    }
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let ok_int = int.bytes().all(|b| b.is_ascii_digit());
    let ok_frac = frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if !ok_int || !ok_frac || (int.is_empty() && frac.is_none_or(str::is_empty)) {
        return Err(bad(format!(
            "{} is not a decimal number; write digits with an optional sign and . such as 1581, -2 or 0.5",
            echo(s)
        )));
    }
    // Leading zeros change nothing. Trailing zeros after the point are kept while they fit, so that a
    // figure reads back as it was written, and dropped only when they do not fit a decimal:
    // `9.0000000000000000000000000000` is 9.
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if t.starts_with('-') { "-" } else { "" };
    let written = frac.filter(|f| !f.is_empty());
    if let Some(d) = small_decimal(sign, int, written) {
        return Ok(d);
    }
    let trimmed = written.map(|f| f.trim_end_matches('0')).filter(|f| !f.is_empty());
    let exact = |frac: Option<&str>| {
        let text = match frac {
            Some(f) => format!("{sign}{int}.{f}"),
            None => format!("{sign}{int}"),
        };
        Decimal::from_str_exact(&text).ok()
    };
    exact(written).or_else(|| exact(trimmed)).ok_or_else(|| {
        let message = if trimmed.is_some_and(|f| f.len() > 28) {
            format!("{} has more than 28 decimal places; a decimal holds at most 28", echo(s))
        } else {
            format!("{} does not fit a decimal; write at most {}", echo(s), Decimal::MAX)
        };
        (ProblemKind::Overflow, message)
    })
}
