//! The search index each server holds in memory: every term with the products and
//! stores it occurs in, and what the filters need of each shown product. It is loaded
//! from `search_terms` and `products` on the first search, and kept in step by the
//! same changes as the caches: a change marks what to reload, and the next search
//! reloads it from the database before it answers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::sync::{Mutex, RwLock};

use souq_wire::{ShopQuery, ShopSort};

use crate::db::Db;
use crate::error::ApiError;
use crate::search::normalize;
use crate::search::{MIN_PREFIX_CHARS, PAGE, Query, STEM, STORES_SHOWN, Target, WORD};
use crate::stores::cards::SHOWN;

#[derive(Debug, Clone, Copy)]
struct Posting {
    target: Target,
    id: i64,
    weight: i64,
    kind: i64,
}

/// What the filters and sorts need of a shown product.
#[derive(Debug, Clone)]
struct Facts {
    store_id: i64,
    category: String,
    currency: String,
    price_minor: Option<i64>,
    in_stock: bool,
    published_at: i64,
    collections: Vec<i64>,
}

#[derive(Default)]
struct Index {
    terms: BTreeMap<String, Vec<Posting>>,
    /// The terms of each product or store, to take it out when it changes.
    terms_of: HashMap<(Target, i64), Vec<String>>,
    products: HashMap<i64, Facts>,
}

/// What changed since the index was loaded, waiting for the next search.
#[derive(Default)]
struct Pending {
    everything: bool,
    stores: HashSet<i64>,
}

#[derive(Default)]
pub struct SearchIndex {
    index: RwLock<Option<Index>>,
    pending: Mutex<Pending>,
    /// Held while loading or refreshing, so only one request does it.
    refreshing: tokio::sync::Mutex<()>,
}

impl crate::cache::Forget for SearchIndex {
    fn forget(&self, change: &crate::cache::Change) {
        use crate::cache::Change;
        match change {
            Change::Catalog(store) => self.forget_store(*store),
            Change::Everything => self.forget_all(),
            Change::SignedOut(_)
            | Change::Post(_)
            | Change::Author(_)
            | Change::Viewer(_)
            | Change::Drop(_)
            | Change::Inbox(_) => {}
        }
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

/// One page of a search: product ids in order, whether more follow, matching stores.
pub struct Found {
    pub products: Vec<i64>,
    pub has_more: bool,
    pub stores: Vec<i64>,
}

impl SearchIndex {
    /// Everything must be loaded again (demo data, a rebuilt index, a lost listener).
    pub fn forget_all(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.everything = true;
        }
    }

    /// A store's products, or its own page, changed.
    pub fn forget_store(&self, store_id: i64) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.stores.insert(store_id);
        }
    }

    /// Brings the index up to date with what changed, loading it if need be. The
    /// server calls it once at start, so the first search does not wait for the load.
    pub async fn refresh(&self, db: &Db) -> Result<(), ApiError> {
        let loaded = self.index.read().is_ok_and(|i| i.is_some());
        let waiting = self
            .pending
            .lock()
            .is_ok_and(|p| p.everything || !p.stores.is_empty());
        if loaded && !waiting {
            return Ok(());
        }
        // Once loaded, a search never waits for a refresh: it answers from the index as
        // it is while one request brings it up to date.
        let _refreshing = if loaded {
            match self.refreshing.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(()),
            }
        } else {
            self.refreshing.lock().await
        };
        // Take the marks before reading, so a change made meanwhile is read again next.
        let pending = match self.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => Pending {
                everything: true,
                ..Pending::default()
            },
        };
        let loaded = self.index.read().is_ok_and(|i| i.is_some());
        if !loaded || pending.everything {
            let index = load(db, None).await?;
            if let Ok(mut slot) = self.index.write() {
                *slot = Some(index);
            }
            return Ok(());
        }
        for store_id in pending.stores {
            let part = load(db, Some(store_id)).await?;
            let product_ids: Vec<i64> =
                sqlx::query_as::<_, (i64,)>("SELECT id FROM products WHERE store_id = $1")
                    .bind(store_id)
                    .fetch_all(&db.pool)
                    .await?
                    .into_iter()
                    .map(|(id,)| id)
                    .collect();
            if let Ok(mut slot) = self.index.write()
                && let Some(index) = slot.as_mut()
            {
                index.remove(Target::Store, store_id);
                for id in &product_ids {
                    index.remove(Target::Product, *id);
                }
                index.merge(part);
            }
        }
        Ok(())
    }

    /// The products (one page) and stores matching a query, in order.
    pub async fn search(
        &self,
        db: &Db,
        words: &Query,
        query: &ShopQuery,
        store_id: Option<i64>,
    ) -> Result<Found, ApiError> {
        self.refresh(db).await?;
        let page = PAGE;
        let offset = query
            .offset
            .and_then(|o| usize::try_from(o).ok())
            .unwrap_or(0);
        let guard = self
            .index
            .read()
            .map_err(|_| ApiError::Internal("the search index is poisoned".into()))?;
        let Some(index) = guard.as_ref() else {
            return Ok(Found {
                products: Vec::new(),
                has_more: false,
                stores: Vec::new(),
            });
        };
        let scores = if words.is_empty() {
            None
        } else {
            Some(index.matches(words, Target::Product))
        };
        let currency = query.currency.as_ref().map(|c| c.to_ascii_uppercase());
        let keep = |facts: &Facts| {
            query.category.as_ref().is_none_or(|c| &facts.category == c)
                && store_id.is_none_or(|s| facts.store_id == s)
                && query
                    .collection
                    .is_none_or(|c| facts.collections.contains(&c))
                && currency.as_ref().is_none_or(|c| &facts.currency == c)
                && facts.price_minor.is_some_and(|p| {
                    query.min_price.is_none_or(|min| p >= min)
                        && query.max_price.is_none_or(|max| p <= max)
                })
                && (!query.in_stock || facts.in_stock)
        };
        let mut hits: Vec<(i64, i64, &Facts)> = match &scores {
            Some(scores) => scores
                .iter()
                .filter_map(|(id, score)| {
                    let facts = index.products.get(id)?;
                    keep(facts).then_some((*id, *score, facts))
                })
                .collect(),
            None => index
                .products
                .iter()
                .filter(|(_, facts)| keep(facts))
                .map(|(id, facts)| (*id, 0, facts))
                .collect(),
        };
        let order = |a: &(i64, i64, &Facts), b: &(i64, i64, &Facts)| {
            let newest = (b.2.published_at, b.0).cmp(&(a.2.published_at, a.0));
            let price = |x: &(i64, i64, &Facts)| x.2.price_minor.unwrap_or(i64::MAX);
            match query.sort {
                ShopSort::Relevance if scores.is_some() => b.1.cmp(&a.1).then(newest),
                ShopSort::Relevance | ShopSort::Newest => newest,
                ShopSort::PriceLowToHigh => price(a).cmp(&price(b)).then(b.0.cmp(&a.0)),
                ShopSort::PriceHighToLow => price(b).cmp(&price(a)).then(b.0.cmp(&a.0)),
            }
        };
        // Only the page and what precedes it need sorting.
        let wanted = offset.saturating_add(page).saturating_add(1);
        if hits.len() > wanted {
            hits.select_nth_unstable_by(wanted - 1, order);
            hits.truncate(wanted);
        }
        hits.sort_unstable_by(order);
        let has_more = hits.len() > offset.saturating_add(page);
        let products = hits
            .iter()
            .skip(offset)
            .take(page)
            .map(|(id, _, _)| *id)
            .collect();
        let stores = if words.is_empty() || offset > 0 {
            Vec::new()
        } else {
            let mut stores: Vec<(i64, i64)> =
                index.matches(words, Target::Store).into_iter().collect();
            stores.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            stores
                .into_iter()
                .take(STORES_SHOWN)
                .map(|(id, _)| id)
                .collect()
        };
        Ok(Found {
            products,
            has_more,
            stores,
        })
    }
}

impl Index {
    fn add(&mut self, term: String, posting: Posting) {
        self.terms_of
            .entry((posting.target, posting.id))
            .or_default()
            .push(term.clone());
        self.terms.entry(term).or_default().push(posting);
    }

    fn remove(&mut self, target: Target, id: i64) {
        for term in self.terms_of.remove(&(target, id)).unwrap_or_default() {
            if let Some(postings) = self.terms.get_mut(&term) {
                postings.retain(|p| !(p.target == target && p.id == id));
                if postings.is_empty() {
                    self.terms.remove(&term);
                }
            }
        }
        if target == Target::Product {
            self.products.remove(&id);
        }
    }

    fn merge(&mut self, part: Index) {
        for (term, postings) in part.terms {
            for posting in postings {
                self.add(term.clone(), posting);
            }
        }
        self.products.extend(part.products);
    }

    /// Every target matching every word, with its score: a word scores the weight of
    /// the field it is in, times 10 as written, 8 by its stem, 5 as a typed prefix.
    fn matches(&self, words: &Query, target: Target) -> HashMap<i64, i64> {
        let last = words.words.len().saturating_sub(1);
        let mut result: Option<HashMap<i64, i64>> = None;
        for (i, word) in words.words.iter().enumerate() {
            let mut best: HashMap<i64, i64> = HashMap::new();
            let mut offer = |postings: &[Posting], score: &dyn Fn(&Posting) -> Option<i64>| {
                for posting in postings.iter().filter(|p| p.target == target) {
                    if let Some(s) = score(posting) {
                        let entry = best.entry(posting.id).or_default();
                        *entry = (*entry).max(s);
                    }
                }
            };
            if let Some(postings) = self.terms.get(word) {
                offer(postings, &|p| {
                    Some(p.weight * if p.kind == WORD { 10 } else { 8 })
                });
            }
            let stem = normalize::stem(word);
            if &stem != word
                && let Some(postings) = self.terms.get(&stem)
            {
                offer(postings, &|p| (p.kind == STEM).then_some(p.weight * 8));
            }
            if i == last && words.typing && word.chars().count() >= MIN_PREFIX_CHARS {
                let end = format!("{word}{}", char::MAX);
                let range = (
                    Bound::Excluded(word.as_str()),
                    Bound::Excluded(end.as_str()),
                );
                for (_, postings) in self.terms.range::<str, _>(range) {
                    offer(postings, &|p| (p.kind == WORD).then_some(p.weight * 5));
                }
            }
            result = Some(match result {
                None => best,
                Some(so_far) => so_far
                    .into_iter()
                    .filter_map(|(id, score)| best.get(&id).map(|s| (id, score + s)))
                    .collect(),
            });
            if result.as_ref().is_some_and(HashMap::is_empty) {
                break;
            }
        }
        result.unwrap_or_default()
    }
}

#[derive(sqlx::FromRow)]
struct TermRow {
    term: String,
    kind: i64,
    target_kind: i64,
    target_id: i64,
    weight: i64,
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    id: i64,
    store_id: i64,
    category: String,
    currency: String,
    price_minor: Option<i64>,
    in_stock: i64,
    published_at: i64,
}

/// The index of everything, or of one store and its products.
async fn load(db: &Db, store: Option<i64>) -> Result<Index, ApiError> {
    let (terms_sql, facts_sql, collections_sql) = match store {
        None => (
            "SELECT term, kind, target_kind, target_id, weight FROM search_terms".to_string(),
            format!(
                "SELECT pr.id, pr.store_id, pr.category, pr.currency, pr.price_minor,
                        pr.in_stock, pr.published_at FROM products pr WHERE {SHOWN}"
            ),
            "SELECT cp.collection_id, cp.product_id FROM collection_products cp".to_string(),
        ),
        Some(_) => (
            "SELECT t.term, t.kind, t.target_kind, t.target_id, t.weight FROM search_terms t
             WHERE (t.target_kind = 1 AND t.target_id = $1)
                OR (t.target_kind = 0 AND t.target_id IN
                    (SELECT id FROM products WHERE store_id = $1))"
                .to_string(),
            format!(
                "SELECT pr.id, pr.store_id, pr.category, pr.currency, pr.price_minor,
                        pr.in_stock, pr.published_at FROM products pr
                 WHERE {SHOWN} AND pr.store_id = $1"
            ),
            "SELECT cp.collection_id, cp.product_id FROM collection_products cp
             JOIN collections c ON c.id = cp.collection_id WHERE c.store_id = $1"
                .to_string(),
        ),
    };
    let terms = sqlx::query_as::<_, TermRow>(&terms_sql);
    let facts = sqlx::query_as::<_, FactsRow>(&facts_sql);
    let memberships = sqlx::query_as::<_, (i64, i64)>(&collections_sql);
    let (terms, facts, memberships) = match store {
        Some(id) => (terms.bind(id), facts.bind(id), memberships.bind(id)),
        None => (terms, facts, memberships),
    };
    let terms = terms.fetch_all(&db.pool).await?;
    let facts = facts.fetch_all(&db.pool).await?;
    let memberships = memberships.fetch_all(&db.pool).await?;
    let mut index = Index::default();
    for row in facts {
        index.products.insert(
            row.id,
            Facts {
                store_id: row.store_id,
                category: row.category,
                currency: row.currency,
                price_minor: row.price_minor,
                in_stock: row.in_stock != 0,
                published_at: row.published_at,
                collections: Vec::new(),
            },
        );
    }
    for (collection, product) in memberships {
        if let Some(facts) = index.products.get_mut(&product) {
            facts.collections.push(collection);
        }
    }
    for row in terms {
        let target = if row.target_kind == 1 {
            Target::Store
        } else {
            Target::Product
        };
        index.add(
            row.term,
            Posting {
                target,
                id: row.target_id,
                weight: row.weight,
                kind: row.kind,
            },
        );
    }
    Ok(index)
}
