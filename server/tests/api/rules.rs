//! What clients may put in: U+0000 nowhere, no control characters or direction
//! overrides in shown text, reserved handles, capped mentions, only published products
//! in posts, bounded prices, quotas on posts, uploads and products, atomic cart adds,
//! and a publish that reads its drafts in its own transaction.

use serde_json::{Value, json};
use souq_server::base::limits::Limits;

use crate::cart::option_in_stock;
use crate::on_both_engines;
use crate::studio::{create_product, lamp, merchant, studio};
use crate::support::{Engine, spawn, spawn_with_demo, spawn_with_limits};

fn sign_up_body(handle: &str, display_name: &str) -> Value {
    json!({"email": format!("{handle}@example.com"), "password": "correct horse",
           "handle": handle, "display_name": display_name, "role": "shopper"})
}

async fn u0000_anywhere_is_422_never_500(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("tester").await;
    let owner = merchant(&server, "nul_store").await;
    let mut nul_product = lamp();
    nul_product["description"] = json!("brass\u{0}lamp");
    let replies = [
        server
            .send(server.post("/v1/accounts").json(&json!({
                "email": "nul\u{0}@example.com", "password": "correct horse",
                "handle": "nul_mail", "display_name": "N", "role": "shopper"})))
            .await,
        server
            .send(server.post("/v1/sessions").json(&json!({
                "email": "tester@example.com\u{0}", "password": "correct horse"})))
            .await,
        server
            .post_as(&token, json!({"body": "hello\u{0}world"}))
            .await,
        server
            .send(server.get("/v1/shop/search?q=oud%00").bearer_auth(&token))
            .await,
        server
            .send(server.get("/v1/hashtags/a%00b/posts").bearer_auth(&token))
            .await,
        server
            .send(server.get("/v1/stores/nul%00store").bearer_auth(&token))
            .await,
        create_product(&server, &owner, "nul_store", &nul_product).await,
        server
            .send(server.post("/v1/posts").bearer_auth(&token).json(&json!({
                "body": "fine", "k\u{0}ey": 1})))
            .await,
    ];
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(reply.status, 422, "request {i}: {}", reply.body);
        assert_eq!(reply.error_code(), "validation", "request {i}");
    }
}

async fn shown_text_refuses_direction_overrides_and_keeps_what_arabic_and_persian_need(
    engine: Engine,
) {
    let server = spawn(engine).await;
    let spoofed = server
        .send(
            server
                .post("/v1/accounts")
                .json(&sign_up_body("spoofer", "Layla\u{202E}gnp.exe")),
        )
        .await;
    assert_eq!(spoofed.status, 422, "{}", spoofed.body);
    let token = server.sign_up("writer").await;
    let isolate = server
        .post_as(&token, json!({"body": "look \u{2066}here\u{2069}"}))
        .await;
    assert_eq!(isolate.status, 422, "{}", isolate.body);
    let bell = server.post_as(&token, json!({"body": "ding\u{7}"})).await;
    assert_eq!(bell.status, 422, "{}", bell.body);
    // Persian with a zero-width non-joiner, a right-to-left mark, and lines.
    let persian = server
        .post_as(&token, json!({"body": "می\u{200C}خواهم بخرم\n\u{200F}سلام"}))
        .await;
    assert_eq!(persian.status, 201, "{}", persian.body);
    assert_eq!(persian.body["body"], "می\u{200C}خواهم بخرم\n\u{200F}سلام");

    let owner = merchant(&server, "text_store").await;
    let mut product = lamp();
    product["title"] = json!("Lamp\u{202D}");
    let title = create_product(&server, &owner, "text_store", &product).await;
    assert_eq!(title.status, 422, "{}", title.body);
    let page = server
        .send(
            server
                .put(&studio("text_store", "/page"))
                .bearer_auth(&owner)
                .json(&json!({"about": "ok", "banner_media_id": null,
                              "collections": [{"name": "New\u{202B}", "product_ids": []}]})),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
}

async fn reserved_handles_cannot_be_taken(engine: Engine) {
    let server = spawn(engine).await;
    for handle in ["admin", "Souq", "support"] {
        let reply = server
            .send(
                server
                    .post("/v1/accounts")
                    .json(&sign_up_body(handle, "Official")),
            )
            .await;
        assert_eq!(reply.status, 422, "{handle}: {}", reply.body);
        assert_eq!(reply.body["message"], "that handle is reserved");
    }
}

async fn a_post_mentions_at_most_ten_people(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("loud").await;
    let eleven: Vec<String> = (0..11).map(|i| format!("@person{i}")).collect();
    let too_many = server
        .post_as(&token, json!({"body": eleven.join(" ")}))
        .await;
    assert_eq!(too_many.status, 422, "{}", too_many.body);
    let ten = server
        .post_as(&token, json!({"body": eleven[..10].join(" ")}))
        .await;
    assert_eq!(ten.status, 201, "{}", ten.body);
}

async fn a_post_attaches_only_published_products(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "drafty").await;
    let created = create_product(&server, &owner, "drafty", &lamp()).await;
    let id = created.body["id"].as_i64().unwrap();
    let draft_only = server
        .post_as(&owner, json!({"body": "coming soon", "products": [id]}))
        .await;
    assert_eq!(draft_only.status, 422, "{}", draft_only.body);
    let published = server
        .send(
            server
                .post(&studio("drafty", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let attached = server
        .post_as(&owner, json!({"body": "out now", "products": [id]}))
        .await;
    assert_eq!(attached.status, 201, "{}", attached.body);
}

async fn prices_have_an_upper_bound(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "pricey").await;
    let mut product = lamp();
    product["variants"] = json!([{"name": "One", "price_minor": 10_000_000_001i64, "stock": 1}]);
    let reply = create_product(&server, &owner, "pricey", &product).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    product["variants"] = json!([{"name": "One", "price_minor": 10_000_000_000i64, "stock": 1}]);
    let reply = create_product(&server, &owner, "pricey", &product).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

async fn concurrent_adds_of_one_option_never_lose_a_quantity(engine: Engine) {
    let server = std::sync::Arc::new(spawn_with_demo(engine).await);
    let token = server.demo("layla").await;
    let (variant, stock, _) = option_in_stock(&server, "SAR").await;
    let adds = stock.min(8);
    let tasks: Vec<_> = (0..adds)
        .map(|_| {
            let server = std::sync::Arc::clone(&server);
            let token = token.clone();
            tokio::spawn(async move {
                server
                    .send(
                        server
                            .post("/v1/cart/items")
                            .bearer_auth(&token)
                            .json(&json!({"variant_id": variant, "quantity": 1})),
                    )
                    .await
                    .status
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let cart = server
        .send(server.get("/v1/cart").bearer_auth(&token))
        .await;
    let held = cart.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant_id"] == variant)
        .unwrap()["quantity"]
        .as_i64()
        .unwrap();
    assert_eq!(held, adds);
}

async fn publishing_with_no_drafts_changes_nothing_and_clears_no_cache(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "steady").await;
    let caches = &server.running.souq.feed.cache;
    let before = caches.posts.ticket();
    let reply = server
        .send(
            server
                .post(&studio("steady", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        caches.posts.unchanged_since(before),
        "a publish of nothing cleared the posts"
    );
}

async fn a_draft_saved_while_publishing_is_never_lost(engine: Engine) {
    let server = std::sync::Arc::new(spawn(engine).await);
    let owner = merchant(&server, "racer").await;
    let created = create_product(&server, &owner, "racer", &lamp()).await;
    let id = created.body["id"].as_i64().unwrap();
    for round in 0..6 {
        let title = format!("Lamp edition {round}");
        let mut edit = lamp();
        edit["title"] = json!(title);
        let publish = {
            let server = std::sync::Arc::clone(&server);
            let owner = owner.clone();
            tokio::spawn(async move {
                server
                    .send(
                        server
                            .post(&studio("racer", "/publish"))
                            .bearer_auth(&owner),
                    )
                    .await
                    .status
            })
        };
        let save = server
            .send(
                server
                    .put(&studio("racer", &format!("/products/{id}")))
                    .bearer_auth(&owner)
                    .json(&edit),
            )
            .await;
        assert_eq!(save.status, 200, "{}", save.body);
        assert!([200, 503].contains(&publish.await.unwrap()));
        // The edit is either published or still a draft: never gone.
        let studio_state = server
            .send(server.get(&studio("racer", "")).bearer_auth(&owner))
            .await;
        let product = studio_state.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(
            product["draft"]["title"],
            title.as_str(),
            "round {round}: {product}"
        );
    }
}

async fn posts_beyond_the_quota_per_minute_get_429(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            posts_per_minute: 2,
            ..Limits::default()
        },
    )
    .await;
    let token = server.sign_up("prolific").await;
    // A refused post does not use the quota.
    assert_eq!(
        server.post_as(&token, json!({"body": ""})).await.status,
        422
    );
    for i in 0..2 {
        let reply = server
            .post_as(&token, json!({"body": format!("post {i}")}))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let third = server.post_as(&token, json!({"body": "one more"})).await;
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(third.headers.contains_key("retry-after"));
    let other = server.sign_up("quiet").await;
    assert_eq!(
        server.post_as(&other, json!({"body": "hi"})).await.status,
        201
    );
}

fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 0);
    bytes
}

async fn uploads_beyond_the_daily_count_or_bytes_get_429(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            uploads_per_day: 3,
            upload_bytes_per_day: 10_000,
            ..Limits::default()
        },
    )
    .await;
    let token = server.sign_up("uploader").await;
    assert_eq!(server.upload(&token, png(6_000)).await.status, 201);
    let too_big = server.upload(&token, png(6_000)).await;
    assert_eq!(too_big.status, 429, "over the bytes: {}", too_big.body);
    assert_eq!(server.upload(&token, png(100)).await.status, 201);
    assert_eq!(server.upload(&token, png(100)).await.status, 201);
    let fourth = server.upload(&token, png(100)).await;
    assert_eq!(fourth.status, 429, "over the count: {}", fourth.body);
    assert!(fourth.headers.contains_key("retry-after"));
}

async fn a_store_holds_a_bounded_number_of_products(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            products_per_store: 2,
            ..Limits::default()
        },
    )
    .await;
    let owner = merchant(&server, "small_shop").await;
    let create = || {
        server
            .post(&studio("small_shop", "/products"))
            .bearer_auth(&owner)
            .json(&lamp())
    };
    assert_eq!(server.send(create()).await.status, 201);
    assert_eq!(server.send(create()).await.status, 201);
    let third = server.send(create()).await;
    assert_eq!(third.status, 422, "{}", third.body);
}

async fn a_store_creates_a_bounded_number_of_products_a_day(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            products_per_store_per_day: 2,
            ..Limits::default()
        },
    )
    .await;
    let owner = merchant(&server, "busy_shop").await;
    for _ in 0..2 {
        let made = create_product(&server, &owner, "busy_shop", &lamp()).await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let third = create_product(&server, &owner, "busy_shop", &lamp()).await;
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(third.headers.contains_key("retry-after"));
    // Each store has its own allowance.
    let other = merchant(&server, "calm_shop").await;
    let made = create_product(&server, &other, "calm_shop", &lamp()).await;
    assert_eq!(made.status, 201, "{}", made.body);
}

async fn behind_a_proxy_the_last_forwarded_hop_is_the_client(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            behind_proxy: true,
            auth_per_address_per_minute: 1,
            ..Limits::default()
        },
    )
    .await;
    let sign_in = |forwarded: &str| {
        server
            .post("/v1/sessions")
            .header("x-forwarded-for", forwarded)
            .json(&json!({"email": "x@example.com", "password": "wrong password"}))
    };
    assert_eq!(server.send(sign_in("198.51.100.1")).await.status, 401);
    // A client cannot escape by writing its own first hop: the proxy's last one counts.
    assert_eq!(
        server
            .send(sign_in("203.0.113.9, 198.51.100.1"))
            .await
            .status,
        429
    );
    assert_eq!(server.send(sign_in("198.51.100.2")).await.status, 401);
}

async fn unpublished_images_are_served_only_to_their_uploader(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "imagery").await;
    let stranger = server.sign_up("stranger").await;
    let uploaded = server.upload(&owner, png(200)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let image = uploaded.body["id"].as_i64().unwrap();
    let fetch = |token: Option<&str>| {
        let request = server.get(&format!("/v1/media/{image}"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    };
    let cache_of = |reply: &crate::support::Reply| {
        reply.headers["cache-control"].to_str().unwrap().to_string()
    };
    assert_eq!(server.send(fetch(None)).await.status, 404);
    assert_eq!(server.send(fetch(Some(&stranger))).await.status, 404);
    let own = server.send(fetch(Some(&owner))).await;
    assert_eq!(own.status, 200);
    assert_eq!(cache_of(&own), "private, no-store");

    let mut product = lamp();
    product["images"] = json!([image]);
    let created = create_product(&server, &owner, "imagery", &product).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        server.send(fetch(Some(&stranger))).await.status,
        404,
        "a draft's image is still private"
    );
    server
        .send(
            server
                .post(&studio("imagery", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    let public = server.send(fetch(None)).await;
    assert_eq!(public.status, 200);
    assert_eq!(cache_of(&public), "public, max-age=31536000, immutable");

    // A post's image is public once posted.
    let snap = server.upload(&stranger, png(300)).await.body["id"]
        .as_i64()
        .unwrap();
    let snap_url = format!("/v1/media/{snap}");
    assert_eq!(server.send(server.get(&snap_url)).await.status, 404);
    let posted = server
        .post_as(&stranger, json!({"body": "look", "images": [snap]}))
        .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    assert_eq!(server.send(server.get(&snap_url)).await.status, 200);
}

on_both_engines!(
    unpublished_images_are_served_only_to_their_uploader,
    u0000_anywhere_is_422_never_500,
    shown_text_refuses_direction_overrides_and_keeps_what_arabic_and_persian_need,
    reserved_handles_cannot_be_taken,
    a_post_mentions_at_most_ten_people,
    a_post_attaches_only_published_products,
    prices_have_an_upper_bound,
    concurrent_adds_of_one_option_never_lose_a_quantity,
    publishing_with_no_drafts_changes_nothing_and_clears_no_cache,
    a_draft_saved_while_publishing_is_never_lost,
    posts_beyond_the_quota_per_minute_get_429,
    uploads_beyond_the_daily_count_or_bytes_get_429,
    a_store_holds_a_bounded_number_of_products,
    a_store_creates_a_bounded_number_of_products_a_day,
    behind_a_proxy_the_last_forwarded_hop_is_the_client,
);
