//! A store's drops in its studio: scheduling one (its option's stock set aside, the rest
//! held back until the drop closes), rescheduling or cancelling it before the launch,
//! ending it, and the funnel from reminders to orders. Launch times are typed in the
//! store's time zone and kept in UTC.

use std::str::FromStr;

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use souq_wire::drops::{MAX_DROP_LIMIT, MAX_DROP_TITLE_CHARS};
use souq_wire::validate::shown_text;
use souq_wire::{
    DropFunnel, DropState, LocalTime, NewDrop, RescheduleDrop, StudioDrop, StudioDrops, User,
};
use sqlx::AnyConnection;

use super::OPEN;
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::stores::cards::SHOWN;
use crate::stores::owner::{OwnedStore, check_url, owned_store};
use crate::stores::stock;

/// The format of a launch typed in the studio (an HTML datetime-local value); seconds
/// may follow.
const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";
const LOCAL_FORMAT_SECONDS: &str = "%Y-%m-%dT%H:%M:%S";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::Validation(message.into())
}

fn zone(name: &str) -> Result<Tz, ApiError> {
    Tz::from_str(name.trim())
        .map_err(|_| invalid(format!("{name} is not a time zone (such as Asia/Riyadh)")))
}

/// The UTC instant (ms) of a wall-clock time in a zone. A time the zone skips (clocks
/// going forward) is refused; one it repeats (clocks going back) is its first passing.
pub fn instant_of(launch: &LocalTime) -> Result<i64, ApiError> {
    let tz = zone(&launch.time_zone)?;
    let typed = launch.local.trim();
    let naive = NaiveDateTime::parse_from_str(typed, LOCAL_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(typed, LOCAL_FORMAT_SECONDS))
        .map_err(|_| invalid("a launch time is written YYYY-MM-DDTHH:MM"))?;
    let local = tz.from_local_datetime(&naive).earliest().ok_or_else(|| {
        invalid(format!(
            "{} does not exist in {}: the clocks skip it",
            launch.local, launch.time_zone
        ))
    })?;
    Ok(local.timestamp_millis())
}

/// An instant as the studio shows it, in the store's zone.
pub fn local_of(ms: i64, time_zone: &str) -> LocalTime {
    let tz = Tz::from_str(time_zone).unwrap_or(Tz::UTC);
    LocalTime {
        local: tz
            .from_utc_datetime(&crate::base::db::from_ms(ms).naive_utc())
            .format(LOCAL_FORMAT)
            .to_string(),
        time_zone: tz.name().to_string(),
    }
}

/// A launch must be later than now.
fn future_launch(launch: &LocalTime, now: i64) -> Result<i64, ApiError> {
    let at = instant_of(launch)?;
    if at <= now {
        return Err(invalid("the launch time has passed; choose a later one"));
    }
    Ok(at)
}

/// The hashtag as stored: one tag word (letters, digits, '_'), lower case.
fn check_hashtag(raw: &str) -> Result<String, ApiError> {
    let tag = raw.trim().trim_start_matches('#');
    let keys = souq_wire::text::hashtags(&format!("#{tag}"));
    match keys.as_slice() {
        [key] if key.chars().count() == tag.chars().count() && key.chars().count() <= 50 => {
            Ok(key.clone())
        }
        _ => Err(invalid(
            "a hashtag is one word of up to 50 letters, digits or _",
        )),
    }
}

fn check_title(raw: &str) -> Result<String, ApiError> {
    let title = raw.trim().to_string();
    if title.is_empty() || title.chars().count() > MAX_DROP_TITLE_CHARS {
        return Err(invalid(format!(
            "a drop's title has 1 to {MAX_DROP_TITLE_CHARS} characters"
        )));
    }
    shown_text(&title, false)?;
    Ok(title)
}

/// One of the store's drops, for a change by its owner.
#[derive(Debug, sqlx::FromRow)]
struct Owned {
    product_id: i64,
    variant_id: i64,
    launch_at: i64,
    held_back: i64,
    cancelled_at: Option<i64>,
    ended_at: Option<i64>,
}

async fn owned_drop(
    conn: &mut AnyConnection,
    store: &OwnedStore,
    id: i64,
    lock: &str,
) -> Result<Owned, ApiError> {
    sqlx::query_as::<_, Owned>(&format!(
        "SELECT product_id, variant_id, launch_at, held_back, cancelled_at, ended_at FROM drops
         WHERE id = $1 AND store_id = $2{lock}"
    ))
    .bind(id)
    .bind(store.id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| ApiError::not_found("drop"))
}

async fn funnel(base: &Base, id: i64) -> Result<DropFunnel, ApiError> {
    let (reminders, visits, orders): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM drop_reminders r WHERE r.drop_id = d.id),
                (SELECT COUNT(*) FROM drop_visits t WHERE t.drop_id = d.id),
                (SELECT COUNT(DISTINCT o.id) FROM orders o
                   JOIN order_lines l ON l.order_id = o.id
                  WHERE l.variant_id = d.variant_id AND o.created_at >= d.launch_at
                    AND (d.ended_at IS NULL OR o.created_at <= d.ended_at)
                    AND o.status <> 'cancelled')
         FROM drops d WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(&base.db.pool)
    .await?;
    Ok(DropFunnel {
        reminders,
        visits,
        orders,
    })
}

async fn studio_drop(base: &Base, owner: &User, id: i64) -> Result<StudioDrop, ApiError> {
    let drop = super::get(&base.db, owner.id, id).await?;
    let (time_zone,): (String,) = sqlx::query_as("SELECT time_zone FROM drops WHERE id = $1")
        .bind(id)
        .fetch_one(&base.db.pool)
        .await?;
    Ok(StudioDrop {
        launch: local_of(drop.launch_at.timestamp_millis(), &time_zone),
        funnel: funnel(base, id).await?,
        drop,
    })
}

/// Every drop of the store, the latest launch first, with its funnel, and the zone the
/// store schedules in.
pub async fn list(base: &Base, user: &User, handle: &str) -> Result<StudioDrops, ApiError> {
    let store = owned_store(&base.db, user, handle).await?;
    let (time_zone,): (String,) = sqlx::query_as("SELECT time_zone FROM stores WHERE id = $1")
        .bind(store.id)
        .fetch_one(&base.db.pool)
        .await?;
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM drops WHERE store_id = $1 ORDER BY launch_at DESC, id")
            .bind(store.id)
            .fetch_all(&base.db.pool)
            .await?;
    let mut out = Vec::new();
    for (id,) in ids {
        out.push(studio_drop(base, user, id).await?);
    }
    Ok(StudioDrops {
        time_zone,
        drops: out,
    })
}

/// Schedules a drop of one of the store's published options: its stock is set aside
/// from what the option has, and the rest held back until the drop closes.
pub async fn schedule(
    base: &Base,
    user: &User,
    handle: &str,
    new: NewDrop,
) -> Result<StudioDrop, ApiError> {
    let store = owned_store(&base.db, user, handle).await?;
    let title = check_title(&new.title)?;
    let hashtag = check_hashtag(&new.hashtag)?;
    let now = now_ms();
    let launch_at = future_launch(&new.launch, now)?;
    let time_zone = zone(&new.launch.time_zone)?.name().to_string();
    if !(1..=MAX_DROP_LIMIT).contains(&new.per_customer_limit) {
        return Err(invalid(format!(
            "the limit per customer is 1 to {MAX_DROP_LIMIT}"
        )));
    }
    if new.stock < 1 {
        return Err(invalid("a drop sets aside at least 1 unit"));
    }
    let external_url = check_url(new.external_url)?;
    let mut tx = base.db.begin_durable().await?;
    let option: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT pr.id, pr.store_id FROM variants v JOIN products pr ON pr.id = v.product_id
         WHERE v.id = $1 AND v.archived_at IS NULL AND {SHOWN}"
    ))
    .bind(new.variant_id)
    .fetch_optional(&mut *tx)
    .await?;
    let product_id = match option {
        Some((product_id, store_id)) if store_id == store.id => product_id,
        Some(_) => {
            return Err(ApiError::Forbidden(
                "a drop sells one of the store's own options".into(),
            ));
        }
        None => return Err(ApiError::not_found("product option")),
    };
    let taken: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT d.id FROM drops d WHERE d.variant_id = $1 AND {OPEN}"
    ))
    .bind(new.variant_id)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict(
            "that option is in another drop already".into(),
        ));
    }
    let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM drops WHERE hashtag = $1")
        .bind(&hashtag)
        .fetch_optional(&mut *tx)
        .await?;
    if owned.is_some() {
        return Err(ApiError::Conflict(format!(
            "#{hashtag} belongs to another drop"
        )));
    }
    let backend = base.db.backend;
    let has = stock::lock(&mut tx, backend, &[new.variant_id])
        .await?
        .left(new.variant_id);
    if new.stock > has {
        return Err(invalid(format!(
            "the option has {has} in stock; a drop sets aside at most that"
        )));
    }
    stock::set(&mut tx, new.variant_id, new.stock).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO drops (store_id, product_id, variant_id, title, hashtag, launch_at,
             time_zone, stock, held_back, per_customer_limit, external_url, created_at,
             updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(store.id)
    .bind(product_id)
    .bind(new.variant_id)
    .bind(&title)
    .bind(&hashtag)
    .bind(launch_at)
    .bind(&time_zone)
    .bind(new.stock)
    .bind(has - new.stock)
    .bind(new.per_customer_limit)
    .bind(external_url)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE stores SET time_zone = $1 WHERE id = $2")
        .bind(&time_zone)
        .bind(store.id)
        .execute(&mut *tx)
        .await?;
    crate::stores::cards::refresh_summary(&mut tx, product_id).await?;
    tx.commit().await?;
    base.publish(&[Change::Catalog(store.id), Change::Drop(id)])
        .await;
    studio_drop(base, user, id).await
}

/// Moves the launch of a drop that has not launched.
pub async fn reschedule(
    base: &Base,
    user: &User,
    handle: &str,
    id: i64,
    change: RescheduleDrop,
) -> Result<StudioDrop, ApiError> {
    let store = owned_store(&base.db, user, handle).await?;
    let now = now_ms();
    let launch_at = future_launch(&change.launch, now)?;
    let time_zone = zone(&change.launch.time_zone)?.name().to_string();
    let mut tx = base.db.begin_durable().await?;
    let drop = owned_drop(&mut tx, &store, id, base.db.backend.for_update()).await?;
    still_scheduled(&drop, now, "rescheduled")?;
    sqlx::query("UPDATE drops SET launch_at = $1, time_zone = $2, updated_at = $3 WHERE id = $4")
        .bind(launch_at)
        .bind(&time_zone)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    base.publish(&[Change::Drop(id)]).await;
    studio_drop(base, user, id).await
}

fn still_scheduled(drop: &Owned, now: i64, verb: &str) -> Result<(), ApiError> {
    let state = super::state_at(
        drop.launch_at,
        drop.cancelled_at.is_some(),
        drop.ended_at.is_some(),
        1,
        now,
    );
    match state {
        DropState::Scheduled => Ok(()),
        DropState::Cancelled => Err(ApiError::Conflict(format!(
            "the drop was cancelled; it cannot be {verb}"
        ))),
        DropState::Ended => Err(ApiError::Conflict(format!(
            "the drop has ended; it cannot be {verb}"
        ))),
        DropState::Live | DropState::SoldOut => Err(ApiError::Conflict(format!(
            "the drop has launched; it cannot be {verb}"
        ))),
    }
}

/// Calls off a drop before its launch, or ends one that launched: either way the
/// option sells as before, with what was held back given back to it.
pub async fn close(
    base: &Base,
    user: &User,
    handle: &str,
    id: i64,
    cancel: bool,
) -> Result<StudioDrop, ApiError> {
    let store = owned_store(&base.db, user, handle).await?;
    let now = now_ms();
    let mut tx = base.db.begin_durable().await?;
    let drop = owned_drop(&mut tx, &store, id, base.db.backend.for_update()).await?;
    if cancel {
        still_scheduled(&drop, now, "cancelled")?;
    } else if drop.cancelled_at.is_some() || drop.ended_at.is_some() {
        return Err(ApiError::Conflict("the drop is closed already".into()));
    } else if now < drop.launch_at {
        return Err(ApiError::Conflict(
            "the drop has not launched; cancel it instead".into(),
        ));
    }
    let column = if cancel { "cancelled_at" } else { "ended_at" };
    sqlx::query(&format!(
        "UPDATE drops SET {column} = $1, updated_at = $1 WHERE id = $2"
    ))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if drop.held_back > 0 {
        stock::put_back(&mut tx, drop.variant_id, drop.held_back).await?;
    }
    crate::stores::cards::refresh_summary(&mut tx, drop.product_id).await?;
    tx.commit().await?;
    base.publish(&[Change::Catalog(store.id), Change::Drop(id)])
        .await;
    studio_drop(base, user, id).await
}

/// The options of a product that open drops sell, whose stock is the drop's until it
/// closes (a publish leaves it be). A publish may not remove one: 409.
pub async fn options_in_open_drops(
    conn: &mut AnyConnection,
    product_id: i64,
    kept: &[i64],
) -> Result<Vec<i64>, ApiError> {
    let open: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT d.variant_id, d.title FROM drops d WHERE d.product_id = $1 AND {OPEN}"
    ))
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    if let Some((_, title)) = open.iter().find(|(id, _)| !kept.contains(id)) {
        return Err(ApiError::Conflict(format!(
            "an option is in the drop \"{title}\": end the drop before removing it"
        )));
    }
    Ok(open.into_iter().map(|(id, _)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str, zone: &str) -> Result<i64, ApiError> {
        instant_of(&LocalTime {
            local: local.into(),
            time_zone: zone.into(),
        })
    }

    fn utc(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .unwrap_or_default()
    }

    #[test]
    fn a_launch_typed_in_the_store_zone_is_kept_in_utc() {
        assert_eq!(
            at("2026-12-24T18:00", "Asia/Riyadh").ok(),
            Some(utc("2026-12-24T15:00:00Z"))
        );
        assert_eq!(
            local_of(utc("2026-12-24T15:00:00Z"), "Asia/Riyadh").local,
            "2026-12-24T18:00"
        );
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_its_first_passing() {
        // Berlin springs forward at 02:00 on 29 March 2026: 02:30 never happens.
        assert!(matches!(
            at("2026-03-29T02:30", "Europe/Berlin"),
            Err(ApiError::Validation(_))
        ));
        // It falls back at 03:00 on 25 October 2026: 02:30 happens twice, first in CEST.
        assert_eq!(
            at("2026-10-25T02:30", "Europe/Berlin").ok(),
            Some(utc("2026-10-25T00:30:00Z"))
        );
    }

    #[test]
    fn unknown_zones_and_malformed_times_are_refused() {
        assert!(at("2026-12-24T18:00", "Mars/Olympus").is_err());
        assert!(at("24/12/2026 18:00", "UTC").is_err());
        assert_eq!(
            at("2026-12-24T18:00:05", "UTC").ok(),
            Some(utc("2026-12-24T18:00:05Z"))
        );
    }

    #[test]
    fn a_hashtag_is_one_tag_word() {
        assert_eq!(
            check_hashtag("#OudRoyale").ok().as_deref(),
            Some("oudroyale")
        );
        assert_eq!(
            check_hashtag("كبسولة_العيد").ok().as_deref(),
            Some("كبسولة_العيد")
        );
        assert!(check_hashtag("two words").is_err());
        assert!(check_hashtag("").is_err());
        assert!(check_hashtag("#a-b").is_err());
    }
}
