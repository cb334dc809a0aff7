//! Exactly once: a checkout attempt is named by the idempotency key its app made and
//! saved before sending. The first request claims the key (a row committed before any
//! work, with a lease); the work writes its outcome into that row in its own
//! transaction; a retry reads the row. So a retry after a timeout replays the first
//! answer and charges nothing again, the same key with another request is 422, and a
//! request while the first still runs is 409. A claim whose request died (its lease ran
//! out with the work unfinished) is taken over by the next retry, which resumes it.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::AnyConnection;

use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::base::idempotency::{self, checked_key, kept};

/// How long a claimed attempt counts as running. A checkout does its work in well under a
/// second; a request that has not finished by then has died.
pub const LEASE: Duration = Duration::from_secs(30);

/// An attempt's row: the idempotency record and the checkout in one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub user_id: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    /// `order` or `top_up`.
    pub purpose: String,
    /// `claimed`, `reserved`, `requires_action`, `processing`, `paid`, `failed`,
    /// `expired`, `refused`.
    pub status: String,
    /// `wallet` or `card`.
    pub method: String,
    pub currency: String,
    pub total_minor: i64,
    pub payment_id: Option<String>,
    pub card_last4: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub expires_at: Option<i64>,
    pub locked_until: i64,
    pub created_at: i64,
    /// Who completes a second step the payment requires (`ActionKind`, snake case).
    pub action_kind: Option<String>,
}

pub const COLUMNS: &str = "id, user_id, idempotency_key, request_hash, purpose, status, method,
    currency, total_minor, payment_id, card_last4, error_code, error_message,
    expires_at, locked_until, created_at, action_kind";

/// What the claim found.
pub enum Claim {
    /// This request does the work (a new attempt, or one whose request died).
    Mine(Attempt),
    /// The attempt was made before: answer what it came to.
    Replay(Attempt),
}

pub async fn find(db: &Db, user_id: i64, key: &str) -> Result<Option<Attempt>, ApiError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM checkouts WHERE user_id = $1 AND idempotency_key = $2"
    ))
    .bind(user_id)
    .bind(key)
    .fetch_optional(&db.durable)
    .await?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Attempt>, ApiError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM checkouts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&db.durable)
            .await?,
    )
}

fn lease_end(now: i64) -> i64 {
    now.saturating_add(i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX))
}

/// A key to claim: whose, for what request, paid how.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub user_id: i64,
    pub key: String,
    pub request_hash: String,
    pub purpose: &'static str,
    pub method: &'static str,
}

/// Claims new keys in the caller's transaction, in one statement: answers the attempts
/// made, by (person, key). A key claimed before (or twice in `claims`) makes none; a
/// claim of it still uncommitted in another transaction is waited for.
pub async fn claim_all(
    conn: &mut AnyConnection,
    claims: &[NewClaim],
    now: i64,
) -> Result<HashMap<(i64, String), Attempt>, sqlx::Error> {
    if claims.is_empty() {
        return Ok(HashMap::new());
    }
    // Each row's five binds, then the lease's end and the time, shared by all rows.
    let (lease, at) = (claims.len() * 5 + 1, claims.len() * 5 + 2);
    let rows: Vec<String> = (0..claims.len())
        .map(|i| {
            let n = 1 + i * 5;
            format!(
                "(${n}, ${}, ${}, ${}, 'claimed', ${}, '', ${lease}, ${at}, ${at})",
                n + 1,
                n + 2,
                n + 3,
                n + 4
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO checkouts (user_id, idempotency_key, request_hash, purpose, status, method,
                                currency, locked_until, created_at, updated_at)
         VALUES {} ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING {COLUMNS}",
        rows.join(", ")
    );
    let mut query = sqlx::query_as::<_, Attempt>(&sql);
    for claim in claims {
        query = query
            .bind(claim.user_id)
            .bind(&claim.key)
            .bind(&claim.request_hash)
            .bind(claim.purpose)
            .bind(claim.method);
    }
    Ok(query
        .bind(lease_end(now))
        .bind(now)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|attempt| ((attempt.user_id, attempt.idempotency_key.clone()), attempt))
        .collect())
}

/// Claims `key` for this request, or says why not.
pub async fn claim(
    db: &Db,
    user_id: i64,
    key: Option<&str>,
    request_hash: &str,
    purpose: &'static str,
    method: &'static str,
) -> Result<Claim, ApiError> {
    let key = checked_key(key)?;
    let now = now_ms();
    let mut conn = db.durable.acquire().await?;
    let inserted = claim_all(
        &mut conn,
        &[NewClaim {
            user_id,
            key: key.to_string(),
            request_hash: request_hash.to_string(),
            purpose,
            method,
        }],
        now,
    )
    .await?
    .remove(&(user_id, key.to_string()));
    drop(conn);
    if let Some(attempt) = inserted {
        return Ok(Claim::Mine(attempt));
    }
    let attempt = find(db, user_id, key)
        .await?
        .ok_or_else(|| ApiError::Internal("a claimed checkout vanished".into()))?;
    if attempt.request_hash != request_hash {
        return Err(ApiError::Validation(
            "this idempotency key was used for a different request; make a new one".into(),
        ));
    }
    if !matches!(attempt.status.as_str(), "claimed" | "reserved") {
        return Ok(Claim::Replay(attempt));
    }
    if attempt.locked_until > now {
        return Err(ApiError::Conflict(
            "this checkout is still being processed; ask again in a moment".into(),
        ));
    }
    // Its request died: take it over, unless another retry just did.
    let taken =
        sqlx::query("UPDATE checkouts SET locked_until = $1 WHERE id = $2 AND locked_until = $3")
            .bind(lease_end(now))
            .bind(attempt.id)
            .bind(attempt.locked_until)
            .execute(&db.durable)
            .await?;
    if taken.rows_affected() == 1 {
        Ok(Claim::Mine(attempt))
    } else {
        Err(ApiError::Conflict(
            "this checkout is still being processed; ask again in a moment".into(),
        ))
    }
}

/// Lets the next retry go at once (this request failed for a passing reason).
pub async fn release(db: &Db, id: i64) {
    let released = sqlx::query("UPDATE checkouts SET locked_until = 0 WHERE id = $1")
        .bind(id)
        .execute(&db.durable)
        .await;
    if let Err(e) = released {
        tracing::warn!(error = %e, checkout = id, "cannot release a checkout's claim");
    }
}

/// Keeps a refusal as the attempt's answer, for its retries to get too.
pub async fn refuse(db: &Db, id: i64, error: &ApiError) -> Result<(), ApiError> {
    let (code, message) = kept(error);
    sqlx::query(
        "UPDATE checkouts SET status = 'refused', error_code = $1, error_message = $2,
             locked_until = 0, updated_at = $3
         WHERE id = $4 AND status = 'claimed'",
    )
    .bind(code)
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(&db.durable)
    .await?;
    Ok(())
}

/// The refusal an attempt keeps, as the error it was.
pub fn kept_refusal(attempt: &Attempt) -> ApiError {
    idempotency::refusal(
        attempt.error_code.as_deref(),
        attempt.error_message.clone().unwrap_or_default(),
    )
}
