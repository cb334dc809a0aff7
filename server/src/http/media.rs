//! Serves stored images. They never change once written, so clients may cache forever.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Path;
use crate::media;

#[utoipa::path(get, path = "/v1/media/{id}", tag = "media",
    params(("id" = i64, Path, description = "Media id")),
    responses((status = 200, description = "The image bytes"),
              (status = 404, body = souq_wire::ErrorBody)))]
pub async fn get(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let media = media::get(&state.db, id).await?;
    let content_type = HeaderValue::from_str(&media.content_type)
        .map_err(|e| ApiError::Internal(format!("stored content type: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
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
