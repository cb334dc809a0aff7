//! The app's plain Rust API over the Souq server: the signed-in session and every call
//! the UI can make. Tauri commands are one-line wrappers around it, so it can be used
//! and tested without a window. Checkout, top-ups and orders are in `money.rs`,
//! the rest of the wallet in `wallet.rs`.

mod drops;
pub mod events;
mod money;
mod wallet;

use std::collections::HashMap;
use std::sync::Mutex;

use souq_wire::{
    AddToCart, Cart, FeedPage, FollowState, HashtagInfo, NewPost, NewStore, NotificationPage,
    PeoplePage, Post, PostAction, PostActivity, ProductCard, ProductDetail, ProductDraft, Profile,
    Secret, Session, SetQuantity, ShopHome, ShopQuery, ShopResults, SignInRequest, SignUpRequest,
    StoreDraft, Storefront, Studio, StudioProduct, Timeline, UploadedMedia, User,
};
use tokio::sync::RwLock;

use crate::api::{Api, Bytes, NO_QUERY};
use crate::attempts::Attempts;
use crate::error::AppError;
use crate::keychain::Keychain;
use reqwest::Method;

pub struct SouqClient {
    pub api: Api,
    keychain: Keychain,
    /// Money-moving attempts sent and not yet answered, with their idempotency keys.
    attempts: Attempts,
    /// The live token, mirrored from the keychain.
    token: RwLock<Option<String>>,
    /// The token the keychain held at launch, read once: `read_saved_session` starts
    /// the read while the window loads, so the first screen does not wait for the
    /// keychain (a Secret Service round trip on Linux). Only the first session of a run
    /// comes from it.
    saved: tokio::sync::OnceCell<Option<String>>,
    /// Posts recently served to the UI, so an engagement can teach the on-device
    /// interest profile what the post was about without asking the server again.
    seen: Mutex<HashMap<i64, Post>>,
    /// Told whenever a session begins (what the event streams wait for).
    session_began: tokio::sync::Notify,
    /// Counts the session's changes (a sign-in, a sign-out): an event stream opened
    /// for one session closes when it changes.
    session_changes: tokio::sync::watch::Sender<u64>,
    /// The vault's device key for this session (see `wallet.rs`), mirrored from the
    /// keychain beside the session's entry.
    device_key: RwLock<Option<Secret<String>>>,
}

/// How many served posts `seen` keeps before starting afresh.
const SEEN_LIMIT: usize = 10_000;

impl SouqClient {
    pub fn new(api: Api, keychain: Keychain, attempts: Attempts) -> SouqClient {
        SouqClient {
            api,
            keychain,
            attempts,
            token: RwLock::new(None),
            saved: tokio::sync::OnceCell::new(),
            seen: Mutex::new(HashMap::new()),
            session_began: tokio::sync::Notify::new(),
            session_changes: tokio::sync::watch::Sender::new(0),
            device_key: RwLock::new(None),
        }
    }

    async fn token(&self) -> Result<String, AppError> {
        self.token.read().await.clone().ok_or(AppError::SignedOut)
    }

    /// Keeps a new session. A keychain that cannot be written (none installed, locked)
    /// costs only persistence: the session still works until the app quits.
    async fn keep(&self, session: Session) -> User {
        if let Err(e) = self.keychain.save(&session.token).await {
            tracing::warn!(error = %e, "session not saved to the keychain; sign in again after restart");
        }
        *self.token.write().await = Some(session.token);
        self.session_changed();
        self.session_began.notify_waiters();
        session.user
    }

    /// Waits until a session begins (returns at once when one has).
    pub async fn signed_in(&self) {
        let began = self.session_began.notified();
        if self.token.read().await.is_some() {
            return;
        }
        began.await;
    }

    fn session_changed(&self) {
        self.session_changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Says when the session changes.
    pub fn sessions(&self) -> tokio::sync::watch::Receiver<u64> {
        self.session_changes.subscribe()
    }

    async fn forget(&self) {
        *self.token.write().await = None;
        *self.device_key.write().await = None;
        self.session_changed();
        if let Err(e) = self.keychain.delete().await {
            tracing::warn!(error = %e, "cannot remove the session from the keychain");
        }
        if let Err(e) = self.device_keychain().delete().await {
            tracing::warn!(error = %e, "cannot remove the vault's device key from the keychain");
        }
    }

    /// The user of the live session, without the keychain (what background tasks ask:
    /// they never touch the keychain).
    pub async fn me(&self) -> Result<User, AppError> {
        let token = self.token().await?;
        self.api.get(&["v1", "me"], NO_QUERY, Some(&token)).await
    }

    /// Reads the session saved by an earlier run, once.
    pub async fn read_saved_session(&self) -> Option<String> {
        self.saved
            .get_or_init(|| async {
                self.keychain.load().await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot read the keychain");
                    None
                })
            })
            .await
            .clone()
    }

    /// The signed-in user, restoring the session an earlier run saved.
    pub async fn current_user(&self) -> Result<Option<User>, AppError> {
        let token = match self.token.read().await.clone() {
            Some(token) => Some(token),
            // Once a session began or ended in this run, the keychain holds nothing
            // else: a sign-out deleted what it held.
            None if *self.session_changes.borrow() == 0 => self.read_saved_session().await,
            None => None,
        };
        let Some(token) = token else {
            return Ok(None);
        };
        match self
            .api
            .get::<User, _>(&["v1", "me"], NO_QUERY, Some(&token))
            .await
        {
            Ok(user) => {
                *self.token.write().await = Some(token);
                self.session_changed();
                self.session_began.notify_waiters();
                Ok(Some(user))
            }
            Err(AppError::Server(body)) if body.code == souq_wire::ErrorCode::Unauthorized => {
                // Expired or revoked elsewhere: drop it rather than fail every call.
                self.forget().await;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn sign_in(&self, request: &SignInRequest) -> Result<User, AppError> {
        let session: Session = self.api.post(&["v1", "sessions"], request, None).await?;
        Ok(self.keep(session).await)
    }

    pub async fn sign_up(&self, request: &SignUpRequest) -> Result<User, AppError> {
        let session: Session = self.api.post(&["v1", "accounts"], request, None).await?;
        Ok(self.keep(session).await)
    }

    pub async fn sign_out(&self) -> Result<(), AppError> {
        if let Ok(token) = self.token().await {
            // Signing out locally must work even when the server is gone.
            if let Err(e) = self
                .api
                .delete(&["v1", "sessions", "current"], Some(&token))
                .await
            {
                tracing::warn!(error = %e, "server did not revoke the session");
            }
        }
        self.forget().await;
        Ok(())
    }

    /// Ends one of the person's other sessions by its id (the one a "was this you?"
    /// notice names).
    pub async fn end_session(&self, id: &str) -> Result<(), AppError> {
        let token = self.token().await?;
        self.api.delete(&["v1", "sessions", id], Some(&token)).await
    }

    fn page_query(before: Option<&str>) -> Vec<(&'static str, &str)> {
        before.map(|b| vec![("before", b)]).unwrap_or_default()
    }

    fn remember<'a>(&self, posts: impl IntoIterator<Item = &'a Post>) {
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() > SEEN_LIMIT {
                seen.clear();
            }
            for post in posts {
                seen.insert(post.id, post.clone());
            }
        }
    }

    /// A post this client served recently, or else from the server.
    pub async fn known_post(&self, id: i64) -> Result<Post, AppError> {
        let cached = self
            .seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(&id).cloned());
        match cached {
            Some(post) => Ok(post),
            None => self.post(id).await,
        }
    }

    async fn page(&self, segments: &[&str], before: Option<&str>) -> Result<FeedPage, AppError> {
        let token = self.token().await?;
        let page: FeedPage = self
            .api
            .get(segments, &Self::page_query(before), Some(&token))
            .await?;
        self.remember(&page.posts);
        Ok(page)
    }

    pub async fn timeline(
        &self,
        timeline: &Timeline,
        before: Option<&str>,
    ) -> Result<FeedPage, AppError> {
        match timeline {
            Timeline::Following => self.page(&["v1", "feed", "following"], before).await,
            Timeline::Everyone => self.page(&["v1", "feed"], before).await,
            Timeline::Bookmarks => self.page(&["v1", "me", "bookmarks"], before).await,
            Timeline::Hashtag { tag } => self.page(&["v1", "hashtags", tag, "posts"], before).await,
            Timeline::Author { handle } => {
                self.page(&["v1", "users", handle, "posts"], before).await
            }
            Timeline::Product { id } => {
                self.page(&["v1", "products", &id.to_string(), "posts"], before)
                    .await
            }
        }
    }

    /// The server's candidates for "For you", which the app ranks on the device.
    pub async fn candidates(&self, before: Option<&str>) -> Result<FeedPage, AppError> {
        self.page(&["v1", "feed", "candidates"], before).await
    }

    pub async fn post(&self, id: i64) -> Result<Post, AppError> {
        let token = self.token().await?;
        let post: Post = self
            .api
            .get(&["v1", "posts", &id.to_string()], NO_QUERY, Some(&token))
            .await?;
        self.remember([&post]);
        Ok(post)
    }

    pub async fn create_post(&self, new: &NewPost) -> Result<Post, AppError> {
        let token = self.token().await?;
        let post: Post = self.api.post(&["v1", "posts"], new, Some(&token)).await?;
        self.remember([&post]);
        Ok(post)
    }

    pub async fn delete_post(&self, id: i64) -> Result<(), AppError> {
        let token = self.token().await?;
        self.api
            .delete(&["v1", "posts", &id.to_string()], Some(&token))
            .await
    }

    pub async fn act(
        &self,
        id: i64,
        action: PostAction,
        on: bool,
    ) -> Result<PostActivity, AppError> {
        let token = self.token().await?;
        let name = match action {
            PostAction::Like => "like",
            PostAction::Repost => "repost",
            PostAction::Bookmark => "bookmark",
            PostAction::Share => "share",
        };
        let id = id.to_string();
        let segments = ["v1", "posts", id.as_str(), name];
        if on {
            self.api.put(&segments, Some(&token)).await
        } else {
            self.api.delete_json(&segments, Some(&token)).await
        }
    }

    /// The products of the viewer's own store, to attach to a post.
    pub async fn my_products(&self) -> Result<Vec<ProductCard>, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "me", "store", "products"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn upload_image(&self, bytes: Vec<u8>) -> Result<UploadedMedia, AppError> {
        let token = self.token().await?;
        self.api
            .post_bytes(&["v1", "media"], bytes, Some(&token))
            .await
    }

    pub async fn profile(&self, handle: &str) -> Result<Profile, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "users", handle], NO_QUERY, Some(&token))
            .await
    }

    pub async fn follow(&self, handle: &str, on: bool) -> Result<FollowState, AppError> {
        let token = self.token().await?;
        let segments = ["v1", "users", handle, "follow"];
        if on {
            self.api.put(&segments, Some(&token)).await
        } else {
            self.api.delete_json(&segments, Some(&token)).await
        }
    }

    /// `followers` or `following` of an account.
    pub async fn people(
        &self,
        handle: &str,
        followers: bool,
        before: Option<&str>,
    ) -> Result<PeoplePage, AppError> {
        let token = self.token().await?;
        let which = if followers { "followers" } else { "following" };
        self.api
            .get(
                &["v1", "users", handle, which],
                &Self::page_query(before),
                Some(&token),
            )
            .await
    }

    pub async fn notifications(&self, before: Option<&str>) -> Result<NotificationPage, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "me", "notifications"],
                &Self::page_query(before),
                Some(&token),
            )
            .await
    }

    pub async fn mark_notifications_read(&self) -> Result<(), AppError> {
        let token = self.token().await?;
        self.api
            .no_content(
                reqwest::Method::POST,
                &["v1", "me", "notifications", "read"],
                Some(&token),
            )
            .await
    }

    pub async fn hashtag_info(&self, tag: &str) -> Result<HashtagInfo, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "hashtags", tag], NO_QUERY, Some(&token))
            .await
    }

    pub async fn shop_home(&self) -> Result<ShopHome, AppError> {
        let token = self.token().await?;
        self.api.get(&["v1", "shop"], NO_QUERY, Some(&token)).await
    }

    pub async fn shop_search(&self, query: &ShopQuery) -> Result<ShopResults, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "shop", "search"], query, Some(&token))
            .await
    }

    pub async fn storefront(&self, handle: &str) -> Result<Storefront, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "stores", handle], NO_QUERY, Some(&token))
            .await
    }

    pub async fn product(&self, id: i64) -> Result<ProductDetail, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "products", &id.to_string()], NO_QUERY, Some(&token))
            .await
    }

    pub async fn studio(&self, handle: &str) -> Result<Studio, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "stores", handle, "studio"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn open_store(&self, new: &NewStore) -> Result<Studio, AppError> {
        let token = self.token().await?;
        self.api.post(&["v1", "stores"], new, Some(&token)).await
    }

    /// Saves a product's draft: a new product when `id` is none.
    pub async fn save_product(
        &self,
        handle: &str,
        id: Option<i64>,
        draft: &ProductDraft,
    ) -> Result<StudioProduct, AppError> {
        let token = self.token().await?;
        match id {
            None => {
                self.api
                    .post(
                        &["v1", "stores", handle, "studio", "products"],
                        draft,
                        Some(&token),
                    )
                    .await
            }
            Some(id) => {
                self.api
                    .with_body(
                        Method::PUT,
                        &[
                            "v1",
                            "stores",
                            handle,
                            "studio",
                            "products",
                            &id.to_string(),
                        ],
                        draft,
                        Some(&token),
                    )
                    .await
            }
        }
    }

    pub async fn save_store_page(
        &self,
        handle: &str,
        page: &StoreDraft,
    ) -> Result<Studio, AppError> {
        let token = self.token().await?;
        self.api
            .with_body(
                Method::PUT,
                &["v1", "stores", handle, "studio", "page"],
                page,
                Some(&token),
            )
            .await
    }

    pub async fn preview_storefront(&self, handle: &str) -> Result<Storefront, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "stores", handle, "studio", "preview"],
                NO_QUERY,
                Some(&token),
            )
            .await
    }

    pub async fn publish_store(&self, handle: &str) -> Result<Storefront, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "stores", handle, "studio", "publish"],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }

    pub async fn discard_drafts(&self, handle: &str) -> Result<Studio, AppError> {
        let token = self.token().await?;
        self.api
            .delete_json(&["v1", "stores", handle, "studio", "drafts"], Some(&token))
            .await
    }

    pub async fn cart(&self) -> Result<Cart, AppError> {
        let token = self.token().await?;
        self.api.get(&["v1", "cart"], NO_QUERY, Some(&token)).await
    }

    pub async fn add_to_cart(&self, add: &AddToCart) -> Result<Cart, AppError> {
        let token = self.token().await?;
        self.api
            .post(&["v1", "cart", "items"], add, Some(&token))
            .await
    }

    pub async fn set_cart_quantity(
        &self,
        variant_id: i64,
        quantity: i64,
    ) -> Result<Cart, AppError> {
        let token = self.token().await?;
        self.api
            .with_body(
                Method::PUT,
                &["v1", "cart", "items", &variant_id.to_string()],
                &SetQuantity { quantity },
                Some(&token),
            )
            .await
    }

    /// An image; the session goes along, so the user's own unpublished uploads load.
    pub async fn media(&self, id: i64) -> Result<Bytes, AppError> {
        let token = self.token.read().await.clone();
        self.api
            .bytes(&["v1", "media", &id.to_string()], token.as_deref())
            .await
    }
}
