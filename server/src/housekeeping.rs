//! What each server does on its own clock: purging expired sessions and ended quota
//! windows from the database, forgetting idle clients from the in-memory limits, and
//! keeping money moving: reservations and holds that ran out, card approvals nobody
//! answered, the sandbox's slow payments, card refunds still owed, withdrawals still pending, and each day's
//! savings interest. Any instance may do any of it: each step claims its rows, so two
//! instances at once do each thing once.

use std::time::Duration;

use crate::base::db::Db;
use crate::base::limits::rate::FORGET_EVERY;
use crate::state::Souq;

/// How often the database is swept. Any instance may sweep; deleting twice is harmless.
const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Sweeps the database once: expired sessions and quota windows that ended long ago.
pub async fn sweep(db: &Db) -> Result<(), sqlx::Error> {
    let sessions = crate::accounts::sessions::purge_expired(db).await?;
    let windows = crate::base::limits::window::purge(db).await?;
    let unlocks = crate::wallet::vault::purge_expired(db).await?;
    tracing::debug!(sessions, windows, unlocks, "swept expired rows");
    Ok(())
}

/// How often money's clocks are looked at: a reservation ends within a second of its time.
const MONEY_EVERY: Duration = Duration::from_secs(1);

/// One look at money's clocks.
pub async fn keep_money_moving(state: &Souq) {
    let now = crate::base::db::now_ms();
    if let Err(e) = crate::checkout::expire_due(&state.checkout).await {
        tracing::warn!(error = %e, "ending expired reservations failed; trying again");
    }
    if let Err(e) = crate::wallet::cards::expire_approvals(&state.wallet).await {
        tracing::warn!(error = %e, "declining unanswered card approvals failed; trying again");
    }
    if let Err(e) = crate::ledger::expire_due(&state.base.db, now).await {
        tracing::warn!(error = %e, "expiring ledger holds failed; trying again");
    }
    if let Some(sandbox) = &state.payments.sandbox
        && let Err(e) = sandbox.settle_due().await
    {
        tracing::warn!(error = %e, "settling sandbox payments failed; trying again");
    }
    crate::checkout::refund_owed(&state.checkout).await;
    if let Err(e) = crate::wallet::withdrawals::settle_pending(&state.wallet, now).await {
        tracing::warn!(error = %e, "settling withdrawals failed; trying again");
    }
}

/// Runs until the server stops (its task is aborted then).
pub async fn run(state: Souq) {
    let mut forget = tokio::time::interval(FORGET_EVERY);
    let mut sweep_clock = tokio::time::interval(SWEEP_EVERY);
    let mut money = tokio::time::interval(MONEY_EVERY);
    money.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = forget.tick() => {
                state.accounts.guard.rate.forget_idle();
                state.actions.forget_idle();
            }
            _ = money.tick() => keep_money_moving(&state).await,
            _ = sweep_clock.tick() => {
                if let Err(e) = sweep(&state.base.db).await {
                    tracing::warn!(error = %e, "sweeping expired rows failed; trying again later");
                }
                crate::wallet::savings::keep_interest_paid(&state.wallet).await;
            }
        }
    }
}
