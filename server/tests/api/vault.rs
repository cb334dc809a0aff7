//! The PIN vault and the sessions around it, as an attacker with a session token (a
//! stolen phone, a copied token) tries them: taking the vault over without the
//! password, guessing the PIN round after round, choosing a PIN anyone would guess;
//! and what the account's other devices hear of it ("was this you?"), with the one tap
//! that ends the intruding session.

use serde_json::{Value, json};

use crate::on_both_engines;
use crate::support::{Engine, Reply, TestServer, spawn, spawn_with_demo};
use crate::wallet::{PIN, issue_card, unlock};

const PASSWORD: &str = "correct horse";

async fn set_pin(server: &TestServer, token: &str, body: Value) -> Reply {
    server
        .send(server.put("/v1/vault/pin").bearer_auth(token).json(&body))
        .await
}

async fn vault(server: &TestServer, token: &str) -> Value {
    let reply = server
        .send(server.get("/v1/vault").bearer_auth(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// Makes the session `token` look as if it signed in `minutes` ago.
async fn age_session(server: &TestServer, token: &str, minutes: i64) {
    let hash = souq_server::accounts::sessions::token_hash(token);
    sqlx::query("UPDATE sessions SET created_at = created_at - $1 WHERE token_hash = $2")
        .bind(minutes * 60_000)
        .bind(hash)
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
}

/// Makes the vault's current lock end now, as if its time had passed.
async fn lock_passes(server: &TestServer) {
    sqlx::query("UPDATE vault_pins SET locked_until = 1 WHERE locked_until < $1")
        .bind(i64::MAX)
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
}

async fn a_session_alone_cannot_choose_the_pin_change_it_or_turn_biometrics_on(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("amina").await;
    age_session(&server, &token, 11).await;
    let bare = set_pin(&server, &token, json!({"pin": PIN})).await;
    assert_eq!((bare.status, bare.error_code()), (403, "password_required"));
    let wrong = set_pin(&server, &token, json!({"pin": PIN, "password": "not it"})).await;
    assert_eq!((wrong.status, wrong.error_code()), (403, "wrong_password"));
    let set = set_pin(&server, &token, json!({"pin": PIN, "password": PASSWORD})).await;
    assert_eq!(set.status, 200, "{}", set.body);

    // Changing it: the current PIN is not enough without the password either.
    let change = set_pin(
        &server,
        &token,
        json!({"pin": "271828", "current_pin": PIN}),
    )
    .await;
    assert_eq!(
        (change.status, change.error_code()),
        (403, "password_required")
    );
    let changed = set_pin(
        &server,
        &token,
        json!({"pin": "271828", "current_pin": PIN, "password": PASSWORD}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);

    // Biometrics: the vault is unlocked, yet the key needs the password too.
    let key = server
        .send(
            server
                .post("/v1/vault/device-key")
                .bearer_auth(&token)
                .json(&json!({})),
        )
        .await;
    assert_eq!((key.status, key.error_code()), (403, "password_required"));
    let made = server
        .send(
            server
                .post("/v1/vault/device-key")
                .bearer_auth(&token)
                .json(&json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);

    // A fresh sign-in is the password given: within minutes, no need to give it again.
    let fresh = server.sign_up("bilal").await;
    let first = set_pin(&server, &fresh, json!({"pin": PIN})).await;
    assert_eq!(first.status, 200, "{}", first.body);
}

async fn guessing_the_password_through_the_vault_is_throttled_as_sign_ins_are(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("amina").await;
    age_session(&server, &token, 11).await;
    let mut codes = Vec::new();
    for n in 0..7 {
        let guess = set_pin(
            &server,
            &token,
            json!({"pin": PIN, "password": format!("guess {n}")}),
        )
        .await;
        codes.push(guess.status);
    }
    assert_eq!(codes, [403, 403, 403, 403, 403, 429, 429]);
    let right = set_pin(&server, &token, json!({"pin": PIN, "password": PASSWORD})).await;
    assert_eq!(right.status, 429, "even the right one waits out the window");
}

async fn wrong_pins_lock_for_longer_each_round_then_until_the_password(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("amina").await;
    assert_eq!(
        set_pin(&server, &token, json!({"pin": PIN})).await.status,
        200
    );
    let mut waits = Vec::new();
    for _round in 0..3 {
        for _ in 0..4 {
            assert_eq!(
                unlock(&server, &token, "583947").await.error_code(),
                "wrong_pin"
            );
        }
        let fifth = unlock(&server, &token, "583947").await;
        assert_eq!((fifth.status, fifth.error_code()), (423, "pin_locked"));
        let state = vault(&server, &token).await;
        assert!(state["locked_until"].is_string(), "{state}");
        let retry: u64 = fifth.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        waits.push(retry);
        // Locked: even the right PIN waits.
        assert_eq!(unlock(&server, &token, PIN).await.status, 423);
        lock_passes(&server).await;
    }
    let minutes: Vec<u64> = waits.iter().map(|secs| secs.div_ceil(60)).collect();
    assert_eq!(minutes, [15, 60, 24 * 60], "{waits:?}");
    for _ in 0..5 {
        unlock(&server, &token, "583947").await;
    }
    let state = vault(&server, &token).await;
    assert_eq!(state["needs_password"], true, "{state}");
    assert!(state["locked_until"].is_null(), "{state}");
    lock_passes(&server).await;
    let right = unlock(&server, &token, PIN).await;
    assert_eq!(
        (right.status, right.error_code()),
        (403, "password_required")
    );
    // Only the password opens it again, by choosing a PIN with it.
    let reset = set_pin(
        &server,
        &token,
        json!({"pin": "730562", "password": PASSWORD}),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["needs_password"], false);
    assert_eq!(unlock(&server, &token, "730562").await.status, 200);
}

async fn pins_anyone_would_guess_are_refused(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("amina").await;
    for weak in [
        "121212", "112233", "123123", "123321", "147258", "251290", "199012", "112358",
    ] {
        let refused = set_pin(&server, &token, json!({"pin": weak})).await;
        assert_eq!(
            (refused.status, refused.error_code()),
            (422, "validation"),
            "{weak}"
        );
    }
    assert_eq!(vault(&server, &token).await["pin_set"], false);
    assert_eq!(
        set_pin(&server, &token, json!({"pin": PIN})).await.status,
        200
    );
}

async fn inbox_of(server: &TestServer, token: &str) -> Vec<Value> {
    let reply = server
        .send(server.get("/v1/me/notifications").bearer_auth(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["notifications"].as_array().unwrap().clone()
}

/// Signs `email` in from a client that calls itself `device`.
async fn sign_in_on(server: &TestServer, device: &str, email: &str, password: &str) -> String {
    let reply = server
        .send(
            server
                .post("/v1/sessions")
                .header("user-agent", device)
                .json(&json!({"email": email, "password": password})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["token"].as_str().unwrap().to_string()
}

async fn the_other_devices_are_asked_was_this_you_and_end_the_session_in_one_tap(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let email = "layla@demo.souq.example";
    let phone = sign_in_on(&server, "souq-app (Layla's phone)", email, "souq-demo").await;
    // Signing in again on the same device asks nobody.
    sign_in_on(&server, "souq-app (Layla's phone)", email, "souq-demo").await;
    assert!(
        inbox_of(&server, &phone)
            .await
            .iter()
            .all(|n| n["kind"] != "signed_in")
    );
    let intruder = sign_in_on(&server, "curl/8.5", email, "souq-demo").await;

    let told = inbox_of(&server, &phone).await;
    let notice = &told[0];
    assert_eq!(notice["kind"], "signed_in", "{told:?}");
    assert_eq!(notice["session"]["device"], "curl/8.5");
    assert_eq!(notice["session"]["this_session"], false);
    assert_eq!(notice["session"]["active"], true);
    // The intruder's own inbox shows it as theirs: nothing to confirm there.
    assert_eq!(
        inbox_of(&server, &intruder).await[0]["session"]["this_session"],
        true
    );

    // What the intruder does is told too: a PIN chosen and changed, a card revealed.
    assert_eq!(
        set_pin(&server, &intruder, json!({"pin": PIN}))
            .await
            .status,
        200
    );
    let changed = set_pin(
        &server,
        &intruder,
        json!({"pin": "271828", "current_pin": PIN}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let card = issue_card(&server, &intruder).await.body["id"]
        .as_i64()
        .unwrap();
    let revealed = server
        .send(
            server
                .post(&format!("/v1/wallet/cards/{card}/reveal"))
                .bearer_auth(&intruder),
        )
        .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    let kinds: Vec<Value> = inbox_of(&server, &phone)
        .await
        .iter()
        .take(3)
        .map(|n| n["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!("card_revealed"),
            json!("pin_changed"),
            json!("signed_in")
        ]
    );

    // One tap on the phone ends the intruder's session.
    let session = notice["session"]["session_id"].as_str().unwrap();
    let ended = server
        .send(
            server
                .delete(&format!("/v1/sessions/{session}"))
                .bearer_auth(&phone),
        )
        .await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    let out = server
        .send(server.get("/v1/me").bearer_auth(&intruder))
        .await;
    assert_eq!(out.status, 401);
    assert_eq!(
        inbox_of(&server, &phone).await[2]["session"]["active"],
        false
    );
}

on_both_engines!(
    a_session_alone_cannot_choose_the_pin_change_it_or_turn_biometrics_on,
    guessing_the_password_through_the_vault_is_throttled_as_sign_ins_are,
    wrong_pins_lock_for_longer_each_round_then_until_the_password,
    pins_anyone_would_guess_are_refused,
    the_other_devices_are_asked_was_this_you_and_end_the_session_in_one_tap,
);
