//! Checkout, the address book and the wallet. Requests that move money or stock carry
//! the app's `Idempotency-Key` header.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use souq_wire::checkout::IDEMPOTENCY_HEADER;
use souq_wire::{
    Address, AddressInput, Checkout, CheckoutOptions, CheckoutRequest, ErrorBody, TopUpRequest,
    Wallet,
};

use crate::accounts;
use crate::base::error::ApiError;
use crate::base::limits::rate::ActionRate;
use crate::checkout::{self, addresses};
use crate::http::Souq;
use crate::http::extract::{Client, Json, Path, SignedIn};

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// The idempotency key of a request limited per account and address, checked before
/// the request is counted: one that could never run (no key, or a bad one) answers 422
/// and takes nothing of the caller's allowance.
pub(crate) fn counted_key(
    headers: &HeaderMap,
    rate: &ActionRate,
    account: i64,
    client: &accounts::Client,
) -> Result<String, ApiError> {
    let key = idempotency_key(headers);
    let key = crate::base::idempotency::checked_key(key.as_deref())?.to_string();
    rate.check(account, client.addr)?;
    Ok(key)
}

/// Runs money-moving work to its end even if the client goes away meanwhile (a timeout,
/// a lost connection): dropping it half-way would leave its claim held until the lease
/// runs out, and the client's retry would wait for nothing. Finished, the retry replays.
pub(crate) async fn to_the_end<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::spawn(work)
        .await
        .map_err(|e| ApiError::Internal(format!("money-moving work stopped: {e}")))?
}

/// The cart, the address book, each store's shipping options and the wallet, at once.
#[utoipa::path(get, path = "/v1/checkout", tag = "checkout", security(("bearer" = [])),
    responses((status = 200, body = CheckoutOptions)))]
pub async fn options(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<CheckoutOptions>, ApiError> {
    Ok(Json(checkout::options(&state.checkout, &me.user).await?))
}

/// Pays for the reviewed cart lines: each store becomes its own order. Sent again with
/// the same key it answers the first result (`replayed`) and charges nothing again.
#[utoipa::path(post, path = "/v1/checkouts", tag = "checkout", request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per attempt")),
    security(("bearer" = [])),
    responses((status = 200, body = Checkout),
              (status = 402, description = "the card was declined", body = ErrorBody),
              (status = 404, description = "an unknown or archived option, or address",
               body = ErrorBody),
              (status = 409, description = "sold out, a price changed (price_changed), or this \
               key's request is still running", body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 429, description = "too many checkouts from this account or address",
               body = ErrorBody)))]
pub async fn create(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    headers: HeaderMap,
    Json(request): Json<CheckoutRequest>,
) -> Result<Json<Checkout>, ApiError> {
    let key = Some(counted_key(
        &headers,
        &state.actions.checkouts,
        me.user.id,
        &client,
    )?);
    let checkout = to_the_end(async move {
        checkout::checkout(
            &state.checkout,
            &me.user,
            key.as_deref(),
            &me.token,
            client.addr,
            &request,
        )
        .await
    })
    .await?;
    Ok(Json(checkout))
}

#[utoipa::path(get, path = "/v1/checkouts/{id}", tag = "checkout",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Checkout), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Checkout>, ApiError> {
    Ok(Json(checkout::get(&state.checkout, &me.user, id).await?))
}

/// Asks the processor how the payment stands (after a card's second step).
#[utoipa::path(post, path = "/v1/checkouts/{id}/refresh", tag = "checkout",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Checkout), (status = 404, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Checkout>, ApiError> {
    Ok(Json(
        checkout::refresh(&state.checkout, &me.user, id).await?,
    ))
}

/// Gives up a card's second step: the payment is cancelled, the stock goes back.
#[utoipa::path(post, path = "/v1/checkouts/{id}/abandon", tag = "checkout",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Checkout), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn abandon(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Checkout>, ApiError> {
    Ok(Json(
        checkout::abandon(&state.checkout, &me.user, id).await?,
    ))
}

#[utoipa::path(get, path = "/v1/wallet", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = Wallet)))]
pub async fn wallet(State(state): State<Souq>, me: SignedIn) -> Result<Json<Wallet>, ApiError> {
    Ok(Json(checkout::wallet(&state.checkout, &me.user).await?))
}

/// Puts money in the wallet from a card; idempotent like a checkout.
#[utoipa::path(post, path = "/v1/wallet/top-ups", tag = "wallet", request_body = TopUpRequest,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per attempt")),
    security(("bearer" = [])),
    responses((status = 200, body = Checkout),
              (status = 402, description = "the card was declined", body = ErrorBody),
              (status = 409, description = "this key's request is still running",
               body = ErrorBody),
              (status = 422, description = "a bad amount, or a Souq card (never a top-up \
               source)", body = ErrorBody),
              (status = 429, description = "too many checkouts from this account or address",
               body = ErrorBody)))]
pub async fn top_up(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    headers: HeaderMap,
    Json(request): Json<TopUpRequest>,
) -> Result<Json<Checkout>, ApiError> {
    let key = Some(counted_key(
        &headers,
        &state.actions.checkouts,
        me.user.id,
        &client,
    )?);
    let checkout = to_the_end(async move {
        checkout::top_up(
            &state.checkout,
            &me.user,
            key.as_deref(),
            client.addr,
            &request,
        )
        .await
    })
    .await?;
    Ok(Json(checkout))
}

#[utoipa::path(get, path = "/v1/addresses", tag = "checkout", security(("bearer" = [])),
    responses((status = 200, body = Vec<Address>)))]
pub async fn addresses(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<Vec<Address>>, ApiError> {
    Ok(Json(addresses::list(&state.base.db, me.user.id).await?))
}

#[utoipa::path(post, path = "/v1/addresses", tag = "checkout", request_body = AddressInput,
    security(("bearer" = [])),
    responses((status = 201, body = Address), (status = 422, body = ErrorBody)))]
pub async fn add_address(
    State(state): State<Souq>,
    me: SignedIn,
    Json(input): Json<AddressInput>,
) -> Result<(StatusCode, Json<Address>), ApiError> {
    let address = addresses::add(&state.base.db, me.user.id, &input).await?;
    Ok((StatusCode::CREATED, Json(address)))
}

#[utoipa::path(put, path = "/v1/addresses/{id}", tag = "checkout", request_body = AddressInput,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Address), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn edit_address(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
    Json(input): Json<AddressInput>,
) -> Result<Json<Address>, ApiError> {
    Ok(Json(
        addresses::update(&state.base.db, me.user.id, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/v1/addresses/{id}", tag = "checkout",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_address(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    addresses::delete(&state.base.db, me.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
