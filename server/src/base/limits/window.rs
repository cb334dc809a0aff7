//! Quotas counted in the database, in fixed windows, so that every instance sharing it
//! enforces the same numbers: sign-in failures, sign-ups per address, posts, uploads.
//! Each `take` counts and checks in one statement, so concurrent requests cannot
//! together pass a limit that each alone would not.

use std::time::Duration;

use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;

/// One quota: at most `limit` units per `window` under one key.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: i64,
    pub window: Duration,
}

impl Quota {
    pub fn new(limit: impl Into<i64>, window: Duration) -> Quota {
        Quota {
            limit: limit.into(),
            window,
        }
    }

    fn window_ms(self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The longest window any quota uses: older rows are purged.
pub const LONGEST_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Counts `amount` under `key` and refuses (429 with Retry-After) when that takes the
/// window past the quota. A refused take is not counted.
pub async fn take(db: &Db, key: &str, amount: i64, quota: Quota) -> Result<(), ApiError> {
    let now = now_ms();
    let window_ms = quota.window_ms();
    // Start a new window when the old one has ended; count only while within the limit.
    let row: Option<(i64, i64)> = sqlx::query_as(
        "INSERT INTO usage_windows (usage_key, window_start, used) VALUES ($1, $2, $3)
         ON CONFLICT (usage_key) DO UPDATE SET
           used = CASE WHEN usage_windows.window_start <= $4 THEN excluded.used
                       ELSE usage_windows.used + excluded.used END,
           window_start = CASE WHEN usage_windows.window_start <= $4 THEN excluded.window_start
                               ELSE usage_windows.window_start END
         WHERE usage_windows.window_start <= $4 OR usage_windows.used + excluded.used <= $5
         RETURNING window_start, used",
    )
    .bind(key)
    .bind(now)
    .bind(amount)
    .bind(now.saturating_sub(window_ms))
    .bind(quota.limit)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some((_, used)) if used <= quota.limit => Ok(()),
        Some((start, _)) => {
            // A first take bigger than the whole quota: it can never fit.
            give_back(db, key, amount).await?;
            Err(refused(start, window_ms, now))
        }
        None => {
            let start: Option<(i64,)> =
                sqlx::query_as("SELECT window_start FROM usage_windows WHERE usage_key = $1")
                    .bind(key)
                    .fetch_optional(&db.pool)
                    .await?;
            Err(refused(start.map_or(now, |(s,)| s), window_ms, now))
        }
    }
}

fn refused(window_start: i64, window_ms: i64, now: i64) -> ApiError {
    let remaining_ms = window_start
        .saturating_add(window_ms)
        .saturating_sub(now)
        .max(1);
    ApiError::TooManyRequests {
        retry_after_secs: super::retry_after_secs(Duration::from_millis(
            u64::try_from(remaining_ms).unwrap_or(1),
        )),
    }
}

/// Takes each of `takes` (key, amount, quota) in turn; when one is refused, the ones
/// already taken are given back and the refusal is the answer: all or none.
pub async fn take_all(db: &Db, takes: &[(&str, i64, Quota)]) -> Result<(), ApiError> {
    for (done, (key, amount, quota)) in takes.iter().enumerate() {
        if let Err(refused) = take(db, key, *amount, *quota).await {
            for (key, amount, _) in takes.iter().take(done) {
                give_back(db, key, *amount).await?;
            }
            return Err(refused);
        }
    }
    Ok(())
}

/// Uncounts what a take counted, for work that turned out not to count (a sign-in
/// attempt that succeeded).
pub async fn give_back(db: &Db, key: &str, amount: i64) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE usage_windows SET used = CASE WHEN used > $2 THEN used - $2 ELSE 0 END
         WHERE usage_key = $1",
    )
    .bind(key)
    .bind(amount)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Forgets a key's window altogether.
pub async fn reset(db: &Db, key: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM usage_windows WHERE usage_key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Drops windows that ended long ago.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    let cutoff = now_ms().saturating_sub(i64::try_from(LONGEST_WINDOW.as_millis()).unwrap_or(0));
    Ok(
        sqlx::query("DELETE FROM usage_windows WHERE window_start < $1")
            .bind(cutoff)
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}
