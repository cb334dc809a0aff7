//! Turns timeline entries into wire posts: each post as everyone sees it (author, text,
//! images, products, counts; cached per post), its quoted post, who reposted it, and
//! what the viewer did to it (cached per viewer). A page costs no query when all of it
//! is cached, and one query per kind of thing missing when not.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use souq_wire::{Author, Post, PostStats, QuotedPost, ViewerState};

use super::service::FeedService;
use super::shapes::{Entry, StoredPost};
use crate::accounts::shown::{self, ShownStore, shown_as};
use crate::base::db::{Db, from_ms, placeholders};
use crate::base::error::ApiError;
use crate::stores::cards::products_of_posts;

/// The columns every post query selects; it must join `users u` on the author and
/// `stores s` (left) on the post's store, as `AUTHOR_JOINS` does.
const POST_COLUMNS: &str = "p.id, p.body, p.created_at, p.deleted_at, p.quote_of, \
     p.like_count, p.repost_count, p.quote_count, p.bookmark_count, p.share_count, \
     u.id AS user_id, u.handle AS user_handle, u.display_name AS user_name, \
     s.id AS store_id, s.name AS store_name, s.is_nonprofit AS store_is_nonprofit, \
     s.avatar_media_id AS store_avatar";

const AUTHOR_JOINS: &str =
    "JOIN users u ON u.id = p.author_id LEFT JOIN stores s ON s.id = p.store_id";

#[derive(sqlx::FromRow, Debug)]
struct PostRow {
    id: i64,
    body: String,
    created_at: i64,
    deleted_at: Option<i64>,
    quote_of: Option<i64>,
    like_count: i64,
    repost_count: i64,
    quote_count: i64,
    bookmark_count: i64,
    share_count: i64,
    user_id: i64,
    user_handle: String,
    user_name: String,
    store_id: Option<i64>,
    store_name: Option<String>,
    store_is_nonprofit: Option<i64>,
    store_avatar: Option<i64>,
}

impl PostRow {
    /// The author as the post is shown: the store it was posted for, or the person.
    fn author(&self) -> Author {
        let store = self
            .store_id
            .and(self.store_name.clone())
            .map(|name| ShownStore {
                name,
                is_nonprofit: self.store_is_nonprofit.unwrap_or(0),
                avatar_media_id: self.store_avatar,
            });
        shown_as(
            self.user_id,
            self.user_handle.clone(),
            self.user_name.clone(),
            store,
        )
    }
}

impl StoredPost {
    fn as_quote(&self) -> QuotedPost {
        QuotedPost {
            id: self.id,
            author: self.author.clone(),
            body: if self.deleted {
                String::new()
            } else {
                self.body.clone()
            },
            deleted: self.deleted,
            created_at: from_ms(self.created_at),
        }
    }
}

/// Completes a page of entries for `viewer`, keeping their order.
pub async fn hydrate(
    feed: &FeedService,
    viewer: i64,
    entries: &[Entry],
) -> Result<Vec<Post>, ApiError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let mut posts = stored_posts(feed, &ids).await?;
    let quote_ids: Vec<i64> = posts
        .values()
        .filter_map(|p| p.quote_of)
        .filter(|q| !posts.contains_key(q))
        .collect();
    let quotes = stored_posts(feed, &quote_ids).await?;
    posts.extend(quotes);
    let reposter_ids: Vec<i64> = entries.iter().filter_map(|e| e.reposter_id).collect();
    let reposters = shown_accounts(feed, &reposter_ids).await?;
    let viewer_state = viewer_state(feed, viewer, &ids).await?;

    Ok(entries
        .iter()
        .filter_map(|entry| {
            let post = posts.get(&entry.id)?;
            Some(Post {
                id: post.id,
                author: post.author.clone(),
                body: post.body.clone(),
                hashtags: post.hashtags.clone(),
                images: post.images.clone(),
                products: post.products.clone(),
                quote: post
                    .quote_of
                    .and_then(|q| posts.get(&q))
                    .map(|q| q.as_quote()),
                stats: post.stats.clone(),
                viewer: viewer_state.get(&entry.id).copied().unwrap_or_default(),
                reposted_by: entry.reposter_id.and_then(|r| reposters.get(&r).cloned()),
                created_at: from_ms(post.created_at),
            })
        })
        .collect())
}

fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// The posts with these ids as everyone sees them, deleted ones included, by id:
/// from the cache, and what it lacks from the database in one query per kind.
pub async fn stored_posts(
    feed: &FeedService,
    ids: &[i64],
) -> Result<HashMap<i64, Arc<StoredPost>>, ApiError> {
    let db = &feed.base.db;
    feed.cache
        .posts
        .get_or_load(ids, |missing| load_posts(db, missing))
        .await
}

async fn load_posts(db: &Db, ids: Vec<i64>) -> Result<Vec<(i64, Arc<StoredPost>)>, ApiError> {
    let rows = rows_by_id(db, &ids).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let loaded_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut products = products_of_posts(db, &loaded_ids).await?;
    let mut images = images_of(db, &loaded_ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let post = StoredPost {
                id: row.id,
                author: row.author(),
                hashtags: souq_wire::text::hashtags(&row.body),
                created_at: row.created_at,
                deleted: row.deleted_at.is_some(),
                quote_of: row.quote_of,
                stats: PostStats {
                    likes: row.like_count,
                    reposts: row.repost_count,
                    quotes: row.quote_count,
                    bookmarks: row.bookmark_count,
                    shares: row.share_count,
                },
                images: images.remove(&row.id).unwrap_or_default(),
                products: products.remove(&row.id).unwrap_or_default(),
                body: row.body,
            };
            (post.id, Arc::new(post))
        })
        .collect())
}

/// How these accounts are shown (as their store, or as the person), by id.
async fn shown_accounts(feed: &FeedService, ids: &[i64]) -> Result<HashMap<i64, Author>, ApiError> {
    let db = &feed.base.db;
    feed.cache
        .accounts
        .get_or_load(ids, |missing| async move {
            Ok(shown::authors(db, &missing).await?.into_iter().collect())
        })
        .await
}

/// How many posts' viewer state is kept per viewer before starting over.
const VIEWER_STATE_KEPT: usize = 1_000;

/// What `viewer` did to these posts: from what is cached for the viewer, and the
/// posts it has not seen from the database.
async fn viewer_state(
    feed: &FeedService,
    viewer: i64,
    ids: &[i64],
) -> Result<Arc<HashMap<i64, ViewerState>>, ApiError> {
    let db = &feed.base.db;
    let cache = &feed.cache.viewer_state;
    let known = cache.get(&viewer);
    let missing: Vec<i64> = distinct(ids)
        .into_iter()
        .filter(|id| known.as_ref().is_none_or(|k| !k.contains_key(id)))
        .collect();
    if missing.is_empty()
        && let Some(known) = known
    {
        return Ok(known);
    }
    let ticket = cache.ticket();
    let fresh = viewer_state_of(db, viewer, &missing).await?;
    let mut merged = match known {
        Some(known) if known.len() + missing.len() <= VIEWER_STATE_KEPT => (*known).clone(),
        _ => HashMap::new(),
    };
    for id in missing {
        merged.insert(id, fresh.get(&id).copied().unwrap_or_default());
    }
    let merged = Arc::new(merged);
    cache.fill(ticket, viewer, Arc::clone(&merged));
    Ok(merged)
}

async fn images_of(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>, ApiError> {
    let sql = format!(
        "SELECT post_id, media_id FROM post_images WHERE post_id IN ({})
         ORDER BY post_id, position",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut by_post: HashMap<i64, Vec<i64>> = HashMap::new();
    for (post_id, media_id) in query.fetch_all(&db.pool).await? {
        by_post.entry(post_id).or_default().push(media_id);
    }
    Ok(by_post)
}

async fn viewer_state_of(
    db: &Db,
    viewer: i64,
    ids: &[i64],
) -> Result<HashMap<i64, ViewerState>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = placeholders(2, ids.len());
    let sql = format!(
        "SELECT post_id, 1 AS what FROM likes WHERE user_id = $1 AND post_id IN ({list})
         UNION ALL
         SELECT post_id, 2 AS what FROM reposts WHERE user_id = $1 AND post_id IN ({list})
         UNION ALL
         SELECT post_id, 3 AS what FROM bookmarks WHERE user_id = $1 AND post_id IN ({list})"
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql).bind(viewer);
    for id in ids {
        query = query.bind(*id);
    }
    let mut state: HashMap<i64, ViewerState> = HashMap::new();
    for (post_id, what) in query.fetch_all(&db.pool).await? {
        let entry = state.entry(post_id).or_default();
        match what {
            1 => entry.liked = true,
            2 => entry.reposted = true,
            _ => entry.bookmarked = true,
        }
    }
    Ok(state)
}

/// The rows of the posts with these ids, deleted ones included.
async fn rows_by_id(db: &Db, ids: &[i64]) -> Result<Vec<PostRow>, ApiError> {
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM posts p {AUTHOR_JOINS} WHERE p.id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, PostRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&db.pool).await?)
}
