//! The home feed and hashtag pages.

use axum::extract::State;
use serde::Deserialize;
use souq_wire::{ErrorBody, FeedPage};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::feed::{self, Cursor, Source};
use crate::http::AppState;
use crate::http::extract::{Json, Path, Query, SignedIn};

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    pub before: Option<String>,
    /// 1 to 100; 20 when absent.
    pub limit: Option<i64>,
}

impl PageParams {
    fn cursor(&self) -> Result<Cursor, ApiError> {
        self.before
            .as_deref()
            .map_or(Ok(Cursor::START), Cursor::parse)
    }

    fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(feed::DEFAULT_PAGE),
            Some(n) if (1..=feed::MAX_PAGE).contains(&n) => Ok(n),
            Some(n) => Err(ApiError::BadRequest(format!(
                "limit must be 1 to {} (got {n})",
                feed::MAX_PAGE
            ))),
        }
    }
}

#[utoipa::path(get, path = "/v1/feed", tag = "feed", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn home(
    State(state): State<AppState>,
    _signed_in: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<FeedPage>, ApiError> {
    let page = feed::page(
        &state.db,
        Source::Everyone,
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/v1/hashtags/{tag}/posts", tag = "feed",
    params(("tag" = String, Path, description = "The hashtag, without '#'"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn hashtag(
    State(state): State<AppState>,
    _signed_in: SignedIn,
    Path(tag): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<FeedPage>, ApiError> {
    let key = souq_wire::text::hashtag_key(tag.trim_start_matches('#'));
    let page = feed::page(
        &state.db,
        Source::Hashtag(&key),
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(Json(page))
}
