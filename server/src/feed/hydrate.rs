//! Turns post rows into wire posts: their products, images, quoted posts, the viewer's
//! likes, reposts and bookmarks, and who reposted them, in one query each per page.

use std::collections::{HashMap, HashSet};

use souq_wire::{Author, Money, Post, PostStats, ProductCard, QuotedPost, ViewerState};

use crate::db::{Db, from_ms};
use crate::error::ApiError;
use crate::feed::placeholders;
use crate::people::{self, ShownStore, shown_as};

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
pub struct PostRow {
    pub id: i64,
    pub body: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub quote_of: Option<i64>,
    pub like_count: i64,
    pub repost_count: i64,
    pub quote_count: i64,
    pub bookmark_count: i64,
    pub share_count: i64,
    pub user_id: i64,
    pub user_handle: String,
    pub user_name: String,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub store_is_nonprofit: Option<i64>,
    pub store_avatar: Option<i64>,
    /// Who reposted it into this timeline, if that is why it is here.
    pub reposter_id: Option<i64>,
    /// When it entered this timeline: posted, reposted or bookmarked.
    pub activity_at: i64,
}

impl PostRow {
    /// The author as the post is shown: the store it was posted for, or the person.
    pub fn author(&self) -> Author {
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

    fn stats(&self) -> PostStats {
        PostStats {
            likes: self.like_count,
            reposts: self.repost_count,
            quotes: self.quote_count,
            bookmarks: self.bookmark_count,
            shares: self.share_count,
        }
    }
}

/// Completes a page of rows for `viewer`, keeping their order.
pub async fn hydrate(db: &Db, viewer: i64, rows: Vec<PostRow>) -> Result<Vec<Post>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut products = products_of(db, &ids).await?;
    let mut images = images_of(db, &ids).await?;
    let viewer_state = viewer_state(db, viewer, &ids).await?;
    let quote_ids: Vec<i64> = rows.iter().filter_map(|r| r.quote_of).collect();
    let quotes = quotes_of(db, &quote_ids).await?;
    let reposter_ids: Vec<i64> = rows.iter().filter_map(|r| r.reposter_id).collect();
    let reposters = people::authors(db, &reposter_ids).await?;

    Ok(rows
        .into_iter()
        .map(|row| Post {
            id: row.id,
            author: row.author(),
            hashtags: souq_wire::text::hashtags(&row.body),
            images: images.remove(&row.id).unwrap_or_default(),
            products: products.remove(&row.id).unwrap_or_default(),
            quote: row.quote_of.and_then(|q| quotes.get(&q).cloned()),
            stats: row.stats(),
            viewer: viewer_state.get(&row.id).copied().unwrap_or_default(),
            reposted_by: row.reposter_id.and_then(|r| reposters.get(&r).cloned()),
            created_at: from_ms(row.created_at),
            body: row.body,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    post_id: i64,
    id: i64,
    title: String,
    store_name: String,
    category: String,
    currency: String,
    price_minor: Option<i64>,
    variants_in_stock: i64,
    image_media_id: Option<i64>,
}

/// The product-card columns for products `pr` of stores `s`.
pub const PRODUCT_CARD_COLUMNS: &str =
    "pr.id, pr.title, s.name AS store_name, pr.category, pr.currency,
    (SELECT MIN(v.price_minor) FROM variants v WHERE v.product_id = pr.id) AS price_minor,
    (SELECT COUNT(*) FROM variants v WHERE v.product_id = pr.id AND v.stock > 0)
        AS variants_in_stock,
    (SELECT i.media_id FROM product_images i WHERE i.product_id = pr.id
     ORDER BY i.position LIMIT 1) AS image_media_id";

impl ProductRow {
    /// A product without variants has no price yet: nothing to show or sell.
    fn card(self) -> Option<(i64, ProductCard)> {
        let amount_minor = self.price_minor?;
        Some((
            self.post_id,
            ProductCard {
                id: self.id,
                title: self.title,
                store_name: self.store_name,
                category: self.category,
                price: Money {
                    amount_minor,
                    currency: self.currency,
                },
                image_media_id: self.image_media_id,
                in_stock: self.variants_in_stock > 0,
            },
        ))
    }
}

async fn products_of(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<ProductCard>>, ApiError> {
    let sql = format!(
        "SELECT pp.post_id, {PRODUCT_CARD_COLUMNS}
         FROM post_products pp
         JOIN products pr ON pr.id = pp.product_id
         JOIN stores s ON s.id = pr.store_id
         WHERE pp.post_id IN ({})
         ORDER BY pp.post_id, pp.position",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, ProductRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut by_post: HashMap<i64, Vec<ProductCard>> = HashMap::new();
    for (post_id, card) in query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .filter_map(ProductRow::card)
    {
        by_post.entry(post_id).or_default().push(card);
    }
    Ok(by_post)
}

/// Every priced product of a store, newest first.
pub async fn product_cards_of_store(db: &Db, store_id: i64) -> Result<Vec<ProductCard>, ApiError> {
    let sql = format!(
        "SELECT pr.id AS post_id, {PRODUCT_CARD_COLUMNS}
         FROM products pr JOIN stores s ON s.id = pr.store_id
         WHERE pr.store_id = $1 ORDER BY pr.created_at DESC, pr.id DESC"
    );
    let rows: Vec<ProductRow> = sqlx::query_as(&sql)
        .bind(store_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(ProductRow::card)
        .map(|(_, card)| card)
        .collect())
}

/// One product card by id, for hashtag pages and drops.
pub async fn product_card(db: &Db, product_id: i64) -> Result<Option<ProductCard>, ApiError> {
    let sql = format!(
        "SELECT pr.id AS post_id, {PRODUCT_CARD_COLUMNS}
         FROM products pr JOIN stores s ON s.id = pr.store_id WHERE pr.id = $1"
    );
    let row: Option<ProductRow> = sqlx::query_as(&sql)
        .bind(product_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.and_then(ProductRow::card).map(|(_, card)| card))
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

async fn viewer_state(
    db: &Db,
    viewer: i64,
    ids: &[i64],
) -> Result<HashMap<i64, ViewerState>, ApiError> {
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

/// The rows of the posts with these ids, deleted ones included, by id.
pub async fn rows_by_id(db: &Db, ids: &[i64]) -> Result<HashMap<i64, PostRow>, ApiError> {
    let unique: Vec<i64> = ids
        .iter()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {POST_COLUMNS}, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
         FROM posts p {AUTHOR_JOINS} WHERE p.id IN ({})",
        placeholders(1, unique.len())
    );
    let mut query = sqlx::query_as::<_, PostRow>(&sql);
    for id in &unique {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect())
}

async fn quotes_of(db: &Db, ids: &[i64]) -> Result<HashMap<i64, QuotedPost>, ApiError> {
    Ok(rows_by_id(db, ids)
        .await?
        .into_values()
        .map(|row| {
            let deleted = row.deleted_at.is_some();
            (
                row.id,
                QuotedPost {
                    id: row.id,
                    author: row.author(),
                    body: if deleted {
                        String::new()
                    } else {
                        row.body.clone()
                    },
                    deleted,
                    created_at: from_ms(row.created_at),
                },
            )
        })
        .collect())
}
