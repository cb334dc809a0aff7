//! The ledger: the one place money moves. Double-entry accounts, one currency each, and
//! immutable transfers between them, in integer minor units, after TigerBeetle: the
//! client names each transfer (a replay answers the first result), a correction is a new
//! transfer, and a hold is pending until it is posted (perhaps for less), voided or
//! expired, exactly once.
//!
//! The database keeps the invariants (migrations `0008_ledger.sql`): balances change only
//! through the trigger that records a transfer, per currency they sum to zero, and no
//! account but an external one may owe. This module names accounts, checks a request
//! before the database does, and turns the database's refusals into reasons.

pub mod types;

use sqlx::AnyConnection;

use std::collections::HashMap;

use crate::base::db::{Backend, Db, now_ms, placeholders, value_rows};
use crate::base::error::ApiError;
pub use types::{AccountId, Amount, Currency, Holder, TransferId};

/// What a transfer does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Moves the amount at once.
    Posted,
    /// Sets the amount aside on both accounts until it is resolved or `timeout_at`
    /// (Unix ms) passes.
    Pending { timeout_at: i64 },
    /// Moves the hold's money, all of it or less; the rest goes back.
    Post { pending: TransferId },
    /// Gives the whole hold back.
    Void { pending: TransferId },
    /// Gives back a hold whose time ran out.
    Expire { pending: TransferId },
}

impl Kind {
    fn code(&self) -> i64 {
        match self {
            Kind::Posted => 0,
            Kind::Pending { .. } => 1,
            Kind::Post { .. } => 2,
            Kind::Void { .. } => 3,
            Kind::Expire { .. } => 4,
        }
    }

    fn pending(&self) -> Option<&TransferId> {
        match self {
            Kind::Post { pending } | Kind::Void { pending } | Kind::Expire { pending } => {
                Some(pending)
            }
            Kind::Posted | Kind::Pending { .. } => None,
        }
    }

    fn timeout_at(&self) -> Option<i64> {
        match self {
            Kind::Pending { timeout_at } => Some(*timeout_at),
            _ => None,
        }
    }
}

/// One transfer as its client means it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: TransferId,
    pub debit: AccountId,
    pub credit: AccountId,
    pub currency: Currency,
    pub amount: Amount,
    pub kind: Kind,
    /// What it is for: `top_up`, `payment`, `fee`, `payout`, `refund`...
    pub code: &'static str,
    /// What it is about, in the owning domain's words (`order 42`).
    pub reference: Option<String>,
}

/// Whether a transfer was recorded now or had been before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// The same transfer, sent again: nothing moved twice.
    Replayed,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("not enough money in the account")]
    InsufficientFunds,
    #[error("that transfer id was used for a different transfer")]
    IdReused,
    #[error("the hold was already posted, voided or expired")]
    AlreadyResolved,
    #[error("no such hold")]
    HoldNotFound,
    #[error("the hold has expired")]
    HoldExpired,
    #[error("the hold has not expired yet")]
    HoldNotExpired,
    #[error("a hold is posted for at most its amount")]
    PostExceedsHold,
    #[error("an account of another currency")]
    CurrencyMismatch,
    #[error(
        "a resolution names its hold's accounts and currency, and a void or expiry its whole amount"
    )]
    HoldMismatch,
    #[error("a transfer moves money between two accounts")]
    SameAccount,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::InsufficientFunds => ApiError::InsufficientFunds,
            LedgerError::IdReused
            | LedgerError::PostExceedsHold
            | LedgerError::CurrencyMismatch
            | LedgerError::HoldMismatch
            | LedgerError::SameAccount => ApiError::Validation(e.to_string()),
            LedgerError::AlreadyResolved
            | LedgerError::HoldExpired
            | LedgerError::HoldNotExpired => ApiError::Conflict(e.to_string()),
            LedgerError::HoldNotFound => ApiError::not_found("hold"),
            LedgerError::Database(e) => e.into(),
        }
    }
}

/// An account's amounts, as TigerBeetle keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Balance {
    pub debits_pending: i64,
    pub debits_posted: i64,
    pub credits_pending: i64,
    pub credits_posted: i64,
}

impl Balance {
    /// What the holder may spend: credits posted, less debits posted and held.
    pub fn available(&self) -> i64 {
        self.credits_posted
            .saturating_sub(self.debits_posted)
            .saturating_sub(self.debits_pending)
    }

    /// Credits less debits, both posted: what the account holds, holds aside.
    pub fn posted(&self) -> i64 {
        self.credits_posted.saturating_sub(self.debits_posted)
    }
}

/// The account of `holder` in `currency`, opened on first use.
pub async fn account(
    conn: &mut AnyConnection,
    holder: Holder,
    currency: &Currency,
) -> Result<AccountId, sqlx::Error> {
    match find_account(conn, holder, currency).await? {
        Some(id) => Ok(id),
        None => open_account(conn, holder, currency).await,
    }
}

/// Opens the account of a holder that is new by construction (an order's escrow), in
/// one statement; an account that exists already is found instead.
pub async fn open_account(
    conn: &mut AnyConnection,
    holder: Holder,
    currency: &Currency,
) -> Result<AccountId, sqlx::Error> {
    let (kind, owner) = holder.key();
    let opened: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO ledger_accounts (kind, owner_id, currency, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (kind, owner_id, currency) DO NOTHING
         RETURNING id",
    )
    .bind(kind)
    .bind(owner)
    .bind(currency.as_str())
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    match opened {
        Some((id,)) => Ok(AccountId(id)),
        None => find_account(conn, holder, currency)
            .await?
            .ok_or(sqlx::Error::RowNotFound),
    }
}

/// Opens the accounts of holders new by construction (the escrows of a batch of
/// orders) in one statement, answering them in the order asked; any that exist already
/// are found instead.
pub async fn open_accounts(
    conn: &mut AnyConnection,
    holders: &[(Holder, Currency)],
) -> Result<Vec<AccountId>, sqlx::Error> {
    if holders.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO ledger_accounts (kind, owner_id, currency, created_at) VALUES {}
         ON CONFLICT (kind, owner_id, currency) DO NOTHING
         RETURNING id, kind, owner_id, currency",
        value_rows(1, holders.len(), 4)
    );
    let now = now_ms();
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql);
    for (holder, currency) in holders {
        let (kind, owner) = holder.key();
        query = query
            .bind(kind)
            .bind(owner)
            .bind(currency.as_str())
            .bind(now);
    }
    let opened: HashMap<(i64, i64, String), i64> = query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, kind, owner, currency)| ((kind, owner, currency), id))
        .collect();
    let mut ids = Vec::with_capacity(holders.len());
    for (holder, currency) in holders {
        let (kind, owner) = holder.key();
        match opened.get(&(kind, owner, currency.as_str().to_string())) {
            Some(id) => ids.push(AccountId(*id)),
            None => ids.push(
                find_account(conn, *holder, currency)
                    .await?
                    .ok_or(sqlx::Error::RowNotFound)?,
            ),
        }
    }
    Ok(ids)
}

/// The wallets of these people, each with its amounts, keyed by (person, currency);
/// locked for the caller's transaction (`Backend::for_update`), so that what it decides
/// from their balances still holds when it records its transfers.
pub async fn lock_wallets(
    conn: &mut AnyConnection,
    backend: Backend,
    user_ids: &[i64],
) -> Result<HashMap<(i64, String), (AccountId, Balance)>, sqlx::Error> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, owner_id, currency, debits_pending, debits_posted, credits_pending,
                credits_posted
         FROM ledger_accounts WHERE kind = $1 AND owner_id IN ({}) ORDER BY id{}",
        placeholders(2, user_ids.len()),
        backend.for_update()
    );
    let (kind, _) = Holder::Wallet { user_id: 0 }.key();
    let mut query = sqlx::query_as::<_, (i64, i64, String, i64, i64, i64, i64)>(&sql).bind(kind);
    for id in user_ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(
            |(
                id,
                owner,
                currency,
                debits_pending,
                debits_posted,
                credits_pending,
                credits_posted,
            )| {
                let balance = Balance {
                    debits_pending,
                    debits_posted,
                    credits_pending,
                    credits_posted,
                };
                ((owner, currency), (AccountId(id), balance))
            },
        )
        .collect())
}

/// The account of `holder` in `currency`, if it was ever opened.
pub async fn find_account(
    conn: &mut AnyConnection,
    holder: Holder,
    currency: &Currency,
) -> Result<Option<AccountId>, sqlx::Error> {
    let (kind, owner) = holder.key();
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner_id = $2 AND currency = $3",
    )
    .bind(kind)
    .bind(owner)
    .bind(currency.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id,)| AccountId(id)))
}

pub async fn balance(conn: &mut AnyConnection, account: AccountId) -> Result<Balance, sqlx::Error> {
    let balance: Option<Balance> = sqlx::query_as(
        "SELECT debits_pending, debits_posted, credits_pending, credits_posted
         FROM ledger_accounts WHERE id = $1",
    )
    .bind(account.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(balance.unwrap_or_default())
}

/// Every account `holder` has, one per currency, with its amounts.
pub async fn balances_of(
    conn: &mut AnyConnection,
    holder: Holder,
) -> Result<Vec<(Currency, Balance)>, sqlx::Error> {
    let (kind, owner) = holder.key();
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT currency, debits_pending, debits_posted, credits_pending, credits_posted
         FROM ledger_accounts WHERE kind = $1 AND owner_id = $2 ORDER BY currency",
    )
    .bind(kind)
    .bind(owner)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(currency, debits_pending, debits_posted, credits_pending, credits_posted)| {
                Some((
                    Currency::parse(&currency).ok()?,
                    Balance {
                        debits_pending,
                        debits_posted,
                        credits_pending,
                        credits_posted,
                    },
                ))
            },
        )
        .collect())
}

#[derive(sqlx::FromRow)]
struct TransferRow {
    debit_account_id: i64,
    credit_account_id: i64,
    currency: String,
    amount: i64,
    kind: i64,
    pending_id: Option<String>,
    timeout_at: Option<i64>,
    code: String,
    reference: Option<String>,
}

impl TransferRow {
    fn is(&self, t: &Transfer) -> bool {
        self.debit_account_id == t.debit.0
            && self.credit_account_id == t.credit.0
            && self.currency == t.currency.as_str()
            && self.amount == t.amount.get()
            && self.kind == t.kind.code()
            && self.pending_id.as_deref() == t.kind.pending().map(TransferId::as_str)
            && self.timeout_at == t.kind.timeout_at()
            && self.code == t.code
            && self.reference == t.reference
    }
}

async fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<TransferRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT debit_account_id, credit_account_id, currency, amount, kind, pending_id,
                timeout_at, code, reference
         FROM ledger_transfers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Records a transfer, whole or not at all, in the caller's transaction. Sent again
/// with the same content it answers `Replayed` and moves nothing; the same id with
/// other content is `IdReused`.
pub async fn record(conn: &mut AnyConnection, t: &Transfer) -> Result<Recorded, LedgerError> {
    record_at(conn, t, now_ms()).await
}

/// `record` at a given time: expiry is judged by it.
pub async fn record_at(
    conn: &mut AnyConnection,
    t: &Transfer,
    now: i64,
) -> Result<Recorded, LedgerError> {
    if t.debit == t.credit {
        return Err(LedgerError::SameAccount);
    }
    // A resolution is checked first, to say why it cannot apply; a plain transfer goes
    // straight to the insert (a replay shows as a conflict on its id).
    if let Some(pending) = t.kind.pending() {
        if let Some(existing) = find(conn, t.id.as_str()).await? {
            return if existing.is(t) {
                Ok(Recorded::Replayed)
            } else {
                Err(LedgerError::IdReused)
            };
        }
        check_resolution(conn, t, pending, now).await?;
    }
    let inserted = insert(conn, std::slice::from_ref(t), now).await;
    match inserted {
        Ok(1) => Ok(Recorded::New),
        // Another transaction recorded this id between the look and the insert.
        Ok(_) => match find(conn, t.id.as_str()).await? {
            Some(existing) if existing.is(t) => Ok(Recorded::Replayed),
            _ => Err(LedgerError::IdReused),
        },
        Err(e) => Err(refusal(e)),
    }
}

/// Records plain transfers (posted or pending, not resolutions) whole or not at all, in
/// one statement: what a batch of checkouts pays. Any sent before are answered as
/// `record` would (a replay moves nothing; an id reused is refused).
pub async fn record_all(
    conn: &mut AnyConnection,
    transfers: &[Transfer],
) -> Result<(), LedgerError> {
    if transfers.is_empty() {
        return Ok(());
    }
    if transfers
        .iter()
        .any(|t| t.debit == t.credit || t.kind.pending().is_some())
    {
        for t in transfers {
            record(conn, t).await?;
        }
        return Ok(());
    }
    let done = insert(conn, transfers, now_ms()).await.map_err(refusal)?;
    if usize::try_from(done).unwrap_or(0) == transfers.len() {
        return Ok(());
    }
    // Some were recorded before: each is a replay or a reuse of its id.
    for t in transfers {
        match find(conn, t.id.as_str()).await? {
            Some(existing) if existing.is(t) => {}
            _ => return Err(LedgerError::IdReused),
        }
    }
    Ok(())
}

/// Inserts transfers in one statement (the trigger applies each); one whose id exists
/// is left alone. Answers how many were new.
async fn insert(
    conn: &mut AnyConnection,
    transfers: &[Transfer],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                                       amount, kind, pending_id, timeout_at, code, reference,
                                       created_at)
         VALUES {} ON CONFLICT (id) DO NOTHING",
        value_rows(1, transfers.len(), 11)
    );
    let mut query = sqlx::query(&sql);
    for t in transfers {
        query = query
            .bind(t.id.as_str())
            .bind(t.debit.0)
            .bind(t.credit.0)
            .bind(t.currency.as_str())
            .bind(t.amount.get())
            .bind(t.kind.code())
            .bind(t.kind.pending().map(TransferId::as_str))
            .bind(t.kind.timeout_at())
            .bind(t.code)
            .bind(t.reference.as_deref())
            .bind(now);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

/// Says why a resolution cannot apply, before the database's trigger refuses it alike.
async fn check_resolution(
    conn: &mut AnyConnection,
    t: &Transfer,
    pending: &TransferId,
    now: i64,
) -> Result<(), LedgerError> {
    let hold: Option<(i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT debit_account_id, credit_account_id, amount, currency, timeout_at
         FROM ledger_transfers WHERE id = $1 AND kind = 1",
    )
    .bind(pending.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((debit, credit, amount, currency, timeout_at)) = hold else {
        return Err(LedgerError::HoldNotFound);
    };
    let resolved: Option<(String,)> =
        sqlx::query_as("SELECT id FROM ledger_transfers WHERE pending_id = $1")
            .bind(pending.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    if resolved.is_some() {
        return Err(LedgerError::AlreadyResolved);
    }
    if debit != t.debit.0 || credit != t.credit.0 || currency != t.currency.as_str() {
        return Err(LedgerError::HoldMismatch);
    }
    let timed_out = timeout_at.is_some_and(|at| now >= at);
    match &t.kind {
        Kind::Post { .. } if t.amount.get() > amount => Err(LedgerError::PostExceedsHold),
        Kind::Post { .. } | Kind::Void { .. } if timed_out => Err(LedgerError::HoldExpired),
        Kind::Expire { .. } if !timed_out => Err(LedgerError::HoldNotExpired),
        Kind::Void { .. } | Kind::Expire { .. } if t.amount.get() != amount => {
            Err(LedgerError::HoldMismatch)
        }
        _ => Ok(()),
    }
}

/// The database's refusals, by the constraint that made them.
fn refusal(e: sqlx::Error) -> LedgerError {
    if let sqlx::Error::Database(db) = &e {
        let message = db.message();
        if message.contains("ledger_no_overdraft") || db.constraint() == Some("ledger_no_overdraft")
        {
            return LedgerError::InsufficientFunds;
        }
        if db.is_unique_violation() {
            // The hold's one resolution, recorded meanwhile by another transaction.
            return LedgerError::AlreadyResolved;
        }
        if message.contains("ledger_resolution_mismatch") {
            return LedgerError::HoldMismatch;
        }
        if db.is_foreign_key_violation() {
            return LedgerError::CurrencyMismatch;
        }
    }
    LedgerError::Database(e)
}

/// A hold as it was recorded.
async fn hold_of(conn: &mut AnyConnection, pending: &TransferId) -> Result<Transfer, LedgerError> {
    let Some(row) = find(conn, pending.as_str()).await? else {
        return Err(LedgerError::HoldNotFound);
    };
    if row.kind != 1 {
        return Err(LedgerError::HoldNotFound);
    }
    let currency = Currency::parse(&row.currency).map_err(|_| LedgerError::HoldMismatch)?;
    let amount = Amount::new(row.amount).map_err(|_| LedgerError::HoldMismatch)?;
    Ok(Transfer {
        id: pending.clone(),
        debit: AccountId(row.debit_account_id),
        credit: AccountId(row.credit_account_id),
        currency,
        amount,
        kind: Kind::Pending {
            timeout_at: row.timeout_at.unwrap_or(i64::MAX),
        },
        code: "",
        reference: row.reference,
    })
}

/// How a hold ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Post this much of it (at most its amount).
    Post(Amount),
    Void,
}

/// Posts or voids the hold `pending` by a new transfer `id` between the hold's accounts.
pub async fn resolve(
    conn: &mut AnyConnection,
    id: TransferId,
    pending: &TransferId,
    resolution: Resolution,
    code: &'static str,
) -> Result<Recorded, LedgerError> {
    let hold = hold_of(conn, pending).await?;
    let (amount, kind) = match resolution {
        Resolution::Post(amount) => (
            amount,
            Kind::Post {
                pending: pending.clone(),
            },
        ),
        Resolution::Void => (
            hold.amount,
            Kind::Void {
                pending: pending.clone(),
            },
        ),
    };
    record(
        conn,
        &Transfer {
            id,
            amount,
            kind,
            code,
            ..hold
        },
    )
    .await
}

/// Expires every hold whose time has run out, each by a transfer named after it, so two
/// instances sweeping at once expire each hold once. Returns how many this call expired.
pub async fn expire_due(db: &Db, now: i64) -> Result<u64, LedgerError> {
    let due: Vec<(String,)> = sqlx::query_as(
        "SELECT h.id FROM ledger_transfers h
         WHERE h.kind = 1 AND h.timeout_at <= $1
           AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = h.id)
         ORDER BY h.timeout_at LIMIT 500",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut expired = 0;
    for (pending,) in due {
        let Ok(pending) = TransferId::parse(&pending) else {
            continue;
        };
        let mut tx = db.begin_durable().await?;
        let hold = hold_of(&mut tx, &pending).await?;
        let Ok(id) = TransferId::parse(&format!("expired:{}", pending.as_str())) else {
            continue;
        };
        let expire = Transfer {
            id,
            kind: Kind::Expire {
                pending: pending.clone(),
            },
            code: "expiry",
            ..hold
        };
        match record_at(&mut tx, &expire, now).await {
            Ok(Recorded::New) => {
                tx.commit().await?;
                expired += 1;
            }
            // Posted, voided or expired by someone else meanwhile.
            Ok(Recorded::Replayed) | Err(LedgerError::AlreadyResolved) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

/// Per currency, what every account's posted and pending amounts add up to: zero for
/// both, always (tests and operators assert it).
pub async fn sums(db: &Db) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT currency,
                CAST(COALESCE(SUM(credits_posted - debits_posted), 0) AS BIGINT),
                CAST(COALESCE(SUM(credits_pending - debits_pending), 0) AS BIGINT)
         FROM ledger_accounts GROUP BY currency ORDER BY currency",
    )
    .fetch_all(&db.pool)
    .await
}
