//! Opaque session tokens. The client holds the token; the database holds only its
//! SHA-256, so a leaked database cannot be replayed as sessions. Each session also has a
//! public id, so its owner can list their sessions and end one without ever seeing
//! another session's token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use souq_wire::{SessionInfo, User};

use crate::base::Base;
use crate::base::cache::{Change, Forget, MAX_AGE, Store, Weigh};
use crate::base::db::{Db, from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::random;

/// A live session as cached: its user, and when it expires (ms).
#[derive(Clone)]
pub struct CachedSession {
    pub user: User,
    pub expires_at: i64,
}

impl Weigh for CachedSession {
    fn weigh(&self) -> usize {
        std::mem::size_of::<User>()
            + self.user.email.capacity()
            + self.user.handle.capacity()
            + self.user.display_name.capacity()
    }
}

/// Live sessions by their token's hash: every request asks who it is.
pub struct SessionCache {
    sessions: Store<String, CachedSession>,
}

impl SessionCache {
    pub fn new(max_bytes: u64) -> SessionCache {
        SessionCache {
            sessions: Store::new(max_bytes, MAX_AGE),
        }
    }

    pub fn weighed_bytes(&self) -> u64 {
        self.sessions.weighed_bytes()
    }
}

impl Forget for SessionCache {
    fn forget(&self, change: &Change) {
        match change {
            Change::SignedOut(hash) => self.sessions.remove(hash),
            Change::Everything => self.sessions.clear(),
            Change::Post(_)
            | Change::Author(_)
            | Change::Viewer(_)
            | Change::Catalog(_)
            | Change::Drop(_)
            | Change::Stock(_)
            | Change::Inbox(_) => {}
        }
    }
}

const SESSION_DAYS: i64 = 30;
/// `last_used_at` is written at most this often per session: it is shown to the user,
/// not used for security, and a write per request would cost more than it tells.
const LAST_USED_GRANULARITY_MS: i64 = 5 * 60 * 1000;
/// What is kept of the client's own name for itself.
const MAX_DEVICE_CHARS: usize = 120;

pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// The client's User-Agent as shown in the list of sessions: printable, bounded.
pub fn device_name(user_agent: Option<&str>) -> String {
    let name: String = user_agent
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_DEVICE_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        "unknown client".into()
    } else {
        name.to_string()
    }
}

/// Creates a session for `user_id` and returns the token, shown to the client once.
pub async fn issue(
    db: &Db,
    user_id: i64,
    device: &str,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let token = random::id(32);
    let now = now_ms();
    let expires = now + SESSION_DAYS * 24 * 60 * 60 * 1000;
    sqlx::query(
        "INSERT INTO sessions (token_hash, session_id, user_id, device, created_at, last_used_at,
                               expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(random::id(12))
    .bind(user_id)
    .bind(device)
    .bind(now)
    .bind(expires)
    .execute(&db.pool)
    .await?;
    Ok((token, from_ms(expires)))
}

/// A session as notices name it: its public id, what it called itself, and when it
/// signed in (with the password).
pub struct Described {
    pub session_id: String,
    pub device: String,
    pub signed_in_at: i64,
}

/// The live session a token belongs to, described.
pub async fn describe(db: &Db, token: &str) -> Result<Option<Described>, ApiError> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT session_id, device, created_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(session_id, device, signed_in_at)| Described {
        session_id,
        device,
        signed_in_at,
    }))
}

/// The user a live token belongs to, if any. Every request asks, so live sessions are
/// cached; a sign-out anywhere removes its session from every instance's cache.
pub async fn user_for_token(
    db: &Db,
    cache: &SessionCache,
    token: &str,
) -> Result<Option<User>, ApiError> {
    let hash = token_hash(token);
    let now = now_ms();
    let sessions = &cache.sessions;
    if let Some(cached) = sessions.get(&hash) {
        return Ok((cached.expires_at > now).then_some(cached.user));
    }
    let ticket = sessions.ticket();
    let sql = format!(
        "SELECT {}, s.expires_at, s.last_used_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
        super::users::USER_COLUMNS_OF_U
    );
    let row: Option<SessionRow> = sqlx::query_as(&sql)
        .bind(&hash)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if now.saturating_sub(row.last_used_at) > LAST_USED_GRANULARITY_MS {
        sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(&db.pool)
            .await?;
    }
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
    user: super::users::UserRow,
    expires_at: i64,
    last_used_at: i64,
}

pub async fn revoke(base: &Base, token: &str) -> Result<(), ApiError> {
    let hash = token_hash(token);
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&hash)
        .execute(&base.db.pool)
        .await?;
    base.publish(&[Change::SignedOut(hash)]).await;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    token_hash: String,
    session_id: String,
    device: String,
    created_at: i64,
    last_used_at: i64,
}

/// The user's live sessions, most recently used first.
pub async fn list(
    db: &Db,
    user_id: i64,
    current_token: &str,
) -> Result<Vec<SessionInfo>, ApiError> {
    let current = token_hash(current_token);
    let rows: Vec<ListedRow> = sqlx::query_as(
        "SELECT token_hash, session_id, device, created_at, last_used_at FROM sessions
         WHERE user_id = $1 AND expires_at > $2
         ORDER BY last_used_at DESC, created_at DESC",
    )
    .bind(user_id)
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: row.token_hash == current,
            id: row.session_id,
            device: row.device,
            created_at: from_ms(row.created_at),
            last_used_at: from_ms(row.last_used_at),
        })
        .collect())
}

/// Deletes the sessions a query picks and tells every instance to forget them.
async fn end_where(
    base: &Base,
    condition: &str,
    user_id: i64,
    other: &str,
) -> Result<u64, ApiError> {
    let ended: Vec<(String,)> = sqlx::query_as(&format!(
        "DELETE FROM sessions WHERE user_id = $1 AND {condition} RETURNING token_hash"
    ))
    .bind(user_id)
    .bind(other)
    .fetch_all(&base.db.pool)
    .await?;
    let changes: Vec<Change> = ended
        .into_iter()
        .map(|(hash,)| Change::SignedOut(hash))
        .collect();
    base.publish(&changes).await;
    Ok(u64::try_from(changes.len()).unwrap_or(u64::MAX))
}

/// Ends one of the user's own sessions by its public id; 404 for any other id.
pub async fn end(base: &Base, user_id: i64, session_id: &str) -> Result<(), ApiError> {
    let ended = end_where(base, "session_id = $2", user_id, session_id).await?;
    if ended == 0 {
        return Err(ApiError::not_found("session"));
    }
    Ok(())
}

/// Ends every session of the user's but the one `current_token` belongs to.
pub async fn end_others(base: &Base, user_id: i64, current_token: &str) -> Result<(), ApiError> {
    end_where(
        base,
        "token_hash <> $2",
        user_id,
        &token_hash(current_token),
    )
    .await?;
    Ok(())
}

/// Deletes sessions that have expired; nothing reads them any more.
pub async fn purge_expired(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now_ms())
        .execute(&db.pool)
        .await?
        .rows_affected())
}
