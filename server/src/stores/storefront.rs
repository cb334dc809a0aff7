//! What shoppers see of a store: its card, its mini-store (collections and products),
//! and each product's page with its variants.

use souq_wire::{
    CollectionDraft, CollectionView, Money, ProductCard, ProductDetail, StoreCard, Storefront,
    Variant,
};

use crate::base::db::Db;
use crate::base::error::ApiError;
use crate::stores::cards::{self, SHOWN};
use crate::stores::stock::UNITS_OF_V;

#[derive(sqlx::FromRow)]
pub(crate) struct StoreRow {
    id: i64,
    handle: String,
    name: String,
    about: String,
    category: Option<String>,
    is_nonprofit: i64,
    avatar_media_id: Option<i64>,
    banner_media_id: Option<i64>,
    website_url: Option<String>,
}

impl From<StoreRow> for StoreCard {
    fn from(row: StoreRow) -> StoreCard {
        StoreCard {
            id: row.id,
            handle: row.handle,
            name: row.name,
            about: row.about,
            category: row.category,
            is_nonprofit: row.is_nonprofit != 0,
            avatar_media_id: row.avatar_media_id,
            banner_media_id: row.banner_media_id,
            website_url: row.website_url,
        }
    }
}

/// The store-card columns of stores `s`; a store's category is that of its newest
/// shown product.
pub(crate) fn store_columns() -> String {
    format!(
        "s.id, s.handle, s.name, s.about, s.is_nonprofit, s.avatar_media_id,
         s.banner_media_id, s.website_url,
         (SELECT pr.category FROM products pr WHERE pr.store_id = s.id AND {SHOWN}
          ORDER BY pr.published_at DESC, pr.id DESC LIMIT 1) AS category"
    )
}

/// Store cards by a condition on `s`, with one bound text parameter.
pub(crate) async fn store_cards_where(
    db: &Db,
    condition: &str,
    param: &str,
) -> Result<Vec<StoreCard>, ApiError> {
    let sql = format!("SELECT {} FROM stores s WHERE {condition}", store_columns());
    let rows: Vec<StoreRow> = sqlx::query_as(&sql).bind(param).fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(StoreCard::from).collect())
}

/// The store with this handle; 404 when there is none.
pub async fn store_card(db: &Db, handle: &str) -> Result<StoreCard, ApiError> {
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    store_cards_where(db, "s.handle = $1", &handle)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("store"))
}

/// The mini-store as shoppers see it.
pub async fn storefront(db: &Db, handle: &str) -> Result<Storefront, ApiError> {
    let store = store_card(db, handle).await?;
    let products = cards::cards_of_store(db, store.id).await?;
    let collections = collections_of(db, store.id).await?;
    Ok(assemble(store, products, &collections))
}

/// A store's published collections, in order, with all their products (shown or not).
pub(crate) async fn collections_of(
    db: &Db,
    store_id: i64,
) -> Result<Vec<CollectionDraft>, ApiError> {
    let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT c.id, c.name, cp.product_id FROM collections c
         LEFT JOIN collection_products cp ON cp.collection_id = c.id
         WHERE c.store_id = $1 ORDER BY c.position, c.id, cp.position",
    )
    .bind(store_id)
    .fetch_all(&db.pool)
    .await?;
    let mut collections: Vec<CollectionDraft> = Vec::new();
    for (id, name, product) in rows {
        if collections.last().is_none_or(|last| last.id != Some(id)) {
            collections.push(CollectionDraft {
                id: Some(id),
                name,
                product_ids: Vec::new(),
            });
        }
        if let (Some(last), Some(product)) = (collections.last_mut(), product) {
            last.product_ids.push(product);
        }
    }
    Ok(collections)
}

/// A storefront from its parts: the products it shows (newest first), and its
/// collections, each keeping only the products shown. Published and previewed
/// storefronts are both made here, so a preview is exactly what publishing gives.
pub(crate) fn assemble(
    store: StoreCard,
    products: Vec<ProductCard>,
    collections: &[CollectionDraft],
) -> Storefront {
    let collections = collections
        .iter()
        .enumerate()
        .filter_map(|(i, collection)| {
            let shown: Vec<ProductCard> = collection
                .product_ids
                .iter()
                .filter_map(|id| products.iter().find(|p| p.id == *id).cloned())
                .collect();
            (!shown.is_empty()).then(|| CollectionView {
                // A collection not yet published has no id: number it below zero.
                id: collection
                    .id
                    .unwrap_or_else(|| -1 - i64::try_from(i).unwrap_or(0)),
                name: collection.name.clone(),
                products: shown,
            })
        })
        .collect();
    Storefront {
        store,
        collections,
        products,
        preview: false,
    }
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    title: String,
    description: String,
    category: String,
    currency: String,
    external_url: Option<String>,
    handle: String,
}

/// A product's page; 404 unless shoppers may see it.
pub async fn product(db: &Db, id: i64) -> Result<ProductDetail, ApiError> {
    let row: Option<ProductRow> = sqlx::query_as(&format!(
        "SELECT pr.title, pr.description, pr.category, pr.currency, pr.external_url, s.handle
         FROM products pr JOIN stores s ON s.id = pr.store_id WHERE pr.id = $1 AND {SHOWN}"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let row = row.ok_or_else(|| ApiError::not_found("product"))?;
    let store = store_card(db, &row.handle).await?;
    let images: Vec<(i64,)> = sqlx::query_as(
        "SELECT media_id FROM product_images WHERE product_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let variants: Vec<(i64, String, i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT v.id, v.name, v.price_minor, {UNITS_OF_V}, v.per_customer_limit FROM variants v
         WHERE v.product_id = $1 AND v.archived_at IS NULL ORDER BY v.id"
    ))
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(ProductDetail {
        id,
        title: row.title,
        description: row.description,
        category: row.category,
        store,
        images: images.into_iter().map(|(m,)| m).collect(),
        variants: variants
            .into_iter()
            .map(
                |(id, name, amount_minor, stock, per_customer_limit)| Variant {
                    id,
                    name,
                    price: Money {
                        amount_minor,
                        currency: row.currency.clone(),
                    },
                    stock,
                    per_customer_limit,
                },
            )
            .collect(),
        external_url: row.external_url,
    })
}
