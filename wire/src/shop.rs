//! The Shop: search and browse, store pages, product pages, and the merchant studio's
//! drafts. Prices are integers of minor units in the store's currency.

use serde::{Deserialize, Serialize};

use crate::feed::ProductCard;
use crate::money::Money;

/// The product categories a store may choose from; the UI names each in every language.
pub const CATEGORIES: &[&str] = &[
    "perfume",
    "food",
    "home",
    "coffee",
    "fashion",
    "electronics",
    "charity",
    "gifts",
    "jewellery",
    "crafts",
    "beauty",
];

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShopSort {
    /// Best match first; newest first when there is no query.
    #[default]
    Relevance,
    Newest,
    PriceLowToHigh,
    PriceHighToLow,
}

/// The deepest a search pages: nobody reads 400 pages of results, and a bound keeps
/// every page's arithmetic in range.
pub const MAX_OFFSET: i64 = 10_000;

/// A search or a browse of the Shop. Every field is optional; none at all lists the
/// newest products.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ShopQuery {
    /// Words to search for, in Arabic or English; the last one matches as a prefix
    /// unless a space follows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A store's handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<i64>,
    /// Only products priced in this currency (ISO 4217). Prices in different
    /// currencies do not compare, so a price range or a price sort needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Lowest price, in minor units of `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 0))]
    pub min_price: Option<i64>,
    /// Highest price, in minor units of `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 0))]
    pub max_price: Option<i64>,
    /// Only products with a variant in stock.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_stock: bool,
    #[serde(default)]
    pub sort: ShopSort,
    /// How many results to skip: the `next_offset` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 10_000))]
    pub offset: Option<i64>,
}

/// A store as a search result or a storefront header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreCard {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub about: String,
    pub category: Option<String>,
    pub is_nonprofit: bool,
    pub avatar_media_id: Option<i64>,
    pub banner_media_id: Option<i64>,
    pub website_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopResults {
    pub products: Vec<ProductCard>,
    /// Stores that match the words (first page of a search only).
    pub stores: Vec<StoreCard>,
    pub next_offset: Option<i64>,
    /// What the words matched in each product's title, to highlight.
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    /// What the words matched in each store's name.
    #[serde(default)]
    pub store_highlights: Vec<Highlight>,
    /// When a search finds nothing: the closest spelling that finds something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

/// The parts of a product's title, or of a store's name, that a search matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Highlight {
    /// The product's or the store's id.
    pub id: i64,
    /// In order and apart.
    pub ranges: Vec<TextRange>,
}

/// A part of a text: its bytes `start..end` in UTF-8, on character boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    /// A text cut into its parts outside and inside `ranges`, in order: (part,
    /// matched). Ranges out of order, out of bounds or off character boundaries are
    /// skipped, so a bad range never loses any of the text.
    pub fn split<'a>(text: &'a str, ranges: &[TextRange]) -> Vec<(&'a str, bool)> {
        let mut parts = Vec::new();
        let mut at = 0;
        for range in ranges {
            let (Ok(start), Ok(end)) = (usize::try_from(range.start), usize::try_from(range.end))
            else {
                continue;
            };
            let (Some(before), Some(inside)) = (text.get(at..start), text.get(start..end)) else {
                continue;
            };
            if inside.is_empty() {
                continue;
            }
            if !before.is_empty() {
                parts.push((before, false));
            }
            parts.push((inside, true));
            at = end;
        }
        if let Some(rest) = text.get(at..).filter(|rest| !rest.is_empty()) {
            parts.push((rest, false));
        }
        parts
    }
}

/// A category and how many products it holds, for browsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub category: String,
    pub products: i64,
}

/// A collection to browse from the Shop tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionCard {
    pub id: i64,
    pub name: String,
    pub store_name: String,
}

/// What the Shop tab opens on: the categories, the stores and their collections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShopHome {
    pub categories: Vec<CategoryCount>,
    /// The collections of the stores listed, that show at least one product.
    pub collections: Vec<CollectionCard>,
    /// The currencies products are priced in, the most used first.
    pub currencies: Vec<String>,
    pub stores: Vec<StoreCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionView {
    pub id: i64,
    pub name: String,
    pub products: Vec<ProductCard>,
}

/// A store's mini-store: as shoppers see it, or (in the studio's preview) as they will
/// once its drafts are published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Storefront {
    pub store: StoreCard,
    pub collections: Vec<CollectionView>,
    /// Every product shown, newest first.
    pub products: Vec<ProductCard>,
    /// Whether this shows unpublished drafts.
    pub preview: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub id: i64,
    pub name: String,
    pub price: Money,
    pub stock: i64,
    /// The most of it one shopper may buy, when the store caps it.
    pub per_customer_limit: Option<i64>,
}

/// A product page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub store: StoreCard,
    pub images: Vec<i64>,
    pub variants: Vec<Variant>,
    /// The store's own page for it, opened in the system browser.
    pub external_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange { start, end }
    }

    #[test]
    fn a_text_splits_into_its_matched_and_unmatched_parts_in_order() {
        assert_eq!(
            TextRange::split("Leather bag", &[range(0, 4)]),
            [("Leat", true), ("her bag", false)]
        );
        assert_eq!(
            TextRange::split("حقيبة جلد", &[range(11, 17)]),
            [("حقيبة ", false), ("جلد", true)]
        );
        assert_eq!(TextRange::split("bag", &[]), [("bag", false)]);
    }

    #[test]
    fn a_bad_range_is_skipped_and_loses_none_of_the_text() {
        // Inside a character, past the end, overlapping the one before.
        let parts = TextRange::split(
            "جلد bag",
            &[range(1, 3), range(7, 99), range(7, 10), range(8, 9)],
        );
        assert_eq!(parts, [("جلد ", false), ("bag", true)]);
        let whole: String = parts.iter().map(|(part, _)| *part).collect();
        assert_eq!(whole, "جلد bag");
    }
}
