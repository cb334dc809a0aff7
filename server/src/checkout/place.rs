//! Placing orders, as one unit of work: check what the shopper reviewed against what is
//! sold now, make one order per store, and, when the wallet pays, pay them through the
//! ledger; then, last, hold each buyer's limit and take the stock, all in one transaction
//! with the attempt's outcome. The stock comes last because its rows are the ones other
//! buyers of the option want: taken just before the commit, each lot's lock is held for
//! the commit alone. A card payment leaves the orders placed and the stock reserved until
//! the processor answers (`settle.rs`).

use std::collections::{BTreeMap, HashSet};

use souq_wire::cart::{MAX_CART_LINES, MAX_QUANTITY};
use souq_wire::studio::MAX_PRICE_MINOR;
use souq_wire::{CheckoutRequest, OrderStatus};
use sqlx::AnyConnection;

use super::claim::Attempt;
use crate::checkout::addresses;
use crate::db::placeholders;
use crate::error::ApiError;
use crate::ledger::{self, Amount, Currency, Holder, Kind, Transfer, TransferId};
use crate::notifications;
use crate::stores::cards::SHOWN;
use crate::stores::shipping;
use crate::stores::stock::{self, TakeError};

/// One option as it is sold now.
#[derive(sqlx::FromRow)]
struct Offer {
    variant_id: i64,
    product_id: i64,
    variant_name: String,
    price_minor: i64,
    per_customer_limit: Option<i64>,
    title: String,
    store_id: i64,
    store_name: String,
    store_owner: i64,
    currency: String,
}

/// A line of an order being made.
struct Line<'a> {
    offer: &'a Offer,
    quantity: i64,
}

/// One order placed: its id, what it costs, and whose store it is.
#[derive(Debug, Clone)]
pub struct PlacedOrder {
    pub id: i64,
    pub total_minor: i64,
    pub store_owner: i64,
}

/// A line to take from stock: its option, product, store and quantity, and what it is.
struct Taking {
    variant_id: i64,
    product_id: i64,
    store_id: i64,
    quantity: i64,
    limit: Option<i64>,
    title: String,
}

/// What placing left behind, for the caller to pay and reserve.
pub struct Placed {
    pub currency: String,
    pub total_minor: i64,
    pub orders: Vec<PlacedOrder>,
    taking: Vec<Taking>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Validation(message.into())
}

fn checked_sum(values: impl IntoIterator<Item = i64>) -> Result<i64, ApiError> {
    values
        .into_iter()
        .try_fold(0i64, |sum, v| sum.checked_add(v))
        .ok_or_else(|| invalid("the order total is too large"))
}

/// The request's own rules, before anything is read.
pub fn check_shape(request: &CheckoutRequest) -> Result<(), ApiError> {
    let lines = i64::try_from(request.lines.len()).unwrap_or(i64::MAX);
    if !(1..=MAX_CART_LINES).contains(&lines) {
        return Err(invalid(format!(
            "a checkout has 1 to {MAX_CART_LINES} lines"
        )));
    }
    let mut seen = HashSet::new();
    for line in &request.lines {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(invalid(format!("a quantity is 1 to {MAX_QUANTITY}")));
        }
        if !(1..=MAX_PRICE_MINOR).contains(&line.unit_price_minor) {
            return Err(invalid("a price is a positive number of minor units"));
        }
        if !seen.insert(line.variant_id) {
            return Err(invalid("each option appears once; add up its quantity"));
        }
    }
    let stores: HashSet<i64> = request.shipping.iter().map(|s| s.store_id).collect();
    if stores.len() != request.shipping.len() {
        return Err(invalid("choose one shipping option per store"));
    }
    Ok(())
}

async fn offers(conn: &mut AnyConnection, variant_ids: &[i64]) -> Result<Vec<Offer>, ApiError> {
    let sql = format!(
        "SELECT v.id AS variant_id, v.product_id, v.name AS variant_name, v.price_minor,
                v.per_customer_limit, pr.title, pr.store_id, s.name AS store_name,
                s.owner_id AS store_owner, pr.currency
         FROM variants v JOIN products pr ON pr.id = v.product_id
         JOIN stores s ON s.id = pr.store_id
         WHERE v.archived_at IS NULL AND {SHOWN} AND v.id IN ({})
         ORDER BY v.id",
        placeholders(1, variant_ids.len())
    );
    let mut query = sqlx::query_as::<_, Offer>(&sql);
    for id in variant_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(conn).await?)
}

/// Counts `quantity` more of an option against the buyer's limit, atomically: two
/// checkouts of one buyer at once cannot pass it together.
async fn hold_limit(conn: &mut AnyConnection, user_id: i64, line: &Taking) -> Result<(), ApiError> {
    let (Some(limit), quantity) = (line.limit, line.quantity) else {
        return Ok(());
    };
    let counted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO purchase_counts (user_id, variant_id, units) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, variant_id) DO UPDATE
           SET units = purchase_counts.units + excluded.units
           WHERE purchase_counts.units + excluded.units <= $4
         RETURNING units",
    )
    .bind(user_id)
    .bind(line.variant_id)
    .bind(quantity)
    .bind(limit)
    .fetch_optional(&mut *conn)
    .await?;
    if counted.is_some_and(|(units,)| units <= limit) {
        Ok(())
    } else {
        Err(invalid(format!(
            "{} is limited to {limit} per customer",
            line.title
        )))
    }
}

/// Gives back what a cancelled line had counted against its buyer's limit.
pub async fn release_limit(
    conn: &mut AnyConnection,
    user_id: i64,
    variant_id: i64,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE purchase_counts SET units = CASE WHEN units > $3 THEN units - $3 ELSE 0 END
         WHERE user_id = $1 AND variant_id = $2",
    )
    .bind(user_id)
    .bind(variant_id)
    .bind(quantity)
    .execute(conn)
    .await?;
    Ok(())
}

/// The transfer ids of a checkout, made from the key its app made: a retry names the
/// same transfers.
pub fn transfer_id(attempt: &Attempt, what: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!(
        "{}:{}:{what}",
        attempt.user_id, attempt.idempotency_key
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Records an order's step in its timeline (each status once).
pub async fn record_step(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_events (order_id, status, note, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id, status) DO NOTHING",
    )
    .bind(order_id)
    .bind(status.as_str())
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The orders of an attempt still waiting for their payment.
pub async fn placed_orders(
    conn: &mut AnyConnection,
    checkout_id: i64,
) -> Result<Vec<PlacedOrder>, ApiError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.total_minor, s.owner_id FROM orders o JOIN stores s ON s.id = o.store_id
         WHERE o.checkout_id = $1 AND o.status = 'placed' ORDER BY o.id",
    )
    .bind(checkout_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, total_minor, store_owner)| PlacedOrder {
            id,
            total_minor,
            store_owner,
        })
        .collect())
}

/// Marks placed orders paid, in their timelines too (a card's payment came through).
pub async fn mark_paid(
    conn: &mut AnyConnection,
    orders: &[PlacedOrder],
    now: i64,
) -> Result<(), ApiError> {
    for order in orders {
        sqlx::query("UPDATE orders SET status = 'paid', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order.id)
            .execute(&mut *conn)
            .await?;
        record_step(conn, order.id, OrderStatus::Paid, "", now).await?;
    }
    Ok(())
}

/// Pays an attempt's orders: `payer` to each order's escrow. Takes the bought lines out
/// of the cart, and tells the shopper. (The orders are marked paid by the caller: placed
/// so when the wallet pays at once, by `mark_paid` when a card's payment comes through.)
pub async fn pay_orders(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    currency: &str,
    orders: &[PlacedOrder],
    payer: ledger::AccountId,
) -> Result<(), ApiError> {
    let currency = Currency::parse(currency).map_err(|e| invalid(e.to_string()))?;
    for order in orders {
        let (order_id, total, store_owner) = (order.id, order.total_minor, order.store_owner);
        let currency = currency.clone();
        let escrow = ledger::open_account(conn, Holder::Escrow { order_id }, &currency).await?;
        ledger::record(
            conn,
            &Transfer {
                id: transfer_id(attempt, &format!("pay:{order_id}"))?,
                debit: payer,
                credit: escrow,
                currency,
                amount: Amount::new(total).map_err(|e| invalid(e.to_string()))?,
                kind: Kind::Posted,
                code: "payment",
                reference: Some(format!("order {order_id}")),
            },
        )
        .await?;
        notifications::notify_order(
            conn,
            attempt.user_id,
            store_owner,
            order_id,
            OrderStatus::Paid,
        )
        .await?;
    }
    sqlx::query(
        "DELETE FROM cart_items WHERE user_id = $1 AND variant_id IN
           (SELECT l.variant_id FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.checkout_id = $2)",
    )
    .bind(attempt.user_id)
    .bind(attempt.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Places the orders of `request` for `attempt`, in the caller's transaction; paid
/// already when `paying_now` (the wallet pays in this same transaction).
pub async fn place(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    request: &CheckoutRequest,
    fee_basis_points: i64,
    paying_now: bool,
    now: i64,
) -> Result<Placed, ApiError> {
    check_shape(request)?;
    let address = addresses::get(conn, attempt.user_id, request.address_id).await?;
    let mut wanted: Vec<_> = request.lines.iter().collect();
    wanted.sort_by_key(|line| line.variant_id);
    let ids: Vec<i64> = wanted.iter().map(|line| line.variant_id).collect();
    let offers = offers(conn, &ids).await?;
    let mut lines = Vec::new();
    for line in &wanted {
        let offer = offers
            .iter()
            .find(|o| o.variant_id == line.variant_id)
            .ok_or_else(|| ApiError::not_found("product option"))?;
        if offer.store_owner == attempt.user_id {
            return Err(invalid("a store does not buy from itself"));
        }
        if offer.price_minor != line.unit_price_minor {
            return Err(ApiError::Conflict(format!(
                "the price of {} changed; review the cart and try again",
                offer.title
            )));
        }
        lines.push(Line {
            offer,
            quantity: line.quantity,
        });
    }
    let currencies: HashSet<&str> = offers.iter().map(|o| o.currency.as_str()).collect();
    let currency = match currencies.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => one.to_string(),
        _ => return Err(invalid("pay for one currency at a time")),
    };
    // One order per store, in store order; each with its chosen shipping.
    let mut by_store: BTreeMap<i64, Vec<&Line>> = BTreeMap::new();
    for line in &lines {
        by_store.entry(line.offer.store_id).or_default().push(line);
    }
    if request.shipping.len() != by_store.len() {
        return Err(invalid(
            "choose one shipping option for each store, and only those",
        ));
    }
    let store_ids: Vec<i64> = by_store.keys().copied().collect();
    let options = shipping::of_stores(conn, &store_ids).await?;
    let address_json =
        serde_json::to_string(&address).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut total_minor = 0i64;
    let mut orders = Vec::new();
    for (store_id, store_lines) in &by_store {
        let choice = request
            .shipping
            .iter()
            .find(|s| s.store_id == *store_id)
            .and_then(|s| {
                options
                    .get(store_id)
                    .and_then(|all| all.iter().find(|o| o.id == s.shipping_option_id))
            });
        let store_name = store_lines
            .first()
            .map(|l| l.offer.store_name.as_str())
            .unwrap_or_default();
        let Some(choice) = choice else {
            return Err(invalid(format!(
                "choose one of {store_name}'s shipping options"
            )));
        };
        let mut items = 0i64;
        for line in store_lines {
            let line_total = line
                .offer
                .price_minor
                .checked_mul(line.quantity)
                .ok_or_else(|| invalid("the order total is too large"))?;
            items = checked_sum([items, line_total])?;
        }
        let total = checked_sum([items, choice.price.amount_minor])?;
        let fee = total
            .checked_mul(fee_basis_points)
            .map(|f| f / 10_000)
            .ok_or_else(|| invalid("the order total is too large"))?;
        let (order_id,): (i64,) = sqlx::query_as(
            "INSERT INTO orders (checkout_id, user_id, store_id, status, currency, items_minor,
                 shipping_minor, total_minor, fee_minor, shipping_name, shipping_min_days,
                 shipping_max_days, address, created_at, updated_at)
             VALUES ($1, $2, $3, $14, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
             RETURNING id",
        )
        .bind(attempt.id)
        .bind(attempt.user_id)
        .bind(*store_id)
        .bind(&currency)
        .bind(items)
        .bind(choice.price.amount_minor)
        .bind(total)
        .bind(fee)
        .bind(&choice.name)
        .bind(choice.min_days)
        .bind(choice.max_days)
        .bind(&address_json)
        .bind(now)
        .bind(if paying_now { "paid" } else { "placed" })
        .fetch_one(&mut *conn)
        .await?;
        for line in store_lines {
            sqlx::query(
                "INSERT INTO order_lines (order_id, variant_id, product_id, title, variant_name,
                                          unit_price_minor, quantity)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(order_id)
            .bind(line.offer.variant_id)
            .bind(line.offer.product_id)
            .bind(&line.offer.title)
            .bind(&line.offer.variant_name)
            .bind(line.offer.price_minor)
            .bind(line.quantity)
            .execute(&mut *conn)
            .await?;
        }
        if paying_now {
            // Placed and paid at once: both steps of the timeline in one statement.
            sqlx::query(
                "INSERT INTO order_events (order_id, status, note, created_at)
                 VALUES ($1, 'placed', '', $2), ($1, 'paid', '', $2)",
            )
            .bind(order_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        } else {
            record_step(conn, order_id, OrderStatus::Placed, "", now).await?;
        }
        total_minor = checked_sum([total_minor, total])?;
        orders.push(PlacedOrder {
            id: order_id,
            total_minor: total,
            store_owner: store_lines.first().map_or(0, |l| l.offer.store_owner),
        });
    }
    let taking = lines
        .iter()
        .map(|line| Taking {
            variant_id: line.offer.variant_id,
            product_id: line.offer.product_id,
            store_id: line.offer.store_id,
            quantity: line.quantity,
            limit: line.offer.per_customer_limit,
            title: line.offer.title.clone(),
        })
        .collect();
    Ok(Placed {
        currency,
        total_minor,
        orders,
        taking,
    })
}

/// Holds each line against its buyer's limit and takes it from stock: the last work
/// before the commit (see the top of this file), in option order, so that two checkouts
/// never wait on each other's lots in a cycle. Returns the products this sold out.
pub async fn reserve(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    placed: &Placed,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let mut sold_out = Vec::new();
    for line in &placed.taking {
        hold_limit(conn, attempt.user_id, line).await?;
        match stock::take(conn, line.variant_id, line.quantity).await {
            // A lot ran dry: after the commit the card is looked at again, from what is
            // really left.
            Ok(taken) if taken.emptied_a_lot => sold_out.push((line.store_id, line.product_id)),
            Ok(_) => {}
            Err(TakeError::Short(short)) => return Err(sold_out_error(&line.title, short.left)),
            Err(TakeError::Database(e)) => return Err(e.into()),
        }
    }
    Ok(sold_out)
}

fn sold_out_error(title: &str, left: i64) -> ApiError {
    ApiError::SoldOut(if left == 0 {
        format!("{title} is sold out")
    } else {
        format!("only {left} of {title} are left")
    })
}

/// Refuses at once a request for more than is in stock now, before anything is
/// claimed or written: in a rush most buyers come after the last unit, and each gets
/// its answer for the price of one read.
pub async fn check_in_stock(db: &crate::db::Db, request: &CheckoutRequest) -> Result<(), ApiError> {
    let ids: Vec<i64> = request.lines.iter().map(|l| l.variant_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT v.id, pr.title, {} FROM variants v JOIN products pr ON pr.id = v.product_id
         WHERE v.id IN ({})",
        stock::UNITS_OF_V,
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String, i64)>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    for (id, title, left) in query.fetch_all(&db.durable).await? {
        let wanted = request
            .lines
            .iter()
            .filter(|l| l.variant_id == id)
            .map(|l| l.quantity)
            .sum::<i64>();
        if left < wanted {
            return Err(sold_out_error(&title, left));
        }
    }
    Ok(())
}
