//! Savings: a second account per person and currency beside the wallet, and its daily
//! interest. Moving money in or out is one ledger transfer named after the app's key.
//! Interest accrues per UTC day on the day's closing balance at the configured annual
//! rate and is paid from the outside world (the platform's bank) as one transfer per
//! account and day. The day's row in `savings_interest` is claimed before the transfer
//! is made, so the job may run twice, or on two instances at once, and still pay each
//! day once; what falls below a minor unit is carried to the next day exactly.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use souq_wire::{MoveSavings, SavingsDirection, User, WalletHome};

use super::home;
use super::requests::{money_of, transfer_id};
use super::service::WalletService;
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::base::idempotency::checked_key;
use crate::ledger::{self, Amount, Currency, Holder, Kind, LedgerError, Transfer, TransferId};

/// The interest of a day is `balance * rate / DENOMINATOR` minor units: basis points of
/// a year, over 365 days.
const DENOMINATOR: i128 = 10_000 * 365;

/// A day's interest is worked out this long after the day ends (UTC), so a transfer
/// made at its last moment is in its closing balance on every instance.
const GRACE_MS: i64 = 5 * 60 * 1000;

/// Moves money between main and savings; a retry with the same key moves nothing again.
pub async fn move_money(
    wallet: &WalletService,
    me: &User,
    session_token: &str,
    key: Option<&str>,
    request: &MoveSavings,
) -> Result<WalletHome, ApiError> {
    let key = checked_key(key)?;
    let (amount, currency) = money_of(request.amount_minor, &request.currency)?;
    let (from, to) = match request.direction {
        SavingsDirection::In => (
            Holder::Wallet { user_id: me.id },
            Holder::Savings { user_id: me.id },
        ),
        SavingsDirection::Out => (
            Holder::Savings { user_id: me.id },
            Holder::Wallet { user_id: me.id },
        ),
    };
    let mut tx = wallet.base.db.begin_durable().await?;
    let debit = ledger::find_account(&mut tx, from, &currency)
        .await?
        .ok_or(ApiError::InsufficientFunds)?;
    let credit = ledger::account(&mut tx, to, &currency).await?;
    let recorded = ledger::record(
        &mut tx,
        &Transfer {
            id: transfer_id("savings", me.id, key)?,
            debit,
            credit,
            currency,
            amount,
            kind: Kind::Posted,
            code: "savings",
            reference: None,
        },
    )
    .await;
    match recorded {
        Ok(_) => tx.commit().await?,
        Err(LedgerError::IdReused) => return Err(super::requests::key_reused()),
        Err(e) => return Err(e.into()),
    }
    home(wallet, me.id, session_token).await
}

/// What one day pays: whole minor units, and the remainder carried to the next day.
fn accrue(balance_minor: i64, rate_basis_points: i64, carry: i64) -> (i64, i64) {
    if balance_minor <= 0 || rate_basis_points <= 0 {
        return (0, carry);
    }
    let accrued = i128::from(balance_minor)
        .saturating_mul(i128::from(rate_basis_points))
        .saturating_add(i128::from(carry));
    let paid = i64::try_from(accrued / DENOMINATOR).unwrap_or(i64::MAX);
    let carry = i64::try_from(accrued % DENOMINATOR).unwrap_or(0);
    (paid, carry)
}

fn day_start_ms(day: NaiveDate) -> i64 {
    day.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}

fn day_of_ms(ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .date_naive()
}

/// The days whose interest is due by `now`: each day that ended at least `GRACE_MS` ago.
fn last_due_day(now: i64) -> Option<NaiveDate> {
    day_of_ms(now.saturating_sub(GRACE_MS)).checked_sub_days(Days::new(1))
}

/// Pays every day's interest due by `now` on every savings account: the job each
/// instance runs. Answers how many days it paid (each day is paid by one instance).
pub async fn post_interest(db: &Db, rate_basis_points: i64, now: i64) -> Result<u64, ApiError> {
    let Some(last_due) = last_due_day(now) else {
        return Ok(0);
    };
    let (kind, _) = Holder::Savings { user_id: 0 }.key();
    let accounts: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT a.id, a.currency, a.created_at, MAX(si.day)
         FROM ledger_accounts a LEFT JOIN savings_interest si ON si.account_id = a.id
         WHERE a.kind = $1
         GROUP BY a.id, a.currency, a.created_at",
    )
    .bind(kind)
    .fetch_all(&db.durable)
    .await?;
    let mut paid_days = 0;
    for (account_id, currency, created_at, last_paid) in accounts {
        let Ok(currency) = Currency::parse(&currency) else {
            continue;
        };
        let mut day = match last_paid.and_then(|d| d.parse::<NaiveDate>().ok()) {
            Some(paid) => paid.checked_add_days(Days::new(1)),
            None => Some(day_of_ms(created_at)),
        };
        while let Some(d) = day.filter(|d| *d <= last_due) {
            if pay_day(db, account_id, &currency, d, rate_basis_points).await? {
                paid_days += 1;
            }
            day = d.checked_add_days(Days::new(1));
        }
    }
    Ok(paid_days)
}

/// Pays one account's interest for one day, unless it was paid already. Answers
/// whether this call paid it.
async fn pay_day(
    db: &Db,
    account_id: i64,
    currency: &Currency,
    day: NaiveDate,
    rate_basis_points: i64,
) -> Result<bool, ApiError> {
    let end = day
        .checked_add_days(Days::new(1))
        .map(day_start_ms)
        .unwrap_or(i64::MAX);
    let previous = day
        .checked_sub_days(Days::new(1))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut tx = db.begin_durable().await?;
    // The closing balance, in one statement so it is one snapshot: what the account
    // holds now, less what moved since the day ended.
    let (balance,): (i64,) = sqlx::query_as(
        "SELECT CAST(a.credits_posted - a.debits_posted - COALESCE((
                    SELECT SUM(CASE WHEN t.credit_account_id = a.id THEN t.amount
                                    ELSE -t.amount END)
                    FROM ledger_transfers t
                    WHERE (t.credit_account_id = a.id OR t.debit_account_id = a.id)
                      AND t.kind IN (0, 2) AND t.created_at >= $2), 0) AS BIGINT)
         FROM ledger_accounts a WHERE a.id = $1",
    )
    .bind(account_id)
    .bind(end)
    .fetch_one(&mut *tx)
    .await?;
    let carried: Option<(i64,)> =
        sqlx::query_as("SELECT carry FROM savings_interest WHERE account_id = $1 AND day = $2")
            .bind(account_id)
            .bind(&previous)
            .fetch_optional(&mut *tx)
            .await?;
    let (paid, carry) = accrue(
        balance,
        rate_basis_points,
        carried.map_or(0, |(carry,)| carry),
    );
    let now = now_ms();
    let claimed = sqlx::query(
        "INSERT INTO savings_interest (account_id, day, balance_minor, rate_basis_points,
                                       paid_minor, carry, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id, day) DO NOTHING",
    )
    .bind(account_id)
    .bind(day.to_string())
    .bind(balance)
    .bind(rate_basis_points)
    .bind(paid)
    .bind(carry)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        // Another run paid this day first.
        tx.rollback().await?;
        return Ok(false);
    }
    if let Ok(amount) = Amount::new(paid) {
        let id = TransferId::parse(&format!("interest:{account_id}:{day}"))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let external = ledger::account(&mut tx, Holder::External, currency).await?;
        ledger::record(
            &mut tx,
            &Transfer {
                id: id.clone(),
                debit: external,
                credit: ledger::AccountId(account_id),
                currency: currency.clone(),
                amount,
                kind: Kind::Posted,
                code: "interest",
                reference: Some(format!("interest {day}")),
            },
        )
        .await?;
        sqlx::query(
            "UPDATE savings_interest SET transfer_id = $3 WHERE account_id = $1 AND day = $2",
        )
        .bind(account_id)
        .bind(day.to_string())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Runs the interest job once, logging rather than failing: the sweep's step.
pub async fn keep_interest_paid(wallet: &WalletService) {
    let rate = wallet.settings().savings_rate_basis_points;
    match post_interest(&wallet.base.db, rate, now_ms()).await {
        Ok(0) => {}
        Ok(days) => tracing::info!(days, "paid savings interest"),
        Err(e) => tracing::warn!(error = %e, "paying savings interest failed; trying again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_pays_whole_units_and_carries_the_rest_exactly() {
        // 10,000.00 at 4%: 400,000,000 / 3,650,000 = 109 units and 2,150,000 carried.
        assert_eq!(accrue(1_000_000, 400, 0), (109, 2_150_000));
        // The carry tips the next day over.
        assert_eq!(accrue(1_000_000, 400, 2_150_000), (110, 650_000));
        assert_eq!(accrue(0, 400, 77), (0, 77));
        assert_eq!(accrue(-5, 400, 77), (0, 77));
        assert_eq!(accrue(1_000_000, 0, 77), (0, 77));
    }

    #[test]
    fn a_year_of_days_pays_the_rate_to_the_unit() {
        let (mut paid, mut carry) = (0, 0);
        for _ in 0..365 {
            let (p, c) = accrue(1_000_000, 400, carry);
            paid += p;
            carry = c;
        }
        // 4% of 10,000.00 (simple interest on an unchanged balance).
        assert_eq!(paid, 40_000);
        assert_eq!(carry, 0);
    }

    #[test]
    fn a_day_is_due_five_minutes_after_it_ends() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let midnight = day_start_ms(day);
        assert_eq!(
            last_due_day(midnight + GRACE_MS - 1),
            day.checked_sub_days(Days::new(2))
        );
        assert_eq!(
            last_due_day(midnight + GRACE_MS),
            day.checked_sub_days(Days::new(1))
        );
    }
}
