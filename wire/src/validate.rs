//! The rules for sign-up fields, shared so the UI can say what is wrong before a round
//! trip and the server enforces exactly the same thing. Each returns the normalised value.

/// Which rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Email,
    Handle,
    DisplayName,
    Password,
    /// A control character or a direction override where text is shown.
    Characters,
    /// A handle kept for Souq itself (`admin`, `support`, ...).
    HandleReserved,
}

impl Invalid {
    pub fn message(self) -> &'static str {
        match self {
            Invalid::Email => "enter a valid email address",
            Invalid::Handle => "a handle has 3 to 30 letters, digits or underscores",
            Invalid::DisplayName => "a display name has 1 to 60 characters",
            Invalid::Password => "a password has 8 to 128 characters",
            Invalid::Characters => {
                "remove control characters and direction overrides (U+202A-U+202E, U+2066-U+2069)"
            }
            Invalid::HandleReserved => "that handle is reserved",
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

/// Handles that would pass for Souq speaking, or for a page of the app.
pub const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "system",
    "souq",
    "souq_app",
    "souq_team",
    "support",
    "help",
    "helpdesk",
    "security",
    "official",
    "staff",
    "team",
    "moderator",
    "mod",
    "abuse",
    "privacy",
    "terms",
    "legal",
    "billing",
    "payments",
    "wallet",
    "checkout",
    "orders",
    "api",
    "www",
    "mail",
    "email",
    "noreply",
    "no_reply",
    "info",
    "contact",
    "settings",
    "about",
    "null",
    "undefined",
];

/// 3 to 30 of a-z, 0-9 and underscore, lower-cased, without a leading '@'; not reserved.
pub fn handle(raw: &str) -> Result<String, Invalid> {
    let handle = raw.trim().trim_start_matches('@').to_ascii_lowercase();
    let ok = (3..=30).contains(&handle.len())
        && handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(Invalid::Handle);
    }
    if RESERVED_HANDLES.contains(&handle.as_str()) {
        return Err(Invalid::HandleReserved);
    }
    Ok(handle)
}

/// Whether `c` may not appear in shown text: control characters (line breaks and tabs
/// only in text with lines), and the bidi embeddings, overrides and isolates that make
/// text display other than it reads (U+202A-U+202E, U+2066-U+2069). The joiners and
/// marks Arabic and Persian need (ZWNJ, ZWJ, LRM, RLM, ALM) are allowed.
pub fn is_refused_char(c: char, multiline: bool) -> bool {
    let line_break = matches!(c, '\n' | '\r' | '\t');
    (c.is_control() && !(multiline && line_break))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Names, titles and posts: refused when they hold a character `is_refused_char` refuses.
pub fn shown_text(text: &str, multiline: bool) -> Result<(), Invalid> {
    if text.chars().any(|c| is_refused_char(c, multiline)) {
        Err(Invalid::Characters)
    } else {
        Ok(())
    }
}

/// 1 to 60 characters of any script, trimmed, none that `shown_text` refuses.
pub fn display_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    let count = name.chars().count();
    if !(1..=60).contains(&count) {
        return Err(Invalid::DisplayName);
    }
    shown_text(name, false)?;
    Ok(name.to_string())
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
    fn reserved_handles_are_refused_whatever_their_case() {
        for reserved in ["admin", "Souq", "@support", "SECURITY"] {
            assert_eq!(handle(reserved), Err(Invalid::HandleReserved), "{reserved}");
        }
        assert_eq!(handle("support_fan"), Ok("support_fan".to_string()));
    }

    #[test]
    fn shown_text_refuses_controls_and_overrides_but_keeps_what_arabic_and_persian_need() {
        for bad in [
            "a\u{0}b",
            "evil\u{202E}gnp.exe",
            "x\u{2066}y",
            "bell\u{7}",
            "a\nb",
        ] {
            assert_eq!(shown_text(bad, false), Err(Invalid::Characters), "{bad:?}");
        }
        assert_eq!(shown_text("two\nlines", true), Ok(()));
        assert_eq!(shown_text("nul\u{0}", true), Err(Invalid::Characters));
        // ZWNJ in Persian, ZWJ, and the direction marks.
        for good in [
            "می\u{200C}خواهم",
            "a\u{200D}b",
            "\u{200F}١٢\u{200E}",
            "\u{061C}x",
        ] {
            assert_eq!(shown_text(good, false), Ok(()), "{good:?}");
        }
        assert_eq!(display_name("\u{202E}Layla"), Err(Invalid::Characters));
    }

    #[test]
    fn passwords_need_8_to_128_characters() {
        assert_eq!(password("short"), Err(Invalid::Password));
        assert!(password("long enough").is_ok());
        assert_eq!(password(&"p".repeat(129)), Err(Invalid::Password));
    }
}
