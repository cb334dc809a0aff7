//! Donations: money from a person's wallet straight to a verified nonprofit's account,
//! with no platform fee, as one ledger transfer named after the app's key. The donor's
//! receipt is the entry in their activity; the nonprofit sees its donations and totals.
//! Stores not verified as nonprofits take none.

use souq_wire::{Donate, Donation, DonationPage, Money, NotificationKind, User};
use sqlx::AnyConnection;

use super::requests::{key_reused, money_of, note_of, transfer_id};
use super::service::WalletService;
use super::vault;
use crate::accounts::shown;
use crate::base::cache::Change;
use crate::base::db::{from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::idempotency::{CardPrint, Fingerprint, checked_key, hash};
use crate::base::paging::{Cursor, cut_page};
use crate::ledger::{self, AccountId, Amount, Currency, Holder, Kind, Transfer};
use crate::notifications::{self, MoneyAbout, MoneyNotice};
use crate::stores::owner::owned_store;

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

async fn views(
    wallet: &WalletService,
    rows: Vec<Row>,
    replayed: bool,
) -> Result<Vec<Donation>, ApiError> {
    let mut ids: Vec<i64> = rows.iter().flat_map(|r| [r.donor_id, r.owner_id]).collect();
    ids.sort_unstable();
    ids.dedup();
    let authors = shown::authors(&wallet.base.db, &ids).await?;
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

async fn view(wallet: &WalletService, row: Row, replayed: bool) -> Result<Donation, ApiError> {
    views(wallet, vec![row], replayed)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal("a donation vanished".into()))
}

/// A verified nonprofit someone may give to.
pub(crate) struct Nonprofit {
    pub store_id: i64,
    pub owner_id: i64,
    /// The handle the gift was addressed to, as its transfer's reference says it.
    pub handle: String,
}

/// The verified nonprofit whose store (or its owner) has this handle, for `me` to give
/// to: 404 for none, 403 for a store not verified as a nonprofit, 422 for one's own.
pub(crate) async fn nonprofit(
    wallet: &WalletService,
    me: &User,
    handle: &str,
) -> Result<Nonprofit, ApiError> {
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    // By the store's handle, or its owner's (what posts show): the store's first.
    let store: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.owner_id, s.is_nonprofit FROM stores s JOIN users u ON u.id = s.owner_id
         WHERE s.handle = $1 OR u.handle = $1
         ORDER BY CASE WHEN s.handle = $1 THEN 0 ELSE 1 END LIMIT 1",
    )
    .bind(&handle)
    .fetch_optional(&wallet.base.db.pool)
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
    Ok(Nonprofit {
        store_id,
        owner_id,
        handle,
    })
}

/// What a gift means, for telling a retry from another request: the same for the
/// wallet and a card, the card known by its print.
pub(crate) fn request_hash(
    to: &Nonprofit,
    amount: Amount,
    currency: &Currency,
    note: &str,
    card: Option<CardPrint>,
) -> Result<String, ApiError> {
    hash(&Fingerprint {
        purpose: "donation",
        request: (to.store_id, amount.get(), currency.as_str(), note),
        card,
    })
}

/// A gift about to be recorded, from the donor's wallet account `from`.
pub(crate) struct Gift<'a> {
    pub donor: i64,
    pub to: &'a Nonprofit,
    pub key: &'a str,
    pub request_hash: &'a str,
    pub from: AccountId,
    pub amount: Amount,
    pub currency: &'a Currency,
    pub note: &'a str,
    /// `wallet` or `card`: what paid for it.
    pub method: &'static str,
}

/// Records a gift in the caller's transaction: its transfer straight to the
/// nonprofit's account (no fee), its row, and the nonprofit's inbox entry. The caller
/// has checked the funds; the ledger refuses an overdraft all the same.
pub(crate) async fn give(
    conn: &mut AnyConnection,
    gift: &Gift<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let credit = ledger::account(
        &mut *conn,
        Holder::Store {
            store_id: gift.to.store_id,
        },
        gift.currency,
    )
    .await?;
    let id = transfer_id("donation", gift.donor, gift.key)?;
    ledger::record_at(
        &mut *conn,
        &Transfer {
            id: id.clone(),
            debit: gift.from,
            credit,
            currency: gift.currency.clone(),
            amount: gift.amount,
            kind: Kind::Posted,
            code: "donation",
            reference: Some(format!("donation to @{}", gift.to.handle)),
        },
        now,
    )
    .await?;
    let (donation_id,): (i64,) = sqlx::query_as(
        "INSERT INTO donations (transfer_id, donor_id, store_id, idempotency_key, request_hash,
                                currency, amount_minor, note, method, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(id.as_str())
    .bind(gift.donor)
    .bind(gift.to.store_id)
    .bind(gift.key)
    .bind(gift.request_hash)
    .bind(gift.currency.as_str())
    .bind(gift.amount.get())
    .bind(gift.note)
    .bind(gift.method)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    notifications::notify_money(
        &mut *conn,
        &[MoneyNotice {
            recipient: gift.to.owner_id,
            kind: NotificationKind::Donation,
            actor: gift.donor,
            about: MoneyAbout::Donation(donation_id),
        }],
        now,
    )
    .await?;
    Ok(())
}

/// Gives to the verified nonprofit whose store (or its owner) has this handle, from the
/// wallet. Large gifts ask for the PIN; a retry with the same key gives nothing again.
/// (From a card, a gift is a checkout: `checkout::donate_by_card`.)
pub async fn donate(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    key: Option<&str>,
    handle: &str,
    request: &Donate,
) -> Result<Donation, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let note = note_of(&request.note)?;
    let to = nonprofit(wallet, me, handle).await?;
    let request_hash = request_hash(&to, amount, &currency, &note, None)?;
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
    let wallets = ledger::lock_wallets(&mut tx, wallet.base.db.backend, &[me.id]).await?;
    if let Some(existing) = by_key(&mut tx, me.id, key).await? {
        tx.rollback().await?;
        if existing.request_hash != request_hash {
            return Err(key_reused());
        }
        return view(wallet, existing, true).await;
    }
    if wallet.settings().asks_pin(amount.get(), &currency) {
        vault::require(&mut tx, me.id, session_token, now).await?;
    }
    let Some((from, balance)) = wallets.get(&(me.id, currency.as_str().to_string())) else {
        return Err(ApiError::InsufficientFunds);
    };
    if balance.available() < amount.get() {
        return Err(ApiError::InsufficientFunds);
    }
    give(
        &mut tx,
        &Gift {
            donor: me.id,
            to: &to,
            key,
            request_hash: &request_hash,
            from: *from,
            amount,
            currency: &currency,
            note: &note,
            method: "wallet",
        },
        now,
    )
    .await?;
    let row = by_key(&mut tx, me.id, key)
        .await?
        .ok_or_else(|| ApiError::Internal("a donation vanished".into()))?;
    tx.commit().await?;
    wallet.base.publish(&[Change::Inbox(to.owner_id)]).await;
    view(wallet, row, false).await
}

/// The donations a nonprofit received, newest first, with its totals: for its owner.
pub async fn received(
    wallet: &WalletService,
    me: &User,
    handle: &str,
    before: Cursor,
    limit: i64,
) -> Result<DonationPage, ApiError> {
    let store = owned_store(&wallet.base.db, me, handle).await?;
    let mut rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM donations d JOIN stores s ON s.id = d.store_id
         WHERE d.store_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3"
    ))
    .bind(store.id)
    .bind(before.id)
    .bind(limit.saturating_add(1))
    .fetch_all(&wallet.base.db.durable)
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
    .fetch_all(&wallet.base.db.durable)
    .await?;
    Ok(DonationPage {
        donations: views(wallet, rows, false).await?,
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
