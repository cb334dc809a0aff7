//! The wallet beyond top-ups: its home, activity and spending, money between people,
//! savings, withdrawals and donations (the debit card is `cards.rs`, the PIN vault
//! `vault.rs`). Only translation; the rules live in `crate::wallet`. Requests that move
//! money carry the app's `Idempotency-Key`.

use axum::extract::State;
use axum::http::HeaderMap;
use souq_wire::{
    ActivityEntry, ActivityPage, ActivityQuery, CardDonation, Checkout, Donate, Donation,
    DonationPage, ErrorBody, MoneyRequest, MoneyRequests, MoneySent, MoveSavings, RequestMoney,
    RequestStatus, SendMoney, SpendingQuery, SpendingReport, WalletHome, Withdraw, Withdrawal,
};

use crate::base::error::ApiError;
use crate::base::paging::PageParams;
use crate::checkout;
use crate::http::Souq;
use crate::http::checkout::{counted_key, idempotency_key, to_the_end};
use crate::http::extract::{Client, Json, Path, Query, SignedIn};
use crate::wallet::{self, activity, donations, people, savings, withdrawals};

#[utoipa::path(get, path = "/v1/wallet/home", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = WalletHome), (status = 401, body = ErrorBody)))]
pub async fn home(State(state): State<Souq>, me: SignedIn) -> Result<Json<WalletHome>, ApiError> {
    Ok(Json(
        wallet::home(&state.wallet, me.user.id, &me.token).await?,
    ))
}

#[utoipa::path(get, path = "/v1/wallet/activity", tag = "wallet", params(ActivityQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ActivityPage), (status = 422, body = ErrorBody)))]
pub async fn activity(
    State(state): State<Souq>,
    me: SignedIn,
    Query(query): Query<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    Ok(Json(activity::page(&state.base, me.user.id, &query).await?))
}

#[utoipa::path(get, path = "/v1/wallet/activity/{id}", tag = "wallet",
    params(("id" = String, Path, description = "the transfer's id")),
    security(("bearer" = [])),
    responses((status = 200, body = ActivityEntry), (status = 404, body = ErrorBody)))]
pub async fn entry(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ActivityEntry>, ApiError> {
    Ok(Json(activity::entry(&state.base, me.user.id, &id).await?))
}

#[utoipa::path(get, path = "/v1/wallet/spending", tag = "wallet", params(SpendingQuery),
    security(("bearer" = [])),
    responses((status = 200, body = SpendingReport), (status = 422, body = ErrorBody)))]
pub async fn spending(
    State(state): State<Souq>,
    me: SignedIn,
    Query(query): Query<SpendingQuery>,
) -> Result<Json<SpendingReport>, ApiError> {
    Ok(Json(
        activity::spending(&state.base, me.user.id, &query).await?,
    ))
}

/// Sends money to an @handle; needs the vault unlocked.
#[utoipa::path(post, path = "/v1/wallet/sends", tag = "wallet", request_body = SendMoney,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per send")),
    security(("bearer" = [])),
    responses((status = 200, body = MoneySent),
              (status = 403, description = "the PIN is needed (pin_required)", body = ErrorBody),
              (status = 404, description = "nobody has that handle", body = ErrorBody),
              (status = 422, description = "not enough money, over a limit, or to oneself",
               body = ErrorBody)))]
pub async fn send(
    State(state): State<Souq>,
    me: SignedIn,
    headers: HeaderMap,
    Json(request): Json<SendMoney>,
) -> Result<Json<MoneySent>, ApiError> {
    let key = idempotency_key(&headers);
    let sent = to_the_end(async move {
        people::send(&state.wallet, &me.user, &me.token, key.as_deref(), &request).await
    })
    .await?;
    Ok(Json(sent))
}

#[utoipa::path(get, path = "/v1/wallet/requests", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = MoneyRequests)))]
pub async fn requests(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<MoneyRequests>, ApiError> {
    Ok(Json(people::list(&state.wallet, &me.user).await?))
}

/// Asks an @handle for money; they are told in their inbox.
#[utoipa::path(post, path = "/v1/wallet/requests", tag = "wallet", request_body = RequestMoney,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per request")),
    security(("bearer" = [])),
    responses((status = 200, body = MoneyRequest), (status = 404, body = ErrorBody),
              (status = 409, description = "too many requests waiting for that person",
               body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 429, description = "too many requests from this account or address",
               body = ErrorBody)))]
pub async fn ask(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    headers: HeaderMap,
    Json(request): Json<RequestMoney>,
) -> Result<Json<MoneyRequest>, ApiError> {
    let key = Some(counted_key(
        &headers,
        &state.actions.money_requests,
        me.user.id,
        &client,
    )?);
    Ok(Json(
        people::request(&state.wallet, &me.user, key.as_deref(), &request).await?,
    ))
}

/// Pays a request from the wallet (once, however often asked); needs the vault unlocked.
#[utoipa::path(post, path = "/v1/wallet/requests/{id}/accept", tag = "wallet",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MoneyRequest),
              (status = 403, description = "the PIN is needed, or not asked of you",
               body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "declined or cancelled", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn accept(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<MoneyRequest>, ApiError> {
    let paid =
        to_the_end(async move { people::accept(&state.wallet, &me.user, &me.token, id).await })
            .await?;
    Ok(Json(paid))
}

#[utoipa::path(post, path = "/v1/wallet/requests/{id}/decline", tag = "wallet",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MoneyRequest), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<MoneyRequest>, ApiError> {
    Ok(Json(
        people::close(&state.wallet, &me.user, id, RequestStatus::Declined).await?,
    ))
}

#[utoipa::path(post, path = "/v1/wallet/requests/{id}/cancel", tag = "wallet",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MoneyRequest), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<MoneyRequest>, ApiError> {
    Ok(Json(
        people::close(&state.wallet, &me.user, id, RequestStatus::Cancelled).await?,
    ))
}

/// Moves money between main and savings.
#[utoipa::path(post, path = "/v1/wallet/savings", tag = "wallet", request_body = MoveSavings,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per move")),
    security(("bearer" = [])),
    responses((status = 200, body = WalletHome), (status = 422, body = ErrorBody)))]
pub async fn move_savings(
    State(state): State<Souq>,
    me: SignedIn,
    headers: HeaderMap,
    Json(request): Json<MoveSavings>,
) -> Result<Json<WalletHome>, ApiError> {
    let key = idempotency_key(&headers);
    let home = to_the_end(async move {
        savings::move_money(&state.wallet, &me.user, &me.token, key.as_deref(), &request).await
    })
    .await?;
    Ok(Json(home))
}

/// Gives to a verified nonprofit from the wallet; a large gift needs the vault unlocked.
#[utoipa::path(post, path = "/v1/stores/{handle}/donations", tag = "wallet",
    request_body = Donate, params(("handle" = String, Path),
        ("Idempotency-Key" = String, Header,
         description = "16 to 64 letters, digits and dashes, made by the app per gift")),
    security(("bearer" = [])),
    responses((status = 200, body = Donation),
              (status = 403, description = "not a verified nonprofit, or the PIN is needed",
               body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn donate(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    headers: HeaderMap,
    Json(request): Json<Donate>,
) -> Result<Json<Donation>, ApiError> {
    let key = idempotency_key(&headers);
    let donation = to_the_end(async move {
        donations::donate(
            &state.wallet,
            &me.user,
            &me.token,
            key.as_deref(),
            &handle,
            &request,
        )
        .await
    })
    .await?;
    Ok(Json(donation))
}

/// Gives to a verified nonprofit from a card; idempotent like a checkout, and answered
/// as one (a second step, a slow card), the gift made once the card pays.
#[utoipa::path(post, path = "/v1/stores/{handle}/donations/card", tag = "wallet",
    request_body = CardDonation, params(("handle" = String, Path),
        ("Idempotency-Key" = String, Header,
         description = "16 to 64 letters, digits and dashes, made by the app per gift")),
    security(("bearer" = [])),
    responses((status = 200, body = Checkout),
              (status = 402, description = "the card was declined", body = ErrorBody),
              (status = 403, description = "not a verified nonprofit", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "this key's request is still running",
               body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 429, description = "too many checkouts from this account or address",
               body = ErrorBody)))]
pub async fn donate_by_card(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
    Path(handle): Path<String>,
    headers: HeaderMap,
    Json(request): Json<CardDonation>,
) -> Result<Json<Checkout>, ApiError> {
    let key = Some(counted_key(
        &headers,
        &state.actions.checkouts,
        me.user.id,
        &client,
    )?);
    let checkout = to_the_end(async move {
        checkout::donate_by_card(
            &state.checkout,
            &me.user,
            key.as_deref(),
            client.addr,
            &handle,
            &request,
        )
        .await
    })
    .await?;
    Ok(Json(checkout))
}

/// The donations a nonprofit received, for its owner.
#[utoipa::path(get, path = "/v1/stores/{handle}/studio/donations", tag = "wallet",
    params(("handle" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = DonationPage), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn donations_received(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<DonationPage>, ApiError> {
    Ok(Json(
        donations::received(
            &state.wallet,
            &me.user,
            &handle,
            params.cursor()?,
            params.limit()?,
        )
        .await?,
    ))
}

/// Takes money out to a bank account; needs the vault unlocked.
#[utoipa::path(post, path = "/v1/wallet/withdrawals", tag = "wallet", request_body = Withdraw,
    params(("Idempotency-Key" = String, Header,
            description = "16 to 64 letters, digits and dashes, made by the app per withdrawal")),
    security(("bearer" = [])),
    responses((status = 200, body = Withdrawal),
              (status = 403, description = "the PIN is needed (pin_required)", body = ErrorBody),
              (status = 422, description = "not enough money, or not a valid IBAN",
               body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<Souq>,
    me: SignedIn,
    headers: HeaderMap,
    Json(request): Json<Withdraw>,
) -> Result<Json<Withdrawal>, ApiError> {
    let key = idempotency_key(&headers);
    let withdrawal = to_the_end(async move {
        withdrawals::withdraw(&state.wallet, &me.user, &me.token, key.as_deref(), &request).await
    })
    .await?;
    Ok(Json(withdrawal))
}
