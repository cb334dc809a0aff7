//! The Souq server as a library: `start` runs it on a listener over SQLite or
//! PostgreSQL. The `souq-server` binary and the app's embedded mode both use it.

pub mod accounts;
pub mod base;
pub mod cart;
pub mod checkout;
pub mod config;
pub mod demo;
pub mod drops;
pub mod feed;
pub mod hashtags;
pub mod housekeeping;
pub mod http;
pub mod ledger;
pub mod media;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod people;
pub mod posts;
pub mod search;
pub mod server;
pub mod state;
pub mod stores;
pub mod wallet;

pub use base::db::{Backend, DatabaseConfig, Db};
pub use config::Config;
pub use server::{Listening, RunningServer, StartError, start, start_on};
