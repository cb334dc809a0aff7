//! The Shop tab: what it opens on (categories, stores), and search and browse over
//! every shown product with filters and sorting.

use souq_wire::{CategoryCount, ShopHome, ShopQuery, ShopResults, ShopSort, StoreCard};

use crate::db::Db;
use crate::error::ApiError;
use crate::search::{Query, Target};
use crate::stores::cards::{self, SHOWN};
use crate::stores::storefront::{StoreRow, store_columns};

/// Results per page.
pub const PAGE: i64 = 24;
/// Stores shown beside the products of a search.
const STORES_SHOWN: i64 = 5;
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
    let stores: Vec<StoreRow> = sqlx::query_as(&sql).fetch_all(&db.pool).await?;
    Ok(ShopHome {
        categories: categories
            .into_iter()
            .map(|(category, products)| CategoryCount { category, products })
            .collect(),
        currencies: currencies.into_iter().map(|(c,)| c).collect(),
        stores: stores.into_iter().map(StoreCard::from).collect(),
    })
}

/// A bound value: the SQL is built from the query, so its binds are too.
enum Arg {
    Text(String),
    Int(i64),
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
    if query.offset.is_some_and(|o| o < 0) {
        return bad("offset is 0 or more");
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

pub async fn search(db: &Db, query: &ShopQuery) -> Result<ShopResults, ApiError> {
    check(query)?;
    let words = Query::parse(query.q.as_deref().unwrap_or_default());
    let offset = query.offset.unwrap_or(0);
    let mut args: Vec<Arg> = Vec::new();
    let (from, score) = if words.is_empty() {
        ("products pr".to_string(), "CAST(0 AS BIGINT)")
    } else {
        let (matches, binds) = words.matches_sql(Target::Product, 1);
        args.extend(binds.into_iter().map(Arg::Text));
        (
            format!("({matches}) m JOIN products pr ON pr.id = m.target_id"),
            "m.score",
        )
    };
    let next = |arg: Arg, args: &mut Vec<Arg>| {
        args.push(arg);
        format!("${}", args.len())
    };
    let mut conditions = vec![SHOWN.to_string(), "pr.price_minor IS NOT NULL".to_string()];
    if let Some(category) = &query.category {
        conditions.push(format!(
            "pr.category = {}",
            next(Arg::Text(category.clone()), &mut args)
        ));
    }
    if let Some(store) = &query.store {
        let handle = store.trim_start_matches('@').to_ascii_lowercase();
        conditions.push(format!(
            "pr.store_id = (SELECT id FROM stores WHERE handle = {})",
            next(Arg::Text(handle), &mut args)
        ));
    }
    if let Some(collection) = query.collection {
        conditions.push(format!(
            "pr.id IN (SELECT product_id FROM collection_products WHERE collection_id = {})",
            next(Arg::Int(collection), &mut args)
        ));
    }
    if let Some(currency) = &query.currency {
        conditions.push(format!(
            "pr.currency = {}",
            next(Arg::Text(currency.to_ascii_uppercase()), &mut args)
        ));
    }
    if let Some(min) = query.min_price {
        conditions.push(format!(
            "pr.price_minor >= {}",
            next(Arg::Int(min), &mut args)
        ));
    }
    if let Some(max) = query.max_price {
        conditions.push(format!(
            "pr.price_minor <= {}",
            next(Arg::Int(max), &mut args)
        ));
    }
    if query.in_stock {
        conditions.push("pr.in_stock = 1".into());
    }
    let order = match query.sort {
        ShopSort::Relevance if !words.is_empty() => "score DESC, pr.published_at DESC, pr.id DESC",
        ShopSort::Relevance | ShopSort::Newest => "pr.published_at DESC, pr.id DESC",
        ShopSort::PriceLowToHigh => "pr.price_minor ASC, pr.id DESC",
        ShopSort::PriceHighToLow => "pr.price_minor DESC, pr.id DESC",
    };
    let limit = next(Arg::Int(PAGE + 1), &mut args);
    let skip = next(Arg::Int(offset), &mut args);
    let sql = format!(
        "SELECT pr.id, {score} AS score FROM {from} WHERE {}
         ORDER BY {order} LIMIT {limit} OFFSET {skip}",
        conditions.join(" AND ")
    );
    let mut select = sqlx::query_as::<_, (i64, i64)>(&sql);
    for arg in args {
        select = match arg {
            Arg::Text(text) => select.bind(text),
            Arg::Int(n) => select.bind(n),
        };
    }
    let mut ids: Vec<i64> = select
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let has_more = ids.len() > usize::try_from(PAGE).unwrap_or(0);
    ids.truncate(usize::try_from(PAGE).unwrap_or(0));
    let products = cards::cards(db, &ids).await?;
    let stores = if offset == 0 && !words.is_empty() {
        matching_stores(db, &words).await?
    } else {
        Vec::new()
    };
    Ok(ShopResults {
        products,
        stores,
        next_offset: has_more.then_some(offset + PAGE),
    })
}

async fn matching_stores(db: &Db, words: &Query) -> Result<Vec<StoreCard>, ApiError> {
    let (matches, binds) = words.matches_sql(Target::Store, 1);
    let sql = format!(
        "SELECT {} FROM ({matches}) m JOIN stores s ON s.id = m.target_id
         ORDER BY m.score DESC, s.id LIMIT {STORES_SHOWN}",
        store_columns()
    );
    let mut select = sqlx::query_as::<_, StoreRow>(&sql);
    for bind in binds {
        select = select.bind(bind);
    }
    Ok(select
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(StoreCard::from)
        .collect())
}
