//! Writing and deleting posts, uploads, and the idempotent actions on posts.

use serde_json::{Value, json};

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn, spawn_with_demo};

fn png(seed: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(seed, 64));
    bytes
}

async fn image(server: &TestServer, token: &str, seed: u8) -> i64 {
    let reply = server.upload(token, png(seed)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn new_post(server: &TestServer, token: &str, body: &str) -> i64 {
    let reply = server.post_as(token, json!({"body": body})).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn a_post_in_arabic_with_hashtags_mentions_and_images_is_created(engine: Engine) {
    let server = spawn(engine).await;
    let layla = server.sign_up("layla").await;
    server.sign_up("omar").await;
    let images = [
        image(&server, &layla, 1).await,
        image(&server, &layla, 2).await,
    ];
    let reply = server
        .post_as(
            &layla,
            json!({"body": "عطر رائع #عود مع @omar", "images": images}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["hashtags"], json!(["عود"]));
    assert_eq!(reply.body["images"], json!(images));
    assert_eq!(reply.body["author"]["handle"], "layla");
    let id = reply.body["id"].as_i64().unwrap();
    let tagged = server
        .send(
            server
                .get("/v1/hashtags/%D8%B9%D9%88%D8%AF/posts")
                .bearer_auth(&layla),
        )
        .await;
    assert_eq!(tagged.body["posts"][0]["id"], id);
    let fetched = server
        .send(server.get(&format!("/v1/posts/{id}")).bearer_auth(&layla))
        .await;
    assert_eq!(fetched.body["body"], "عطر رائع #عود مع @omar");
}

async fn empty_and_overlong_posts_are_422(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("sara").await;
    for body in [String::new(), "   ".into(), "ن".repeat(2001)] {
        let reply = server.post_as(&token, json!({"body": body})).await;
        assert_eq!(reply.status, 422, "{}", reply.body);
        assert_eq!(reply.error_code(), "validation");
    }
    let longest = server
        .post_as(&token, json!({"body": "ن".repeat(2000)}))
        .await;
    assert_eq!(longest.status, 201);
}

async fn a_fifth_image_and_someone_elses_image_are_422(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("khalid").await;
    let mut images = Vec::new();
    for seed in 0..5 {
        images.push(image(&server, &token, seed).await);
    }
    let five = server
        .post_as(&token, json!({"body": "five", "images": images}))
        .await;
    assert_eq!(five.status, 422);
    let other = server.sign_up("mariam").await;
    let theirs = image(&server, &other, 9).await;
    let stolen = server
        .post_as(&token, json!({"body": "mine?", "images": [theirs]}))
        .await;
    assert_eq!(stolen.status, 422);
}

async fn uploads_are_typed_by_their_bytes_and_limited_in_size(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("ahmed").await;
    let svg = server
        .upload(
            &token,
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        )
        .await;
    assert_eq!(svg.status, 415);
    assert_eq!(svg.error_code(), "unsupported_media_type");
    // A body over the limit is refused from its declared length, before it is sent:
    // the client asks first (Expect: 100-continue), as a careful uploader does, so no
    // half-written body races the answer.
    let status_line = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = server.url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "POST /v1/media HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\n\
             content-type: application/octet-stream\r\ncontent-length: {}\r\n\
             expect: 100-continue\r\nconnection: close\r\n\r\n",
            6 * 1024 * 1024
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        // The status line is all this needs; the connection may stay open after it.
        let mut answer = Vec::new();
        let mut buffer = [0u8; 512];
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let read =
                tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buffer))
                    .await
                    .expect("the server answers")
                    .unwrap();
            assert!(read > 0, "the server closed without answering");
            answer.extend_from_slice(&buffer[..read]);
        }
        String::from_utf8_lossy(&answer)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
    let id = image(&server, &token, 3).await;
    // Not attached to anything yet, so only its uploader may fetch it.
    let served = server
        .get(&format!("/v1/media/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    let anonymous = server.send(server.post("/v1/media").body(png(1))).await;
    assert_eq!(anonymous.status, 401);
}

async fn stores_attach_their_own_products_and_never_anothers(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let oud = server.demo("dar_al_oud").await;
    let (own,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM products p JOIN stores s ON s.id = p.store_id
         WHERE s.handle = 'dar_al_oud' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    let (foreign,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM products p JOIN stores s ON s.id = p.store_id
         WHERE s.handle = 'qahwa_house' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    let ok = server
        .post_as(&oud, json!({"body": "New in", "products": [own]}))
        .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert_eq!(ok.body["products"][0]["id"], own);
    assert_eq!(ok.body["author"]["kind"], "store");
    let bad = server
        .post_as(&oud, json!({"body": "Not ours", "products": [foreign]}))
        .await;
    assert_eq!(bad.status, 422);
    let shopper = server.demo("layla").await;
    let not_a_store = server
        .post_as(&shopper, json!({"body": "x", "products": [own]}))
        .await;
    assert_eq!(not_a_store.status, 422);
    let listed = server
        .send(server.get("/v1/me/store/products").bearer_auth(&oud))
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body.as_array().unwrap().len(), 8);
    assert!(
        listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == own)
    );
    let no_catalogue = server
        .send(server.get("/v1/me/store/products").bearer_auth(&shopper))
        .await;
    assert_eq!(no_catalogue.status, 403);
}

async fn deleting_is_for_the_author_only_and_unknown_posts_are_404(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("fatima").await;
    let other = server.sign_up("hamza").await;
    let id = new_post(&server, &author, "mine").await;
    let forbidden = server
        .send(
            server
                .delete(&format!("/v1/posts/{id}"))
                .bearer_auth(&other),
        )
        .await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.error_code(), "forbidden");
    let deleted = server
        .send(
            server
                .delete(&format!("/v1/posts/{id}"))
                .bearer_auth(&author),
        )
        .await;
    assert_eq!(deleted.status, 204);
    for request in [
        server.get(&format!("/v1/posts/{id}")),
        server.delete(&format!("/v1/posts/{id}")),
        server.put(&format!("/v1/posts/{id}/like")),
        server.put(&format!("/v1/posts/{id}/bookmark")),
        server.get("/v1/posts/987654"),
        server.put("/v1/posts/987654/repost"),
    ] {
        let reply = server.send(request.bearer_auth(&author)).await;
        assert_eq!(reply.status, 404, "{}", reply.body);
        assert_eq!(reply.error_code(), "not_found");
    }
    let quote = server
        .post_as(&author, json!({"body": "quoting", "quote_of": id}))
        .await;
    assert_eq!(quote.status, 404);
}

async fn actions_are_idempotent_and_reversible(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("aisha").await;
    let fan = server.sign_up("tariq").await;
    let id = new_post(&server, &author, "hello").await;
    for action in ["like", "repost", "bookmark"] {
        let path = format!("/v1/posts/{id}/{action}");
        for _ in 0..2 {
            let reply = server.send(server.put(&path).bearer_auth(&fan)).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        let counted = server
            .send(server.get(&format!("/v1/posts/{id}")).bearer_auth(&fan))
            .await;
        let key = format!("{action}s");
        assert_eq!(counted.body["stats"][&key], 1, "{action} twice is one");
        let flag = match action {
            "like" => "liked",
            "repost" => "reposted",
            _ => "bookmarked",
        };
        assert_eq!(counted.body["viewer"][flag], true);
        for _ in 0..2 {
            let reply = server.send(server.delete(&path).bearer_auth(&fan)).await;
            assert_eq!(reply.status, 200);
            assert_eq!(reply.body["stats"][&key], 0);
            assert_eq!(reply.body["viewer"][flag], false);
        }
    }
    for _ in 0..3 {
        server
            .send(
                server
                    .put(&format!("/v1/posts/{id}/share"))
                    .bearer_auth(&fan),
            )
            .await;
    }
    let shared = server
        .send(server.get(&format!("/v1/posts/{id}")).bearer_auth(&fan))
        .await;
    assert_eq!(shared.body["stats"]["shares"], 1);
}

async fn a_quote_repost_embeds_the_original_and_outlives_it(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("huda").await;
    let quoter = server.sign_up("karim").await;
    let original = new_post(&server, &author, "the original #first").await;
    let quote = server
        .post_as(&quoter, json!({"body": "so true", "quote_of": original}))
        .await;
    assert_eq!(quote.status, 201, "{}", quote.body);
    assert_eq!(quote.body["quote"]["id"], original);
    assert_eq!(quote.body["quote"]["body"], "the original #first");
    let counted = server
        .send(
            server
                .get(&format!("/v1/posts/{original}"))
                .bearer_auth(&author),
        )
        .await;
    assert_eq!(counted.body["stats"]["quotes"], 1);
    server
        .send(
            server
                .delete(&format!("/v1/posts/{original}"))
                .bearer_auth(&author),
        )
        .await;
    let quote_id = quote.body["id"].as_i64().unwrap();
    let after = server
        .send(
            server
                .get(&format!("/v1/posts/{quote_id}"))
                .bearer_auth(&quoter),
        )
        .await;
    assert_eq!(after.body["quote"]["deleted"], true);
    assert_eq!(after.body["quote"]["body"], "");
    let empty_quote = server
        .post_as(&quoter, json!({"body": " ", "quote_of": quote_id}))
        .await;
    assert_eq!(empty_quote.status, 422);
}

async fn many_clients_liking_and_unliking_at_once_leave_an_exact_count(engine: Engine) {
    let server = spawn(engine).await;
    let author = server.sign_up("dana").await;
    let id = new_post(&server, &author, "popular").await;
    let mut fans = Vec::new();
    for i in 0..16 {
        fans.push(server.sign_up(&format!("fan_{i}")).await);
    }
    let mut tasks = Vec::new();
    for (i, token) in fans.iter().enumerate() {
        let http = server.http.clone();
        let url = format!("{}/v1/posts/{id}/like", server.url);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            // Each fan toggles several times; odd-numbered fans end liked.
            let rounds = 6 + (i % 2);
            for round in 0..rounds {
                let request = if round % 2 == 0 {
                    http.put(&url)
                } else {
                    http.delete(&url)
                };
                let status = request.bearer_auth(&token).send().await.unwrap().status();
                assert_eq!(status, 200);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let post = server
        .send(server.get(&format!("/v1/posts/{id}")).bearer_auth(&author))
        .await;
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM likes WHERE post_id = $1")
        .bind(id)
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 8);
    assert_eq!(post.body["stats"]["likes"], Value::from(8));
}

on_both_engines!(
    a_post_in_arabic_with_hashtags_mentions_and_images_is_created,
    empty_and_overlong_posts_are_422,
    a_fifth_image_and_someone_elses_image_are_422,
    uploads_are_typed_by_their_bytes_and_limited_in_size,
    stores_attach_their_own_products_and_never_anothers,
    deleting_is_for_the_author_only_and_unknown_posts_are_404,
    actions_are_idempotent_and_reversible,
    a_quote_repost_embeds_the_original_and_outlives_it,
    many_clients_liking_and_unliking_at_once_leave_an_exact_count,
);
