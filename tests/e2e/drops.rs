//! Drop reminders on the real app with a real D-Bus notification daemon: a store
//! schedules three drops in its studio; a shopper taps Remind me on each; "starts in 15
//! minutes" reaches the daemon within 2 s of its time, and a restart sends nothing again;
//! in Arabic, "is live now" arrives at the launch, and the daemon's click on it opens the
//! drop's page; with the window closed to the tray, the next reminder still arrives.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use souq_e2e::{App, Harness};

const STORE: &str = ".demo-account[data-email='dar.al.oud@demo.souq.example']";

/// `secs` from now, to the second, as the studio's datetime-local takes it in UTC (the
/// harness's zone), and as seconds since the epoch.
fn local_in(secs: u64) -> (String, f64) {
    let at = SystemTime::now() + Duration::from_secs(secs);
    let whole = at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let time = chrono::DateTime::from_timestamp(i64::try_from(whole).unwrap_or_default(), 0)
        .unwrap_or_default();
    let seconds = Duration::from_secs(whole).as_secs_f64();
    (time.format("%Y-%m-%dT%H:%M:%S").to_string(), seconds)
}

async fn set_value(app: &App, css: &str, value: &str) {
    app.eval(&format!(
        "const el = document.querySelector({css:?}); el.value = {value:?};
         el.dispatchEvent(new Event('input', {{bubbles: true}}));
         el.dispatchEvent(new Event('change', {{bubbles: true}}));"
    ))
    .await;
}

/// Schedules a drop of an option no drop holds, launching at `local` UTC; its id.
async fn schedule(app: &App, title: &str, hashtag: &str, local: &str) -> i64 {
    app.eval(
        // Each drop its own option, none the demo's Oud Royale (in a drop already).
        "const select = document.querySelector('.drop-option');
         const used = Number(select.dataset.used || 0);
         const free = [...select.options].filter(o => !/Oud Royale/.test(o.textContent));
         select.value = free[used].value;
         select.dataset.used = String(used + 1);
         select.dispatchEvent(new Event('change', {bubbles: true}));",
    )
    .await;
    set_value(app, ".drop-title", title).await;
    set_value(app, ".drop-hashtag", hashtag).await;
    set_value(app, ".drop-launch", local).await;
    set_value(app, ".drop-zone", "UTC").await;
    set_value(app, ".drop-stock", "1").await;
    set_value(app, ".drop-limit", "1").await;
    app.click(".schedule-drop").await;
    app.wait_until(
        &format!("[...document.querySelectorAll('.studio-drop h3')].some(h => h.textContent === {title:?})"),
        "the drop is listed in the studio",
    )
    .await;
    app.eval(&format!(
        "return Number([...document.querySelectorAll('.studio-drop')]
             .find(li => li.querySelector('h3').textContent === {title:?}).dataset.dropId);"
    ))
    .await
    .as_i64()
    .expect("a drop id")
}

async fn remind(harness: &Harness, app: &App, id: i64) {
    harness.open_link(&format!("souq://drop/{id}"));
    app.wait_for(&format!(".drop-page[data-drop-id='{id}'] .remind-me"))
        .await;
    app.click(".remind-me").await;
    app.wait_for(".remind-me[aria-pressed='true']").await;
}

#[tokio::test]
async fn drop_reminders_arrive_once_on_time_in_both_languages_and_open_the_drop() {
    let harness = Harness::start();
    let app = harness.launch().await;
    app.click(STORE).await;
    app.wait_for(".post").await;
    app.click(".nav-item[data-screen='studio']").await;
    app.wait_until(
        "(() => { const tab = [...document.querySelectorAll('[role=tab]')].find(t => /Drops/.test(t.textContent)); if (tab) { tab.click(); } return !!document.querySelector('.drop-form'); })()",
        "the studio's drops",
    )
    .await;
    app.wait_for(".drop-option option").await;
    // The soon reminder of the first comes ~50 s from now; the others launch after it.
    let (soon_local, soon_launch) = local_in(15 * 60 + 50);
    let soon = schedule(&app, "E2E soon drop", "E2eSoon", &soon_local).await;
    let (live_local, live_launch) = local_in(80);
    let live = schedule(&app, "E2E live drop", "E2eLive", &live_local).await;
    let (tray_local, tray_launch) = local_in(110);
    let tray = schedule(&app, "E2E tray drop", "E2eTray", &tray_local).await;
    app.screenshot("studio-drops").await;
    app.click(".nav-item[data-screen='settings']").await;
    app.click(".sign-out").await;
    app.wait_for(".demo-account").await;
    crate::signed_in_feed(&app).await;
    for id in [soon, live, tray] {
        remind(&harness, &app, id).await;
    }
    app.screenshot("drop-page").await;
    app.check_accessibility("drop page").await;

    // "Starts in 15 minutes", within 2 s of its time.
    let due = soon_launch - 15.0 * 60.0;
    let (at, _, line) = harness.notification_with("starts in 15 minutes", Duration::from_secs(90));
    assert!(line.contains("E2E soon drop"), "{line}");
    assert!(
        (at - due).abs() < 2.0,
        "arrived {:.1} s off its time",
        at - due
    );

    // A restart sends nothing again.
    app.quit().await;
    let app = harness.launch().await;
    app.wait_for(".post").await;
    std::thread::sleep(Duration::from_secs(3));
    let sent = harness.notifications();
    assert_eq!(
        sent.iter()
            .filter(|(_, _, l)| l.contains("starts in 15 minutes"))
            .count(),
        1,
        "{sent:?}"
    );

    // In Arabic: "is live now" at the launch, and a click opens the drop.
    crate::arabic_on_a_phone(&app).await;
    let (at, id, line) = harness.notification_with("الإطلاق متاح الآن", Duration::from_secs(90));
    assert!(line.contains("E2E live drop"), "{line}");
    assert!(
        (at - live_launch).abs() < 2.0,
        "arrived {:.1} s off its launch",
        at - live_launch
    );
    harness.click_notification(id);
    app.wait_for(&format!(".drop-page[data-drop-id='{live}']"))
        .await;
    app.screenshot("drop-page-live-ar").await;

    // Closed to the tray, Souq still reminds.
    harness.close_window_as_a_user();
    let (at, _, line) = harness.notification_with("E2E tray drop", Duration::from_secs(90));
    assert!(line.contains("متاح الآن"), "{line}");
    assert!(
        (at - tray_launch).abs() < 2.0,
        "arrived {:.1} s off its launch",
        at - tray_launch
    );
    assert!(harness.app_runs(), "Souq kept running in the tray");
    app.quit().await;
}
