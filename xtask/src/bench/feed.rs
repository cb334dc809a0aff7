//! The feed endpoints over 1,000,000 posts, beside the health endpoint (and the shop's
//! search over the same server, `search.rs`).

use std::process::Command;
use std::time::Instant;

use super::flood::{FLOOD_CONCURRENCY, FLOOD_TOTAL, flood, resident_bytes};
use super::harness::*;
use super::search::{
    PRODUCTS, SEARCH_CONNECTIONS, STORES, TYPED_PREFIXES, WHOLE_WORDS, WITH_TYPOS,
    generate_shop_sql, paths_lua, search_path,
};
use crate::postgres::{TempPostgres, psql};
use crate::setup::{self, Purpose};
use crate::sh;

pub(super) const USERS: u32 = 100_000;
pub(super) const POSTS: u32 = 1_000_000;
pub(super) const VIEWERS: u32 = 64;
pub(super) const FOLLOWS_EACH: u32 = 150;

/// The feed part (when `feed`), the shop's search, and (when `feed`) the sign-in
/// floods, on one server and one PostgreSQL.
pub(super) fn feed_and_shop(feed: bool) -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    let flooder = release_example("souq-server", "sign_in_flood")?;
    let pg = TempPostgres::start()?;
    let db = pg.create_database("souq_bench")?;

    let binary = crate::build::target_dir().join("release/souq-server");
    let (server, base) = start_server(&binary, &[], &[("DATABASE_URL", &db)])?;

    // One real sign-up gives a real argon2 hash for every generated account.
    curl_json(
        "POST",
        &format!("{base}/v1/accounts"),
        &format!(
            "{{\"email\":\"template@bench.example\",\"password\":\"{PASSWORD}\",\
             \"handle\":\"bench_template\",\"display_name\":\"Template\",\"role\":\"shopper\"}}"
        ),
        "127.0.0.1",
    )?;
    let started = Instant::now();
    eprintln!("bench: generating {USERS} users and {POSTS} posts");
    psql(&db, &generate_sql())?;
    eprintln!("bench: data ready in {:.0?}", started.elapsed());

    let mut tokens = Vec::new();
    for viewer in 1..=VIEWERS {
        let body = curl_json(
            "POST",
            &format!("{base}/v1/sessions"),
            &format!("{{\"email\":\"bench{viewer}@bench.example\",\"password\":\"{PASSWORD}\"}}"),
            &format!("127.0.1.{viewer}"),
        )?;
        tokens.push(token_of(&body).ok_or("no token in a session")?);
    }
    let dir = std::env::temp_dir().join(format!("souq-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let script = dir.join("viewers.lua");
    // Each request is signed by the next of the 64 viewers in turn.
    let lua = format!(
        "local tokens = {{{}}}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  \
         return wrk.format(nil, nil, {{Authorization = \"Bearer \" .. tokens[(n % #tokens) + 1]}})\nend\n",
        tokens
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    std::fs::write(&script, lua).map_err(|e| e.to_string())?;

    // Warm the caches once, then measure each endpoint in turn.
    let mut rows = Vec::new();
    if feed {
        let _ = wrk(&format!("{base}/v1/feed/following"), &script)?;
    }
    for (name, path) in [
        ("health (HTTP ceiling)", "/v1/health"),
        ("Following, first page", "/v1/feed/following"),
        ("For-you candidates, first page", "/v1/feed/candidates"),
    ]
    .into_iter()
    .filter(|_| feed)
    {
        let figures = wrk(&format!("{base}{path}"), &script)?;
        eprintln!(
            "bench: {name}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            figures.requests_per_sec, figures.p50_ms, figures.p99_ms
        );
        rows.push((name, figures));
    }
    let feed_rows = rows;

    // The shop part: a million products, half Arabic and half English, searched at 16
    // connections by typed prefixes, whole words and words with typos. First what a
    // server holds with no catalogue, to tell the index's memory.
    let products = env_number("SOUQ_BENCH_PRODUCTS", PRODUCTS);
    let bare = {
        let (fresh, fresh_base) = start_server(&binary, &[], &[("DATABASE_URL", &db)])?;
        until_found(&fresh_base, &tokens, "", None)?;
        resident_bytes(fresh.0.id()).ok_or("cannot read the server's memory")?
    };
    let started = Instant::now();
    eprintln!("bench: generating {products} products in {STORES} stores");
    psql(&db, &generate_shop_sql(products))?;
    let out = Command::new(&binary)
        .arg("--reindex")
        .env("DATABASE_URL", &db)
        .env("SOUQ_LOG", "warn")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    if !out.status.success() {
        return Err(format!(
            "reindexing failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!(
        "bench: products generated and indexed in {:.0?} ({})",
        started.elapsed(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    // A server starting on the catalogue loads the index behind its first answers: the
    // time from its start until a search finds products, and what it then holds.
    let starting = Instant::now();
    let (fresh, fresh_base) = start_server(&binary, &[], &[("DATABASE_URL", &db)])?;
    until_found(&fresh_base, &tokens, "leather bag ", Some(starting))?;
    let load_time = starting.elapsed();
    let loaded_bytes = resident_bytes(fresh.0.id()).ok_or("cannot read the server's memory")?;
    drop(fresh);
    let index_bytes = loaded_bytes.saturating_sub(bare);
    eprintln!(
        "bench: a starting server loaded the index of {products} products in {load_time:.1?}; \
         it holds {} MiB more than with no catalogue",
        index_bytes / (1024 * 1024)
    );
    // The running server reloads its index on the first search after the reindex;
    // measure once it answers from the new one.
    until_found(&base, &tokens, "leather bag ", None)?;
    let mut search_rows = Vec::new();
    for (name, queries) in [
        ("health (HTTP ceiling)", vec![String::new()]),
        (
            "search, typed prefix",
            TYPED_PREFIXES.iter().map(|q| search_path(q)).collect(),
        ),
        (
            "search, whole words",
            WHOLE_WORDS.iter().map(|q| search_path(q)).collect(),
        ),
        (
            "search, with typos",
            WITH_TYPOS.iter().map(|q| search_path(q)).collect(),
        ),
    ] {
        let script = dir.join("search.lua");
        std::fs::write(&script, paths_lua(&tokens, &queries)).map_err(|e| e.to_string())?;
        let path = if queries.iter().all(String::is_empty) {
            "/v1/health"
        } else {
            "/v1/shop/search"
        };
        let figures = wrk_with(
            &format!("{base}{path}"),
            &script,
            SEARCH_CONNECTIONS,
            seconds(),
        )?;
        eprintln!(
            "bench: {name}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            figures.requests_per_sec, figures.p50_ms, figures.p99_ms
        );
        search_rows.push((name, figures));
    }

    // The abuse part: 1,500 sign-ins with random emails, 500 at once, from one address
    // and then from 250, while health is measured and the server's memory sampled.
    let script = dir.join("health.lua");
    std::fs::write(&script, paths_lua(&tokens, &[String::new()])).map_err(|e| e.to_string())?;
    let mut abuse_rows = Vec::new();
    for addresses in [1, 250].into_iter().filter(|_| feed) {
        let row = flood(&flooder, &base, server.0.id(), addresses, &script)?;
        eprintln!(
            "bench: sign-in flood from {addresses} address(es): {}",
            row.outcome
        );
        abuse_rows.push((addresses, row));
    }
    drop(server);

    let rows = feed_rows;
    if feed {
        let ceiling = rows.first().map_or(1.0, |(_, f)| f.requests_per_sec);
        println!("| endpoint | requests/s | p50 | p99 | share of health |");
        println!("|---|---:|---:|---:|---:|");
        for (name, f) in &rows {
            println!(
                "| {name} | {:.0} | {:.2} ms | {:.2} ms | {:.0}% |",
                f.requests_per_sec,
                f.p50_ms,
                f.p99_ms,
                100.0 * f.requests_per_sec / ceiling
            );
        }
        println!(
            "\n{CONNECTIONS} connections, 2 wrk threads, {} s each, {USERS} users, {POSTS} posts, \
             {VIEWERS} viewers following {FOLLOWS_EACH} accounts each; server, PostgreSQL and wrk \
             share this machine's cores.",
            seconds()
        );
    }
    println!("\n| shop | requests/s | p50 | p99 |");
    println!("|---|---:|---:|---:|");
    for (name, f) in &search_rows {
        println!(
            "| {name} | {:.0} | {:.2} ms | {:.2} ms |",
            f.requests_per_sec, f.p50_ms, f.p99_ms
        );
    }
    println!(
        "\n{SEARCH_CONNECTIONS} connections, 2 wrk threads, {} s each, {products} products \
         (half Arabic, half English) in {STORES} stores; queries cycle through {} typed \
         prefixes, {} whole-word queries and {} with typos.",
        seconds(),
        TYPED_PREFIXES.len(),
        WHOLE_WORDS.len(),
        WITH_TYPOS.len()
    );
    println!(
        "\n| search index ({products} products) | figure |\n|---|---:|\n\
         | load at a server's start, until a search finds products | {:.1} s |\n\
         | server memory over one with no catalogue | {} MiB |\n\
         | per 100,000 products | {} MiB |",
        load_time.as_secs_f64(),
        index_bytes / (1024 * 1024),
        index_bytes * 100_000 / u64::from(products.max(1)) / (1024 * 1024)
    );
    if feed {
        println!(
            "\n| sign-in flood ({FLOOD_TOTAL} at {FLOOD_CONCURRENCY} at once) | outcome | \
             memory before | peak | health p50 | health p99 |"
        );
        println!("|---|---|---:|---:|---:|---:|");
        for (addresses, row) in &abuse_rows {
            println!(
                "| from {addresses} address(es) | {} | {} MiB | {} MiB | {:.2} ms | {:.2} ms |",
                row.outcome,
                row.before / (1024 * 1024),
                row.peak / (1024 * 1024),
                row.health.p50_ms,
                row.health.p99_ms
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Waits until a server's search for `query` finds products (or, for an empty query,
/// until it answers at all): its index is loaded. `since` bounds the wait from then.
pub(super) fn until_found(
    base: &str,
    tokens: &[String],
    query: &str,
    since: Option<Instant>,
) -> Result<(), String> {
    let probe = format!("{base}{}", search_path(query));
    let auth = format!(
        "authorization: Bearer {}",
        tokens.first().ok_or("no viewer")?
    );
    let waiting = since.unwrap_or_else(Instant::now);
    loop {
        let body = sh::output(Command::new("curl").args(["-sS", "-f", "-H", &auth, &probe]))
            .unwrap_or_default();
        if body.contains("\"products\":[{") || (query.is_empty() && !body.is_empty()) {
            return Ok(());
        }
        if waiting.elapsed() > std::time::Duration::from_secs(600) {
            return Err(format!("{base} never found products for {query:?}"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The data, made inside PostgreSQL: far faster than a million inserts over the wire.
pub(super) fn generate_sql() -> String {
    format!(
        "
\\set ON_ERROR_STOP 1
BEGIN;
INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
SELECT 'bench' || g || '@bench.example', 'bench' || g, 'Bench ' || g,
       (SELECT password_hash FROM users WHERE handle = 'bench_template'),
       CASE WHEN g % 50 = 0 THEN 'merchant' ELSE 'shopper' END,
       (extract(epoch FROM now()) * 1000)::bigint - 400::bigint * 86400000
FROM generate_series(1, {USERS}) g;

CREATE TEMP TABLE bench_ids AS
SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE handle LIKE 'bench%' AND handle <> 'bench_template';

-- A million posts over the last year, spread over every account.
INSERT INTO posts (author_id, body, created_at, like_count, repost_count)
SELECT b.id,
       'Bench post ' || g || ' about #tag' || (g % 500) || ' and #topic' || (g % 37),
       (extract(epoch FROM now()) * 1000)::bigint - ({POSTS} - g)::bigint * 31536,
       (g * 13) % 50, (g * 7) % 10
FROM generate_series(1, {POSTS}) g
JOIN bench_ids b ON b.n = (g::bigint * 7919) % {USERS} + 1;

INSERT INTO post_hashtags (post_id, tag)
SELECT id, 'tag' || (id % 500) FROM posts
UNION ALL
SELECT id, 'topic' || (id % 37) FROM posts;

-- The viewers (bench1..bench{VIEWERS}) each follow {FOLLOWS_EACH} accounts.
INSERT INTO follows (follower_id, followee_id, created_at)
SELECT v.id, f.id, (extract(epoch FROM now()) * 1000)::bigint
FROM bench_ids v
JOIN generate_series(1, {FOLLOWS_EACH}) k ON true
JOIN bench_ids f ON f.n = (v.n * 31 + k * 613) % {USERS} + 1
WHERE v.n <= {VIEWERS} AND f.id <> v.id
ON CONFLICT DO NOTHING;

UPDATE users u SET follower_count = c.n FROM
  (SELECT followee_id, COUNT(*) AS n FROM follows GROUP BY followee_id) c WHERE c.followee_id = u.id;
UPDATE users u SET following_count = c.n FROM
  (SELECT follower_id, COUNT(*) AS n FROM follows GROUP BY follower_id) c WHERE c.follower_id = u.id;
COMMIT;
VACUUM ANALYZE;
"
    )
}
