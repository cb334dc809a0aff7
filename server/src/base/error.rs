//! The server's one error type and how each error becomes a status and `{code, message}`.
//! Database and unexpected errors become 500 with the detail logged, never returned.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use souq_wire::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in to continue")]
    Unauthorized,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("that email is already registered")]
    EmailTaken,
    #[error("that handle is taken")]
    HandleTaken,
    /// The request clashes with what exists (other than an email or handle).
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// What was sent is not what the endpoint reads (JSON; an image).
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Validation(String),
    #[error("not enough money in the wallet")]
    InsufficientFunds,
    /// The payment processor said no (a declined card, an abandoned second step).
    #[error("{0}")]
    PaymentDeclined(String),
    /// Nothing (or not enough) is left of an option.
    #[error("{0}")]
    SoldOut(String),
    /// A drop's option bought before its launch (or after it ended).
    #[error("{0}")]
    DropNotLive(String),
    /// The action needs the vault unlocked by the PIN.
    #[error("{0}")]
    PinRequired(String),
    #[error("wrong PIN; {tries_left} tries left before the vault locks")]
    WrongPin { tries_left: i64 },
    #[error("too many wrong PINs; try again in {retry_after_secs} seconds")]
    PinLocked { retry_after_secs: u64 },
    #[error("{0}")]
    LimitExceeded(String),
    /// The action needs the account's password again (or a recent sign-in).
    #[error("{0}")]
    PasswordRequired(String),
    #[error("the password is wrong")]
    WrongPassword,
    /// A price the request states is no longer the price; the message says the new one.
    #[error("{0}")]
    PriceChanged(String),
    #[error("too many requests; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// Busy or down for a moment (the database, the password hashers): 503 with
    /// Retry-After; the detail is logged, never returned.
    #[error("the service is busy; try again in {retry_after_secs} seconds")]
    Unavailable {
        detail: String,
        retry_after_secs: u64,
    },
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_)
            | ApiError::PinRequired(_)
            | ApiError::WrongPin { .. }
            | ApiError::PasswordRequired(_)
            | ApiError::WrongPassword => StatusCode::FORBIDDEN,
            ApiError::PinLocked { .. } => StatusCode::LOCKED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::EmailTaken | ApiError::HandleTaken | ApiError::Conflict(_) => {
                StatusCode::CONFLICT
            }
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) | ApiError::InsufficientFunds | ApiError::LimitExceeded(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::PaymentDeclined(_) => StatusCode::PAYMENT_REQUIRED,
            ApiError::SoldOut(_) | ApiError::DropNotLive(_) | ApiError::PriceChanged(_) => {
                StatusCode::CONFLICT
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Unauthorized => ErrorCode::Unauthorized,
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::EmailTaken => ErrorCode::EmailTaken,
            ApiError::HandleTaken => ErrorCode::HandleTaken,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::Validation(_) => ErrorCode::Validation,
            ApiError::InsufficientFunds => ErrorCode::InsufficientFunds,
            ApiError::PaymentDeclined(_) => ErrorCode::PaymentDeclined,
            ApiError::SoldOut(_) => ErrorCode::SoldOut,
            ApiError::DropNotLive(_) => ErrorCode::DropNotLive,
            ApiError::PinRequired(_) => ErrorCode::PinRequired,
            ApiError::WrongPin { .. } => ErrorCode::WrongPin,
            ApiError::PinLocked { .. } => ErrorCode::PinLocked,
            ApiError::LimitExceeded(_) => ErrorCode::LimitExceeded,
            ApiError::PasswordRequired(_) => ErrorCode::PasswordRequired,
            ApiError::WrongPassword => ErrorCode::WrongPassword,
            ApiError::PriceChanged(_) => ErrorCode::PriceChanged,
            ApiError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            ApiError::Unavailable { .. } => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(format!("{what} not found"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed with an internal error");
            }
            ApiError::Unavailable { detail, .. } => tracing::warn!(%detail, "service unavailable"),
            _ => {}
        }
        let status = self.status();
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::PinLocked { retry_after_secs }
            | ApiError::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        let body = ErrorBody {
            code: self.code(),
            message: self.to_string(),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    /// A database that is only busy (no free connection in time, SQLite's writer lock
    /// held too long, PostgreSQL out of connections or shutting down) is 503: the
    /// request may well succeed in a moment. Anything else is a 500.
    fn from(e: sqlx::Error) -> Self {
        if is_busy(&e) {
            return ApiError::Unavailable {
                detail: format!("database busy: {e}"),
                retry_after_secs: 1,
            };
        }
        ApiError::Internal(format!("database: {e}"))
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => busy_code(&db.code().unwrap_or_default()),
        _ => false,
    }
}

/// Whether a database error code says "busy": SQLITE_BUSY (5) and SQLITE_LOCKED (6),
/// with their extended codes; PostgreSQL class 53 (insufficient resources), 57P01-03
/// (shutting down, cannot connect now), lock timeouts (55P03), and a transaction chosen
/// to end a deadlock or a serialization conflict (40P01, 40001): sent again, it runs.
fn busy_code(code: &str) -> bool {
    // SQLite's codes are numbers under 10,000; PostgreSQL's are five characters, some
    // all digits, which must not be read as SQLite's.
    let sqlite_busy =
        code.len() < 5 && code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6));
    sqlite_busy
        || code.starts_with("53")
        || matches!(
            code,
            "57P01" | "57P02" | "57P03" | "55P03" | "40P01" | "40001"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_busy_codes_of_either_engine_read_as_busy() {
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT; too many connections, shutdown.
        for busy in ["5", "6", "517", "53300", "57P01", "55P03"] {
            assert!(busy_code(busy), "{busy}");
        }
        // A unique violation on either engine, and PostgreSQL's 22021 (bad character),
        // whose low byte is 5 like SQLITE_BUSY's.
        for not_busy in ["2067", "23505", "22021", "42P01", ""] {
            assert!(!busy_code(not_busy), "{not_busy}");
        }
    }
}
