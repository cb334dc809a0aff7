//! Money on the failure paths, with the failures injected into the sandbox processor:
//! a capture that fails after the card was authorized, retried with the same key or
//! never; a payout call still on its way when the housekeeping gives up on it; a payout
//! the bank keeps pending past the wait. No money is made or lost on any of them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use souq_server::base::db::now_ms;
use souq_server::payments::sandbox::Sandbox;
use souq_server::payments::{PayoutRequest, PayoutStatus};
use souq_server::wallet::withdrawals::{self, NEVER_SENT_MS, PAYOUT_WAIT_MS};
use souq_wire::Secret;

use crate::checkout::{
    SUCCEEDS, add_address, card, checkout, key, ledger_sums_are_zero, option_of, order_body,
};
use crate::on_both_engines;
use crate::support::{Engine, Reply, TestServer, spawn_configured, spawn_with_demo};
use crate::wallet::{balance, funded, home, issue_card, reveal_card, sar_in};

fn sandbox(server: &TestServer) -> &Sandbox {
    server.running.souq.payments.sandbox.as_deref().unwrap()
}

async fn top_up_by(server: &TestServer, token: &str, key: &str, amount: i64) -> Reply {
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

async fn a_capture_that_failed_credits_the_wallet_only_once_a_retry_captured_it(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let amina = server.sign_up("amina").await;
    sandbox(&server)
        .faults
        .fail_captures
        .store(1, Ordering::SeqCst);
    let failed = top_up_by(&server, &amina, &key("top"), 50_000).await;
    assert_eq!(failed.status, 503, "{}", failed.body);
    assert_eq!(
        balance(&server, &amina).await,
        0,
        "authorized is not captured"
    );
    let retried = top_up_by(&server, &amina, &key("top"), 50_000).await;
    assert_eq!(retried.body["status"], "paid", "{}", retried.body);
    let again = top_up_by(&server, &amina, &key("top"), 50_000).await;
    assert_eq!(again.body["replayed"], true, "{}", again.body);
    assert_eq!(balance(&server, &amina).await, 50_000);
    ledger_sums_are_zero(&server).await;
}

async fn a_souq_card_whose_capture_failed_pays_once_and_its_holder_once(engine: Engine) {
    let server = spawn_with_demo(engine).await;
    let amina = funded(&server, "amina", 300_000).await;
    let issued = issue_card(&server, &amina).await.body["id"]
        .as_i64()
        .unwrap();
    let details = reveal_card(&server, &amina, issued).await.body;
    let typed = json!({"method": "card", "card": {
        "number": details["number"], "exp_month": details["exp_month"],
        "exp_year": details["exp_year"], "cvc": details["cvv"]}});
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[line], 1, typed).await;
    sandbox(&server)
        .faults
        .fail_captures
        .store(1, Ordering::SeqCst);
    let failed = checkout(&server, &amina, &key("buy"), &body).await;
    assert_eq!(failed.status, 503, "{}", failed.body);
    let held = home(&server, &amina).await;
    assert_eq!(
        sar_in(&held["balances"]) + sar_in(&held["pending"]),
        300_000
    );
    let paid = checkout(&server, &amina, &key("buy"), &body).await;
    assert_eq!(paid.body["status"], "paid", "{}", paid.body);
    let total = paid.body["total"]["amount_minor"].as_i64().unwrap();
    let after = home(&server, &amina).await;
    assert_eq!(
        (sar_in(&after["balances"]), sar_in(&after["pending"])),
        (300_000 - total, 0)
    );
    ledger_sums_are_zero(&server).await;
}

async fn an_authorized_card_never_captured_gets_its_money_back_when_the_reservation_ends(
    engine: Engine,
) {
    let server = spawn_configured(engine, |config| {
        config.demo_data = true;
        config.payments.reservation = Duration::from_secs(1);
    })
    .await;
    let amina = funded(&server, "amina", 300_000).await;
    let issued = issue_card(&server, &amina).await.body["id"]
        .as_i64()
        .unwrap();
    let details = reveal_card(&server, &amina, issued).await.body;
    let typed = json!({"method": "card", "card": {
        "number": details["number"], "exp_month": details["exp_month"],
        "exp_year": details["exp_year"], "cvc": details["cvv"]}});
    let address = add_address(&server, &amina).await;
    let line = option_of(&server, "SAR", 3, 0).await;
    let body = order_body(&server, address, &[line], 1, typed).await;
    sandbox(&server)
        .faults
        .fail_captures
        .store(1, Ordering::SeqCst);
    let failed = checkout(&server, &amina, &key("buy"), &body).await;
    assert_eq!(failed.status, 503, "{}", failed.body);
    // Nobody retries: the reservation runs out, the payment is cancelled, the hold goes
    // back to the wallet, whole.
    let mut back = false;
    for _ in 0..100 {
        let now = home(&server, &amina).await;
        if sar_in(&now["balances"]) == 300_000 && sar_in(&now["pending"]) == 0 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the money came back when the reservation ended");
    let retried = checkout(&server, &amina, &key("buy"), &body).await;
    assert_eq!(retried.body["status"], "expired", "{}", retried.body);
    assert_eq!(balance(&server, &amina).await, 300_000);
    ledger_sums_are_zero(&server).await;
}

async fn withdraw(server: &TestServer, token: &str, key: &str, iban: &str) -> Reply {
    server
        .send(
            server
                .post("/v1/wallet/withdrawals")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&json!({"amount_minor": 5_000, "currency": "SAR", "iban": iban})),
        )
        .await
}

async fn a_payout_still_on_its_way_is_never_both_paid_out_and_given_back(engine: Engine) {
    let server = spawn_configured(engine, |_| {}).await;
    let amina = funded(&server, "amina", 100_000).await;
    sandbox(&server)
        .faults
        .payout_timeouts
        .store(1, Ordering::SeqCst);
    let iban = "SA0380000000608010167519";
    let sent = withdraw(&server, &amina, &key("out"), iban).await;
    assert_eq!(sent.body["status"], "pending", "{}", sent.body);
    let id = sent.body["id"].as_i64().unwrap();
    let souq = &server.running.souq;
    // Past the wait for a payout never heard of: stopped at the processor, then given
    // back, once.
    let later = now_ms() + NEVER_SENT_MS + 60_000;
    assert_eq!(
        withdrawals::settle_pending(&souq.wallet, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(balance(&server, &amina).await, 100_000);
    // The call that was still on its way arrives now: refused, nothing paid.
    let late = souq
        .payments
        .processor
        .payout(PayoutRequest {
            idempotency_key: &format!("withdrawal-{id}"),
            amount_minor: 5_000,
            currency: "SAR",
            iban: &Secret::new(iban.to_string()),
        })
        .await
        .unwrap();
    assert_eq!(late.status, PayoutStatus::Failed);
    let (paid,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sandbox_payouts WHERE status = 'paid'")
            .fetch_one(&souq.base.db.pool)
            .await
            .unwrap();
    assert_eq!(paid, 0, "the bank paid nothing");
    assert_eq!(
        withdrawals::settle_pending(&souq.wallet, later + 60_000)
            .await
            .unwrap(),
        0
    );
    assert_eq!(balance(&server, &amina).await, 100_000);
    ledger_sums_are_zero(&server).await;
}

async fn a_payout_the_bank_keeps_pending_past_the_wait_is_stopped_never_stuck(engine: Engine) {
    let server = spawn_configured(engine, |config| {
        // The slow bank takes an hour: longer than this test, as if it never ended.
        config.payments.sandbox_settle_after = Duration::from_secs(3_600);
    })
    .await;
    let amina = funded(&server, "amina", 100_000).await;
    let sent = withdraw(&server, &amina, &key("slow"), "SA4480000000608010167072").await;
    assert_eq!(sent.body["status"], "pending", "{}", sent.body);
    let souq = &server.running.souq;
    let now = now_ms();
    assert_eq!(
        withdrawals::settle_pending(&souq.wallet, now + 60_000)
            .await
            .unwrap(),
        0
    );
    assert_eq!(sar_in(&home(&server, &amina).await["pending"]), 5_000);
    let past = now + PAYOUT_WAIT_MS + 60_000;
    assert_eq!(
        withdrawals::settle_pending(&souq.wallet, past)
            .await
            .unwrap(),
        1
    );
    let after = home(&server, &amina).await;
    assert_eq!(
        (sar_in(&after["balances"]), sar_in(&after["pending"])),
        (100_000, 0)
    );
    // The bank's own clock passes later: the stopped payout is not paid.
    sqlx::query("UPDATE sandbox_payouts SET settle_at = 0")
        .execute(&souq.base.db.pool)
        .await
        .unwrap();
    sandbox(&server).settle_due().await.unwrap();
    let again = withdraw(&server, &amina, &key("slow"), "SA4480000000608010167072").await;
    assert_eq!(again.body["status"], "failed", "{}", again.body);
    assert_eq!(balance(&server, &amina).await, 100_000);
    ledger_sums_are_zero(&server).await;
}

on_both_engines!(
    a_capture_that_failed_credits_the_wallet_only_once_a_retry_captured_it,
    a_souq_card_whose_capture_failed_pays_once_and_its_holder_once,
    an_authorized_card_never_captured_gets_its_money_back_when_the_reservation_ends,
    a_payout_still_on_its_way_is_never_both_paid_out_and_given_back,
    a_payout_the_bank_keeps_pending_past_the_wait_is_stopped_never_stuck,
);
