//! The PIN vault: a six-digit PIN, set on first use, that sending money asks for. The
//! server keeps only its argon2id hash and counts wrong tries itself, so a stolen device
//! cannot guess offline; five wrong in a row lock it, for longer each round (15
//! minutes, an hour, a day), and after the last round until the account's password is
//! given. PINs guessed first are refused when chosen (`weak.rs`). Choosing the first
//! PIN, changing it and turning biometrics on ask for the password, or a sign-in
//! within the last minutes: a session token alone cannot take the vault over. A PIN
//! change is told to the account's other devices. A right PIN unlocks the session it
//! was typed in for a few minutes (sudo mode), so a person sending several payments
//! types it once, and argon2 runs once, not per send.
//!
//! On a phone, the device's biometrics may stand in for the PIN: with the vault
//! unlocked, the app asks for a device key for its session, keeps it behind the
//! biometrics, and gives it back to unlock. The key is the session's alone, only its
//! hash is kept, a wrong one takes a try as a wrong PIN does, and changing the PIN
//! forgets every key.

mod weak;

use souq_wire::wallet::{
    PIN_DIGITS, PIN_LOCK_MINUTES, PIN_TRIES, RECENT_SIGN_IN_MINUTES, UNLOCK_MINUTES,
};
use souq_wire::{DeviceKey, NotificationKind, Reauthenticate, Secret, SetPin, User, VaultState};
use sqlx::AnyConnection;

use crate::accounts::AccountsService;
use crate::accounts::sessions::{self, token_hash};
use crate::accounts::{self, Client};
use crate::base::db::{from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::random;
use crate::notifications::security;

const MINUTE_MS: i64 = 60 * 1000;
/// The round of locks after which only the password opens the vault.
const PASSWORD_LEVEL: i64 = 3;
/// `locked_until` of a vault that only the password opens.
const UNTIL_PASSWORD: i64 = i64::MAX;

fn unlock_ms() -> i64 {
    UNLOCK_MINUTES.saturating_mul(MINUTE_MS)
}

/// How long the lock after round `level` (0 for the first) lasts; none after the last
/// round: then only the password opens it.
fn lock_ms(level: i64) -> Option<i64> {
    let minutes = PIN_LOCK_MINUTES.get(usize::try_from(level).ok()?)?;
    Some(minutes.saturating_mul(MINUTE_MS))
}

/// Six digits, none of the PINs guessed first.
fn checked_pin(pin: &Secret<String>) -> Result<&str, ApiError> {
    let pin = pin.expose().as_str();
    if pin.len() != PIN_DIGITS || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Validation(format!(
            "a PIN is {PIN_DIGITS} digits"
        )));
    }
    if weak::is_weak(pin) {
        return Err(ApiError::Validation(
            "that PIN is among the first anyone would guess (a repeat, a run, a keypad \
             line, a date); choose another"
                .into(),
        ));
    }
    Ok(pin)
}

#[derive(sqlx::FromRow)]
struct PinRow {
    failed_tries: i64,
    locked_until: i64,
    lock_level: i64,
}

impl PinRow {
    fn needs_password(&self) -> bool {
        self.lock_level > PASSWORD_LEVEL
    }
}

async fn pin_row(conn: &mut AnyConnection, user_id: i64) -> Result<Option<PinRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT failed_tries, locked_until, lock_level FROM vault_pins WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Confirms the person is who the session says: their password, or a sign-in with it
/// by this session within the last `RECENT_SIGN_IN_MINUTES`. A password given is
/// checked as a sign-in's is (counted, throttled).
pub async fn reauthenticate(
    accounts: &AccountsService,
    client: &Client,
    user: &User,
    session_token: &str,
    password: Option<&Secret<String>>,
) -> Result<(), ApiError> {
    if let Some(password) = password {
        return accounts::confirm_password(accounts, client, user, password.expose()).await;
    }
    let session = sessions::describe(&accounts.base.db, session_token).await?;
    let recent = now_ms().saturating_sub(RECENT_SIGN_IN_MINUTES.saturating_mul(MINUTE_MS));
    if session.is_some_and(|s| s.signed_in_at >= recent) {
        return Ok(());
    }
    Err(ApiError::PasswordRequired(
        "confirm with your password to continue".into(),
    ))
}

fn tries_left(failed_tries: i64, locked_until: i64, now: i64) -> i64 {
    if failed_tries >= PIN_TRIES && locked_until <= now {
        // The lock has passed: a fresh round of tries.
        PIN_TRIES
    } else {
        PIN_TRIES.saturating_sub(failed_tries).max(0)
    }
}

/// Where the vault stands for this person and session.
pub async fn state(
    conn: &mut AnyConnection,
    user_id: i64,
    session_token: &str,
    now: i64,
) -> Result<VaultState, sqlx::Error> {
    let pin = pin_row(conn, user_id).await?;
    let unlocked: Option<(i64,)> = sqlx::query_as(
        "SELECT until_at FROM vault_unlocks WHERE session_hash = $1 AND user_id = $2",
    )
    .bind(token_hash(session_token))
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let device_key: Option<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM vault_device_keys WHERE session_hash = $1 AND user_id = $2",
    )
    .bind(token_hash(session_token))
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(VaultState {
        device_key: device_key.is_some(),
        pin_set: pin.is_some(),
        needs_password: pin.as_ref().is_some_and(PinRow::needs_password),
        unlocked_until: unlocked
            .map(|(until,)| until)
            .filter(|until| *until > now)
            .map(from_ms),
        locked_until: pin
            .as_ref()
            .filter(|p| !p.needs_password())
            .map(|p| p.locked_until)
            .filter(|until| *until > now)
            .map(from_ms),
        tries_left: pin.as_ref().map_or(PIN_TRIES, |p| {
            tries_left(p.failed_tries, p.locked_until, now)
        }),
    })
}

/// Refused unless this session was unlocked by the PIN within the last few minutes.
pub async fn require(
    conn: &mut AnyConnection,
    user_id: i64,
    session_token: &str,
    now: i64,
) -> Result<(), ApiError> {
    let vault = state(conn, user_id, session_token, now).await?;
    if vault.unlocked_until.is_some() {
        return Ok(());
    }
    Err(refusal(vault.pin_set))
}

/// What an action that needs the vault unlocked answers while it is not.
pub fn refusal(pin_set: bool) -> ApiError {
    ApiError::PinRequired(if pin_set {
        "enter your PIN to continue".into()
    } else {
        "set a PIN to continue".into()
    })
}

async fn unlock_session(
    conn: &mut AnyConnection,
    user_id: i64,
    session_token: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vault_unlocks (session_hash, user_id, until_at) VALUES ($1, $2, $3)
         ON CONFLICT (session_hash) DO UPDATE SET until_at = excluded.until_at,
             user_id = excluded.user_id",
    )
    .bind(token_hash(session_token))
    .bind(user_id)
    .bind(now.saturating_add(unlock_ms()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a wrong try answers once it used up a round: locked for the next lock's time,
/// or until the password.
fn locked(level: i64, locked_until: i64, now: i64) -> ApiError {
    if level > PASSWORD_LEVEL || locked_until == UNTIL_PASSWORD {
        return ApiError::PasswordRequired(
            "the PIN is locked after too many wrong tries: choose a new one with your password"
                .into(),
        );
    }
    ApiError::PinLocked {
        retry_after_secs: u64::try_from(locked_until.saturating_sub(now) / 1000)
            .unwrap_or(0)
            .saturating_add(1),
    }
}

/// Takes one try of the person's five, before what is tried is checked: guesses sent
/// at once each take a try first, so no more than five are ever checked before the
/// lock. The fifth wrong try of a round locks the vault for that round's time (the
/// last round: until the password). Answers the tries taken, the round's lock, and the
/// PIN's hash, or why no try may be taken.
async fn take_try(
    accounts: &AccountsService,
    user_id: i64,
    now: i64,
) -> Result<(i64, i64, String), ApiError> {
    let lock_at = |level: i64| lock_ms(level).map_or(UNTIL_PASSWORD, |ms| now.saturating_add(ms));
    let taken: Option<(i64, i64, String)> = sqlx::query_as(
        "UPDATE vault_pins SET
             failed_tries = CASE WHEN failed_tries >= $2 THEN 1 ELSE failed_tries + 1 END,
             locked_until = CASE WHEN failed_tries + 1 = $2 THEN
                 CASE lock_level WHEN 0 THEN $3 WHEN 1 THEN $4 WHEN 2 THEN $5 ELSE $6 END
                 ELSE locked_until END,
             lock_level = CASE WHEN failed_tries + 1 = $2 THEN lock_level + 1
                 ELSE lock_level END,
             updated_at = $7
         WHERE user_id = $1 AND locked_until <= $7 AND lock_level <= $8
         RETURNING failed_tries, locked_until, pin_hash",
    )
    .bind(user_id)
    .bind(PIN_TRIES)
    .bind(lock_at(0))
    .bind(lock_at(1))
    .bind(lock_at(2))
    .bind(UNTIL_PASSWORD)
    .bind(now)
    .bind(PASSWORD_LEVEL)
    .fetch_optional(&accounts.base.db.durable)
    .await?;
    if let Some((tries, until, hash)) = taken {
        return Ok((tries, if tries >= PIN_TRIES { until } else { 0 }, hash));
    }
    let mut conn = accounts.base.db.durable.acquire().await?;
    Err(match pin_row(&mut conn, user_id).await? {
        None => ApiError::Conflict("set a PIN first".into()),
        Some(row) => locked(row.lock_level, row.locked_until, now),
    })
}

/// Ends a try: a right one gives the person all their tries and rounds back; a wrong
/// one says how many are left, or that the vault is now locked (and for how long).
async fn end_try(
    accounts: &AccountsService,
    user_id: i64,
    (tries, locked_until): (i64, i64),
    right: bool,
) -> Result<(), ApiError> {
    if right {
        sqlx::query(
            "UPDATE vault_pins SET failed_tries = 0, locked_until = 0, lock_level = 0,
                 updated_at = $2
             WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(now_ms())
        .execute(&accounts.base.db.durable)
        .await?;
        return Ok(());
    }
    let left = PIN_TRIES.saturating_sub(tries);
    if left <= 0 {
        return Err(locked(0, locked_until, now_ms()));
    }
    Err(ApiError::WrongPin { tries_left: left })
}

/// Checks a PIN against the hash, a try taken first.
async fn check(accounts: &AccountsService, user_id: i64, pin: &str) -> Result<(), ApiError> {
    let (tries, locked_until, hash) = take_try(accounts, user_id, now_ms()).await?;
    let right = accounts
        .guard
        .hashing
        .verify(pin.to_string(), Some(hash))
        .await?;
    end_try(accounts, user_id, (tries, locked_until), right).await
}

/// Sets the PIN, after the password or a recent sign-in. The first time that is all;
/// a change also needs the current PIN, unless the password was given (a forgotten
/// PIN, or one locked until the password). A change forgets every device key and is
/// told to the account's other devices. Either way this session is unlocked after.
pub async fn set_pin(
    accounts: &AccountsService,
    client: &Client,
    user: &User,
    session_token: &str,
    request: &SetPin,
) -> Result<VaultState, ApiError> {
    let user_id = user.id;
    let pin = checked_pin(&request.pin)?.to_string();
    reauthenticate(
        accounts,
        client,
        user,
        session_token,
        request.password.as_ref(),
    )
    .await?;
    let mut conn = accounts.base.db.durable.acquire().await?;
    let existing = pin_row(&mut conn, user_id).await?;
    drop(conn);
    if existing.is_some() && request.password.is_none() {
        let current = request.current_pin.as_ref().ok_or_else(|| {
            ApiError::Validation("give the current PIN (or your password) to change it".into())
        })?;
        check(accounts, user_id, current.expose()).await?;
    }
    let hash = accounts.guard.hashing.hash(pin).await?;
    let now = now_ms();
    let written = if existing.is_some() {
        sqlx::query(
            "UPDATE vault_pins SET pin_hash = $2, failed_tries = 0, locked_until = 0,
                 lock_level = 0, updated_at = $3
             WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(&hash)
        .bind(now)
        .execute(&accounts.base.db.durable)
        .await?
    } else {
        sqlx::query(
            "INSERT INTO vault_pins (user_id, pin_hash, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(&hash)
        .bind(now)
        .execute(&accounts.base.db.durable)
        .await?
    };
    if written.rows_affected() == 0 {
        // Set by another request meanwhile: changing it needs that PIN.
        return Err(ApiError::Conflict(
            "a PIN was set meanwhile; give it to change it".into(),
        ));
    }
    if existing.is_some() {
        // A PIN changed (perhaps because it was seen) takes every device's key with it.
        sqlx::query("DELETE FROM vault_device_keys WHERE user_id = $1")
            .bind(user_id)
            .execute(&accounts.base.db.durable)
            .await?;
        security::tell_other_devices(
            &accounts.base,
            user_id,
            session_token,
            NotificationKind::PinChanged,
            None,
        )
        .await?;
    }
    let mut conn = accounts.base.db.durable.acquire().await?;
    unlock_session(&mut conn, user_id, session_token, now).await?;
    Ok(state(&mut conn, user_id, session_token, now).await?)
}

/// Unlocks this session for a few minutes with the PIN.
pub async fn unlock(
    accounts: &AccountsService,
    user_id: i64,
    session_token: &str,
    pin: &Secret<String>,
) -> Result<VaultState, ApiError> {
    let pin = pin.expose();
    if pin.len() != PIN_DIGITS || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Validation(format!(
            "a PIN is {PIN_DIGITS} digits"
        )));
    }
    check(accounts, user_id, pin).await?;
    let now = now_ms();
    let mut conn = accounts.base.db.durable.acquire().await?;
    unlock_session(&mut conn, user_id, session_token, now).await?;
    Ok(state(&mut conn, user_id, session_token, now).await?)
}

/// Makes this session's device key, for a phone to keep behind its biometrics; needs
/// the vault unlocked (the PIN typed on this session within the last minutes) and the
/// password (or a recent sign-in). A new key replaces the session's old one.
pub async fn make_device_key(
    accounts: &AccountsService,
    client: &Client,
    user: &User,
    session_token: &str,
    request: &Reauthenticate,
) -> Result<DeviceKey, ApiError> {
    let user_id = user.id;
    let now = now_ms();
    let mut conn = accounts.base.db.durable.acquire().await?;
    require(&mut conn, user_id, session_token, now).await?;
    drop(conn);
    reauthenticate(
        accounts,
        client,
        user,
        session_token,
        request.password.as_ref(),
    )
    .await?;
    let mut conn = accounts.base.db.durable.acquire().await?;
    let key = random::id(32);
    sqlx::query(
        "INSERT INTO vault_device_keys (session_hash, user_id, key_hash, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_hash) DO UPDATE SET key_hash = excluded.key_hash,
             user_id = excluded.user_id, created_at = excluded.created_at",
    )
    .bind(token_hash(session_token))
    .bind(user_id)
    .bind(token_hash(&key))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(DeviceKey {
        key: Secret::new(key),
    })
}

/// Unlocks this session with its device key, as the PIN would: a try is taken first,
/// so a wrong key counts as a wrong PIN, and a locked vault takes no key either.
pub async fn unlock_with_device_key(
    accounts: &AccountsService,
    user_id: i64,
    session_token: &str,
    key: &Secret<String>,
) -> Result<VaultState, ApiError> {
    let now = now_ms();
    let (tries, locked_until, _) = take_try(accounts, user_id, now).await?;
    let kept: Option<(String,)> = sqlx::query_as(
        "SELECT key_hash FROM vault_device_keys WHERE session_hash = $1 AND user_id = $2",
    )
    .bind(token_hash(session_token))
    .bind(user_id)
    .fetch_optional(&accounts.base.db.durable)
    .await?;
    let right = kept.is_some_and(|(hash,)| hash == token_hash(key.expose()));
    end_try(accounts, user_id, (tries, locked_until), right).await?;
    let mut conn = accounts.base.db.durable.acquire().await?;
    unlock_session(&mut conn, user_id, session_token, now).await?;
    Ok(state(&mut conn, user_id, session_token, now).await?)
}

/// Forgets this session's device key (biometrics turned off in the app).
pub async fn forget_device_key(
    accounts: &AccountsService,
    user_id: i64,
    session_token: &str,
) -> Result<VaultState, ApiError> {
    let mut conn = accounts.base.db.durable.acquire().await?;
    sqlx::query("DELETE FROM vault_device_keys WHERE session_hash = $1")
        .bind(token_hash(session_token))
        .execute(&mut *conn)
        .await?;
    Ok(state(&mut conn, user_id, session_token, now_ms()).await?)
}

/// Locks this session's vault now (the app does on leaving the accounts).
pub async fn lock(
    accounts: &AccountsService,
    user_id: i64,
    session_token: &str,
) -> Result<VaultState, ApiError> {
    let mut conn = accounts.base.db.durable.acquire().await?;
    sqlx::query("DELETE FROM vault_unlocks WHERE session_hash = $1")
        .bind(token_hash(session_token))
        .execute(&mut *conn)
        .await?;
    Ok(state(&mut conn, user_id, session_token, now_ms()).await?)
}

/// Forgets unlocks whose minutes have passed (the sweep).
/// And the device keys of sessions that ended (signed out or expired).
pub async fn purge_expired(db: &crate::base::db::Db) -> Result<u64, sqlx::Error> {
    let unlocks = sqlx::query("DELETE FROM vault_unlocks WHERE until_at < $1")
        .bind(now_ms())
        .execute(&db.durable)
        .await?
        .rows_affected();
    let keys = sqlx::query(
        "DELETE FROM vault_device_keys
         WHERE session_hash NOT IN (SELECT token_hash FROM sessions)",
    )
    .execute(&db.durable)
    .await?
    .rows_affected();
    Ok(unlocks.saturating_add(keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(p: &str) -> Secret<String> {
        Secret::new(p.to_string())
    }

    #[test]
    fn a_pin_is_six_digits_and_not_a_guess_everyone_tries() {
        assert!(checked_pin(&pin("482913")).is_ok());
        assert!(checked_pin(&pin("271828")).is_ok());
        for bad in [
            "12345",
            "1234567",
            "12a456",
            "٤٨٢٩١٣",
            "000000",
            "123456",
            "987654",
            "112358",
            "121990",
        ] {
            assert!(checked_pin(&pin(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_round_of_wrong_pins_locks_for_longer_then_until_the_password() {
        assert_eq!(lock_ms(0), Some(15 * MINUTE_MS));
        assert_eq!(lock_ms(1), Some(60 * MINUTE_MS));
        assert_eq!(lock_ms(2), Some(24 * 60 * MINUTE_MS));
        assert_eq!(lock_ms(3), None);
        assert!(matches!(
            locked(4, UNTIL_PASSWORD, 0),
            ApiError::PasswordRequired(_)
        ));
        assert!(matches!(
            locked(1, 60_000, 0),
            ApiError::PinLocked {
                retry_after_secs: 61
            }
        ));
    }

    #[test]
    fn tries_start_again_once_a_lock_has_passed() {
        assert_eq!(tries_left(0, 0, 100), PIN_TRIES);
        assert_eq!(tries_left(3, 0, 100), 2);
        assert_eq!(tries_left(PIN_TRIES, 200, 100), 0);
        assert_eq!(tries_left(PIN_TRIES, 50, 100), PIN_TRIES);
    }
}
