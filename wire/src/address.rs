//! A shipping address as the shopper types it and as it is kept, and its rules,
//! shared so the UI can point at a wrong field before a round trip and the server
//! enforces exactly the same thing.

use serde::{Deserialize, Serialize};

use crate::validate::is_refused_char;

/// An address as the shopper types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressInput {
    /// Who receives it.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub name: String,
    /// With the country code, e.g. +966 5x xxx xxxx; 7 to 15 digits.
    #[cfg_attr(feature = "openapi", schema(min_length = 7, max_length = 24))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub line1: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub line2: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub city: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub region: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 12))]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. "SA".
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 2))]
    pub country: String,
    /// Make it the one checkout picks first.
    #[serde(default)]
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub is_default: bool,
}

/// Which field broke its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    Name,
    Phone,
    Line1,
    Line2,
    City,
    Region,
    PostalCode,
    Country,
}

impl AddressField {
    pub fn message(self) -> &'static str {
        match self {
            AddressField::Name => "a recipient's name has 1 to 80 characters",
            AddressField::Phone => "a phone number has 7 to 15 digits, with its country code",
            AddressField::Line1 => "the street address has 1 to 120 characters",
            AddressField::Line2 => "the second address line has at most 120 characters",
            AddressField::City => "a city has 1 to 60 characters",
            AddressField::Region => "a region has at most 60 characters",
            AddressField::PostalCode => {
                "a postal code has at most 12 letters, digits, spaces or dashes"
            }
            AddressField::Country => "choose a country",
        }
    }
}

/// ISO 3166-1 alpha-2 codes of the countries Souq ships to.
pub const COUNTRIES: &[&str] = &[
    "SA", "AE", "KW", "QA", "BH", "OM", "EG", "JO", "LB", "IQ", "PS", "MA", "TN", "DZ", "LY", "SD",
    "YE", "TR", "PK", "IN", "GB", "US", "CA", "FR", "DE", "NL", "SE", "MY", "ID", "SG",
];

fn text(raw: &str, least: usize, most: usize, field: AddressField) -> Result<String, AddressField> {
    let value = raw.trim().to_string();
    let chars = value.chars().count();
    if chars < least || chars > most || value.chars().any(|c| is_refused_char(c, false)) {
        return Err(field);
    }
    Ok(value)
}

/// A phone number as digits with a leading `+`: Arabic-Indic and Persian digits read as
/// digits, spaces, dashes, dots and brackets dropped.
pub fn phone(raw: &str) -> Result<String, AddressField> {
    let mut out = String::new();
    for (i, c) in raw.trim().chars().enumerate() {
        let digit = match c {
            '0'..='9' => Some(c),
            '\u{0660}'..='\u{0669}' => char::from_digit(u32::from(c) - 0x0660, 10),
            '\u{06F0}'..='\u{06F9}' => char::from_digit(u32::from(c) - 0x06F0, 10),
            _ => None,
        };
        match (digit, c) {
            (Some(d), _) => out.push(d),
            (None, '+') if i == 0 => out.push('+'),
            (None, ' ' | '-' | '.' | '(' | ')') => {}
            _ => return Err(AddressField::Phone),
        }
    }
    let digits = out.trim_start_matches('+').len();
    if !(7..=15).contains(&digits) {
        return Err(AddressField::Phone);
    }
    Ok(out)
}

/// The address with every field trimmed and checked; the first field that is wrong.
pub fn address(input: &AddressInput) -> Result<AddressInput, AddressField> {
    let postal_code = text(&input.postal_code, 0, 12, AddressField::PostalCode)?;
    if !postal_code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(AddressField::PostalCode);
    }
    let country = input.country.trim().to_ascii_uppercase();
    if !COUNTRIES.contains(&country.as_str()) {
        return Err(AddressField::Country);
    }
    Ok(AddressInput {
        name: text(&input.name, 1, 80, AddressField::Name)?,
        phone: phone(&input.phone)?,
        line1: text(&input.line1, 1, 120, AddressField::Line1)?,
        line2: text(&input.line2, 0, 120, AddressField::Line2)?,
        city: text(&input.city, 1, 60, AddressField::City)?,
        region: text(&input.region, 0, 60, AddressField::Region)?,
        postal_code,
        country,
        is_default: input.is_default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riyadh() -> AddressInput {
        AddressInput {
            name: " ليلى أحمد ".into(),
            phone: "+966 50 123 4567".into(),
            line1: "طريق الملك فهد ١٢".into(),
            line2: String::new(),
            city: "الرياض".into(),
            region: String::new(),
            postal_code: "12271".into(),
            country: "sa".into(),
            is_default: true,
        }
    }

    #[test]
    fn a_valid_address_comes_back_trimmed_and_normalised() {
        let address = address(&riyadh()).unwrap_or_else(|field| panic!("{field:?}"));
        assert_eq!(address.name, "ليلى أحمد");
        assert_eq!(address.phone, "+966501234567");
        assert_eq!(address.country, "SA");
    }

    #[test]
    fn arabic_indic_digits_make_a_phone_number() {
        assert_eq!(phone("٠٥٠١٢٣٤٥٦٧"), Ok("0501234567".into()));
        assert_eq!(phone("+۹۶۶ ۵۰ ۱۲۳ ۴۵۶۷"), Ok("+966501234567".into()));
    }

    #[test]
    fn each_broken_field_is_named() {
        type Spoil = fn(&mut AddressInput);
        let cases: [(Spoil, AddressField); 6] = [
            (|a| a.name = "  ".into(), AddressField::Name),
            (|a| a.phone = "12345".into(), AddressField::Phone),
            (|a| a.phone = "+966 50 abc".into(), AddressField::Phone),
            (|a| a.line1 = String::new(), AddressField::Line1),
            (|a| a.postal_code = "12_34".into(), AddressField::PostalCode),
            (|a| a.country = "XX".into(), AddressField::Country),
        ];
        for (spoil, field) in cases {
            let mut input = riyadh();
            spoil(&mut input);
            assert_eq!(address(&input), Err(field));
        }
    }
}
