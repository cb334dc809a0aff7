//! Each shopper's cart: options of shown products with a quantity, never more than is
//! in stock when added. Totals are kept per currency, in integer minor units.

use std::collections::BTreeMap;

use souq_wire::cart::{MAX_CART_LINES, MAX_QUANTITY};
use souq_wire::{AddToCart, Cart, CartLine, Money, User};

use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::stores::cards::{self, SHOWN};
use crate::stores::stock::UNITS_OF_V;

/// The stock of an option of a shown product; 404 when there is none.
async fn stock_of(db: &Db, variant_id: i64) -> Result<i64, ApiError> {
    let row: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT {UNITS_OF_V} FROM variants v JOIN products pr ON pr.id = v.product_id
         WHERE v.id = $1 AND v.archived_at IS NULL AND {SHOWN}"
    ))
    .bind(variant_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(stock,)| stock)
        .ok_or_else(|| ApiError::not_found("product option"))
}

fn check_quantity(quantity: i64, stock: i64) -> Result<(), ApiError> {
    if !(0..=MAX_QUANTITY).contains(&quantity) {
        return Err(ApiError::Validation(format!(
            "a quantity is 0 to {MAX_QUANTITY}"
        )));
    }
    if quantity > stock {
        return Err(ApiError::Validation(if stock == 0 {
            "this option is sold out".into()
        } else {
            format!("only {stock} left")
        }));
    }
    Ok(())
}

/// Adds to what the cart already holds of an option, in one statement: concurrent adds
/// of one option each count, and together never pass the stock or `MAX_QUANTITY`.
pub async fn add(db: &Db, user: &User, add: &AddToCart) -> Result<Cart, ApiError> {
    if add.quantity < 1 {
        return Err(ApiError::Validation("add at least one".into()));
    }
    let stock = stock_of(db, add.variant_id).await?;
    let most = stock.min(MAX_QUANTITY);
    check_quantity(add.quantity, stock)?;
    check_room(db, user, add.variant_id).await?;
    let added: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO cart_items (user_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, variant_id) DO UPDATE
           SET quantity = cart_items.quantity + excluded.quantity
           WHERE cart_items.quantity + excluded.quantity <= $5
         RETURNING quantity",
    )
    .bind(user.id)
    .bind(add.variant_id)
    .bind(add.quantity)
    .bind(now_ms())
    .bind(most)
    .fetch_optional(&db.pool)
    .await?;
    if added.is_none() {
        // Refused: say why, from what the cart holds now.
        let held: Option<(i64,)> = sqlx::query_as(
            "SELECT quantity FROM cart_items WHERE user_id = $1 AND variant_id = $2",
        )
        .bind(user.id)
        .bind(add.variant_id)
        .fetch_optional(&db.pool)
        .await?;
        let held = held.map_or(0, |(q,)| q);
        check_quantity(held.saturating_add(add.quantity), stock)?;
        return Err(ApiError::Conflict(
            "the cart changed meanwhile; try again".into(),
        ));
    }
    get(db, user).await
}

/// A new option fits only while the cart holds fewer than `MAX_CART_LINES`.
async fn check_room(db: &Db, user: &User, variant_id: i64) -> Result<(), ApiError> {
    let (lines, holds_it): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN variant_id = $2 THEN 1 ELSE 0 END), 0)
         FROM cart_items WHERE user_id = $1",
    )
    .bind(user.id)
    .bind(variant_id)
    .fetch_one(&db.pool)
    .await?;
    if holds_it == 0 && lines >= MAX_CART_LINES {
        return Err(ApiError::Validation(format!(
            "a cart holds at most {MAX_CART_LINES} different options"
        )));
    }
    Ok(())
}

/// Sets how many of an option the cart holds; 0 takes it out.
pub async fn set(db: &Db, user: &User, variant_id: i64, quantity: i64) -> Result<Cart, ApiError> {
    if quantity == 0 {
        sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND variant_id = $2")
            .bind(user.id)
            .bind(variant_id)
            .execute(&db.pool)
            .await?;
        return get(db, user).await;
    }
    let stock = stock_of(db, variant_id).await?;
    check_quantity(quantity, stock)?;
    check_room(db, user, variant_id).await?;
    store(db, user, variant_id, quantity).await?;
    get(db, user).await
}

async fn store(db: &Db, user: &User, variant_id: i64, quantity: i64) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO cart_items (user_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, variant_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(user.id)
    .bind(variant_id)
    .bind(quantity)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LineRow {
    variant_id: i64,
    variant_name: String,
    product_id: i64,
    price_minor: i64,
    stock: i64,
    quantity: i64,
}

/// The cart, oldest line first; options of products no longer shown are left out.
pub async fn get(db: &Db, user: &User) -> Result<Cart, ApiError> {
    let rows: Vec<LineRow> = sqlx::query_as(&format!(
        "SELECT c.variant_id, v.name AS variant_name, v.product_id, v.price_minor,
                {UNITS_OF_V} AS stock, c.quantity
         FROM cart_items c JOIN variants v ON v.id = c.variant_id
         JOIN products pr ON pr.id = v.product_id
         WHERE c.user_id = $1 AND v.archived_at IS NULL AND {SHOWN}
         ORDER BY c.added_at, c.variant_id"
    ))
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    let product_ids: Vec<i64> = rows.iter().map(|r| r.product_id).collect();
    let products = cards::cards(db, &product_ids).await?;
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut items: i64 = 0;
    let mut lines = Vec::new();
    for row in rows {
        let Some(product) = products.iter().find(|p| p.id == row.product_id).cloned() else {
            continue;
        };
        let currency = product.price.currency.clone();
        let line_total = row
            .price_minor
            .checked_mul(row.quantity)
            .ok_or_else(|| ApiError::Validation("a cart line is too large".into()))?;
        let total = totals.entry(currency.clone()).or_default();
        *total = total
            .checked_add(line_total)
            .ok_or_else(|| ApiError::Validation("a cart total is too large".into()))?;
        items = items.saturating_add(row.quantity);
        lines.push(CartLine {
            variant_id: row.variant_id,
            variant_name: row.variant_name,
            unit_price: Money {
                amount_minor: row.price_minor,
                currency: currency.clone(),
            },
            quantity: row.quantity,
            in_stock: row.stock,
            line_total: Money {
                amount_minor: line_total,
                currency,
            },
            product,
        });
    }
    Ok(Cart {
        lines,
        totals: totals
            .into_iter()
            .map(|(currency, amount_minor)| Money {
                amount_minor,
                currency,
            })
            .collect(),
        items,
    })
}
