//! The HTTP client every command uses to reach the Souq server, embedded or remote:
//! one code path either way. Server errors come back as their `{code, message}`.

use reqwest::{Method, RequestBuilder, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use souq_wire::ErrorBody;

use crate::error::AppError;

/// For a GET without query parameters.
pub const NO_QUERY: &[(&str, &str)] = &[];

#[derive(Clone, Debug)]
pub struct Api {
    http: reqwest::Client,
    base: Url,
}

/// A fetched binary resource (an image).
pub struct Bytes {
    pub content_type: String,
    /// As the server said: unpublished images must not be cached as public.
    pub cache_control: String,
    pub bytes: Vec<u8>,
}

impl Api {
    /// A client of the server at `base_url`; `app_secret` (the embedded server's launch
    /// secret) goes with every request when given.
    pub fn new(base_url: &str, app_secret: Option<&str>) -> Result<Api, AppError> {
        Api::for_device(base_url, app_secret, None)
    }

    /// The same, naming this install (`device::id`) in the User-Agent, so the server
    /// tells it from another install of the same version on the same platform.
    pub fn for_device(
        base_url: &str,
        app_secret: Option<&str>,
        device: Option<&str>,
    ) -> Result<Api, AppError> {
        let base = Url::parse(base_url)
            .map_err(|e| AppError::Internal(format!("bad server URL {base_url:?}: {e}")))?;
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(secret) = app_secret {
            let mut value = reqwest::header::HeaderValue::from_str(secret)
                .map_err(|e| AppError::Internal(format!("launch secret: {e}")))?;
            value.set_sensitive(true);
            headers.insert(souq_wire::app::APP_SECRET_HEADER, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            // Shown to the user in their list of sessions and "was this you?" notices.
            .user_agent(match device {
                Some(device) => format!(
                    "souq-app/{} ({}; {device})",
                    env!("CARGO_PKG_VERSION"),
                    std::env::consts::OS
                ),
                None => format!(
                    "souq-app/{} ({})",
                    env!("CARGO_PKG_VERSION"),
                    std::env::consts::OS
                ),
            })
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| AppError::Internal(format!("http client: {e}")))?;
        Ok(Api { http, base })
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// The URL of `segments` under the base; each segment is percent-encoded, so a
    /// hashtag in Arabic or with odd characters stays one path segment.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    fn request(&self, method: Method, segments: &[&str], token: Option<&str>) -> RequestBuilder {
        let request = self.http.request(method, self.url(segments));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send(request: RequestBuilder) -> Result<reqwest::Response, AppError> {
        let response = request
            .send()
            .await
            .map_err(|e| AppError::Unreachable(e.to_string()))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Err(AppError::Server(body)),
            Err(_) => Err(AppError::BadResponse(format!("{status}: {text}"))),
        }
    }

    async fn json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, AppError> {
        Self::send(request)
            .await?
            .json()
            .await
            .map_err(|e| AppError::BadResponse(e.to_string()))
    }

    pub async fn get<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        segments: &[&str],
        query: &Q,
        token: Option<&str>,
    ) -> Result<T, AppError> {
        Self::json(self.request(Method::GET, segments, token).query(query)).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        segments: &[&str],
        body: &B,
        token: Option<&str>,
    ) -> Result<T, AppError> {
        self.with_body(Method::POST, segments, body, token).await
    }

    /// A call that sends a JSON body and answers JSON.
    pub async fn with_body<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: &B,
        token: Option<&str>,
    ) -> Result<T, AppError> {
        Self::json(self.request(method, segments, token).json(body)).await
    }

    /// A POST that moves money or stock, named by its attempt's idempotency key.
    pub async fn post_idempotent<B: Serialize, T: DeserializeOwned>(
        &self,
        segments: &[&str],
        body: &B,
        token: Option<&str>,
        key: &str,
    ) -> Result<T, AppError> {
        Self::json(
            self.request(Method::POST, segments, token)
                .header(souq_wire::checkout::IDEMPOTENCY_HEADER, key)
                .json(body),
        )
        .await
    }

    pub async fn put<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        token: Option<&str>,
    ) -> Result<T, AppError> {
        Self::json(self.request(Method::PUT, segments, token)).await
    }

    pub async fn delete_json<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        token: Option<&str>,
    ) -> Result<T, AppError> {
        Self::json(self.request(Method::DELETE, segments, token)).await
    }

    /// Posts raw bytes (an image upload).
    pub async fn post_bytes<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        bytes: Vec<u8>,
        token: Option<&str>,
    ) -> Result<T, AppError> {
        Self::json(
            self.request(Method::POST, segments, token)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(bytes),
        )
        .await
    }

    /// A call whose answer has no body (204).
    pub async fn no_content(
        &self,
        method: Method,
        segments: &[&str],
        token: Option<&str>,
    ) -> Result<(), AppError> {
        Self::send(self.request(method, segments, token)).await?;
        Ok(())
    }

    /// A response read as it arrives (server-sent events): no overall time limit, which
    /// the reader replaces with its own on each read.
    pub async fn stream(
        &self,
        segments: &[&str],
        token: Option<&str>,
    ) -> Result<reqwest::Response, AppError> {
        Self::send(
            self.request(Method::GET, segments, token)
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .timeout(std::time::Duration::from_secs(365 * 24 * 3600)),
        )
        .await
    }

    pub async fn delete(&self, segments: &[&str], token: Option<&str>) -> Result<(), AppError> {
        self.no_content(Method::DELETE, segments, token).await
    }

    pub async fn bytes(&self, segments: &[&str], token: Option<&str>) -> Result<Bytes, AppError> {
        let response = Self::send(self.request(Method::GET, segments, token)).await?;
        let cache_control = response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("private, no-store")
            .to_string();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| AppError::BadResponse(e.to_string()))?
            .to_vec();
        Ok(Bytes {
            content_type,
            cache_control,
            bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded_one_by_one() {
        let api = Api::new("http://127.0.0.1:9/", None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            api.url(&["v1", "hashtags", "عود", "posts"]).as_str(),
            "http://127.0.0.1:9/v1/hashtags/%D8%B9%D9%88%D8%AF/posts"
        );
        assert_eq!(
            api.url(&["v1", "hashtags", "a/b?c", "posts"]).as_str(),
            "http://127.0.0.1:9/v1/hashtags/a%2Fb%3Fc/posts"
        );
    }
}
