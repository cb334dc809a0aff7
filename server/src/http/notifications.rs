//! The signed-in account's notifications inbox.

use axum::extract::State;
use axum::http::StatusCode;
use souq_wire::{ErrorBody, NotificationPage};

use crate::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Json, Query, SignedIn};
use crate::http::feed::PageParams;
use crate::notifications;

#[utoipa::path(get, path = "/v1/me/notifications", tag = "people", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = NotificationPage), (status = 401, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<NotificationPage>, ApiError> {
    let page =
        notifications::page(&state.db, me.user.id, params.cursor()?, params.limit()?).await?;
    Ok(Json(page))
}

#[utoipa::path(post, path = "/v1/me/notifications/read", tag = "people",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn mark_read(State(state): State<Souq>, me: SignedIn) -> Result<StatusCode, ApiError> {
    notifications::mark_all_read(&state.db, me.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
