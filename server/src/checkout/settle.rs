//! What a card payment's outcome does to its checkout, whichever way it arrives: the
//! processor's answer to the charge, a callback (twice, late, out of order), the
//! shopper's return from a second step, or the reservation running out. Each applies
//! the payment as the processor reports it now, under the checkout's row lock, and only
//! moves the checkout forward: a paid checkout stays paid, a failed one releases its
//! stock once, and a payment that succeeds after its checkout ended is refunded.

use souq_wire::{ActionKind, OrderStatus};
use sqlx::AnyConnection;

use super::claim::{Attempt, COLUMNS};
use super::place::{
    Paying, mark_paid, pay, placed_orders, record_step, release_limit, transfer_id,
};
use super::service::CheckoutService;
use crate::base::cache::Change;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::ledger::{self, AccountId, Amount, Currency, Holder, Kind, Transfer};
use crate::payments::{self, Event, Payment, PaymentStatus};
use crate::stores::stock;
use crate::wallet::donations;

/// Why an outcome is being applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The processor answered (a charge, a callback, a refresh).
    Answer,
    /// The reservation ran out: a payment that did not succeed ends the checkout as
    /// expired rather than failed.
    Expiry,
}

/// The processor's key for a checkout's one charge.
pub fn processor_key(checkout_id: i64) -> String {
    format!("souq-checkout-{checkout_id}")
}

/// Puts back the stock and limits of an attempt's orders still waiting for payment and
/// cancels them. Returns the products whose cards may show them in stock again.
pub async fn release_orders(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    note: &str,
    now: i64,
) -> Result<Vec<(i64, i64)>, ApiError> {
    let lines: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.store_id, l.product_id, l.variant_id, l.quantity
         FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.checkout_id = $1 AND o.status = 'placed' ORDER BY l.variant_id",
    )
    .bind(attempt.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut products = Vec::new();
    for (_, store_id, product_id, variant_id, quantity) in &lines {
        stock::put_back(conn, *variant_id, *quantity).await?;
        release_limit(conn, attempt.user_id, *variant_id, *quantity).await?;
        products.push((*store_id, *product_id));
    }
    let mut orders: Vec<i64> = lines.iter().map(|l| l.0).collect();
    orders.dedup();
    for order_id in orders {
        sqlx::query("UPDATE orders SET status = 'cancelled', updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order_id)
            .execute(&mut *conn)
            .await?;
        record_step(conn, order_id, OrderStatus::Cancelled, note, now).await?;
    }
    Ok(products)
}

/// Words for a processor's failure codes, for logs and clients without translations.
pub fn failure_words(code: Option<&str>) -> &'static str {
    match code {
        Some("card_declined") => "the card was declined",
        Some("insufficient_funds") => "the card has insufficient funds",
        Some("authentication_failed") => "the card's second step was not completed",
        Some("expired_card") => "the card has expired",
        Some("incorrect_number") => "the card number is not valid",
        Some("incorrect_cvc") => "the card's security code is not valid",
        Some("test_card_required") => "the sandbox takes test cards only",
        Some("expired") => "the payment was not completed in time",
        Some("card_frozen") => "the card is frozen",
        Some("card_locked") => "the card is locked after wrong security codes",
        Some("over_limit") => "over the card's limit",
        Some("currency_not_supported") => "the card pays in another currency",
        Some("too_many_tries") => "the card was tried too often; try again later",
        _ => "the payment did not go through",
    }
}

/// Applies `payment` to the checkout `checkout_id`.
pub async fn apply(
    checkout: &CheckoutService,
    checkout_id: i64,
    payment: &Payment,
    cause: Cause,
) -> Result<(), ApiError> {
    let now = now_ms();
    let mut tx = checkout.base.db.begin_durable().await?;
    // Takes the checkout's row lock: outcomes of one checkout apply one at a time.
    let attempt: Option<Attempt> = sqlx::query_as(&format!(
        "UPDATE checkouts SET updated_at = $1 WHERE id = $2 RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(checkout_id)
    .fetch_optional(&mut *tx)
    .await?;
    let attempt = attempt.ok_or_else(|| ApiError::not_found("checkout"))?;
    let pending = matches!(
        attempt.status.as_str(),
        "reserved" | "requires_action" | "processing"
    );
    let matches =
        payment.amount_minor == attempt.total_minor && payment.currency == attempt.currency;
    let mut released = Vec::new();
    let mut refund_late = false;
    // The nonprofit a gift by card reached, told once this commits.
    let mut told = None;
    let status = match (pending, payment.status) {
        (true, PaymentStatus::Succeeded) if matches => {
            let currency = Currency::parse(&attempt.currency)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let external = ledger::account(&mut tx, Holder::External, &currency).await?;
            if matches!(attempt.purpose.as_str(), "top_up" | "donation") {
                let wallet = ledger::account(
                    &mut tx,
                    Holder::Wallet {
                        user_id: attempt.user_id,
                    },
                    &currency,
                )
                .await?;
                let amount = Amount::new(attempt.total_minor)
                    .map_err(|e| ApiError::Validation(e.to_string()))?;
                ledger::record(
                    &mut tx,
                    &Transfer {
                        id: transfer_id(&attempt, "top_up")?,
                        debit: external,
                        credit: wallet,
                        currency: currency.clone(),
                        amount,
                        kind: Kind::Posted,
                        code: "top_up",
                        reference: Some(format!("payment {}", payment.id)),
                    },
                )
                .await?;
                if attempt.purpose == "donation" {
                    told = Some(
                        give_by_card(&mut tx, &attempt, wallet, amount, &currency, now).await?,
                    );
                }
            } else {
                let orders = placed_orders(&mut tx, attempt.id).await?;
                mark_paid(&mut tx, &orders, now).await?;
                pay(
                    &mut tx,
                    &[Paying {
                        attempt: &attempt,
                        currency: currency.clone(),
                        orders,
                        payer: external,
                    }],
                )
                .await?;
            }
            Some(("paid", None))
        }
        (true, PaymentStatus::Succeeded) => {
            // Not this checkout's amount: never take it as paid.
            tracing::error!(checkout = attempt.id, payment = %payment.id,
                "a payment's amount or currency differs from its checkout's");
            released = release_orders(&mut tx, &attempt, "payment mismatch", now).await?;
            refund_late = true;
            Some(("failed", Some("payment_mismatch")))
        }
        (true, PaymentStatus::RequiresAction) => Some(("requires_action", None)),
        (true, PaymentStatus::Processing) => Some(("processing", None)),
        (true, PaymentStatus::Failed | PaymentStatus::Cancelled) => {
            let (status, code) = match cause {
                Cause::Expiry => ("expired", Some("expired")),
                Cause::Answer => (
                    "failed",
                    Some(payment.failure_code.as_deref().unwrap_or("cancelled")),
                ),
            };
            released = release_orders(&mut tx, &attempt, failure_words(code), now).await?;
            Some((status, code))
        }
        (false, PaymentStatus::Succeeded)
            if matches!(attempt.status.as_str(), "failed" | "expired") =>
        {
            // It went through after the checkout ended and gave its stock back.
            refund_late = true;
            None
        }
        _ => None,
    };
    if let Some((status, code)) = status {
        let action = payment.action.map(|kind| match kind {
            ActionKind::ThreeDSecure => "three_d_secure",
            ActionKind::CardholderApproval => "cardholder_approval",
        });
        sqlx::query(
            "UPDATE checkouts SET status = $1, payment_id = $2, error_code = $3,
                 error_message = $4, expires_at = CASE WHEN $1 IN ('requires_action',
                 'processing') THEN expires_at ELSE NULL END, locked_until = 0,
                 action_kind = $6
             WHERE id = $5",
        )
        .bind(status)
        .bind(&payment.id)
        .bind(code)
        .bind(code.map(|c| failure_words(Some(c))))
        .bind(attempt.id)
        .bind(action)
        .execute(&mut *tx)
        .await?;
    }
    if refund_late {
        owe_refund(
            &mut tx,
            &format!("late-{}", payment.id),
            &payment.id,
            payment.amount_minor,
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(owner) = told {
        checkout.base.publish(&[Change::Inbox(owner)]).await;
    }
    stock::changed(&checkout.base, &released).await;
    if refund_late {
        refund_owed(checkout).await;
    }
    Ok(())
}

/// Passes a gift by card, just paid into the donor's wallet account `from`, on to its
/// nonprofit, as a gift from the wallet is made. Answers the nonprofit's owner.
async fn give_by_card(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    from: AccountId,
    amount: Amount,
    currency: &Currency,
    now: i64,
) -> Result<i64, ApiError> {
    let (store_id, owner_id, handle, note): (i64, i64, String, String) = sqlx::query_as(
        "SELECT d.store_id, s.owner_id, d.handle, d.note FROM card_donations d
         JOIN stores s ON s.id = d.store_id WHERE d.checkout_id = $1",
    )
    .bind(attempt.id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| ApiError::Internal(format!("checkout {} names no gift", attempt.id)))?;
    let to = donations::Nonprofit {
        store_id,
        owner_id,
        handle,
    };
    donations::give(
        conn,
        &donations::Gift {
            donor: attempt.user_id,
            to: &to,
            key: &attempt.idempotency_key,
            request_hash: &attempt.request_hash,
            from,
            amount,
            currency,
            note: &note,
            method: "card",
        },
        now,
    )
    .await?;
    Ok(owner_id)
}

/// Writes down a card refund to make, in the caller's transaction; `refund_owed` makes
/// it once committed.
pub async fn owe_refund(
    conn: &mut AnyConnection,
    key: &str,
    payment_id: &str,
    amount_minor: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO card_refunds (idempotency_key, payment_id, amount_minor, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(payment_id)
    .bind(amount_minor)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the card refunds owed at the processor (each by its own key, so making one
/// twice refunds once); what fails is tried again by the next call.
pub async fn refund_owed(checkout: &CheckoutService) {
    let owed: Result<Vec<(String, String, i64)>, sqlx::Error> = sqlx::query_as(
        "SELECT idempotency_key, payment_id, amount_minor FROM card_refunds
         WHERE done_at IS NULL ORDER BY created_at LIMIT 100",
    )
    .fetch_all(&checkout.base.db.durable)
    .await;
    let owed = match owed {
        Ok(owed) => owed,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the card refunds owed");
            return;
        }
    };
    for (key, payment_id, amount) in owed {
        match checkout
            .payments
            .processor
            .refund(&payment_id, amount, &key)
            .await
        {
            Ok(()) => {
                let done =
                    sqlx::query("UPDATE card_refunds SET done_at = $1 WHERE idempotency_key = $2")
                        .bind(now_ms())
                        .bind(&key)
                        .execute(&checkout.base.db.durable)
                        .await;
                if let Err(e) = done {
                    tracing::warn!(error = %e, %key, "a refund was made but not marked done");
                }
            }
            Err(e) => tracing::warn!(error = %e, %key, "a card refund failed; it will be retried"),
        }
    }
}

/// A processor's callback: verified, then the payment it names is asked for and applied.
/// A callback about a payment no checkout knows yet is dropped: the charge's own answer
/// (or, after a crash, the expiry sweep) applies it.
pub async fn on_callback(
    checkout: &CheckoutService,
    body: &[u8],
    signature: &str,
) -> Result<(), ApiError> {
    if !payments::verify(&checkout.payments.callback_secret, body, signature) {
        return Err(ApiError::Unauthorized);
    }
    let event: Event = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("not a payment callback: {e}")))?;
    let known: Option<(i64,)> = sqlx::query_as("SELECT id FROM checkouts WHERE payment_id = $1")
        .bind(&event.payment_id)
        .fetch_optional(&checkout.base.db.durable)
        .await?;
    let Some((checkout_id,)) = known else {
        tracing::debug!(payment = %event.payment_id, "a callback about a payment not recorded yet");
        return Ok(());
    };
    let payment = checkout
        .payments
        .processor
        .retrieve(&event.payment_id)
        .await?;
    apply(checkout, checkout_id, &payment, Cause::Answer).await
}

/// Feeds the sandbox's callbacks to `on_callback` until the server stops.
pub async fn deliver_callbacks(checkout: CheckoutService) {
    let received = checkout
        .payments
        .callbacks
        .lock()
        .ok()
        .and_then(|mut callbacks| callbacks.take());
    let Some(mut received) = received else {
        return;
    };
    while let Some((body, signature)) = received.recv().await {
        if let Err(e) = on_callback(&checkout, &body, &signature).await {
            tracing::warn!(error = %e, "a payment callback failed");
        }
    }
}

/// Ends the checkouts whose reservation ran out: their payment is cancelled at the
/// processor (or, if it succeeded meanwhile, taken) and their stock goes back.
pub async fn expire_due(checkout: &CheckoutService) -> Result<usize, ApiError> {
    let due: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT id, payment_id FROM checkouts
         WHERE expires_at IS NOT NULL AND expires_at <= $1
           AND status IN ('reserved', 'requires_action', 'processing')
         ORDER BY expires_at LIMIT 200",
    )
    .bind(now_ms())
    .fetch_all(&checkout.base.db.durable)
    .await?;
    let processor = &checkout.payments.processor;
    let mut ended = 0;
    for (checkout_id, payment_id) in due {
        let payment = match payment_id {
            Some(id) => Some(processor.cancel(&id).await?),
            // Stopped before it heard the charge's answer: the processor knows.
            None => match processor.find(&processor_key(checkout_id)).await? {
                Some(found) => Some(processor.cancel(&found.id).await?),
                None => None,
            },
        };
        match payment {
            Some(payment) => apply(checkout, checkout_id, &payment, Cause::Expiry).await?,
            None => expire_unpaid(checkout, checkout_id).await?,
        }
        ended += 1;
    }
    Ok(ended)
}

/// Ends a checkout whose charge never reached the processor.
async fn expire_unpaid(checkout: &CheckoutService, checkout_id: i64) -> Result<(), ApiError> {
    let now = now_ms();
    let mut tx = checkout.base.db.begin_durable().await?;
    let attempt: Option<Attempt> = sqlx::query_as(&format!(
        "UPDATE checkouts SET status = 'expired', error_code = 'expired', error_message = $1,
             expires_at = NULL, locked_until = 0, updated_at = $2
         WHERE id = $3 AND status = 'reserved' RETURNING {COLUMNS}"
    ))
    .bind(failure_words(Some("expired")))
    .bind(now)
    .bind(checkout_id)
    .fetch_optional(&mut *tx)
    .await?;
    let released = match attempt {
        Some(attempt) => {
            release_orders(&mut tx, &attempt, failure_words(Some("expired")), now).await?
        }
        None => Vec::new(),
    };
    tx.commit().await?;
    stock::changed(&checkout.base, &released).await;
    Ok(())
}
