//! The wallet's rules, the same on every instance that shares a database (limits on
//! sending, the savings rate, when the PIN is asked, the key cards are sealed under),
//! and amounts as the rules and messages speak them.

use souq_wire::{Money, Secret};

use crate::ledger::Currency;

/// The wallet's rules, the same on every instance that shares a database.
#[derive(Debug, Clone)]
pub struct WalletSettings {
    /// The savings' annual interest, in hundredths of a per cent: 400 is 4%.
    pub savings_rate_basis_points: i64,
    /// The most one send may move, in major units of its currency (5,000.00).
    pub send_limit_major: i64,
    /// The most one person may send in 24 hours, in major units of each currency.
    pub daily_limit_major: i64,
    /// Paying more than this (major units) from the wallet asks for the PIN.
    pub pin_above_major: i64,
    /// What debit cards are sealed under (any text; every instance needs the same).
    /// Made at start when none is given, and then cards issued before a restart no
    /// longer open.
    pub card_key: Option<Secret<String>>,
}

impl Default for WalletSettings {
    fn default() -> Self {
        WalletSettings {
            savings_rate_basis_points: 400,
            send_limit_major: 5_000,
            daily_limit_major: 20_000,
            pin_above_major: 1_000,
            card_key: None,
        }
    }
}

/// The day's window the daily limit looks back over.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl WalletSettings {
    /// The limits of a currency, in its minor units: (per send, per 24 hours).
    pub fn limits_in(&self, currency: &Currency) -> (i64, i64) {
        let scale = minor_per_major(currency);
        (
            self.send_limit_major.saturating_mul(scale),
            self.daily_limit_major.saturating_mul(scale),
        )
    }
}

impl WalletSettings {
    /// Whether paying `amount_minor` of `currency` asks for the PIN.
    pub fn asks_pin(&self, amount_minor: i64, currency: &Currency) -> bool {
        amount_minor
            > self
                .pin_above_major
                .saturating_mul(minor_per_major(currency))
    }
}

/// How many minor units make one major unit of a currency.
pub(crate) fn minor_per_major(currency: &Currency) -> i64 {
    let digits = Money {
        amount_minor: 0,
        currency: currency.as_str().to_string(),
    }
    .minor_digits();
    10_i64.saturating_pow(digits)
}

/// An amount as an error message says it: "5,000.00 SAR".
pub fn spoken(minor: i64, currency: &Currency) -> String {
    let scale = minor_per_major(currency);
    let digits = usize::try_from(scale.checked_ilog10().unwrap_or(0)).unwrap_or(0);
    let whole = minor.checked_div(scale).unwrap_or(0);
    let part = minor.checked_rem(scale).unwrap_or(0).abs();
    let mut grouped = String::new();
    let text = whole.abs().to_string();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if digits == 0 {
        format!("{sign}{grouped} {currency}")
    } else {
        format!("{sign}{grouped}.{part:0digits$} {currency}")
    }
}
