//! The ground floor every domain stands on, naming none of them: the database (`db`),
//! the limits (`limits`), the errors that cross the wire (`error`), randomness
//! (`random`), paging (`paging`), what makes a request happen once (`idempotency`),
//! and the bus that tells every cache and listener, on this instance and
//! on every other one sharing the database, what a committed write changed (`cache`).
//! `Base` carries the three a domain needs at run time: the pool, the limits, publish.

pub mod cache;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod limits;
pub mod paging;
pub mod random;

use std::sync::{Arc, RwLock, Weak};

use tokio::sync::watch;

use cache::{Change, Forget};
use db::{DatabaseConfig, Db, DbError};
use limits::Limits;

/// What every domain takes: the pool, the limits, and where it publishes its changes.
#[derive(Clone)]
pub struct Base {
    pub db: Db,
    pub limits: Arc<Limits>,
    listeners: Arc<Listeners>,
}

impl std::fmt::Debug for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Base")
    }
}

/// The domains' caches and event streams that hear of changes, each subscribed at
/// start-up. Held weakly: a part that is gone stops hearing.
struct Listeners {
    parts: RwLock<Vec<Weak<dyn Forget>>>,
    /// Dropped with the last `Base`, which ends the NOTIFY listener.
    alive: watch::Sender<()>,
}

impl Forget for Listeners {
    fn forget(&self, change: &Change) {
        // Under the read lock: no listener subscribes or publishes while it forgets.
        let parts = match self.parts.read() {
            Ok(parts) => parts,
            Err(poisoned) => poisoned.into_inner(),
        };
        for part in parts.iter().filter_map(Weak::upgrade) {
            part.forget(change);
        }
    }
}

impl Base {
    /// Connects (and migrates), and on PostgreSQL listens for the other instances'
    /// changes before anything can be cached.
    pub async fn connect(database: &DatabaseConfig, limits: &Limits) -> Result<Base, DbError> {
        let db = Db::connect(database, limits.db_acquire_timeout, limits.db_connections).await?;
        let listeners = Arc::new(Listeners {
            parts: RwLock::new(Vec::new()),
            alive: watch::Sender::new(()),
        });
        if let DatabaseConfig::Postgres(url) = database {
            let weak_listeners = Arc::downgrade(&listeners);
            let weak: Weak<dyn Forget> = weak_listeners;
            cache::listen(url, weak, listeners.alive.subscribe()).await?;
        }
        Ok(Base {
            db,
            limits: Arc::new(limits.clone()),
            listeners,
        })
    }

    /// `part` hears of every change published from now on, here or on another
    /// instance, for as long as the part answered is held.
    pub fn subscribed<T: Forget + 'static>(&self, part: T) -> Arc<T> {
        let part = Arc::new(part);
        let weak_part = Arc::downgrade(&part);
        let heard: Weak<dyn Forget> = weak_part;
        match self.listeners.parts.write() {
            Ok(mut parts) => parts.push(heard),
            Err(poisoned) => poisoned.into_inner().push(heard),
        }
        part
    }

    /// Reports committed changes to this instance's listeners and every other
    /// instance's. Call it after the transaction commits.
    pub async fn publish(&self, changes: &[Change]) {
        cache::publish(&self.db, self.listeners.as_ref(), changes).await;
    }
}
