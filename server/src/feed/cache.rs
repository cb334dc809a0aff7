//! What the feed keeps in memory: posts as everyone sees them, how accounts are shown
//! when they repost, each account's newest posts and reposts, whom each viewer follows
//! and what they did to posts, the newest posts overall, the popular set, and first
//! pages as served. All of it within one budget of bytes, split among the stores by
//! what each is for; each entry weighs what its strings and lists hold.

use std::collections::HashMap;
use std::sync::Arc;

use souq_wire::{Author, ProductCard, ViewerState};

use super::shapes::{AuthorTimeline, FirstPage, PopularSet, RecentPost, ServedPage, StoredPost};
use crate::base::cache::{Change, Forget, MAX_AGE, Store, Weigh, vec_bytes};

pub struct FeedCache {
    pub posts: Store<i64, Arc<StoredPost>>,
    /// How each account is shown when it reposts.
    pub accounts: Store<i64, Author>,
    pub timelines: Store<i64, Arc<AuthorTimeline>>,
    pub follows: Store<i64, Arc<Vec<i64>>>,
    /// What each viewer did to the posts they were last shown.
    pub viewer_state: Store<i64, Arc<HashMap<i64, ViewerState>>>,
    pub recent: Store<(), Arc<Vec<RecentPost>>>,
    pub popular: Store<(), Arc<PopularSet>>,
    /// Held by the one request ranking the popular set again.
    pub popular_ranking: tokio::sync::Mutex<()>,
    /// First pages as served, by viewer and timeline (only at the app's page size).
    pub pages: Store<(i64, FirstPage), Arc<ServedPage>>,
}

/// Parts of `total` in hundredths.
fn share(total: u64, percent: u64) -> u64 {
    total / 100 * percent
}

impl FeedCache {
    pub fn new(max_bytes: u64) -> FeedCache {
        FeedCache {
            posts: Store::new(share(max_bytes, 35), MAX_AGE),
            accounts: Store::new(share(max_bytes, 5), MAX_AGE),
            timelines: Store::new(share(max_bytes, 15), MAX_AGE),
            follows: Store::new(share(max_bytes, 10), MAX_AGE),
            viewer_state: Store::new(share(max_bytes, 10), MAX_AGE),
            recent: Store::new(share(max_bytes, 1), MAX_AGE),
            popular: Store::new(share(max_bytes, 1), MAX_AGE),
            popular_ranking: tokio::sync::Mutex::new(()),
            pages: Store::new(share(max_bytes, 23), MAX_AGE),
        }
    }

    pub fn weighed_bytes(&self) -> u64 {
        self.posts.weighed_bytes()
            + self.accounts.weighed_bytes()
            + self.timelines.weighed_bytes()
            + self.follows.weighed_bytes()
            + self.viewer_state.weighed_bytes()
            + self.recent.weighed_bytes()
            + self.popular.weighed_bytes()
            + self.pages.weighed_bytes()
    }

    fn clear(&self) {
        self.posts.clear();
        self.accounts.clear();
        self.timelines.clear();
        self.follows.clear();
        self.viewer_state.clear();
        self.recent.clear();
        self.popular.clear();
        self.pages.clear();
    }
}

impl Forget for FeedCache {
    fn forget(&self, change: &Change) {
        match change {
            Change::SignedOut(_) | Change::Drop(_) | Change::Stock(_) | Change::Inbox(_) => {}
            Change::Post(id) => self.posts.remove(id),
            Change::Author(id) => {
                self.timelines.remove(id);
                self.recent.clear();
            }
            Change::Viewer(id) => {
                self.follows.remove(id);
                self.viewer_state.remove(id);
            }
            // Posts show a store's product cards, and reposts how its account is shown.
            Change::Catalog(_) => {
                self.posts.clear();
                self.accounts.clear();
                self.pages.clear();
            }
            Change::Everything => self.clear(),
        }
    }
}

impl Weigh for Author {
    fn weigh(&self) -> usize {
        self.handle.capacity() + self.display_name.capacity()
    }
}

impl Weigh for ProductCard {
    fn weigh(&self) -> usize {
        std::mem::size_of::<ProductCard>()
            + self.title.capacity()
            + self.store_name.capacity()
            + self.category.capacity()
            + self.price.currency.capacity()
    }
}

impl Weigh for StoredPost {
    fn weigh(&self) -> usize {
        self.author.weigh()
            + self.body.capacity()
            + self
                .hashtags
                .iter()
                .map(|t| std::mem::size_of::<String>() + t.capacity())
                .sum::<usize>()
            + vec_bytes(&self.images)
            + self.products.iter().map(Weigh::weigh).sum::<usize>()
    }
}

impl Weigh for AuthorTimeline {
    fn weigh(&self) -> usize {
        vec_bytes(&self.posts) + vec_bytes(&self.reposts)
    }
}

impl Weigh for HashMap<i64, ViewerState> {
    fn weigh(&self) -> usize {
        // A hash map's slots, with their control bytes.
        self.capacity() * (std::mem::size_of::<(i64, ViewerState)>() + 1)
    }
}

impl Weigh for Vec<RecentPost> {
    fn weigh(&self) -> usize {
        vec_bytes(self)
    }
}

impl Weigh for PopularSet {
    fn weigh(&self) -> usize {
        vec_bytes(&self.posts)
    }
}

impl Weigh for ServedPage {
    fn weigh(&self) -> usize {
        // The body; the parts are shared with the stores they came from, and only
        // their handles (Arcs and ids) are this page's own.
        self.body.len() + self.parts.handles_bytes()
    }
}
