//! The ledger against a model: any sequence of transfers, holds, posts, voids, expiries,
//! replays and reused ids keeps both invariants (per currency the sum is zero; no
//! account but the external one owes) and ends with the model's balances. Then the
//! database's own refusals, and races.

use std::sync::atomic::{AtomicU32, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use souq_server::Db;
use souq_server::ledger::{
    self, AccountId, Amount, Balance, Currency, Holder, Kind, LedgerError, Recorded, Transfer,
    TransferId,
};

use crate::on_both_engines;
use crate::support::{Engine, spawn};

/// The accounts a case plays with: the outside world and three wallets.
const HOLDERS: [Holder; 4] = [
    Holder::External,
    Holder::Wallet { user_id: 1 },
    Holder::Wallet { user_id: 2 },
    Holder::Wallet { user_id: 3 },
];

#[derive(Debug, Clone)]
enum Op {
    Move {
        from: usize,
        to: usize,
        amount: i64,
    },
    Hold {
        from: usize,
        to: usize,
        amount: i64,
        expires: bool,
    },
    Post {
        hold: usize,
        less: i64,
    },
    Void {
        hold: usize,
    },
    Expire {
        hold: usize,
    },
    /// Sends an earlier op's transfer again, unchanged.
    Replay {
        op: usize,
    },
    /// Sends an earlier op's id with another amount.
    Reuse {
        op: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let account = 0..HOLDERS.len();
    prop_oneof![
        4 => (account.clone(), account.clone(), 1..400i64)
            .prop_map(|(from, to, amount)| Op::Move { from, to, amount }),
        3 => (account.clone(), account, 1..400i64, any::<bool>())
            .prop_map(|(from, to, amount, expires)| Op::Hold { from, to, amount, expires }),
        2 => (0..64usize, 0..50i64).prop_map(|(hold, less)| Op::Post { hold, less }),
        1 => (0..64usize).prop_map(|hold| Op::Void { hold }),
        1 => (0..64usize).prop_map(|hold| Op::Expire { hold }),
        1 => (0..64usize).prop_map(|op| Op::Replay { op }),
        1 => (0..64usize).prop_map(|op| Op::Reuse { op }),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    New,
    Replayed,
    Refused,
}

struct ModelHold {
    from: usize,
    to: usize,
    amount: i64,
    timeout_at: Option<i64>,
    resolved: bool,
}

/// What the ledger should do, kept in plain maps.
#[derive(Default)]
struct Model {
    balances: [Balance; 4],
    holds: Vec<(TransferId, ModelHold)>,
    sent: Vec<(Transfer, i64)>,
}

impl Model {
    fn available(&self, account: usize) -> i64 {
        self.balances.get(account).map_or(0, Balance::available)
    }

    fn may_debit(&self, account: usize, amount: i64) -> bool {
        account == 0 || self.available(account) >= amount
    }

    fn apply_posted(&mut self, from: usize, to: usize, amount: i64) {
        if let Some(b) = self.balances.get_mut(from) {
            b.debits_posted += amount;
        }
        if let Some(b) = self.balances.get_mut(to) {
            b.credits_posted += amount;
        }
    }

    fn apply_pending(&mut self, from: usize, to: usize, amount: i64) {
        if let Some(b) = self.balances.get_mut(from) {
            b.debits_pending += amount;
        }
        if let Some(b) = self.balances.get_mut(to) {
            b.credits_pending += amount;
        }
    }
}

/// Runs one op on the database and on the model; both must agree on what happened.
async fn step(
    db: &Db,
    model: &mut Model,
    accounts: &[AccountId],
    currency: &Currency,
    case: u32,
    index: usize,
    op: &Op,
) {
    let now = far_future() + i64::try_from(index).unwrap() * 1_000;
    let id = TransferId::parse(&format!("c{case}-t{index}")).unwrap();
    let transfer = |from: usize, to: usize, amount: i64, kind: Kind| Transfer {
        id: id.clone(),
        debit: accounts[from],
        credit: accounts[to],
        currency: currency.clone(),
        amount: Amount::new(amount).unwrap(),
        kind,
        code: "test",
        reference: None,
    };
    let hold = |n: usize| {
        if model.holds.is_empty() {
            None
        } else {
            Some(n % model.holds.len())
        }
    };
    let (sent, expected) = match op.clone() {
        Op::Move { from, to, amount } => {
            if from == to {
                return;
            }
            let ok = model.may_debit(from, amount);
            if ok {
                model.apply_posted(from, to, amount);
            }
            (transfer(from, to, amount, Kind::Posted), ok)
        }
        Op::Hold {
            from,
            to,
            amount,
            expires,
        } => {
            if from == to {
                return;
            }
            let timeout_at = if expires { now + 1_500 } else { i64::MAX };
            let ok = model.may_debit(from, amount);
            if ok {
                model.apply_pending(from, to, amount);
                model.holds.push((
                    id.clone(),
                    ModelHold {
                        from,
                        to,
                        amount,
                        timeout_at: expires.then_some(timeout_at),
                        resolved: false,
                    },
                ));
            }
            (transfer(from, to, amount, Kind::Pending { timeout_at }), ok)
        }
        Op::Post { hold: n, .. } | Op::Void { hold: n } | Op::Expire { hold: n }
            if hold(n).is_some() =>
        {
            let at = hold(n).unwrap();
            let (pending, h) = &model.holds[at];
            let pending = pending.clone();
            let timed_out = h.timeout_at.is_some_and(|t| now >= t);
            let (from, to, held) = (h.from, h.to, h.amount);
            let (amount, kind, ok) = match op {
                Op::Post { less, .. } => {
                    let amount = (held - less).max(1);
                    (amount, Kind::Post { pending }, !h.resolved && !timed_out)
                }
                Op::Void { .. } => (held, Kind::Void { pending }, !h.resolved && !timed_out),
                _ => (held, Kind::Expire { pending }, !h.resolved && timed_out),
            };
            if ok {
                model.apply_pending(from, to, -held);
                if matches!(kind, Kind::Post { .. }) {
                    model.apply_posted(from, to, amount);
                }
                if let Some((_, h)) = model.holds.get_mut(at) {
                    h.resolved = true;
                }
            }
            (transfer(from, to, amount, kind), ok)
        }
        Op::Post { .. } | Op::Void { .. } | Op::Expire { .. } => return,
        Op::Replay { op: n } | Op::Reuse { op: n } => {
            if model.sent.is_empty() {
                return;
            }
            let (earlier, earlier_now) = model.sent[n % model.sent.len()].clone();
            let replay = matches!(op, Op::Replay { .. });
            let sent = if replay {
                earlier
            } else {
                let other = Amount::new(earlier.amount.get() % 400 + 1).unwrap();
                if other == earlier.amount {
                    return;
                }
                Transfer {
                    amount: other,
                    ..earlier
                }
            };
            let mut tx = db.begin_durable().await.unwrap();
            let result = ledger::record_at(&mut tx, &sent, earlier_now).await;
            tx.commit().await.unwrap();
            if replay {
                assert!(
                    matches!(result, Ok(Recorded::Replayed)),
                    "a replay answers the first result, moving nothing: {result:?}"
                );
            } else {
                assert!(
                    matches!(result, Err(LedgerError::IdReused)),
                    "an id reused with other content is refused: {result:?}"
                );
            }
            return;
        }
    };
    let mut tx = db.begin_durable().await.unwrap();
    let result = ledger::record_at(&mut tx, &sent, now).await;
    let outcome = match &result {
        Ok(Recorded::New) => Outcome::New,
        Ok(Recorded::Replayed) => Outcome::Replayed,
        Err(LedgerError::Database(e)) => panic!("the database failed: {e}"),
        Err(_) => Outcome::Refused,
    };
    if outcome == Outcome::New {
        tx.commit().await.unwrap();
        model.sent.push((sent, now));
    } else {
        tx.rollback().await.unwrap();
    }
    let wanted = if expected {
        Outcome::New
    } else {
        Outcome::Refused
    };
    assert_eq!(outcome, wanted, "{op:?} at step {index}: {result:?}");
}

async fn check_invariants(db: &Db, model: &Model, accounts: &[AccountId], currency: &Currency) {
    for (at, account) in accounts.iter().enumerate() {
        let mut conn = db.pool.acquire().await.unwrap();
        let balance = ledger::balance(&mut conn, *account).await.unwrap();
        assert_eq!(
            balance, model.balances[at],
            "account {at} matches the model"
        );
        if at != 0 {
            assert!(balance.available() >= 0, "account {at} never owes");
        }
    }
    let sums = ledger::sums(db).await.unwrap();
    let (_, posted, pending) = sums
        .iter()
        .find(|(c, _, _)| c == currency.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!((posted, pending), (0, 0), "per currency the sum is zero");
}

static CASE: AtomicU32 = AtomicU32::new(0);

/// A time a day from now: the tests' holds time out then, so that the server's own
/// housekeeping (which expires holds by the real clock, every second) leaves them to
/// the test, which passes its own clock.
fn far_future() -> i64 {
    static AT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *AT.get_or_init(|| chrono::Utc::now().timestamp_millis() + 86_400_000)
}

/// A currency of its own for each case, so its accounts start empty: "QAA", "QAB", ...
fn fresh_currency(case: u32) -> Currency {
    let letter = |n: u32| char::from(b'A' + u8::try_from(n % 26).unwrap());
    Currency::parse(&format!("Q{}{}", letter(case / 26), letter(case))).unwrap()
}

async fn any_sequence_keeps_the_invariants_and_matches_the_model(engine: Engine) {
    let server = spawn(engine).await;
    let db = server.running.souq.base.db.clone();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let handle = tokio::runtime::Handle::current();
    let result = runner.run(&proptest::collection::vec(op(), 1..40), |ops| {
        tokio::task::block_in_place(|| {
            handle.block_on(async {
                let case = CASE.fetch_add(1, Ordering::SeqCst);
                let currency = fresh_currency(case);
                let mut accounts = Vec::new();
                let mut conn = db.durable.acquire().await.unwrap();
                for holder in HOLDERS {
                    accounts.push(ledger::account(&mut conn, holder, &currency).await.unwrap());
                }
                drop(conn);
                let mut model = Model::default();
                for (index, op) in ops.iter().enumerate() {
                    step(&db, &mut model, &accounts, &currency, case, index, op).await;
                }
                check_invariants(&db, &model, &accounts, &currency).await;
            })
        });
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// An account with `amount` in it, from the outside world.
async fn funded(db: &Db, user_id: i64, currency: &Currency, amount: i64) -> AccountId {
    let mut tx = db.begin_durable().await.unwrap();
    let external = ledger::account(&mut tx, Holder::External, currency)
        .await
        .unwrap();
    let wallet = ledger::account(&mut tx, Holder::Wallet { user_id }, currency)
        .await
        .unwrap();
    ledger::record(
        &mut tx,
        &Transfer {
            id: TransferId::parse(&format!("fund-{user_id}-{currency}")).unwrap(),
            debit: external,
            credit: wallet,
            currency: currency.clone(),
            amount: Amount::new(amount).unwrap(),
            kind: Kind::Posted,
            code: "top_up",
            reference: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    wallet
}

async fn the_database_refuses_an_overdraft_a_changed_transfer_and_a_currency_mix(engine: Engine) {
    let server = spawn(engine).await;
    let db = &server.running.souq.base.db;
    let sar = Currency::parse("SAR").unwrap();
    let usd = Currency::parse("USD").unwrap();
    let wallet = funded(db, 7, &sar, 100).await;
    let other = funded(db, 8, &usd, 100).await;
    let raw_insert = |id: &str, debit: AccountId, credit: AccountId, currency: &str, amount| {
        format!(
            "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                 amount, kind, code, created_at)
             VALUES ('{id}', {}, {}, '{currency}', {amount}, 0, 'raw', 0)",
            debit.0, credit.0
        )
    };
    let mut conn = db.pool.acquire().await.unwrap();
    let store = ledger::account(&mut conn, Holder::Store { store_id: 1 }, &sar)
        .await
        .unwrap();
    // Going around the module: the database still says no.
    let overdraft = sqlx::query(&raw_insert("raw-1", wallet, store, "SAR", 101))
        .execute(&mut *conn)
        .await;
    assert!(overdraft.is_err(), "a wallet cannot owe");
    let mixed = sqlx::query(&raw_insert("raw-2", wallet, other, "SAR", 1))
        .execute(&mut *conn)
        .await;
    assert!(
        mixed.is_err(),
        "a transfer joins accounts of its own currency"
    );
    let changed = sqlx::query("UPDATE ledger_transfers SET amount = 1 WHERE id = 'fund-7-SAR'")
        .execute(&mut *conn)
        .await;
    assert!(changed.is_err(), "transfers are immutable");
    let deleted = sqlx::query("DELETE FROM ledger_transfers WHERE id = 'fund-7-SAR'")
        .execute(&mut *conn)
        .await;
    assert!(deleted.is_err(), "transfers are never deleted");
    assert_eq!(
        ledger::balance(&mut conn, wallet).await.unwrap().posted(),
        100,
        "nothing moved"
    );
    // Through the module, the refusal has its reason.
    let mut tx = db.begin_durable().await.unwrap();
    let refused = ledger::record(
        &mut tx,
        &Transfer {
            id: TransferId::parse("pay-too-much").unwrap(),
            debit: wallet,
            credit: store,
            currency: sar.clone(),
            amount: Amount::new(101).unwrap(),
            kind: Kind::Posted,
            code: "payment",
            reference: None,
        },
    )
    .await;
    assert!(
        matches!(refused, Err(LedgerError::InsufficientFunds)),
        "{refused:?}"
    );
}

/// A transfer as raw SQL writes it: id, debit, credit, amount, kind, its hold.
type RawTransfer<'a> = (&'a str, AccountId, AccountId, i64, i64, Option<&'a str>);

/// One INSERT of many transfers (how a batch of sends or checkouts is written) moves
/// each account by the sum of its rows or, when any account would end overdrawn or a
/// resolution does not fit its hold, moves nothing at all.
async fn one_statement_of_transfers_moves_their_sum_or_nothing(engine: Engine) {
    let server = spawn(engine).await;
    let db = &server.running.souq.base.db;
    let sar = Currency::parse("SAR").unwrap();
    let payer = funded(db, 7, &sar, 100).await;
    let friend = funded(db, 8, &sar, 5).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let store = ledger::account(&mut conn, Holder::Store { store_id: 1 }, &sar)
        .await
        .unwrap();
    let insert = |rows: &[RawTransfer<'_>]| {
        let values: Vec<String> = rows
            .iter()
            .map(|(id, debit, credit, amount, kind, pending)| {
                let pending = pending.map_or("NULL".to_string(), |p| format!("'{p}'"));
                let timeout = if *kind == 1 { "9000000000000" } else { "NULL" };
                format!(
                    "('{id}', {}, {}, 'SAR', {amount}, {kind}, {pending}, {timeout}, 'raw', 0)",
                    debit.0, credit.0
                )
            })
            .collect();
        format!(
            "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                 amount, kind, pending_id, timeout_at, code, created_at) VALUES {}",
            values.join(", ")
        )
    };
    let balances = async |conn: &mut sqlx::AnyConnection| {
        let mut seen = Vec::new();
        for account in [payer, friend, store] {
            let b = ledger::balance(&mut *conn, account).await.unwrap();
            seen.push((b.posted(), b.debits_pending, b.credits_pending));
        }
        seen
    };

    // Two payments and a hold from one wallet, the hold posted in part, all at once.
    sqlx::query(&insert(&[
        ("many-1", payer, store, 30, 0, None),
        ("many-2", payer, friend, 20, 0, None),
        ("many-hold", payer, store, 40, 1, None),
        ("many-post", payer, store, 25, 2, Some("many-hold")),
    ]))
    .execute(&mut *conn)
    .await
    .unwrap();
    let after = vec![(25, 0, 0), (25, 0, 0), (55, 0, 0)];
    assert_eq!(
        balances(&mut conn).await,
        after,
        "each account moved by its sum"
    );

    // Each row fits the 25 left, together they do not: nothing moves.
    let over = sqlx::query(&insert(&[
        ("over-1", payer, store, 20, 0, None),
        ("over-2", payer, friend, 20, 0, None),
    ]))
    .execute(&mut *conn)
    .await;
    assert!(over.is_err(), "the sum would overdraw the wallet");
    // A void must release the whole hold; a post may not exceed it.
    for (void_or_post, amount) in [(3, 9), (2, 11)] {
        let mismatched = sqlx::query(&insert(&[
            ("fits-1", friend, store, 5, 0, None),
            ("small-hold", payer, store, 10, 1, None),
            (
                "bad-resolution",
                payer,
                store,
                amount,
                void_or_post,
                Some("small-hold"),
            ),
        ]))
        .execute(&mut *conn)
        .await;
        assert!(
            mismatched.is_err(),
            "a resolution that does not fit its hold (kind {void_or_post}, {amount})"
        );
    }
    assert_eq!(
        balances(&mut conn).await,
        after,
        "the refused statements moved nothing"
    );
}

async fn debits_racing_for_the_last_funds_never_overdraw(engine: Engine) {
    let server = spawn(engine).await;
    let db = server.running.souq.base.db.clone();
    let sar = Currency::parse("SAR").unwrap();
    let wallet = funded(&db, 1, &sar, 5).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let store = ledger::account(&mut conn, Holder::Store { store_id: 1 }, &sar)
        .await
        .unwrap();
    drop(conn);
    let racers = (0..12).map(|n| {
        let (db, sar) = (db.clone(), sar.clone());
        tokio::spawn(async move {
            let mut tx = db.begin_durable().await?;
            let result = ledger::record(
                &mut tx,
                &Transfer {
                    id: TransferId::parse(&format!("race-{n}")).unwrap(),
                    debit: wallet,
                    credit: store,
                    currency: sar,
                    amount: Amount::new(1).unwrap(),
                    kind: Kind::Posted,
                    code: "payment",
                    reference: None,
                },
            )
            .await;
            match result {
                Ok(_) => {
                    tx.commit().await?;
                    Ok::<bool, sqlx::Error>(true)
                }
                Err(LedgerError::InsufficientFunds) => Ok(false),
                Err(LedgerError::Database(e)) => Err(e),
                Err(other) => panic!("{other}"),
            }
        })
    });
    let mut paid = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(true) => paid += 1,
            Ok(false) => {}
            // SQLite's lock or PostgreSQL's deadlock: the client would retry; not paid.
            Err(e) => eprintln!("a racer failed to run: {e}"),
        }
    }
    assert_eq!(paid, 5, "exactly the funds were spent");
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        ledger::balance(&mut conn, wallet)
            .await
            .unwrap()
            .available(),
        0
    );
}

async fn a_hold_is_resolved_once_when_a_post_and_a_void_race(engine: Engine) {
    let server = spawn(engine).await;
    let db = server.running.souq.base.db.clone();
    let sar = Currency::parse("SAR").unwrap();
    let wallet = funded(&db, 1, &sar, 50).await;
    let mut tx = db.begin_durable().await.unwrap();
    let store = ledger::account(&mut tx, Holder::Store { store_id: 1 }, &sar)
        .await
        .unwrap();
    let pending = TransferId::parse("hold-1").unwrap();
    ledger::record(
        &mut tx,
        &Transfer {
            id: pending.clone(),
            debit: wallet,
            credit: store,
            currency: sar.clone(),
            amount: Amount::new(30).unwrap(),
            kind: Kind::Pending {
                timeout_at: i64::MAX,
            },
            code: "payment",
            reference: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let resolvers = [
        ledger::Resolution::Post(Amount::new(20).unwrap()),
        ledger::Resolution::Void,
    ]
    .into_iter()
    .enumerate()
    .map(|(n, resolution)| {
        let (db, pending) = (db.clone(), pending.clone());
        tokio::spawn(async move {
            let mut tx = db.begin_durable().await.unwrap();
            let id = TransferId::parse(&format!("resolve-{n}")).unwrap();
            match ledger::resolve(&mut tx, id, &pending, resolution, "payment").await {
                Ok(_) => tx.commit().await.is_ok(),
                Err(_) => false,
            }
        })
    });
    let mut resolved = 0;
    for resolver in resolvers {
        if resolver.await.unwrap() {
            resolved += 1;
        }
    }
    assert_eq!(resolved, 1, "one of the two resolved the hold");
    let mut conn = db.pool.acquire().await.unwrap();
    let balance = ledger::balance(&mut conn, wallet).await.unwrap();
    assert_eq!(balance.debits_pending, 0, "nothing is held any more");
    assert!(
        balance.available() == 30 || balance.available() == 50,
        "posted for 20 or voided: {balance:?}"
    );
}

async fn expired_holds_are_released_once_by_the_sweep(engine: Engine) {
    let server = spawn(engine).await;
    let db = server.running.souq.base.db.clone();
    let sar = Currency::parse("SAR").unwrap();
    let wallet = funded(&db, 1, &sar, 50).await;
    let mut tx = db.begin_durable().await.unwrap();
    let store = ledger::account(&mut tx, Holder::Store { store_id: 1 }, &sar)
        .await
        .unwrap();
    ledger::record(
        &mut tx,
        &Transfer {
            id: TransferId::parse("hold-expiring").unwrap(),
            debit: wallet,
            credit: store,
            currency: sar.clone(),
            amount: Amount::new(50).unwrap(),
            kind: Kind::Pending {
                timeout_at: far_future(),
            },
            code: "payment",
            reference: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        ledger::expire_due(&db, far_future() - 1).await.unwrap(),
        0,
        "not yet due"
    );
    let (a, b) = tokio::join!(
        ledger::expire_due(&db, far_future() + 1_000),
        ledger::expire_due(&db, far_future() + 1_000)
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        1,
        "two sweeps at once expire it once"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        ledger::balance(&mut conn, wallet)
            .await
            .unwrap()
            .available(),
        50
    );
    let late_post = ledger::resolve(
        &mut conn,
        TransferId::parse("post-too-late").unwrap(),
        &TransferId::parse("hold-expiring").unwrap(),
        ledger::Resolution::Post(Amount::new(10).unwrap()),
        "payment",
    )
    .await;
    assert!(
        matches!(late_post, Err(LedgerError::AlreadyResolved)),
        "{late_post:?}"
    );
}

on_both_engines!(
    any_sequence_keeps_the_invariants_and_matches_the_model,
    the_database_refuses_an_overdraft_a_changed_transfer_and_a_currency_mix,
    one_statement_of_transfers_moves_their_sum_or_nothing,
    debits_racing_for_the_last_funds_never_overdraw,
    a_hold_is_resolved_once_when_a_post_and_a_void_race,
    expired_holds_are_released_once_by_the_sweep,
);
