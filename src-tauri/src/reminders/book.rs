//! The reminders kept on the device: for each drop the shopper asked about, one reminder
//! 15 minutes before its launch and one at it, each pending, delivered or skipped, and
//! never delivered twice. Pure state with no clock or I/O of its own, so that every rule
//! (moves, cancellations, what a restart finds missed) is tested directly; `timer.rs`
//! drives it on the desktop and `mobile.rs` hands it to the OS.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use souq_wire::DropState;
use souq_wire::drops::SOON_BEFORE_MINUTES;

/// How long before its launch the first reminder comes.
pub const SOON_BEFORE_MS: i64 = SOON_BEFORE_MINUTES * 60_000;

/// A reminder found this late (the app was closed or the machine asleep at its time)
/// counts as missed.
pub const GRACE_MS: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// "Starts in 15 minutes".
    Soon,
    /// "Is live now".
    Live,
}

/// What a drop's reminders say and when, as the device last heard of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropInfo {
    pub id: i64,
    pub title: String,
    pub store: String,
    pub launch_at_ms: i64,
    pub state: DropState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    /// Shown (the mark is saved before the notification goes out).
    Delivered {
        at_ms: i64,
    },
    /// Missed while the app was closed, and not worth showing late.
    Skipped,
}

/// One reminder of one drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub drop_id: i64,
    pub kind: Kind,
    pub due_at_ms: i64,
    pub status: Status,
}

/// A reminder to show now, with what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub kind: Kind,
    pub drop: DropInfo,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Book {
    /// The account the reminders are for.
    #[serde(default)]
    owner: Option<i64>,
    /// The drops the shopper asked about, by id.
    drops: BTreeMap<i64, DropInfo>,
    /// Their reminders, by (drop, kind): at most one of each kind per drop, ever.
    entries: BTreeMap<i64, Vec<Entry>>,
    /// Whether the server has told this run what the drops are now (a missed launch is
    /// shown only once it says the drop is still live). Not kept across runs.
    #[serde(skip)]
    synced: bool,
    /// When the shopper last turned Remind me on or off for each drop, this run: a
    /// list from the server asked for before then does not undo it.
    #[serde(skip)]
    chosen_at: BTreeMap<i64, i64>,
}

fn due_of(kind: Kind, launch_at_ms: i64) -> i64 {
    match kind {
        Kind::Soon => launch_at_ms.saturating_sub(SOON_BEFORE_MS),
        Kind::Live => launch_at_ms,
    }
}

impl Book {
    /// The reminders are for `user_id`: another account's go.
    pub fn belong_to(&mut self, user_id: i64) -> bool {
        if self.owner == Some(user_id) {
            return false;
        }
        *self = Book {
            owner: Some(user_id),
            ..Book::default()
        };
        true
    }

    /// The shopper turned Remind me on: a reminder for each moment still ahead (none
    /// "in 15 minutes" when the launch is nearer than that).
    pub fn remind(&mut self, drop: DropInfo, now_ms: i64) {
        let entries = self.entries.entry(drop.id).or_default();
        for kind in [Kind::Soon, Kind::Live] {
            let due = due_of(kind, drop.launch_at_ms);
            let known = entries.iter().any(|e| e.kind == kind);
            if !known && due > now_ms && drop.state == DropState::Scheduled {
                entries.push(Entry {
                    drop_id: drop.id,
                    kind,
                    due_at_ms: due,
                    status: Status::Pending,
                });
            }
        }
        self.drops.insert(drop.id, drop);
    }

    /// The shopper turned Remind me off: what is pending goes; what was shown stays in
    /// the list of reminders that fired.
    pub fn forget(&mut self, drop_id: i64) {
        if let Some(entries) = self.entries.get_mut(&drop_id) {
            entries.retain(|e| e.status != Status::Pending);
            if entries.is_empty() {
                self.entries.remove(&drop_id);
                self.drops.remove(&drop_id);
            }
        } else {
            self.drops.remove(&drop_id);
        }
    }

    /// What the server says of a drop now: a new launch time moves what is pending; a
    /// cancelled or ended drop loses it.
    pub fn apply(&mut self, id: i64, launch_at_ms: i64, state: DropState) {
        let Some(drop) = self.drops.get_mut(&id) else {
            return;
        };
        drop.launch_at_ms = launch_at_ms;
        drop.state = state;
        let Some(entries) = self.entries.get_mut(&id) else {
            return;
        };
        match state {
            DropState::Cancelled | DropState::Ended => {
                entries.retain(|e| e.status != Status::Pending);
            }
            _ => {
                for entry in entries.iter_mut().filter(|e| e.status == Status::Pending) {
                    entry.due_at_ms = due_of(entry.kind, launch_at_ms);
                }
            }
        }
    }

    /// The shopper's own Remind me, on or off, on this device.
    pub fn choose(&mut self, drop: DropInfo, on: bool, now_ms: i64) {
        self.chosen_at.insert(drop.id, now_ms);
        if on {
            self.remind(drop, now_ms);
        } else {
            self.forget(drop.id);
        }
    }

    /// The server's whole list of the shopper's reminded, open drops (on start and on
    /// every reconnect), as asked for at `asked_at_ms`: drops in it are reminded and
    /// brought up to date, pending reminders of drops not in it go (turned off
    /// elsewhere, or closed). A drop the shopper chose about since it was asked for is
    /// left as they chose: the list may not know of it yet.
    pub fn sync(&mut self, drops: Vec<DropInfo>, asked_at_ms: i64, now_ms: i64) {
        let chosen_since =
            |book: &Book, id: i64| book.chosen_at.get(&id).is_some_and(|at| *at >= asked_at_ms);
        let listed: Vec<i64> = drops.iter().map(|d| d.id).collect();
        let gone: Vec<i64> = self
            .drops
            .keys()
            .filter(|id| !listed.contains(id) && !chosen_since(self, **id))
            .copied()
            .collect();
        for id in gone {
            self.forget(id);
        }
        for drop in drops {
            if chosen_since(self, drop.id) {
                continue;
            }
            self.apply(drop.id, drop.launch_at_ms, drop.state);
            self.remind(drop, now_ms);
        }
        self.synced = true;
    }

    /// When the next pending reminder is due, leaving out a missed launch that waits
    /// for the server (`take_due`).
    pub fn next_due(&self, now_ms: i64) -> Option<i64> {
        self.pending()
            .filter(|e| !self.waits_for_server(e, now_ms))
            .map(|e| e.due_at_ms)
            .min()
    }

    fn waits_for_server(&self, entry: &Entry, now_ms: i64) -> bool {
        entry.kind == Kind::Live
            && !self.synced
            && now_ms.saturating_sub(entry.due_at_ms) > GRACE_MS
    }

    fn pending(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .values()
            .flatten()
            .filter(|e| e.status == Status::Pending)
    }

    pub fn pending_count(&self) -> usize {
        self.pending().count()
    }

    /// Marks what is due by `now_ms` and answers what to show. On time, a reminder is
    /// delivered. Missed (later than `GRACE_MS`): "in 15 minutes" is skipped; "live now"
    /// is delivered if the server, asked since the app started, says it is still live,
    /// skipped if not, and waits until it has been asked.
    pub fn take_due(&mut self, now_ms: i64) -> Vec<Due> {
        let mut shown = Vec::new();
        for (id, entries) in &mut self.entries {
            let Some(drop) = self.drops.get(id) else {
                continue;
            };
            for entry in entries.iter_mut() {
                if entry.status != Status::Pending || entry.due_at_ms > now_ms {
                    continue;
                }
                let late = now_ms.saturating_sub(entry.due_at_ms) > GRACE_MS;
                let show = match (entry.kind, late) {
                    (_, false) => drop.state == DropState::Scheduled || drop.state.on_sale(),
                    (Kind::Soon, true) => false,
                    (Kind::Live, true) if !self.synced => continue,
                    (Kind::Live, true) => drop.state.on_sale(),
                };
                if show {
                    entry.status = Status::Delivered { at_ms: now_ms };
                    shown.push(Due {
                        kind: entry.kind,
                        drop: drop.clone(),
                    });
                } else {
                    entry.status = Status::Skipped;
                }
            }
        }
        shown
    }

    /// Every reminder that was shown, newest first: the in-app list for platforms that
    /// report no clicks on a notification.
    pub fn fired(&self) -> Vec<(Kind, i64, DropInfo)> {
        let mut out: Vec<(Kind, i64, DropInfo)> = self
            .entries
            .values()
            .flatten()
            .filter_map(|e| match e.status {
                Status::Delivered { at_ms } => self
                    .drops
                    .get(&e.drop_id)
                    .map(|d| (e.kind, at_ms, d.clone())),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        out
    }

    /// The pending reminders, soonest first (what a phone hands its OS).
    pub fn upcoming(&self) -> Vec<(Entry, DropInfo)> {
        let mut out: Vec<(Entry, DropInfo)> = self
            .pending()
            .filter_map(|e| self.drops.get(&e.drop_id).map(|d| (e.clone(), d.clone())))
            .collect();
        out.sort_by_key(|(e, _)| (e.due_at_ms, e.drop_id, e.kind));
        out
    }

    /// Whether the shopper asked to be reminded of this drop (and it is still ahead).
    pub fn is_reminded(&self, drop_id: i64) -> bool {
        self.entries
            .get(&drop_id)
            .is_some_and(|e| e.iter().any(|e| e.status == Status::Pending))
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn drop(id: i64, launch: i64) -> DropInfo {
        DropInfo {
            id,
            title: format!("Drop {id}"),
            store: "Dar Al Oud".into(),
            launch_at_ms: launch,
            state: DropState::Scheduled,
        }
    }

    fn kinds(due: &[Due]) -> Vec<(i64, Kind)> {
        due.iter().map(|d| (d.drop.id, d.kind)).collect()
    }

    #[test]
    fn each_reminder_is_taken_once_at_its_time() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        assert_eq!(book.next_due(0), Some(45 * MIN));
        assert!(book.take_due(45 * MIN - 1).is_empty());
        assert_eq!(kinds(&book.take_due(45 * MIN)), [(1, Kind::Soon)]);
        assert!(book.take_due(45 * MIN).is_empty(), "never twice");
        book.apply(1, 60 * MIN, DropState::Live);
        assert_eq!(kinds(&book.take_due(60 * MIN)), [(1, Kind::Live)]);
        assert_eq!(book.next_due(0), None);
        assert_eq!(book.fired().len(), 2);
    }

    #[test]
    fn reminding_twice_or_after_a_delivery_adds_nothing() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        book.take_due(45 * MIN);
        book.remind(drop(1, 60 * MIN), 46 * MIN);
        book.remind(drop(1, 60 * MIN), 46 * MIN);
        assert_eq!(book.pending_count(), 1);
    }

    #[test]
    fn a_launch_nearer_than_15_minutes_gets_only_the_live_reminder() {
        let mut book = Book::default();
        book.remind(drop(1, 5 * MIN), 0);
        assert_eq!(book.upcoming().len(), 1);
        assert_eq!(book.next_due(0), Some(5 * MIN));
    }

    #[test]
    fn a_reschedule_moves_what_is_pending_and_a_cancellation_removes_it() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        book.apply(1, 120 * MIN, DropState::Scheduled);
        assert_eq!(book.next_due(0), Some(105 * MIN));
        book.apply(1, 120 * MIN, DropState::Cancelled);
        assert_eq!(book.next_due(0), None);
        assert!(book.take_due(200 * MIN).is_empty());
    }

    #[test]
    fn after_a_restart_a_missed_soon_is_skipped_and_a_missed_live_waits_for_the_server() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        book.remind(drop(2, 60 * MIN), 0);
        let saved = serde_json::to_vec(&book).unwrap_or_default();
        let mut restarted: Book = serde_json::from_slice(&saved).unwrap_or_default();
        // Both launched while the app was closed.
        assert!(
            restarted.take_due(70 * MIN).is_empty(),
            "nothing before the server answers"
        );
        assert_eq!(
            restarted.pending_count(),
            2,
            "the lives wait; the soons are skipped"
        );
        let mut live = drop(1, 60 * MIN);
        live.state = DropState::Live;
        let mut sold = drop(2, 60 * MIN);
        sold.state = DropState::SoldOut;
        restarted.sync(vec![live, sold], 70 * MIN, 70 * MIN);
        assert_eq!(kinds(&restarted.take_due(70 * MIN)), [(1, Kind::Live)]);
        assert!(restarted.take_due(71 * MIN).is_empty());
        assert_eq!(restarted.pending_count(), 0);
    }

    #[test]
    fn a_sync_forgets_drops_turned_off_elsewhere_and_adds_new_ones() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        book.sync(vec![drop(2, 90 * MIN)], 1, 1);
        assert!(!book.is_reminded(1));
        assert!(book.is_reminded(2));
        assert_eq!(book.next_due(0), Some(75 * MIN));
    }

    #[test]
    fn a_sync_asked_for_before_the_shoppers_choice_does_not_undo_it() {
        let mut book = Book::default();
        book.choose(drop(3, 60 * MIN), false, 0);
        // Asked for at 5; meanwhile, at 6, the shopper turns drop 1 on and drop 3 off
        // again... and the list (which knew drop 3 on, not drop 1) arrives at 7.
        book.choose(drop(1, 60 * MIN), true, 6);
        book.choose(drop(3, 60 * MIN), false, 6);
        book.sync(vec![drop(3, 60 * MIN)], 5, 7);
        assert!(book.is_reminded(1), "kept: the list did not know of it yet");
        assert!(!book.is_reminded(3), "not brought back by a stale list");
        // A list asked for after the choices rules again.
        book.sync(Vec::new(), 8, 9);
        assert!(!book.is_reminded(1));
    }

    #[test]
    fn turning_remind_me_off_keeps_what_fired_and_drops_what_is_pending() {
        let mut book = Book::default();
        book.remind(drop(1, 60 * MIN), 0);
        book.take_due(45 * MIN);
        book.forget(1);
        assert_eq!(book.pending_count(), 0);
        assert_eq!(book.fired().len(), 1);
    }
}
