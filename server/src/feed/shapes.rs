//! The feed's cached shapes: what a timeline is made of (entries, each account's
//! newest posts and reposts, the newest and the most engaged posts), posts as every
//! viewer sees them, and first pages as served with the parts they were made of. The
//! caches hold them (`cache.rs`); the timelines and hydration make and read them.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use souq_wire::{Author, PostStats, ProductCard, ViewerState};

use crate::base::cache::Ticket;

/// One timeline entry before its post is loaded: which post, why, and when.
#[derive(sqlx::FromRow, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    /// Who reposted it into this timeline, if that is why it is here.
    pub reposter_id: Option<i64>,
    /// When it entered this timeline: posted, reposted or bookmarked.
    pub activity_at: i64,
}

/// An account's newest live posts and newest reposts (of live posts), newest first.
#[derive(Debug, Default)]
pub struct AuthorTimeline {
    pub(super) posts: Vec<Entry>,
    pub(super) reposts: Vec<Entry>,
}

/// One of the newest posts overall.
#[derive(sqlx::FromRow, Debug, Clone, Copy)]
pub struct RecentPost {
    pub(super) id: i64,
    pub(super) author: i64,
    pub(super) created_at: i64,
}

/// A post among the most engaged of the last 48 hours.
#[derive(sqlx::FromRow, Debug, Clone, Copy)]
pub struct Popular {
    pub(super) id: i64,
    pub(super) author: i64,
    pub(super) created_at: i64,
}

/// The popular posts, and when they were ranked.
pub struct PopularSet {
    pub(super) at: std::time::Instant,
    pub(super) posts: Vec<Popular>,
}

/// Which first pages are kept as served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FirstPage {
    Following,
    Candidates,
}

/// A first page as it was served, and the cached parts it was made of. It is served
/// again, without merging or serializing anything, for as long as each of those parts
/// is still the one cached: any change to any of them (a like, a new post by someone
/// followed, a follow) replaces that part, and the page is made afresh.
pub struct ServedPage {
    pub(super) body: Bytes,
    pub(super) parts: Parts,
}

#[derive(Default)]
pub struct Parts {
    pub(super) follows: Option<Arc<Vec<i64>>>,
    pub(super) timelines: Vec<(i64, Arc<AuthorTimeline>)>,
    pub(super) recent: Option<Arc<Vec<RecentPost>>>,
    pub(super) popular: Option<Arc<PopularSet>>,
    pub(super) posts: Vec<(i64, Arc<StoredPost>)>,
    pub(super) viewer_state: Option<Arc<HashMap<i64, ViewerState>>>,
    /// How reposters are shown is cached without parts: any change there counts.
    pub(super) accounts: Ticket,
}

/// A post as every viewer sees it, deleted ones included (as tombstones for quotes).
#[derive(Debug)]
pub struct StoredPost {
    pub id: i64,
    pub author: Author,
    pub body: String,
    pub hashtags: Vec<String>,
    pub created_at: i64,
    pub deleted: bool,
    pub quote_of: Option<i64>,
    pub stats: PostStats,
    pub images: Vec<i64>,
    pub products: Vec<ProductCard>,
}
