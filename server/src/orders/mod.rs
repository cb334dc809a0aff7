//! Orders: what a shopper bought from one store, made by checkout, and what happens to
//! it after (`steps.rs`: shipped, delivered, cancelled, refunded, each with its money
//! moved on the ledger). This file reads them, for the shopper and for the store.

pub mod steps;

use std::collections::HashMap;

use souq_wire::{Address, Money, Order, OrderEvent, OrderLine, OrderPage, OrderStatus, User};
use sqlx::AnyConnection;

use crate::base::db::{Db, from_ms, placeholders};
use crate::base::error::ApiError;
use crate::base::paging::{Cursor, cut_page};
use crate::stores::owner::owned_store;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    checkout_id: i64,
    store_id: i64,
    store_handle: String,
    store_name: String,
    shopper_handle: String,
    status: String,
    currency: String,
    items_minor: i64,
    shipping_minor: i64,
    total_minor: i64,
    shipping_name: String,
    shipping_min_days: i64,
    shipping_max_days: i64,
    address: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    method: String,
    created_at: i64,
}

const SELECT: &str =
    "SELECT o.id, o.checkout_id, o.store_id, s.handle AS store_handle, s.name AS store_name,
        u.handle AS shopper_handle, o.status, o.currency, o.items_minor, o.shipping_minor,
        o.total_minor, o.shipping_name, o.shipping_min_days, o.shipping_max_days, o.address,
        o.carrier, o.tracking_number, c.method, o.created_at
    FROM orders o JOIN stores s ON s.id = o.store_id JOIN users u ON u.id = o.user_id
    JOIN checkouts c ON c.id = o.checkout_id";

type LineRow = (i64, i64, i64, String, String, i64, i64, Option<i64>);
type EventRow = (i64, String, String, i64);

fn money(amount_minor: i64, currency: &str) -> Money {
    Money {
        amount_minor,
        currency: currency.to_string(),
    }
}

/// Completes order rows with their lines and timelines, in the rows' order.
async fn assemble(conn: &mut AnyConnection, rows: Vec<Row>) -> Result<Vec<Order>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let sql = format!(
        "SELECT l.order_id, l.variant_id, l.product_id, l.title, l.variant_name,
                l.unit_price_minor, l.quantity,
                (SELECT i.media_id FROM product_images i WHERE i.product_id = l.product_id
                 ORDER BY i.position LIMIT 1)
         FROM order_lines l WHERE l.order_id IN ({}) ORDER BY l.order_id, l.variant_id",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, LineRow>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let mut lines: HashMap<i64, Vec<LineRow>> = HashMap::new();
    for line in query.fetch_all(&mut *conn).await? {
        lines.entry(line.0).or_default().push(line);
    }
    let sql = format!(
        "SELECT order_id, status, note, created_at FROM order_events
         WHERE order_id IN ({}) ORDER BY order_id, created_at,
           CASE status WHEN 'placed' THEN 0 WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2
                       WHEN 'delivered' THEN 3 ELSE 4 END",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, EventRow>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let mut events: HashMap<i64, Vec<EventRow>> = HashMap::new();
    for event in query.fetch_all(&mut *conn).await? {
        events.entry(event.0).or_default().push(event);
    }
    rows.into_iter()
        .map(|row| {
            let address: Address = serde_json::from_str(&row.address)
                .map_err(|e| ApiError::Internal(format!("order {}'s address: {e}", row.id)))?;
            let currency = row.currency.clone();
            Ok(Order {
                id: row.id,
                store_id: row.store_id,
                store_handle: row.store_handle,
                store_name: row.store_name,
                shopper_handle: row.shopper_handle,
                status: OrderStatus::parse(&row.status).unwrap_or(OrderStatus::Placed),
                lines: lines
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(
                        |(
                            _,
                            variant_id,
                            product_id,
                            title,
                            variant_name,
                            unit,
                            quantity,
                            image,
                        )| {
                            OrderLine {
                                variant_id,
                                product_id,
                                title,
                                variant_name,
                                unit_price: money(unit, &currency),
                                quantity,
                                line_total: money(unit.saturating_mul(quantity), &currency),
                                image_media_id: image,
                            }
                        },
                    )
                    .collect(),
                items: money(row.items_minor, &currency),
                shipping: money(row.shipping_minor, &currency),
                total: money(row.total_minor, &currency),
                shipping_name: row.shipping_name,
                shipping_min_days: row.shipping_min_days,
                shipping_max_days: row.shipping_max_days,
                address,
                carrier: row.carrier,
                tracking_number: row.tracking_number,
                payment_method: row.method,
                timeline: events
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(_, status, note, at)| {
                        Some(OrderEvent {
                            status: OrderStatus::parse(&status)?,
                            note,
                            at: from_ms(at),
                        })
                    })
                    .collect(),
                created_at: from_ms(row.created_at),
            })
        })
        .collect()
}

/// The orders a checkout placed, by store.
pub async fn of_checkout(
    conn: &mut AnyConnection,
    checkout_id: i64,
) -> Result<Vec<Order>, ApiError> {
    Ok(of_checkouts(conn, &[checkout_id])
        .await?
        .remove(&checkout_id)
        .unwrap_or_default())
}

/// The orders of each of these checkouts, in store order.
pub async fn of_checkouts(
    conn: &mut AnyConnection,
    checkout_ids: &[i64],
) -> Result<HashMap<i64, Vec<Order>>, ApiError> {
    if checkout_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "{SELECT} WHERE o.checkout_id IN ({}) ORDER BY o.checkout_id, o.store_id",
        placeholders(1, checkout_ids.len())
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for id in checkout_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let owners: Vec<i64> = rows.iter().map(|r| r.checkout_id).collect();
    let mut by_checkout: HashMap<i64, Vec<Order>> = HashMap::new();
    for (checkout_id, order) in owners.into_iter().zip(assemble(conn, rows).await?) {
        by_checkout.entry(checkout_id).or_default().push(order);
    }
    Ok(by_checkout)
}

async fn page(
    db: &Db,
    filter: &str,
    owner: i64,
    before: Cursor,
    limit: i64,
) -> Result<OrderPage, ApiError> {
    let mut rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE {filter} = $1 AND (o.created_at < $2 OR (o.created_at = $2 AND o.id < $3))
         ORDER BY o.created_at DESC, o.id DESC LIMIT $4"
    ))
    .bind(owner)
    .bind(before.at_ms)
    .bind(before.id)
    .bind(limit + 1)
    .fetch_all(&db.pool)
    .await?;
    let next_cursor = cut_page(&mut rows, limit, |r| Cursor {
        at_ms: r.created_at,
        id: r.id,
    });
    let mut conn = db.pool.acquire().await?;
    Ok(OrderPage {
        orders: assemble(&mut conn, rows).await?,
        next_cursor,
    })
}

/// The shopper's orders, newest first.
pub async fn mine(db: &Db, user: &User, before: Cursor, limit: i64) -> Result<OrderPage, ApiError> {
    page(db, "o.user_id", user.id, before, limit).await
}

/// A store's orders, newest first, for its owner.
pub async fn of_store(
    db: &Db,
    user: &User,
    handle: &str,
    before: Cursor,
    limit: i64,
) -> Result<OrderPage, ApiError> {
    let store = owned_store(db, user, handle).await?;
    page(db, "o.store_id", store.id, before, limit).await
}

/// One order, for the shopper who placed it or the owner of its store; 404 for anyone
/// else (whether it exists is nobody else's business).
pub async fn get(db: &Db, user: &User, id: i64) -> Result<Order, ApiError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE o.id = $1 AND (o.user_id = $2 OR s.owner_id = $2)"
    ))
    .bind(id)
    .bind(user.id)
    .fetch_all(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    assemble(&mut conn, rows)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("order"))
}
