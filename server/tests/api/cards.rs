//! The Souq card as an attacker tries it: another account topping up its own wallet
//! with a shopper's card, or paying with it without her; guessing its code, expiry or
//! number; telling one decline from another; a frozen or locked card's details; the
//! velocity limits per card, per paying account and per address; opening the card up
//! with the session alone. Each was open before the vault was fortified.

use serde_json::{Value, json};

use crate::checkout::{add_address, checkout, key, ledger_sums_are_zero, option_of, order_body};
use crate::on_both_engines;
use crate::support::{Engine, Reply, TestServer, spawn_with_demo};
use crate::wallet::{PIN, balance, funded, issue_card, reveal_card, unlock};

/// A shopper with money, the PIN set, and a card: (token, card id, its details).
async fn holder(server: &TestServer, handle: &str) -> (String, i64, Value) {
    let token = funded(server, handle, 300_000).await;
    let issued = issue_card(server, &token).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let card = issued.body["id"].as_i64().unwrap();
    let revealed = reveal_card(server, &token, card).await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    (token, card, revealed.body)
}

/// The card as typed into a payment form, with what `edit` changes.
fn typed(details: &Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut card = json!({
        "number": details["number"], "exp_month": details["exp_month"],
        "exp_year": details["exp_year"], "cvc": details["cvv"],
    });
    edit(&mut card);
    card
}

fn wrong_cvc(details: &Value) -> Value {
    typed(details, |card| {
        card["cvc"] = json!(if details["cvv"] == "000" {
            "111"
        } else {
            "000"
        });
    })
}

/// The shopper's first address, added when they have none.
async fn address_of(server: &TestServer, token: &str) -> i64 {
    let book = server
        .send(server.get("/v1/addresses").bearer_auth(token))
        .await;
    match book.body.as_array().and_then(|all| all.first()) {
        Some(first) => first["id"].as_i64().unwrap(),
        None => add_address(server, token).await,
    }
}

/// A checkout of one SAR item paid with `card`, by `token`, under `key`.
async fn pay_with(server: &TestServer, token: &str, key: &str, card: Value) -> Reply {
    let address = address_of(server, token).await;
    let line = option_of(server, "SAR", 3, 0).await;
    let body = order_body(
        server,
        address,
        &[line],
        1,
        json!({"method": "card", "card": card}),
    )
    .await;
    checkout(server, token, key, &body).await
}

async fn card_transactions(server: &TestServer, token: &str, card: i64) -> Vec<Value> {
    let listed = server
        .send(
            server
                .get(&format!("/v1/wallet/cards/{card}/transactions"))
                .bearer_auth(token),
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body.as_array().unwrap().clone()
}

async fn inbox(server: &TestServer, token: &str) -> Vec<Value> {
    let reply = server
        .send(server.get("/v1/me/notifications").bearer_auth(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["notifications"].as_array().unwrap().clone()
}

async fn set_card(server: &TestServer, token: &str, card: i64, body: Value) -> Reply {
    server
        .send(
            server
                .put(&format!("/v1/wallet/cards/{card}"))
                .bearer_auth(token)
                .json(&body),
        )
        .await
}

async fn lock_vault(server: &TestServer, token: &str) {
    let locked = server
        .send(server.delete("/v1/vault/unlock").bearer_auth(token))
        .await;
    assert_eq!(locked.status, 200, "{}", locked.body);
}

async fn another_account_cannot_top_up_its_wallet_with_a_souq_card(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, _, details) = holder(&server, "amina").await;
    let omar = server.sign_up("bilal").await;
    for (who, token) in [("omar", &omar), ("layla herself", &layla)] {
        let top_up = server
            .send(
                server
                    .post("/v1/wallet/top-ups")
                    .bearer_auth(token)
                    .header("Idempotency-Key", key(format!("steal-{who}")))
                    .json(&json!({"amount_minor": 300_000, "currency": "SAR",
                                  "card": typed(&details, |_| {})})),
            )
            .await;
        assert_eq!(
            (top_up.status, top_up.error_code()),
            (422, "validation"),
            "{who}: {}",
            top_up.body
        );
    }
    assert_eq!(
        balance(&server, &layla).await,
        300_000,
        "nothing left her wallet"
    );
    assert_eq!(balance(&server, &omar).await, 0, "nothing reached his");
    ledger_sums_are_zero(&server).await;
}

async fn a_payment_with_another_accounts_card_waits_for_its_holder_who_approves_it_with_the_pin(
    engine: Engine,
) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    let omar = server.sign_up("bilal").await;
    let asked = pay_with(&server, &omar, &key("omar-1"), typed(&details, |_| {})).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.body["status"], "requires_action");
    assert_eq!(asked.body["next_action"]["kind"], "cardholder_approval");
    let checkout_id = asked.body["id"].as_i64().unwrap();
    let total = asked.body["total"]["amount_minor"].as_i64().unwrap();
    // The payer cannot answer the holder's step for her.
    let payment = asked.body["next_action"]["payment_id"].as_str().unwrap();
    let himself = server
        .send(
            server
                .post(&format!("/v1/sandbox/payments/{payment}/challenge"))
                .bearer_auth(&omar)
                .json(&json!({"approve": true})),
        )
        .await;
    assert_eq!(himself.status, 409, "{}", himself.body);
    assert_eq!(balance(&server, &layla).await, 300_000, "nothing moved yet");

    // Layla sees the attempt and who made it, and is asked in her inbox.
    let waiting = card_transactions(&server, &layla, card).await;
    assert_eq!(waiting[0]["status"], "awaiting_approval", "{waiting:?}");
    assert_eq!(waiting[0]["payer"], "@bilal");
    assert!(waiting[0]["approval_until"].is_string());
    let asked_her = inbox(&server, &layla).await;
    assert_eq!(asked_her[0]["kind"], "card_approval", "{asked_her:?}");
    assert_eq!(asked_her[0]["card"]["status"], "awaiting_approval");
    assert_eq!(asked_her[0]["money"]["amount_minor"], total);
    let transaction = waiting[0]["id"].as_i64().unwrap();
    let answer = |token: String, approve: bool| {
        let server = &server;
        async move {
            server
                .send(
                    server
                        .post(&format!(
                            "/v1/wallet/cards/{card}/transactions/{transaction}/answer"
                        ))
                        .bearer_auth(token)
                        .json(&json!({"approve": approve})),
                )
                .await
        }
    };
    // Nobody else answers for her, and she approves only with the vault unlocked.
    assert_eq!(answer(omar.clone(), true).await.status, 404);
    lock_vault(&server, &layla).await;
    let locked = answer(layla.clone(), true).await;
    assert_eq!((locked.status, locked.error_code()), (403, "pin_required"));
    assert_eq!(unlock(&server, &layla, PIN).await.status, 200);
    let approved = answer(layla.clone(), true).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let paid = server
        .send(
            server
                .post(&format!("/v1/checkouts/{checkout_id}/refresh"))
                .bearer_auth(&omar),
        )
        .await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
    assert_eq!(balance(&server, &layla).await, 300_000 - total);
    // Asked again, the same answer: nothing moves twice.
    assert_eq!(answer(layla.clone(), true).await.status, 200);
    assert_eq!(balance(&server, &layla).await, 300_000 - total);

    // A second attempt she declines: his checkout fails, her money stays.
    let again = pay_with(&server, &omar, &key("omar-2"), typed(&details, |_| {})).await;
    assert_eq!(again.body["status"], "requires_action", "{}", again.body);
    let second = card_transactions(&server, &layla, card).await[0]["id"]
        .as_i64()
        .unwrap();
    let declined = server
        .send(
            server
                .post(&format!(
                    "/v1/wallet/cards/{card}/transactions/{second}/answer"
                ))
                .bearer_auth(&layla)
                .json(&json!({"approve": false})),
        )
        .await;
    assert_eq!(declined.body["status"], "declined", "{}", declined.body);
    let failed = server
        .send(
            server
                .post(&format!("/v1/checkouts/{}/refresh", again.body["id"]))
                .bearer_auth(&omar),
        )
        .await;
    assert_eq!(failed.body["status"], "failed", "{}", failed.body);
    assert_eq!(failed.body["failure_code"], "card_declined");
    assert_eq!(balance(&server, &layla).await, 300_000 - total);
    ledger_sums_are_zero(&server).await;
}

async fn every_decline_answers_a_stranger_the_same_whatever_the_reason(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    let omar = server.sign_up("bilal").await;
    let unknown = typed(&details, |card| {
        card["number"] = json!("4000056655665556");
    });
    let late = typed(&details, |card| {
        card["exp_year"] = json!(details["exp_year"].as_i64().unwrap() + 1);
    });
    let mut answers = Vec::new();
    for (n, tried) in [unknown, wrong_cvc(&details), late].into_iter().enumerate() {
        let reply = pay_with(&server, &omar, &key(format!("probe-{n}")), tried).await;
        answers.push((reply.status, reply.body));
    }
    // Frozen, the card answers him the same again.
    let frozen = set_card(
        &server,
        &layla,
        card,
        json!({"frozen": true, "per_purchase_limit_minor": 200_000, "monthly_limit_minor": 1_000_000}),
    )
    .await;
    assert_eq!(frozen.status, 200, "{}", frozen.body);
    let reply = pay_with(
        &server,
        &omar,
        &key("probe-frozen"),
        typed(&details, |_| {}),
    )
    .await;
    answers.push((reply.status, reply.body));
    let (first_status, first_body) = answers[0].clone();
    assert_eq!(first_status, 402, "{first_body}");
    for (status, body) in &answers {
        assert_eq!(
            (*status, body),
            (first_status, &first_body),
            "one answer for all"
        );
    }
    // Layla, the holder, sees each reason in her card's activity.
    let reasons: Vec<String> = card_transactions(&server, &layla, card)
        .await
        .iter()
        .map(|t| t["reason"].as_str().unwrap_or("-").to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "the card is frozen",
            "the card has expired",
            "the security code is wrong"
        ]
    );
}

async fn three_wrong_codes_lock_the_card_its_holder_is_told_and_only_her_pin_opens_it(
    engine: Engine,
) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    let omar = server.sign_up("bilal").await;
    for n in 0..3 {
        let guess = pay_with(
            &server,
            &omar,
            &key(format!("guess-{n}")),
            wrong_cvc(&details),
        )
        .await;
        assert_eq!(guess.status, 402, "{}", guess.body);
    }
    // The right code now finds the card locked: no approval is even asked.
    let right = pay_with(&server, &omar, &key("guess-right"), typed(&details, |_| {})).await;
    assert_eq!(right.status, 402, "{}", right.body);
    let cards = server
        .send(server.get("/v1/wallet/cards").bearer_auth(&layla))
        .await;
    assert_eq!(cards.body[0]["locked"], true, "{}", cards.body);
    let told = inbox(&server, &layla).await;
    assert_eq!(told[0]["kind"], "card_locked", "{told:?}");
    assert_eq!(told[0]["actor"]["handle"], "bilal");
    assert_eq!(told[0]["card"]["card_id"], card);
    // Even Layla's own payment waits until she opens the card, with her PIN.
    let own = pay_with(&server, &layla, &key("own-locked"), typed(&details, |_| {})).await;
    assert_eq!(own.status, 402, "{}", own.body);
    lock_vault(&server, &layla).await;
    let open = json!({"frozen": false, "per_purchase_limit_minor": 200_000,
                      "monthly_limit_minor": 1_000_000});
    let without_pin = set_card(&server, &layla, card, open.clone()).await;
    assert_eq!(
        (without_pin.status, without_pin.error_code()),
        (403, "pin_required")
    );
    assert_eq!(unlock(&server, &layla, PIN).await.status, 200);
    let opened = set_card(&server, &layla, card, open).await;
    assert_eq!(opened.body["locked"], false, "{}", opened.body);
    let paid = pay_with(&server, &layla, &key("own-open"), typed(&details, |_| {})).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
}

async fn a_frozen_card_is_refused_before_its_details_are_checked(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    let limits = |frozen: bool| {
        json!({"frozen": frozen, "per_purchase_limit_minor": 200_000,
               "monthly_limit_minor": 1_000_000})
    };
    set_card(&server, &layla, card, limits(true)).await;
    // Wrong codes at a frozen card are not even counted: none of them is checked.
    for n in 0..4 {
        let guess = pay_with(
            &server,
            &layla,
            &key(format!("frozen-{n}")),
            wrong_cvc(&details),
        )
        .await;
        assert_eq!(guess.status, 402, "{}", guess.body);
        assert_eq!(
            guess.body["message"], "the card is frozen",
            "her own: the reason"
        );
    }
    assert_eq!(unlock(&server, &layla, PIN).await.status, 200);
    let thawed = set_card(&server, &layla, card, limits(false)).await;
    assert_eq!(thawed.body["locked"], false, "{}", thawed.body);
    let paid = pay_with(&server, &layla, &key("thawed"), typed(&details, |_| {})).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
}

async fn tries_on_cards_not_ones_own_are_limited_per_account_and_per_address(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    let omar = server.sign_up("bilal").await;
    // Five unknown numbers an hour from one account; the sixth try, with Layla's right
    // details, is declined without asking her.
    for n in 0..5 {
        let number = format!("40000500000000{n:02}");
        let unknown = typed(&details, |card| card["number"] = json!(number));
        let reply = pay_with(&server, &omar, &key(format!("omar-{n}")), unknown).await;
        assert_eq!(reply.status, 402, "{}", reply.body);
    }
    let sixth = pay_with(&server, &omar, &key("omar-right"), typed(&details, |_| {})).await;
    assert_eq!(sixth.status, 402, "{}", sixth.body);
    let kept = card_transactions(&server, &layla, card).await;
    assert_eq!(
        kept[0]["reason"], "too many tries; try again later",
        "{kept:?}"
    );
    assert_eq!(kept[0]["payer"], "@bilal");

    // Ten from one address, whatever the accounts: an eleventh account from it is
    // declined at once, while the same account from elsewhere is asked of Layla.
    for n in 0..5 {
        let other = server.sign_up(&format!("spray{n}")).await;
        let number = format!("40000511111111{n:02}");
        let unknown = typed(&details, |card| card["number"] = json!(number));
        pay_with(&server, &other, &key(format!("spray-{n}")), unknown).await;
    }
    let fresh = server.sign_up("fresh").await;
    let same_address = pay_with(&server, &fresh, &key("fresh-here"), typed(&details, |_| {})).await;
    assert_eq!(same_address.status, 402, "{}", same_address.body);
    let elsewhere = server.client_from(77);
    let address = add_address(&server, &fresh).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(
        &server,
        address,
        &[line],
        1,
        json!({"method": "card", "card": typed(&details, |_| {})}),
    )
    .await;
    let from_elsewhere = server
        .send(
            elsewhere
                .post(format!("{}/v1/checkouts", server.url))
                .bearer_auth(&fresh)
                .header("Idempotency-Key", key("fresh-elsewhere"))
                .json(&body),
        )
        .await;
    assert_eq!(
        from_elsewhere.body["status"], "requires_action",
        "{}",
        from_elsewhere.body
    );
    assert_eq!(balance(&server, &layla).await, 300_000);
}

async fn one_card_is_tried_at_most_twenty_times_an_hour_even_by_its_holder(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, details) = holder(&server, "amina").await;
    // A limit that declines every purchase: each try counts, none pays.
    let tight = json!({"frozen": false, "per_purchase_limit_minor": 1, "monthly_limit_minor": 1});
    assert_eq!(set_card(&server, &layla, card, tight).await.status, 200);
    for n in 0..20 {
        let reply = pay_with(
            &server,
            &layla,
            &key(format!("try-{n}")),
            typed(&details, |_| {}),
        )
        .await;
        assert_eq!(
            reply.body["message"], "over the card's limit",
            "{}",
            reply.body
        );
    }
    let past = pay_with(&server, &layla, &key("try-past"), typed(&details, |_| {})).await;
    assert_eq!(
        past.body["message"], "the card was tried too often; try again later",
        "{}",
        past.body
    );
}

async fn unfreezing_a_card_or_raising_its_limits_asks_for_the_pin(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let (layla, card, _) = holder(&server, "amina").await;
    lock_vault(&server, &layla).await;
    let set = |frozen: bool, per: i64, month: i64| json!({"frozen": frozen, "per_purchase_limit_minor": per, "monthly_limit_minor": month});
    // Closing the card up is free.
    let frozen = set_card(&server, &layla, card, set(true, 100_000, 500_000)).await;
    assert_eq!(frozen.status, 200, "{}", frozen.body);
    for opening in [
        set(false, 100_000, 500_000),
        set(true, 150_000, 500_000),
        set(true, 100_000, 900_000),
    ] {
        let asked = set_card(&server, &layla, card, opening).await;
        assert_eq!((asked.status, asked.error_code()), (403, "pin_required"));
    }
    assert_eq!(unlock(&server, &layla, PIN).await.status, 200);
    let opened = set_card(&server, &layla, card, set(false, 150_000, 900_000)).await;
    assert_eq!(
        (
            opened.body["frozen"].clone(),
            opened.body["per_purchase_limit_minor"].clone()
        ),
        (json!(false), json!(150_000)),
        "{}",
        opened.body
    );
}

async fn new_cards_have_nine_random_digits_and_no_predictable_expiry(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let mut expiries = std::collections::HashSet::new();
    for n in 0..6 {
        let (_, _, details) = holder(&server, &format!("holder{n}")).await;
        let number = details["number"].as_str().unwrap();
        assert!(
            number.starts_with("400005") && number.len() == 16,
            "{number}"
        );
        expiries.insert((details["exp_month"].clone(), details["exp_year"].clone()));
    }
    assert!(
        expiries.len() > 1,
        "cards issued together expire apart: {expiries:?}"
    );
}

on_both_engines!(
    another_account_cannot_top_up_its_wallet_with_a_souq_card,
    a_payment_with_another_accounts_card_waits_for_its_holder_who_approves_it_with_the_pin,
    every_decline_answers_a_stranger_the_same_whatever_the_reason,
    three_wrong_codes_lock_the_card_its_holder_is_told_and_only_her_pin_opens_it,
    a_frozen_card_is_refused_before_its_details_are_checked,
    tries_on_cards_not_ones_own_are_limited_per_account_and_per_address,
    one_card_is_tried_at_most_twenty_times_an_hour_even_by_its_holder,
    unfreezing_a_card_or_raising_its_limits_asks_for_the_pin,
    new_cards_have_nine_random_digits_and_no_predictable_expiry,
);
