//! What a Souq card is made of and kept under: its number (Souq's range, nine random
//! digits and Luhn's), an expiry no one can predict, and its code. Number and code are
//! sealed with AES-256-GCM under the operator's card key, bound to their holder, and
//! the card is found again by its number's keyed hash.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Datelike, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use souq_wire::Secret;

use crate::base::error::ApiError;
use crate::base::random;

/// The first digits of every Souq card (its BIN): the processor sends their charges
/// here. Six digits leave nine random ones before Luhn's: a billion numbers to guess
/// among, each also needing its expiry and code, under the issuer's velocity limits.
pub const SOUQ_RANGE: &str = "400005";
/// A published test card of that range, never issued to anyone.
const PUBLISHED: &str = "4000056655665556";
/// A card is valid for three to five years, its month and year drawn at random: an
/// expiry that cannot be worked out from when the card was issued.
const VALID_MONTHS: std::ops::Range<usize> = 36..61;

/// The keys cards are kept under, made from the operator's one card key: one seals,
/// the other hashes numbers to find them.
pub struct CardKeys {
    seal: [u8; 32],
    find: [u8; 32],
}

/// What is sealed: never printed (see `Secret`), never stored in the clear.
#[derive(Serialize, Deserialize)]
pub(super) struct Sealed {
    #[serde(serialize_with = "souq_wire::secret::serialize_exposed")]
    pub number: Secret<String>,
    #[serde(serialize_with = "souq_wire::secret::serialize_exposed")]
    pub cvv: Secret<String>,
}

impl CardKeys {
    /// The keys the wallet's settings name; made at random when none is given (then
    /// cards issued now no longer open after a restart, which is said once).
    pub fn for_settings(settings: &crate::wallet::settings::WalletSettings) -> CardKeys {
        match &settings.card_key {
            Some(key) => CardKeys::from_secret(key),
            None => {
                tracing::warn!(
                    "no card key was given: cards issued now will not open after a restart"
                );
                CardKeys::from_secret(&Secret::new(random::id(32)))
            }
        }
    }

    pub fn from_secret(secret: &Secret<String>) -> CardKeys {
        let derive = |purpose: &[u8]| -> [u8; 32] {
            let mut digest = Sha256::new();
            digest.update(secret.expose().as_bytes());
            digest.update(purpose);
            digest.finalize().into()
        };
        CardKeys {
            seal: derive(b"souq card seal"),
            find: derive(b"souq card find"),
        }
    }

    pub(super) fn number_hash(&self, number: &str) -> String {
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.find) {
            Ok(mut mac) => {
                mac.update(number.as_bytes());
                STANDARD.encode(mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }

    /// Seals the card's secrets, bound to their owner: a sealed card copied to another
    /// person's row does not open.
    pub(super) fn seal(&self, user_id: i64, secrets: &Sealed) -> Result<String, ApiError> {
        let cipher = Aes256Gcm::new_from_slice(&self.seal)
            .map_err(|e| ApiError::Internal(format!("card key: {e}")))?;
        let mut nonce = [0u8; 12];
        for (byte, random) in nonce.iter_mut().zip(random::bytes(12)) {
            *byte = random;
        }
        let plain = serde_json::to_vec(secrets).map_err(|e| ApiError::Internal(e.to_string()))?;
        let aad = user_id.to_be_bytes();
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .map_err(|_| ApiError::Internal("cannot seal a card".into()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(STANDARD.encode(out))
    }

    pub(super) fn open(&self, user_id: i64, sealed: &str) -> Result<Sealed, ApiError> {
        let cannot =
            || ApiError::Internal("a card does not open with this server's card key".into());
        let cipher = Aes256Gcm::new_from_slice(&self.seal).map_err(|_| cannot())?;
        let bytes = STANDARD.decode(sealed).map_err(|_| cannot())?;
        let (nonce, body) = bytes.split_at_checked(12).ok_or_else(cannot)?;
        let aad = user_id.to_be_bytes();
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| cannot())?;
        serde_json::from_slice(&plain).map_err(|_| cannot())
    }
}

pub(super) fn luhn_digit(body: &str) -> Option<char> {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// `count` random decimal digits.
pub(super) fn digits(count: usize) -> String {
    (0..count)
        .filter_map(|_| char::from_digit(u32::try_from(random::below(10)).unwrap_or(0), 10))
        .collect()
}

/// A new card number of Souq's range: 16 digits, the last one Luhn's.
pub(super) fn new_number() -> Option<String> {
    let random_digits = 15_usize.saturating_sub(SOUQ_RANGE.len());
    loop {
        let body = format!("{SOUQ_RANGE}{}", digits(random_digits));
        let number = format!("{body}{}", luhn_digit(&body)?);
        if number != PUBLISHED {
            return Some(number);
        }
    }
}

/// A new card's expiry (month, year): three to five years ahead, at random.
pub(super) fn new_expiry() -> (i64, i64) {
    let today = Utc::now();
    let ahead = VALID_MONTHS
        .start
        .saturating_add(random::below(VALID_MONTHS.len()));
    let months = i64::from(today.year())
        .saturating_mul(12)
        .saturating_add(i64::from(today.month0()))
        .saturating_add(i64::try_from(ahead).unwrap_or(0));
    (
        months.rem_euclid(12).saturating_add(1),
        months.div_euclid(12),
    )
}

/// Whether a card number is one Souq issued (the processor routes it here).
pub fn is_souq_number(number: &str) -> bool {
    number.len() == 16 && number.starts_with(SOUQ_RANGE)
}

/// A typed card number's digits, spaces and dashes left out.
pub fn digits_of(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> CardKeys {
        CardKeys::from_secret(&Secret::new("test card key".into()))
    }

    #[test]
    fn new_numbers_are_luhn_valid_in_souqs_range_with_nine_random_digits() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let number = new_number().unwrap_or_default();
            assert!(is_souq_number(&number), "{number}");
            let body = number.get(..15).unwrap_or_default();
            assert_eq!(number.chars().last(), luhn_digit(body), "{number}");
            seen.insert(number.get(6..15).unwrap_or_default().to_string());
        }
        assert!(
            seen.len() > 190,
            "nine digits drawn at random rarely repeat"
        );
        assert_eq!(luhn_digit("400005665566555"), Some('6'));
    }

    #[test]
    fn expiries_fall_three_to_five_years_ahead_on_no_fixed_month() {
        let today = Utc::now();
        let now = i64::from(today.year()) * 12 + i64::from(today.month0());
        let mut months = std::collections::HashSet::new();
        for _ in 0..300 {
            let (month, year) = new_expiry();
            assert!((1..=12).contains(&month));
            let ahead = year * 12 + month - 1 - now;
            assert!((36..=60).contains(&ahead), "{month}/{year}");
            months.insert(month);
        }
        assert!(
            months.len() >= 10,
            "the month is not predictable: {months:?}"
        );
    }

    #[test]
    fn a_sealed_card_opens_only_for_its_owner_under_its_key() {
        let sealed = keys()
            .seal(
                7,
                &Sealed {
                    number: Secret::new("4000056612345674".into()),
                    cvv: Secret::new("321".into()),
                },
            )
            .unwrap_or_default();
        assert!(!sealed.contains("4000056612345674"));
        let opened = keys().open(7, &sealed).ok();
        assert_eq!(
            opened.as_ref().map(|s| s.number.expose().as_str()),
            Some("4000056612345674")
        );
        assert!(keys().open(8, &sealed).is_err());
        let other = CardKeys::from_secret(&Secret::new("another key".into()));
        assert!(other.open(7, &sealed).is_err());
    }
}
