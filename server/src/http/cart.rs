//! The signed-in shopper's cart.

use axum::extract::State;
use souq_wire::{AddToCart, Cart, ErrorBody, SetQuantity};

use crate::base::error::ApiError;
use crate::cart;
use crate::http::Souq;
use crate::http::extract::{Json, Path, SignedIn};

#[utoipa::path(get, path = "/v1/cart", tag = "cart", security(("bearer" = [])),
    responses((status = 200, body = Cart), (status = 401, body = ErrorBody)))]
pub async fn get(State(state): State<Souq>, me: SignedIn) -> Result<Json<Cart>, ApiError> {
    Ok(Json(cart::get(&state.base.db, &me.user).await?))
}

/// Adds to what the cart holds of an option, up to what is in stock.
#[utoipa::path(post, path = "/v1/cart/items", tag = "cart", request_body = AddToCart,
    security(("bearer" = [])),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add(
    State(state): State<Souq>,
    me: SignedIn,
    Json(add): Json<AddToCart>,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(cart::add(&state.base.db, &me.user, &add).await?))
}

/// Sets how many of an option the cart holds; 0 takes it out.
#[utoipa::path(put, path = "/v1/cart/items/{variant_id}", tag = "cart",
    params(("variant_id" = i64, Path)), request_body = SetQuantity, security(("bearer" = [])),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set(
    State(state): State<Souq>,
    me: SignedIn,
    Path(variant_id): Path<i64>,
    Json(set): Json<SetQuantity>,
) -> Result<Json<Cart>, ApiError> {
    Ok(Json(
        cart::set(&state.base.db, &me.user, variant_id, set.quantity).await?,
    ))
}
