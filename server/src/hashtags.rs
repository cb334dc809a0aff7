//! What a hashtag belongs to: the drop that launches under it (unless it was called
//! off), or else the product that carries it.

use souq_wire::{DropSummary, HashtagInfo};

use crate::accounts::shown;
use crate::base::db::{Db, from_ms};
use crate::base::error::ApiError;
use crate::stores::cards;

pub async fn info(db: &Db, tag: &str) -> Result<HashtagInfo, ApiError> {
    let key = souq_wire::text::hashtag_key(tag.trim_start_matches('#'));
    let drop: Option<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT d.id, d.title, d.hashtag, d.launch_at, s.owner_id, d.product_id
         FROM drops d JOIN stores s ON s.id = d.store_id
         WHERE d.hashtag = $1 AND d.cancelled_at IS NULL ORDER BY d.launch_at DESC LIMIT 1",
    )
    .bind(&key)
    .fetch_optional(&db.pool)
    .await?;
    let drop = match drop {
        Some((id, title, hashtag, launch_at, owner, product_id)) => {
            let store = shown::authors(db, &[owner]).await?.remove(&owner);
            let product = cards::card(db, product_id).await?;
            match (store, product) {
                (Some(store), Some(product)) => Some(DropSummary {
                    id,
                    title,
                    hashtag,
                    launch_at: from_ms(launch_at),
                    store,
                    product,
                }),
                _ => None,
            }
        }
        None => None,
    };
    let product = if drop.is_some() {
        None
    } else {
        let owner: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM products WHERE hashtag = $1 ORDER BY id LIMIT 1")
                .bind(&key)
                .fetch_optional(&db.pool)
                .await?;
        match owner {
            Some((id,)) => cards::card(db, id).await?,
            None => None,
        }
    };
    Ok(HashtagInfo {
        tag: key,
        drop,
        product,
    })
}
