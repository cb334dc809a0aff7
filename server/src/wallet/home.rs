//! The wallet screen's top: balances, savings, limits, the vault, waiting requests.

use souq_wire::{Money, SendLimit, WalletHome};

use super::requests::sent_today;
use super::service::WalletService;
use super::vault;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::ledger::{self, Currency, Holder};

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
