//! Each store's shipping options (name, price, delivery days), set in the studio and
//! chosen by shoppers at checkout. Orders copy the option they chose, so an option
//! removed later is archived and changes no order.

use std::collections::HashMap;

use souq_wire::checkout::MAX_SHIPPING_OPTIONS;
use souq_wire::studio::MAX_PRICE_MINOR;
use souq_wire::validate::shown_text;
use souq_wire::{Money, ShippingOption, ShippingOptions, User};
use sqlx::AnyConnection;

use crate::base::db::{Db, ids_not_in, now_ms, placeholders};
use crate::base::error::ApiError;
use crate::stores::owner::owned_store;

const MAX_NAME_CHARS: usize = 60;
const MAX_DAYS: i64 = 90;

type Row = (i64, i64, String, i64, i64, i64, String);

fn option((id, _store, name, price_minor, min_days, max_days, currency): Row) -> ShippingOption {
    ShippingOption {
        id,
        name,
        price: Money {
            amount_minor: price_minor,
            currency,
        },
        min_days,
        max_days,
    }
}

/// The options each of these stores offers now, in the store's order.
pub async fn of_stores(
    conn: &mut AnyConnection,
    store_ids: &[i64],
) -> Result<HashMap<i64, Vec<ShippingOption>>, ApiError> {
    let mut by_store: HashMap<i64, Vec<ShippingOption>> = HashMap::new();
    if store_ids.is_empty() {
        return Ok(by_store);
    }
    let sql = format!(
        "SELECT o.id, o.store_id, o.name, o.price_minor, o.min_days, o.max_days, s.currency
         FROM shipping_options o JOIN stores s ON s.id = o.store_id
         WHERE o.archived_at IS NULL AND o.store_id IN ({})
         ORDER BY o.store_id, o.position, o.id",
        placeholders(1, store_ids.len())
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for id in store_ids {
        query = query.bind(*id);
    }
    for row in query.fetch_all(conn).await? {
        by_store.entry(row.1).or_default().push(option(row));
    }
    Ok(by_store)
}

/// The stores selling these options, in store order, each with its options among them.
pub async fn stores_of_variants(
    conn: &mut AnyConnection,
    variant_ids: &[i64],
) -> Result<Vec<(i64, String, Vec<i64>)>, ApiError> {
    if variant_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT s.id, s.name, v.id FROM variants v JOIN products pr ON pr.id = v.product_id
         JOIN stores s ON s.id = pr.store_id WHERE v.id IN ({}) ORDER BY s.id, v.id",
        placeholders(1, variant_ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String, i64)>(&sql);
    for id in variant_ids {
        query = query.bind(*id);
    }
    let mut stores: Vec<(i64, String, Vec<i64>)> = Vec::new();
    for (store_id, name, variant_id) in query.fetch_all(conn).await? {
        match stores.last_mut() {
            Some((id, _, variants)) if *id == store_id => variants.push(variant_id),
            _ => stores.push((store_id, name, vec![variant_id])),
        }
    }
    Ok(stores)
}

/// The studio's view: the store's options, for its owner.
pub async fn list(db: &Db, user: &User, handle: &str) -> Result<Vec<ShippingOption>, ApiError> {
    let store = owned_store(db, user, handle).await?;
    let mut conn = db.pool.acquire().await?;
    Ok(of_stores(&mut conn, &[store.id])
        .await?
        .remove(&store.id)
        .unwrap_or_default())
}

/// Replaces the store's options with `options`: listed ones are kept or added in order,
/// the others archived.
pub async fn set(
    db: &Db,
    user: &User,
    handle: &str,
    options: &ShippingOptions,
) -> Result<Vec<ShippingOption>, ApiError> {
    let store = owned_store(db, user, handle).await?;
    if options.options.len() > MAX_SHIPPING_OPTIONS {
        return Err(ApiError::Validation(format!(
            "a store has at most {MAX_SHIPPING_OPTIONS} shipping options"
        )));
    }
    for option in &options.options {
        let name = option.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::Validation(format!(
                "a shipping option's name has 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        shown_text(name, false).map_err(|e| ApiError::Validation(e.message().into()))?;
        if !(0..=MAX_PRICE_MINOR).contains(&option.price_minor) {
            return Err(ApiError::Validation(format!(
                "a shipping price is 0 to {MAX_PRICE_MINOR} minor units"
            )));
        }
        if !(0..=MAX_DAYS).contains(&option.min_days)
            || !(option.min_days..=MAX_DAYS).contains(&option.max_days)
        {
            return Err(ApiError::Validation(format!(
                "delivery takes 0 to {MAX_DAYS} days, the least first"
            )));
        }
    }
    let mut tx = db.begin_durable().await?;
    let now = now_ms();
    let mut kept = Vec::new();
    for (position, option) in (0i64..).zip(&options.options) {
        let updated = match option.id {
            Some(id) => {
                sqlx::query(
                    "UPDATE shipping_options SET name = $1, price_minor = $2, min_days = $3,
                         max_days = $4, position = $5
                     WHERE id = $6 AND store_id = $7 AND archived_at IS NULL",
                )
                .bind(option.name.trim())
                .bind(option.price_minor)
                .bind(option.min_days)
                .bind(option.max_days)
                .bind(position)
                .bind(id)
                .bind(store.id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1
            }
            None => false,
        };
        let id = match (updated, option.id) {
            (true, Some(id)) => id,
            (false, Some(_)) => return Err(ApiError::not_found("shipping option")),
            (_, None) => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO shipping_options (store_id, name, price_minor, min_days,
                                                   max_days, position)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(store.id)
                .bind(option.name.trim())
                .bind(option.price_minor)
                .bind(option.min_days)
                .bind(option.max_days)
                .bind(position)
                .fetch_one(&mut *tx)
                .await?;
                id
            }
        };
        kept.push(id);
    }
    let sql = format!(
        "UPDATE shipping_options SET archived_at = $2
         WHERE store_id = $1 AND archived_at IS NULL{}",
        ids_not_in(3, kept.len())
    );
    let mut archive = sqlx::query(&sql).bind(store.id).bind(now);
    for id in &kept {
        archive = archive.bind(*id);
    }
    archive.execute(&mut *tx).await?;
    let options = of_stores(&mut tx, &[store.id])
        .await?
        .remove(&store.id)
        .unwrap_or_default();
    tx.commit().await?;
    Ok(options)
}
