//! The keyboard alone: sign in, move through the feed with Tab (every stop a control,
//! every stop with a visible focus ring, the navigation and a post's actions among
//! them), and like a post with Enter.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use fantoccini::key::Key;
use souq_e2e::Harness;

const SHOPPER: &str = ".demo-account[data-email='layla@demo.souq.example']";

#[tokio::test]
async fn the_keyboard_alone_signs_in_reaches_the_controls_with_a_ring_and_likes_a_post() {
    let harness = Harness::start();
    let app = harness.launch().await;
    app.wait_for(SHOPPER).await;
    app.eval("document.activeElement?.blur(); return true")
        .await;
    app.tab_to(SHOPPER, 40).await;
    app.press(Key::Enter).await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 3",
        "the feed opens after Enter on the demo account",
    )
    .await;

    let mut seen_nav = 0;
    let mut seen_like = false;
    for stop in 0..60 {
        app.press(Key::Tab).await;
        let focused = app.focused().await;
        if focused.is_null() {
            continue;
        }
        assert_eq!(
            focused["control"], true,
            "stop {stop} is not a control: {focused}"
        );
        assert_eq!(
            focused["ring"], true,
            "stop {stop} shows no focus ring: {focused}"
        );
        let class = focused["cls"].as_str().unwrap_or_default();
        if class.contains("nav-item") {
            seen_nav += 1;
        }
        if class.split_whitespace().any(|c| c == "like") {
            seen_like = true;
            break;
        }
    }
    assert!(
        seen_nav >= 4,
        "the navigation is reachable by Tab ({seen_nav} items)"
    );
    assert!(seen_like, "a post's like button is reachable by Tab");
    let liked_before = app
        .eval("return document.activeElement.getAttribute('aria-pressed')")
        .await;
    app.press(Key::Enter).await;
    app.wait_until(
        &format!("document.activeElement.getAttribute('aria-pressed') !== {liked_before}"),
        "Enter on the like button toggles it",
    )
    .await;
    app.quit().await;
}
