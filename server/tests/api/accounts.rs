//! Sign up, sign in, sign out, throttling, and how secrets are stored.

use serde_json::json;

use crate::on_both_engines;
use crate::support::{Engine, spawn, spawn_with_demo};

async fn sign_up_returns_a_session_that_identifies_the_user(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("layla_h").await;
    let me = server.send(server.get("/v1/me").bearer_auth(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["handle"], "layla_h");
    assert_eq!(me.body["role"], "shopper");
    assert_eq!(me.body["email"], "layla_h@example.com");
}

async fn sign_in_with_the_right_password_opens_a_new_session(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("omar_f").await;
    let reply = server.sign_in("OMAR_F@example.com", "correct horse").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["user"]["handle"], "omar_f");
    assert!(reply.body["token"].as_str().unwrap().len() >= 40);
}

async fn a_taken_email_is_409_email_taken(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("noura").await;
    let reply = server
        .send(server.post("/v1/accounts").json(&json!({
            "email": "Noura@Example.com", "password": "another pass",
            "handle": "noura2", "display_name": "Noura", "role": "shopper"
        })))
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error_code(), "email_taken");
}

async fn a_taken_handle_is_409_handle_taken(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("yusuf").await;
    let reply = server
        .send(server.post("/v1/accounts").json(&json!({
            "email": "other@example.com", "password": "another pass",
            "handle": "Yusuf", "display_name": "Yusuf", "role": "merchant"
        })))
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error_code(), "handle_taken");
}

async fn invalid_sign_up_fields_are_422_and_create_nothing(engine: Engine) {
    let server = spawn(engine).await;
    let valid = json!({"email": "sara@example.com", "password": "long enough",
                       "handle": "sara", "display_name": "سارة", "role": "shopper"});
    for (field, value) in [
        ("email", json!("not-an-email")),
        ("password", json!("short")),
        ("handle", json!("x")),
        ("display_name", json!("   ")),
        ("role", json!("admin")),
    ] {
        let mut body = valid.clone();
        body[field] = value;
        let reply = server.send(server.post("/v1/accounts").json(&body)).await;
        assert_eq!(reply.status, 422, "{field}: {}", reply.body);
        assert_eq!(reply.error_code(), "validation", "{field}");
    }
    // Nothing was half-created: the valid request still succeeds.
    let reply = server.send(server.post("/v1/accounts").json(&valid)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

async fn a_wrong_password_and_an_unknown_email_look_the_same(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("khalid").await;
    let wrong = server.sign_in("khalid@example.com", "wrong password").await;
    let unknown = server.sign_in("nobody@example.com", "wrong password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.error_code(), "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
}

async fn repeated_failed_sign_ins_are_slowed_down_with_429(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("mariam").await;
    for attempt in 1..=5 {
        let reply = server.sign_in("mariam@example.com", "guess guess").await;
        assert_eq!(reply.status, 401, "attempt {attempt}");
    }
    // Even the right password is refused until the window passes.
    let reply = server.sign_in("mariam@example.com", "correct horse").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error_code(), "too_many_requests");
    let retry: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry), "retry-after {retry}");
    // Other accounts are not affected.
    server.sign_up("ahmed").await;
    assert_eq!(
        server
            .sign_in("ahmed@example.com", "correct horse")
            .await
            .status,
        200
    );
}

async fn sign_out_revokes_the_token(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("fatima").await;
    let reply = server
        .send(server.delete("/v1/sessions/current").bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 204);
    let me = server.send(server.get("/v1/me").bearer_auth(&token)).await;
    assert_eq!(me.status, 401);
    assert_eq!(me.error_code(), "unauthorized");
}

async fn requests_without_a_live_token_are_401(engine: Engine) {
    let server = spawn(engine).await;
    let none = server.send(server.get("/v1/me")).await;
    let garbage = server
        .send(server.get("/v1/me").bearer_auth("not-a-token"))
        .await;
    let feed = server.send(server.get("/v1/feed")).await;
    for reply in [none, garbage, feed] {
        assert_eq!(reply.status, 401);
        assert_eq!(reply.error_code(), "unauthorized");
    }
}

async fn shoppers_run_no_store_and_get_403(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("hamza").await;
    let reply = server
        .send(server.get("/v1/me/store").bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.error_code(), "forbidden");
}

async fn merchants_see_their_own_store(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let session = server
        .sign_in("dar.al.oud@demo.souq.example", "souq-demo")
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    let token = session.body["token"].as_str().unwrap();
    let store = server
        .send(server.get("/v1/me/store").bearer_auth(token))
        .await;
    assert_eq!(store.status, 200);
    assert_eq!(store.body["handle"], "dar_al_oud");
    assert_eq!(store.body["is_nonprofit"], false);
}

async fn passwords_and_tokens_are_stored_only_as_hashes(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("aisha").await;
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE handle = 'aisha'")
            .fetch_one(&server.running.souq.base.db.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct horse"));
    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_all(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].0, token);
}

on_both_engines!(
    sign_up_returns_a_session_that_identifies_the_user,
    sign_in_with_the_right_password_opens_a_new_session,
    a_taken_email_is_409_email_taken,
    a_taken_handle_is_409_handle_taken,
    invalid_sign_up_fields_are_422_and_create_nothing,
    a_wrong_password_and_an_unknown_email_look_the_same,
    repeated_failed_sign_ins_are_slowed_down_with_429,
    sign_out_revokes_the_token,
    requests_without_a_live_token_are_401,
    shoppers_run_no_store_and_get_403,
    merchants_see_their_own_store,
    passwords_and_tokens_are_stored_only_as_hashes,
);
