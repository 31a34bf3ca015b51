//! The fold's check of entry ids used twice, in 8 bytes an entry.
//!
//! Each entry keeps an id key: the keyed 64-bit hash of its id, whose low 8 bits are replaced by the
//! number of its file. At the end each thread puts its keys in buckets by their top bits, in place;
//! then the threads take the buckets in turn and sort each bucket of every thread (copied together
//! when it is small enough for a core's cache, else in place and walked side by side) for the keys
//! whose hash part another entry has too. Only the files
//! those keys name are read again (the ids of a file read from a plain reader were kept), for the
//! ids and where they were read, which are then compared for real. A file that no longer holds as
//! many of those entries as it did was changed while it was read: an I/O error, never a wrong
//! answer.

use std::sync::Arc;

use super::{Fold, FxHashSet, Mode, Part, file_of};
use crate::error::Error;
use crate::hash::{FxHashMap, IdKeys};

/// The low bits of an entry's id key name its file (the last code stands for every later file); the
/// high 56 bits are the id's hash.
pub(super) const FILE_BITS: u32 = 8;
pub(super) const FILE_CODE_MAX: u64 = (1 << FILE_BITS) - 1;

/// The code of a file in the low bits of its entries' id keys.
pub(super) fn file_code(file: usize) -> u64 {
    (file as u64).min(FILE_CODE_MAX)
}

/// The id key of an entry: the high bits of the id's hash, then the code of its file. Keys sort by
/// hash first, so the entries whose ids share a hash lie side by side, and each says where to
/// look for it.
pub(super) fn id_key(hash: u64, file: usize) -> u64 {
    (hash & !FILE_CODE_MAX) | file_code(file)
}

/// The hash part of an id key (or of a hash).
pub(super) fn hash_part(key: u64) -> u64 {
    key >> FILE_BITS
}

/// How ids are hashed: keyed (with random seeds), or, in tests, badly on purpose so that
/// ids collide.
#[derive(Debug, Clone)]
pub(crate) enum IdHash {
    Keyed(IdKeys),
    /// Every id of one length has one hash: collisions everywhere.
    #[cfg(test)]
    ByLength,
}

impl IdHash {
    #[inline]
    pub(super) fn hash(&self, id: &str) -> u64 {
        match self {
            // Hashes of its own, never a ledger's: by the bytes, without looking for a number.
            IdHash::Keyed(k) => k.hash_bytes(id.as_bytes()),
            #[cfg(test)]
            IdHash::ByLength => (id.len() as u64) << 32,
        }
    }
}

impl Fold {
    /// The ids of the entries whose keys are `keys` (all the keys whose hash part more than one
    /// entry has), with where they were read, in the order read: taken from those kept, and read
    /// again from the files the keys name. A file read again that no longer holds as many of these
    /// entries as it did has changed since it was read: an error, rather than a wrong answer.
    pub(super) fn ids_with(&self, keys: &[u64]) -> Result<Vec<(u64, Box<str>)>, Error> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: FxHashSet<u64> = keys.iter().map(|&k| hash_part(k)).collect();
        let codes: FxHashSet<u64> = keys.iter().map(|&k| k & FILE_CODE_MAX).collect();
        let mut found: Vec<(u64, Box<str>)> = Vec::new();
        for p in &self.parts {
            found.extend(p.kept.iter().filter(|(_, id)| wanted.contains(&hash_part(self.hash.hash(id)))).cloned());
        }
        // The ids of a file read with its path are not kept: read it again.
        let mode = Arc::new(Mode::Ids(wanted));
        for (f, state) in self.files.iter().enumerate() {
            let Some(path) = state.path.as_ref().filter(|_| codes.contains(&file_code(f))) else { continue };
            let input = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let mut part = Part::new(mode.clone(), self.hash.clone());
            part.file = f as u32;
            // A file that no longer parses gives fewer entries: the count below says it changed.
            let _ = crate::io::read_streaming(
                std::io::BufReader::with_capacity(1 << 20, input),
                &state.name,
                state.format,
                state.role,
                &self.assume,
                self.chunk,
                vec![&mut part],
            );
            found.extend(part.found);
        }
        // As many entries of each hash and file as the first reading saw.
        let mut counts: FxHashMap<u64, i64> = FxHashMap::default();
        for &k in keys {
            *counts.entry(k).or_default() += 1;
        }
        for (at, id) in &found {
            *counts.entry(id_key(self.hash.hash(id), file_of(*at))).or_default() -= 1;
        }
        if let Some((&k, _)) = counts.iter().filter(|(_, n)| **n != 0).min_by_key(|(k, _)| (**k & FILE_CODE_MAX, **k)) {
            let changed =
                self.files.iter().enumerate().find(|(f, s)| file_code(*f) == k & FILE_CODE_MAX && s.path.is_some());
            if let Some((_, state)) = changed {
                let path = state.path.clone().unwrap_or_default();
                let e = std::io::Error::other("the file changed while it was read; read it again once it is written");
                return Err(Error::io(path, e));
            }
        }
        found.sort_unstable_by_key(|(at, _)| *at);
        Ok(found)
    }

    /// Ids used more than once among `found` (where they were read, in that order): for each later
    /// use, its place, its id and the place of the first use.
    pub(super) fn repeated<'f>(found: impl IntoIterator<Item = &'f (u64, Box<str>)>) -> Vec<(u64, Box<str>, u64)> {
        let mut firsts: crate::hash::TextMap<&str, u64> = crate::hash::TextMap::default();
        let mut out = Vec::new();
        for (at, id) in found {
            match firsts.get(&**id) {
                Some(&first) => out.push((*at, id.clone(), first)),
                None => {
                    firsts.insert(id, *at);
                }
            }
        }
        out
    }
}

/// Top bits of a key that choose its bucket: 256 buckets, each of about a 256th of the keys
/// (hash bits spread evenly).
const BUCKET_BITS: u32 = 8;
const BUCKETS: usize = 1 << BUCKET_BITS;

fn bucket(key: u64) -> usize {
    (key >> (64 - BUCKET_BITS)) as usize
}

/// Puts `keys` in the order of their buckets, in place (each bucket's keys in no order): where each
/// bucket starts, then the end.
fn into_buckets(keys: &mut [u64]) -> Vec<usize> {
    let mut starts = vec![0usize; BUCKETS + 1];
    for &k in keys.iter() {
        if let Some(next) = starts.get_mut(bucket(k) + 1) {
            *next += 1;
        }
    }
    for b in 1..starts.len() {
        let before = starts.get(b - 1).copied().unwrap_or(0);
        if let Some(s) = starts.get_mut(b) {
            *s += before;
        }
    }
    // Each bucket filled from its start: a key that is not the bucket's is swapped to the next
    // free place of its own, until the bucket holds only its keys.
    let mut heads: Vec<usize> = starts.iter().take(BUCKETS).copied().collect();
    for b in 0..BUCKETS {
        let end = starts.get(b + 1).copied().unwrap_or(0);
        while let Some(&i) = heads.get(b).filter(|&&i| i < end) {
            let Some(&k) = keys.get(i) else { break };
            let d = bucket(k);
            let Some(j) = heads.get_mut(d) else { break };
            if d != b {
                // Where the key belongs is free, and within the keys (the counts say so).
                if *j >= keys.len() {
                    break;
                }
                keys.swap(i, *j);
            }
            *j += 1;
        }
    }
    starts
}

/// Fewer keys than this are checked on the calling thread: threads would cost more than they save.
const FEW_KEYS: usize = 1 << 16;

/// The most keys of one bucket that are copied together to be sorted: 8 MiB a thread.
const COPIED_KEYS: usize = 1 << 20;

/// The keys of `parts` (one a thread) whose hash part more than one entry has, every one of them,
/// in order. Each part is put in buckets in place ([`into_buckets`]); the threads then take the
/// buckets in turn. The runs
/// of a bucket (one a part) are copied together and sorted, which a core's cache holds; a bucket of
/// more than [`COPIED_KEYS`] keys (many entries of one id, or hundreds of millions of entries) has
/// each run sorted in place instead and the runs walked side by side ([`merged_shared`]), so that
/// the check never takes more than 16 bytes an entry.
pub(super) fn shared_keys(parts: Vec<&mut [u64]>) -> Vec<u64> {
    shared_keys_copying(parts, COPIED_KEYS)
}

/// A bucket's number and its run in each part.
type Bucket<'k> = (usize, Vec<&'k mut [u64]>);

/// [`shared_keys`], copying buckets of at most `copied` keys.
fn shared_keys_copying(mut parts: Vec<&mut [u64]>, copied: usize) -> Vec<u64> {
    let total: usize = parts.iter().map(|keys| keys.len()).sum();
    let threads = if total < FEW_KEYS { 1 } else { crate::threads::available() };
    let starts = crate::threads::map_each_if(threads > 1, parts.iter_mut(), |keys| into_buckets(keys));
    // Each part cut into the runs of its buckets, gathered by bucket.
    let mut by_bucket: Vec<Vec<&mut [u64]>> = (0..BUCKETS).map(|_| Vec::new()).collect();
    for (keys, starts) in parts.into_iter().zip(&starts) {
        let (mut rest, mut at) = (keys, 0usize);
        for (b, runs) in by_bucket.iter_mut().enumerate() {
            let end = starts.get(b + 1).copied().unwrap_or(at).max(at);
            let (run, tail) = rest.split_at_mut((end - at).min(rest.len()));
            runs.push(run);
            (rest, at) = (tail, end);
        }
    }
    let mut shares: Vec<Vec<Bucket<'_>>> = (0..threads).map(|_| Vec::new()).collect();
    for (b, runs) in by_bucket.into_iter().enumerate() {
        if let Some(share) = shares.get_mut(b % threads) {
            share.push((b, runs));
        }
    }
    let found = crate::threads::map_each_if(threads > 1, shares, |share| {
        let mut scratch: Vec<u64> = Vec::new();
        let mut shared: Vec<(usize, Vec<u64>)> = Vec::new();
        for (b, mut runs) in share {
            let keys = if runs.iter().map(|run| run.len()).sum::<usize>() <= copied {
                scratch.clear();
                runs.iter().for_each(|run| scratch.extend_from_slice(run));
                scratch.sort_unstable();
                let repeated = scratch.chunk_by(|x, y| hash_part(*x) == hash_part(*y)).filter(|same| same.len() > 1);
                repeated.flatten().copied().collect()
            } else {
                runs.iter_mut().for_each(|run| run.sort_unstable());
                merged_shared(&runs.iter().map(|run| &**run).collect::<Vec<_>>())
            };
            if !keys.is_empty() {
                shared.push((b, keys));
            }
        }
        shared
    });
    let mut found: Vec<(usize, Vec<u64>)> = found.into_iter().flatten().collect();
    found.sort_unstable_by_key(|(b, _)| *b);
    found.into_iter().flat_map(|(_, keys)| keys).collect()
}

/// The keys of `runs` (each sorted) whose hash part more than one entry has, every one of them, in
/// order: the runs merged as they are walked, keeping only those.
pub(super) fn merged_shared(runs: &[&[u64]]) -> Vec<u64> {
    let mut at = vec![0usize; runs.len()];
    let mut shared = Vec::new();
    // The last key, and whether it is in `shared` already.
    let mut previous: Option<(u64, bool)> = None;
    loop {
        // The smallest key at the head of a run (a handful of runs: one per thread).
        let mut next: Option<(usize, u64)> = None;
        for (k, run) in runs.iter().enumerate() {
            if let Some(&key) = at.get(k).and_then(|&i| run.get(i)) {
                if next.is_none_or(|(_, best)| key < best) {
                    next = Some((k, key));
                }
            }
        }
        let Some((k, key)) = next else { break };
        if let Some(i) = at.get_mut(k) {
            *i += 1;
        }
        let shares = match previous {
            Some((p, pushed)) if hash_part(p) == hash_part(key) => {
                if !pushed {
                    shared.push(p);
                }
                shared.push(key);
                true
            }
            _ => false,
        };
        previous = Some((key, shares));
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    proptest::proptest! {
        /// The threads' keys, put in buckets and sorted bucket by bucket, give exactly the keys
        /// whose hash part more than one key has, as one sorted array of them all would show:
        /// keys in one bucket or many (the top bits), of one hash in one run or in several.
        #[test]
        fn shared_keys_are_those_of_the_merged_runs(
            runs in proptest::collection::vec(proptest::collection::vec((0u64..4, 0u64..6, 0u64..4), 0..30), 0..5),
            copied in 0usize..8,
        ) {
            let mut runs: Vec<Vec<u64>> = runs
                .into_iter()
                .map(|run| run.into_iter().map(|(top, h, f)| (top << 62) | (h << FILE_BITS) | f).collect())
                .collect();
            let mut all: Vec<u64> = runs.concat();
            all.sort_unstable();
            let expected: Vec<u64> = all
                .chunk_by(|a, b| hash_part(*a) == hash_part(*b))
                .filter(|run| run.len() > 1)
                .flatten()
                .copied()
                .collect();
            let mut bucketed = runs.clone();
            let starts: Vec<Vec<usize>> = bucketed.iter_mut().map(|run| into_buckets(run)).collect();
            for (run, starts) in bucketed.iter().zip(&starts) {
                // Each key in its bucket, and no key lost or made up.
                for b in 0..BUCKETS {
                    proptest::prop_assert!(run[starts[b]..starts[b + 1]].iter().all(|&k| bucket(k) == b));
                }
                proptest::prop_assert_eq!(starts[BUCKETS], run.len());
            }
            let mut kept: Vec<u64> = bucketed.concat();
            kept.sort_unstable();
            proptest::prop_assert_eq!(&kept, &all);
            let parts: Vec<&mut [u64]> = runs.iter_mut().map(|r| &mut r[..]).collect();
            // Buckets of up to `copied` keys copied together, larger ones walked in place.
            proptest::prop_assert_eq!(shared_keys_copying(parts, copied), expected.clone());
            // The walk of sorted runs alone, as one array of them all shows.
            let mut sorted = runs.clone();
            sorted.iter_mut().for_each(|r| r.sort_unstable());
            let slices: Vec<&[u64]> = sorted.iter().map(|r| &r[..]).collect();
            proptest::prop_assert_eq!(merged_shared(&slices), expected);
        }
    }

    fn fold_with_collisions(files: &[(&str, &str)], chunk: usize) -> Result<Folded, Error> {
        let mut fold = Fold::group(&Scope::all(), &[Key::Kind]);
        // Every id of one length has one hash: the ids are compared for real.
        fold.id_hash(IdHash::ByLength);
        fold.chunk_size(chunk);
        for (name, text) in files {
            fold.read(text.as_bytes(), name, Format::Csv, Role::Any);
        }
        fold.finish()
    }

    #[test]
    fn colliding_hashes_are_no_duplicate_and_a_duplicate_among_them_is_found() {
        let a = "id,date,kind,quantity,unit,to\nc1,2021-04-07,cargo,145,t,NKR\nc2,2021-04-08,cargo,1,t,NKR\n";
        let b = "id,date,kind,quantity,unit,to\nc3,2021-04-07,cargo,145,t,NKR\nc4,2021-04-08,cargo,1,t,NKR\n";
        for chunk in [1, 5, 1 << 20] {
            let folded = fold_with_collisions(&[("a.csv", a), ("b.csv", b)], chunk).unwrap();
            assert_eq!(folded.entries(), 4, "no false report among four ids of one hash");
            let again = b.replace("c4", "c1");
            let err = fold_with_collisions(&[("a.csv", a), ("b.csv", &again)], chunk).unwrap_err();
            assert_eq!(
                err.to_string(),
                r#"b.csv: line 3, field id: "c1" is already used at a.csv: line 2; ids must be unique"#
            );
        }
    }

    #[test]
    fn colliding_hashes_are_read_again_from_files_read_by_path() {
        let dir = Dir::new("stream-unit");
        let a = dir.file("a.csv", &format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR\nc2,2021-04-08,cargo,1,t,NKR\n"));
        let b = dir.file("b.csv", &format!("{HEADER}c3,2021-04-07,cargo,145,t,NKR\nc2,2021-04-09,cargo,1,t,NKR\n"));
        let fold = colliding_fold(&[&a, &b]);
        assert!(fold.parts.iter().all(|p| p.kept.is_empty()), "ids of files read by path are not kept");
        let err = fold.finish().unwrap_err().to_string();
        let expected = format!(
            "{}: line 3, field id: \"c2\" is already used at {}: line 3; ids must be unique",
            b.display(),
            a.display()
        );
        assert_eq!(err, expected);
    }

    /// Files written in a directory of their own for one test, removed at its end.
    struct Dir(std::path::PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir().join(format!("relief-ledger-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }

        fn file(&self, name: &str, text: &str) -> std::path::PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const HEADER: &str = "id,date,kind,quantity,unit,to\n";

    fn colliding_fold(paths: &[&std::path::Path]) -> Fold {
        let mut fold = Fold::group(&Scope::all(), &[]);
        fold.id_hash(IdHash::ByLength);
        for p in paths {
            fold.read_path(p, Role::Any);
        }
        fold
    }

    /// Only the files that hold entries of a shared hash are read again: a third file, gone by the
    /// end, is not opened (its ids have other hashes).
    #[test]
    fn only_the_files_of_shared_hashes_are_read_again() {
        let dir = Dir::new("stream-only-those");
        let a = dir.file("a.csv", &format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR\n"));
        let b = dir.file("b.csv", &format!("{HEADER}c1,2021-04-08,cargo,1,t,NKR\n"));
        let c = dir.file("c.csv", &format!("{HEADER}long-id-1,2021-04-08,cargo,1,t,NKR\n"));
        let fold = colliding_fold(&[&a, &b, &c]);
        std::fs::remove_file(&c).unwrap();
        let err = fold.finish().unwrap_err().to_string();
        assert!(!err.contains("c.csv"), "{err}");
        assert!(err.contains(r#""c1" is already used at"#), "{err}");
    }

    /// A file that changed between its reading and the end of the fold is named, rather than a
    /// duplicate missed (an id replaced) or one reported that was never read (an entry added).
    #[test]
    fn a_file_changed_while_it_was_read_is_an_error() {
        let dir = Dir::new("stream-changed");
        let a_text = format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR\n");
        let b_text = format!("{HEADER}c1,2021-04-08,cargo,1,t,NKR\n");
        for (changed, label) in [
            // Another length is another hash here, as another id is with the keyed hash.
            (format!("{HEADER}c19,2021-04-07,cargo,145,t,NKR\n"), "an id replaced"),
            (format!("{a_text}c2,2021-04-09,cargo,1,t,NKR\n"), "an entry added"),
            (HEADER.to_string(), "an entry removed"),
        ] {
            let a = dir.file("a.csv", &a_text);
            let b = dir.file("b.csv", &b_text);
            let fold = colliding_fold(&[&a, &b]);
            std::fs::write(&a, &changed).unwrap();
            let err = fold.finish().unwrap_err();
            assert!(err.is_io(), "{label}: {err}");
            assert_eq!(err.to_string(), format!("{}: could not read the file", a.display()), "{label}");
            let reason = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
            assert!(reason.contains("changed while it was read"), "{label}: {reason}");
        }
    }

    /// A refused file read by path lists the ids used twice within it with its other problems; JSON
    /// Lines files read by path are read again as CSV files are; a reader before two paths.
    #[test]
    fn colliding_hashes_in_refused_files_json_lines_and_three_files() {
        let dir = Dir::new("stream-three");
        let refused = dir.file(
            "refused.csv",
            &format!(
                "{HEADER}c1,2021-04-07,cargo,145,t,NKR\nc2,2021-04-07,cargo,-1,t,NKR\nc1,2021-04-08,cargo,1,t,NKR\n"
            ),
        );
        let err = colliding_fold(&[&refused]).finish().unwrap_err().to_string();
        assert!(err.contains("quantity"), "{err}");
        assert!(
            err.contains(&format!("line 4, field id: \"c1\" is already used at {}: line 2", refused.display())),
            "{err}"
        );

        let lines = dir.file(
            "b.jsonl",
            concat!(
                r#"{"id":"c2","date":"2021-04-07","kind":"cargo","quantity":"145","unit":"t","to":"NKR"}"#,
                "\n",
                r#"{"id":"c3","date":"2021-04-08","kind":"cargo","quantity":"5","unit":"t","to":"NKR"}"#,
                "\n"
            ),
        );
        let c = dir.file("c.csv", &format!("{HEADER}c4,2021-04-07,cargo,145,t,NKR\nc3,2021-04-09,cargo,1,t,NKR\n"));
        let mut fold = Fold::group(&Scope::all(), &[]);
        fold.id_hash(IdHash::ByLength);
        fold.read(format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR\n").as_bytes(), "a.csv", Format::Csv, Role::Any);
        fold.read_path(&lines, Role::Any);
        fold.read_path(&c, Role::Any);
        let err = fold.finish().unwrap_err().to_string();
        let expected = format!(
            "{}: line 3, field id: \"c3\" is already used at {}: line 2; ids must be unique",
            c.display(),
            lines.display()
        );
        assert_eq!(err, expected);
    }

    /// A file read by path and one read from a plain reader: the ids of the one are read again, those
    /// of the other were kept, and a duplicate between them is found, named where each was read.
    #[test]
    fn colliding_hashes_across_a_path_and_a_reader() {
        let dir = Dir::new("stream-mixed");
        let a = dir.file("a.csv", &format!("{HEADER}c1,2021-04-07,cargo,145,t,NKR\nc2,2021-04-08,cargo,1,t,NKR\n"));
        let b = format!("{HEADER}c3,2021-04-07,cargo,145,t,NKR\nc4,2021-04-09,cargo,1,t,NKR\n");
        let fold_both = |b: &str| {
            let mut fold = colliding_fold(&[&a]);
            fold.read(b.as_bytes(), "b.csv", Format::Csv, Role::Any);
            fold.finish()
        };
        assert_eq!(fold_both(&b).unwrap().entries(), 4, "four ids of one hash, none used twice");
        let err = fold_both(&b.replace("c4", "c1")).unwrap_err().to_string();
        let expected =
            format!("b.csv: line 3, field id: \"c1\" is already used at {}: line 2; ids must be unique", a.display());
        assert_eq!(err, expected);
    }
}
