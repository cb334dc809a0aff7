//! Money on the wire: an integer amount of minor units and an ISO 4217 currency code;
//! and how amounts read in each language (Arabic-Indic digits and separators in
//! Arabic), the same in the UI and in what the app says in OS notifications.

use serde::{Deserialize, Serialize};

use crate::language::Language;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units (halalas, fils, cents): never a float.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "SAR", "AED", "USD".
    pub currency: String,
}

impl Money {
    /// How many minor units make one major unit, as a power of ten.
    pub fn minor_digits(&self) -> u32 {
        match self.currency.as_str() {
            "KWD" | "BHD" | "OMR" | "JOD" => 3,
            "JPY" | "KRW" => 0,
            _ => 2,
        }
    }
}

const ARABIC_DIGITS: [char; 10] = ['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩'];
const ARABIC_GROUP: char = '\u{066C}';
const ARABIC_DECIMAL: char = '\u{066B}';

/// Writes ASCII digits in the language's digits.
pub fn digits(language: Language, ascii: &str) -> String {
    match language {
        Language::En => ascii.to_string(),
        Language::Ar => ascii
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .and_then(|d| usize::try_from(d).ok())
                    .and_then(|d| ARABIC_DIGITS.get(d).copied())
                    .unwrap_or(c)
            })
            .collect(),
    }
}

/// A whole number with thousands grouped: 12,345 or ١٢٬٣٤٥.
pub fn number(language: Language, n: u64) -> String {
    let ascii = n.to_string();
    let separator = match language {
        Language::En => ',',
        Language::Ar => ARABIC_GROUP,
    };
    let len = ascii.len();
    let mut grouped = String::with_capacity(len + len / 3);
    for (i, c) in ascii.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    digits(language, &grouped)
}

fn currency_label(language: Language, code: &str) -> String {
    let label = match (language, code) {
        (Language::En, "USD") => "$",
        (Language::Ar, "SAR") => "ر.س.",
        (Language::Ar, "AED") => "د.إ.",
        (Language::Ar, "KWD") => "د.ك.",
        (Language::Ar, "USD") => "US$",
        (_, other) => other,
    };
    label.to_string()
}

/// A price from integer minor units, never through a float: "SAR 450.00",
/// "$129.00", "٤٥٠٫٠٠ ر.س.".
pub fn money(language: Language, price: &Money) -> String {
    let minor_digits = price.minor_digits();
    let scale = 10u64.pow(minor_digits);
    let negative = price.amount_minor < 0;
    let amount = price.amount_minor.unsigned_abs();
    let whole = number(language, amount / scale);
    let fraction = if minor_digits == 0 {
        String::new()
    } else {
        let decimal = match language {
            Language::En => '.',
            Language::Ar => ARABIC_DECIMAL,
        };
        let width = usize::try_from(minor_digits).unwrap_or(2);
        format!(
            "{decimal}{}",
            digits(language, &format!("{:0width$}", amount % scale))
        )
    };
    let sign = if negative { "-" } else { "" };
    let label = currency_label(language, &price.currency);
    match language {
        Language::En if label == "$" => format!("{sign}${whole}{fraction}"),
        Language::En => format!("{sign}{label} {whole}{fraction}"),
        // The RLM keeps the sign and label in place inside right-to-left text.
        Language::Ar => format!("\u{200F}{sign}{whole}{fraction} {label}"),
    }
}
