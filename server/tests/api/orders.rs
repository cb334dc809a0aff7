//! After checkout: a store ships (and is paid, less the platform's fee), delivers,
//! cancels or refunds, each step moving the money on the ledger and telling the
//! shopper; an option that orders name is archived instead of deleted; and a rush on one
//! option sells exactly its stock, each buyer's limit held.

use serde_json::{Value, json};
use souq_server::ledger::{self, Currency, Holder};

use crate::checkout::{
    SUCCEEDS, add_address, card, checkout, key, ledger_sums_are_zero, order_body, shop, top_up,
    units, wallet_sar,
};
use crate::on_both_engines;
use crate::studio::{create_product, merchant, studio};
use crate::support::{Engine, TestServer};

/// A merchant's published lamp (4 in stock at 120.00 SAR, at most `limit` a shopper)
/// with standard shipping at 15.00: (merchant token, variant id).
async fn lamp_store(server: &TestServer, handle: &str, limit: Option<i64>) -> (String, i64) {
    let owner = merchant(server, handle).await;
    let product = json!({
        "title": "Brass lamp", "description": "Hand-beaten brass.", "category": "home",
        "variants": [{"name": "Small", "price_minor": 12000, "stock": 4,
                      "per_customer_limit": limit}],
    });
    let created = create_product(server, &owner, handle, &product).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let shipping = server
        .send(
            server
                .put(&studio(handle, "/shipping"))
                .bearer_auth(&owner)
                .json(&json!({"options": [
                    {"name": "Standard", "price_minor": 1500, "min_days": 2, "max_days": 4},
                ]})),
        )
        .await;
    assert_eq!(shipping.status, 200, "{}", shipping.body);
    assert_eq!(shipping.body[0]["price"]["currency"], "SAR");
    let published = server
        .send(server.post(&studio(handle, "/publish")).bearer_auth(&owner))
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let (variant,): (i64,) = sqlx::query_as(
        "SELECT v.id FROM variants v JOIN products pr ON pr.id = v.product_id
         JOIN stores s ON s.id = pr.store_id WHERE s.handle = $1",
    )
    .bind(handle)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    (owner, variant)
}

async fn store_id(server: &TestServer, handle: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM stores WHERE handle = $1")
        .bind(handle)
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    id
}

async fn balance(server: &TestServer, holder: Holder) -> i64 {
    let mut conn = server.running.souq.base.db.pool.acquire().await.unwrap();
    let currency = Currency::parse("SAR").unwrap();
    match ledger::find_account(&mut conn, holder, &currency)
        .await
        .unwrap()
    {
        Some(account) => ledger::balance(&mut conn, account).await.unwrap().posted(),
        None => 0,
    }
}

/// A shopper who bought one lamp from `handle` with `payment`: (token, the order).
async fn bought(
    server: &TestServer,
    buyer: &str,
    handle: &str,
    variant: i64,
    payment: Value,
) -> (String, Value) {
    let shopper = server.sign_up(buyer).await;
    let address = add_address(server, &shopper).await;
    if payment["method"] == "wallet" {
        let topped = top_up(server, &shopper, &key(1), 100_000).await;
        assert_eq!(topped.status, 200, "{}", topped.body);
    }
    let store = store_id(server, handle).await;
    let body = order_body(server, address, &[(variant, 12000, store)], 1, payment).await;
    let paid = checkout(server, &shopper, &key(2), &body).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    (shopper, paid.body["orders"][0].clone())
}

async fn a_shipped_order_pays_the_store_less_the_fee_and_shows_its_tracking(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let (owner, variant) = lamp_store(&server, "lamps", None).await;
    let (shopper, order) = bought(
        &server,
        "nour",
        "lamps",
        variant,
        json!({"method": "wallet"}),
    )
    .await;
    let id = order["id"].as_i64().unwrap();
    assert_eq!(
        order["total"]["amount_minor"], 13_500,
        "120.00 and 15.00 shipping"
    );
    let store = Holder::Store {
        store_id: store_id(&server, "lamps").await,
    };
    assert_eq!(balance(&server, store).await, 0, "not paid before it ships");
    let listed = server
        .send(server.get(&studio("lamps", "/orders")).bearer_auth(&owner))
        .await;
    assert_eq!(
        listed.body["orders"][0]["id"], id,
        "the store sees its order"
    );
    assert_eq!(listed.body["orders"][0]["address"]["city"], "Riyadh");
    let shipped = server
        .send(
            server
                .post(&studio("lamps", &format!("/orders/{id}/ship")))
                .bearer_auth(&owner)
                .json(&json!({"carrier": "Aramex", "tracking_number": "AX123456789"})),
        )
        .await;
    assert_eq!(shipped.status, 200, "{}", shipped.body);
    assert_eq!(shipped.body["status"], "shipped");
    // 5% of 135.00 is 6.75: the platform keeps it, the store gets the rest.
    assert_eq!(balance(&server, store).await, 13_500 - 675);
    assert_eq!(balance(&server, Holder::Fees).await, 675);
    assert_eq!(balance(&server, Holder::Escrow { order_id: id }).await, 0);
    let seen = server
        .send(
            server
                .get(&format!("/v1/orders/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(seen.body["tracking_number"], "AX123456789");
    assert_eq!(seen.body["carrier"], "Aramex");
    let steps: Vec<&str> = seen.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["placed", "paid", "shipped"]);
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&shopper))
        .await;
    assert_eq!(inbox.body["notifications"][0]["kind"], "order");
    assert_eq!(inbox.body["notifications"][0]["order_status"], "shipped");
    assert_eq!(inbox.body["notifications"][0]["order_id"], id);
    // Shipped: the shopper can no longer cancel; the store can deliver, then refund.
    let late = server
        .send(
            server
                .post(&format!("/v1/orders/{id}/cancel"))
                .bearer_auth(&shopper)
                .json(&json!({})),
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
    let delivered = server
        .send(
            server
                .post(&studio("lamps", &format!("/orders/{id}/deliver")))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(delivered.body["status"], "delivered", "{}", delivered.body);
    let before = wallet_sar(&server, &shopper).await;
    let refunded = server
        .send(
            server
                .post(&studio("lamps", &format!("/orders/{id}/refund")))
                .bearer_auth(&owner)
                .json(&json!({"reason": "arrived scratched"})),
        )
        .await;
    assert_eq!(refunded.body["status"], "refunded", "{}", refunded.body);
    assert_eq!(
        wallet_sar(&server, &shopper).await,
        before + 13_500,
        "paid back in full"
    );
    assert_eq!(balance(&server, store).await, 0);
    assert_eq!(balance(&server, Holder::Fees).await, 0);
    ledger_sums_are_zero(&server).await;
}

async fn cancelling_before_shipping_pays_back_and_restocks(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let (owner, variant) = lamp_store(&server, "lamps", None).await;
    let (shopper, order) = bought(
        &server,
        "nour",
        "lamps",
        variant,
        json!({"method": "wallet"}),
    )
    .await;
    let id = order["id"].as_i64().unwrap();
    assert_eq!(units(&server, variant).await, 3);
    let before = wallet_sar(&server, &shopper).await;
    let cancelled = server
        .send(
            server
                .post(&format!("/v1/orders/{id}/cancel"))
                .bearer_auth(&shopper)
                .json(&json!({"reason": "changed my mind"})),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(wallet_sar(&server, &shopper).await, before + 13_500);
    assert_eq!(units(&server, variant).await, 4, "the stock came back");
    let ship = server
        .send(
            server
                .post(&studio("lamps", &format!("/orders/{id}/ship")))
                .bearer_auth(&owner)
                .json(&json!({"carrier": "Aramex", "tracking_number": "1"})),
        )
        .await;
    assert_eq!(ship.status, 409, "a cancelled order does not ship");
    // Paid by card: the store cancels, and the card is refunded at the processor.
    let (_, by_card) = bought(
        &server,
        "sami",
        "lamps",
        variant,
        json!({"method": "card", "card": card(SUCCEEDS)}),
    )
    .await;
    let card_order = by_card["id"].as_i64().unwrap();
    let cancelled = server
        .send(
            server
                .post(&studio("lamps", &format!("/orders/{card_order}/cancel")))
                .bearer_auth(&owner)
                .json(&json!({"reason": "out of brass"})),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled", "{}", cancelled.body);
    let (refunded,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM sandbox_refunds",
    )
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    assert_eq!(
        refunded, 13_500,
        "the card got the whole payment back, once"
    );
    assert_eq!(
        balance(
            &server,
            Holder::Escrow {
                order_id: card_order
            }
        )
        .await,
        0
    );
    ledger_sums_are_zero(&server).await;
}

async fn an_option_that_orders_name_is_archived_when_removed(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let (owner, variant) = lamp_store(&server, "lamps", None).await;
    let (shopper, order) = bought(
        &server,
        "nour",
        "lamps",
        variant,
        json!({"method": "wallet"}),
    )
    .await;
    let (product,): (i64,) = sqlx::query_as("SELECT product_id FROM variants WHERE id = $1")
        .bind(variant)
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    let replaced = server
        .send(
            server
                .put(&studio("lamps", &format!("/products/{product}")))
                .bearer_auth(&owner)
                .json(&json!({
                    "title": "Brass lamp", "description": "Hand-beaten brass.",
                    "category": "home",
                    "variants": [{"name": "Large", "price_minor": 18000, "stock": 2}],
                })),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let published = server
        .send(
            server
                .post(&studio("lamps", "/publish"))
                .bearer_auth(&owner),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let (archived,): (Option<i64>,) =
        sqlx::query_as("SELECT archived_at FROM variants WHERE id = $1")
            .bind(variant)
            .fetch_one(&server.running.souq.base.db.pool)
            .await
            .unwrap();
    assert!(archived.is_some(), "kept, archived");
    let page = server
        .send(
            server
                .get(&format!("/v1/products/{product}"))
                .bearer_auth(&shopper),
        )
        .await;
    let names: Vec<&str> = page.body["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Large"], "shoppers see only what is for sale");
    let id = order["id"].as_i64().unwrap();
    let still = server
        .send(
            server
                .get(&format!("/v1/orders/{id}"))
                .bearer_auth(&shopper),
        )
        .await;
    assert_eq!(
        still.body["lines"][0]["variant_name"], "Small",
        "the order keeps what it bought"
    );
}

/// Buyers with money race for an option: `buyers` of them, each sending `tries` checkouts
/// of one unit at once (across `servers`). Returns how many succeeded, per buyer.
pub async fn rush(
    servers: &[&TestServer],
    variant: i64,
    store: i64,
    buyers: usize,
    tries: usize,
) -> Vec<usize> {
    let first = servers[0];
    let mut shoppers = Vec::new();
    for n in 0..buyers {
        let token = first.sign_up(&format!("rusher{n}")).await;
        let address = add_address(first, &token).await;
        let topped = top_up(first, &token, &key(format!("t{n}")), 100_000).await;
        assert_eq!(topped.status, 200, "{}", topped.body);
        let body = order_body(
            first,
            address,
            &[(variant, 12000, store)],
            1,
            json!({"method": "wallet"}),
        )
        .await;
        shoppers.push((token, body));
    }
    let mut racers = tokio::task::JoinSet::new();
    for (n, (token, body)) in shoppers.iter().enumerate() {
        for t in 0..tries {
            let server = servers[(n + t) % servers.len()];
            let request = server
                .post("/v1/checkouts")
                .bearer_auth(token)
                .header("Idempotency-Key", key(format!("r{n}x{t}")))
                .json(body);
            racers.spawn(async move {
                let response = request.send().await.unwrap();
                (
                    n,
                    response.status().as_u16(),
                    response.text().await.unwrap(),
                )
            });
        }
    }
    let mut won = vec![0; buyers];
    while let Some(result) = racers.join_next().await {
        let (n, status, body) = result.unwrap();
        match status {
            200 => won[n] += 1,
            // Sold out, over the limit, or busy (the client would retry with its key).
            409 | 422 | 503 => {}
            other => panic!("{other}: {body}"),
        }
    }
    won
}

async fn a_rush_sells_exactly_the_stock_and_holds_each_limit(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let (_, variant) = lamp_store(&server, "lamps", Some(1)).await;
    let store = store_id(&server, "lamps").await;
    // Two instances on one PostgreSQL, as Souq outgrows a machine; SQLite has one.
    let other = match engine {
        Engine::Postgres => Some(server.another_instance().await),
        Engine::Sqlite => None,
    };
    let servers: Vec<&TestServer> = std::iter::once(&server).chain(other.as_ref()).collect();
    let won = rush(&servers, variant, store, 10, 2).await;
    assert_eq!(
        won.iter().sum::<usize>(),
        4,
        "exactly the stock sold: {won:?}"
    );
    assert!(
        won.iter().all(|n| *n <= 1),
        "nobody passed their limit: {won:?}"
    );
    assert_eq!(units(&server, variant).await, 0);
    let (sold,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
         JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid' AND l.variant_id = $1",
    )
    .bind(variant)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap();
    assert_eq!(sold, 4, "the orders hold what was sold");
    ledger_sums_are_zero(&server).await;
}

on_both_engines!(
    a_shipped_order_pays_the_store_less_the_fee_and_shows_its_tracking,
    cancelling_before_shipping_pays_back_and_restocks,
    an_option_that_orders_name_is_archived_when_removed,
    a_rush_sells_exactly_the_stock_and_holds_each_limit,
);

/// A batch that finds an option's lots held by another batch (another instance's, in a
/// rush) does not call the option sold out: it puts its buyers off to the next batch,
/// and after a few, waits for the lots and sells. PostgreSQL only: SQLite has one
/// writer, and its batches never meet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_in_lots_another_batch_holds_is_waited_for_not_sold_out() {
    let server = shop(Engine::Postgres, |_| {}).await;
    let (_, variant) = lamp_store(&server, "lamps", None).await;
    let store = store_id(&server, "lamps").await;
    let token = server.sign_up("patient").await;
    let address = add_address(&server, &token).await;
    let topped = top_up(&server, &token, &key("patient-top-up"), 100_000).await;
    assert_eq!(topped.status, 200, "{}", topped.body);
    let body = order_body(
        &server,
        address,
        &[(variant, 12000, store)],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    // Another transaction holds every lot of the option, as a batch does until it commits.
    let mut holder = server.running.souq.base.db.pool.begin().await.unwrap();
    sqlx::query("SELECT lot FROM stock_lots WHERE variant_id = $1 FOR UPDATE")
        .bind(variant)
        .fetch_all(&mut *holder)
        .await
        .unwrap();
    let request = server
        .post("/v1/checkouts")
        .bearer_auth(&token)
        .header("Idempotency-Key", key("patient-checkout"))
        .json(&body);
    let pending = tokio::spawn(async move {
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        !pending.is_finished(),
        "the checkout waits for the lots instead of hearing sold out"
    );
    holder.commit().await.unwrap();
    let (status, answer) = pending.await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(units(&server, variant).await, 3);
    ledger_sums_are_zero(&server).await;
}
