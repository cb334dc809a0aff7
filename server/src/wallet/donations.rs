//! Donations: money from a person's wallet straight to a verified nonprofit's account,
//! with no platform fee, as one ledger transfer named after the app's key. The donor's
//! receipt is the entry in their activity; the nonprofit sees its donations and totals.
//! Stores not verified as nonprofits take none.

use souq_wire::{Donate, Donation, DonationPage, Money, NotificationKind, User};
use sqlx::AnyConnection;

use super::{key_reused, money_of, note_of, transfer_id, vault};
use crate::cache::Change;
use crate::checkout::claim::{Fingerprint, checked_key, hash};
use crate::db::{from_ms, now_ms};
use crate::error::ApiError;
use crate::feed::{Cursor, cut_page};
use crate::ledger::{self, Holder, Kind, Transfer};
use crate::notifications::{self, MoneyAbout, MoneyNotice};
use crate::people;
use crate::state::Souq;
use crate::stores::studio::owned_store;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    transfer_id: String,
    donor_id: i64,
    owner_id: i64,
    request_hash: String,
    currency: String,
    amount_minor: i64,
    note: String,
    created_at: i64,
}

const COLUMNS: &str = "d.id, d.transfer_id, d.donor_id, s.owner_id, d.request_hash,
    d.currency, d.amount_minor, d.note, d.created_at";

async fn by_key(
    conn: &mut AnyConnection,
    donor: i64,
    key: &str,
) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM donations d JOIN stores s ON s.id = d.store_id
         WHERE d.donor_id = $1 AND d.idempotency_key = $2"
    ))
    .bind(donor)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
}

async fn views(souq: &Souq, rows: Vec<Row>, replayed: bool) -> Result<Vec<Donation>, ApiError> {
    let mut ids: Vec<i64> = rows.iter().flat_map(|r| [r.donor_id, r.owner_id]).collect();
    ids.sort_unstable();
    ids.dedup();
    let authors = people::authors(&souq.db, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let author = |id: i64| {
                authors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| ApiError::Internal(format!("account {id} vanished")))
            };
            Ok(Donation {
                id: row.id,
                transfer_id: row.transfer_id,
                donor: author(row.donor_id)?,
                nonprofit: author(row.owner_id)?,
                amount: Money {
                    amount_minor: row.amount_minor,
                    currency: row.currency,
                },
                note: row.note,
                replayed,
                created_at: from_ms(row.created_at),
            })
        })
        .collect()
}

async fn view(souq: &Souq, row: Row, replayed: bool) -> Result<Donation, ApiError> {
    views(souq, vec![row], replayed)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a donation vanished".into()))
}

/// Gives to the verified nonprofit whose store (or its owner) has this handle, from the
/// wallet. Large
/// gifts ask for the PIN; a retry with the same key gives nothing again.
pub async fn donate(
    souq: &Souq,
    me: &User,
    session_token: &str,
    key: Option<&str>,
    handle: &str,
    request: &Donate,
) -> Result<Donation, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let note = note_of(&request.note)?;
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    // By the store's handle, or its owner's (what posts show): the store's first.
    let store: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.owner_id, s.is_nonprofit FROM stores s JOIN users u ON u.id = s.owner_id
         WHERE s.handle = $1 OR u.handle = $1
         ORDER BY CASE WHEN s.handle = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(&handle)
    .fetch_optional(&souq.db.pool)
    .await?;
    let (store_id, owner_id, verified) = store.ok_or_else(|| ApiError::not_found("store"))?;
    if verified == 0 {
        return Err(ApiError::Forbidden(
            "only verified nonprofits take donations".into(),
        ));
    }
    if owner_id == me.id {
        return Err(ApiError::Validation(
            "you cannot give to your own nonprofit".into(),
        ));
    }
    let request_hash = hash(&Fingerprint {
        purpose: "donation",
        request: (store_id, amount.get(), currency.as_str(), &note),
        card: None,
    })?;
    let now = now_ms();
    let mut tx = souq.db.begin_durable().await?;
    let wallets = ledger::lock_wallets(&mut tx, souq.db.backend, &[me.id]).await?;
    if let Some(existing) = by_key(&mut tx, me.id, key).await? {
        tx.rollback().await?;
        if existing.request_hash != request_hash {
            return Err(key_reused());
        }
        return view(souq, existing, true).await;
    }
    if souq
        .payments
        .settings
        .wallet
        .asks_pin(amount.get(), &currency)
    {
        vault::require(&mut tx, me.id, session_token, now).await?;
    }
    let Some((debit, balance)) = wallets.get(&(me.id, currency.as_str().to_string())) else {
        return Err(ApiError::InsufficientFunds);
    };
    if balance.available() < amount.get() {
        return Err(ApiError::InsufficientFunds);
    }
    let credit = ledger::account(&mut tx, Holder::Store { store_id }, &currency).await?;
    let id = transfer_id("donation", me.id, key)?;
    ledger::record_at(
        &mut tx,
        &Transfer {
            id: id.clone(),
            debit: *debit,
            credit,
            currency: currency.clone(),
            amount,
            kind: Kind::Posted,
            code: "donation",
            reference: Some(format!("donation to @{handle}")),
        },
        now,
    )
    .await?;
    let (donation_id,): (i64,) = sqlx::query_as(
        "INSERT INTO donations (transfer_id, donor_id, store_id, idempotency_key, request_hash,
                                currency, amount_minor, note, method, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'wallet', $9) RETURNING id",
    )
    .bind(id.as_str())
    .bind(me.id)
    .bind(store_id)
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
            recipient: owner_id,
            kind: NotificationKind::Donation,
            actor: me.id,
            about: MoneyAbout::Donation(donation_id),
        }],
        now,
    )
    .await?;
    let row = by_key(&mut tx, me.id, key)
        .await?
        .ok_or_else(|| ApiError::Internal("a donation vanished".into()))?;
    tx.commit().await?;
    souq.publish(&[Change::Inbox(owner_id)]).await;
    view(souq, row, false).await
}

/// The donations a nonprofit received, newest first, with its totals: for its owner.
pub async fn received(
    souq: &Souq,
    me: &User,
    handle: &str,
    before: Cursor,
    limit: i64,
) -> Result<DonationPage, ApiError> {
    let store = owned_store(&souq.db, me, handle).await?;
    let mut rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM donations d JOIN stores s ON s.id = d.store_id
         WHERE d.store_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3"
    ))
    .bind(store.id)
    .bind(before.id)
    .bind(limit.saturating_add(1))
    .fetch_all(&souq.db.durable)
    .await?;
    let next_cursor = cut_page(&mut rows, limit, |r| Cursor {
        at_ms: r.created_at,
        id: r.id,
    });
    let totals: Vec<(String, i64)> = sqlx::query_as(
        "SELECT currency, CAST(SUM(amount_minor) AS BIGINT) FROM donations WHERE store_id = $1
         GROUP BY currency ORDER BY currency",
    )
    .bind(store.id)
    .fetch_all(&souq.db.durable)
    .await?;
    Ok(DonationPage {
        donations: views(souq, rows, false).await?,
        totals: totals
            .into_iter()
            .map(|(currency, amount_minor)| Money {
                amount_minor,
                currency,
            })
            .collect(),
        next_cursor,
    })
}
