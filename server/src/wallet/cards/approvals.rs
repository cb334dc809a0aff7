//! The holder's answer to a payment another account asked of their card: approved
//! with the vault unlocked (the PIN, or biometrics on a phone), or declined; after
//! `CARD_APPROVAL_MINUTES` unanswered, declined. The answer reaches the processor as
//! the outcome of the payment's second step (3-D Secure's decoupled authentication:
//! the cardholder answers in their own app), and the checkout waiting on it goes on
//! from there, by the processor's callback.

use souq_wire::{CardTransaction, User};

use super::issuer::{self, decline_words, hold, refusal, set_status};
use super::rows::{own_card, transaction};
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::payments::PaymentStatus;
use crate::wallet::service::WalletService;
use crate::wallet::vault;

#[derive(sqlx::FromRow)]
struct Waiting {
    payment_key: String,
    amount_minor: i64,
    currency: String,
    status: String,
    approval_until: Option<i64>,
}

/// The holder approves (the vault unlocked) or declines a payment waiting for them.
/// Asked again, it tells the processor again and answers the same.
pub async fn answer(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    card_id: i64,
    transaction_id: i64,
    approve: bool,
) -> Result<CardTransaction, ApiError> {
    let now = now_ms();
    let db = &wallet.base.db;
    let mut tx = db.begin_durable().await?;
    let card = own_card(&mut tx, me.id, card_id).await?;
    if approve {
        vault::require(&mut tx, me.id, session_token, now).await?;
    }
    let sql = format!(
        "SELECT payment_key, amount_minor, currency, status, approval_until
         FROM card_transactions WHERE id = $1 AND card_id = $2{}",
        db.backend.for_update()
    );
    let waiting: Waiting = sqlx::query_as(&sql)
        .bind(transaction_id)
        .bind(card_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ApiError::not_found("card transaction"))?;
    let approved = match waiting.status.as_str() {
        "awaiting_approval" if waiting.approval_until.is_some_and(|until| until <= now) => {
            set_status(
                &mut tx,
                &waiting.payment_key,
                "declined",
                Some(decline_words("not_approved")),
            )
            .await?;
            false
        }
        "awaiting_approval" if approve => {
            match refusal(&mut tx, db, &card, waiting.amount_minor, &waiting.currency).await? {
                Some(reason) => {
                    set_status(
                        &mut tx,
                        &waiting.payment_key,
                        "declined",
                        Some(decline_words(reason)),
                    )
                    .await?;
                    false
                }
                None => {
                    let hold_ms = i64::try_from(wallet.payments.settings.reservation.as_millis())
                        .unwrap_or(i64::MAX);
                    let id = hold(
                        &mut tx,
                        db,
                        &card,
                        &waiting.payment_key,
                        waiting.amount_minor,
                        hold_ms,
                    )
                    .await?;
                    sqlx::query(
                        "UPDATE card_transactions SET status = 'held', hold_id = $2,
                             approval_until = NULL, updated_at = $3
                         WHERE payment_key = $1",
                    )
                    .bind(&waiting.payment_key)
                    .bind(id.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    true
                }
            }
        }
        "awaiting_approval" => {
            set_status(
                &mut tx,
                &waiting.payment_key,
                "declined",
                Some(decline_words("not_approved")),
            )
            .await?;
            false
        }
        // Answered before: said again to the processor, which answers the same.
        "held" | "posted" => true,
        _ => false,
    };
    tx.commit().await?;
    tell_processor(wallet, &waiting.payment_key, approved).await?;
    let mut conn = db.durable.acquire().await?;
    transaction(&mut conn, card_id, transaction_id).await
}

/// Tells the processor the holder's answer. A payment that stopped waiting meanwhile
/// (its checkout abandoned or run out) did not take the money: its hold goes back.
async fn tell_processor(
    wallet: &WalletService,
    payment_key: &str,
    approved: bool,
) -> Result<(), ApiError> {
    let payment = wallet
        .payments
        .processor
        .issuer_authenticated(payment_key, approved)
        .await?;
    if payment.status != PaymentStatus::Succeeded {
        issuer::release(&wallet.base.db, payment_key).await?;
    }
    Ok(())
}

/// Declines the approvals nobody answered in time, and tells the processor: the
/// housekeeping's step, on any instance.
pub async fn expire_approvals(wallet: &WalletService) -> Result<usize, ApiError> {
    let due: Vec<(String,)> = sqlx::query_as(
        "SELECT payment_key FROM card_transactions
         WHERE status = 'awaiting_approval' AND approval_until <= $1
         ORDER BY approval_until LIMIT 100",
    )
    .bind(now_ms())
    .fetch_all(&wallet.base.db.durable)
    .await?;
    for (payment_key,) in &due {
        issuer::release(&wallet.base.db, payment_key).await?;
        tell_processor(wallet, payment_key, false).await?;
    }
    Ok(due.len())
}
