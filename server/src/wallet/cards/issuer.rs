//! Souq as its cards' issuer: the charges the processor routes here (a number of Souq's
//! range) are authorized or declined, as a card network's issuer does, with the
//! defenses card networks and processors apply against card testing:
//!
//! - velocity limits: tries on one card an hour, and tries on cards not one's own per
//!   paying account and per address an hour, all counted in the database;
//! - a frozen or locked card is refused before any of its details is checked;
//! - each try at the security code and expiry is counted before it is checked, and
//!   `CARD_CODE_TRIES` wrong ones in a row lock the card (its holder is told);
//! - anyone but the holder hears one generic decline, whatever the reason; the holder
//!   sees the reason in the card's activity;
//! - a card paying for any account but its holder's is not authorized at once: the
//!   holder is asked to approve it in their app (`approvals.rs`).
//!
//! An authorization holds the money on the ledger (wallet to the outside world, the
//! card network); the processor's capture posts it, its cancellation voids it, and a
//! hold nobody resolved expires back to the wallet.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Utc};
use souq_wire::wallet::{CARD_APPROVAL_MINUTES, CARD_CODE_TRIES};
use souq_wire::{CardDetails, NotificationKind};
use sqlx::AnyConnection;

use super::keys::{CardKeys, digits_of, is_souq_number};
use super::rows::{CARD_COLUMNS, CardRow, spent_this_month};
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::base::limits::client_key;
use crate::base::limits::window::{self, Quota};
use crate::ledger::{
    self, Amount, Currency, Holder, Kind, Recorded, Resolution, Transfer, TransferId,
};
use crate::notifications::{self, CardAbout};
use crate::payments::issuer::{Authorization, Captured, Decision, Issuer};
use crate::payments::{BoxFuture, Payer, ProcessorError};

/// Tries on one card an hour, by anyone: beyond, it declines until the hour passes.
const TRIES_PER_CARD: i64 = 20;
/// Tries an hour on Souq cards that are not one's own (unknown numbers included), per
/// paying account and per address: card testing tries many.
const FOREIGN_TRIES_PER_ACCOUNT: i64 = 5;
const FOREIGN_TRIES_PER_ADDRESS: i64 = 10;
const HOUR: Duration = Duration::from_secs(60 * 60);
/// What anyone but the card's holder hears of a decline, whatever its reason.
pub const GENERIC_DECLINE: &str = "card_declined";

/// A decision, and whom to tell at once (a holder asked to approve, or whose card
/// locked itself) once the caller may publish.
pub struct Authorized {
    pub decision: Decision,
    pub tell: Option<i64>,
}

impl Authorized {
    fn just(decision: Decision) -> Authorized {
        Authorized {
            decision,
            tell: None,
        }
    }
}

/// Why a try was declined: the reason the holder sees, and what the payer hears.
fn declined(reason: &'static str, own: bool) -> Decision {
    Decision::Declined(if own { reason } else { GENERIC_DECLINE })
}

/// Whether a quota still has room for one more try (the try is counted when it has).
async fn room(db: &Db, key: &str, limit: i64) -> Result<bool, ApiError> {
    match window::take(db, key, 1, Quota::new(limit, HOUR)).await {
        Ok(()) => Ok(true),
        Err(ApiError::TooManyRequests { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Counts a try on a card that is not the payer's own, per account and per address;
/// false when either has had its tries this hour.
async fn foreign_try(db: &Db, payer: &Payer) -> Result<bool, ApiError> {
    let account = room(
        db,
        &format!("card-tries:account:{}", payer.account_id),
        FOREIGN_TRIES_PER_ACCOUNT,
    )
    .await?;
    let address = room(
        db,
        &format!("card-tries:address:{}", client_key(payer.address)),
        FOREIGN_TRIES_PER_ADDRESS,
    )
    .await?;
    Ok(account && address)
}

async fn card_by_number(
    db: &Db,
    keys: &CardKeys,
    number: &str,
) -> Result<Option<CardRow>, ApiError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM debit_cards WHERE number_hash = $1"
    ))
    .bind(keys.number_hash(number))
    .fetch_optional(&db.durable)
    .await?)
}

/// The answer given before to this payment key, if any: the same key, the same answer.
async fn earlier(db: &Db, payment_key: &str, own: bool) -> Result<Option<Decision>, ApiError> {
    let done: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT status, reason FROM card_transactions WHERE payment_key = $1")
            .bind(payment_key)
            .fetch_optional(&db.durable)
            .await?;
    Ok(done.map(|(status, reason)| match status.as_str() {
        "declined" => declined(decline_code(reason.as_deref()), own),
        "awaiting_approval" => Decision::NeedsApproval,
        _ => Decision::Approved,
    }))
}

/// Takes one try at the card's security code and expiry before they are checked:
/// tries sent at once each take one first, so no more than `CARD_CODE_TRIES` are ever
/// checked before the card locks. None when the card is frozen or locked: refused
/// before any of its details is looked at.
async fn take_code_try(db: &Db, card_id: i64) -> Result<Option<i64>, ApiError> {
    let taken: Option<(i64,)> = sqlx::query_as(
        "UPDATE debit_cards SET wrong_codes = wrong_codes + 1
         WHERE id = $1 AND frozen = 0 AND locked = 0 AND wrong_codes < $2
         RETURNING wrong_codes",
    )
    .bind(card_id)
    .bind(CARD_CODE_TRIES)
    .fetch_optional(&db.durable)
    .await?;
    Ok(taken.map(|(tries,)| tries))
}

/// Whether the typed code and expiry are the card's.
fn details_match(card: &CardRow, secrets_cvv: &str, typed: &CardDetails) -> bool {
    let today = Utc::now();
    let current =
        (card.exp_year, card.exp_month) >= (i64::from(today.year()), i64::from(today.month()));
    current
        && secrets_cvv == typed.cvc.expose()
        && i64::from(typed.exp_year) == card.exp_year
        && i64::from(typed.exp_month) == card.exp_month
}

/// Authorizes a charge of a Souq card: holds the money in the card's wallet, asks its
/// holder when another account pays, or declines. Asked again with the same payment
/// key, it answers the same.
pub async fn authorize(
    db: &Db,
    keys: &CardKeys,
    auth: &Authorization<'_>,
) -> Result<Authorized, ApiError> {
    let number = digits_of(auth.card.number.expose());
    let card = card_by_number(db, keys, &number).await?;
    let own = card
        .as_ref()
        .is_some_and(|c| c.user_id == auth.payer.account_id);
    if let Some(decision) = earlier(db, auth.payment_key, own).await? {
        return Ok(Authorized::just(decision));
    }
    let Some(card) = card else {
        // No such card: the try counts against the payer all the same.
        foreign_try(db, auth.payer).await?;
        return Ok(Authorized::just(Decision::Declined(GENERIC_DECLINE)));
    };
    if !own && !foreign_try(db, auth.payer).await? {
        record(db, &card, auth, "too_many_tries").await?;
        return Ok(Authorized::just(declined("too_many_tries", own)));
    }
    if !room(db, &format!("card-tries:card:{}", card.id), TRIES_PER_CARD).await? {
        // Past its tries this hour; not recorded again, so a flood cannot fill the
        // holder's activity.
        return Ok(Authorized::just(declined("too_many_tries", own)));
    }
    if let Some(declined) = check_details(db, keys, &card, auth, own).await? {
        return Ok(declined);
    }
    let mut tx = db.begin_durable().await?;
    if let Some(reason) = refusal(&mut tx, db, &card, auth.amount_minor, auth.currency).await? {
        tx.rollback().await?;
        record(db, &card, auth, reason).await?;
        return Ok(Authorized::just(declined(reason, own)));
    }
    if !own {
        tx.rollback().await?;
        return ask_holder(db, &card, auth).await;
    }
    let hold = hold(
        &mut tx,
        db,
        &card,
        auth.payment_key,
        auth.amount_minor,
        auth.hold_ms,
    )
    .await?;
    insert(&mut tx, &card, auth, "held", None, Some(&hold)).await?;
    tx.commit().await?;
    Ok(Authorized::just(Decision::Approved))
}

/// Checks the card's state, code and expiry, a try at the code taken first: the decline
/// when they do not pass (recorded, the card locked at its last wrong try), none when
/// they do.
async fn check_details(
    db: &Db,
    keys: &CardKeys,
    card: &CardRow,
    auth: &Authorization<'_>,
    own: bool,
) -> Result<Option<Authorized>, ApiError> {
    let Some(tries) = take_code_try(db, card.id).await? else {
        let reason = if card.frozen != 0 {
            "card_frozen"
        } else {
            "card_locked"
        };
        record(db, card, auth, reason).await?;
        return Ok(Some(Authorized::just(declined(reason, own))));
    };
    let secrets = keys.open(card.user_id, &card.sealed)?;
    if details_match(card, secrets.cvv.expose(), auth.card) {
        sqlx::query("UPDATE debit_cards SET wrong_codes = 0 WHERE id = $1")
            .bind(card.id)
            .execute(&db.durable)
            .await?;
        return Ok(None);
    }
    let reason = if secrets.cvv.expose() == auth.card.cvc.expose() {
        "expired_card"
    } else {
        "incorrect_cvc"
    };
    let tell = if tries >= CARD_CODE_TRIES {
        lock(db, card, auth.payer).await?
    } else {
        None
    };
    record(db, card, auth, reason).await?;
    Ok(Some(Authorized {
        decision: declined(reason, own),
        tell,
    }))
}

/// Another account pays with the card: the attempt waits for its holder, who is asked
/// in the same transaction that records it.
async fn ask_holder(
    db: &Db,
    card: &CardRow,
    auth: &Authorization<'_>,
) -> Result<Authorized, ApiError> {
    let mut tx = db.begin_durable().await?;
    let id = insert(&mut tx, card, auth, "awaiting_approval", None, None).await?;
    notifications::notify_card(
        &mut tx,
        &CardAbout {
            recipient: card.user_id,
            kind: NotificationKind::CardApproval,
            actor: auth.payer.account_id,
            card_id: card.id,
            transaction_id: Some(id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Authorized {
        decision: Decision::NeedsApproval,
        tell: Some(card.user_id),
    })
}

/// Locks a card after its last wrong try, and writes its holder's notice; answers whom
/// to tell once this is committed (none when it was locked already).
async fn lock(db: &Db, card: &CardRow, payer: &Payer) -> Result<Option<i64>, ApiError> {
    let mut tx = db.begin_durable().await?;
    let locked = sqlx::query("UPDATE debit_cards SET locked = 1 WHERE id = $1 AND locked = 0")
        .bind(card.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if locked == 1 {
        notifications::notify_card(
            &mut tx,
            &CardAbout {
                recipient: card.user_id,
                kind: NotificationKind::CardLocked,
                actor: payer.account_id,
                card_id: card.id,
                transaction_id: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((locked == 1).then_some(card.user_id))
}

/// Why the card cannot pay this amount now, if it cannot: another currency, over a
/// limit, not enough in the wallet. Locks the holder's wallets in `tx`.
pub(super) async fn refusal(
    tx: &mut AnyConnection,
    db: &Db,
    card: &CardRow,
    amount_minor: i64,
    currency: &str,
) -> Result<Option<&'static str>, ApiError> {
    if currency != card.currency {
        return Ok(Some("currency_not_supported"));
    }
    let spent = spent_this_month(tx, card.id).await?;
    if amount_minor > card.per_purchase_limit_minor
        || spent.saturating_add(amount_minor) > card.monthly_limit_minor
    {
        return Ok(Some("over_limit"));
    }
    let wallets = ledger::lock_wallets(tx, db.backend, &[card.user_id]).await?;
    let wallet = wallets.get(&(card.user_id, card.currency.clone()));
    if Amount::new(amount_minor).is_err()
        || wallet.is_none_or(|(_, b)| b.available() < amount_minor)
    {
        return Ok(Some("insufficient_funds"));
    }
    Ok(None)
}

fn hold_id(payment_key: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!("card:{payment_key}")).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Holds the amount in the card's wallet for its payment, until `hold_ms` from now.
pub(super) async fn hold(
    tx: &mut AnyConnection,
    db: &Db,
    card: &CardRow,
    payment_key: &str,
    amount_minor: i64,
    hold_ms: i64,
) -> Result<TransferId, ApiError> {
    let currency =
        Currency::parse(&card.currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let amount = Amount::new(amount_minor).map_err(|e| ApiError::Validation(e.to_string()))?;
    let wallets = ledger::lock_wallets(tx, db.backend, &[card.user_id]).await?;
    let (debit, _) = wallets
        .get(&(card.user_id, card.currency.clone()))
        .ok_or(ApiError::InsufficientFunds)?;
    let network = ledger::account(tx, Holder::External, &currency).await?;
    let id = hold_id(payment_key)?;
    let now = now_ms();
    ledger::record_at(
        tx,
        &Transfer {
            id: id.clone(),
            debit: *debit,
            credit: network,
            currency,
            amount,
            kind: Kind::Pending {
                timeout_at: now.saturating_add(hold_ms),
            },
            code: "card",
            reference: Some(format!("card {}", card.last4)),
        },
        now,
    )
    .await?;
    Ok(id)
}

/// Writes a declined try in the card's activity, with its reason (a decline code).
async fn record(
    db: &Db,
    card: &CardRow,
    auth: &Authorization<'_>,
    reason: &'static str,
) -> Result<(), ApiError> {
    let mut conn = db.durable.acquire().await?;
    insert(
        &mut conn,
        card,
        auth,
        "declined",
        Some(decline_words(reason)),
        None,
    )
    .await?;
    Ok(())
}

async fn insert(
    conn: &mut AnyConnection,
    card: &CardRow,
    auth: &Authorization<'_>,
    status: &str,
    reason: Option<&str>,
    hold: Option<&TransferId>,
) -> Result<i64, ApiError> {
    let now = now_ms();
    let approval_until = (status == "awaiting_approval")
        .then(|| now.saturating_add(CARD_APPROVAL_MINUTES.saturating_mul(60_000)));
    let payer = (auth.payer.account_id != card.user_id).then_some(auth.payer.account_id);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO card_transactions (card_id, payment_key, merchant, currency, amount_minor,
                                        status, reason, hold_id, payer_id, approval_until,
                                        created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (payment_key) DO UPDATE SET updated_at = card_transactions.updated_at
         RETURNING id",
    )
    .bind(card.id)
    .bind(auth.payment_key)
    .bind(auth.merchant)
    .bind(auth.currency)
    .bind(auth.amount_minor.max(1))
    .bind(status)
    .bind(reason)
    .bind(hold.map(TransferId::as_str))
    .bind(payer)
    .bind(approval_until)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The codes a decline is kept under, with the words the holder's activity shows.
const DECLINES: [(&str, &str); 9] = [
    ("card_frozen", "the card is frozen"),
    (
        "card_locked",
        "the card is locked after wrong security codes",
    ),
    ("over_limit", "over the card's limit"),
    ("insufficient_funds", "not enough money in the wallet"),
    (
        "currency_not_supported",
        "the card pays in another currency",
    ),
    ("incorrect_cvc", "the security code is wrong"),
    ("expired_card", "the card has expired"),
    ("too_many_tries", "too many tries; try again later"),
    ("not_approved", "not approved by you"),
];

/// The words a declined transaction shows, by its code.
pub(super) fn decline_words(code: &str) -> &'static str {
    DECLINES
        .iter()
        .find(|(known, _)| *known == code)
        .map_or("declined", |(_, words)| words)
}

fn decline_code(words: Option<&str>) -> &'static str {
    DECLINES
        .iter()
        .find(|(_, known)| Some(*known) == words)
        .map_or(GENERIC_DECLINE, |(code, _)| code)
}

/// The processor captured the payment: its hold is posted, once.
pub async fn capture(db: &Db, payment_key: &str) -> Result<Captured, ApiError> {
    finish(db, payment_key, true).await
}

/// The processor's payment did not succeed: its hold goes back, or its approval is
/// withdrawn, once.
pub async fn release(db: &Db, payment_key: &str) -> Result<(), ApiError> {
    finish(db, payment_key, false).await.map(|_| ())
}

async fn finish(db: &Db, payment_key: &str, posted: bool) -> Result<Captured, ApiError> {
    let mut tx = db.begin_durable().await?;
    let sql = format!(
        "SELECT status, hold_id, amount_minor FROM card_transactions WHERE payment_key = $1{}",
        db.backend.for_update()
    );
    let row: Option<(String, Option<String>, i64)> = sqlx::query_as(&sql)
        .bind(payment_key)
        .fetch_optional(&mut *tx)
        .await?;
    let (hold, amount) = match row {
        Some((status, Some(hold), amount)) if status == "held" => (hold, amount),
        Some((status, _, _)) if status == "awaiting_approval" && !posted => {
            set_status(
                &mut tx,
                payment_key,
                "declined",
                Some(decline_words("not_approved")),
            )
            .await?;
            tx.commit().await?;
            return Ok(Captured::Gone);
        }
        Some((status, _, _)) if status == "posted" => return Ok(Captured::Posted),
        Some(_) => return Ok(Captured::Gone),
        None => return Ok(Captured::NotOurs),
    };
    let hold = TransferId::parse(&hold).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (status, resolution) = if posted {
        let amount = Amount::new(amount).map_err(|e| ApiError::Internal(e.to_string()))?;
        ("posted", Resolution::Post(amount))
    } else {
        ("voided", Resolution::Void)
    };
    let id = TransferId::parse(&format!("{}:{status}", hold.as_str()))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match ledger::resolve(&mut tx, id, &hold, resolution, "card").await {
        Ok(Recorded::New | Recorded::Replayed) => {}
        // The hold ran out first: the money is back already, so nothing was taken.
        Err(ledger::LedgerError::HoldExpired | ledger::LedgerError::AlreadyResolved) => {
            set_status(&mut tx, payment_key, "voided", None).await?;
            tx.commit().await?;
            return Ok(Captured::Gone);
        }
        Err(e) => return Err(e.into()),
    }
    set_status(&mut tx, payment_key, status, None).await?;
    tx.commit().await?;
    Ok(if posted {
        Captured::Posted
    } else {
        Captured::Gone
    })
}

pub(super) async fn set_status(
    conn: &mut AnyConnection,
    payment_key: &str,
    status: &str,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE card_transactions SET status = $2, reason = COALESCE($3, reason),
             updated_at = $4
         WHERE payment_key = $1",
    )
    .bind(payment_key)
    .bind(status)
    .bind(reason)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// A refund of a Souq-card payment comes back into the card's wallet, once per refund
/// key. Answers whether the payment was a Souq card's.
pub async fn refund(
    db: &Db,
    payment_key: &str,
    amount_minor: i64,
    refund_key: &str,
) -> Result<bool, ApiError> {
    let mut tx = db.begin_durable().await?;
    let card: Option<(i64, String)> = sqlx::query_as(
        "SELECT c.user_id, c.currency FROM card_transactions t
         JOIN debit_cards c ON c.id = t.card_id
         WHERE t.payment_key = $1 AND t.status = 'posted'",
    )
    .bind(payment_key)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, currency)) = card else {
        return Ok(false);
    };
    let currency = Currency::parse(&currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let amount = Amount::new(amount_minor).map_err(|e| ApiError::Validation(e.to_string()))?;
    let network = ledger::account(&mut tx, Holder::External, &currency).await?;
    let wallet = ledger::account(&mut tx, Holder::Wallet { user_id }, &currency).await?;
    ledger::record(
        &mut tx,
        &Transfer {
            id: TransferId::parse(&format!("card-refund:{refund_key}"))
                .map_err(|e| ApiError::Internal(e.to_string()))?,
            debit: network,
            credit: wallet,
            currency,
            amount,
            kind: Kind::Posted,
            code: "refund",
            reference: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Souq as its cards' issuer, as the processor reaches it: what it must tell at once
/// (a holder asked to approve, a card that locked itself) is published here.
pub struct SouqIssuer {
    base: Base,
    keys: Arc<CardKeys>,
}

impl SouqIssuer {
    pub fn new(base: &Base, keys: Arc<CardKeys>) -> SouqIssuer {
        SouqIssuer {
            base: base.clone(),
            keys,
        }
    }
}

fn unavailable(e: ApiError) -> ProcessorError {
    ProcessorError::Unavailable(e.to_string())
}

impl Issuer for SouqIssuer {
    fn issues(&self, number: &str) -> bool {
        is_souq_number(number)
    }

    fn authorize<'a>(
        &'a self,
        authorization: &'a Authorization<'_>,
    ) -> BoxFuture<'a, Result<Decision, ProcessorError>> {
        Box::pin(async move {
            let authorized = authorize(&self.base.db, &self.keys, authorization)
                .await
                .map_err(unavailable)?;
            if let Some(holder) = authorized.tell {
                self.base.publish(&[Change::Inbox(holder)]).await;
            }
            Ok(authorized.decision)
        })
    }

    fn capture<'a>(
        &'a self,
        payment_key: &'a str,
    ) -> BoxFuture<'a, Result<Captured, ProcessorError>> {
        Box::pin(async move {
            capture(&self.base.db, payment_key)
                .await
                .map_err(unavailable)
        })
    }

    fn release<'a>(&'a self, payment_key: &'a str) -> BoxFuture<'a, Result<(), ProcessorError>> {
        Box::pin(async move {
            release(&self.base.db, payment_key)
                .await
                .map_err(unavailable)
        })
    }

    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        amount_minor: i64,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProcessorError>> {
        Box::pin(async move {
            refund(&self.base.db, payment_key, amount_minor, refund_key)
                .await
                .map(|_| ())
                .map_err(unavailable)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declines_read_back_their_code() {
        for (code, _) in DECLINES {
            assert_eq!(decline_code(Some(decline_words(code))), code);
        }
        assert_eq!(decline_code(Some("something else")), GENERIC_DECLINE);
    }

    #[test]
    fn anyone_but_the_holder_hears_one_generic_decline_whatever_the_reason() {
        for (code, _) in DECLINES {
            assert_eq!(declined(code, false), Decision::Declined(GENERIC_DECLINE));
            assert_eq!(declined(code, true), Decision::Declined(code));
        }
    }
}
