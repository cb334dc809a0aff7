//! Sign-up fields parsed into types that cannot hold an invalid value.

use crate::error::ApiError;

/// A lower-cased email address with a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ApiError> {
        let email = raw.trim().to_lowercase();
        let invalid = || ApiError::Validation("enter a valid email address".into());
        if email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 3 to 30 characters of a-z, 0-9 and underscore, stored lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Handle, ApiError> {
        let handle = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        let ok = (3..=30).contains(&handle.len())
            && handle
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(ApiError::Validation(
                "a handle has 3 to 30 letters, digits or underscores".into(),
            ));
        }
        Ok(Handle(handle))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 1 to 60 characters, any script, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, ApiError> {
        let name = raw.trim();
        let count = name.chars().count();
        if !(1..=60).contains(&count) || name.chars().any(char::is_control) {
            return Err(ApiError::Validation(
                "a display name has 1 to 60 characters".into(),
            ));
        }
        Ok(DisplayName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8 to 128 characters. Only its hash is ever stored.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, ApiError> {
        let count = raw.chars().count();
        if !(8..=128).contains(&count) {
            return Err(ApiError::Validation(
                "a password has 8 to 128 characters".into(),
            ));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lower_cased_and_shape_checked() {
        assert_eq!(
            Email::parse("  Layla@Example.COM ").ok().map(|e| e.0),
            Some("layla@example.com".to_string())
        );
        for bad in [
            "",
            "no-at",
            "@example.com",
            "a@b",
            "a@.com",
            "a b@c.com",
            "a@b.c.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn handles_are_ascii_word_characters_of_3_to_30() {
        assert_eq!(
            Handle::parse("@Dar_Oud").ok().map(|h| h.0),
            Some("dar_oud".into())
        );
        for bad in ["ab", "has space", "عربي", &"x".repeat(31)] {
            assert!(Handle::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn display_names_accept_arabic_and_reject_empty() {
        assert!(DisplayName::parse("ليلى").is_ok());
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"ن".repeat(61)).is_err());
    }

    #[test]
    fn passwords_need_8_to_128_characters() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough").is_ok());
        assert!(NewPassword::parse(&"p".repeat(129)).is_err());
    }
}
