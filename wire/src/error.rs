//! The one error shape that crosses the wire: `{"code": "...", "message": "..."}`.

use serde::{Deserialize, Serialize};

/// A machine-readable error code; the UI translates it, the message is for logs and
/// for clients that have no translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    EmailTaken,
    HandleTaken,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    /// The wallet holds less than the payment.
    InsufficientFunds,
    /// The card was declined or its second step abandoned.
    PaymentDeclined,
    /// Not enough is left of an option.
    SoldOut,
    /// The drop has not launched (or no longer sells).
    DropNotLive,
    /// The action needs the PIN: unlock the vault, then try again.
    PinRequired,
    /// The PIN was wrong; the message says how many tries are left.
    WrongPin,
    /// Five wrong PINs: no PIN is taken until Retry-After passes.
    PinLocked,
    /// Over a per-transfer, daily or card limit.
    LimitExceeded,
    /// The action needs the account's password again (or a sign-in within the last
    /// minutes): setting or changing the PIN, turning biometrics on, a PIN locked until
    /// the password is given.
    PasswordRequired,
    /// The password given to confirm an action is not the account's (counted as a
    /// failed sign-in is).
    WrongPassword,
    /// A price the request states (an item's, a store's shipping) is no longer the
    /// price: the message says the new one; review and try again.
    PriceChanged,
    TooManyRequests,
    /// An app update that is not signed by Souq's release key for the version it
    /// claims: refused, nothing installed.
    UpdateRefused,
    Internal,
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_serializes_as_code_and_message() {
        let body = ErrorBody {
            code: ErrorCode::EmailTaken,
            message: "that email is already registered".into(),
        };
        let json = serde_json::to_value(&body).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"code": "email_taken", "message": "that email is already registered"})
        );
    }
}
