//! Slows down password guessing. Every sign-in attempt is counted before its password is
//! checked, under two keys: the account together with the client's address (5 failures
//! in 15 minutes), and the address alone (20 in 15 minutes, which slows a spray of one
//! password across many emails). An attempt that succeeds is uncounted. Someone else's
//! wrong guesses from another address never count against the owner's own address, so
//! they cannot lock the owner out. Counted in the database (`limits::window`), so every
//! instance sharing it enforces the same limits, atomically.

use std::net::IpAddr;
use std::time::Duration;

use crate::base::db::Db;
use crate::base::error::ApiError;
use crate::base::limits::client_key;
use crate::base::limits::window::{self, Quota};

pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// An attempt that has been counted; say how it went.
pub struct Attempt {
    account_key: String,
    address_key: String,
}

/// Counts an attempt on `email` from `client`; 429 with Retry-After when either key has
/// used up its failures in the current window.
pub async fn begin(db: &Db, email: &str, client: IpAddr) -> Result<Attempt, ApiError> {
    let address = client_key(client);
    let attempt = Attempt {
        account_key: format!("sign-in:{address}:{email}"),
        address_key: format!("sign-in:{address}"),
    };
    window::take_all(
        db,
        &[
            (
                &attempt.address_key,
                1,
                Quota::new(MAX_FAILURES_PER_ADDRESS, WINDOW),
            ),
            (
                &attempt.account_key,
                1,
                Quota::new(MAX_FAILURES_PER_ACCOUNT, WINDOW),
            ),
        ],
    )
    .await?;
    Ok(attempt)
}

impl Attempt {
    /// The password was right: this attempt and the account's earlier failures from
    /// this address no longer count.
    pub async fn succeeded(self, db: &Db) -> Result<(), ApiError> {
        window::reset(db, &self.account_key).await?;
        window::give_back(db, &self.address_key, 1).await
    }
}
