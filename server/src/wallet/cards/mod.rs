//! The virtual debit card: Souq as the card's issuer. What a card is made of and kept
//! under is `keys.rs`; how its charges are authorized, held, captured and given back
//! is `issuer.rs`; the holder's answer when another account pays with it is
//! `approvals.rs`. Here: issuing a card, showing it (masked, or revealed after the
//! PIN), freezing it and its limits (unfreezing and raising a limit ask for the PIN),
//! and its activity.

mod approvals;
pub mod issuer;
pub mod keys;
mod rows;

pub use approvals::{answer, expire_approvals};
pub use issuer::SouqIssuer;
pub use keys::CardKeys;

use souq_wire::{
    CardDetails, CardSettings, CardTransaction, DebitCard, IssueCard, NotificationKind,
    RevealedCard, Secret, User,
};
use sqlx::AnyConnection;

use super::service::WalletService;
use super::vault;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::ledger::Currency;
use keys::Sealed;
use rows::{CARD_COLUMNS, CardRow, TRANSACTION_SELECT, TransactionRow, own_card, spent_this_month};

/// Limits a new card starts with, in major units.
const PER_PURCHASE_MAJOR: i64 = 2_000;
const MONTHLY_MAJOR: i64 = 10_000;
/// The most a limit may be raised to, in major units.
const MAX_LIMIT_MAJOR: i64 = 100_000;

fn major(amount: i64, currency: &Currency) -> i64 {
    amount.saturating_mul(super::settings::minor_per_major(currency))
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
        locked: row.locked != 0,
        per_purchase_limit_minor: row.per_purchase_limit_minor,
        monthly_limit_minor: row.monthly_limit_minor,
        spent_this_month_minor: spent_this_month(conn, row.id).await?,
    })
}

/// Issues the person a card in a currency (one per currency).
pub async fn issue(
    wallet: &WalletService,
    me: &User,
    request: &IssueCard,
) -> Result<DebitCard, ApiError> {
    let currency =
        Currency::parse(&request.currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    let keys = &wallet.card_keys;
    let number = keys::new_number().ok_or_else(|| ApiError::Internal("no card number".into()))?;
    let cvv = keys::digits(3);
    let (exp_month, exp_year) = keys::new_expiry();
    let sealed = keys.seal(
        me.id,
        &Sealed {
            number: Secret::new(number.clone()),
            cvv: Secret::new(cvv),
        },
    )?;
    let last4 = number.get(12..).unwrap_or_default().to_string();
    let mut conn = wallet.base.db.durable.acquire().await?;
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
    .bind(exp_month)
    .bind(exp_year)
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

pub async fn list(wallet: &WalletService, me: &User) -> Result<Vec<DebitCard>, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
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

/// The card's number and CVV, after the PIN. The account's other devices are told
/// ("was this you?").
pub async fn reveal(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    id: i64,
) -> Result<RevealedCard, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    vault::require(&mut conn, me.id, session_token, now_ms()).await?;
    let secrets = wallet.card_keys.open(me.id, &row.sealed)?;
    drop(conn);
    crate::notifications::security::tell_other_devices(
        &wallet.base,
        me.id,
        session_token,
        NotificationKind::CardRevealed,
        Some(id),
    )
    .await?;
    Ok(RevealedCard {
        id,
        number: secrets.number,
        exp_month: u32::try_from(row.exp_month).unwrap_or(0),
        exp_year: u32::try_from(row.exp_year).unwrap_or(0),
        cvv: secrets.cvv,
    })
}

/// The card as a checkout pays with it: its details, for the processor only.
pub async fn details(wallet: &WalletService, me: &User, id: i64) -> Result<CardDetails, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    let secrets = wallet.card_keys.open(me.id, &row.sealed)?;
    Ok(CardDetails {
        number: secrets.number,
        exp_month: u32::try_from(row.exp_month).unwrap_or(0),
        exp_year: u32::try_from(row.exp_year).unwrap_or(0),
        cvc: secrets.cvv,
    })
}

/// Freezes or unfreezes the card and sets its limits. Freezing and lowering a limit
/// are free; unfreezing (which also unlocks a card locked by wrong codes) and raising
/// a limit ask for the vault unlocked, so a session alone cannot open the card up.
pub async fn update(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    id: i64,
    settings: &CardSettings,
) -> Result<DebitCard, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    let row = own_card(&mut conn, me.id, id).await?;
    let opens = !settings.frozen && (row.frozen != 0 || row.locked != 0);
    let raises = settings.per_purchase_limit_minor > row.per_purchase_limit_minor
        || settings.monthly_limit_minor > row.monthly_limit_minor;
    let currency = Currency::parse(&row.currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let most = major(MAX_LIMIT_MAJOR, &currency);
    let (per, monthly) = (
        settings.per_purchase_limit_minor,
        settings.monthly_limit_minor,
    );
    if !(1..=most).contains(&per) || !(1..=most).contains(&monthly) {
        return Err(ApiError::Validation(format!(
            "a card's limits are 1 to {}",
            super::settings::spoken(most, &currency)
        )));
    }
    if per > monthly {
        return Err(ApiError::Validation(
            "one purchase cannot be allowed more than the whole month".into(),
        ));
    }
    if opens || raises {
        vault::require(&mut conn, me.id, session_token, now_ms()).await?;
    }
    // The card as it was read is the card the PIN was asked for: a change made
    // meanwhile (frozen again elsewhere) is not undone without asking again.
    let changed = sqlx::query(
        "UPDATE debit_cards SET frozen = $3, per_purchase_limit_minor = $4,
             monthly_limit_minor = $5,
             locked = CASE WHEN $6 = 1 THEN 0 ELSE locked END,
             wrong_codes = CASE WHEN $6 = 1 THEN 0 ELSE wrong_codes END
         WHERE id = $1 AND user_id = $2 AND frozen = $7 AND locked = $8",
    )
    .bind(id)
    .bind(me.id)
    .bind(i64::from(settings.frozen))
    .bind(per)
    .bind(monthly)
    .bind(i64::from(opens))
    .bind(row.frozen)
    .bind(row.locked)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(ApiError::Conflict(
            "the card changed meanwhile; look at it again".into(),
        ));
    }
    let row = own_card(&mut conn, me.id, id).await?;
    view(&mut conn, &row).await
}

/// The card's latest 50 transactions, declines included.
pub async fn transactions(
    wallet: &WalletService,
    me: &User,
    id: i64,
) -> Result<Vec<CardTransaction>, ApiError> {
    let mut conn = wallet.base.db.durable.acquire().await?;
    own_card(&mut conn, me.id, id).await?;
    let rows: Vec<TransactionRow> = sqlx::query_as(&format!(
        "{TRANSACTION_SELECT} WHERE t.card_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 50"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(TransactionRow::into_wire).collect())
}
