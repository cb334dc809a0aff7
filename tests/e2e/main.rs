//! End to end on the real app under Xvfb. Screenshots land in target/e2e-screenshots.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

mod foundation;
mod shop;
mod social;
mod studio;

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
