//! A bare Tauri window, for `cargo xtask bench launch`: the floor Souq's launch is
//! measured against, side by side. One window like Souq's, on a static page with a
//! heading, and nothing else: no plugins, no server, no state.
#![allow(clippy::expect_used)]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!(
            "examples/bare_window/tauri.conf.json"
        ))
        .expect("the bare window runs");
}
