//! `cargo xtask bench`: measured speed, side by side with the HTTP stack's ceiling.
//!
//! The feed part loads 100,000 users and 1,000,000 posts into a throwaway PostgreSQL,
//! starts the release `souq-server` on it, signs in 64 viewers who each follow 150
//! accounts, and drives the Following and For-you candidate endpoints at 64 concurrent
//! connections with wrk, in the same run as the health endpoint (the ceiling: the HTTP
//! stack with no database work). It prints requests/s, p50 and p99 as a Markdown table
//! for docs/BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::postgres::{TempPostgres, psql};
use crate::setup::{self, Purpose};
use crate::sh;

const USERS: u32 = 100_000;
const POSTS: u32 = 1_000_000;
const VIEWERS: u32 = 64;
const FOLLOWS_EACH: u32 = 150;
const CONNECTIONS: u32 = 64;
const PASSWORD: &str = "bench-password";

fn seconds() -> u32 {
    std::env::var("SOUQ_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// Starts a `souq-server` binary on a free port with these flags and variables, and
/// returns it (stopped when dropped) with its base URL, read from its first line.
pub(crate) fn start_server(
    binary: &std::path::Path,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Result<(Server, String), String> {
    let mut command = Command::new(binary);
    command
        .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
        .args(args)
        .env("SOUQ_LOG", "warn")
        .stdout(Stdio::piped());
    for (name, value) in envs {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("server stdout")?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("server output: {e}"))?;
    let base = line
        .trim()
        .strip_prefix("souq-server listening on ")
        .ok_or_else(|| format!("unexpected server output {line:?}"))?
        .to_string();
    Ok((server, base))
}

/// Sends JSON from the loopback address `from` (sign-ins are limited per address, and
/// a deployment's viewers come from many).
pub(crate) fn curl_json(method: &str, url: &str, body: &str, from: &str) -> Result<String, String> {
    sh::output(Command::new("curl").args([
        "-sS",
        "-f",
        "--interface",
        from,
        "-X",
        method,
        "-H",
        "content-type: application/json",
        "-d",
        body,
        url,
    ]))
    .ok_or_else(|| format!("{method} {url} failed"))
}

/// The `"token"` field of a session body, without a JSON parser.
pub(crate) fn token_of(body: &str) -> Option<String> {
    let start = body.find("\"token\":\"")? + 9;
    let rest = body.get(start..)?;
    Some(rest.get(..rest.find('"')?)?.to_string())
}

struct Figures {
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn parse_latency(value: &str) -> Option<f64> {
    let (number, unit) = value
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| value.split_at(i))?;
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => return None,
    })
}

fn parse_wrk(output: &str) -> Option<Figures> {
    let mut figures = Figures {
        requests_per_sec: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
    };
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => figures.requests_per_sec = n.parse().ok()?,
            ["50%", v] => figures.p50_ms = parse_latency(v)?,
            ["99%", v] => figures.p99_ms = parse_latency(v)?,
            _ => {}
        }
    }
    (figures.requests_per_sec > 0.0).then_some(figures)
}

fn wrk(url: &str, script: &PathBuf) -> Result<Figures, String> {
    wrk_with(url, script, CONNECTIONS, seconds())
}

fn wrk_with(url: &str, script: &PathBuf, connections: u32, secs: u32) -> Result<Figures, String> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if text.contains("Non-2xx or 3xx responses") {
        return Err(format!("wrk saw errors against {url}:\n{text}"));
    }
    parse_wrk(&text).ok_or_else(|| format!("cannot read wrk's output:\n{text}"))
}

pub fn run() -> Result<(), String> {
    feed_and_shop(true)?;
    let binary = crate::tasks::target_dir().join("release/souq-server");
    for drop in [false, true] {
        let rush = rush(&binary, drop)?;
        print_rush(&rush);
    }
    print_sends(&sends(&binary)?);
    print_reminders(&reminders()?);
    print_launches(&launches()?);
    Ok(())
}

/// The app's launch beside a bare Tauri window: `cargo xtask bench launch`.
pub fn launch_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    print_launches(&launches()?);
    Ok(())
}

/// Rounds of the launch measurement (SOUQ_LAUNCH_ROUNDS).
const LAUNCH_ROUNDS: u32 = 7;

/// Souq's first and next launches and a bare Tauri window's, alternating in one run,
/// each from asking WebDriver for the app until its screen shows: release builds
/// under Xvfb on one session bus with a keyring, as the end-to-end tests run them
/// (`tests/examples/launch.rs`). Each line is a round.
fn launches() -> Result<Vec<String>, String> {
    crate::tasks::build_ui()?;
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-app",
        "--bin",
        "souq-app",
        "--example",
        "bare_window",
    ]))?;
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-e2e",
        "--example",
        "launch",
    ]))?;
    let release = crate::tasks::target_dir().join("release");
    let rounds = env_number("SOUQ_LAUNCH_ROUNDS", LAUNCH_ROUNDS);
    eprintln!("bench: launches, {rounds} rounds");
    let out = sh::output(
        crate::tasks::headless_session()
            .arg(release.join("examples/launch"))
            .arg(rounds.to_string())
            .env("SOUQ_E2E_APP", release.join(crate::tasks::APP_BINARY))
            .env("SOUQ_BARE_WINDOW", release.join("examples/bare_window"))
            .env("PATH", sh::tool_path()),
    )
    .ok_or("the launch measurement failed")?;
    let lines: Vec<String> = out
        .lines()
        .filter(|line| line.starts_with("bare_ms="))
        .map(str::to_string)
        .collect();
    for line in &lines {
        eprintln!("bench: launch: {line}");
    }
    Ok(lines)
}

/// The value of `name=` in each round's line (an example's `name=value ...` output).
fn figures(rounds: &[String], name: &str) -> Vec<f64> {
    let key = format!("{name}=");
    rounds
        .iter()
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&key))
                .and_then(|v| v.parse().ok())
        })
        .collect()
}

fn print_launches(rounds: &[String]) {
    let all = |name: &str| figures(rounds, name);
    let bare = median(all("bare_ms"));
    println!(
        "\n| launch until the screen shows ({} rounds, ms) | median | rounds | vs bare window |",
        rounds.len()
    );
    println!("|---|---:|---|---:|");
    for (label, name) in [
        ("bare Tauri window: its page", "bare_ms"),
        ("Souq, first launch: the sign-in screen", "first_ms"),
        (
            "Souq, first launch: the demo loaded behind it",
            "demo_ready_ms",
        ),
        ("Souq, next launch: the sign-in screen", "later_ms"),
    ] {
        let values = all(name);
        let list = values
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(", ");
        let value = median(values);
        println!("| {label} | {value:.0} | {list} | {:.2}x |", value / bare);
    }
}

/// The shop's search alone (on the same users and stores): `cargo xtask bench search`.
pub fn search_only() -> Result<(), String> {
    feed_and_shop(false)
}

/// The feed part (when `feed`), the shop's search, and (when `feed`) the sign-in
/// floods, on one server and one PostgreSQL.
fn feed_and_shop(feed: bool) -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-server",
        "--example",
        "sign_in_flood",
    ]))?;
    let pg = TempPostgres::start()?;
    let db = pg.create_database("souq_bench")?;

    let binary = crate::tasks::target_dir().join("release/souq-server");
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
        let row = flood(&base, server.0.id(), addresses, &script)?;
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
fn until_found(
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

/// The rush alone: `cargo xtask bench rush`.
pub fn rush_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    let binary = crate::tasks::target_dir().join("release/souq-server");
    for drop in [false, true] {
        let rush = rush(&binary, drop)?;
        print_rush(&rush);
    }
    Ok(())
}

/// Money between people alone: `cargo xtask bench sends`.
pub fn sends_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "souq-server"]))?;
    let binary = crate::tasks::target_dir().join("release/souq-server");
    print_sends(&sends(&binary)?);
    Ok(())
}

/// The device's reminders alone: `cargo xtask bench reminders`.
pub fn reminders_only() -> Result<(), String> {
    setup::ensure(Purpose::Bench)?;
    print_reminders(&reminders()?);
    Ok(())
}

/// How many drop reminders the device holds in the measurement, and how long it idles.
const REMINDERS: u32 = 10_000;
const REMINDERS_IDLE_SECONDS: u32 = 10;

/// The app's reminder book and desktop timer with 10,000 reminders pending (the app's
/// own code, built as it ships): what they cost in memory, the CPU used while idle,
/// and how late one due among them fires. Three rounds; each line is the example's.
fn reminders() -> Result<Vec<String>, String> {
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-app",
        "--example",
        "reminders",
    ]))?;
    let program = crate::tasks::target_dir().join("release/examples/reminders");
    let mut rounds = Vec::new();
    for round in 0..RUSH_ROUNDS {
        eprintln!("bench: reminders, round {}", round + 1);
        let out = sh::output(
            Command::new(&program)
                .arg(REMINDERS.to_string())
                .arg(REMINDERS_IDLE_SECONDS.to_string()),
        )
        .ok_or("the reminders example failed")?;
        eprintln!("bench: reminders: {}", out.trim());
        rounds.push(out.trim().to_string());
    }
    Ok(rounds)
}

fn print_reminders(rounds: &[String]) {
    let all = |name: &str| figures(rounds, name);
    println!(
        "\n| drop reminders on the device ({REMINDERS} pending; {} rounds) | median | rounds | target |",
        rounds.len()
    );
    println!("|---|---:|---|---|");
    for (label, name, target) in [
        ("memory they cost (MiB)", "memory_mib", "under 20 MB"),
        ("CPU while idle for 10 s (ms)", "idle_cpu_ms", "none"),
        (
            "a due reminder fired late by (ms)",
            "late_ms",
            "under 1,000",
        ),
    ] {
        let values = all(name);
        let list = values
            .iter()
            .map(|v| format!("{v:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "| {label} | {:.2} | {list} | {target} |",
            median(values.clone())
        );
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Rush {
    /// A product drop: everyone waits for the launch and buys at it.
    drop: bool,
    shoppers: u32,
    concurrency: u32,
    stock: u32,
    /// Each round's rush line (`sold=.. oversold=.. ...`) and pgbench's TPS after it.
    rounds: Vec<(String, f64)>,
}

/// Rounds of the rush (each beside its own pgbench run): the machine is noisy, so the
/// figures are medians.
const RUSH_ROUNDS: usize = 3;

/// The launch rush: SHOPPERS buyers (2,000 by default), CONCURRENCY at once (256), race
/// for an option with STOCK units (200) through two server instances on one durable
/// PostgreSQL; then, on the same PostgreSQL, pgbench's TPS for the hot-row UPDATE at the
/// same concurrency, the ceiling of a design that queues every buyer on one row. Three
/// rounds, each on a fresh database. In drop mode the option is a product drop: every
/// shopper listens to the drop update stream and buys at the launch.
fn rush(binary: &Path, drop_mode: bool) -> Result<Rush, String> {
    let shoppers = env_number("SOUQ_RUSH_SHOPPERS", 2_000);
    let concurrency = env_number("SOUQ_RUSH_CONCURRENCY", 256);
    let stock = env_number("SOUQ_RUSH_STOCK", 200);
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-server",
        "--example",
        "rush",
    ]))?;
    let rusher = crate::tasks::target_dir().join("release/examples/rush");
    let pg = TempPostgres::start_durable()?;
    let mut rounds = Vec::new();
    for round in 0..RUSH_ROUNDS {
        let db = pg.create_database(&format!(
            "souq_rush_{}{round}",
            if drop_mode { "drop_" } else { "" }
        ))?;
        // Every shopper of the rush comes from this one machine's address.
        let from_one_machine = [
            ("DATABASE_URL", db.as_str()),
            ("SOUQ_ADDRESS_RATE", "1000000"),
        ];
        let (first, first_url) = start_server(binary, &[], &from_one_machine)?;
        let (second, second_url) = start_server(binary, &[], &from_one_machine)?;
        eprintln!(
            "bench: the {}rush, round {}: {shoppers} shoppers, {concurrency} at once, {stock} units",
            if drop_mode { "drop " } else { "" },
            round + 1
        );
        let mut args = vec![
            db.clone(),
            format!("{first_url},{second_url}"),
            shoppers.to_string(),
            concurrency.to_string(),
            stock.to_string(),
        ];
        if drop_mode {
            args.push("drop".into());
        }
        let out = Command::new(&rusher)
            .args(&args)
            .output()
            .map_err(|e| format!("{}: {e}", rusher.display()))?;
        if !out.status.success() {
            return Err(format!(
                "the rush failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let outcome = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let said = String::from_utf8_lossy(&out.stderr);
        if !said.trim().is_empty() {
            eprintln!("{}", said.trim());
        }
        eprintln!("bench: rush: {outcome}");
        drop((first, second));
        let tps = hot_row_tps(&pg, &db, concurrency)?;
        eprintln!("bench: pgbench hot row at {concurrency} clients: {tps:.0} tps");
        rounds.push((outcome, tps));
    }
    Ok(Rush {
        drop: drop_mode,
        shoppers,
        concurrency,
        stock,
        rounds,
    })
}

/// People with money in the sends bench; pairs are drawn at random among them.
const SEND_PEOPLE: u32 = 10_000;
const SEND_CLIENTS: u32 = 64;
const SEND_ROUNDS: usize = 3;

struct Sends {
    sends: u32,
    /// Each round's line (`sends=.. transfers_per_sec=.. ...`) and pgbench's TPS after it.
    rounds: Vec<(String, f64)>,
}

/// P2P sends: SEND_CLIENTS clients send SENDS (6,000 by default) sends between random
/// pairs of SEND_PEOPLE people through one server instance on a durable PostgreSQL;
/// then, on the same PostgreSQL, pgbench's TPS for the two-row transaction a transfer
/// is at its least (debit one row, credit another) at the same concurrency. Three
/// rounds, each on a fresh database.
fn sends(binary: &Path) -> Result<Sends, String> {
    let total = env_number("SOUQ_SENDS", 6_000);
    sh::run(sh::cargo().args([
        "build",
        "--release",
        "-p",
        "souq-server",
        "--example",
        "sends",
    ]))?;
    let sender = crate::tasks::target_dir().join("release/examples/sends");
    let pg = TempPostgres::start_durable()?;
    let mut rounds = Vec::new();
    for round in 0..SEND_ROUNDS {
        let db = pg.create_database(&format!("souq_sends_{round}"))?;
        let (server, url) = start_server(binary, &[], &[("DATABASE_URL", &db)])?;
        eprintln!(
            "bench: sends, round {}: {total} sends by {SEND_CLIENTS} clients among {SEND_PEOPLE} people",
            round + 1
        );
        let out = Command::new(&sender)
            .args([
                db.as_str(),
                url.as_str(),
                &SEND_PEOPLE.to_string(),
                &SEND_CLIENTS.to_string(),
                &total.to_string(),
            ])
            .output()
            .map_err(|e| format!("{}: {e}", sender.display()))?;
        if !out.status.success() {
            return Err(format!(
                "the sends failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let outcome = String::from_utf8_lossy(&out.stdout).trim().to_string();
        eprintln!("bench: sends: {outcome}");
        drop(server);
        let tps = two_row_tps(&pg, &db)?;
        eprintln!("bench: pgbench two-row transfer at {SEND_CLIENTS} clients: {tps:.0} tps");
        rounds.push((outcome, tps));
    }
    Ok(Sends {
        sends: total,
        rounds,
    })
}

/// pgbench's TPS on `db` for a transfer at its least: one transaction that debits one
/// random row of SEND_PEOPLE and credits another (in id order, so no two deadlock).
fn two_row_tps(pg: &TempPostgres, db: &str) -> Result<f64, String> {
    psql(
        db,
        &format!(
            "CREATE TABLE bench_accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL);
             INSERT INTO bench_accounts SELECT g, 1000000 FROM generate_series(1, {SEND_PEOPLE}) g;"
        ),
    )?;
    let script = format!(
        "\\set a random(1, {SEND_PEOPLE})\n\\set b random(1, {SEND_PEOPLE})\n\\set lo least(:a, :b)\n\\set hi greatest(:a, :b)\nBEGIN;\nUPDATE bench_accounts SET balance = balance - 1 WHERE id = :lo;\nUPDATE bench_accounts SET balance = balance + 1 WHERE id = :hi;\nEND;\n"
    );
    pgbench_tps(pg, db, "two-row.sql", &script, SEND_CLIENTS)
}

/// Runs a pgbench script on `db` with `clients` clients and answers its TPS.
fn pgbench_tps(
    pg: &TempPostgres,
    db: &str,
    name: &str,
    script: &str,
    clients: u32,
) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("souq-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    std::fs::write(&path, script).map_err(|e| e.to_string())?;
    let pgbench = sh::output(
        Command::new(pg.program("pgbench"))
            .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T"])
            .arg(seconds().min(10).to_string())
            .arg("-f")
            .arg(&path)
            .arg(db),
    )
    .ok_or("pgbench failed")?;
    let _ = std::fs::remove_dir_all(&dir);
    pgbench
        .lines()
        .find_map(|line| line.trim().strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no tps in pgbench's output: {pgbench}"))
}

fn field(outcome: &str, name: &str) -> Option<f64> {
    outcome
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
}

fn print_sends(sends: &Sends) {
    let list = |values: &[f64]| {
        values
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\n| P2P sends ({} sends, {SEND_CLIENTS} clients, {SEND_PEOPLE} people, one instance; {} rounds) | median | rounds |",
        sends.sends,
        sends.rounds.len()
    );
    println!("|---|---:|---|");
    for (label, name) in [
        ("sends made", "sends"),
        ("failed", "failed"),
        ("transfers/s", "transfers_per_sec"),
        ("send p50 (ms)", "p50_ms"),
        ("send p99 (ms)", "p99_ms"),
        ("ledger sum", "ledger_sum"),
        ("wallets' total kept (1 = yes)", "conserved"),
    ] {
        let values: Vec<f64> = sends
            .rounds
            .iter()
            .filter_map(|(outcome, _)| field(outcome, name))
            .collect();
        println!(
            "| {label} | {:.0} | {} |",
            median(values.clone()),
            list(&values)
        );
    }
    let tps: Vec<f64> = sends.rounds.iter().map(|(_, tps)| *tps).collect();
    println!(
        "| pgbench two-row transfer at {SEND_CLIENTS} clients (tps) | {:.0} | {} |",
        median(tps.clone()),
        list(&tps)
    );
}

/// pgbench's TPS for the hot-row UPDATE on `db`, CONCURRENCY clients.
fn hot_row_tps(pg: &TempPostgres, db: &str, concurrency: u32) -> Result<f64, String> {
    psql(
        db,
        "CREATE TABLE stock (id INT PRIMARY KEY, qty BIGINT NOT NULL);
         INSERT INTO stock VALUES (1, 1000000000);",
    )?;
    pgbench_tps(
        pg,
        db,
        "hot-row.sql",
        "UPDATE stock SET qty = qty - 1 WHERE id = 1 AND qty > 0;\n",
        concurrency,
    )
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn print_rush(rush: &Rush) {
    let all = |name: &str| -> Vec<f64> {
        rush.rounds
            .iter()
            .filter_map(|(outcome, _)| field(outcome, name))
            .collect()
    };
    let list = |values: &[f64]| {
        values
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\n| the {}rush ({} shoppers, {} at once, {} units, two instances; {} rounds) | median | rounds |",
        if rush.drop { "drop " } else { "" },
        rush.shoppers,
        rush.concurrency,
        rush.stock,
        rush.rounds.len()
    );
    println!("|---|---:|---|");
    for (label, name) in [
        ("units sold", "sold"),
        ("oversold", "oversold"),
        ("double charges", "double_charges"),
        ("ledger sum", "ledger_sum"),
        ("orders/s", "orders_per_sec"),
        ("checkout p50 (ms)", "p50_ms"),
        ("checkout p99 (ms)", "p99_ms"),
        ("refused (sold out)", "refused"),
        ("failed", "failed"),
        ("bought before the launch (status)", "early"),
        (
            "launch until every shopper heard of the sell-out (ms)",
            "heard_all_ms",
        ),
        (
            "last unit paid until the last listener heard (ms)",
            "heard_after_sellout_ms",
        ),
    ] {
        let values = all(name);
        if values.is_empty() {
            continue;
        }
        println!(
            "| {label} | {:.0} | {} |",
            median(values.clone()),
            list(&values)
        );
    }
    let tps: Vec<f64> = rush.rounds.iter().map(|(_, tps)| *tps).collect();
    println!(
        "| pgbench hot-row UPDATE at {} clients (tps) | {:.0} | {} |",
        rush.concurrency,
        median(tps.clone()),
        list(&tps)
    );
}

const FLOOD_TOTAL: u32 = 1_500;
const FLOOD_CONCURRENCY: u32 = 500;
/// How long health is measured from the flood's start.
const FLOOD_HEALTH_SECONDS: u32 = 8;

struct FloodRow {
    outcome: String,
    before: u64,
    peak: u64,
    health: Figures,
}

/// The server's resident memory in bytes, from /proc.
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Runs one flood while wrk measures health and a thread samples the server's memory.
fn flood(
    base: &str,
    pid: u32,
    addresses: u32,
    health_script: &PathBuf,
) -> Result<FloodRow, String> {
    let before = resident_bytes(pid).ok_or("cannot read the server's memory")?;
    let flooder = crate::tasks::target_dir().join("release/examples/sign_in_flood");
    let child = Command::new(&flooder)
        .args([
            base,
            &FLOOD_TOTAL.to_string(),
            &FLOOD_CONCURRENCY.to_string(),
            &addresses.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", flooder.display()))?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(resident_bytes(pid).unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        })
    };
    let health = wrk_with(
        &format!("{base}/v1/health"),
        health_script,
        16,
        FLOOD_HEALTH_SECONDS,
    );
    let out = child
        .wait_with_output()
        .map_err(|e| format!("sign-in flood: {e}"))?;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().map_err(|_| "memory sampler panicked")?;
    Ok(FloodRow {
        outcome: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        before,
        peak: peak.max(before),
        health: health?,
    })
}

/// Products in the shop part (`SOUQ_BENCH_PRODUCTS` changes it).
const PRODUCTS: u32 = 1_000_000;
const STORES: u32 = 1_000;
const SEARCH_CONNECTIONS: u32 = 16;

/// What a shopper has typed so far: the last word unfinished.
const TYPED_PREFIXES: &[&str] = &[
    "leat",
    "cand",
    "handmade ce",
    "silk sc",
    "copper",
    "wool bl",
    "حقي",
    "شمع",
    "عطر ور",
    "قهوة عر",
    "نحا",
    "سجاد",
    "ceramic m",
    "بخو",
    "linen",
    "ساع",
];

/// Words with typos, finished or still being typed: one typo from five letters, two
/// from nine, in both languages.
const WITH_TYPOS: &[&str] = &[
    "lether bag ",
    "scnted candle ",
    "copper teapto ",
    "vintge lamp ",
    "ceramik bowl ",
    "braclet ",
    "notebok ",
    "jasmin perfum ",
    "مزهريت خزفية ",
    "محفضة جلد ",
    "بطانيت صوف ",
    "كهرمن ",
    "lethr ba",
    "scented cnadl",
    "محفضة جل",
    "velvat cush",
];

/// Finished queries: every word whole, some in another spelling than the catalogue's.
const WHOLE_WORDS: &[&str] = &[
    "leather bags ",
    "scented candle ",
    "copper teapot ",
    "wool blanket ",
    "silver ring ",
    "حقيبة جلد ",
    "حقيبه جلد ",
    "شمعة معطرة ",
    "إبريق نحاس ",
    "ابريق نحاس ",
    "عطر الورد ",
    "قهوه عربيه ",
    "ceramic mugs ",
    "سجادة صوف ",
    "linen shirts ",
    "ساعة فضة ",
];

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn search_path(query: &str) -> String {
    format!("/v1/shop/search?q={}", urlencode(query))
}

/// A wrk script that cycles through `paths` (the URL's own path when one is empty),
/// each request signed by the next viewer.
fn paths_lua(tokens: &[String], paths: &[String]) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "local tokens = {{{}}}\nlocal paths = {{{}}}\nlocal n = 0\nrequest = function()\n  \
         n = n + 1\n  local path = paths[(n % #paths) + 1]\n  if path == \"\" then path = nil end\n  \
         return wrk.format(nil, path, {{Authorization = \"Bearer \" .. tokens[(n % #tokens) + 1]}})\nend\n",
        list(tokens),
        list(paths)
    )
}

/// The catalogue, made inside PostgreSQL from word lists: English titles like
/// "Handmade leather bag", Arabic ones like "حقيبة جلد مصنوعة يدوياً".
fn generate_shop_sql(products: u32) -> String {
    format!(
        "
\\set ON_ERROR_STOP 1
BEGIN;
INSERT INTO stores (owner_id, handle, name, about, created_at)
SELECT u.id, u.handle, 'Bench store ' || m.n, 'A bench store', 0
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE role = 'merchant') m
JOIN users u ON u.id = m.id
WHERE m.n <= {STORES};

CREATE TEMP TABLE bench_stores AS
SELECT id, row_number() OVER (ORDER BY id) AS n FROM stores;

INSERT INTO products (store_id, title, description, category, currency, created_at,
                      published_at, price_minor, in_stock)
SELECT s.id,
  CASE WHEN g % 2 = 0 THEN
    (ARRAY['Handmade','Scented','Vintage','Classic','Modern','Silk','Wool','Ceramic',
           'Copper','Linen','Silver','Golden','Rustic','Soft','Bold'])[1 + g % 15] || ' ' ||
    (ARRAY['leather','cedar','rose','oud','cotton','marble','brass','walnut','amber',
           'jasmine','velvet','bamboo'])[1 + (g / 15) % 12] || ' ' ||
    (ARRAY['bag','candle','teapot','blanket','ring','mug','shirt','scarf','lamp','vase',
           'bowl','watch','rug','soap','notebook','wallet','perfume','tray','cushion',
           'bracelet'])[1 + (g / 180) % 20]
  ELSE
    (ARRAY['حقيبة','شمعة','إبريق','بطانية','خاتم','كوب','قميص','وشاح','مصباح','مزهرية',
           'وعاء','ساعة','سجادة','صابون','دفتر','محفظة','عطر','صينية','وسادة','سوار'])[1 + (g / 180) % 20] || ' ' ||
    (ARRAY['جلد','أرز','الورد','عود','قطن','رخام','نحاس','جوز','كهرمان','ياسمين',
           'مخمل','خيزران'])[1 + (g / 15) % 12] || ' ' ||
    (ARRAY['مصنوعة يدوياً','معطرة','قديمة','كلاسيكية','عصرية','حرير','صوف','خزفية',
           'فضة','كتان','ذهبية','ريفية','ناعمة','جريئة','عربية'])[1 + g % 15]
  END,
  CASE WHEN g % 2 = 0 THEN 'Made in small batches; number ' || g
       ELSE 'صنع بكميات صغيرة؛ رقم ' || g END,
  (ARRAY['home','fashion','perfume','coffee','gifts','jewellery','crafts','beauty'])[1 + g % 8],
  'SAR',
  (extract(epoch FROM now()) * 1000)::bigint - g::bigint * 60000,
  (extract(epoch FROM now()) * 1000)::bigint - g::bigint * 60000,
  1000 + (g * 37) % 50000,
  CASE WHEN g % 9 = 0 THEN 0 ELSE 1 END
FROM generate_series(1, {products}) g
JOIN bench_stores s ON s.n = g % {STORES} + 1;

INSERT INTO variants (product_id, name, sku, price_minor)
SELECT id, 'Standard', 'bench-' || id, price_minor FROM products;
INSERT INTO stock_lots (variant_id, lot, units)
SELECT v.id, 0, pr.in_stock * 10 FROM variants v JOIN products pr ON pr.id = v.product_id;
COMMIT;
VACUUM ANALYZE;
"
    )
}

/// The data, made inside PostgreSQL: far faster than a million inserts over the wire.
fn generate_sql() -> String {
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
