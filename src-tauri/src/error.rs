//! The app's one error type. It crosses IPC to the UI in the server's own shape,
//! `{code, message}`, so the UI handles every failure one way.

use serde::{Serialize, Serializer};
use souq_wire::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The server answered with an error; passed through as it is.
    #[error("{}", .0.message)]
    Server(ErrorBody),
    #[error("cannot reach the Souq server: {0}")]
    Unreachable(String),
    #[error("the server sent an unexpected answer: {0}")]
    BadResponse(String),
    #[error("sign in to continue")]
    SignedOut,
    /// An update not signed by the release key for the version it claims.
    #[error("the update was refused: {0}")]
    UpdateRefused(String),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn body(&self) -> ErrorBody {
        let code = match self {
            AppError::Server(body) => body.code,
            AppError::Unreachable(_) => ErrorCode::Unavailable,
            AppError::SignedOut => ErrorCode::Unauthorized,
            AppError::UpdateRefused(_) => ErrorCode::UpdateRefused,
            AppError::BadResponse(_) | AppError::Internal(_) => ErrorCode::Internal,
        };
        ErrorBody {
            code,
            message: self.to_string(),
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_ipc_as_code_and_message() {
        let json = serde_json::to_value(AppError::Unreachable("connection refused".into()))
            .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "unavailable",
                "message": "cannot reach the Souq server: connection refused"
            })
        );
        let passed = AppError::Server(ErrorBody {
            code: ErrorCode::EmailTaken,
            message: "that email is already registered".into(),
        });
        assert_eq!(
            serde_json::to_value(passed).unwrap_or_default(),
            serde_json::json!({"code": "email_taken", "message": "that email is already registered"})
        );
    }
}
