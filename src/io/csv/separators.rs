//! Where the commas and line ends of plain CSV text are, eight bytes at a time.
//!
//! Fields of a ledger's CSV are short (a separator every 7 or 8 bytes), so a search that stops at
//! each match (`memchr2`) spends most of its time starting again. Here each 8-byte word gives a
//! mask of its separators at once, whose bits are then taken one by one.

/// Each byte's high bit set where that byte of `x` is zero, and no other bit: exact, since
/// `(x & 0x7f..) + 0x7f..` carries from no byte into the next.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW).wrapping_add(LOW)) | x | LOW)
}

const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of `word` that is `a` or `b`.
#[inline]
fn matches(word: u64, a: u64, b: u64) -> u64 {
    zero_bytes(word ^ a) | zero_bytes(word ^ b)
}

/// The positions in `text` of every byte that is `a` or `b`, in order.
pub(crate) struct Separators<'t> {
    text: &'t [u8],
    /// Where the next word starts.
    next: usize,
    /// The bits of the current word's matches not yet given, and where that word starts.
    mask: u64,
    base: usize,
    a: u64,
    b: u64,
}

impl<'t> Separators<'t> {
    /// The positions of the bytes `a` and `b` in `text`.
    pub(crate) fn new(text: &'t [u8], a: u8, b: u8) -> Separators<'t> {
        Separators { text, next: 0, mask: 0, base: 0, a: splat(a), b: splat(b) }
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.text.get(self.next..).filter(|r| !r.is_empty())?;
            let mask = match rest.get(..8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
                Some(word) => matches(u64::from_le_bytes(word), self.a, self.b),
                None => {
                    // The last bytes, padded: only the bits of the text's own bytes count.
                    let mut word = [0u8; 8];
                    word.iter_mut().zip(rest).for_each(|(d, s)| *d = *s);
                    matches(u64::from_le_bytes(word), self.a, self.b) & ((1u64 << (8 * rest.len())) - 1)
                }
            };
            self.base = self.next;
            self.next += 8;
            self.mask = mask;
        }
        // Little-endian: the lowest set bit is the earliest byte.
        let at = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every byte that is either separator, and no other, in order: texts of any length (a
        /// last word short or whole), bytes next to each other and with the high bit set, and
        /// separators that are 0 or 0x80 (the padding and the mask's own bit).
        #[test]
        fn separators_are_the_bytes_that_are_one_or_the_other(
            text in prop::collection::vec(prop::sample::select(vec![0u8, 1, b',', b'\n', b'a', 0x7f, 0x80, 0xac, 0xff]), 0..40),
            seps in prop::sample::select(vec![(b',', b'\n'), (0u8, 0x80u8), (b'a', b'a'), (0xff, 0x7f)]),
        ) {
            let want: Vec<usize> = (0..text.len()).filter(|&i| text[i] == seps.0 || text[i] == seps.1).collect();
            let got: Vec<usize> = Separators::new(&text, seps.0, seps.1).collect();
            prop_assert_eq!(got, want);
        }
    }
}
