//! What every request that moves money in the wallet shares: its amount and note
//! checked, its transfer's id, the refusal of a key reused for another request,
//! finding its row, and what its sender sent today.

use souq_wire::wallet::MAX_NOTE_CHARS;
use sqlx::AnyConnection;

use super::settings::DAY_MS;
use crate::base::error::ApiError;
use crate::ledger::{Amount, Currency, TransferId};

/// The amount and currency a request names, checked.
pub(crate) fn money_of(amount_minor: i64, currency: &str) -> Result<(Amount, Currency), ApiError> {
    let currency = Currency::parse(currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    let amount = Amount::new(amount_minor).map_err(|_| {
        ApiError::Validation("an amount is a positive number of minor units".into())
    })?;
    Ok((amount, currency))
}

/// A note as it is kept: trimmed, at most `MAX_NOTE_CHARS`, nothing that misleads.
pub(crate) fn note_of(note: &str) -> Result<String, ApiError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::Validation(format!(
            "a note has at most {MAX_NOTE_CHARS} characters"
        )));
    }
    souq_wire::validate::shown_text(note, false)
        .map_err(|e| ApiError::Validation(e.message().into()))?;
    Ok(note.to_string())
}

/// A ledger transfer's id for what `user_id`'s request with this key does.
pub(crate) fn transfer_id(what: &str, user_id: i64, key: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!("{what}:{user_id}:{key}"))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The row `sql` (ending in its WHERE condition) finds, bound to `a` and, when given,
/// `b`: how the wallet's rows are looked up by id, or by their owner and key.
pub(crate) async fn row_where<T>(
    conn: &mut AnyConnection,
    sql: &str,
    a: i64,
    b: Option<&str>,
) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let query = sqlx::query_as(sql).bind(a);
    match b {
        Some(b) => query.bind(b).fetch_optional(&mut *conn).await,
        None => query.fetch_optional(&mut *conn).await,
    }
}

/// What was refused for a key used before with another request.
pub(crate) fn key_reused() -> ApiError {
    ApiError::Validation("that idempotency key was used for a different request".into())
}

/// What a person sent in the last 24 hours in a currency: what the daily limit counts.
/// Read under the sender's wallet lock, so two sends at once cannot both fit.
pub(crate) async fn sent_today(
    conn: &mut AnyConnection,
    user_id: i64,
    currency: &Currency,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM money_sends
         WHERE sender_id = $1 AND currency = $2 AND created_at > $3",
    )
    .bind(user_id)
    .bind(currency.as_str())
    .bind(now.saturating_sub(DAY_MS))
    .fetch_one(&mut *conn)
    .await?;
    Ok(sum)
}
