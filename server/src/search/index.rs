//! The search index each server holds in memory: every term, with the products and
//! stores it occurs in, in a compact ordered vocabulary (an `fst` map) that answers a
//! typed prefix as a range and a word with typos as a Levenshtein automaton's walk;
//! what the filters need of each shown product; and how much shoppers bought and
//! engaged with each lately, to break ties. It is loaded from `search_terms` and
//! `products` at start, and kept in step by the same changes as the caches: a change
//! marks what to reload, and the next search reloads it before it answers.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use fst::{IntoStreamer, Map, MapBuilder, Streamer};
use futures_util::TryStreamExt;
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use souq_wire::{Highlight, ShopQuery, ShopSort, TextRange};

use crate::db::{Db, now_ms};
use crate::error::ApiError;
use crate::search::normalize;
use crate::search::{MIN_PREFIX_CHARS, PAGE, Query, STORES_SHOWN, Target, WORD};
use crate::stores::cards::SHOWN;

#[derive(Debug, Clone, Copy)]
struct Posting {
    id: i64,
    target: Target,
    weight: u8,
    kind: u8,
}

/// What the filters and sorts need of a shown product.
#[derive(Debug, Clone)]
struct Facts {
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
    /// The postings of each term, by its number.
    postings: Vec<Vec<Posting>>,
    /// The numbers of the terms of each store and its products, to take them out when
    /// the store changes.
    terms_of: HashMap<i64, Vec<u32>>,
    products: HashMap<i64, Facts>,
}

/// Scores by product or store id: built afresh for every search, so the fast hash.
type Scores = HashMap<i64, i64, foldhash::fast::RandomState>;

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
        let scores = (!words.is_empty()).then(|| index.score(&reached, Target::Product));
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
                ShopSort::Relevance if scores.is_some() => {
                    b.1.cmp(&a.1)
                        .then(b.2.popularity.cmp(&a.2.popularity))
                        .then(newest)
                }
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
        found.has_more = hits.len() > offset.saturating_add(page);
        found.products = hits
            .iter()
            .skip(offset)
            .take(page)
            .map(|(id, _, _)| *id)
            .collect();
        if !words.is_empty() && offset == 0 {
            let mut stores: Vec<(i64, i64)> =
                index.score(&reached, Target::Store).into_iter().collect();
            stores.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            found.stores = stores
                .into_iter()
                .take(STORES_SHOWN)
                .map(|(id, _)| id)
                .collect();
        }
        if hits.is_empty() && found.stores.is_empty() && offset == 0 {
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

/// How a query word reached a term: what a posting of the term scores per weight of
/// its field, as a word and as a stem (0: not at all), and the typos it took. A typo
/// costs more than any weight can make up, so exact matches rank above tolerant ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    word: i64,
    stem: i64,
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

/// What one typo takes off a score: more than all the words of a query can score.
const TYPO_COST: i64 = 1 << 32;

impl Reach {
    fn score(self, posting: &Posting) -> Option<i64> {
        let per_weight = if i64::from(posting.kind) == WORD {
            self.word
        } else {
            self.stem
        };
        (per_weight > 0)
            .then(|| i64::from(posting.weight) * per_weight - i64::from(self.typos) * TYPO_COST)
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
            products: HashMap::new(),
        })
    }

    /// How many postings a term has: how common it is.
    fn count_of(&self, term: &str) -> usize {
        self.vocabulary
            .get(term)
            .and_then(|n| self.postings_of(n))
            .map_or(0, <[Posting]>::len)
    }

    fn postings_of(&self, number: u32) -> Option<&[Posting]> {
        usize::try_from(number)
            .ok()
            .and_then(|n| self.postings.get(n))
            .map(Vec::as_slice)
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

    /// Every target matching every word, with its score: per word, the best of the
    /// weights of the fields it reached, times how it reached them. The word with the
    /// fewest postings goes first, and each next word only scores what every word
    /// before it matched.
    fn score(&self, reached: &[Reached], target: Target) -> Scores {
        let postings_of = |word: &Reached| -> usize {
            word.terms
                .keys()
                .map(|n| self.postings_of(*n).map_or(0, <[Posting]>::len))
                .sum()
        };
        let mut words: Vec<(usize, &Reached)> =
            reached.iter().map(|w| (postings_of(w), w)).collect();
        words.sort_by_key(|(size, _)| *size);
        let mut result: Option<Scores> = None;
        for (size, word) in words {
            let mut best = Scores::with_capacity_and_hasher(
                result.as_ref().map_or(size, Scores::len),
                Default::default(),
            );
            for (number, reach) in &word.terms {
                for posting in self
                    .postings_of(*number)
                    .unwrap_or_default()
                    .iter()
                    .filter(|p| p.target == target)
                {
                    if result
                        .as_ref()
                        .is_some_and(|so_far| !so_far.contains_key(&posting.id))
                    {
                        continue;
                    }
                    if let Some(score) = reach.score(posting) {
                        let entry = best.entry(posting.id).or_insert(score);
                        *entry = (*entry).max(score);
                    }
                }
            }
            result = Some(match result {
                None => best,
                Some(so_far) => best
                    .into_iter()
                    .filter_map(|(id, score)| so_far.get(&id).map(|s| (id, score + s)))
                    .collect(),
            });
            if result.as_ref().is_some_and(Scores::is_empty) {
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
            let alone = self.score(&[self.reach(word, false)], Target::Product);
            if !alone.is_empty() || word.chars().count() < SUGGESTION_MIN_LETTERS {
                suggested.push((word.clone(), false));
                continue;
            }
            let mut best: Option<(u8, Reverse<usize>, String)> = None;
            let dfa = automaton(SUGGESTION_TYPOS, word, false);
            self.vocabulary.within(&dfa, |term, n, typos| {
                let words_of_products = self
                    .postings_of(n)
                    .unwrap_or_default()
                    .iter()
                    .filter(|p| p.target == Target::Product && i64::from(p.kind) == WORD)
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
            .score(&reached, Target::Product)
            .into_iter()
            .filter(|(id, _)| self.products.get(id).is_some_and(keep))
            .max_by_key(|(id, score)| (*score, Reverse(*id)))
            .map(|(id, _)| id)?;
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
        self.postings.push(Vec::new());
        self.vocabulary.added.insert(term.to_string(), n);
        Ok(n)
    }

    /// Replaces what the index holds of a store and its products (all it has, shown
    /// or not) by what was read of it since.
    fn replace_store(
        &mut self,
        store_id: i64,
        products: &HashSet<i64>,
        part: Part,
    ) -> Result<(), ApiError> {
        // Purchases and engagement are counted for all at once, on their own clock.
        let popularity: HashMap<i64, i64> = products
            .iter()
            .filter_map(|id| Some((*id, self.products.get(id)?.popularity)))
            .collect();
        for number in self.terms_of.remove(&store_id).unwrap_or_default() {
            if let Some(postings) = usize::try_from(number)
                .ok()
                .and_then(|n| self.postings.get_mut(n))
            {
                postings.retain(|p| match p.target {
                    Target::Store => p.id != store_id,
                    Target::Product => !products.contains(&p.id),
                });
            }
        }
        for id in products {
            self.products.remove(id);
        }
        let mut numbers = Vec::with_capacity(part.terms.len());
        for (term, posting) in part.terms {
            let n = self.intern(&term)?;
            if let Some(postings) = usize::try_from(n)
                .ok()
                .and_then(|n| self.postings.get_mut(n))
            {
                postings.push(posting);
            }
            numbers.push(n);
        }
        numbers.sort_unstable();
        numbers.dedup();
        self.terms_of.insert(store_id, numbers);
        for (id, mut facts) in part.products {
            facts.popularity = popularity.get(&id).copied().unwrap_or(0);
            self.products.insert(id, facts);
        }
        if self.vocabulary.added.len() >= ADDED_BEFORE_REBUILD {
            self.vocabulary.rebuild()?;
        }
        Ok(())
    }

    fn count(&mut self, popularity: &HashMap<i64, i64>) {
        for (id, facts) in &mut self.products {
            facts.popularity = popularity.get(id).copied().unwrap_or(0);
        }
    }
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

impl TermRow {
    fn posting(&self) -> Posting {
        Posting {
            id: self.target_id,
            target: if self.target_kind == 1 {
                Target::Store
            } else {
                Target::Product
            },
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
    terms: Vec<(String, Posting)>,
    products: HashMap<i64, Facts>,
}

const TERMS: &str = "SELECT t.term, t.kind, t.target_kind, t.target_id, t.weight,
        COALESCE(pr.store_id, t.target_id) AS store_id
     FROM search_terms t
     LEFT JOIN products pr ON t.target_kind = 0 AND pr.id = t.target_id";

/// The index of everything. Terms are read as a stream: a million products have tens
/// of millions of them.
async fn load(db: &Db) -> Result<Index, ApiError> {
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut postings: Vec<Vec<Posting>> = Vec::new();
    let mut terms_of: HashMap<i64, Vec<u32>> = HashMap::new();
    let mut rows = sqlx::query_as::<_, TermRow>(TERMS).fetch(&db.pool);
    while let Some(row) = rows.try_next().await? {
        let posting = row.posting();
        let n = match numbers.get(&row.term) {
            Some(n) => *n,
            None => {
                let n = u32::try_from(postings.len())
                    .map_err(|_| ApiError::Internal("too many search terms".into()))?;
                numbers.insert(row.term, n);
                postings.push(Vec::new());
                n
            }
        };
        if let Some(list) = usize::try_from(n).ok().and_then(|n| postings.get_mut(n)) {
            list.push(posting);
        }
        terms_of.entry(row.store_id).or_default().push(n);
    }
    drop(rows);
    for numbers in terms_of.values_mut() {
        numbers.sort_unstable();
        numbers.dedup();
    }
    postings.iter_mut().for_each(|p| p.shrink_to_fit());
    let mut index = Index::empty()?;
    index.vocabulary = Vocabulary::build(numbers.into_iter().collect())?;
    index.postings = postings;
    index.terms_of = terms_of;
    index.products = facts(db, None).await?;
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
            let posting = row.posting();
            (row.term, posting)
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
    fn a_typo_costs_more_than_any_weight_makes_up() {
        let title = Posting {
            id: 1,
            target: Target::Product,
            weight: 8,
            kind: 0,
        };
        let description = Posting { weight: 1, ..title };
        let exact = WRITTEN.score(&description).unwrap_or_default();
        let tolerant = typo(1).score(&title).unwrap_or_default();
        assert!(exact > tolerant);
        assert!(WRITTEN.better_than(typo(1)));
        assert!(typo(1).better_than(typo_prefix(1)));
        assert!(typo_prefix(1).better_than(typo(2)));
        assert_eq!(PREFIX.score(&Posting { kind: 1, ..title }), None);
    }
}
