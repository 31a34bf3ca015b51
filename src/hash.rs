//! Hashers for the ledger's maps, by where their keys come from.
//!
//! Keys we make ourselves (symbol numbers, dates, group codes, addresses) go to [`FxHashMap`], the
//! multiply-rotate scheme of rustc's FxHash: fast, and no file chooses them. Texts from a file used as
//! map keys (report ids, parties, regions, items) go to [`TextMap`], keyed by seeds drawn at random:
//! whoever writes a file could craft thousands of texts with one FxHash (the Fx mix is invertible
//! word by word) and make every insertion scan them all; without the seeds they cannot.
//!
//! Entry ids are not map keys: their 64-bit hashes are sorted and searched (the duplicate checks, the
//! id index), millions of them, so they are hashed with [`IdKeys`].
//!
//! Both hash with foldhash (its quality variant), several times faster than SipHash-1-3 on texts of
//! a few bytes, with seeds drawn from the operating system's random source ([`TextState`]). Equal
//! hashes are always followed by a comparison of the texts themselves, so a collision costs time,
//! never a wrong answer. foldhash is not a cryptographic hash and calls itself only minimally
//! resistant to crafted collisions: with secret seeds, no published attack makes texts collide, but
//! it promises less than SipHash does, and a flood of colliding texts would make the lookups compare
//! each with the others.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    /// The multiply leaves the high bits well mixed but the low bits (which pick the bucket) poorly:
    /// fold the high half down, as the usual 64-bit finalisers do.
    #[inline]
    fn finish(&self) -> u64 {
        let h = self.0;
        (h ^ (h >> 32)).wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (h >> 29)
    }
}

/// A map keyed by values we make ourselves; never by text from a file (see [`TextMap`]).
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A map keyed by text from a file: foldhash's quality hasher with seeds drawn at random for each
/// map (see [`TextState`]), so that texts crafted to collide under a known hash do not collide here.
pub(crate) type TextMap<K, V> = HashMap<K, V, TextState>;

/// The hasher of a [`TextMap`] and of [`IdKeys`]: foldhash, seeded from the operating system's
/// random source (through std's [`RandomState`], whose keys std draws from it), a seed for each map
/// and one shared by all. It hashes a
/// short text in a few multiplies, where SipHash-1-3 takes several rounds a word.
#[derive(Clone, Debug)]
pub(crate) struct TextState(foldhash::quality::SeedableRandomState);

impl Default for TextState {
    fn default() -> TextState {
        use std::hash::BuildHasher;
        static SHARED: std::sync::OnceLock<foldhash::SharedSeed> = std::sync::OnceLock::new();
        let shared = SHARED.get_or_init(|| foldhash::SharedSeed::from_u64(RandomState::new().hash_one(2u64)));
        TextState(foldhash::quality::SeedableRandomState::with_seed(RandomState::new().hash_one(1u64), shared))
    }
}

impl std::hash::BuildHasher for TextState {
    type Hasher = foldhash::quality::FoldHasher<'static>;

    #[inline]
    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

/// The seeds of the 64-bit hash of entry ids; a clone keeps them, so its hashes agree.
///
/// foldhash draws its own default seeds from addresses and the clock; these come from the operating
/// system's random source instead, as a [`TextMap`]'s do ([`TextState`]).
#[derive(Clone)]
pub(crate) struct IdKeys(TextState);

impl IdKeys {
    /// New seeds, drawn at random.
    pub(crate) fn new() -> IdKeys {
        IdKeys(TextState::default())
    }

    /// The hash of the id `id` under these seeds. An id that is a prefix and a number
    /// ([`numbered`]) hashes as the number added to the hash of its prefix, then mixed
    /// ([`IdKeys::numbered`]), so that a ledger hashes its coded ids without writing them out; any
    /// other id hashes by its bytes.
    #[inline]
    pub(crate) fn hash(&self, id: &str) -> u64 {
        self.hash_id(id.as_bytes())
    }

    /// [`IdKeys::hash`] of an id given by its bytes.
    #[inline]
    pub(crate) fn hash_id(&self, id: &[u8]) -> u64 {
        match numbered(id) {
            Some((prefix, n)) => IdKeys::numbered(self.hash_bytes(prefix), n),
            None => self.hash_bytes(id),
        }
    }

    /// The hash of the id with a prefix whose [`IdKeys::hash_bytes`] is `prefix`, and the number
    /// `n`. For one prefix, no two numbers share a hash (the mix is a bijection of the sum); the
    /// prefix's hash is keyed, so which numbers of two prefixes share one cannot be told.
    #[inline]
    pub(crate) fn numbered(prefix: u64, n: u64) -> u64 {
        // The finaliser of MurmurHash3: each step is invertible.
        let mut h = prefix.wrapping_add(n);
        h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// The hash of bytes under these seeds (foldhash).
    #[inline]
    pub(crate) fn hash_bytes(&self, bytes: &[u8]) -> u64 {
        let mut h = std::hash::BuildHasher::build_hasher(&self.0);
        h.write(bytes);
        h.finish()
    }
}

/// The bits of the number of an id that [`numbered`] takes.
pub(crate) const ID_NUMBER_BITS: u32 = 40;

/// The prefix and the number of an id written as a prefix (any text, or none) then a number of 1
/// to 12 digits without leading zeros (`0` alone is one), below 2^[`ID_NUMBER_BITS`]: `e123456`,
/// `entries.csv:12`. Such ids are coded in a ledger as the prefix's number and the number.
#[inline]
pub(crate) fn numbered(id: &[u8]) -> Option<(&[u8], u64)> {
    let digits = id.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let (prefix, number) = id.split_at(id.len() - digits);
    // Leading zeros would not come back from the number.
    if number.is_empty() || number.len() > 12 || (number.len() > 1 && number.first() == Some(&b'0')) {
        return None;
    }
    // At most 12 digits: the number fits a u64 as it is read.
    let n = number.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    (n < 1 << ID_NUMBER_BITS).then_some((prefix, n))
}

impl Default for IdKeys {
    fn default() -> IdKeys {
        IdKeys::new()
    }
}

impl std::fmt::Debug for IdKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdKeys(..)")
    }
}

/// `n` texts of 16 bytes, printable and free of `,` and `"`, that all have one FxHash
/// state once hashed (so one [`FxHasher`] hash), built by inverting the mix: the attack that
/// [`TextMap`] exists for.
#[cfg(test)]
pub(crate) fn fx_colliding(n: usize) -> Vec<String> {
    // Any target state will do; the last word is solved for it.
    const TARGET: u64 = 0x2a2a_2a2a_2a2a_2a2a;
    let ok = |b: u8| (0x21..=0x7e).contains(&b) && b != b',' && b != b'"';
    let mut out = Vec::with_capacity(n);
    let mut counter: u64 = 0;
    while out.len() < n {
        counter += 1;
        // A whole first word, so that the second is hashed as one word.
        let prefix = format!("{counter:08x}");
        let mut h = FxHasher::default();
        h.write(prefix.as_bytes());
        // The last word w makes the state (rotl(state, 5) ^ w) * SEED, which is TARGET * SEED.
        let last = TARGET ^ h.0.rotate_left(5);
        let bytes = last.to_le_bytes();
        if bytes.iter().all(|&b| ok(b)) {
            out.extend(std::str::from_utf8(&bytes).ok().map(|w| format!("{prefix}{w}")));
        }
    }
    out
}

/// The slot of a text in a table of `slots` recent texts (a power of two): top bits of the text's
/// FxHash. Such tables only speed up a lookup whose hit is compared for real, so that an unkeyed
/// hash costs nothing but a miss there.
#[inline]
pub(crate) fn recent_slot(s: &str, slots: usize) -> usize {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish().checked_shr(64 - slots.trailing_zeros()).unwrap_or(0) as usize & slots.wrapping_sub(1)
}

/// A text of at most 24 bytes packed into words (little-endian, zero-padded) and its length:
/// compared and hashed without reading memory elsewhere.
type Packed = ([u64; 3], u32);

/// The longest text a [`RecentTexts`] holds, in bytes.
const PACKED_BYTES: usize = 24;

/// Words loaded straight from the text's bytes (a copy into a buffer first would stall the loads).
#[inline(always)]
fn packed(s: &str) -> Option<Packed> {
    let bytes = s.as_bytes();
    let n = bytes.len();
    // The eight bytes from `i` on.
    let at = |i: usize| bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes);
    // The word of the bytes from `i` to the end (1 to 8 of them, in a text of 8 bytes or more):
    // the text's last eight bytes, shifted down past those before `i`.
    let end = |i: usize| at(n - 8) >> ((8 - (n - i)) * 8);
    let words = match n {
        0..8 => [tail(bytes), 0, 0],
        8 => [at(0), 0, 0],
        9..=16 => [at(0), end(8), 0],
        17..=PACKED_BYTES => [at(0), at(8), end(16)],
        _ => return None,
    };
    Some((words, n as u32))
}

/// The bytes of `r` (at most 7; none gives 0) as a little-endian word, by two overlapping loads
/// instead of a loop over the bytes: most texts are shorter than a word, or end in a part of one.
#[inline]
fn tail(r: &[u8]) -> u64 {
    let n = r.len();
    let word = |b: &[u8]| <[u8; 4]>::try_from(b).map_or(0, |b| u64::from(u32::from_le_bytes(b)));
    match (r.get(..4), n.checked_sub(4).and_then(|i| r.get(i..))) {
        // 4 to 7 bytes: the first four and the last four, overlapping.
        (Some(first), Some(last)) => word(first) | word(last) << ((n - 4) * 8),
        // 1 to 3 bytes: the first, middle and last byte (some of them the same byte).
        _ => match (r.first(), r.get(n / 2), r.last()) {
            (Some(&a), Some(&b), Some(&c)) => {
                u64::from(a) | u64::from(b) << (n / 2 * 8) | u64::from(c) << ((n - 1) * 8)
            }
            _ => 0,
        },
    }
}

/// A small direct-mapped table of short texts met lately (most cells of a file repeat a few
/// texts) and a value for each, in front of a map: a hit costs a multiply and four compares of
/// words; texts longer than 24 bytes are never held. The slot is an unkeyed hash, so texts made to
/// share one only miss here and go on to the (keyed) map.
#[derive(Debug, Clone)]
pub(crate) struct RecentTexts<V> {
    /// `slots.len()` is a power of two; empty until the first `put`.
    slots: Vec<([u64; 3], u32, V)>,
    bits: u32,
}

impl<V: Copy + Default> RecentTexts<V> {
    /// A table of `2^bits` slots.
    pub(crate) fn new(bits: u32) -> RecentTexts<V> {
        RecentTexts { slots: Vec::new(), bits: bits.clamp(1, 20) }
    }

    fn slot(&self, (w, len): &Packed) -> usize {
        let h =
            (w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42) ^ u64::from(*len)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - self.bits)) as usize
    }

    /// The value of `s`, if it was put lately.
    #[inline]
    pub(crate) fn get(&self, s: &str) -> Option<V> {
        let p = packed(s)?;
        let (w, len, v) = self.slots.get(self.slot(&p))?;
        // Word by word, in registers: a compare of the whole tuple is made with vector loads of
        // the packed words, which wait for their stores to the stack to be written.
        let differ = (w[0] ^ p.0[0]) | (w[1] ^ p.0[1]) | (w[2] ^ p.0[2]) | u64::from(*len ^ p.1);
        // A slot never put holds length 0: it would answer only for the empty text, never put.
        (differ == 0 && *len != 0).then_some(*v)
    }

    /// Whether no text was put since the table was made.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Remembers `v` for `s` (nothing, for a text longer than 24 bytes or empty).
    pub(crate) fn put(&mut self, s: &str, v: V) {
        let Some(p) = packed(s).filter(|p| p.1 != 0) else { return };
        if self.slots.is_empty() {
            self.slots = vec![([0; 3], 0, V::default()); 1 << self.bits];
        }
        let slot = self.slot(&p);
        if let Some(entry) = self.slots.get_mut(slot) {
            *entry = (p.0, p.1, v);
        }
    }
}

/// Sorts records whose first field is a uniform 64-bit hash (a keyed hash of an id, say): see
/// [`sorted_by_hash`].
pub(crate) fn sort_by_hash<T: Copy + Ord + Default>(v: &mut Vec<T>, hash: impl Fn(&T) -> u64) {
    if v.len() < SMALL_SORT {
        v.sort_unstable();
        return;
    }
    *v = sorted_by_hash(v.len(), v.iter().map(&hash), v.iter().copied(), &hash);
}

/// Fewer records than this are sorted by `sort_unstable`.
const SMALL_SORT: usize = 4096;

/// The `len` records of `records`, whose first field is a uniform 64-bit hash, sorted; `hashes`
/// gives the same records' hashes (`hash` of each) in the same order, `len` of them: the caller
/// sees to that (a check in debug builds). A counting pass over `hashes` on their top 16
/// bits finds where each bucket begins; each record then goes straight into its bucket of the
/// array returned, and each small bucket is sorted (hashes are uniform, so buckets hold a few
/// records each). Records made on the fly (an iterator over rows, say) thus never fill an array
/// of their own before they are sorted. Placing by cycles in place was tried: it saves the second
/// array but its scattered swaps take twice as long.
pub(crate) fn sorted_by_hash<T: Copy + Ord + Default>(
    len: usize,
    hashes: impl Iterator<Item = u64>,
    records: impl Iterator<Item = T>,
    hash: impl Fn(&T) -> u64,
) -> Vec<T> {
    if len < SMALL_SORT {
        let mut v: Vec<T> = records.take(len).collect();
        v.sort_unstable();
        return v;
    }
    let bucket = |h: u64| (h >> 48) as usize;
    let mut starts = vec![0usize; (1 << 16) + 1];
    for h in hashes.take(len) {
        if let Some(n) = starts.get_mut(bucket(h) + 1) {
            *n += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    debug_assert_eq!(starts.last(), Some(&len), "as many hashes as records");
    let mut next = starts.clone();
    let mut out = vec![T::default(); len];
    for t in records.take(len) {
        if let Some(at) = next.get_mut(bucket(hash(&t))) {
            if let Some(slot) = out.get_mut(*at) {
                *slot = t;
            }
            *at += 1;
        }
    }
    debug_assert!(next.iter().zip(starts.iter().skip(1)).all(|(n, s)| n == s), "the hashes of the records");
    for w in starts.windows(2) {
        if let Some(run) = out.get_mut(w[0]..w[1]) {
            run.sort_unstable();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    /// Both sorts order records as `sort_unstable` does: records with one hash many times over,
    /// lengths around the one where the buckets take over, and records made on the fly (as a load
    /// makes them from its rows).
    #[test]
    fn hashes_sort_like_sort_unstable() {
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let all: Vec<(u64, u32)> = (0..10_000u32)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (if i % 100 == 0 { 42 } else { x }, i)
            })
            .collect();
        for n in [0, 1, 100, SMALL_SORT - 1, SMALL_SORT, SMALL_SORT + 1, all.len()] {
            let v = all.get(..n).unwrap_or_default();
            let mut expected = v.to_vec();
            expected.sort_unstable();
            let hashes = v.iter().map(|&(h, _)| h);
            assert_eq!(sorted_by_hash(n, hashes.clone(), hashes.zip(0u32..), |&(h, _)| h), expected, "{n}");
            let mut sorted = v.to_vec();
            sort_by_hash(&mut sorted, |&(h, _)| h);
            assert_eq!(sorted, expected, "{n}");
        }
    }

    proptest::proptest! {
        /// A table of recent texts answers only with the value last put for that very text, whatever
        /// texts share its slot (a table of 2 slots, so that they do): texts around 8, 16 and 24
        /// bytes, with NUL bytes and letters of more than one byte; none longer than 24 bytes is held.
        #[test]
        fn recent_texts_answer_only_for_their_own_text(
            puts in proptest::collection::vec(("(a|\\x00|é){0,13}", 0u32..1000), 0..60),
        ) {
            let mut table = RecentTexts::new(1);
            let mut last: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
            for (text, value) in &puts {
                table.put(text, *value);
                last.insert(text.clone(), *value);
                for (t, v) in &last {
                    if let Some(got) = table.get(t) {
                        proptest::prop_assert_eq!(got, *v, "{:?}", t);
                    }
                }
                let held = table.get(text);
                proptest::prop_assert_eq!(held.is_some(), !text.is_empty() && text.len() <= 24, "{:?}", text);
            }
        }
    }

    proptest::proptest! {
        /// The words of a short text are its bytes in little-endian words, zero-padded, whatever its
        /// length (0 to 24 bytes, so every length of a last partial word).
        #[test]
        fn packed_words_are_the_texts_bytes(text in "[a-zé\\x00-\\x7f]{0,24}") {
            let bytes = text.as_bytes();
            let Some((words, len)) = packed(&text) else {
                proptest::prop_assert!(bytes.len() > PACKED_BYTES);
                return Ok(());
            };
            let mut padded = [0u8; 24];
            padded[..bytes.len()].copy_from_slice(bytes);
            let expected: Vec<u64> =
                padded.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
            proptest::prop_assert_eq!(&words[..], &expected[..]);
            proptest::prop_assert_eq!(len as usize, bytes.len());
        }
    }

    #[test]
    fn crafted_texts_collide_under_fx_but_not_under_the_keyed_hasher() {
        let texts = fx_colliding(500);
        let fx = |s: &str| BuildHasherDefault::<FxHasher>::default().hash_one(s);
        assert!(texts.iter().all(|t| fx(t) == fx(&texts[0])), "the construction collides under FxHash");
        let map: TextMap<&str, ()> = TextMap::default();
        let mut keyed: Vec<u64> = texts.iter().map(|t| map.hasher().hash_one(t.as_str())).collect();
        keyed.sort_unstable();
        keyed.dedup();
        // 500 random 64-bit values: a repeat has a chance of about 1e-14.
        assert_eq!(keyed.len(), texts.len(), "the keyed hasher spreads them");
        // And so do the bucket bits: a few hundred keys in 1024 buckets, none with more than a handful.
        let mut buckets = [0u32; 1024];
        for t in &texts {
            buckets[(map.hasher().hash_one(t.as_str()) % 1024) as usize] += 1;
        }
        assert!(buckets.iter().all(|&b| b <= 12), "max {:?}", buckets.iter().max());
    }
}
