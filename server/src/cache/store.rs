//! One bounded in-memory map whose fills lose to invalidations, on moka: bounded by the
//! bytes its entries weigh (keys, values and moka's own bookkeeping), entries living at
//! most the store's age limit, least-used ones evicted first.
//!
//! A reader takes a `ticket` before it reads the database and `fill`s afterwards; if
//! anything was removed in between, the fill is dropped, because what it read may
//! predate that change. Fills and removals take turns under one lock, so a removal can
//! never slip between a fill's check and its insert; reads take no lock.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// What an entry costs in memory, in bytes: a fair estimate that does not undercount.
pub trait Weigh {
    fn weigh(&self) -> usize;
}

/// What moka and its maps keep for each entry besides the key and value themselves.
const ENTRY_OVERHEAD_BYTES: usize = 160;

pub struct Store<K, V> {
    map: moka::sync::Cache<K, V, foldhash::fast::RandomState>,
    /// Bumped by every removal; a fill with an older ticket is dropped.
    epoch: Mutex<u64>,
}

/// Proof of when a reader started reading the database.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ticket(u64);

impl<K, V> Store<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Weigh + Send + Sync + 'static,
{
    /// A store holding at most `max_bytes` of entries, each for at most `max_age`.
    pub fn new(max_bytes: u64, max_age: Duration) -> Self {
        let map = moka::sync::Cache::builder()
            .max_capacity(max_bytes.max(1))
            .weigher(|_key: &K, value: &V| {
                let bytes = std::mem::size_of::<K>() + value.weigh() + ENTRY_OVERHEAD_BYTES;
                u32::try_from(bytes).unwrap_or(u32::MAX)
            })
            .time_to_live(max_age)
            .build_with_hasher(foldhash::fast::RandomState::default());
        Store {
            map,
            epoch: Mutex::new(0),
        }
    }

    fn epoch(&self) -> MutexGuard<'_, u64> {
        // A panic while holding the lock cannot leave the counter half-written.
        self.epoch
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether each key still holds the value given, by `same`.
    pub fn all_current(&self, items: &[(K, V)], same: impl Fn(&V, &V) -> bool) -> bool {
        items
            .iter()
            .all(|(key, value)| self.map.get(key).is_some_and(|held| same(value, &held)))
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.map.get(key)
    }

    /// The cached values of these keys; missing ones are left out.
    pub fn get_many<'k>(&self, keys: impl IntoIterator<Item = &'k K>) -> HashMap<K, V>
    where
        K: 'k,
    {
        keys.into_iter()
            .filter_map(|key| self.map.get(key).map(|value| (key.clone(), value)))
            .collect()
    }

    /// The values of these keys: what is cached, and what is not from `load` (given
    /// each missing key once), which is then kept unless a change came meanwhile.
    pub async fn get_or_load<E, F, Fut>(&self, keys: &[K], load: F) -> Result<HashMap<K, V>, E>
    where
        F: FnOnce(Vec<K>) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<(K, V)>, E>>,
    {
        let mut found = self.get_many(keys);
        let mut missing: Vec<K> = Vec::new();
        for key in keys {
            if !found.contains_key(key) && !missing.contains(key) {
                missing.push(key.clone());
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let ticket = self.ticket();
        let loaded = load(missing).await?;
        self.fill_many(ticket, loaded.iter().cloned());
        found.extend(loaded);
        Ok(found)
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(*self.epoch())
    }

    /// Nothing was removed since the ticket was taken.
    pub fn unchanged_since(&self, ticket: Ticket) -> bool {
        *self.epoch() == ticket.0
    }

    pub fn fill(&self, ticket: Ticket, key: K, value: V) {
        self.fill_many(ticket, [(key, value)]);
    }

    pub fn fill_many(&self, ticket: Ticket, entries: impl IntoIterator<Item = (K, V)>) {
        let epoch = self.epoch();
        if *epoch != ticket.0 {
            return;
        }
        for (key, value) in entries {
            self.map.insert(key, value);
        }
    }

    pub fn remove(&self, key: &K) {
        let mut epoch = self.epoch();
        *epoch = epoch.wrapping_add(1);
        self.map.invalidate(key);
    }

    pub fn clear(&self) {
        let mut epoch = self.epoch();
        *epoch = epoch.wrapping_add(1);
        self.map.invalidate_all();
    }

    /// The bytes held now, once moka has applied what it had pending (evictions among
    /// them): for tests and figures, not for the hot path.
    pub fn weighed_bytes(&self) -> u64 {
        self.map.run_pending_tasks();
        self.map.weighted_size()
    }
}

impl Weigh for () {
    fn weigh(&self) -> usize {
        0
    }
}

impl<T: Weigh> Weigh for std::sync::Arc<T> {
    fn weigh(&self) -> usize {
        std::mem::size_of::<T>() + T::weigh(self)
    }
}

impl Weigh for Vec<i64> {
    fn weigh(&self) -> usize {
        self.capacity() * std::mem::size_of::<i64>()
    }
}

impl Weigh for String {
    fn weigh(&self) -> usize {
        self.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AGE: Duration = Duration::from_secs(60);

    #[derive(Clone, Debug, PartialEq)]
    struct Blob(usize);

    impl Weigh for Blob {
        fn weigh(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn a_fill_that_started_before_a_removal_is_dropped() {
        let store: Store<i64, Blob> = Store::new(1 << 20, AGE);
        let ticket = store.ticket();
        store.remove(&1);
        store.fill(ticket, 1, Blob(1));
        assert_eq!(store.get(&1), None);
        let ticket = store.ticket();
        store.fill(ticket, 1, Blob(2));
        assert_eq!(store.get(&1), Some(Blob(2)));
    }

    #[test]
    fn the_bytes_held_stay_within_the_bound() {
        let store: Store<i64, Blob> = Store::new(100_000, AGE);
        for i in 0..1_000 {
            store.fill(store.ticket(), i, Blob(1_000));
        }
        let held = store.weighed_bytes();
        assert!(held <= 100_000, "{held} bytes held");
        assert!(held > 50_000, "the store keeps what fits: {held}");
    }

    #[test]
    fn entries_older_than_the_age_limit_are_missing() {
        let store: Store<i64, Blob> = Store::new(1 << 20, Duration::from_millis(1));
        store.fill(store.ticket(), 1, Blob(1));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(store.get(&1), None);
    }
}
