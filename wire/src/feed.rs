//! The feed: posts with their author, text, hashtags and attached products.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    Person,
    Store,
    Nonprofit,
}

/// Who a post is shown as: a person, or the store it was posted for.
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
    /// The lowest price among the product's variants.
    pub price: Money,
    pub image_media_id: Option<i64>,
    pub in_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: i64,
    pub author: Author,
    pub body: String,
    /// Hashtag keys (lower case) in order of appearance.
    pub hashtags: Vec<String>,
    pub products: Vec<ProductCard>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedPage {
    pub posts: Vec<Post>,
    /// Pass back as `before` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
