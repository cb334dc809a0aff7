//! The languages Souq speaks, first-class both: English, and Arabic (right to left).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Ar,
}

impl Language {
    /// The language for a BCP 47 locale such as "ar-SA" or "en_US.UTF-8"; English
    /// for everything we do not translate yet.
    pub fn from_locale(locale: &str) -> Language {
        let lower = locale.to_ascii_lowercase();
        if lower == "ar" || lower.starts_with("ar-") || lower.starts_with("ar_") {
            Language::Ar
        } else {
            Language::En
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
        }
    }

    pub fn is_rtl(self) -> bool {
        self == Language::Ar
    }
}
