//! The line each record of a file starts on, kept as runs of consecutive lines.

/// The line of each record of a file, in order, kept as runs: a record on the line after the
/// record before it costs nothing, so a file of one record a line takes one run, not eight bytes
/// a record. Blank lines, values over several lines and records that share a line start new runs:
/// a file whose every record starts one (a blank line after each record, a value over two lines in
/// each, a JSON document with its records on one line or each over several lines) takes 16 bytes a
/// record, twice what a plain list of lines would.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lines {
    /// Each run's first record (its index) and that record's line; the run's later records are on
    /// the lines after it. The indices grow.
    runs: Vec<(usize, u64)>,
    len: usize,
}

impl Lines {
    /// The number of records.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds the next record's line.
    #[inline]
    pub(crate) fn push(&mut self, line: u64) {
        let next = self.runs.last().map(|&(first, at)| at.saturating_add((self.len - first) as u64));
        if next != Some(line) {
            self.runs.push((self.len, line));
        }
        self.len += 1;
    }

    /// The line of record `i`.
    pub(crate) fn get(&self, i: usize) -> Option<u64> {
        if i >= self.len {
            return None;
        }
        let run = self.runs.partition_point(|&(first, _)| first <= i).checked_sub(1)?;
        self.runs.get(run).map(|&(first, at)| at.saturating_add((i - first) as u64))
    }

    /// The lines of `other`'s records, after these.
    pub(crate) fn append(&mut self, other: &Lines) {
        for (at, count) in other.spans() {
            // The run's first record, which goes on with the last run here when its line follows
            // on, then the rest of the run.
            self.push(at);
            self.len += count.saturating_sub(1);
        }
    }

    /// The lines of the records, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.spans().flat_map(|(at, count)| (0..count as u64).map(move |k| at.saturating_add(k)))
    }

    /// Each run's first line and how many records it holds.
    fn spans(&self) -> impl Iterator<Item = (u64, usize)> + '_ {
        self.runs.iter().enumerate().map(|(i, &(first, at))| {
            let end = self.runs.get(i + 1).map_or(self.len, |&(next, _)| next);
            (at, end - first)
        })
    }
}

impl FromIterator<u64> for Lines {
    fn from_iter<I: IntoIterator<Item = u64>>(lines: I) -> Lines {
        let mut out = Lines::default();
        out.extend(lines);
        out
    }
}

impl Extend<u64> for Lines {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, lines: I) {
        for line in lines {
            self.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the lines (runs, gaps, the same line twice, lines going back), the lines given
        /// back are the lines pushed, one by one and all together, and appending two gives the
        /// lines of both in turn.
        #[test]
        fn give_back_the_lines_pushed(
            a in proptest::collection::vec((0u64..3, 0u64..4), 0..60),
            b in proptest::collection::vec((0u64..3, 0u64..4), 0..60),
        ) {
            // Mostly the next line, some gaps, some repeats, some steps back.
            let walk = |steps: &[(u64, u64)], start: u64| -> Vec<u64> {
                let mut line = start;
                steps.iter().map(|&(kind, n)| {
                    line = match kind { 0 => line + 1, 1 => line + n, _ => line.saturating_sub(n) };
                    line
                }).collect()
            };
            let (a, b) = (walk(&a, 1), walk(&b, 0));
            let lines: Lines = a.iter().copied().collect();
            proptest::prop_assert_eq!(lines.len(), a.len());
            proptest::prop_assert_eq!(lines.iter().collect::<Vec<_>>(), a.clone());
            for (i, &line) in a.iter().enumerate() {
                proptest::prop_assert_eq!(lines.get(i), Some(line));
            }
            proptest::prop_assert_eq!(lines.get(a.len()), None);
            let mut both = lines.clone();
            both.append(&b.iter().copied().collect());
            let expected: Vec<u64> = a.iter().chain(&b).copied().collect();
            proptest::prop_assert_eq!(both.iter().collect::<Vec<_>>(), expected.clone());
            proptest::prop_assert_eq!(&both, &expected.iter().copied().collect::<Lines>());
        }
    }

    /// A file of one record a line takes one run, however long.
    #[test]
    fn one_record_a_line_is_one_run() {
        let lines: Lines = (2..100_002).collect();
        assert_eq!(lines.runs.len(), 1);
        assert_eq!(lines.get(99_999), Some(100_001));
        let mut halves: Lines = (2..50_002).collect();
        halves.append(&(50_002..100_002).collect());
        assert_eq!(halves, lines);
    }
}
