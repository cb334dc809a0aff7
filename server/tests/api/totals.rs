//! The shopper pays what they were shown: each store's shipping is stated in the request
//! as unit prices are, and a changed one is refused with the new price; the PIN is asked
//! by the whole total (items and shipping), in the currency's own minor units.

use serde_json::json;

use crate::checkout::{
    add_address, checkout, key, option_of, order_body, shipping_of, shop, top_up, wallet_sar,
};
use crate::on_both_engines;
use crate::support::{Engine, spawn_configured};
use crate::wallet::set_pin;

async fn a_shipping_price_changed_since_it_was_shown_is_refused_with_the_new_one(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let amina = server.sign_up("amina").await;
    top_up(&server, &amina, &key("top"), 500_000).await;
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let mut body = order_body(&server, address, &[line], 1, json!({"method": "wallet"})).await;
    let (_, price) = shipping_of(&server, line.2).await;
    // The app showed a cheaper shipping than the store now asks.
    body["shipping"][0]["price_minor"] = json!(price + 1_000);
    let refused = checkout(&server, &amina, &key("stale"), &body).await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (409, "price_changed"),
        "{}",
        refused.body
    );
    let said = refused.body["message"].as_str().unwrap();
    assert!(said.contains("shipping from"), "{said}");
    let spoken = souq_server::wallet::settings::spoken(
        price,
        &souq_server::ledger::Currency::parse("SAR").unwrap(),
    );
    assert!(said.contains(&spoken), "{said} names {spoken}");
    assert_eq!(
        wallet_sar(&server, &amina).await,
        500_000,
        "nothing charged"
    );
    // Missing, it is refused as a bad request is.
    body["shipping"][0]
        .as_object_mut()
        .unwrap()
        .remove("price_minor");
    let missing = checkout(&server, &amina, &key("missing"), &body).await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    body["shipping"][0]["price_minor"] = json!(price);
    let paid = checkout(&server, &amina, &key("shown"), &body).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
}

async fn the_pin_is_asked_by_the_whole_total_shipping_included(engine: Engine) {
    let server = spawn_configured(engine, |config| config.demo_data = true).await;
    let amina = server.sign_up("amina").await;
    top_up(&server, &amina, &key("top"), 500_000).await;
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let (option, _) = shipping_of(&server, line.2).await;
    // A threshold the item alone stays under and item and shipping together pass.
    sqlx::query("UPDATE shipping_options SET price_minor = $1 WHERE id = $2")
        .bind(10_000_i64)
        .bind(option)
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    let threshold = souq_server::wallet::WalletSettings::default().pin_above_major * 100;
    let item = threshold - 5_000;
    sqlx::query("UPDATE variants SET price_minor = $1 WHERE id = $2")
        .bind(item)
        .bind(line.0)
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    let body = order_body(
        &server,
        address,
        &[(line.0, item, line.2)],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    let asked = checkout(&server, &amina, &key("over"), &body).await;
    assert_eq!(
        (asked.status, asked.error_code()),
        (403, "pin_required"),
        "{}",
        asked.body
    );
    set_pin(&server, &amina).await;
    let paid = checkout(&server, &amina, &key("over"), &body).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
}

async fn the_pin_threshold_follows_a_currency_without_minor_units(engine: Engine) {
    let server = spawn_configured(engine, |config| config.demo_data = true).await;
    let pool = &server.running.souq.base.db.pool;
    // One store sells in yen, which has no minor units: 5,000 yen is five times the
    // 1,000 threshold, not a twentieth of it.
    let line = option_of(&server, "USD", 3, 0).await;
    for sql in [
        "UPDATE stores SET currency = 'JPY' WHERE id = $1",
        "UPDATE products SET currency = 'JPY' WHERE store_id = $1",
    ] {
        sqlx::query(sql).bind(line.2).execute(pool).await.unwrap();
    }
    sqlx::query("UPDATE variants SET price_minor = 5000 WHERE id = $1")
        .bind(line.0)
        .execute(pool)
        .await
        .unwrap();
    let amina = server.sign_up("amina").await;
    let topped = server
        .send(
            server
                .post("/v1/wallet/top-ups")
                .bearer_auth(&amina)
                .header("Idempotency-Key", key("yen"))
                .json(&json!({"amount_minor": 100_000, "currency": "JPY",
                              "card": crate::checkout::card(crate::checkout::SUCCEEDS)})),
        )
        .await;
    assert_eq!(topped.status, 200, "{}", topped.body);
    let address = add_address(&server, &amina).await;
    let body = order_body(
        &server,
        address,
        &[(line.0, 5000, line.2)],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    let asked = checkout(&server, &amina, &key("yen-buy"), &body).await;
    assert_eq!(
        (asked.status, asked.error_code()),
        (403, "pin_required"),
        "{}",
        asked.body
    );
}

on_both_engines!(
    a_shipping_price_changed_since_it_was_shown_is_refused_with_the_new_one,
    the_pin_is_asked_by_the_whole_total_shipping_included,
    the_pin_threshold_follows_a_currency_without_minor_units,
);
