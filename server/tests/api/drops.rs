//! Product drops: scheduled by a store with stock set aside, not sold before the launch,
//! sold exactly to their stock at it within each shopper's limit, Remind me counted
//! for the store, and every change heard at once by running apps over server-sent
//! events (across instances on PostgreSQL).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use souq_server::stores::stock::UNITS_OF_V;

use crate::checkout::{
    add_address, checkout, key, ledger_sums_are_zero, order_body, shop, top_up, units,
};
use crate::on_both_engines;
use crate::support::{Engine, Listener, Reply, TestServer, spawn_configured};

const STORE: &str = "nakhla_dates";

/// A launch `secs` from now, as the studio types it (UTC, to the second).
fn launch_in(secs: i64) -> Value {
    let at = chrono::Utc::now() + chrono::Duration::seconds(secs);
    json!({"local": at.format("%Y-%m-%dT%H:%M:%S").to_string(), "time_zone": "UTC"})
}

/// One of the store's shown options with at least `units` in stock and no drop:
/// (variant, price, store id).
async fn option_of_store(server: &TestServer, handle: &str, units: i64) -> (i64, i64, i64) {
    sqlx::query_as(&format!(
        "SELECT v.id, v.price_minor, pr.store_id FROM variants v
         JOIN products pr ON pr.id = v.product_id JOIN stores s ON s.id = pr.store_id
         WHERE s.handle = $1 AND {UNITS_OF_V} >= $2 AND pr.published_at IS NOT NULL
           AND pr.archived_at IS NULL AND v.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM drops d WHERE d.variant_id = v.id)
         ORDER BY v.id LIMIT 1"
    ))
    .bind(handle)
    .bind(units)
    .fetch_one(&server.running.souq.base.db.pool)
    .await
    .unwrap()
}

async fn schedule(server: &TestServer, merchant: &str, body: &Value) -> Reply {
    server
        .send(
            server
                .post(&format!("/v1/stores/{STORE}/studio/drops"))
                .bearer_auth(merchant)
                .json(body),
        )
        .await
}

fn drop_body(variant: i64, hashtag: &str, stock: i64, limit: i64, launch: Value) -> Value {
    json!({
        "variant_id": variant,
        "title": "Ajwa harvest, first boxes",
        "hashtag": hashtag,
        "launch": launch,
        "stock": stock,
        "per_customer_limit": limit,
        "external_url": "https://nakhla.example/ajwa",
    })
}

async fn get_drop(server: &TestServer, token: &str, id: i64) -> Value {
    let reply = server
        .send(server.get(&format!("/v1/drops/{id}")).bearer_auth(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// Waits (bounded) until the drop is in `state`.
async fn until_state(server: &TestServer, token: &str, id: i64, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let drop = get_drop(server, token, id).await;
        if drop["state"] == state {
            return drop;
        }
        assert!(Instant::now() < deadline, "never {state}: {drop}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A shopper with money and an address: (token, address).
async fn shopper(server: &TestServer, handle: &str) -> (String, i64) {
    let token = server.sign_up(handle).await;
    let address = add_address(server, &token).await;
    let topped = top_up(server, &token, &key(format!("top-{handle}")), 1_000_000).await;
    assert_eq!(topped.status, 200, "{}", topped.body);
    (token, address)
}

/// The next update of drop `id` on a drop stream, skipping others.
async fn update_of(listener: &mut Listener, id: i64) -> Value {
    loop {
        let (event, data) = listener.next().await;
        if event == "drop" && data["id"] == id {
            return data;
        }
    }
}

async fn a_drop_is_not_sold_before_its_launch_then_sells_exactly_its_stock(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let merchant = server.demo(STORE).await;
    let (variant, price, store) = option_of_store(&server, STORE, 6).await;
    let had = units(&server, variant).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaFirst", 3, 1, launch_in(2)),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["drop"]["id"].as_i64().unwrap();
    assert_eq!(made.body["drop"]["state"], "scheduled");
    assert_eq!(made.body["drop"]["hashtag"], "ajwafirst");
    assert_eq!(
        units(&server, variant).await,
        3,
        "the drop's stock is set aside"
    );

    let mut shoppers = Vec::new();
    for n in 0..5 {
        shoppers.push(shopper(&server, &format!("dropper{n}")).await);
    }
    let bodies: Vec<Value> = {
        let mut out = Vec::new();
        for (_, address) in &shoppers {
            out.push(
                order_body(
                    &server,
                    *address,
                    &[(variant, price, store)],
                    1,
                    json!({"method": "wallet"}),
                )
                .await,
            );
        }
        out
    };
    // Before the launch: 409, nothing claimed, so the same key works once it is live.
    let early = checkout(&server, &shoppers[0].0, &key("drop-0"), &bodies[0]).await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.error_code(), "drop_not_live");
    assert_eq!(units(&server, variant).await, 3);

    until_state(&server, &shoppers[0].0, id, "live").await;
    let answers = futures_util::future::join_all(shoppers.iter().zip(&bodies).enumerate().map(
        |(n, ((token, _), body))| {
            let server = &server;
            async move { checkout(server, token, &key(format!("drop-{n}")), body).await }
        },
    ))
    .await;
    let paid = answers.iter().filter(|a| a.status == 200).count();
    let sold_out = answers
        .iter()
        .filter(|a| a.status == 409 && a.error_code() == "sold_out")
        .count();
    assert_eq!(
        (paid, sold_out),
        (3, 2),
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    assert_eq!(units(&server, variant).await, 0, "never oversold");
    let drop = get_drop(&server, &shoppers[0].0, id).await;
    assert_eq!(
        (drop["state"].as_str(), drop["left"].as_i64()),
        (Some("sold_out"), Some(0))
    );
    ledger_sums_are_zero(&server).await;

    // Ending it gives the option what was held back.
    let ended = server
        .send(
            server
                .post(&format!("/v1/stores/{STORE}/studio/drops/{id}/end"))
                .bearer_auth(&merchant),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert_eq!(ended.body["drop"]["state"], "ended");
    assert_eq!(ended.body["funnel"]["orders"], 3);
    assert_eq!(units(&server, variant).await, had - 3);
}

async fn a_drop_holds_each_shopper_to_its_limit(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let merchant = server.demo(STORE).await;
    let (variant, price, store) = option_of_store(&server, STORE, 4).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaLimit", 4, 1, launch_in(1)),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["drop"]["id"].as_i64().unwrap();
    let (token, address) = shopper(&server, "limited").await;
    until_state(&server, &token, id, "live").await;
    let two = order_body(
        &server,
        address,
        &[(variant, price, store)],
        2,
        json!({"method": "wallet"}),
    )
    .await;
    let over = checkout(&server, &token, &key("limit-2"), &two).await;
    assert_eq!(over.status, 422, "{}", over.body);
    let one = order_body(
        &server,
        address,
        &[(variant, price, store)],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    assert_eq!(
        checkout(&server, &token, &key("limit-1"), &one)
            .await
            .status,
        200
    );
    let again = checkout(&server, &token, &key("limit-1b"), &one).await;
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(
        again.body["message"]
            .as_str()
            .unwrap()
            .contains("limited to 1")
    );
    assert_eq!(units(&server, variant).await, 3);
}

async fn a_shopper_holds_one_card_payment_per_drop_and_for_minutes_only(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let merchant = server.demo(STORE).await;
    let (variant, price, store) = option_of_store(&server, STORE, 5).await;
    // No limit per shopper: the hold alone stands between one shopper and the stock.
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaHold", 5, 5, launch_in(1)),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["drop"]["id"].as_i64().unwrap();
    let (token, address) = shopper(&server, "holder").await;
    until_state(&server, &token, id, "live").await;
    let by_card = order_body(
        &server,
        address,
        &[(variant, price, store)],
        1,
        json!({"method": "card", "card": crate::checkout::card(crate::checkout::SECOND_STEP)}),
    )
    .await;
    let first = checkout(&server, &token, &key("hold-1"), &by_card).await;
    assert_eq!(first.body["status"], "requires_action", "{}", first.body);
    // Held for a few minutes, and the answer says until when.
    let until =
        chrono::DateTime::parse_from_rfc3339(first.body["reserved_until"].as_str().unwrap())
            .unwrap();
    let left = until
        .signed_duration_since(chrono::Utc::now())
        .num_seconds();
    assert!((120..=180).contains(&left), "{left} s");
    // A second card payment for the same drop waits for the first to end.
    for n in 2..5 {
        let more = checkout(&server, &token, &key(format!("hold-{n}")), &by_card).await;
        assert_eq!(more.status, 409, "{}", more.body);
    }
    assert_eq!(units(&server, variant).await, 4, "one unit held, not four");
    let abandoned = server
        .send(
            server
                .post(&format!("/v1/checkouts/{}/abandon", first.body["id"]))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(abandoned.body["status"], "failed", "{}", abandoned.body);
    let next = checkout(&server, &token, &key("hold-next"), &by_card).await;
    assert_eq!(next.body["status"], "requires_action", "{}", next.body);
}

async fn remind_me_is_counted_for_the_store_and_listed_only_for_the_shopper(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let merchant = server.demo(STORE).await;
    let (variant, _, _) = option_of_store(&server, STORE, 2).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaRemind", 2, 1, launch_in(3_600)),
    )
    .await;
    let id = made.body["drop"]["id"].as_i64().unwrap();
    let layla = server.demo("layla").await;
    let omar = server.demo("omar").await;
    let noura = server.demo("noura").await;
    let path = format!("/v1/drops/{id}/reminder");
    for token in [&layla, &layla, &omar] {
        let on = server.send(server.put(&path).bearer_auth(token)).await;
        assert_eq!(on.status, 200, "{}", on.body);
        assert_eq!(on.body["reminded"], true);
    }
    let seen = get_drop(&server, &noura, id).await;
    assert_eq!(
        (seen["reminder_count"].as_i64(), seen["reminded"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(get_drop(&server, &layla, id).await["reminded"], true);
    let off = server.send(server.delete(&path).bearer_auth(&omar)).await;
    assert_eq!(
        (
            off.body["reminded"].as_bool(),
            off.body["reminder_count"].as_i64()
        ),
        (Some(false), Some(1))
    );
    let mine = server
        .send(server.get("/v1/me/reminders").bearer_auth(&layla))
        .await;
    assert!(mine.body.as_array().unwrap().iter().any(|d| d["id"] == id));
    let theirs = server
        .send(server.get("/v1/me/reminders").bearer_auth(&omar))
        .await;
    assert!(
        !theirs
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );
    let studio = server
        .send(
            server
                .get(&format!("/v1/stores/{STORE}/studio/drops"))
                .bearer_auth(&merchant),
        )
        .await;
    let listed = studio.body["drops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["drop"]["id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(listed["funnel"]["reminders"], 1);
    let stranger = server
        .send(
            server
                .get(&format!("/v1/stores/{STORE}/studio/drops"))
                .bearer_auth(&layla),
        )
        .await;
    assert_eq!(stranger.status, 403);
    // Nobody reads who asked: there is no such route.
    let list = server
        .send(
            server
                .get(&format!("/v1/drops/{id}/reminders"))
                .bearer_auth(&merchant),
        )
        .await;
    assert_eq!(list.status, 404);
    // A visit before the launch is not counted.
    let visit = server
        .send(
            server
                .post(&format!("/v1/drops/{id}/visit"))
                .bearer_auth(&noura),
        )
        .await;
    assert_eq!(visit.status, 204);
    assert_eq!(listed["funnel"]["visits"], 0);
}

async fn running_apps_hear_of_reschedules_cancellations_launches_and_sell_outs(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    // On PostgreSQL the listener is on another instance than every write.
    let other = match engine {
        Engine::Postgres => Some(server.another_instance().await),
        Engine::Sqlite => None,
    };
    let heard_on = other.as_ref().unwrap_or(&server);
    let merchant = server.demo(STORE).await;
    let (token, address) = shopper(&server, "listener").await;
    let mut listener = Listener::open(heard_on, "/v1/drops/events", &token).await;

    let (first, price, store) = option_of_store(&server, STORE, 2).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(first, "AjwaMoves", 1, 1, launch_in(3_600)),
    )
    .await;
    let moved_id = made.body["drop"]["id"].as_i64().unwrap();
    assert_eq!(
        update_of(&mut listener, moved_id).await["state"],
        "scheduled"
    );
    let moved = server
        .send(
            server
                .put(&format!(
                    "/v1/stores/{STORE}/studio/drops/{moved_id}/launch"
                ))
                .bearer_auth(&merchant)
                .json(&json!({"launch": launch_in(7_200)})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(
        update_of(&mut listener, moved_id).await["launch_at"],
        moved.body["drop"]["launch_at"]
    );
    let cancelled = server
        .send(
            server
                .post(&format!(
                    "/v1/stores/{STORE}/studio/drops/{moved_id}/cancel"
                ))
                .bearer_auth(&merchant),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(
        update_of(&mut listener, moved_id).await["state"],
        "cancelled"
    );

    let (second, _, _) = option_of_store(&server, STORE, 2).await;
    let second = if second == first {
        option_of_store(&server, STORE, 3).await.0
    } else {
        second
    };
    let _ = (first, price);
    let launching = schedule(
        &server,
        &merchant,
        &drop_body(second, "AjwaLaunch", 1, 1, launch_in(2)),
    )
    .await;
    assert_eq!(launching.status, 201, "{}", launching.body);
    let id = launching.body["drop"]["id"].as_i64().unwrap();
    assert_eq!(update_of(&mut listener, id).await["state"], "scheduled");
    let launched = update_of(&mut listener, id).await;
    assert_eq!(launched["state"], "live", "heard at the launch");
    let price = sqlx::query_as::<_, (i64,)>("SELECT price_minor FROM variants WHERE id = $1")
        .bind(second)
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap()
        .0;
    let body = order_body(
        &server,
        address,
        &[(second, price, store)],
        1,
        json!({"method": "wallet"}),
    )
    .await;
    let bought = checkout(&server, &token, &key("last-one"), &body).await;
    assert_eq!(bought.status, 200, "{}", bought.body);
    let sold = Instant::now();
    let update = update_of(&mut listener, id).await;
    assert_eq!(
        (update["state"].as_str(), update["left"].as_i64()),
        (Some("sold_out"), Some(0))
    );
    assert!(
        sold.elapsed() < Duration::from_secs(1),
        "told of the sell-out within a second"
    );
}

/// Two instances' batches of one drop each hold some of its lots (taken without waiting)
/// and each empties its own: neither sees the other's commit, yet the sell-out is told.
async fn a_sell_out_split_between_two_instances_batches_is_heard_at_once(engine: Engine) {
    const STOCK: i64 = 8;
    let server = shop(engine, |_| {}).await;
    let other = match engine {
        Engine::Postgres => Some(server.another_instance().await),
        Engine::Sqlite => None,
    };
    let instances = [&server, other.as_ref().unwrap_or(&server)];
    let merchant = server.demo(STORE).await;
    let (variant, price, store) = option_of_store(&server, STORE, STOCK).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaSplit", STOCK, 1, launch_in(2)),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["drop"]["id"].as_i64().unwrap();
    let mut shoppers = Vec::new();
    for n in 0..12 {
        shoppers.push(shopper(&server, &format!("splitter{n}")).await);
    }
    let mut listeners = Vec::new();
    for instance in instances {
        listeners.push(Listener::open(instance, "/v1/drops/events", &shoppers[0].0).await);
    }
    let mut bodies = Vec::new();
    for (_, address) in &shoppers {
        bodies.push(
            order_body(
                &server,
                *address,
                &[(variant, price, store)],
                1,
                json!({"method": "wallet"}),
            )
            .await,
        );
    }
    until_state(&server, &shoppers[0].0, id, "live").await;
    let answers = futures_util::future::join_all(shoppers.iter().zip(&bodies).enumerate().map(
        |(n, ((token, _), body))| {
            let instance = instances[n % 2];
            async move { checkout(instance, token, &key(format!("split-{n}")), body).await }
        },
    ))
    .await;
    let answered = Instant::now();
    let paid = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        paid,
        8,
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    for listener in &mut listeners {
        loop {
            let update = update_of(listener, id).await;
            if update["state"] == "sold_out" {
                break;
            }
        }
    }
    assert!(
        answered.elapsed() < Duration::from_secs(1),
        "every instance's apps told of the sell-out within a second of the last answer"
    );
}

async fn bad_drops_get_clear_errors_and_change_nothing(engine: Engine) {
    let server = shop(engine, |_| {}).await;
    let merchant = server.demo(STORE).await;
    let (variant, _, _) = option_of_store(&server, STORE, 2).await;
    let had = units(&server, variant).await;
    let (foreign, _, _) = option_of_store(&server, "qahwa_house", 1).await;
    let past = json!({"local": "2020-01-01T10:00", "time_zone": "UTC"});
    let skipped = json!({"local": "2027-03-28T02:30", "time_zone": "Europe/Berlin"});
    let nowhere = json!({"local": "2027-03-28T02:30", "time_zone": "Mars/Olympus"});
    let cases = [
        (
            drop_body(variant, "Bad1", 1, 1, past),
            422,
            "launch time has passed",
        ),
        (
            drop_body(variant, "Bad2", 1, 0, launch_in(600)),
            422,
            "limit per customer",
        ),
        (
            drop_body(variant, "Bad3", had + 1, 1, launch_in(600)),
            422,
            "in stock",
        ),
        (
            drop_body(variant, "Bad4", 0, 1, launch_in(600)),
            422,
            "at least 1",
        ),
        (
            drop_body(foreign, "Bad5", 1, 1, launch_in(600)),
            403,
            "own options",
        ),
        (
            drop_body(variant, "two words", 1, 1, launch_in(600)),
            422,
            "hashtag",
        ),
        (
            drop_body(variant, "Bad6", 1, 1, skipped),
            422,
            "does not exist",
        ),
        (
            drop_body(variant, "Bad7", 1, 1, nowhere),
            422,
            "not a time zone",
        ),
        (
            drop_body(variant, "OudRoyale", 1, 1, launch_in(600)),
            409,
            "another drop",
        ),
        (
            drop_body(987_654, "Bad8", 1, 1, launch_in(600)),
            404,
            "not found",
        ),
    ];
    for (body, status, words) in cases {
        let reply = schedule(&server, &merchant, &body).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(
            reply.body["message"].as_str().unwrap().contains(words),
            "{}",
            reply.body
        );
        assert_eq!(units(&server, variant).await, had, "nothing set aside");
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM drops WHERE hashtag LIKE 'bad%'")
        .fetch_one(&server.running.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // A launched drop cannot be rescheduled or cancelled; one option, one open drop.
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "Launched", 1, 1, launch_in(1)),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["drop"]["id"].as_i64().unwrap();
    let twice = schedule(
        &server,
        &merchant,
        &drop_body(variant, "Again", 1, 1, launch_in(600)),
    )
    .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    until_state(&server, &merchant, id, "live").await;
    let moved = server
        .send(
            server
                .put(&format!("/v1/stores/{STORE}/studio/drops/{id}/launch"))
                .bearer_auth(&merchant)
                .json(&json!({"launch": launch_in(600)})),
        )
        .await;
    assert_eq!(moved.status, 409, "{}", moved.body);
    assert!(moved.body["message"].as_str().unwrap().contains("launched"));
    let cancelled = server
        .send(
            server
                .post(&format!("/v1/stores/{STORE}/studio/drops/{id}/cancel"))
                .bearer_auth(&merchant),
        )
        .await;
    assert_eq!(cancelled.status, 409, "{}", cancelled.body);
    let layla = server.demo("layla").await;
    let late = server
        .send(
            server
                .put(&format!("/v1/drops/{id}/reminder"))
                .bearer_auth(&layla),
        )
        .await;
    assert_eq!(late.status, 409, "no reminder for a launched drop");
}

async fn an_update_stream_outlives_the_idle_timeout(engine: Engine) {
    let server = spawn_configured(engine, |config| {
        config.demo_data = true;
        config.limits.idle_timeout = Duration::from_millis(800);
    })
    .await;
    let merchant = server.demo(STORE).await;
    let mut listener = Listener::open(&server, "/v1/drops/events", &merchant).await;
    // Quiet for longer than a connection may idle between requests.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let (variant, _, _) = option_of_store(&server, STORE, 1).await;
    let made = schedule(
        &server,
        &merchant,
        &drop_body(variant, "AjwaQuiet", 1, 1, launch_in(600)),
    )
    .await;
    let id = made.body["drop"]["id"].as_i64().unwrap();
    assert_eq!(update_of(&mut listener, id).await["state"], "scheduled");
}

on_both_engines!(
    an_update_stream_outlives_the_idle_timeout,
    a_drop_is_not_sold_before_its_launch_then_sells_exactly_its_stock,
    a_drop_holds_each_shopper_to_its_limit,
    a_shopper_holds_one_card_payment_per_drop_and_for_minutes_only,
    remind_me_is_counted_for_the_store_and_listed_only_for_the_shopper,
    running_apps_hear_of_reschedules_cancellations_launches_and_sell_outs,
    a_sell_out_split_between_two_instances_batches_is_heard_at_once,
    bad_drops_get_clear_errors_and_change_nothing,
);
