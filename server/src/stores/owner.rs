//! Who may change a store: the store a handle names, when the asking user runs it,
//! and the checks its links pass. Every studio (the store's own, its drops) starts here.

use souq_wire::User;
use souq_wire::studio::MAX_URL_CHARS;

use crate::base::db::Db;
use crate::base::error::ApiError;

/// The store a handle names, when `user` runs it: 404 when there is no such store,
/// 403 when it is someone else's.
pub struct OwnedStore {
    pub id: i64,
    pub owner_id: i64,
    pub handle: String,
    pub currency: String,
}

pub async fn owned_store(db: &Db, user: &User, handle: &str) -> Result<OwnedStore, ApiError> {
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    let row: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT id, owner_id, currency FROM stores WHERE handle = $1")
            .bind(&handle)
            .fetch_optional(&db.pool)
            .await?;
    let (id, owner_id, currency) = row.ok_or_else(|| ApiError::not_found("store"))?;
    if owner_id != user.id {
        return Err(ApiError::Forbidden(
            "only the store's owner can change it".into(),
        ));
    }
    Ok(OwnedStore {
        id,
        owner_id,
        handle,
        currency,
    })
}

/// A store's link: an http(s) address without spaces, or none.
pub fn check_url(url: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(url) = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or_default();
    if host.is_empty()
        || host.starts_with('/')
        || url.chars().count() > MAX_URL_CHARS
        || url.contains(' ')
    {
        return Err(ApiError::Validation(format!(
            "the website must be an http(s) address of at most {MAX_URL_CHARS} characters"
        )));
    }
    Ok(Some(url))
}
