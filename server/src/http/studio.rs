//! The merchant studio: open a store, edit products and the store page as drafts,
//! preview, publish, discard. Every route but opening a store names the store, and
//! only its owner gets past 403.

use axum::extract::State;
use axum::http::StatusCode;
use souq_wire::{ErrorBody, NewStore, ProductDraft, StoreDraft, Storefront, Studio, StudioProduct};

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Json, Path, SignedIn};
use crate::stores::studio;

/// Opens the signed-in merchant's store, under their own handle.
#[utoipa::path(post, path = "/v1/stores", tag = "studio", request_body = NewStore,
    security(("bearer" = [])),
    responses((status = 201, body = Studio), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open_store(
    State(state): State<Souq>,
    me: SignedIn,
    Json(new): Json<NewStore>,
) -> Result<(StatusCode, Json<Studio>), ApiError> {
    let studio = studio::open_store(&state.base, &me.user, new).await?;
    Ok((StatusCode::CREATED, Json(studio)))
}

#[utoipa::path(get, path = "/v1/stores/{handle}/studio", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Studio), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Studio>, ApiError> {
    Ok(Json(
        studio::studio(&state.base.db, &me.user, &handle).await?,
    ))
}

/// Adds a product as a draft.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/products", tag = "studio",
    params(("handle" = String, Path)), request_body = ProductDraft, security(("bearer" = [])),
    responses((status = 201, body = StudioProduct), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, description = "over the products a store creates a day", body = ErrorBody)))]
pub async fn create_product(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Json(draft): Json<ProductDraft>,
) -> Result<(StatusCode, Json<StudioProduct>), ApiError> {
    let product = studio::create_product(&state.base, &me.user, &handle, draft).await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// Saves a product's draft.
#[utoipa::path(put, path = "/v1/stores/{handle}/studio/products/{id}", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), request_body = ProductDraft,
    security(("bearer" = [])),
    responses((status = 200, body = StudioProduct), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_product(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
    Json(draft): Json<ProductDraft>,
) -> Result<Json<StudioProduct>, ApiError> {
    Ok(Json(
        studio::edit_product(&state.base.db, &me.user, &handle, id, draft).await?,
    ))
}

/// Saves the store page's draft: about, banner, collections.
#[utoipa::path(put, path = "/v1/stores/{handle}/studio/page", tag = "studio",
    params(("handle" = String, Path)), request_body = StoreDraft, security(("bearer" = [])),
    responses((status = 200, body = Studio), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_page(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Json(page): Json<StoreDraft>,
) -> Result<Json<Studio>, ApiError> {
    Ok(Json(
        studio::edit_page(&state.base.db, &me.user, &handle, page).await?,
    ))
}

/// The storefront as shoppers will see it once the drafts are published.
#[utoipa::path(get, path = "/v1/stores/{handle}/studio/preview", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Storefront), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Storefront>, ApiError> {
    Ok(Json(
        studio::preview(&state.base.db, &me.user, &handle).await?,
    ))
}

/// Publishes every draft at once and answers the storefront shoppers now see.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/publish", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Storefront), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn publish(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Storefront>, ApiError> {
    Ok(Json(studio::publish(&state.base, &me.user, &handle).await?))
}

/// Throws every draft away.
#[utoipa::path(delete, path = "/v1/stores/{handle}/studio/drafts", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Studio), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn discard(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<Studio>, ApiError> {
    Ok(Json(
        studio::discard(&state.base.db, &me.user, &handle).await?,
    ))
}
