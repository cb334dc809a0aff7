//! The sender: each server instance makes the sends that arrive together as one batch,
//! in one durable transaction, the way the checkout placer places checkouts. Every
//! wallet the batch touches is locked once, in id order; what the sends are judged by
//! (keys seen before, the vault, the day's totals) is read in one statement; their
//! transfers, rows and inbox entries are written a statement each. Alone, a send is a
//! batch of one and waits for nothing; when sixty people send at once, they cost about
//! the statements and the commit of one. On PostgreSQL two batches are in flight, so
//! that one's statements overlap the other's commit.
//!
//! A batch that fails as a whole (a lost connection, a deadlock) is made again one send
//! at a time, so that one send's trouble is its own answer and not its neighbours'.
//! The judging and recording here are also what paying a request uses, one at a time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use souq_wire::{Author, Money, MoneySent, NotificationKind};
use sqlx::AnyConnection;
use tokio::sync::{Mutex, mpsc, oneshot};

use super::requests::{key_reused, transfer_id};
use super::settings::{DAY_MS, WalletSettings, spoken};
use super::vault;
use crate::accounts::shown;
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::{Backend, Db, from_ms, now_ms, placeholders, value_rows};
use crate::base::error::ApiError;
use crate::ledger::{
    self, AccountId, Amount, Balance, Currency, Holder, Kind, Transfer, TransferId,
};
use crate::notifications::{self, MoneyAbout, MoneyNotice};

/// At most this many sends in one batch: each is a dozen binds in its statements, and
/// both engines cap a statement's binds far above this.
const MAX_JOBS: usize = 128;

/// Batches in flight at once on PostgreSQL: while one waits for its commit to reach the
/// disk, the next runs its statements. (Each locks its wallets in id order, so two
/// cannot wait on each other in a cycle; SQLite has one writer, so one there.)
const POSTGRES_BATCHES: usize = 2;

/// How long a batch gathers sends while another is in flight, and below what size:
/// a batch that found a crowd waiting starts at once.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);
const GATHER_BELOW: usize = 16;

/// A send as its request asked for it, checked but not yet judged.
#[derive(Debug)]
pub struct Job {
    pub sender: i64,
    /// The hash of the session it came with: the vault unlocks a session, not a person.
    pub session_hash: String,
    /// The app's idempotency key.
    pub key: String,
    /// What the request was, to tell a retry from a key used for something else.
    pub request_hash: String,
    /// The recipient's handle, as accounts keep it.
    pub handle: String,
    pub amount: Amount,
    pub currency: Currency,
    pub note: String,
}

/// What became of a send.
#[derive(Debug)]
pub enum Sent {
    Made(Box<MoneySent>),
    /// This key made this same send before: the caller reads its first answer back.
    Replayed,
}

struct Queued {
    job: Job,
    answer: oneshot::Sender<Result<Sent, ApiError>>,
}

/// The queue into this instance's sender task.
#[derive(Clone, Debug)]
pub struct Sender {
    queue: mpsc::Sender<Queued>,
}

/// What the sender task works with.
struct Desk {
    /// The recipients are published after each batch commits, so their apps hear at once.
    base: Base,
    settings: WalletSettings,
    /// Batches being made now, of the `workers` that make them.
    in_flight: AtomicUsize,
    workers: usize,
}

impl Sender {
    /// Starts the sender task; it ends when the last `Sender` is dropped.
    pub fn start(base: Base, settings: WalletSettings) -> Sender {
        let (queue, jobs) = mpsc::channel(4 * MAX_JOBS);
        let workers = match base.db.backend {
            Backend::Postgres => POSTGRES_BATCHES,
            Backend::Sqlite => 1,
        };
        let desk = Arc::new(Desk {
            base,
            settings,
            in_flight: AtomicUsize::new(0),
            workers,
        });
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..workers {
            tokio::spawn(run(Arc::clone(&desk), Arc::clone(&jobs)));
        }
        Sender { queue }
    }

    /// Makes one send, in whatever batch it joins.
    pub async fn send(&self, job: Job) -> Result<Sent, ApiError> {
        let (answer, answered) = oneshot::channel();
        let stopped = || ApiError::Internal("the wallet's sender stopped".into());
        self.queue
            .send(Queued { job, answer })
            .await
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

/// One batch at a time, made after gathering it. Sends this worker put off go first;
/// the queue is waited on only when there are none, by one worker at a time (the other
/// waits for what comes after), so that a put-off send never waits behind a worker
/// idling on an empty queue.
async fn run(desk: Arc<Desk>, jobs: Arc<Mutex<mpsc::Receiver<Queued>>>) {
    // Sends a batch put off (a key already in it), first in the next.
    let mut waiting: VecDeque<Queued> = VecDeque::new();
    loop {
        let (first, mut queue) = match waiting.pop_front() {
            Some(queued) => (queued, jobs.try_lock().ok()),
            None => {
                let mut queue = jobs.lock().await;
                match queue.recv().await {
                    Some(queued) => (queued, Some(queue)),
                    None => return,
                }
            }
        };
        let mut keys = HashSet::from([(first.job.sender, first.job.key.clone())]);
        let mut batch = vec![first];
        let mut put_off = Vec::new();
        // With another batch in flight, the sends arriving now are the first of a
        // crowd (the answers of that batch's neighbours coming back as new sends):
        // gathering them a moment makes one batch of them, not a batch of one and a
        // batch of the rest. Alone, a send waits for nothing.
        let in_flight = desk.in_flight.load(Ordering::Acquire);
        let gather_until = (in_flight > 0).then(|| tokio::time::Instant::now() + GATHER);
        // With the other worker idle, take half of what waits and leave it the rest: two
        // batches of thirty run side by side, on two connections and both cores, where
        // one of sixty would run alone.
        let most = match &queue {
            Some(q) if desk.workers > 1 && in_flight == 0 => {
                (q.len() + waiting.len() + 1).div_ceil(2).clamp(1, MAX_JOBS)
            }
            _ => MAX_JOBS,
        };
        while batch.len() < most {
            let mut next = waiting
                .pop_front()
                .or_else(|| queue.as_mut().and_then(|q| q.try_recv().ok()));
            if next.is_none()
                && batch.len() < GATHER_BELOW
                && let (Some(until), Some(q)) = (gather_until, queue.as_mut())
            {
                next = tokio::time::timeout_at(until, q.recv())
                    .await
                    .ok()
                    .flatten();
            }
            let Some(queued) = next else {
                break;
            };
            // A retry racing its first try waits for the next batch, which answers it
            // as the replay it is.
            if keys.insert((queued.job.sender, queued.job.key.clone())) {
                batch.push(queued);
            } else {
                put_off.push(queued);
            }
        }
        // Counted before the queue is let go, so the next worker sees this batch.
        desk.in_flight.fetch_add(1, Ordering::AcqRel);
        drop(queue);
        for queued in put_off.into_iter().rev() {
            waiting.push_front(queued);
        }
        settle_batch(&desk, batch).await;
        desk.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Makes a batch and answers each of its sends.
async fn settle_batch(desk: &Desk, batch: Vec<Queued>) {
    let (jobs, answers): (Vec<Job>, Vec<_>) = batch.into_iter().map(|q| (q.job, q.answer)).unzip();
    match make_batch(desk, &jobs).await {
        Ok(outcomes) => {
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                // The request may have gone; the send's row holds its answer.
                let _ = answer.send(outcome);
            }
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, sends = jobs.len(), "a batch of sends failed; making them one by one");
            for (job, answer) in jobs.iter().zip(answers) {
                let alone =
                    make_batch(desk, std::slice::from_ref(job))
                        .await
                        .and_then(|mut outcomes| {
                            outcomes.pop().ok_or_else(|| {
                                ApiError::Internal("a batch answered nothing".into())
                            })?
                        });
                let _ = answer.send(alone);
            }
        }
    }
}

/// One batch in one durable transaction: each send's outcome, in the batch's order.
/// Its recipients' apps are told once it commits.
async fn make_batch(desk: &Desk, jobs: &[Job]) -> Result<Vec<Result<Sent, ApiError>>, ApiError> {
    let mut tx = desk.base.db.begin_durable().await?;
    let outcomes = make_all(&mut tx, &desk.base.db, &desk.settings, jobs, now_ms()).await?;
    tx.commit().await?;
    let told: Vec<Change> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Ok(Sent::Made(sent)) => Some(Change::Inbox(sent.to.id)),
            _ => None,
        })
        .collect();
    desk.base.publish(&told).await;
    Ok(outcomes)
}

/// A send judged and about to be recorded.
pub(super) struct Sending {
    pub sender: i64,
    pub recipient: i64,
    pub key: String,
    pub request_hash: String,
    pub transfer_id: TransferId,
    pub debit: AccountId,
    pub credit: AccountId,
    pub amount: Amount,
    pub currency: Currency,
    pub note: String,
    pub request_id: Option<i64>,
}

/// A judged send whose recipient may still need an account in its currency.
struct Judged<'a> {
    index: usize,
    job: &'a Job,
    recipient: Author,
    sender: Author,
    debit: AccountId,
}

/// Makes the batch's sends in the caller's transaction. A send refused (an unknown
/// handle, the funds, a limit) is its own answer; an error of the database fails the
/// batch.
async fn make_all(
    conn: &mut AnyConnection,
    db: &Db,
    settings: &WalletSettings,
    jobs: &[Job],
    now: i64,
) -> Result<Vec<Result<Sent, ApiError>>, ApiError> {
    let mut outcomes: Vec<Option<Result<Sent, ApiError>>> = jobs.iter().map(|_| None).collect();
    let sides = sides(conn, jobs).await?;
    let mut recipients = Vec::with_capacity(jobs.len());
    for (job, outcome) in jobs.iter().zip(outcomes.iter_mut()) {
        match recipient_of(&sides, job) {
            Ok(recipient) => recipients.push(Some(recipient)),
            Err(e) => {
                *outcome = Some(Err(e));
                recipients.push(None);
            }
        }
    }
    // Every wallet the batch moves, locked in id order as every money-moving
    // transaction takes them: two people paying each other at once cannot deadlock.
    let mut people: Vec<i64> = jobs
        .iter()
        .map(|job| job.sender)
        .chain(recipients.iter().flatten().map(|r| r.id))
        .collect();
    people.sort_unstable();
    people.dedup();
    let wallets = ledger::lock_wallets(conn, db.backend, &people).await?;
    let asks: Vec<Ask<'_>> = jobs
        .iter()
        .map(|job| Ask {
            sender: job.sender,
            key: &job.key,
            session_hash: &job.session_hash,
        })
        .collect();
    let seen = Seen::read(conn, &asks, now).await?;
    // What each wallet may still spend and each sender may still send, as the batch
    // goes: money a batch brings a wallet is not spent in the same batch.
    let mut available: HashMap<AccountId, i64> = HashMap::new();
    let mut sent: HashMap<(i64, &str), i64> = HashMap::new();
    let mut judged = Vec::new();
    for (index, (job, recipient)) in jobs.iter().zip(recipients).enumerate() {
        let Some(recipient) = recipient else { continue };
        let verdict = (|| {
            if seen.replay(job.sender, &job.key, &job.request_hash)? {
                return Ok(None);
            }
            seen.unlocked(job.sender, &job.session_hash, now)?;
            let (debit, balance) = wallet_of(&wallets, job.sender, &job.currency)
                .ok_or(ApiError::InsufficientFunds)?;
            let left = available
                .entry(debit)
                .or_insert_with(|| balance.available());
            let today = sent
                .entry((job.sender, job.currency.as_str()))
                .or_insert_with(|| seen.sent_today(job.sender, &job.currency));
            judge(settings, job.amount, &job.currency, *today, *left)?;
            *left = left.saturating_sub(job.amount.get());
            *today = today.saturating_add(job.amount.get());
            Ok(Some(debit))
        })();
        let slot = outcomes
            .get_mut(index)
            .ok_or_else(|| ApiError::Internal("a send lost its place".into()))?;
        match verdict {
            Ok(Some(debit)) => {
                let sender = sides
                    .by_id
                    .get(&job.sender)
                    .cloned()
                    .ok_or_else(|| ApiError::Internal("a sender vanished".into()))?;
                judged.push(Judged {
                    index,
                    job,
                    recipient,
                    sender,
                    debit,
                });
            }
            Ok(None) => *slot = Some(Ok(Sent::Replayed)),
            Err(e) => *slot = Some(Err(e)),
        }
    }
    // Recipients new to a currency get their wallet in it, in one statement.
    let mut opening: Vec<(Holder, Currency)> = Vec::new();
    for j in &judged {
        let holder = Holder::Wallet {
            user_id: j.recipient.id,
        };
        if wallet_of(&wallets, j.recipient.id, &j.job.currency).is_none()
            && !opening.contains(&(holder, j.job.currency.clone()))
        {
            opening.push((holder, j.job.currency.clone()));
        }
    }
    let opened: HashMap<(i64, String), AccountId> = ledger::open_accounts(conn, &opening)
        .await?
        .into_iter()
        .zip(&opening)
        .map(|(id, (holder, currency))| ((holder.key().1, currency.as_str().to_string()), id))
        .collect();
    let mut sendings = Vec::with_capacity(judged.len());
    for j in &judged {
        let credit = match wallet_of(&wallets, j.recipient.id, &j.job.currency) {
            Some((account, _)) => account,
            None => *opened
                .get(&(j.recipient.id, j.job.currency.as_str().to_string()))
                .ok_or_else(|| ApiError::Internal("a wallet was not opened".into()))?,
        };
        sendings.push(Sending {
            sender: j.job.sender,
            recipient: j.recipient.id,
            key: j.job.key.clone(),
            request_hash: j.job.request_hash.clone(),
            transfer_id: transfer_id("send", j.job.sender, &j.job.key)?,
            debit: j.debit,
            credit,
            amount: j.job.amount,
            currency: j.job.currency.clone(),
            note: j.job.note.clone(),
            request_id: None,
        });
    }
    record(conn, &sendings, now).await?;
    for (j, s) in judged.into_iter().zip(sendings) {
        if let Some(slot) = outcomes.get_mut(j.index) {
            *slot = Some(Ok(Sent::Made(Box::new(MoneySent {
                transfer_id: s.transfer_id.as_str().to_string(),
                from: j.sender,
                to: j.recipient,
                amount: Money {
                    amount_minor: s.amount.get(),
                    currency: s.currency.as_str().to_string(),
                },
                note: s.note,
                request_id: None,
                replayed: false,
                created_at: from_ms(now),
            }))));
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.ok_or_else(|| ApiError::Internal("a send was left unanswered".into())))
        .collect()
}

/// A person's wallet in a currency among those locked: its account and amounts.
pub(super) fn wallet_of(
    wallets: &HashMap<(i64, String), (AccountId, Balance)>,
    user_id: i64,
    currency: &Currency,
) -> Option<(AccountId, Balance)> {
    wallets
        .get(&(user_id, currency.as_str().to_string()))
        .map(|(account, balance)| (*account, *balance))
}

/// The people of a batch, each shown as posts show them: by id (the senders) and by
/// handle (the recipients).
struct Sides {
    by_id: HashMap<i64, Author>,
    by_handle: HashMap<String, Author>,
}

/// The senders and recipients of a batch, in one statement.
async fn sides(conn: &mut AnyConnection, jobs: &[Job]) -> Result<Sides, sqlx::Error> {
    let mut ids: Vec<i64> = jobs.iter().map(|job| job.sender).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut handles: Vec<&str> = jobs.iter().map(|job| job.handle.as_str()).collect();
    handles.sort_unstable();
    handles.dedup();
    // Each side by its own index: one OR across the two would scan every account.
    let side = format!(
        "SELECT {} FROM users u LEFT JOIN stores s ON s.owner_id = u.id",
        shown::AUTHOR_COLUMNS
    );
    let sql = format!(
        "{side} WHERE u.id IN ({}) UNION ALL {side} WHERE u.handle IN ({})",
        placeholders(1, ids.len()),
        placeholders(1 + ids.len(), handles.len())
    );
    let mut query = sqlx::query_as::<_, shown::AuthorRow>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    for handle in &handles {
        query = query.bind(*handle);
    }
    let mut sides = Sides {
        by_id: HashMap::new(),
        by_handle: HashMap::new(),
    };
    for row in query.fetch_all(&mut *conn).await? {
        let (id, handle) = (row.id, row.handle.clone());
        let author = row.author();
        sides.by_handle.insert(handle, author.clone());
        sides.by_id.insert(id, author);
    }
    Ok(sides)
}

/// Whom a send goes to: 404 for nobody, 422 for oneself.
fn recipient_of(sides: &Sides, job: &Job) -> Result<Author, ApiError> {
    let recipient = sides
        .by_handle
        .get(&job.handle)
        .ok_or_else(|| ApiError::NotFound(format!("nobody has the handle @{}", job.handle)))?;
    if recipient.id == job.sender {
        return Err(ApiError::Validation(
            "that is you: send to or ask someone else".into(),
        ));
    }
    Ok(recipient.clone())
}

/// One send to judge: who sends it, with which key, from which session.
pub(super) struct Ask<'a> {
    pub sender: i64,
    pub key: &'a str,
    pub session_hash: &'a str,
}

/// What sends are judged by, read under their wallets' locks so that two sends at once
/// cannot both fit a limit: the keys seen before, the vault, and what each sender sent
/// in the last 24 hours.
pub(super) struct Seen {
    /// (sender, key) → the request that key made.
    keys: HashMap<(i64, String), String>,
    /// (person, session hash) → until when the vault is open for it.
    unlocked: HashMap<(i64, String), i64>,
    /// Those who have set a PIN.
    pinned: HashSet<i64>,
    /// (sender, currency) → what they sent in the last 24 hours.
    sent: HashMap<(i64, String), i64>,
}

impl Seen {
    pub(super) async fn read(
        conn: &mut AnyConnection,
        asks: &[Ask<'_>],
        now: i64,
    ) -> Result<Seen, sqlx::Error> {
        if asks.is_empty() {
            return Ok(Seen {
                keys: HashMap::new(),
                unlocked: HashMap::new(),
                pinned: HashSet::new(),
                sent: HashMap::new(),
            });
        }
        let mut senders: Vec<i64> = asks.iter().map(|a| a.sender).collect();
        senders.sort_unstable();
        senders.dedup();
        let mut sessions: Vec<&str> = asks.iter().map(|a| a.session_hash).collect();
        sessions.sort_unstable();
        sessions.dedup();
        // The pairs themselves: a sender list and a key list would be looked up as
        // every sender with every key.
        let mut pairs: Vec<(i64, &str)> = asks.iter().map(|a| (a.sender, a.key)).collect();
        pairs.sort_unstable();
        pairs.dedup();

        // One statement for the four reads, each row saying which it answers: a batch's
        // time is mostly its round trips to the database, not the work in them.
        let mut next = 0;
        let mut binds = |count: usize| {
            let first = next + 1;
            next += count;
            first
        };
        let pair_rows: Vec<String> = pairs
            .iter()
            .map(|_| {
                let at = binds(2);
                format!("(CAST(${at} AS BIGINT), CAST(${} AS TEXT))", at + 1)
            })
            .collect();
        let session_list = placeholders(binds(sessions.len()), sessions.len());
        let pin_list = placeholders(binds(senders.len()), senders.len());
        let sent_list = placeholders(binds(senders.len()), senders.len());
        let since = binds(1);
        let sql = format!(
            "SELECT CAST(0 AS BIGINT) AS what, sender_id AS who, idempotency_key AS name,
                    request_hash AS hash, CAST(0 AS BIGINT) AS amount
             FROM money_sends WHERE (sender_id, idempotency_key) IN (VALUES {})
             UNION ALL
             SELECT 1, user_id, session_hash, '', until_at FROM vault_unlocks
             WHERE session_hash IN ({session_list})
             UNION ALL
             SELECT 2, user_id, '', '', 0 FROM vault_pins WHERE user_id IN ({pin_list})
             UNION ALL
             SELECT 3, sender_id, currency, '', CAST(SUM(amount_minor) AS BIGINT)
             FROM money_sends WHERE sender_id IN ({sent_list}) AND created_at > ${since}
             GROUP BY sender_id, currency",
            pair_rows.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, i64, String, String, i64)>(&sql);
        for (sender, key) in &pairs {
            query = query.bind(*sender).bind(*key);
        }
        for session in &sessions {
            query = query.bind(*session);
        }
        for id in senders.iter().chain(&senders) {
            query = query.bind(*id);
        }
        let rows = query
            .bind(now.saturating_sub(DAY_MS))
            .fetch_all(&mut *conn)
            .await?;
        let mut used = HashMap::new();
        let mut unlocked = HashMap::new();
        let mut pinned = HashSet::new();
        let mut sent = HashMap::new();
        for (what, who, name, hash, amount) in rows {
            match what {
                0 => {
                    used.insert((who, name), hash);
                }
                1 => {
                    unlocked.insert((who, name), amount);
                }
                2 => {
                    pinned.insert(who);
                }
                _ => {
                    sent.insert((who, name), amount);
                }
            }
        }

        Ok(Seen {
            keys: used,
            unlocked,
            pinned,
            sent,
        })
    }

    /// Whether this key made this very send before (then it is answered, not made
    /// again); a key that made another request is refused.
    fn replay(&self, sender: i64, key: &str, request_hash: &str) -> Result<bool, ApiError> {
        match self.keys.get(&(sender, key.to_string())) {
            None => Ok(false),
            Some(made) if made == request_hash => Ok(true),
            Some(_) => Err(key_reused()),
        }
    }

    /// The vault's word: open for this session, or why not.
    pub(super) fn unlocked(&self, user: i64, session_hash: &str, now: i64) -> Result<(), ApiError> {
        match self.unlocked.get(&(user, session_hash.to_string())) {
            Some(until) if *until > now => Ok(()),
            _ => Err(vault::refusal(self.pinned.contains(&user))),
        }
    }

    /// What `sender` sent in `currency` over the last 24 hours.
    pub(super) fn sent_today(&self, sender: i64, currency: &Currency) -> i64 {
        self.sent
            .get(&(sender, currency.as_str().to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// Holds one send to the per-send and daily limits and to the funds.
pub(super) fn judge(
    settings: &WalletSettings,
    amount: Amount,
    currency: &Currency,
    sent_today: i64,
    available: i64,
) -> Result<(), ApiError> {
    let (per_send, daily) = settings.limits_in(currency);
    if amount.get() > per_send {
        return Err(ApiError::LimitExceeded(format!(
            "one send is at most {}",
            spoken(per_send, currency)
        )));
    }
    if sent_today.saturating_add(amount.get()) > daily {
        return Err(ApiError::LimitExceeded(format!(
            "that passes the daily limit of {}: {} left for the next 24 hours",
            spoken(daily, currency),
            spoken(daily.saturating_sub(sent_today).max(0), currency)
        )));
    }
    if available < amount.get() {
        return Err(ApiError::InsufficientFunds);
    }
    Ok(())
}

/// Records judged sends in the caller's transaction, a statement each for their
/// transfers, their rows and their recipients' inbox entries.
pub(super) async fn record(
    conn: &mut AnyConnection,
    sends: &[Sending],
    now: i64,
) -> Result<(), ApiError> {
    if sends.is_empty() {
        return Ok(());
    }
    let transfers: Vec<Transfer> = sends
        .iter()
        .map(|s| Transfer {
            id: s.transfer_id.clone(),
            debit: s.debit,
            credit: s.credit,
            currency: s.currency.clone(),
            amount: s.amount,
            kind: Kind::Posted,
            code: "p2p",
            reference: s.request_id.map(|id| format!("request {id}")),
        })
        .collect();
    ledger::record_all(conn, &transfers).await?;
    let sql = format!(
        "INSERT INTO money_sends (transfer_id, sender_id, recipient_id, idempotency_key,
                                  request_hash, currency, amount_minor, note,
                                  money_request_id, created_at)
         VALUES {} RETURNING id, transfer_id",
        value_rows(1, sends.len(), 10)
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for s in sends {
        query = query
            .bind(s.transfer_id.as_str())
            .bind(s.sender)
            .bind(s.recipient)
            .bind(s.key.as_str())
            .bind(s.request_hash.as_str())
            .bind(s.currency.as_str())
            .bind(s.amount.get())
            .bind(s.note.as_str())
            .bind(s.request_id)
            .bind(now);
    }
    let ids: HashMap<String, i64> = query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, transfer)| (transfer, id))
        .collect();
    let mut notices = Vec::with_capacity(sends.len());
    for s in sends {
        let id = ids
            .get(s.transfer_id.as_str())
            .ok_or_else(|| ApiError::Internal("a send's row vanished".into()))?;
        notices.push(MoneyNotice {
            recipient: s.recipient,
            kind: NotificationKind::MoneyReceived,
            actor: s.sender,
            about: MoneyAbout::Send(*id),
        });
    }
    notifications::notify_money(conn, &notices, now).await?;
    Ok(())
}
