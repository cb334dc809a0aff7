//! Starting and stopping a server: connect and migrate, load the demo data into an empty
//! database, bind, serve until asked to stop, then drain in-flight requests.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::db::{DatabaseConfig, Db, DbError};
use crate::demo;
use crate::http::{self, AppState};

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseConfig,
    /// Port 0 picks a free port; `RunningServer::addr` tells which.
    pub listen: SocketAddr,
    /// Load the demo stores, products, posts and drops into an empty database.
    pub demo_data: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot load the demo data: {0}")]
    Demo(String),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

pub struct RunningServer {
    pub addr: SocketAddr,
    pub db: Db,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The base URL clients use, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = (&mut self.task)
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r);
        self.db.pool.close().await;
        result
    }
}

pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    let db = Db::connect(&config.database).await?;
    if config.demo_data {
        demo::load_into_empty(&db)
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?;
    }
    {
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(e) = db.cache.search.refresh(&db).await {
                tracing::warn!(error = %e, "the search index will load on the first search");
            }
        });
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| StartError::Bind(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.listen, e))?;
    let app = http::router(AppState::new(db.clone()));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, database = db.backend.name(), "souq server listening");
    Ok(RunningServer {
        addr,
        db,
        stop: Some(stop),
        task,
    })
}
