//! Accounts and sessions: sign up, sign in, who am I.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Shopper,
    Merchant,
    Nonprofit,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Merchant => "merchant",
            Role::Nonprofit => "nonprofit",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "shopper" => Some(Role::Shopper),
            "merchant" => Some(Role::Merchant),
            "nonprofit" => Some(Role::Nonprofit),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignUpRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = r"^\s*[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]\s*$"
        )
    )]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub password: String,
    /// 3 to 30 characters: ASCII letters, digits and underscore.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*@*[A-Za-z0-9_]{3,30}\s*$"))]
    pub handle: String,
    /// 1 to 60 characters once trimmed; no control characters or direction overrides.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 60, pattern = r"\S")
    )]
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// A signed-in session. The token is shown once, here; the server keeps only its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Session {
    // The token is a bearer secret: never let it reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// One of the signed-in user's sessions, as listed in their settings. Its `id` is public
/// (neither the token nor its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    /// What signed in, as the client named itself (its User-Agent), e.g. `souq-app/0.1.0 (linux)`.
    pub device: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// The session this request was made with.
    pub current: bool,
}

/// Changing the password ends every other session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    pub current_password: String,
    /// 8 to 128 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePassword { <redacted> }")
    }
}

/// The store a merchant or nonprofit account runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreSummary {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub about: String,
    pub is_nonprofit: bool,
    pub website_url: Option<String>,
    pub avatar_media_id: Option<i64>,
}

/// A demo account offered one tap away on the sign-in screen of the embedded app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSignIn {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_debug_never_prints_the_token() {
        let session = Session {
            token: "secret-token-value".into(),
            user: User {
                id: 1,
                email: "a@b.c".into(),
                handle: "a".into(),
                display_name: "A".into(),
                role: Role::Shopper,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
            },
            expires_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let printed = format!("{session:?}");
        assert!(!printed.contains("secret-token-value"));
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn role_round_trips_through_its_name() {
        for role in [Role::Shopper, Role::Merchant, Role::Nonprofit] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
