//! The drop updates running apps hear of at once, over server-sent events: a drop
//! rescheduled, cancelled, ended, launched, sold out or back on sale. Writers publish
//! `Change::Drop`, and checkout `Change::Stock` for the products whose stock it moved
//! (so every instance hears of it, as caches do); each instance's one
//! task reads the drop as it now stands and tells its own listeners, and wakes by
//! itself at each launch time. A listener that falls behind is told to resync.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use souq_wire::DropUpdate;
use tokio::sync::{broadcast, mpsc, watch};

use super::OPEN;
use crate::base::cache::{Change, Forget};
use crate::base::db::{Db, now_ms, placeholders};

/// Updates a slow listener may fall behind by before it is told to resync.
const BACKLOG: usize = 256;

/// The longest the task sleeps without looking at the clock again (the wall clock may
/// jump, and a machine may sleep).
const LOOK_AGAIN: Duration = Duration::from_secs(30);

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Update(DropUpdate),
    /// Something may have been missed (everything changed, or the listener lagged):
    /// read the drops again.
    Resync,
}

/// Which drops changed, as the task is told: one, those selling a product whose
/// stock changed, or possibly all.
#[derive(Debug, Clone, Copy)]
enum Changed {
    One(i64),
    Product(i64),
    All,
}

/// This instance's drop listeners and the task that tells them.
pub struct DropEvents {
    heard: broadcast::Sender<Heard>,
    changed: mpsc::UnboundedSender<Changed>,
    /// Taken by `start`.
    pending: Mutex<Option<mpsc::UnboundedReceiver<Changed>>>,
    /// Set when the server stops, which ends every open stream.
    closing: watch::Sender<bool>,
}

impl Default for DropEvents {
    fn default() -> DropEvents {
        let (changed, pending) = mpsc::unbounded_channel();
        DropEvents {
            heard: broadcast::Sender::new(BACKLOG),
            changed,
            pending: Mutex::new(Some(pending)),
            closing: watch::Sender::new(false),
        }
    }
}

impl Forget for DropEvents {
    fn forget(&self, change: &Change) {
        let changed = match change {
            Change::Drop(id) => Changed::One(*id),
            Change::Stock(product) => Changed::Product(*product),
            Change::Everything => Changed::All,
            _ => return,
        };
        // The task is gone only when the server is: nobody listens then.
        let _ = self.changed.send(changed);
    }
}

impl DropEvents {
    /// A new listener, and what tells it the server is stopping.
    pub fn subscribe(&self) -> (broadcast::Receiver<Heard>, watch::Receiver<bool>) {
        (self.heard.subscribe(), self.closing.subscribe())
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Starts the task that tells listeners (once; later calls do nothing). It ends
    /// when these events are dropped.
    pub fn start(&self, db: Db) {
        let Some(changed) = self.pending.lock().ok().and_then(|mut p| p.take()) else {
            return;
        };
        tokio::spawn(tell(db, changed, self.heard.clone()));
    }
}

async fn tell(
    db: Db,
    mut changed: mpsc::UnboundedReceiver<Changed>,
    heard: broadcast::Sender<Heard>,
) {
    // Launches up to here have been announced (or happened before this instance ran).
    let mut announced = now_ms();
    loop {
        let next = next_launch(&db, announced).await;
        let wait = next.map_or(LOOK_AGAIN, |at| {
            Duration::from_millis(u64::try_from(at.saturating_sub(now_ms())).unwrap_or(0))
                .min(LOOK_AGAIN)
        });
        tokio::select! {
            got = changed.recv() => {
                let Some(first) = got else { return };
                // Whatever else arrived meanwhile goes out with it, each drop once.
                let mut ids = BTreeSet::new();
                let mut products = BTreeSet::new();
                let mut all = false;
                let mut take = |c: Changed| match c {
                    Changed::One(id) => { ids.insert(id); }
                    Changed::Product(id) => { products.insert(id); }
                    Changed::All => all = true,
                };
                take(first);
                while let Ok(more) = changed.try_recv() {
                    take(more);
                }
                if all {
                    let _ = heard.send(Heard::Resync);
                }
                // Which drops a product's stock touches is read only for someone to tell.
                if heard.receiver_count() > 0 {
                    ids.extend(open_drops_selling(&db, &products).await);
                }
                for id in ids {
                    send_update(&db, &heard, id).await;
                }
            }
            _ = tokio::time::sleep(wait) => {
                let now = now_ms();
                for id in launched_between(&db, announced, now).await {
                    send_update(&db, &heard, id).await;
                }
                announced = now;
            }
        }
    }
}

async fn send_update(db: &Db, heard: &broadcast::Sender<Heard>, id: i64) {
    if heard.receiver_count() == 0 {
        return;
    }
    let reading = std::time::Instant::now();
    let read = super::get(db, 0, id).await;
    if reading.elapsed() > Duration::from_secs(1) {
        tracing::warn!(
            id,
            ms = reading.elapsed().as_millis(),
            "a drop update was slow to read"
        );
    }
    match read {
        Ok(drop) => {
            let _ = heard.send(Heard::Update(DropUpdate::from(&drop)));
        }
        Err(e) => {
            tracing::warn!(error = %e, id, "cannot read a changed drop");
            let _ = heard.send(Heard::Resync);
        }
    }
}

/// The open drops that sell any of these products.
async fn open_drops_selling(db: &Db, products: &BTreeSet<i64>) -> Vec<i64> {
    if products.is_empty() {
        return Vec::new();
    }
    let sql = format!(
        "SELECT d.id FROM drops d WHERE {OPEN} AND d.product_id IN ({})",
        placeholders(1, products.len())
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for id in products {
        query = query.bind(*id);
    }
    match query.fetch_all(&db.pool).await {
        Ok(ids) => ids.into_iter().map(|(id,)| id).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the drops selling a product");
            Vec::new()
        }
    }
}

async fn next_launch(db: &Db, after: i64) -> Option<i64> {
    let found: Result<(Option<i64>,), sqlx::Error> = sqlx::query_as(&format!(
        "SELECT MIN(d.launch_at) FROM drops d WHERE {OPEN} AND d.launch_at > $1"
    ))
    .bind(after)
    .fetch_one(&db.pool)
    .await;
    found.ok().and_then(|(at,)| at)
}

async fn launched_between(db: &Db, after: i64, until: i64) -> Vec<i64> {
    let found: Result<Vec<(i64,)>, sqlx::Error> = sqlx::query_as(&format!(
        "SELECT d.id FROM drops d WHERE {OPEN} AND d.launch_at > $1 AND d.launch_at <= $2"
    ))
    .bind(after)
    .bind(until)
    .fetch_all(&db.pool)
    .await;
    match found {
        Ok(ids) => ids.into_iter().map(|(id,)| id).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the drops launching now");
            Vec::new()
        }
    }
}
