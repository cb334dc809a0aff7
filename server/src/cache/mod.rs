//! What each server keeps in memory so hot reads skip the database: sessions, posts as
//! everyone sees them, how accounts are shown, each account's newest posts and reposts,
//! whom each viewer follows and what they did to posts, the newest posts overall and
//! the popular set. Writers report what they changed (`Change`); it is applied here at
//! once and, on PostgreSQL, sent to every other instance by NOTIFY, so stateless
//! instances sharing one database keep their caches in step with it.

mod store;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use souq_wire::{Author, User, ViewerState};
use tokio::sync::watch;

use crate::db::Db;
use crate::feed::hydrate::StoredPost;
use crate::feed::{AuthorTimeline, FirstPage, PopularSet, RecentPost, ServedPage};
pub use store::{Store, Ticket};

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
            _ => Change::Everything,
        }
    }
}

/// A live session as cached: its user, and when it expires (ms).
#[derive(Clone)]
pub struct CachedSession {
    pub user: User,
    pub expires_at: i64,
}

/// How long any entry may be served without the database confirming it: the bound on
/// staleness should a change ever be missed.
const MAX_AGE: Duration = Duration::from_secs(60);

pub struct Caches {
    pub sessions: Store<String, CachedSession>,
    pub posts: Store<i64, Arc<StoredPost>>,
    /// How each account is shown when it reposts.
    pub accounts: Store<i64, Author>,
    pub timelines: Store<i64, Arc<AuthorTimeline>>,
    pub follows: Store<i64, Arc<Vec<i64>>>,
    /// What each viewer did to the posts they were last shown.
    pub viewer_state: Store<i64, Arc<HashMap<i64, ViewerState>>>,
    pub recent: Store<(), Arc<Vec<RecentPost>>>,
    pub popular: Store<(), Arc<PopularSet>>,
    /// Held by the one request ranking the popular set again.
    pub popular_ranking: tokio::sync::Mutex<()>,
    /// The shop's search index.
    pub search: crate::search::index::SearchIndex,
    /// First pages as served, by viewer, timeline and page size.
    pub pages: Store<(i64, FirstPage, i64), Arc<ServedPage>>,
    /// Dropped with the caches, which ends the listener.
    _alive: watch::Sender<()>,
    alive: watch::Receiver<()>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caches")
    }
}

impl Default for Caches {
    fn default() -> Self {
        let (tx, rx) = watch::channel(());
        Caches {
            sessions: Store::new(100_000, MAX_AGE),
            posts: Store::new(100_000, MAX_AGE),
            accounts: Store::new(100_000, MAX_AGE),
            timelines: Store::new(100_000, MAX_AGE),
            follows: Store::new(50_000, MAX_AGE),
            viewer_state: Store::new(50_000, MAX_AGE),
            recent: Store::new(1, MAX_AGE),
            popular: Store::new(1, MAX_AGE),
            popular_ranking: tokio::sync::Mutex::new(()),
            pages: Store::new(50_000, MAX_AGE),
            search: crate::search::index::SearchIndex::default(),
            _alive: tx,
            alive: rx,
        }
    }
}

impl Caches {
    fn apply(&self, change: &Change) {
        match change {
            Change::SignedOut(hash) => self.sessions.remove(hash),
            Change::Post(id) => self.posts.remove(id),
            Change::Author(id) => {
                self.timelines.remove(id);
                self.recent.clear();
            }
            Change::Viewer(id) => {
                self.follows.remove(id);
                self.viewer_state.remove(id);
            }
            // Posts show its product cards, and reposts how its account is shown.
            Change::Catalog(id) => {
                self.posts.clear();
                self.accounts.clear();
                self.pages.clear();
                self.search.forget_store(*id);
            }
            Change::Everything => self.clear(),
        }
    }

    fn clear(&self) {
        self.sessions.clear();
        self.posts.clear();
        self.accounts.clear();
        self.timelines.clear();
        self.follows.clear();
        self.viewer_state.clear();
        self.recent.clear();
        self.popular.clear();
        self.pages.clear();
        self.search.forget_all();
    }
}

/// Reports committed changes: this instance forgets them at once, and on PostgreSQL
/// every other instance hears of them. Call it after the transaction commits.
pub async fn publish(db: &Db, changes: &[Change]) {
    for change in changes {
        db.cache.apply(change);
    }
    if db.backend != crate::Backend::Postgres || changes.is_empty() {
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
/// so nothing this instance caches can predate a change it will not hear of.
pub async fn listen(url: &str, caches: &Arc<Caches>) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    let caches = Arc::downgrade(caches);
    let mut alive = match caches.upgrade() {
        Some(c) => c.alive.clone(),
        None => return Ok(()),
    };
    tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = alive.changed() => return,
            };
            let Some(caches) = caches.upgrade() else {
                return;
            };
            match received {
                Ok(Some(notification)) => {
                    for change in notification.payload().split(' ') {
                        caches.apply(&Change::decode(change));
                    }
                }
                // The connection dropped: what was said meanwhile is lost, so forget
                // everything; the next receive reconnects.
                Ok(None) => caches.clear(),
                Err(e) => {
                    tracing::warn!(error = %e, "cache listener failed; retrying");
                    caches.clear();
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
