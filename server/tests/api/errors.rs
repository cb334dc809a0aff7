//! Every error a client can cause answers `{code, message}` with the fitting status;
//! server faults answer 500 without their detail.

use crate::on_both_engines;
use crate::support::{Engine, spawn};

async fn malformed_json_is_400(engine: Engine) {
    let server = spawn(engine).await;
    let reply = server
        .send(
            server
                .post("/v1/accounts")
                .header("content-type", "application/json")
                .body("{\"email\": "),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "bad_request");
}

async fn a_missing_field_is_422(engine: Engine) {
    let server = spawn(engine).await;
    let reply = server
        .send(
            server
                .post("/v1/sessions")
                .json(&serde_json::json!({"email": "a@b.co"})),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_code(), "validation");
}

async fn a_body_over_the_limit_is_413(engine: Engine) {
    let server = spawn(engine).await;
    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(100 * 1024)
    );
    let reply = server
        .send(
            server
                .post("/v1/sessions")
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error_code(), "payload_too_large");
}

async fn a_body_that_is_not_json_is_415(engine: Engine) {
    let server = spawn(engine).await;
    let reply = server
        .send(server.post("/v1/sessions").body("email=a"))
        .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.error_code(), "unsupported_media_type");
}

async fn an_unknown_endpoint_is_404_and_a_wrong_method_405(engine: Engine) {
    let server = spawn(engine).await;
    let missing = server.send(server.get("/v1/nothing-here")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "not_found");
    let wrong = server.send(server.delete("/v1/accounts")).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.error_code(), "method_not_allowed");
}

async fn internal_errors_answer_500_without_their_detail(engine: Engine) {
    let server = spawn(engine).await;
    // A closed pool makes every query fail the way a lost database would.
    server.running.souq.base.db.pool.close().await;
    let reply = server.sign_in("someone@example.com", "whatever1").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.error_code(), "internal");
    let message = reply.body["message"].as_str().unwrap();
    assert_eq!(message, "internal error");
    let ready = server.send(server.get("/v1/health/ready")).await;
    assert_eq!(ready.status, 503);
    assert_eq!(ready.error_code(), "unavailable");
}

on_both_engines!(
    malformed_json_is_400,
    a_missing_field_is_422,
    a_body_over_the_limit_is_413,
    a_body_that_is_not_json_is_415,
    an_unknown_endpoint_is_404_and_a_wrong_method_405,
    internal_errors_answer_500_without_their_detail,
);
