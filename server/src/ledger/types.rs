//! The ledger's values, each made through `parse`/`new` so an invalid one cannot exist.

use std::fmt;

/// The most one transfer moves (the database's bound too): 10^15 minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// A ledger account's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(pub i64);

/// Whom an account stands for. Each holder has at most one account per currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    /// The outside world (card networks, banks): the one kind that may owe.
    External,
    /// A person's wallet.
    Wallet { user_id: i64 },
    /// A store's takings.
    Store { store_id: i64 },
    /// The platform's fees.
    Fees,
    /// What an order's shopper has paid and its store has not been paid yet.
    Escrow { order_id: i64 },
    /// A person's savings, beside their wallet.
    Savings { user_id: i64 },
}

impl Holder {
    /// `(kind, owner_id)` as the table keeps them.
    pub(crate) fn key(self) -> (i64, i64) {
        match self {
            Holder::External => (0, 0),
            Holder::Wallet { user_id } => (1, user_id),
            Holder::Store { store_id } => (2, store_id),
            Holder::Fees => (3, 0),
            Holder::Escrow { order_id } => (4, order_id),
            Holder::Savings { user_id } => (5, user_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidValue {
    #[error("a currency is a three-letter ISO 4217 code, such as SAR")]
    Currency,
    #[error("an amount is 1 to {MAX_AMOUNT} minor units")]
    Amount,
    #[error("a transfer id is 1 to 100 letters, digits and . _ : -")]
    TransferId,
}

/// An ISO 4217 code: three capital letters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Currency, InvalidValue> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Currency(code.to_string()))
        } else {
            Err(InvalidValue::Currency)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A positive number of minor units, at most `MAX_AMOUNT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    pub fn new(minor: i64) -> Result<Amount, InvalidValue> {
        if (1..=MAX_AMOUNT).contains(&minor) {
            Ok(Amount(minor))
        } else {
            Err(InvalidValue::Amount)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A transfer's id, made by its client and kept before the transfer is sent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransferId(String);

impl TransferId {
    pub const MAX_LEN: usize = 100;

    pub fn parse(id: &str) -> Result<TransferId, InvalidValue> {
        let fits = (1..=Self::MAX_LEN).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        if fits {
            Ok(TransferId(id.to_string()))
        } else {
            Err(InvalidValue::TransferId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_three_capital_letters_are_a_currency() {
        assert!(Currency::parse("SAR").is_ok());
        for bad in ["sar", "SA", "SARR", "S4R", "", "ريا"] {
            assert_eq!(Currency::parse(bad), Err(InvalidValue::Currency), "{bad}");
        }
    }

    #[test]
    fn amounts_are_positive_and_bounded() {
        assert!(Amount::new(1).is_ok());
        assert!(Amount::new(MAX_AMOUNT).is_ok());
        for bad in [0, -1, MAX_AMOUNT + 1, i64::MIN] {
            assert_eq!(Amount::new(bad), Err(InvalidValue::Amount), "{bad}");
        }
    }

    #[test]
    fn transfer_ids_are_short_and_plain() {
        assert!(TransferId::parse("checkout:0f3a-9b:pay").is_ok());
        let long = "a".repeat(TransferId::MAX_LEN + 1);
        for bad in ["", "has space", "ümlaut", long.as_str()] {
            assert_eq!(
                TransferId::parse(bad),
                Err(InvalidValue::TransferId),
                "{bad}"
            );
        }
    }
}
