//! Health checks, the OpenAPI document, and graceful shutdown.

use crate::on_both_engines;
use crate::support::{Engine, spawn};

async fn health_names_the_engine_and_ready_checks_the_database(engine: Engine) {
    let server = spawn(engine).await;
    let live = server.send(server.get("/v1/health")).await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body["status"], "ok");
    let expected = match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    assert_eq!(live.body["database"], expected);
    let ready = server.send(server.get("/v1/health/ready")).await;
    assert_eq!(ready.status, 200);
}

async fn the_openapi_document_describes_every_route(engine: Engine) {
    let server = spawn(engine).await;
    let doc = server.send(server.get("/v1/openapi.json")).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for path in [
        "/v1/health",
        "/v1/health/ready",
        "/v1/accounts",
        "/v1/sessions",
        "/v1/sessions/current",
        "/v1/me",
        "/v1/me/store",
        "/v1/me/store/products",
        "/v1/feed",
        "/v1/hashtags/{tag}/posts",
        "/v1/media/{id}",
        "/v1/media",
        "/v1/feed/following",
        "/v1/feed/candidates",
        "/v1/me/bookmarks",
        "/v1/me/notifications",
        "/v1/me/notifications/read",
        "/v1/hashtags/{tag}",
        "/v1/posts",
        "/v1/posts/{id}",
        "/v1/posts/{id}/like",
        "/v1/posts/{id}/repost",
        "/v1/posts/{id}/bookmark",
        "/v1/posts/{id}/share",
        "/v1/users/{handle}",
        "/v1/users/{handle}/follow",
        "/v1/users/{handle}/posts",
        "/v1/users/{handle}/followers",
        "/v1/users/{handle}/following",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from {:?}",
            paths.keys()
        );
    }
    assert!(doc.body["components"]["schemas"]["ErrorBody"].is_object());
}

async fn shutdown_stops_listening(engine: Engine) {
    let server = spawn(engine).await;
    let url = server.url.clone();
    server.running.shutdown().await.unwrap();
    let after = reqwest::get(format!("{url}/v1/health")).await;
    assert!(after.is_err(), "still serving after shutdown");
}

on_both_engines!(
    health_names_the_engine_and_ready_checks_the_database,
    the_openapi_document_describes_every_route,
    shutdown_stops_listening,
);
