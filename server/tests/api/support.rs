//! The test harness: a real server on port 0 over a fresh database per test, SQLite in a
//! temporary directory or a new database on the PostgreSQL that `cargo xtask test`
//! starts (its admin URL in SOUQ_TEST_POSTGRES_URL).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;
use souq_server::base::limits::Limits;
use souq_server::{Config, DatabaseConfig, RunningServer};
use sqlx::Connection;
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub url: String,
    pub http: reqwest::Client,
    pub running: RunningServer,
    pub config: Config,
    _dir: tempfile::TempDir,
}

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn postgres_admin_url() -> String {
    std::env::var("SOUQ_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "SOUQ_TEST_POSTGRES_URL is not set: run the tests with `cargo xtask test`, \
             which starts a throwaway PostgreSQL, or point it at one you run"
        )
    })
}

async fn database_for(engine: Engine, dir: &tempfile::TempDir) -> DatabaseConfig {
    match engine {
        Engine::Sqlite => DatabaseConfig::Sqlite(dir.path().join("souq.db")),
        Engine::Postgres => {
            let admin = postgres_admin_url();
            let name = format!(
                "souq_test_{}_{}",
                std::process::id(),
                NEXT_DB.fetch_add(1, Ordering::SeqCst)
            );
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create a test database");
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            DatabaseConfig::Postgres(format!("{base}/{name}"))
        }
    }
}

pub async fn spawn(engine: Engine) -> TestServer {
    spawn_with(engine, false, Limits::default()).await
}

pub async fn spawn_with_demo(engine: Engine) -> TestServer {
    spawn_with(engine, true, Limits::default()).await
}

/// A server without demo data whose limits are these.
pub async fn spawn_with_limits(engine: Engine, limits: Limits) -> TestServer {
    spawn_with(engine, false, limits).await
}

async fn spawn_with(engine: Engine, demo_data: bool, limits: Limits) -> TestServer {
    spawn_configured(engine, |config| {
        config.demo_data = demo_data;
        config.limits = limits;
    })
    .await
}

/// A server over a fresh database with the configuration `edit` makes.
pub async fn spawn_configured(engine: Engine, edit: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(
        database_for(engine, &dir).await,
        SocketAddr::from(([127, 0, 0, 1], 0)),
    );
    edit(&mut config);
    let running = souq_server::start(config.clone())
        .await
        .expect("server starts");
    TestServer {
        url: running.url(),
        http: reqwest::Client::new(),
        running,
        config,
        _dir: dir,
    }
}

impl TestServer {
    /// Stops this instance and starts another over the same database, as a deploy
    /// restarts a server (the money simulation does).
    #[allow(dead_code)]
    pub async fn restart(self) -> TestServer {
        let TestServer {
            http,
            running,
            config,
            _dir,
            ..
        } = self;
        running.shutdown().await.expect("the server stops");
        let running = souq_server::start(config.clone())
            .await
            .expect("the server starts again");
        TestServer {
            url: running.url(),
            http,
            running,
            config,
            _dir,
        }
    }

    /// Another instance over the same database, as when several share one PostgreSQL.
    pub async fn another_instance(&self) -> TestServer {
        let running = souq_server::start(self.config.clone())
            .await
            .expect("a second instance starts");
        TestServer {
            url: running.url(),
            http: reqwest::Client::new(),
            running,
            config: self.config.clone(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Asserts the `{code, message}` error shape and returns the code.
    pub fn error_code(&self) -> &str {
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "error without a message: {}",
            self.body
        );
        self.body["code"].as_str().expect("error code")
    }
}

impl TestServer {
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.url))
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.url))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.delete(format!("{}{path}", self.url))
    }

    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.put(format!("{}{path}", self.url))
    }

    /// Signs in a demo account and returns the session token.
    pub async fn demo(&self, handle: &str) -> String {
        let reply = self
            .sign_in(
                &format!("{}@demo.souq.example", handle.replace('_', ".")),
                "souq-demo",
            )
            .await;
        assert_eq!(reply.status, 200, "{handle}: {}", reply.body);
        reply.body["token"].as_str().expect("token").to_string()
    }

    /// Posts as `token` and returns the reply.
    pub async fn post_as(&self, token: &str, body: serde_json::Value) -> Reply {
        self.send(self.post("/v1/posts").bearer_auth(token).json(&body))
            .await
    }

    /// Uploads bytes as an image and returns the reply.
    pub async fn upload(&self, token: &str, bytes: Vec<u8>) -> Reply {
        self.send(
            self.post("/v1/media")
                .bearer_auth(token)
                .header("content-type", "application/octet-stream")
                .body(bytes),
        )
        .await
    }

    /// Signs up a shopper and returns the session token.
    pub async fn sign_up(&self, handle: &str) -> String {
        let reply = self
            .send(self.post("/v1/accounts").json(&serde_json::json!({
                "email": format!("{handle}@example.com"),
                "password": "correct horse",
                "handle": handle,
                "display_name": handle,
                "role": "shopper",
            })))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["token"].as_str().expect("token").to_string()
    }

    /// A client whose requests come from another loopback address, as another machine's
    /// would (the whole of 127.0.0.0/8 reaches this host).
    pub fn client_from(&self, last_octet: u8) -> reqwest::Client {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last_octet]))
            .build()
            .expect("a client on another loopback address")
    }

    /// Signs in through `client` and returns the reply.
    pub async fn sign_in_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> Reply {
        self.send(
            client
                .post(format!("{}/v1/sessions", self.url))
                .json(&serde_json::json!({"email": email, "password": password})),
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.send(
            self.post("/v1/sessions")
                .json(&serde_json::json!({"email": email, "password": password})),
        )
        .await
    }
}

/// Runs each named test against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_engines {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::support::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test($crate::support::Engine::Postgres).await
                }
            )*
        }
    };
}

/// The events of a server-sent event stream, as (event, data), in order.
pub struct Listener {
    events: mpsc::UnboundedReceiver<(String, Value)>,
}

impl Listener {
    /// Opens the stream at `path` and waits for its `ready`.
    pub async fn open(server: &TestServer, path: &str, token: &str) -> Listener {
        let mut response = server
            .http
            .get(format!("{}{path}", server.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let (send, events) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    let mut event = String::new();
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(name) = line.strip_prefix("event:") {
                            event = name.trim().to_string();
                        } else if let Some(value) = line.strip_prefix("data:") {
                            data.push_str(value.trim());
                        }
                    }
                    if !event.is_empty() {
                        let data = serde_json::from_str(&data).unwrap_or(Value::Null);
                        if send.send((event, data)).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut listener = Listener { events };
        let (first, _) = listener.next().await;
        assert_eq!(first, "ready");
        listener
    }

    pub async fn next(&mut self) -> (String, Value) {
        tokio::time::timeout(Duration::from_secs(10), self.events.recv())
            .await
            .expect("an event within 10 s")
            .expect("the stream is open")
    }

    /// Whether an event arrives within `within`.
    pub async fn quiet_for(&mut self, within: Duration) -> bool {
        tokio::time::timeout(within, self.events.recv())
            .await
            .is_err()
    }
}
