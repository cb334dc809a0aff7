//! Money between people, for `cargo xtask bench`: `sends DATABASE_URL URLS PEOPLE
//! CLIENTS SENDS`. Sets up (in the database, as a running Souq would have them) PEOPLE
//! signed-in people, each with 10,000.00 SAR in the wallet, a PIN, the session
//! unlocked and two sends from earlier days, statistics taken; then CLIENTS clients send SENDS sends in all, each from a random person to
//! another, spread over the server instances in URLS, as the app sends them (an
//! idempotency key each). It checks the ledger afterwards and prints one line:
//! `sends=N failed=N transfers_per_sec=F p50_ms=F p99_ms=F ledger_sum=N conserved=N
//! seconds=F`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::as_conversions
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

const FUNDS: i64 = 1_000_000;

async fn execute(pool: &AnyPool, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// PEOPLE people with money, a PIN and an unlocked session: their (handle, token).
async fn set_up_the_people(pool: &AnyPool, people: usize) -> Vec<(String, String)> {
    let now = chrono::Utc::now().timestamp_millis();
    let later = now + 86_400_000;
    execute(
        pool,
        &format!(
            "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
             SELECT 'sender' || g || '@bench.example', 'sender' || g, 'Sender ' || g, 'x',
                    'shopper', {now} FROM generate_series(1, {people}) g;
             INSERT INTO vault_pins (user_id, pin_hash, updated_at)
             SELECT id, 'x', {now} FROM users WHERE handle LIKE 'sender%';
             INSERT INTO ledger_accounts (kind, owner_id, currency, created_at)
             VALUES (0, 0, 'SAR', {now}) ON CONFLICT DO NOTHING;
             INSERT INTO ledger_accounts (kind, owner_id, currency, created_at)
             SELECT 1, id, 'SAR', {now} FROM users WHERE handle LIKE 'sender%';
             INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                                           amount, kind, code, created_at)
             SELECT 'sends-fund-' || w.owner_id, x.id, w.id, 'SAR', {FUNDS}, 0, 'top_up', {now}
             FROM ledger_accounts w, ledger_accounts x
             WHERE w.kind = 1 AND x.kind = 0 AND x.currency = 'SAR' AND w.currency = 'SAR'
               AND w.owner_id IN (SELECT id FROM users WHERE handle LIKE 'sender%');"
        ),
    )
    .await;
    // Two sends a person from earlier days (outside the daily limit's 24 hours), and
    // statistics taken, as a running Souq's tables have them: without them PostgreSQL
    // plans for empty tables and scans `money_sends` whole, which no deployment does.
    let earlier = now - 3 * 86_400_000;
    let past = people * 2;
    execute(
        pool,
        &format!(
            "CREATE TEMP TABLE past_pairs AS
             SELECT g, w.id AS debit, w.owner_id AS sender, r.id AS credit, r.owner_id AS recipient
             FROM generate_series(1, {past}) g
             JOIN (SELECT id, owner_id, row_number() OVER (ORDER BY id) - 1 AS n
                   FROM ledger_accounts WHERE kind = 1 AND currency = 'SAR') w
               ON w.n = g % {people}
             JOIN (SELECT id, owner_id, row_number() OVER (ORDER BY id) - 1 AS n
                   FROM ledger_accounts WHERE kind = 1 AND currency = 'SAR') r
               ON r.n = (g * 7 + 1) % {people} AND r.id <> w.id;
             INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                                           amount, kind, code, created_at)
             SELECT 'sends-past-' || g, debit, credit, 'SAR', 100, 0, 'p2p', {earlier} + g
             FROM past_pairs;
             INSERT INTO money_sends (transfer_id, sender_id, recipient_id, idempotency_key,
                                      request_hash, currency, amount_minor, note, created_at)
             SELECT 'sends-past-' || g, sender, recipient, 'past-' || g, 'x', 'SAR', 100, '',
                    {earlier} + g
             FROM past_pairs;
             INSERT INTO notifications (user_id, kind, actor_id, money_send_id, created_at)
             SELECT m.recipient_id, 'money_received', m.sender_id, m.id, m.created_at
             FROM money_sends m;
             DROP TABLE past_pairs;
             ANALYZE;"
        ),
    )
    .await;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, handle FROM users WHERE handle LIKE 'sender%' ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut people = Vec::new();
    for chunk in rows.chunks(500) {
        let mut sessions = Vec::new();
        let mut unlocks = Vec::new();
        for (user, handle) in chunk {
            let token = format!("sends-token-{user}-{}", souq_server::base::random::id(16));
            let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
            sessions.push(format!(
                "('{hash}', 'sends{user}', {user}, 'bench', {now}, {now}, {later})"
            ));
            unlocks.push(format!("('{hash}', {user}, {later})"));
            people.push((handle.clone(), token));
        }
        execute(
            pool,
            &format!(
                "INSERT INTO sessions (token_hash, session_id, user_id, device, created_at,
                                       last_used_at, expires_at) VALUES {};
                 INSERT INTO vault_unlocks (session_hash, user_id, until_at) VALUES {};",
                sessions.join(", "),
                unlocks.join(", ")
            ),
        )
        .await;
    }
    people
}

/// A small fast generator (xorshift), seeded per client: the sends' pairs.
struct Picks(u64);

impl Picks {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

async fn send(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    to: &str,
    key: String,
    amount: i64,
) -> (u16, Duration) {
    let sent = Instant::now();
    let answer = http
        .post(format!("{url}/v1/wallet/sends"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({"to": to, "amount_minor": amount, "currency": "SAR"}))
        .send()
        .await;
    (
        answer.map(|r| r.status().as_u16()).unwrap_or(0),
        sent.elapsed(),
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [database, urls, people, clients, sends] = args.as_slice() else {
        eprintln!("usage: sends DATABASE_URL URLS PEOPLE CLIENTS SENDS");
        std::process::exit(2);
    };
    let people: usize = people.parse().expect("PEOPLE is a number");
    let clients: usize = clients.parse().expect("CLIENTS is a number");
    let sends: usize = sends.parse().expect("SENDS is a number");
    let urls: Vec<String> = urls.split(',').map(str::to_string).collect();
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(4)
        .connect(database)
        .await
        .expect("the database");
    let people = Arc::new(set_up_the_people(&pool, people).await);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    // Warm: every person's session in use, as the app of someone about to send has
    // used it (the wallet's screen came first), so that what is timed is the sends and
    // not first sight of 10,000 sessions.
    let warm_next = Arc::new(AtomicUsize::new(0));
    let mut warming = tokio::task::JoinSet::new();
    for n in 0..clients {
        let (http, url, people, warm_next) = (
            http.clone(),
            urls[n % urls.len()].clone(),
            people.clone(),
            warm_next.clone(),
        );
        warming.spawn(async move {
            loop {
                let i = warm_next.fetch_add(1, Ordering::Relaxed);
                let Some((_, token)) = people.get(i) else {
                    break 200;
                };
                let seen = http
                    .get(format!("{url}/v1/me"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                if seen != 200 {
                    break seen;
                }
            }
        });
    }
    while let Some(warmed) = warming.join_next().await {
        assert_eq!(warmed.unwrap(), 200, "a session did not warm");
    }
    // And each client's connection open and a send made, as a running app's would be.
    let mut warming = tokio::task::JoinSet::new();
    for n in 0..clients {
        let (http, url, people) = (http.clone(), urls[n % urls.len()].clone(), people.clone());
        warming.spawn(async move {
            let (from, to) = (&people[n % people.len()], &people[(n + 1) % people.len()]);
            send(&http, &url, &from.1, &to.0, format!("sends-warm-{n:08}"), 1).await
        });
    }
    while let Some(warmed) = warming.join_next().await {
        assert_eq!(warmed.unwrap().0, 200, "a warm-up send failed");
    }

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    for client in 0..clients {
        let (http, url, people, next) = (
            http.clone(),
            urls[client % urls.len()].clone(),
            people.clone(),
            next.clone(),
        );
        running.spawn(async move {
            let mut picks = Picks(0x9E37_79B9_7F4A_7C15 ^ (client as u64 + 1));
            let mut answers = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= sends {
                    break answers;
                }
                let from = picks.below(people.len());
                let to = (from + 1 + picks.below(people.len() - 1)) % people.len();
                let amount = 1 + picks.below(5_000) as i64;
                answers.push(
                    send(
                        &http,
                        &url,
                        &people[from].1,
                        &people[to].0,
                        format!("sends-{n:012}"),
                        amount,
                    )
                    .await,
                );
            }
        });
    }
    let mut answers = Vec::new();
    while let Some(done) = running.join_next().await {
        answers.extend(done.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    let ok = answers.iter().filter(|(status, _)| *status == 200).count();
    let mut millis: Vec<f64> = answers
        .iter()
        .map(|(_, took)| took.as_secs_f64() * 1000.0)
        .collect();
    millis.sort_by(f64::total_cmp);
    let (ledger_sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(credits_posted - debits_posted), 0) AS BIGINT)
         FROM ledger_accounts WHERE currency = 'SAR'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (wallets,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(credits_posted - debits_posted), 0) AS BIGINT)
         FROM ledger_accounts WHERE kind = 1 AND currency = 'SAR'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let conserved = i64::from(wallets == FUNDS * people.len() as i64);
    println!(
        "sends={ok} failed={} transfers_per_sec={:.1} p50_ms={:.1} p99_ms={:.1} \
         ledger_sum={ledger_sum} conserved={conserved} seconds={seconds:.2}",
        answers.len() - ok,
        ok as f64 / seconds,
        percentile(&millis, 50.0),
        percentile(&millis, 99.0),
    );
}
