//! The home feed, hashtag pages and media.

use std::collections::HashSet;

use serde_json::Value;

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn_with_demo};

async fn shopper(server: &TestServer) -> String {
    let reply = server.sign_in("layla@demo.souq.example", "souq-demo").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["token"].as_str().unwrap().to_string()
}

async fn the_feed_pages_newest_first_through_every_post_once(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = shopper(&server).await;
    let mut seen = HashSet::new();
    let mut times: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/feed?limit=30&before={c}"),
            None => "/v1/feed?limit=30".to_string(),
        };
        let page = server.send(server.get(&path).bearer_auth(&token)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        for post in page.body["posts"].as_array().unwrap() {
            assert!(seen.insert(post["id"].as_i64().unwrap()), "post repeated");
            times.push(post["created_at"].as_str().unwrap().to_string());
        }
        pages += 1;
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 100);
    assert_eq!(pages, 4);
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
}

async fn feed_posts_carry_author_hashtags_and_priced_product_cards(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = shopper(&server).await;
    let page = server
        .send(server.get("/v1/feed?limit=100").bearer_auth(&token))
        .await;
    let posts = page.body["posts"].as_array().unwrap();
    let with_product = posts
        .iter()
        .find(|p| p["author"]["kind"] == "store" && !p["products"].as_array().unwrap().is_empty())
        .expect("a store post with a product");
    let card = &with_product["products"][0];
    assert!(card["price"]["amount_minor"].as_i64().unwrap() > 0);
    assert_eq!(card["price"]["currency"].as_str().unwrap().len(), 3);
    assert!(card["image_media_id"].as_i64().is_some());
    assert!(posts.iter().any(|p| p["author"]["kind"] == "person"));
    assert!(posts.iter().any(|p| p["author"]["kind"] == "nonprofit"));
    assert!(posts.iter().all(|p| p["hashtags"].is_array()));
    assert!(
        posts
            .iter()
            .any(|p| !p["hashtags"].as_array().unwrap().is_empty())
    );
}

async fn a_hashtag_page_lists_only_posts_with_that_tag(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = shopper(&server).await;
    // The path as a client sends it, and the key the posts carry.
    for (tag, key) in [("Oud", "oud"), ("%D8%B9%D9%88%D8%AF", "عود")] {
        let page = server
            .send(
                server
                    .get(&format!("/v1/hashtags/{tag}/posts?limit=100"))
                    .bearer_auth(&token),
            )
            .await;
        assert_eq!(page.status, 200);
        let posts = page.body["posts"].as_array().unwrap();
        assert!(!posts.is_empty(), "#{tag} has posts");
        let key = key.to_string();
        assert!(posts.iter().all(|p| {
            p["hashtags"]
                .as_array()
                .unwrap()
                .contains(&Value::String(key.clone()))
        }));
    }
}

async fn bad_paging_parameters_are_400(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = shopper(&server).await;
    for query in ["before=yesterday", "limit=0", "limit=101", "limit=ten"] {
        let reply = server
            .send(server.get(&format!("/v1/feed?{query}")).bearer_auth(&token))
            .await;
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.error_code(), "bad_request");
    }
}

async fn media_is_served_with_its_type_and_cached_forever(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = shopper(&server).await;
    let page = server
        .send(server.get("/v1/feed?limit=100").bearer_auth(&token))
        .await;
    let media_id = page.body["posts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["products"].as_array().unwrap().iter())
        .find_map(|c| c["image_media_id"].as_i64())
        .unwrap();
    let response = server
        .get(&format!("/v1/media/{media_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(response.text().await.unwrap().starts_with("<svg"));
    let missing = server.send(server.get("/v1/media/999999999")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "not_found");
    let garbage = server.send(server.get("/v1/media/abc")).await;
    assert_eq!(garbage.status, 400);
}

on_both_engines!(
    the_feed_pages_newest_first_through_every_post_once,
    feed_posts_carry_author_hashtags_and_priced_product_cards,
    a_hashtag_page_lists_only_posts_with_that_tag,
    bad_paging_parameters_are_400,
    media_is_served_with_its_type_and_cached_forever,
);
