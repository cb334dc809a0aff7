//! Product and store search, the same on SQLite and PostgreSQL: the terms are computed
//! here in Rust (`normalize`) and kept in `search_terms`; a query matches each of its
//! words by the word itself, its stem, or (for the word being typed) a prefix, and the
//! results are ranked by the weight of the fields their words matched in.

pub mod index;
pub mod normalize;

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::db::Db;
use crate::error::ApiError;

/// What a term points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Product,
    Store,
}

impl Target {
    /// How `search_terms.target_kind` stores it.
    fn code(self) -> i64 {
        match self {
            Target::Product => 0,
            Target::Store => 1,
        }
    }
}

/// Field weights: a title word counts eight times a description word.
pub mod weight {
    pub const TITLE: i64 = 8;
    pub const HANDLE: i64 = 6;
    pub const STORE_NAME: i64 = 4;
    pub const CATEGORY: i64 = 3;
    pub const COLLECTION: i64 = 2;
    pub const VARIANT: i64 = 2;
    pub const DESCRIPTION: i64 = 1;
}

const WORD: i64 = 0;
const STEM: i64 = 1;

/// Products per page of results.
pub const PAGE: usize = 24;
/// Stores shown beside the products of a search.
pub const STORES_SHOWN: usize = 5;

/// Words longer than this are not indexed: no real word in either language comes
/// near it, and a 5,000-letter "word" would otherwise be a term of its own (and a
/// value too long for an index on some engines).
pub const MAX_INDEXED_WORD_CHARS: usize = 40;

/// The rows to index for these weighted fields: each word and each stem that differs
/// from its word, at the highest weight it appears with.
pub fn terms(fields: &[(&str, i64)]) -> Vec<(String, i64, i64)> {
    let mut best: HashMap<(String, i64), i64> = HashMap::new();
    for (text, weight) in fields {
        for word in normalize::words(text)
            .into_iter()
            .filter(|w| w.chars().count() <= MAX_INDEXED_WORD_CHARS)
        {
            let stem = normalize::stem(&word);
            if stem != word {
                let w = best.entry((stem, STEM)).or_default();
                *w = (*w).max(*weight);
            }
            let w = best.entry((word, WORD)).or_default();
            *w = (*w).max(*weight);
        }
    }
    let mut terms: Vec<(String, i64, i64)> = best
        .into_iter()
        .map(|((term, kind), weight)| (term, kind, weight))
        .collect();
    terms.sort();
    terms
}

/// Replaces what is indexed for one product or store.
pub async fn index(
    conn: &mut AnyConnection,
    target: Target,
    id: i64,
    fields: &[(&str, i64)],
) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM search_terms WHERE target_kind = $1 AND target_id = $2")
        .bind(target.code())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // A few hundred rows per statement keeps well inside both engines' bind limits.
    for chunk in terms(fields).chunks(200) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 3;
                format!("(${}, ${}, $1, $2, ${})", b + 3, b + 4, b + 5)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO search_terms (term, kind, target_kind, target_id, weight) VALUES {values}"
        );
        let mut query = sqlx::query(&sql).bind(target.code()).bind(id);
        for (term, kind, weight) in chunk {
            query = query.bind(term.as_str()).bind(*kind).bind(*weight);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Drops a product or store from the index.
pub async fn forget(conn: &mut AnyConnection, target: Target, id: i64) -> Result<(), ApiError> {
    index(conn, target, id, &[]).await
}

#[derive(sqlx::FromRow)]
struct ProductText {
    title: String,
    description: String,
    category: String,
    store_name: String,
    shown: i64,
}

/// Indexes a product as shoppers see it (its published state), or drops it from the
/// index when they do not see it.
pub async fn index_product(conn: &mut AnyConnection, product_id: i64) -> Result<(), ApiError> {
    let product: Option<ProductText> = sqlx::query_as(
        "SELECT pr.title, pr.description, pr.category, s.name AS store_name,
                CASE WHEN pr.published_at IS NOT NULL AND pr.archived_at IS NULL
                     THEN 1 ELSE 0 END AS shown
         FROM products pr JOIN stores s ON s.id = pr.store_id WHERE pr.id = $1",
    )
    .bind(product_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(product) = product.filter(|p| p.shown == 1) else {
        return forget(conn, Target::Product, product_id).await;
    };
    let variants: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM variants WHERE product_id = $1 AND archived_at IS NULL ORDER BY id",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    let collections: Vec<(String,)> = sqlx::query_as(
        "SELECT c.name FROM collections c
         JOIN collection_products cp ON cp.collection_id = c.id
         WHERE cp.product_id = $1",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut fields = vec![
        (product.title.as_str(), weight::TITLE),
        (product.store_name.as_str(), weight::STORE_NAME),
        (product.category.as_str(), weight::CATEGORY),
        (product.description.as_str(), weight::DESCRIPTION),
    ];
    fields.extend(variants.iter().map(|(n,)| (n.as_str(), weight::VARIANT)));
    fields.extend(
        collections
            .iter()
            .map(|(n,)| (n.as_str(), weight::COLLECTION)),
    );
    index(conn, Target::Product, product_id, &fields).await
}

/// Indexes a store by its name, handle and about text.
pub async fn index_store(conn: &mut AnyConnection, store_id: i64) -> Result<(), ApiError> {
    let store: Option<(String, String, String)> =
        sqlx::query_as("SELECT name, handle, about FROM stores WHERE id = $1")
            .bind(store_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((name, handle, about)) = store else {
        return forget(conn, Target::Store, store_id).await;
    };
    // A handle like dar_al_oud is searched as its words.
    let handle = handle.replace('_', " ");
    index(
        conn,
        Target::Store,
        store_id,
        &[
            (name.as_str(), weight::TITLE),
            (handle.as_str(), weight::HANDLE),
            (about.as_str(), weight::DESCRIPTION),
        ],
    )
    .await
}

/// Rebuilds the whole index from the products and stores: after a bulk load, or to
/// recover. Returns how many products and stores were indexed.
pub async fn reindex_all(db: &Db) -> Result<(usize, usize), ApiError> {
    let stores: Vec<(i64,)> = sqlx::query_as("SELECT id FROM stores ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    let products: Vec<(i64,)> = sqlx::query_as("SELECT id FROM products ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    // Batches of one transaction each: fast, and a crash loses at most one batch.
    for batch in stores.chunks(500) {
        let mut tx = db.pool.begin().await?;
        for (id,) in batch {
            index_store(&mut tx, *id).await?;
        }
        tx.commit().await?;
    }
    for batch in products.chunks(500) {
        let mut tx = db.pool.begin().await?;
        for (id,) in batch {
            index_product(&mut tx, *id).await?;
        }
        tx.commit().await?;
    }
    Ok((products.len(), stores.len()))
}

/// A typed query: its normalized words, and whether the last is still being typed
/// (no space after it), which lets it match as a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub typing: bool,
}

/// At most this many words of a query count: enough for any product name.
const MAX_QUERY_WORDS: usize = 8;
/// A prefix shorter than this matches too much to mean anything.
pub(crate) const MIN_PREFIX_CHARS: usize = 2;

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut words = normalize::words(text);
        words.truncate(MAX_QUERY_WORDS);
        Query {
            words,
            typing: !text.ends_with(char::is_whitespace),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_longer_than_any_real_one_is_not_indexed() {
        let long = "ب".repeat(MAX_INDEXED_WORD_CHARS + 1);
        let terms = terms(&[(&format!("عود {long} oud"), 8)]);
        assert!(
            terms
                .iter()
                .all(|(term, _, _)| term.chars().count() <= MAX_INDEXED_WORD_CHARS)
        );
        assert!(terms.iter().any(|(term, _, _)| term == "oud"));
    }

    #[test]
    fn a_field_yields_its_words_and_differing_stems_at_their_best_weight() {
        let terms = terms(&[("Leather bags", 8), ("bag", 1)]);
        assert!(terms.contains(&("leather".into(), WORD, 8)));
        assert!(terms.contains(&("bags".into(), WORD, 8)));
        assert!(terms.contains(&("bag".into(), STEM, 8)));
        assert!(terms.contains(&("bag".into(), WORD, 1)));
        // "leather" stems to "leather": no separate stem row.
        assert!(!terms.iter().any(|(t, k, _)| t == "leather" && *k == STEM));
    }

    #[test]
    fn the_last_word_is_a_prefix_only_while_it_is_being_typed() {
        assert!(Query::parse("oud roy").typing);
        assert!(!Query::parse("oud royale ").typing);
        assert_eq!(Query::parse("  Oud  ROYALE ").words, ["oud", "royale"]);
    }
}
