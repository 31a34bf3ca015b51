//! Exact sums of decimals, and wide integers for the arithmetic that does not fit a decimal.

use rust_decimal::Decimal;

/// An exact running sum of decimals: an `i128` mantissa at the largest scale seen.
///
/// Adding never rounds; an overflow is reported when the result is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ExactSum {
    mantissa: i128,
    scale: u32,
    overflow: bool,
}

/// Powers of ten up to 10^28, the most decimal places a decimal has.
pub(crate) const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `10^n` for `n` up to 28; `None` past it.
#[inline]
pub(crate) fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// `m * 10^-s` with its trailing zeros dropped (scale lowered to match), exactly.
fn strip_zeros(mut m: i128, mut s: u32) -> (i128, u32) {
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    (m, s)
}

impl ExactSum {
    #[inline]
    pub(crate) fn add(&mut self, d: Decimal) {
        self.add_parts(d.mantissa(), d.scale());
    }

    /// Marks the sum as overflowed.
    pub(crate) fn poison(&mut self) {
        self.overflow = true;
    }

    /// Adds `m * 10^-s`.
    #[inline]
    pub(crate) fn add_scaled(&mut self, m: i128, s: u32) {
        self.add_parts(m, s);
    }

    /// Adds `m * 10^-s`; when the aligned sum does not fit 128 bits, retries with the trailing zeros
    /// of both sides dropped (`5.0000000000000000000` aligns at scale 0), so that only a sum whose
    /// exact digits do not fit is marked as overflowed.
    #[inline]
    fn add_parts(&mut self, m: i128, s: u32) {
        if self.overflow {
            return;
        }
        if let Some((mantissa, scale)) = aligned_sum(self.mantissa, self.scale, m, s) {
            (self.mantissa, self.scale) = (mantissa, scale);
            return;
        }
        let (a, sa) = strip_zeros(self.mantissa, self.scale);
        let (b, sb) = strip_zeros(m, s);
        match aligned_sum(a, sa, b, sb) {
            Some((mantissa, scale)) => (self.mantissa, self.scale) = (mantissa, scale),
            None => self.overflow = true,
        }
    }

    /// The sum, normalised; `None` when it overflowed or does not fit a decimal.
    pub(crate) fn value(&self) -> Option<Decimal> {
        if self.overflow {
            return None;
        }
        let (m, s) = strip_zeros(self.mantissa, self.scale);
        Decimal::try_from_i128_with_scale(m, s).ok().map(|d| d.normalize())
    }
}

/// `a * 10^-sa + b * 10^-sb` as a mantissa at the larger scale; `None` when it does not fit 128 bits.
#[inline]
fn aligned_sum(a: i128, sa: u32, b: i128, sb: u32) -> Option<(i128, u32)> {
    if sa == sb {
        return Some((a.checked_add(b)?, sa));
    }
    if sb > sa {
        let a = a.checked_mul(pow10(sb - sa)?)?;
        Some((a.checked_add(b)?, sb))
    } else {
        let b = b.checked_mul(pow10(sa - sb)?)?;
        Some((a.checked_add(b)?, sa))
    }
}

/// `a − b` exactly, or `None` when the exact difference does not fit a decimal (it is never rounded).
pub(crate) fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    let mut sum = ExactSum::default();
    sum.add(a);
    sum.add_parts(b.mantissa().checked_neg()?, b.scale());
    sum.value()
}

/// Units of the fractional part of a [`Wide`]: `10^-30`, fine enough for 2 % of a figure with 28 places.
const WIDE_ONE: i128 = 1_000_000_000_000_000_000_000_000_000_000;

/// An exact number `int + frac * 10^-30` (`0 <= frac < 10^30`), wide enough for the ends of a
/// report's interval before they are rounded, inward, to a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Wide {
    int: i128,
    frac: i128,
}

/// Which way [`Wide::to_decimal`] rounds a number that a decimal cannot hold exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Toward {
    /// The largest decimal not above the number (for an upper end kept inside).
    Floor,
    /// The smallest decimal not below the number (for a lower end kept inside).
    Ceil,
}

impl Wide {
    pub(crate) fn new(d: Decimal) -> Option<Wide> {
        let unit = pow10(d.scale())?;
        let (m, frac) = (d.mantissa().div_euclid(unit), d.mantissa().rem_euclid(unit));
        Some(Wide { int: m, frac: frac.checked_mul(10i128.checked_pow(30u32.checked_sub(d.scale())?)?)? })
    }

    pub(crate) fn checked_add(self, o: Wide) -> Option<Wide> {
        let (mut int, mut frac) = (self.int.checked_add(o.int)?, self.frac.checked_add(o.frac)?);
        if frac >= WIDE_ONE {
            frac -= WIDE_ONE;
            int = int.checked_add(1)?;
        }
        Some(Wide { int, frac })
    }

    pub(crate) fn checked_neg(self) -> Option<Wide> {
        if self.frac == 0 {
            Some(Wide { int: self.int.checked_neg()?, frac: 0 })
        } else {
            Some(Wide { int: self.int.checked_neg()?.checked_sub(1)?, frac: WIDE_ONE - self.frac })
        }
    }

    pub(crate) fn checked_sub(self, o: Wide) -> Option<Wide> {
        self.checked_add(o.checked_neg()?)
    }

    pub(crate) fn abs(self) -> Option<Wide> {
        if self.int < 0 { self.checked_neg() } else { Some(self) }
    }

    /// `self * n / d`, exact when the result has at most 30 decimal places (2 % and halves of a
    /// decimal do); `None` otherwise.
    pub(crate) fn times_ratio(self, n: i128, d: i128) -> Option<Wide> {
        let int = self.int.checked_mul(n)?;
        let (q, r) = (int.checked_div_euclid(d)?, int.checked_rem_euclid(d)?);
        let frac = r.checked_mul(WIDE_ONE)?.checked_add(self.frac.checked_mul(n)?)?;
        if frac.checked_rem_euclid(d)? != 0 {
            return None;
        }
        let frac = frac.checked_div_euclid(d)?;
        Some(Wide { int: q.checked_add(frac.div_euclid(WIDE_ONE))?, frac: frac.rem_euclid(WIDE_ONE) })
    }

    /// The nearest decimal `toward` one side, at the most places that fit; `None` beyond a decimal's range.
    pub(crate) fn to_decimal(self, toward: Toward) -> Option<Decimal> {
        // More places than the fraction has add only zeros: start at the places it needs.
        let mut needed = 30u32;
        let mut f = self.frac;
        while needed > 0 && f % 10 == 0 {
            f /= 10;
            needed -= 1;
        }
        // The scale above the first that fits, where the mantissa was too large: the largest
        // mantissa there may lie nearer the number, on the right side, than anything at fewer places
        // (7922816251426433759354395.0336 floors to ...395.0335, not to ...395.033).
        let mut crowded = None;
        for s in (0..=needed.min(28)).rev() {
            let step = 10i128.checked_pow(30 - s)?;
            let (down, rest) = (self.frac / step, self.frac % step);
            let part = if toward == Toward::Ceil && rest != 0 { down + 1 } else { down };
            let m = self.int.checked_mul(pow10(s)?).and_then(|i| i.checked_add(part));
            match m.and_then(|m| Decimal::try_from_i128_with_scale(m, s).ok()) {
                Some(d) => {
                    let edge = |sign: i128| {
                        crowded.and_then(|c| Decimal::try_from_i128_with_scale(sign * Decimal::MAX.mantissa(), c).ok())
                    };
                    return Some(match toward {
                        Toward::Floor if self.int >= 0 => edge(1).map_or(d, |e| e.max(d)),
                        Toward::Ceil if self.int < 0 => edge(-1).map_or(d, |e| e.min(d)),
                        _ => d,
                    });
                }
                None => crowded = Some(s),
            }
        }
        None
    }
}
