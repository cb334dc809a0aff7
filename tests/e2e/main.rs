//! End to end on the real app under Xvfb. Screenshots land in target/e2e-screenshots.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod checkout;
mod drops;
mod foundation;
mod keyboard;
mod privacy;
mod shop;
mod social;
mod studio;
mod updates;
mod vault;
mod wallet;

use souq_e2e::App;

pub const SHOPPER: &str = ".demo-account[data-email='layla@demo.souq.example']";

/// Signs in as the demo shopper and waits for the feed.
pub async fn signed_in_feed(app: &App) {
    app.click(SHOPPER).await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the feed shows posts",
    )
    .await;
}

/// Switches the app to Arabic and the window to a phone's width.
pub async fn arabic_on_a_phone(app: &App) {
    app.click(".nav-item[data-screen='settings']").await;
    arabic_on_a_phone_from_settings(app).await;
}

/// The same from the Settings screen already open, whose state a tap on its tab would
/// start afresh.
pub async fn arabic_on_a_phone_from_settings(app: &App) {
    app.click("input[name='language'][value='ar']").await;
    app.wait_until(
        "document.documentElement.dir === 'rtl'",
        "the page is right-to-left",
    )
    .await;
    app.client.set_window_size(390, 780).await.expect("resize");
    app.wait_until("innerWidth < 600", "the window is phone-sized")
        .await;
    app.wait_until(
        "[...document.querySelectorAll('.nav-item')].every(item => {
            const r = item.getBoundingClientRect();
            return r.left >= 0 && r.right <= innerWidth + 1; })",
        "every tab of the bottom bar is on screen",
    )
    .await;
}

/// Saves a screenshot after checking that nothing runs off the side of the screen.
pub async fn fits_the_screen(app: &App, name: &str) {
    app.wait_until(
        "document.documentElement.scrollWidth <= innerWidth + 1",
        &format!("{name} fits the screen's width"),
    )
    .await;
    app.screenshot(name).await;
}
