//! People and stores as accounts: profiles, lists of people, and follows (how an
//! account is shown is `accounts::shown`).
//! Following a store follows the account that runs it.

use souq_wire::{FollowState, NotificationKind, PeoplePage, Profile, Role, StoreSummary};

use crate::accounts::shown::{ShownStore, authors, id_by_handle, shown_as};
use crate::base::Base;
use crate::base::cache::Change;
use crate::base::db::{Db, from_ms, now_ms};
use crate::base::error::ApiError;
use crate::base::paging::{Cursor, cut_page};
use crate::notifications;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    handle: String,
    display_name: String,
    role: String,
    created_at: i64,
    follower_count: i64,
    following_count: i64,
    store_id: Option<i64>,
    store_handle: Option<String>,
    store_about: Option<String>,
    store_is_nonprofit: Option<i64>,
    store_website: Option<String>,
    store_avatar: Option<i64>,
    store_name: Option<String>,
}

pub async fn profile(db: &Db, viewer: i64, handle: &str) -> Result<Profile, ApiError> {
    let id = id_by_handle(db, handle).await?;
    let row: ProfileRow = sqlx::query_as(
        "SELECT u.handle, u.display_name, u.role, u.created_at, u.follower_count,
                u.following_count,
                s.id AS store_id, s.handle AS store_handle, s.about AS store_about,
                s.is_nonprofit AS store_is_nonprofit, s.website_url AS store_website,
                s.avatar_media_id AS store_avatar, s.name AS store_name
         FROM users u LEFT JOIN stores s ON s.owner_id = u.id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    let followed: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2")
            .bind(viewer)
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let store = match (row.store_id, row.store_handle, row.store_name) {
        (Some(store_id), Some(handle), Some(name)) => Some(StoreSummary {
            id: store_id,
            handle,
            name,
            about: row.store_about.unwrap_or_default(),
            is_nonprofit: row.store_is_nonprofit.unwrap_or(0) != 0,
            website_url: row.store_website,
            avatar_media_id: row.store_avatar,
        }),
        _ => None,
    };
    let shown = store.as_ref().map(|store| ShownStore {
        name: store.name.clone(),
        is_nonprofit: i64::from(store.is_nonprofit),
        avatar_media_id: store.avatar_media_id,
    });
    Ok(Profile {
        author: shown_as(id, row.handle, row.display_name, shown),
        role: Role::parse(&row.role).unwrap_or(Role::Shopper),
        store,
        followers: row.follower_count,
        following: row.following_count,
        followed_by_viewer: followed.is_some(),
        is_viewer: id == viewer,
        joined_at: from_ms(row.created_at),
    })
}

async fn follow_state(db: &Db, viewer: i64, followee: i64) -> Result<FollowState, ApiError> {
    let (followers, follows): (i64, i64) = sqlx::query_as(
        "SELECT u.follower_count,
                (SELECT COUNT(*) FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id)
         FROM users u WHERE u.id = $2",
    )
    .bind(viewer)
    .bind(followee)
    .fetch_one(&db.pool)
    .await?;
    Ok(FollowState {
        followed_by_viewer: follows > 0,
        followers,
    })
}

/// Follows or unfollows; doing it twice changes nothing. Counts move in the same
/// transaction as the follow row, so they stay exact.
pub async fn set_follow(
    base: &Base,
    viewer: i64,
    handle: &str,
    on: bool,
) -> Result<FollowState, ApiError> {
    let db = &base.db;
    let followee = id_by_handle(db, handle).await?;
    if followee == viewer {
        return Err(ApiError::Validation("you cannot follow yourself".into()));
    }
    let mut tx = db.pool.begin().await?;
    let changed = if on {
        sqlx::query(
            "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (follower_id, followee_id) DO NOTHING",
        )
        .bind(viewer)
        .bind(followee)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
            .bind(viewer)
            .bind(followee)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    if changed == 1 {
        let delta: i64 = if on { 1 } else { -1 };
        sqlx::query("UPDATE users SET follower_count = follower_count + $1 WHERE id = $2")
            .bind(delta)
            .bind(followee)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET following_count = following_count + $1 WHERE id = $2")
            .bind(delta)
            .bind(viewer)
            .execute(&mut *tx)
            .await?;
        if on {
            notifications::notify(&mut tx, followee, NotificationKind::Followed, viewer, None)
                .await?;
        } else {
            notifications::withdraw(&mut tx, followee, NotificationKind::Followed, viewer, None)
                .await?;
        }
    }
    tx.commit().await?;
    if changed == 1 {
        base.publish(&[Change::Viewer(viewer)]).await;
    }
    follow_state(db, viewer, followee).await
}

#[derive(Clone, Copy)]
pub enum Direction {
    Followers,
    Following,
}

/// Who follows an account, or whom it follows, most recent first.
pub async fn people(
    db: &Db,
    handle: &str,
    direction: Direction,
    before: Cursor,
    limit: i64,
) -> Result<PeoplePage, ApiError> {
    let id = id_by_handle(db, handle).await?;
    let (mine, theirs) = match direction {
        Direction::Followers => ("followee_id", "follower_id"),
        Direction::Following => ("follower_id", "followee_id"),
    };
    let sql = format!(
        "SELECT f.{theirs} AS id, f.created_at FROM follows f
         WHERE f.{mine} = $1 AND (f.created_at < $2 OR (f.created_at = $2 AND f.{theirs} < $3))
         ORDER BY f.created_at DESC, f.{theirs} DESC LIMIT $4"
    );
    let mut rows: Vec<(i64, i64)> = sqlx::query_as(&sql)
        .bind(id)
        .bind(before.at_ms)
        .bind(before.id)
        .bind(limit + 1)
        .fetch_all(&db.pool)
        .await?;
    let next_cursor = cut_page(&mut rows, limit, |(id, at)| Cursor {
        at_ms: *at,
        id: *id,
    });
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let mut found = authors(db, &ids).await?;
    Ok(PeoplePage {
        people: ids.iter().filter_map(|id| found.remove(id)).collect(),
        next_cursor,
    })
}
