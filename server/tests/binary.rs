//! The `souq-server` binary: starts from flags, serves, and exits cleanly on SIGTERM
//! and SIGINT after draining.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts the binary on a free port over SQLite in a temp dir; returns it and its URL.
fn start(dir: &std::path::Path) -> (Child, String) {
    start_with(dir, &[])
}

fn start_with(dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_souq-server"))
        .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
        .args(extra)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SOUQ_DEMO_DATA")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("souq-server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    (child, url)
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn the_binary_serves_and_exits_cleanly_on_sigterm_and_sigint() {
    for name in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let (mut child, url) = start(dir.path());
        let health: serde_json::Value = reqwest::get(format!("{url}/v1/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["database"], "sqlite");
        assert!(
            dir.path().join("souq.db").exists(),
            "SQLite file in the data dir"
        );
        signal(&child, name);
        let status = child.wait().unwrap();
        assert!(status.success(), "SIG{name}: {status}");
    }
}

#[test]
fn a_database_url_of_an_unknown_kind_stops_the_binary_with_an_error() {
    let status = Command::new(env!("CARGO_BIN_EXE_souq-server"))
        .args(["--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", "mysql://user:pw@localhost/souq")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
}

async fn demo_sign_in(url: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/v1/sessions"))
        .json(&serde_json::json!({"email": "layla@demo.souq.example", "password": "souq-demo"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_binary_loads_the_demo_data_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    assert_eq!(
        demo_sign_in(&url).await,
        401,
        "an empty database by default"
    );
    signal(&child, "TERM");
    child.wait().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start_with(dir.path(), &["--demo-data"]);
    assert_eq!(demo_sign_in(&url).await, 200);
    signal(&child, "TERM");
    child.wait().unwrap();
}

#[tokio::test]
async fn verify_nonprofit_turns_on_a_pending_nonprofits_badge() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path());
    let http = reqwest::Client::new();
    let session: serde_json::Value = http
        .post(format!("{url}/v1/accounts"))
        .json(
            &serde_json::json!({"email": "charity@example.com", "password": "correct horse",
            "handle": "good_cause", "display_name": "Good Cause", "role": "nonprofit"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let opened = http
        .post(format!("{url}/v1/stores"))
        .bearer_auth(token)
        .json(&serde_json::json!({"name": "Good Cause", "about": "We help.", "currency": "USD"}))
        .send()
        .await
        .unwrap();
    assert!(
        opened.status().is_success(),
        "{}",
        opened.text().await.unwrap()
    );
    let badge = |base: String| {
        let http = http.clone();
        async move {
            let store: serde_json::Value = http
                .get(format!("{base}/v1/stores/good_cause"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            store["store"]["is_nonprofit"].clone()
        }
    };
    assert_eq!(
        badge(url.clone()).await,
        false,
        "pending until an operator verifies it"
    );

    let verify = |handle: &str| {
        Command::new(env!("CARGO_BIN_EXE_souq-server"))
            .args(["--log-format", "text", "verify-nonprofit", handle])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    };
    assert!(!verify("nobody_here").success(), "an unknown handle fails");
    assert!(verify("good_cause").success());
    // The running server hears of it through its caches' age limit at the latest;
    // SQLite has no NOTIFY, so ask after a restart.
    signal(&child, "TERM");
    child.wait().unwrap();
    let (mut child, restarted) = start(dir.path());
    assert_eq!(badge(restarted).await, true);
    signal(&child, "TERM");
    child.wait().unwrap();
}
