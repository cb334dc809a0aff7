//! Tauri commands: typed, one line each, delegating to `SouqClient` or `preferences`.
//! Every command is listed in build.rs and granted in capabilities/default.json.

pub mod accounts;
pub mod checkout;
pub mod drops;
pub mod feed;
pub mod orders;
pub mod people;
pub mod posts;
pub mod settings;
pub mod shop;
pub mod studio;
pub mod wallet;
