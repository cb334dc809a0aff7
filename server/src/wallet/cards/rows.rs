//! A card's rows as its operations read them: the card itself (found only by its
//! holder), what it spent this month, and its transactions as its activity shows them.

use chrono::{Datelike, Utc};
use souq_wire::{CardTransaction, CardTransactionStatus, Money};
use sqlx::AnyConnection;

use crate::base::db::from_ms;
use crate::base::error::ApiError;

#[derive(sqlx::FromRow)]
pub(super) struct CardRow {
    pub(super) id: i64,
    pub(super) user_id: i64,
    pub(super) sealed: String,
    pub(super) last4: String,
    pub(super) exp_month: i64,
    pub(super) exp_year: i64,
    pub(super) currency: String,
    pub(super) frozen: i64,
    pub(super) locked: i64,
    pub(super) per_purchase_limit_minor: i64,
    pub(super) monthly_limit_minor: i64,
}

pub(super) const CARD_COLUMNS: &str =
    "id, user_id, sealed, last4, exp_month, exp_year, currency, frozen,
    locked, per_purchase_limit_minor, monthly_limit_minor";

/// The first instant of this calendar month, UTC: the monthly limit's window.
fn month_start_ms() -> i64 {
    let now = Utc::now();
    chrono::NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

pub(super) async fn spent_this_month(
    conn: &mut AnyConnection,
    card_id: i64,
) -> Result<i64, sqlx::Error> {
    let (spent,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM card_transactions
         WHERE card_id = $1 AND status IN ('held', 'posted') AND created_at >= $2",
    )
    .bind(card_id)
    .bind(month_start_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(spent)
}

pub(super) async fn own_card(
    conn: &mut AnyConnection,
    me: i64,
    id: i64,
) -> Result<CardRow, ApiError> {
    let row: Option<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM debit_cards WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(me)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| ApiError::not_found("card"))
}

impl TransactionRow {
    pub(super) fn into_wire(self) -> CardTransaction {
        let row = self;
        let status =
            CardTransactionStatus::parse(&row.status).unwrap_or(CardTransactionStatus::Declined);
        CardTransaction {
            id: row.id,
            merchant: row.merchant,
            amount: Money {
                amount_minor: row.amount_minor,
                currency: row.currency,
            },
            approval_until: row
                .approval_until
                .filter(|_| status == CardTransactionStatus::AwaitingApproval)
                .map(from_ms),
            status,
            reason: row.reason,
            payer: row.payer.map(|handle| format!("@{handle}")),
            created_at: from_ms(row.created_at),
        }
    }
}

pub(super) const TRANSACTION_SELECT: &str = "SELECT t.id, t.merchant, t.currency, t.amount_minor,
        t.status, t.reason, u.handle AS payer, t.approval_until, t.created_at
    FROM card_transactions t LEFT JOIN users u ON u.id = t.payer_id";

/// One transaction of a card, as its activity shows it.
pub(super) async fn transaction(
    conn: &mut AnyConnection,
    card_id: i64,
    id: i64,
) -> Result<CardTransaction, ApiError> {
    let row: Option<TransactionRow> = sqlx::query_as(&format!(
        "{TRANSACTION_SELECT} WHERE t.id = $1 AND t.card_id = $2"
    ))
    .bind(id)
    .bind(card_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(TransactionRow::into_wire)
        .ok_or_else(|| ApiError::not_found("card transaction"))
}

#[derive(sqlx::FromRow)]
pub(super) struct TransactionRow {
    pub(super) id: i64,
    pub(super) merchant: String,
    pub(super) currency: String,
    pub(super) amount_minor: i64,
    pub(super) status: String,
    pub(super) reason: Option<String>,
    pub(super) payer: Option<String>,
    pub(super) approval_until: Option<i64>,
    pub(super) created_at: i64,
}
