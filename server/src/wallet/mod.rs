//! The wallet beyond checkout: money between people (`people.rs`, its sends made in
//! batches by `sender.rs`), savings and their daily interest (`savings.rs`), the
//! activity list and the spending chart (`activity.rs`), donations to nonprofits
//! (`donations.rs`), withdrawals to a bank (`withdrawals.rs`), the virtual debit card
//! (`cards.rs`), and the PIN vault that guards them (`vault.rs`). Money moves only as
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

pub use sender::Sender;

use souq_wire::wallet::MAX_NOTE_CHARS;
use souq_wire::{Money, Secret, SendLimit, WalletHome};
use sqlx::AnyConnection;

use crate::accounts::AccountsService;
use crate::base::Base;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::ledger::{self, Amount, Currency, Holder, TransferId};
use crate::payments::Payments;

/// The wallet at run time: its rules, the keys its cards are sealed under, the
/// sender's batches, the processor (through `payments`: payouts), and the accounts
/// (the vault asks for the password).
#[derive(Clone)]
pub struct WalletService {
    pub base: Base,
    settings: std::sync::Arc<WalletSettings>,
    pub card_keys: std::sync::Arc<cards::CardKeys>,
    pub sender: Sender,
    pub payments: std::sync::Arc<Payments>,
    pub accounts: AccountsService,
}

impl WalletService {
    pub fn start(
        base: &Base,
        settings: &WalletSettings,
        card_keys: std::sync::Arc<cards::CardKeys>,
        payments: std::sync::Arc<Payments>,
        accounts: AccountsService,
    ) -> WalletService {
        WalletService {
            base: base.clone(),
            settings: std::sync::Arc::new(settings.clone()),
            card_keys,
            sender: Sender::start(base.clone(), settings.clone()),
            payments,
            accounts,
        }
    }

    /// The wallet's rules.
    pub fn settings(&self) -> &WalletSettings {
        &self.settings
    }
}

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
fn minor_per_major(currency: &Currency) -> i64 {
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

/// The amount and currency a request names, checked.
pub(crate) fn money_of(amount_minor: i64, currency: &str) -> Result<(Amount, Currency), ApiError> {
    let currency = Currency::parse(currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    let amount = Amount::new(amount_minor).map_err(|_| {
        ApiError::Validation("an amount is a positive number of minor units".into())
    })?;
    Ok((amount, currency))
}

/// A note as it is kept: trimmed, at most `MAX_NOTE_CHARS`, nothing that misleads.
pub(crate) fn note_of(note: &str) -> Result<String, ApiError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::Validation(format!(
            "a note has at most {MAX_NOTE_CHARS} characters"
        )));
    }
    souq_wire::validate::shown_text(note, false)
        .map_err(|e| ApiError::Validation(e.message().into()))?;
    Ok(note.to_string())
}

/// A ledger transfer's id for what `user_id`'s request with this key does.
pub(crate) fn transfer_id(what: &str, user_id: i64, key: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!("{what}:{user_id}:{key}"))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The row `sql` (ending in its WHERE condition) finds, bound to `a` and, when given,
/// `b`: how the wallet's rows are looked up by id, or by their owner and key.
pub(crate) async fn row_where<T>(
    conn: &mut AnyConnection,
    sql: &str,
    a: i64,
    b: Option<&str>,
) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let query = sqlx::query_as(sql).bind(a);
    match b {
        Some(b) => query.bind(b).fetch_optional(&mut *conn).await,
        None => query.fetch_optional(&mut *conn).await,
    }
}

/// What was refused for a key used before with another request.
pub(crate) fn key_reused() -> ApiError {
    ApiError::Validation("that idempotency key was used for a different request".into())
}

/// What a person sent in the last 24 hours in a currency: what the daily limit counts.
/// Read under the sender's wallet lock, so two sends at once cannot both fit.
pub(crate) async fn sent_today(
    conn: &mut AnyConnection,
    user_id: i64,
    currency: &Currency,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM money_sends
         WHERE sender_id = $1 AND currency = $2 AND created_at > $3",
    )
    .bind(user_id)
    .bind(currency.as_str())
    .bind(now.saturating_sub(DAY_MS))
    .fetch_one(&mut *conn)
    .await?;
    Ok(sum)
}

/// The wallet screen's top: balances, savings, limits, the vault, waiting requests.
pub async fn home(
    wallet: &WalletService,
    user_id: i64,
    session_token: &str,
) -> Result<WalletHome, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    let main = ledger::balances_of(&mut conn, Holder::Wallet { user_id }).await?;
    let savings = ledger::balances_of(&mut conn, Holder::Savings { user_id }).await?;
    let now = now_ms();
    let settings = &wallet.settings();
    let mut limits = Vec::with_capacity(main.len());
    for (currency, _) in &main {
        let (per_transfer_minor, daily_minor) = settings.limits_in(currency);
        limits.push(SendLimit {
            currency: currency.as_str().to_string(),
            per_transfer_minor,
            daily_minor,
            sent_today_minor: sent_today(&mut conn, user_id, currency, now).await?,
        });
    }
    let (requests_waiting,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM money_requests WHERE payer_id = $1 AND status = 'open'",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    let vault = vault::state(&mut conn, user_id, session_token, now).await?;
    let money = |currency: &Currency, amount_minor: i64| Money {
        amount_minor,
        currency: currency.as_str().to_string(),
    };
    Ok(WalletHome {
        balances: main.iter().map(|(c, b)| money(c, b.available())).collect(),
        pending: main
            .iter()
            .filter(|(_, b)| b.debits_pending > 0)
            .map(|(c, b)| money(c, b.debits_pending))
            .collect(),
        savings: savings.iter().map(|(c, b)| money(c, b.posted())).collect(),
        savings_rate_basis_points: settings.savings_rate_basis_points,
        limits,
        vault,
        requests_waiting,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
