//! Timelines: pages of posts, newest first, from everyone, a hashtag, the accounts the
//! viewer follows (with their reposts), one author, the viewer's bookmarks, and the
//! recent-and-popular candidates the app ranks on the device. Every page is cut by a
//! keyset cursor (time, id), so paging stays fast and stable while new posts arrive,
//! and every page is completed by `hydrate` in a fixed number of queries. The first
//! page of Following and of the candidates, which nearly every visit opens, is put
//! together from cached per-account timelines and the cached newest posts.

pub mod cache;
pub mod hydrate;
mod service;
mod shapes;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use souq_wire::FeedPage;

use crate::base::cache::{Store, Ticket};
use crate::base::db::{Db, placeholders};
use crate::base::error::ApiError;
use crate::base::paging::{Cursor, DEFAULT_PAGE, MAX_PAGE, cut_page};
use cache::FeedCache;
pub use service::FeedService;
use shapes::Parts;
pub use shapes::{AuthorTimeline, Entry, FirstPage, Popular, PopularSet, RecentPost, ServedPage};

pub use hydrate::hydrate;

/// How far back the "popular" candidates reach.
const POPULAR_WINDOW_MS: i64 = 48 * 60 * 60 * 1000;
const POPULAR_COUNT: i64 = 10;

/// Which posts a page draws from.
pub enum Source<'a> {
    Everyone,
    Hashtag(&'a str),
    /// The viewer's own posts and those of the accounts they follow, with their reposts.
    Following,
    Author(i64),
    /// Posts that carry this product.
    Product(i64),
    Bookmarks,
    /// Recent posts by others; the first page adds the most engaged of the last 48 hours.
    Candidates,
}

const LIVE: &str = "p.deleted_at IS NULL";
const BEFORE_POST: &str = "(p.created_at < $1 OR (p.created_at = $1 AND p.id < $2))";

impl Entry {
    /// A post shown on its own, not as part of a timeline.
    pub fn post(id: i64) -> Entry {
        Entry {
            id,
            reposter_id: None,
            activity_at: 0,
        }
    }

    /// Newest first, as every timeline is ordered.
    fn newest_first(a: &Entry, b: &Entry) -> std::cmp::Ordering {
        (b.activity_at, b.id).cmp(&(a.activity_at, a.id))
    }
}

/// The SQL that picks a page of entries: `$1`, `$2` the cursor, `$3` the limit, `$4`
/// the source's one parameter (none for Everyone). It touches only the indexes it
/// needs; the posts themselves are loaded afterwards for the page alone. Each branch of
/// a union is limited on its own, so none of them sorts more than a page.
fn entries_sql(source: &Source<'_>) -> String {
    let plain = |from: &str, filter: &str| {
        format!(
            "SELECT p.id, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
             FROM {from} WHERE {filter} AND {LIVE} AND {BEFORE_POST}
             ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
        )
    };
    match source {
        Source::Everyone => plain("posts p", "1 = 1"),
        Source::Hashtag(_) => plain(
            "post_hashtags h JOIN posts p ON p.id = h.post_id",
            "h.tag = $4",
        ),
        Source::Author(_) => plain("posts p", "p.author_id = $4"),
        Source::Product(_) => plain(
            "post_products pp JOIN posts p ON p.id = pp.post_id",
            "pp.product_id = $4",
        ),
        Source::Candidates => plain("posts p", "p.author_id <> $4"),
        Source::Bookmarks => format!(
            "SELECT p.id, CAST(NULL AS BIGINT) AS reposter_id, b.created_at AS activity_at
             FROM bookmarks b JOIN posts p ON p.id = b.post_id
             WHERE b.user_id = $4 AND {LIVE}
               AND (b.created_at < $1 OR (b.created_at = $1 AND p.id < $2))
             ORDER BY b.created_at DESC, p.id DESC LIMIT $3"
        ),
        Source::Following => format!(
            "SELECT * FROM (
               SELECT * FROM (
                 SELECT p.id, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
                 FROM follows f JOIN posts p ON p.author_id = f.followee_id
                 WHERE f.follower_id = $4 AND {LIVE} AND {BEFORE_POST}
                 ORDER BY p.created_at DESC, p.id DESC LIMIT $3) followed
               UNION ALL
               SELECT * FROM (
                 SELECT p.id, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at
                 FROM posts p WHERE p.author_id = $4 AND {LIVE} AND {BEFORE_POST}
                 ORDER BY p.created_at DESC, p.id DESC LIMIT $3) own
               UNION ALL
               SELECT * FROM (
                 SELECT r.post_id AS id, r.user_id AS reposter_id, r.created_at AS activity_at
                 FROM follows f JOIN reposts r ON r.user_id = f.followee_id
                 JOIN posts p ON p.id = r.post_id
                 WHERE f.follower_id = $4 AND {LIVE}
                   AND (r.created_at < $1 OR (r.created_at = $1 AND r.post_id < $2))
                 ORDER BY r.created_at DESC, r.post_id DESC LIMIT $3) reposted
             ) timeline
             ORDER BY activity_at DESC, id DESC LIMIT $3"
        ),
    }
}

pub async fn page(
    feed: &FeedService,
    viewer: i64,
    source: Source<'_>,
    before: Cursor,
    limit: i64,
) -> Result<FeedPage, ApiError> {
    let limit = limit.clamp(1, MAX_PAGE);
    // One extra entry tells whether another page follows.
    let cached = if before == Cursor::START && limit < RECENT_PER_ACCOUNT {
        match source {
            Source::Following => Some(following_first_entries(feed, viewer, limit + 1).await?),
            Source::Candidates => recent_first_entries(feed, viewer, limit + 1).await?,
            _ => None,
        }
    } else {
        None
    };
    let mut entries = match cached {
        Some(entries) => entries,
        None => entries_from_db(&feed.base.db, viewer, &source, before, limit + 1).await?,
    };
    let next_cursor = cut_page(&mut entries, limit, |e| Cursor {
        at_ms: e.activity_at,
        id: e.id,
    });
    if matches!(source, Source::Candidates) && before == Cursor::START {
        for popular in &popular(feed).await?.posts {
            if !entries.iter().any(|e| e.id == popular.id) && popular.author != viewer {
                entries.push(Entry {
                    id: popular.id,
                    reposter_id: None,
                    activity_at: popular.created_at,
                });
            }
        }
    }
    // A post reposted by two followed accounts shows once, at its latest activity.
    let mut seen = std::collections::HashSet::new();
    entries.retain(|e| seen.insert(e.id));
    let posts = hydrate(feed, viewer, &entries).await?;
    Ok(FeedPage { posts, next_cursor })
}

async fn entries_from_db(
    db: &Db,
    viewer: i64,
    source: &Source<'_>,
    before: Cursor,
    count: i64,
) -> Result<Vec<Entry>, ApiError> {
    let sql = entries_sql(source);
    let query = sqlx::query_as::<_, Entry>(&sql)
        .bind(before.at_ms)
        .bind(before.id)
        .bind(count);
    let query = match source {
        Source::Everyone => query,
        Source::Hashtag(tag) => query.bind(*tag),
        Source::Author(author) => query.bind(*author),
        Source::Product(product) => query.bind(*product),
        Source::Following | Source::Bookmarks | Source::Candidates => query.bind(viewer),
    };
    Ok(query.fetch_all(&db.pool).await?)
}

/// How many of each account's newest posts, and of its newest reposts, are cached:
/// enough for any first page up to this size less one.
const RECENT_PER_ACCOUNT: i64 = 2 * DEFAULT_PAGE;

/// The first `count` entries of the viewer's Following timeline, merged in memory from
/// the cached timelines of the viewer and of everyone they follow. It gives what
/// `entries_sql(Following)` gives: each account contributes at most `count` entries.
async fn following_first_entries(
    feed: &FeedService,
    viewer: i64,
    count: i64,
) -> Result<Vec<Entry>, ApiError> {
    let followed = followed_by(feed, viewer).await?;
    let mut accounts: Vec<i64> = followed.as_ref().clone();
    accounts.push(viewer);
    let timelines = account_timelines(feed, &accounts).await?;
    let mut entries: Vec<Entry> = Vec::new();
    for (account, timeline) in &timelines {
        entries.extend(&timeline.posts);
        // The viewer's own reposts are not part of their Following timeline.
        if *account != viewer {
            entries.extend(&timeline.reposts);
        }
    }
    entries.sort_unstable_by(Entry::newest_first);
    entries.truncate(usize::try_from(count).unwrap_or(0));
    Ok(entries)
}

/// Whom the viewer follows, cached per viewer.
async fn followed_by(feed: &FeedService, viewer: i64) -> Result<Arc<Vec<i64>>, ApiError> {
    let cache = &feed.cache.follows;
    if let Some(followed) = cache.get(&viewer) {
        return Ok(followed);
    }
    let ticket = cache.ticket();
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT followee_id FROM follows WHERE follower_id = $1")
            .bind(viewer)
            .fetch_all(&feed.base.db.pool)
            .await?;
    let followed = Arc::new(rows.into_iter().map(|(id,)| id).collect::<Vec<_>>());
    cache.fill(ticket, viewer, Arc::clone(&followed));
    Ok(followed)
}

/// The cached timelines of these accounts; the missing ones are loaded together.
async fn account_timelines(
    feed: &FeedService,
    accounts: &[i64],
) -> Result<HashMap<i64, Arc<AuthorTimeline>>, ApiError> {
    feed.cache
        .timelines
        .get_or_load(accounts, |missing| load_timelines(&feed.base.db, missing))
        .await
}

async fn load_timelines(
    db: &Db,
    missing: Vec<i64>,
) -> Result<Vec<(i64, Arc<AuthorTimeline>)>, ApiError> {
    // Each account's newest posts and reposts, numbered per account by a window, so
    // one query serves any number of accounts.
    let list = placeholders(2, missing.len());
    let sql = format!(
        "SELECT id, reposter_id, activity_at, owner FROM (
           SELECT p.id, CAST(NULL AS BIGINT) AS reposter_id, p.created_at AS activity_at,
                  p.author_id AS owner,
                  ROW_NUMBER() OVER (PARTITION BY p.author_id
                                     ORDER BY p.created_at DESC, p.id DESC) AS n
           FROM posts p WHERE p.author_id IN ({list}) AND {LIVE}) own
         WHERE n <= $1
         UNION ALL
         SELECT id, reposter_id, activity_at, owner FROM (
           SELECT r.post_id AS id, r.user_id AS reposter_id, r.created_at AS activity_at,
                  r.user_id AS owner,
                  ROW_NUMBER() OVER (PARTITION BY r.user_id
                                     ORDER BY r.created_at DESC, r.post_id DESC) AS n
           FROM reposts r JOIN posts p ON p.id = r.post_id
           WHERE r.user_id IN ({list}) AND {LIVE}) reposted
         WHERE n <= $1"
    );
    let mut query =
        sqlx::query_as::<_, (i64, Option<i64>, i64, i64)>(&sql).bind(RECENT_PER_ACCOUNT);
    for account in &missing {
        query = query.bind(*account);
    }
    let mut loaded: HashMap<i64, AuthorTimeline> = missing
        .iter()
        .map(|a| (*a, AuthorTimeline::default()))
        .collect();
    for (id, reposter_id, activity_at, owner) in query.fetch_all(&db.pool).await? {
        let entry = Entry {
            id,
            reposter_id,
            activity_at,
        };
        if let Some(timeline) = loaded.get_mut(&owner) {
            if reposter_id.is_some() {
                timeline.reposts.push(entry);
            } else {
                timeline.posts.push(entry);
            }
        }
    }
    let loaded: Vec<(i64, Arc<AuthorTimeline>)> = loaded
        .into_iter()
        .map(|(account, mut timeline)| {
            timeline.posts.sort_unstable_by(Entry::newest_first);
            timeline.reposts.sort_unstable_by(Entry::newest_first);
            (account, Arc::new(timeline))
        })
        .collect();
    Ok(loaded)
}

/// How many of the newest posts are cached for the candidates' first page.
const RECENT_OVERALL: i64 = 200;

/// The first `count` candidates (recent posts by others) from the cached newest
/// posts; `None` when the viewer wrote so many of them that the cache cannot say.
async fn recent_first_entries(
    feed: &FeedService,
    viewer: i64,
    count: i64,
) -> Result<Option<Vec<Entry>>, ApiError> {
    let cache = &feed.cache.recent;
    let recent = match cache.get(&()) {
        Some(recent) => recent,
        None => {
            let ticket = cache.ticket();
            let rows: Vec<RecentPost> = sqlx::query_as(&format!(
                "SELECT p.id, p.author_id AS author, p.created_at FROM posts p WHERE {LIVE}
                 ORDER BY p.created_at DESC, p.id DESC LIMIT $1"
            ))
            .bind(RECENT_OVERALL)
            .fetch_all(&feed.base.db.pool)
            .await?;
            let recent = Arc::new(rows);
            cache.fill(ticket, (), Arc::clone(&recent));
            recent
        }
    };
    let wanted = usize::try_from(count).unwrap_or(0);
    let entries: Vec<Entry> = recent
        .iter()
        .filter(|post| post.author != viewer)
        .take(wanted)
        .map(|post| Entry {
            id: post.id,
            reposter_id: None,
            activity_at: post.created_at,
        })
        .collect();
    // Fewer than asked for is the whole answer only when every live post is cached.
    let complete = i64::try_from(recent.len()).unwrap_or(i64::MAX) < RECENT_OVERALL;
    Ok((entries.len() == wanted || complete).then_some(entries))
}

/// How long the popular set is reused: it is the same for every viewer and changes
/// slowly, so each server ranks the recent posts at most this often.
const POPULAR_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(15);

async fn popular(service: &FeedService) -> Result<Arc<PopularSet>, ApiError> {
    let feed = &service.cache;
    let cache = &feed.popular;
    let cached = cache.get(&());
    if let Some(set) = &cached
        && set.at.elapsed() < POPULAR_FRESH_FOR
    {
        return Ok(Arc::clone(set));
    }
    // One request ranks again; the others show the last set meanwhile, so the turn
    // costs no one a wait, unless there is no set at all yet.
    let _ranking = match feed.popular_ranking.try_lock() {
        Ok(guard) => guard,
        Err(_) => match cached {
            Some(stale) => return Ok(stale),
            None => feed.popular_ranking.lock().await,
        },
    };
    if let Some(set) = cache.get(&())
        && set.at.elapsed() < POPULAR_FRESH_FOR
    {
        return Ok(set);
    }
    let ticket = cache.ticket();
    let since = crate::base::db::now_ms() - POPULAR_WINDOW_MS;
    let posts: Vec<Popular> = sqlx::query_as(
        "SELECT p.id, p.author_id AS author, p.created_at FROM posts p
         WHERE p.created_at >= $1 AND p.deleted_at IS NULL
           AND p.like_count + p.repost_count > 0
         ORDER BY p.like_count + 2 * p.repost_count DESC, p.id DESC LIMIT $2",
    )
    .bind(since)
    .bind(POPULAR_COUNT + 1)
    .fetch_all(&service.base.db.pool)
    .await?;
    let set = Arc::new(PopularSet {
        at: std::time::Instant::now(),
        posts,
    });
    cache.fill(ticket, (), Arc::clone(&set));
    Ok(set)
}

fn same<T>(kept: &Option<Arc<T>>, now: Option<Arc<T>>) -> bool {
    match (kept, now) {
        (Some(kept), Some(now)) => Arc::ptr_eq(kept, &now),
        _ => false,
    }
}

fn all_same<T: crate::base::cache::Weigh + Send + Sync + 'static>(
    kept: &[(i64, Arc<T>)],
    store: &Store<i64, Arc<T>>,
) -> bool {
    store.all_current(kept, Arc::ptr_eq)
}

impl Parts {
    /// What the page holds of its parts themselves: their handles, not what they share.
    pub(crate) fn handles_bytes(&self) -> usize {
        let handle = std::mem::size_of::<(i64, Arc<()>)>();
        (self.timelines.len() + self.posts.len() + 4) * handle
    }

    fn still_cached(&self, c: &FeedCache, viewer: i64, kind: FirstPage) -> bool {
        let source_same = match kind {
            FirstPage::Following => {
                same(&self.follows, c.follows.get(&viewer))
                    && all_same(&self.timelines, &c.timelines)
            }
            FirstPage::Candidates => {
                same(&self.recent, c.recent.get(&())) && same(&self.popular, c.popular.get(&()))
            }
        };
        source_same
            && c.accounts.unchanged_since(self.accounts)
            && same(&self.viewer_state, c.viewer_state.get(&viewer))
            && all_same(&self.posts, &c.posts)
    }

    /// The parts a page just made from the caches was made of. `None` when one of them
    /// was removed meanwhile (the page may show what it held before) or is gone.
    fn collect(
        c: &FeedCache,
        viewer: i64,
        kind: FirstPage,
        page: &FeedPage,
        before: &Tickets,
    ) -> Option<Parts> {
        let mut parts = Parts {
            accounts: before.accounts,
            viewer_state: Some(c.viewer_state.get(&viewer)?),
            ..Parts::default()
        };
        match kind {
            FirstPage::Following => {
                let follows = c.follows.get(&viewer)?;
                let mut accounts: Vec<i64> = follows.as_ref().clone();
                accounts.push(viewer);
                let timelines = c.timelines.get_many(&accounts);
                if timelines.len() != accounts.len() {
                    return None;
                }
                parts.follows = Some(follows);
                parts.timelines = timelines.into_iter().collect();
            }
            FirstPage::Candidates => {
                parts.recent = Some(c.recent.get(&())?);
                parts.popular = Some(c.popular.get(&())?);
            }
        }
        let mut ids: Vec<i64> = page.posts.iter().map(|p| p.id).collect();
        ids.extend(
            page.posts
                .iter()
                .filter_map(|p| p.quote.as_ref().map(|q| q.id)),
        );
        ids.sort_unstable();
        ids.dedup();
        let posts = c.posts.get_many(&ids);
        if posts.len() != ids.len() {
            return None;
        }
        parts.posts = posts.into_iter().collect();
        before.still(c).then_some(parts)
    }
}

/// Where each store the first pages draw on stood before a page was made.
struct Tickets {
    follows: Ticket,
    timelines: Ticket,
    recent: Ticket,
    popular: Ticket,
    posts: Ticket,
    viewer_state: Ticket,
    accounts: Ticket,
}

impl Tickets {
    fn take(c: &FeedCache) -> Tickets {
        Tickets {
            follows: c.follows.ticket(),
            timelines: c.timelines.ticket(),
            recent: c.recent.ticket(),
            popular: c.popular.ticket(),
            posts: c.posts.ticket(),
            viewer_state: c.viewer_state.ticket(),
            accounts: c.accounts.ticket(),
        }
    }

    /// Nothing was removed from any of them since.
    fn still(&self, c: &FeedCache) -> bool {
        c.follows.unchanged_since(self.follows)
            && c.timelines.unchanged_since(self.timelines)
            && c.recent.unchanged_since(self.recent)
            && c.popular.unchanged_since(self.popular)
            && c.posts.unchanged_since(self.posts)
            && c.viewer_state.unchanged_since(self.viewer_state)
            && c.accounts.unchanged_since(self.accounts)
    }
}

/// A page as the JSON body of the answer. The first pages of Following and of the
/// candidates, which nearly every visit opens, are served again as they were while
/// nothing they show has changed; only those of the app's page size are kept, so no
/// one can fill the cache with every size there is.
pub async fn page_json(
    feed: &FeedService,
    viewer: i64,
    source: Source<'_>,
    before: Cursor,
    limit: i64,
) -> Result<Bytes, ApiError> {
    let kind = match source {
        Source::Following if before == Cursor::START => Some(FirstPage::Following),
        Source::Candidates if before == Cursor::START => Some(FirstPage::Candidates),
        _ => None,
    };
    let Some(kind) = kind.filter(|_| limit == DEFAULT_PAGE) else {
        return serialize(&page(feed, viewer, source, before, limit).await?);
    };
    let c = &feed.cache;
    let key = (viewer, kind);
    if let Some(served) = c.pages.get(&key)
        && served.parts.still_cached(c, viewer, kind)
    {
        return Ok(served.body.clone());
    }
    let tickets = Tickets::take(c);
    let made = page(feed, viewer, source, before, limit).await?;
    let body = serialize(&made)?;
    if let Some(parts) = Parts::collect(c, viewer, kind, &made, &tickets) {
        let served = Arc::new(ServedPage {
            body: body.clone(),
            parts,
        });
        c.pages.fill(c.pages.ticket(), key, served);
    }
    Ok(body)
}

fn serialize(page: &FeedPage) -> Result<Bytes, ApiError> {
    serde_json::to_vec(page)
        .map(Bytes::from)
        .map_err(|e| ApiError::Internal(format!("cannot serialize a page: {e}")))
}
