//! The PIN vault: its state, choosing and changing the PIN (with the password or a
//! recent sign-in), unlocking with the PIN or a phone's device key, and locking. Only
//! translation; the rules live in `crate::wallet::vault`.

use axum::extract::State;
use souq_wire::{DeviceKey, ErrorBody, Reauthenticate, SetPin, UnlockVault, VaultState};

use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Client, Json, SignedIn};
use crate::wallet::vault;

#[utoipa::path(get, path = "/v1/vault", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = VaultState)))]
pub async fn vault_state(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<VaultState>, ApiError> {
    let mut conn = state.base.db.durable.acquire().await?;
    Ok(Json(
        vault::state(&mut conn, me.user.id, &me.token, now_ms()).await?,
    ))
}

/// Sets the PIN and unlocks: with the password, or within minutes of signing in; a
/// change also with the current PIN, unless the password is given.
#[utoipa::path(put, path = "/v1/vault/pin", tag = "wallet", request_body = SetPin,
    security(("bearer" = [])),
    responses((status = 200, body = VaultState),
              (status = 403, description = "the current PIN or the password is wrong, or the \
               password is needed (password_required)", body = ErrorBody),
              (status = 409, description = "a PIN was set meanwhile", body = ErrorBody),
              (status = 423, description = "locked after five wrong PINs", body = ErrorBody),
              (status = 422, description = "not six digits, or among the PINs guessed first",
               body = ErrorBody),
              (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn set_pin(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    Json(request): Json<SetPin>,
) -> Result<Json<VaultState>, ApiError> {
    Ok(Json(
        vault::set_pin(&state.accounts, &client, &me.user, &me.token, &request).await?,
    ))
}

/// Unlocks this session for a few minutes with the PIN.
#[utoipa::path(post, path = "/v1/vault/unlock", tag = "wallet", request_body = UnlockVault,
    security(("bearer" = [])),
    responses((status = 200, body = VaultState),
              (status = 403, description = "wrong PIN (wrong_pin)", body = ErrorBody),
              (status = 409, description = "no PIN set yet", body = ErrorBody),
              (status = 423, description = "locked after five wrong PINs", body = ErrorBody)))]
pub async fn unlock(
    State(state): State<Souq>,
    me: SignedIn,
    Json(request): Json<UnlockVault>,
) -> Result<Json<VaultState>, ApiError> {
    Ok(Json(
        vault::unlock(&state.accounts, me.user.id, &me.token, &request.pin).await?,
    ))
}

/// Makes this session's device key, for a phone to keep behind its biometrics; needs
/// the vault unlocked, and the password (or a recent sign-in).
#[utoipa::path(post, path = "/v1/vault/device-key", tag = "wallet", request_body = Reauthenticate,
    security(("bearer" = [])),
    responses((status = 200, body = DeviceKey),
              (status = 403, description = "the PIN is needed first (pin_required), or the \
               password (password_required, wrong_password)", body = ErrorBody),
              (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn make_device_key(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    Json(request): Json<Reauthenticate>,
) -> Result<Json<DeviceKey>, ApiError> {
    Ok(Json(
        vault::make_device_key(&state.accounts, &client, &me.user, &me.token, &request).await?,
    ))
}

/// Forgets this session's device key.
#[utoipa::path(delete, path = "/v1/vault/device-key", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = VaultState)))]
pub async fn forget_device_key(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<VaultState>, ApiError> {
    Ok(Json(
        vault::forget_device_key(&state.accounts, me.user.id, &me.token).await?,
    ))
}

/// Unlocks this session with its device key, which the phone's biometrics released.
#[utoipa::path(post, path = "/v1/vault/device-unlock", tag = "wallet", request_body = DeviceKey,
    security(("bearer" = [])),
    responses((status = 200, body = VaultState),
              (status = 403, description = "not this session's key (wrong_pin)", body = ErrorBody),
              (status = 409, description = "no PIN set yet", body = ErrorBody),
              (status = 423, description = "locked after five wrong tries", body = ErrorBody)))]
pub async fn unlock_with_device_key(
    State(state): State<Souq>,
    me: SignedIn,
    Json(request): Json<DeviceKey>,
) -> Result<Json<VaultState>, ApiError> {
    Ok(Json(
        vault::unlock_with_device_key(&state.accounts, me.user.id, &me.token, &request.key).await?,
    ))
}

/// Locks this session's vault now.
#[utoipa::path(delete, path = "/v1/vault/unlock", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = VaultState)))]
pub async fn lock(State(state): State<Souq>, me: SignedIn) -> Result<Json<VaultState>, ApiError> {
    Ok(Json(
        vault::lock(&state.accounts, me.user.id, &me.token).await?,
    ))
}
