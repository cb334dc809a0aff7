//! A flood of sign-ins with random emails, as an attacker would send it, for
//! `cargo xtask bench`: `sign_in_flood URL TOTAL CONCURRENCY ADDRESSES`. The requests
//! come from ADDRESSES loopback addresses (127.0.2.1 upwards; 1 means 127.0.0.1 alone),
//! since a real flood comes from one address or from many. Prints one line:
//! `sent=N ok=N 401=N 429=N 503=N other=N seconds=S`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, total, concurrency, addresses] = args.as_slice() else {
        eprintln!("usage: sign_in_flood URL TOTAL CONCURRENCY ADDRESSES");
        std::process::exit(2);
    };
    let total: u32 = total.parse().expect("TOTAL is a number");
    let concurrency: usize = concurrency.parse().expect("CONCURRENCY is a number");
    let addresses: u32 = addresses.parse().expect("ADDRESSES is a number");
    let clients: Vec<reqwest::Client> = (0..addresses.max(1))
        .map(|i| {
            let local: IpAddr = if addresses <= 1 {
                IpAddr::from([127, 0, 0, 1])
            } else {
                let [_, _, hi, lo] = (i + 1).to_be_bytes();
                IpAddr::from([127, 0, 2 + hi, lo])
            };
            reqwest::Client::builder()
                .local_address(local)
                .build()
                .expect("a client")
        })
        .collect();
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..total {
        let permit = Arc::clone(&gate).acquire_owned().await.expect("gate");
        let client = clients[usize::try_from(n).unwrap() % clients.len()].clone();
        let url = format!("{url}/v1/sessions");
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let email = format!("nobody{n}x{}@flood.example", n.wrapping_mul(2_654_435_761));
            client
                .post(url)
                .json(&serde_json::json!({"email": email, "password": "wrong password"}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut counts: BTreeMap<u16, u32> = BTreeMap::new();
    for task in tasks {
        *counts.entry(task.await.unwrap_or(0)).or_default() += 1;
    }
    let of = |s: u16| counts.get(&s).copied().unwrap_or(0);
    let known = of(200) + of(401) + of(429) + of(503);
    println!(
        "sent={total} ok={} 401={} 429={} 503={} other={} seconds={:.1}",
        of(200),
        of(401),
        of(429),
        of(503),
        total - known,
        started.elapsed().as_secs_f64()
    );
}
