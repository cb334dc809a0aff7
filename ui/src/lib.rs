//! The Souq UI: Leptos 0.8, rendered in the app's webview. All data comes through
//! `api`, every string through `i18n`.

pub mod api;
pub mod app;
pub mod clock;
pub mod components;
pub mod i18n;
pub mod routes;
pub mod state;

/// Mounts the app into the page's body.
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
