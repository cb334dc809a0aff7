//! Checkout: paid orders on the ledger, exactly once, never oversold, with the sandbox
//! processor's test cards, its callbacks, and the stock a failed payment gives back.

use std::time::Duration;

use serde_json::{Value, json};
use souq_server::ledger;
use souq_server::payments::{self, PaymentSettings};
use souq_server::stores::stock::UNITS_OF_V;

use crate::on_both_engines;
use crate::support::{Engine, Reply, TestServer, spawn_configured};

pub const SUCCEEDS: &str = "4242 4242 4242 4242";
pub const DECLINED: &str = "4000 0000 0000 0002";
const NO_FUNDS: &str = "4000 0000 0000 9995";
pub const SECOND_STEP: &str = "4000 0027 6000 3184";
const SLOW: &str = "4000 0000 0000 7072";
pub const CALLBACK_SECRET: &str = "callback-secret-for-tests";

/// A demo server whose processor callbacks are signed with a secret the test knows.
pub async fn shop(engine: Engine, edit: impl FnOnce(&mut PaymentSettings)) -> TestServer {
    spawn_configured(engine, |config| {
        config.demo_data = true;
        config.payments.callback_secret = Some(souq_wire::Secret::new(CALLBACK_SECRET.into()));
        edit(&mut config.payments);
    })
    .await
}

pub fn card(number: &str) -> Value {
    json!({"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"})
}

/// A key as the app makes them.
pub fn key(n: impl std::fmt::Display) -> String {
    format!("test-key-{n:0>12}")
}

/// A shown option priced in `currency` with at least `units` in stock, of a store other
/// than `not_store`: (variant, price, store).
pub async fn option_of(
    server: &TestServer,
    currency: &str,
    units: i64,
    not_store: i64,
) -> (i64, i64, i64) {
    sqlx::query_as(&format!(
        "SELECT v.id, v.price_minor, pr.store_id FROM variants v
         JOIN products pr ON pr.id = v.product_id
         WHERE {UNITS_OF_V} >= $1 AND pr.currency = $2 AND pr.published_at IS NOT NULL
           AND pr.archived_at IS NULL AND v.archived_at IS NULL AND pr.store_id <> $3
         ORDER BY v.id LIMIT 1"
    ))
    .bind(units)
    .bind(currency)
    .bind(not_store)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap()
}

/// A store's first shipping option: (id, price).
pub async fn shipping_of(server: &TestServer, store: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT id, price_minor FROM shipping_options WHERE store_id = $1 AND archived_at IS NULL
         ORDER BY position LIMIT 1",
    )
    .bind(store)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap()
}

pub async fn units(server: &TestServer, variant: i64) -> i64 {
    let mut conn = server.running.souq.base.db.pool.acquire().await.unwrap();
    souq_server::stores::stock::units(&mut conn, variant)
        .await
        .unwrap()
}

/// Adds a valid address and returns its id.
pub async fn add_address(server: &TestServer, token: &str) -> i64 {
    let reply = server
        .send(
            server
                .post("/v1/addresses")
                .bearer_auth(token)
                .json(&json!({
                    "name": "Layla Ahmed",
                    "phone": "+966 50 123 4567",
                    "line1": "King Fahd Road 12",
                    "city": "Riyadh",
                    "postal_code": "12271",
                    "country": "SA",
                })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

pub async fn top_up(server: &TestServer, token: &str, key: &str, amount: i64) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/top-ups")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&json!({"amount_minor": amount, "currency": "SAR", "card": card(SUCCEEDS)})),
        )
        .await
}

pub async fn wallet_sar(server: &TestServer, token: &str) -> i64 {
    let wallet = server
        .send(server.get("/v1/wallet").bearer_auth(token))
        .await;
    wallet.body["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["currency"] == "SAR")
        .map_or(0, |m| m["amount_minor"].as_i64().unwrap())
}

/// The body of a checkout of `quantity` of each option, shipped the first way.
pub async fn order_body(
    server: &TestServer,
    address: i64,
    lines: &[(i64, i64, i64)],
    quantity: i64,
    payment: Value,
) -> Value {
    let mut shipping = Vec::new();
    for (_, _, store) in lines {
        if !shipping.iter().any(|s: &Value| s["store_id"] == *store) {
            let (option, price) = shipping_of(server, *store).await;
            shipping.push(json!({"store_id": store, "shipping_option_id": option,
                                 "price_minor": price}));
        }
    }
    json!({
        "lines": lines.iter().map(|(variant, price, _)| json!({
            "variant_id": variant, "quantity": quantity, "unit_price_minor": price,
        })).collect::<Vec<_>>(),
        "address_id": address,
        "shipping": shipping,
        "payment": payment,
    })
}

pub async fn checkout(server: &TestServer, token: &str, key: &str, body: &Value) -> Reply {
    server
        .send(
            server
                .post("/v1/checkouts")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
}

pub async fn ledger_sums_are_zero(server: &TestServer) {
    for (currency, posted, pending) in ledger::sums(&server.running.souq.base.db).await.unwrap() {
        assert_eq!((posted, pending), (0, 0), "{currency} sums to zero");
    }
}

/// How many times the ledger recorded a payment into an order's escrow.
async fn payments_into_escrow(server: &TestServer) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM ledger_transfers WHERE code = 'payment'")
            .fetch_one(&server.running.souq.base.db.pool)
            .await
            .unwrap();
    n
}

async fn a_wallet_checkout_after_a_top_up_pays_one_order_per_store(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let topped = top_up(&server, &token, &key(1), 1_000_000).await;
    assert_eq!(topped.status, 200, "{}", topped.body);
    assert_eq!(topped.body["status"], "paid");
    assert_eq!(wallet_sar(&server, &token).await, 1_000_000);
    let first = option_of(&server, "SAR", 2, 0).await;
    let second = option_of(&server, "SAR", 2, first.2).await;
    for (variant, _, _) in [first, second] {
        let added = server
            .send(
                server
                    .post("/v1/cart/items")
                    .bearer_auth(&token)
                    .json(&json!({"variant_id": variant, "quantity": 2})),
            )
            .await;
        assert_eq!(added.status, 200, "{}", added.body);
    }
    let before = (
        units(&server, first.0).await,
        units(&server, second.0).await,
    );
    let body = order_body(
        &server,
        address,
        &[first, second],
        2,
        json!({"method": "wallet"}),
    )
    .await;
    let paid = checkout(&server, &token, &key(2), &body).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    assert_eq!(paid.body["replayed"], false);
    let orders = paid.body["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2, "one order per store");
    let mut total = 0;
    for order in orders {
        assert_eq!(order["status"], "paid");
        let timeline: Vec<&str> = order["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].as_str().unwrap())
            .collect();
        assert_eq!(timeline, ["placed", "paid"]);
        let shipping = order["shipping"]["amount_minor"].as_i64().unwrap();
        let items = order["items"]["amount_minor"].as_i64().unwrap();
        assert_eq!(
            order["total"]["amount_minor"].as_i64().unwrap(),
            items + shipping
        );
        total += items + shipping;
    }
    assert_eq!(paid.body["total"]["amount_minor"], total);
    assert_eq!(wallet_sar(&server, &token).await, 1_000_000 - total);
    assert_eq!(
        (
            units(&server, first.0).await,
            units(&server, second.0).await
        ),
        (before.0 - 2, before.1 - 2),
        "the stock went with the orders"
    );
    let cart = server
        .send(server.get("/v1/cart").bearer_auth(&token))
        .await;
    assert_eq!(cart.body["items"], 0, "what was bought left the cart");
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&token))
        .await;
    let order_notes = inbox.body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "order" && n["order_status"] == "paid")
        .count();
    assert_eq!(order_notes, 2, "the shopper hears of each paid order");
    let mine = server
        .send(server.get("/v1/orders").bearer_auth(&token))
        .await;
    assert_eq!(mine.body["orders"].as_array().unwrap().len(), 2);
    ledger_sums_are_zero(&server).await;
}

async fn the_same_key_replays_the_first_answer_and_charges_once(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    top_up(&server, &token, &key(1), 1_000_000).await;
    let option = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
    let first = checkout(&server, &token, &key(2), &body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let balance = wallet_sar(&server, &token).await;
    let again = checkout(&server, &token, &key(2), &body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["id"], first.body["id"], "the same checkout");
    assert_eq!(again.body["orders"][0]["id"], first.body["orders"][0]["id"]);
    assert_eq!(
        again.body["replayed"], true,
        "the app can say nothing was charged again"
    );
    assert_eq!(wallet_sar(&server, &token).await, balance, "charged once");
    assert_eq!(payments_into_escrow(&server).await, 1);
    // The same key for another cart is refused.
    let other = order_body(&server, address, &[option], 2, json!({"method": "wallet"})).await;
    let reused = checkout(&server, &token, &key(2), &other).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    // Another user's key space is their own: the same key is a new attempt for them.
    let other_token = server.demo("omar").await;
    let other_address = add_address(&server, &other_token).await;
    top_up(&server, &other_token, &key(1), 1_000_000).await;
    let theirs = order_body(
        &server,
        other_address,
        &[option],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    let their_checkout = checkout(&server, &other_token, &key(2), &theirs).await;
    assert_eq!(their_checkout.status, 200, "{}", their_checkout.body);
    assert_ne!(their_checkout.body["id"], first.body["id"]);
    ledger_sums_are_zero(&server).await;
}

async fn a_request_still_running_with_the_key_is_409_and_a_dead_one_is_resumed(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    top_up(&server, &token, &key(1), 1_000_000).await;
    let option = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
    let done = checkout(&server, &token, &key(2), &body).await;
    assert_eq!(done.status, 200, "{}", done.body);
    // A request with key 3 that claimed its key and is still at work, as its row shows.
    let pool = &server.running.souq.base.db.pool;
    let (user, hash): (i64, String) =
        sqlx::query_as("SELECT user_id, request_hash FROM checkouts WHERE idempotency_key = $1")
            .bind(key(2))
            .fetch_one(pool)
            .await
            .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "INSERT INTO checkouts (user_id, idempotency_key, request_hash, purpose, status, method,
                               currency, locked_until, created_at, updated_at)
         VALUES ($1, $2, $3, 'order', 'claimed', 'wallet', '', $4, $5, $5)",
    )
    .bind(user)
    .bind(key(3))
    .bind(&hash)
    .bind(now + 60_000)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    let busy = checkout(&server, &token, &key(3), &body).await;
    assert_eq!(busy.status, 409, "{}", busy.body);
    assert_eq!(busy.error_code(), "conflict");
    // Its request died: the lease ran out, and the retry does the work once.
    sqlx::query("UPDATE checkouts SET locked_until = $1 WHERE idempotency_key = $2")
        .bind(now - 1)
        .bind(key(3))
        .execute(pool)
        .await
        .unwrap();
    let resumed = checkout(&server, &token, &key(3), &body).await;
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.body["status"], "paid");
    assert_eq!(
        payments_into_escrow(&server).await,
        2,
        "two attempts, two orders"
    );
    ledger_sums_are_zero(&server).await;
}

async fn concurrent_retries_of_one_checkout_place_one_order(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    top_up(&server, &token, &key(1), 1_000_000).await;
    let option = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
    let before = wallet_sar(&server, &token).await;
    let mut retries = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let request = server
            .post("/v1/checkouts")
            .bearer_auth(&token)
            .header("Idempotency-Key", "the-one-attempt-key-0001")
            .json(&body);
        retries.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(answer) = retries.join_next().await {
        match answer.unwrap() {
            (200, body) => {
                ids.insert(body["id"].as_i64().unwrap());
            }
            (409, _) => {}
            (other, body) => panic!("{other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "every answer names the one checkout");
    assert_eq!(payments_into_escrow(&server).await, 1, "charged once");
    let (orders,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders")
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(orders, 1);
    assert!(wallet_sar(&server, &token).await < before);
}

async fn declined_cards_place_nothing_and_give_the_stock_back(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let option = option_of(&server, "SAR", 2, 0).await;
    let stock = units(&server, option.0).await;
    for (n, (number, reason)) in [(DECLINED, "declined"), (NO_FUNDS, "insufficient funds")]
        .into_iter()
        .enumerate()
    {
        let body = order_body(
            &server,
            address,
            &[option],
            1,
            json!({"method": "card", "card": card(number)}),
        )
        .await;
        let declined = checkout(&server, &token, &key(n), &body).await;
        assert_eq!(declined.status, 402, "{}", declined.body);
        assert_eq!(declined.error_code(), "payment_declined");
        assert!(
            declined.body["message"].as_str().unwrap().contains(reason),
            "{}",
            declined.body
        );
        assert_eq!(units(&server, option.0).await, stock, "the stock went back");
        let again = checkout(&server, &token, &key(n), &body).await;
        assert_eq!(again.status, 402, "a retry gets the same answer");
    }
    let (paid,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'")
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 0, "no order stands");
    ledger_sums_are_zero(&server).await;
}

async fn a_card_second_step_completed_pays_and_abandoned_gives_the_stock_back(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let option = option_of(&server, "SAR", 3, 0).await;
    let stock = units(&server, option.0).await;
    let body = order_body(
        &server,
        address,
        &[option],
        1,
        json!({"method": "card", "card": card(SECOND_STEP)}),
    )
    .await;
    let waiting = checkout(&server, &token, &key(1), &body).await;
    assert_eq!(waiting.status, 200, "{}", waiting.body);
    assert_eq!(waiting.body["status"], "requires_action");
    assert_eq!(waiting.body["orders"][0]["status"], "placed");
    assert_eq!(
        units(&server, option.0).await,
        stock - 1,
        "reserved meanwhile"
    );
    let payment = waiting.body["next_action"]["payment_id"].as_str().unwrap();
    let completed = server
        .send(
            server
                .post(&format!("/v1/sandbox/payments/{payment}/challenge"))
                .bearer_auth(&token)
                .json(&json!({"approve": true})),
        )
        .await;
    assert_eq!(completed.status, 200, "{}", completed.body);
    assert_eq!(completed.body["status"], "paid");
    assert_eq!(completed.body["orders"][0]["status"], "paid");
    // Abandoned: the shopper closes the step; the stock goes back at once.
    let second = checkout(&server, &token, &key(2), &body).await;
    assert_eq!(second.body["status"], "requires_action", "{}", second.body);
    assert_eq!(units(&server, option.0).await, stock - 2);
    let id = second.body["id"].as_i64().unwrap();
    let abandoned = server
        .send(
            server
                .post(&format!("/v1/checkouts/{id}/abandon"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(abandoned.status, 200, "{}", abandoned.body);
    assert_eq!(abandoned.body["status"], "failed");
    assert_eq!(abandoned.body["orders"][0]["status"], "cancelled");
    assert_eq!(units(&server, option.0).await, stock - 1);
    // Failing the step is a decline too.
    let third = checkout(&server, &token, &key(3), &body).await;
    let payment = third.body["next_action"]["payment_id"].as_str().unwrap();
    let failed = server
        .send(
            server
                .post(&format!("/v1/sandbox/payments/{payment}/challenge"))
                .bearer_auth(&token)
                .json(&json!({"approve": false})),
        )
        .await;
    assert_eq!(failed.body["status"], "failed", "{}", failed.body);
    assert_eq!(failed.body["failure_code"], "authentication_failed");
    assert_eq!(units(&server, option.0).await, stock - 1);
    ledger_sums_are_zero(&server).await;
}

async fn a_reservation_that_runs_out_gives_the_stock_back(engine: Engine) {
    let server = shop(engine, |payments| {
        payments.reservation = Duration::from_millis(300);
    })
    .await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let option = option_of(&server, "SAR", 2, 0).await;
    let stock = units(&server, option.0).await;
    let body = order_body(
        &server,
        address,
        &[option],
        1,
        json!({"method": "card", "card": card(SECOND_STEP)}),
    )
    .await;
    let waiting = checkout(&server, &token, &key(1), &body).await;
    assert_eq!(
        waiting.body["status"], "requires_action",
        "{}",
        waiting.body
    );
    assert_eq!(units(&server, option.0).await, stock - 1);
    tokio::time::sleep(Duration::from_millis(350)).await;
    souq_server::checkout::expire_due(&server.running.souq.checkout)
        .await
        .unwrap();
    let id = waiting.body["id"].as_i64().unwrap();
    let expired = server
        .send(
            server
                .get(&format!("/v1/checkouts/{id}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(expired.body["status"], "expired", "{}", expired.body);
    assert_eq!(units(&server, option.0).await, stock, "back on sale");
    // The step can no longer be completed: the processor cancelled the payment.
    let payment = waiting.body["next_action"]["payment_id"].as_str().unwrap();
    let late = server
        .send(
            server
                .post(&format!("/v1/sandbox/payments/{payment}/challenge"))
                .bearer_auth(&token)
                .json(&json!({"approve": true})),
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
    ledger_sums_are_zero(&server).await;
}

fn signed(body: &Value) -> (Vec<u8>, String) {
    let bytes = serde_json::to_vec(body).unwrap();
    let signature = payments::sign(CALLBACK_SECRET.as_bytes(), &bytes);
    (bytes, signature)
}

async fn callbacks_twice_late_or_out_of_order_never_charge_twice(engine: Engine) {
    let server = shop(engine, |payments| {
        payments.sandbox_settle_after = Duration::from_millis(200);
    })
    .await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let option = option_of(&server, "SAR", 2, 0).await;
    let body = order_body(
        &server,
        address,
        &[option],
        1,
        json!({"method": "card", "card": card(SLOW)}),
    )
    .await;
    let processing = checkout(&server, &token, &key(1), &body).await;
    assert_eq!(
        processing.body["status"], "processing",
        "{}",
        processing.body
    );
    let id = processing.body["id"].as_i64().unwrap();
    let payment: (Option<String>,) =
        sqlx::query_as("SELECT payment_id FROM checkouts WHERE id = $1")
            .bind(id)
            .fetch_one(&server.running.souq.base.db.pool)
            .await
            .unwrap();
    let payment = payment.0.unwrap();
    let deliver = |status: &str| {
        let (bytes, signature) = signed(&json!({
            "id": format!("evt_test_{status}"),
            "payment_id": payment,
            "status": status,
            "created_ms": 0,
        }));
        server.send(
            server
                .post("/v1/payments/callbacks")
                .header("Souq-Signature", signature)
                .body(bytes),
        )
    };
    // A callback that claims success early changes nothing: the processor says processing.
    let early = deliver("succeeded").await;
    assert_eq!(early.status, 204, "{}", early.body);
    let still = server
        .send(
            server
                .get(&format!("/v1/checkouts/{id}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(still.body["status"], "processing");
    // A forged one is refused.
    let forged = server
        .send(
            server
                .post("/v1/payments/callbacks")
                .header("Souq-Signature", "00ff")
                .json(&json!({"id": "evt_x", "payment_id": payment, "status": "succeeded", "created_ms": 0})),
        )
        .await;
    assert_eq!(forged.status, 401);
    // It settles; its callbacks (twice each, at random moments) and ours arrive.
    let mut paid = false;
    for _ in 0..100 {
        let now = server
            .send(
                server
                    .get(&format!("/v1/checkouts/{id}"))
                    .bearer_auth(&token),
            )
            .await;
        if now.body["status"] == "paid" {
            paid = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        paid,
        "the slow card settled and its callback paid the order"
    );
    for status in ["succeeded", "processing", "succeeded", "requires_action"] {
        assert_eq!(deliver(status).await.status, 204);
    }
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    let after = server
        .send(
            server
                .get(&format!("/v1/checkouts/{id}"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(after.body["status"], "paid");
    assert_eq!(after.body["orders"][0]["status"], "paid");
    assert_eq!(payments_into_escrow(&server).await, 1, "paid once");
    ledger_sums_are_zero(&server).await;
}

async fn bad_input_gets_a_clear_error_and_moves_nothing(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    let option = option_of(&server, "SAR", 2, 0).await;
    let wallet = json!({"method": "wallet"});
    let good = order_body(&server, address, &[option], 1, wallet.clone()).await;
    let with = |path: &str, value: Value| {
        let mut body = good.clone();
        *body.pointer_mut(path).unwrap() = value;
        body
    };
    let cases: Vec<(&str, Value, u16)> = vec![
        ("quantity 0", with("/lines/0/quantity", json!(0)), 422),
        (
            "negative quantity",
            with("/lines/0/quantity", json!(-3)),
            422,
        ),
        (
            "huge quantity",
            with("/lines/0/quantity", json!(1_000_000)),
            422,
        ),
        (
            "unknown option",
            with("/lines/0/variant_id", json!(999_999)),
            404,
        ),
        (
            "someone else's address",
            with("/address_id", json!(999_999)),
            404,
        ),
        (
            "a price that changed",
            with("/lines/0/unit_price_minor", json!(option.1 + 1)),
            409,
        ),
        ("no shipping chosen", with("/shipping", json!([])), 422),
        ("an empty wallet", good.clone(), 422),
    ];
    for (n, (what, body, status)) in cases.into_iter().enumerate() {
        let reply = checkout(&server, &token, &key(100 + n), &body).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        reply.error_code();
    }
    let empty = checkout(&server, &token, &key(200), &good).await;
    assert_eq!(empty.error_code(), "insufficient_funds");
    let no_key = server
        .send(server.post("/v1/checkouts").bearer_auth(&token).json(&good))
        .await;
    assert_eq!(no_key.status, 422, "{}", no_key.body);
    let bad_address = server
        .send(
            server
                .post("/v1/addresses")
                .bearer_auth(&token)
                .json(&json!({
                    "name": "Layla", "phone": "12", "line1": "x", "city": "Riyadh", "country": "SA",
                })),
        )
        .await;
    assert_eq!(bad_address.status, 422);
    assert!(
        bad_address.body["message"]
            .as_str()
            .unwrap()
            .contains("phone")
    );
    // An archived option (removed in the studio after it was ordered) is not for sale.
    sqlx::query("UPDATE variants SET archived_at = 1 WHERE id = $1")
        .bind(option.0)
        .execute(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    let archived = checkout(&server, &token, &key(300), &good).await;
    assert_eq!(archived.status, 404, "{}", archived.body);
    let (orders,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders")
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0, "nothing was placed");
    ledger_sums_are_zero(&server).await;
}

async fn another_shoppers_order_checkout_and_address_are_404(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let token = server.demo("layla").await;
    let address = add_address(&server, &token).await;
    top_up(&server, &token, &key(1), 1_000_000).await;
    let option = option_of(&server, "SAR", 2, 0).await;
    let body = order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
    let paid = checkout(&server, &token, &key(2), &body).await;
    let order = paid.body["orders"][0]["id"].as_i64().unwrap();
    let checkout_id = paid.body["id"].as_i64().unwrap();
    let stranger = server.demo("omar").await;
    for path in [
        format!("/v1/orders/{order}"),
        format!("/v1/checkouts/{checkout_id}"),
    ] {
        let reply = server.send(server.get(&path).bearer_auth(&stranger)).await;
        assert_eq!(reply.status, 404, "{path}");
    }
    let cancel = server
        .send(
            server
                .post(&format!("/v1/orders/{order}/cancel"))
                .bearer_auth(&stranger)
                .json(&json!({})),
        )
        .await;
    assert_eq!(cancel.status, 404);
    let edit = server
        .send(
            server
                .put(&format!("/v1/addresses/{address}"))
                .bearer_auth(&stranger)
                .json(&json!({"name": "x", "phone": "+966501234567", "line1": "y",
                              "city": "z", "country": "SA"})),
        )
        .await;
    assert_eq!(edit.status, 404);
    let theirs = order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
    let with_my_address = checkout(&server, &stranger, &key(3), &theirs).await;
    assert_eq!(with_my_address.status, 404, "{}", with_my_address.body);
}

/// Checkouts that arrive together are placed in one batch (`checkout/placer.rs`); each
/// is answered as if it were alone: one shopper's empty wallet or an unknown option
/// refuses that checkout only (and its retry gets the same refusal), and the others pay.
async fn checkouts_at_once_are_each_answered_as_if_alone(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let option = option_of(&server, "SAR", 20, 0).await;
    let mut shoppers = Vec::new();
    for n in 0..8 {
        let token = server.sign_up(&format!("together{n}")).await;
        let address = add_address(&server, &token).await;
        // Shopper 0 has no money; the others can pay.
        if n > 0 {
            let topped = top_up(&server, &token, &key(format!("t{n}")), 1_000_000).await;
            assert_eq!(topped.status, 200, "{}", topped.body);
        }
        let mut body =
            order_body(&server, address, &[option], 1, json!({"method": "wallet"})).await;
        // Shopper 1 names an option that does not exist.
        if n == 1 {
            body["lines"][0]["variant_id"] = json!(999_999_999);
        }
        shoppers.push((token, body));
    }
    let mut racers = tokio::task::JoinSet::new();
    for (n, (token, body)) in shoppers.iter().enumerate() {
        let request = server
            .post("/v1/checkouts")
            .bearer_auth(token)
            .header("Idempotency-Key", key(format!("together-{n}")))
            .json(body);
        racers.spawn(async move {
            let response = request.send().await.unwrap();
            (
                n,
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        });
    }
    let mut answers = std::collections::BTreeMap::new();
    while let Some(answer) = racers.join_next().await {
        let (n, status, body) = answer.unwrap();
        answers.insert(n, (status, body));
    }
    assert_eq!(answers[&0].0, 422, "{:?}", answers[&0]);
    assert_eq!(answers[&0].1["code"], "insufficient_funds");
    assert_eq!(answers[&1].0, 404, "{:?}", answers[&1]);
    for n in 2..8 {
        assert_eq!(answers[&n].0, 200, "{n}: {:?}", answers[&n]);
        assert_eq!(answers[&n].1["status"], "paid");
        assert_eq!(answers[&n].1["orders"].as_array().map(Vec::len), Some(1));
    }
    assert_eq!(
        payments_into_escrow(&server).await,
        6,
        "the six who could pay, once each"
    );
    // A refusal is the attempt's kept answer.
    let (token, body) = &shoppers[0];
    let again = checkout(&server, token, &key("together-0"), body).await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert_eq!(again.error_code(), "insufficient_funds");
    ledger_sums_are_zero(&server).await;
}

on_both_engines!(
    checkouts_at_once_are_each_answered_as_if_alone,
    a_wallet_checkout_after_a_top_up_pays_one_order_per_store,
    the_same_key_replays_the_first_answer_and_charges_once,
    a_request_still_running_with_the_key_is_409_and_a_dead_one_is_resumed,
    concurrent_retries_of_one_checkout_place_one_order,
    declined_cards_place_nothing_and_give_the_stock_back,
    a_card_second_step_completed_pays_and_abandoned_gives_the_stock_back,
    a_reservation_that_runs_out_gives_the_stock_back,
    callbacks_twice_late_or_out_of_order_never_charge_twice,
    bad_input_gets_a_clear_error_and_moves_nothing,
    another_shoppers_order_checkout_and_address_are_404,
);
