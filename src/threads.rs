//! Work spread over threads: how many to use, and a map whose items each run on a thread of their own.

/// How many threads the readers and the ledger use: the machine's cores, from 1 to 8.
pub(crate) fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// `f` of each item, each on a scoped thread of its own, the results in the order of the items. A
/// panic in `f` goes on in the caller, as if `f` had run there.
pub(crate) fn map_each<T: Send, R: Send>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items.into_iter().map(|item| s.spawn(move || f(item))).collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// [`map_each`] when `parallel`; otherwise `f` of each item in turn on the calling thread (for
/// little work, which threads would cost more than they save).
pub(crate) fn map_each_if<T: Send, R: Send>(
    parallel: bool,
    items: impl IntoIterator<Item = T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if parallel { map_each(items, f) } else { items.into_iter().map(f).collect() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_order_of_the_items() {
        let squares = super::map_each((1..=20u64).collect::<Vec<_>>(), |n| {
            // Later items finish first.
            std::thread::sleep(std::time::Duration::from_millis(21 - n));
            n * n
        });
        assert_eq!(squares, (1..=20u64).map(|n| n * n).collect::<Vec<_>>());
    }
}
