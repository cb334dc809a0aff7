//! The wallet on the real app: a shopper tops up, sends money to another demo shopper
//! (the PIN is set on first use) and both balances change; asks them for money, which
//! they pay from their inbox's request; gives to the demo nonprofit from its post and
//! finds the receipt in the activity; orders the virtual card and reveals it only after
//! the PIN. Money sent to the person in the app reaches them as an OS notification
//! (through the real D-Bus notification daemon), also news that came while they were
//! away, and a click opens the wallet. Then, in Arabic at a phone's width, the wallet's
//! tabs, a send, a gift by card, and a request the other pays.

use std::net::SocketAddr;
use std::time::Duration;

use souq_e2e::proxy::Proxy;
use souq_e2e::{App, Harness};

use crate::checkout::{sign_in, sign_out, top_up, type_test_card};
use crate::{arabic_on_a_phone, fits_the_screen};

const PIN: &str = "482913";

async fn open_wallet(app: &App) {
    app.click(".nav-item[data-screen='wallet']").await;
    app.wait_for(".wallet-tabs").await;
}

async fn tab(app: &App, name: &str) {
    app.click(&format!(".wallet-tab-{name}")).await;
}

/// The SAR balance the wallet shows, in minor units, once it shows one.
/// The wallet, reached as a phone reaches it: through Me.
async fn phone_wallet(app: &App) {
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='wallet']").await;
    app.wait_for(".wallet-tabs").await;
}

/// Signs out at a phone's width, where Settings is an entry of Me.
async fn phone_sign_out(app: &App) {
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='settings']").await;
    app.click(".sign-out").await;
    app.wait_for("#email").await;
}

/// What the server holds in a person's SAR wallet, in minor units.
async fn wallet_minor(pool: &sqlx::AnyPool, handle: &str) -> i64 {
    let (sar,): (i64,) = sqlx::query_as(
        "SELECT a.credits_posted - a.debits_posted FROM ledger_accounts a
         JOIN users u ON u.id = a.owner_id
         WHERE u.handle = $1 AND a.kind = 1 AND a.currency = 'SAR'",
    )
    .bind(handle)
    .fetch_one(pool)
    .await
    .unwrap();
    sar
}

async fn sar_balance(app: &App) -> i64 {
    app.wait_for(".balance-group.main .balance[data-currency='SAR']")
        .await;
    let text = app
        .eval(
            "return document.querySelector(\".balance-group.main .balance[data-currency='SAR']\")
                 .textContent.replace(/[^0-9]/g, '');",
        )
        .await;
    text.as_str()
        .and_then(|digits| digits.parse().ok())
        .expect("a SAR balance")
}

/// Omar, on his own phone: signs in, opens his vault (the PIN he chose in the app)
/// and sends Layla `amount_minor` SAR with a note.
async fn omar_sends_layla(server: SocketAddr, amount_minor: i64) {
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{server}{path}");
    let session: serde_json::Value = http
        .post(url("/v1/sessions"))
        .json(&serde_json::json!({"email": "omar@demo.souq.example", "password": "souq-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().expect("a session token");
    let unlocked = http
        .post(url("/v1/vault/unlock"))
        .bearer_auth(token)
        .json(&serde_json::json!({"pin": PIN}))
        .send()
        .await
        .unwrap();
    assert!(unlocked.status().is_success(), "{}", unlocked.status());
    let sent = http
        .post(url("/v1/wallet/sends"))
        .bearer_auth(token)
        .header("Idempotency-Key", "e2e-omar-sends-layla-0001")
        .json(&serde_json::json!({
            "to": "@layla", "amount_minor": amount_minor, "currency": "SAR", "note": "thanks"
        }))
        .send()
        .await
        .unwrap();
    assert!(
        sent.status().is_success(),
        "{}",
        sent.text().await.unwrap_or_default()
    );
}

/// Answers the PIN prompt: the first time with the PIN twice, later once.
async fn give_pin(app: &App) {
    app.wait_for(".pin-prompt .pin-input").await;
    app.type_into(".pin-prompt .pin-input", PIN).await;
    if app.count(".pin-prompt .pin-again").await > 0 {
        app.type_into(".pin-prompt .pin-again", PIN).await;
    }
    app.screenshot("wallet-pin").await;
    app.click(".pin-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoppers_send_request_and_give_money_and_the_card_shows_after_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let server = souq_server::start(souq_server::Config {
        demo_data: true,
        ..souq_server::Config::new(
            souq_server::DatabaseConfig::Sqlite(dir.path().join("souq.db")),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    })
    .await
    .unwrap();
    let proxy = Proxy::start(server.addr).await;
    let harness = Harness::start_remote(&proxy.url());
    let app = harness.launch().await;

    // Layla tops up and sends Omar 25.00; her first send asks her to choose a PIN.
    sign_in(&app, "layla@demo.souq.example").await;
    top_up(&app, "500").await;
    assert_eq!(sar_balance(&app).await, 50_000);
    tab(&app, "send").await;
    app.type_into(".send-money .money-who", "@omar").await;
    app.type_into(".send-money .amount", "25").await;
    app.type_into(".send-money .money-note", "for the coffee")
        .await;
    app.click(".do-send").await;
    give_pin(&app).await;
    app.wait_for(".send-money .money-done").await;
    app.wait_until(
        "document.querySelector(\".balance-group.main .balance[data-currency='SAR']\")
             ?.textContent.replace(/[^0-9]/g, '') === '47500'",
        "Layla's balance is 475.00",
    )
    .await;
    // And asks him for 10.00 back.
    app.type_into(".request-money .money-who", "omar").await;
    app.type_into(".request-money .amount", "10").await;
    app.click(".do-request").await;
    app.wait_for(".request-money .money-done").await;
    app.wait_for(".requests-outgoing .money-request[data-status='open']")
        .await;
    app.screenshot("wallet-send").await;
    sign_out(&app).await;

    // Omar has the 25.00, hears of the request, and pays it (choosing his own PIN).
    sign_in(&app, "omar@demo.souq.example").await;
    app.click(".nav-item[data-screen='notifications']").await;
    app.wait_for(".notification[data-kind='moneyrequested']")
        .await;
    app.wait_for(".notification[data-kind='moneyreceived']")
        .await;
    app.screenshot("wallet-inbox").await;
    app.click(".notification[data-kind='moneyrequested'] .notification-open")
        .await;
    app.wait_for(".wallet-tabs").await;
    assert_eq!(sar_balance(&app).await, 2_500);
    app.wait_for(".requests-incoming .pay-request").await;
    app.click(".requests-incoming .pay-request").await;
    give_pin(&app).await;
    app.wait_until(
        "document.querySelector(\".balance-group.main .balance[data-currency='SAR']\")
             ?.textContent.replace(/[^0-9]/g, '') === '1500'",
        "Omar's balance is 15.00 after paying",
    )
    .await;
    app.wait_until(
        "document.querySelectorAll(\".activity-entry[data-kind='sent']\").length === 1 &&
         document.querySelectorAll(\".activity-entry[data-kind='received']\").length === 1",
        "Omar's activity shows what he received and what he paid",
    )
    .await;
    app.screenshot("wallet-overview").await;
    sign_out(&app).await;

    // Layla got the 10.00 back; she gives 50.00 to the demo nonprofit from its post.
    sign_in(&app, "layla@demo.souq.example").await;
    // Back, the OS tells her of the 10.00 Omar paid while she was away.
    let (_, paid, line) = harness.notification_with("sent you", Duration::from_secs(15));
    assert!(
        line.contains("Omar Farouk") && line.contains("10.00"),
        "{line}"
    );
    open_wallet(&app).await;
    assert_eq!(sar_balance(&app).await, 48_500);
    // And, while she is in the app, of 5.00 he sends from his phone; a click on the
    // notification opens her wallet.
    omar_sends_layla(server.addr, 500).await;
    let (_, sent, line) = harness.notification_with("SAR 5.00", Duration::from_secs(10));
    assert_ne!(sent, paid);
    assert!(
        line.contains("Omar Farouk sent you") && line.contains("thanks"),
        "{line}"
    );
    app.click(".nav-item[data-screen='home']").await;
    app.wait_for(".post").await;
    harness.click_notification(sent);
    app.wait_for(".wallet-tabs").await;
    assert_eq!(sar_balance(&app).await, 49_000);
    let (post,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id
         WHERE u.handle = 'hope_bridge' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&server.souq.base.db.pool)
    .await
    .unwrap();
    harness.open_link(&format!("souq://post/{post}"));
    app.wait_for(".post .donate-button").await;
    app.click(".post .donate-button").await;
    app.wait_for(".donate-dialog").await;
    app.screenshot("donate").await;
    app.click(".donate-dialog .give").await;
    app.wait_for(".donate-done").await;
    app.click(".close-donate").await;
    open_wallet(&app).await;
    assert_eq!(sar_balance(&app).await, 44_000);
    app.wait_for(".activity-entry[data-kind='donation']").await;
    app.click(".activity-entry[data-kind='donation'] .activity-line")
        .await;
    app.wait_for(".activity-detail .transfer-id").await;
    app.screenshot("wallet-receipt").await;

    // The card: ordered, shown masked, revealed only after the PIN.
    tab(&app, "card").await;
    app.click(".issue-card-button").await;
    app.wait_for(".debit-card").await;
    let masked = app
        .eval("return document.querySelector('.debit-card-number').textContent;")
        .await;
    assert!(
        masked.as_str().is_some_and(|m| m.starts_with("•••• ")),
        "{masked}"
    );
    // Signed in anew, this session was never unlocked: revealing asks for the PIN.
    assert_eq!(app.count(".lock-vault").await, 0);
    app.click(".reveal-card").await;
    give_pin(&app).await;
    app.wait_until(
        "/^4000 05\\d\\d \\d{4} \\d{4}$/.test(document.querySelector('.debit-card-number').textContent)",
        "the card's number is shown",
    )
    .await;
    app.screenshot("wallet-card").await;

    // In Arabic at a phone's width, each tab fits and the chart runs right to left.
    arabic_on_a_phone(&app).await;
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='wallet']").await;
    app.wait_for(".spending-bars").await;
    fits_the_screen(&app, "wallet-ar-phone").await;
    for name in ["send", "savings", "card", "top-up"] {
        tab(&app, name).await;
        fits_the_screen(&app, &format!("wallet-{name}-ar-phone")).await;
    }
    // There, in Arabic, she sends Omar 10.00 (the PIN she just gave still holds) ...
    tab(&app, "send").await;
    app.type_into(".send-money .money-who", "@omar").await;
    app.type_into(".send-money .amount", "10").await;
    app.click(".do-send").await;
    app.wait_for(".send-money .money-done").await;
    assert_eq!(
        wallet_minor(&server.souq.base.db.pool, "layla").await,
        43_000
    );
    // ... and gives 50.00 to the nonprofit by card: the card pays, the wallet keeps
    // what it had, and the thanks are in Arabic.
    harness.open_link(&format!("souq://post/{post}"));
    app.wait_for(".post .donate-button").await;
    app.click(".post .donate-button").await;
    app.click(".donate-dialog .give-card input").await;
    type_test_card(&app).await;
    fits_the_screen(&app, "donate-card-ar-phone").await;
    app.click(".donate-dialog .give").await;
    app.wait_for(".donate-done").await;
    let thanks = app
        .eval("return document.querySelector('.donate-done').textContent;")
        .await;
    assert!(
        thanks
            .as_str()
            .is_some_and(|t| t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))),
        "{thanks}"
    );
    let (by_card,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM donations WHERE method = 'card'",
    )
    .fetch_one(&server.souq.base.db.pool)
    .await
    .unwrap();
    assert_eq!(by_card, 5_000);
    assert_eq!(
        wallet_minor(&server.souq.base.db.pool, "layla").await,
        43_000
    );
    app.click(".close-donate").await;

    // Still in Arabic on the phone: she asks Omar for 5.00, and he pays it from his
    // wallet (a new session, so his PIN first).
    phone_wallet(&app).await;
    tab(&app, "send").await;
    app.type_into(".request-money .money-who", "omar").await;
    app.type_into(".request-money .amount", "5").await;
    app.click(".do-request").await;
    app.wait_for(".request-money .money-done").await;
    phone_sign_out(&app).await;
    sign_in(&app, "omar@demo.souq.example").await;
    phone_wallet(&app).await;
    app.wait_for(".requests-incoming .pay-request").await;
    fits_the_screen(&app, "wallet-request-ar-phone").await;
    app.click(".requests-incoming .pay-request").await;
    give_pin(&app).await;
    app.wait_until(
        "!document.querySelector('.requests-incoming .pay-request')",
        "Omar's open request is paid",
    )
    .await;
    assert_eq!(
        wallet_minor(&server.souq.base.db.pool, "layla").await,
        43_500
    );
    app.quit().await;
    drop(proxy);
    server.shutdown().await.unwrap();
}
