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

use super::requests::{key_reused, money_of, note_of};
use super::sender;
use super::service::WalletService;
use super::settings::spoken;
use crate::accounts::shown;
use crate::base::cache::Change;
use crate::base::db::{from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::idempotency::{Fingerprint, checked_key, hash};
use crate::ledger::{self, AccountId, Currency, Holder, TransferId};
use crate::notifications::{self, MoneyAbout, MoneyNotice};

/// The most requests one person may have open to another at once.
pub const MAX_OPEN_REQUESTS_TO_ONE: i64 = 10;

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
async fn counterpart(wallet: &WalletService, me: &User, typed: &str) -> Result<i64, ApiError> {
    let handle = handle_of(typed);
    if handle.is_empty() {
        return Err(ApiError::Validation("say whom, by @handle".into()));
    }
    let id = shown::id_by_handle(&wallet.base.db, &handle)
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

/// Locks both wallets of a request's payment, in id order (as every money-moving
/// transaction takes them, so two people paying each other at once cannot deadlock),
/// opening the recipient's when it has none in the currency yet: the payer's (account,
/// what it may spend) and the recipient's account.
async fn lock_both(
    conn: &mut AnyConnection,
    wallet: &WalletService,
    payer: i64,
    recipient: i64,
    currency: &Currency,
) -> Result<(Option<(AccountId, i64)>, AccountId), ApiError> {
    let wallets = ledger::lock_wallets(conn, wallet.base.db.backend, &[payer, recipient]).await?;
    let debit = sender::wallet_of(&wallets, payer, currency)
        .map(|(account, balance)| (account, balance.available()));
    let credit = match sender::wallet_of(&wallets, recipient, currency) {
        Some((account, _)) => account,
        // New, so nobody else holds it.
        None => ledger::open_account(conn, Holder::Wallet { user_id: recipient }, currency).await?,
    };
    Ok((debit, credit))
}

async fn authors_of(wallet: &WalletService, ids: &[i64]) -> Result<HashMap<i64, Author>, ApiError> {
    shown::authors(&wallet.base.db, ids).await
}

fn author(authors: &HashMap<i64, Author>, id: i64) -> Result<Author, ApiError> {
    authors
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::Internal(format!("account {id} vanished")))
}

async fn sent_view(
    wallet: &WalletService,
    row: SendRow,
    replayed: bool,
) -> Result<MoneySent, ApiError> {
    let authors = authors_of(wallet, &[row.sender_id, row.recipient_id]).await?;
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

/// Sends money to a person, in whatever batch of this instance's sender it joins.
/// `key` is the app's idempotency key: a retry answers the first send and moves nothing
/// again.
pub async fn send(
    wallet: &WalletService,
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
    let job = sender::Job {
        sender: me.id,
        session_hash: crate::accounts::sessions::token_hash(session_token),
        key: key.to_string(),
        request_hash,
        handle,
        amount,
        currency,
        note,
    };
    match wallet.sender.send(job).await? {
        sender::Sent::Made(sent) => Ok(*sent),
        sender::Sent::Replayed => {
            let mut conn = wallet.base.db.durable.acquire().await?;
            let row = send_by_key(&mut conn, me.id, key)
                .await?
                .ok_or_else(|| ApiError::Internal("a send vanished".into()))?;
            drop(conn);
            sent_view(wallet, row, true).await
        }
    }
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
    super::requests::row_where(conn, &sql, a, b).await
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

async fn request_views(
    wallet: &WalletService,
    rows: Vec<RequestRow>,
) -> Result<Vec<MoneyRequest>, ApiError> {
    let mut ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.requester_id, r.payer_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let authors = authors_of(wallet, &ids).await?;
    rows.into_iter()
        .map(|row| request_view(row, &authors))
        .collect()
}

async fn one_view(wallet: &WalletService, row: RequestRow) -> Result<MoneyRequest, ApiError> {
    request_views(wallet, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))
}

/// Asks a person for money; they are told in their inbox. `key` makes a retry answer
/// the first request instead of asking twice.
pub async fn request(
    wallet: &WalletService,
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
    let payer = counterpart(wallet, me, &handle).await?;
    let (per_send, _) = wallet.settings().limits_in(&currency);
    if amount.get() > per_send {
        return Err(ApiError::LimitExceeded(format!(
            "a request is at most {}, what one send may move",
            spoken(per_send, &currency)
        )));
    }
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
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
        return one_view(wallet, existing).await;
    }
    // The requester's row is locked first: requests sent at once are counted one after
    // another, so together they cannot pass the cap that each alone would not.
    sqlx::query(&format!(
        "SELECT id FROM users WHERE id = $1{}",
        wallet.base.db.backend.for_update()
    ))
    .bind(me.id)
    .fetch_optional(&mut *tx)
    .await?;
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
        &[MoneyNotice {
            recipient: payer,
            kind: NotificationKind::MoneyRequested,
            actor: me.id,
            about: MoneyAbout::Request(id),
        }],
        now,
    )
    .await?;
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    wallet.base.publish(&[Change::Inbox(payer)]).await;
    one_view(wallet, row).await
}

/// A request, locked for the caller's transaction; 404 unless `me` is one of its sides.
async fn locked_request(
    conn: &mut AnyConnection,
    wallet: &WalletService,
    me: i64,
    id: i64,
) -> Result<RequestRow, ApiError> {
    // FOR UPDATE cannot lock the nullable side of an outer join: lock the row alone.
    let sql = format!(
        "SELECT id FROM money_requests WHERE id = $1{}",
        wallet.base.db.backend.for_update()
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
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    id: i64,
) -> Result<MoneyRequest, ApiError> {
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
    let row = locked_request(&mut tx, wallet, me.id, id).await?;
    if row.payer_id != me.id {
        return Err(ApiError::Forbidden(
            "only the person asked can pay a request".into(),
        ));
    }
    match RequestStatus::parse(&row.status) {
        Some(RequestStatus::Open) => {}
        Some(RequestStatus::Paid) => {
            tx.rollback().await?;
            return one_view(wallet, row).await;
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
    let (debit, credit) = lock_both(&mut tx, wallet, me.id, requester, &currency).await?;
    let key = format!("request-{id}");
    let session_hash = crate::accounts::sessions::token_hash(session_token);
    let ask = sender::Ask {
        sender: me.id,
        key: &key,
        session_hash: &session_hash,
    };
    let seen = sender::Seen::read(&mut tx, &[ask], now).await?;
    seen.unlocked(me.id, &session_hash, now)?;
    let (debit, available) = debit.ok_or(ApiError::InsufficientFunds)?;
    sender::judge(
        wallet.settings(),
        amount,
        &currency,
        seen.sent_today(me.id, &currency),
        available,
    )?;
    let payment = sender::Sending {
        sender: me.id,
        recipient: requester,
        key,
        request_hash: "request".into(),
        transfer_id: TransferId::parse(&format!("request:{id}"))
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        debit,
        credit,
        amount,
        currency,
        note: row.note.clone(),
        request_id: Some(id),
    };
    sender::record(&mut tx, std::slice::from_ref(&payment), now).await?;
    answer(&mut tx, id, RequestStatus::Paid, now).await?;
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    wallet.base.publish(&[Change::Inbox(requester)]).await;
    one_view(wallet, row).await
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
    wallet: &WalletService,
    me: &User,
    id: i64,
    to: RequestStatus,
) -> Result<MoneyRequest, ApiError> {
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
    let row = locked_request(&mut tx, wallet, me.id, id).await?;
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
        return one_view(wallet, row).await;
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
            &[MoneyNotice {
                recipient: row.requester_id,
                kind: NotificationKind::RequestDeclined,
                actor: me.id,
                about: MoneyAbout::Request(id),
            }],
            now,
        )
        .await?;
    }
    let row = request_by(&mut tx, "r.id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a request vanished".into()))?;
    tx.commit().await?;
    if to == RequestStatus::Declined {
        wallet
            .base
            .publish(&[Change::Inbox(row.requester_id)])
            .await;
    }
    one_view(wallet, row).await
}

/// The person's requests, open ones first, then the latest; 50 each way.
pub async fn list(wallet: &WalletService, me: &User) -> Result<MoneyRequests, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    let incoming = side(&mut conn, "payer_id", me.id).await?;
    let outgoing = side(&mut conn, "requester_id", me.id).await?;
    drop(conn);
    Ok(MoneyRequests {
        incoming: request_views(wallet, incoming).await?,
        outgoing: request_views(wallet, outgoing).await?,
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
