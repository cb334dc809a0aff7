//! P2P sends beside pgbench's two-row transfer.

use std::path::Path;
use std::process::Command;

use super::harness::*;
use crate::postgres::{TempPostgres, psql};

/// People with money in the sends bench; pairs are drawn at random among them.
pub(super) const SEND_PEOPLE: u32 = 10_000;
pub(super) const SEND_CLIENTS: u32 = 64;
pub(super) const SEND_ROUNDS: usize = 3;

pub(super) struct Sends {
    pub(super) sends: u32,
    /// Each round's line (`sends=.. transfers_per_sec=.. ...`) and pgbench's TPS after it.
    pub(super) rounds: Vec<(String, f64)>,
}

/// P2P sends: SEND_CLIENTS clients send SENDS (6,000 by default) sends between random
/// pairs of SEND_PEOPLE people through one server instance on a durable PostgreSQL;
/// then, on the same PostgreSQL, pgbench's TPS for the two-row transaction a transfer
/// is at its least (debit one row, credit another) at the same concurrency. Three
/// rounds, each on a fresh database.
pub(super) fn sends(binary: &Path) -> Result<Sends, String> {
    let total = env_number("SOUQ_SENDS", 6_000);
    let sender = release_example("souq-server", "sends")?;
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
pub(super) fn two_row_tps(pg: &TempPostgres, db: &str) -> Result<f64, String> {
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

pub(super) fn print_sends(sends: &Sends) {
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
