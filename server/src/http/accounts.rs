//! Sign up, sign in, sign out, and the signed-in account.

use axum::extract::State;
use axum::http::StatusCode;
use souq_wire::{
    ErrorBody, ProductCard, Session, SignInRequest, SignUpRequest, StoreSummary, User,
};

use crate::accounts;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::{Json, SignedIn};

#[utoipa::path(post, path = "/v1/accounts", tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, body = Session), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn sign_up(
    State(state): State<AppState>,
    Json(req): Json<SignUpRequest>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let session = accounts::sign_up(&state.db, &req).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(post, path = "/v1/sessions", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    Json(req): Json<SignInRequest>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(accounts::sign_in(&state.db, &req).await?))
}

#[utoipa::path(delete, path = "/v1/sessions/current", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::revoke(&state.db, &signed_in.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub async fn me(signed_in: SignedIn) -> Json<User> {
    Json(signed_in.user)
}

/// The products of the viewer's store, to attach to posts; 403 for shoppers.
#[utoipa::path(get, path = "/v1/me/store/products", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProductCard>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn my_products(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<Vec<ProductCard>>, ApiError> {
    Ok(Json(
        crate::stores::own_products(&state.db, &signed_in.user).await?,
    ))
}

#[utoipa::path(get, path = "/v1/me/store", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = StoreSummary), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn my_store(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<StoreSummary>, ApiError> {
    Ok(Json(accounts::own_store(&state.db, &signed_in.user).await?))
}
