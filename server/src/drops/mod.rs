//! Product drops as shoppers meet them: a drop's state (worked out from its launch time,
//! what is left and whether the store closed it), Remind me, drop-page visits, and the
//! rules checkout keeps for a drop's option (`LAUNCH_OF_V`, `LIMIT_OF_V`). The studio's
//! side (scheduling, rescheduling, closing, the funnel) is `studio.rs`; the updates
//! running apps hear of are `events.rs`.

pub mod events;
pub mod studio;

use std::collections::HashMap;

use souq_wire::{DropState, Money, ProductDrop, ReminderState, User};

use crate::accounts::shown;
use crate::base::Base;
use crate::base::db::{Db, from_ms, now_ms};
use crate::base::error::ApiError;
use crate::stores::cards;
use crate::stores::stock::UNITS_OF_V;

/// A drop neither cancelled nor ended: its option's stock and limit are the drop's.
const OPEN: &str = "d.cancelled_at IS NULL AND d.ended_at IS NULL";

/// The launch time of the open drop that sells variant `v`, if one does, as a column.
pub const LAUNCH_OF_V: &str = "(SELECT d.launch_at FROM drops d
     WHERE d.variant_id = v.id AND d.cancelled_at IS NULL AND d.ended_at IS NULL)";

/// The per-customer limit of variant `v`: its open drop's, else its own.
pub const LIMIT_OF_V: &str = "COALESCE((SELECT d.per_customer_limit FROM drops d
     WHERE d.variant_id = v.id AND d.cancelled_at IS NULL AND d.ended_at IS NULL),
     v.per_customer_limit)";

/// The refusal of a drop's option bought before its launch.
pub fn not_launched(title: &str, launch_at: i64) -> ApiError {
    ApiError::DropNotLive(format!(
        "{title} goes on sale at {}",
        from_ms(launch_at).format("%Y-%m-%d %H:%M UTC")
    ))
}

/// A drop as stored, with what is left of it and its reminders.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    hashtag: String,
    launch_at: i64,
    store_owner: i64,
    product_id: i64,
    variant_id: i64,
    variant_name: String,
    price_minor: i64,
    currency: String,
    stock: i64,
    per_customer_limit: i64,
    external_url: Option<String>,
    cancelled_at: Option<i64>,
    ended_at: Option<i64>,
    units: i64,
    reminder_count: i64,
    reminded: i64,
}

const ROW_COLUMNS: &str = "d.id, d.title, d.hashtag, d.launch_at, s.owner_id AS store_owner, d.product_id, d.variant_id, v.name AS variant_name,
    v.price_minor, pr.currency, d.stock, d.per_customer_limit, d.external_url,
    d.cancelled_at, d.ended_at";

/// The query of drops by `filter` (placeholders from $2; $1 is the viewer).
fn select(filter: &str) -> String {
    format!(
        "SELECT {ROW_COLUMNS}, {UNITS_OF_V} AS units,
            (SELECT COUNT(*) FROM drop_reminders r WHERE r.drop_id = d.id) AS reminder_count,
            (SELECT COUNT(*) FROM drop_reminders r
             WHERE r.drop_id = d.id AND r.user_id = $1) AS reminded
         FROM drops d JOIN stores s ON s.id = d.store_id
         JOIN variants v ON v.id = d.variant_id
         JOIN products pr ON pr.id = d.product_id
         WHERE {filter}"
    )
}

/// Where a drop stands at `now`.
pub fn state_at(
    launch_at: i64,
    cancelled: bool,
    ended: bool,
    units_left: i64,
    now: i64,
) -> DropState {
    if cancelled {
        DropState::Cancelled
    } else if ended {
        DropState::Ended
    } else if now < launch_at {
        DropState::Scheduled
    } else if units_left > 0 {
        DropState::Live
    } else {
        DropState::SoldOut
    }
}

impl Row {
    fn state(&self, now: i64) -> DropState {
        state_at(
            self.launch_at,
            self.cancelled_at.is_some(),
            self.ended_at.is_some(),
            self.units,
            now,
        )
    }

    /// What is left of the drop's own stock: once closed, the option's units are not
    /// the drop's any more (a cancelled drop sold nothing).
    fn left(&self, state: DropState) -> i64 {
        match state {
            DropState::Cancelled => self.stock,
            DropState::Ended => 0,
            _ => self.units.clamp(0, self.stock),
        }
    }
}

async fn rows(db: &Db, viewer: i64, filter: &str, binds: &[i64]) -> Result<Vec<Row>, ApiError> {
    let sql = select(filter);
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(viewer);
    for value in binds {
        query = query.bind(*value);
    }
    Ok(query.fetch_all(&db.pool).await?)
}

/// The drops as shoppers see them, in the rows' order; a drop whose store or product is
/// hidden is left out.
async fn views(db: &Db, rows: Vec<Row>) -> Result<Vec<ProductDrop>, ApiError> {
    let owners: Vec<i64> = rows.iter().map(|r| r.store_owner).collect();
    let authors = shown::authors(db, &owners).await?;
    let products: Vec<i64> = rows.iter().map(|r| r.product_id).collect();
    let cards: HashMap<i64, _> = cards::cards(db, &products)
        .await?
        .into_iter()
        .map(|card| (card.id, card))
        .collect();
    let now = now_ms();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let store = authors.get(&row.store_owner).cloned()?;
            let product = cards.get(&row.product_id).cloned()?;
            let state = row.state(now);
            Some(ProductDrop {
                id: row.id,
                left: row.left(state),
                state,
                launch_at: from_ms(row.launch_at),
                title: row.title,
                hashtag: row.hashtag,
                store,
                product,
                variant_id: row.variant_id,
                variant_name: row.variant_name,
                price: Money {
                    amount_minor: row.price_minor,
                    currency: row.currency,
                },
                stock: row.stock,
                per_customer_limit: row.per_customer_limit,
                external_url: row.external_url,
                reminder_count: row.reminder_count,
                reminded: row.reminded > 0,
            })
        })
        .collect())
}

/// One drop as `viewer` sees it.
pub async fn get(db: &Db, viewer: i64, id: i64) -> Result<ProductDrop, ApiError> {
    let found = rows(db, viewer, "d.id = $2", &[id]).await?;
    views(db, found)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("drop"))
}

/// The open drops the shopper asked to be reminded of, soonest first: what the app
/// schedules its reminders from when it starts and whenever it reconnects.
pub async fn reminded(db: &Db, user: &User) -> Result<Vec<ProductDrop>, ApiError> {
    let found = rows(
        db,
        user.id,
        &format!(
            "{OPEN} AND EXISTS (SELECT 1 FROM drop_reminders r
                 WHERE r.drop_id = d.id AND r.user_id = $1)
             ORDER BY d.launch_at, d.id"
        ),
        &[],
    )
    .await?;
    views(db, found).await
}

/// Turns Remind me on or off. On is only for a drop not launched yet; off always works
/// (and turning either way twice changes nothing).
pub async fn remind(
    base: &Base,
    user: &User,
    id: i64,
    on: bool,
) -> Result<ReminderState, ApiError> {
    let drop = get(&base.db, user.id, id).await?;
    if on {
        if drop.state != DropState::Scheduled {
            return Err(ApiError::Conflict(match drop.state {
                DropState::Cancelled => "the drop was cancelled".into(),
                _ => "the drop has launched already".into(),
            }));
        }
        sqlx::query(
            "INSERT INTO drop_reminders (drop_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (drop_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user.id)
        .bind(now_ms())
        .execute(&base.db.pool)
        .await?;
    } else {
        sqlx::query("DELETE FROM drop_reminders WHERE drop_id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id)
            .execute(&base.db.pool)
            .await?;
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM drop_reminders WHERE drop_id = $1")
        .bind(id)
        .fetch_one(&base.db.pool)
        .await?;
    Ok(ReminderState {
        reminded: on,
        reminder_count: count,
    })
}

/// Counts a shopper's visit to a drop's page, once per shopper and only from the
/// launch on: the funnel's middle step.
pub async fn visit(db: &Db, user: &User, id: i64) -> Result<(), ApiError> {
    let now = now_ms();
    let launched: Option<(i64,)> =
        sqlx::query_as("SELECT launch_at FROM drops WHERE id = $1 AND launch_at <= $2")
            .bind(id)
            .bind(now)
            .fetch_optional(&db.pool)
            .await?;
    if launched.is_none() {
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM drops WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
        return exists
            .map(|_| ())
            .ok_or_else(|| ApiError::not_found("drop"));
    }
    sqlx::query(
        "INSERT INTO drop_visits (drop_id, user_id, visited_at) VALUES ($1, $2, $3)
         ON CONFLICT (drop_id, user_id) DO NOTHING",
    )
    .bind(id)
    .bind(user.id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_is_scheduled_before_its_launch_then_live_then_sold_out() {
        assert_eq!(state_at(100, false, false, 5, 99), DropState::Scheduled);
        assert_eq!(state_at(100, false, false, 5, 100), DropState::Live);
        assert_eq!(state_at(100, false, false, 0, 100), DropState::SoldOut);
    }

    #[test]
    fn a_closed_drop_is_cancelled_or_ended_whatever_its_stock_and_time() {
        assert_eq!(state_at(100, true, false, 5, 0), DropState::Cancelled);
        assert_eq!(state_at(100, false, true, 5, 200), DropState::Ended);
        assert_eq!(state_at(100, false, true, 0, 200), DropState::Ended);
    }
}
