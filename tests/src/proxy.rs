//! A TCP proxy between the app and a server that can lose an answer on purpose: armed,
//! it passes the next `POST /v1/checkouts` to the server and closes the app's connection
//! before any of the answer comes back, as a dropped connection or a timeout would. The
//! server did the work; the app does not know. What the app does then is under test.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct Proxy {
    pub addr: SocketAddr,
    lose_next_checkout_answer: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

const CHECKOUT: &[u8] = b"POST /v1/checkouts HTTP/1.1";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().expect("proxy address");
        let lose = Arc::new(AtomicBool::new(false));
        let armed = Arc::clone(&lose);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                tokio::spawn(relay(client, server, Arc::clone(&armed)));
            }
        });
        Proxy {
            addr,
            lose_next_checkout_answer: lose,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next checkout's answer never reaches the app.
    pub fn lose_next_checkout_answer(&self) {
        self.lose_next_checkout_answer.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(client: TcpStream, server: TcpStream, armed: Arc<AtomicBool>) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let lose = Arc::new(AtomicBool::new(false));
    let losing = Arc::clone(&lose);
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let chunk = &buf[..n];
            if contains(chunk, CHECKOUT) && armed.swap(false, Ordering::SeqCst) {
                losing.store(true, Ordering::SeqCst);
            }
            if to_server.write_all(chunk).await.is_err() {
                break;
            }
        }
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from_server.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if lose.load(Ordering::SeqCst) {
            // The answer arrived: drop it, and the app's connection with it.
            break;
        }
        if to_client.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    upstream.abort();
    let _ = to_client.shutdown().await;
}
