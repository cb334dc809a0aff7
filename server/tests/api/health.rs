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

/// Every `$ref` in a JSON document, with where it points.
fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(target)) => out.push(target.to_string()),
                    _ => refs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn every_operation_documents_the_shared_statuses_and_every_reference_resolves(
    engine: Engine,
) {
    let server = spawn(engine).await;
    let doc = server.send(server.get("/v1/openapi.json")).await.body;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            assert!(has("503"), "{method} {path} does not document 503");
            let signed_in = operation["security"]
                .as_array()
                .is_some_and(|reqs| reqs.iter().all(|r| r != &serde_json::json!({})));
            if signed_in {
                assert!(has("401"), "{method} {path} does not document 401");
            }
            if operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
            {
                assert!(has("400") && has("422"), "{method} {path}: 400 and 422");
            }
            if operation["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{method} {path} does not document {status}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} operations");
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in targets {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the schemas: {target}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
}

async fn documented_constraints_are_the_ones_the_server_validates(engine: Engine) {
    use souq_wire::{cart, feed, studio};
    let server = spawn(engine).await;
    let doc = server.send(server.get("/v1/openapi.json")).await.body;
    let schema =
        |name: &str, field: &str| doc["components"]["schemas"][name]["properties"][field].clone();
    let n = |v: &serde_json::Value, key: &str| {
        v[key].as_i64().unwrap_or_else(|| panic!("no {key} in {v}"))
    };
    let password = schema("SignUpRequest", "password");
    assert_eq!(
        (n(&password, "minLength"), n(&password, "maxLength")),
        (8, 128)
    );
    assert_eq!(
        n(&schema("NewPost", "body"), "maxLength"),
        i64::try_from(feed::MAX_POST_CHARS).unwrap()
    );
    assert_eq!(
        n(&schema("NewPost", "images"), "maxItems"),
        i64::try_from(feed::MAX_POST_IMAGES).unwrap()
    );
    assert_eq!(
        n(&schema("AddToCart", "quantity"), "maximum"),
        cart::MAX_QUANTITY
    );
    assert_eq!(
        n(&schema("ProductDraft", "title"), "maxLength"),
        i64::try_from(studio::MAX_TITLE_CHARS).unwrap()
    );
    assert_eq!(
        n(&schema("ProductDraft", "variants"), "maxItems"),
        i64::try_from(studio::MAX_VARIANTS).unwrap()
    );
    assert_eq!(
        n(&schema("VariantDraft", "price_minor"), "maximum"),
        studio::MAX_PRICE_MINOR
    );
    assert_eq!(
        n(&schema("VariantDraft", "stock"), "maximum"),
        studio::MAX_STOCK
    );
    assert_eq!(
        n(&schema("StoreDraft", "collections"), "maxItems"),
        i64::try_from(studio::MAX_COLLECTIONS).unwrap()
    );
    let feed_params = doc["paths"]["/v1/feed"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .clone();
    let limit = feed_params.iter().find(|p| p["name"] == "limit").unwrap()["schema"].clone();
    assert_eq!((n(&limit, "minimum"), n(&limit, "maximum")), (1, 100));
}

on_both_engines!(
    documented_constraints_are_the_ones_the_server_validates,
    every_operation_documents_the_shared_statuses_and_every_reference_resolves,
    health_names_the_engine_and_ready_checks_the_database,
    the_openapi_document_describes_every_route,
    shutdown_stops_listening,
);
