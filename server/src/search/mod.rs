//! Product and store search, the same on SQLite and PostgreSQL: the terms are computed
//! here in Rust (`normalize`) and kept in `search_terms`; each server holds them in
//! memory (`index`), where a query matches each of its words by the word itself, its
//! stem, an Arabic clitic, a prefix (for the word being typed) or with typos, and the
//! results are ranked by how they matched and the weight of the fields they matched
//! in.

pub mod index;
pub mod normalize;

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::base::db::{Db, placeholders};
use crate::base::error::ApiError;
use crate::stores::cards::SHOWN;

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

/// Term rows per INSERT: four binds each, well inside both engines' limits.
const ROWS_PER_INSERT: usize = 2_000;

/// Replaces what is indexed for these products or stores by these terms.
async fn write_terms(
    conn: &mut AnyConnection,
    target: Target,
    ids: &[i64],
    terms: &[(i64, String, i64, i64)],
) -> Result<(), ApiError> {
    for chunk in ids.chunks(500) {
        let sql = format!(
            "DELETE FROM search_terms WHERE target_kind = $1 AND target_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(target.code());
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    for chunk in terms.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO search_terms (target_kind, target_id, term, kind, weight) VALUES {}",
            (0..chunk.len())
                .map(|row| format!("($1, {})", placeholders(2 + row * 4, 4)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut query = sqlx::query(&sql).bind(target.code());
        for (id, term, kind, weight) in chunk {
            query = query
                .bind(*id)
                .bind(term.as_str())
                .bind(*kind)
                .bind(*weight);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces what is indexed for one product or store.
pub async fn index(
    conn: &mut AnyConnection,
    target: Target,
    id: i64,
    fields: &[(&str, i64)],
) -> Result<(), ApiError> {
    let rows: Vec<(i64, String, i64, i64)> = terms(fields)
        .into_iter()
        .map(|(term, kind, weight)| (id, term, kind, weight))
        .collect();
    write_terms(conn, target, &[id], &rows).await
}

/// Drops a product or store from the index.
pub async fn forget(conn: &mut AnyConnection, target: Target, id: i64) -> Result<(), ApiError> {
    index(conn, target, id, &[]).await
}

#[derive(sqlx::FromRow)]
struct ProductText {
    id: i64,
    title: String,
    description: String,
    category: String,
    store_name: String,
}

/// Indexes a product as shoppers see it (its published state), or drops it from the
/// index when they do not see it.
pub async fn index_product(conn: &mut AnyConnection, product_id: i64) -> Result<(), ApiError> {
    index_products(conn, &[product_id]).await
}

/// Indexes products as shoppers see them, in a few statements however many they are;
/// those shoppers do not see are dropped from the index.
pub async fn index_products(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), ApiError> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(500) {
        let list = placeholders(1, chunk.len());
        let texts = format!(
            "SELECT pr.id, pr.title, pr.description, pr.category, s.name AS store_name
             FROM products pr JOIN stores s ON s.id = pr.store_id
             WHERE pr.id IN ({list}) AND {SHOWN}"
        );
        let variants = format!(
            "SELECT product_id, name FROM variants
             WHERE product_id IN ({list}) AND archived_at IS NULL ORDER BY product_id, id"
        );
        let collections = format!(
            "SELECT cp.product_id, c.name FROM collections c
             JOIN collection_products cp ON cp.collection_id = c.id
             WHERE cp.product_id IN ({list})"
        );
        let mut texts = sqlx::query_as::<_, ProductText>(&texts);
        let mut variants = sqlx::query_as::<_, (i64, String)>(&variants);
        let mut collections = sqlx::query_as::<_, (i64, String)>(&collections);
        for id in chunk {
            texts = texts.bind(*id);
            variants = variants.bind(*id);
            collections = collections.bind(*id);
        }
        let texts = texts.fetch_all(&mut *conn).await?;
        let mut names: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        for (id, name) in variants.fetch_all(&mut *conn).await? {
            names.entry(id).or_default().push((name, weight::VARIANT));
        }
        for (id, name) in collections.fetch_all(&mut *conn).await? {
            names
                .entry(id)
                .or_default()
                .push((name, weight::COLLECTION));
        }
        for product in &texts {
            let mut fields = vec![
                (product.title.as_str(), weight::TITLE),
                (product.store_name.as_str(), weight::STORE_NAME),
                (product.category.as_str(), weight::CATEGORY),
                (product.description.as_str(), weight::DESCRIPTION),
            ];
            fields.extend(
                names
                    .get(&product.id)
                    .into_iter()
                    .flatten()
                    .map(|(name, weight)| (name.as_str(), *weight)),
            );
            rows.extend(
                terms(&fields)
                    .into_iter()
                    .map(|(term, kind, weight)| (product.id, term, kind, weight)),
            );
        }
    }
    write_terms(conn, Target::Product, ids, &rows).await
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
    let products: Vec<i64> = sqlx::query_as::<_, (i64,)>("SELECT id FROM products ORDER BY id")
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    // Batches of one transaction each: fast, and a crash loses at most one batch.
    for batch in stores.chunks(500) {
        let mut tx = db.pool.begin().await?;
        for (id,) in batch {
            index_store(&mut tx, *id).await?;
        }
        tx.commit().await?;
    }
    for batch in products.chunks(2_000) {
        let mut tx = db.pool.begin().await?;
        index_products(&mut tx, batch).await?;
        tx.commit().await?;
    }
    Ok((products.len(), stores.len()))
}

/// The fact a database records once its terms are made the way this code makes them.
/// A change to `normalize` or `terms` names a new one, and the index is rebuilt once.
const TERMS_FACT: &str = "search_terms_v2";

/// Rebuilds the terms when they were made by an older version of the normalization.
/// Returns whether it did. Several instances starting at once may each try; one that
/// collides with another's batch reports the error and leaves the work to it.
pub async fn keep_terms_current(db: &Db) -> Result<bool, ApiError> {
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT created_at FROM server_facts WHERE fact = $1")
            .bind(TERMS_FACT)
            .fetch_optional(&db.pool)
            .await?;
    if current.is_some() {
        return Ok(false);
    }
    let (anything,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM search_terms")
        .fetch_one(&db.pool)
        .await?;
    // A new database has nothing made the old way.
    let rebuilt = anything > 0;
    let (products, stores) = if rebuilt {
        reindex_all(db).await?
    } else {
        (0, 0)
    };
    sqlx::query(
        "INSERT INTO server_facts (fact, created_at) VALUES ($1, $2)
         ON CONFLICT (fact) DO NOTHING",
    )
    .bind(TERMS_FACT)
    .bind(crate::base::db::now_ms())
    .execute(&db.pool)
    .await?;
    if rebuilt {
        tracing::info!(products, stores, "search terms rebuilt for this version");
    }
    Ok(rebuilt)
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
