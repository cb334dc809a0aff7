//! The feed at run time: what it keeps in memory, subscribed to every change.

use std::sync::Arc;

use super::cache::FeedCache;
use crate::base::Base;

/// The feed at run time: what it keeps in memory, which hears of every change.
#[derive(Clone)]
pub struct FeedService {
    pub base: Base,
    pub cache: Arc<FeedCache>,
}

impl FeedService {
    /// `cache_bytes`: what the feed's caches may hold together.
    pub fn start(base: &Base, cache_bytes: u64) -> FeedService {
        let cache = Arc::new(FeedCache::new(cache_bytes));
        let weak_cache = Arc::downgrade(&cache);
        let heard: std::sync::Weak<dyn crate::base::cache::Forget> = weak_cache;
        base.subscribe(heard);
        FeedService {
            base: base.clone(),
            cache,
        }
    }
}
