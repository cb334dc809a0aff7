//! API tests over real HTTP, each against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod abuse;
mod accounts;
mod caches;
mod cards;
mod cart;
mod checkout;
mod demo;
mod drops;
mod errors;
mod failures;
mod feed;
mod health;
mod ledger;
mod orders;
mod people;
mod posts;
mod relevance;
mod rules;
mod sessions;
mod shop;
mod studio;
mod support;
mod timelines;
mod totals;
mod vault;
mod wallet;
