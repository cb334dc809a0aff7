//! The virtual debit card: Souq as the card's issuer. Each card's number (Luhn-valid,
//! from Souq's own test range), expiry and CVV are made here; number and CVV are sealed
//! with AES-256-GCM under a key that is not in the database, and found again by the
//! number's keyed hash. The card is shown masked and revealed only after the PIN.
//!
//! Paying with it goes the way of any card: the checkout charges it through the payment
//! processor, which routes a number of Souq's range back here to be authorized. The
//! authorization holds the money on the ledger (wallet to the outside world, the card
//! network) and the processor's success posts the hold; a hold whose payment never
//! succeeded expires back to the wallet. Frozen cards, the per-purchase and monthly
//! limits, and the wallet's balance decline a charge with a reason, kept in the card's
//! transactions.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Datelike, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use souq_wire::{
    CardDetails, CardSettings, CardTransaction, CardTransactionStatus, DebitCard, IssueCard, Money,
    RevealedCard, Secret, User,
};
use sqlx::AnyConnection;

use super::vault;
use crate::db::{Db, from_ms, now_ms};
use crate::error::ApiError;
use crate::ledger::{
    self, Amount, Currency, Holder, Kind, Recorded, Resolution, Transfer, TransferId,
};
use crate::random;
use crate::state::Souq;

/// The first digits of every Souq card: the processor sends their charges here.
pub const SOUQ_RANGE: &str = "40000566";
/// A published test card of that range, never issued to anyone.
const PUBLISHED: &str = "4000056655665556";
/// Limits a new card starts with, in major units.
const PER_PURCHASE_MAJOR: i64 = 2_000;
const MONTHLY_MAJOR: i64 = 10_000;
/// The most a limit may be raised to, in major units.
const MAX_LIMIT_MAJOR: i64 = 100_000;
/// How many years a card is valid.
const VALID_YEARS: i32 = 4;

/// The keys cards are kept under, made from the operator's one card key: one seals,
/// the other hashes numbers to find them.
pub struct CardKeys {
    seal: [u8; 32],
    find: [u8; 32],
}

impl CardKeys {
    pub fn from_secret(secret: &Secret<String>) -> CardKeys {
        let derive = |purpose: &[u8]| -> [u8; 32] {
            let mut digest = Sha256::new();
            digest.update(secret.expose().as_bytes());
            digest.update(purpose);
            digest.finalize().into()
        };
        CardKeys {
            seal: derive(b"souq card seal"),
            find: derive(b"souq card find"),
        }
    }

    fn number_hash(&self, number: &str) -> String {
        match <Hmac<Sha256> as Mac>::new_from_slice(&self.find) {
            Ok(mut mac) => {
                mac.update(number.as_bytes());
                STANDARD.encode(mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }

    /// Seals the card's secrets, bound to their owner: a sealed card copied to another
    /// person's row does not open.
    fn seal(&self, user_id: i64, secrets: &Sealed) -> Result<String, ApiError> {
        let cipher = Aes256Gcm::new_from_slice(&self.seal)
            .map_err(|e| ApiError::Internal(format!("card key: {e}")))?;
        let mut nonce = [0u8; 12];
        for (byte, random) in nonce.iter_mut().zip(random::bytes(12)) {
            *byte = random;
        }
        let plain = serde_json::to_vec(secrets).map_err(|e| ApiError::Internal(e.to_string()))?;
        let aad = user_id.to_be_bytes();
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .map_err(|_| ApiError::Internal("cannot seal a card".into()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(STANDARD.encode(out))
    }

    fn open(&self, user_id: i64, sealed: &str) -> Result<Sealed, ApiError> {
        let cannot =
            || ApiError::Internal("a card does not open with this server's card key".into());
        let cipher = Aes256Gcm::new_from_slice(&self.seal).map_err(|_| cannot())?;
        let bytes = STANDARD.decode(sealed).map_err(|_| cannot())?;
        let (nonce, body) = bytes.split_at_checked(12).ok_or_else(cannot)?;
        let aad = user_id.to_be_bytes();
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| cannot())?;
        serde_json::from_slice(&plain).map_err(|_| cannot())
    }
}

/// What is sealed: never printed (see `Secret`), never stored in the clear.
#[derive(Serialize, Deserialize)]
struct Sealed {
    #[serde(serialize_with = "souq_wire::secret::serialize_exposed")]
    number: Secret<String>,
    #[serde(serialize_with = "souq_wire::secret::serialize_exposed")]
    cvv: Secret<String>,
}

fn luhn_digit(body: &str) -> Option<char> {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10)
}

fn digits(count: usize) -> String {
    (0..count)
        .filter_map(|_| char::from_digit(u32::try_from(random::below(10)).unwrap_or(0), 10))
        .collect()
}

/// A new card number of Souq's range: 16 digits, the last one Luhn's.
fn new_number() -> Option<String> {
    loop {
        let body = format!("{SOUQ_RANGE}{}", digits(7));
        let number = format!("{body}{}", luhn_digit(&body)?);
        if number != PUBLISHED {
            return Some(number);
        }
    }
}

/// Whether a card number is one Souq issued (the processor routes it here).
pub fn is_souq_number(number: &str) -> bool {
    number.len() == 16 && number.starts_with(SOUQ_RANGE)
}

fn major(amount: i64, currency: &Currency) -> i64 {
    amount.saturating_mul(super::minor_per_major(currency))
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    user_id: i64,
    sealed: String,
    last4: String,
    exp_month: i64,
    exp_year: i64,
    currency: String,
    frozen: i64,
    per_purchase_limit_minor: i64,
    monthly_limit_minor: i64,
}

const CARD_COLUMNS: &str = "id, user_id, sealed, last4, exp_month, exp_year, currency, frozen,
    per_purchase_limit_minor, monthly_limit_minor";

/// The first instant of this calendar month, UTC: the monthly limit's window.
fn month_start_ms() -> i64 {
    let now = Utc::now();
    chrono::NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

async fn spent_this_month(conn: &mut AnyConnection, card_id: i64) -> Result<i64, sqlx::Error> {
    let (spent,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM card_transactions
         WHERE card_id = $1 AND status IN ('held', 'posted') AND created_at >= $2",
    )
    .bind(card_id)
    .bind(month_start_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(spent)
}

async fn view(conn: &mut AnyConnection, row: &CardRow) -> Result<DebitCard, ApiError> {
    Ok(DebitCard {
        id: row.id,
        masked: format!("•••• {}", row.last4),
        last4: row.last4.clone(),
        exp_month: u32::try_from(row.exp_month).unwrap_or(0),
        exp_year: u32::try_from(row.exp_year).unwrap_or(0),
        currency: row.currency.clone(),
        frozen: row.frozen != 0,
        per_purchase_limit_minor: row.per_purchase_limit_minor,
        monthly_limit_minor: row.monthly_limit_minor,
        spent_this_month_minor: spent_this_month(conn, row.id).await?,
    })
}

async fn own_card(conn: &mut AnyConnection, me: i64, id: i64) -> Result<CardRow, ApiError> {
    let row: Option<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM debit_cards WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(me)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| ApiError::not_found("card"))
}

/// Issues the person a card in a currency (one per currency).
pub async fn issue(souq: &Souq, me: &User, request: &IssueCard) -> Result<DebitCard, ApiError> {
    let currency =
        Currency::parse(&request.currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    let keys = &souq.payments.card_keys;
    let number = new_number().ok_or_else(|| ApiError::Internal("no card number".into()))?;
    let cvv = digits(3);
    let today = Utc::now();
    let sealed = keys.seal(
        me.id,
        &Sealed {
            number: Secret::new(number.clone()),
            cvv: Secret::new(cvv),
        },
    )?;
    let last4 = number.get(12..).unwrap_or_default().to_string();
    let mut conn = souq.db.durable.acquire().await?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO debit_cards (user_id, sealed, number_hash, last4, exp_month, exp_year,
                                  currency, per_purchase_limit_minor, monthly_limit_minor,
                                  created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, currency) DO NOTHING RETURNING id",
    )
    .bind(me.id)
    .bind(&sealed)
    .bind(keys.number_hash(&number))
    .bind(&last4)
    .bind(i64::from(today.month()))
    .bind(i64::from(today.year().saturating_add(VALID_YEARS)))
    .bind(currency.as_str())
    .bind(major(PER_PURCHASE_MAJOR, &currency))
    .bind(major(MONTHLY_MAJOR, &currency))
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id,)) = inserted else {
        return Err(ApiError::Conflict(format!(
            "you have a {currency} card already"
        )));
    };
    let row = own_card(&mut conn, me.id, id).await?;
    view(&mut conn, &row).await
}

pub async fn list(souq: &Souq, me: &User) -> Result<Vec<DebitCard>, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM debit_cards WHERE user_id = $1 ORDER BY id"
    ))
    .bind(me.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut cards = Vec::with_capacity(rows.len());
    for row in &rows {
        cards.push(view(&mut conn, row).await?);
    }
    Ok(cards)
}

/// The card's number and CVV, after the PIN.
pub async fn reveal(
    souq: &Souq,
    me: &User,
    session_token: &str,
    id: i64,
) -> Result<RevealedCard, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    vault::require(&mut conn, me.id, session_token, now_ms()).await?;
    let secrets = souq.payments.card_keys.open(me.id, &row.sealed)?;
    Ok(RevealedCard {
        id,
        number: secrets.number,
        exp_month: u32::try_from(row.exp_month).unwrap_or(0),
        exp_year: u32::try_from(row.exp_year).unwrap_or(0),
        cvv: secrets.cvv,
    })
}

/// The card as a checkout pays with it: its details, for the processor only.
pub async fn details(souq: &Souq, me: &User, id: i64) -> Result<CardDetails, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    let secrets = souq.payments.card_keys.open(me.id, &row.sealed)?;
    Ok(CardDetails {
        number: secrets.number,
        exp_month: u32::try_from(row.exp_month).unwrap_or(0),
        exp_year: u32::try_from(row.exp_year).unwrap_or(0),
        cvc: secrets.cvv,
    })
}

/// Freezes or unfreezes the card and sets its limits.
pub async fn update(
    souq: &Souq,
    me: &User,
    id: i64,
    settings: &CardSettings,
) -> Result<DebitCard, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    let currency = Currency::parse(&row.currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let most = major(MAX_LIMIT_MAJOR, &currency);
    let (per, monthly) = (
        settings.per_purchase_limit_minor,
        settings.monthly_limit_minor,
    );
    if !(1..=most).contains(&per) || !(1..=most).contains(&monthly) {
        return Err(ApiError::Validation(format!(
            "a card's limits are 1 to {}",
            super::spoken(most, &currency)
        )));
    }
    if per > monthly {
        return Err(ApiError::Validation(
            "one purchase cannot be allowed more than the whole month".into(),
        ));
    }
    sqlx::query(
        "UPDATE debit_cards SET frozen = $3, per_purchase_limit_minor = $4,
             monthly_limit_minor = $5
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(me.id)
    .bind(i64::from(settings.frozen))
    .bind(per)
    .bind(monthly)
    .execute(&mut *conn)
    .await?;
    let row = own_card(&mut conn, me.id, id).await?;
    view(&mut conn, &row).await
}

/// The card's latest 50 transactions, declines included.
pub async fn transactions(
    souq: &Souq,
    me: &User,
    id: i64,
) -> Result<Vec<CardTransaction>, ApiError> {
    let mut conn = souq.db.durable.acquire().await?;
    own_card(&mut conn, me.id, id).await?;
    let rows: Vec<TransactionRow> = sqlx::query_as(
        "SELECT id, merchant, currency, amount_minor, status, reason, created_at
         FROM card_transactions WHERE card_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CardTransaction {
            id: row.id,
            merchant: row.merchant,
            amount: Money {
                amount_minor: row.amount_minor,
                currency: row.currency,
            },
            status: CardTransactionStatus::parse(&row.status)
                .unwrap_or(CardTransactionStatus::Declined),
            reason: row.reason,
            created_at: from_ms(row.created_at),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct TransactionRow {
    id: i64,
    merchant: String,
    currency: String,
    amount_minor: i64,
    status: String,
    reason: Option<String>,
    created_at: i64,
}

/// A charge the processor asks Souq, as the card's issuer, to authorize.
pub struct Authorization<'a> {
    /// The processor's key for the charge: the same key is the same authorization.
    pub payment_key: &'a str,
    pub card: &'a CardDetails,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub merchant: &'a str,
    /// How long the hold waits for the payment to succeed before it goes back.
    pub hold_ms: i64,
}

fn hold_id(payment_key: &str) -> Result<TransferId, ApiError> {
    TransferId::parse(&format!("card:{payment_key}")).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Authorizes a charge of a Souq card: holds the money in the card's wallet, or
/// answers why not (`card_declined`, `card_frozen`, `over_limit`, `insufficient_funds`,
/// `currency_not_supported`, `incorrect_cvc`, `expired_card`). Asked again with the same
/// payment key, it answers the same.
pub async fn authorize(
    db: &Db,
    keys: &CardKeys,
    auth: &Authorization<'_>,
) -> Result<Option<&'static str>, ApiError> {
    let number: String = auth
        .card
        .number
        .expose()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let mut tx = db.begin_durable().await?;
    let row: Option<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM debit_cards WHERE number_hash = $1"
    ))
    .bind(keys.number_hash(&number))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(card) = row else {
        return Ok(Some("card_declined"));
    };
    let done: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT status, reason FROM card_transactions WHERE payment_key = $1")
            .bind(auth.payment_key)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((status, reason)) = done {
        return Ok(match status.as_str() {
            "declined" => Some(decline_code(reason.as_deref())),
            _ => None,
        });
    }
    let secrets = keys.open(card.user_id, &card.sealed)?;
    let amount = Amount::new(auth.amount_minor).ok();
    let wallets = ledger::lock_wallets(&mut tx, db.backend, &[card.user_id]).await?;
    let wallet = wallets.get(&(card.user_id, card.currency.clone()));
    let today = Utc::now();
    let expired = (card.exp_year, card.exp_month)
        < (i64::from(today.year()), i64::from(today.month()))
        || i64::from(auth.card.exp_year) != card.exp_year
        || i64::from(auth.card.exp_month) != card.exp_month;
    let spent = spent_this_month(&mut tx, card.id).await?;
    let decline = if secrets.cvv.expose() != auth.card.cvc.expose() {
        Some("incorrect_cvc")
    } else if expired {
        Some("expired_card")
    } else if card.frozen != 0 {
        Some("card_frozen")
    } else if auth.currency != card.currency {
        Some("currency_not_supported")
    } else if auth.amount_minor > card.per_purchase_limit_minor
        || spent.saturating_add(auth.amount_minor) > card.monthly_limit_minor
    {
        Some("over_limit")
    } else if amount.is_none() || wallet.is_none_or(|(_, b)| b.available() < auth.amount_minor) {
        Some("insufficient_funds")
    } else {
        None
    };
    let now = now_ms();
    let hold = match (decline, amount, wallet) {
        (None, Some(amount), Some((debit, _))) => {
            let currency =
                Currency::parse(&card.currency).map_err(|e| ApiError::Internal(e.to_string()))?;
            let network = ledger::account(&mut tx, Holder::External, &currency).await?;
            let id = hold_id(auth.payment_key)?;
            ledger::record_at(
                &mut tx,
                &Transfer {
                    id: id.clone(),
                    debit: *debit,
                    credit: network,
                    currency,
                    amount,
                    kind: Kind::Pending {
                        timeout_at: now.saturating_add(auth.hold_ms),
                    },
                    code: "card",
                    reference: Some(format!("card {}", card.last4)),
                },
                now,
            )
            .await?;
            Some(id)
        }
        _ => None,
    };
    sqlx::query(
        "INSERT INTO card_transactions (card_id, payment_key, merchant, currency, amount_minor,
                                        status, reason, hold_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(card.id)
    .bind(auth.payment_key)
    .bind(auth.merchant)
    .bind(auth.currency)
    .bind(auth.amount_minor.max(1))
    .bind(if decline.is_some() {
        "declined"
    } else {
        "held"
    })
    .bind(decline.map(decline_words))
    .bind(hold.as_ref().map(TransferId::as_str))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(decline)
}

/// The words a declined transaction shows, by its code.
fn decline_words(code: &str) -> &'static str {
    match code {
        "card_frozen" => "the card is frozen",
        "over_limit" => "over the card's limit",
        "insufficient_funds" => "not enough money in the wallet",
        "currency_not_supported" => "the card pays in another currency",
        "incorrect_cvc" => "the security code is wrong",
        "expired_card" => "the card has expired",
        _ => "declined",
    }
}

fn decline_code(words: Option<&str>) -> &'static str {
    [
        "card_frozen",
        "over_limit",
        "insufficient_funds",
        "currency_not_supported",
        "incorrect_cvc",
        "expired_card",
    ]
    .into_iter()
    .find(|code| Some(decline_words(code)) == words)
    .unwrap_or("card_declined")
}

/// The processor's payment succeeded: the hold is posted, once.
pub async fn capture(db: &Db, payment_key: &str) -> Result<(), ApiError> {
    finish(db, payment_key, true).await
}

/// The processor's payment did not succeed: the hold goes back, once.
pub async fn release(db: &Db, payment_key: &str) -> Result<(), ApiError> {
    finish(db, payment_key, false).await
}

async fn finish(db: &Db, payment_key: &str, posted: bool) -> Result<(), ApiError> {
    let mut tx = db.begin_durable().await?;
    let sql = format!(
        "SELECT hold_id, amount_minor FROM card_transactions
         WHERE payment_key = $1 AND status = 'held'{}",
        db.backend.for_update()
    );
    let held: Option<(Option<String>, i64)> = sqlx::query_as(&sql)
        .bind(payment_key)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((Some(hold), amount)) = held else {
        return Ok(());
    };
    let hold = TransferId::parse(&hold).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (status, resolution) = if posted {
        (
            "posted",
            Resolution::Post(Amount::new(amount).map_err(|e| ApiError::Internal(e.to_string()))?),
        )
    } else {
        ("voided", Resolution::Void)
    };
    let id = TransferId::parse(&format!("{}:{status}", hold.as_str()))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match ledger::resolve(&mut tx, id, &hold, resolution, "card").await {
        Ok(Recorded::New | Recorded::Replayed) => {}
        // The hold ran out first: the money is back already.
        Err(ledger::LedgerError::HoldExpired | ledger::LedgerError::AlreadyResolved) => {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    sqlx::query("UPDATE card_transactions SET status = $2, updated_at = $3 WHERE payment_key = $1")
        .bind(payment_key)
        .bind(status)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> CardKeys {
        CardKeys::from_secret(&Secret::new("test card key".into()))
    }

    #[test]
    fn new_numbers_are_luhn_valid_in_souqs_range() {
        for _ in 0..200 {
            let number = new_number().unwrap_or_default();
            assert!(is_souq_number(&number), "{number}");
            let body = number.get(..15).unwrap_or_default();
            assert_eq!(number.chars().last(), luhn_digit(body), "{number}");
        }
        assert_eq!(luhn_digit("400005665566555"), Some('6'));
    }

    #[test]
    fn a_sealed_card_opens_only_for_its_owner_under_its_key() {
        let sealed = keys()
            .seal(
                7,
                &Sealed {
                    number: Secret::new("4000056612345674".into()),
                    cvv: Secret::new("321".into()),
                },
            )
            .unwrap_or_default();
        assert!(!sealed.contains("4000056612345674"));
        let opened = keys().open(7, &sealed).ok();
        assert_eq!(
            opened.as_ref().map(|s| s.number.expose().as_str()),
            Some("4000056612345674")
        );
        assert!(keys().open(8, &sealed).is_err());
        let other = CardKeys::from_secret(&Secret::new("another key".into()));
        assert!(other.open(7, &sealed).is_err());
    }

    #[test]
    fn declines_read_back_their_code() {
        for code in [
            "card_frozen",
            "over_limit",
            "insufficient_funds",
            "incorrect_cvc",
        ] {
            assert_eq!(decline_code(Some(decline_words(code))), code);
        }
    }
}
