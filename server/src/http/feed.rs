//! Timelines: everyone, following, for-you candidates, hashtags, bookmarks, an author.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use souq_wire::{ErrorBody, FeedPage, HashtagInfo};

use crate::base::error::ApiError;
use crate::base::paging::PageParams;
use crate::feed::{self, Source};
use crate::hashtags;
use crate::http::Souq;
use crate::http::extract::{Json, Path, Query, SignedIn};

async fn page(
    state: &Souq,
    viewer: i64,
    source: Source<'_>,
    params: &PageParams,
) -> Result<Response, ApiError> {
    let body = feed::page_json(
        &state.feed,
        viewer,
        source,
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Everyone's posts, newest first.
#[utoipa::path(get, path = "/v1/feed", tag = "feed", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn home(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    page(&state, me.user.id, Source::Everyone, &params).await
}

/// The viewer's posts and those of the accounts they follow, with their reposts.
#[utoipa::path(get, path = "/v1/feed/following", tag = "feed", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn following(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    page(&state, me.user.id, Source::Following, &params).await
}

/// Recent posts by others, and on the first page the most engaged of the last 48 hours:
/// the candidates the app ranks on the device for "For you".
#[utoipa::path(get, path = "/v1/feed/candidates", tag = "feed", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn candidates(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    page(&state, me.user.id, Source::Candidates, &params).await
}

#[utoipa::path(get, path = "/v1/me/bookmarks", tag = "feed", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 401, body = ErrorBody)))]
pub async fn bookmarks(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    page(&state, me.user.id, Source::Bookmarks, &params).await
}

#[utoipa::path(get, path = "/v1/users/{handle}/posts", tag = "people",
    params(("handle" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 404, body = ErrorBody)))]
pub async fn author(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let author = crate::accounts::shown::id_by_handle(&state.base.db, &handle).await?;
    page(&state, me.user.id, Source::Author(author), &params).await
}

#[utoipa::path(get, path = "/v1/hashtags/{tag}/posts", tag = "feed",
    params(("tag" = String, Path, description = "The hashtag, without '#'"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn hashtag(
    State(state): State<Souq>,
    me: SignedIn,
    Path(tag): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let key = souq_wire::text::hashtag_key(tag.trim_start_matches('#'));
    page(&state, me.user.id, Source::Hashtag(&key), &params).await
}

/// The drop or product that owns a hashtag, shown at the top of its page.
#[utoipa::path(get, path = "/v1/hashtags/{tag}", tag = "feed",
    params(("tag" = String, Path, description = "The hashtag, without '#'")),
    security(("bearer" = [])),
    responses((status = 200, body = HashtagInfo), (status = 401, body = ErrorBody)))]
pub async fn hashtag_info(
    State(state): State<Souq>,
    _me: SignedIn,
    Path(tag): Path<String>,
) -> Result<Json<HashtagInfo>, ApiError> {
    Ok(Json(hashtags::info(&state.base.db, &tag).await?))
}

/// The posts that carry a product, newest first.
#[utoipa::path(get, path = "/v1/products/{id}/posts", tag = "shop",
    params(("id" = i64, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = FeedPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn product_posts(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    page(&state, me.user.id, Source::Product(id), &params).await
}
