//! The social layer, end to end: like, bookmark and follow from the UI; compose a post
//! in Arabic with a hashtag and find it on the hashtag page.

use souq_e2e::{App, Harness};

use crate::signed_in_feed;

/// Switches home to "Latest", newest first, and waits for it.
async fn latest(app: &App) {
    app.click(".tab[data-tab='latest']").await;
    app.wait_until(
        "document.querySelectorAll('.post').length >= 6",
        "the latest posts",
    )
    .await;
}

/// The first post in the list by `handle`, as a CSS selector.
async fn post_by(app: &App, handle: &str) -> String {
    let id = app
        .eval(&format!(
            "const p = [...document.querySelectorAll('.post')].find(p => \
             p.querySelector('.author-handle')?.textContent === '@{handle}'); \
             return p ? p.dataset.postId : null;"
        ))
        .await;
    let id = id
        .as_str()
        .unwrap_or_else(|| panic!("no post by @{handle} on screen"));
    format!(".post[data-post-id='{id}']")
}

#[tokio::test]
async fn a_shopper_likes_bookmarks_follows_and_posts_in_arabic_from_the_ui() {
    let harness = Harness::start();
    let app = harness.launch().await;
    signed_in_feed(&app).await;
    latest(&app).await;

    // Like: pressed, and the count moves by exactly one.
    let post = post_by(&app, "dar_al_oud").await;
    let likes = format!("{post} .action.like .count");
    let likes_before = count(&app, &likes).await;
    app.click(&format!("{post} .action.like")).await;
    app.wait_until(
        &format!("document.querySelector(\"{post} .action.like\").getAttribute('aria-pressed') === 'true'"),
        "the like shows",
    )
    .await;
    assert_eq!(count(&app, &likes).await, likes_before + 1);

    // Share copies the post's souq:// link (no share sheet on desktop) and counts once.
    app.click(&format!("{post} .action.share")).await;
    app.wait_until(
        &format!("document.querySelector(\"{post} .notice\")?.textContent === 'Link copied'"),
        "the link is copied",
    )
    .await;

    // Bookmark, then find it on the Bookmarks screen. The post's actions wait while the
    // share is counted (their buttons disabled): a tap meanwhile would do nothing.
    app.wait_until(
        &format!("!document.querySelector(\"{post} .action.bookmark\").disabled"),
        "the share is counted",
    )
    .await;
    app.click(&format!("{post} .action.bookmark")).await;
    app.wait_until(
        &format!("document.querySelector(\"{post} .action.bookmark\").getAttribute('aria-pressed') === 'true'"),
        "the bookmark shows",
    )
    .await;
    app.click(".nav-item[data-screen='bookmarks']").await;
    app.wait_for(&post).await;
    app.screenshot("bookmarks").await;

    // Follow a store the shopper does not follow yet, from its profile.
    app.click(".nav-item[data-screen='home']").await;
    latest(&app).await;
    let store_post = post_by(&app, "tech_bazaar").await;
    app.click(&format!("{store_post} .author-link")).await;
    app.wait_for(".profile-head .follow").await;
    let followers_before: i64 = app_text(&app, ".followers-count").await.parse().unwrap();
    assert_eq!(
        app.eval("return document.querySelector('.follow').getAttribute('aria-pressed')")
            .await,
        "false"
    );
    app.click(".profile-head .follow").await;
    app.wait_until(
        "document.querySelector('.follow').getAttribute('aria-pressed') === 'true'",
        "the follow shows",
    )
    .await;
    let followers_after: i64 = app_text(&app, ".followers-count").await.parse().unwrap();
    assert_eq!(followers_after, followers_before + 1);
    app.screenshot("profile-followed").await;

    // Compose in Arabic with a hashtag, then find the post on that hashtag's page.
    app.click(".nav-item[data-screen='home']").await;
    app.click(".tab[data-tab='latest']").await;
    let text = "وصلني طلبي اليوم، شكرًا #تجربة_سوق";
    app.type_into(".compose-text", text).await;
    app.click(".post-submit").await;
    app.wait_until(
        &format!("[...document.querySelectorAll('.post .post-body')].some(b => b.textContent === {text:?})"),
        "the new post appears in the feed",
    )
    .await;
    app.click(".post .hashtag[data-tag='تجربة_سوق']").await;
    app.wait_until(
        "document.querySelector('.hashtag-title')?.textContent === '#تجربة_سوق'",
        "the hashtag page opens",
    )
    .await;
    app.wait_until(
        &format!("[...document.querySelectorAll('.post .post-body')].some(b => b.textContent === {text:?})"),
        "the post is on its hashtag page",
    )
    .await;
    app.screenshot("hashtag-arabic-post").await;
    app.quit().await;
}

/// A count shown in the UI; an empty count is zero.
async fn count(app: &App, selector: &str) -> i64 {
    app_text(app, selector).await.parse().unwrap_or(0)
}

async fn app_text(app: &App, selector: &str) -> String {
    app.eval(&format!(
        "return document.querySelector({selector:?})?.textContent ?? ''"
    ))
    .await
    .as_str()
    .unwrap_or_default()
    .trim()
    .to_string()
}

#[tokio::test]
async fn a_souq_post_link_opened_while_the_app_runs_shows_that_post() {
    let harness = Harness::start();
    let app = harness.launch().await;
    signed_in_feed(&app).await;
    latest(&app).await;
    let id = app
        .eval("return document.querySelectorAll('.post')[5].dataset.postId")
        .await;
    let id = id.as_str().unwrap().to_string();

    harness.open_link(&format!("souq://post/{id}"));
    app.wait_until(
        &format!("document.querySelector(\".single-post .post[data-post-id='{id}']\") !== null"),
        "the running app shows the linked post",
    )
    .await;
    app.screenshot("deep-link-post").await;
    app.quit().await;
}

#[tokio::test]
async fn a_store_attaches_its_own_product_to_a_new_post() {
    let harness = Harness::start();
    let app = harness.launch().await;
    app.click(".demo-account[data-email='dar.al.oud@demo.souq.example']")
        .await;
    app.wait_for(".composer .attach-products").await;
    app.type_into(".compose-text", "Back in stock this week #oud")
        .await;
    app.click(".composer .attach-products").await;
    app.wait_for(".product-picker input[name='product']").await;
    let title = app_text(&app, ".product-picker .product-choice span").await;
    app.click(".product-picker input[name='product']").await;
    app.click(".post-submit").await;
    // Posted (the composer empties) before the Latest tab is read: a page read while
    // the post was still on its way would be read again only by the next post.
    app.wait_until(
        "document.querySelector('.compose-text')?.value === ''",
        "the post is made",
    )
    .await;
    latest(&app).await;
    app.wait_until(
        &format!(
            "[...document.querySelectorAll('.post')].some(p => \
             p.querySelector('.post-body')?.textContent === 'Back in stock this week #oud' && \
             p.querySelector('.product-card .product-title')?.textContent === {title:?})"
        ),
        "the new post carries the attached product",
    )
    .await;
    app.quit().await;
}

#[tokio::test]
async fn with_five_thousand_posts_loaded_only_those_near_the_screen_are_rendered() {
    // A server whose Latest timeline holds 5,000 more posts than the demo's.
    let dir = tempfile::tempdir().unwrap();
    let server = souq_server::start(souq_server::Config {
        demo_data: true,
        ..souq_server::Config::new(
            souq_server::DatabaseConfig::Sqlite(dir.path().join("many.db")),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    })
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
         INSERT INTO posts (author_id, body, created_at)
         SELECT (SELECT id FROM users WHERE handle = 'omar'), 'Long feed post number ' || i,
                (SELECT MIN(created_at) FROM posts) - i * 60000
         FROM n",
    )
    .execute(&server.souq.base.db.pool)
    .await
    .unwrap();
    let harness = Harness::start_remote(&server.url());
    let app = harness.launch().await;
    app.type_into("#email", "layla@demo.souq.example").await;
    app.type_into("#password", "souq-demo").await;
    app.click("button.submit").await;
    app.wait_for(".post").await;
    latest(&app).await;

    // Scroll to the end again and again; infinite scroll loads every page.
    let mut most_rendered = 0;
    let started = std::time::Instant::now();
    loop {
        let state = app
            .eval(
                "window.scrollTo(0, document.documentElement.scrollHeight); \
                 return [document.querySelectorAll('.post').length, \
                         !!document.querySelector('.load-more'), \
                         document.querySelector('.feed').getAttribute('aria-busy') === 'true'];",
            )
            .await;
        let rendered = state[0].as_u64().unwrap();
        most_rendered = most_rendered.max(rendered);
        let more = state[1].as_bool().unwrap() || state[2].as_bool().unwrap();
        if !more && app.count(".post").await > 0 {
            let caught_up = app
                .eval("return document.querySelector('.feed-footer').textContent")
                .await;
            if caught_up == "You're all caught up" {
                break;
            }
        }
        assert!(
            started.elapsed().as_secs() < 240,
            "the whole feed never loaded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    // All 5,100 posts are loaded, but the page holds only a screenful or two of them.
    // The window follows the scroll on the next frame: wait for the oldest post.
    app.wait_until(
        "(() => { window.scrollTo(0, document.documentElement.scrollHeight); \
           const b = [...document.querySelectorAll('.post .post-body')]; \
           return b.length > 0 && b[b.length - 1].textContent === 'Long feed post number 5000'; })()",
        "the oldest post is reachable",
    )
    .await;
    most_rendered = most_rendered.max(app.count(".post").await.try_into().unwrap());
    assert!(
        most_rendered <= 40,
        "at most {most_rendered} posts rendered at once"
    );
    let height = app
        .eval("return document.documentElement.scrollHeight")
        .await;
    assert!(
        height.as_f64().unwrap() > 5000.0 * 100.0,
        "spacers keep the full height: {height}"
    );
    // And back at the top, the newest posts are there again.
    app.eval("window.scrollTo(0, 0); return true;").await;
    app.wait_until(
        "document.querySelector('.post .author-handle') && window.scrollY === 0 && \
         [...document.querySelectorAll('.post .post-body')].every(b => !b.textContent.startsWith('Long feed post number 49'))",
        "the top of the feed renders again",
    )
    .await;
    app.screenshot("five-thousand-posts").await;
    app.quit().await;
    drop(harness);
    server.shutdown().await.unwrap();
}
