//! The Shop: Arabic- and English-aware search, filters and sorting, store pages and
//! product pages. Products are put straight into the database and indexed with the
//! server's own indexer, so each test controls exactly what there is to find.

use serde_json::Value;
use souq_server::base::cache::Change;
use souq_server::search;
use souq_server::stores::{cards, stock};

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn, spawn_with_demo};

/// A store run by a new merchant; returns its id.
pub async fn store(server: &TestServer, handle: &str, name: &str) -> i64 {
    server.sign_up(handle).await;
    let pool = &server.running.souq.base.db.pool;
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
    server
        .running
        .souq
        .base
        .publish(&[Change::Catalog(id)])
        .await;
    id
}

pub struct Item<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub category: &'a str,
    pub price: i64,
    pub stock: i64,
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
pub async fn product(server: &TestServer, store_id: i64, item: Item<'_>) -> i64 {
    let pool = &server.running.souq.base.db.pool;
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
        .base
        .publish(&[Change::Catalog(store_id)])
        .await;
    id
}

pub async fn found(server: &TestServer, token: &str, query: &str) -> Value {
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

pub async fn ids(server: &TestServer, token: &str, query: &str) -> Vec<i64> {
    found(server, token, query).await["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

pub fn q(text: &str) -> String {
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
    let pool = &server.running.souq.base.db.pool;
    sqlx::query("UPDATE products SET archived_at = 1 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    search::index_product(&mut conn, id).await.unwrap();
    server
        .running
        .souq
        .base
        .publish(&[Change::Catalog(shop)])
        .await;
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
            .fetch_one(&server.running.souq.base.db.pool)
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

/// A published product with just a title (and a description), for search tests.
async fn titled(server: &TestServer, store_id: i64, title: &str, description: &str) -> i64 {
    product(
        server,
        store_id,
        Item {
            title,
            description,
            ..Item::default()
        },
    )
    .await
}

async fn a_plural_finds_the_singular_and_the_reverse_in_any_field(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "bloom", "Bloom").await;
    let plant = titled(&server, shop, "Snake Plant", "").await;
    let syrup = titled(&server, shop, "Date Syrup", "").await;
    let pots = titled(&server, shop, "Terracotta pot", "Holds small plants").await;
    let candles = titled(&server, shop, "شمعات معطرة", "").await;
    let vase = titled(&server, shop, "مزهرية", "للشمعة والورد").await;
    for (query, expected) in [
        ("plants ", vec![plant, pots]),
        ("plant ", vec![plant, pots]),
        ("dates ", vec![syrup]),
        ("syrups ", vec![syrup]),
        ("pots ", vec![pots]),
        ("شمعة ", vec![candles, vase]),
        ("شمعات ", vec![candles, vase]),
    ] {
        assert_eq!(ids(&server, &token, &q(query)).await, expected, "{query:?}");
    }
}

async fn typos_are_forgiven_by_word_length_and_exact_matches_rank_first(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "maison", "Maison").await;
    let bag = titled(&server, shop, "Leather bag", "").await;
    let candle = titled(&server, shop, "Scented candle", "").await;
    let handle = titled(&server, shop, "Brass door handle", "").await;
    let bracelet = titled(&server, shop, "Silver bracelets", "").await;
    let lamp = titled(&server, shop, "Desk lamp", "").await;
    let vase = titled(&server, shop, "مزهرية خزفية", "").await;
    for (query, expected) in [
        // One typo from five letters: a letter wrong, missing, extra or two swapped.
        ("lether bag ", vec![bag]),
        ("leatherr ", vec![bag]),
        ("cnadle ", vec![candle]),
        ("mazharia ", vec![]),
        ("مزهريت ", vec![vase]),
        ("خزفيه مزهريه ", vec![vase]),
        // Two from nine.
        ("bracleetts ", vec![bracelet]),
        ("braclets ", vec![bracelet]),
        // None under five: "lamb" is another word, not a lamp.
        ("lamb ", vec![]),
        ("lamp ", vec![lamp]),
        // The word being typed, as a prefix, with the same tolerance.
        ("lethe", vec![bag]),
        ("silver brace", vec![bracelet]),
        ("silver brcae", vec![bracelet]),
        // "candle" as written first, "handle" one typo away after it.
        ("candle ", vec![candle, handle]),
        ("handle ", vec![handle, candle]),
    ] {
        assert_eq!(ids(&server, &token, &q(query)).await, expected, "{query:?}");
    }
}

async fn persian_and_urdu_keyboards_find_arabic_words(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "halawiyat", "حلويات").await;
    let cake = titled(&server, shop, "كيك الشوكولاتة", "").await;
    let gift = titled(&server, shop, "هدية مميزة", "").await;
    let tea = titled(&server, shop, "شاي كرك", "").await;
    for (query, expected) in [
        // Persian kaf and yaa.
        ("کیک ", cake),
        ("شوکولاته ", cake),
        // Kurdish and Urdu haa; Persian yaa.
        ("هدیە ", gift),
        ("ہدیہ ", gift),
        ("شای کرک ", tea),
        // Presentation forms, as some systems send them.
        ("ﺷﺎﻱ ", tea),
    ] {
        assert_eq!(
            ids(&server, &token, &q(query)).await,
            [expected],
            "{query:?}"
        );
    }
}

async fn joined_arabic_clitics_are_read_where_the_rest_is_a_known_word(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "attar", "Attar House").await;
    let oud = titled(&server, shop, "عطر عود كمبودي", "").await;
    let joined = titled(&server, shop, "مسك وعود", "").await;
    let incense = titled(&server, shop, "بخور فاخر", "").await;
    let pillows = [
        titled(&server, shop, "وسادة قطن", "").await,
        titled(&server, shop, "وسادة حرير", "").await,
    ];
    let plain = titled(&server, shop, "قهوة سادة", "").await;
    for (query, expected) in [
        // A conjunction or a preposition before a word the catalogue knows.
        ("وعطر ", vec![oud]),
        ("بعطر ", vec![oud]),
        ("فعطر ", vec![oud]),
        ("وبعود ", vec![oud, joined]),
        // And the reverse: a word joined in the catalogue is found by the word.
        ("عود ", vec![oud, joined]),
        ("مسك ", vec![joined]),
        // Words that merely start with those letters stay whole.
        ("بخور ", vec![incense]),
        ("سادة ", vec![plain]),
    ] {
        assert_eq!(ids(&server, &token, &q(query)).await, expected, "{query:?}");
    }
    // Pillows are more common than "سادة" (plain): "وسادة" is read as a pillow, and
    // plain coffee, one letter off, comes only after every pillow.
    let mut got = ids(&server, &token, &q("وسادة ")).await;
    assert_eq!(got.pop(), Some(plain));
    got.sort_unstable();
    assert_eq!(got, pillows);
}

async fn numbers_find_their_units_written_together_or_apart(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "volt", "Volt").await;
    let charger = titled(&server, shop, "USB-C charger 65 W", "").await;
    let perfume = titled(&server, shop, "عطر ١٠٠مل", "").await;
    for query in ["65w ", "65 w ", "65 W ", "65W charger ", "６５Ｗ "] {
        assert_eq!(
            ids(&server, &token, &q(query)).await,
            [charger],
            "{query:?}"
        );
    }
    for query in ["100 مل ", "100مل ", "١٠٠ مل ", "عطر ١٠٠مل "] {
        assert_eq!(
            ids(&server, &token, &q(query)).await,
            [perfume],
            "{query:?}"
        );
    }
}

/// The parts of the first product's title highlighted in a search's results.
fn highlighted(results: &Value) -> Vec<String> {
    let title = results["products"][0]["title"].as_str().unwrap();
    let id = results["products"][0]["id"].as_i64().unwrap();
    results["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["id"].as_i64() == Some(id))
        .flat_map(|h| h["ranges"].as_array().unwrap().clone())
        .map(|r| {
            let (start, end) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
            title[usize::try_from(start).unwrap()..usize::try_from(end).unwrap()].to_string()
        })
        .collect()
}

async fn matched_parts_are_highlighted_and_a_miss_suggests_a_spelling(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "maison", "Maison Café").await;
    titled(&server, shop, "Leather Bags", "").await;
    titled(&server, shop, "Desk lamp", "").await;
    titled(&server, shop, "إبريق شاي نحاسي", "").await;
    for (query, parts) in [
        // A stem matches the whole word; the word being typed, the part typed.
        ("leather bag ", vec!["Leather", "Bags"]),
        ("leat", vec!["Leat"]),
        ("bags lea", vec!["Lea", "Bags"]),
        ("lether ", vec!["Leather"]),
        ("ابريق نحا", vec!["إبريق", "نحا"]),
    ] {
        let results = found(&server, &token, &q(query)).await;
        assert_eq!(highlighted(&results), parts, "{query:?}");
        assert!(
            results.get("did_you_mean").is_none(),
            "{query:?}: {results}"
        );
    }
    let stores = found(&server, &token, &q("cafe ")).await;
    assert_eq!(stores["store_highlights"][0]["ranges"][0]["start"], 7);
    // Too short for a typo to be forgiven, yet one letter from a word that finds.
    let missed = found(&server, &token, &q("lamq ")).await;
    assert!(missed["products"].as_array().unwrap().is_empty());
    assert_eq!(missed["did_you_mean"], "lamp");
    let missed = found(&server, &token, &q("desk lamq ")).await;
    assert_eq!(missed["did_you_mean"], "desk lamp");
    // Written as the catalogue writes it, hamza and all.
    let missed = found(&server, &token, &q("ابرق ")).await;
    assert_eq!(missed["did_you_mean"], "إبريق");
    // Nothing close: no suggestion.
    let nothing = found(&server, &token, &q("zzzzqq ")).await;
    assert!(nothing.get("did_you_mean").is_none(), "{nothing}");
}

async fn ties_go_to_what_shoppers_bought_and_engaged_with_then_the_newest(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "maison", "Maison").await;
    let older = titled(&server, shop, "Wool blanket", "").await;
    let liked = titled(&server, shop, "Wool blanket", "").await;
    let newest = titled(&server, shop, "Wool blanket", "").await;
    assert_eq!(
        ids(&server, &token, &q("wool blanket ")).await,
        [newest, liked, older]
    );
    // Two shoppers like a post that carries one of them.
    let pool = &server.running.souq.base.db.pool;
    let now = souq_server::base::db::now_ms();
    let (author,): (i64,) = sqlx::query_as("SELECT owner_id FROM stores WHERE id = $1")
        .bind(shop)
        .fetch_one(pool)
        .await
        .unwrap();
    let (post,): (i64,) = sqlx::query_as(
        "INSERT INTO posts (author_id, body, created_at) VALUES ($1, 'Warm', $2) RETURNING id",
    )
    .bind(author)
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO post_products (post_id, position, product_id) VALUES ($1, 0, $2)")
        .bind(post)
        .bind(liked)
        .execute(pool)
        .await
        .unwrap();
    for handle in ["fan1", "fan2"] {
        server.sign_up(handle).await;
        sqlx::query(
            "INSERT INTO likes (user_id, post_id, created_at)
             SELECT id, $1, $2 FROM users WHERE handle = $3",
        )
        .bind(post)
        .bind(now)
        .bind(handle)
        .execute(pool)
        .await
        .unwrap();
    }
    server
        .running
        .souq
        .base
        .publish(&[Change::Everything])
        .await;
    assert_eq!(
        ids(&server, &token, &q("wool blanket ")).await,
        [liked, newest, older]
    );
    // Relevance still comes first: a title match beats any popularity.
    let named = titled(&server, shop, "Throw", "a wool blanket").await;
    let results = ids(&server, &token, &q("wool blanket ")).await;
    assert_eq!(results.last(), Some(&named));
}

async fn terms_made_by_an_older_normalization_are_rebuilt_once_at_start(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let shop = store(&server, "maison", "Maison").await;
    let cafe = titled(&server, shop, "Café Crème", "").await;
    // The terms as an older version made them (accents kept), and no record of this one.
    let pool = &server.running.souq.base.db.pool;
    let terms_of = |id: i64| async move {
        let terms: Vec<(String,)> = sqlx::query_as(
            "SELECT term FROM search_terms WHERE target_kind = 0 AND target_id = $1 ORDER BY term",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap();
        terms.into_iter().map(|(t,)| t).collect::<Vec<_>>()
    };
    for sql in [
        "DELETE FROM search_terms WHERE target_kind = 0",
        "DELETE FROM server_facts WHERE fact = 'search_terms_v2'",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO search_terms (term, kind, target_kind, target_id, weight)
         VALUES ('café', 0, 0, $1, 8)",
    )
    .bind(cafe)
    .execute(pool)
    .await
    .unwrap();
    let upgraded = server.another_instance().await;
    let made = ["cafe", "creme", "home", "maison", "one", "size"];
    assert_eq!(terms_of(cafe).await, made);
    assert_eq!(ids(&upgraded, &token, &q("cafe ")).await, [cafe]);
    // Once made, the next start leaves them be.
    sqlx::query(
        "INSERT INTO search_terms (term, kind, target_kind, target_id, weight)
         VALUES ('crème', 0, 0, $1, 8)",
    )
    .bind(cafe)
    .execute(pool)
    .await
    .unwrap();
    let _again = server.another_instance().await;
    let kept = terms_of(cafe).await;
    assert_eq!(kept.len(), made.len() + 1);
    assert!(kept.contains(&"crème".to_string()));
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
    a_plural_finds_the_singular_and_the_reverse_in_any_field,
    typos_are_forgiven_by_word_length_and_exact_matches_rank_first,
    persian_and_urdu_keyboards_find_arabic_words,
    joined_arabic_clitics_are_read_where_the_rest_is_a_known_word,
    numbers_find_their_units_written_together_or_apart,
    matched_parts_are_highlighted_and_a_miss_suggests_a_spelling,
    ties_go_to_what_shoppers_bought_and_engaged_with_then_the_newest,
    terms_made_by_an_older_normalization_are_rebuilt_once_at_start,
);
