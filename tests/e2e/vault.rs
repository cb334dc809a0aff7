//! The fortified vault in the real app, in English on the desktop and in Arabic at a
//! phone's width: another account pays with Layla's card and she is asked to approve
//! (an OS notification, then the inbox and the card's activity); wrong codes lock the
//! card, she is told, and only her PIN opens it; wrong PINs lock the vault and the
//! prompt says until when, and "Forgot your PIN?" chooses a new one with the password;
//! a sign-in on a new device asks her "was this you?", and one tap ends that session;
//! a shopper paying with someone else's Souq card waits for its holder's answer.
//! Every screen is checked with axe-core as it is recorded.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use souq_e2e::{App, Harness};

use crate::checkout::{sign_in, top_up};
use crate::{arabic_on_a_phone, fits_the_screen};

const PIN: &str = "482913";
const NEW_PIN: &str = "730562";

/// Each API checkout's own idempotency key.
static CHECKOUTS: AtomicU32 = AtomicU32::new(0);

/// An API client as another device would be: its own loopback address and name.
struct Device {
    http: reqwest::Client,
    server: SocketAddr,
    token: String,
}

impl Device {
    async fn sign_in(server: SocketAddr, octet: u8, name: &str, email: &str) -> Device {
        let http = reqwest::Client::builder()
            .local_address(IpAddr::from([127, 0, 0, octet]))
            .user_agent(name)
            .build()
            .unwrap();
        let session: Value = http
            .post(format!("http://{server}/v1/sessions"))
            .json(&json!({"email": email, "password": "souq-demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["token"].as_str().expect("a session").to_string();
        Device {
            http,
            server,
            token,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("http://{}{path}", self.server))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if path == "/v1/checkouts" {
            let n = CHECKOUTS.fetch_add(1, Ordering::SeqCst);
            request = request.header("Idempotency-Key", format!("e2e-vault-checkout-{n:06}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Pays for one SAR item with `card` (as typed into a payment form).
    async fn pay_with(&self, pool: &sqlx::AnyPool, card: &Value) -> (u16, Value) {
        let (address, _) = self
            .call(
                reqwest::Method::POST,
                "/v1/addresses",
                Some(json!({"name": "Omar", "phone": "+966 50 123 4567",
                            "line1": "Olaya Street 4", "city": "Riyadh",
                            "postal_code": "12211", "country": "SA"})),
            )
            .await;
        assert!((200..300).contains(&address), "an address");
        let (_, book) = self.call(reqwest::Method::GET, "/v1/addresses", None).await;
        let address = book[0]["id"].as_i64().unwrap();
        let (variant, price, store, option, shipping): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT v.id, v.price_minor, pr.store_id, o.id, o.price_minor FROM variants v
                 JOIN products pr ON pr.id = v.product_id
                 JOIN shipping_options o ON o.store_id = pr.store_id
                 WHERE pr.currency = 'SAR' AND pr.published_at IS NOT NULL
                   AND pr.archived_at IS NULL AND v.archived_at IS NULL
                   AND o.archived_at IS NULL
                 ORDER BY v.price_minor + o.price_minor, v.id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        self.call(
            reqwest::Method::POST,
            "/v1/checkouts",
            Some(json!({
                "lines": [{"variant_id": variant, "quantity": 1, "unit_price_minor": price}],
                "address_id": address,
                "shipping": [{"store_id": store, "shipping_option_id": option,
                              "price_minor": shipping}],
                "payment": {"method": "card", "card": card},
            })),
        )
        .await
    }
}

/// The card the app reveals, as a payment form takes it.
async fn revealed_card(app: &App) -> Value {
    app.wait_until(
        "/^4000 05\\d\\d \\d{4} \\d{4}$/.test(document.querySelector('.debit-card-number').textContent)",
        "the card's number is shown",
    )
    .await;
    let read = |css: &str| {
        format!("return document.querySelector('{css}').textContent.replace(/[^0-9\\/]/g, '');")
    };
    let number = app.eval(&read(".debit-card-number")).await;
    let expiry = app.eval(&read(".debit-card-expiry")).await;
    let cvv = app.eval(&read(".debit-card-cvv")).await;
    let (month, year) = expiry.as_str().unwrap().split_once('/').unwrap();
    json!({
        "number": number, "exp_month": month.parse::<u32>().unwrap(),
        "exp_year": 2000 + year.parse::<u32>().unwrap(), "cvc": cvv,
    })
}

fn wrong_code(card: &Value) -> Value {
    let mut wrong = card.clone();
    wrong["cvc"] = json!(if card["cvc"] == "000" { "111" } else { "000" });
    wrong
}

async fn wallet_tab(app: &App, name: &str) {
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='wallet']").await;
    app.wait_for(".wallet-tabs").await;
    app.click(&format!(".wallet-tab-{name}")).await;
}

async fn desktop_wallet_tab(app: &App, name: &str) {
    app.click(".nav-item[data-screen='home']").await;
    app.click(".nav-item[data-screen='wallet']").await;
    app.wait_for(".wallet-tabs").await;
    app.click(&format!(".wallet-tab-{name}")).await;
}

/// Answers the PIN prompt that an action opened: the first time with the PIN twice.
async fn give_pin(app: &App, pin: &str) {
    app.wait_for(".pin-prompt .pin-input").await;
    app.type_into(".pin-prompt .pin-input", pin).await;
    if app.count(".pin-prompt .pin-again").await > 0 {
        app.type_into(".pin-prompt .pin-again", pin).await;
    }
    app.click(".pin-submit").await;
}

/// Locks the vault from the wallet's overview (where it says it is unlocked), then
/// comes back to the card's tab.
async fn lock_vault(app: &App, overview: impl AsyncFn(&App), card_tab: impl AsyncFn(&App)) {
    overview(app).await;
    if app.count(".lock-vault").await > 0 {
        app.click(".lock-vault").await;
        app.wait_until(
            "!document.querySelector('.lock-vault')",
            "the vault is locked",
        )
        .await;
    }
    card_tab(app).await;
}

/// Asks to reveal the card with the vault locked and gives five wrong PINs: the
/// prompt then says until when it is locked.
async fn lock_the_pin(app: &App, overview: impl AsyncFn(&App), card_tab: impl AsyncFn(&App)) {
    lock_vault(app, overview, card_tab).await;
    app.click(".reveal-card").await;
    const READY: &str = "(() => { const input = document.querySelector('.pin-prompt .pin-input');
        const submit = document.querySelector('.pin-submit');
        return !!input && input.value === '' && !!submit && !submit.disabled; })()";
    for _ in 0..5 {
        app.wait_until(READY, "the PIN prompt waits for a PIN")
            .await;
        app.type_into(".pin-prompt .pin-input", "583947").await;
        app.click(".pin-submit").await;
        // A wrong PIN empties the field; the fifth locks the vault.
        app.wait_until(
            "!!document.querySelector('.pin-locked') ||
             document.querySelector('.pin-prompt .pin-input')?.value === ''",
            "the wrong PIN is answered",
        )
        .await;
    }
    app.wait_for(".pin-prompt .pin-locked").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vault_asks_warns_and_locks_in_english_and_arabic_on_desktop_and_phone() {
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
    let pool = server.souq.base.db.pool.clone();
    let harness = Harness::start_remote(&server.url());
    let app = harness.launch().await;

    // Layla tops up, orders her card and reveals it (choosing her PIN).
    sign_in(&app, "layla@demo.souq.example").await;
    top_up(&app, "2000").await;
    app.click(".wallet-tab-card").await;
    app.click(".issue-card-button").await;
    app.wait_for(".debit-card").await;
    app.click(".reveal-card").await;
    give_pin(&app, PIN).await;
    let card = revealed_card(&app).await;

    // Omar, on his phone, pays with it: Layla is asked, and approves in the app.
    let omar = Device::sign_in(
        server.addr,
        2,
        "souq-app (Omar's phone)",
        "omar@demo.souq.example",
    )
    .await;
    let (status, asked) = omar.pay_with(&pool, &card).await;
    assert_eq!(
        (status, asked["status"].as_str()),
        (200, Some("requires_action")),
        "{asked}"
    );
    assert_eq!(asked["next_action"]["kind"], "cardholder_approval");
    let (_, alert, line) = harness.notification_with("Approve a payment", Duration::from_secs(15));
    assert!(line.contains("Omar Farouk"), "{line}");
    harness.click_notification(alert);
    app.wait_for(".wallet-tabs").await;
    app.click(".wallet-tab-card").await;
    app.wait_for(".card-transaction[data-status='awaiting_approval'] .card-approval")
        .await;
    app.screenshot("card-approval").await;
    // The PIN she gave to reveal the card still holds: approving asks nothing more.
    app.click(".card-approval .approve-payment").await;
    app.wait_for(".card-transaction[data-status='posted']")
        .await;
    let (_, paid) = omar
        .call(
            reqwest::Method::POST,
            &format!("/v1/checkouts/{}/refresh", asked["id"]),
            None,
        )
        .await;
    assert_eq!(paid["status"], "paid", "{paid}");

    // Three wrong codes from Omar lock the card; Layla is told, and opens it with her PIN.
    for _ in 0..3 {
        let (status, _) = omar.pay_with(&pool, &wrong_code(&card)).await;
        assert_eq!(status, 402);
    }
    harness.notification_with("Your card is locked", Duration::from_secs(15));
    desktop_wallet_tab(&app, "card").await;
    app.wait_for(".debit-card .card-locked").await;
    app.screenshot("card-locked").await;
    let desktop_overview = async |app: &App| desktop_wallet_tab(app, "overview").await;
    let desktop_card = async |app: &App| app.click(".wallet-tab-card").await;
    lock_vault(&app, desktop_overview, desktop_card).await;
    app.click(".unlock-card").await;
    give_pin(&app, PIN).await;
    app.wait_until(
        "!document.querySelector('.debit-card .card-locked')",
        "the card is open",
    )
    .await;

    // Five wrong PINs lock the vault; the prompt says until when; the password chooses
    // a new PIN.
    lock_the_pin(&app, desktop_overview, desktop_card).await;
    app.screenshot("pin-locked").await;
    app.click(".pin-forgot").await;
    app.wait_for(".pin-prompt .pin-password").await;
    app.type_into(".pin-prompt .pin-password", "souq-demo")
        .await;
    app.type_into(".pin-prompt .pin-input", NEW_PIN).await;
    app.type_into(".pin-prompt .pin-again", NEW_PIN).await;
    app.screenshot("pin-reset").await;
    app.click(".pin-submit").await;
    revealed_card(&app).await;

    // A sign-in on a device new to her account: "was this you?", and one tap ends it.
    let stranger = Device::sign_in(server.addr, 5, "curl/8.5", "layla@demo.souq.example").await;
    let (_, told, line) = harness.notification_with("was this you", Duration::from_secs(15));
    assert!(line.contains("curl/8.5"), "{line}");
    harness.click_notification(told);
    app.wait_for(".security-notice[data-kind='signed_in'] .end-session")
        .await;
    app.screenshot("was-this-you").await;
    app.click(".security-notice[data-kind='signed_in'] .end-session")
        .await;
    app.wait_for(".security-notice[data-kind='signed_in'] .session-ended")
        .await;
    let (gone, _) = stranger.call(reqwest::Method::GET, "/v1/me", None).await;
    assert_eq!(gone, 401, "the stranger's session ended");

    // In Arabic at a phone's width: the locked card, an approval she declines, "was
    // this you?", and the locked PIN with its way out.
    arabic_on_a_phone(&app).await;
    let noura = Device::sign_in(
        server.addr,
        3,
        "souq-app (Noura's phone)",
        "noura@demo.souq.example",
    )
    .await;
    for _ in 0..3 {
        let (status, _) = noura.pay_with(&pool, &wrong_code(&card)).await;
        assert_eq!(status, 402);
    }
    let phone_overview = async |app: &App| wallet_tab(app, "overview").await;
    let phone_card = async |app: &App| app.click(".wallet-tab-card").await;
    wallet_tab(&app, "card").await;
    app.wait_for(".debit-card .card-locked").await;
    fits_the_screen(&app, "card-locked-ar-phone").await;
    lock_vault(&app, phone_overview, phone_card).await;
    app.click(".unlock-card").await;
    give_pin(&app, NEW_PIN).await;
    app.wait_until(
        "!document.querySelector('.debit-card .card-locked')",
        "the card is open",
    )
    .await;

    let (_, asked_again) = omar.pay_with(&pool, &card).await;
    assert_eq!(asked_again["status"], "requires_action", "{asked_again}");
    app.click(".nav-item[data-screen='notifications']").await;
    app.wait_for(".notification .card-approval .decline-payment")
        .await;
    fits_the_screen(&app, "card-approval-ar-phone").await;
    app.click(".notification .card-approval .decline-payment")
        .await;
    app.wait_for(".notification .card-approval .saved").await;

    let _again = Device::sign_in(
        server.addr,
        6,
        "Firefox (Windows)",
        "layla@demo.souq.example",
    )
    .await;
    harness.notification_with("Firefox (Windows)", Duration::from_secs(15));
    app.click(".nav-item[data-screen='home']").await;
    app.click(".nav-item[data-screen='notifications']").await;
    app.wait_for(".security-notice[data-kind='signed_in'] .end-session")
        .await;
    fits_the_screen(&app, "was-this-you-ar-phone").await;

    lock_the_pin(&app, phone_overview, phone_card).await;
    fits_the_screen(&app, "pin-locked-ar-phone").await;
    app.click(".pin-forgot").await;
    app.wait_for(".pin-prompt .pin-password").await;
    fits_the_screen(&app, "pin-reset-ar-phone").await;
    app.type_into(".pin-prompt .pin-password", "souq-demo")
        .await;
    app.type_into(".pin-prompt .pin-input", PIN).await;
    app.type_into(".pin-prompt .pin-again", PIN).await;
    app.click(".pin-submit").await;
    revealed_card(&app).await;

    // Noura, in the app, gives to the nonprofit with Layla's card: she waits for
    // Layla's answer, which Layla gives from her own phone.
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='settings']").await;
    app.click(".sign-out").await;
    app.wait_for("#email").await;
    sign_in(&app, "noura@demo.souq.example").await;
    let (post,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id
         WHERE u.handle = 'hope_bridge' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    harness.open_link(&format!("souq://post/{post}"));
    app.wait_for(".post .donate-button").await;
    app.click(".post .donate-button").await;
    app.click(".donate-dialog .give-card input").await;
    app.type_into(".card-number", card["number"].as_str().unwrap())
        .await;
    let expiry = format!(
        "{:02}/{:02}",
        card["exp_month"].as_u64().unwrap(),
        card["exp_year"].as_u64().unwrap() % 100
    );
    app.type_into(".card-expiry", &expiry).await;
    app.type_into(".card-cvc", card["cvc"].as_str().unwrap())
        .await;
    app.click(".donate-dialog .give").await;
    app.wait_for(".second-step.cardholder-wait").await;
    fits_the_screen(&app, "cardholder-wait-ar-phone").await;
    let layla = Device::sign_in(
        server.addr,
        4,
        "souq-app (Layla's phone)",
        "layla@demo.souq.example",
    )
    .await;
    let (unlocked, _) = layla
        .call(
            reqwest::Method::POST,
            "/v1/vault/unlock",
            Some(json!({"pin": PIN})),
        )
        .await;
    assert_eq!(unlocked, 200);
    let (_, cards) = layla
        .call(reqwest::Method::GET, "/v1/wallet/cards", None)
        .await;
    let card_id = cards[0]["id"].as_i64().unwrap();
    let (_, activity) = layla
        .call(
            reqwest::Method::GET,
            &format!("/v1/wallet/cards/{card_id}/transactions"),
            None,
        )
        .await;
    assert_eq!(activity[0]["status"], "awaiting_approval", "{activity}");
    assert_eq!(activity[0]["payer"], "@noura");
    let transaction = activity[0]["id"].as_i64().unwrap();
    let (answered, _) = layla
        .call(
            reqwest::Method::POST,
            &format!("/v1/wallet/cards/{card_id}/transactions/{transaction}/answer"),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(answered, 200);
    app.wait_for(".donate-done").await;
    app.quit().await;
    server.shutdown().await.unwrap();
}
