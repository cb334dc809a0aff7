//! The feed: pages of posts, newest first, with their authors and attached products.
//! Pages are cut by a keyset cursor (created_at, id), so paging stays fast and stable
//! while new posts arrive.

use std::collections::HashMap;

use souq_wire::{Author, AuthorKind, FeedPage, Money, Post, ProductCard};

use crate::db::{Db, from_ms};
use crate::error::ApiError;

pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;

/// Where a page starts: strictly older than this post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at_ms: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor before every post.
    pub const START: Cursor = Cursor {
        created_at_ms: i64::MAX,
        id: i64::MAX,
    };

    pub fn parse(raw: &str) -> Result<Cursor, ApiError> {
        let bad = || ApiError::BadRequest(format!("invalid cursor {raw:?}"));
        let (ms, id) = raw.split_once('_').ok_or_else(bad)?;
        Ok(Cursor {
            created_at_ms: ms.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }

    pub fn encode(self) -> String {
        format!("{}_{}", self.created_at_ms, self.id)
    }
}

/// Which posts a page draws from.
pub enum Source<'a> {
    Everyone,
    Hashtag(&'a str),
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    body: String,
    created_at: i64,
    user_id: i64,
    user_handle: String,
    user_name: String,
    store_id: Option<i64>,
    store_handle: Option<String>,
    store_name: Option<String>,
    store_is_nonprofit: Option<i64>,
    store_avatar: Option<i64>,
}

impl PostRow {
    fn author(&self) -> Author {
        match (self.store_id, &self.store_handle, &self.store_name) {
            (Some(id), Some(handle), Some(name)) => Author {
                id,
                kind: if self.store_is_nonprofit.unwrap_or(0) != 0 {
                    AuthorKind::Nonprofit
                } else {
                    AuthorKind::Store
                },
                handle: handle.clone(),
                display_name: name.clone(),
                avatar_media_id: self.store_avatar,
            },
            _ => Author {
                id: self.user_id,
                kind: AuthorKind::Person,
                handle: self.user_handle.clone(),
                display_name: self.user_name.clone(),
                avatar_media_id: None,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    post_id: i64,
    id: i64,
    title: String,
    store_name: String,
    currency: String,
    price_minor: Option<i64>,
    variants_in_stock: i64,
    image_media_id: Option<i64>,
}

pub async fn page(
    db: &Db,
    source: Source<'_>,
    before: Cursor,
    limit: i64,
) -> Result<FeedPage, ApiError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let (join, tag) = match source {
        Source::Everyone => ("", None),
        Source::Hashtag(tag) => (
            "JOIN post_hashtags h ON h.post_id = p.id AND h.tag = $4",
            Some(tag),
        ),
    };
    let sql = format!(
        "SELECT p.id, p.body, p.created_at,
                u.id AS user_id, u.handle AS user_handle, u.display_name AS user_name,
                s.id AS store_id, s.handle AS store_handle, s.name AS store_name,
                s.is_nonprofit AS store_is_nonprofit, s.avatar_media_id AS store_avatar
         FROM posts p
         {join}
         JOIN users u ON u.id = p.author_id
         LEFT JOIN stores s ON s.id = p.store_id
         WHERE p.deleted_at IS NULL
           AND (p.created_at < $1 OR (p.created_at = $1 AND p.id < $2))
         ORDER BY p.created_at DESC, p.id DESC
         LIMIT $3"
    );
    // One extra row tells whether another page follows.
    let mut query = sqlx::query_as::<_, PostRow>(&sql)
        .bind(before.created_at_ms)
        .bind(before.id)
        .bind(limit + 1);
    if let Some(tag) = tag {
        query = query.bind(tag);
    }
    let mut rows = query.fetch_all(&db.pool).await?;
    let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if has_more {
        rows.last().map(|r| {
            Cursor {
                created_at_ms: r.created_at,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };

    let mut products = products_of(db, rows.iter().map(|r| r.id).collect()).await?;
    let posts = rows
        .into_iter()
        .map(|row| Post {
            id: row.id,
            author: row.author(),
            hashtags: souq_wire::text::hashtags(&row.body),
            products: products.remove(&row.id).unwrap_or_default(),
            created_at: from_ms(row.created_at),
            body: row.body,
        })
        .collect();
    Ok(FeedPage { posts, next_cursor })
}

/// `$1, $2, ...` for binding a list; sqlx's Any driver has no array binds.
pub(crate) fn placeholders(count: usize) -> String {
    (1..=count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn products_of(
    db: &Db,
    post_ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<ProductCard>>, ApiError> {
    let mut by_post: HashMap<i64, Vec<ProductCard>> = HashMap::new();
    if post_ids.is_empty() {
        return Ok(by_post);
    }
    let sql = format!(
        "SELECT pp.post_id, pr.id, pr.title, s.name AS store_name, pr.currency,
                (SELECT MIN(v.price_minor) FROM variants v WHERE v.product_id = pr.id)
                    AS price_minor,
                (SELECT COUNT(*) FROM variants v WHERE v.product_id = pr.id AND v.stock > 0)
                    AS variants_in_stock,
                (SELECT i.media_id FROM product_images i WHERE i.product_id = pr.id
                 ORDER BY i.position LIMIT 1) AS image_media_id
         FROM post_products pp
         JOIN products pr ON pr.id = pp.product_id
         JOIN stores s ON s.id = pr.store_id
         WHERE pp.post_id IN ({})
         ORDER BY pp.post_id, pp.position",
        placeholders(post_ids.len())
    );
    let mut query = sqlx::query_as::<_, ProductRow>(&sql);
    for id in post_ids {
        query = query.bind(id);
    }
    for row in query.fetch_all(&db.pool).await? {
        // A product without variants has no price yet: nothing to show or sell.
        let Some(price_minor) = row.price_minor else {
            continue;
        };
        by_post.entry(row.post_id).or_default().push(ProductCard {
            id: row.id,
            title: row.title,
            store_name: row.store_name,
            price: Money {
                amount_minor: price_minor,
                currency: row.currency,
            },
            image_media_id: row.image_media_id,
            in_stock: row.variants_in_stock > 0,
        });
    }
    Ok(by_post)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            created_at_ms: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.encode()).ok(), Some(c));
        for bad in ["", "12", "a_b", "1_x", "1_2_3"] {
            assert!(Cursor::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn placeholders_are_numbered_from_one() {
        assert_eq!(placeholders(3), "$1, $2, $3");
    }
}
