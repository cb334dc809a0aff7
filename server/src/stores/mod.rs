//! Stores as catalogues: the products a store sells, as cards.

pub mod cards;
pub mod owner;
pub mod shipping;
pub mod shop;
pub mod stock;
pub mod storefront;
pub mod studio;

use souq_wire::{ProductCard, User};

use crate::accounts;
use crate::base::cache::{Change, publish};
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;

/// The products of the store `user` runs, newest first: what they may attach to posts.
/// 403 for shoppers, who run none.
pub async fn own_products(db: &Db, user: &User) -> Result<Vec<ProductCard>, ApiError> {
    let store = accounts::own_store(db, user).await?;
    cards::cards_of_store(db, store.id).await
}

/// An operator's verification of a nonprofit's store (by handle): from now on it shows
/// as a nonprofit. 404 unless the handle names a store run by a nonprofit account.
pub async fn verify_nonprofit(
    db: &Db,
    caches: &dyn crate::base::cache::Forget,
    handle: &str,
) -> Result<(), ApiError> {
    let handle = handle.trim().trim_start_matches('@').to_ascii_lowercase();
    let verified: Option<(i64,)> = sqlx::query_as(
        "UPDATE stores SET is_nonprofit = 1, nonprofit_verified_at = $2
         WHERE handle = $1 AND owner_id IN (SELECT id FROM users WHERE role = 'nonprofit')
         RETURNING id",
    )
    .bind(&handle)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    let (store_id,) = verified.ok_or_else(|| {
        ApiError::NotFound(format!(
            "no store of a nonprofit account has the handle @{handle}"
        ))
    })?;
    // Posts and profiles show the badge from their caches.
    publish(db, caches, &[Change::Catalog(store_id)]).await;
    Ok(())
}
