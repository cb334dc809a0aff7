//! The wasm entry point trunk builds.

fn main() {
    souq_ui::start();
}
