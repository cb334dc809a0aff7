//! The wallet's activity and monthly spending, read from the ledger itself: every
//! transfer into or out of a person's wallet or savings is an entry, told apart by its
//! code, with its counterpart found from the other account (a person, a store, an
//! order's store, the outside world) and its note from the row that says what it was
//! for. Holds show as pending until posted; voided or expired ones are not shown.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use souq_wire::wallet::{MAX_ACTIVITY_PAGE, MAX_SPENDING_MONTHS};
use souq_wire::{
    ActivityEntry, ActivityKind, ActivityPage, ActivityQuery, Counterpart, Money, SpendingCategory,
    SpendingMonth, SpendingQuery, SpendingReport, SpendingSlice,
};
use sqlx::AnyConnection;

use crate::accounts::shown;
use crate::base::Base;
use crate::base::db::from_ms;
use crate::base::error::ApiError;
use crate::ledger::{self, Currency, Holder};

/// A person's own accounts: (id, is savings).
async fn own_accounts(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    let (wallet, _) = Holder::Wallet { user_id: 0 }.key();
    let (savings, _) = Holder::Savings { user_id: 0 }.key();
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, kind FROM ledger_accounts WHERE owner_id = $1 AND kind IN ($2, $3)
         ORDER BY id",
    )
    .bind(user_id)
    .bind(wallet)
    .bind(savings)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind)| (id, kind == savings))
        .collect())
}

/// Integers from the database, written into SQL as a list (never text from a request).
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: String,
    debit_account_id: i64,
    currency: String,
    amount: i64,
    kind: i64,
    code: String,
    reference: Option<String>,
    created_at: i64,
    other_kind: i64,
    other_owner: i64,
    store_owner: Option<i64>,
    order_id: Option<i64>,
    resolution_amount: Option<i64>,
    note: Option<String>,
    last4: Option<String>,
}

/// The entries' query; `{mine}`, `{savings}` and the extra conditions are filled in.
fn entries_sql(mine: &str, conditions: &str, limit_placeholder: &str) -> String {
    format!(
        "SELECT t.id, t.debit_account_id, t.currency, t.amount, t.kind,
                t.code, t.reference, t.created_at,
                o.kind AS other_kind, o.owner_id AS other_owner,
                s.owner_id AS store_owner, ord.id AS order_id,
                res.amount AS resolution_amount,
                COALESCE(ms.note, d.note, ct.merchant) AS note,
                COALESCE(w.bank_last4, c.card_last4, dc.last4) AS last4
         FROM ledger_transfers t
         JOIN ledger_accounts o ON o.id = CASE WHEN t.debit_account_id IN ({mine})
                                               THEN t.credit_account_id
                                               ELSE t.debit_account_id END
         LEFT JOIN ledger_transfers res ON res.pending_id = t.id
         LEFT JOIN money_sends ms ON ms.transfer_id = t.id
         LEFT JOIN donations d ON d.transfer_id = t.id
         LEFT JOIN withdrawals w ON w.transfer_id = t.id
         LEFT JOIN card_transactions ct ON ct.hold_id = t.id
         LEFT JOIN debit_cards dc ON dc.id = ct.card_id
         LEFT JOIN checkouts c ON t.code = 'top_up' AND c.payment_id = SUBSTR(t.reference, 9)
         LEFT JOIN users u ON o.kind = 1 AND u.id = o.owner_id
         LEFT JOIN orders ord ON o.kind = 4 AND ord.id = o.owner_id
         LEFT JOIN stores s ON s.id = CASE WHEN o.kind = 2 THEN o.owner_id
                                           WHEN o.kind = 4 THEN ord.store_id END
         WHERE (t.debit_account_id IN ({mine}) OR t.credit_account_id IN ({mine}))
           AND t.kind IN (0, 1) AND COALESCE(res.kind, 2) = 2
           {conditions}
         ORDER BY t.created_at DESC, t.id DESC LIMIT {limit_placeholder}"
    )
}

/// The SQL condition that picks one kind of entry.
fn kind_condition(kind: ActivityKind, mine: &str, savings: &str) -> String {
    let code = |code: &str| format!("t.code = '{code}'");
    match kind {
        ActivityKind::TopUp => code("top_up"),
        ActivityKind::Purchase => code("payment"),
        ActivityKind::Refund => code("refund"),
        ActivityKind::Sent => format!("t.code = 'p2p' AND t.debit_account_id IN ({mine})"),
        ActivityKind::Received => format!("t.code = 'p2p' AND t.credit_account_id IN ({mine})"),
        ActivityKind::ToSavings => {
            format!("t.code = 'savings' AND t.credit_account_id IN ({savings})")
        }
        ActivityKind::FromSavings => {
            format!("t.code = 'savings' AND t.debit_account_id IN ({savings})")
        }
        ActivityKind::Interest => code("interest"),
        ActivityKind::Donation => code("donation"),
        ActivityKind::Withdrawal => code("withdrawal"),
        ActivityKind::Card => code("card"),
    }
}

/// `text` for a LIKE pattern that finds it anywhere, its wildcards taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page cursor: strictly older than (time, transfer id).
fn parse_cursor(raw: &str) -> Result<(i64, String), ApiError> {
    let bad = || ApiError::Validation(format!("invalid cursor {raw:?}: pass a next_cursor back"));
    let (ms, id) = raw.split_once('_').ok_or_else(bad)?;
    Ok((ms.parse().map_err(|_| bad())?, id.to_string()))
}

fn entry_of(
    row: EntryRow,
    accounts: &HashMap<i64, bool>,
    authors: &HashMap<i64, souq_wire::Author>,
) -> Option<ActivityEntry> {
    let out = accounts.contains_key(&row.debit_account_id);
    let from_savings = accounts.get(&row.debit_account_id) == Some(&true);
    let kind = match row.code.as_str() {
        "top_up" => ActivityKind::TopUp,
        "payment" => ActivityKind::Purchase,
        "refund" => ActivityKind::Refund,
        "p2p" if out => ActivityKind::Sent,
        "p2p" => ActivityKind::Received,
        "savings" if from_savings => ActivityKind::FromSavings,
        "savings" => ActivityKind::ToSavings,
        "interest" => ActivityKind::Interest,
        "donation" => ActivityKind::Donation,
        "withdrawal" => ActivityKind::Withdrawal,
        "card" => ActivityKind::Card,
        _ => return None,
    };
    let party = |id: i64| {
        authors
            .get(&id)
            .cloned()
            .map(|author| Counterpart::Party { author })
    };
    let counterpart = match (kind, row.other_kind) {
        (ActivityKind::ToSavings | ActivityKind::FromSavings, _) => Counterpart::Savings,
        (_, 1) => party(row.other_owner)?,
        (_, 2 | 4) => party(row.store_owner?)?,
        (_, 0) if kind == ActivityKind::Interest => Counterpart::Souq,
        (_, 0) => Counterpart::Outside { last4: row.last4 },
        _ => Counterpart::Souq,
    };
    let pending = row.kind == 1 && row.resolution_amount.is_none();
    let amount = row.resolution_amount.unwrap_or(row.amount);
    // Seen from the main wallet: what left it is negative; what came into either
    // account (interest into savings included) is positive.
    let signed = match kind {
        ActivityKind::ToSavings => -amount,
        ActivityKind::FromSavings => amount,
        _ if out => -amount,
        _ => amount,
    };
    let order_id = row.order_id.or_else(|| {
        row.reference
            .as_deref()
            .and_then(|r| r.strip_prefix("order "))
            .and_then(|id| id.parse().ok())
    });
    Some(ActivityEntry {
        id: row.id,
        kind,
        amount: Money {
            amount_minor: signed,
            currency: row.currency,
        },
        counterpart,
        note: row.note.filter(|n| !n.is_empty()),
        order_id,
        pending,
        created_at: from_ms(row.created_at),
    })
}

/// Reads entries with extra conditions (binding `binds` from `$1`) and shows them.
async fn entries(
    base: &Base,
    user_id: i64,
    extra: &[String],
    binds: Vec<Bind>,
    limit: i64,
) -> Result<Vec<(ActivityEntry, i64)>, ApiError> {
    let mut conn = base.db.durable.acquire().await?;
    let accounts = own_accounts(&mut conn, user_id).await?;
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let mine = id_list(accounts.iter().map(|(id, _)| *id));
    let savings = id_list(
        accounts
            .iter()
            .filter(|(_, savings)| *savings)
            .map(|(id, _)| *id)
            .chain(std::iter::once(0)),
    );
    let conditions: String = extra
        .iter()
        .map(|c| {
            format!(
                "AND ({})",
                c.replace("{mine}", &mine).replace("{savings}", &savings)
            )
        })
        .collect::<Vec<_>>()
        .join("\n           ");
    let sql = entries_sql(&mine, &conditions, &format!("${}", binds.len() + 1));
    let mut query = sqlx::query_as::<_, EntryRow>(&sql);
    for bind in binds {
        query = match bind {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    let rows = query.bind(limit).fetch_all(&mut *conn).await?;
    drop(conn);
    let mut people: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            [
                Some(r.other_owner).filter(|_| r.other_kind == 1),
                r.store_owner,
            ]
        })
        .flatten()
        .collect();
    people.sort_unstable();
    people.dedup();
    let authors = shown::authors(&base.db, &people).await?;
    let accounts: HashMap<i64, bool> = accounts.into_iter().collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let at = row.created_at;
            entry_of(row, &accounts, &authors).map(|e| (e, at))
        })
        .collect())
}

enum Bind {
    Int(i64),
    Text(String),
}

/// A page of the person's activity, newest first, filtered by kind and counterpart.
pub async fn page(
    base: &Base,
    user_id: i64,
    query: &ActivityQuery,
) -> Result<ActivityPage, ApiError> {
    let limit = query.limit.unwrap_or(20).clamp(1, MAX_ACTIVITY_PAGE);
    let mut extra = Vec::new();
    let mut binds = Vec::new();
    if let Some(kind) = query.kind.as_deref().filter(|k| !k.is_empty()) {
        let kind = ActivityKind::parse(kind).ok_or_else(|| {
            ApiError::Validation(format!(
                "kind is one of {}",
                ActivityKind::ALL.map(ActivityKind::as_str).join(", ")
            ))
        })?;
        extra.push(kind_condition(kind, "{mine}", "{savings}"));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.chars().count() > 60 {
            return Err(ApiError::Validation(
                "a search has at most 60 characters".into(),
            ));
        }
        let n = binds.len() + 1;
        extra.push(format!(
            "LOWER(COALESCE(u.handle, '')) LIKE ${n} ESCAPE '\\'
             OR LOWER(COALESCE(u.display_name, '')) LIKE ${n} ESCAPE '\\'
             OR LOWER(COALESCE(s.name, '')) LIKE ${n} ESCAPE '\\'
             OR LOWER(COALESCE(s.handle, '')) LIKE ${n} ESCAPE '\\'
             OR LOWER(COALESCE(ms.note, d.note, '')) LIKE ${n} ESCAPE '\\'"
        ));
        binds.push(Bind::Text(contains_pattern(q)));
    }
    if let Some(cursor) = query.before.as_deref() {
        let (at, id) = parse_cursor(cursor)?;
        let (a, b) = (binds.len() + 1, binds.len() + 2);
        extra.push(format!(
            "t.created_at < ${a} OR (t.created_at = ${a} AND t.id < ${b})"
        ));
        binds.push(Bind::Int(at));
        binds.push(Bind::Text(id));
    }
    let mut rows = entries(base, user_id, &extra, binds, limit.saturating_add(1)).await?;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = more
        .then(|| rows.last().map(|(e, at)| format!("{at}_{}", e.id)))
        .flatten();
    Ok(ActivityPage {
        entries: rows.into_iter().map(|(e, _)| e).collect(),
        next_cursor,
    })
}

/// One entry of the person's activity; 404 for a transfer that is not theirs.
pub async fn entry(base: &Base, user_id: i64, id: &str) -> Result<ActivityEntry, ApiError> {
    let rows = entries(
        base,
        user_id,
        &["t.id = $1".to_string()],
        vec![Bind::Text(id.to_string())],
        1,
    )
    .await?;
    rows.into_iter()
        .next()
        .map(|(e, _)| e)
        .ok_or_else(|| ApiError::not_found("transfer"))
}

fn zone_of(name: Option<&str>) -> Result<Tz, ApiError> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(Tz::UTC),
        Some(name) => name
            .parse()
            .map_err(|_| ApiError::Validation(format!("{name:?} is not a time zone"))),
    }
}

/// The first instant of a month in a zone.
fn month_start(zone: Tz, year: i32, month: u32) -> Option<DateTime<Utc>> {
    let day = NaiveDate::from_ymd_opt(year, month, 1)?;
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Where the person's money went, month by month in their time zone, in one currency.
pub async fn spending(
    base: &Base,
    user_id: i64,
    query: &SpendingQuery,
) -> Result<SpendingReport, ApiError> {
    let zone = zone_of(query.time_zone.as_deref())?;
    let months = query.months.unwrap_or(6);
    if !(1..=MAX_SPENDING_MONTHS).contains(&months) {
        return Err(ApiError::Validation(format!(
            "months is 1 to {MAX_SPENDING_MONTHS}"
        )));
    }
    let mut conn = base.db.durable.acquire().await?;
    let holder = Holder::Wallet { user_id };
    let currency = match query.currency.as_deref() {
        Some(code) => Some(Currency::parse(code).map_err(|e| ApiError::Validation(e.to_string()))?),
        None => ledger::balances_of(&mut conn, holder)
            .await?
            .into_iter()
            .next()
            .map(|(currency, _)| currency),
    };
    let today = Utc::now().with_timezone(&zone).date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|d| d.checked_sub_months(Months::new(months.saturating_sub(1))))
        .ok_or_else(|| ApiError::Internal("no such month".into()))?;
    let mut buckets: Vec<(i32, u32, i64)> = Vec::new();
    let mut month = first;
    for _ in 0..months {
        let start = month_start(zone, month.year(), month.month())
            .map(|t| t.timestamp_millis())
            .unwrap_or(i64::MIN);
        buckets.push((month.year(), month.month(), start));
        month = month
            .checked_add_months(Months::new(1))
            .ok_or_else(|| ApiError::Internal("no such month".into()))?;
    }
    let empty = |currency: String| SpendingReport {
        currency,
        time_zone: zone.name().to_string(),
        months: buckets
            .iter()
            .map(|(year, month, _)| SpendingMonth {
                year: *year,
                month: *month,
                slices: Vec::new(),
            })
            .collect(),
    };
    let Some(currency) = currency else {
        return Ok(empty(String::new()));
    };
    let Some(account) = ledger::find_account(&mut conn, holder, &currency).await? else {
        return Ok(empty(currency.as_str().to_string()));
    };
    let since = buckets.first().map_or(i64::MIN, |(_, _, start)| *start);
    let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT t.created_at, t.code, t.amount,
                (SELECT p.category FROM order_lines l JOIN products p ON p.id = l.product_id
                 WHERE o.kind = 4 AND l.order_id = o.owner_id
                 ORDER BY l.unit_price_minor * l.quantity DESC, l.variant_id LIMIT 1)
         FROM ledger_transfers t JOIN ledger_accounts o ON o.id = t.credit_account_id
         WHERE t.debit_account_id = $1 AND t.kind IN (0, 2) AND t.created_at >= $2
           AND t.code IN ('payment', 'p2p', 'donation', 'withdrawal', 'card')",
    )
    .bind(account.0)
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut report = empty(currency.as_str().to_string());
    let mut totals: Vec<BTreeMap<(SpendingCategory, String), i64>> =
        vec![BTreeMap::new(); buckets.len()];
    for (at, code, amount, product_category) in rows {
        let Some(index) = buckets.iter().rposition(|(_, _, start)| at >= *start) else {
            continue;
        };
        let key = match code.as_str() {
            "payment" | "card" => (
                SpendingCategory::Shopping,
                product_category.unwrap_or_default(),
            ),
            "p2p" => (SpendingCategory::People, String::new()),
            "donation" => (SpendingCategory::Donations, String::new()),
            _ => (SpendingCategory::Withdrawals, String::new()),
        };
        if let Some(month) = totals.get_mut(index) {
            let total = month.entry(key).or_insert(0);
            *total = total.saturating_add(amount);
        }
    }
    for (month, totals) in report.months.iter_mut().zip(totals) {
        month.slices = totals
            .into_iter()
            .map(|((category, detail), amount_minor)| SpendingSlice {
                category,
                detail,
                amount_minor,
            })
            .collect();
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_takes_wildcards_literally() {
        assert_eq!(contains_pattern("50%_Off"), "%50\\%\\_off%");
        assert_eq!(contains_pattern("سارة"), "%سارة%");
    }

    #[test]
    fn months_start_at_local_midnight() {
        let riyadh: Tz = "Asia/Riyadh".parse().unwrap_or(Tz::UTC);
        let start = month_start(riyadh, 2026, 12).map(|t| t.to_rfc3339());
        assert_eq!(start.as_deref(), Some("2026-11-30T21:00:00+00:00"));
    }

    #[test]
    fn cursors_keep_transfer_ids_with_underscores_whole() {
        let (at, id) = parse_cursor("1700_send:3:a_b").unwrap_or_default();
        assert_eq!((at, id.as_str()), (1700, "send:3:a_b"));
        assert!(parse_cursor("nope").is_err());
    }
}
