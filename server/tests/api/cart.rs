//! The cart: it never holds more than is in stock, totals per currency in minor units,
//! and belongs to its shopper alone.

use serde_json::json;

use souq_server::stores::stock::UNITS_OF_V;

use crate::on_both_engines;
use crate::support::{Engine, TestServer, spawn_with_demo};

/// An option with stock of a shown product priced in `currency`: (variant id, stock,
/// price in minor units).
pub(crate) async fn option_in_stock(server: &TestServer, currency: &str) -> (i64, i64, i64) {
    sqlx::query_as(&format!(
        "SELECT v.id, {UNITS_OF_V} AS stock, v.price_minor FROM variants v
         JOIN products pr ON pr.id = v.product_id
         WHERE {UNITS_OF_V} > 1 AND pr.currency = $1 AND pr.published_at IS NOT NULL
         ORDER BY v.id LIMIT 1"
    ))
    .bind(currency)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap()
}

async fn the_cart_never_holds_more_than_is_in_stock(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let (variant, stock, price) = option_in_stock(&server, "SAR").await;
    let add = |quantity: i64| {
        server
            .post("/v1/cart/items")
            .bearer_auth(&token)
            .json(&json!({"variant_id": variant, "quantity": quantity}))
    };
    let too_many = server.send(add(stock + 1)).await;
    assert_eq!(too_many.status, 422, "{}", too_many.body);
    let one = server.send(add(1)).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["items"], 1);
    // What is already held counts: the rest of the stock fits, one more does not.
    let rest = server.send(add(stock - 1)).await;
    assert_eq!(rest.status, 200, "{}", rest.body);
    assert_eq!(rest.body["lines"][0]["quantity"], stock);
    let over = server.send(add(1)).await;
    assert_eq!(over.status, 422);
    assert_eq!(over.error_code(), "validation");
    let cart = server
        .send(server.get("/v1/cart").bearer_auth(&token))
        .await;
    assert_eq!(cart.body["lines"][0]["quantity"], stock);
    assert_eq!(cart.body["totals"][0]["amount_minor"], price * stock);
    assert_eq!(cart.body["totals"][0]["currency"], "SAR");
}

async fn totals_are_kept_per_currency_and_zero_takes_a_line_out(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let token = server.demo("layla").await;
    let (sar, _, sar_price) = option_in_stock(&server, "SAR").await;
    let (kwd, _, kwd_price) = option_in_stock(&server, "KWD").await;
    for variant in [sar, kwd] {
        let reply = server
            .send(
                server
                    .post("/v1/cart/items")
                    .bearer_auth(&token)
                    .json(&json!({"variant_id": variant, "quantity": 2})),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let cart = server
        .send(server.get("/v1/cart").bearer_auth(&token))
        .await;
    assert_eq!(
        cart.body["totals"],
        json!([
            {"amount_minor": kwd_price * 2, "currency": "KWD"},
            {"amount_minor": sar_price * 2, "currency": "SAR"},
        ])
    );
    assert_eq!(cart.body["items"], 4);
    let removed = server
        .send(
            server
                .put(&format!("/v1/cart/items/{sar}"))
                .bearer_auth(&token)
                .json(&json!({"quantity": 0})),
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(removed.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(removed.body["lines"][0]["variant_id"], kwd);
}

async fn bad_cart_changes_get_clear_errors_and_each_cart_is_its_own(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let layla = server.demo("layla").await;
    let omar = server.demo("omar").await;
    let (variant, _, _) = option_in_stock(&server, "SAR").await;
    for (body, status) in [
        (json!({"variant_id": variant, "quantity": 0}), 422),
        (json!({"variant_id": variant, "quantity": -2}), 422),
        (json!({"variant_id": 999_999, "quantity": 1}), 404),
        (json!({"variant_id": variant}), 422),
    ] {
        let reply = server
            .send(
                server
                    .post("/v1/cart/items")
                    .bearer_auth(&layla)
                    .json(&body),
            )
            .await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        reply.error_code();
    }
    let hundred = server
        .send(
            server
                .put(&format!("/v1/cart/items/{variant}"))
                .bearer_auth(&layla)
                .json(&json!({"quantity": 100})),
        )
        .await;
    assert_eq!(hundred.status, 422);
    server
        .send(
            server
                .post("/v1/cart/items")
                .bearer_auth(&layla)
                .json(&json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    let others = server.send(server.get("/v1/cart").bearer_auth(&omar)).await;
    assert_eq!(others.body["lines"], json!([]));
    let anonymous = server.send(server.get("/v1/cart")).await;
    assert_eq!(anonymous.status, 401);
}

on_both_engines!(
    the_cart_never_holds_more_than_is_in_stock,
    totals_are_kept_per_currency_and_zero_takes_a_line_out,
    bad_cart_changes_get_clear_errors_and_each_cart_is_its_own,
);
