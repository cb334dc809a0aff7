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

/// Where a crash test's servers keep their data: a SQLite file in `dir`, or a fresh
/// database on the test PostgreSQL.
enum Store {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Store {
    async fn new(postgres: bool) -> Store {
        if !postgres {
            return Store::Sqlite(tempfile::tempdir().unwrap());
        }
        let admin = std::env::var("SOUQ_TEST_POSTGRES_URL")
            .expect("SOUQ_TEST_POSTGRES_URL: run the tests with `cargo xtask test`");
        sqlx::any::install_default_drivers();
        // One database per test: the crash tests run side by side in one process.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = format!(
            "souq_crash_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Store::Postgres(format!("{base}/{name}"))
    }

    fn url(&self) -> String {
        match self {
            Store::Sqlite(dir) => format!("sqlite://{}", dir.path().join("souq.db").display()),
            Store::Postgres(url) => url.clone(),
        }
    }

    fn start(&self, extra: &[&str]) -> (Child, String) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_souq-server"));
        command
            .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
            .args(extra)
            .env_remove("SOUQ_DEMO_DATA")
            .env("DATABASE_URL", self.url());
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("souq-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        (child, url)
    }

    async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.url()).await.unwrap()
    }
}

/// A buyer with money in the wallet and an address, on a loopback address of their own
/// (so that sign-up quotas per address do not stop the test's crowd).
async fn buyer(url: &str, n: u8) -> (reqwest::Client, String, i64) {
    let http = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 1, n]))
        .build()
        .unwrap();
    let session: serde_json::Value = http
        .post(format!("{url}/v1/accounts"))
        .json(
            &serde_json::json!({"email": format!("rusher{n}@example.com"),
            "password": "correct horse", "handle": format!("rusher{n}"),
            "display_name": "Rusher", "role": "shopper"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let address: serde_json::Value = http
        .post(format!("{url}/v1/addresses"))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"name": "Rusher", "phone": "+966501234567",
            "line1": "Olaya Street 1", "city": "Riyadh", "country": "SA"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let topped = http
        .post(format!("{url}/v1/wallet/top-ups"))
        .bearer_auth(&token)
        .header("Idempotency-Key", format!("top-up-of-rusher-{n:03}"))
        .json(
            &serde_json::json!({"amount_minor": 1_000_000, "currency": "SAR",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040,
                     "cvc": "123"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(topped.status(), 200, "{}", topped.text().await.unwrap());
    (http, token, address["id"].as_i64().unwrap())
}

/// kill -9 of a server in the middle of a rush: every order a client saw confirmed
/// exists and is paid, and no stock or money is lost or made up.
async fn a_server_killed_mid_rush_loses_nothing_it_confirmed(postgres: bool) {
    let store = Store::new(postgres).await;
    let (mut doomed, doomed_url) = store.start(&["--demo-data"]);
    // On PostgreSQL a second instance carries on; SQLite has the one, restarted after.
    let survivor = postgres.then(|| store.start(&[]));
    let pool = store.pool().await;
    let (variant, price, store_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT v.id, v.price_minor, pr.store_id FROM variants v
         JOIN products pr ON pr.id = v.product_id
         WHERE pr.currency = 'SAR' AND pr.published_at IS NOT NULL AND pr.archived_at IS NULL
         ORDER BY v.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (shipping, shipping_price): (i64, i64) = sqlx::query_as(
        "SELECT id, price_minor FROM shipping_options WHERE store_id = $1
         ORDER BY position LIMIT 1",
    )
    .bind(store_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    const STOCK: i64 = 15;
    sqlx::query(
        "UPDATE stock_lots SET units = CASE WHEN lot = 0 THEN $1 ELSE 0 END WHERE variant_id = $2",
    )
    .bind(STOCK)
    .bind(variant)
    .execute(&pool)
    .await
    .unwrap();
    let mut buyers = Vec::new();
    for n in 0..24u8 {
        buyers.push(buyer(&doomed_url, n + 1).await);
    }
    let urls: Vec<String> = std::iter::once(doomed_url.clone())
        .chain(survivor.iter().map(|(_, url)| url.clone()))
        .collect();
    let mut racers = tokio::task::JoinSet::new();
    for (n, (http, token, address)) in buyers.into_iter().enumerate() {
        let url = urls[n % urls.len()].clone();
        racers.spawn(async move {
            let sent = http
                .post(format!("{url}/v1/checkouts"))
                .bearer_auth(&token)
                .header("Idempotency-Key", format!("rush-attempt-of-{n:04}"))
                .json(&serde_json::json!({
                    "lines": [{"variant_id": variant, "quantity": 1, "unit_price_minor": price}],
                    "address_id": address,
                    "shipping": [{"store_id": store_id, "shipping_option_id": shipping,
                                  "price_minor": shipping_price}],
                    "payment": {"method": "wallet"},
                }))
                .send()
                .await;
            match sent {
                Ok(response) if response.status() == 200 => {
                    let body: serde_json::Value = response.json().await.unwrap();
                    Some(body["orders"][0]["id"].as_i64().unwrap())
                }
                // Refused (sold out), or the server died under the request.
                _ => None,
            }
        });
    }
    // Once the rush is under way (a few orders paid), kill the first server where it
    // stands.
    for _ in 0..2_000 {
        let (paid,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .fetch_one(&pool)
            .await
            .unwrap();
        if paid >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let mut confirmed = Vec::new();
    while let Some(result) = racers.join_next().await {
        confirmed.extend(result.unwrap());
    }
    if let Some((mut child, _)) = survivor {
        signal(&child, "TERM");
        child.wait().unwrap();
    }
    // The data as it stands after the crash (SQLite: opened anew, as a restart would).
    drop(pool);
    let pool = store.pool().await;
    for order in &confirmed {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(status, "paid", "order {order} was confirmed");
    }
    let (sold, paid_total): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT),
                CAST(COALESCE(SUM(o.total_minor), 0) AS BIGINT)
         FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.status = 'paid'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (left,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) FROM stock_lots WHERE variant_id = $1",
    )
    .bind(variant)
    .fetch_one(&pool)
    .await
    .unwrap();
    eprintln!("confirmed {}, sold {sold}, left {left}", confirmed.len());
    assert!(sold >= 3, "the kill came mid-rush");
    assert!(sold >= i64::try_from(confirmed.len()).unwrap());
    assert_eq!(left + sold, STOCK, "no unit lost or made up");
    let (unfinished,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM orders WHERE status = 'placed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        unfinished, 0,
        "a wallet order is placed and paid at once, or not at all"
    );
    let (spent,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(debits_posted), 0) AS BIGINT) FROM ledger_accounts
         WHERE kind = 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        spent, paid_total,
        "wallets paid exactly for the paid orders"
    );
    let sums: Vec<(String, i64)> = sqlx::query_as(
        "SELECT currency, CAST(SUM(credits_posted - debits_posted) AS BIGINT)
         FROM ledger_accounts GROUP BY currency",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        sums.iter().all(|(_, sum)| *sum == 0),
        "the ledger sums to zero: {sums:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_rush_loses_nothing_it_confirmed_on_sqlite() {
    a_server_killed_mid_rush_loses_nothing_it_confirmed(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_rush_loses_nothing_it_confirmed_on_postgres() {
    a_server_killed_mid_rush_loses_nothing_it_confirmed(true).await;
}

/// kill -9 of a server in the middle of a burst of sends between people: every send a
/// client saw acknowledged exists, none exists in half (a transfer without its send's
/// row, or the reverse), and the wallets still hold what was put in.
async fn a_server_killed_mid_sends_loses_nothing_it_acknowledged(postgres: bool) {
    let store = Store::new(postgres).await;
    let (mut doomed, doomed_url) = store.start(&[]);
    let survivor = postgres.then(|| store.start(&[]));
    const PEOPLE: u8 = 8;
    let mut people = Vec::new();
    for n in 0..PEOPLE {
        let (http, token, _) = buyer(&doomed_url, n + 1).await;
        let pin = http
            .put(format!("{doomed_url}/v1/vault/pin"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"pin": "482913"}))
            .send()
            .await
            .unwrap();
        assert_eq!(pin.status(), 200);
        people.push((http, token));
    }
    let urls: Vec<String> = std::iter::once(doomed_url.clone())
        .chain(survivor.iter().map(|(_, url)| url.clone()))
        .collect();
    let mut senders = tokio::task::JoinSet::new();
    for n in 0..96usize {
        let from = n % usize::from(PEOPLE);
        let to = (from + 1 + n / usize::from(PEOPLE)) % usize::from(PEOPLE);
        let to = if to == from {
            (to + 1) % usize::from(PEOPLE)
        } else {
            to
        };
        let (http, token) = people[from].clone();
        let url = urls[n % urls.len()].clone();
        senders.spawn(async move {
            let sent = http
                .post(format!("{url}/v1/wallet/sends"))
                .bearer_auth(&token)
                .header("Idempotency-Key", format!("burst-send-{n:06}"))
                .json(&serde_json::json!({"to": format!("rusher{}", to + 1),
                    "amount_minor": 1_000 + n, "currency": "SAR"}))
                .send()
                .await;
            match sent {
                Ok(response) if response.status() == 200 => {
                    let body: serde_json::Value = response.json().await.unwrap();
                    Some(body["transfer_id"].as_str().unwrap().to_string())
                }
                _ => None,
            }
        });
    }
    let pool = store.pool().await;
    for _ in 0..2_000 {
        let (made,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM money_sends")
            .fetch_one(&pool)
            .await
            .unwrap();
        if made >= 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    let mut acknowledged = Vec::new();
    while let Some(result) = senders.join_next().await {
        acknowledged.extend(result.unwrap());
    }
    if let Some((mut child, _)) = survivor {
        signal(&child, "TERM");
        child.wait().unwrap();
    }
    drop(pool);
    let pool = store.pool().await;
    for id in &acknowledged {
        let (transfers, sends): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM ledger_transfers WHERE id = $1),
                    (SELECT COUNT(*) FROM money_sends WHERE transfer_id = $1)",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!((transfers, sends), (1, 1), "acknowledged send {id}");
    }
    let (halves,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM ledger_transfers t WHERE t.code = 'p2p'
                 AND NOT EXISTS (SELECT 1 FROM money_sends s WHERE s.transfer_id = t.id))
              + (SELECT COUNT(*) FROM money_sends s
                 WHERE NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = s.transfer_id))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(halves, 0, "no send exists in half");
    let (held,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(credits_posted - debits_posted), 0) AS BIGINT)
         FROM ledger_accounts WHERE kind = 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        held,
        i64::from(PEOPLE) * 1_000_000,
        "the wallets hold what was put in"
    );
    eprintln!("acknowledged {} sends", acknowledged.len());
    assert!(!acknowledged.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_sends_loses_nothing_it_acknowledged_on_sqlite() {
    a_server_killed_mid_sends_loses_nothing_it_acknowledged(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_sends_loses_nothing_it_acknowledged_on_postgres() {
    a_server_killed_mid_sends_loses_nothing_it_acknowledged(true).await;
}
