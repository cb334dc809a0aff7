//! The on-device interest profile belongs to the account that taught it: it is
//! cleared on sign-out, and one account's likes never shape another's "For you".
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use souq_e2e::{App, Harness};

async fn sign_in_as(app: &App, email: &str) {
    let demo = format!(".demo-account[data-email='{email}']");
    app.wait_for(&demo).await;
    app.click(&demo).await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 3",
        "the feed shows posts",
    )
    .await;
}

async fn interests_shown(app: &App) -> usize {
    app.click(".nav-item[data-screen='settings']").await;
    app.wait_until(
        "!!document.querySelector('.interests, .interests-empty')",
        "the settings show the interest profile",
    )
    .await;
    app.count(".interests li").await
}

async fn sign_out(app: &App) {
    app.click(".sign-out").await;
    app.wait_for(".demo-account").await;
}

#[tokio::test]
async fn one_accounts_likes_never_shape_anothers_profile_and_sign_out_clears_it() {
    let harness = Harness::start();
    let app = harness.launch().await;
    sign_in_as(&app, "layla@demo.souq.example").await;
    let liked = ".post:has(.hashtag) .action.like[aria-pressed='false']";
    app.wait_for(liked).await;
    app.click(liked).await;
    app.wait_until(
        "[...document.querySelectorAll('.post:has(.hashtag) .action.like')]\
           .some(b => b.getAttribute('aria-pressed') === 'true')",
        "the like shows",
    )
    .await;
    assert!(
        interests_shown(&app).await >= 1,
        "the like taught the profile"
    );

    sign_out(&app).await;
    sign_in_as(&app, "omar@demo.souq.example").await;
    assert_eq!(
        interests_shown(&app).await,
        0,
        "Omar sees nothing of Layla's"
    );

    sign_out(&app).await;
    sign_in_as(&app, "layla@demo.souq.example").await;
    assert_eq!(interests_shown(&app).await, 0, "signing out cleared it");
    app.quit().await;
}
