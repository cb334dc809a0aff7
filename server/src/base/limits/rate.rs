//! Rates in memory (governor's GCRA), per instance: sign-ins and sign-ups per client
//! address and overall, which bound what one instance spends on password hashing; and
//! the actions that cost or move money, per account and per address, as sign-ins are
//! limited (`Actions`: checkouts, money requests, event streams opened). The quotas
//! that must hold across instances live in `window`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{Limits, client_key, retry_after_secs};
use crate::base::error::ApiError;

/// A limit reached: 429, with how long until the allowance has room again.
fn too_many(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs: retry_after_secs(not_until.wait_time_from(DefaultClock::default().now())),
    }
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(n)
}

pub struct AuthRate {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    overall: DefaultDirectRateLimiter,
}

impl AuthRate {
    pub fn new(limits: &Limits) -> AuthRate {
        AuthRate {
            per_address: RateLimiter::keyed(per_minute(limits.auth_per_address_per_minute)),
            overall: RateLimiter::direct(per_minute(limits.auth_overall_per_minute)),
        }
    }

    /// Counts one sign-in or sign-up from `client`; 429 with Retry-After beyond either
    /// limit. The address is checked first so one noisy client cannot use up the
    /// overall allowance for everyone.
    pub fn check(&self, client: IpAddr) -> Result<(), ApiError> {
        self.per_address
            .check_key(&client_key(client))
            .map_err(too_many)?;
        self.overall.check().map_err(too_many)
    }

    /// Forgets clients whose allowance is full again, so the map holds only the
    /// addresses seen within the last minute.
    pub fn forget_idle(&self) {
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }
}

/// One action limited per account and per client address, each a minute's allowance
/// that refills as it is used.
pub struct ActionRate {
    per_account: DefaultKeyedRateLimiter<i64>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl ActionRate {
    fn new(per_account: u32, per_address: u32) -> ActionRate {
        ActionRate {
            per_account: RateLimiter::keyed(per_minute(per_account)),
            per_address: RateLimiter::keyed(per_minute(per_address)),
        }
    }

    /// Counts one action by `account` from `client`; 429 with Retry-After beyond either.
    pub fn check(&self, account: i64, client: IpAddr) -> Result<(), ApiError> {
        self.per_address
            .check_key(&client_key(client))
            .map_err(too_many)?;
        self.per_account.check_key(&account).map_err(too_many)
    }

    fn forget_idle(&self) {
        self.per_account.retain_recent();
        self.per_account.shrink_to_fit();
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }
}

/// The actions limited per account and per address.
pub struct Actions {
    /// Checkouts, top-ups and gifts by card: each may charge a card.
    pub checkouts: ActionRate,
    /// Requests for money: each lands in someone's inbox.
    pub money_requests: ActionRate,
    /// Event streams opened: each holds a connection open.
    pub streams: ActionRate,
}

impl Actions {
    pub fn new(limits: &Limits) -> Actions {
        let address = limits.actions_per_address_per_minute;
        Actions {
            checkouts: ActionRate::new(limits.checkouts_per_account_per_minute, address),
            money_requests: ActionRate::new(limits.money_requests_per_account_per_minute, address),
            streams: ActionRate::new(limits.streams_per_account_per_minute, address),
        }
    }

    /// Forgets accounts and clients whose allowance is full again.
    pub fn forget_idle(&self) {
        self.checkouts.forget_idle();
        self.money_requests.forget_idle();
        self.streams.forget_idle();
    }
}

/// How often idle clients are forgotten.
pub const FORGET_EVERY: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_is_limited_without_limiting_another() {
        let rate = AuthRate::new(&Limits {
            auth_per_address_per_minute: 2,
            ..Limits::default()
        });
        let a: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let b: IpAddr = "203.0.113.8".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert!(rate.check(a).is_ok());
        assert!(rate.check(a).is_ok());
        assert!(matches!(
            rate.check(a),
            Err(ApiError::TooManyRequests { retry_after_secs }) if retry_after_secs >= 1
        ));
        assert!(rate.check(b).is_ok());
    }

    #[test]
    fn the_overall_limit_holds_across_addresses() {
        let rate = AuthRate::new(&Limits {
            auth_overall_per_minute: 3,
            ..Limits::default()
        });
        let refused = (1..=10u8)
            .filter(|i| rate.check(IpAddr::from([198, 51, 100, *i])).is_err())
            .count();
        assert_eq!(refused, 7);
    }

    #[test]
    fn an_action_is_limited_per_account_and_per_address_apart() {
        let actions = Actions::new(&Limits {
            checkouts_per_account_per_minute: 2,
            actions_per_address_per_minute: 3,
            ..Limits::default()
        });
        let here = IpAddr::from([203, 0, 113, 7]);
        let there = IpAddr::from([203, 0, 113, 8]);
        assert!(actions.checkouts.check(1, here).is_ok());
        assert!(actions.checkouts.check(1, there).is_ok());
        assert!(
            actions.checkouts.check(1, there).is_err(),
            "the account's two are used"
        );
        assert!(actions.checkouts.check(2, here).is_ok());
        assert!(actions.checkouts.check(3, here).is_ok());
        assert!(
            actions.checkouts.check(4, here).is_err(),
            "the address's three are used"
        );
        assert!(
            actions.money_requests.check(4, there).is_ok(),
            "another action's own"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_slash_64() {
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0; 16]));
        let same: IpAddr = "2001:db8:1:2:ffff::9"
            .parse()
            .unwrap_or(IpAddr::from([0; 16]));
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::from([0; 16]));
        assert_eq!(client_key(one), client_key(same));
        assert_ne!(client_key(one), client_key(other));
    }
}
