//! What happens to an order after checkout. Each step moves an order on from the
//! statuses it may come from, under the order's row lock, and in the same transaction
//! moves its money on the ledger, writes its timeline and tells the other side:
//!
//! | step      | from              | money                                                  |
//! |-----------|-------------------|--------------------------------------------------------|
//! | shipped   | paid              | the escrow pays the store, less the platform's fee     |
//! | delivered | shipped           | none                                                   |
//! | cancelled | paid              | the escrow pays the shopper back (wallet, or card)     |
//! | refunded  | shipped, delivered| the store and the fee pay the shopper back            |
//!
//! A cancelled order's stock and the shopper's limit go back. A card is refunded through
//! the processor after the commit, from a refund written down inside it.

use souq_wire::orders::{MAX_CARRIER_CHARS, MAX_TRACKING_CHARS};
use souq_wire::validate::shown_text;
use souq_wire::{CancelOrder, Order, OrderStatus, ShipOrder, User};
use sqlx::AnyConnection;

use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::checkout::CheckoutService;
use crate::checkout::{owe_refund, record_step, refund_owed, release_limit};
use crate::ledger::{self, AccountId, Amount, Currency, Holder, Kind, Transfer, TransferId};
use crate::notifications;
use crate::stores::owner::owned_store;
use crate::stores::stock;

/// An order as a step needs it, read under its row lock.
#[derive(sqlx::FromRow)]
struct Locked {
    id: i64,
    status: String,
    user_id: i64,
    store_id: i64,
    store_owner: i64,
    currency: String,
    total_minor: i64,
    fee_minor: i64,
    method: String,
    payment_id: Option<String>,
}

/// Who asks for a step.
enum Actor<'a> {
    /// The owner of the store with this handle.
    Store(&'a str),
    Shopper,
}

async fn lock(
    conn: &mut AnyConnection,
    order_id: i64,
    store_id: Option<i64>,
    shopper: Option<i64>,
) -> Result<Locked, ApiError> {
    // Takes the row lock first; then reads what the step needs.
    let touched = sqlx::query(
        "UPDATE orders SET updated_at = $1 WHERE id = $2
           AND ($3 = 0 OR store_id = $3) AND ($4 = 0 OR user_id = $4)",
    )
    .bind(now_ms())
    .bind(order_id)
    .bind(store_id.unwrap_or(0))
    .bind(shopper.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    if touched.rows_affected() != 1 {
        return Err(ApiError::not_found("order"));
    }
    let order: Locked = sqlx::query_as(
        "SELECT o.id, o.status, o.user_id, o.store_id, s.owner_id AS store_owner, o.currency,
                o.total_minor, o.fee_minor, c.method, c.payment_id
         FROM orders o JOIN stores s ON s.id = o.store_id JOIN checkouts c ON c.id = o.checkout_id
         WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(order)
}

fn id_of(order: &Locked, what: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!("order:{}:{what}", order.id))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Moves `amount` (if any) between two holders' accounts for this order.
async fn pay(
    conn: &mut AnyConnection,
    order: &Locked,
    what: &str,
    from: Holder,
    to: Holder,
    amount: i64,
    code: &'static str,
) -> Result<(), ApiError> {
    if amount == 0 {
        return Ok(());
    }
    let currency =
        Currency::parse(&order.currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let debit: AccountId = ledger::account(conn, from, &currency).await?;
    let credit: AccountId = ledger::account(conn, to, &currency).await?;
    ledger::record(
        conn,
        &Transfer {
            id: id_of(order, what)?,
            debit,
            credit,
            currency,
            amount: Amount::new(amount).map_err(|e| ApiError::Validation(e.to_string()))?,
            kind: Kind::Posted,
            code,
            reference: Some(format!("order {}", order.id)),
        },
    )
    .await?;
    Ok(())
}

/// Where the shopper's money goes back to: the wallet, or the card (through the
/// outside world, and then the processor).
async fn pay_back(
    conn: &mut AnyConnection,
    order: &Locked,
    what: &str,
    from: Holder,
    amount: i64,
) -> Result<bool, ApiError> {
    if order.method == "wallet" {
        let wallet = Holder::Wallet {
            user_id: order.user_id,
        };
        pay(conn, order, what, from, wallet, amount, "refund").await?;
        return Ok(false);
    }
    pay(conn, order, what, from, Holder::External, amount, "refund").await?;
    let payment_id = order
        .payment_id
        .as_deref()
        .ok_or_else(|| ApiError::Internal(format!("order {} has no card payment", order.id)))?;
    if amount > 0 {
        owe_refund(
            conn,
            &format!("order-{}-{what}", order.id),
            payment_id,
            amount,
        )
        .await?;
    }
    Ok(true)
}

fn unit(amount: i64, fee: i64) -> Result<i64, ApiError> {
    amount
        .checked_sub(fee)
        .filter(|net| *net >= 0)
        .ok_or_else(|| ApiError::Internal("an order's fee exceeds its total".into()))
}

/// A step as asked: who asks, from which statuses, to which, with what note (and, to
/// ship, the carrier and tracking number).
struct Step<'a> {
    actor: Actor<'a>,
    from: &'a [&'a str],
    to: OrderStatus,
    note: &'a str,
    fields: Option<&'a ShipOrder>,
}

/// Takes one step, moving the order's money as the table above says.
async fn step(
    checkout: &CheckoutService,
    user: &User,
    order_id: i64,
    step: Step<'_>,
) -> Result<Order, ApiError> {
    let Step {
        actor,
        from,
        to,
        note,
        fields,
    } = step;
    let store = match actor {
        Actor::Store(handle) => Some(owned_store(&checkout.base.db, user, handle).await?.id),
        Actor::Shopper => None,
    };
    let shopper = store.is_none().then_some(user.id);
    let now = now_ms();
    let mut tx = checkout.base.db.begin_durable().await?;
    let order = lock(&mut tx, order_id, store, shopper).await?;
    if !from.contains(&order.status.as_str()) {
        return Err(ApiError::Conflict(format!(
            "an order that is {} cannot be {}",
            order.status,
            to.as_str()
        )));
    }
    let store_holder = Holder::Store {
        store_id: order.store_id,
    };
    let escrow = Holder::Escrow { order_id: order.id };
    let mut card_refund = false;
    let mut restocked = Vec::new();
    match to {
        OrderStatus::Shipped => {
            let net = unit(order.total_minor, order.fee_minor)?;
            pay(
                &mut tx,
                &order,
                "payout",
                escrow,
                store_holder,
                net,
                "payout",
            )
            .await?;
            pay(
                &mut tx,
                &order,
                "fee",
                escrow,
                Holder::Fees,
                order.fee_minor,
                "fee",
            )
            .await?;
        }
        OrderStatus::Cancelled => {
            card_refund = pay_back(&mut tx, &order, "cancel", escrow, order.total_minor).await?;
            let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
                "SELECT variant_id, product_id, quantity FROM order_lines WHERE order_id = $1
                 ORDER BY variant_id",
            )
            .bind(order.id)
            .fetch_all(&mut *tx)
            .await?;
            for (variant_id, product_id, quantity) in lines {
                stock::put_back(&mut tx, variant_id, quantity).await?;
                release_limit(&mut tx, order.user_id, variant_id, quantity).await?;
                restocked.push((order.store_id, product_id));
            }
        }
        OrderStatus::Refunded => {
            let net = unit(order.total_minor, order.fee_minor)?;
            card_refund = pay_back(&mut tx, &order, "refund-store", store_holder, net).await?;
            pay_back(&mut tx, &order, "refund-fee", Holder::Fees, order.fee_minor).await?;
        }
        OrderStatus::Placed | OrderStatus::Paid | OrderStatus::Delivered => {}
    }
    sqlx::query(
        "UPDATE orders SET status = $1, carrier = COALESCE($2, carrier),
             tracking_number = COALESCE($3, tracking_number), updated_at = $4
         WHERE id = $5",
    )
    .bind(to.as_str())
    .bind(fields.map(|f| f.carrier.trim()))
    .bind(fields.map(|f| f.tracking_number.trim()))
    .bind(now)
    .bind(order.id)
    .execute(&mut *tx)
    .await?;
    record_step(&mut tx, order.id, to, note, now).await?;
    // The other side hears of it: the shopper of the store's steps, the store of the
    // shopper's.
    let (recipient, from_whom) = match store {
        Some(_) => (order.user_id, order.store_owner),
        None => (order.store_owner, order.user_id),
    };
    notifications::notify_orders(
        &mut tx,
        &[notifications::OrderNotice {
            recipient,
            actor: from_whom,
            order_id: order.id,
            status: to,
        }],
    )
    .await?;
    tx.commit().await?;
    if card_refund {
        refund_owed(checkout).await;
    }
    crate::stores::stock::changed(&checkout.base, &restocked).await;
    crate::orders::get(&checkout.base.db, user, order_id).await
}

fn checked_note(text: &str, most: usize, what: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > most {
        return Err(ApiError::Validation(format!(
            "{what} has at most {most} characters"
        )));
    }
    shown_text(text, false).map_err(|e| ApiError::Validation(e.message().into()))?;
    Ok(text.to_string())
}

/// The store ships a paid order, with its carrier and tracking number; the store is
/// paid then.
pub async fn ship(
    checkout: &CheckoutService,
    user: &User,
    handle: &str,
    order_id: i64,
    ship: &ShipOrder,
) -> Result<Order, ApiError> {
    let carrier = checked_note(&ship.carrier, MAX_CARRIER_CHARS, "a carrier")?;
    let tracking = checked_note(
        &ship.tracking_number,
        MAX_TRACKING_CHARS,
        "a tracking number",
    )?;
    if carrier.is_empty() || tracking.is_empty() {
        return Err(ApiError::Validation(
            "name the carrier and the tracking number".into(),
        ));
    }
    let fields = ShipOrder {
        carrier: carrier.clone(),
        tracking_number: tracking.clone(),
    };
    step(
        checkout,
        user,
        order_id,
        Step {
            actor: Actor::Store(handle),
            from: &["paid"],
            to: OrderStatus::Shipped,
            note: &format!("{carrier} {tracking}"),
            fields: Some(&fields),
        },
    )
    .await
}

pub async fn deliver(
    checkout: &CheckoutService,
    user: &User,
    handle: &str,
    order_id: i64,
) -> Result<Order, ApiError> {
    step(
        checkout,
        user,
        order_id,
        Step {
            actor: Actor::Store(handle),
            from: &["shipped"],
            to: OrderStatus::Delivered,
            note: "",
            fields: None,
        },
    )
    .await
}

/// The store cancels an order it has not shipped.
pub async fn cancel_as_store(
    checkout: &CheckoutService,
    user: &User,
    handle: &str,
    order_id: i64,
    cancel: &CancelOrder,
) -> Result<Order, ApiError> {
    let reason = checked_note(&cancel.reason, 200, "a reason")?;
    step(
        checkout,
        user,
        order_id,
        Step {
            actor: Actor::Store(handle),
            from: &["paid"],
            to: OrderStatus::Cancelled,
            note: &reason,
            fields: None,
        },
    )
    .await
}

/// The shopper cancels an order not shipped yet.
pub async fn cancel_as_shopper(
    checkout: &CheckoutService,
    user: &User,
    order_id: i64,
    cancel: &CancelOrder,
) -> Result<Order, ApiError> {
    let reason = checked_note(&cancel.reason, 200, "a reason")?;
    step(
        checkout,
        user,
        order_id,
        Step {
            actor: Actor::Shopper,
            from: &["paid"],
            to: OrderStatus::Cancelled,
            note: &reason,
            fields: None,
        },
    )
    .await
}

/// The store gives the whole payment back for a shipped or delivered order.
pub async fn refund(
    checkout: &CheckoutService,
    user: &User,
    handle: &str,
    order_id: i64,
    cancel: &CancelOrder,
) -> Result<Order, ApiError> {
    let reason = checked_note(&cancel.reason, 200, "a reason")?;
    step(
        checkout,
        user,
        order_id,
        Step {
            actor: Actor::Store(handle),
            from: &["shipped", "delivered"],
            to: OrderStatus::Refunded,
            note: &reason,
            fields: None,
        },
    )
    .await
}
