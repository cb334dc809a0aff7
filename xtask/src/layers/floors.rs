//! The server's floors, bottom first: a file may import from its own floor and the
//! floors below; an import up a floor needs a comment saying why (docs/ARCHITECTURE.md
//! draws them).

use super::workspace::{Crate, Import};

/// The server library's top-level modules by floor, bottom first.
const SERVER: &[&[&str]] = &[
    // What every domain stands on, naming none of them.
    &["base"],
    // Who someone is, where money moves, how a processor is reached.
    &["accounts", "ledger", "payments"],
    &["notifications"],
    // The catalogue: stores, their products and stock, search, media, the cart.
    &["stores", "search", "media", "cart"],
    // What the catalogue and people are shown in: people, hashtags, drops, the feed.
    &["people", "hashtags", "drops", "feed"],
    &["posts", "wallet"],
    &["orders", "checkout"],
    // Only these know the whole app: start-up, its state, the handlers, the clock.
    &[
        "config",
        "state",
        "server",
        "http",
        "housekeeping",
        "demo",
        "",
    ],
];

pub struct Floors(&'static [&'static [&'static str]]);

/// The floors of a crate, by its root file; none for a crate without floors.
pub fn of(root: &str) -> Option<Floors> {
    (root == "server/src/lib.rs").then_some(Floors(SERVER))
}

impl Floors {
    fn floor(&self, module: &[String]) -> usize {
        let top = module.first().map_or("", String::as_str);
        self.0
            .iter()
            .position(|f| f.contains(&top))
            .unwrap_or(self.0.len())
    }

    /// True when the import runs from a lower floor to a higher one.
    pub fn runs_up(&self, krate: &Crate, import: &Import) -> bool {
        let module = |file: usize| krate.files.get(file).map(|f| self.floor(&f.module));
        module(import.from) < module(import.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_floor_names_its_modules_once() {
        let mut seen = std::collections::HashSet::new();
        for name in SERVER.iter().flat_map(|floor| floor.iter()) {
            assert!(seen.insert(*name), "{name} is on two floors");
        }
    }
}
