//! `Secret`: a value (a card number, a CVC, a PIN, a token) that prints `<redacted>` and
//! has no `Serialize`, so it cannot reach a log or a response by accident. The one place
//! that must send it names `serialize_exposed` on its field, in plain sight.

use std::fmt;

use serde::{Deserialize, Deserializer, Serializer};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The value itself, for the code that has to use it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

/// For `#[serde(serialize_with = "secret::serialize_exposed")]` on a request field that
/// must carry the secret to the one party that needs it (the app sending a card to the
/// payment processor's interface).
pub fn serialize_exposed<S: Serializer>(secret: &Secret<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&secret.0)
}

/// `serialize_exposed` for an optional secret.
pub fn serialize_exposed_opt<S: Serializer>(
    secret: &Option<Secret<String>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_some(&secret.0),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_prints_redacted_in_debug_and_display() {
        let secret = Secret::new("4242424242424242".to_string());
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(secret.expose(), "4242424242424242");
    }

    #[test]
    fn a_secret_is_read_from_json_and_sent_only_where_exposed_by_name() {
        #[derive(serde::Serialize, Deserialize)]
        struct Card {
            #[serde(serialize_with = "serialize_exposed")]
            number: Secret<String>,
        }
        let card: Card = serde_json::from_str(r#"{"number":"4242"}"#).unwrap_or_else(|_| Card {
            number: Secret::new(String::new()),
        });
        assert_eq!(card.number.expose(), "4242");
        assert_eq!(
            serde_json::to_string(&card).unwrap_or_default(),
            r#"{"number":"4242"}"#
        );
    }
}
