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
    #[arg(long, env = "SOUQ_DATA_DIR", default_value = "souq-data")]
    data_dir: PathBuf,
    /// postgres://user:password@host/db for PostgreSQL; SQLite in the data dir otherwise.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "SOUQ_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Do not load the demo data into an empty database.
    #[arg(long, env = "SOUQ_NO_DEMO_DATA")]
    no_demo_data: bool,
    /// Log lines as JSON (the default, for log collectors) or as text.
    #[arg(long, env = "SOUQ_LOG_FORMAT", default_value = "json", value_parser = ["json", "text"])]
    log_format: String,
    /// Rebuild the search index from the products and stores, then exit (after a bulk
    /// load into the database, or to recover the index).
    #[arg(long)]
    reindex: bool,
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
    let config = Config {
        database,
        listen: args.listen,
        demo_data: !args.no_demo_data,
    };
    let server = match souq_server::start(config).await {
        Ok(server) => server,
        Err(e) => {
            tracing::error!(error = %e, "souq server failed to start");
            return ExitCode::FAILURE;
        }
    };
    println!("souq-server listening on {}", server.url());
    wait_for_signal().await;
    tracing::info!("shutting down: draining in-flight requests");
    match server.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "unclean shutdown");
            ExitCode::FAILURE
        }
    }
}

async fn reindex(database: &DatabaseConfig) -> ExitCode {
    let db = match souq_server::Db::connect(database).await {
        Ok(db) => db,
        Err(e) => {
            tracing::error!(error = %e, "cannot open the database");
            return ExitCode::FAILURE;
        }
    };
    match souq_server::search::reindex_all(&db).await {
        Ok((products, stores)) => {
            // Running servers load their search index again.
            souq_server::cache::publish(&db, &[souq_server::cache::Change::Everything]).await;
            println!("souq-server indexed {products} products and {stores} stores");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "reindexing failed");
            ExitCode::FAILURE
        }
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
