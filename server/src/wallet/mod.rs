//! The wallet beyond checkout: money between people (`people.rs`, its sends made in
//! batches by `sender.rs`), savings and their daily interest (`savings.rs`), the
//! activity list and the spending chart (`activity.rs`), donations to nonprofits
//! (`donations.rs`), withdrawals to a bank (`withdrawals.rs`), the virtual debit card
//! (`cards/`), and the PIN vault that guards them (`vault/`); the wallet at run time
//! (`service.rs`), its rules (`settings.rs`), what its requests share (`requests.rs`),
//! and the wallet screen's top (`home.rs`). Money moves only as
//! ledger transfers; each request that moves it names its transfer after the
//! app's idempotency key, and keeps what it was for in its own row, written in the
//! same transaction.

pub mod activity;
pub mod cards;
pub mod donations;
pub mod people;
pub mod savings;
pub mod sender;
pub mod vault;
pub mod withdrawals;

mod home;
pub mod requests;
pub mod service;
pub mod settings;

pub use home::home;
pub use sender::Sender;
pub use service::WalletService;
pub use settings::{DAY_MS, WalletSettings};

#[cfg(test)]
mod tests {
    use super::requests::*;
    use super::settings::*;
    use crate::ledger::Currency;
    use souq_wire::wallet::MAX_NOTE_CHARS;

    fn sar() -> Currency {
        Currency::parse("SAR").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn amounts_are_spoken_with_their_currency_digits() {
        assert_eq!(spoken(500_000, &sar()), "5,000.00 SAR");
        assert_eq!(spoken(5, &sar()), "0.05 SAR");
        let kwd = Currency::parse("KWD").unwrap_or_else(|_| unreachable!());
        assert_eq!(spoken(1_234_567, &kwd), "1,234.567 KWD");
        let jpy = Currency::parse("JPY").unwrap_or_else(|_| unreachable!());
        assert_eq!(spoken(1_000, &jpy), "1,000 JPY");
    }

    #[test]
    fn limits_scale_with_the_currency_minor_units() {
        let settings = WalletSettings::default();
        assert_eq!(settings.limits_in(&sar()), (500_000, 2_000_000));
        let kwd = Currency::parse("KWD").unwrap_or_else(|_| unreachable!());
        assert_eq!(settings.limits_in(&kwd), (5_000_000, 20_000_000));
    }

    #[test]
    fn notes_are_trimmed_bounded_and_plain() {
        assert_eq!(note_of("  for lunch ").ok().as_deref(), Some("for lunch"));
        assert!(note_of(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert!(note_of("evil\u{202E}txt").is_err());
    }
}
