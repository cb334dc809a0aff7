//! Serves stored images. They never change once written: public ones may be cached by
//! anyone forever, unpublished ones only privately by their uploader.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use souq_wire::{ErrorBody, UploadedMedia};

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Json, MaybeSignedIn, Path, SignedIn, Upload};
use crate::media;

/// An image. One not yet shown by anything published (a draft product's, an upload not
/// attached) is served only to its uploader, signed in; anyone else gets 404.
#[utoipa::path(get, path = "/v1/media/{id}", tag = "media",
    params(("id" = i64, Path, description = "Media id")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The image bytes"),
              (status = 404, body = souq_wire::ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    viewer: MaybeSignedIn,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let media = media::get(&state.base.db, viewer.0.map(|v| v.user.id), id).await?;
    let content_type = HeaderValue::from_str(&media.content_type)
        .map_err(|e| ApiError::Internal(format!("stored content type: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(if media.public {
                    "public, max-age=31536000, immutable"
                } else {
                    "private, no-store"
                }),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            // An SVG opened on its own must not run anything.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
        ],
        media.bytes,
    )
        .into_response())
}

/// Uploads an image (PNG, JPEG, GIF or WebP, up to 5 MiB) as the raw request body. Its
/// type is read from its bytes; anything else is 415.
#[utoipa::path(post, path = "/v1/media", tag = "media",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses((status = 201, body = UploadedMedia), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, description = "over the uploads a day", body = ErrorBody)))]
pub async fn upload(
    State(state): State<Souq>,
    me: SignedIn,
    Upload(bytes): Upload,
) -> Result<(StatusCode, Json<UploadedMedia>), ApiError> {
    let id = media::upload(&state.base, me.user.id, bytes).await?;
    Ok((StatusCode::CREATED, Json(UploadedMedia { id })))
}
