//! Checkout on the wire: the address book, stores' shipping options, paying for what the
//! cart holds (from the wallet, or a card through the payment processor), and topping up
//! the wallet. Every request that moves money or stock carries an `Idempotency-Key`
//! header the app made and saved before sending.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::money::Money;
use crate::orders::Order;
use crate::secret::{self, Secret};

/// The header that names one attempt; a retry sends the same one.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// An idempotency key is 16 to 64 letters, digits and dashes (a UUID fits).
pub const MIN_KEY_CHARS: usize = 16;
pub const MAX_KEY_CHARS: usize = 64;

pub fn valid_idempotency_key(key: &str) -> bool {
    (MIN_KEY_CHARS..=MAX_KEY_CHARS).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub const MAX_ADDRESSES: i64 = 20;
pub const MAX_SHIPPING_OPTIONS: usize = 10;
/// The most one top-up puts in the wallet, in minor units (10,000.00).
pub const MAX_TOP_UP_MINOR: i64 = 1_000_000;

/// A way a store ships, as shoppers choose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingOption {
    pub id: i64,
    pub name: String,
    pub price: Money,
    pub min_days: i64,
    pub max_days: i64,
}

/// A shipping option as the store sets it in the studio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingOptionInput {
    /// The option being edited; none for a new one.
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub name: String,
    /// In minor units of the store's currency; 0 is free shipping.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub price_minor: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 90))]
    pub min_days: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 90))]
    pub max_days: i64,
}

/// A store's shipping options, all of them: the list replaces the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingOptions {
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub options: Vec<ShippingOptionInput>,
}

/// A test card for the sandbox processor (or, one day, a real one behind the same
/// interface). Its number and CVC are `Secret`s: never printed, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardDetails {
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, min_length = 12, max_length = 23)
    )]
    pub number: Secret<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub exp_month: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 2100))]
    pub exp_year: u32,
    #[serde(serialize_with = "secret::serialize_exposed")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, min_length = 3, max_length = 4)
    )]
    pub cvc: Secret<String>,
}

impl CardDetails {
    /// The number's last four digits: what a receipt shows and an attempt remembers.
    pub fn last4(&self) -> String {
        let digits: Vec<char> = self
            .number
            .expose()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        digits
            .get(digits.len().saturating_sub(4)..)
            .unwrap_or_default()
            .iter()
            .collect()
    }
}

/// A card as it may be remembered (in an idempotency fingerprint, on the device or on
/// the server): by its last four digits and expiry. Never its number, not even hashed:
/// card numbers are few enough to guess from a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardPrint {
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

impl CardPrint {
    pub fn of(card: &CardDetails) -> CardPrint {
        CardPrint {
            last4: card.last4(),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
        }
    }
}

/// How a checkout is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PaymentMethod {
    /// From the wallet's balance in the order's currency.
    Wallet,
    Card {
        card: CardDetails,
    },
    /// The shopper's own Souq debit card: it draws from the wallet, as a hold posted
    /// when the payment succeeds.
    SouqCard {
        card_id: i64,
    },
}

/// One line of the cart as the shopper reviewed it: the price they saw is the price
/// they pay, or the checkout is refused (409) so they can look again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutLine {
    pub variant_id: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_000_000_000i64))]
    pub unit_price_minor: i64,
}

/// The shipping option chosen for one store's part of the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreShipping {
    pub store_id: i64,
    pub shipping_option_id: i64,
    /// The option's price as the shopper was shown it: the shipping they pay, or the
    /// checkout is refused (409 `price_changed`, the new price in its message).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000_000i64))]
    pub price_minor: i64,
}

/// Pays for these lines of the cart: each store becomes its own order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutRequest {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub lines: Vec<CheckoutLine>,
    pub address_id: i64,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub shipping: Vec<StoreShipping>,
    pub payment: PaymentMethod,
}

/// Puts money in the wallet from a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopUpRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub amount_minor: i64,
    /// ISO 4217, e.g. "SAR".
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 3))]
    pub currency: String,
    pub card: CardDetails,
}

/// Where a checkout (or a top-up) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckoutStatus {
    /// The card needs its second step (3-D Secure): show `next_action`.
    RequiresAction,
    /// The processor is still settling the payment; the answer comes by itself.
    Processing,
    /// Paid: the orders are placed (or the wallet topped up).
    Paid,
    /// The payment failed or was abandoned; the stock went back.
    Failed,
    /// The second step was not completed in time; the stock went back.
    Expired,
}

impl CheckoutStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckoutStatus::RequiresAction => "requires_action",
            CheckoutStatus::Processing => "processing",
            CheckoutStatus::Paid => "paid",
            CheckoutStatus::Failed => "failed",
            CheckoutStatus::Expired => "expired",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            CheckoutStatus::Paid | CheckoutStatus::Failed | CheckoutStatus::Expired
        )
    }
}

/// Who completes a card's second step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// The shopper, on the card issuer's page (3-D Secure).
    #[default]
    ThreeDSecure,
    /// The card's holder, in their own Souq app (a Souq card paying for another
    /// account): the shopper waits for their answer.
    CardholderApproval,
}

/// The second step a card asks for, which the app shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextAction {
    /// The processor's payment, which the challenge is about.
    pub payment_id: String,
    /// Until when it may be completed.
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkout {
    pub id: i64,
    pub status: CheckoutStatus,
    pub total: Money,
    /// "wallet" or "card".
    pub method: String,
    pub card_last4: Option<String>,
    /// The orders it placed, one per store (none for a top-up).
    pub orders: Vec<Order>,
    pub next_action: Option<NextAction>,
    /// Until when the stock of a payment still in progress is held for it (a drop's
    /// hold is short); none once it is paid or ended.
    #[serde(default)]
    pub reserved_until: Option<DateTime<Utc>>,
    /// Why it failed, in words for logs; the UI goes by `failure_code`.
    pub failure: Option<String>,
    pub failure_code: Option<String>,
    /// True when this answer was given before: a retry of a checkout already made, which
    /// charged nothing again.
    pub replayed: bool,
    pub created_at: DateTime<Utc>,
}

/// A store's part of the cart and the ways it ships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreShippingOptions {
    pub store_id: i64,
    pub store_name: String,
    /// The cart's options sold by this store.
    pub variant_ids: Vec<i64>,
    /// None means the store does not ship yet: its part cannot be bought in the app.
    pub options: Vec<ShippingOption>,
}

/// What the checkout screen needs at once: the cart, where it can go, how each store
/// ships it, and what the wallet holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutOptions {
    pub cart: crate::cart::Cart,
    pub addresses: Vec<Address>,
    pub stores: Vec<StoreShippingOptions>,
    pub wallet: Wallet,
}

/// The wallet's balance in each currency it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wallet {
    pub balances: Vec<Money>,
}

/// The shopper's answer to a card's second step, as the sandbox's challenge takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeAnswer {
    /// True to complete the step, false to fail it.
    pub approve: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_prints_without_its_number_or_cvc() {
        let card = CardDetails {
            number: Secret::new("4242424242424242".into()),
            exp_month: 12,
            exp_year: 2030,
            cvc: Secret::new("123".into()),
        };
        let printed = format!("{card:?}");
        assert!(!printed.contains("4242"), "{printed}");
        assert!(!printed.contains("123"), "{printed}");
    }

    #[test]
    fn idempotency_keys_are_uuid_like() {
        assert!(valid_idempotency_key(
            "0f6c2b7e-5d1a-4c3e-9b8f-1a2b3c4d5e6f"
        ));
        for bad in ["short", "has space in it here!", &"a".repeat(65)] {
            assert!(!valid_idempotency_key(bad), "{bad}");
        }
    }
}
