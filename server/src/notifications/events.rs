//! Inbox news for running apps: a person's inbox just gained money news (money sent,
//! asked for, declined or given to them), heard over server-sent events so that their
//! app can tell them at once, with an OS notification. Writers publish `Change::Inbox`
//! after they commit (so every instance hears of it, as caches do); each instance
//! passes it to the streams of that person open on it, and to nobody else's.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::{broadcast, watch};

use crate::base::cache::{Change, Forget};

/// News a slow stream may fall behind by; behind, it hears "read your inbox" anyway,
/// which is all any news says.
const BACKLOG: usize = 16;

/// This instance's open inbox streams, by person.
pub struct InboxEvents {
    listeners: Mutex<HashMap<i64, broadcast::Sender<()>>>,
    /// Set when the server stops, which ends every open stream.
    closing: watch::Sender<bool>,
}

impl Default for InboxEvents {
    fn default() -> InboxEvents {
        InboxEvents {
            listeners: Mutex::new(HashMap::new()),
            closing: watch::Sender::new(false),
        }
    }
}

impl Forget for InboxEvents {
    fn forget(&self, change: &Change) {
        let Change::Inbox(user_id) = change else {
            return;
        };
        let Ok(mut listeners) = self.listeners.lock() else {
            return;
        };
        if let Some(heard) = listeners.get(user_id) {
            // Nobody listens any more: the entry goes.
            if heard.send(()).is_err() {
                listeners.remove(user_id);
            }
        }
    }
}

impl InboxEvents {
    /// A new stream of `user_id`'s inbox news, and what tells it the server is stopping.
    pub fn subscribe(&self, user_id: i64) -> (broadcast::Receiver<()>, watch::Receiver<bool>) {
        let heard = match self.listeners.lock() {
            Ok(mut listeners) => {
                // People whose streams all closed since leave no entry behind.
                listeners.retain(|_, heard| heard.receiver_count() > 0);
                listeners
                    .entry(user_id)
                    .or_insert_with(|| broadcast::Sender::new(BACKLOG))
                    .subscribe()
            }
            // Poisoned only by a panic elsewhere: this stream hears nothing but works.
            Err(_) => broadcast::Sender::new(1).subscribe(),
        };
        (heard, self.closing.subscribe())
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// How many people have a stream open here.
    pub fn listening(&self) -> usize {
        self.listeners
            .lock()
            .map(|l| l.values().filter(|h| h.receiver_count() > 0).count())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn news_reaches_only_the_person_it_is_for() {
        let events = InboxEvents::default();
        let (mut amina, _) = events.subscribe(1);
        let (mut bilal, _) = events.subscribe(2);
        events.forget(&Change::Inbox(1));
        assert!(amina.try_recv().is_ok());
        assert!(bilal.try_recv().is_err());
        events.forget(&Change::Post(1));
        assert!(amina.try_recv().is_err());
    }

    #[tokio::test]
    async fn closed_streams_leave_no_entry_behind() {
        let events = InboxEvents::default();
        let (amina, _) = events.subscribe(1);
        assert_eq!(events.listening(), 1);
        drop(amina);
        events.forget(&Change::Inbox(1));
        assert_eq!(events.listening(), 0);
        assert!(
            events
                .listeners
                .lock()
                .map(|l| l.is_empty())
                .unwrap_or(false)
        );
    }
}
