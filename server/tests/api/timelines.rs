//! Following, for-you candidates, bookmarks and hashtag pages.

use serde_json::json;

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn, spawn_with_demo};

async fn ids(server: &TestServer, token: &str, path: &str) -> Vec<i64> {
    let page = server.send(server.get(path).bearer_auth(token)).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page.body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn post(server: &TestServer, token: &str, body: &str) -> i64 {
    let reply = server.post_as(token, json!({"body": body})).await;
    reply.body["id"].as_i64().unwrap()
}

async fn following_shows_own_and_followed_posts_and_their_reposts_newest_first(engine: Engine) {
    let server = spawn(engine).await;
    let me = server.sign_up("layla").await;
    let friend = server.sign_up("omar").await;
    let stranger = server.sign_up("zed").await;
    let stranger_post = post(&server, &stranger, "from a stranger").await;
    let friend_post = post(&server, &friend, "from a friend").await;
    let my_post = post(&server, &me, "my own").await;
    assert_eq!(ids(&server, &me, "/v1/feed/following").await, [my_post]);
    server
        .send(server.put("/v1/users/omar/follow").bearer_auth(&me))
        .await;
    assert_eq!(
        ids(&server, &me, "/v1/feed/following").await,
        [my_post, friend_post]
    );
    // The friend reposts the stranger: it enters my timeline, marked as a repost.
    server
        .send(
            server
                .put(&format!("/v1/posts/{stranger_post}/repost"))
                .bearer_auth(&friend),
        )
        .await;
    let page = server
        .send(server.get("/v1/feed/following").bearer_auth(&me))
        .await;
    let first = &page.body["posts"][0];
    assert_eq!(first["id"], stranger_post);
    assert_eq!(first["reposted_by"]["handle"], "omar");
    assert_eq!(page.body["posts"].as_array().unwrap().len(), 3);
}

async fn following_pages_walk_every_item_once(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/feed/following?limit=7&before={c}"),
            None => "/v1/feed/following?limit=7".into(),
        };
        let page = server.send(server.get(&path).bearer_auth(&token)).await;
        for p in page.body["posts"].as_array().unwrap() {
            let key = (p["id"].as_i64().unwrap(), p["reposted_by"]["id"].as_i64());
            assert!(seen.insert(key), "repeated {key:?}");
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.into()),
            None => break,
        }
    }
    assert!(
        seen.len() > 10,
        "a followed demo timeline has posts: {}",
        seen.len()
    );
}

async fn candidates_leave_out_own_posts_and_add_the_popular(engine: Engine) {
    let server = spawn(engine).await;
    let me = server.sign_up("sara").await;
    let other = server.sign_up("khalid").await;
    let popular = post(&server, &other, "old but loved").await;
    for i in 0..25 {
        post(&server, &other, &format!("filler {i}")).await;
    }
    let mine = post(&server, &me, "mine").await;
    server
        .send(
            server
                .put(&format!("/v1/posts/{popular}/like"))
                .bearer_auth(&me),
        )
        .await;
    let first = ids(&server, &me, "/v1/feed/candidates?limit=10").await;
    assert!(!first.contains(&mine), "own posts are not candidates");
    assert!(
        first.contains(&popular),
        "the liked post joins the first page"
    );
    assert_eq!(first.len(), 11);
}

async fn bookmarks_list_the_viewers_saved_posts_newest_first(engine: Engine) {
    let server = spawn(engine).await;
    let me = server.sign_up("aisha").await;
    let other = server.sign_up("tariq").await;
    let a = post(&server, &other, "first").await;
    let b = post(&server, &other, "second").await;
    server
        .send(
            server
                .put(&format!("/v1/posts/{a}/bookmark"))
                .bearer_auth(&me),
        )
        .await;
    server
        .send(
            server
                .put(&format!("/v1/posts/{b}/bookmark"))
                .bearer_auth(&me),
        )
        .await;
    assert_eq!(ids(&server, &me, "/v1/me/bookmarks").await, [b, a]);
    assert!(ids(&server, &other, "/v1/me/bookmarks").await.is_empty());
    server
        .send(
            server
                .delete(&format!("/v1/posts/{a}/bookmark"))
                .bearer_auth(&me),
        )
        .await;
    assert_eq!(ids(&server, &me, "/v1/me/bookmarks").await, [b]);
}

async fn a_drop_hashtag_page_names_its_drop(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let info = server
        .send(server.get("/v1/hashtags/OudRoyale").bearer_auth(&token))
        .await;
    assert_eq!(info.status, 200);
    assert_eq!(info.body["tag"], "oudroyale");
    assert_eq!(info.body["drop"]["store"]["handle"], "dar_al_oud");
    assert_eq!(
        info.body["drop"]["product"]["title"],
        "Oud Royale Eau de Parfum"
    );
    let plain = server
        .send(server.get("/v1/hashtags/weekend").bearer_auth(&token))
        .await;
    assert_eq!(plain.body["drop"], serde_json::Value::Null);
    assert_eq!(plain.body["product"], serde_json::Value::Null);
}

on_both_engines!(
    following_shows_own_and_followed_posts_and_their_reposts_newest_first,
    following_pages_walk_every_item_once,
    candidates_leave_out_own_posts_and_add_the_popular,
    bookmarks_list_the_viewers_saved_posts_newest_first,
    a_drop_hashtag_page_names_its_drop,
);
