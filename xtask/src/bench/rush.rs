//! The launch rush and the drop rush beside pgbench's hot-row ceiling.

use std::path::Path;
use std::process::Command;

use super::harness::*;
use crate::postgres::{TempPostgres, psql};

pub(super) struct Rush {
    /// A product drop: everyone waits for the launch and buys at it.
    pub(super) drop: bool,
    pub(super) shoppers: u32,
    pub(super) concurrency: u32,
    pub(super) stock: u32,
    /// Each round's rush line (`sold=.. oversold=.. ...`) and pgbench's TPS after it.
    pub(super) rounds: Vec<(String, f64)>,
}

/// Rounds of the rush (each beside its own pgbench run): the machine is noisy, so the
/// figures are medians.
pub(super) const RUSH_ROUNDS: usize = 3;

/// The launch rush: SHOPPERS buyers (2,000 by default), CONCURRENCY at once (256), race
/// for an option with STOCK units (200) through two server instances on one durable
/// PostgreSQL; then, on the same PostgreSQL, pgbench's TPS for the hot-row UPDATE at the
/// same concurrency, the ceiling of a design that queues every buyer on one row. Three
/// rounds, each on a fresh database. In drop mode the option is a product drop: every
/// shopper listens to the drop update stream and buys at the launch.
pub(super) fn rush(binary: &Path, drop_mode: bool) -> Result<Rush, String> {
    let shoppers = env_number("SOUQ_RUSH_SHOPPERS", 2_000);
    let concurrency = env_number("SOUQ_RUSH_CONCURRENCY", 256);
    let stock = env_number("SOUQ_RUSH_STOCK", 200);
    let rusher = release_example("souq-server", "rush")?;
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

/// pgbench's TPS for the hot-row UPDATE on `db`, CONCURRENCY clients.
pub(super) fn hot_row_tps(pg: &TempPostgres, db: &str, concurrency: u32) -> Result<f64, String> {
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

pub(super) fn print_rush(rush: &Rush) {
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
