//! One bounded in-memory map whose fills lose to invalidations.
//!
//! A reader takes a `ticket` before it reads the database and `fill`s afterwards; if
//! anything was removed in between, the fill is dropped, because what it read may
//! predate that change. Entries older than the store's age limit count as missing.
//! When the newer of two generations is full it becomes the older one and the oldest
//! is dropped: bounded memory at the cost of an approximate LRU.

use std::collections::HashMap;
use std::hash::Hash;

/// Keys are mostly ids: a fast non-cryptographic hash; nothing here faces a chosen key
/// that could not equally be an id.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct Store<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
    max_age: Duration,
}

struct Inner<K, V> {
    newer: Map<K, (V, Instant)>,
    older: Map<K, (V, Instant)>,
    /// Bumped by every removal; a fill with an older ticket is dropped.
    epoch: u64,
}

/// Proof of when a reader started reading the database.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ticket(u64);

impl<K: Eq + Hash + Clone, V: Clone> Store<K, V> {
    pub fn new(capacity: usize, max_age: Duration) -> Self {
        Store {
            inner: Mutex::new(Inner {
                newer: Map::default(),
                older: Map::default(),
                epoch: 0,
            }),
            capacity: capacity.max(1),
            max_age,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        // A panic while holding the lock cannot leave a map half-written in a way that
        // matters to a cache: keep serving.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether each key still holds the value given, by `same`, without cloning any.
    pub fn all_current(&self, items: &[(K, V)], same: impl Fn(&V, &V) -> bool) -> bool {
        let inner = self.lock();
        let now = Instant::now();
        items.iter().all(|(key, value)| {
            inner
                .newer
                .get(key)
                .or_else(|| inner.older.get(key))
                .is_some_and(|(held, at)| {
                    now.duration_since(*at) < self.max_age && same(value, held)
                })
        })
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.lock();
        inner.lookup(key, self.max_age, self.capacity)
    }

    /// The cached values of these keys; missing ones are left out.
    pub fn get_many<'k>(&self, keys: impl IntoIterator<Item = &'k K>) -> HashMap<K, V>
    where
        K: 'k,
    {
        let mut inner = self.lock();
        keys.into_iter()
            .filter_map(|key| {
                inner
                    .lookup(key, self.max_age, self.capacity)
                    .map(|value| (key.clone(), value))
            })
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
        Ticket(self.lock().epoch)
    }

    /// Nothing was removed since the ticket was taken.
    pub fn unchanged_since(&self, ticket: Ticket) -> bool {
        self.lock().epoch == ticket.0
    }

    pub fn fill(&self, ticket: Ticket, key: K, value: V) {
        self.fill_many(ticket, [(key, value)]);
    }

    pub fn fill_many(&self, ticket: Ticket, entries: impl IntoIterator<Item = (K, V)>) {
        let mut inner = self.lock();
        if inner.epoch != ticket.0 {
            return;
        }
        let now = Instant::now();
        for (key, value) in entries {
            inner.insert(key, value, now, self.capacity);
        }
    }

    pub fn remove(&self, key: &K) {
        let mut inner = self.lock();
        inner.epoch = inner.epoch.wrapping_add(1);
        inner.newer.remove(key);
        inner.older.remove(key);
    }

    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch = inner.epoch.wrapping_add(1);
        inner.newer.clear();
        inner.older.clear();
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Inner<K, V> {
    fn lookup(&mut self, key: &K, max_age: Duration, capacity: usize) -> Option<V> {
        if let Some((value, at)) = self.newer.get(key) {
            return (at.elapsed() < max_age).then(|| value.clone());
        }
        // Used again: bring it into the newer generation so it outlives the next turn.
        let (value, at) = self.older.remove(key)?;
        if at.elapsed() >= max_age {
            return None;
        }
        self.insert(key.clone(), value.clone(), at, capacity);
        Some(value)
    }

    fn insert(&mut self, key: K, value: V, at: Instant, capacity: usize) {
        if self.newer.len() >= capacity && !self.newer.contains_key(&key) {
            self.older = std::mem::take(&mut self.newer);
        }
        self.older.remove(&key);
        self.newer.insert(key, (value, at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AGE: Duration = Duration::from_secs(60);

    #[test]
    fn a_fill_that_started_before_a_removal_is_dropped() {
        let store: Store<i64, &str> = Store::new(10, AGE);
        let ticket = store.ticket();
        store.remove(&1);
        store.fill(ticket, 1, "read before the change");
        assert_eq!(store.get(&1), None);
        let ticket = store.ticket();
        store.fill(ticket, 1, "read after the change");
        assert_eq!(store.get(&1), Some("read after the change"));
    }

    #[test]
    fn memory_stays_within_two_generations_and_used_entries_survive() {
        let store: Store<i64, i64> = Store::new(2, AGE);
        let ticket = store.ticket();
        store.fill_many(ticket, [(1, 1), (2, 2)]);
        store.fill(ticket, 3, 3); // 1 and 2 become the older generation
        assert_eq!(store.get(&1), Some(1)); // used: back into the newer one
        store.fill(ticket, 4, 4); // turns again: 2 was not used and is gone
        assert_eq!(store.get(&2), None);
        assert_eq!(store.get(&1), Some(1));
        assert_eq!(store.get(&4), Some(4));
    }

    #[test]
    fn entries_older_than_the_age_limit_are_missing() {
        let store: Store<i64, i64> = Store::new(10, Duration::ZERO);
        store.fill(store.ticket(), 1, 1);
        assert_eq!(store.get(&1), None);
    }
}
