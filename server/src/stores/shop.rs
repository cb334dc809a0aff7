//! The Shop tab: what it opens on (categories, stores), and search and browse over
//! every shown product with filters and sorting.

use souq_wire::{
    CategoryCount, CollectionCard, ShopHome, ShopQuery, ShopResults, ShopSort, StoreCard,
};

use souq_wire::shop::MAX_OFFSET;

use crate::base::db::{Db, placeholders};
use crate::base::error::ApiError;
use crate::search::index::SearchIndex;
use crate::search::{PAGE, Query};
use crate::stores::cards::{self, SHOWN};
use crate::stores::storefront::{StoreRow, store_columns};

/// The longest query read, in characters.
const MAX_QUERY_CHARS: usize = 200;

pub async fn home(db: &Db) -> Result<ShopHome, ApiError> {
    let categories: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT pr.category, COUNT(*) FROM products pr WHERE {SHOWN}
         GROUP BY pr.category ORDER BY COUNT(*) DESC, pr.category"
    ))
    .fetch_all(&db.pool)
    .await?;
    let currencies: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT pr.currency FROM products pr WHERE {SHOWN}
         GROUP BY pr.currency ORDER BY COUNT(*) DESC, pr.currency"
    ))
    .fetch_all(&db.pool)
    .await?;
    let sql = format!(
        "SELECT {} FROM stores s
         ORDER BY (SELECT COUNT(*) FROM products pr WHERE pr.store_id = s.id AND {SHOWN}) DESC,
                  s.id
         LIMIT 24",
        store_columns()
    );
    let stores: Vec<StoreCard> = sqlx::query_as::<_, StoreRow>(&sql)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(StoreCard::from)
        .collect();
    let collections = collections_of_stores(db, &stores).await?;
    Ok(ShopHome {
        categories: categories
            .into_iter()
            .map(|(category, products)| CategoryCount { category, products })
            .collect(),
        currencies: currencies.into_iter().map(|(c,)| c).collect(),
        collections,
        stores,
    })
}

fn check(query: &ShopQuery) -> Result<(), ApiError> {
    let bad = |m: &str| Err(ApiError::Validation(m.into()));
    if query.min_price.is_some_and(|p| p < 0) || query.max_price.is_some_and(|p| p < 0) {
        return bad("prices are 0 or more");
    }
    if let (Some(min), Some(max)) = (query.min_price, query.max_price)
        && min > max
    {
        return bad("the lowest price is above the highest");
    }
    let by_price = query.min_price.is_some()
        || query.max_price.is_some()
        || matches!(
            query.sort,
            ShopSort::PriceLowToHigh | ShopSort::PriceHighToLow
        );
    if by_price && query.currency.is_none() {
        return bad("prices compare only within one currency: choose a currency");
    }
    if query.offset.is_some_and(|o| !(0..=MAX_OFFSET).contains(&o)) {
        return bad(&format!("offset is 0 to {MAX_OFFSET}"));
    }
    if query
        .q
        .as_deref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(ApiError::Validation(format!(
            "a search has at most {MAX_QUERY_CHARS} characters"
        )));
    }
    Ok(())
}

pub async fn search(
    db: &Db,
    index: &SearchIndex,
    query: &ShopQuery,
) -> Result<ShopResults, ApiError> {
    check(query)?;
    let words = Query::parse(query.q.as_deref().unwrap_or_default());
    let store_id = match &query.store {
        Some(handle) => {
            let handle = handle.trim_start_matches('@').to_ascii_lowercase();
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM stores WHERE handle = $1")
                .bind(handle)
                .fetch_optional(&db.pool)
                .await?;
            match found {
                Some((id,)) => Some(id),
                // No such store sells anything.
                None => {
                    return Ok(ShopResults {
                        products: Vec::new(),
                        stores: Vec::new(),
                        next_offset: None,
                        highlights: Vec::new(),
                        store_highlights: Vec::new(),
                        did_you_mean: None,
                    });
                }
            }
        }
        None => None,
    };
    let found = index.search(db, &words, query, store_id).await?;
    let offset = query.offset.unwrap_or(0);
    let page = i64::try_from(PAGE).unwrap_or(i64::MAX);
    let products = cards::cards(db, &found.products).await?;
    let stores = store_cards_by_id(db, &found.stores).await?;
    let did_you_mean = match &found.suggestion {
        Some(suggestion) => cards::cards(db, &[suggestion.product])
            .await?
            .first()
            .map(|card| suggestion.written(query.q.as_deref().unwrap_or_default(), &card.title)),
        None => None,
    };
    Ok(ShopResults {
        highlights: products
            .iter()
            .filter_map(|p| found.matched.highlight(p.id, &p.title))
            .collect(),
        store_highlights: stores
            .iter()
            .filter_map(|s| found.matched.highlight(s.id, &s.name))
            .collect(),
        did_you_mean,
        products,
        stores,
        next_offset: found.has_more.then(|| offset.saturating_add(page)),
    })
}

/// The collections of these stores that show at least one product, store by store.
async fn collections_of_stores(
    db: &Db,
    stores: &[StoreCard],
) -> Result<Vec<CollectionCard>, ApiError> {
    if stores.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT c.id, c.name, c.store_id FROM collections c
         WHERE c.store_id IN ({}) AND EXISTS (
           SELECT 1 FROM collection_products cp JOIN products pr ON pr.id = cp.product_id
           WHERE cp.collection_id = c.id AND {SHOWN})
         ORDER BY c.position, c.id",
        placeholders(1, stores.len())
    );
    let mut select = sqlx::query_as::<_, (i64, String, i64)>(&sql);
    for store in stores {
        select = select.bind(store.id);
    }
    let rows = select.fetch_all(&db.pool).await?;
    // In the order the stores are listed.
    Ok(stores
        .iter()
        .flat_map(|store| {
            rows.iter()
                .filter(move |(_, _, owner)| *owner == store.id)
                .map(move |(id, name, _)| CollectionCard {
                    id: *id,
                    name: name.clone(),
                    store_name: store.name.clone(),
                })
        })
        .collect())
}

/// Store cards in the order of `ids`.
async fn store_cards_by_id(db: &Db, ids: &[i64]) -> Result<Vec<StoreCard>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {} FROM stores s WHERE s.id IN ({})",
        store_columns(),
        placeholders(1, ids.len())
    );
    let mut select = sqlx::query_as::<_, StoreRow>(&sql);
    for id in ids {
        select = select.bind(*id);
    }
    let mut by_id: std::collections::HashMap<i64, StoreCard> = select
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            let card = StoreCard::from(row);
            (card.id, card)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
