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
        FeedService {
            base: base.clone(),
            cache: base.subscribed(FeedCache::new(cache_bytes)),
        }
    }
}
