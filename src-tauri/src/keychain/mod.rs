//! The session token (and beside it the vault's device key, and the embedded server's
//! card key), kept in the operating system's keychain and never in a plain file.
//! Which keychain is the platform's business: `native.rs` where one exists, and
//! `unavailable.rs` where none does, which keeps nothing (the session lasts until the
//! app quits, and the UI says so).

#[cfg_attr(
    any(target_os = "linux", target_os = "macos", target_os = "ios", windows),
    path = "native.rs"
)]
#[cfg_attr(
    not(any(target_os = "linux", target_os = "macos", target_os = "ios", windows)),
    path = "unavailable.rs"
)]
mod platform;

use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct Keychain {
    /// One entry per server: the embedded one, or a remote URL.
    account: String,
}

impl Keychain {
    pub fn for_server(embedded: bool, server_url: &str) -> Keychain {
        let account = if embedded {
            "session:embedded".to_string()
        } else {
            format!("session:{server_url}")
        };
        Keychain { account }
    }

    /// The entry beside this session's for another secret of the same session: the
    /// vault's device key (`biometric`).
    pub fn beside(&self, what: &str) -> Keychain {
        Keychain {
            account: format!("{what}:{}", self.account),
        }
    }

    /// The entry of the key the embedded server seals debit cards under.
    pub fn for_card_key() -> Keychain {
        Keychain {
            account: "card-key:embedded".to_string(),
        }
    }

    /// Whether a session survives a restart on this platform.
    pub fn keeps_sessions() -> bool {
        platform::AVAILABLE
    }

    pub async fn load(&self) -> Result<Option<String>, AppError> {
        platform::load(&self.account).await
    }

    pub async fn save(&self, token: &str) -> Result<(), AppError> {
        platform::save(&self.account, token).await
    }

    pub async fn delete(&self) -> Result<(), AppError> {
        platform::delete(&self.account).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_beside_a_session_has_its_own_entry_for_that_server_alone() {
        let here = Keychain::for_server(false, "https://souq.example");
        let there = Keychain::for_server(false, "https://other.example");
        let key = here.beside("vault-key");
        assert_ne!(key.account, here.account);
        assert_ne!(key.account, there.beside("vault-key").account);
        assert_ne!(key.account, Keychain::for_card_key().account);
        assert_eq!(key.account, "vault-key:session:https://souq.example");
    }
}
