//! The shopping cart: what a shopper means to buy, kept on the server so it follows
//! them across devices. Checkout takes it from here.

use serde::{Deserialize, Serialize};

use crate::feed::ProductCard;
use crate::money::Money;

/// The most of one option a cart holds.
pub const MAX_QUANTITY: i64 = 99;
/// The most options one cart holds. With `MAX_QUANTITY` and `studio::MAX_PRICE_MINOR`
/// this keeps any cart total far inside an i64 (100 x 99 x 10^10 < 10^14).
pub const MAX_CART_LINES: i64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLine {
    pub variant_id: i64,
    pub variant_name: String,
    pub product: ProductCard,
    pub unit_price: Money,
    pub quantity: i64,
    /// How many are in stock now; above `quantity` the line cannot be bought as is.
    pub in_stock: i64,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    pub lines: Vec<CartLine>,
    /// One total per currency: prices in different currencies do not add up.
    pub totals: Vec<Money>,
    /// How many items, all lines together.
    pub items: i64,
}

/// Adds this many of an option to the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddToCart {
    pub variant_id: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: i64,
}

/// Sets how many of an option the cart holds; 0 takes it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetQuantity {
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 99))]
    pub quantity: i64,
}
