//! Buying on the real app: a shopper tops up the wallet by card, buys from a product card
//! in the feed, pays from the wallet, sees the order and its OS notification; a checkout
//! whose answer is lost is paid again safely (the same order, the money moved once); the
//! store marks the order shipped and the shopper sees the tracking number. Then the same
//! screens in Arabic at a phone's width, five tabs with labels never cut.

use std::net::SocketAddr;

use souq_e2e::proxy::Proxy;
use souq_e2e::{App, Harness};

use crate::{arabic_on_a_phone, fits_the_screen};

const CARD: &str = "4242 4242 4242 4242";

/// Signs in by the form and waits for the feed.
pub async fn sign_in(app: &App, email: &str) {
    app.wait_for("#email").await;
    app.type_into("#email", email).await;
    app.type_into("#password", "souq-demo").await;
    app.click("button.submit").await;
    app.wait_for(".post").await;
}

pub async fn sign_out(app: &App) {
    app.click(".nav-item[data-screen='settings']").await;
    app.click(".sign-out").await;
    app.wait_for("#email").await;
}

/// Tops the wallet up with `amount` SAR from the test card.
/// Types the sandbox's card that always pays into the card form on screen.
pub async fn type_test_card(app: &App) {
    app.type_into(".card-number", CARD).await;
    app.type_into(".card-expiry", "12/40").await;
    app.type_into(".card-cvc", "123").await;
}

pub async fn top_up(app: &App, amount: &str) {
    app.click(".nav-item[data-screen='wallet']").await;
    app.click(".wallet-tab-top-up").await;
    app.wait_for(".top-up-amount").await;
    app.type_into(".top-up-amount", amount).await;
    type_test_card(app).await;
    app.click(".do-top-up").await;
    app.wait_for(".top-up-done[data-status='paid']").await;
    app.wait_for(".balance[data-currency='SAR']").await;
}

/// Opens, from the feed, a product card of a SAR product in stock; returns its id.
async fn open_a_feed_product(app: &App) -> i64 {
    app.click(".nav-item[data-screen='home']").await;
    app.wait_for(".post").await;
    const SAR_CARD: &str = "[...document.querySelectorAll('.post .product-card')].find(c =>
        !c.querySelector('.badge-sold-out') &&
        /SAR|ر.س/.test(c.querySelector('.price').textContent))";
    // The feed renders what is near the screen: scroll on until such a card shows.
    app.wait_until(
        &format!("(() => {{ if ({SAR_CARD}) {{ return true; }} window.scrollBy(0, innerHeight); return false; }})()"),
        "a SAR product card in the feed",
    )
    .await;
    let id = app
        .eval(&format!(
            "const card = {SAR_CARD}; card.scrollIntoView(); card.click();
             return Number(card.dataset.productId);"
        ))
        .await;
    let id = id.as_i64().expect("a SAR product card in the feed");
    app.wait_for(".product-page .buy-now").await;
    id
}

/// Buy now, then from the cart to checkout.
async fn buy_now(app: &App) {
    // Centred, so that on a phone the fixed tab bar does not cover it.
    app.eval("document.querySelector('.buy-now').scrollIntoView({block: 'center'}); return true;")
        .await;
    app.click(".buy-now").await;
    app.wait_for(".go-to-checkout").await;
    app.click(".go-to-checkout").await;
    app.wait_for(".checkout-payment").await;
}

async fn add_an_address(app: &App) {
    app.click(".add-address").await;
    app.type_into(".address-name", "Layla Hassan").await;
    app.type_into(".address-phone", "+966 50 123 4567").await;
    app.type_into(".address-line1", "King Fahd Road 12").await;
    app.type_into(".address-city", "Riyadh").await;
    app.type_into(".address-postal", "12271").await;
    app.click(".save-address").await;
    app.wait_for(".address-choice input:checked").await;
}

async fn count(server: &souq_server::RunningServer, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&server.souq.base.db.pool)
        .await
        .unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_buys_from_the_feed_pays_once_and_sees_the_store_ship_it() {
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
    sign_in(&app, "layla@demo.souq.example").await;
    top_up(&app, "2000").await;
    app.screenshot("wallet-topped-up").await;

    // From a product card in the feed to a paid order.
    let product = open_a_feed_product(&app).await;
    buy_now(&app).await;
    add_an_address(&app).await;
    app.screenshot("checkout").await;
    app.click(".pay").await;
    app.wait_for(".checkout-outcome[data-status='paid']").await;
    assert_eq!(app.count(".checkout-outcome .replayed").await, 0);
    app.screenshot("order-placed").await;
    app.wait_until(
        "document.querySelector('.nav-item[data-screen=\"cart\"] .cart-count') === null",
        "the cart emptied of what was bought",
    )
    .await;
    let log = std::fs::read_to_string(&harness.notification_log).unwrap_or_default();
    assert!(log.contains("Order placed"), "an OS notification: {log}");
    app.click(".open-order").await;
    app.wait_for(".timeline li[data-status='paid']").await;
    app.screenshot("order-page").await;

    // A second purchase whose answer is lost on the way back: the app says it cannot
    // tell, paying again is safe, and the retry shows the one order, paid once.
    open_a_feed_product(&app).await;
    buy_now(&app).await;
    proxy.lose_next_checkout_answer();
    app.click(".pay").await;
    app.wait_for(".pay-unknown").await;
    app.screenshot("checkout-outcome-unknown").await;
    let payments = "SELECT COUNT(*) FROM ledger_transfers WHERE code = 'payment'";
    assert_eq!(count(&server, payments).await, 2, "the lost one was paid");
    app.click(".pay").await;
    app.wait_for(".checkout-outcome .replayed").await;
    app.screenshot("checkout-replayed").await;
    assert_eq!(count(&server, payments).await, 2, "and only once");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM orders").await, 2);

    // The store ships the first order.
    let owner: (String,) = sqlx::query_as(
        "SELECT u.email FROM products pr JOIN stores s ON s.id = pr.store_id
         JOIN users u ON u.id = s.owner_id WHERE pr.id = $1",
    )
    .bind(product)
    .fetch_one(&server.souq.base.db.pool)
    .await
    .unwrap();
    sign_out(&app).await;
    sign_in(&app, &owner.0).await;
    app.click(".nav-item[data-screen='studio']").await;
    app.wait_for(".studio-bar").await;
    app.eval(
        "[...document.querySelectorAll('.tab')].find(t => t.textContent === 'Orders').click();
         return true;",
    )
    .await;
    app.wait_for(".store-order[data-status='paid'] .carrier-input")
        .await;
    app.type_into(".store-order[data-status='paid'] .carrier-input", "Aramex")
        .await;
    app.type_into(
        ".store-order[data-status='paid'] .tracking-input",
        "AX123456789",
    )
    .await;
    app.screenshot("studio-orders").await;
    app.click(".store-order[data-status='paid'] .mark-shipped")
        .await;
    app.wait_for(".store-order[data-status='shipped']").await;

    // The shopper sees it shipped, with its tracking number.
    sign_out(&app).await;
    sign_in(&app, "layla@demo.souq.example").await;
    app.click(".nav-item[data-screen='orders']").await;
    app.wait_for(".order-row[data-status='shipped']").await;
    app.click(".order-row[data-status='shipped'] .order-open")
        .await;
    app.wait_until(
        "document.querySelector('.tracking-number')?.textContent === 'AX123456789'",
        "the tracking number is shown",
    )
    .await;
    app.screenshot("order-shipped").await;

    // In Arabic at a phone's width: five tabs, every label whole; the order screens fit.
    arabic_on_a_phone(&app).await;
    app.wait_until(
        "(() => { const tabs = [...document.querySelectorAll('.nav-item')]
                      .filter(t => getComputedStyle(t).display !== 'none');
                  return tabs.length === 5 && [...document.querySelectorAll('.nav-label')]
                      .filter(l => l.offsetParent !== null)
                      .every(l => l.scrollWidth <= l.clientWidth + 1); })()",
        "five tabs on a phone, no label cut",
    )
    .await;
    app.click(".nav-item[data-screen='me']").await;
    app.wait_for(".me-entry[data-screen='orders']").await;
    fits_the_screen(&app, "me-ar-phone").await;
    app.click(".me-entry[data-screen='orders']").await;
    app.wait_for(".order-row").await;
    fits_the_screen(&app, "orders-ar-phone").await;
    app.click(".order-row[data-status='shipped'] .order-open")
        .await;
    app.wait_for(".tracking-number").await;
    fits_the_screen(&app, "order-ar-phone").await;
    app.click(".nav-item[data-screen='me']").await;
    app.click(".me-entry[data-screen='wallet']").await;
    app.wait_for(".balance").await;
    fits_the_screen(&app, "wallet-ar-phone").await;
    app.click(".nav-item[data-screen='shop']").await;
    app.wait_for(".shop-results .product-card").await;
    assert_eq!(
        app.count(".shop-filters.open").await,
        0,
        "products first on a phone"
    );
    app.click(".open-filters").await;
    app.wait_for(".shop-filters.open .show-results").await;
    fits_the_screen(&app, "shop-filters-ar-phone").await;
    app.click(".show-results").await;
    open_a_feed_product(&app).await;
    buy_now(&app).await;
    fits_the_screen(&app, "checkout-ar-phone").await;
    app.eval("document.querySelector('.pay').scrollIntoView({block: 'center'}); return true;")
        .await;
    app.click(".pay").await;
    app.wait_for(".checkout-outcome[data-status='paid']").await;
    fits_the_screen(&app, "order-placed-ar-phone").await;
    assert_eq!(
        count(&server, payments).await,
        3,
        "the third order, paid once"
    );
    app.quit().await;
}
