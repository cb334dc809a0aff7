//! The in-memory caches behind the hot reads: first pages put together from them equal
//! what the database gives, every write shows at once on the instance that made it,
//! and instances sharing one PostgreSQL hear of each other's writes.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn, spawn_with_demo, spawn_with_limits};

/// (post id, reposter id) of each post of a page, in order.
async fn entries(server: &TestServer, token: &str, path: &str) -> Vec<(i64, Option<i64>)> {
    let page = server.send(server.get(path).bearer_auth(token)).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page.body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p["reposted_by"]["id"].as_i64()))
        .collect()
}

/// A first page of 10 comes from the caches; one of 60 from the database. Both list
/// the timeline's newest entries (a post reposted twice shows once), so the first must
/// begin the second.
async fn assert_cached_first_page_matches_the_database(
    server: &TestServer,
    token: &str,
    timeline: &str,
) {
    let mut cached = entries(server, token, &format!("{timeline}?limit=10")).await;
    // The candidates' first page ends with the popular posts: compare what precedes.
    cached.truncate(10);
    let from_db = entries(server, token, &format!("{timeline}?limit=60")).await;
    assert!(!cached.is_empty(), "{timeline}: an empty cached page");
    assert_eq!(
        Some(cached.as_slice()),
        from_db.get(..cached.len()),
        "{timeline}: the cached first page differs from the database's"
    );
}

async fn check_both(server: &TestServer, token: &str) {
    assert_cached_first_page_matches_the_database(server, token, "/v1/feed/following").await;
    assert_cached_first_page_matches_the_database(server, token, "/v1/feed/candidates").await;
}

async fn post(server: &TestServer, token: &str, body: &str) -> i64 {
    let reply = server.post_as(token, json!({"body": body})).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn first_pages_from_the_caches_match_the_database_through_every_kind_of_write(
    engine: Engine,
) {
    let server = spawn_with_demo(engine).await;
    let viewer = server.demo("layla").await;
    check_both(&server, &viewer).await;
    // Follow someone new, who then posts, reposts, and deletes.
    let friend = server.sign_up("friend").await;
    let put = server
        .send(server.put("/v1/users/friend/follow").bearer_auth(&viewer))
        .await;
    assert_eq!(put.status, 200);
    check_both(&server, &viewer).await;
    let fresh = post(&server, &friend, "fresh from a new friend").await;
    check_both(&server, &viewer).await;
    let following = entries(&server, &viewer, "/v1/feed/following?limit=10").await;
    assert_eq!(following.first(), Some(&(fresh, None)));
    let old = entries(&server, &viewer, "/v1/feed/candidates?limit=60").await;
    let (reposted, _) = *old.last().unwrap();
    server
        .send(
            server
                .put(&format!("/v1/posts/{reposted}/repost"))
                .bearer_auth(&friend),
        )
        .await;
    check_both(&server, &viewer).await;
    let following = entries(&server, &viewer, "/v1/feed/following?limit=10").await;
    let friend_id = following.first().and_then(|e| e.1).unwrap();
    assert_eq!(following.first(), Some(&(reposted, Some(friend_id))));
    let deleted = server
        .send(
            server
                .delete(&format!("/v1/posts/{fresh}"))
                .bearer_auth(&friend),
        )
        .await;
    assert_eq!(deleted.status, 204);
    check_both(&server, &viewer).await;
    let following = entries(&server, &viewer, "/v1/feed/following?limit=10").await;
    assert!(!following.iter().any(|(id, _)| *id == fresh));
    // Unfollowing takes the friend's repost away again.
    server
        .send(
            server
                .delete("/v1/users/friend/follow")
                .bearer_auth(&viewer),
        )
        .await;
    check_both(&server, &viewer).await;
    let following = entries(&server, &viewer, "/v1/feed/following?limit=10").await;
    assert!(!following.contains(&(reposted, Some(friend_id))));
}

async fn a_viewer_sees_their_own_writes_at_once(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("author").await;
    let viewer = server.sign_up("viewer").await;
    let id = post(&server, &author, "cache me").await;
    let path = format!("/v1/posts/{id}");
    let read = |token: String| {
        let server = &server;
        let path = path.clone();
        async move { server.send(server.get(&path).bearer_auth(token)).await.body }
    };
    server
        .send(server.put("/v1/users/author/follow").bearer_auth(&viewer))
        .await;
    let first_in_following = || async {
        let page = server
            .send(server.get("/v1/feed/following").bearer_auth(&viewer))
            .await;
        page.body["posts"][0].clone()
    };
    // Warm every cache the post touches, then change each thing once.
    assert_eq!(read(viewer.clone()).await["stats"]["likes"], 0);
    assert_eq!(first_in_following().await["id"], id);
    for (action, count, flag) in [
        ("like", "likes", "liked"),
        ("repost", "reposts", "reposted"),
        ("bookmark", "bookmarks", "bookmarked"),
    ] {
        server
            .send(
                server
                    .put(&format!("/v1/posts/{id}/{action}"))
                    .bearer_auth(&viewer),
            )
            .await;
        let seen = read(viewer.clone()).await;
        assert_eq!(seen["stats"][count], 1, "{action}: {seen}");
        assert_eq!(seen["viewer"][flag], true, "{action}: {seen}");
        let in_timeline = first_in_following().await;
        assert_eq!(in_timeline["stats"][count], 1, "{action}: {in_timeline}");
        assert_eq!(in_timeline["viewer"][flag], true, "{action}: {in_timeline}");
        let by_author = read(author.clone()).await;
        assert_eq!(by_author["stats"][count], 1, "{action}: {by_author}");
        assert_eq!(by_author["viewer"][flag], false, "{action}: {by_author}");
    }
    // Signing out ends the session at once, though it was cached.
    let out = server
        .send(server.delete("/v1/sessions/current").bearer_auth(&viewer))
        .await;
    assert_eq!(out.status, 204, "{}", out.body);
    let after = server.send(server.get(&path).bearer_auth(&viewer)).await;
    assert_eq!(after.status, 401);
}

/// The biggest post the API accepts: 2,000 four-byte characters (and as many hashtags as
/// fit among them) with four images.
async fn largest_post(server: &TestServer, token: &str, n: usize) -> i64 {
    let mut images = Vec::new();
    for _ in 0..4 {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(64, 0);
        images.push(server.upload(token, png).await.body["id"].as_i64().unwrap());
    }
    let tags: String = (0..100).map(|t| format!("#t{n}x{t} ")).collect();
    let fill = 2_000 - tags.chars().count();
    let body = format!("{tags}{}", "𝕊".repeat(fill));
    let reply = server
        .post_as(token, json!({"body": body, "images": images}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn a_flood_of_the_largest_posts_keeps_the_caches_within_their_bytes(engine: Engine) {
    let bound: u64 = 512 * 1024;
    let server = spawn_with_limits(
        engine,
        souq_server::base::limits::Limits {
            cache_bytes: bound,
            posts_per_minute: 10_000,
            uploads_per_day: 10_000,
            ..souq_server::base::limits::Limits::default()
        },
    )
    .await;
    let token = server.sign_up("prolific").await;
    let mut ids = Vec::new();
    for n in 0..120 {
        ids.push(largest_post(&server, &token, n).await);
    }
    // Every post read once and every page of the timeline walked: far more than fits.
    for id in &ids {
        let reply = server
            .send(server.get(&format!("/v1/posts/{id}")).bearer_auth(&token))
            .await;
        assert_eq!(reply.status, 200);
    }
    let mut path = "/v1/feed?limit=100".to_string();
    loop {
        let page = server.send(server.get(&path).bearer_auth(&token)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        match page.body["next_cursor"].as_str() {
            Some(next) => path = format!("/v1/feed?limit=100&before={next}"),
            None => break,
        }
    }
    let held = server.running.souq.cached_bytes();
    assert!(
        held <= bound,
        "the caches hold {held} bytes; the bound is {bound}"
    );
    assert!(held > bound / 10, "the caches still cache: {held} bytes");
}

async fn only_first_pages_of_the_apps_size_are_kept_as_served(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("pager").await;
    server.post_as(&token, json!({"body": "one post"})).await;
    let me = server
        .send(server.get("/v1/me").bearer_auth(&token))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let pages = &server.running.souq.feed.cache.pages;
    let key = (me, souq_server::feed::FirstPage::Following);
    for odd in [7, 19, 33] {
        let reply = server
            .send(
                server
                    .get(&format!("/v1/feed/following?limit={odd}"))
                    .bearer_auth(&token),
            )
            .await;
        assert_eq!(reply.status, 200);
        assert!(pages.get(&key).is_none(), "a page of {odd} was kept");
    }
    server
        .send(server.get("/v1/feed/following").bearer_auth(&token))
        .await;
    assert!(pages.get(&key).is_some(), "the app's first page is kept");
}

on_both_engines!(
    first_pages_from_the_caches_match_the_database_through_every_kind_of_write,
    a_viewer_sees_their_own_writes_at_once,
    a_flood_of_the_largest_posts_keeps_the_caches_within_their_bytes,
    only_first_pages_of_the_apps_size_are_kept_as_served,
);

/// Polls `path` on `server` until `done` holds of the reply (status, body).
async fn eventually(
    server: &TestServer,
    token: &str,
    path: &str,
    what: &str,
    done: impl Fn(u16, &Value) -> bool,
) {
    let start = Instant::now();
    loop {
        let reply = server.send(server.get(path).bearer_auth(token)).await;
        if done(reply.status, &reply.body) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the other instance never saw {what}: {} {}",
            reply.status,
            reply.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_one_postgresql_hear_of_each_others_writes() {
    let a = spawn(Engine::Postgres).await;
    let b = a.another_instance().await;
    let viewer = a.sign_up("viewer").await;
    let friend = a.sign_up("friend").await;
    a.send(a.put("/v1/users/friend/follow").bearer_auth(&viewer))
        .await;
    let first = post(&a, &friend, "before").await;
    let post_path = format!("/v1/posts/{first}");
    // B caches the session, the timeline and the post...
    eventually(
        &b,
        &viewer,
        "/v1/feed/following",
        "the first post",
        |s, body| s == 200 && body["posts"][0]["id"] == first,
    )
    .await;
    eventually(&b, &viewer, &post_path, "the post", |s, _| s == 200).await;
    // ...then everything changes on A.
    let second = post(&a, &friend, "after").await;
    a.send(a.put(&format!("{post_path}/like")).bearer_auth(&viewer))
        .await;
    eventually(
        &b,
        &viewer,
        "/v1/feed/following",
        "a new post",
        |_, body| body["posts"][0]["id"] == second,
    )
    .await;
    eventually(&b, &viewer, &post_path, "a like", |_, body| {
        body["stats"]["likes"] == 1 && body["viewer"]["liked"] == true
    })
    .await;
    a.send(a.delete("/v1/users/friend/follow").bearer_auth(&viewer))
        .await;
    eventually(
        &b,
        &viewer,
        "/v1/feed/following",
        "an unfollow",
        |_, body| body["posts"].as_array().is_some_and(Vec::is_empty),
    )
    .await;
    let out = a
        .send(a.delete("/v1/sessions/current").bearer_auth(&viewer))
        .await;
    assert_eq!(out.status, 204);
    eventually(&b, &viewer, &post_path, "a sign-out", |s, _| s == 401).await;
}
