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
    let api = Api::new(&running.url()).unwrap();
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
    let api = Api::new(&running.url()).unwrap();
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
    let api = Api::new(&url).unwrap();
    let result = api
        .get::<FeedPage, _>(&["v1", "feed"], NO_QUERY, Some("token"))
        .await;
    let error = result.unwrap_err();
    assert!(matches!(error, AppError::Unreachable(_)), "{error:?}");
    assert_eq!(error.body().code, ErrorCode::Unavailable);
}
