//! The feed: posts with their author, text, images, hashtags, products, quoted post,
//! counts and what the viewer did to them; and what it takes to write one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// The most images a post may carry.
pub const MAX_POST_IMAGES: usize = 4;
/// Each mention notifies someone: a cap on what one post can fan out.
pub const MAX_POST_MENTIONS: usize = 10;
/// The most characters a post's text may have.
pub const MAX_POST_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    Person,
    Store,
    Nonprofit,
}

/// Who a post is shown as: a person, or the store it was posted for. `id` is always the
/// account's id (for a store, its owner's), which is what follows and profiles use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Author {
    pub id: i64,
    pub kind: AuthorKind,
    pub handle: String,
    pub display_name: String,
    pub avatar_media_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductCard {
    pub id: i64,
    pub title: String,
    pub store_name: String,
    /// The product's category, e.g. "perfume" or "coffee".
    pub category: String,
    /// The lowest price among the product's variants.
    pub price: Money,
    pub image_media_id: Option<i64>,
    pub in_stock: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostStats {
    pub likes: i64,
    pub reposts: i64,
    pub quotes: i64,
    pub bookmarks: i64,
    pub shares: i64,
}

/// What the signed-in viewer has done to a post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewerState {
    pub liked: bool,
    pub reposted: bool,
    pub bookmarked: bool,
}

/// A post inside a quote-repost. A deleted original keeps its place, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotedPost {
    pub id: i64,
    pub author: Author,
    pub body: String,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: i64,
    pub author: Author,
    pub body: String,
    /// Hashtag keys (lower case) in order of appearance.
    pub hashtags: Vec<String>,
    /// Media ids of the post's images, in order.
    pub images: Vec<i64>,
    pub products: Vec<ProductCard>,
    pub quote: Option<QuotedPost>,
    pub stats: PostStats,
    pub viewer: ViewerState,
    /// Set when the post is in a timeline because someone the viewer follows reposted it.
    pub reposted_by: Option<Author>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedPage {
    pub posts: Vec<Post>,
    /// Pass back as `before` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A new post. Text up to 2,000 characters, up to 4 images (uploaded media ids),
/// products of the author's own store, and optionally the post it quotes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPost {
    /// At most 2,000 characters once trimmed; text or an image is needed.
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 4))]
    pub images: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub products: Vec<i64>,
    #[serde(default)]
    pub quote_of: Option<i64>,
}

/// A post's counts and the viewer's state after an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostActivity {
    pub post_id: i64,
    pub stats: PostStats,
    pub viewer: ViewerState,
}

/// An uploaded image, ready to attach to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedMedia {
    pub id: i64,
}
