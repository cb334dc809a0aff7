//! The installed app's check, for `cargo xtask bundle`: launches the binary a package
//! installed (SOUQ_E2E_APP) as the end-to-end tests launch theirs, sees the sign-in
//! screen, and signs the demo shopper in to the feed. Exits non-zero when it cannot.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use souq_e2e::Harness;

#[tokio::main]
async fn main() {
    let harness = Harness::start();
    let app = harness.launch().await;
    let shopper = ".demo-account[data-email='layla@demo.souq.example']";
    app.wait_for(shopper).await;
    app.click(shopper).await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the installed app shows the feed",
    )
    .await;
    app.quit().await;
}
