//! Opaque session tokens. The client holds the token; the database holds only its
//! SHA-256, so a leaked database cannot be replayed as sessions.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use souq_wire::User;

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

/// The user a live token belongs to, if any, in one query: every request pays it.
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, ApiError> {
    let sql = format!(
        "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
        crate::accounts::USER_COLUMNS_OF_U
    );
    let row: Option<crate::accounts::UserRow> = sqlx::query_as(&sql)
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?;
    row.map(crate::accounts::UserRow::into_user).transpose()
}

pub async fn revoke(db: &Db, token: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}
