//! `souq-server`: the Souq server on its own, for deployments and for pointing the app
//! at a shared server. Stops gracefully on SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use souq_server::{Config, DatabaseConfig};
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(name = "souq-server", version, about)]
struct Args {
    /// Directory for the SQLite database when DATABASE_URL is not set.
    #[arg(
        long,
        env = "SOUQ_DATA_DIR",
        default_value = "souq-data",
        global = true
    )]
    data_dir: PathBuf,
    /// postgres://user:password@host/db for PostgreSQL; SQLite in the data dir otherwise.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "SOUQ_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo stores, products, posts and drops into an empty database (for
    /// trying Souq; a deployment starts empty).
    #[arg(long, env = "SOUQ_DEMO_DATA")]
    demo_data: bool,
    /// Take each client's address from the last X-Forwarded-For hop, for rate limits.
    /// Only behind a reverse proxy that writes that header: otherwise clients choose it.
    #[arg(long, env = "SOUQ_BEHIND_PROXY")]
    behind_proxy: bool,
    /// PostgreSQL connections this instance holds at most.
    #[arg(long, env = "SOUQ_DB_CONNECTIONS", default_value_t = souq_server::base::limits::Limits::default().db_connections)]
    db_connections: u32,
    /// What the in-memory caches together may hold, in MiB.
    /// Checkouts, money requests and event streams one client address may start a
    /// minute, each (per account they are fewer): raise it for a load test from one
    /// machine.
    #[arg(long, env = "SOUQ_ADDRESS_RATE", default_value_t = souq_server::base::limits::Limits::default().actions_per_address_per_minute)]
    address_rate: u32,
    #[arg(long, env = "SOUQ_CACHE_MIB", default_value_t = 256)]
    cache_mib: u64,
    /// The platform's fee on each order, in per cent (up to two decimals).
    #[arg(long, env = "SOUQ_FEE_PERCENT", default_value = "5",
          value_parser = souq_server::payments::fee_basis_points)]
    fee_percent: i64,
    /// How long stock waits for a card payment still in progress (a second step) before
    /// it goes back on sale, in seconds.
    #[arg(long, env = "SOUQ_RESERVATION_SECS", default_value_t = 600)]
    reservation_secs: u64,
    /// The same for a drop's stock (one such payment per shopper and drop at once).
    #[arg(long, env = "SOUQ_DROP_RESERVATION_SECS", default_value_t = 180)]
    drop_reservation_secs: u64,
    /// The secret the payment processor signs its callbacks with. Every instance behind
    /// one processor needs the same; made at start when unset.
    #[arg(long, env = "SOUQ_PAYMENTS_CALLBACK_SECRET", hide_env_values = true)]
    payments_callback_secret: Option<String>,
    /// The savings' annual interest rate, in per cent (up to two decimals).
    #[arg(long, env = "SOUQ_SAVINGS_RATE_PERCENT", default_value = "4",
          value_parser = souq_server::payments::fee_basis_points)]
    savings_rate_percent: i64,
    /// The most one send between people may move, in major units of its currency.
    #[arg(long, env = "SOUQ_SEND_LIMIT", default_value_t = souq_server::wallet::WalletSettings::default().send_limit_major)]
    send_limit: i64,
    /// The most one person may send in 24 hours, in major units of each currency.
    #[arg(long, env = "SOUQ_DAILY_SEND_LIMIT", default_value_t = souq_server::wallet::WalletSettings::default().daily_limit_major)]
    daily_send_limit: i64,
    /// Paying more than this from the wallet (major units) asks for the PIN.
    #[arg(long, env = "SOUQ_PIN_ABOVE", default_value_t = souq_server::wallet::WalletSettings::default().pin_above_major)]
    pin_above: i64,
    /// What debit cards are sealed under: any long random text, the same on every
    /// instance, kept out of the database (made at start when unset).
    #[arg(long, env = "SOUQ_CARD_KEY", hide_env_values = true)]
    card_key: Option<String>,
    /// Log lines as JSON (the default, for log collectors) or as text.
    #[arg(long, env = "SOUQ_LOG_FORMAT", default_value = "json", value_parser = ["json", "text"])]
    log_format: String,
    /// Rebuild the search index from the products and stores, then exit (after a bulk
    /// load into the database, or to recover the index).
    #[arg(long)]
    reindex: bool,
    #[command(subcommand)]
    command: Option<Admin>,
}

/// Operator commands: they act on the database and exit.
#[derive(clap::Subcommand, Debug)]
enum Admin {
    /// Verify a nonprofit's store (by its handle): its badge, and later Donate, appear.
    VerifyNonprofit { handle: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let filter = EnvFilter::try_from_env("SOUQ_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    // Logs go to stderr; stdout carries only the "listening on" line, for scripts.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_format == "json" {
        logs.json().init();
    } else {
        logs.init();
    }

    let database =
        match DatabaseConfig::from_url_or_data_dir(args.database_url.as_deref(), &args.data_dir) {
            Ok(database) => database,
            Err(e) => {
                tracing::error!(error = %e, "bad database configuration");
                return ExitCode::FAILURE;
            }
        };
    if args.reindex {
        return reindex(&database).await;
    }
    if let Some(Admin::VerifyNonprofit { handle }) = &args.command {
        return verify_nonprofit(&database, handle).await;
    }
    let config = Config {
        demo_data: args.demo_data,
        limits: souq_server::base::limits::Limits {
            behind_proxy: args.behind_proxy,
            cache_bytes: args.cache_mib.saturating_mul(1024 * 1024),
            db_connections: args.db_connections,
            actions_per_address_per_minute: args.address_rate,
            ..souq_server::base::limits::Limits::default()
        },
        payments: souq_server::payments::PaymentSettings {
            fee_basis_points: args.fee_percent,
            reservation: std::time::Duration::from_secs(args.reservation_secs),
            drop_reservation: std::time::Duration::from_secs(args.drop_reservation_secs),
            callback_secret: args.payments_callback_secret.map(souq_wire::Secret::new),
            ..souq_server::payments::PaymentSettings::default()
        },
        wallet: souq_server::wallet::WalletSettings {
            savings_rate_basis_points: args.savings_rate_percent,
            send_limit_major: args.send_limit,
            daily_limit_major: args.daily_send_limit,
            pin_above_major: args.pin_above,
            card_key: args.card_key.map(souq_wire::Secret::new),
        },
        ..Config::new(database, args.listen)
    };
    let server = match souq_server::start(config).await {
        Ok(server) => server,
        Err(e) => {
            tracing::error!(error = %e, "souq server failed to start");
            return ExitCode::FAILURE;
        }
    };
    // Listen for the signals before saying so: a supervisor may signal right away.
    let stop = match stop_signals() {
        Ok(stop) => stop,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGINT and SIGTERM");
            return ExitCode::FAILURE;
        }
    };
    println!("souq-server listening on {}", server.url());
    stop.await;
    tracing::info!("shutting down: draining in-flight requests");
    match server.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "unclean shutdown");
            ExitCode::FAILURE
        }
    }
}

async fn open(database: &DatabaseConfig) -> Option<souq_server::Db> {
    let limits = souq_server::base::limits::Limits::default();
    match souq_server::Db::connect(database, limits.db_acquire_timeout, 2).await {
        Ok(db) => Some(db),
        Err(e) => {
            tracing::error!(error = %e, "cannot open the database");
            None
        }
    }
}

async fn verify_nonprofit(database: &DatabaseConfig, handle: &str) -> ExitCode {
    let Some(db) = open(database).await else {
        return ExitCode::FAILURE;
    };
    match souq_server::stores::verify_nonprofit(
        &db,
        &souq_server::base::cache::NothingCached,
        handle,
    )
    .await
    {
        Ok(()) => {
            println!("souq-server verified the nonprofit @{handle}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("souq-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn reindex(database: &DatabaseConfig) -> ExitCode {
    let Some(db) = open(database).await else {
        return ExitCode::FAILURE;
    };
    match souq_server::search::reindex_all(&db).await {
        Ok((products, stores)) => {
            // Running servers load their search index again.
            souq_server::base::cache::publish(
                &db,
                &souq_server::base::cache::NothingCached,
                &[souq_server::base::cache::Change::Everything],
            )
            .await;
            println!("souq-server indexed {products} products and {stores} stores");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "reindexing failed");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on the first SIGINT or SIGTERM; both are listened for from the call on.
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
