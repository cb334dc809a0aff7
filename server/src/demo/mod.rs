//! Demo data, loaded once into an empty database on first start: stores (one a
//! nonprofit), products with variants, stock and images, posts with hashtags and
//! products, shoppers, and drops timed relative to that first start.

pub mod art;
pub mod catalog;

use souq_wire::{DemoSignIn, Role};
use sqlx::{Any, Transaction};

use crate::accounts::AccountsService;
use crate::base::db::now_ms;
use crate::base::error::ApiError;
use crate::media;
use crate::search;
use crate::stores::cards;
use crate::stores::stock;
use catalog::{DEMO_PASSWORD, DROPS, EMAIL_DOMAIN, SHOPPER_LINES, SHOPPERS, STORES};

const MINUTE_MS: i64 = 60_000;
/// What each demo drop sets aside, and sells to one shopper at most.
const DROP_STOCK: i64 = 40;
const DROP_LIMIT: i64 = 2;
/// The demo stores schedule in the Gulf's zone.
const DEMO_TIME_ZONE: &str = "Asia/Riyadh";
pub const POST_COUNT: usize = 100;

fn email(handle: &str) -> String {
    format!("{}@{EMAIL_DOMAIN}", handle.replace('_', "."))
}

/// The demo accounts the embedded app offers one tap away, shoppers first.
pub fn sign_ins() -> Vec<DemoSignIn> {
    let shoppers = SHOPPERS.iter().take(3).map(|(handle, name)| DemoSignIn {
        email: email(handle),
        password: DEMO_PASSWORD.into(),
        display_name: (*name).into(),
        role: Role::Shopper,
    });
    let stores = STORES
        .iter()
        .take(2)
        .chain(STORES.iter().filter(|s| s.nonprofit))
        .map(|s| DemoSignIn {
            email: email(s.handle),
            password: DEMO_PASSWORD.into(),
            display_name: s.name.into(),
            role: if s.nonprofit {
                Role::Nonprofit
            } else {
                Role::Merchant
            },
        });
    shoppers.chain(stores).collect()
}

/// Loads the demo data unless this database already decided about it. Returns whether
/// it loaded. Safe when several instances start at once on one PostgreSQL: the first
/// to record the fact loads, the others wait on its row and then skip.
pub async fn load_into_empty(accounts: &AccountsService) -> Result<bool, ApiError> {
    let base = &accounts.base;
    let db = &base.db;
    let already: Option<(i64,)> =
        sqlx::query_as("SELECT created_at FROM server_facts WHERE fact = 'demo_data'")
            .fetch_optional(&db.pool)
            .await?;
    if already.is_some() {
        return Ok(false);
    }
    // Hash before taking any lock: argon2 is slow on purpose. Every demo account has
    // the same published password, so one hash (one salt) serves them all, and a first
    // launch pays for one hash instead of one per account.
    let hash = accounts
        .guard
        .hashing
        .hash(DEMO_PASSWORD.to_string())
        .await?;

    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO server_facts (fact, created_at) VALUES ('demo_data', $1)
         ON CONFLICT (fact) DO NOTHING",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if claimed == 0 || users > 0 {
        // Someone else loaded it, or real accounts exist: never mix demo data in.
        tx.commit().await?;
        return Ok(false);
    }
    let mut loader = Loader { tx, now };
    let stores = loader.stores(&hash).await?;
    let shoppers = loader.shoppers(&hash).await?;
    loader.drops(&stores).await?;
    loader.posts(&stores, &shoppers).await?;
    loader.social(&stores, &shoppers).await?;
    loader.tx.commit().await?;
    base.publish(&[crate::base::cache::Change::Everything])
        .await;
    tracing::info!(
        stores = stores.len(),
        shoppers = shoppers.len(),
        "demo data loaded"
    );
    Ok(true)
}

struct LoadedStore {
    id: i64,
    owner_id: i64,
    handle: &'static str,
    /// (product id, title) in catalog order.
    products: Vec<(i64, &'static str)>,
}

struct Loader {
    tx: Transaction<'static, Any>,
    now: i64,
}

impl Loader {
    async fn user(
        &mut self,
        handle: &str,
        name: &str,
        role: Role,
        hash: String,
    ) -> Result<i64, ApiError> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (email, handle, display_name, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(email(handle))
        .bind(handle)
        .bind(name)
        .bind(hash)
        .bind(role.as_str())
        .bind(self.now - 30 * 24 * 60 * MINUTE_MS)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    async fn stores(&mut self, hash: &str) -> Result<Vec<LoadedStore>, ApiError> {
        let mut loaded = Vec::new();
        let sold_out: Vec<&str> = DROPS
            .iter()
            .filter(|d| d.sold_out)
            .map(|d| d.product)
            .collect();
        let dropped: Vec<&str> = DROPS.iter().map(|d| d.product).collect();
        for spec in STORES {
            let hash = hash.to_string();
            let role = if spec.nonprofit {
                Role::Nonprofit
            } else {
                Role::Merchant
            };
            let owner_id = self.user(spec.handle, spec.owner_name, role, hash).await?;
            let avatar = media::insert(
                &mut *self.tx,
                Some(owner_id),
                "image/svg+xml",
                art::avatar_svg(spec.motif, spec.hue),
            )
            .await?;
            let (store_id,): (i64,) = sqlx::query_as(
                "INSERT INTO stores (owner_id, handle, name, about, is_nonprofit, website_url,
                                     avatar_media_id, created_at, currency, nonprofit_verified_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                         CASE WHEN $5 = 1 THEN $8 ELSE NULL END) RETURNING id",
            )
            .bind(owner_id)
            .bind(spec.handle)
            .bind(spec.name)
            .bind(spec.about)
            .bind(i64::from(spec.nonprofit))
            .bind(spec.website)
            .bind(avatar)
            .bind(self.now - 30 * 24 * 60 * MINUTE_MS)
            .bind(spec.currency)
            .fetch_one(&mut *self.tx)
            .await?;
            // Every demo store ships, standard and express, or free for a nonprofit.
            let standard: i64 = match spec.currency {
                "KWD" => 1_000,
                "USD" => 500,
                _ => 1_500,
            };
            let shipping: &[(&str, i64, i64, i64)] = if spec.nonprofit {
                &[("Free delivery · توصيل مجاني", 0, 3, 7)]
            } else {
                &[
                    ("Standard · توصيل عادي", standard, 3, 5),
                    ("Express · توصيل سريع", standard * 2, 1, 2),
                ]
            };
            for (position, (name, price, min_days, max_days)) in (0i64..).zip(shipping) {
                sqlx::query(
                    "INSERT INTO shipping_options (store_id, name, price_minor, min_days,
                                                   max_days, position)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(store_id)
                .bind(*name)
                .bind(*price)
                .bind(*min_days)
                .bind(*max_days)
                .bind(position)
                .execute(&mut *self.tx)
                .await?;
            }
            let mut products = Vec::new();
            for (p, product) in (0u32..).zip(spec.products) {
                let external = spec
                    .website
                    .map(|site| format!("{site}/products/{}", p + 1));
                let (product_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO products (store_id, title, description, category, currency,
                                           external_url, created_at, published_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(store_id)
                .bind(product.title)
                .bind(product.description)
                .bind(spec.category)
                .bind(spec.currency)
                .bind(external)
                .bind(self.now - i64::from(p + 1) * 24 * 60 * MINUTE_MS)
                .fetch_one(&mut *self.tx)
                .await?;
                for position in 0..2u32 {
                    let svg = art::product_svg(spec.motif, spec.hue, p * 2 + position);
                    // The store's own pictures: its studio may reuse them.
                    let media_id =
                        media::insert(&mut *self.tx, Some(owner_id), "image/svg+xml", svg).await?;
                    sqlx::query(
                        "INSERT INTO product_images (product_id, position, media_id) VALUES ($1, $2, $3)",
                    )
                    .bind(product_id)
                    .bind(i64::from(position))
                    .bind(media_id)
                    .execute(&mut *self.tx)
                    .await?;
                }
                for (v, (name, price)) in (0u32..).zip(product.variants) {
                    let stock = if sold_out.contains(&product.title) {
                        0
                    } else if dropped.contains(&product.title) {
                        DROP_STOCK
                    } else {
                        i64::from((p * 7 + v * 3) % 20 + 3)
                    };
                    let (variant_id,): (i64,) = sqlx::query_as(
                        "INSERT INTO variants (product_id, name, sku, price_minor)
                         VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(product_id)
                    .bind(*name)
                    .bind(format!("{}-{}-{}", spec.handle, p + 1, v + 1))
                    .bind(*price)
                    .fetch_one(&mut *self.tx)
                    .await?;
                    stock::set(&mut self.tx, variant_id, stock).await?;
                }
                cards::refresh_summary(&mut self.tx, product_id).await?;
                products.push((product_id, product.title));
            }
            self.collections(store_id, &products).await?;
            let ids: Vec<i64> = products.iter().map(|(id, _)| *id).collect();
            search::index_products(&mut self.tx, &ids).await?;
            search::index_store(&mut self.tx, store_id).await?;
            loaded.push(LoadedStore {
                id: store_id,
                owner_id,
                handle: spec.handle,
                products,
            });
        }
        Ok(loaded)
    }

    /// Two collections a store: its first products as the most loved, its last as new.
    async fn collections(
        &mut self,
        store_id: i64,
        products: &[(i64, &'static str)],
    ) -> Result<(), ApiError> {
        let ids: Vec<i64> = products.iter().map(|(id, _)| *id).collect();
        let loved: Vec<i64> = ids.iter().take(3).copied().collect();
        let newest: Vec<i64> = ids.iter().rev().take(3).copied().collect();
        for (position, (name, members)) in (0i64..).zip([
            ("الأكثر طلباً · Most loved", loved),
            ("وصل حديثاً · New in", newest),
        ]) {
            let (collection_id,): (i64,) = sqlx::query_as(
                "INSERT INTO collections (store_id, name, position) VALUES ($1, $2, $3)
                 RETURNING id",
            )
            .bind(store_id)
            .bind(name)
            .bind(position)
            .fetch_one(&mut *self.tx)
            .await?;
            for (place, product_id) in (0i64..).zip(members) {
                sqlx::query(
                    "INSERT INTO collection_products (collection_id, product_id, position)
                     VALUES ($1, $2, $3)",
                )
                .bind(collection_id)
                .bind(product_id)
                .bind(place)
                .execute(&mut *self.tx)
                .await?;
            }
        }
        Ok(())
    }

    async fn shoppers(&mut self, hash: &str) -> Result<Vec<i64>, ApiError> {
        let mut ids = Vec::new();
        for (handle, name) in SHOPPERS {
            ids.push(
                self.user(handle, name, Role::Shopper, hash.to_string())
                    .await?,
            );
        }
        Ok(ids)
    }

    async fn drops(&mut self, stores: &[LoadedStore]) -> Result<(), ApiError> {
        for (i, drop) in (0i64..).zip(DROPS) {
            let store = find_store(stores, drop.store)?;
            let product_id = find_product(store, drop.product)?;
            // The drop sells the product's first option, all of its stock set aside (the
            // sold-out one as if it had sold its units).
            let created = self.now - (i + 1) * 24 * 60 * MINUTE_MS;
            sqlx::query(
                "INSERT INTO drops (store_id, product_id, variant_id, title, hashtag, launch_at,
                     time_zone, stock, per_customer_limit, external_url, created_at, updated_at)
                 SELECT $1, $2, MIN(v.id), $3, $4, $5, $6, $7, $8, MIN(pr.external_url), $9, $9
                 FROM variants v JOIN products pr ON pr.id = v.product_id
                 WHERE v.product_id = $2",
            )
            .bind(store.id)
            .bind(product_id)
            .bind(drop.title)
            .bind(souq_wire::text::hashtag_key(drop.hashtag))
            .bind(self.now + drop.minutes_from_start * MINUTE_MS)
            .bind(DEMO_TIME_ZONE)
            .bind(DROP_STOCK)
            .bind(DROP_LIMIT)
            .bind(created)
            .execute(&mut *self.tx)
            .await?;
            sqlx::query("UPDATE stores SET time_zone = $1 WHERE id = $2")
                .bind(DEMO_TIME_ZONE)
                .bind(store.id)
                .execute(&mut *self.tx)
                .await?;
            sqlx::query("UPDATE products SET hashtag = $1 WHERE id = $2")
                .bind(souq_wire::text::hashtag_key(drop.hashtag))
                .bind(product_id)
                .execute(&mut *self.tx)
                .await?;
            let body = format!("{} — #{} #drop", drop.title, drop.hashtag);
            let posted = self.now - (i + 1) * 45 * MINUTE_MS;
            self.post(store.owner_id, Some(store.id), &body, posted, &[product_id])
                .await?;
        }
        Ok(())
    }

    async fn posts(&mut self, stores: &[LoadedStore], shoppers: &[i64]) -> Result<(), ApiError> {
        let generated = POST_COUNT.saturating_sub(DROPS.len());
        for i in 0..generated {
            // Spread over the last week, newest first, with an uneven rhythm.
            let minutes_ago = i64::try_from(i * 97 + (i * 31) % 50 + 5).unwrap_or(0);
            let posted = self.now - minutes_ago * MINUTE_MS;
            let store_index = (i * 5 + i / 8) % STORES.len();
            let (Some(spec), Some(store)) = (STORES.get(store_index), stores.get(store_index))
            else {
                continue;
            };
            let product_index = (i * 3) % store.products.len().max(1);
            let Some(&(product_id, title)) = store.products.get(product_index) else {
                continue;
            };
            if i % 5 < 3 {
                let Some(line) = spec.posts.get((i / STORES.len()) % spec.posts.len().max(1))
                else {
                    continue;
                };
                let body = line.replace("{product}", title);
                self.post(store.owner_id, Some(store.id), &body, posted, &[product_id])
                    .await?;
            } else {
                let Some(&shopper) = shoppers.get(i % shoppers.len().max(1)) else {
                    continue;
                };
                let Some(line) = SHOPPER_LINES.get(i % SHOPPER_LINES.len()) else {
                    continue;
                };
                let body = line
                    .replace("{product}", title)
                    .replace("{store}", store.handle);
                let attached: &[i64] = if i % 3 == 0 { &[] } else { &[product_id] };
                self.post(shopper, None, &body, posted, attached).await?;
            }
        }
        Ok(())
    }

    /// Shoppers follow stores and each other, and like, repost and bookmark posts, so
    /// timelines, counts and inboxes have something real in them.
    async fn social(&mut self, stores: &[LoadedStore], shoppers: &[i64]) -> Result<(), ApiError> {
        let posts: Vec<(i64,)> = sqlx::query_as("SELECT id FROM posts ORDER BY id")
            .fetch_all(&mut *self.tx)
            .await?;
        let at = self.now - 60 * MINUTE_MS;
        for (i, shopper) in shoppers.iter().enumerate() {
            let mut followees: Vec<i64> = (0..4)
                .filter_map(|k| stores.get((i + k * 3) % stores.len().max(1)))
                .map(|s| s.owner_id)
                .collect();
            followees.extend(shoppers.get((i + 1) % shoppers.len().max(1)));
            followees.sort_unstable();
            followees.dedup();
            for followee in followees.into_iter().filter(|f| f != shopper) {
                sqlx::query(
                    "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(*shopper)
                .bind(followee)
                .bind(at)
                .execute(&mut *self.tx)
                .await?;
            }
            for (k, (post,)) in posts.iter().enumerate() {
                let table = match (k * 7 + i * 3) % 23 {
                    0 | 5 | 11 => Some("likes"),
                    3 => Some("bookmarks"),
                    17 => Some("reposts"),
                    _ => None,
                };
                if let Some(table) = table {
                    sqlx::query(&format!(
                        "INSERT INTO {table} (user_id, post_id, created_at) VALUES ($1, $2, $3)"
                    ))
                    .bind(*shopper)
                    .bind(*post)
                    .bind(at + i64::try_from(k).unwrap_or(0) * 1000)
                    .execute(&mut *self.tx)
                    .await?;
                }
            }
        }
        // Counters from the rows themselves: exact by construction.
        for statement in [
            "UPDATE posts SET like_count = (SELECT COUNT(*) FROM likes l WHERE l.post_id = posts.id)",
            "UPDATE posts SET repost_count = (SELECT COUNT(*) FROM reposts r WHERE r.post_id = posts.id)",
            "UPDATE posts SET bookmark_count = (SELECT COUNT(*) FROM bookmarks b WHERE b.post_id = posts.id)",
            "UPDATE users SET follower_count = (SELECT COUNT(*) FROM follows f WHERE f.followee_id = users.id)",
            "UPDATE users SET following_count = (SELECT COUNT(*) FROM follows f WHERE f.follower_id = users.id)",
        ] {
            sqlx::query(statement).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    async fn post(
        &mut self,
        author: i64,
        store: Option<i64>,
        body: &str,
        created_at: i64,
        products: &[i64],
    ) -> Result<i64, ApiError> {
        let (post_id,): (i64,) = sqlx::query_as(
            "INSERT INTO posts (author_id, store_id, body, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(author)
        .bind(store)
        .bind(body)
        .bind(created_at)
        .fetch_one(&mut *self.tx)
        .await?;
        for tag in souq_wire::text::hashtags(body) {
            sqlx::query("INSERT INTO post_hashtags (post_id, tag) VALUES ($1, $2)")
                .bind(post_id)
                .bind(tag)
                .execute(&mut *self.tx)
                .await?;
        }
        for (position, product) in (0i64..).zip(products) {
            sqlx::query(
                "INSERT INTO post_products (post_id, position, product_id) VALUES ($1, $2, $3)",
            )
            .bind(post_id)
            .bind(position)
            .bind(*product)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(post_id)
    }
}

fn find_store<'a>(stores: &'a [LoadedStore], handle: &str) -> Result<&'a LoadedStore, ApiError> {
    stores
        .iter()
        .find(|s| s.handle == handle)
        .ok_or_else(|| ApiError::Internal(format!("demo drop names unknown store {handle}")))
}

fn find_product(store: &LoadedStore, title: &str) -> Result<i64, ApiError> {
    store
        .products
        .iter()
        .find(|(_, t)| *t == title)
        .map(|(id, _)| *id)
        .ok_or_else(|| ApiError::Internal(format!("demo drop names unknown product {title}")))
}
