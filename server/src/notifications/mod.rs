//! The notifications inbox: someone followed you, liked or reposted your post, or
//! mentioned you; a store moved your order along; someone sent, asked for or gave
//! money. Written in the same transaction as the event; undoing the event (an unlike)
//! withdraws it, so the inbox never shows what no longer holds. Money news is also
//! told to the person's running apps at once (`events.rs`), as are security notices
//! ("was this you?", `security.rs`) and card notices (a card locked, a payment with it
//! waiting for its holder's approval).

pub mod events;
pub mod security;

use souq_wire::{
    CardNotice, CardTransactionStatus, Money, Notification, NotificationKind, NotificationPage,
    OrderStatus, SessionNotice,
};
use sqlx::{Any, Transaction};

use crate::accounts::shown;
use crate::base::db::{Db, from_ms, now_ms, value_rows};
use crate::base::error::ApiError;
use crate::base::paging::{Cursor, cut_page};

pub async fn notify(
    tx: &mut Transaction<'static, Any>,
    recipient: i64,
    kind: NotificationKind,
    actor: i64,
    post: Option<i64>,
) -> Result<(), ApiError> {
    if recipient == actor {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, actor_id, post_id, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(recipient)
    .bind(kind.as_str())
    .bind(actor)
    .bind(post)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A shopper to tell that their order reached a status; `actor` is the store's account.
#[derive(Debug, Clone, Copy)]
pub struct OrderNotice {
    pub recipient: i64,
    pub actor: i64,
    pub order_id: i64,
    pub status: OrderStatus,
}

/// Tells shoppers their orders moved along, in one statement (a batch of checkouts
/// tells all its buyers at once).
pub async fn notify_orders(
    conn: &mut sqlx::AnyConnection,
    notices: &[OrderNotice],
) -> Result<(), sqlx::Error> {
    if notices.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, actor_id, order_id, order_status, created_at)
         VALUES {}",
        value_rows(1, notices.len(), 6)
    );
    let now = now_ms();
    let mut query = sqlx::query(&sql);
    for notice in notices {
        query = query
            .bind(notice.recipient)
            .bind("order")
            .bind(notice.actor)
            .bind(notice.order_id)
            .bind(notice.status.as_str())
            .bind(now);
    }
    query.execute(conn).await?;
    Ok(())
}

/// What money an inbox entry is about: a send (money received), a request (asked for,
/// or declined), or a donation.
#[derive(Debug, Clone, Copy)]
pub enum MoneyAbout {
    Send(i64),
    Request(i64),
    Donation(i64),
}

/// Someone to tell of money `actor` moved.
#[derive(Debug, Clone, Copy)]
pub struct MoneyNotice {
    pub recipient: i64,
    pub kind: NotificationKind,
    pub actor: i64,
    pub about: MoneyAbout,
}

/// Tells people of money moved, in the caller's transaction and one statement (a batch
/// of sends tells all its recipients at once).
pub async fn notify_money(
    conn: &mut sqlx::AnyConnection,
    notices: &[MoneyNotice],
    now: i64,
) -> Result<(), sqlx::Error> {
    if notices.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, actor_id, money_send_id, money_request_id,
                                    donation_id, created_at)
         VALUES {}",
        value_rows(1, notices.len(), 7)
    );
    let mut query = sqlx::query(&sql);
    for notice in notices {
        let (send, request, donation) = match notice.about {
            MoneyAbout::Send(id) => (Some(id), None, None),
            MoneyAbout::Request(id) => (None, Some(id), None),
            MoneyAbout::Donation(id) => (None, None, Some(id)),
        };
        query = query
            .bind(notice.recipient)
            .bind(notice.kind.as_str())
            .bind(notice.actor)
            .bind(send)
            .bind(request)
            .bind(donation)
            .bind(now);
    }
    query.execute(conn).await?;
    Ok(())
}

/// A card notice: whose card, why (locked, or an approval asked), who caused it, and
/// the payment an approval is about.
#[derive(Debug, Clone, Copy)]
pub struct CardAbout {
    pub recipient: i64,
    pub kind: NotificationKind,
    pub actor: i64,
    pub card_id: i64,
    pub transaction_id: Option<i64>,
}

/// Tells a card's holder of their card, in the caller's transaction (or connection).
pub async fn notify_card(
    conn: &mut sqlx::AnyConnection,
    about: &CardAbout,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, actor_id, card_id, card_transaction_id,
                                    created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(about.recipient)
    .bind(about.kind.as_str())
    .bind(about.actor)
    .bind(about.card_id)
    .bind(about.transaction_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn withdraw(
    tx: &mut Transaction<'static, Any>,
    recipient: i64,
    kind: NotificationKind,
    actor: i64,
    post: Option<i64>,
) -> Result<(), ApiError> {
    sqlx::query(
        "DELETE FROM notifications WHERE user_id = $1 AND kind = $2 AND actor_id = $3
           AND COALESCE(post_id, 0) = COALESCE($4, 0)",
    )
    .bind(recipient)
    .bind(kind.as_str())
    .bind(actor)
    .bind(post)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    actor_id: i64,
    post_id: Option<i64>,
    body: Option<String>,
    order_id: Option<i64>,
    order_status: Option<String>,
    money_request_id: Option<i64>,
    currency: Option<String>,
    amount_minor: Option<i64>,
    note: Option<String>,
    created_at: i64,
    read_at: Option<i64>,
    session_id: Option<String>,
    device: Option<String>,
    session_hash: Option<String>,
    card_id: Option<i64>,
    card_last4: Option<String>,
    card_transaction_id: Option<i64>,
    merchant: Option<String>,
    card_status: Option<String>,
    approval_until: Option<i64>,
}

impl Row {
    /// The session a security notice names, seen from the session reading the inbox.
    fn session(&self, current_hash: &str) -> Option<SessionNotice> {
        let session_id = self.session_id.clone()?;
        Some(SessionNotice {
            session_id,
            device: self.device.clone().unwrap_or_default(),
            this_session: self.session_hash.as_deref() == Some(current_hash),
            active: self.session_hash.is_some(),
        })
    }

    fn card(&self) -> Option<CardNotice> {
        let status = self
            .card_status
            .as_deref()
            .and_then(CardTransactionStatus::parse);
        Some(CardNotice {
            card_id: self.card_id?,
            last4: self.card_last4.clone().unwrap_or_default(),
            transaction_id: self.card_transaction_id,
            merchant: self.merchant.clone(),
            status,
            approval_until: self
                .approval_until
                .filter(|_| status == Some(CardTransactionStatus::AwaitingApproval))
                .map(from_ms),
        })
    }
}

fn excerpt(body: &str) -> String {
    const LIMIT: usize = 80;
    let mut out: String = body.chars().take(LIMIT).collect();
    if body.chars().count() > LIMIT {
        out.push('…');
    }
    out
}

/// A page of the inbox, as the session `session_token` reads it (a security notice
/// about that very session has nothing to confirm).
pub async fn page(
    db: &Db,
    user: i64,
    session_token: &str,
    before: Cursor,
    limit: i64,
) -> Result<NotificationPage, ApiError> {
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT n.id, n.kind, n.actor_id, n.post_id, p.body, n.order_id, n.order_status,
                COALESCE(n.money_request_id, ms.money_request_id) AS money_request_id,
                COALESCE(ms.currency, mr.currency, d.currency, ct.currency) AS currency,
                COALESCE(ms.amount_minor, mr.amount_minor, d.amount_minor, ct.amount_minor)
                    AS amount_minor,
                COALESCE(ms.note, mr.note, d.note) AS note,
                n.created_at, n.read_at, n.session_id, n.device, s.token_hash AS session_hash,
                n.card_id, c.last4 AS card_last4, n.card_transaction_id, ct.merchant,
                ct.status AS card_status, ct.approval_until
         FROM notifications n LEFT JOIN posts p ON p.id = n.post_id AND p.deleted_at IS NULL
              LEFT JOIN money_sends ms ON ms.id = n.money_send_id
              LEFT JOIN money_requests mr ON mr.id = n.money_request_id
              LEFT JOIN donations d ON d.id = n.donation_id
              LEFT JOIN sessions s ON s.session_id = n.session_id AND s.user_id = n.user_id
              LEFT JOIN debit_cards c ON c.id = n.card_id
              LEFT JOIN card_transactions ct ON ct.id = n.card_transaction_id
         WHERE n.user_id = $1 AND n.id < $2
         ORDER BY n.id DESC LIMIT $3",
    )
    .bind(user)
    .bind(before.id)
    .bind(limit + 1)
    .fetch_all(&db.pool)
    .await?;
    let current_hash = crate::accounts::sessions::token_hash(session_token);
    let next_cursor = cut_page(&mut rows, limit, |r| Cursor {
        at_ms: r.created_at,
        id: r.id,
    });
    let actor_ids: Vec<i64> = rows.iter().map(|r| r.actor_id).collect();
    let actors = shown::authors(db, &actor_ids).await?;
    let (unread,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .fetch_one(&db.pool)
            .await?;
    let notifications = rows
        .into_iter()
        .filter_map(|row| {
            let session = row.session(&current_hash);
            let card = row.card();
            Some(Notification {
                session,
                card,
                id: row.id,
                kind: NotificationKind::parse(&row.kind)?,
                actor: actors.get(&row.actor_id)?.clone(),
                post_id: row.post_id,
                post_excerpt: row.body.as_deref().map(excerpt),
                order_id: row.order_id,
                order_status: row.order_status.as_deref().and_then(OrderStatus::parse),
                money: row
                    .currency
                    .zip(row.amount_minor)
                    .map(|(currency, amount_minor)| Money {
                        amount_minor,
                        currency,
                    }),
                note: row.note.filter(|note| !note.is_empty()),
                money_request_id: row.money_request_id,
                read: row.read_at.is_some(),
                created_at: from_ms(row.created_at),
            })
        })
        .collect();
    Ok(NotificationPage {
        notifications,
        unread,
        next_cursor,
    })
}

pub async fn mark_all_read(db: &Db, user: i64) -> Result<(), ApiError> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now_ms())
        .bind(user)
        .execute(&db.pool)
        .await?;
    Ok(())
}
