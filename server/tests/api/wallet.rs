//! The wallet beyond top-ups: sends and requests between people, their limits under
//! concurrency, the PIN vault and its lock, savings and their daily interest, donations,
//! the activity and the spending chart; and the bank test: a burst of transfers among a
//! few accounts keeps the total, in every read of all balances at once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use souq_server::wallet::savings;

use crate::checkout::{DECLINED, SECOND_STEP, SUCCEEDS, card, key, ledger_sums_are_zero, top_up};
use crate::on_both_engines;
use crate::support::{
    Engine, Listener, Reply, TestServer, spawn, spawn_configured, spawn_with_demo,
};

pub const PIN: &str = "482913";

pub async fn set_pin(server: &TestServer, token: &str) {
    let reply = server
        .send(
            server
                .put("/v1/vault/pin")
                .bearer_auth(token)
                .json(&json!({"pin": PIN})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body["unlocked_until"].is_string(), "{}", reply.body);
}

pub async fn unlock(server: &TestServer, token: &str, pin: &str) -> Reply {
    server
        .send(
            server
                .post("/v1/vault/unlock")
                .bearer_auth(token)
                .json(&json!({"pin": pin})),
        )
        .await
}

async fn send(server: &TestServer, token: &str, key: &str, body: Value) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/sends")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body),
        )
        .await
}

pub async fn home(server: &TestServer, token: &str) -> Value {
    let reply = server
        .send(server.get("/v1/wallet/home").bearer_auth(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

pub fn sar_in(list: &Value) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["currency"] == "SAR")
        .map_or(0, |m| m["amount_minor"].as_i64().unwrap())
}

pub async fn balance(server: &TestServer, token: &str) -> i64 {
    sar_in(&home(server, token).await["balances"])
}

/// A shopper with `amount` SAR in the wallet and the PIN set (so unlocked).
pub async fn funded(server: &TestServer, handle: &str, amount: i64) -> String {
    let token = server.sign_up(handle).await;
    if amount > 0 {
        let topped = top_up(server, &token, &key(format!("{handle}-top")), amount).await;
        assert_eq!(topped.status, 200, "{}", topped.body);
    }
    set_pin(server, &token).await;
    token
}

async fn activity(server: &TestServer, token: &str, query: &str) -> Value {
    let reply = server
        .send(
            server
                .get(&format!("/v1/wallet/activity{query}"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

async fn a_send_moves_money_once_per_key_and_both_sides_see_it(engine: Engine) {
    let server = spawn(engine).await;
    let amina = funded(&server, "amina", 100_000).await;
    let bilal = server.sign_up("bilal").await;
    let body = json!({"to": "@Bilal", "amount_minor": 2_500, "currency": "SAR", "note": "lunch"});
    let sent = send(&server, &amina, &key(1), body.clone()).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["replayed"], false);
    assert_eq!(sent.body["to"]["handle"], "bilal");
    assert_eq!(balance(&server, &amina).await, 97_500);
    assert_eq!(balance(&server, &bilal).await, 2_500);

    // A retry of the same send answers the first and moves nothing.
    let again = send(&server, &amina, &key(1), body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["replayed"], true);
    assert_eq!(again.body["transfer_id"], sent.body["transfer_id"]);
    assert_eq!(balance(&server, &amina).await, 97_500);
    // The same key for another send is refused.
    let reused = send(
        &server,
        &amina,
        &key(1),
        json!({"to": "bilal", "amount_minor": 9, "currency": "SAR"}),
    )
    .await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(balance(&server, &bilal).await, 2_500);

    let mine = activity(&server, &amina, "?kind=sent").await;
    assert_eq!(mine["entries"][0]["amount"]["amount_minor"], -2_500);
    assert_eq!(mine["entries"][0]["note"], "lunch");
    assert_eq!(
        mine["entries"][0]["counterpart"]["author"]["handle"],
        "bilal"
    );
    let theirs = activity(&server, &bilal, "").await;
    assert_eq!(theirs["entries"][0]["kind"], "received");
    assert_eq!(theirs["entries"][0]["amount"]["amount_minor"], 2_500);
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&bilal))
        .await;
    let first = &inbox.body["notifications"][0];
    assert_eq!(first["kind"], "money_received", "{}", inbox.body);
    assert_eq!(first["money"]["amount_minor"], 2_500);
    assert_eq!(first["note"], "lunch");
}

async fn bad_sends_get_clear_errors_and_move_nothing(engine: Engine) {
    let server = spawn(engine).await;
    let amina = server.sign_up("amina").await;
    top_up(&server, &amina, &key("top"), 10_000).await;
    server.sign_up("bilal").await;
    let to_bilal = |amount: i64| json!({"to": "bilal", "amount_minor": amount, "currency": "SAR"});

    // No PIN yet: the send asks for one.
    let locked = send(&server, &amina, &key(1), to_bilal(100)).await;
    assert_eq!((locked.status, locked.error_code()), (403, "pin_required"));
    set_pin(&server, &amina).await;

    let cases = [
        (
            json!({"to": "amina", "amount_minor": 100, "currency": "SAR"}),
            422,
            "validation",
        ),
        (
            json!({"to": "nobody_here", "amount_minor": 100, "currency": "SAR"}),
            404,
            "not_found",
        ),
        (to_bilal(0), 422, "validation"),
        (to_bilal(-100), 422, "validation"),
        (
            json!({"to": "bilal", "amount_minor": 100, "currency": "riyal"}),
            422,
            "validation",
        ),
        (to_bilal(500_001), 422, "limit_exceeded"),
        (to_bilal(10_001), 422, "insufficient_funds"),
        (
            json!({"to": "bilal", "amount_minor": 1, "currency": "SAR", "note": "x".repeat(141)}),
            422,
            "validation",
        ),
    ];
    for (n, (body, status, code)) in cases.into_iter().enumerate() {
        let reply = send(&server, &amina, &key(10 + n), body.clone()).await;
        assert_eq!((reply.status, reply.error_code()), (status, code), "{body}");
    }
    let missing_key = server
        .send(
            server
                .post("/v1/wallet/sends")
                .bearer_auth(&amina)
                .json(&to_bilal(1)),
        )
        .await;
    assert_eq!(missing_key.status, 422);
    assert_eq!(balance(&server, &amina).await, 10_000);
}

async fn wrong_pins_are_counted_by_the_server_and_five_lock_the_vault(engine: Engine) {
    let server = spawn(engine).await;
    let token = server.sign_up("amina").await;
    // Guesses anyone tries first are refused as PINs.
    let weak = server
        .send(
            server
                .put("/v1/vault/pin")
                .bearer_auth(&token)
                .json(&json!({"pin": "123456"})),
        )
        .await;
    assert_eq!(weak.status, 422);
    let no_pin = unlock(&server, &token, PIN).await;
    assert_eq!(no_pin.status, 409, "{}", no_pin.body);
    set_pin(&server, &token).await;
    for left in (1..5).rev() {
        let wrong = unlock(&server, &token, "000111").await;
        assert_eq!((wrong.status, wrong.error_code()), (403, "wrong_pin"));
        assert!(
            wrong.body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} tries left")),
            "{}",
            wrong.body
        );
    }
    let fifth = unlock(&server, &token, "000111").await;
    assert_eq!((fifth.status, fifth.error_code()), (423, "pin_locked"));
    assert!(fifth.headers.contains_key("retry-after"));
    // Locked: even the right PIN is not taken now, and the state says until when.
    let right = unlock(&server, &token, PIN).await;
    assert_eq!(right.status, 423, "{}", right.body);
    let vault = server
        .send(server.get("/v1/vault").bearer_auth(&token))
        .await;
    assert!(vault.body["locked_until"].is_string(), "{}", vault.body);
    assert_eq!(vault.body["tries_left"], 0);
    // Changing the PIN needs the current one, which the lock also refuses.
    let change = server
        .send(
            server
                .put("/v1/vault/pin")
                .bearer_auth(&token)
                .json(&json!({"pin": "271828", "current_pin": PIN})),
        )
        .await;
    assert_eq!(change.status, 423, "{}", change.body);
}

async fn device_unlock(server: &TestServer, token: &str, key: &str) -> Reply {
    server
        .send(
            server
                .post("/v1/vault/device-unlock")
                .bearer_auth(token)
                .json(&json!({"key": key})),
        )
        .await
}

async fn a_device_key_unlocks_only_its_session_and_a_wrong_one_counts_as_a_wrong_pin(
    engine: Engine,
) {
    let server = spawn(engine).await;
    let phone = server.sign_up("amina").await;
    set_pin(&server, &phone).await;
    let made = server
        .send(
            server
                .post("/v1/vault/device-key")
                .bearer_auth(&phone)
                .json(&json!({})),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let key = made.body["key"].as_str().unwrap().to_string();
    let locked = server
        .send(server.delete("/v1/vault/unlock").bearer_auth(&phone))
        .await;
    assert_eq!(locked.body["device_key"], true, "{}", locked.body);
    assert!(locked.body["unlocked_until"].is_null());
    // The phone's biometrics give the key back: the session is unlocked as by the PIN.
    let opened = device_unlock(&server, &phone, &key).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.body["unlocked_until"].is_string(), "{}", opened.body);

    // Another session cannot use it, and makes none of its own without the PIN.
    let laptop = server
        .sign_in("amina@example.com", "correct horse")
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let stolen = device_unlock(&server, &laptop, &key).await;
    assert_eq!((stolen.status, stolen.error_code()), (403, "wrong_pin"));
    assert!(
        stolen.body["message"]
            .as_str()
            .unwrap()
            .contains("4 tries left")
    );
    let own = server
        .send(
            server
                .post("/v1/vault/device-key")
                .bearer_auth(&laptop)
                .json(&json!({})),
        )
        .await;
    assert_eq!((own.status, own.error_code()), (403, "pin_required"));

    // A new PIN forgets every key.
    let changed = server
        .send(
            server
                .put("/v1/vault/pin")
                .bearer_auth(&phone)
                .json(&json!({"pin": "271828", "current_pin": PIN})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["device_key"], false);
    // Wrong keys take the tries wrong PINs take, and five lock even the right PIN out.
    let mut last = device_unlock(&server, &phone, &key).await;
    for _ in 0..4 {
        assert_eq!(last.error_code(), "wrong_pin", "{}", last.body);
        last = device_unlock(&server, &phone, &key).await;
    }
    assert_eq!((last.status, last.error_code()), (423, "pin_locked"));
    let right = unlock(&server, &phone, "271828").await;
    assert_eq!(right.status, 423, "{}", right.body);
}

async fn guesses_sent_at_once_cannot_outrun_the_count(engine: Engine) {
    let server = Arc::new(spawn(engine).await);
    let token = server.sign_up("amina").await;
    set_pin(&server, &token).await;
    let guesses: Vec<_> = (0..12)
        .map(|n| {
            let server = Arc::clone(&server);
            let token = token.clone();
            tokio::spawn(
                async move { unlock(&server, &token, &format!("{:06}", 100_000 + n)).await },
            )
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        let reply = guess.await.unwrap();
        match reply.status {
            403 => checked += 1,
            // The fifth wrong one locks; later ones were never checked.
            423 => {}
            other => panic!("a wrong guess answered {other}: {}", reply.body),
        }
    }
    assert!(
        checked <= 4,
        "{checked} wrong guesses were checked before the lock"
    );
    assert_eq!(unlock(&server, &token, PIN).await.status, 423);
}

async fn two_sends_racing_for_the_last_funds_exactly_one_succeeds(engine: Engine) {
    let server = Arc::new(spawn(engine).await);
    let amina = funded(&server, "amina", 1_000).await;
    server.sign_up("bilal").await;
    server.sign_up("chadi").await;
    let racers: Vec<_> = ["bilal", "chadi"]
        .into_iter()
        .enumerate()
        .map(|(n, to)| {
            let server = Arc::clone(&server);
            let amina = amina.clone();
            tokio::spawn(async move {
                send(
                    &server,
                    &amina,
                    &key(n),
                    json!({"to": to, "amount_minor": 1_000, "currency": "SAR"}),
                )
                .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        let reply = racer.await.unwrap();
        if reply.status != 200 {
            assert_eq!(reply.error_code(), "insufficient_funds", "{}", reply.body);
        }
        statuses.push(reply.status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
    assert_eq!(balance(&server, &amina).await, 0);
}

async fn retries_racing_their_first_try_make_the_send_once(engine: Engine) {
    let server = Arc::new(spawn(engine).await);
    let amina = funded(&server, "amina", 10_000).await;
    let bilal = server.sign_up("bilal").await;
    // The same send eight times at once, as a retrying app may: they arrive together,
    // and the sender makes one and answers the rest as its replays.
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let server = Arc::clone(&server);
            let amina = amina.clone();
            tokio::spawn(async move {
                send(
                    &server,
                    &amina,
                    &key(7),
                    json!({"to": "bilal", "amount_minor": 700, "currency": "SAR"}),
                )
                .await
            })
        })
        .collect();
    let mut transfers = Vec::new();
    let mut made = 0;
    for t in tries {
        let reply = t.await.unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        if reply.body["replayed"] == false {
            made += 1;
        }
        transfers.push(reply.body["transfer_id"].clone());
    }
    assert_eq!(made, 1, "one try made the send, the others answered it");
    transfers.dedup();
    assert_eq!(transfers.len(), 1, "every try names the same transfer");
    assert_eq!(balance(&server, &amina).await, 9_300);
    assert_eq!(balance(&server, &bilal).await, 700);
}

async fn money_news_reaches_the_open_apps_of_whom_it_is_for_and_nobody_else(engine: Engine) {
    let server = spawn(engine).await;
    // On PostgreSQL the streams are on another instance than every write.
    let other = match engine {
        Engine::Postgres => Some(server.another_instance().await),
        Engine::Sqlite => None,
    };
    let heard_on = other.as_ref().unwrap_or(&server);
    let amina = funded(&server, "amina", 10_000).await;
    let bilal = server.sign_up("bilal").await;
    let chadi = server.sign_up("chadi").await;
    let mut amina_hears = Listener::open(heard_on, "/v1/me/events", &amina).await;
    let mut bilal_hears = Listener::open(heard_on, "/v1/me/events", &bilal).await;
    let mut chadi_hears = Listener::open(heard_on, "/v1/me/events", &chadi).await;

    let sent = send(
        &server,
        &amina,
        &key(1),
        json!({"to": "bilal", "amount_minor": 300, "currency": "SAR"}),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(bilal_hears.next().await.0, "inbox");
    let asked = ask(
        &server,
        &amina,
        &key(2),
        json!({"from": "bilal", "amount_minor": 100, "currency": "SAR"}),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(bilal_hears.next().await.0, "inbox");
    let declined = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{}/decline", asked.body["id"]))
                .bearer_auth(&bilal),
        )
        .await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert_eq!(amina_hears.next().await.0, "inbox");
    // The news said what the inbox now holds.
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&bilal))
        .await;
    assert_eq!(inbox.body["notifications"][0]["kind"], "money_requested");
    assert_eq!(inbox.body["notifications"][1]["kind"], "money_received");
    assert!(
        chadi_hears.quiet_for(Duration::from_millis(500)).await,
        "chadi was sent nothing and hears nothing"
    );
    assert!(
        amina_hears.quiet_for(Duration::from_millis(100)).await,
        "the sender hears nothing of her own send"
    );
}

async fn the_daily_limit_holds_exactly_under_concurrent_sends(engine: Engine) {
    let server = Arc::new(
        spawn_configured(engine, |config| {
            // 3.00 SAR a day, 2.00 a send.
            config.wallet.daily_limit_major = 3;
            config.wallet.send_limit_major = 2;
        })
        .await,
    );
    let amina = funded(&server, "amina", 10_000).await;
    server.sign_up("bilal").await;
    let sends: Vec<_> = (0..8)
        .map(|n| {
            let server = Arc::clone(&server);
            let amina = amina.clone();
            tokio::spawn(async move {
                send(
                    &server,
                    &amina,
                    &key(n),
                    json!({"to": "bilal", "amount_minor": 100, "currency": "SAR"}),
                )
                .await
            })
        })
        .collect();
    let mut passed = 0;
    for s in sends {
        let reply = s.await.unwrap();
        match reply.status {
            200 => passed += 1,
            _ => assert_eq!(reply.error_code(), "limit_exceeded", "{}", reply.body),
        }
    }
    assert_eq!(passed, 3, "exactly the day's 3.00 in 1.00 sends");
    assert_eq!(balance(&server, &amina).await, 9_700);
    let limits = &home(&server, &amina).await["limits"][0];
    assert_eq!(limits["sent_today_minor"], 300);
    let over = send(
        &server,
        &amina,
        &key(99),
        json!({"to": "bilal", "amount_minor": 201, "currency": "SAR"}),
    )
    .await;
    assert_eq!(over.error_code(), "limit_exceeded");
}

async fn ask(server: &TestServer, token: &str, key: &str, body: Value) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/requests")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&body),
        )
        .await
}

async fn a_request_is_paid_once_however_often_accepted(engine: Engine) {
    let server = Arc::new(spawn(engine).await);
    let amina = funded(&server, "amina", 10_000).await;
    let bilal = server.sign_up("bilal").await;
    let body =
        json!({"from": "amina", "amount_minor": 4_000, "currency": "SAR", "note": "tickets"});
    let asked = ask(&server, &bilal, &key(1), body.clone()).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.body["status"], "open");
    let id = asked.body["id"].as_i64().unwrap();
    // A retry asks once.
    let again = ask(&server, &bilal, &key(1), body).await;
    assert_eq!(again.body["id"], id);
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&amina))
        .await;
    let notice = &inbox.body["notifications"][0];
    assert_eq!(notice["kind"], "money_requested", "{}", inbox.body);
    assert_eq!(notice["money_request_id"], id);
    assert_eq!(home(&server, &amina).await["requests_waiting"], 1);

    // Only the person asked may pay it.
    let by_requester = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{id}/accept"))
                .bearer_auth(&bilal),
        )
        .await;
    assert_eq!(by_requester.status, 403);
    let accepts: Vec<_> = (0..4)
        .map(|_| {
            let server = Arc::clone(&server);
            let amina = amina.clone();
            tokio::spawn(async move {
                server
                    .send(
                        server
                            .post(&format!("/v1/wallet/requests/{id}/accept"))
                            .bearer_auth(&amina),
                    )
                    .await
            })
        })
        .collect();
    for accept in accepts {
        let reply = accept.await.unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["status"], "paid");
    }
    assert_eq!(balance(&server, &amina).await, 6_000);
    assert_eq!(balance(&server, &bilal).await, 4_000);
    let decline = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{id}/decline"))
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(decline.status, 409);

    // Another is declined, and the one who asked hears of it; a third is cancelled.
    let second = ask(
        &server,
        &bilal,
        &key(2),
        json!({"from": "amina", "amount_minor": 100, "currency": "SAR"}),
    )
    .await;
    let second = second.body["id"].as_i64().unwrap();
    let declined = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{second}/decline"))
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(declined.body["status"], "declined", "{}", declined.body);
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&bilal))
        .await;
    let kinds: Vec<&str> = inbox.body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"request_declined"), "{kinds:?}");
    assert!(kinds.contains(&"money_received"), "{kinds:?}");
    let third = ask(
        &server,
        &bilal,
        &key(3),
        json!({"from": "amina", "amount_minor": 100, "currency": "SAR"}),
    )
    .await;
    let third = third.body["id"].as_i64().unwrap();
    let cancelled = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{third}/cancel"))
                .bearer_auth(&bilal),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    let paying_cancelled = server
        .send(
            server
                .post(&format!("/v1/wallet/requests/{third}/accept"))
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(paying_cancelled.status, 409);
    let lists = server
        .send(server.get("/v1/wallet/requests").bearer_auth(&amina))
        .await;
    assert_eq!(lists.body["incoming"].as_array().unwrap().len(), 3);
    assert_eq!(balance(&server, &amina).await, 6_000);
}

/// The bank test: four people send each other money in a burst while readers sum all
/// four wallets in one statement; every read, and the end, sums to what was put in.
async fn a_burst_of_sends_among_a_few_people_conserves_the_total(engine: Engine) {
    let server = Arc::new(spawn(engine).await);
    let names = ["amina", "bilal", "chadi", "dunya"];
    let mut tokens = Vec::new();
    for name in names {
        tokens.push(funded(&server, name, 5_000).await);
    }
    let total = 4 * 5_000;
    let tokens = Arc::new(tokens);
    let senders: Vec<_> = (0..48)
        .map(|n: usize| {
            let server = Arc::clone(&server);
            let tokens = Arc::clone(&tokens);
            tokio::spawn(async move {
                let from = n % 4;
                let to = (n / 4 + from + 1) % 4;
                let to = if to == from { (to + 1) % 4 } else { to };
                let amount = 700 + i64::try_from(n).unwrap() * 37;
                send(
                    &server,
                    &tokens[from],
                    &key(format!("burst-{n}")),
                    json!({"to": names[to], "amount_minor": amount, "currency": "SAR"}),
                )
                .await
                .status
            })
        })
        .collect();
    let reader = {
        let server = Arc::clone(&server);
        tokio::spawn(async move {
            let mut reads = Vec::new();
            for _ in 0..30 {
                let (sum,): (Option<i64>,) = sqlx::query_as(
                    "SELECT CAST(SUM(credits_posted - debits_posted) AS BIGINT)
                     FROM ledger_accounts WHERE kind = 1 AND currency = 'SAR'",
                )
                .fetch_one(&server.running.souq.base.db.durable)
                .await
                .unwrap();
                reads.push(sum.unwrap_or(0));
                tokio::task::yield_now().await;
            }
            reads
        })
    };
    let mut ok = 0;
    for s in senders {
        match s.await.unwrap() {
            200 => ok += 1,
            422 => {}
            other => panic!("a send answered {other}"),
        }
    }
    assert!(ok > 0, "no send went through");
    for read in reader.await.unwrap() {
        assert_eq!(read, total, "a read of all balances saw money made or lost");
    }
    let mut end = 0;
    for token in tokens.iter() {
        end += balance(&server, token).await;
    }
    assert_eq!(end, total);
    for (currency, posted, pending) in souq_server::ledger::sums(&server.running.souq.base.db)
        .await
        .unwrap()
    {
        assert_eq!((posted, pending), (0, 0), "{currency}");
    }
}

async fn savings_earn_interest_once_a_day_however_often_the_job_runs(engine: Engine) {
    let server = spawn(engine).await;
    let amina = funded(&server, "amina", 1_000_000).await;
    let moved = server
        .send(
            server
                .post("/v1/wallet/savings")
                .bearer_auth(&amina)
                .header("Idempotency-Key", key(1))
                .json(&json!({"direction": "in", "amount_minor": 1_000_000, "currency": "SAR"})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(sar_in(&moved.body["savings"]), 1_000_000);
    assert_eq!(sar_in(&moved.body["balances"]), 0);
    // Moving out more than savings hold is refused.
    let too_much = server
        .send(
            server
                .post("/v1/wallet/savings")
                .bearer_auth(&amina)
                .header("Idempotency-Key", key(2))
                .json(&json!({"direction": "out", "amount_minor": 1_000_001, "currency": "SAR"})),
        )
        .await;
    assert_eq!(too_much.error_code(), "insufficient_funds");

    // The job runs the next day, twice at once and again after: one day is paid once.
    let tomorrow = souq_server::base::db::now_ms() + 24 * 60 * 60 * 1000 + 10 * 60 * 1000;
    let db = &server.running.souq.base.db;
    let (a, b) = tokio::join!(
        savings::post_interest(db, 400, tomorrow),
        savings::post_interest(db, 400, tomorrow)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one day, paid by one run");
    assert_eq!(savings::post_interest(db, 400, tomorrow).await.unwrap(), 0);
    // 10,000.00 at 4% for a day: 1.09 (the rest of 1.0959 is carried to the next day).
    assert_eq!(sar_in(&home(&server, &amina).await["savings"]), 1_000_109);
    let interest = activity(&server, &amina, "?kind=interest").await;
    assert_eq!(interest["entries"].as_array().unwrap().len(), 1);
    assert_eq!(interest["entries"][0]["amount"]["amount_minor"], 109);
    assert_eq!(interest["entries"][0]["counterpart"]["kind"], "souq");
    let into = activity(&server, &amina, "?kind=to_savings").await;
    assert_eq!(into["entries"][0]["amount"]["amount_minor"], -1_000_000);
}

async fn donate(server: &TestServer, token: &str, handle: &str, key: &str, amount: i64) -> Reply {
    server
        .send(
            server
                .post(&format!("/v1/stores/{handle}/donations"))
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(
                    &json!({"amount_minor": amount, "currency": "SAR", "note": "for the school"}),
                ),
        )
        .await
}

async fn a_donation_reaches_the_nonprofit_whole_with_a_receipt(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let amina = server.sign_up("amina").await;
    top_up(&server, &amina, &key("top"), 500_000).await;
    let given = donate(&server, &amina, "hope_bridge", &key(1), 5_000).await;
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!(given.body["nonprofit"]["kind"], "nonprofit");
    let again = donate(&server, &amina, "hope_bridge", &key(1), 5_000).await;
    assert_eq!(again.body["replayed"], true);
    assert_eq!(balance(&server, &amina).await, 495_000);
    // Large gifts ask for the PIN.
    let large = donate(&server, &amina, "hope_bridge", &key(2), 200_000).await;
    assert_eq!((large.status, large.error_code()), (403, "pin_required"));
    // A store that is not a verified nonprofit takes none.
    let store = donate(&server, &amina, "dar_al_oud", &key(3), 100).await;
    assert_eq!(store.status, 403, "{}", store.body);

    let receipt = activity(&server, &amina, "?kind=donation").await;
    let entry = &receipt["entries"][0];
    assert_eq!(entry["amount"]["amount_minor"], -5_000);
    assert_eq!(entry["note"], "for the school");
    assert_eq!(entry["counterpart"]["author"]["kind"], "nonprofit");
    let id = entry["id"].as_str().unwrap();
    let detail = server
        .send(
            server
                .get(&format!("/v1/wallet/activity/{id}"))
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(detail.body["id"], id, "{}", detail.body);

    // The nonprofit receives all of it (no fee) and sees it.
    let hope = server.demo("hope_bridge").await;
    let seen = server
        .send(
            server
                .get("/v1/stores/hope_bridge/studio/donations")
                .bearer_auth(&hope),
        )
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["donations"][0]["amount"]["amount_minor"], 5_000);
    assert_eq!(seen.body["totals"][0]["amount_minor"], 5_000);
    let not_theirs = server
        .send(
            server
                .get("/v1/stores/hope_bridge/studio/donations")
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(not_theirs.status, 403);
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&hope))
        .await;
    assert_eq!(inbox.body["notifications"][0]["kind"], "donation");
}

async fn give_by_card(
    server: &TestServer,
    token: &str,
    to: &str,
    key: &str,
    number: &str,
) -> Reply {
    server
        .send(
            server
                .post(&format!("/v1/stores/{to}/donations/card"))
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(
                    &json!({"amount_minor": 7_500, "currency": "SAR", "note": "for the books",
                              "card": card(number)}),
                ),
        )
        .await
}

/// What hope_bridge received in all, as its owner sees it.
async fn received(server: &TestServer, hope: &str) -> Value {
    server
        .send(
            server
                .get("/v1/stores/hope_bridge/studio/donations")
                .bearer_auth(hope),
        )
        .await
        .body
}

async fn a_gift_by_card_reaches_the_nonprofit_once_and_a_declined_card_gives_nothing(
    engine: Engine,
) {
    let server = spawn_with_demo(engine).await;
    let amina = server.sign_up("amina").await;
    let hope = server.demo("hope_bridge").await;
    let given = give_by_card(&server, &amina, "hope_bridge", &key(1), SUCCEEDS).await;
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!(
        (&given.body["status"], &given.body["method"]),
        (&json!("paid"), &json!("card"))
    );
    let again = give_by_card(&server, &amina, "hope_bridge", &key(1), SUCCEEDS).await;
    assert_eq!(again.body["replayed"], true, "{}", again.body);
    // The card's money came in and went on: the wallet holds what it did.
    assert_eq!(balance(&server, &amina).await, 0);
    let gifts = activity(&server, &amina, "?kind=donation").await;
    assert_eq!(gifts["entries"].as_array().unwrap().len(), 1, "{gifts}");
    assert_eq!(gifts["entries"][0]["amount"]["amount_minor"], -7_500);
    assert_eq!(gifts["entries"][0]["note"], "for the books");
    let from_card = activity(&server, &amina, "?kind=top_up").await;
    assert_eq!(from_card["entries"][0]["amount"]["amount_minor"], 7_500);
    assert_eq!(from_card["entries"][0]["counterpart"]["last4"], "4242");
    let seen = received(&server, &hope).await;
    assert_eq!(
        seen["totals"][0]["amount_minor"], 7_500,
        "all of it, no fee"
    );
    assert_eq!(seen["donations"][0]["note"], "for the books");
    let inbox = server
        .send(server.get("/v1/me/notifications").bearer_auth(&hope))
        .await;
    assert_eq!(inbox.body["notifications"][0]["kind"], "donation");

    // Declined: an error, and nothing given.
    let declined = give_by_card(&server, &amina, "hope_bridge", &key(2), DECLINED).await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    // A second step: nothing until it is answered, then the gift.
    let waiting = give_by_card(&server, &amina, "hope_bridge", &key(3), SECOND_STEP).await;
    assert_eq!(
        waiting.body["status"], "requires_action",
        "{}",
        waiting.body
    );
    assert_eq!(
        received(&server, &hope).await["totals"][0]["amount_minor"],
        7_500
    );
    let payment = waiting.body["next_action"]["payment_id"].as_str().unwrap();
    let done = server
        .send(
            server
                .post(&format!("/v1/sandbox/payments/{payment}/challenge"))
                .bearer_auth(&amina)
                .json(&json!({"approve": true})),
        )
        .await;
    assert_eq!(done.body["status"], "paid", "{}", done.body);
    assert_eq!(
        received(&server, &hope).await["totals"][0]["amount_minor"],
        15_000
    );
    // Only verified nonprofits, and never one's own.
    let store = give_by_card(&server, &amina, "dar_al_oud", &key(4), SUCCEEDS).await;
    assert_eq!(store.status, 403, "{}", store.body);
    let own = give_by_card(&server, &hope, "hope_bridge", &key(5), SUCCEEDS).await;
    assert_eq!(own.status, 422, "{}", own.body);
    assert_eq!(balance(&server, &amina).await, 0);
    ledger_sums_are_zero(&server).await;
}

async fn activity_filters_by_kind_searches_by_counterpart_and_pages(engine: Engine) {
    let server = spawn(engine).await;
    let amina = funded(&server, "amina", 100_000).await;
    server.sign_up("bilal").await;
    server.sign_up("chadi").await;
    for n in 0..5 {
        let to = if n % 2 == 0 { "bilal" } else { "chadi" };
        let reply = send(
            &server,
            &amina,
            &key(n),
            json!({"to": to, "amount_minor": 100 + n, "currency": "SAR"}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let bilal = activity(&server, &amina, "?q=BIL").await;
    assert_eq!(bilal["entries"].as_array().unwrap().len(), 3);
    let wild = activity(&server, &amina, "?q=%25").await;
    assert_eq!(wild["entries"].as_array().unwrap().len(), 0);
    let top_ups = activity(&server, &amina, "?kind=top_up").await;
    assert_eq!(top_ups["entries"].as_array().unwrap().len(), 1);
    assert_eq!(top_ups["entries"][0]["counterpart"]["last4"], "4242");
    let bad = server
        .send(
            server
                .get("/v1/wallet/activity?kind=bogus")
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(bad.status, 422);

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_string();
    loop {
        let page = activity(&server, &amina, &query).await;
        for e in page["entries"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&before={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert_eq!(unique.len(), 6);

    let spending = server
        .send(
            server
                .get("/v1/wallet/spending?time_zone=Asia/Riyadh&months=3")
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(spending.status, 200, "{}", spending.body);
    let months = spending.body["months"].as_array().unwrap();
    assert_eq!(months.len(), 3);
    let now = &months[2]["slices"][0];
    assert_eq!(now["category"], "people");
    assert_eq!(now["amount_minor"], 100 + 101 + 102 + 103 + 104);
    let bad_zone = server
        .send(
            server
                .get("/v1/wallet/spending?time_zone=Mars/Olympus")
                .bearer_auth(&amina),
        )
        .await;
    assert_eq!(bad_zone.status, 422);
}

async fn withdraw(server: &TestServer, token: &str, key: &str, amount: i64, iban: &str) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/withdrawals")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&json!({"amount_minor": amount, "currency": "SAR", "iban": iban})),
        )
        .await
}

async fn a_withdrawal_is_held_then_paid_or_given_back_once(engine: Engine) {
    let server = spawn_configured(engine, |config| {
        config.payments.sandbox_settle_after = std::time::Duration::from_millis(1);
    })
    .await;
    let amina = funded(&server, "amina", 100_000).await;
    let paid = withdraw(
        &server,
        &amina,
        &key(1),
        10_000,
        "SA03 8000 0000 6080 1016 7519",
    )
    .await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    assert_eq!(paid.body["bank_last4"], "7519");
    let again = withdraw(&server, &amina, &key(1), 10_000, "SA0380000000608010167519").await;
    assert_eq!(again.body["replayed"], true);
    assert_eq!(balance(&server, &amina).await, 90_000);

    let bad = withdraw(&server, &amina, &key(2), 10_000, "SA0380000000608010167518").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let refused = withdraw(&server, &amina, &key(3), 10_000, "SA3880000000608010160002").await;
    assert_eq!(refused.body["status"], "failed", "{}", refused.body);
    assert!(refused.body["failure"].as_str().unwrap().contains("closed"));
    assert_eq!(balance(&server, &amina).await, 90_000);

    // A slow bank: held (shown as pending) until the payout is paid, looked at again by
    // the housekeeping of any instance.
    let slow = withdraw(&server, &amina, &key(4), 5_000, "SA4480000000608010167072").await;
    assert_eq!(slow.body["status"], "pending", "{}", slow.body);
    let waiting = home(&server, &amina).await;
    assert_eq!(sar_in(&waiting["balances"]), 85_000);
    assert_eq!(sar_in(&waiting["pending"]), 5_000);
    let pending = activity(&server, &amina, "?kind=withdrawal").await;
    assert_eq!(pending["entries"][0]["pending"], true);
    let souq = &server.running.souq;
    souq.payments
        .sandbox
        .as_ref()
        .unwrap()
        .settle_due()
        .await
        .unwrap();
    let later = souq_server::base::db::now_ms() + 60_000;
    let settled = souq_server::wallet::withdrawals::settle_pending(&souq.wallet, later)
        .await
        .unwrap();
    assert_eq!(settled, 1);
    assert_eq!(
        souq_server::wallet::withdrawals::settle_pending(&souq.wallet, later + 60_000)
            .await
            .unwrap(),
        0
    );
    let done = activity(&server, &amina, "?kind=withdrawal").await;
    assert_eq!(done["entries"][0]["pending"], false);
    assert_eq!(done["entries"].as_array().unwrap().len(), 2, "{done}");
    assert_eq!(sar_in(&home(&server, &amina).await["pending"]), 0);
    assert_eq!(balance(&server, &amina).await, 85_000);
    for (currency, posted, pending) in souq_server::ledger::sums(&souq.base.db).await.unwrap() {
        assert_eq!((posted, pending), (0, 0), "{currency}");
    }
}

async fn a_withdrawal_the_processor_never_heard_of_is_given_back_once_surely_not_sent(
    engine: Engine,
) {
    let server = spawn(engine).await;
    let amina = funded(&server, "amina", 100_000).await;
    // A slow bank's payout, held; then the processor forgets it, as if the request for
    // it had never reached it (a crash between the hold and the call).
    let slow = withdraw(&server, &amina, &key(1), 5_000, "SA4480000000608010167072").await;
    assert_eq!(slow.body["status"], "pending", "{}", slow.body);
    let souq = &server.running.souq;
    let forgot = sqlx::query("DELETE FROM sandbox_payouts")
        .execute(&souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(forgot.rows_affected(), 1);
    let settle = |at: i64| souq_server::wallet::withdrawals::settle_pending(&souq.wallet, at);
    let now = souq_server::base::db::now_ms();
    // Not yet surely lost: the money stays held.
    assert_eq!(settle(now + 60_000).await.unwrap(), 0);
    assert_eq!(sar_in(&home(&server, &amina).await["pending"]), 5_000);
    // Past the wait, it is given back, once.
    assert_eq!(settle(now + 10 * 60_000).await.unwrap(), 1);
    assert_eq!(settle(now + 20 * 60_000).await.unwrap(), 0);
    let after = home(&server, &amina).await;
    assert_eq!(sar_in(&after["pending"]), 0);
    assert_eq!(sar_in(&after["balances"]), 100_000);
    // Its retry answers it as it ended.
    let asked = withdraw(&server, &amina, &key(1), 5_000, "SA4480000000608010167072").await;
    assert_eq!(asked.body["replayed"], true, "{}", asked.body);
    assert_eq!(asked.body["status"], "failed", "{}", asked.body);
    assert!(asked.body["failure"].is_string(), "{}", asked.body);
    for (currency, posted, pending) in souq_server::ledger::sums(&souq.base.db).await.unwrap() {
        assert_eq!((posted, pending), (0, 0), "{currency}");
    }
}

/// Orders a SAR debit card for the person.
pub async fn issue_card(server: &TestServer, token: &str) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/cards")
                .bearer_auth(token)
                .json(&json!({"currency": "SAR"})),
        )
        .await
}

/// Asks to see a card's number and code.
pub async fn reveal_card(server: &TestServer, token: &str, card: i64) -> Reply {
    server
        .send(
            server
                .post(&format!("/v1/wallet/cards/{card}/reveal"))
                .bearer_auth(token),
        )
        .await
}

async fn the_debit_card_pays_from_the_wallet_within_its_limits(engine: Engine) {
    use crate::checkout::{add_address, checkout, option_of, order_body};
    let server = spawn_with_demo(engine).await;
    let amina = funded(&server, "amina", 500_000).await;
    let issued = issue_card(&server, &amina).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let card = issued.body["id"].as_i64().unwrap();
    assert!(issued.body["masked"].as_str().unwrap().starts_with("•••• "));
    let twice = issue_card(&server, &amina).await;
    assert_eq!(twice.status, 409);

    // Revealed only with the vault unlocked.
    server
        .send(server.delete("/v1/vault/unlock").bearer_auth(&amina))
        .await;
    let locked = reveal_card(&server, &amina, card).await;
    assert_eq!((locked.status, locked.error_code()), (403, "pin_required"));
    assert_eq!(unlock(&server, &amina, PIN).await.status, 200);
    let revealed = reveal_card(&server, &amina, card).await;
    let number = revealed.body["number"].as_str().unwrap().to_string();
    assert!(
        number.starts_with("400005") && number.len() == 16,
        "{number}"
    );
    assert_eq!(revealed.body["cvv"].as_str().unwrap().len(), 3);
    let bilal = server.sign_up("bilal").await;
    let others = reveal_card(&server, &bilal, card).await;
    assert_eq!(others.status, 404);

    // A checkout paid by the card draws from the wallet.
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(
        &server,
        address,
        &[line],
        1,
        json!({"method": "souq_card", "card_id": card}),
    )
    .await;
    let paid = checkout(&server, &amina, &key("card-1"), &body).await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert_eq!(paid.body["status"], "paid");
    let total = paid.body["total"]["amount_minor"].as_i64().unwrap();
    assert_eq!(balance(&server, &amina).await, 500_000 - total);
    let spent = activity(&server, &amina, "?kind=card").await;
    assert_eq!(spent["entries"][0]["amount"]["amount_minor"], -total);
    assert_eq!(spent["entries"][0]["pending"], false);

    // Frozen, it is declined; so is a purchase over its limit.
    let set = |frozen: bool, per: i64| json!({"frozen": frozen, "per_purchase_limit_minor": per, "monthly_limit_minor": 1_000_000});
    let frozen = server
        .send(
            server
                .put(&format!("/v1/wallet/cards/{card}"))
                .bearer_auth(&amina)
                .json(&set(true, 200_000)),
        )
        .await;
    assert_eq!(frozen.body["frozen"], true, "{}", frozen.body);
    let declined = checkout(&server, &amina, &key("card-2"), &body).await;
    assert_eq!(
        (declined.status, declined.error_code()),
        (402, "payment_declined")
    );
    server
        .send(
            server
                .put(&format!("/v1/wallet/cards/{card}"))
                .bearer_auth(&amina)
                .json(&set(false, 1)),
        )
        .await;
    let over = checkout(&server, &amina, &key("card-3"), &body).await;
    assert_eq!(over.status, 402, "{}", over.body);
    let bad_limits = server
        .send(
            server
                .put(&format!("/v1/wallet/cards/{card}"))
                .bearer_auth(&amina)
                .json(&json!({"frozen": false, "per_purchase_limit_minor": 9, "monthly_limit_minor": 5})),
        )
        .await;
    assert_eq!(bad_limits.status, 422);
    assert_eq!(balance(&server, &amina).await, 500_000 - total);

    let listed = server
        .send(
            server
                .get(&format!("/v1/wallet/cards/{card}/transactions"))
                .bearer_auth(&amina),
        )
        .await;
    let statuses: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["declined", "declined", "posted"],
        "{}",
        listed.body
    );
    let cards = server
        .send(server.get("/v1/wallet/cards").bearer_auth(&amina))
        .await;
    assert_eq!(cards.body[0]["spent_this_month_minor"], total);
    for (currency, posted, pending) in souq_server::ledger::sums(&server.running.souq.base.db)
        .await
        .unwrap()
    {
        assert_eq!((posted, pending), (0, 0), "{currency}");
    }
}

async fn the_debit_card_typed_with_a_wrong_code_expiry_or_currency_is_declined_and_moves_nothing(
    engine: Engine,
) {
    use crate::checkout::{add_address, checkout, option_of, order_body};
    let server = spawn_with_demo(engine).await;
    let amina = funded(&server, "amina", 500_000).await;
    let issued = issue_card(&server, &amina).await;
    let card = issued.body["id"].as_i64().unwrap();
    let revealed = reveal_card(&server, &amina, card).await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    let details = |cvc: &str, exp_year: i64| {
        json!({
            "method": "card",
            "card": {
                "number": revealed.body["number"], "exp_month": revealed.body["exp_month"],
                "exp_year": exp_year, "cvc": cvc
            }
        })
    };
    let exp_year = revealed.body["exp_year"].as_i64().unwrap();
    let cvv = revealed.body["cvv"].as_str().unwrap().to_string();
    let wrong_cvv = if cvv == "000" { "111" } else { "000" };
    // Typed into a checkout as any card is, the Souq card answers for itself.
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let mut paid = None;
    for (n, (payment, declined)) in [
        (details(wrong_cvv, exp_year), true),
        (details(&cvv, exp_year + 1), true),
        (details(&cvv, exp_year), false),
    ]
    .into_iter()
    .enumerate()
    {
        let body = order_body(&server, address, std::slice::from_ref(&line), 1, payment).await;
        let answer = checkout(&server, &amina, &key(format!("typed-{n}")), &body).await;
        if declined {
            assert_eq!(
                (answer.status, answer.error_code()),
                (402, "payment_declined"),
                "{}",
                answer.body
            );
            assert_eq!(balance(&server, &amina).await, 500_000, "nothing moved");
        } else {
            assert_eq!(answer.status, 200, "{}", answer.body);
            assert_eq!(answer.body["status"], "paid");
            paid = answer.body["total"]["amount_minor"].as_i64();
        }
    }
    let total = paid.unwrap();
    assert_eq!(balance(&server, &amina).await, 500_000 - total);
    // A SAR card at a checkout in dollars: declined, nothing moves.
    let dollars = option_of(&server, "USD", 3, 0).await;
    let body = order_body(
        &server,
        address,
        std::slice::from_ref(&dollars),
        1,
        details(&cvv, exp_year),
    )
    .await;
    let answer = checkout(&server, &amina, &key("typed-usd"), &body).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (402, "payment_declined"),
        "{}",
        answer.body
    );
    assert_eq!(
        balance(&server, &amina).await,
        500_000 - total,
        "nothing moved"
    );
    let listed = server
        .send(
            server
                .get(&format!("/v1/wallet/cards/{card}/transactions"))
                .bearer_auth(&amina),
        )
        .await;
    let reasons: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["reason"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        reasons,
        [
            "the card pays in another currency",
            "-",
            "the card has expired",
            "the security code is wrong"
        ],
        "newest first: {}",
        listed.body
    );
}

async fn paying_more_than_the_threshold_from_the_wallet_asks_for_the_pin(engine: Engine) {
    use crate::checkout::{add_address, checkout, option_of, order_body};
    let server = spawn_configured(engine, |config| {
        config.demo_data = true;
        // Anything over 1.00 asks.
        config.wallet.pin_above_major = 1;
    })
    .await;
    let amina = server.sign_up("amina").await;
    top_up(&server, &amina, &key("top"), 500_000).await;
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[line], 1, json!({"method": "wallet"})).await;
    let asked = checkout(&server, &amina, &key(1), &body).await;
    assert_eq!((asked.status, asked.error_code()), (403, "pin_required"));
    assert_eq!(balance(&server, &amina).await, 500_000);
    set_pin(&server, &amina).await;
    let paid = checkout(&server, &amina, &key(1), &body).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
}

on_both_engines!(
    a_send_moves_money_once_per_key_and_both_sides_see_it,
    bad_sends_get_clear_errors_and_move_nothing,
    wrong_pins_are_counted_by_the_server_and_five_lock_the_vault,
    a_device_key_unlocks_only_its_session_and_a_wrong_one_counts_as_a_wrong_pin,
    guesses_sent_at_once_cannot_outrun_the_count,
    two_sends_racing_for_the_last_funds_exactly_one_succeeds,
    retries_racing_their_first_try_make_the_send_once,
    money_news_reaches_the_open_apps_of_whom_it_is_for_and_nobody_else,
    the_daily_limit_holds_exactly_under_concurrent_sends,
    a_request_is_paid_once_however_often_accepted,
    a_burst_of_sends_among_a_few_people_conserves_the_total,
    savings_earn_interest_once_a_day_however_often_the_job_runs,
    a_donation_reaches_the_nonprofit_whole_with_a_receipt,
    a_gift_by_card_reaches_the_nonprofit_once_and_a_declined_card_gives_nothing,
    activity_filters_by_kind_searches_by_counterpart_and_pages,
    a_withdrawal_is_held_then_paid_or_given_back_once,
    a_withdrawal_the_processor_never_heard_of_is_given_back_once_surely_not_sent,
    the_debit_card_pays_from_the_wallet_within_its_limits,
    the_debit_card_typed_with_a_wrong_code_expiry_or_currency_is_declined_and_moves_nothing,
    paying_more_than_the_threshold_from_the_wallet_asks_for_the_pin,
);
