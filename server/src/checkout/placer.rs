//! The placer: each server instance places the checkouts that arrive together as one
//! batch, in one transaction (`place.rs`), the way TigerBeetle commits a batch of
//! transfers at a time. One task per instance takes whatever has queued while the
//! previous batch ran: alone, a checkout is a batch of one and waits for nothing; in a
//! launch rush, a hundred buyers cost about the statements and the commit of one, and
//! an option's stock is written once per batch instead of once per buyer.
//!
//! A batch that fails as a whole (a lost connection, a deadlock) is run again one job
//! at a time, so that one checkout's trouble is its own answer and not its neighbours'.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::{mpsc, oneshot};

use super::place::{self, BatchError, Job, Placement, Rules};
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::orders;

/// At most this many checkouts in one batch...
const MAX_JOBS: usize = 128;
/// ...and at most this many cart lines (each a few binds in each statement; both
/// engines cap a statement's binds).
const MAX_LINES: usize = 1_000;
/// A batch that met a race (`BatchError::Raced`) runs again at most this often.
const RUNS: usize = 3;

struct Queued {
    job: Job,
    answer: oneshot::Sender<Result<Placement, ApiError>>,
}

/// The queue into this instance's placer task.
#[derive(Clone, Debug)]
pub struct Placer {
    queue: mpsc::Sender<Queued>,
    /// Batches still to fail after their writes and before their commit, as a database
    /// error in the middle of a batch would: asked by the money simulation and tests.
    failures: Arc<AtomicU32>,
}

impl Placer {
    /// Starts the placer task; it ends when the last `Placer` is dropped.
    pub fn start(db: Db, rules: Rules) -> Placer {
        let (queue, jobs) = mpsc::channel(4 * MAX_JOBS);
        let failures = Arc::new(AtomicU32::new(0));
        tokio::spawn(run(db, rules, jobs, failures.clone()));
        Placer { queue, failures }
    }

    /// Makes the next `batches` batches fail in the middle, their writes rolled back.
    pub fn fail_next_batches(&self, batches: u32) {
        self.failures.store(batches, Ordering::SeqCst);
    }

    /// Places one claimed attempt, in whatever batch it joins.
    pub async fn place(&self, job: Job) -> Result<Placement, ApiError> {
        let (answer, answered) = oneshot::channel();
        let stopped = || ApiError::Internal("the checkout placer stopped".into());
        self.queue
            .send(Queued { job, answer })
            .await
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

async fn run(db: Db, rules: Rules, mut jobs: mpsc::Receiver<Queued>, failures: Arc<AtomicU32>) {
    if let Err(e) = place::warm(&db).await {
        tracing::warn!(error = %e, "cannot warm the checkout placer's connection");
    }
    // Jobs a batch put off, and one that did not fit the last batch: first in the next.
    let mut waiting: VecDeque<Queued> = VecDeque::new();
    loop {
        let first = match waiting.pop_front() {
            Some(queued) => queued,
            None => match jobs.recv().await {
                Some(queued) => queued,
                None => return,
            },
        };
        let mut lines = first.job.request.lines.len();
        let mut batch = vec![first];
        while batch.len() < MAX_JOBS {
            let Some(queued) = waiting.pop_front().or_else(|| jobs.try_recv().ok()) else {
                break;
            };
            lines += queued.job.request.lines.len();
            if lines > MAX_LINES {
                waiting.push_front(queued);
                break;
            }
            batch.push(queued);
        }
        let batches = Batches {
            db: &db,
            rules,
            failures: &failures,
        };
        for put_off in settle_batch(&batches, batch).await.into_iter().rev() {
            waiting.push_front(put_off);
        }
    }
}

/// What runs a batch: the database, the rules, and the failures asked for.
struct Batches<'a> {
    db: &'a Db,
    rules: Rules,
    failures: &'a AtomicU32,
}

/// Runs a batch and answers each of its jobs; returns those it put off, for the next.
async fn settle_batch(batches: &Batches<'_>, batch: Vec<Queued>) -> Vec<Queued> {
    let db = batches.db;
    let (jobs, answers): (Vec<Job>, Vec<_>) = batch.into_iter().map(|q| (q.job, q.answer)).unzip();
    let mut put_off = Vec::new();
    match run_batch(batches, &jobs).await {
        Ok(placements) => {
            let mut placed = Vec::new();
            for ((mut job, answer), placement) in jobs.into_iter().zip(answers).zip(placements) {
                if let Placement::Deferred = placement {
                    job.deferrals = job.deferrals.saturating_add(1);
                    put_off.push(Queued { job, answer });
                } else {
                    placed.push((answer, placement));
                }
            }
            // The answers' reads run beside the next batch, on the placer's second
            // connection: the next batch does not wait for them.
            let db = db.clone();
            tokio::spawn(async move {
                let (answers, mut placements): (Vec<_>, Vec<_>) = placed.into_iter().unzip();
                with_orders(&db, &mut placements).await;
                for (answer, placement) in answers.into_iter().zip(placements) {
                    // The request may have gone; its attempt's row holds the answer.
                    let _ = answer.send(Ok(placement));
                }
            });
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, jobs = jobs.len(), "a checkout batch failed; placing its jobs one by one");
            for (mut job, answer) in jobs.into_iter().zip(answers) {
                let alone = loop {
                    let placed = run_batch(batches, std::slice::from_ref(&job))
                        .await
                        .and_then(|mut placed| {
                            placed.pop().ok_or_else(|| {
                                ApiError::Internal("a batch answered nothing".into())
                            })
                        });
                    match placed {
                        // Past MAX_DEFERRALS its batch waits for the lots: this ends.
                        Ok(Placement::Deferred) => {
                            job.deferrals = job.deferrals.saturating_add(1);
                        }
                        other => break other,
                    }
                };
                let _ = answer.send(alone);
            }
        }
    }
    put_off
}

/// Reads the paid attempts' orders for their answers, all at once; an attempt left
/// without (the read failed) is read again by its request.
async fn with_orders(db: &Db, placements: &mut [Placement]) {
    let paid: Vec<i64> = placements
        .iter()
        .filter_map(|p| match p {
            Placement::Placed { attempt, .. } if attempt.status == "paid" => Some(attempt.id),
            _ => None,
        })
        .collect();
    if paid.is_empty() {
        return;
    }
    let read = async {
        let mut conn = db.placing.acquire().await?;
        orders::of_checkouts(&mut conn, &paid).await
    };
    let mut orders = match read.await {
        Ok(orders) => orders,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read a checkout batch's orders");
            return;
        }
    };
    for placement in placements {
        if let Placement::Placed {
            attempt,
            orders: slot,
            ..
        } = placement
        {
            *slot = orders.remove(&attempt.id);
        }
    }
}

/// One batch in one transaction, run again after a race.
async fn run_batch(batches: &Batches<'_>, jobs: &[Job]) -> Result<Vec<Placement>, ApiError> {
    let db = batches.db;
    for _ in 0..RUNS {
        let began = std::time::Instant::now();
        let mut tx = db.begin_placing().await?;
        match place::place_all(&mut tx, db.backend, jobs, batches.rules, now_ms()).await {
            Ok(_)
                if batches
                    .failures
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok() =>
            {
                tx.rollback().await?;
                return Err(ApiError::Unavailable {
                    detail: "a batch failed in the middle, as asked".into(),
                    retry_after_secs: 1,
                });
            }
            Ok(placements) => {
                let decided = began.elapsed();
                tx.commit().await?;
                tracing::debug!(
                    jobs = jobs.len(),
                    decided_ms = decided.as_secs_f64() * 1e3,
                    committed_ms = began.elapsed().as_secs_f64() * 1e3,
                    "a checkout batch placed"
                );
                return Ok(placements);
            }
            Err(BatchError::Raced) => continue,
            Err(BatchError::Failed(e)) => return Err(e),
        }
    }
    Err(ApiError::Conflict(
        "many checkouts of these options at once; try again in a moment".into(),
    ))
}
