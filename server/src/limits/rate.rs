//! Sign-ins and sign-ups limited per client address and overall, in memory (governor's
//! GCRA). These bound what one instance spends on password hashing; the quotas that must
//! hold across instances live in `window`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{Limits, client_key, retry_after_secs};
use crate::error::ApiError;

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
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| ApiError::TooManyRequests {
            retry_after_secs: retry_after_secs(not_until.wait_time_from(clock.now())),
        };
        self.per_address
            .check_key(&client_key(client))
            .map_err(wait)?;
        self.overall.check().map_err(wait)
    }

    /// Forgets clients whose allowance is full again, so the map holds only the
    /// addresses seen within the last minute.
    pub fn forget_idle(&self) {
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
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
