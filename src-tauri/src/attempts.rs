//! Money-moving attempts this device has sent and not yet heard the end of: each gets an
//! idempotency key, written to disk (and synced) before the request leaves, and reused
//! by every retry of the same request, so a retry after a timeout or a crash can never
//! charge twice. An attempt is forgotten once the server gave a definite answer.
//!
//! What identifies an attempt is the request as the shopper made it, with a card known
//! by its last four digits and expiry only: no card number ever reaches this file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::sync::Mutex;

use crate::error::AppError;

/// The attempts in flight, by what they ask.
pub struct Attempts {
    path: PathBuf,
    pending: Mutex<BTreeMap<String, String>>,
}

/// A new key: 16 random bytes as 32 hex digits (a UUID's worth).
fn new_key() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Attempts {
    /// The attempts kept in `path` (`attempts.json` in the app's data dir); a missing or
    /// unreadable file is no attempts.
    pub fn open(path: &Path) -> Attempts {
        let pending = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Attempts {
            path: path.to_path_buf(),
            pending: Mutex::new(pending),
        }
    }

    /// The key of the attempt `what` names: the one already made, or a new one, on disk
    /// before this returns.
    pub async fn key_for(&self, what: &impl Serialize) -> Result<String, AppError> {
        let what =
            serde_json::to_string(what).map_err(|e| AppError::Internal(format!("attempt: {e}")))?;
        let mut pending = self.pending.lock().await;
        if let Some(key) = pending.get(&what) {
            return Ok(key.clone());
        }
        let key = new_key()?;
        pending.insert(what, key.clone());
        self.write(&pending)?;
        Ok(key)
    }

    /// The server gave `what` a definite answer: the next such request is a new attempt.
    pub async fn settle(&self, what: &impl Serialize) -> Result<(), AppError> {
        let what =
            serde_json::to_string(what).map_err(|e| AppError::Internal(format!("attempt: {e}")))?;
        let mut pending = self.pending.lock().await;
        if pending.remove(&what).is_some() {
            self.write(&pending)?;
        }
        Ok(())
    }

    /// Replaces the file whole, synced, so a crash leaves the old list or the new one.
    fn write(&self, pending: &BTreeMap<String, String>) -> Result<(), AppError> {
        let bytes =
            serde_json::to_vec(pending).map_err(|e| AppError::Internal(format!("attempt: {e}")))?;
        crate::disk::replace_synced(&self.path, &bytes)
            .map_err(|e| AppError::Internal(format!("saving an attempt: {e}")))
    }
}

/// Whether an error is the server's definite answer (the attempt is over), rather than
/// not knowing what happened (unreachable, busy, a timeout).
pub fn is_definite(error: &AppError) -> bool {
    match error {
        AppError::Server(body) => !matches!(
            body.code,
            souq_wire::ErrorCode::Unavailable
                | souq_wire::ErrorCode::Internal
                | souq_wire::ErrorCode::Conflict
                | souq_wire::ErrorCode::TooManyRequests
        ),
        AppError::Unreachable(_) | AppError::BadResponse(_) | AppError::Internal(_) => false,
        AppError::SignedOut | AppError::UpdateRefused(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_retry_of_the_same_attempt_gets_the_same_key_even_after_a_restart() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("attempts.json");
        let attempts = Attempts::open(&path);
        let first = attempts.key_for(&("order", 1)).await.unwrap_or_default();
        assert_eq!(first.len(), 32);
        assert_eq!(
            attempts.key_for(&("order", 1)).await.unwrap_or_default(),
            first
        );
        assert_ne!(
            attempts.key_for(&("order", 2)).await.unwrap_or_default(),
            first
        );
        let reopened = Attempts::open(&path);
        assert_eq!(
            reopened.key_for(&("order", 1)).await.unwrap_or_default(),
            first,
            "the key was on disk before the request left"
        );
        reopened.settle(&("order", 1)).await.unwrap_or_default();
        assert_ne!(
            reopened.key_for(&("order", 1)).await.unwrap_or_default(),
            first,
            "a settled attempt is over: the same request again is a new one"
        );
    }

    #[test]
    fn a_card_is_remembered_by_its_last_four_digits_only() {
        use souq_wire::checkout::CardPrint;
        let card = souq_wire::CardDetails {
            number: souq_wire::Secret::new("4242 4242 4242 4242".into()),
            exp_month: 12,
            exp_year: 2040,
            cvc: souq_wire::Secret::new("123".into()),
        };
        let json = serde_json::to_string(&CardPrint::of(&card)).unwrap_or_default();
        assert_eq!(json, r#"{"last4":"4242","exp_month":12,"exp_year":2040}"#);
    }
}
