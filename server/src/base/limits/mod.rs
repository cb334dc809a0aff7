//! What bounds the cost anyone can cause: the numbers (`Limits`, configurable), the
//! in-memory rate limits per client address and overall (`rate`), and the quotas
//! counted in the database so every instance sharing it enforces them (`window`).

pub mod rate;
pub mod window;

use std::net::IpAddr;
use std::time::Duration;

/// Every tunable bound, with defaults sized for one small machine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Password hashes computed at once (each takes ~19 MiB and a core for tens of ms).
    pub password_hashes: usize,
    /// How long a sign-in or sign-up waits for a hashing slot before 503.
    pub hash_wait: Duration,
    /// Sign-ins plus sign-ups a minute from one client address (also the burst).
    pub auth_per_address_per_minute: u32,
    /// Sign-ins plus sign-ups a minute from everyone together.
    pub auth_overall_per_minute: u32,
    /// New accounts an hour from one client address, across instances.
    pub sign_ups_per_address_per_hour: u32,
    /// Posts a minute by one account.
    pub posts_per_minute: u32,
    /// Uploads a day by one account, by count and by bytes.
    pub uploads_per_day: u32,
    pub upload_bytes_per_day: u64,
    /// Products one store may hold, published or drafted (beyond: 422).
    pub products_per_store: u32,
    /// Products one store may create a day (beyond: 429).
    pub products_per_store_per_day: u32,
    /// A request's headers must arrive within this, from the connection's start or the
    /// previous response.
    pub header_read_timeout: Duration,
    /// A request's body must arrive within this once its headers have.
    pub body_read_timeout: Duration,
    /// A connection on which nothing arrives for this long is closed.
    pub idle_timeout: Duration,
    /// How long a request waits for a database connection before 503.
    pub db_acquire_timeout: Duration,
    /// PostgreSQL connections this instance holds at most (besides the checkout
    /// placer's own). Each is a backend process on the database's machine: more than
    /// its cores can run at once only adds switching between them, and checkouts batch
    /// their writes, so few suffice. Measured in docs/BENCHMARKS.md (the rush).
    pub db_connections: u32,
    /// What the in-memory caches together may hold, in bytes.
    pub cache_bytes: u64,
    /// Take the client's address from the last `X-Forwarded-For` hop (set this only
    /// behind a reverse proxy that writes it; otherwise clients could choose it).
    pub behind_proxy: bool,
    /// Checkouts (top-ups and gifts by card among them) one account may start a minute.
    pub checkouts_per_account_per_minute: u32,
    /// Requests for money one account may make a minute.
    pub money_requests_per_account_per_minute: u32,
    /// Event streams one account may open a minute.
    pub streams_per_account_per_minute: u32,
    /// Of each of those, what one client address may start a minute, whoever is signed
    /// in (a shared address: an office, a carrier's NAT, a load test from one machine).
    pub actions_per_address_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Limits {
            password_hashes: cores,
            hash_wait: Duration::from_secs(2),
            auth_per_address_per_minute: 30,
            auth_overall_per_minute: 1_200,
            sign_ups_per_address_per_hour: 20,
            posts_per_minute: 30,
            uploads_per_day: 200,
            upload_bytes_per_day: 256 * 1024 * 1024,
            products_per_store: 1_000,
            products_per_store_per_day: 200,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            db_acquire_timeout: Duration::from_secs(5),
            db_connections: u32::try_from(cores.saturating_mul(2))
                .unwrap_or(u32::MAX)
                .max(4),
            cache_bytes: 256 * 1024 * 1024,
            behind_proxy: false,
            checkouts_per_account_per_minute: 30,
            money_requests_per_account_per_minute: 10,
            streams_per_account_per_minute: 20,
            actions_per_address_per_minute: 300,
        }
    }
}

/// Whole seconds to wait, at least one, for a `Retry-After` header.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs()
        .saturating_add(u64::from(wait.subsec_nanos() > 0))
        .max(1)
}

/// The key one client is counted under: its IPv4 address, or the /64 an IPv6 address
/// belongs to (one subscriber holds a whole /64, so finer keys would be free to vary).
pub fn client_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}
