//! Orders: the shopper's, and a store's in the studio with the steps it takes them
//! through (shipped, delivered, cancelled, refunded); the store's shipping options.

use axum::extract::State;
use souq_wire::{
    CancelOrder, ErrorBody, Order, OrderPage, ShipOrder, ShippingOption, ShippingOptions,
};

use crate::base::error::ApiError;
use crate::base::paging::PageParams;
use crate::http::Souq;
use crate::http::extract::{Json, Path, Query, SignedIn};
use crate::orders::{self, steps};
use crate::stores::shipping;

#[utoipa::path(get, path = "/v1/orders", tag = "orders", params(PageParams),
    security(("bearer" = [])), responses((status = 200, body = OrderPage)))]
pub async fn mine(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<OrderPage>, ApiError> {
    Ok(Json(
        orders::mine(&state.base.db, &me.user, params.cursor()?, params.limit()?).await?,
    ))
}

/// An order, for its shopper or its store.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(orders::get(&state.base.db, &me.user, id).await?))
}

/// The shopper cancels an order not shipped yet: the payment goes back, so does the stock.
#[utoipa::path(post, path = "/v1/orders/{id}/cancel", tag = "orders",
    params(("id" = i64, Path)), request_body = CancelOrder, security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody),
              (status = 409, description = "shipped or ended already", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
    Json(cancel): Json<CancelOrder>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        steps::cancel_as_shopper(&state.checkout, &me.user, id, &cancel).await?,
    ))
}

#[utoipa::path(get, path = "/v1/stores/{handle}/studio/orders", tag = "studio",
    params(("handle" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = OrderPage), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn of_store(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<OrderPage>, ApiError> {
    Ok(Json(
        orders::of_store(
            &state.base.db,
            &me.user,
            &handle,
            params.cursor()?,
            params.limit()?,
        )
        .await?,
    ))
}

/// The store ships a paid order; the store is paid, less the platform's fee.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/orders/{id}/ship", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), request_body = ShipOrder,
    security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn ship(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
    Json(ship): Json<ShipOrder>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        steps::ship(&state.checkout, &me.user, &handle, id, &ship).await?,
    ))
}

#[utoipa::path(post, path = "/v1/stores/{handle}/studio/orders/{id}/deliver", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn deliver(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        steps::deliver(&state.checkout, &me.user, &handle, id).await?,
    ))
}

/// The store cancels an order it has not shipped: the shopper is paid back.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/orders/{id}/cancel", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), request_body = CancelOrder,
    security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn store_cancel(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
    Json(cancel): Json<CancelOrder>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        steps::cancel_as_store(&state.checkout, &me.user, &handle, id, &cancel).await?,
    ))
}

/// The store refunds a shipped or delivered order in full.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/orders/{id}/refund", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), request_body = CancelOrder,
    security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, description = "the store's account holds too little",
               body = ErrorBody)))]
pub async fn refund(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
    Json(cancel): Json<CancelOrder>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        steps::refund(&state.checkout, &me.user, &handle, id, &cancel).await?,
    ))
}

#[utoipa::path(get, path = "/v1/stores/{handle}/studio/shipping", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<ShippingOption>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn shipping_options(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Vec<ShippingOption>>, ApiError> {
    Ok(Json(
        shipping::list(&state.base.db, &me.user, &handle).await?,
    ))
}

/// Replaces the store's shipping options; those left out are archived.
#[utoipa::path(put, path = "/v1/stores/{handle}/studio/shipping", tag = "studio",
    params(("handle" = String, Path)), request_body = ShippingOptions,
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ShippingOption>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_shipping_options(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Json(options): Json<ShippingOptions>,
) -> Result<Json<Vec<ShippingOption>>, ApiError> {
    Ok(Json(
        shipping::set(&state.base.db, &me.user, &handle, &options).await?,
    ))
}
