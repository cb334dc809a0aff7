//! Stores as catalogues: the products a store sells, as cards.

pub mod cards;
pub mod shop;
pub mod storefront;
pub mod studio;

use souq_wire::{ProductCard, User};

use crate::accounts;
use crate::db::Db;
use crate::error::ApiError;

/// The products of the store `user` runs, newest first: what they may attach to posts.
/// 403 for shoppers, who run none.
pub async fn own_products(db: &Db, user: &User) -> Result<Vec<ProductCard>, ApiError> {
    let store = accounts::own_store(db, user).await?;
    cards::cards_of_store(db, store.id).await
}
