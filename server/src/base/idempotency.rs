//! Exactly once, the parts every request that moves money or stock shares: the key the
//! app made for it and sent (`checked_key`), what the request means, to tell a retry
//! from another request under the same key (`Fingerprint`, hashed), and which errors
//! are answers to keep and replay (`is_answer`, `kept`, `refusal`). Each request's own
//! row keeps its first answer, written in the transaction that does its work.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};
use souq_wire::ErrorCode;
pub use souq_wire::checkout::CardPrint;
use souq_wire::checkout::valid_idempotency_key;

use super::error::ApiError;

/// What a request to check out means, for telling a retry from a different request.
/// A card is known by its print (`CardPrint`): its number never reaches the database.
#[derive(Serialize)]
pub struct Fingerprint<'a, T: Serialize> {
    pub purpose: &'a str,
    pub request: T,
    pub card: Option<CardPrint>,
}

pub fn hash<T: Serialize>(fingerprint: &Fingerprint<'_, T>) -> Result<String, ApiError> {
    let json = serde_json::to_vec(fingerprint)
        .map_err(|e| ApiError::Internal(format!("fingerprint: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(&json)))
}

/// The request's idempotency key, if it sent a valid one.
pub fn checked_key(key: Option<&str>) -> Result<&str, ApiError> {
    let key = key.ok_or_else(|| {
        ApiError::Validation(
            "send an Idempotency-Key header: a key the app made for this attempt".into(),
        )
    })?;
    if !valid_idempotency_key(key) {
        return Err(ApiError::Validation(
            "an idempotency key is 16 to 64 letters, digits and dashes".into(),
        ));
    }
    Ok(key)
}

/// Whether an error is an answer to keep (the request itself was refused), as opposed
/// to a passing failure (busy, down) after which a retry may succeed.
pub fn is_answer(error: &ApiError) -> bool {
    !matches!(
        error,
        ApiError::Unavailable { .. } | ApiError::Internal(_) | ApiError::TooManyRequests { .. }
    )
}

/// A refusal as an attempt keeps it: its code's name and its message.
pub fn kept(error: &ApiError) -> (String, String) {
    (code_name(error.code()), error.to_string())
}

fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A kept refusal (its code's name and message) as the error it was.
pub fn refusal(code: Option<&str>, message: String) -> ApiError {
    match code {
        Some("not_found") => ApiError::NotFound(message),
        Some("conflict") => ApiError::Conflict(message),
        Some("sold_out") => ApiError::SoldOut(message),
        Some("drop_not_live") => ApiError::DropNotLive(message),
        Some("insufficient_funds") => ApiError::InsufficientFunds,
        Some("payment_declined") => ApiError::PaymentDeclined(message),
        Some("forbidden") => ApiError::Forbidden(message),
        _ => ApiError::Validation(message),
    }
}
