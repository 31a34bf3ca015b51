//! Where the commas and line ends of plain CSV text are, sixteen bytes at a time.
//!
//! Fields of a ledger's CSV are short (a separator every 7 or 8 bytes), so a search that stops at
//! each match (`memchr2`) spends most of its time starting again. Here each 16-byte block gives a
//! mask of its separators at once (two byte compares and a move of their high bits, SSE2 on
//! x86-64, through `wide`'s safe vectors), whose bits are then taken one by one.

use wide::u8x16;

/// Bytes a block holds.
const BLOCK: usize = 16;

/// The positions in `text` of every byte that is `a` or `b`, in order.
pub(crate) struct Separators<'t> {
    text: &'t [u8],
    /// Where the next block starts.
    next: usize,
    /// The bits of the current block's matches not yet given, and where that block starts.
    mask: u32,
    base: usize,
    a: u8x16,
    b: u8x16,
}

impl<'t> Separators<'t> {
    /// The positions of the bytes `a` and `b` in `text`.
    pub(crate) fn new(text: &'t [u8], a: u8, b: u8) -> Separators<'t> {
        Separators { text, next: 0, mask: 0, base: 0, a: u8x16::splat(a), b: u8x16::splat(b) }
    }

    /// A bit for each byte of `block` that is `a` or `b`, the first byte's lowest.
    #[inline]
    fn block_mask(&self, block: [u8; BLOCK]) -> u32 {
        let v = u8x16::new(block);
        // The mask holds one bit per byte, the 16 low bits of a positive i32.
        (v.cmp_eq(self.a) | v.cmp_eq(self.b)).move_mask() as u32
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.text.get(self.next..).filter(|r| !r.is_empty())?;
            self.mask = match rest.get(..BLOCK).and_then(|w| <[u8; BLOCK]>::try_from(w).ok()) {
                Some(block) => self.block_mask(block),
                None => {
                    // The last bytes, padded: only the bits of the text's own bytes count.
                    let mut block = [0u8; BLOCK];
                    block.iter_mut().zip(rest).for_each(|(d, s)| *d = *s);
                    self.block_mask(block) & ((1u32 << rest.len()) - 1)
                }
            };
            self.base = self.next;
            self.next += BLOCK;
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
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
        /// last block short or whole), bytes next to each other and with the high bit set, and
        /// separators that are 0 (the padding of a last block) or 0x80.
        #[test]
        fn separators_are_the_bytes_that_are_one_or_the_other(
            text in prop::collection::vec(prop::sample::select(vec![0u8, 1, b',', b'\n', b'a', 0x7f, 0x80, 0xac, 0xff]), 0..70),
            seps in prop::sample::select(vec![(b',', b'\n'), (0u8, 0x80u8), (b'a', b'a'), (0xff, 0x7f)]),
        ) {
            let want: Vec<usize> = (0..text.len()).filter(|&i| text[i] == seps.0 || text[i] == seps.1).collect();
            let got: Vec<usize> = Separators::new(&text, seps.0, seps.1).collect();
            prop_assert_eq!(got, want);
        }
    }
}
