//! Posts: writing one (text, images, own-store products, a quoted post), deleting your
//! own, and the idempotent, reversible actions on any post: like, repost, bookmark,
//! share. Every action first touches the post's row, which both checks that it exists
//! and takes the write lock up front (SQLite cannot upgrade a read transaction under
//! contention; PostgreSQL serialises the counter), so counts stay exact.

use std::time::Duration;

use souq_wire::feed::{MAX_POST_CHARS, MAX_POST_IMAGES, MAX_POST_MENTIONS};
use souq_wire::{NewPost, NotificationKind, Post, PostActivity, PostStats, User, ViewerState};

use crate::base::cache::Change;
use crate::base::db::{count_among, now_ms};
use crate::base::error::ApiError;
use crate::base::limits::window::{self, Quota};
use crate::feed::hydrate::stored_posts;
use crate::feed::{Entry, FeedService, hydrate};
use crate::notifications;

/// One post as `viewer` sees it; 404 when unknown or deleted.
pub async fn get(feed: &FeedService, viewer: i64, id: i64) -> Result<Post, ApiError> {
    let alive = stored_posts(feed, &[id])
        .await?
        .get(&id)
        .is_some_and(|post| !post.deleted);
    if !alive {
        return Err(ApiError::not_found("post"));
    }
    hydrate(feed, viewer, &[Entry::post(id)])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("post"))
}

fn distinct(ids: &[i64]) -> bool {
    let mut seen = std::collections::HashSet::new();
    ids.iter().all(|id| seen.insert(*id))
}

/// Checks a new post against the rules that need no database.
fn check_shape(new: &NewPost) -> Result<String, ApiError> {
    let body = new.body.trim().to_string();
    if body.is_empty() && new.images.is_empty() {
        return Err(ApiError::Validation("a post needs text or an image".into()));
    }
    if body.is_empty() && new.quote_of.is_some() {
        return Err(ApiError::Validation(
            "a quote needs text; to share as is, repost".into(),
        ));
    }
    if body.chars().count() > MAX_POST_CHARS {
        return Err(ApiError::Validation(format!(
            "a post has at most {MAX_POST_CHARS} characters"
        )));
    }
    souq_wire::validate::shown_text(&body, true)?;
    if mentions(&body).len() > MAX_POST_MENTIONS {
        return Err(ApiError::Validation(format!(
            "a post mentions at most {MAX_POST_MENTIONS} people"
        )));
    }
    if new.images.len() > MAX_POST_IMAGES {
        return Err(ApiError::Validation(format!(
            "a post has at most {MAX_POST_IMAGES} images"
        )));
    }
    if !distinct(&new.images) || !distinct(&new.products) {
        return Err(ApiError::Validation(
            "an image or product is attached twice".into(),
        ));
    }
    if new.products.len() > 10 {
        return Err(ApiError::Validation(
            "a post has at most 10 products".into(),
        ));
    }
    Ok(body)
}

/// Writes a post: at most `Limits::posts_per_minute` a minute per author (429 beyond);
/// a post refused for what it holds does not count.
pub async fn create(feed: &FeedService, author: &User, new: &NewPost) -> Result<Post, ApiError> {
    let (db, limits) = (&feed.base.db, &feed.base.limits);
    let body = check_shape(new)?;
    let quota_key = format!("posts:{}", author.id);
    window::take(
        db,
        &quota_key,
        1,
        Quota::new(limits.posts_per_minute, Duration::from_secs(60)),
    )
    .await?;
    match insert(feed, author, new, &body).await {
        Ok(post) => Ok(post),
        Err(e) => {
            window::give_back(db, &quota_key, 1).await?;
            Err(e)
        }
    }
}

async fn insert(
    feed: &FeedService,
    author: &User,
    new: &NewPost,
    body: &str,
) -> Result<Post, ApiError> {
    let db = &feed.base.db;
    let store: Option<(i64,)> = sqlx::query_as("SELECT id FROM stores WHERE owner_id = $1")
        .bind(author.id)
        .fetch_optional(&db.pool)
        .await?;
    let store_id = store.map(|(id,)| id);
    let mut tx = db.pool.begin().await?;
    if let Some(quoted) = new.quote_of {
        // Touch first: the write lock, and whether the quoted post is alive.
        let alive = sqlx::query(
            "UPDATE posts SET quote_count = quote_count + 1 WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(quoted)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if alive == 0 {
            return Err(ApiError::not_found("quoted post"));
        }
    }
    if !new.images.is_empty() {
        let owned = count_among(
            &mut *tx,
            "SELECT COUNT(*) FROM media WHERE owner_id = $1 AND id",
            author.id,
            &new.images,
        )
        .await?;
        if owned != new.images.len() {
            return Err(ApiError::Validation(
                "attach only images you uploaded".into(),
            ));
        }
    }
    if !new.products.is_empty() {
        let Some(store_id) = store_id else {
            return Err(ApiError::Validation(
                "only a store can attach products".into(),
            ));
        };
        let own = count_among(
            &mut *tx,
            &format!(
                "SELECT COUNT(*) FROM products pr WHERE pr.store_id = $1 AND {} AND pr.id",
                crate::stores::cards::SHOWN
            ),
            store_id,
            &new.products,
        )
        .await?;
        if own != new.products.len() {
            return Err(ApiError::Validation(
                "attach only your own store's published products".into(),
            ));
        }
    }
    let (post_id,): (i64,) = sqlx::query_as(
        "INSERT INTO posts (author_id, store_id, body, created_at, quote_of)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(author.id)
    .bind(store_id)
    .bind(body)
    .bind(now_ms())
    .bind(new.quote_of)
    .fetch_one(&mut *tx)
    .await?;
    for tag in souq_wire::text::hashtags(body) {
        sqlx::query("INSERT INTO post_hashtags (post_id, tag) VALUES ($1, $2)")
            .bind(post_id)
            .bind(tag)
            .execute(&mut *tx)
            .await?;
    }
    for (position, media_id) in (0i64..).zip(&new.images) {
        sqlx::query("INSERT INTO post_images (post_id, position, media_id) VALUES ($1, $2, $3)")
            .bind(post_id)
            .bind(position)
            .bind(*media_id)
            .execute(&mut *tx)
            .await?;
    }
    for (position, product_id) in (0i64..).zip(&new.products) {
        sqlx::query(
            "INSERT INTO post_products (post_id, position, product_id) VALUES ($1, $2, $3)",
        )
        .bind(post_id)
        .bind(position)
        .bind(*product_id)
        .execute(&mut *tx)
        .await?;
    }
    for handle in mentions(body) {
        let mentioned: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE handle = $1")
            .bind(handle)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some((user_id,)) = mentioned {
            notifications::notify(
                &mut tx,
                user_id,
                NotificationKind::Mentioned,
                author.id,
                Some(post_id),
            )
            .await?;
        }
    }
    tx.commit().await?;
    let mut changes = vec![Change::Author(author.id)];
    changes.extend(new.quote_of.map(Change::Post));
    feed.base.publish(&changes).await;
    get(feed, author.id, post_id).await
}

/// The distinct handles a text mentions, lower case.
fn mentions(body: &str) -> Vec<String> {
    let mut handles: Vec<String> = Vec::new();
    for segment in souq_wire::segments(body) {
        if let souq_wire::Segment::Mention(handle) = segment {
            let handle = handle.to_ascii_lowercase();
            if !handles.contains(&handle) {
                handles.push(handle);
            }
        }
    }
    handles
}

/// Deletes the viewer's own post: 404 when unknown or already deleted, 403 for anyone
/// else's. The post stays as a tombstone so quotes of it keep their place.
pub async fn delete(feed: &FeedService, viewer: i64, id: i64) -> Result<(), ApiError> {
    let db = &feed.base.db;
    let mut tx = db.pool.begin().await?;
    let deleted = sqlx::query(
        "UPDATE posts SET deleted_at = $1 WHERE id = $2 AND author_id = $3 AND deleted_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(viewer)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted == 0 {
        let row: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT author_id, deleted_at FROM posts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match row {
            Some((author, None)) if author != viewer => {
                ApiError::Forbidden("you can delete only your own posts".into())
            }
            _ => ApiError::not_found("post"),
        });
    }
    let (quote_of,): (Option<i64>,) = sqlx::query_as("SELECT quote_of FROM posts WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(quoted) = quote_of {
        sqlx::query("UPDATE posts SET quote_count = quote_count - 1 WHERE id = $1")
            .bind(quoted)
            .execute(&mut *tx)
            .await?;
    }
    // Its reposts leave their reposters' timelines with it.
    let reposters: Vec<(i64,)> = sqlx::query_as("SELECT user_id FROM reposts WHERE post_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut changes = vec![Change::Post(id), Change::Author(viewer)];
    changes.extend(quote_of.map(Change::Post));
    changes.extend(reposters.into_iter().map(|(user,)| Change::Author(user)));
    feed.base.publish(&changes).await;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Like,
    Repost,
    Bookmark,
    Share,
}

impl Action {
    fn table(self) -> &'static str {
        match self {
            Action::Like => "likes",
            Action::Repost => "reposts",
            Action::Bookmark => "bookmarks",
            Action::Share => "shares",
        }
    }

    fn counter(self) -> &'static str {
        match self {
            Action::Like => "like_count",
            Action::Repost => "repost_count",
            Action::Bookmark => "bookmark_count",
            Action::Share => "share_count",
        }
    }

    /// What the author hears of it; bookmarks and shares are private.
    fn notification(self) -> Option<NotificationKind> {
        match self {
            Action::Like => Some(NotificationKind::Liked),
            Action::Repost => Some(NotificationKind::Reposted),
            Action::Bookmark | Action::Share => None,
        }
    }
}

/// Sets (`on`) or clears an action; repeating either changes nothing.
pub async fn act(
    feed: &FeedService,
    viewer: i64,
    post_id: i64,
    action: Action,
    on: bool,
) -> Result<PostActivity, ApiError> {
    let db = &feed.base.db;
    let mut tx = db.pool.begin().await?;
    let author: Option<(i64,)> = sqlx::query_as(&format!(
        "UPDATE posts SET {counter} = {counter} WHERE id = $1 AND deleted_at IS NULL
         RETURNING author_id",
        counter = action.counter()
    ))
    .bind(post_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((author,)) = author else {
        return Err(ApiError::not_found("post"));
    };
    let table = action.table();
    let changed = if on {
        sqlx::query(&format!(
            "INSERT INTO {table} (user_id, post_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, post_id) DO NOTHING"
        ))
        .bind(viewer)
        .bind(post_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE user_id = $1 AND post_id = $2"
        ))
        .bind(viewer)
        .bind(post_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
    };
    if changed == 1 {
        let delta: i64 = if on { 1 } else { -1 };
        sqlx::query(&format!(
            "UPDATE posts SET {counter} = {counter} + $1 WHERE id = $2",
            counter = action.counter()
        ))
        .bind(delta)
        .bind(post_id)
        .execute(&mut *tx)
        .await?;
        if let Some(kind) = action.notification() {
            if on {
                notifications::notify(&mut tx, author, kind, viewer, Some(post_id)).await?;
            } else {
                notifications::withdraw(&mut tx, author, kind, viewer, Some(post_id)).await?;
            }
        }
    }
    tx.commit().await?;
    if changed == 1 {
        let mut changes = vec![Change::Post(post_id), Change::Viewer(viewer)];
        if action == Action::Repost {
            changes.push(Change::Author(viewer));
        }
        feed.base.publish(&changes).await;
    }
    activity(feed, viewer, post_id).await
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    like_count: i64,
    repost_count: i64,
    quote_count: i64,
    bookmark_count: i64,
    share_count: i64,
    liked: i64,
    reposted: i64,
    bookmarked: i64,
}

/// A post's counts and what the viewer has done to it.
pub async fn activity(
    feed: &FeedService,
    viewer: i64,
    post_id: i64,
) -> Result<PostActivity, ApiError> {
    let db = &feed.base.db;
    let row: Option<ActivityRow> = sqlx::query_as(
        "SELECT p.like_count, p.repost_count, p.quote_count, p.bookmark_count, p.share_count,
                (SELECT COUNT(*) FROM likes WHERE user_id = $1 AND post_id = p.id) AS liked,
                (SELECT COUNT(*) FROM reposts WHERE user_id = $1 AND post_id = p.id) AS reposted,
                (SELECT COUNT(*) FROM bookmarks WHERE user_id = $1 AND post_id = p.id)
                    AS bookmarked
         FROM posts p WHERE p.id = $2",
    )
    .bind(viewer)
    .bind(post_id)
    .fetch_optional(&db.pool)
    .await?;
    let row = row.ok_or_else(|| ApiError::not_found("post"))?;
    Ok(PostActivity {
        post_id,
        stats: PostStats {
            likes: row.like_count,
            reposts: row.repost_count,
            quotes: row.quote_count,
            bookmarks: row.bookmark_count,
            shares: row.share_count,
        },
        viewer: ViewerState {
            liked: row.liked > 0,
            reposted: row.reposted > 0,
            bookmarked: row.bookmarked > 0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(body: &str) -> NewPost {
        NewPost {
            body: body.into(),
            ..NewPost::default()
        }
    }

    #[test]
    fn empty_and_overlong_posts_are_rejected() {
        assert!(check_shape(&post("   ")).is_err());
        assert!(check_shape(&post(&"ع".repeat(MAX_POST_CHARS))).is_ok());
        assert!(check_shape(&post(&"ع".repeat(MAX_POST_CHARS + 1))).is_err());
    }

    #[test]
    fn images_are_limited_and_not_repeated() {
        let mut p = post("hi");
        p.images = vec![1, 2, 3, 4];
        assert!(check_shape(&p).is_ok());
        p.images.push(5);
        assert!(check_shape(&p).is_err());
        p.images = vec![1, 1];
        assert!(check_shape(&p).is_err());
    }

    #[test]
    fn mentions_are_distinct_and_lower_case() {
        assert_eq!(mentions("@Layla and @layla, @omar"), vec!["layla", "omar"]);
    }
}
