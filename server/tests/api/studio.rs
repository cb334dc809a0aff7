//! The merchant studio: drafts stay unseen until published, the preview shows exactly
//! what publishing gives, only the owner gets in, and bad drafts get clear errors.

use serde_json::{Value, json};

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn};

/// A merchant with a store under their handle; returns their token.
pub(crate) async fn merchant(server: &TestServer, handle: &str) -> String {
    let reply = server
        .send(server.post("/v1/accounts").json(&json!({
            "email": format!("{handle}@example.com"),
            "password": "correct horse",
            "handle": handle,
            "display_name": handle,
            "role": "merchant",
        })))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let token = reply.body["token"].as_str().unwrap().to_string();
    let opened = server
        .send(server.post("/v1/stores").bearer_auth(&token).json(&json!({
            "name": format!("{handle} store"), "about": "Fine things", "currency": "SAR",
        })))
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    token
}

pub(crate) fn lamp() -> Value {
    json!({
        "title": "Brass lamp",
        "description": "Hand-beaten brass.",
        "category": "home",
        "external_url": "https://lamps.example/brass",
        "variants": [
            {"name": "Small", "price_minor": 12000, "stock": 4},
            {"name": "Large", "price_minor": 18000, "stock": 0},
        ],
    })
}

pub(crate) fn studio(handle: &str, rest: &str) -> String {
    format!("/v1/stores/{handle}/studio{rest}")
}

/// Saves a new product as a draft in `handle`'s studio, as its owner.
pub(crate) async fn create_product(
    server: &TestServer,
    owner: &str,
    handle: &str,
    product: &Value,
) -> crate::support::Reply {
    server
        .send(
            server
                .post(&studio(handle, "/products"))
                .bearer_auth(owner)
                .json(product),
        )
        .await
}

async fn search(server: &TestServer, token: &str, words: &str) -> Vec<i64> {
    let reply = server
        .send(
            server
                .get(&format!("/v1/shop/search?q={words}"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn a_draft_is_unseen_until_published_and_the_preview_shows_it_first(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "brassworks").await;
    let shopper = server.sign_up("shopper").await;
    let created = server
        .send(
            server
                .post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&lamp()),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(created.body["published"], false);

    // Shoppers see nothing yet.
    assert!(search(&server, &shopper, "lamp").await.is_empty());
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(page.status, 404);
    let front = server
        .send(server.get("/v1/stores/brassworks").bearer_auth(&shopper))
        .await;
    assert_eq!(front.body["products"], json!([]));

    // The preview shows it as it will be, banner and collection included.
    let banner = server
        .upload(&owner, include_bytes!("../../../icons/icon.png").to_vec())
        .await;
    let banner = banner.body["id"].as_i64().unwrap();
    let page_draft = server
        .send(
            server
                .put(&studio("brassworks", "/page"))
                .bearer_auth(&owner)
                .json(&json!({
                    "about": "Brass, by hand",
                    "banner_media_id": banner,
                    "collections": [{"name": "Lighting", "product_ids": [id]}],
                })),
        )
        .await;
    assert_eq!(page_draft.status, 200, "{}", page_draft.body);
    assert_eq!(page_draft.body["has_drafts"], true);
    let preview = server
        .send(
            server
                .get(&studio("brassworks", "/preview"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.body["preview"], true);
    assert_eq!(preview.body["store"]["about"], "Brass, by hand");
    assert_eq!(preview.body["products"][0]["title"], "Brass lamp");
    assert_eq!(preview.body["products"][0]["price"]["amount_minor"], 12000);
    assert_eq!(preview.body["collections"][0]["name"], "Lighting");

    // Publishing makes the preview what shoppers see.
    let published = server
        .send(
            server
                .post(&studio("brassworks", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let front = server
        .send(server.get("/v1/stores/brassworks").bearer_auth(&shopper))
        .await;
    assert_eq!(front.body["products"], preview.body["products"]);
    // A collection gets its id when published; otherwise it is as previewed.
    let without_ids = |v: &Value| {
        let mut v = v.clone();
        for c in v.as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("id");
        }
        v
    };
    assert_eq!(
        without_ids(&front.body["collections"]),
        without_ids(&preview.body["collections"])
    );
    assert_eq!(front.body["store"]["about"], "Brass, by hand");
    assert_eq!(front.body["store"]["banner_media_id"], banner);
    assert_eq!(preview.body["store"]["banner_media_id"], banner);
    assert_eq!(search(&server, &shopper, "lamp").await, [id]);
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["variants"].as_array().unwrap().len(), 2);
    assert_eq!(page.body["external_url"], "https://lamps.example/brass");
    let after = server
        .send(server.get(&studio("brassworks", "")).bearer_auth(&owner))
        .await;
    assert_eq!(after.body["has_drafts"], false);
}

async fn edits_to_a_published_product_wait_for_publishing(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "brassworks").await;
    let shopper = server.sign_up("shopper").await;
    let created = server
        .send(
            server
                .post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&lamp()),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    server
        .send(
            server
                .post(&studio("brassworks", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    let studio_state = server
        .send(server.get(&studio("brassworks", "")).bearer_auth(&owner))
        .await;
    let mut edited = studio_state.body["products"][0]["draft"].clone();
    assert!(edited["variants"][0]["id"].as_i64().is_some());
    edited["title"] = json!("Copper lamp");
    edited["description"] = json!("Hand-beaten copper.");
    edited["variants"][0]["stock"] = json!(0);
    edited["variants"][1]["stock"] = json!(7);
    let saved = server
        .send(
            server
                .put(&studio("brassworks", &format!("/products/{id}")))
                .bearer_auth(&owner)
                .json(&edited),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(page.body["title"], "Brass lamp");
    assert!(search(&server, &shopper, "copper").await.is_empty());
    server
        .send(
            server
                .post(&studio("brassworks", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(page.body["title"], "Copper lamp");
    assert_eq!(page.body["variants"][0]["stock"], 0);
    assert_eq!(page.body["variants"][1]["stock"], 7);
    assert_eq!(search(&server, &shopper, "copper").await, [id]);
    assert!(search(&server, &shopper, "brass%20").await.is_empty());

    // Archiving hides it, once published.
    edited["archived"] = json!(true);
    server
        .send(
            server
                .put(&studio("brassworks", &format!("/products/{id}")))
                .bearer_auth(&owner)
                .json(&edited),
        )
        .await;
    assert_eq!(search(&server, &shopper, "copper").await, [id]);
    server
        .send(
            server
                .post(&studio("brassworks", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert!(search(&server, &shopper, "copper").await.is_empty());
}

async fn only_the_owner_may_use_the_studio(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "brassworks").await;
    let rival = merchant(&server, "rival").await;
    let shopper = server.sign_up("shopper").await;
    let created = server
        .send(
            server
                .post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&lamp()),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let page = json!({"about": "Mine now", "collections": []});
    for token in [&rival, &shopper] {
        let tries = [
            server.get(&studio("brassworks", "")),
            server
                .post(&studio("brassworks", "/products"))
                .json(&lamp()),
            server
                .put(&studio("brassworks", &format!("/products/{id}")))
                .json(&lamp()),
            server.put(&studio("brassworks", "/page")).json(&page),
            server.get(&studio("brassworks", "/preview")),
            server.post(&studio("brassworks", "/publish")),
            server.delete(&studio("brassworks", "/drafts")),
        ];
        for request in tries {
            let reply = server.send(request.bearer_auth(token)).await;
            assert_eq!(reply.status, 403, "{}", reply.body);
            assert_eq!(reply.error_code(), "forbidden");
        }
    }
    // Without a session: 401; an unknown store: 404.
    let anonymous = server.send(server.get(&studio("brassworks", ""))).await;
    assert_eq!(anonymous.status, 401);
    let unknown = server
        .send(server.get(&studio("nobody", "")).bearer_auth(&owner))
        .await;
    assert_eq!(unknown.status, 404);
    // A rival cannot edit the owner's product through their own store either.
    let sideways = server
        .send(
            server
                .put(&studio("rival", &format!("/products/{id}")))
                .bearer_auth(&rival)
                .json(&lamp()),
        )
        .await;
    assert_eq!(sideways.status, 404);
    // A shopper cannot open a store; a merchant cannot open two.
    let shop = server
        .send(
            server
                .post("/v1/stores")
                .bearer_auth(&shopper)
                .json(&json!({
                    "name": "Mine", "currency": "SAR"
                })),
        )
        .await;
    assert_eq!(shop.status, 403);
    let twice = server
        .send(server.post("/v1/stores").bearer_auth(&owner).json(&json!({
            "name": "Again", "currency": "SAR"
        })))
        .await;
    assert_eq!(twice.status, 409);
    // Nothing the others tried changed the owner's store.
    let studio_state = server
        .send(server.get(&studio("brassworks", "")).bearer_auth(&owner))
        .await;
    assert_eq!(studio_state.body["products"].as_array().unwrap().len(), 1);
    assert_eq!(studio_state.body["page"]["about"], "Fine things");
}

async fn bad_drafts_get_clear_errors_and_change_nothing(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "brassworks").await;
    let other = merchant(&server, "other").await;
    let foreign_image = server
        .upload(&other, include_bytes!("../../../icons/icon.png").to_vec())
        .await;
    assert_eq!(foreign_image.status, 201, "{}", foreign_image.body);
    let foreign_image = foreign_image.body["id"].as_i64().unwrap();
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let with = |path: &str, value: Value| {
        let mut draft = lamp();
        let mut target = &mut draft;
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            target = match part.parse::<usize>() {
                Ok(n) => &mut target[n],
                Err(_) => &mut target[*part],
            };
            if last {
                *target = value.clone();
            }
        }
        draft
    };
    cases.push(("a price of 0", with("variants/0/price_minor", json!(0))));
    cases.push((
        "a negative price",
        with("variants/0/price_minor", json!(-5)),
    ));
    cases.push(("negative stock", with("variants/0/stock", json!(-1))));
    cases.push(("an empty name", with("title", json!("   "))));
    cases.push(("a name too long", with("title", json!("x".repeat(121)))));
    cases.push(("no variants", with("variants", json!([]))));
    cases.push(("an unknown category", with("category", json!("weapons"))));
    cases.push((
        "a website that is not http",
        with("external_url", json!("javascript:alert(1)")),
    ));
    cases.push((
        "nine images",
        with("images", json!([1, 2, 3, 4, 5, 6, 7, 8, 9])),
    ));
    cases.push((
        "someone else's image",
        with("images", json!([foreign_image])),
    ));
    cases.push((
        "a variant id of nothing",
        with("variants/0/id", json!(999_999)),
    ));
    cases.push((
        "two variants of one name",
        with("variants/1/name", json!("small")),
    ));
    for (what, draft) in cases {
        let reply = server
            .send(
                server
                    .post(&studio("brassworks", "/products"))
                    .bearer_auth(&owner)
                    .json(&draft),
            )
            .await;
        assert_eq!(reply.status, 422, "{what}: {}", reply.body);
        assert_eq!(reply.error_code(), "validation", "{what}");
    }
    let missing_field = server
        .send(
            server
                .post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&json!({"title": "No variants field", "category": "home"})),
        )
        .await;
    assert_eq!(missing_field.status, 422);
    // Collections hold only the store's own products.
    let theirs = server
        .send(
            server
                .post(&studio("other", "/products"))
                .bearer_auth(&other)
                .json(&lamp()),
        )
        .await;
    let theirs = theirs.body["id"].as_i64().unwrap();
    let page = server
        .send(
            server
                .put(&studio("brassworks", "/page"))
                .bearer_auth(&owner)
                .json(&json!({"about": "", "collections": [{"name": "Stolen", "product_ids": [theirs]}]})),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    let studio_state = server
        .send(server.get(&studio("brassworks", "")).bearer_auth(&owner))
        .await;
    assert_eq!(studio_state.body["products"], json!([]));
    assert_eq!(studio_state.body["has_drafts"], false);
}

async fn discarding_throws_drafts_away(engine: Engine) {
    let server = spawn(engine).await;
    let owner = merchant(&server, "brassworks").await;
    server
        .send(
            server
                .post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&lamp()),
        )
        .await;
    let discarded = server
        .send(
            server
                .delete(&studio("brassworks", "/drafts"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(discarded.status, 200, "{}", discarded.body);
    assert_eq!(discarded.body["products"], json!([]));
    assert_eq!(discarded.body["has_drafts"], false);
}

async fn a_demo_store_saves_a_product_with_its_own_pictures(engine: Engine) {
    let server = crate::support::spawn_with_demo(engine).await;
    let owner = server.demo("dar_al_oud").await;
    let state = server
        .send(server.get(&studio("dar_al_oud", "")).bearer_auth(&owner))
        .await;
    assert_eq!(state.status, 200, "{}", state.body);
    let product = &state.body["products"][0];
    assert!(!product["draft"]["images"].as_array().unwrap().is_empty());
    let id = product["id"].as_i64().unwrap();
    let saved = server
        .send(
            server
                .put(&studio("dar_al_oud", &format!("/products/{id}")))
                .bearer_auth(&owner)
                .json(&product["draft"]),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
}

on_both_engines!(
    a_demo_store_saves_a_product_with_its_own_pictures,
    a_draft_is_unseen_until_published_and_the_preview_shows_it_first,
    edits_to_a_published_product_wait_for_publishing,
    only_the_owner_may_use_the_studio,
    bad_drafts_get_clear_errors_and_change_nothing,
    discarding_throws_drafts_away,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_published_on_one_instance_is_found_on_another() {
    let a = spawn(Engine::Postgres).await;
    let b = a.another_instance().await;
    let owner = merchant(&a, "brassworks").await;
    let shopper = a.sign_up("shopper").await;
    // B loads its search index before the product exists.
    assert!(search(&b, &shopper, "lamp").await.is_empty());
    let created = a
        .send(
            a.post(&studio("brassworks", "/products"))
                .bearer_auth(&owner)
                .json(&lamp()),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let published = a
        .send(
            a.post(&studio("brassworks", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(published.status, 200);
    let start = std::time::Instant::now();
    while search(&b, &shopper, "lamp").await != [id] {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "the other instance never found the published product"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
