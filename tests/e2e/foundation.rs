//! End to end on the real app: sign in as a demo shopper, read the feed, follow a
//! hashtag, switch to Arabic (right-to-left), shrink to a phone, and restart with the
//! session kept in the keychain. Screenshots land in target/e2e-screenshots.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use souq_e2e::{App, Harness};

const SHOPPER: &str = ".demo-account[data-email='layla@demo.souq.example']";

async fn signed_in_feed(app: &App) {
    app.click(SHOPPER).await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the feed shows posts",
    )
    .await;
}

#[tokio::test]
async fn a_demo_shopper_reads_the_feed_in_english_and_arabic_on_desktop_and_phone() {
    let harness = Harness::start();
    let app = harness.launch().await;

    // The sign-in screen follows the system language (English here).
    app.wait_for(SHOPPER).await;
    assert_eq!(app.eval("return document.documentElement.dir").await, "ltr");
    app.check_accessibility("sign-in-en").await;
    // The check sees what a reader would miss: a button with no name fails it.
    app.eval(
        "const b = document.createElement('button'); b.id = 'nameless'; \
         document.body.append(b); return true",
    )
    .await;
    let found = app.accessibility_violations().await;
    assert!(
        found.iter().any(|v| v.starts_with("critical button-name")),
        "{found:?}"
    );
    app.eval("document.getElementById('nameless').remove(); return true")
        .await;
    signed_in_feed(&app).await;

    // Posts show authors, relative times, tappable hashtags and priced product cards.
    assert!(app.count(".post .author-name").await >= 6);
    assert!(app.count(".post .hashtag").await >= 5);
    assert!(app.count(".post .product-card .price").await >= 3);
    let price = app
        .eval("return document.querySelector('.product-card .price').textContent")
        .await;
    let price = price.as_str().unwrap();
    assert!(
        price.chars().any(|c| c.is_ascii_digit()) && price.contains('.'),
        "{price}"
    );
    let time = app
        .eval("return document.querySelector('.post-time').textContent")
        .await;
    assert!(
        time.as_str().unwrap().contains("ago") || time == "just now",
        "{time}"
    );
    // Images come through the app's media scheme and actually decode.
    app.wait_until(
        "[...document.querySelectorAll('.product-image')].some(i => i.complete && i.naturalWidth > 0)",
        "a product image is loaded",
    )
    .await;

    // Wide window: the navigation is a side bar along the inline start.
    let side = app
        .eval(
            "const r = document.querySelector('.nav').getBoundingClientRect(); \
               return [r.left, r.width, r.height, innerHeight];",
        )
        .await;
    assert!(
        side[0].as_f64().unwrap() < 1.0,
        "side bar at the left in English: {side}"
    );
    assert!(
        side[2].as_f64().unwrap() >= side[3].as_f64().unwrap() - 1.0,
        "full height: {side}"
    );
    app.screenshot("feed-en").await;

    // A hashtag opens its page, which lists only posts with that tag.
    let tag = app
        .eval("return document.querySelector('.post .hashtag').dataset.tag")
        .await;
    let tag = tag.as_str().unwrap().to_string();
    app.click(".post .hashtag").await;
    app.wait_until(
        &format!("document.querySelector('.hashtag-title')?.textContent === '#' + {tag:?}"),
        "the hashtag page opens",
    )
    .await;
    app.wait_until(
        "document.querySelectorAll('.post').length > 0",
        "tagged posts load",
    )
    .await;
    let all_tagged = app
        .eval(&format!(
            "return [...document.querySelectorAll('.post')].every(p => \
             [...p.querySelectorAll('.hashtag')].some(h => h.dataset.tag === {tag:?}))"
        ))
        .await;
    assert_eq!(all_tagged, true, "every post on #{tag} carries it");
    app.click(".back").await;
    app.wait_for(".post").await;

    // Arabic: the whole document turns right-to-left and every string is translated.
    app.click(".nav-item[data-screen='settings']").await;
    app.click("input[name='language'][value='ar']").await;
    app.wait_until(
        "document.documentElement.dir === 'rtl'",
        "the page is right-to-left",
    )
    .await;
    assert_eq!(app.eval("return document.documentElement.lang").await, "ar");
    let label = app.eval("return document.querySelector(\".nav-item[data-screen='home'] .nav-label\").textContent").await;
    assert_eq!(label, "الرئيسية");
    app.click(".nav-item[data-screen='home']").await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the feed is back",
    )
    .await;
    let price = app
        .eval("return document.querySelector('.product-card .price').textContent")
        .await;
    assert!(
        price
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('٠'..='٩').contains(&c)),
        "Arabic digits: {price}"
    );
    let time = app
        .eval("return document.querySelector('.post-time').textContent")
        .await;
    assert!(
        time.as_str().unwrap().starts_with("منذ") || time == "الآن",
        "{time}"
    );
    // Mirrored: the side bar now stands at the right.
    let mirrored = app
        .eval(
            "const r = document.querySelector('.nav').getBoundingClientRect(); \
               return innerWidth - r.right;",
        )
        .await;
    assert!(
        mirrored.as_f64().unwrap() < 1.0,
        "side bar at the right in Arabic: {mirrored}"
    );
    app.screenshot("feed-ar").await;

    // Phone width: the side bar becomes a bottom tab bar across the window.
    app.client.set_window_size(390, 780).await.expect("resize");
    app.wait_until("innerWidth < 600", "the window is phone-sized")
        .await;
    app.wait_until(
        "(() => { const r = document.querySelector('.nav').getBoundingClientRect(); \
          return Math.abs(r.bottom - innerHeight) < 2 && r.width >= innerWidth - 2 && r.height < 100; })()",
        "the navigation is a bottom tab bar",
    )
    .await;
    app.screenshot("feed-ar-phone").await;

    // Every other screen, in Arabic at phone width: the tab bar's, then those under Me.
    for (screen, ready) in [
        ("shop", ".shop-results .product-card"),
        ("cart", ".cart-line, .empty-cart"),
        ("notifications", ".notification, .empty"),
        ("me", ".me-entries"),
    ] {
        app.click(&format!(".nav-item[data-screen='{screen}']"))
            .await;
        app.wait_for(ready).await;
        assert_eq!(app.eval("return document.documentElement.dir").await, "rtl");
        app.screenshot(&format!("{screen}-ar-phone")).await;
    }
    for (screen, ready) in [
        ("profile", ".profile-head .who"),
        ("bookmarks", ".post, .empty"),
        ("settings", ".personalization"),
    ] {
        app.click(".nav-item[data-screen='me']").await;
        app.click(&format!(".me-entry[data-screen='{screen}']"))
            .await;
        app.wait_for(ready).await;
        app.screenshot(&format!("{screen}-ar-phone")).await;
    }
    app.quit().await;
}

#[tokio::test]
async fn the_session_survives_a_restart_in_the_keychain_and_sign_out_ends_it() {
    let harness = Harness::start();
    let first = harness.launch().await;
    signed_in_feed(&first).await;
    first.quit().await;

    // Same data dir and keyring: the app opens straight on the feed.
    let second = harness.launch().await;
    second
        .wait_until(
            "document.querySelectorAll('.post').length >= 6",
            "the feed without signing in",
        )
        .await;
    assert_eq!(second.count(".demo-account").await, 0);
    second.click(".nav-item[data-screen='settings']").await;
    second.click(".sign-out").await;
    second.wait_for(SHOPPER).await;
    second.quit().await;

    // Signed out for good: the next launch asks to sign in.
    let third = harness.launch().await;
    third.wait_for(SHOPPER).await;
    assert_eq!(third.count(".post").await, 0);
    third.quit().await;
}

#[tokio::test]
async fn with_souq_api_url_the_app_uses_that_server_and_signs_in_by_form() {
    // A separate server, as a deployment would run it.
    let dir = tempfile::tempdir().unwrap();
    let server = souq_server::start(souq_server::Config {
        demo_data: true,
        ..souq_server::Config::new(
            souq_server::DatabaseConfig::Sqlite(dir.path().join("remote.db")),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    })
    .await
    .unwrap();
    let harness = Harness::start_remote(&server.url());
    let app = harness.launch().await;

    // A remote server offers no demo shortcuts: the form is the way in.
    app.wait_for("#email").await;
    assert_eq!(app.count(".demo-account").await, 0);
    app.type_into("#email", "omar@demo.souq.example").await;
    app.type_into("#password", "wrong password").await;
    app.click("button.submit").await;
    app.wait_until(
        "document.querySelector('.auth-form .error')?.textContent === 'Wrong email or password.'",
        "the sign-in error is shown",
    )
    .await;
    app.type_into("#password", "souq-demo").await;
    app.click("button.submit").await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the remote feed",
    )
    .await;

    // The session lives on that server: it is listed there.
    let (sessions,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(&server.souq.base.db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
    app.quit().await;
    drop(harness);
    server.shutdown().await.unwrap();
}
