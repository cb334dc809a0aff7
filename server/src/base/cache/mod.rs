//! The caching mechanism each server uses so hot reads skip the database: the bounded
//! store (`Store`, weighed in bytes), and how committed changes reach every cache.
//! Writers report what they changed (`Change`); it is applied here at once and, on
//! PostgreSQL, sent to every other instance by NOTIFY, so stateless instances sharing
//! one database keep their caches in step with it. What is cached, and how a change
//! affects it, belongs to each domain (`Forget`); this module names none of their types.

mod store;

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::base::db::Db;
pub use store::{Store, Ticket, Weigh, vec_bytes};

/// The PostgreSQL channel the instances tell each other about changes on.
const CHANNEL: &str = "souq_cache";

/// What a committed write changed, so the caches that hold it forget it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A session ended (by its token's hash).
    SignedOut(String),
    /// A post's counts or state (deleted) changed.
    Post(i64),
    /// An account's own posts or reposts changed: a new post, a deletion, a repost.
    Author(i64),
    /// A viewer's follows, likes, reposts or bookmarks changed.
    Viewer(i64),
    /// A store published its drafts: its products, collections or page changed.
    Catalog(i64),
    /// A drop's launch time or state changed (scheduled, rescheduled, closed, sold out,
    /// back on sale).
    Drop(i64),
    /// A product's stock changed (sold, reserved, given back): whoever shows it in
    /// stock (a drop's sold-out state) reads it again.
    Stock(i64),
    /// A person's inbox gained money news (not a cache: their open app streams hear it).
    Inbox(i64),
    /// Anything else, rare enough to start over: demo data, a rebuilt search index.
    Everything,
}

impl Change {
    fn encode(&self) -> String {
        match self {
            Change::SignedOut(hash) => format!("s:{hash}"),
            Change::Post(id) => format!("p:{id}"),
            Change::Author(id) => format!("a:{id}"),
            Change::Viewer(id) => format!("v:{id}"),
            Change::Catalog(id) => format!("c:{id}"),
            Change::Drop(id) => format!("d:{id}"),
            Change::Stock(id) => format!("k:{id}"),
            Change::Inbox(id) => format!("i:{id}"),
            Change::Everything => "*".into(),
        }
    }

    /// Anything unreadable is taken as `Everything`: forgetting too much is safe.
    fn decode(raw: &str) -> Change {
        let id = |rest: &str| rest.parse::<i64>().ok();
        match raw.split_once(':') {
            Some(("s", hash)) => Change::SignedOut(hash.to_string()),
            Some(("p", rest)) => id(rest).map_or(Change::Everything, Change::Post),
            Some(("a", rest)) => id(rest).map_or(Change::Everything, Change::Author),
            Some(("v", rest)) => id(rest).map_or(Change::Everything, Change::Viewer),
            Some(("c", rest)) => id(rest).map_or(Change::Everything, Change::Catalog),
            Some(("d", rest)) => id(rest).map_or(Change::Everything, Change::Drop),
            Some(("k", rest)) => id(rest).map_or(Change::Everything, Change::Stock),
            Some(("i", rest)) => id(rest).map_or(Change::Everything, Change::Inbox),
            _ => Change::Everything,
        }
    }
}

/// How long any entry may be served without the database confirming it: the bound on
/// staleness should a change ever be missed.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// What keeps a cache in step: each domain's caches forget what a change touched.
pub trait Forget: Send + Sync {
    fn forget(&self, change: &Change);
}

/// For a process that caches nothing (an admin command) but must still tell the
/// running servers.
pub struct NothingCached;

impl Forget for NothingCached {
    fn forget(&self, _change: &Change) {}
}

/// Reports committed changes: this instance's `caches` forget them at once, and on
/// PostgreSQL every other instance hears of them. Call it after the transaction commits.
pub async fn publish(db: &Db, caches: &dyn Forget, changes: &[Change]) {
    for change in changes {
        caches.forget(change);
    }
    if db.backend != crate::base::db::Backend::Postgres || changes.is_empty() {
        return;
    }
    // The write has committed, so failing the request would mislead the client; the
    // other instances' entries age out within MAX_AGE.
    for payload in payloads(changes) {
        if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&db.pool)
            .await
        {
            tracing::warn!(error = %e, "could not tell the other instances about a change");
        }
    }
}

/// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; each payload here stays
/// under this, however many changes one write made (one change encodes to at most
/// about 50 bytes).
const MAX_PAYLOAD_BYTES: usize = 7_000;

/// The changes as space-separated payloads, each under `MAX_PAYLOAD_BYTES`.
fn payloads(changes: &[Change]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for change in changes {
        let encoded = change.encode();
        if !current.is_empty() && current.len() + 1 + encoded.len() > MAX_PAYLOAD_BYTES {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&encoded);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Listens for the other instances' changes on PostgreSQL. It returns once listening,
/// so nothing this instance caches can predate a change it will not hear of. It stops
/// when `alive`'s sender is dropped (with the caches).
pub async fn listen(
    url: &str,
    caches: Weak<dyn Forget>,
    mut alive: tokio::sync::watch::Receiver<()>,
) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = alive.changed() => return,
            };
            let Some(caches): Option<Arc<dyn Forget>> = caches.upgrade() else {
                return;
            };
            match received {
                Ok(Some(notification)) => {
                    for change in notification.payload().split(' ') {
                        caches.forget(&Change::decode(change));
                    }
                }
                // The connection dropped: what was said meanwhile is lost, so forget
                // everything; the next receive reconnects.
                Ok(None) => caches.forget(&Change::Everything),
                Err(e) => {
                    tracing::warn!(error = %e, "cache listener failed; retrying");
                    caches.forget(&Change::Everything);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_survive_the_wire_and_garbage_means_everything() {
        for change in [
            Change::SignedOut("abc-_123".into()),
            Change::Post(7),
            Change::Author(8),
            Change::Viewer(9),
            Change::Catalog(10),
            Change::Drop(11),
            Change::Stock(12),
            Change::Everything,
        ] {
            assert_eq!(Change::decode(&change.encode()), change);
        }
        for garbage in ["", "p:", "p:x", "q:1", "v"] {
            assert_eq!(Change::decode(garbage), Change::Everything);
        }
    }

    #[test]
    fn every_notify_payload_stays_under_the_postgres_limit_and_loses_nothing() {
        let changes: Vec<Change> = (0..5_000)
            .map(|i| Change::SignedOut(format!("{i:0>43}")))
            .chain((0..5_000).map(Change::Post))
            .collect();
        let sent = payloads(&changes);
        assert!(sent.len() > 1);
        assert!(sent.iter().all(|p| p.len() < 8_000), "a payload is too big");
        let heard: Vec<Change> = sent
            .iter()
            .flat_map(|p| p.split(' ').map(Change::decode))
            .collect();
        assert_eq!(heard, changes);
    }
}
