//! The `souq-server` binary: starts from flags, serves, and exits cleanly on SIGTERM
//! and SIGINT after draining.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts the binary on a free port over SQLite in a temp dir; returns it and its URL.
fn start(dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_souq-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--no-demo-data",
            "--log-format",
            "text",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DATABASE_URL")
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
