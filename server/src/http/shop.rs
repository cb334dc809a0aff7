//! The Shop: what it opens on, search and browse, store pages and product pages.

use axum::extract::State;
use souq_wire::{ErrorBody, ProductDetail, ShopHome, ShopQuery, ShopResults, Storefront};

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Json, Path, Query, SignedIn};
use crate::stores::{shop, storefront};

/// The categories and stores the Shop tab opens on.
#[utoipa::path(get, path = "/v1/shop", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = ShopHome), (status = 401, body = ErrorBody)))]
pub async fn home(State(state): State<Souq>, _me: SignedIn) -> Result<Json<ShopHome>, ApiError> {
    Ok(Json(shop::home(&state.base.db).await?))
}

/// Searches (Arabic or English, the last word as a prefix while typed) or browses the
/// shown products, with filters and a sort; the first page of a search adds stores.
#[utoipa::path(get, path = "/v1/shop/search", tag = "shop", params(ShopQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ShopResults), (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<Souq>,
    _me: SignedIn,
    Query(query): Query<ShopQuery>,
) -> Result<Json<ShopResults>, ApiError> {
    Ok(Json(
        shop::search(&state.base.db, &state.search, &query).await?,
    ))
}

/// A store's mini-store: banner, about, collections and products.
#[utoipa::path(get, path = "/v1/stores/{handle}", tag = "shop",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Storefront), (status = 404, body = ErrorBody)))]
pub async fn store(
    State(state): State<Souq>,
    _me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Storefront>, ApiError> {
    Ok(Json(storefront::storefront(&state.base.db, &handle).await?))
}

#[utoipa::path(get, path = "/v1/products/{id}", tag = "shop",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProductDetail), (status = 404, body = ErrorBody)))]
pub async fn product(
    State(state): State<Souq>,
    _me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ProductDetail>, ApiError> {
    Ok(Json(storefront::product(&state.base.db, id).await?))
}
