//! The search index each server holds in memory: every term, with the products and
//! stores it occurs in, in a compact ordered vocabulary (an `fst` map) that answers a
//! typed prefix as a range and a word with typos as a Levenshtein automaton's walk;
//! what the filters need of each shown product; and how much shoppers bought and
//! engaged with each lately, to break ties. It is loaded from `search_terms` and
//! `products` at start, and kept in step by the same changes as the caches: a change
//! marks what to reload, and the next search has it reloaded (searches meanwhile
//! answer from the index as it was).

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use fst::{IntoStreamer, Map, MapBuilder, Streamer};
use futures_util::TryStreamExt;
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use souq_wire::{Highlight, ShopQuery, ShopSort, TextRange};

use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::search::normalize;
use crate::search::{MIN_PREFIX_CHARS, PAGE, Query, STORES_SHOWN, Target, WORD};
use crate::stores::cards::SHOWN;

/// A product's place in the index's dense list of products. Postings name products by
/// slot: half the size of an id, and lists sorted by slot intersect by merging.
type Slot = u32;

/// A term in a product's fields: which product, the weight of its best field, and
/// whether the term is the word as written or its stem.
#[derive(Debug, Clone, Copy)]
struct ProductPosting {
    slot: Slot,
    weight: u8,
    kind: u8,
}

/// A term in a store's name, handle or about text.
#[derive(Debug, Clone, Copy)]
struct StorePosting {
    id: i64,
    weight: u8,
    kind: u8,
}

/// Where a term occurs; the products sorted by slot.
#[derive(Debug, Default)]
struct Postings {
    products: Vec<ProductPosting>,
    stores: Vec<StorePosting>,
}

impl Postings {
    fn len(&self) -> usize {
        self.products.len() + self.stores.len()
    }
}

/// What the filters and sorts need of a shown product.
#[derive(Debug, Clone)]
struct Facts {
    id: i64,
    store_id: i64,
    /// Shared by every product of the category or currency: a million products have a
    /// handful of each.
    category: Arc<str>,
    currency: Arc<str>,
    price_minor: Option<i64>,
    in_stock: bool,
    published_at: i64,
    collections: Vec<i64>,
    /// What shoppers bought and engaged with lately: ties in relevance go to the
    /// higher.
    popularity: i64,
}

/// Every term the index holds, each with its number: its place in `Index::postings`.
struct Vocabulary {
    /// The terms at the last build, ordered and compact.
    built: Map<Vec<u8>>,
    /// Terms first seen since, looked through one by one, until there are enough of
    /// them to fold into `built`.
    added: BTreeMap<String, u32>,
}

/// Terms added after a build before the vocabulary is built again.
const ADDED_BEFORE_REBUILD: usize = 20_000;

impl Vocabulary {
    fn build(mut terms: Vec<(String, u32)>) -> Result<Vocabulary, ApiError> {
        terms.sort_unstable();
        let mut built = MapBuilder::memory();
        for (term, number) in terms {
            built.insert(term, u64::from(number)).map_err(fst_error)?;
        }
        let built = built.into_map();
        Ok(Vocabulary {
            built,
            added: BTreeMap::new(),
        })
    }

    fn get(&self, term: &str) -> Option<u32> {
        self.built
            .get(term)
            .and_then(|n| u32::try_from(n).ok())
            .or_else(|| self.added.get(term).copied())
    }

    /// The number of every term that starts with `prefix`.
    fn prefixed(&self, prefix: &str, mut each: impl FnMut(u32)) {
        // No UTF-8 text holds the byte 0xFF: every term with the prefix sorts below it.
        let mut end = prefix.as_bytes().to_vec();
        end.push(0xFF);
        let mut stream = self.built.range().ge(prefix).lt(&end).into_stream();
        while let Some((_, n)) = stream.next() {
            if let Ok(n) = u32::try_from(n) {
                each(n);
            }
        }
        for (term, n) in self.added.range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        )) {
            if !term.starts_with(prefix) {
                break;
            }
            each(*n);
        }
    }

    /// Every term the automaton accepts, with its number and its edit distance.
    fn within(&self, dfa: &DFA, mut each: impl FnMut(&str, u32, u8)) {
        let mut stream = self.built.search_with_state(dfa).into_stream();
        while let Some((term, n, state)) = stream.next() {
            if let (Distance::Exact(d), Ok(term), Ok(n)) = (
                dfa.distance(state),
                std::str::from_utf8(term),
                u32::try_from(n),
            ) {
                each(term, n, d);
            }
        }
        for (term, n) in &self.added {
            if let Distance::Exact(d) = dfa.eval(term) {
                each(term, *n, d);
            }
        }
    }

    /// Folds the added terms into the built map.
    fn rebuild(&mut self) -> Result<(), ApiError> {
        let mut terms = Vec::with_capacity(self.built.len() + self.added.len());
        let mut stream = self.built.stream();
        while let Some((term, n)) = stream.next() {
            if let (Ok(term), Ok(n)) = (std::str::from_utf8(term), u32::try_from(n)) {
                terms.push((term.to_string(), n));
            }
        }
        terms.extend(std::mem::take(&mut self.added));
        *self = Vocabulary::build(terms)?;
        Ok(())
    }
}

fn fst_error(e: fst::Error) -> ApiError {
    ApiError::Internal(format!("building the search vocabulary: {e}"))
}

struct Index {
    vocabulary: Vocabulary,
    /// Where each term occurs, by its number.
    postings: Vec<Postings>,
    /// The numbers of the terms of each store and its products, to take them out when
    /// the store changes.
    terms_of: HashMap<i64, Vec<u32>>,
    /// Every product that has had a slot, by slot; `None` once it is no longer shown.
    products: Vec<Option<Facts>>,
    /// Each slot's `tie`, apart from the products so a search reads 8 bytes a hit.
    ties: Vec<u64>,
    slot_of: HashMap<i64, Slot>,
}

/// A product matching the words so far: its slot, the typos it took and the points it
/// scored (the weights of the fields the words reached, times how they reached them).
#[derive(Debug, Clone, Copy)]
struct Hit {
    slot: Slot,
    typos: u8,
    points: u32,
}

/// How well a product or store matched, greater is better: fewer typos first, then
/// more points, so exact matches rank above tolerant ones whatever the weights.
fn rank(typos: u8, points: u32) -> (Reverse<u8>, u32) {
    (Reverse(typos), points)
}

impl Hit {
    fn better_than(&self, other: &Hit) -> bool {
        rank(self.typos, self.points) > rank(other.typos, other.points)
    }
}

/// A store's score: its typos, then its points.
type StoreScores = HashMap<i64, (u8, u32)>;

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
    /// When what shoppers bought and engaged with was last counted.
    counted: Mutex<Option<Instant>>,
    /// Held while loading or refreshing, so only one request does it.
    refreshing: tokio::sync::Mutex<()>,
}

impl crate::base::cache::Forget for SearchIndex {
    fn forget(&self, change: &crate::base::cache::Change) {
        use crate::base::cache::Change;
        match change {
            Change::Catalog(store) => self.forget_store(*store),
            Change::Everything => self.forget_all(),
            Change::SignedOut(_)
            | Change::Post(_)
            | Change::Author(_)
            | Change::Viewer(_)
            | Change::Drop(_)
            | Change::Stock(_)
            | Change::Inbox(_) => {}
        }
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

/// One page of a search: product ids in order, whether more follow, matching stores,
/// what the words matched (to highlight it), and, when nothing was found, a spelling
/// that finds something.
pub struct Found {
    pub products: Vec<i64>,
    pub has_more: bool,
    pub stores: Vec<i64>,
    pub matched: Matched,
    pub suggestion: Option<Suggestion>,
}

/// The query's words as the index knows them: the terms they matched whole, and the
/// word being typed, which matches the start of a word.
#[derive(Debug, Default)]
pub struct Matched {
    whole: HashSet<String>,
    prefix: Option<String>,
}

impl Matched {
    /// The parts of a text (byte ranges) that the query matched, in order.
    pub fn in_text(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges = Vec::new();
        if self.whole.is_empty() && self.prefix.is_none() {
            return ranges;
        }
        for span in normalize::spans(text) {
            if self.whole.contains(&span.word) || self.whole.contains(&normalize::stem(&span.word))
            {
                ranges.push(span.range);
            } else if let Some(prefix) = &self.prefix
                && span.word.starts_with(prefix.as_str())
                && let Some(end) = span.ends.get(prefix.chars().count().saturating_sub(1))
            {
                ranges.push(span.range.start..*end);
            }
        }
        ranges
    }
}

impl Matched {
    /// What the query matched in the text of a product or store, as the wire tells
    /// it; `None` when it matched nothing there.
    pub fn highlight(&self, id: i64, text: &str) -> Option<Highlight> {
        let ranges: Vec<TextRange> = self
            .in_text(text)
            .into_iter()
            .filter_map(|r| {
                Some(TextRange {
                    start: u32::try_from(r.start).ok()?,
                    end: u32::try_from(r.end).ok()?,
                })
            })
            .collect();
        (!ranges.is_empty()).then_some(Highlight { id, ranges })
    }
}

/// A spelling of a query that finds what it did not: its words (and which of them
/// it respelt), and the best product it finds, whose text tells how they are written.
#[derive(Debug)]
pub struct Suggestion {
    pub words: Vec<(String, bool)>,
    pub product: i64,
}

impl Suggestion {
    /// The suggestion as the shopper would write it: the words kept as they were
    /// typed, the respelt ones as the product's text writes them (with its accents and
    /// letter forms) where it has them, else as the index holds them.
    pub fn written(&self, typed: &str, text: &str) -> String {
        let typed_spans = normalize::spans(typed);
        let spans = normalize::spans(text);
        self.words
            .iter()
            .enumerate()
            .map(|(i, (word, respelt))| {
                let (from, span) = if *respelt {
                    (text, spans.iter().find(|s| &s.word == word))
                } else {
                    (typed, typed_spans.get(i))
                };
                span.and_then(|s| from.get(s.range.clone())).unwrap_or(word)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How often shoppers' purchases and engagement are counted again.
const COUNT_EVERY: Duration = Duration::from_secs(10 * 60);
/// How far back purchases and engagement count.
const RECENT_MS: i64 = 30 * 24 * 60 * 60 * 1000;

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
        let recount = self
            .counted
            .lock()
            .is_ok_and(|at| at.is_none_or(|at| at.elapsed() >= COUNT_EVERY));
        if loaded && !waiting && !recount {
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
            let started = Instant::now();
            let mut index = load(db).await?;
            let popularity = popularity(db).await?;
            index.count(&popularity);
            self.counted_now();
            tracing::info!(
                products = index.products.len(),
                terms = index.postings.len(),
                elapsed_ms = started.elapsed().as_millis(),
                "search index loaded"
            );
            if let Ok(mut slot) = self.index.write() {
                *slot = Some(index);
            }
            return Ok(());
        }
        for store_id in pending.stores {
            let part = load_store(db, store_id).await?;
            let product_ids: HashSet<i64> =
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
                index.replace_store(store_id, &product_ids, part)?;
            }
        }
        if recount {
            let popularity = popularity(db).await?;
            self.counted_now();
            if let Ok(mut slot) = self.index.write()
                && let Some(index) = slot.as_mut()
            {
                index.count(&popularity);
            }
        }
        Ok(())
    }

    fn counted_now(&self) {
        if let Ok(mut at) = self.counted.lock() {
            *at = Some(Instant::now());
        }
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
        let mut found = Found {
            products: Vec::new(),
            has_more: false,
            stores: Vec::new(),
            matched: Matched::default(),
            suggestion: None,
        };
        let Some(index) = guard.as_ref() else {
            return Ok(found);
        };
        let currency = query.currency.as_ref().map(|c| c.to_ascii_uppercase());
        let filtered = query.category.is_some()
            || store_id.is_some()
            || query.collection.is_some()
            || currency.is_some()
            || query.min_price.is_some()
            || query.max_price.is_some()
            || query.in_stock;
        let keep = |facts: &Facts| {
            query
                .category
                .as_deref()
                .is_none_or(|c| &*facts.category == c)
                && store_id.is_none_or(|s| facts.store_id == s)
                && query
                    .collection
                    .is_none_or(|c| facts.collections.contains(&c))
                && currency.as_deref().is_none_or(|c| &*facts.currency == c)
                && facts.price_minor.is_some_and(|p| {
                    query.min_price.is_none_or(|min| p >= min)
                        && query.max_price.is_none_or(|max| p <= max)
                })
                && (!query.in_stock || facts.in_stock)
        };
        let reached: Vec<Reached> = words
            .words
            .iter()
            .enumerate()
            .map(|(i, word)| index.reach(word, words.typing && i + 1 == words.words.len()))
            .collect();
        // Each candidate with what it is ordered by, copied out of the products so the
        // sort reads one compact list.
        let candidate = |hit: &Hit, facts: &Facts| Candidate {
            typos: hit.typos,
            points: hit.points,
            tie: tie(facts),
            slot: hit.slot,
            published_at: facts.published_at,
            id: facts.id,
            price: facts.price_minor.unwrap_or(i64::MAX),
        };
        let searching = !words.is_empty();
        let by_relevance = searching && query.sort == ShopSort::Relevance;
        let mut hits: Vec<Candidate> = if by_relevance && !filtered {
            // The common search needs nothing of the products but their ties, kept
            // apart in slot order: the products themselves are read for the page only.
            index
                .product_hits(&reached)
                .iter()
                .map(|hit| Candidate {
                    typos: hit.typos,
                    points: hit.points,
                    tie: index.tie_of(hit.slot),
                    slot: hit.slot,
                    published_at: 0,
                    id: 0,
                    price: 0,
                })
                .collect()
        } else if searching {
            index
                .product_hits(&reached)
                .iter()
                .filter_map(|hit| {
                    let facts = index.facts(hit.slot)?;
                    (!filtered || keep(facts)).then(|| candidate(hit, facts))
                })
                .collect()
        } else {
            index
                .products
                .iter()
                .zip(0..)
                .filter_map(|(facts, slot)| {
                    let facts = facts.as_ref().filter(|f| keep(f))?;
                    let unscored = Hit {
                        slot,
                        typos: 0,
                        points: 0,
                    };
                    Some(candidate(&unscored, facts))
                })
                .collect()
        };
        let order = |a: &Candidate, b: &Candidate| {
            let newest = (b.published_at, b.id).cmp(&(a.published_at, a.id));
            match query.sort {
                ShopSort::Relevance if searching => (rank(b.typos, b.points), b.tie, b.slot)
                    .cmp(&(rank(a.typos, a.points), a.tie, a.slot)),
                ShopSort::Relevance | ShopSort::Newest => newest,
                ShopSort::PriceLowToHigh => a.price.cmp(&b.price).then(b.id.cmp(&a.id)),
                ShopSort::PriceHighToLow => b.price.cmp(&a.price).then(b.id.cmp(&a.id)),
            }
        };
        // Only the page and what precedes it need sorting.
        let wanted = offset.saturating_add(page).saturating_add(1);
        if hits.len() > wanted {
            hits.select_nth_unstable_by(wanted - 1, order);
            hits.truncate(wanted);
        }
        hits.sort_unstable_by(order);
        found.has_more = hits.len() > offset.saturating_add(page);
        found.products = hits
            .iter()
            .skip(offset)
            .take(page)
            .filter_map(|c| index.facts(c.slot).map(|f| f.id))
            .collect();
        if searching && offset == 0 {
            let mut stores: Vec<(i64, (u8, u32))> =
                index.store_scores(&reached).into_iter().collect();
            stores.sort_unstable_by(|(a, x), (b, y)| {
                rank(y.0, y.1).cmp(&rank(x.0, x.1)).then(a.cmp(b))
            });
            found.stores = stores
                .into_iter()
                .take(STORES_SHOWN)
                .map(|(id, _)| id)
                .collect();
        }
        if searching && hits.is_empty() && found.stores.is_empty() && offset == 0 {
            found.suggestion = index.suggest(words, &keep);
        }
        found.matched = Matched {
            whole: reached.into_iter().flat_map(|r| r.whole).collect(),
            prefix: words
                .typing
                .then(|| words.words.last().cloned())
                .flatten()
                .filter(|w| w.chars().count() >= MIN_PREFIX_CHARS),
        };
        Ok(found)
    }
}

/// A product as the sorts see it.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    typos: u8,
    points: u32,
    tie: u64,
    slot: Slot,
    published_at: i64,
    id: i64,
    price: i64,
}

/// What breaks a tie in relevance, as one number: recent popularity (up to 65,535),
/// then the time of publishing (milliseconds fit 48 bits for thousands of years).
fn tie(facts: &Facts) -> u64 {
    let popularity = u64::try_from(facts.popularity.clamp(0, 0xFFFF)).unwrap_or(0);
    let published = u64::try_from(facts.published_at.max(0)).unwrap_or(0) & 0xFFFF_FFFF_FFFF;
    popularity << 48 | published
}

/// How a query word reached a term: what a posting of the term scores per weight of
/// its field, as a word and as a stem (0: not at all), and the typos it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    word: u32,
    stem: u32,
    typos: u8,
}

/// The query word itself: a word as written, or the stem of an indexed word.
const WRITTEN: Reach = Reach {
    word: 10,
    stem: 8,
    typos: 0,
};
/// The query word's stem: a plural finds the singular and the reverse.
const STEMMED: Reach = Reach {
    word: 8,
    stem: 8,
    typos: 0,
};
/// The word without, or with, an Arabic clitic joined to its front.
const CLITIC: Reach = Reach {
    word: 7,
    stem: 7,
    typos: 0,
};
/// The start of a word, for the word being typed.
const PREFIX: Reach = Reach {
    word: 5,
    stem: 0,
    typos: 0,
};

fn typo(typos: u8) -> Reach {
    Reach {
        word: 4,
        stem: 4,
        typos,
    }
}

fn typo_prefix(typos: u8) -> Reach {
    Reach {
        word: 3,
        stem: 0,
        typos,
    }
}

impl Reach {
    /// The points a posting of this weight and kind scores reached this way, or `None`
    /// when this way does not reach it.
    fn points(self, weight: u8, kind: u8) -> Option<u32> {
        let per_weight = if i64::from(kind) == WORD {
            self.word
        } else {
            self.stem
        };
        (per_weight > 0).then(|| u32::from(weight) * per_weight)
    }

    fn better_than(self, other: Reach) -> bool {
        (Reverse(self.typos), self.word, self.stem) > (Reverse(other.typos), other.word, other.stem)
    }
}

/// The terms one query word reached, and those it matched whole (to highlight them).
#[derive(Debug, Default)]
struct Reached {
    terms: HashMap<u32, Reach>,
    whole: Vec<String>,
}

impl Reached {
    fn offer(&mut self, number: u32, reach: Reach, term: Option<&str>) {
        let entry = self.terms.entry(number).or_insert(reach);
        if reach.better_than(*entry) {
            *entry = reach;
        }
        if let Some(term) = term {
            self.whole.push(term.to_string());
        }
    }
}

/// Typos forgiven in a word of this many letters, as the engines shoppers know
/// forgive them: one from 5 letters, two from 9; none in a number, where one digit
/// off is another number.
fn typos_allowed(word: &str) -> u8 {
    let letters = word.chars().count();
    if word.chars().all(char::is_numeric) {
        0
    } else if letters >= 9 {
        2
    } else if letters >= 5 {
        1
    } else {
        0
    }
}

/// The most typos a "did you mean" spelling may be away from the word typed.
const SUGGESTION_TYPOS: u8 = 2;
/// Words shorter than this get no suggestion: too many words are two letters from them.
const SUGGESTION_MIN_LETTERS: usize = 3;

/// Builders of Levenshtein automata for one and for two typos, a transposition
/// counting as one; costly to make, so made once.
fn automaton(typos: u8, word: &str, prefix: bool) -> DFA {
    static BUILDERS: OnceLock<[LevenshteinAutomatonBuilder; 2]> = OnceLock::new();
    let [one, two] = BUILDERS.get_or_init(|| {
        [
            LevenshteinAutomatonBuilder::new(1, true),
            LevenshteinAutomatonBuilder::new(2, true),
        ]
    });
    let builder = if typos >= 2 { two } else { one };
    if prefix {
        builder.build_prefix_dfa(word)
    } else {
        builder.build_dfa(word)
    }
}

impl Index {
    fn empty() -> Result<Index, ApiError> {
        Ok(Index {
            vocabulary: Vocabulary::build(Vec::new())?,
            postings: Vec::new(),
            terms_of: HashMap::new(),
            products: Vec::new(),
            ties: Vec::new(),
            slot_of: HashMap::new(),
        })
    }

    fn tie_of(&self, slot: Slot) -> u64 {
        usize::try_from(slot)
            .ok()
            .and_then(|s| self.ties.get(s))
            .copied()
            .unwrap_or(0)
    }

    /// Puts a product in its slot, or takes it out.
    fn place(&mut self, slot: Slot, facts: Option<Facts>) {
        let Ok(at) = usize::try_from(slot) else {
            return;
        };
        if let Some(tie_at) = self.ties.get_mut(at) {
            *tie_at = facts.as_ref().map_or(0, tie);
        }
        if let Some(place) = self.products.get_mut(at) {
            *place = facts;
        }
    }

    /// How many postings a term has: how common it is.
    fn count_of(&self, term: &str) -> usize {
        self.vocabulary
            .get(term)
            .and_then(|n| self.postings_of(n))
            .map_or(0, Postings::len)
    }

    fn postings_of(&self, number: u32) -> Option<&Postings> {
        usize::try_from(number)
            .ok()
            .and_then(|n| self.postings.get(n))
    }

    /// The shown product in a slot.
    fn facts(&self, slot: Slot) -> Option<&Facts> {
        usize::try_from(slot)
            .ok()
            .and_then(|s| self.products.get(s))
            .and_then(Option::as_ref)
    }

    /// The terms one query word reaches: as written, by its stem, without or with an
    /// Arabic clitic, as the start of a word while it is typed, and with typos.
    fn reach(&self, word: &str, typing: bool) -> Reached {
        let vocabulary = &self.vocabulary;
        let mut reached = Reached::default();
        if let Some(n) = vocabulary.get(word) {
            reached.offer(n, WRITTEN, Some(word));
        }
        let stem = normalize::stem(word);
        if stem != word
            && let Some(n) = vocabulary.get(&stem)
        {
            reached.offer(n, STEMMED, Some(&stem));
        }
        // A clitic is read where the word without it is at least as common as the word
        // with it: "وعطر" is "and perfume", while "وسادة" (a pillow) stays a pillow where
        // pillows are more common than "سادة" (plain).
        let count = self.count_of(word);
        for rest in normalize::without_clitic(word) {
            if self.count_of(rest) >= count.max(1) {
                for term in [rest.to_string(), normalize::stem(rest)] {
                    if let Some(n) = vocabulary.get(&term) {
                        reached.offer(n, CLITIC, Some(&term));
                    }
                }
            }
        }
        let count = count.max(self.count_of(&stem));
        for joined in normalize::with_clitic(word) {
            let joined_count = self.count_of(&joined);
            if joined_count > 0
                && count >= joined_count
                && let Some(n) = vocabulary.get(&joined)
            {
                reached.offer(n, CLITIC, Some(&joined));
            }
        }
        if typing && word.chars().count() >= MIN_PREFIX_CHARS {
            vocabulary.prefixed(word, |n| reached.offer(n, PREFIX, None));
        }
        let allowed = typos_allowed(word);
        if allowed > 0 {
            let dfa = automaton(allowed, word, typing);
            let reach = if typing { typo_prefix } else { typo };
            vocabulary.within(&dfa, |term, n, typos| {
                if typos > 0 {
                    reached.offer(n, reach(typos), Some(term));
                }
            });
            // The stem with typos too, so a misspelt plural still finds the singular.
            let allowed = typos_allowed(&stem);
            if stem != word && allowed > 0 {
                vocabulary.within(&automaton(allowed, &stem, false), |term, n, typos| {
                    if typos > 0 {
                        reached.offer(n, typo(typos), Some(term));
                    }
                });
            }
        }
        reached
    }

    /// Every product matching every word, sorted by slot. The word with the fewest
    /// postings goes first; each next word is merged against what matched so far.
    fn product_hits(&self, reached: &[Reached]) -> Vec<Hit> {
        let size = |word: &Reached| -> usize {
            word.terms
                .keys()
                .filter_map(|n| self.postings_of(*n))
                .map(|p| p.products.len())
                .sum()
        };
        let mut words: Vec<(usize, &Reached)> = reached.iter().map(|w| (size(w), w)).collect();
        words.sort_by_key(|(size, _)| *size);
        let mut words = words.into_iter().map(|(_, w)| w);
        let Some(first) = words.next() else {
            return Vec::new();
        };
        let mut hits = self.word_hits(first);
        for word in words {
            if hits.is_empty() {
                break;
            }
            hits = self.narrow(hits, word);
        }
        hits
    }

    /// The products one word reaches, sorted by slot, each at its best.
    fn word_hits(&self, word: &Reached) -> Vec<Hit> {
        // One sorted list per term, merged two by two: the cost follows the postings
        // times the log of the number of terms, not a sort of them all.
        let mut lists: Vec<Vec<Hit>> = word
            .terms
            .iter()
            .map(|(number, reach)| {
                let mut hits: Vec<Hit> = self
                    .postings_of(*number)
                    .map(|p| p.products.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|posting| {
                        Some(Hit {
                            slot: posting.slot,
                            typos: reach.typos,
                            points: reach.points(posting.weight, posting.kind)?,
                        })
                    })
                    .collect();
                // A product may hold the term as a word and as a stem.
                keep_best(&mut hits);
                hits
            })
            .filter(|hits| !hits.is_empty())
            .collect();
        while lists.len() > 1 {
            let mut pairs = Vec::with_capacity(lists.len().div_ceil(2));
            let mut lists_left = lists.into_iter();
            while let Some(a) = lists_left.next() {
                pairs.push(match lists_left.next() {
                    Some(b) => union(a, b),
                    None => a,
                });
            }
            lists = pairs;
        }
        lists.pop().unwrap_or_default()
    }

    /// What matched so far that this word also reaches, with its typos and points
    /// added: each of the word's terms is merged against the hits (or, when it is far
    /// shorter, looked up in them).
    fn narrow(&self, hits: Vec<Hit>, word: &Reached) -> Vec<Hit> {
        let mut best: Vec<Option<(u8, u32)>> = vec![None; hits.len()];
        let mut offer = |at: usize, typos: u8, points: u32| {
            if let Some(slot) = best.get_mut(at) {
                let better = slot.is_none_or(|(t, p)| rank(typos, points) > rank(t, p));
                if better {
                    *slot = Some((typos, points));
                }
            }
        };
        for (number, reach) in &word.terms {
            let postings = self
                .postings_of(*number)
                .map(|p| p.products.as_slice())
                .unwrap_or_default();
            let mut score = |at: usize, posting: &ProductPosting| {
                if let Some(points) = reach.points(posting.weight, posting.kind) {
                    offer(at, reach.typos, points);
                }
            };
            if postings.len().saturating_mul(16) < hits.len() {
                let mut from = 0;
                for posting in postings {
                    let rest = hits.get(from..).unwrap_or_default();
                    let at = from + rest.partition_point(|h| h.slot < posting.slot);
                    if hits.get(at).is_some_and(|h| h.slot == posting.slot) {
                        score(at, posting);
                    }
                    from = at;
                }
            } else {
                let mut at = 0;
                let mut postings = postings.iter().peekable();
                while let (Some(hit), Some(posting)) = (hits.get(at), postings.peek()) {
                    match hit.slot.cmp(&posting.slot) {
                        std::cmp::Ordering::Less => at += 1,
                        std::cmp::Ordering::Greater => {
                            postings.next();
                        }
                        // A product may hold a term as a word and as a stem: the next
                        // posting may be the same product's, so only the posting moves.
                        std::cmp::Ordering::Equal => {
                            score(at, posting);
                            postings.next();
                        }
                    }
                }
            }
        }
        hits.into_iter()
            .zip(best)
            .filter_map(|(hit, best)| {
                let (typos, points) = best?;
                Some(Hit {
                    slot: hit.slot,
                    typos: hit.typos.saturating_add(typos),
                    points: hit.points.saturating_add(points),
                })
            })
            .collect()
    }

    /// Every store matching every word, with its typos and points.
    fn store_scores(&self, reached: &[Reached]) -> StoreScores {
        let mut result: Option<StoreScores> = None;
        for word in reached {
            let mut best = StoreScores::new();
            for (number, reach) in &word.terms {
                for posting in self
                    .postings_of(*number)
                    .map(|p| p.stores.as_slice())
                    .unwrap_or_default()
                {
                    if let Some(points) = reach.points(posting.weight, posting.kind) {
                        let score = (reach.typos, points);
                        let entry = best.entry(posting.id).or_insert(score);
                        if rank(score.0, score.1) > rank(entry.0, entry.1) {
                            *entry = score;
                        }
                    }
                }
            }
            result = Some(match result {
                None => best,
                Some(so_far) => so_far
                    .into_iter()
                    .filter_map(|(id, (t, p))| {
                        best.get(&id)
                            .map(|(t2, p2)| (id, (t.saturating_add(*t2), p.saturating_add(*p2))))
                    })
                    .collect(),
            });
            if result.as_ref().is_some_and(HashMap::is_empty) {
                break;
            }
        }
        result.unwrap_or_default()
    }

    /// For a query that found nothing: each word that alone finds no product spelt as
    /// the closest word of the catalogue (the most common among the closest), when the
    /// query so spelt finds a product the filters keep.
    fn suggest(&self, words: &Query, keep: &dyn Fn(&Facts) -> bool) -> Option<Suggestion> {
        let mut suggested = Vec::new();
        for word in &words.words {
            let alone = self.word_hits(&self.reach(word, false));
            if !alone.is_empty() || word.chars().count() < SUGGESTION_MIN_LETTERS {
                suggested.push((word.clone(), false));
                continue;
            }
            let mut best: Option<(u8, Reverse<usize>, String)> = None;
            let dfa = automaton(SUGGESTION_TYPOS, word, false);
            self.vocabulary.within(&dfa, |term, n, typos| {
                let words_of_products = self
                    .postings_of(n)
                    .map(|p| p.products.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .filter(|p| i64::from(p.kind) == WORD)
                    .count();
                let candidate = (typos, Reverse(words_of_products), term.to_string());
                if typos > 0
                    && words_of_products > 0
                    && best.as_ref().is_none_or(|b| candidate < *b)
                {
                    best = Some(candidate);
                }
            });
            let (_, _, term) = best?;
            suggested.push((term, true));
        }
        if !suggested.iter().any(|(_, respelt)| *respelt) {
            return None;
        }
        let reached: Vec<Reached> = suggested
            .iter()
            .map(|(w, _)| self.reach(w, false))
            .collect();
        let product = self
            .product_hits(&reached)
            .into_iter()
            .filter_map(|hit| Some((hit, self.facts(hit.slot).filter(|f| keep(f))?)))
            .max_by(|(a, x), (b, y)| {
                (rank(a.typos, a.points), Reverse(x.id))
                    .cmp(&(rank(b.typos, b.points), Reverse(y.id)))
            })
            .map(|(_, facts)| facts.id)?;
        Some(Suggestion {
            words: suggested,
            product,
        })
    }

    fn intern(&mut self, term: &str) -> Result<u32, ApiError> {
        if let Some(n) = self.vocabulary.get(term) {
            return Ok(n);
        }
        let n = u32::try_from(self.postings.len())
            .map_err(|_| ApiError::Internal("too many search terms".into()))?;
        self.postings.push(Postings::default());
        self.vocabulary.added.insert(term.to_string(), n);
        Ok(n)
    }

    /// The slot of a product, given one if it has none.
    fn slot(&mut self, id: i64) -> Result<Slot, ApiError> {
        if let Some(slot) = self.slot_of.get(&id) {
            return Ok(*slot);
        }
        let slot = Slot::try_from(self.products.len())
            .map_err(|_| ApiError::Internal("too many products to search".into()))?;
        self.products.push(None);
        self.ties.push(0);
        self.slot_of.insert(id, slot);
        Ok(slot)
    }

    /// Replaces what the index holds of a store and its products (all it has, shown
    /// or not) by what was read of it since.
    fn replace_store(
        &mut self,
        store_id: i64,
        products: &HashSet<i64>,
        part: Part,
    ) -> Result<(), ApiError> {
        let slots: HashSet<Slot> = products
            .iter()
            .filter_map(|id| self.slot_of.get(id).copied())
            .collect();
        // Purchases and engagement are counted for all at once, on their own clock.
        let popularity: HashMap<i64, i64> = slots
            .iter()
            .filter_map(|slot| self.facts(*slot).map(|f| (f.id, f.popularity)))
            .collect();
        for number in self.terms_of.remove(&store_id).unwrap_or_default() {
            if let Some(postings) = usize::try_from(number)
                .ok()
                .and_then(|n| self.postings.get_mut(n))
            {
                postings.products.retain(|p| !slots.contains(&p.slot));
                postings.stores.retain(|p| p.id != store_id);
            }
        }
        for slot in &slots {
            self.place(*slot, None);
        }
        for (id, mut facts) in part.products {
            facts.popularity = popularity.get(&id).copied().unwrap_or(0);
            let slot = self.slot(id)?;
            self.place(slot, Some(facts));
        }
        // New postings go to the end of their lists, which are then put back in slot
        // order by merging the sorted tail in.
        let mut tails: HashMap<u32, usize> = HashMap::new();
        for (term, row) in part.terms {
            let n = self.intern(&term)?;
            let posting = match row.target {
                Target::Store => Some(Err(StorePosting {
                    id: row.id,
                    weight: row.weight,
                    kind: row.kind,
                })),
                Target::Product => self.slot_of.get(&row.id).map(|slot| {
                    Ok(ProductPosting {
                        slot: *slot,
                        weight: row.weight,
                        kind: row.kind,
                    })
                }),
            };
            let Some(postings) = usize::try_from(n)
                .ok()
                .and_then(|n| self.postings.get_mut(n))
            else {
                continue;
            };
            match posting {
                Some(Ok(product)) => {
                    tails.entry(n).or_insert(postings.products.len());
                    postings.products.push(product);
                }
                Some(Err(store)) => postings.stores.push(store),
                None => {}
            }
            tails.entry(n).or_insert(postings.products.len());
        }
        for (n, from) in &tails {
            if let Some(postings) = usize::try_from(*n)
                .ok()
                .and_then(|n| self.postings.get_mut(n))
            {
                merge_tail(&mut postings.products, *from);
            }
        }
        let mut numbers: Vec<u32> = tails.into_keys().collect();
        numbers.sort_unstable();
        self.terms_of.insert(store_id, numbers);
        if self.vocabulary.added.len() >= ADDED_BEFORE_REBUILD {
            self.vocabulary.rebuild()?;
        }
        Ok(())
    }

    fn count(&mut self, popularity: &HashMap<i64, i64>) {
        for (facts, tie_at) in self.products.iter_mut().zip(self.ties.iter_mut()) {
            if let Some(facts) = facts {
                facts.popularity = popularity.get(&facts.id).copied().unwrap_or(0);
                *tie_at = tie(facts);
            }
        }
    }
}

/// Keeps, of hits for one slot next to each other, the best.
fn keep_best(hits: &mut Vec<Hit>) {
    hits.dedup_by(|later, kept| {
        let same = later.slot == kept.slot;
        if same && later.better_than(kept) {
            *kept = *later;
        }
        same
    });
}

/// Two lists in slot order as one, in one pass.
fn merge_by_slot<T>(a: Vec<T>, b: Vec<T>, slot: impl Fn(&T) -> Slot) -> Vec<T> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if slot(x) <= slot(y) => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        merged.extend(next);
    }
    merged
}

/// Two lists of hits in slot order as one, each slot at its best.
fn union(a: Vec<Hit>, b: Vec<Hit>) -> Vec<Hit> {
    let mut merged = merge_by_slot(a, b, |h| h.slot);
    keep_best(&mut merged);
    merged
}

/// Puts a list back in slot order when only its elements from `from` on may be out of
/// it: the tail is sorted and merged in.
fn merge_tail(list: &mut Vec<ProductPosting>, from: usize) {
    if from >= list.len() {
        return;
    }
    let mut tail = list.split_off(from);
    tail.sort_unstable_by_key(|p| p.slot);
    if list.last().map(|p| p.slot) <= tail.first().map(|p| p.slot) {
        list.append(&mut tail);
        return;
    }
    let head = std::mem::take(list);
    *list = merge_by_slot(head, tail, |p| p.slot);
}

#[derive(sqlx::FromRow)]
struct TermRow {
    term: String,
    kind: i64,
    target_kind: i64,
    target_id: i64,
    weight: i64,
    store_id: i64,
}

/// A term row as the index reads it.
#[derive(Debug, Clone, Copy)]
struct Occurrence {
    target: Target,
    id: i64,
    weight: u8,
    kind: u8,
}

impl TermRow {
    fn occurrence(&self) -> Occurrence {
        Occurrence {
            target: if self.target_kind == 1 {
                Target::Store
            } else {
                Target::Product
            },
            id: self.target_id,
            weight: u8::try_from(self.weight).unwrap_or(u8::MAX),
            kind: u8::try_from(self.kind).unwrap_or(u8::MAX),
        }
    }
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

/// One store's terms and products, read to replace what the index holds of it.
struct Part {
    terms: Vec<(String, Occurrence)>,
    products: HashMap<i64, Facts>,
}

const TERMS: &str = "SELECT t.term, t.kind, t.target_kind, t.target_id, t.weight,
        COALESCE(pr.store_id, t.target_id) AS store_id
     FROM search_terms t
     LEFT JOIN products pr ON t.target_kind = 0 AND pr.id = t.target_id";

/// The index of everything. Terms are read as a stream: a million products have tens
/// of millions of them.
async fn load(db: &Db) -> Result<Index, ApiError> {
    let mut index = Index::empty()?;
    let mut products: Vec<(i64, Facts)> = facts(db, None).await?.into_iter().collect();
    products.sort_unstable_by_key(|(id, _)| *id);
    for (id, facts) in products {
        let slot = index.slot(id)?;
        index.place(slot, Some(facts));
    }
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut postings: Vec<Postings> = Vec::new();
    let mut terms_of: HashMap<i64, Vec<u32>> = HashMap::new();
    let mut rows = sqlx::query_as::<_, TermRow>(TERMS).fetch(&db.pool);
    while let Some(row) = rows.try_next().await? {
        let occurrence = row.occurrence();
        let slot = match occurrence.target {
            // Terms of a product not shown (hidden meanwhile) have no place.
            Target::Product => match index.slot_of.get(&occurrence.id) {
                Some(slot) => Some(*slot),
                None => continue,
            },
            Target::Store => None,
        };
        let n = match numbers.get(&row.term) {
            Some(n) => *n,
            None => {
                let n = u32::try_from(postings.len())
                    .map_err(|_| ApiError::Internal("too many search terms".into()))?;
                numbers.insert(row.term, n);
                postings.push(Postings::default());
                n
            }
        };
        if let Some(list) = usize::try_from(n).ok().and_then(|n| postings.get_mut(n)) {
            match slot {
                Some(slot) => list.products.push(ProductPosting {
                    slot,
                    weight: occurrence.weight,
                    kind: occurrence.kind,
                }),
                None => list.stores.push(StorePosting {
                    id: occurrence.id,
                    weight: occurrence.weight,
                    kind: occurrence.kind,
                }),
            }
        }
        terms_of.entry(row.store_id).or_default().push(n);
    }
    drop(rows);
    for numbers in terms_of.values_mut() {
        numbers.sort_unstable();
        numbers.dedup();
    }
    for list in &mut postings {
        list.products.sort_unstable_by_key(|p| p.slot);
        list.products.shrink_to_fit();
        list.stores.shrink_to_fit();
    }
    index.vocabulary = Vocabulary::build(numbers.into_iter().collect())?;
    index.postings = postings;
    index.terms_of = terms_of;
    Ok(index)
}

async fn load_store(db: &Db, store_id: i64) -> Result<Part, ApiError> {
    let sql = format!(
        "{TERMS} WHERE (t.target_kind = 1 AND t.target_id = $1)
                OR (t.target_kind = 0 AND pr.store_id = $1)"
    );
    let terms = sqlx::query_as::<_, TermRow>(&sql)
        .bind(store_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            let occurrence = row.occurrence();
            (row.term, occurrence)
        })
        .collect();
    Ok(Part {
        terms,
        products: facts(db, Some(store_id)).await?,
    })
}

/// What the filters need of every shown product, or of one store's.
async fn facts(db: &Db, store: Option<i64>) -> Result<HashMap<i64, Facts>, ApiError> {
    let of_store = if store.is_some() {
        " AND pr.store_id = $1"
    } else {
        ""
    };
    let facts_sql = format!(
        "SELECT pr.id, pr.store_id, pr.category, pr.currency, pr.price_minor,
                pr.in_stock, pr.published_at FROM products pr WHERE {SHOWN}{of_store}"
    );
    let collections_sql = format!(
        "SELECT cp.collection_id, cp.product_id FROM collection_products cp
         JOIN products pr ON pr.id = cp.product_id WHERE {SHOWN}{of_store}"
    );
    let mut facts = sqlx::query_as::<_, FactsRow>(&facts_sql);
    let mut memberships = sqlx::query_as::<_, (i64, i64)>(&collections_sql);
    if let Some(id) = store {
        facts = facts.bind(id);
        memberships = memberships.bind(id);
    }
    let mut shared: HashMap<String, Arc<str>> = HashMap::new();
    let mut share = |text: String| -> Arc<str> {
        shared
            .entry(text)
            .or_insert_with_key(|text| Arc::from(text.as_str()))
            .clone()
    };
    let mut products: HashMap<i64, Facts> = facts
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.id,
                Facts {
                    id: row.id,
                    store_id: row.store_id,
                    category: share(row.category),
                    currency: share(row.currency),
                    price_minor: row.price_minor,
                    in_stock: row.in_stock != 0,
                    published_at: row.published_at,
                    collections: Vec::new(),
                    popularity: 0,
                },
            )
        })
        .collect();
    for (collection, product) in memberships.fetch_all(&db.pool).await? {
        if let Some(facts) = products.get_mut(&product) {
            facts.collections.push(collection);
        }
    }
    Ok(products)
}

/// What shoppers bought and engaged with in the last 30 days, per product: an order
/// counts three, a like, repost or bookmark of a post that carries it one.
async fn popularity(db: &Db) -> Result<HashMap<i64, i64>, ApiError> {
    let since = now_ms() - RECENT_MS;
    let engaged = |table: &str| {
        format!(
            "SELECT pp.product_id, COUNT(*) AS n FROM {table} e
             JOIN post_products pp ON pp.post_id = e.post_id
             WHERE e.created_at >= $1 GROUP BY pp.product_id"
        )
    };
    let sql = format!(
        "SELECT product_id, CAST(SUM(n) AS BIGINT) FROM (
           SELECT ol.product_id, 3 * COUNT(DISTINCT o.id) AS n
           FROM order_lines ol JOIN orders o ON o.id = ol.order_id
           WHERE o.created_at >= $1 AND o.status NOT IN ('cancelled', 'refunded')
           GROUP BY ol.product_id
           UNION ALL {} UNION ALL {} UNION ALL {}
         ) counted GROUP BY product_id",
        engaged("likes"),
        engaged("reposts"),
        engaged("bookmarks")
    );
    Ok(sqlx::query_as::<_, (i64, i64)>(&sql)
        .bind(since)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(built: &[&str], added: &[&str]) -> Vocabulary {
        let mut n = 0..;
        let mut vocabulary = Vocabulary::build(
            built
                .iter()
                .map(|t| (t.to_string(), n.next().unwrap_or_default()))
                .collect(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for term in added {
            vocabulary
                .added
                .insert(term.to_string(), n.next().unwrap_or_default());
        }
        vocabulary
    }

    fn within(vocabulary: &Vocabulary, word: &str, typos: u8, prefix: bool) -> Vec<(String, u8)> {
        let mut found = Vec::new();
        vocabulary.within(&automaton(typos, word, prefix), |term, _, d| {
            found.push((term.to_string(), d));
        });
        found.sort();
        found
    }

    #[test]
    fn typos_are_forgiven_one_from_five_letters_two_from_nine_none_in_numbers() {
        assert_eq!(typos_allowed("lamp"), 0);
        assert_eq!(typos_allowed("candle"), 1);
        assert_eq!(typos_allowed("bracelets"), 2);
        assert_eq!(typos_allowed("مزهرية"), 1);
        assert_eq!(typos_allowed("123456789"), 0);
    }

    #[test]
    fn the_vocabulary_finds_terms_within_the_typos_built_or_added_since() {
        let words = vocabulary(&["candle", "handle", "sandals"], &["candles"]);
        assert_eq!(
            within(&words, "cnadle", 1, false),
            [("candle".to_string(), 1)]
        );
        assert_eq!(
            within(&words, "candle", 1, false),
            [
                ("candle".to_string(), 0),
                ("candles".to_string(), 1),
                ("handle".to_string(), 1)
            ]
        );
        // A typed prefix with a typo reaches the words it starts.
        assert_eq!(
            within(&words, "cnad", 1, true),
            [("candle".to_string(), 1), ("candles".to_string(), 1)]
        );
        let arabic = vocabulary(&["مزهرية"], &[]);
        assert_eq!(within(&arabic, "مزهريه", 1, false).len(), 1);
    }

    #[test]
    fn a_prefix_ranges_over_built_and_added_terms_alike() {
        let words = vocabulary(&["leather", "leaf", "lemon"], &["leash", "mint"]);
        let mut found = Vec::new();
        words.prefixed("lea", |n| found.push(n));
        found.sort_unstable();
        // Numbered as given: leather 0, leaf 1; added since, leash 3.
        assert_eq!(found, [0, 1, 3]);
        let mut rebuilt = words;
        rebuilt.rebuild().unwrap_or_else(|e| panic!("{e}"));
        assert!(rebuilt.added.is_empty());
        assert_eq!(rebuilt.get("leash"), Some(3));
        assert_eq!(rebuilt.get("mint"), Some(4));
    }

    #[test]
    fn a_typo_ranks_below_any_exact_match_whatever_the_weights() {
        let exact_in_description = Hit {
            slot: 0,
            typos: 0,
            points: WRITTEN.points(1, 0).unwrap_or_default(),
        };
        let tolerant_in_title = Hit {
            slot: 1,
            typos: 1,
            points: typo(1).points(8, 0).unwrap_or_default() * 8,
        };
        assert!(exact_in_description.better_than(&tolerant_in_title));
        assert!(WRITTEN.better_than(typo(1)));
        assert!(typo(1).better_than(typo_prefix(1)));
        assert!(typo_prefix(1).better_than(typo(2)));
        // A prefix reaches words only, not stems.
        assert_eq!(PREFIX.points(8, 1), None);
    }

    fn posting(slot: Slot) -> ProductPosting {
        ProductPosting {
            slot,
            weight: 1,
            kind: 0,
        }
    }

    #[test]
    fn a_list_put_back_in_slot_order_keeps_every_posting() {
        let slots = |list: &[ProductPosting]| list.iter().map(|p| p.slot).collect::<Vec<_>>();
        let mut list: Vec<ProductPosting> = [1, 4, 9, 7, 2, 4].into_iter().map(posting).collect();
        merge_tail(&mut list, 3);
        assert_eq!(slots(&list), [1, 2, 4, 4, 7, 9]);
        let mut appended: Vec<ProductPosting> = [1, 2, 5, 3].into_iter().map(posting).collect();
        merge_tail(&mut appended, 2);
        assert_eq!(slots(&appended), [1, 2, 3, 5]);
    }

    /// A store's part: each product's id and its title words.
    fn part(products: &[(i64, &[&str])]) -> Part {
        Part {
            terms: products
                .iter()
                .flat_map(|(id, words)| {
                    words.iter().map(move |w| {
                        (
                            w.to_string(),
                            Occurrence {
                                target: Target::Product,
                                id: *id,
                                weight: 8,
                                kind: 0,
                            },
                        )
                    })
                })
                .collect(),
            products: products
                .iter()
                .map(|(id, _)| {
                    (
                        *id,
                        Facts {
                            id: *id,
                            store_id: 1,
                            category: Arc::from("home"),
                            currency: Arc::from("SAR"),
                            price_minor: Some(100),
                            in_stock: true,
                            published_at: *id,
                            collections: Vec::new(),
                            popularity: 0,
                        },
                    )
                })
                .collect(),
        }
    }

    fn found(index: &Index, words: &[&str]) -> Vec<i64> {
        let reached: Vec<Reached> = words.iter().map(|w| index.reach(w, false)).collect();
        let mut ids: Vec<i64> = index
            .product_hits(&reached)
            .iter()
            .filter_map(|h| index.facts(h.slot).map(|f| f.id))
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn a_store_replaced_is_found_by_its_new_words_and_never_by_its_old_ones() {
        let mut index = Index::empty().unwrap_or_else(|e| panic!("{e}"));
        let old: &[(i64, &[&str])] = &[(10, &["wool", "blanket"]), (11, &["wool", "scarf"])];
        index
            .replace_store(1, &HashSet::new(), part(old))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found(&index, &["wool"]), [10, 11]);
        assert_eq!(found(&index, &["wool", "scarf"]), [11]);
        // The scarf is now silk, a new product joins, and the blanket is hidden.
        let new: &[(i64, &[&str])] = &[(11, &["silk", "scarf"]), (12, &["wool", "socks"])];
        let all: HashSet<i64> = [10, 11, 12].into_iter().collect();
        index
            .replace_store(1, &all, part(new))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found(&index, &["wool"]), [12]);
        assert_eq!(found(&index, &["scarf", "silk"]), [11]);
        assert!(found(&index, &["blanket"]).is_empty());
        assert!(found(&index, &["wool", "scarf"]).is_empty());
    }
}
