//! Withdrawals: money out of the wallet to a bank account through the payment
//! processor. The money is first held on the ledger (wallet to the outside world), in
//! the transaction that records the withdrawal under the app's key; then the processor
//! is asked for the payout, once per withdrawal; its outcome posts the hold or voids it,
//! exactly once. A payout still pending, or one whose answer was lost, is looked at
//! again by every instance's housekeeping until it ends. Money is given back only once
//! the processor has said the payout cannot be paid any more (`cancel_payout`): a
//! payout call still on its way when the housekeeping gives up on it is refused when
//! it arrives, so a withdrawal is never both paid out and given back; and one the bank
//! keeps pending past `PAYOUT_WAIT_MS` is stopped the same way, never stuck.

use souq_wire::{Money, Secret, User, Withdraw, Withdrawal, WithdrawalStatus};
use sqlx::AnyConnection;

use super::requests::{key_reused, money_of, transfer_id};
use super::service::WalletService;
use super::vault;
use crate::base::db::{from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::idempotency::{Fingerprint, checked_key, hash};
use crate::ledger::{self, Amount, Holder, Kind, Resolution, Transfer, TransferId};
use crate::payments::{Payout, PayoutRequest, PayoutStatus};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a payout may stay pending at the bank: then it is stopped, and its money
/// comes back unless the bank paid it meanwhile.
pub const PAYOUT_WAIT_MS: i64 = 7 * DAY_MS;
/// How long the ledger's hold waits before it could lapse by itself: twice the wait,
/// so the housekeeping always resolves the payout first.
const HOLD_MS: i64 = 2 * PAYOUT_WAIT_MS;
/// A pending withdrawal is looked at again this often.
const RECHECK_MS: i64 = 2_000;
/// A withdrawal the processor has not heard of this long after it was made is stopped
/// there (its request died, or is still on its way): its money goes back.
pub const NEVER_SENT_MS: i64 = 5 * 60 * 1000;

/// An IBAN as typed, checked: spaces dropped, letters capitalised, its country and its
/// mod-97 check digits right (ISO 13616).
pub fn checked_iban(typed: &str) -> Result<String, ApiError> {
    let bad = || ApiError::Validation("that is not a valid IBAN: check its digits".into());
    let iban: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&iban.len()) || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    let (head, rest) = iban.split_at(4);
    let country_ok = head.bytes().take(2).all(|b| b.is_ascii_uppercase())
        && head.bytes().skip(2).all(|b| b.is_ascii_digit());
    if !country_ok {
        return Err(bad());
    }
    let mut remainder: u32 = 0;
    for c in rest.chars().chain(head.chars()) {
        let value = c.to_digit(36).ok_or_else(bad)?;
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder == 1 { Ok(iban) } else { Err(bad()) }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    request_hash: String,
    transfer_id: String,
    currency: String,
    amount_minor: i64,
    bank_last4: String,
    status: String,
    failure: Option<String>,
    created_at: i64,
}

const COLUMNS: &str = "id, request_hash, transfer_id, currency, amount_minor, bank_last4,
    status, failure, created_at";

fn view(row: Row, replayed: bool) -> Withdrawal {
    Withdrawal {
        id: row.id,
        amount: Money {
            amount_minor: row.amount_minor,
            currency: row.currency,
        },
        bank_last4: row.bank_last4,
        status: match row.status.as_str() {
            "paid" => WithdrawalStatus::Paid,
            "failed" => WithdrawalStatus::Failed,
            _ => WithdrawalStatus::Pending,
        },
        failure: row.failure,
        replayed,
        created_at: from_ms(row.created_at),
    }
}

async fn by(
    conn: &mut AnyConnection,
    condition: &str,
    a: i64,
    b: Option<&str>,
) -> Result<Option<Row>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM withdrawals WHERE {condition}");
    super::requests::row_where(conn, &sql, a, b).await
}

fn payout_key(id: i64) -> String {
    format!("withdrawal-{id}")
}

/// Takes money out to a bank account; needs the vault unlocked. A retry with the same
/// key answers the first withdrawal and sends nothing again.
pub async fn withdraw(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    key: Option<&str>,
    request: &Withdraw,
) -> Result<Withdrawal, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let iban = checked_iban(request.iban.expose())?;
    let last4 = iban
        .get(iban.len().saturating_sub(4)..)
        .unwrap_or_default()
        .to_string();
    // The IBAN itself is not kept; its last four tell a retry from another request.
    let request_hash = hash(&Fingerprint {
        purpose: "withdrawal",
        request: (amount.get(), currency.as_str(), &last4),
        card: None,
    })?;
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
    let wallets = ledger::lock_wallets(&mut tx, wallet.base.db.backend, &[me.id]).await?;
    if let Some(existing) = by(
        &mut tx,
        "user_id = $1 AND idempotency_key = $2",
        me.id,
        Some(key),
    )
    .await?
    {
        tx.rollback().await?;
        if existing.request_hash != request_hash {
            return Err(key_reused());
        }
        return Ok(view(existing, true));
    }
    vault::require(&mut tx, me.id, session_token, now).await?;
    let Some((debit, balance)) = wallets.get(&(me.id, currency.as_str().to_string())) else {
        return Err(ApiError::InsufficientFunds);
    };
    if balance.available() < amount.get() {
        return Err(ApiError::InsufficientFunds);
    }
    let external = ledger::account(&mut tx, Holder::External, &currency).await?;
    let hold = transfer_id("withdrawal", me.id, key)?;
    ledger::record_at(
        &mut tx,
        &Transfer {
            id: hold.clone(),
            debit: *debit,
            credit: external,
            currency: currency.clone(),
            amount,
            kind: Kind::Pending {
                timeout_at: now.saturating_add(HOLD_MS),
            },
            code: "withdrawal",
            reference: Some(format!("bank {last4}")),
        },
        now,
    )
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO withdrawals (user_id, idempotency_key, request_hash, transfer_id, currency,
                                  amount_minor, bank_last4, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8) RETURNING id",
    )
    .bind(me.id)
    .bind(key)
    .bind(&request_hash)
    .bind(hold.as_str())
    .bind(currency.as_str())
    .bind(amount.get())
    .bind(&last4)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let payout = wallet
        .payments
        .processor
        .payout(PayoutRequest {
            idempotency_key: &payout_key(id),
            amount_minor: amount.get(),
            currency: currency.as_str(),
            iban: &Secret::new(iban),
        })
        .await;
    match payout {
        Ok(payout) => apply(wallet, id, &payout).await?,
        // Held and recorded: the housekeeping asks again and finishes it.
        Err(e) => tracing::warn!(error = %e, id, "a payout's answer did not come; asking later"),
    }
    let mut conn = wallet.base.db.durable.acquire().await?;
    let row = by(&mut conn, "id = $1", id, None)
        .await?
        .ok_or_else(|| ApiError::Internal("a withdrawal vanished".into()))?;
    Ok(view(row, false))
}

/// Applies a payout's outcome to its withdrawal once: paid posts the hold, failed voids
/// it (the money is back), pending changes nothing.
async fn apply(wallet: &WalletService, id: i64, payout: &Payout) -> Result<(), ApiError> {
    let now = now_ms();
    let mut tx = wallet.base.db.begin_durable().await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM withdrawals WHERE id = $1 AND status = 'pending'{}",
        wallet.base.db.backend.for_update()
    );
    let Some(row) = sqlx::query_as::<_, Row>(&sql)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(());
    };
    let hold =
        TransferId::parse(&row.transfer_id).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (status, resolution, failure) = match payout.status {
        PayoutStatus::Pending => {
            sqlx::query("UPDATE withdrawals SET payout_id = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(&payout.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(());
        }
        PayoutStatus::Paid => (
            "paid",
            Resolution::Post(
                Amount::new(row.amount_minor).map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
            None,
        ),
        PayoutStatus::Failed => (
            "failed",
            Resolution::Void,
            Some(match payout.failure_code.as_deref() {
                Some("account_closed") => "the bank says that account is closed".to_string(),
                Some("cancelled") => "the bank did not pay it in time; it was stopped".to_string(),
                Some(code) => format!("the bank refused it ({code})"),
                None => "the bank refused it".to_string(),
            }),
        ),
    };
    let resolved = TransferId::parse(&format!("{}:{status}", row.transfer_id))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match ledger::resolve(&mut tx, resolved, &hold, resolution, "withdrawal").await {
        Ok(_) => {}
        // The hold lapsed by itself (the housekeeping stood still past `HOLD_MS`): for a
        // refused payout that is the money back already.
        Err(ledger::LedgerError::HoldExpired) if status == "failed" => {}
        Err(e) => return Err(e.into()),
    }
    sqlx::query(
        "UPDATE withdrawals SET status = $2, failure = $3, payout_id = $4, updated_at = $5
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(failure)
    .bind(&payout.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Looks again at withdrawals still pending by `now`: the housekeeping's step, on any
/// instance.
pub async fn settle_pending(wallet: &WalletService, now: i64) -> Result<usize, ApiError> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, created_at FROM withdrawals WHERE status = 'pending' AND updated_at <= $1
         ORDER BY updated_at LIMIT 200",
    )
    .bind(now.saturating_sub(RECHECK_MS))
    .fetch_all(&wallet.base.db.durable)
    .await?;
    let mut settled = 0;
    let processor = &wallet.payments.processor;
    for (id, created_at) in due {
        // The processor keeps payouts by key: a lost answer is found there. One it never
        // heard of (the IBAN is not kept, so it cannot be sent again), or one pending
        // too long, is stopped there first: what it then says is applied, so money
        // comes back only for a payout that can no longer be paid.
        let key = payout_key(id);
        let found = processor.find_payout(&key).await?;
        let stop = match &found {
            None => created_at <= now.saturating_sub(NEVER_SENT_MS),
            Some(payout) => {
                payout.status == PayoutStatus::Pending
                    && created_at <= now.saturating_sub(PAYOUT_WAIT_MS)
            }
        };
        let payout = if stop {
            Some(processor.cancel_payout(&key).await?)
        } else {
            found
        };
        if let Some(payout) = payout {
            apply(wallet, id, &payout).await?;
            settled += usize::from(payout.status != PayoutStatus::Pending);
        }
        sqlx::query("UPDATE withdrawals SET updated_at = $2 WHERE id = $1 AND status = 'pending'")
            .bind(id)
            .bind(now)
            .execute(&wallet.base.db.durable)
            .await?;
    }
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_their_mod_97_digits() {
        assert_eq!(
            checked_iban("sa03 8000 0000 6080 1016 7519")
                .ok()
                .as_deref(),
            Some("SA0380000000608010167519")
        );
        assert!(checked_iban("DE89 3704 0044 0532 0130 00").is_ok());
        for bad in [
            "SA0380000000608010167518",
            "1234",
            "SA03-80€0",
            "XX0000000000000000",
        ] {
            assert!(checked_iban(bad).is_err(), "{bad}");
        }
    }
}
