//! Follows, profiles and the notifications inbox.

use serde_json::json;

use crate::on_both_engines;
use crate::support::{Engine, spawn, spawn_with_demo};

async fn following_is_idempotent_reversible_and_counted(engine: Engine) {
    let server = spawn(engine).await;
    let layla = server.sign_up("layla").await;
    let omar = server.sign_up("omar").await;
    for _ in 0..2 {
        let reply = server
            .send(server.put("/v1/users/omar/follow").bearer_auth(&layla))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.body,
            json!({"followed_by_viewer": true, "followers": 1})
        );
    }
    let profile = server
        .send(server.get("/v1/users/omar").bearer_auth(&layla))
        .await;
    assert_eq!(profile.body["followers"], 1);
    assert_eq!(profile.body["followed_by_viewer"], true);
    let mine = server
        .send(server.get("/v1/users/layla").bearer_auth(&layla))
        .await;
    assert_eq!(mine.body["following"], 1);
    assert_eq!(mine.body["is_viewer"], true);
    let followers = server
        .send(server.get("/v1/users/omar/followers").bearer_auth(&omar))
        .await;
    assert_eq!(followers.body["people"][0]["handle"], "layla");
    let following = server
        .send(server.get("/v1/users/layla/following").bearer_auth(&omar))
        .await;
    assert_eq!(following.body["people"][0]["handle"], "omar");
    for _ in 0..2 {
        let reply = server
            .send(server.delete("/v1/users/omar/follow").bearer_auth(&layla))
            .await;
        assert_eq!(
            reply.body,
            json!({"followed_by_viewer": false, "followers": 0})
        );
    }
}

async fn following_yourself_is_422_and_unknown_accounts_404(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("noura").await;
    let own = server
        .send(server.put("/v1/users/noura/follow").bearer_auth(&token))
        .await;
    assert_eq!(own.status, 422);
    for request in [
        server.put("/v1/users/nobody_here/follow"),
        server.get("/v1/users/nobody_here"),
        server.get("/v1/users/nobody_here/posts"),
        server.get("/v1/users/nobody_here/followers"),
    ] {
        let reply = server.send(request.bearer_auth(&token)).await;
        assert_eq!(reply.status, 404);
    }
}

async fn a_store_profile_shows_its_store(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let profile = server
        .send(server.get("/v1/users/dar_al_oud").bearer_auth(&token))
        .await;
    assert_eq!(profile.status, 200);
    assert_eq!(profile.body["author"]["kind"], "store");
    assert_eq!(profile.body["store"]["name"], "دار العود");
    assert_eq!(profile.body["role"], "merchant");
    assert!(profile.body["followers"].as_i64().unwrap() > 0);
    let posts = server
        .send(server.get("/v1/users/dar_al_oud/posts").bearer_auth(&token))
        .await;
    let posts = posts.body["posts"].as_array().unwrap();
    assert!(!posts.is_empty());
    assert!(posts.iter().all(|p| p["author"]["handle"] == "dar_al_oud"));
}

async fn follows_likes_reposts_and_mentions_reach_the_inbox_and_undoing_withdraws(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("sara").await;
    let fan = server.sign_up("yusuf").await;
    let post = server.post_as(&author, json!({"body": "hello"})).await;
    let id = post.body["id"].as_i64().unwrap();
    server
        .send(server.put("/v1/users/sara/follow").bearer_auth(&fan))
        .await;
    server
        .send(
            server
                .put(&format!("/v1/posts/{id}/like"))
                .bearer_auth(&fan),
        )
        .await;
    server
        .send(
            server
                .put(&format!("/v1/posts/{id}/repost"))
                .bearer_auth(&fan),
        )
        .await;
    server.post_as(&fan, json!({"body": "thanks @sara"})).await;
    // Bookmarks are private: no notification.
    server
        .send(
            server
                .put(&format!("/v1/posts/{id}/bookmark"))
                .bearer_auth(&fan),
        )
        .await;
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&author))
        .await;
    let kinds: Vec<&str> = inbox.body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["mentioned", "reposted", "liked", "followed"]);
    assert_eq!(inbox.body["unread"], 4);
    assert_eq!(inbox.body["notifications"][0]["actor"]["handle"], "yusuf");
    assert_eq!(inbox.body["notifications"][2]["post_excerpt"], "hello");

    server
        .send(
            server
                .delete(&format!("/v1/posts/{id}/like"))
                .bearer_auth(&fan),
        )
        .await;
    let after = server
        .send(server.get("/v1/me/notifications").bearer_auth(&author))
        .await;
    assert_eq!(after.body["notifications"].as_array().unwrap().len(), 3);

    let read = server
        .send(
            server
                .post("/v1/me/notifications/read")
                .bearer_auth(&author),
        )
        .await;
    assert_eq!(read.status, 204);
    let cleared = server
        .send(server.get("/v1/me/notifications").bearer_auth(&author))
        .await;
    assert_eq!(cleared.body["unread"], 0);
    let own = server
        .send(server.get("/v1/me/notifications").bearer_auth(&fan))
        .await;
    assert_eq!(
        own.body["notifications"].as_array().unwrap().len(),
        0,
        "no self-notifications"
    );
}

on_both_engines!(
    following_is_idempotent_reversible_and_counted,
    following_yourself_is_422_and_unknown_accounts_404,
    a_store_profile_shows_its_store,
    follows_likes_reposts_and_mentions_reach_the_inbox_and_undoing_withdraws,
);
