//! The merchant studio: a store's owner edits products, variants, stock, images,
//! collections and the store's page as drafts; shoppers see none of it until "publish"
//! applies every draft in one transaction. The preview shows the storefront as it will
//! be. Only the store's owner may do any of it: 403 for anyone else.

use std::collections::{HashMap, HashSet};

use souq_wire::shop::CATEGORIES;
use souq_wire::studio::{
    MAX_ABOUT_CHARS, MAX_COLLECTION_NAME_CHARS, MAX_COLLECTIONS, MAX_DESCRIPTION_CHARS,
    MAX_PRICE_MINOR, MAX_PRODUCT_IMAGES, MAX_STOCK, MAX_TITLE_CHARS, MAX_VARIANT_NAME_CHARS,
    MAX_VARIANTS,
};
use souq_wire::{
    CollectionDraft, Money, NewStore, ProductCard, ProductDraft, Role, StoreDraft, Storefront,
    Studio, StudioProduct, User, VariantDraft,
};
use sqlx::AnyConnection;

use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::{Db, count_among, ids_not_in, now_ms};
use crate::base::error::ApiError;
use crate::base::limits::window::{self, Quota};
use crate::search;
use crate::stores::cards;
use crate::stores::owner::{OwnedStore, check_url, owned_store};
use crate::stores::stock::{self, UNITS_OF_V};
use crate::stores::storefront::{self, assemble, store_card};
use souq_wire::validate::shown_text;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Validation(message.into())
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The rules every product draft keeps; returns it trimmed.
pub fn check_product(draft: ProductDraft) -> Result<ProductDraft, ApiError> {
    let title = draft.title.trim().to_string();
    if title.is_empty() || chars(&title) > MAX_TITLE_CHARS {
        return Err(invalid(format!(
            "a product name has 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    shown_text(&title, false)?;
    let description = draft.description.trim().to_string();
    if chars(&description) > MAX_DESCRIPTION_CHARS {
        return Err(invalid(format!(
            "a description has at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    shown_text(&description, true)?;
    if !CATEGORIES.contains(&draft.category.as_str()) {
        return Err(invalid(format!(
            "the category must be one of {}",
            CATEGORIES.join(", ")
        )));
    }
    if draft.images.len() > MAX_PRODUCT_IMAGES {
        return Err(invalid(format!(
            "a product has at most {MAX_PRODUCT_IMAGES} images"
        )));
    }
    if draft.images.iter().collect::<HashSet<_>>().len() != draft.images.len() {
        return Err(invalid("an image is attached twice"));
    }
    if draft.variants.is_empty() || draft.variants.len() > MAX_VARIANTS {
        return Err(invalid(format!(
            "a product has 1 to {MAX_VARIANTS} variants"
        )));
    }
    let mut names = HashSet::new();
    let mut variants = Vec::new();
    for variant in draft.variants {
        let name = variant.name.trim().to_string();
        if name.is_empty() || chars(&name) > MAX_VARIANT_NAME_CHARS {
            return Err(invalid(format!(
                "a variant name has 1 to {MAX_VARIANT_NAME_CHARS} characters"
            )));
        }
        shown_text(&name, false)?;
        if !names.insert(name.to_lowercase()) {
            return Err(invalid(format!("two variants are named {name:?}")));
        }
        if !(1..=MAX_PRICE_MINOR).contains(&variant.price_minor) {
            return Err(invalid(format!(
                "a price is 1 to {MAX_PRICE_MINOR} (in minor units)"
            )));
        }
        if !(0..=MAX_STOCK).contains(&variant.stock) {
            return Err(invalid(format!("stock is 0 to {MAX_STOCK}")));
        }
        if variant
            .per_customer_limit
            .is_some_and(|most| !(1..=MAX_STOCK).contains(&most))
        {
            return Err(invalid(format!(
                "a limit per customer is 1 to {MAX_STOCK}, or none"
            )));
        }
        variants.push(VariantDraft { name, ..variant });
    }
    Ok(ProductDraft {
        title,
        description,
        category: draft.category,
        external_url: check_url(draft.external_url)?,
        images: draft.images,
        variants,
        archived: draft.archived,
    })
}

/// The rules that need the database: images are the owner's uploads, and variant ids
/// are the product's own.
async fn check_product_refs(
    db: &Db,
    store: &OwnedStore,
    product_id: Option<i64>,
    draft: &ProductDraft,
) -> Result<(), ApiError> {
    let owned = count_among(
        &db.pool,
        "SELECT COUNT(*) FROM media WHERE owner_id = $1 AND id",
        store.owner_id,
        &draft.images,
    )
    .await?;
    if owned != draft.images.len() {
        return Err(invalid("use only images you uploaded"));
    }
    let variant_ids: Vec<i64> = draft.variants.iter().filter_map(|v| v.id).collect();
    let mine = match product_id {
        Some(product) => count_among(
            &db.pool,
            "SELECT COUNT(*) FROM variants WHERE product_id = $1 AND archived_at IS NULL AND id",
            product,
            &variant_ids,
        )
        .await?,
        None => 0,
    };
    if mine != variant_ids.len() || variant_ids.iter().collect::<HashSet<_>>().len() != mine {
        return Err(invalid("a variant id is not one of this product's"));
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("draft: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored draft: {e}")))
}

async fn save_product_draft(
    conn: &mut AnyConnection,
    product_id: i64,
    draft: &ProductDraft,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO product_drafts (product_id, data, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (product_id) DO UPDATE SET data = excluded.data,
                                                updated_at = excluded.updated_at",
    )
    .bind(product_id)
    .bind(to_json(draft)?)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds a product as a draft: no shopper sees it before it is published.
pub async fn create_product(
    base: &Base,
    user: &User,
    handle: &str,
    draft: ProductDraft,
) -> Result<StudioProduct, ApiError> {
    let (db, limits) = (&base.db, &base.limits);
    let store = owned_store(db, user, handle).await?;
    let draft = check_product(draft)?;
    let (held,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products WHERE store_id = $1")
        .bind(store.id)
        .fetch_one(&db.pool)
        .await?;
    if held >= i64::from(limits.products_per_store) {
        return Err(invalid(format!(
            "a store holds at most {} products, archived ones included",
            limits.products_per_store
        )));
    }
    window::take(
        db,
        &format!("products:{}", store.id),
        1,
        Quota::new(
            limits.products_per_store_per_day,
            std::time::Duration::from_secs(24 * 60 * 60),
        ),
    )
    .await?;
    if draft.variants.iter().any(|v| v.id.is_some()) {
        return Err(invalid("a new product's variants are new too"));
    }
    check_product_refs(db, &store, None, &draft).await?;
    let mut tx = db.pool.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO products (store_id, title, description, category, currency, external_url,
                               created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(store.id)
    .bind(&draft.title)
    .bind(&draft.description)
    .bind(&draft.category)
    .bind(&store.currency)
    .bind(&draft.external_url)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    save_product_draft(&mut tx, id, &draft).await?;
    tx.commit().await?;
    Ok(StudioProduct {
        id,
        draft,
        published: false,
        has_draft: true,
    })
}

/// Saves changes to a product as its draft.
pub async fn edit_product(
    db: &Db,
    user: &User,
    handle: &str,
    product_id: i64,
    draft: ProductDraft,
) -> Result<StudioProduct, ApiError> {
    let store = owned_store(db, user, handle).await?;
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT published_at FROM products WHERE id = $1 AND store_id = $2")
            .bind(product_id)
            .bind(store.id)
            .fetch_optional(&db.pool)
            .await?;
    let (published_at,) = row.ok_or_else(|| ApiError::not_found("product"))?;
    let draft = check_product(draft)?;
    check_product_refs(db, &store, Some(product_id), &draft).await?;
    let mut conn = db.pool.acquire().await?;
    save_product_draft(&mut conn, product_id, &draft).await?;
    Ok(StudioProduct {
        id: product_id,
        draft,
        published: published_at.is_some(),
        has_draft: true,
    })
}

/// Saves the store's about text, banner and collections as its draft.
pub async fn edit_page(
    db: &Db,
    user: &User,
    handle: &str,
    page: StoreDraft,
) -> Result<Studio, ApiError> {
    let store = owned_store(db, user, handle).await?;
    let about = page.about.trim().to_string();
    if chars(&about) > MAX_ABOUT_CHARS {
        return Err(invalid(format!(
            "the about text has at most {MAX_ABOUT_CHARS} characters"
        )));
    }
    shown_text(&about, true)?;
    if page.collections.len() > MAX_COLLECTIONS {
        return Err(invalid(format!(
            "a store has at most {MAX_COLLECTIONS} collections"
        )));
    }
    let mut collections = Vec::new();
    let mut collection_ids = Vec::new();
    for collection in page.collections {
        let name = collection.name.trim().to_string();
        if name.is_empty() || chars(&name) > MAX_COLLECTION_NAME_CHARS {
            return Err(invalid(format!(
                "a collection name has 1 to {MAX_COLLECTION_NAME_CHARS} characters"
            )));
        }
        shown_text(&name, false)?;
        let products: Vec<i64> = {
            let mut seen = HashSet::new();
            collection
                .product_ids
                .into_iter()
                .filter(|id| seen.insert(*id))
                .collect()
        };
        let own = count_among(
            &db.pool,
            "SELECT COUNT(*) FROM products WHERE store_id = $1 AND id",
            store.id,
            &products,
        )
        .await?;
        if own != products.len() {
            return Err(invalid("a collection holds only this store's products"));
        }
        collection_ids.extend(collection.id);
        collections.push(CollectionDraft {
            id: collection.id,
            name,
            product_ids: products,
        });
    }
    let own = count_among(
        &db.pool,
        "SELECT COUNT(*) FROM collections WHERE store_id = $1 AND id",
        store.id,
        &collection_ids,
    )
    .await?;
    if own != collection_ids.len() {
        return Err(invalid("a collection id is not one of this store's"));
    }
    if let Some(banner) = page.banner_media_id {
        let owned = count_among(
            &db.pool,
            "SELECT COUNT(*) FROM media WHERE owner_id = $1 AND id",
            store.owner_id,
            &[banner],
        )
        .await?;
        if owned != 1 {
            return Err(invalid("use only images you uploaded"));
        }
    }
    let page = StoreDraft {
        about,
        banner_media_id: page.banner_media_id,
        collections,
    };
    sqlx::query(
        "INSERT INTO store_drafts (store_id, data, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (store_id) DO UPDATE SET data = excluded.data,
                                              updated_at = excluded.updated_at",
    )
    .bind(store.id)
    .bind(to_json(&page)?)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    studio_of(db, &store).await
}

#[derive(sqlx::FromRow)]
struct ProductState {
    id: i64,
    title: String,
    description: String,
    category: String,
    external_url: Option<String>,
    published_at: Option<i64>,
    archived_at: Option<i64>,
    draft: Option<String>,
}

/// Every product of the store with what the studio edits: its draft, or its published
/// state when it has none. Newest first.
async fn products_of(db: &Db, store_id: i64) -> Result<Vec<StudioProduct>, ApiError> {
    let rows: Vec<ProductState> = sqlx::query_as(
        "SELECT pr.id, pr.title, pr.description, pr.category, pr.external_url,
                pr.published_at, pr.archived_at, d.data AS draft
         FROM products pr LEFT JOIN product_drafts d ON d.product_id = pr.id
         WHERE pr.store_id = $1 ORDER BY pr.created_at DESC, pr.id DESC",
    )
    .bind(store_id)
    .fetch_all(&db.pool)
    .await?;
    let images: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT i.product_id, i.media_id FROM product_images i
         JOIN products pr ON pr.id = i.product_id
         WHERE pr.store_id = $1 ORDER BY i.product_id, i.position",
    )
    .bind(store_id)
    .fetch_all(&db.pool)
    .await?;
    let variants: Vec<(i64, i64, String, i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT v.product_id, v.id, v.name, v.price_minor, {UNITS_OF_V}, v.per_customer_limit
         FROM variants v
         JOIN products pr ON pr.id = v.product_id
         WHERE pr.store_id = $1 AND v.archived_at IS NULL ORDER BY v.product_id, v.id"
    ))
    .bind(store_id)
    .fetch_all(&db.pool)
    .await?;
    let mut images_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (product, media) in images {
        images_of.entry(product).or_default().push(media);
    }
    let mut variants_of: HashMap<i64, Vec<VariantDraft>> = HashMap::new();
    for (product, id, name, price_minor, stock, per_customer_limit) in variants {
        variants_of.entry(product).or_default().push(VariantDraft {
            id: Some(id),
            name,
            price_minor,
            stock,
            per_customer_limit,
        });
    }
    rows.into_iter()
        .map(|row| {
            let published = row.published_at.is_some();
            let (draft, has_draft) = match &row.draft {
                Some(data) => (from_json::<ProductDraft>(data)?, true),
                None => (
                    ProductDraft {
                        images: images_of.remove(&row.id).unwrap_or_default(),
                        variants: variants_of.remove(&row.id).unwrap_or_default(),
                        title: row.title,
                        description: row.description,
                        category: row.category,
                        external_url: row.external_url,
                        archived: row.archived_at.is_some(),
                    },
                    false,
                ),
            };
            Ok(StudioProduct {
                id: row.id,
                draft,
                published,
                has_draft,
            })
        })
        .collect()
}

/// The store page the studio edits: its draft, or what is published.
async fn page_of(db: &Db, store_id: i64) -> Result<(StoreDraft, bool), ApiError> {
    let draft: Option<(String,)> =
        sqlx::query_as("SELECT data FROM store_drafts WHERE store_id = $1")
            .bind(store_id)
            .fetch_optional(&db.pool)
            .await?;
    if let Some((data,)) = draft {
        return Ok((from_json(&data)?, true));
    }
    let (about, banner_media_id): (String, Option<i64>) =
        sqlx::query_as("SELECT about, banner_media_id FROM stores WHERE id = $1")
            .bind(store_id)
            .fetch_one(&db.pool)
            .await?;
    Ok((
        StoreDraft {
            about,
            banner_media_id,
            collections: storefront::collections_of(db, store_id).await?,
        },
        false,
    ))
}

async fn studio_of(db: &Db, store: &OwnedStore) -> Result<Studio, ApiError> {
    let products = products_of(db, store.id).await?;
    let (page, page_draft) = page_of(db, store.id).await?;
    Ok(Studio {
        store: store_card(db, &store.handle).await?,
        currency: store.currency.clone(),
        has_drafts: page_draft || products.iter().any(|p| p.has_draft),
        page,
        products,
    })
}

pub async fn studio(db: &Db, user: &User, handle: &str) -> Result<Studio, ApiError> {
    let store = owned_store(db, user, handle).await?;
    studio_of(db, &store).await
}

/// A product as its card will be once published; `None` when it will not show.
fn card_of(product: &StudioProduct, store_name: &str, currency: &str) -> Option<ProductCard> {
    let draft = &product.draft;
    if draft.archived {
        return None;
    }
    let price = draft.variants.iter().map(|v| v.price_minor).min()?;
    Some(ProductCard {
        id: product.id,
        title: draft.title.clone(),
        store_name: store_name.to_string(),
        category: draft.category.clone(),
        price: Money {
            amount_minor: price,
            currency: currency.to_string(),
        },
        image_media_id: draft.images.first().copied(),
        in_stock: draft.variants.iter().any(|v| v.stock > 0),
    })
}

/// The storefront exactly as shoppers will see it once the drafts are published.
pub async fn preview(db: &Db, user: &User, handle: &str) -> Result<Storefront, ApiError> {
    let store = owned_store(db, user, handle).await?;
    let studio = studio_of(db, &store).await?;
    let mut card = studio.store.clone();
    card.about = studio.page.about.clone();
    card.banner_media_id = studio.page.banner_media_id;
    let products: Vec<ProductCard> = studio
        .products
        .iter()
        .filter_map(|p| card_of(p, &card.name, &studio.currency))
        .collect();
    let mut front = assemble(card, products, &studio.page.collections);
    front.preview = true;
    Ok(front)
}

/// Makes every draft of the store what shoppers see, at once. The drafts are read inside
/// the publishing transaction and each is deleted only if it is still the one applied,
/// so a draft saved meanwhile stays a draft instead of being lost. With no drafts,
/// nothing changes and no cache is cleared.
pub async fn publish(base: &Base, user: &User, handle: &str) -> Result<Storefront, ApiError> {
    let db = &base.db;
    let store = owned_store(db, user, handle).await?;
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    // Write first: SQLite takes its write lock now rather than failing to upgrade a read
    // later, and on PostgreSQL two publishes of one store take turns.
    sqlx::query("UPDATE stores SET id = id WHERE id = $1")
        .bind(store.id)
        .execute(&mut *tx)
        .await?;
    let product_drafts: Vec<(i64, String)> = sqlx::query_as(
        "SELECT d.product_id, d.data FROM product_drafts d
         JOIN products pr ON pr.id = d.product_id
         WHERE pr.store_id = $1 ORDER BY d.product_id",
    )
    .bind(store.id)
    .fetch_all(&mut *tx)
    .await?;
    let page_draft: Option<(String,)> =
        sqlx::query_as("SELECT data FROM store_drafts WHERE store_id = $1")
            .bind(store.id)
            .fetch_optional(&mut *tx)
            .await?;
    if product_drafts.is_empty() && page_draft.is_none() {
        tx.rollback().await?;
        return storefront::storefront(db, &store.handle).await;
    }
    for (product_id, data) in &product_drafts {
        apply_product(&mut tx, &store, *product_id, &from_json(data)?, now).await?;
        sqlx::query("DELETE FROM product_drafts WHERE product_id = $1 AND data = $2")
            .bind(product_id)
            .bind(data)
            .execute(&mut *tx)
            .await?;
    }
    if let Some((data,)) = &page_draft {
        apply_page(&mut tx, store.id, &from_json(data)?).await?;
        sqlx::query("DELETE FROM store_drafts WHERE store_id = $1 AND data = $2")
            .bind(store.id)
            .bind(data)
            .execute(&mut *tx)
            .await?;
    }
    // Collection names are searched words of their products: index them all again.
    let products: Vec<i64> =
        sqlx::query_as::<_, (i64,)>("SELECT id FROM products WHERE store_id = $1")
            .bind(store.id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
    search::index_products(&mut tx, &products).await?;
    search::index_store(&mut tx, store.id).await?;
    tx.commit().await?;
    base.publish(&[Change::Catalog(store.id)]).await;
    storefront::storefront(db, &store.handle).await
}

async fn apply_product(
    conn: &mut AnyConnection,
    store: &OwnedStore,
    product_id: i64,
    draft: &ProductDraft,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE products SET title = $1, description = $2, category = $3, external_url = $4,
             published_at = COALESCE(published_at, $5),
             archived_at = CASE WHEN $6 = 1 THEN COALESCE(archived_at, $5) ELSE NULL END
         WHERE id = $7",
    )
    .bind(&draft.title)
    .bind(&draft.description)
    .bind(&draft.category)
    .bind(&draft.external_url)
    .bind(now)
    .bind(i64::from(draft.archived))
    .bind(product_id)
    .execute(&mut *conn)
    .await?;
    // Variants: the draft's list is the whole list.
    let kept: Vec<i64> = draft.variants.iter().filter_map(|v| v.id).collect();
    // An option an open drop sells keeps the drop's stock, whatever the draft says.
    // Up a floor: the store's own edit must not pull an option from under a drop that
    // sells it, in the same transaction; a change published afterwards would be too late.
    let in_drops = crate::drops::studio::options_in_open_drops(conn, product_id, &kept).await?;
    retire_variants_but(conn, product_id, &kept, now).await?;
    for (n, variant) in (1i64..).zip(&draft.variants) {
        let id = match variant.id {
            Some(id) => {
                sqlx::query(
                    "UPDATE variants SET name = $1, price_minor = $2, per_customer_limit = $3
                     WHERE id = $4 AND product_id = $5",
                )
                .bind(&variant.name)
                .bind(variant.price_minor)
                .bind(variant.per_customer_limit)
                .bind(id)
                .bind(product_id)
                .execute(&mut *conn)
                .await?;
                id
            }
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO variants (product_id, name, sku, price_minor, per_customer_limit)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(product_id)
                .bind(&variant.name)
                .bind(format!("{}-{}-{n}-{now}", store.handle, product_id))
                .bind(variant.price_minor)
                .bind(variant.per_customer_limit)
                .fetch_one(&mut *conn)
                .await?;
                id
            }
        };
        if !in_drops.contains(&id) {
            stock::set(conn, id, variant.stock).await?;
        }
    }
    sqlx::query("DELETE FROM product_images WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    for (position, media) in (0i64..).zip(&draft.images) {
        sqlx::query(
            "INSERT INTO product_images (product_id, position, media_id) VALUES ($1, $2, $3)",
        )
        .bind(product_id)
        .bind(position)
        .bind(*media)
        .execute(&mut *conn)
        .await?;
    }
    cards::refresh_summary(conn, product_id).await
}

/// Deletes the rows of `table` that belong to `owner` (by `owner_column`) except those
/// whose id is in `kept`: a published list becomes exactly its draft's list.
async fn delete_all_but(
    conn: &mut AnyConnection,
    table: &str,
    owner_column: &str,
    owner: i64,
    kept: &[i64],
) -> Result<(), ApiError> {
    let sql = format!(
        "DELETE FROM {table} WHERE {owner_column} = $1{}",
        ids_not_in(2, kept.len())
    );
    let mut delete = sqlx::query(&sql).bind(owner);
    for id in kept {
        delete = delete.bind(*id);
    }
    delete.execute(conn).await?;
    Ok(())
}

/// Variants the draft no longer lists leave the shop: those that orders name are
/// archived (their orders keep showing what was bought), the others deleted.
async fn retire_variants_but(
    conn: &mut AnyConnection,
    product_id: i64,
    kept: &[i64],
    now: i64,
) -> Result<(), ApiError> {
    let archive = format!(
        "UPDATE variants SET archived_at = $2 WHERE product_id = $1 AND archived_at IS NULL
           AND EXISTS (SELECT 1 FROM order_lines o WHERE o.variant_id = variants.id){}",
        ids_not_in(3, kept.len())
    );
    let mut query = sqlx::query(&archive).bind(product_id).bind(now);
    for id in kept {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    let delete = format!(
        "DELETE FROM variants WHERE product_id = $1 AND archived_at IS NULL{}",
        ids_not_in(2, kept.len())
    );
    let mut query = sqlx::query(&delete).bind(product_id);
    for id in kept {
        query = query.bind(*id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

async fn apply_page(
    conn: &mut AnyConnection,
    store_id: i64,
    page: &StoreDraft,
) -> Result<(), ApiError> {
    sqlx::query("UPDATE stores SET about = $1, banner_media_id = $2 WHERE id = $3")
        .bind(&page.about)
        .bind(page.banner_media_id)
        .bind(store_id)
        .execute(&mut *conn)
        .await?;
    let kept: Vec<i64> = page.collections.iter().filter_map(|c| c.id).collect();
    delete_all_but(conn, "collections", "store_id", store_id, &kept).await?;
    for (position, collection) in (0i64..).zip(&page.collections) {
        let id = match collection.id {
            Some(id) => {
                sqlx::query(
                    "UPDATE collections SET name = $1, position = $2 WHERE id = $3 AND store_id = $4",
                )
                .bind(&collection.name)
                .bind(position)
                .bind(id)
                .bind(store_id)
                .execute(&mut *conn)
                .await?;
                id
            }
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO collections (store_id, name, position) VALUES ($1, $2, $3)
                     RETURNING id",
                )
                .bind(store_id)
                .bind(&collection.name)
                .bind(position)
                .fetch_one(&mut *conn)
                .await?;
                id
            }
        };
        sqlx::query("DELETE FROM collection_products WHERE collection_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (place, product) in (0i64..).zip(&collection.product_ids) {
            sqlx::query(
                "INSERT INTO collection_products (collection_id, product_id, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(*product)
            .bind(place)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Throws every draft away; products that were never published go with them.
pub async fn discard(db: &Db, user: &User, handle: &str) -> Result<Studio, ApiError> {
    let store = owned_store(db, user, handle).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "DELETE FROM product_drafts
         WHERE product_id IN (SELECT id FROM products WHERE store_id = $1)",
    )
    .bind(store.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM products WHERE store_id = $1 AND published_at IS NULL")
        .bind(store.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM store_drafts WHERE store_id = $1")
        .bind(store.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    studio_of(db, &store).await
}

/// Opens the merchant's store, under their own handle; 409 when they already run one.
pub async fn open_store(base: &Base, user: &User, new: NewStore) -> Result<Studio, ApiError> {
    let db = &base.db;
    if user.role == Role::Shopper {
        return Err(ApiError::Forbidden(
            "only merchant and nonprofit accounts run a store".into(),
        ));
    }
    let name = new.name.trim().to_string();
    if name.is_empty() || chars(&name) > MAX_TITLE_CHARS {
        return Err(invalid(format!(
            "a store name has 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    shown_text(&name, false)?;
    let about = new.about.trim().to_string();
    if chars(&about) > MAX_ABOUT_CHARS {
        return Err(invalid(format!(
            "the about text has at most {MAX_ABOUT_CHARS} characters"
        )));
    }
    shown_text(&about, true)?;
    let currency = new.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid("the currency is a three-letter ISO 4217 code"));
    }
    let inserted = sqlx::query(
        "INSERT INTO stores (owner_id, handle, name, about, is_nonprofit, currency, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(user.id)
    .bind(&user.handle)
    .bind(&name)
    .bind(&about)
    // A nonprofit's store opens pending: only an operator's `souq-server
    // verify-nonprofit` turns its badge on (`stores::verify_nonprofit`).
    .bind(0i64)
    .bind(&currency)
    .bind(now_ms())
    .execute(&db.pool)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::Conflict("you already run a store".into()));
    }
    let store = owned_store(db, user, &user.handle).await?;
    let mut conn = db.pool.acquire().await?;
    search::index_store(&mut conn, store.id).await?;
    base.publish(&[Change::Catalog(store.id)]).await;
    studio_of(db, &store).await
}
