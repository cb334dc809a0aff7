//! The relevance cases of `server/tests/relevance.toml` on both engines: the catalogue
//! is loaded as products of real stores, and every query must find its products among
//! its first results and none it must not. All misses are reported at once.

use std::collections::HashMap;

use serde::Deserialize;

use crate::on_both_engines;
use crate::shop::{Item, ids, product, q, store};
use crate::support::{Engine, spawn};

#[derive(Deserialize)]
struct Cases {
    store: Vec<StoreSpec>,
    product: Vec<ProductSpec>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct StoreSpec {
    handle: String,
    name: String,
}

#[derive(Deserialize)]
struct ProductSpec {
    key: String,
    store: String,
    title: String,
    description: String,
    category: String,
}

#[derive(Deserialize)]
struct Case {
    query: String,
    /// The last word is still being typed: no space is added after it.
    #[serde(default)]
    typing: bool,
    finds: Vec<String>,
    #[serde(default = "first_three")]
    within: usize,
    #[serde(default)]
    not: Vec<String>,
}

fn first_three() -> usize {
    3
}

async fn every_relevance_case_finds_its_products_first(engine: Engine) {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/relevance.toml"))
            .unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    let server = spawn(engine).await;
    let token = server.sign_up("shopper").await;
    let mut stores = HashMap::new();
    for spec in &cases.store {
        stores.insert(
            spec.handle.as_str(),
            store(&server, &spec.handle, &spec.name).await,
        );
    }
    let mut products = HashMap::new();
    for spec in &cases.product {
        let id = product(
            &server,
            stores[spec.store.as_str()],
            Item {
                title: &spec.title,
                description: &spec.description,
                category: &spec.category,
                ..Item::default()
            },
        )
        .await;
        products.insert(spec.key.as_str(), id);
    }
    let key_of: HashMap<i64, &str> = products.iter().map(|(k, id)| (*id, *k)).collect();
    let mut misses = Vec::new();
    for case in &cases.case {
        let typed = if case.typing {
            case.query.clone()
        } else {
            format!("{} ", case.query)
        };
        let got = ids(&server, &token, &q(&typed)).await;
        let first: Vec<i64> = got
            .iter()
            .take(case.within.max(case.finds.len()))
            .copied()
            .collect();
        let missing: Vec<&String> = case
            .finds
            .iter()
            .filter(|key| !first.contains(&products[key.as_str()]))
            .collect();
        let unwanted: Vec<&String> = case
            .not
            .iter()
            .filter(|key| got.contains(&products[key.as_str()]))
            .collect();
        if !missing.is_empty() || !unwanted.is_empty() {
            let got: Vec<&str> = got.iter().map(|id| key_of[id]).collect();
            misses.push(format!(
                "{typed:?}: missing {missing:?}, unwanted {unwanted:?}, got {got:?}"
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} cases missed:\n{}",
        misses.len(),
        cases.case.len(),
        misses.join("\n")
    );
}

on_both_engines!(every_relevance_case_finds_its_products_first);
