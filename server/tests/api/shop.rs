//! The Shop: Arabic- and English-aware search, filters and sorting, store pages and
//! product pages. Products are put straight into the database and indexed with the
//! server's own indexer, so each test controls exactly what there is to find.

use serde_json::Value;
use souq_server::cache::Change;
use souq_server::search;
use souq_server::stores::{cards, stock};

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn, spawn_with_demo};

/// A store run by a new merchant; returns its id.
async fn store(server: &TestServer, handle: &str, name: &str) -> i64 {
    server.sign_up(handle).await;
    let pool = &server.running.souq.db.pool;
    sqlx::query("UPDATE users SET role = 'merchant' WHERE handle = $1")
        .bind(handle)
        .execute(pool)
        .await
        .unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO stores (owner_id, handle, name, about, created_at)
         SELECT id, handle, $2, 'About us', 0 FROM users WHERE handle = $1 RETURNING id",
    )
    .bind(handle)
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    search::index_store(&mut conn, id).await.unwrap();
    server.running.souq.publish(&[Change::Catalog(id)]).await;
    id
}

struct Item<'a> {
    title: &'a str,
    description: &'a str,
    category: &'a str,
    price: i64,
    stock: i64,
}

impl Default for Item<'_> {
    fn default() -> Self {
        Item {
            title: "",
            description: "",
            category: "home",
            price: 1000,
            stock: 5,
        }
    }
}

/// A published product with one variant, indexed; returns its id.
async fn product(server: &TestServer, store_id: i64, item: Item<'_>) -> i64 {
    let pool = &server.running.souq.db.pool;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
        .fetch_one(pool)
        .await
        .unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO products (store_id, title, description, category, currency, created_at,
                               published_at)
         VALUES ($1, $2, $3, $4, 'SAR', $5, $5) RETURNING id",
    )
    .bind(store_id)
    .bind(item.title)
    .bind(item.description)
    .bind(item.category)
    .bind(1_000 + count)
    .fetch_one(pool)
    .await
    .unwrap();
    let (variant_id,): (i64,) = sqlx::query_as(
        "INSERT INTO variants (product_id, name, sku, price_minor)
         VALUES ($1, 'One size', $2, $3) RETURNING id",
    )
    .bind(id)
    .bind(format!("sku-{id}"))
    .bind(item.price)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    stock::set(&mut conn, variant_id, item.stock).await.unwrap();
    cards::refresh_summary(&mut conn, id).await.unwrap();
    search::index_product(&mut conn, id).await.unwrap();
    server
        .running
        .souq
        .publish(&[Change::Catalog(store_id)])
        .await;
    id
}

async fn found(server: &TestServer, token: &str, query: &str) -> Value {
    let reply = server
        .send(
            server
                .get(&format!("/v1/shop/search?{query}"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body
}

async fn ids(server: &TestServer, token: &str, query: &str) -> Vec<i64> {
    found(server, token, query).await["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn arabic_search_finds_every_spelling_of_a_word(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "souq_al_nahas", "سوق النحاس").await;
    let teapot = product(
        &server,
        shop,
        Item {
            title: "إبريق شاي نحاسي",
            ..Item::default()
        },
    )
    .await;
    let gift = product(
        &server,
        shop,
        Item {
            title: "هدية العيد",
            ..Item::default()
        },
    )
    .await;
    let coffee = product(
        &server,
        shop,
        Item {
            title: "قهوة عربية بالهيل",
            ..Item::default()
        },
    )
    .await;
    let rose = product(
        &server,
        shop,
        Item {
            title: "عطر الورد الطائفي ١٠٠ مل",
            ..Item::default()
        },
    )
    .await;
    let hospital = product(
        &server,
        shop,
        Item {
            title: "حقيبة مستشفى للأطفال",
            ..Item::default()
        },
    )
    .await;
    for (query, expected) in [
        // Alef with and without hamza.
        ("إبريق", teapot),
        ("ابريق", teapot),
        // Taa marbuta written as haa.
        ("هدية", gift),
        ("هديه", gift),
        // Diacritics and tatweel.
        ("قَهْوَة", coffee),
        ("قهـــوة", coffee),
        ("قهوه", coffee),
        // With and without the article; Arabic-Indic digits as digits.
        ("الورد", rose),
        ("ورد", rose),
        ("عطر 100", rose),
        ("عطر ١٠٠", rose),
        // Alef maqsura as yaa, and hamza on yaa.
        ("مستشفي", hospital),
        ("للاطفال", hospital),
    ] {
        let got = ids(&server, &token, &q(&format!("{query} "))).await;
        assert_eq!(got, [expected], "{query}");
    }
}

async fn english_search_folds_case_and_plurals_and_matches_prefixes(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "maison", "Maison").await;
    let bags = product(
        &server,
        shop,
        Item {
            title: "Leather Bags",
            ..Item::default()
        },
    )
    .await;
    let candle = product(
        &server,
        shop,
        Item {
            title: "Scented candle",
            ..Item::default()
        },
    )
    .await;
    for query in ["bag ", "BAGS ", "leather bag ", "Leat", "leather ba"] {
        assert_eq!(ids(&server, &token, &q(query)).await, [bags], "{query:?}");
    }
    assert_eq!(ids(&server, &token, &q("candles ")).await, [candle]);
    // Every word must match; a finished word is not a prefix.
    assert!(ids(&server, &token, &q("leather candle ")).await.is_empty());
    assert!(ids(&server, &token, &q("leat ")).await.is_empty());
    // One typed letter is too short to be a prefix.
    assert!(ids(&server, &token, &q("l")).await.is_empty());
}

async fn title_matches_rank_above_description_matches_and_stores_are_found(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "dar_al_oud", "دار العود").await;
    let mentions = product(
        &server,
        shop,
        Item {
            title: "Incense burner",
            description: "For oud chips and bakhoor",
            ..Item::default()
        },
    )
    .await;
    let named = product(
        &server,
        shop,
        Item {
            title: "Cambodian oud oil",
            ..Item::default()
        },
    )
    .await;
    assert_eq!(ids(&server, &token, &q("oud ")).await, [named, mentions]);
    let results = found(&server, &token, &q("العود")).await;
    assert_eq!(results["stores"][0]["handle"], "dar_al_oud");
    let by_handle = found(&server, &token, &q("dar al")).await;
    assert_eq!(by_handle["stores"][0]["handle"], "dar_al_oud");
}

async fn filters_and_sorts_narrow_and_order_the_results(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let a = store(&server, "store_a", "Store A").await;
    let b = store(&server, "store_b", "Store B").await;
    let cheap = product(
        &server,
        a,
        Item {
            title: "Cheap mug",
            price: 500,
            ..Item::default()
        },
    )
    .await;
    let mid = product(
        &server,
        a,
        Item {
            title: "Mid mug",
            price: 1500,
            stock: 0,
            ..Item::default()
        },
    )
    .await;
    let dear = product(
        &server,
        b,
        Item {
            title: "Dear mug",
            price: 9000,
            category: "gifts",
            ..Item::default()
        },
    )
    .await;
    let mug = q("mug ");
    assert_eq!(
        ids(
            &server,
            &token,
            &format!("{mug}&currency=SAR&sort=price_low_to_high")
        )
        .await,
        [cheap, mid, dear]
    );
    assert_eq!(
        ids(
            &server,
            &token,
            &format!("{mug}&currency=sar&sort=price_high_to_low")
        )
        .await,
        [dear, mid, cheap]
    );
    assert_eq!(
        ids(
            &server,
            &token,
            &format!("{mug}&currency=SAR&min_price=1000&max_price=9000&sort=newest")
        )
        .await,
        [dear, mid]
    );
    assert_eq!(
        ids(&server, &token, &format!("{mug}&in_stock=true&sort=newest")).await,
        [dear, cheap]
    );
    assert_eq!(
        ids(&server, &token, &format!("{mug}&store=store_b")).await,
        [dear]
    );
    // A store that does not exist sells nothing.
    assert!(
        ids(&server, &token, &format!("{mug}&store=nobody"))
            .await
            .is_empty()
    );
    assert_eq!(ids(&server, &token, "category=gifts").await, [dear]);
    // Browsing without words: newest first.
    assert_eq!(ids(&server, &token, "").await, [dear, mid, cheap]);
}

async fn hidden_products_are_never_found_or_shown(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "shop", "Shop").await;
    let id = product(
        &server,
        shop,
        Item {
            title: "Secret lamp",
            ..Item::default()
        },
    )
    .await;
    assert_eq!(ids(&server, &token, &q("lamp ")).await, [id]);
    let pool = &server.running.souq.db.pool;
    sqlx::query("UPDATE products SET archived_at = 1 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    search::index_product(&mut conn, id).await.unwrap();
    server.running.souq.publish(&[Change::Catalog(shop)]).await;
    assert!(ids(&server, &token, &q("lamp ")).await.is_empty());
    assert!(ids(&server, &token, "").await.is_empty());
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{id}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(page.status, 404);
}

async fn bad_searches_get_clear_errors(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    for (query, status) in [
        ("currency=SAR&min_price=500&max_price=100", 422),
        ("currency=SAR&min_price=-1", 422),
        ("min_price=100", 422),
        ("sort=price_low_to_high", 422),
        ("offset=-3", 422),
        ("offset=9223372036854775807", 422),
        ("sort=cheapest", 400),
        ("min_price=abc", 400),
    ] {
        let reply = server
            .send(
                server
                    .get(&format!("/v1/shop/search?{query}"))
                    .bearer_auth(&token),
            )
            .await;
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
        reply.error_code();
    }
    let long = "a".repeat(201);
    let reply = server
        .send(
            server
                .get(&format!("/v1/shop/search?q={long}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(reply.status, 422);
    let anonymous = server.send(server.get("/v1/shop/search")).await;
    assert_eq!(anonymous.status, 401);
}

async fn a_store_page_shows_its_collections_and_a_product_page_its_variants(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let front = server
        .send(server.get("/v1/stores/dar_al_oud").bearer_auth(&token))
        .await;
    assert_eq!(front.status, 200, "{}", front.body);
    assert_eq!(front.body["store"]["name"], "دار العود");
    let collections = front.body["collections"].as_array().unwrap();
    assert_eq!(collections.len(), 2);
    assert!(!collections[0]["products"].as_array().unwrap().is_empty());
    let first = front.body["products"][0]["id"].as_i64().unwrap();
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{first}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["store"]["handle"], "dar_al_oud");
    assert!(!page.body["variants"].as_array().unwrap().is_empty());
    assert!(
        page.body["variants"][0]["price"]["amount_minor"]
            .as_i64()
            .unwrap()
            > 0
    );
    assert!(page.body["images"].as_array().unwrap().len() >= 2);
    assert!(
        page.body["external_url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let missing = server
        .send(server.get("/v1/stores/nobody_here").bearer_auth(&token))
        .await;
    assert_eq!(missing.status, 404);
    let home = server
        .send(server.get("/v1/shop").bearer_auth(&token))
        .await;
    assert_eq!(home.status, 200);
    assert!(home.body["categories"].as_array().unwrap().len() >= 5);
    assert_eq!(home.body["currencies"][0], "SAR");
    // Browsing a collection lists exactly its shown products.
    let collection = &front.body["collections"][0];
    let listed = home.body["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == collection["id"])
        .expect("the store's collection is offered in the Shop");
    assert_eq!(listed["store_name"], "دار العود");
    let mut want: Vec<i64> = collection["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let mut got = ids(&server, &token, &format!("collection={}", collection["id"])).await;
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
}

async fn a_product_page_lists_the_posts_that_carry_it(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let (product_id,): (i64,) =
        sqlx::query_as("SELECT product_id FROM post_products ORDER BY post_id LIMIT 1")
            .fetch_one(&server.running.souq.db.pool)
            .await
            .unwrap();
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{product_id}/posts"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let posts = page.body["posts"].as_array().unwrap();
    assert!(!posts.is_empty());
    for post in posts {
        assert!(
            post["products"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == product_id),
            "{post}"
        );
    }
}

on_both_engines!(
    arabic_search_finds_every_spelling_of_a_word,
    english_search_folds_case_and_plurals_and_matches_prefixes,
    title_matches_rank_above_description_matches_and_stores_are_found,
    filters_and_sorts_narrow_and_order_the_results,
    hidden_products_are_never_found_or_shown,
    bad_searches_get_clear_errors,
    a_store_page_shows_its_collections_and_a_product_page_its_variants,
    a_product_page_lists_the_posts_that_carry_it,
);
