//! The demo data: what a first start loads, and that it loads only once.

use crate::on_both_engines;
use crate::support::{Engine, spawn_with_demo};

async fn count(server: &crate::support::TestServer, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    n
}

async fn a_first_start_loads_the_promised_demo_data(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    assert!(count(&server, "SELECT COUNT(*) FROM stores").await >= 8);
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM stores WHERE is_nonprofit = 1"
        )
        .await,
        1
    );
    assert!(count(&server, "SELECT COUNT(*) FROM products").await >= 60);
    assert!(
        count(
            &server,
            "SELECT COUNT(*) FROM products p WHERE NOT EXISTS \
                        (SELECT 1 FROM variants v WHERE v.product_id = p.id)"
        )
        .await
            == 0,
        "every product has variants"
    );
    assert!(
        count(
            &server,
            "SELECT COUNT(*) FROM products p WHERE NOT EXISTS \
                        (SELECT 1 FROM product_images i WHERE i.product_id = p.id)"
        )
        .await
            == 0,
        "every product has images"
    );
    assert!(count(&server, "SELECT COUNT(*) FROM posts").await >= 100);
    assert!(count(&server, "SELECT COUNT(*) FROM post_hashtags").await >= 100);
    assert!(count(&server, "SELECT COUNT(*) FROM users WHERE role = 'shopper'").await >= 20);
    // Both scripts are present in the posts.
    let bodies: Vec<(String,)> = sqlx::query_as("SELECT body FROM posts")
        .fetch_all(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert!(
        bodies
            .iter()
            .any(|(b,)| b.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
    );
    assert!(
        bodies
            .iter()
            .any(|(b,)| b.starts_with(|c: char| c.is_ascii_alphabetic()))
    );
}

async fn demo_drops_are_timed_relative_to_the_first_start(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let now = chrono::Utc::now().timestamp_millis();
    let drops: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT d.launch_at, (SELECT COALESCE(MAX(l.units), 0) FROM variants v
                              JOIN stock_lots l ON l.variant_id = v.id
                              WHERE v.product_id = d.product_id) AS stock
         FROM drops d ORDER BY d.launch_at",
    )
    .fetch_all(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    let minutes = |at: i64| (at - now) / 60_000;
    let live = drops
        .iter()
        .filter(|(at, stock)| *at <= now && *stock > 0)
        .count();
    let sold_out = drops
        .iter()
        .filter(|(at, stock)| *at <= now && *stock == 0)
        .count();
    let soon = drops
        .iter()
        .filter(|(at, _)| (15..=16).contains(&minutes(*at)))
        .count();
    let later = drops.iter().filter(|(at, _)| minutes(*at) > 60).count();
    assert_eq!((live, sold_out, soon), (1, 1, 1), "{drops:?}");
    assert!(later >= 2, "{drops:?}");
}

async fn a_restart_does_not_load_the_demo_data_twice(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let before = count(&server, "SELECT COUNT(*) FROM posts").await;
    let loaded_again = souq_server::demo::load_into_empty(&server.running.souq.accounts)
        .await
        .unwrap();
    assert!(!loaded_again);
    let config = server.config.clone();
    let second = souq_server::start(config).await.unwrap();
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM posts")
        .fetch_one(&second.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    second.shutdown().await.unwrap();
}

async fn demo_accounts_sign_in_with_the_documented_password(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    for demo in souq_server::demo::sign_ins() {
        let reply = server.sign_in(&demo.email, &demo.password).await;
        assert_eq!(reply.status, 200, "{}: {}", demo.email, reply.body);
        assert_eq!(
            reply.body["user"]["role"],
            serde_json::to_value(demo.role).unwrap()
        );
    }
}

/// One argon2 hash costs a first launch tens of milliseconds; the demo accounts share
/// one published password, so they share one hash.
async fn demo_accounts_share_one_password_hash(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let accounts = count(&server, "SELECT COUNT(*) FROM users").await;
    assert!(accounts > 1);
    assert_eq!(
        count(&server, "SELECT COUNT(DISTINCT password_hash) FROM users").await,
        1
    );
}

on_both_engines!(
    demo_accounts_share_one_password_hash,
    a_first_start_loads_the_promised_demo_data,
    demo_drops_are_timed_relative_to_the_first_start,
    a_restart_does_not_load_the_demo_data_twice,
    demo_accounts_sign_in_with_the_documented_password,
);
