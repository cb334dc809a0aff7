//! Profiles and follows.

use axum::extract::State;
use souq_wire::{ErrorBody, FollowState, PeoplePage, Profile};

use crate::base::error::ApiError;
use crate::base::paging::PageParams;
use crate::http::Souq;
use crate::http::extract::{Json, Path, Query, SignedIn};
use crate::people::{self, Direction};

#[utoipa::path(get, path = "/v1/users/{handle}", tag = "people", params(("handle" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 404, body = ErrorBody)))]
pub async fn profile(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(
        people::profile(&state.base.db, me.user.id, &handle).await?,
    ))
}

#[utoipa::path(put, path = "/v1/users/{handle}/follow", tag = "people",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowState), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn follow(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<FollowState>, ApiError> {
    Ok(Json(
        people::set_follow(&state.base, me.user.id, &handle, true).await?,
    ))
}

#[utoipa::path(delete, path = "/v1/users/{handle}/follow", tag = "people",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowState), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<FollowState>, ApiError> {
    Ok(Json(
        people::set_follow(&state.base, me.user.id, &handle, false).await?,
    ))
}

#[utoipa::path(get, path = "/v1/users/{handle}/followers", tag = "people",
    params(("handle" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = PeoplePage), (status = 404, body = ErrorBody)))]
pub async fn followers(
    State(state): State<Souq>,
    _me: SignedIn,
    Path(handle): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<PeoplePage>, ApiError> {
    let page = people::people(
        &state.base.db,
        &handle,
        Direction::Followers,
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(Json(page))
}

#[utoipa::path(get, path = "/v1/users/{handle}/following", tag = "people",
    params(("handle" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = PeoplePage), (status = 404, body = ErrorBody)))]
pub async fn following(
    State(state): State<Souq>,
    _me: SignedIn,
    Path(handle): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<PeoplePage>, ApiError> {
    let page = people::people(
        &state.base.db,
        &handle,
        Direction::Following,
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(Json(page))
}
