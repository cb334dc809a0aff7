//! The desktop entry point; phones enter through `run` as the mobile entry point.
// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    souq_app_lib::run();
}
