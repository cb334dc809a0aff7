//! Money between people: sending to an @handle, and requests the other side pays or
//! declines. A send is one ledger transfer between two wallets, named after the app's
//! idempotency key; paying a request is a send named after the request, so it happens
//! once however often it is accepted. Both wallets are locked, in id order, before the
//! funds and the limits are judged, so concurrent sends cannot pass a limit together
//! and two people paying each other at once cannot deadlock.

use std::collections::HashMap;

use souq_wire::{
    Author, Money, MoneyRequest, MoneyRequests, MoneySent, NotificationKind, RequestMoney,
    RequestStatus, SendMoney, User,
};
use sqlx::AnyConnection;

use super::{key_reused, money_of, note_of, spoken, transfer_id, vault};
use crate::checkout::claim::{Fingerprint, checked_key, hash};
use crate::db::{from_ms, now_ms};
use crate::error::ApiError;
use crate::ledger::{self, AccountId, Amount, Currency, Holder, Kind, Transfer, TransferId};
use crate::notifications::{self, MoneyAbout};
use crate::people;
use crate::state::Souq;

/// The most requests one person may have open to another at once.
pub const MAX_OPEN_REQUESTS_TO_ONE: i64 = 10;

/// A send about to be made.
struct Sending<'a> {
    sender: i64,
    recipient: i64,
    key: &'a str,
    request_hash: &'a str,
    transfer_id: TransferId,
    amount: Amount,
    currency: &'a Currency,
    note: &'a str,
    request_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct SendRow {
    transfer_id: String,
    sender_id: i64,
    recipient_id: i64,
    currency: String,
    amount_minor: i64,
    note: String,
    money_request_id: Option<i64>,
    created_at: i64,
}

const SEND_COLUMNS: &str = "transfer_id, sender_id, recipient_id, currency,
    amount_minor, note, money_request_id, created_at";

async fn send_by_key(
    conn: &mut AnyConnection,
    sender: i64,
    key: &str,
) -> Result<Option<SendRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {SEND_COLUMNS} FROM money_sends WHERE sender_id = $1 AND idempotency_key = $2"
    ))
    .bind(sender)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
}

/// A handle as typed ("@Sara ", "sara"), as accounts keep it.
fn handle_of(typed: &str) -> String {
    typed.trim().trim_start_matches('@').to_ascii_lowercase()
}

/// The other person, by handle: 404 for nobody, 422 for oneself.
async fn counterpart(souq: &Souq, me: &User, typed: &str) -> Result<i64, ApiError> {
    let handle = handle_of(typed);
    if handle.is_empty() {
        return Err(ApiError::Validation("say whom, by @handle".into()));
    }
    let id = people::id_by_handle(&souq.db, &handle)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound(format!("nobody has the handle @{handle}")),
            other => other,
        })?;
    if id == me.id {
        return Err(ApiError::Validation(
            "that is you: send to or ask someone else".into(),
        ));
    }
    Ok(id)
}

/// Both sides of a send, each shown as posts show them.
struct Sides {
    sender: Author,
    recipient: Author,
}

#[derive(sqlx::FromRow)]
struct SideRow {
    id: i64,
    handle: String,
    display_name: String,
    store_name: Option<String>,
    store_is_nonprofit: Option<i64>,
    store_avatar: Option<i64>,
}

/// The sender and the recipient (by handle), in one statement: 404 for nobody, 422 for
/// oneself.
async fn sides(conn: &mut AnyConnection, me: &User, handle: &str) -> Result<Sides, ApiError> {
    // Each side by its own index: one OR across the two would scan every account.
    let side = "SELECT u.id, u.handle, u.display_name, s.name AS store_name,
                       s.is_nonprofit AS store_is_nonprofit, s.avatar_media_id AS store_avatar
                FROM users u LEFT JOIN stores s ON s.owner_id = u.id";
    let rows: Vec<SideRow> = sqlx::query_as(&format!(
        "{side} WHERE u.id = $1 UNION ALL {side} WHERE u.handle = $2"
    ))
    .bind(me.id)
    .bind(handle)
    .fetch_all(&mut *conn)
    .await?;
    let shown = |row: SideRow| {
        let store = row.store_name.map(|name| people::ShownStore {
            name,
            is_nonprofit: row.store_is_nonprofit.unwrap_or(0),
            avatar_media_id: row.store_avatar,
        });
        people::shown_as(row.id, row.handle, row.display_name, store)
    };
    let mut sender = None;
    let mut recipient = None;
    for row in rows {
        if row.handle == handle {
            if row.id == me.id {
                return Err(ApiError::Validation(
                    "that is you: send to or ask someone else".into(),
                ));
            }
            recipient = Some(shown(row));
        } else if row.id == me.id {
            sender = Some(shown(row));
        }
    }
    Ok(Sides {
        sender: sender.ok_or_else(|| ApiError::Internal("the sender vanished".into()))?,
        recipient: recipient
            .ok_or_else(|| ApiError::NotFound(format!("nobody has the handle @{handle}")))?,
    })
}

/// What a send's transaction judges it by, read in one statement under both wallets'
/// locks: a send made before with this key, the vault, and what was sent in 24 hours.
#[derive(sqlx::FromRow)]
struct Checks {
    existing_hash: Option<String>,
    unlocked_until: Option<i64>,
    pins: i64,
    sent_today: i64,
}

async fn checks(
    conn: &mut AnyConnection,
    sender: i64,
    key: &str,
    session_token: &str,
    currency: &Currency,
    now: i64,
) -> Result<Checks, sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT request_hash FROM money_sends
                 WHERE sender_id = $1 AND idempotency_key = $2) AS existing_hash,
                (SELECT until_at FROM vault_unlocks
                 WHERE session_hash = $3 AND user_id = $1) AS unlocked_until,
                (SELECT COUNT(*) FROM vault_pins WHERE user_id = $1) AS pins,
                (SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM money_sends
                 WHERE sender_id = $1 AND currency = $4 AND created_at > $5) AS sent_today",
    )
    .bind(sender)
    .bind(key)
    .bind(crate::accounts::sessions::token_hash(session_token))
    .bind(currency.as_str())
    .bind(now.saturating_sub(super::DAY_MS))
    .fetch_one(&mut *conn)
    .await
}

impl Checks {
    fn unlocked(&self, now: i64) -> Result<(), ApiError> {
        if self.unlocked_until.is_some_and(|until| until > now) {
            Ok(())
        } else {
            Err(vault::refusal(self.pins > 0))
        }
    }
}

/// Moves the money of one send in the caller's transaction, both wallets locked and the
/// checks read: holds the per-send and daily limits and the funds, records the
/// transfer, keeps what it was for, and tells the recipient.
async fn pay(
    conn: &mut AnyConnection,
    souq: &Souq,
    s: &Sending<'_>,
    (debit, available): (AccountId, i64),
    credit: AccountId,
    sent_today: i64,
    now: i64,
) -> Result<(), ApiError> {
    let (per_send, daily) = souq.payments.settings.wallet.limits_in(s.currency);
    if s.amount.get() > per_send {
        return Err(ApiError::LimitExceeded(format!(
            "one send is at most {}",
            spoken(per_send, s.currency)
        )));
    }
    if sent_today.saturating_add(s.amount.get()) > daily {
        return Err(ApiError::LimitExceeded(format!(
            "that passes the daily limit of {}: {} left for the next 24 hours",
            spoken(daily, s.currency),
            spoken(daily.saturating_sub(sent_today).max(0), s.currency)
        )));
    }
    if available < s.amount.get() {
        return Err(ApiError::InsufficientFunds);
    }
    ledger::record_at(
        conn,
        &Transfer {
            id: s.transfer_id.clone(),
            debit,
            credit,
            currency: s.currency.clone(),
            amount: s.amount,
            kind: Kind::Posted,
            code: "p2p",
            reference: s.request_id.map(|id| format!("request {id}")),
        },
        now,
    )
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO money_sends (transfer_id, sender_id, recipient_id, idempotency_key,
                                  request_hash, currency, amount_minor, note,
                                  money_request_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(s.transfer_id.as_str())
    .bind(s.sender)
    .bind(s.recipient)
    .bind(s.key)
    .bind(s.request_hash)
    .bind(s.currency.as_str())
    .bind(s.amount.get())
    .bind(s.note)
    .bind(s.request_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    notifications::notify_money(
        conn,
        s.recipient,
        NotificationKind::MoneyReceived,
        s.sender,
        MoneyAbout::Send(id),
        now,
    )
    .await?;
    Ok(())
}

/// Locks both wallets, in id order (as every money-moving transaction takes them, so
/// two people paying each other at once cannot deadlock), opening the recipient's when
/// it has none in the currency yet: the sender's (account, what it may spend) and the
/// recipient's account.
async fn lock_both(
    conn: &mut AnyConnection,
    souq: &Souq,
    sender: i64,
    recipient: i64,
    currency: &Currency,
) -> Result<(Option<(AccountId, i64)>, AccountId), ApiError> {
    let wallets = ledger::lock_wallets(conn, souq.db.backend, &[sender, recipient]).await?;
    let debit = wallets
        .get(&(sender, currency.as_str().to_string()))
        .map(|(account, balance)| (*account, balance.available()));
    let credit = match wallets.get(&(recipient, currency.as_str().to_string())) {
        Some((account, _)) => *account,
        // New, so nobody else holds it.
        None => ledger::open_account(conn, Holder::Wallet { user_id: recipient }, currency).await?,
    };
    Ok((debit, credit))
}

async fn authors_of(souq: &Souq, ids: &[i64]) -> Result<HashMap<i64, Author>, ApiError> {
    people::authors(&souq.db, ids).await
}

fn author(authors: &HashMap<i64, Author>, id: i64) -> Result<Author, ApiError> {
    authors
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::Internal(format!("account {id} vanished")))
}

async fn sent_view(souq: &Souq, row: SendRow, replayed: bool) -> Result<MoneySent, ApiError> {
    let authors = authors_of(souq, &[row.sender_id, row.recipient_id]).await?;
    Ok(MoneySent {
        transfer_id: row.transfer_id,
        from: author(&authors, row.sender_id)?,
        to: author(&authors, row.recipient_id)?,
        amount: Money {
            amount_minor: row.amount_minor,
            currency: row.currency,
        },
        note: row.note,
        request_id: row.money_request_id,
        replayed,
        created_at: from_ms(row.created_at),
    })
}

/// Sends money to a person. `key` is the app's idempotency key: a retry answers the
/// first send and moves nothing again. The hot path is six statements in one
/// transaction.
pub async fn send(
    souq: &Souq,
    me: &User,
    session_token: &str,
    key: Option<&str>,
    request: &SendMoney,
) -> Result<MoneySent, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let note = note_of(&request.note)?;
    let handle = handle_of(&request.to);
    if handle.is_empty() {
        return Err(ApiError::Validation("say whom, by @handle".into()));
    }
    let request_hash = hash(&Fingerprint {
        purpose: "send",
        request: (&handle, amount.get(), currency.as_str(), &note),
        card: None,
    })?;
    let now = now_ms();
    let mut tx = souq.db.begin_durable().await?;
    // In the transaction's own connection: a request never holds one connection while
    // it waits for another.
    let sides = sides(&mut tx, me, &handle).await?;
    let recipient = sides.recipient.id;
    // Both wallets locked before the key is looked up, so a retry racing its first try
    // waits for it and then answers what it did.
    let (debit, credit) = lock_both(&mut tx, souq, me.id, recipient, &currency).await?;
    let checks = checks(&mut tx, me.id, key, session_token, &currency, now).await?;
    if let Some(existing) = checks.existing_hash.as_deref() {
        if existing != request_hash {
            return Err(key_reused());
        }
        let row = send_by_key(&mut tx, me.id, key)
            .await?
            .ok_or_else(|| ApiError::Internal("a send vanished".into()))?;
        tx.rollback().await?;
        return sent_view(souq, row, true).await;
    }
    checks.unlocked(now)?;
    let debit = debit.ok_or(ApiError::InsufficientFunds)?;
    let transfer_id = transfer_id("send", me.id, key)?;
    let sending = Sending {
        sender: me.id,
        recipient,
        key,
        request_hash: &request_hash,
        transfer_id: transfer_id.clone(),
        amount,
        currency: &currency,
        note: &note,
        request_id: None,
    };
    pay(
        &mut tx,
        souq,
        &sending,
        debit,
        credit,
        checks.sent_today,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(MoneySent {
        transfer_id: transfer_id.as_str().to_string(),
        from: sides.sender,
        to: sides.recipient,
        amount: Money {
            amount_minor: amount.get(),
            currency: currency.as_str().to_string(),
        },
        note,
        request_id: None,
        replayed: false,
        created_at: from_ms(now),
    })
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    requester_id: i64,
    payer_id: i64,
    request_hash: String,
    currency: String,
    amount_minor: i64,
    note: String,
    status: String,
    created_at: i64,
    answered_at: Option<i64>,
    transfer_id: Option<String>,
}

const REQUEST_COLUMNS: &str = "r.id, r.requester_id, r.payer_id, r.request_hash, r.currency,
    r.amount_minor, r.note, r.status, r.created_at, r.answered_at, s.transfer_id";
const REQUEST_FROM: &str = "money_requests r LEFT JOIN money_sends s ON s.money_request_id = r.id";

async fn request_by(
    conn: &mut AnyConnection,
    condition: &str,
    a: i64,
    b: Option<&str>,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE {condition}");
    super::row_where(conn, &sql, a, b).await
}

fn request_view(row: RequestRow, authors: &HashMap<i64, Author>) -> Result<MoneyRequest, ApiError> {
    Ok(MoneyRequest {
        id: row.id,
        requester: author(authors, row.requester_id)?,
        payer: author(authors, row.payer_id)?,
        amount: Money {
            amount_minor: row.amount_minor,
            currency: row.currency,
        },
        note: row.note,
        status: RequestStatus::parse(&row.status)
            .ok_or_else(|| ApiError::Internal(format!("request status {}", row.status)))?,
        transfer_id: row.transfer_id,
        created_at: from_ms(row.created_at),
        answered_at: row.answered_at.map(from_ms),
    })
}

async fn request_views(souq: &Souq, rows: Vec<RequestRow>) -> Result<Vec<MoneyRequest>, ApiError> {
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.requester_id, r.payer_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let authors = authors_of(souq, &ids).await?;
    rows.into_iter()
        .map(|row| request_view(row, &authors))
        .collect()
}

async fn one_view(souq: &Souq, row: RequestRow) -> Result<MoneyRequest, ApiError> {
    request_views(souq, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))
}

/// Asks a person for money; they are told in their inbox. `key` makes a retry answer
/// the first request instead of asking twice.
pub async fn request(
    souq: &Souq,
    me: &User,
    key: Option<&str>,
    request: &RequestMoney,
) -> Result<MoneyRequest, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let note = note_of(&request.note)?;
    let handle = handle_of(&request.from);
    let request_hash = hash(&Fingerprint {
        purpose: "request",
        request: (&handle, amount.get(), currency.as_str(), &note),
        card: None,
    })?;
    let payer = counterpart(souq, me, &handle).await?;
    let (per_send, _) = souq.payments.settings.wallet.limits_in(&currency);
    if amount.get() > per_send {
        return Err(ApiError::LimitExceeded(format!(
            "a request is at most {}, what one send may move",
            spoken(per_send, &currency)
        )));
    }
    let now = now_ms();
    let mut tx = souq.db.begin_durable().await?;
    if let Some(existing) = request_by(
        &mut tx,
        "r.requester_id = $1 AND r.idempotency_key = $2",
        me.id,
        Some(key),
    )
    .await?
    {
        tx.rollback().await?;
        if existing.request_hash != request_hash {
            return Err(key_reused());
        }
        return one_view(souq, existing).await;
    }
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM money_requests
         WHERE requester_id = $1 AND payer_id = $2 AND status = 'open'",
    )
    .bind(me.id)
    .bind(payer)
    .fetch_one(&mut *tx)
    .await?;
    if open >= MAX_OPEN_REQUESTS_TO_ONE {
        return Err(ApiError::Conflict(format!(
            "you have {MAX_OPEN_REQUESTS_TO_ONE} requests waiting for @{handle}'s answer"
        )));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO money_requests (requester_id, payer_id, idempotency_key, request_hash,
                                     currency, amount_minor, note, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id",
    )
    .bind(me.id)
    .bind(payer)
    .bind(key)
    .bind(&request_hash)
    .bind(currency.as_str())
    .bind(amount.get())
    .bind(&note)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    notifications::notify_money(
        &mut tx,
        payer,
        NotificationKind::MoneyRequested,
        me.id,
        MoneyAbout::Request(id),
        now,
    )
    .await?;
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    one_view(souq, row).await
}

/// A request, locked for the caller's transaction; 404 unless `me` is one of its sides.
async fn locked_request(
    conn: &mut AnyConnection,
    souq: &Souq,
    me: i64,
    id: i64,
) -> Result<RequestRow, ApiError> {
    // FOR UPDATE cannot lock the nullable side of an outer join: lock the row alone.
    let sql = format!(
        "SELECT id FROM money_requests WHERE id = $1{}",
        souq.db.backend.for_update()
    );
    let locked: Option<(i64,)> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let row = match locked {
        Some(_) => request_by(conn, "r.id = $1", id, None).await?,
        None => None,
    };
    row.filter(|r| r.payer_id == me || r.requester_id == me)
        .ok_or_else(|| ApiError::not_found("request"))
}

/// Pays a request from the wallet. Accepting a paid request again answers it as it is.
pub async fn accept(
    souq: &Souq,
    me: &User,
    session_token: &str,
    id: i64,
) -> Result<MoneyRequest, ApiError> {
    let now = now_ms();
    let mut tx = souq.db.begin_durable().await?;
    let row = locked_request(&mut tx, souq, me.id, id).await?;
    if row.payer_id != me.id {
        return Err(ApiError::Forbidden(
            "only the person asked can pay a request".into(),
        ));
    }
    match RequestStatus::parse(&row.status) {
        Some(RequestStatus::Open) => {}
        Some(RequestStatus::Paid) => {
            tx.rollback().await?;
            return one_view(souq, row).await;
        }
        _ => {
            return Err(ApiError::Conflict(format!(
                "this request was {}",
                row.status
            )));
        }
    }
    let (amount, currency) = money_of(row.amount_minor, &row.currency)?;
    let requester = row.requester_id;
    let (debit, credit) = lock_both(&mut tx, souq, me.id, requester, &currency).await?;
    let key = format!("request-{id}");
    let checks = checks(&mut tx, me.id, &key, session_token, &currency, now).await?;
    checks.unlocked(now)?;
    let debit = debit.ok_or(ApiError::InsufficientFunds)?;
    let sending = Sending {
        sender: me.id,
        recipient: requester,
        key: &key,
        request_hash: "request",
        transfer_id: TransferId::parse(&format!("request:{id}"))
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        amount,
        currency: &currency,
        note: &row.note,
        request_id: Some(id),
    };
    pay(
        &mut tx,
        souq,
        &sending,
        debit,
        credit,
        checks.sent_today,
        now,
    )
    .await?;
    answer(&mut tx, id, RequestStatus::Paid, now).await?;
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    one_view(souq, row).await
}

async fn answer(
    conn: &mut AnyConnection,
    id: i64,
    status: RequestStatus,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE money_requests SET status = $2, answered_at = $3 WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Declines (the person asked) or cancels (the one asking) an open request; done
/// again, it answers the request as it is.
pub async fn close(
    souq: &Souq,
    me: &User,
    id: i64,
    to: RequestStatus,
) -> Result<MoneyRequest, ApiError> {
    let now = now_ms();
    let mut tx = souq.db.begin_durable().await?;
    let row = locked_request(&mut tx, souq, me.id, id).await?;
    let allowed = match to {
        RequestStatus::Declined => row.payer_id == me.id,
        RequestStatus::Cancelled => row.requester_id == me.id,
        RequestStatus::Open | RequestStatus::Paid => false,
    };
    if !allowed {
        return Err(ApiError::Forbidden(match to {
            RequestStatus::Declined => "only the person asked can decline a request".into(),
            _ => "only the person who asked can cancel a request".into(),
        }));
    }
    let status = RequestStatus::parse(&row.status);
    if status == Some(to) {
        tx.rollback().await?;
        return one_view(souq, row).await;
    }
    if status != Some(RequestStatus::Open) {
        return Err(ApiError::Conflict(format!(
            "this request was {}",
            row.status
        )));
    }
    answer(&mut tx, id, to, now).await?;
    if to == RequestStatus::Declined {
        notifications::notify_money(
            &mut tx,
            row.requester_id,
            NotificationKind::RequestDeclined,
            me.id,
            MoneyAbout::Request(id),
            now,
        )
        .await?;
    }
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    one_view(souq, row).await
}

/// The person's requests, open ones first, then the latest; 50 each way.
pub async fn list(souq: &Souq, me: &User) -> Result<MoneyRequests, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    let incoming = side(&mut conn, "payer_id", me.id).await?;
    let outgoing = side(&mut conn, "requester_id", me.id).await?;
    drop(conn);
    Ok(MoneyRequests {
        incoming: request_views(souq, incoming).await?,
        outgoing: request_views(souq, outgoing).await?,
    })
}

async fn side(
    conn: &mut AnyConnection,
    column: &str,
    me: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM {REQUEST_FROM} WHERE r.{column} = $1
         ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, r.id DESC LIMIT 50"
    );
    sqlx::query_as(&sql).bind(me).fetch_all(&mut *conn).await
}
