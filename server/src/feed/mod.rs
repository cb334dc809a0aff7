//! Timelines: pages of posts, newest first, from everyone, a hashtag, the accounts the
//! viewer follows (with their reposts), one author, the viewer's bookmarks, and the
//! recent-and-popular candidates the app ranks on the device. Every page is cut by a
//! keyset cursor (time, id), so paging stays fast and stable while new posts arrive,
//! and every page is completed by `hydrate` in a fixed number of queries.

pub mod hydrate;

use souq_wire::FeedPage;

use crate::db::Db;
use crate::error::ApiError;
pub use hydrate::{AUTHOR_JOINS, POST_COLUMNS, PostRow, hydrate};

pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;
/// How far back the "popular" candidates reach.
const POPULAR_WINDOW_MS: i64 = 48 * 60 * 60 * 1000;
const POPULAR_COUNT: i64 = 10;

/// Where a page starts: strictly older than this (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at_ms: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor before everything.
    pub const START: Cursor = Cursor {
        at_ms: i64::MAX,
        id: i64::MAX,
    };

    pub fn parse(raw: &str) -> Result<Cursor, ApiError> {
        let bad = || ApiError::BadRequest(format!("invalid cursor {raw:?}"));
        let (ms, id) = raw.split_once('_').ok_or_else(bad)?;
        Ok(Cursor {
            at_ms: ms.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }

    pub fn encode(self) -> String {
        format!("{}_{}", self.at_ms, self.id)
    }
}

/// Which posts a page draws from.
pub enum Source<'a> {
    Everyone,
    Hashtag(&'a str),
    /// The viewer's own posts and those of the accounts they follow, with their reposts.
    Following,
    Author(i64),
    Bookmarks,
    /// Recent posts by others; the first page adds the most engaged of the last 48 hours.
    Candidates,
}

/// `$1, $2, ...` from `start`, for binding a list: sqlx's Any driver has no array binds.
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const NOT_DELETED: &str = "p.deleted_at IS NULL";
const BEFORE_POST: &str = "(p.created_at < $1 OR (p.created_at = $1 AND p.id < $2))";

/// The SQL of a page: `$1`, `$2` the cursor, `$3` the limit, `$4` the source's one
/// parameter (none for Everyone). Each branch yields POST_COLUMNS plus the repost columns.
fn page_sql(source: &Source<'_>) -> String {
    let plain = |from: &str, filter: &str| {
        format!(
            "SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
             FROM {from} {AUTHOR_JOINS}
             WHERE {filter} AND {NOT_DELETED} AND {BEFORE_POST}
             ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
        )
    };
    match source {
        Source::Everyone => plain("posts p", "1 = 1"),
        Source::Hashtag(_) => plain(
            "post_hashtags h JOIN posts p ON p.id = h.post_id",
            "h.tag = $4",
        ),
        Source::Author(_) => plain("posts p", "p.author_id = $4"),
        Source::Candidates => plain("posts p", "p.author_id <> $4"),
        Source::Bookmarks => format!(
            "SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, b.created_at AS activity_at
             FROM bookmarks b JOIN posts p ON p.id = b.post_id {AUTHOR_JOINS}
             WHERE b.user_id = $4 AND {NOT_DELETED}
               AND (b.created_at < $1 OR (b.created_at = $1 AND p.id < $2))
             ORDER BY b.created_at DESC, p.id DESC LIMIT $3"
        ),
        Source::Following => format!(
            "SELECT * FROM (
               SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
               FROM follows f JOIN posts p ON p.author_id = f.followee_id {AUTHOR_JOINS}
               WHERE f.follower_id = $4 AND {NOT_DELETED} AND {BEFORE_POST}
               UNION ALL
               SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
               FROM posts p {AUTHOR_JOINS} WHERE p.author_id = $4 AND {NOT_DELETED} AND {BEFORE_POST}
               UNION ALL
               SELECT {POST_COLUMNS}, r.user_id AS reposter_id, r.created_at AS activity_at
               FROM follows f JOIN reposts r ON r.user_id = f.followee_id
               JOIN posts p ON p.id = r.post_id {AUTHOR_JOINS}
               WHERE f.follower_id = $4 AND {NOT_DELETED}
                 AND (r.created_at < $1 OR (r.created_at = $1 AND p.id < $2))
             ) timeline
             ORDER BY activity_at DESC, id DESC LIMIT $3"
        ),
    }
}

pub async fn page(
    db: &Db,
    viewer: i64,
    source: Source<'_>,
    before: Cursor,
    limit: i64,
) -> Result<FeedPage, ApiError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let sql = page_sql(&source);
    // One extra row tells whether another page follows.
    let query = sqlx::query_as::<_, PostRow>(&sql)
        .bind(before.at_ms)
        .bind(before.id)
        .bind(limit + 1);
    let query = match source {
        Source::Everyone => query,
        Source::Hashtag(tag) => query.bind(tag),
        Source::Author(author) => query.bind(author),
        Source::Following | Source::Bookmarks | Source::Candidates => query.bind(viewer),
    };
    let mut rows = query.fetch_all(&db.pool).await?;
    let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if has_more {
        rows.last().map(|r| {
            Cursor {
                at_ms: r.activity_at,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    if matches!(source, Source::Candidates) && before == Cursor::START {
        rows.extend(popular(db, viewer, &rows).await?);
    }
    // A post reposted by two followed accounts shows once, at its latest activity.
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.id));
    let posts = hydrate(db, viewer, rows).await?;
    Ok(FeedPage { posts, next_cursor })
}

/// The most liked and reposted posts of the last 48 hours that are not already in `rows`.
async fn popular(db: &Db, viewer: i64, rows: &[PostRow]) -> Result<Vec<PostRow>, ApiError> {
    let since = crate::db::now_ms() - POPULAR_WINDOW_MS;
    let sql = format!(
        "SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
         FROM posts p {AUTHOR_JOINS}
         WHERE p.created_at >= $1 AND p.author_id <> $2 AND {NOT_DELETED}
           AND p.like_count + p.repost_count > 0
         ORDER BY p.like_count + 2 * p.repost_count DESC, p.id DESC LIMIT $3"
    );
    let popular: Vec<PostRow> = sqlx::query_as(&sql)
        .bind(since)
        .bind(viewer)
        .bind(POPULAR_COUNT)
        .fetch_all(&db.pool)
        .await?;
    Ok(popular
        .into_iter()
        .filter(|p| rows.iter().all(|r| r.id != p.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            at_ms: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode()).ok(), Some(c));
        for bad in ["", "12", "a_b", "1_x", "1_2_3"] {
            assert!(Cursor::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn placeholders_are_numbered_from_the_start_given() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(2, 2), "$2, $3");
    }
}
