//! The app's plain Rust API over the Souq server: the signed-in session and every call
//! the UI can make. Tauri commands are one-line wrappers around it, so it can be used
//! and tested without a window.

use souq_wire::{FeedPage, Session, SignInRequest, SignUpRequest, User};
use tokio::sync::RwLock;

use crate::api::{Api, Bytes};
use crate::error::AppError;
use crate::keychain::Keychain;

pub struct SouqClient {
    pub api: Api,
    keychain: Keychain,
    /// The live token, mirrored from the keychain.
    token: RwLock<Option<String>>,
}

impl SouqClient {
    pub fn new(api: Api, keychain: Keychain) -> SouqClient {
        SouqClient {
            api,
            keychain,
            token: RwLock::new(None),
        }
    }

    async fn token(&self) -> Result<String, AppError> {
        self.token.read().await.clone().ok_or(AppError::SignedOut)
    }

    /// Keeps a new session. A keychain that cannot be written (none installed, locked)
    /// costs only persistence: the session still works until the app quits.
    async fn keep(&self, session: Session) -> User {
        if let Err(e) = self.keychain.save(&session.token).await {
            tracing::warn!(error = %e, "session not saved to the keychain; sign in again after restart");
        }
        *self.token.write().await = Some(session.token);
        session.user
    }

    async fn forget(&self) {
        *self.token.write().await = None;
        if let Err(e) = self.keychain.delete().await {
            tracing::warn!(error = %e, "cannot remove the session from the keychain");
        }
    }

    /// The signed-in user, restoring the session from the keychain on first call.
    pub async fn current_user(&self) -> Result<Option<User>, AppError> {
        let token = match self.token.read().await.clone() {
            Some(token) => Some(token),
            None => self.keychain.load().await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the keychain");
                None
            }),
        };
        let Some(token) = token else {
            return Ok(None);
        };
        match self.api.get::<User>(&["v1", "me"], &[], Some(&token)).await {
            Ok(user) => {
                *self.token.write().await = Some(token);
                Ok(Some(user))
            }
            Err(AppError::Server(body)) if body.code == souq_wire::ErrorCode::Unauthorized => {
                // Expired or revoked elsewhere: drop it rather than fail every call.
                self.forget().await;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn sign_in(&self, request: &SignInRequest) -> Result<User, AppError> {
        let session: Session = self.api.post(&["v1", "sessions"], request, None).await?;
        Ok(self.keep(session).await)
    }

    pub async fn sign_up(&self, request: &SignUpRequest) -> Result<User, AppError> {
        let session: Session = self.api.post(&["v1", "accounts"], request, None).await?;
        Ok(self.keep(session).await)
    }

    pub async fn sign_out(&self) -> Result<(), AppError> {
        if let Ok(token) = self.token().await {
            // Signing out locally must work even when the server is gone.
            if let Err(e) = self
                .api
                .delete(&["v1", "sessions", "current"], Some(&token))
                .await
            {
                tracing::warn!(error = %e, "server did not revoke the session");
            }
        }
        self.forget().await;
        Ok(())
    }

    fn page_query(before: Option<&str>) -> Vec<(&'static str, &str)> {
        before.map(|b| vec![("before", b)]).unwrap_or_default()
    }

    pub async fn feed_page(&self, before: Option<&str>) -> Result<FeedPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "feed"], &Self::page_query(before), Some(&token))
            .await
    }

    pub async fn hashtag_page(
        &self,
        tag: &str,
        before: Option<&str>,
    ) -> Result<FeedPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "hashtags", tag, "posts"],
                &Self::page_query(before),
                Some(&token),
            )
            .await
    }

    pub async fn media(&self, id: i64) -> Result<Bytes, AppError> {
        self.api.bytes(&["v1", "media", &id.to_string()]).await
    }
}
