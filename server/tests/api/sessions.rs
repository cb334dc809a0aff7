//! A user's sessions: listed with their device and times, ended one by one or all but
//! this one, all others ended by a password change, expired ones purged.

use serde_json::json;

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn};

async fn second_session(server: &TestServer, handle: &str, device: &str) -> String {
    let reply = server
        .send(
            server
                .post("/v1/sessions")
                .header("user-agent", device)
                .json(
                    &json!({"email": format!("{handle}@example.com"), "password": "correct horse"}),
                ),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["token"].as_str().unwrap().to_string()
}

async fn status_of_me(server: &TestServer, token: &str) -> u16 {
    server
        .send(server.get("/v1/me").bearer_auth(token))
        .await
        .status
}

async fn a_user_lists_their_sessions_with_device_and_which_is_current(engine: Engine) {
    let server = spawn(engine).await;
    let laptop = server.sign_up("hala").await;
    let phone = second_session(&server, "hala", "souq-app/0.1.0 (android)").await;
    server.sign_up("stranger").await;
    let listed = server
        .send(server.get("/v1/sessions").bearer_auth(&phone))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let sessions = listed.body.as_array().unwrap();
    assert_eq!(sessions.len(), 2, "only hala's own: {}", listed.body);
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "souq-app/0.1.0 (android)");
    for session in sessions {
        assert!(session["id"].as_str().is_some_and(|id| id.len() >= 12));
        assert!(session["created_at"].is_string() && session["last_used_at"].is_string());
        let printed = session.to_string();
        assert!(
            !printed.contains(&laptop) && !printed.contains(&phone),
            "a token leaked"
        );
    }
}

async fn ending_one_session_signs_that_device_out_and_no_one_elses(engine: Engine) {
    let server = spawn(engine).await;
    let laptop = server.sign_up("rami").await;
    let phone = second_session(&server, "rami", "phone").await;
    let other_user = server.sign_up("salma").await;
    assert_eq!(status_of_me(&server, &phone).await, 200);
    let listed = server
        .send(server.get("/v1/sessions").bearer_auth(&laptop))
        .await;
    let phone_id = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Someone else cannot end it.
    let foreign = server
        .send(
            server
                .delete(&format!("/v1/sessions/{phone_id}"))
                .bearer_auth(&other_user),
        )
        .await;
    assert_eq!(foreign.status, 404);
    assert_eq!(status_of_me(&server, &phone).await, 200);
    let ended = server
        .send(
            server
                .delete(&format!("/v1/sessions/{phone_id}"))
                .bearer_auth(&laptop),
        )
        .await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert_eq!(status_of_me(&server, &phone).await, 401);
    assert_eq!(status_of_me(&server, &laptop).await, 200);
    assert_eq!(status_of_me(&server, &other_user).await, 200);
}

async fn ending_all_other_sessions_keeps_only_this_one(engine: Engine) {
    let server = spawn(engine).await;
    let here = server.sign_up("basma").await;
    let a = second_session(&server, "basma", "a").await;
    let b = second_session(&server, "basma", "b").await;
    let reply = server
        .send(server.delete("/v1/sessions/others").bearer_auth(&here))
        .await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(status_of_me(&server, &a).await, 401);
    assert_eq!(status_of_me(&server, &b).await, 401);
    assert_eq!(status_of_me(&server, &here).await, 200);
    let listed = server
        .send(server.get("/v1/sessions").bearer_auth(&here))
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
}

async fn changing_the_password_ends_every_other_session(engine: Engine) {
    let server = spawn(engine).await;
    let here = server.sign_up("nadia").await;
    let elsewhere = second_session(&server, "nadia", "old laptop").await;
    assert_eq!(status_of_me(&server, &elsewhere).await, 200);
    let change = |current: &str, new: &str| {
        server
            .put("/v1/me/password")
            .bearer_auth(&here)
            .json(&json!({"current_password": current, "new_password": new}))
    };
    let wrong = server
        .send(change("not my password", "brand new secret"))
        .await;
    assert_eq!(wrong.status, 403, "{}", wrong.body);
    let short = server.send(change("correct horse", "short")).await;
    assert_eq!(short.status, 422, "{}", short.body);
    assert_eq!(
        status_of_me(&server, &elsewhere).await,
        200,
        "nothing changed yet"
    );
    let changed = server
        .send(change("correct horse", "brand new secret"))
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(status_of_me(&server, &elsewhere).await, 401);
    assert_eq!(status_of_me(&server, &here).await, 200);
    assert_eq!(
        server
            .sign_in("nadia@example.com", "correct horse")
            .await
            .status,
        401
    );
    assert_eq!(
        server
            .sign_in("nadia@example.com", "brand new secret")
            .await
            .status,
        200
    );
}

async fn expired_sessions_are_purged(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("fleeting").await;
    let keep = second_session(&server, "fleeting", "kept").await;
    sqlx::query("UPDATE sessions SET expires_at = 1 WHERE device <> 'kept'")
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    souq_server::housekeeping::sweep(&server.running.souq.base.db)
        .await
        .unwrap();
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 1);
    assert_eq!(status_of_me(&server, &token).await, 401);
    assert_eq!(status_of_me(&server, &keep).await, 200);
}

on_both_engines!(
    a_user_lists_their_sessions_with_device_and_which_is_current,
    ending_one_session_signs_that_device_out_and_no_one_elses,
    ending_all_other_sessions_keeps_only_this_one,
    changing_the_password_ends_every_other_session,
    expired_sessions_are_purged,
);
