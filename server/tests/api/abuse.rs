//! Cost cannot be driven up by anyone: rate limits, the password-hashing bound, the
//! sign-in throttle per account and address, sign-up quotas, the limits on checkouts,
//! money requests and event streams per account and address, the cap on open money
//! requests under concurrency, connection timeouts, and a busy database answering 503.

use std::time::{Duration, Instant};

use serde_json::json;
use souq_server::base::limits::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::on_both_engines;
use crate::support::{Engine, Reply, TestServer, spawn, spawn_with_limits};

/// Limits that let every request reach the part under test.
fn generous() -> Limits {
    Limits {
        auth_per_address_per_minute: 100_000,
        auth_overall_per_minute: 100_000,
        sign_ups_per_address_per_hour: 100_000,
        ..Limits::default()
    }
}

fn retry_after(reply: &Reply) -> u64 {
    reply
        .headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After on {}: {}", reply.status, reply.body))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn sign_ins_beyond_the_rate_per_address_get_429_with_retry_after(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            auth_per_address_per_minute: 3,
            ..Limits::default()
        },
    )
    .await;
    for _ in 0..3 {
        let reply = server.sign_in("nobody@example.com", "wrong password").await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    let refused = server.sign_in("nobody@example.com", "wrong password").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.error_code(), "too_many_requests");
    assert!((1..=60).contains(&retry_after(&refused)));
    // Another address has its own allowance.
    let other = server.client_from(2);
    let reply = server
        .sign_in_with(&other, "nobody@example.com", "wrong password")
        .await;
    assert_eq!(reply.status, 401, "{}", reply.body);
}

async fn sign_ins_beyond_the_overall_rate_get_429_whatever_the_address(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            auth_overall_per_minute: 4,
            ..generous()
        },
    )
    .await;
    let mut statuses = Vec::new();
    for octet in 2..10 {
        let client = server.client_from(octet);
        let reply = server
            .sign_in_with(&client, &format!("u{octet}@example.com"), "wrong password")
            .await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        4,
        "{statuses:?}"
    );
}

async fn hashing_beyond_its_bound_gets_503_with_retry_after_and_never_500(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            password_hashes: 1,
            hash_wait: Duration::ZERO,
            ..generous()
        },
    )
    .await;
    let server = std::sync::Arc::new(server);
    let attempts: Vec<_> = (0..16)
        .map(|i| {
            let server = std::sync::Arc::clone(&server);
            tokio::spawn(async move {
                server
                    .sign_in(&format!("flood{i}@example.com"), "wrong password")
                    .await
            })
        })
        .collect();
    let mut busy = 0;
    for attempt in attempts {
        let reply = attempt.await.unwrap();
        match reply.status {
            401 => {}
            503 => {
                assert_eq!(reply.error_code(), "unavailable");
                assert!(retry_after(&reply) >= 1);
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert!(
        busy > 0,
        "one hashing slot served 16 concurrent sign-ins at once"
    );
}

/// The resident memory of this process (the server runs in it), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap()
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib * 1024
}

async fn a_flood_of_sign_ins_leaves_memory_bounded_and_health_answering(engine: Engine) {
    // The rate limits would refuse nearly all of this flood; lift them, and spread it
    // over 150 addresses (two guesses each, under the throttle), so the hashing bound
    // alone must hold the memory down.
    let server = std::sync::Arc::new(spawn_with_limits(engine, generous()).await);
    server.send(server.get("/v1/health")).await;
    let clients: Vec<reqwest::Client> = (0..150u8).map(|i| server.client_from(2 + i)).collect();
    let before = resident_bytes();
    let flood: Vec<_> = (0..300u32)
        .map(|i| {
            let server = std::sync::Arc::clone(&server);
            let client = clients[usize::try_from(i % 150).unwrap()].clone();
            tokio::spawn(async move {
                let email = format!("random{i}-{}@example.com", i * 7919);
                server
                    .sign_in_with(&client, &email, "wrong password")
                    .await
                    .status
            })
        })
        .collect();
    let mut slowest_health = Duration::ZERO;
    for _ in 0..10 {
        let asked = Instant::now();
        let health = server.send(server.get("/v1/health")).await;
        assert_eq!(health.status, 200);
        slowest_health = slowest_health.max(asked.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut peak = resident_bytes();
    for attempt in flood {
        let status = attempt.await.unwrap();
        assert!([401, 503].contains(&status), "status {status}");
        peak = peak.max(resident_bytes());
    }
    let grown = peak.saturating_sub(before);
    assert!(
        grown < 200 * 1024 * 1024,
        "300 sign-ins at once grew memory by {} MiB",
        grown / (1024 * 1024)
    );
    assert!(
        slowest_health < Duration::from_secs(1),
        "health took {slowest_health:?} during the flood"
    );
}

async fn concurrent_wrong_guesses_cannot_exceed_the_throttle(engine: Engine) {
    let server = std::sync::Arc::new(spawn_with_limits(engine, generous()).await);
    server.sign_up("target").await;
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let server = std::sync::Arc::clone(&server);
            tokio::spawn(async move {
                server
                    .sign_in("target@example.com", &format!("guess number {i}"))
                    .await
                    .status
            })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            401 => checked += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked <= 5,
        "{checked} concurrent guesses were checked; the limit is 5"
    );
}

async fn a_password_spray_across_many_emails_from_one_address_is_slowed(engine: Engine) {
    let server = spawn_with_limits(engine, generous()).await;
    let mut refused_at = None;
    for i in 0..25 {
        let reply = server
            .sign_in(&format!("person{i}@example.com"), "Password123")
            .await;
        if reply.status == 429 {
            refused_at = Some(i);
            break;
        }
        assert_eq!(reply.status, 401);
    }
    assert_eq!(
        refused_at,
        Some(20),
        "the 21st wrong sign-in from one address"
    );
}

async fn someone_elses_wrong_guesses_from_another_address_do_not_lock_the_owner_out(
    engine: Engine,
) {
    let server = spawn_with_limits(engine, generous()).await;
    server.sign_up("owner").await;
    let attacker = server.client_from(66);
    let mut last = 0;
    for _ in 0..8 {
        last = server
            .sign_in_with(&attacker, "owner@example.com", "not the password")
            .await
            .status;
    }
    assert_eq!(last, 429, "the attacker's address is throttled");
    let owner = server.sign_in("owner@example.com", "correct horse").await;
    assert_eq!(owner.status, 200, "{}", owner.body);
}

async fn a_successful_sign_in_clears_the_accounts_earlier_failures(engine: Engine) {
    let server = spawn(engine).await;
    server.sign_up("forgetful").await;
    for _ in 0..4 {
        server
            .sign_in("forgetful@example.com", "not it at all")
            .await;
    }
    assert_eq!(
        server
            .sign_in("forgetful@example.com", "correct horse")
            .await
            .status,
        200
    );
    for attempt in 1..=5 {
        let reply = server.sign_in("forgetful@example.com", "wrong again").await;
        assert_eq!(reply.status, 401, "attempt {attempt} after the success");
    }
}

async fn sign_ups_from_one_address_are_limited_per_hour(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            sign_ups_per_address_per_hour: 2,
            ..Limits::default()
        },
    )
    .await;
    server.sign_up("first").await;
    server.sign_up("second").await;
    let third = server
        .send(server.post("/v1/accounts").json(&json!({
            "email": "third@example.com", "password": "correct horse",
            "handle": "third", "display_name": "Third", "role": "shopper"
        })))
        .await;
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(retry_after(&third) > 60);
    // Nothing was created.
    assert_eq!(
        server
            .sign_in("third@example.com", "correct horse")
            .await
            .status,
        401
    );
}

fn short_timeouts() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(500),
        body_read_timeout: Duration::from_millis(500),
        idle_timeout: Duration::from_millis(800),
        ..Limits::default()
    }
}

/// Reads until the server closes the connection; what it sent, and how long it took.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server held the connection open for 10 s"),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

async fn connect(server: &TestServer) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(server.running.addr)
        .await
        .unwrap()
}

async fn a_client_that_never_finishes_its_headers_is_disconnected(engine: Engine) {
    let server = spawn_with_limits(engine, short_timeouts()).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let (received, took) = read_until_closed(&mut stream).await;
    assert!(!received.contains("200 OK"), "{received}");
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
}

async fn an_idle_connection_is_closed(engine: Engine) {
    let server = spawn_with_limits(engine, short_timeouts()).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let (received, took) = read_until_closed(&mut stream).await;
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert!(took < Duration::from_secs(5), "kept idle for {took:?}");
}

async fn a_body_that_never_arrives_does_not_hold_the_request(engine: Engine) {
    let server = spawn_with_limits(engine, short_timeouts()).await;
    let mut stream = connect(&server).await;
    stream
        .write_all(
            b"POST /v1/sessions HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n\
              content-length: 200\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let (received, took) = read_until_closed(&mut stream).await;
    assert!(
        !received.contains("200 OK") && !received.contains("500"),
        "{received}"
    );
    assert!(took < Duration::from_secs(5), "held for {took:?}");
}

async fn an_exhausted_database_pool_answers_503_not_500(engine: Engine) {
    // Short, but not so short that opening the pools under a loaded test run passes it:
    // the server's start waits for connections with the same bound.
    let server = spawn_with_limits(
        engine,
        Limits {
            db_acquire_timeout: Duration::from_millis(1_500),
            ..Limits::default()
        },
    )
    .await;
    let token = server.sign_up("patient").await;
    // Signed in and cached, so only the post itself needs the database.
    assert_eq!(
        server
            .send(server.get("/v1/me").bearer_auth(&token))
            .await
            .status,
        200
    );
    let pool = &server.running.souq.base.db.pool;
    let mut held = Vec::new();
    while let Ok(Ok(conn)) = tokio::time::timeout(Duration::from_millis(500), pool.acquire()).await
    {
        held.push(conn);
    }
    assert!(!held.is_empty());
    let reply = server
        .send(server.get("/v1/posts/424242").bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(reply.error_code(), "unavailable");
    assert!(retry_after(&reply) >= 1);
    drop(held);
    let reply = server
        .send(server.get("/v1/posts/424242").bearer_auth(&token))
        .await;
    assert_eq!(reply.status, 404, "{}", reply.body);
}

async fn top_up_as(server: &TestServer, http: &reqwest::Client, token: &str, n: usize) -> Reply {
    server
        .send(
            http.post(format!("{}/v1/wallet/top-ups", server.url))
                .bearer_auth(token)
                .header("Idempotency-Key", format!("flood-top-up-{n:04}-of-one"))
                .json(&json!({"amount_minor": 100, "currency": "SAR", "card": {
                    "number": "4242424242424242", "exp_month": 12, "exp_year": 2040,
                    "cvc": "123"}})),
        )
        .await
}

async fn checkouts_money_requests_and_streams_are_limited_per_account_and_address(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            checkouts_per_account_per_minute: 3,
            money_requests_per_account_per_minute: 2,
            streams_per_account_per_minute: 2,
            actions_per_address_per_minute: 5,
            ..generous()
        },
    )
    .await;
    let here = reqwest::Client::new();
    let amina = server.sign_up("amina").await;
    let statuses = |replies: &[Reply]| replies.iter().map(|r| r.status).collect::<Vec<_>>();
    // Checkouts (a top-up is one): three for the account a minute.
    let mut tops = Vec::new();
    for n in 0..4 {
        tops.push(top_up_as(&server, &here, &amina, n).await);
    }
    assert_eq!(statuses(&tops), [200, 200, 200, 429]);
    assert_eq!(tops[3].error_code(), "too_many_requests");
    assert!((1..=60).contains(&retry_after(&tops[3])));
    // Every try counts against the address, whichever account makes it: another
    // account there has one left of the address's five; from another address it has
    // its own three.
    let bilal = server.sign_up("bilal").await;
    let mut more = Vec::new();
    for n in 10..12 {
        more.push(top_up_as(&server, &here, &bilal, n).await);
    }
    assert_eq!(statuses(&more), [200, 429]);
    let elsewhere = server.client_from(9);
    let mut there = Vec::new();
    for n in 12..15 {
        there.push(top_up_as(&server, &elsewhere, &bilal, n).await);
    }
    assert_eq!(statuses(&there), [200, 200, 429]);

    // Money requests: two a minute for the account.
    let ask = |n: usize| {
        let (server, elsewhere, bilal) = (&server, &elsewhere, &bilal);
        async move {
            server
                .send(
                    elsewhere
                        .post(format!("{}/v1/wallet/requests", server.url))
                        .bearer_auth(bilal)
                        .header("Idempotency-Key", format!("flood-request-{n:04}-of-one"))
                        .json(&json!({"from": "@amina", "amount_minor": 100, "currency": "SAR"})),
                )
                .await
        }
    };
    let asked = vec![ask(0).await, ask(1).await, ask(2).await];
    assert_eq!(statuses(&asked), [200, 200, 429]);

    // Event streams: two opened a minute for the account.
    let third = server.client_from(10);
    let mut opened = Vec::new();
    for _ in 0..3 {
        let response = third
            .get(format!("{}/v1/me/events", server.url))
            .bearer_auth(&bilal)
            .send()
            .await
            .unwrap();
        opened.push(response.status().as_u16());
    }
    assert_eq!(opened, [200, 200, 429]);
}

async fn the_cap_on_open_money_requests_holds_when_they_are_sent_at_once(engine: Engine) {
    let server = spawn_with_limits(
        engine,
        Limits {
            money_requests_per_account_per_minute: 1_000,
            ..generous()
        },
    )
    .await;
    let amina = server.sign_up("amina").await;
    server.sign_up("bilal").await;
    let cap = souq_server::wallet::people::MAX_OPEN_REQUESTS_TO_ONE;
    let asks = (0..cap * 2).map(|n| {
        let (server, amina) = (&server, &amina);
        async move {
            server
                .send(
                    server
                        .post("/v1/wallet/requests")
                        .bearer_auth(amina)
                        .header("Idempotency-Key", format!("racing-request-{n:04}-of-many"))
                        .json(&json!({"from": "@bilal", "amount_minor": 100, "currency": "SAR"})),
                )
                .await
        }
    });
    let replies = futures_util::future::join_all(asks).await;
    let made = replies.iter().filter(|r| r.status == 200).count();
    let capped = replies.iter().filter(|r| r.status == 409).count();
    assert_eq!(
        (made, capped),
        (usize::try_from(cap).unwrap(), usize::try_from(cap).unwrap()),
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, &r.body))
            .collect::<Vec<_>>()
    );
    let (open,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM money_requests WHERE status = 'open'")
            .fetch_one(&server.running.souq.base.db.pool)
            .await
            .unwrap();
    assert_eq!(open, cap);
}

on_both_engines!(
    checkouts_money_requests_and_streams_are_limited_per_account_and_address,
    the_cap_on_open_money_requests_holds_when_they_are_sent_at_once,
    sign_ins_beyond_the_rate_per_address_get_429_with_retry_after,
    sign_ins_beyond_the_overall_rate_get_429_whatever_the_address,
    hashing_beyond_its_bound_gets_503_with_retry_after_and_never_500,
    a_flood_of_sign_ins_leaves_memory_bounded_and_health_answering,
    concurrent_wrong_guesses_cannot_exceed_the_throttle,
    a_password_spray_across_many_emails_from_one_address_is_slowed,
    someone_elses_wrong_guesses_from_another_address_do_not_lock_the_owner_out,
    a_successful_sign_in_clears_the_accounts_earlier_failures,
    sign_ups_from_one_address_are_limited_per_hour,
    a_client_that_never_finishes_its_headers_is_disconnected,
    an_idle_connection_is_closed,
    a_body_that_never_arrives_does_not_hold_the_request,
    an_exhausted_database_pool_answers_503_not_500,
);
