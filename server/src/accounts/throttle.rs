//! Slows down password guessing: after a few failed sign-ins for one email within a
//! window, further attempts get 429 until the window ends. The counter lives in the
//! database so that every server instance sharing it enforces the same limit.

use crate::db::{Db, now_ms};
use crate::error::ApiError;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Refuses the attempt when the key has used up its failures in the current window.
pub async fn check(db: &Db, key: &str) -> Result<(), ApiError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT window_start, failures FROM sign_in_failures WHERE throttle_key = $1",
    )
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    let now = now_ms();
    match row {
        Some((start, failures)) if failures >= MAX_FAILURES && now - start < WINDOW_MS => {
            let remaining_ms = (start + WINDOW_MS - now).max(1000);
            let retry_after_secs = u64::try_from((remaining_ms + 999) / 1000).unwrap_or(1);
            Err(ApiError::TooManyRequests { retry_after_secs })
        }
        _ => Ok(()),
    }
}

/// Counts one failure, starting a new window when the old one has ended.
pub async fn record_failure(db: &Db, key: &str) -> Result<(), ApiError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sign_in_failures (throttle_key, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN sign_in_failures.window_start <= $3 THEN 1
                           ELSE sign_in_failures.failures + 1 END,
           window_start = CASE WHEN sign_in_failures.window_start <= $3 THEN $2
                               ELSE sign_in_failures.window_start END",
    )
    .bind(key)
    .bind(now)
    .bind(now - WINDOW_MS)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}
