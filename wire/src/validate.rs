//! The rules for sign-up fields, shared so the UI can say what is wrong before a round
//! trip and the server enforces exactly the same thing. Each returns the normalised value.

/// Which rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Email,
    Handle,
    DisplayName,
    Password,
}

impl Invalid {
    pub fn message(self) -> &'static str {
        match self {
            Invalid::Email => "enter a valid email address",
            Invalid::Handle => "a handle has 3 to 30 letters, digits or underscores",
            Invalid::DisplayName => "a display name has 1 to 60 characters",
            Invalid::Password => "a password has 8 to 128 characters",
        }
    }
}

/// Trimmed, lower-cased, one '@', a dotted domain, at most 254 bytes.
pub fn email(raw: &str) -> Result<String, Invalid> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(Invalid::Email);
    }
    let (local, domain) = email.split_once('@').ok_or(Invalid::Email)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err(Invalid::Email);
    }
    Ok(email)
}

/// 3 to 30 of a-z, 0-9 and underscore, lower-cased, without a leading '@'.
pub fn handle(raw: &str) -> Result<String, Invalid> {
    let handle = raw.trim().trim_start_matches('@').to_ascii_lowercase();
    let ok = (3..=30).contains(&handle.len())
        && handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok { Ok(handle) } else { Err(Invalid::Handle) }
}

/// 1 to 60 characters of any script, trimmed, no control characters.
pub fn display_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    let count = name.chars().count();
    if (1..=60).contains(&count) && !name.chars().any(char::is_control) {
        Ok(name.to_string())
    } else {
        Err(Invalid::DisplayName)
    }
}

/// 8 to 128 characters, kept exactly as typed.
pub fn password(raw: &str) -> Result<String, Invalid> {
    if (8..=128).contains(&raw.chars().count()) {
        Ok(raw.to_string())
    } else {
        Err(Invalid::Password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lower_cased_and_shape_checked() {
        assert_eq!(
            email("  Layla@Example.COM "),
            Ok("layla@example.com".to_string())
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
            assert_eq!(email(bad), Err(Invalid::Email), "{bad}");
        }
    }

    #[test]
    fn handles_are_ascii_word_characters_of_3_to_30() {
        assert_eq!(handle("@Dar_Oud"), Ok("dar_oud".to_string()));
        for bad in ["ab", "has space", "عربي", &"x".repeat(31)] {
            assert_eq!(handle(bad), Err(Invalid::Handle), "{bad}");
        }
    }

    #[test]
    fn display_names_accept_arabic_and_reject_empty() {
        assert!(display_name("ليلى").is_ok());
        assert_eq!(display_name("   "), Err(Invalid::DisplayName));
        assert_eq!(display_name(&"ن".repeat(61)), Err(Invalid::DisplayName));
    }

    #[test]
    fn passwords_need_8_to_128_characters() {
        assert_eq!(password("short"), Err(Invalid::Password));
        assert!(password("long enough").is_ok());
        assert_eq!(password(&"p".repeat(129)), Err(Invalid::Password));
    }
}
