//! Product cards: a product as a tile (title, store, lowest price, first image, whether
//! any variant is in stock), for posts, the Shop, storefronts and hashtag pages. Only
//! what shoppers may see is carded: published, not archived, priced.

use std::collections::HashMap;

use souq_wire::{Money, ProductCard};
use sqlx::AnyConnection;

use crate::base::db::{Db, placeholders};
use crate::base::error::ApiError;

/// The condition on products `pr` that shoppers see.
pub const SHOWN: &str = "pr.published_at IS NOT NULL AND pr.archived_at IS NULL";

/// The card columns of products `pr` of stores `s`.
const CARD_COLUMNS: &str = "pr.id, pr.title, s.name AS store_name, pr.category, pr.currency,
    pr.price_minor, pr.in_stock,
    (SELECT i.media_id FROM product_images i WHERE i.product_id = pr.id
     ORDER BY i.position LIMIT 1) AS image_media_id";

#[derive(sqlx::FromRow)]
struct CardRow {
    /// What the card is listed under: a post, or the product itself.
    key: i64,
    id: i64,
    title: String,
    store_name: String,
    category: String,
    currency: String,
    price_minor: Option<i64>,
    in_stock: i64,
    image_media_id: Option<i64>,
}

impl CardRow {
    /// A product without variants has no price yet: nothing to show or sell.
    fn card(self) -> Option<(i64, ProductCard)> {
        let amount_minor = self.price_minor?;
        Some((
            self.key,
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
                in_stock: self.in_stock != 0,
            },
        ))
    }
}

/// Keeps a product's lowest price and in-stock flag in step with its variants; call it
/// in the transaction that changed them.
pub async fn refresh_summary(conn: &mut AnyConnection, product_id: i64) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE products SET
           price_minor = (SELECT MIN(v.price_minor) FROM variants v
                          WHERE v.product_id = $1 AND v.archived_at IS NULL),
           in_stock = CASE WHEN EXISTS (SELECT 1 FROM variants v
                                        JOIN stock_lots l ON l.variant_id = v.id
                                        WHERE v.product_id = $1 AND v.archived_at IS NULL
                                          AND l.units > 0)
                      THEN 1 ELSE 0 END
         WHERE id = $1",
    )
    .bind(product_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The cards of the products attached to these posts, by post, in attachment order.
pub async fn products_of_posts(
    db: &Db,
    post_ids: &[i64],
) -> Result<HashMap<i64, Vec<ProductCard>>, ApiError> {
    let sql = format!(
        "SELECT pp.post_id AS key, {CARD_COLUMNS}
         FROM post_products pp
         JOIN products pr ON pr.id = pp.product_id
         JOIN stores s ON s.id = pr.store_id
         WHERE pp.post_id IN ({}) AND {SHOWN}
         ORDER BY pp.post_id, pp.position",
        placeholders(1, post_ids.len())
    );
    let mut query = sqlx::query_as::<_, CardRow>(&sql);
    for id in post_ids {
        query = query.bind(*id);
    }
    let mut by_post: HashMap<i64, Vec<ProductCard>> = HashMap::new();
    for (post_id, card) in query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .filter_map(CardRow::card)
    {
        by_post.entry(post_id).or_default().push(card);
    }
    Ok(by_post)
}

/// The cards of these products, in the order given; hidden ones are left out.
pub async fn cards(db: &Db, ids: &[i64]) -> Result<Vec<ProductCard>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT pr.id AS key, {CARD_COLUMNS}
         FROM products pr JOIN stores s ON s.id = pr.store_id
         WHERE pr.id IN ({}) AND {SHOWN}",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, CardRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut by_id: HashMap<i64, ProductCard> = query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .filter_map(CardRow::card)
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// One product's card, when shoppers may see it.
pub async fn card(db: &Db, id: i64) -> Result<Option<ProductCard>, ApiError> {
    Ok(cards(db, &[id]).await?.pop())
}

/// Every shown product of a store, newest first.
pub async fn cards_of_store(db: &Db, store_id: i64) -> Result<Vec<ProductCard>, ApiError> {
    let sql = format!(
        "SELECT pr.id AS key, {CARD_COLUMNS}
         FROM products pr JOIN stores s ON s.id = pr.store_id
         WHERE pr.store_id = $1 AND {SHOWN}
         ORDER BY pr.published_at DESC, pr.id DESC"
    );
    let rows: Vec<CardRow> = sqlx::query_as(&sql)
        .bind(store_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(CardRow::card)
        .map(|(_, card)| card)
        .collect())
}
