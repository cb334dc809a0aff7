//! Updates end to end: a loopback update server publishes releases of Souq. The app
//! says when it is up to date; finds a newer release, shows what is new, and installs it
//! only when the user says so; and refuses a release signed by another key, or signed
//! for another version than its manifest claims, leaving the installed app untouched.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::io::Cursor;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use souq_e2e::{Harness, Launch};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the update server publishes: a manifest and the package it names.
#[derive(Clone)]
struct Release {
    manifest: String,
    package: Vec<u8>,
}

/// A static update server on loopback; `publish` swaps what it serves.
struct UpdateServer {
    url: String,
    release: Arc<Mutex<Release>>,
}

impl UpdateServer {
    async fn start() -> UpdateServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let release = Arc::new(Mutex::new(Release {
            manifest: String::new(),
            package: Vec::new(),
        }));
        let serving = release.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let release = serving.lock().unwrap().clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head);
                    let path = head.split_whitespace().nth(1).unwrap_or("/");
                    let (kind, body) = match path {
                        "/latest.json" => ("application/json", release.manifest.into_bytes()),
                        "/Souq.AppImage" => ("application/octet-stream", release.package),
                        _ => ("text/plain", b"not found".to_vec()),
                    };
                    let status = if kind == "text/plain" {
                        "404 Not Found"
                    } else {
                        "200 OK"
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                });
            }
        });
        UpdateServer { url, release }
    }

    /// Publishes `version` with `package`, signed by `key` as being `signed_for`.
    fn publish(&self, version: &str, package: &[u8], key: &minisign::KeyPair, signed_for: &str) {
        let trusted = format!("timestamp:1764720000\tfile:Souq.AppImage\tversion:{signed_for}");
        let signature = minisign::sign(
            Some(&key.pk),
            &key.sk,
            Cursor::new(package),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        let manifest = serde_json::json!({
            "version": version,
            "notes": "Faster first launch.\nCheckout remembers your address.",
            "pub_date": "2026-12-03T09:00:00Z",
            "platforms": {
                "linux-x86_64": {
                    "signature": STANDARD.encode(signature.to_string()),
                    "url": format!("{}/Souq.AppImage", self.url),
                }
            }
        });
        *self.release.lock().unwrap() = Release {
            manifest: manifest.to_string(),
            package: package.to_vec(),
        };
    }
}

fn public_key(key: &minisign::KeyPair) -> String {
    STANDARD.encode(key.pk.to_box().unwrap().to_string())
}

/// The app under test, linked into `dir`: what the update replaces is this copy.
fn installed_copy(dir: &Path) -> PathBuf {
    let copy = dir.join("souq-app");
    let app = Harness::app_under_test();
    std::fs::hard_link(&app, &copy)
        .or_else(|_| std::fs::copy(&app, &copy).map(|_| ()))
        .unwrap();
    copy
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_update_is_installed_on_the_users_word_and_a_forged_one_never() {
    let server = UpdateServer::start().await;
    let release_key = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let other_key = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let apps = tempfile::tempdir().unwrap();
    let app_path = installed_copy(apps.path());
    let harness = Harness::start_with(Launch {
        app: Some(app_path.clone()),
        env: vec![
            (
                "SOUQ_UPDATE_ENDPOINT".into(),
                format!("{}/latest.json", server.url),
            ),
            ("SOUQ_UPDATE_PUBKEY".into(), public_key(&release_key)),
        ],
        ..Launch::default()
    });
    let app = harness.launch().await;
    crate::signed_in_feed(&app).await;
    app.click(".nav-item[data-screen='settings']").await;
    app.wait_until(
        "document.querySelector('.app-version')?.textContent === '0.1.0'",
        "Settings tells the app's version",
    )
    .await;

    // The release published is this one: nothing to install.
    let current = std::fs::read(&app_path).unwrap();
    server.publish("0.1.0", b"\x7fELF the same", &release_key, "0.1.0");
    app.click(".check-updates").await;
    app.wait_for(".up-to-date").await;
    assert!(app.count(".install-update").await == 0);

    // An ELF, as an AppImage is; what the install must leave in the app's place.
    let mut package = std::fs::read("/bin/true").unwrap();
    package.extend_from_slice(b"\nSouq 0.2.0");
    let before = std::fs::metadata(&app_path).unwrap();
    let untouched = |what: &str| {
        let now = std::fs::metadata(&app_path).unwrap();
        assert_eq!(
            (now.ino(), now.len(), now.mtime()),
            (before.ino(), before.len(), before.mtime()),
            "{what}: the installed app was changed"
        );
    };

    // Signed by someone else: found, shown, and refused at install.
    server.publish("0.2.0", &package, &other_key, "0.2.0");
    app.click(".check-updates").await;
    app.wait_for(".update-found .install-update").await;
    app.click(".install-update").await;
    app.wait_until(
        "document.querySelector('.app-updates [role=alert]')?.textContent.includes('not signed by Souq')",
        "a package signed by another key is refused",
    )
    .await;
    untouched("another key");

    // Signed by the release key, but for another version than the manifest claims: an
    // older package passed off as new.
    server.publish("0.2.0", &package, &release_key, "0.1.5");
    app.click(".check-updates").await;
    app.wait_until(
        "!document.querySelector('.app-updates [role=alert]') && !!document.querySelector('.install-update:not([disabled])')",
        "the new check clears the old refusal",
    )
    .await;
    app.click(".install-update").await;
    app.wait_until(
        "document.querySelector('.app-updates [role=alert]')?.textContent.includes('not signed by Souq')",
        "a package signed for another version is refused",
    )
    .await;
    untouched("another version");

    // The real thing: shown with what is new, installed once the user says so.
    server.publish("0.2.0", &package, &release_key, "0.2.0");
    app.click(".check-updates").await;
    app.wait_until(
        "document.querySelector('.update-version')?.textContent === '0.2.0' && !document.querySelector('.app-updates [role=alert]')",
        "the update is shown",
    )
    .await;
    let notes = app
        .eval("return document.querySelector('.update-notes').textContent")
        .await;
    assert!(
        notes.as_str().unwrap().contains("Faster first launch."),
        "{notes}"
    );
    assert_eq!(
        std::fs::read(&app_path).unwrap().len(),
        current.len(),
        "nothing is installed before the user says so"
    );
    app.eval("document.querySelector('.app-updates').scrollIntoView({block: 'end'}); return true")
        .await;
    app.screenshot("update-found-en").await;
    app.click(".install-update").await;
    app.wait_for(".update-installed .restart-app").await;
    assert_eq!(
        std::fs::read(&app_path).unwrap(),
        package,
        "the update took the app's place"
    );
    let mode = std::fs::metadata(&app_path).unwrap().mode();
    assert!(mode & 0o111 != 0, "the new app can run: {mode:o}");
    app.screenshot("update-installed-en").await;

    // In Arabic at a phone's width the panel says the same, and fits.
    crate::arabic_on_a_phone_from_settings(&app).await;
    app.wait_until(
        "document.querySelector('.restart-app')?.textContent.trim() === 'إعادة التشغيل الآن' && document.querySelector('.app-version')?.textContent === '0.1.0'",
        "the installed update is told in Arabic",
    )
    .await;
    // At the end of the screen, Restart now clears the bottom tab bar.
    app.eval(
        "let scroller = document.querySelector('.restart-app').parentElement;
         while (scroller && !(scroller.scrollHeight > scroller.clientHeight
             && ['auto', 'scroll'].includes(getComputedStyle(scroller).overflowY))) {
             scroller = scroller.parentElement;
         }
         (scroller || document.scrollingElement).scrollTop = 1e9;
         return true",
    )
    .await;
    app.wait_until(
        "document.querySelector('.restart-app').getBoundingClientRect().bottom
             <= document.querySelector('.nav').getBoundingClientRect().top",
        "Restart now is above the tab bar",
    )
    .await;
    crate::fits_the_screen(&app, "update-installed-ar-phone").await;
    app.quit().await;
}
