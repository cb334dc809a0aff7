//! Opaque session tokens. The client holds the token; the database holds only its
//! SHA-256, so a leaked database cannot be replayed as sessions.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use souq_wire::User;

use crate::cache::{CachedSession, Change, publish};
use crate::db::{Db, from_ms, now_ms};
use crate::error::ApiError;

const SESSION_DAYS: i64 = 30;

fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for `user_id` and returns the token, shown to the client once.
pub async fn issue(db: &Db, user_id: i64) -> Result<(String, DateTime<Utc>), ApiError> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = now_ms();
    let expires = now + SESSION_DAYS * 24 * 60 * 60 * 1000;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(expires)
    .execute(&db.pool)
    .await?;
    Ok((token, from_ms(expires)))
}

/// The user a live token belongs to, if any. Every request asks, so live sessions are
/// cached; a sign-out anywhere removes its session from every instance's cache.
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, ApiError> {
    let hash = token_hash(token);
    let now = now_ms();
    let sessions = &db.cache.sessions;
    if let Some(cached) = sessions.get(&hash) {
        return Ok((cached.expires_at > now).then_some(cached.user));
    }
    let ticket = sessions.ticket();
    let sql = format!(
        "SELECT {}, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
        crate::accounts::USER_COLUMNS_OF_U
    );
    let row: Option<SessionRow> = sqlx::query_as(&sql)
        .bind(&hash)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user = row.user.into_user()?;
    sessions.fill(
        ticket,
        hash,
        CachedSession {
            user: user.clone(),
            expires_at: row.expires_at,
        },
    );
    Ok(Some(user))
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: crate::accounts::UserRow,
    expires_at: i64,
}

pub async fn revoke(db: &Db, token: &str) -> Result<(), ApiError> {
    let hash = token_hash(token);
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&hash)
        .execute(&db.pool)
        .await?;
    publish(db, &[Change::SignedOut(hash)]).await;
    Ok(())
}
