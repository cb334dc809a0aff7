//! The virtual debit card: issuing, showing and revealing it, its freeze and limits,
//! its activity, and the holder's answer to a payment another account asks of it. Only
//! translation; the rules live in `crate::wallet::cards`.

use axum::extract::State;
use souq_wire::{
    CardSettings, CardTransaction, ChallengeAnswer, DebitCard, ErrorBody, IssueCard, RevealedCard,
};

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::checkout::to_the_end;
use crate::http::extract::{Json, Path, SignedIn};
use crate::wallet::cards;

#[utoipa::path(get, path = "/v1/wallet/cards", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = Vec<DebitCard>)))]
pub async fn cards(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<Vec<DebitCard>>, ApiError> {
    Ok(Json(cards::list(&state.wallet, &me.user).await?))
}

/// Issues a virtual debit card in a currency (one per currency).
#[utoipa::path(post, path = "/v1/wallet/cards", tag = "wallet", request_body = IssueCard,
    security(("bearer" = [])),
    responses((status = 200, body = DebitCard),
              (status = 409, description = "a card of that currency exists", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn issue_card(
    State(state): State<Souq>,
    me: SignedIn,
    Json(request): Json<IssueCard>,
) -> Result<Json<DebitCard>, ApiError> {
    Ok(Json(cards::issue(&state.wallet, &me.user, &request).await?))
}

/// Freezes or unfreezes the card and sets its limits; unfreezing (or unlocking after
/// wrong codes) and raising a limit need the vault unlocked.
#[utoipa::path(put, path = "/v1/wallet/cards/{id}", tag = "wallet", request_body = CardSettings,
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DebitCard),
              (status = 403, description = "the PIN is needed (pin_required)", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "the card changed meanwhile", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_card(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
    Json(request): Json<CardSettings>,
) -> Result<Json<DebitCard>, ApiError> {
    Ok(Json(
        cards::update(&state.wallet, &me.user, &me.token, id, &request).await?,
    ))
}

/// The card's number and CVV; needs the vault unlocked.
#[utoipa::path(post, path = "/v1/wallet/cards/{id}/reveal", tag = "wallet",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = RevealedCard),
              (status = 403, description = "the PIN is needed (pin_required)", body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn reveal_card(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<RevealedCard>, ApiError> {
    Ok(Json(
        cards::reveal(&state.wallet, &me.user, &me.token, id).await?,
    ))
}

#[utoipa::path(get, path = "/v1/wallet/cards/{id}/transactions", tag = "wallet",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<CardTransaction>), (status = 404, body = ErrorBody)))]
pub async fn card_transactions(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<CardTransaction>>, ApiError> {
    Ok(Json(
        cards::transactions(&state.wallet, &me.user, id).await?,
    ))
}

/// The holder approves (with the vault unlocked) or declines a payment another account
/// asked of their card; asked again, it answers the same.
#[utoipa::path(post, path = "/v1/wallet/cards/{id}/transactions/{transaction}/answer",
    tag = "wallet", request_body = ChallengeAnswer,
    params(("id" = i64, Path), ("transaction" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CardTransaction),
              (status = 403, description = "the PIN is needed to approve (pin_required)",
               body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn answer_approval(
    State(state): State<Souq>,
    me: SignedIn,
    Path((id, transaction)): Path<(i64, i64)>,
    Json(request): Json<ChallengeAnswer>,
) -> Result<Json<CardTransaction>, ApiError> {
    let answered = to_the_end(async move {
        cards::answer(
            &state.wallet,
            &me.user,
            &me.token,
            id,
            transaction,
            request.approve,
        )
        .await
    })
    .await?;
    Ok(Json(answered))
}
