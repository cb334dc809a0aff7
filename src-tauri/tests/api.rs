//! The app's HTTP client against a real Souq server on SQLite: the same code path the
//! commands take, embedded or remote, without a window.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::net::SocketAddr;

use souq_app_lib::api::{Api, NO_QUERY};
use souq_app_lib::error::AppError;
use souq_server::{Config, DatabaseConfig};
use souq_wire::{ErrorCode, FeedPage, Session, SignInRequest};

async fn server() -> (souq_server::RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let running = souq_server::start(Config {
        demo_data: true,
        ..Config::new(
            DatabaseConfig::Sqlite(dir.path().join("souq.db")),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    })
    .await
    .unwrap();
    (running, dir)
}

async fn sign_in(api: &Api) -> String {
    let session: Session = api
        .post(
            &["v1", "sessions"],
            &SignInRequest {
                email: "layla@demo.souq.example".into(),
                password: "souq-demo".into(),
            },
            None,
        )
        .await
        .unwrap();
    session.token
}

#[tokio::test]
async fn the_client_signs_in_and_pages_the_feed_and_an_arabic_hashtag() {
    let (running, _dir) = server().await;
    let api = Api::new(&running.url(), None).unwrap();
    let token = sign_in(&api).await;
    let page: FeedPage = api
        .get(&["v1", "feed"], NO_QUERY, Some(&token))
        .await
        .unwrap();
    assert_eq!(page.posts.len(), 20);
    let next = page.next_cursor.unwrap();
    let second: FeedPage = api
        .get(&["v1", "feed"], &[("before", &next)], Some(&token))
        .await
        .unwrap();
    assert!(second.posts[0].created_at <= page.posts[19].created_at);
    let tagged: FeedPage = api
        .get(&["v1", "hashtags", "عود", "posts"], NO_QUERY, Some(&token))
        .await
        .unwrap();
    assert!(!tagged.posts.is_empty());
    assert!(
        tagged
            .posts
            .iter()
            .all(|p| p.hashtags.contains(&"عود".to_string()))
    );
}

#[tokio::test]
async fn server_errors_pass_through_with_their_code() {
    let (running, _dir) = server().await;
    let api = Api::new(&running.url(), None).unwrap();
    let wrong = api
        .post::<_, Session>(
            &["v1", "sessions"],
            &SignInRequest {
                email: "layla@demo.souq.example".into(),
                password: "not the password".into(),
            },
            None,
        )
        .await;
    match wrong {
        Err(AppError::Server(body)) => assert_eq!(body.code, ErrorCode::InvalidCredentials),
        other => panic!("expected invalid credentials, got {other:?}"),
    }
    let missing = api.bytes(&["v1", "media", "424242"], None).await;
    assert!(matches!(missing, Err(AppError::Server(ref b)) if b.code == ErrorCode::NotFound));
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_not_a_crash() {
    let (running, _dir) = server().await;
    let url = running.url();
    running.shutdown().await.unwrap();
    let api = Api::new(&url, None).unwrap();
    let result = api
        .get::<FeedPage, _>(&["v1", "feed"], NO_QUERY, Some("token"))
        .await;
    let error = result.unwrap_err();
    assert!(matches!(error, AppError::Unreachable(_)), "{error:?}");
    assert_eq!(error.body().code, ErrorCode::Unavailable);
}

#[tokio::test]
async fn an_embedded_server_answers_only_the_client_holding_its_launch_secret() {
    let dir = tempfile::tempdir().unwrap();
    let running = souq_server::start(Config {
        app_secret: Some("launch-secret-for-this-test".into()),
        ..Config::new(
            DatabaseConfig::Sqlite(dir.path().join("souq.db")),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    })
    .await
    .unwrap();
    let health = ["v1", "health"];
    let without = Api::new(&running.url(), None).unwrap();
    match without
        .get::<souq_wire::Health, _>(&health, NO_QUERY, None)
        .await
    {
        Err(AppError::Server(body)) => assert_eq!(body.code, ErrorCode::Unauthorized),
        other => panic!("answered a client without the secret: {other:?}"),
    }
    let wrong = Api::new(&running.url(), Some("a-guess")).unwrap();
    assert!(
        wrong
            .get::<souq_wire::Health, _>(&health, NO_QUERY, None)
            .await
            .is_err()
    );
    let app = Api::new(&running.url(), Some("launch-secret-for-this-test")).unwrap();
    let ok: souq_wire::Health = app.get(&health, NO_QUERY, None).await.unwrap();
    assert_eq!(ok.status, "ok");
    // A web page that rebound its own name to 127.0.0.1 sends that name as the Host.
    let rebound = reqwest::Client::new()
        .get(format!("{}/v1/health", running.url()))
        .header("host", format!("attacker.example:{}", running.addr.port()))
        .header("x-souq-app-secret", "launch-secret-for-this-test")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 403);
}
