//! Accounts: sign up, sign in, sign out, password changes, and who a session belongs
//! to. Everything that costs a password hash passes `Guard` first.

pub mod password;
pub mod sessions;
pub mod shown;
pub mod throttle;
pub mod users;
pub mod validate;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use souq_wire::{ChangePassword, Role, Session, SignInRequest, SignUpRequest, StoreSummary, User};

use crate::base::Base;
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::base::limits::rate::AuthRate;
use crate::base::limits::window::{self, Quota};
use crate::base::limits::{Limits, client_key};
use password::HashingBound;
use sessions::SessionCache;
pub use users::user_by_id;
use validate::{DisplayName, Email, Handle, NewPassword};

/// What stands between a client and a password hash: the rate limits per address and
/// overall, the bound on hashes at once, and the sign-up quota per address.
pub struct Guard {
    pub rate: AuthRate,
    pub hashing: HashingBound,
    sign_ups_per_address: Quota,
}

impl Guard {
    pub fn new(limits: &Limits) -> Guard {
        Guard {
            rate: AuthRate::new(limits),
            hashing: HashingBound::new(limits),
            sign_ups_per_address: Quota::new(
                limits.sign_ups_per_address_per_hour,
                Duration::from_secs(60 * 60),
            ),
        }
    }
}

/// The accounts domain at run time: the guard before every password hash, and the cache
/// of live sessions (which hears of sign-outs on every instance).
#[derive(Clone)]
pub struct AccountsService {
    pub base: Base,
    pub guard: Arc<Guard>,
    pub sessions: Arc<SessionCache>,
}

impl AccountsService {
    /// `session_bytes`: what the session cache may hold.
    pub fn start(base: &Base, session_bytes: u64) -> AccountsService {
        AccountsService {
            base: base.clone(),
            guard: Arc::new(Guard::new(&base.limits)),
            sessions: base.subscribed(SessionCache::new(session_bytes)),
        }
    }
}

/// Who is asking: the client's address (for limits) and what it calls itself (shown in
/// the list of sessions).
pub struct Client {
    pub addr: IpAddr,
    pub device: String,
}

/// A validated new account, ready to insert.
pub struct NewAccount {
    pub email: Email,
    pub handle: Handle,
    pub display_name: DisplayName,
    pub password: NewPassword,
    pub role: Role,
}

impl NewAccount {
    pub fn parse(req: &SignUpRequest) -> Result<NewAccount, ApiError> {
        Ok(NewAccount {
            email: Email::parse(&req.email)?,
            handle: Handle::parse(&req.handle)?,
            display_name: DisplayName::parse(&req.display_name)?,
            password: NewPassword::parse(&req.password)?,
            role: req.role,
        })
    }
}

/// Inserts the account and returns its id; 409 when the email or handle is taken.
pub async fn create(db: &Db, account: NewAccount, password_hash: String) -> Result<i64, ApiError> {
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account.email.as_str())
    .bind(account.handle.as_str())
    .bind(account.display_name.as_str())
    .bind(password_hash)
    .bind(account.role.as_str())
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await;
    match inserted {
        Ok((id,)) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // Both engines name the violated column or constraint in the message.
            if e.message().contains("email") {
                Err(ApiError::EmailTaken)
            } else {
                Err(ApiError::HandleTaken)
            }
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_up(
    accounts: &AccountsService,
    client: &Client,
    req: &SignUpRequest,
) -> Result<Session, ApiError> {
    let (base, guard) = (&accounts.base, &accounts.guard);
    let db = &base.db;
    let account = NewAccount::parse(req)?;
    guard.rate.check(client.addr)?;
    window::take(
        db,
        &format!("sign-up:{}", client_key(client.addr)),
        1,
        guard.sign_ups_per_address,
    )
    .await?;
    let hash = guard
        .hashing
        .hash(account.password.expose().to_string())
        .await?;
    let id = create(db, account, hash).await?;
    session_for(db, id, &client.device).await
}

pub async fn sign_in(
    accounts: &AccountsService,
    client: &Client,
    req: &SignInRequest,
) -> Result<Session, ApiError> {
    let (base, guard) = (&accounts.base, &accounts.guard);
    let db = &base.db;
    guard.rate.check(client.addr)?;
    // An unparseable email cannot belong to anyone: same answer as a wrong password.
    let email = Email::parse(&req.email).map_err(|_| ApiError::InvalidCredentials)?;
    let attempt = throttle::begin(db, email.as_str(), client.addr).await?;
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&db.pool)
            .await?;
    let (id, stored) = match row {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matches = guard.hashing.verify(req.password.clone(), stored).await?;
    match id {
        Some(id) if matches => {
            attempt.succeeded(db).await?;
            session_for(db, id, &client.device).await
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// Checks the signed-in user's password, counted like a sign-in attempt (so it cannot
/// be guessed through this door either); 403 `wrong_password` when it is not theirs.
pub async fn confirm_password(
    accounts: &AccountsService,
    client: &Client,
    user: &User,
    password: &str,
) -> Result<(), ApiError> {
    let (base, guard) = (&accounts.base, &accounts.guard);
    let db = &base.db;
    guard.rate.check(client.addr)?;
    let attempt = throttle::begin(db, &user.email, client.addr).await?;
    let (stored,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&db.pool)
        .await?;
    if !guard
        .hashing
        .verify(password.to_string(), Some(stored))
        .await?
    {
        return Err(ApiError::WrongPassword);
    }
    attempt.succeeded(db).await
}

/// Changes the signed-in user's password after checking the current one (counted like
/// a sign-in attempt), and ends every other session: whoever knew the old password is
/// signed out everywhere but here.
pub async fn change_password(
    accounts: &AccountsService,
    client: &Client,
    user: &User,
    current_token: &str,
    req: &ChangePassword,
) -> Result<(), ApiError> {
    let (base, guard) = (&accounts.base, &accounts.guard);
    let db = &base.db;
    let new_password = NewPassword::parse(&req.new_password)?;
    confirm_password(accounts, client, user, &req.current_password).await?;
    let hash = guard
        .hashing
        .hash(new_password.expose().to_string())
        .await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&db.pool)
        .await?;
    sessions::end_others(base, user.id, current_token).await
}

async fn session_for(db: &Db, user_id: i64, device: &str) -> Result<Session, ApiError> {
    let user = user_by_id(db, user_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("user {user_id} vanished")))?;
    let (token, expires_at) = sessions::issue(db, user_id, device).await?;
    Ok(Session {
        token,
        user,
        expires_at,
    })
}

#[derive(sqlx::FromRow)]
struct StoreRow {
    id: i64,
    handle: String,
    name: String,
    about: String,
    is_nonprofit: i64,
    website_url: Option<String>,
    avatar_media_id: Option<i64>,
}

/// The store an account runs; 403 for shoppers, who run none.
pub async fn own_store(db: &Db, user: &User) -> Result<StoreSummary, ApiError> {
    if user.role == Role::Shopper {
        return Err(ApiError::Forbidden(
            "only merchant and nonprofit accounts run a store".into(),
        ));
    }
    let row: Option<StoreRow> = sqlx::query_as(
        "SELECT id, handle, name, about, is_nonprofit, website_url, avatar_media_id
         FROM stores WHERE owner_id = $1",
    )
    .bind(user.id)
    .fetch_optional(&db.pool)
    .await?;
    let row = row.ok_or_else(|| ApiError::not_found("store"))?;
    Ok(StoreSummary {
        id: row.id,
        handle: row.handle,
        name: row.name,
        about: row.about,
        is_nonprofit: row.is_nonprofit != 0,
        website_url: row.website_url,
        avatar_media_id: row.avatar_media_id,
    })
}
