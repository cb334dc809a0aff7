//! What a server is started with: where its database is, where it listens, its limits,
//! how it takes payments and the wallet's rules.

use std::net::SocketAddr;

use crate::base::db::DatabaseConfig;
use crate::base::limits::Limits;
use crate::payments::PaymentSettings;
use crate::wallet::WalletSettings;

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseConfig,
    /// Port 0 picks a free port; `RunningServer::addr` tells which.
    pub listen: SocketAddr,
    /// Load the demo stores, products, posts and drops into an empty database.
    pub demo_data: bool,
    pub limits: Limits,
    /// Set by the app for its embedded server: every request must carry this secret
    /// (made at each launch) and name a loopback Host, so that neither another local
    /// user nor a web page (DNS rebinding) can talk to it.
    pub app_secret: Option<String>,
    pub payments: PaymentSettings,
    /// The wallet's rules: limits on sending, the savings rate, when the PIN is asked,
    /// and the key its cards are sealed under.
    pub wallet: WalletSettings,
}

impl Config {
    /// A server with the default limits and no demo data.
    pub fn new(database: DatabaseConfig, listen: SocketAddr) -> Config {
        Config {
            database,
            listen,
            demo_data: false,
            limits: Limits::default(),
            app_secret: None,
            payments: PaymentSettings::default(),
            wallet: WalletSettings::default(),
        }
    }
}
