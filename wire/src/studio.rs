//! The merchant studio: a store's products and collections as drafts, which shoppers
//! see only once published. Prices are minor units of the store's currency.

use serde::{Deserialize, Serialize};

use crate::shop::StoreCard;

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
pub const MAX_PRODUCT_IMAGES: usize = 8;
pub const MAX_VARIANTS: usize = 50;
pub const MAX_VARIANT_NAME_CHARS: usize = 60;
pub const MAX_STOCK: i64 = 1_000_000;
/// The highest price of one option, in minor units: 100,000,000.00 of a two-decimal
/// currency. Bounding prices is what keeps every total, cart or order, from overflowing.
pub const MAX_PRICE_MINOR: i64 = 10_000_000_000;
pub const MAX_COLLECTIONS: usize = 20;
pub const MAX_COLLECTION_NAME_CHARS: usize = 60;
pub const MAX_ABOUT_CHARS: usize = 1_000;
pub const MAX_URL_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantDraft {
    /// The published variant this edits; none for a new one.
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 60, pattern = r"\S")
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_000_000_000i64))]
    pub price_minor: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub stock: i64,
    /// The most of it one shopper may buy; none for no cap.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub per_customer_limit: Option<i64>,
}

/// Everything a merchant edits about a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDraft {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 120, pattern = r"\S")
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: String,
    /// One of `shop::CATEGORIES`.
    pub category: String,
    /// The product's page on the store's own website, for "Shop on website".
    #[serde(default)]
    pub external_url: Option<String>,
    /// Uploaded images (`/v1/media`), in order.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 8))]
    pub images: Vec<i64>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub variants: Vec<VariantDraft>,
    /// Archived products are hidden from shoppers once published.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudioProduct {
    pub id: i64,
    /// What the studio edits: the draft when there is one, else the published state.
    pub draft: ProductDraft,
    /// Whether shoppers have ever seen it.
    pub published: bool,
    /// Whether it has changes shoppers do not see yet.
    pub has_draft: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionDraft {
    /// The published collection this edits; none for a new one.
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 60, pattern = r"\S")
    )]
    pub name: String,
    pub product_ids: Vec<i64>,
}

/// The store's own page: its about text, banner and collections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreDraft {
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub about: String,
    #[serde(default)]
    pub banner_media_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub collections: Vec<CollectionDraft>,
}

/// The studio's whole state for one store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Studio {
    pub store: StoreCard,
    pub currency: String,
    pub page: StoreDraft,
    pub products: Vec<StudioProduct>,
    /// Whether anything waits to be published.
    pub has_drafts: bool,
}

/// A merchant opening their store; its handle is the merchant's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStore {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 120, pattern = r"\S")
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub about: String,
    /// ISO 4217, e.g. SAR.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z]{3}\s*$"))]
    pub currency: String,
}
