//! Request extractors whose rejections are `ApiError`s, so every failure a client can
//! cause answers `{code, message}` with the fitting status.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use souq_wire::User;

use crate::accounts;
use crate::base::error::ApiError;
use crate::http::Souq;

/// U+0000 is refused everywhere a client can put text: PostgreSQL cannot store it in
/// text, so it must be a 422 before any query rather than a 500 from one.
const NUL_REFUSED: &str = "text may not contain the character U+0000";

fn holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(map) => map
            .iter()
            .any(|(key, value)| key.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// A JSON body; malformed JSON is 400, well-formed but wrong fields (or U+0000 in any
/// string) 422, too big 413.
pub struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        if holds_nul(&value) {
            return Err(ApiError::Validation(NUL_REFUSED.into()));
        }
        // With the path of the field at fault, as axum's own extractor says it.
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|e| {
                ApiError::Validation(format!(
                    "Failed to deserialize the JSON body into the target type: {e}"
                ))
            })
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Percent-encoded U+0000 in a path or query string.
fn encodes_nul(raw: &str) -> bool {
    raw.contains("%00")
}

pub struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if parts.uri.query().is_some_and(encodes_nul) {
            return Err(ApiError::Validation(NUL_REFUSED.into()));
        }
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

pub struct Path<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if encodes_nul(parts.uri.path()) {
            return Err(ApiError::Validation(NUL_REFUSED.into()));
        }
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(value))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::Validation(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "send JSON with content-type application/json".into(),
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge(crate::http::BODY_LIMIT_BYTES)
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// A raw upload body, up to the route's limit (413 beyond).
pub struct Upload(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        // Refused from its declared length before any of it is read: a client that asked
        // first (Expect: 100-continue) never sends the body at all.
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > crate::media::MAX_UPLOAD_BYTES) {
            return Err(ApiError::PayloadTooLarge(crate::media::MAX_UPLOAD_BYTES));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge(crate::media::MAX_UPLOAD_BYTES)
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })?;
        Ok(Upload(bytes.to_vec()))
    }
}

/// Who sent the request: the peer's address (or, behind a trusted reverse proxy, the
/// last `X-Forwarded-For` hop, which that proxy wrote) and its User-Agent.
pub struct Client(pub accounts::Client);

impl FromRequestParts<Souq> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Souq) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| ApiError::Internal("no peer address on the connection".into()))?;
        // Only the hop the proxy itself wrote, the last one: any before it came from the
        // client. An unreadable last hop falls back to the peer.
        let forwarded = state
            .base
            .limits
            .behind_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .next_back()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit(',').next())
                    .and_then(|hop| hop.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let device = accounts::sessions::device_name(
            parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        );
        Ok(Client(accounts::Client {
            addr: forwarded.unwrap_or(peer),
            device,
        }))
    }
}

/// The signed-in user, from `Authorization: Bearer <token>`; 401 without a live session.
pub struct SignedIn {
    pub user: User,
    pub token: String,
}

impl FromRequestParts<Souq> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Souq) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?
            .to_string();
        let user =
            accounts::sessions::user_for_token(&state.base.db, &state.accounts.sessions, &token)
                .await?
                .ok_or(ApiError::Unauthorized)?;
        Ok(SignedIn { user, token })
    }
}

/// The signed-in user when the request carries a live session, or nobody; never 401.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<Souq> for MaybeSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Souq) -> Result<Self, ApiError> {
        match SignedIn::from_request_parts(parts, state).await {
            Ok(signed_in) => Ok(MaybeSignedIn(Some(signed_in))),
            Err(ApiError::Unauthorized) => Ok(MaybeSignedIn(None)),
            Err(other) => Err(other),
        }
    }
}
