//! What each server does on its own clock: purging expired sessions and ended quota
//! windows from the database, and forgetting idle clients from the in-memory limits.

use std::time::Duration;

use crate::db::Db;
use crate::http::Souq;
use crate::limits::rate::FORGET_EVERY;

/// How often the database is swept. Any instance may sweep; deleting twice is harmless.
const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Sweeps the database once: expired sessions and quota windows that ended long ago.
pub async fn sweep(db: &Db) -> Result<(), sqlx::Error> {
    let sessions = crate::accounts::sessions::purge_expired(db).await?;
    let windows = crate::limits::window::purge(db).await?;
    tracing::debug!(sessions, windows, "swept expired rows");
    Ok(())
}

/// Runs until the server stops (its task is aborted then).
pub async fn run(state: Souq) {
    let mut forget = tokio::time::interval(FORGET_EVERY);
    let mut sweep_clock = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = forget.tick() => state.accounts.rate.forget_idle(),
            _ = sweep_clock.tick() => {
                if let Err(e) = sweep(&state.db).await {
                    tracing::warn!(error = %e, "sweeping expired rows failed; trying again later");
                }
            }
        }
    }
}
