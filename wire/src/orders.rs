//! Orders on the wire: what a shopper bought from one store, and its timeline from
//! placed to delivered (or cancelled, or refunded), as shopper and store see it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::money::Money;

pub const MAX_CARRIER_CHARS: usize = 60;
pub const MAX_TRACKING_CHARS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; paid at once from the wallet, or waiting for its card payment (a second
    /// step, a slow settlement).
    Placed,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        [
            OrderStatus::Placed,
            OrderStatus::Paid,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub variant_id: i64,
    pub product_id: i64,
    /// The product's title and option as they were when it was bought.
    pub title: String,
    pub variant_name: String,
    pub unit_price: Money,
    pub quantity: i64,
    pub line_total: Money,
    pub image_media_id: Option<i64>,
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub status: OrderStatus,
    /// Free words: the carrier and tracking number when shipped, why when cancelled.
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub store_id: i64,
    pub store_handle: String,
    pub store_name: String,
    /// The shopper's handle (the store sees whom to ship to).
    pub shopper_handle: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub items: Money,
    pub shipping: Money,
    pub total: Money,
    pub shipping_name: String,
    pub shipping_min_days: i64,
    pub shipping_max_days: i64,
    pub address: Address,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    /// "wallet" or "card".
    pub payment_method: String,
    pub timeline: Vec<OrderEvent>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub orders: Vec<Order>,
    /// Pass as `before` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

/// A store marks an order shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShipOrder {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub carrier: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub tracking_number: String,
}

/// Why an order is cancelled, in the canceller's words (may be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelOrder {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub reason: String,
}

/// A store's step on one of its orders, as the app asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StoreStep {
    Ship(ShipOrder),
    Deliver,
    Cancel(CancelOrder),
    Refund(CancelOrder),
}
