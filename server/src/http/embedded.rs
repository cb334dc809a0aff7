//! The embedded server answers only the app that started it. The app makes a secret at
//! each launch and sends it with every request (`X-Souq-App-Secret`); without it a
//! request is 401, so another user of the machine cannot use the server on 127.0.0.1.
//! The Host must be the loopback address and port it listens on (403 otherwise): a web
//! page that rebinds its own name to 127.0.0.1 sends its own name as the Host.

use axum::Router;
use axum::extract::Request;
use axum::http::header::HOST;
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};

use crate::base::error::ApiError;

use souq_wire::app::APP_SECRET_HEADER as SECRET_HEADER;

/// Compares in constant time: both sides are hashed first, so only equal secrets match
/// and how long it takes says nothing of how much of a guess was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn loopback_host(host: &str, port: u16) -> bool {
    let expected = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    expected.iter().any(|e| e.eq_ignore_ascii_case(host))
}

pub fn only_the_app(router: Router, secret: &str, port: u16) -> Router {
    let secret = secret.as_bytes().to_vec();
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let secret = secret.clone();
        async move {
            let host_ok = request
                .headers()
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|host| loopback_host(host, port));
            if !host_ok {
                return ApiError::Forbidden("this server answers only the Souq app".into())
                    .into_response();
            }
            let secret_ok = request
                .headers()
                .get(SECRET_HEADER)
                .is_some_and(|given| same_secret(given.as_bytes(), &secret));
            if !secret_ok {
                return ApiError::Unauthorized.into_response();
            }
            next.run(request).await
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_on_the_servers_port_pass() {
        assert!(loopback_host("127.0.0.1:4100", 4100));
        assert!(loopback_host("LOCALHOST:4100", 4100));
        assert!(!loopback_host("127.0.0.1:4101", 4100));
        assert!(!loopback_host("evil.example:4100", 4100));
        assert!(!loopback_host("127.0.0.1.evil.example:4100", 4100));
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
