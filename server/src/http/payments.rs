//! The payment processor's side: its signed callbacks, and the sandbox's page for a
//! card's second step (a bank's 3-D Secure page, in a real processor's world).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use souq_wire::{ChallengeAnswer, Checkout, ErrorBody};

use crate::base::error::ApiError;
use crate::checkout;
use crate::http::Souq;
use crate::http::extract::{Json, Path, SignedIn};
use crate::payments::{Event, SIGNATURE_HEADER};

/// A processor's callback that a payment changed, signed with the shared secret
/// (`Souq-Signature`: hex HMAC-SHA256 of the body). Safe to send twice, late or out of
/// order: Souq asks the processor for the payment's state and applies that.
#[utoipa::path(post, path = "/v1/payments/callbacks", tag = "payments", request_body = Event,
    params(("Souq-Signature" = String, Header, description = "hex HMAC-SHA256 of the body")),
    responses((status = 204, description = "applied"),
              (status = 400, body = ErrorBody),
              (status = 401, description = "not signed by the processor", body = ErrorBody)))]
pub async fn callback(
    State(state): State<Souq>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    checkout::on_callback(&state.checkout, &body, signature).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The sandbox's second step for a test card that asks for one: the shopper completes
/// it (`approve`) or fails it. Answers the checkout as it then stands.
#[utoipa::path(post, path = "/v1/sandbox/payments/{id}/challenge", tag = "payments",
    params(("id" = String, Path)), request_body = ChallengeAnswer, security(("bearer" = [])),
    responses((status = 200, body = Checkout), (status = 404, body = ErrorBody),
              (status = 409, description = "the payment asks for no second step now",
               body = ErrorBody)))]
pub async fn challenge(
    State(state): State<Souq>,
    me: SignedIn,
    Path(payment_id): Path<String>,
    Json(answer): Json<ChallengeAnswer>,
) -> Result<Json<Checkout>, ApiError> {
    Ok(Json(
        checkout::answer_challenge(&state.checkout, &me.user, &payment_id, answer.approve).await?,
    ))
}
