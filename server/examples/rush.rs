//! The launch rush, for `cargo xtask bench`: `rush DATABASE_URL URLS SHOPPERS CONCURRENCY
//! STOCK`. Sets up (in the database, as a launch would find it) one option with STOCK
//! units and SHOPPERS signed-in shoppers with money in their wallets and an address.
//! A launch comes to servers that have been running, so before the clock starts the
//! client opens its CONCURRENCY connections and a few shoppers buy another product
//! (pgbench, beside it, leaves its connections' setup out too). Then it sends each
//! shopper's checkout of one unit, CONCURRENCY at once, spread over the server
//! instances in URLS (comma-separated), checks what happened in the database and
//! prints one line:
//! `sold=N oversold=N double_charges=N ledger_sum=N orders_per_sec=F p50_ms=F p99_ms=F
//! refused=N failed=N seconds=F`.
//!
//! With a sixth argument `drop`, the option is a product drop launching a few seconds
//! after the warm-up (limit one per shopper): every shopper listens to the drop update
//! stream, one checkout before the launch must be 409 `drop_not_live`, then all of them
//! buy at the launch, and the line adds `early=STATUS`, `heard_all_ms` (from the launch
//! until every shopper has heard of the sell-out, by its answer or by the stream) and
//! `heard_after_sellout_ms` (from the last unit paid until the last listener heard).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::as_conversions
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

const PRICE: i64 = 10_000;

async fn execute(pool: &AnyPool, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// Shoppers who buy the warm-up product before the rush, on each server.
const WARM_UP_BUYERS: usize = 16;

/// The option on sale, its store and its shipping: (variant, store, shipping option);
/// and beside it a warm-up option of the same store with plenty in stock.
async fn set_up_the_drop(pool: &AnyPool, stock: i64) -> ((i64, i64, i64), i64) {
    let now = chrono::Utc::now().timestamp_millis();
    execute(
        pool,
        &format!(
            "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
             VALUES ('rush-store@bench.example', 'rush_store', 'Rush Store', 'x', 'merchant', {now});
             INSERT INTO stores (owner_id, handle, name, about, created_at, currency)
             SELECT id, 'rush_store', 'Rush Store', 'The launch', {now}, 'SAR' FROM users
             WHERE handle = 'rush_store';
             INSERT INTO products (store_id, title, description, category, currency, created_at,
                                   published_at, price_minor, in_stock)
             SELECT id, 'Launch sneaker', 'The drop', 'fashion', 'SAR', {now}, {now}, {PRICE}, 1
             FROM stores WHERE handle = 'rush_store';
             INSERT INTO variants (product_id, name, sku, price_minor)
             SELECT id, 'One size', 'rush-1', {PRICE} FROM products WHERE title = 'Launch sneaker';
             INSERT INTO variants (product_id, name, sku, price_minor)
             SELECT id, 'Socks', 'rush-warm-up', {PRICE} FROM products WHERE title = 'Launch sneaker';
             INSERT INTO shipping_options (store_id, name, price_minor, min_days, max_days, position)
             SELECT id, 'Standard', 0, 2, 4, 0 FROM stores WHERE handle = 'rush_store';"
        ),
    )
    .await;
    let (variant, store, shipping): (i64, i64, i64) = sqlx::query_as(
        "SELECT v.id, s.id, o.id FROM variants v JOIN products pr ON pr.id = v.product_id
         JOIN stores s ON s.id = pr.store_id JOIN shipping_options o ON o.store_id = s.id
         WHERE v.sku = 'rush-1'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (warm_up,): (i64,) = sqlx::query_as("SELECT id FROM variants WHERE sku = 'rush-warm-up'")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    souq_server::stores::stock::set(&mut conn, variant, stock)
        .await
        .unwrap();
    souq_server::stores::stock::set(&mut conn, warm_up, 1_000_000)
        .await
        .unwrap();
    ((variant, store, shipping), warm_up)
}

/// One checkout of one unit of `variant`, as the app sends it: (status, time taken).
async fn buy(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    key: String,
    (variant, store, shipping): (i64, i64, i64),
    address: i64,
) -> (u16, Duration) {
    let sent = Instant::now();
    let answer = http
        .post(format!("{url}/v1/checkouts"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({
            "lines": [{"variant_id": variant, "quantity": 1, "unit_price_minor": PRICE}],
            "address_id": address,
            "shipping": [{"store_id": store, "shipping_option_id": shipping, "price_minor": 0}],
            "payment": {"method": "wallet"},
        }))
        .send()
        .await;
    (
        answer.map(|r| r.status().as_u16()).unwrap_or(0),
        sent.elapsed(),
    )
}

/// What the servers and the client would have done before a launch: the client's
/// connections open, and a few shoppers' checkouts of another product on each server.
async fn warm_up(
    http: &reqwest::Client,
    urls: &[String],
    concurrency: usize,
    buyers: &[(String, i64)],
    offer: (i64, i64, i64),
) {
    let mut opening = tokio::task::JoinSet::new();
    for n in 0..concurrency {
        let (http, url) = (http.clone(), format!("{}/v1/health", urls[n % urls.len()]));
        opening.spawn(async move { http.get(url).send().await.map(|r| r.status()) });
    }
    while let Some(opened) = opening.join_next().await {
        assert!(opened.unwrap().unwrap().is_success(), "a server is not up");
    }
    let mut buying = tokio::task::JoinSet::new();
    for (n, (token, address)) in buyers.iter().take(WARM_UP_BUYERS * urls.len()).enumerate() {
        let (http, url, token, address) = (
            http.clone(),
            urls[n % urls.len()].clone(),
            token.clone(),
            *address,
        );
        buying.spawn(async move {
            buy(
                &http,
                &url,
                &token,
                format!("rush-warm-up-{n:08}"),
                offer,
                address,
            )
            .await
        });
    }
    while let Some(bought) = buying.join_next().await {
        assert_eq!(bought.unwrap().0, 200, "a warm-up checkout failed");
    }
}

/// SHOPPERS shoppers, each with a session (its token returned), an address and
/// 1,000.00 SAR in the wallet, put in by ledger transfers from the outside world.
async fn set_up_the_shoppers(pool: &AnyPool, shoppers: usize) -> Vec<(String, i64)> {
    let now = chrono::Utc::now().timestamp_millis();
    execute(
        pool,
        &format!(
            "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
             SELECT 'rusher' || g || '@bench.example', 'rusher' || g, 'Rusher ' || g, 'x',
                    'shopper', {now} FROM generate_series(1, {shoppers}) g;
             INSERT INTO addresses (user_id, name, phone, line1, line2, city, region,
                                    postal_code, country, is_default, created_at)
             SELECT id, display_name, '+966501234567', 'Olaya Street 1', '', 'Riyadh', '', '',
                    'SA', 1, {now} FROM users WHERE handle LIKE 'rusher%';
             INSERT INTO ledger_accounts (kind, owner_id, currency, created_at)
             VALUES (0, 0, 'SAR', {now}) ON CONFLICT DO NOTHING;
             INSERT INTO ledger_accounts (kind, owner_id, currency, created_at)
             SELECT 1, id, 'SAR', {now} FROM users WHERE handle LIKE 'rusher%';
             INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, currency,
                                           amount, kind, code, created_at)
             SELECT 'rush-fund-' || w.owner_id, x.id, w.id, 'SAR', 100000, 0, 'top_up', {now}
             FROM ledger_accounts w, ledger_accounts x
             WHERE w.kind = 1 AND x.kind = 0 AND x.currency = 'SAR' AND w.currency = 'SAR'
               AND w.owner_id IN (SELECT id FROM users WHERE handle LIKE 'rusher%');"
        ),
    )
    .await;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT u.id, a.id FROM users u JOIN addresses a ON a.user_id = u.id
         WHERE u.handle LIKE 'rusher%' ORDER BY u.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut shoppers = Vec::new();
    for chunk in rows.chunks(500) {
        let mut values = Vec::new();
        for (user, address) in chunk {
            let token = format!("rush-token-{user}-{}", souq_server::base::random::id(16));
            let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
            values.push(format!(
                "('{hash}', 'rush{user}', {user}, 'rush', {now}, {now}, {})",
                now + 86_400_000
            ));
            shoppers.push((token, *address));
        }
        execute(
            pool,
            &format!(
                "INSERT INTO sessions (token_hash, session_id, user_id, device, created_at,
                                       last_used_at, expires_at) VALUES {}",
                values.join(", ")
            ),
        )
        .await;
    }
    shoppers
}

/// Makes the option a drop (one per shopper), launching in ten minutes for now.
async fn schedule_the_drop(pool: &AnyPool, variant: i64) -> i64 {
    let now = chrono::Utc::now().timestamp_millis();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO drops (store_id, product_id, variant_id, title, hashtag, launch_at,
             time_zone, stock, per_customer_limit, created_at, updated_at)
         SELECT pr.store_id, pr.id, v.id, 'The launch', 'rushdrop', $1, 'UTC',
                CAST((SELECT SUM(l.units) FROM stock_lots l WHERE l.variant_id = v.id) AS BIGINT),
                1, $2, $2
         FROM variants v JOIN products pr ON pr.id = v.product_id WHERE v.id = $3
         RETURNING id",
    )
    .bind(now + 600_000)
    .bind(now)
    .bind(variant)
    .fetch_one(pool)
    .await
    .unwrap();
    id
}

/// Listens to a server's drop updates as a shopper's app does, until drop `id` is sold
/// out: when that was heard.
async fn hear_sold_out(
    http: reqwest::Client,
    url: String,
    token: String,
    id: i64,
    ready: tokio::sync::mpsc::Sender<()>,
) -> Option<Instant> {
    let mut response = http
        .get(format!("{url}/v1/drops/events"))
        .bearer_auth(&token)
        .send()
        .await
        .ok()?;
    let mut buffer = String::new();
    let mut said_ready = false;
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        if !said_ready && buffer.contains("event: ready") {
            said_ready = true;
            let _ = ready.send(()).await;
        }
        let sold_out = format!("\"id\":{id},");
        if buffer
            .split("\n\n")
            .any(|event| event.contains(&sold_out) && event.contains("\"sold_out\""))
        {
            return Some(Instant::now());
        }
        if let Some(end) = buffer.rfind("\n\n") {
            buffer.drain(..end + 2);
        }
    }
    None
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
    let (database, urls, shoppers, concurrency, stock, drop_mode) = match args.as_slice() {
        [database, urls, shoppers, concurrency, stock] => {
            (database, urls, shoppers, concurrency, stock, false)
        }
        [database, urls, shoppers, concurrency, stock, mode] if mode == "drop" => {
            (database, urls, shoppers, concurrency, stock, true)
        }
        _ => {
            eprintln!("usage: rush DATABASE_URL URLS SHOPPERS CONCURRENCY STOCK [drop]");
            std::process::exit(2);
        }
    };
    let shoppers: usize = shoppers.parse().expect("SHOPPERS is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
    let stock: i64 = stock.parse().expect("STOCK is a number");
    let urls: Vec<String> = urls.split(',').map(str::to_string).collect();
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(4)
        .connect(database)
        .await
        .expect("the database");
    let ((variant, store, shipping), warm_up_variant) = set_up_the_drop(&pool, stock).await;
    let buyers = set_up_the_shoppers(&pool, shoppers).await;

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    warm_up(
        &http,
        &urls,
        concurrency,
        &buyers,
        (warm_up_variant, store, shipping),
    )
    .await;
    // A drop: announced, listened to by every shopper, refused before its launch, then
    // bought by everyone at once at the launch.
    let mut launch = None;
    let mut listeners = Vec::new();
    let mut early = 0;
    if drop_mode {
        let drop_id = schedule_the_drop(&pool, variant).await;
        let listening = reqwest::Client::new();
        let (ready_send, mut ready) = tokio::sync::mpsc::channel::<()>(buyers.len().max(1));
        for (n, (token, _)) in buyers.iter().enumerate() {
            let url = urls[n % urls.len()].clone();
            listeners.push(tokio::spawn(hear_sold_out(
                listening.clone(),
                url,
                token.clone(),
                drop_id,
                ready_send.clone(),
            )));
        }
        drop(ready_send);
        for _ in 0..buyers.len() {
            ready.recv().await.expect("a listener connects");
        }
        let (token, address) = &buyers[0];
        early = buy(
            &http,
            &urls[0],
            token,
            "rush-before-the-launch".into(),
            (variant, store, shipping),
            *address,
        )
        .await
        .0;
        let at = chrono::Utc::now() + chrono::Duration::seconds(2);
        sqlx::query("UPDATE drops SET launch_at = $1 WHERE id = $2")
            .bind(at.timestamp_millis())
            .bind(drop_id)
            .execute(&pool)
            .await
            .unwrap();
        let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait + Duration::from_millis(5)).await;
        launch = Some(Instant::now());
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, (token, address)) in buyers.into_iter().enumerate() {
        let permit = Arc::clone(&gate).acquire_owned().await.unwrap();
        let url = urls[n % urls.len()].clone();
        let http = http.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let offer = (variant, store, shipping);
            let key = format!("rush-checkout-{n:08}");
            let (status, took) = buy(&http, &url, &token, key, offer, address).await;
            // Outliers, with the instance that answered, for whoever reads the log.
            if took > Duration::from_secs(2) {
                eprintln!("rush: checkout {n} on {url} took {took:?} ({status})");
            }
            (status, took, started.elapsed())
        }));
    }
    let mut paid_latencies = Vec::new();
    let mut last_paid = Duration::ZERO;
    let (mut refused, mut failed) = (0, 0);
    let mut answered_at = Vec::new();
    for task in tasks {
        let (status, took, at) = task.await.unwrap();
        answered_at.push(at);
        match status {
            200 => {
                paid_latencies.push(took.as_secs_f64() * 1_000.0);
                last_paid = last_paid.max(at);
            }
            409 | 422 => refused += 1,
            _ => failed += 1,
        }
    }
    // Each shopper knows it is sold out by the first of its answer and the stream.
    let mut heard = String::new();
    if let Some(launch) = launch {
        let mut all = Duration::ZERO;
        let mut after_sellout = Duration::ZERO;
        for (n, (listener, answered)) in listeners.into_iter().zip(&answered_at).enumerate() {
            let streamed = tokio::time::timeout(Duration::from_secs(30), listener)
                .await
                .ok()
                .and_then(Result::ok)
                .flatten();
            let by_answer = started + *answered;
            let knew = streamed.map_or(by_answer, |s| s.min(by_answer));
            all = all.max(knew.saturating_duration_since(launch));
            if let Some(streamed) = streamed {
                let late = streamed.saturating_duration_since(started + last_paid);
                if late > Duration::from_secs(2) {
                    eprintln!(
                        "rush: listener {n} on {} heard of the sell-out {late:?} after it",
                        urls[n % urls.len()]
                    );
                }
                after_sellout = after_sellout.max(late);
            }
        }
        heard = format!(
            " early={early} heard_all_ms={:.0} heard_after_sellout_ms={:.0}",
            all.as_secs_f64() * 1_000.0,
            after_sellout.as_secs_f64() * 1_000.0
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    paid_latencies.sort_by(|a, b| a.total_cmp(b));

    let (sold,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
         JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid' AND l.variant_id = $1",
    )
    .bind(variant)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (double_charges,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT reference FROM ledger_transfers WHERE code = 'payment'
                               GROUP BY reference HAVING COUNT(*) > 1) AS twice",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (ledger_sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(credits_posted - debits_posted), 0) AS BIGINT)
         FROM ledger_accounts",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let orders = paid_latencies.len();
    let orders_per_sec = if last_paid.is_zero() {
        0.0
    } else {
        orders as f64 / last_paid.as_secs_f64()
    };
    println!(
        "sold={sold} oversold={} double_charges={double_charges} ledger_sum={ledger_sum} \
         orders_per_sec={orders_per_sec:.1} p50_ms={:.2} p99_ms={:.2} refused={refused} \
         failed={failed} seconds={seconds:.2}{heard}",
        (sold - stock).max(0),
        percentile(&paid_latencies, 50.0),
        percentile(&paid_latencies, 99.0),
    );
}
