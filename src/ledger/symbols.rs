//! Interned texts: each distinct text of a ledger (or of a batch of rows) once, as a symbol.

use std::sync::Arc;

use crate::entry::Text;
use crate::hash::{FxHashMap, RecentTexts, TextMap};

use super::map_bytes;

/// Interned text values; symbol 0 means "absent".
///
/// Lookups go by the text's address first (a small direct-mapped cache, then a map): readers
/// share one copy of each text per file, so most entries arrive with a pointer seen before.
#[derive(Debug, Clone)]
pub(crate) struct Symbols {
    /// Texts come from files: a keyed hasher (see [`crate::hash`]).
    pub(super) by_text: TextMap<String, u32>,
    /// Addresses are ours.
    by_ptr: FxHashMap<usize, u32>,
    cache: Box<[(usize, u32); CACHE]>,
    /// The canonical copy of each symbol's text (index = symbol - 1).
    pub(super) names: Vec<Text>,
    /// Other copies whose addresses are in `by_ptr`; kept alive so that the addresses stay theirs.
    aliases: Vec<Text>,
    /// Symbols of texts met lately (see [`Symbols::intern_str`]).
    recent: RecentTexts<u32>,
}

const CACHE: usize = 256;
/// The table of recent texts has 2^13 slots (256 KiB). A text touches one cache line whatever the
/// table's size, so a larger table costs little more cache; with 2^12 slots, a thousand texts
/// pushed each other out of shared slots (34,000 misses in the first 100,000 generated entries,
/// against 19,000 here).
const RECENT_BITS: u32 = 13;

impl Default for Symbols {
    fn default() -> Symbols {
        Symbols {
            by_text: TextMap::default(),
            by_ptr: FxHashMap::default(),
            cache: Box::new([(0, 0); CACHE]),
            names: Vec::new(),
            aliases: Vec::new(),
            recent: RecentTexts::new(RECENT_BITS),
        }
    }
}

/// How many non-canonical copies of texts the address map remembers. Readers share one copy of
/// each text per file, so a few thousand cover the texts of many files; entries built one by one
/// bring a copy each, which would only fill the map (each alias is kept alive, so that its address
/// stays its own).
const MAX_ALIASES: usize = 1 << 12;

impl Symbols {
    /// The symbol of `t`, adding it if new.
    #[inline]
    pub(super) fn intern(&mut self, t: &Text) -> u32 {
        let ptr = Arc::as_ptr(t) as usize;
        let slot = (ptr >> 4) % CACHE;
        let (cached, sym) = self.cache[slot];
        if cached == ptr && sym != 0 {
            return sym;
        }
        let sym = self.intern_slow(t, ptr);
        self.cache[slot] = (ptr, sym);
        sym
    }

    fn intern_slow(&mut self, t: &Text, ptr: usize) -> u32 {
        if let Some(&sym) = self.by_ptr.get(&ptr) {
            return sym;
        }
        if let Some(&sym) = self.by_text.get(t.as_str()) {
            if self.aliases.len() < MAX_ALIASES {
                self.aliases.push(t.clone());
                self.by_ptr.insert(ptr, sym);
            }
            return sym;
        }
        self.names.push(t.clone());
        let sym = self.names.len() as u32;
        self.by_text.insert(t.to_string(), sym);
        self.by_ptr.insert(ptr, sym);
        sym
    }

    /// The symbol of a text given by its letters (a cell of a file), adding it if new: first in a
    /// table of recent texts, then in the keyed map.
    #[inline]
    pub(crate) fn intern_str(&mut self, s: &str) -> u32 {
        match self.recent.get(s) {
            Some(sym) => sym,
            None => self.intern_missed(s),
        }
    }

    /// [`Symbols::intern_str`] of each text (0 for none): all are looked up in the table of recent
    /// texts before any is added, so that the lookups, which wait on the memory of their slots,
    /// wait together.
    #[inline]
    pub(crate) fn intern_strs<const N: usize>(&mut self, texts: [Option<&str>; N]) -> [u32; N] {
        let found = texts.map(|t| t.map(|t| (t, self.recent.get(t))));
        found.map(|found| match found {
            Some((_, Some(sym))) => sym,
            Some((t, None)) => self.intern_missed(t),
            None => 0,
        })
    }

    /// [`Symbols::intern_str`] of a text not in the table of recent texts: apart, so that the
    /// lookups that find their text there stay small enough to inline.
    #[inline(never)]
    fn intern_missed(&mut self, s: &str) -> u32 {
        let sym = match self.by_text.get(s) {
            Some(&sym) => sym,
            None => {
                self.names.push(Arc::new(s.to_string()));
                let sym = self.names.len() as u32;
                self.by_text.insert(s.to_string(), sym);
                sym
            }
        };
        self.recent.put(s, sym);
        sym
    }

    /// Frees the table of recent texts (256 KiB), which only [`Symbols::intern_str`] and
    /// [`Symbols::intern_strs`] read: a
    /// batch read from a chunk needs it no more once the chunk is read, and a load keeps every
    /// chunk's batch until the ledger is built.
    pub(super) fn forget_recent(&mut self) {
        self.recent = RecentTexts::new(RECENT_BITS);
    }

    /// Whether the table of recent texts holds none (never used, or forgotten).
    #[cfg(test)]
    pub(super) fn recent_is_empty(&self) -> bool {
        self.recent.is_empty()
    }

    #[inline]
    pub(super) fn intern_opt(&mut self, t: &Option<Text>) -> u32 {
        t.as_ref().map_or(0, |t| self.intern(t))
    }

    /// The symbol of `s`, if any entry has it.
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.by_text.get(s).copied()
    }

    /// The text of a symbol; `None` for 0.
    #[inline]
    pub(super) fn name(&self, sym: u32) -> Option<Text> {
        sym.checked_sub(1).and_then(|i| self.names.get(i as usize)).cloned()
    }

    pub(super) fn heap_bytes(&self) -> usize {
        // An `Arc<String>` is two counts and the `String`, then its bytes.
        let text = |t: &Text| 2 * 8 + std::mem::size_of::<String>() + t.capacity();
        map_bytes(&self.by_text)
            + self.by_text.keys().map(String::capacity).sum::<usize>()
            + map_bytes(&self.by_ptr)
            + std::mem::size_of::<[(usize, u32); CACHE]>()
            + self.names.capacity() * std::mem::size_of::<Text>()
            + self.names.iter().map(text).sum::<usize>()
            + self.aliases.capacity() * std::mem::size_of::<Text>()
            + self.aliases.iter().map(text).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::Symbols;

    /// Texts looked up together get the symbols that one lookup at a time gives: new texts, a text
    /// twice in one call, a text past the table of recent texts' 24 bytes, and none.
    #[test]
    fn texts_interned_together_get_the_symbols_of_one_at_a_time() {
        let long = "a source named at more length than 24 bytes";
        let calls: [[Option<&str>; 4]; 3] = [
            [Some("AZE"), Some("ARM"), Some("AZE"), None],
            [Some(long), Some("ARM"), Some(long), Some("ICRC")],
            [None, Some("ICRC"), Some("AZE"), Some("AZE")],
        ];
        let (mut together, mut alone) = (Symbols::default(), Symbols::default());
        for texts in calls {
            let one_by_one = texts.map(|t| t.map_or(0, |t| alone.intern_str(t)));
            assert_eq!(together.intern_strs(texts), one_by_one, "{texts:?}");
        }
        // Four texts, numbered from 1 in the order they came.
        let named: Vec<&str> = together.names.iter().map(|t| t.as_str()).collect();
        assert_eq!(named, ["AZE", "ARM", long, "ICRC"]);
        assert_eq!(together.intern_strs([Some("ARM"), None]), [2, 0]);
    }
}
