//! Starting and stopping a server: bind, connect and migrate, load the demo data into an
//! empty database, serve until asked to stop, then drain in-flight requests. Every
//! connection is bounded in time: its request headers must arrive within
//! `header_read_timeout`, a body within `body_read_timeout`, and a connection on which
//! nothing arrives for `idle_timeout` is closed, so slow clients cannot hold it open.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

use crate::base::db::DbError;
use crate::base::limits::Limits;
use crate::config::Config;
use crate::demo;
use crate::http;
use crate::state::Souq;

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
    /// The server's state (its database and caches), for tests and tools in-process.
    pub souq: Souq,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// How long a shutdown waits for in-flight requests before it closes what is left.
const DRAIN_FOR: Duration = Duration::from_secs(30);

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
        let result = (&mut self.task).await.map_err(std::io::Error::other);
        self.souq.base.db.pool.close().await;
        result
    }
}

/// A bound socket not served yet. Its URL is known at once, and connections made to it
/// wait in the kernel's backlog until `start_on` serves them: the app hands the URL to
/// its window while the database migrates and the demo data loads behind it.
pub struct Listening {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Listening {
    pub async fn bind(addr: SocketAddr) -> Result<Listening, StartError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartError::Bind(addr, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Bind(addr, e))?;
        Ok(Listening { listener, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    let listening = Listening::bind(config.listen).await?;
    start_on(listening, config).await
}

/// Serves `listening` once the database is migrated (and, if asked, holds the demo
/// data); `config.listen` is not read again.
pub async fn start_on(listening: Listening, config: Config) -> Result<RunningServer, StartError> {
    let Listening { listener, addr } = listening;
    let souq = Souq::connect(&config).await?;
    // Before anything indexes more: terms made by an older normalization are rebuilt,
    // like a migration, so every search reads terms of one kind.
    match crate::search::keep_terms_current(&souq.base.db).await {
        // Other instances running already hold indexes of the old terms.
        Ok(true) => {
            souq.base
                .publish(&[crate::base::cache::Change::Everything])
                .await
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "the search terms could not be rebuilt"),
    }
    if config.demo_data {
        demo::load_into_empty(&souq.accounts)
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?;
    }
    {
        let souq = souq.clone();
        tokio::spawn(async move {
            if let Err(e) = souq.search.refresh(&souq.base.db).await {
                tracing::warn!(error = %e, "the search index will load on the first search");
            }
        });
    }
    let state = souq.clone();
    let housekeeping = tokio::spawn(crate::housekeeping::run(state.clone()));
    let callbacks = tokio::spawn(crate::checkout::deliver_callbacks(state.checkout.clone()));
    let app = match &config.app_secret {
        Some(secret) => http::embedded::only_the_app(http::router(state), secret, addr.port()),
        None => http::router(state),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let closing = souq.clone();
    let limits = config.limits.clone();
    let task = tokio::spawn(async move {
        serve(listener, app, &limits, stopped, &closing).await;
        housekeeping.abort();
        callbacks.abort();
    });
    tracing::info!(%addr, database = souq.base.db.backend.name(), "souq server listening");
    Ok(RunningServer {
        addr,
        souq,
        stop: Some(stop),
        task,
    })
}

/// Accepts connections until `stopped`, then lets in-flight requests finish (for at
/// most `DRAIN_FOR`).
async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    stopped: oneshot::Receiver<()>,
    closing: &Souq,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        // While a response streams (the drop updates), hyper would read the socket to
        // notice a hang-up, and a client that sends nothing meanwhile would trip the
        // idle timeout below: it is only for connections between requests. A client
        // gone is noticed when the stream's next keep-alive cannot be written.
        .half_close(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.idle_timeout))
        .keep_alive_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut stopped = std::pin::pin!(stopped);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stopped => break,
        };
        let _ = stream.set_nodelay(true);
        // A read that waits longer than the idle timeout ends the connection.
        let mut stream = TimeoutStream::new(stream);
        stream.set_read_timeout(Some(limits.idle_timeout));
        let io = TokioIo::new(Box::pin(stream));
        let service = app
            .clone()
            .map_request(move |mut request: axum::extract::Request<_>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = builder
            .serve_connection_with_upgrades(io, TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // Event streams never finish by themselves: end them so the drain can.
    closing.close_streams();
    if tokio::time::timeout(DRAIN_FOR, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("closed connections still busy after draining");
    }
}
