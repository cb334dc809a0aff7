//! Launch times, for `cargo xtask bench launch`: ROUNDS rounds (an argument, 5 when
//! none), each timing from asking WebDriver for the app until a screen is on it:
//! - a bare Tauri window (SOUQ_BARE_WINDOW) until its page's heading shows;
//! - Souq's first launch (SOUQ_E2E_APP, a new data dir) until the sign-in screen
//!   shows, and until the embedded server has loaded the demo behind it;
//! - Souq's next launch on that data until the sign-in screen shows.
//!
//! The same WebDriver, display and session bus serve every launch, so what they add
//! is added to each alike. One line per round:
//! `bare_ms=F first_ms=F demo_ready_ms=F later_ms=F`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Instant;

use fantoccini::Locator;
use souq_e2e::{App, Harness, Launch};

const SIGN_IN: &str = ".demo-account[data-email='layla@demo.souq.example']";

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Waits for `css` asking again at once (a round trip of a few ms), not on
/// `App::wait_for`'s quarter-second period, which would round every figure up.
async fn shown(app: &App, css: &str) {
    let start = Instant::now();
    while app.client.find(Locator::Css(css)).await.is_err() {
        assert!(start.elapsed().as_secs() < 30, "{css} never showed");
    }
}

#[tokio::main]
async fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .map_or(5, |n| n.parse().expect("ROUNDS is a number"));
    let bare = PathBuf::from(std::env::var("SOUQ_BARE_WINDOW").expect("SOUQ_BARE_WINDOW is set"));
    for _ in 0..rounds {
        let harness = Harness::start_with(Launch {
            app: Some(bare.clone()),
            ..Launch::default()
        });
        let start = Instant::now();
        let window = harness.launch().await;
        shown(&window, "#shown").await;
        let bare_ms = ms(start);
        window.quit().await;
        drop(harness);

        let harness = Harness::start();
        let start = Instant::now();
        let app = harness.launch().await;
        shown(&app, SIGN_IN).await;
        let first_ms = ms(start);
        app.wait_until(
            "!document.querySelector('.preparing-demo')",
            "the demo is ready",
        )
        .await;
        let demo_ready_ms = ms(start);
        app.quit().await;

        let start = Instant::now();
        let app = harness.launch().await;
        shown(&app, SIGN_IN).await;
        let later_ms = ms(start);
        app.quit().await;
        println!(
            "bare_ms={bare_ms:.0} first_ms={first_ms:.0} demo_ready_ms={demo_ready_ms:.0} later_ms={later_ms:.0}"
        );
    }
}
