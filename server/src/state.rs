//! The server's state, shared by every request: the database (`Db`, the pool alone),
//! and beside it what each domain keeps in memory, the limits, and the guard on
//! password hashing. This is where the domains' caches are put together; each domain
//! owns its cached shapes and how a change affects them.

use std::sync::Arc;

use crate::accounts::Guard;
use crate::accounts::sessions::SessionCache;
use crate::base::Base;
use crate::base::cache::{Change, Forget};
use crate::base::db::{DatabaseConfig, DbError};
use crate::base::limits::Limits;
use crate::base::limits::rate::Actions;
use crate::checkout::{self, Placer};
use crate::drops::events::DropEvents;
use crate::feed::cache::FeedCache;
use crate::notifications::events::InboxEvents;
use crate::payments::{PaymentSettings, Payments};
use crate::search::index::SearchIndex;
use crate::wallet;

/// Every domain's in-memory caches, which together hold at most `Limits::cache_bytes`
/// (the search index aside: it is the shown catalogue's terms, sized by the catalogue).
pub struct Caches {
    pub sessions: SessionCache,
    pub feed: FeedCache,
    pub search: SearchIndex,
    /// Not a cache: the drop updates this instance's running apps listen to, which
    /// changes drive as they drive the caches.
    pub drops: DropEvents,
    /// Not a cache either: the inbox news this instance's running apps listen to.
    pub inbox: InboxEvents,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caches")
    }
}

impl Caches {
    pub fn new(limits: &Limits) -> Caches {
        // A tenth of the budget for sessions, the rest for what feeds show.
        let sessions = limits.cache_bytes / 10;
        Caches {
            sessions: SessionCache::new(sessions),
            feed: FeedCache::new(limits.cache_bytes.saturating_sub(sessions)),
            search: SearchIndex::default(),
            drops: DropEvents::default(),
            inbox: InboxEvents::default(),
        }
    }

    /// The bytes the bounded caches hold now.
    pub fn weighed_bytes(&self) -> u64 {
        self.sessions.weighed_bytes() + self.feed.weighed_bytes()
    }
}

impl Forget for Caches {
    fn forget(&self, change: &Change) {
        self.sessions.forget(change);
        self.feed.forget(change);
        self.search.forget(change);
        self.drops.forget(change);
        self.inbox.forget(change);
    }
}

#[derive(Clone)]
pub struct Souq {
    pub base: Base,
    pub caches: Arc<Caches>,
    pub accounts: Arc<Guard>,
    /// Checkouts, money requests and event streams, limited per account and address.
    pub actions: Arc<Actions>,
    pub payments: Arc<Payments>,
    /// This instance's checkout batches.
    pub placer: Placer,
    /// This instance's batches of sends between people.
    pub sender: wallet::Sender,
}

impl Souq {
    /// Connects (and migrates), and on PostgreSQL listens for the other instances'
    /// changes before anything is cached.
    pub async fn connect(
        database: &DatabaseConfig,
        limits: &Limits,
        payments: &PaymentSettings,
    ) -> Result<Souq, DbError> {
        let base = Base::connect(database, limits).await?;
        let caches = Arc::new(Caches::new(limits));
        let weak_caches = Arc::downgrade(&caches);
        let weak: std::sync::Weak<dyn Forget> = weak_caches;
        base.subscribe(weak);
        caches.drops.start(base.db.clone());
        let payments = Arc::new(Payments::sandbox(&base, payments));
        let placer = Placer::start(base.db.clone(), checkout::rules(&payments.settings));
        let sender = wallet::Sender::start(base.clone(), payments.settings.wallet.clone());
        Ok(Souq {
            payments,
            placer,
            sender,
            base,
            caches,
            accounts: Arc::new(Guard::new(limits)),
            actions: Arc::new(Actions::new(limits)),
        })
    }
}
