//! One bounded in-memory map whose fills lose to invalidations, bounded by the bytes its
//! entries weigh (keys, values and the map's own bookkeeping).
//!
//! A reader takes a `ticket` before it reads the database and `fill`s afterwards; if
//! anything was removed in between, the fill is dropped, because what it read may
//! predate that change. Entries older than the store's age limit count as missing.
//! When the newer of two generations holds half the budget it becomes the older one
//! and the oldest is dropped: bounded memory at the cost of an approximate LRU.
//!
//! Why not moka: measured in `cargo xtask bench`, checking a served first page (one
//! look-up per followed account's timeline and per post, ~170 a request) through moka
//! cut the Following first page from ~57,000 to ~14,000 requests/s. Here the whole check
//! takes one lock and plain map look-ups.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Keys are mostly ids: a fast non-cryptographic hash; nothing here faces a chosen key
/// that could not equally be an id.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// What an entry costs in memory, in bytes: a fair estimate that does not undercount.
pub trait Weigh {
    fn weigh(&self) -> usize;
}

/// What a map slot and its bookkeeping (the time, the weight) cost besides the key and
/// the value themselves.
const ENTRY_OVERHEAD_BYTES: usize = 64;

pub struct Store<K, V> {
    inner: Mutex<Inner<K, V>>,
    /// What each generation may hold; the two together hold at most twice this.
    generation_bytes: usize,
    max_age: Duration,
}

struct Entry<V> {
    value: V,
    at: Instant,
    bytes: usize,
}

struct Generation<K, V> {
    map: Map<K, Entry<V>>,
    bytes: usize,
}

impl<K: Eq + Hash, V> Generation<K, V> {
    fn new() -> Self {
        Generation {
            map: Map::default(),
            bytes: 0,
        }
    }

    fn remove(&mut self, key: &K) -> Option<Entry<V>> {
        let entry = self.map.remove(key)?;
        self.bytes = self.bytes.saturating_sub(entry.bytes);
        Some(entry)
    }
}

struct Inner<K, V> {
    newer: Generation<K, V>,
    older: Generation<K, V>,
    /// Bumped by every removal; a fill with an older ticket is dropped.
    epoch: u64,
}

/// Proof of when a reader started reading the database.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ticket(u64);

fn weight_of<K, V: Weigh>(value: &V) -> usize {
    std::mem::size_of::<K>()
        + std::mem::size_of::<Entry<V>>()
        + value.weigh()
        + ENTRY_OVERHEAD_BYTES
}

impl<K: Eq + Hash + Clone, V: Clone + Weigh> Store<K, V> {
    /// A store holding at most `max_bytes` of entries, each for at most `max_age`.
    pub fn new(max_bytes: u64, max_age: Duration) -> Self {
        Store {
            inner: Mutex::new(Inner {
                newer: Generation::new(),
                older: Generation::new(),
                epoch: 0,
            }),
            generation_bytes: usize::try_from(max_bytes / 2).unwrap_or(usize::MAX).max(1),
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
                .map
                .get(key)
                .or_else(|| inner.older.map.get(key))
                .is_some_and(|held| {
                    now.duration_since(held.at) < self.max_age && same(value, &held.value)
                })
        })
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.lock();
        inner.lookup(key, self.max_age, self.generation_bytes)
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
                    .lookup(key, self.max_age, self.generation_bytes)
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
            let bytes = weight_of::<K, V>(&value);
            inner.insert(
                key,
                Entry {
                    value,
                    at: now,
                    bytes,
                },
                self.generation_bytes,
            );
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
        inner.newer = Generation::new();
        inner.older = Generation::new();
    }

    /// The bytes the store holds now.
    pub fn weighed_bytes(&self) -> u64 {
        let inner = self.lock();
        u64::try_from(inner.newer.bytes + inner.older.bytes).unwrap_or(u64::MAX)
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Inner<K, V> {
    fn lookup(&mut self, key: &K, max_age: Duration, generation_bytes: usize) -> Option<V> {
        if let Some(entry) = self.newer.map.get(key) {
            return (entry.at.elapsed() < max_age).then(|| entry.value.clone());
        }
        // Used again: bring it into the newer generation so it outlives the next turn.
        let entry = self.older.remove(key)?;
        if entry.at.elapsed() >= max_age {
            return None;
        }
        let value = entry.value.clone();
        self.insert(key.clone(), entry, generation_bytes);
        Some(value)
    }

    fn insert(&mut self, key: K, entry: Entry<V>, generation_bytes: usize) {
        // One entry bigger than a whole generation is not kept at all.
        if entry.bytes > generation_bytes {
            self.newer.remove(&key);
            self.older.remove(&key);
            return;
        }
        self.newer.remove(&key);
        self.older.remove(&key);
        if self.newer.bytes + entry.bytes > generation_bytes {
            self.older = std::mem::replace(&mut self.newer, Generation::new());
        }
        self.newer.bytes += entry.bytes;
        self.newer.map.insert(key, entry);
    }
}

impl<T: Weigh> Weigh for std::sync::Arc<T> {
    fn weigh(&self) -> usize {
        std::mem::size_of::<T>() + T::weigh(self)
    }
}

/// What a list of plain values holds (`Copy` items own nothing beyond themselves).
#[allow(clippy::ptr_arg)] // the capacity is what is held, and only a Vec has one
pub fn vec_bytes<T: Copy>(items: &Vec<T>) -> usize {
    items.capacity() * std::mem::size_of::<T>()
}

impl Weigh for Vec<i64> {
    fn weigh(&self) -> usize {
        vec_bytes(self)
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
        let store: Store<i64, Blob> = Store::new(1 << 20, Duration::ZERO);
        store.fill(store.ticket(), 1, Blob(1));
        assert_eq!(store.get(&1), None);
    }

    #[test]
    fn used_entries_survive_a_turn_of_the_generations() {
        // Room for two entries of 1,000 bytes (and their bookkeeping) a generation.
        let store: Store<i64, Blob> = Store::new(2 * 2 * 1_300, AGE);
        let ticket = store.ticket();
        store.fill_many(ticket, [(1, Blob(1_000)), (2, Blob(1_000))]);
        store.fill(ticket, 3, Blob(1_000)); // 1 and 2 become the older generation
        assert_eq!(store.get(&1), Some(Blob(1_000))); // used: back into the newer one
        store.fill(ticket, 4, Blob(1_000)); // turns again: 2 was not used and is gone
        assert_eq!(store.get(&2), None);
        assert_eq!(store.get(&1), Some(Blob(1_000)));
        assert_eq!(store.get(&4), Some(Blob(1_000)));
    }
}
