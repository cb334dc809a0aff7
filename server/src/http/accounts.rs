//! Sign up, sign in, sign out, the signed-in account, its sessions and its password.

use axum::extract::State;
use axum::http::StatusCode;
use souq_wire::{
    ChangePassword, ErrorBody, ProductCard, Session, SessionInfo, SignInRequest, SignUpRequest,
    StoreSummary, User,
};

use crate::accounts;
use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Client, Json, Path, SignedIn};
use crate::notifications;

/// Signs up. Limited per client address and overall (429), and per address per hour;
/// 503 when every password-hashing slot stays busy.
#[utoipa::path(post, path = "/v1/accounts", tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, body = Session), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
pub async fn sign_up(
    State(state): State<Souq>,
    Client(client): Client,
    Json(req): Json<SignUpRequest>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let session = accounts::sign_up(&state.accounts, &client, &req).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Signs in. Limited per client address and overall, and failures per account and
/// address and per address (429); 503 when every password-hashing slot stays busy.
#[utoipa::path(post, path = "/v1/sessions", tag = "accounts", request_body = SignInRequest,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<Souq>,
    Client(client): Client,
    Json(req): Json<SignInRequest>,
) -> Result<Json<Session>, ApiError> {
    let session = accounts::sign_in(&state.accounts, &client, &req).await?;
    // The account's other devices are asked "was this you?"; a notice that could not
    // be written does not undo a right sign-in.
    if let Err(e) =
        notifications::security::on_sign_in(&state.base, session.user.id, &session.token).await
    {
        tracing::warn!(error = %e, "cannot tell of a sign-in on a new device");
    }
    Ok(Json(session))
}

/// The signed-in user's live sessions, most recently used first.
#[utoipa::path(get, path = "/v1/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<Souq>,
    signed_in: SignedIn,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    Ok(Json(
        accounts::sessions::list(&state.base.db, signed_in.user.id, &signed_in.token).await?,
    ))
}

/// Ends one of the user's sessions by its id; 404 for an id that is not theirs.
#[utoipa::path(delete, path = "/v1/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "A session id from the list")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    State(state): State<Souq>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::end(&state.base, signed_in.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the user's but this one.
#[utoipa::path(delete, path = "/v1/sessions/others", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn end_other_sessions(
    State(state): State<Souq>,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::end_others(&state.base, signed_in.user.id, &signed_in.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the password; every other session ends. 403 when the current password is
/// wrong (counted like a failed sign-in), 422 for a new one that breaks the rules.
#[utoipa::path(put, path = "/v1/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = ChangePassword,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<Souq>,
    Client(client): Client,
    signed_in: SignedIn,
    Json(req): Json<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    accounts::change_password(
        &state.accounts,
        &client,
        &signed_in.user,
        &signed_in.token,
        &req,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v1/sessions/current", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn sign_out(
    State(state): State<Souq>,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    accounts::sessions::revoke(&state.base, &signed_in.token).await?;
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
    State(state): State<Souq>,
    signed_in: SignedIn,
) -> Result<Json<Vec<ProductCard>>, ApiError> {
    Ok(Json(
        crate::stores::own_products(&state.base.db, &signed_in.user).await?,
    ))
}

#[utoipa::path(get, path = "/v1/me/store", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = StoreSummary), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn my_store(
    State(state): State<Souq>,
    signed_in: SignedIn,
) -> Result<Json<StoreSummary>, ApiError> {
    Ok(Json(
        accounts::own_store(&state.base.db, &signed_in.user).await?,
    ))
}
