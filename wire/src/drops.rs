//! Product drops: a store's launch of one option, with the stock set aside for it, the
//! shoppers who asked to be reminded, the updates running apps hear of, and what the
//! studio schedules and measures.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::feed::{Author, ProductCard};
use crate::money::Money;

/// The most one shopper may be allowed to buy of a drop.
pub const MAX_DROP_LIMIT: i64 = 1_000;
pub const MAX_DROP_TITLE_CHARS: usize = 120;
/// The first reminder comes this long before the launch.
pub const SOON_BEFORE_MINUTES: i64 = 15;

/// Where a drop is in its life. Scheduled until its launch time; then live while units
/// are left, sold out when none are; ended when the store stops it; cancelled when the
/// store calls it off before the launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DropState {
    Scheduled,
    Live,
    SoldOut,
    Ended,
    Cancelled,
}

impl DropState {
    /// Whether reminders for it may still fire.
    pub fn awaits_launch(self) -> bool {
        self == DropState::Scheduled
    }

    /// Whether it can be bought now.
    pub fn on_sale(self) -> bool {
        self == DropState::Live
    }
}

/// A drop as a shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductDrop {
    pub id: i64,
    pub title: String,
    /// The hashtag it owns, without '#'; its launch posts gather under it.
    pub hashtag: String,
    pub launch_at: DateTime<Utc>,
    pub state: DropState,
    pub store: Author,
    pub product: ProductCard,
    /// The one option the drop sells.
    pub variant_id: i64,
    pub variant_name: String,
    pub price: Money,
    /// The units set aside for it, and how many of them are left.
    pub stock: i64,
    pub left: i64,
    pub per_customer_limit: i64,
    /// The store's own page for it, for "Shop on website".
    pub external_url: Option<String>,
    pub reminder_count: i64,
    /// Whether the viewer asked to be reminded.
    pub reminded: bool,
}

/// What running apps are told when a drop changes: its launch time, its state, what is
/// left, and its reminder count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DropUpdate {
    pub id: i64,
    pub launch_at: DateTime<Utc>,
    pub state: DropState,
    pub left: i64,
    pub reminder_count: i64,
}

impl From<&ProductDrop> for DropUpdate {
    fn from(drop: &ProductDrop) -> DropUpdate {
        DropUpdate {
            id: drop.id,
            launch_at: drop.launch_at,
            state: drop.state,
            left: drop.left,
            reminder_count: drop.reminder_count,
        }
    }
}

/// The answer to turning Remind me on or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderState {
    pub reminded: bool,
    pub reminder_count: i64,
}

/// A launch time as the merchant types it: a wall-clock time in a time zone, which the
/// server turns into UTC (refusing a time the zone skips, such as a spring-forward hour).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalTime {
    /// `YYYY-MM-DDTHH:MM`, as a datetime-local input gives it.
    pub local: String,
    /// An IANA zone, e.g. `Asia/Riyadh`.
    pub time_zone: String,
}

/// A drop a store schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDrop {
    /// The option to sell; one of the store's own.
    pub variant_id: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 120, pattern = r"\S")
    )]
    pub title: String,
    /// Without '#'; no other drop may own it.
    pub hashtag: String,
    pub launch: LocalTime,
    /// Units set aside from the option's stock; at most what it has.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub stock: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub per_customer_limit: i64,
    #[serde(default)]
    pub external_url: Option<String>,
}

/// A new launch time for a drop not launched yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleDrop {
    pub launch: LocalTime,
}

/// How a drop turned reminders into orders: reminders set, drop-page visits from the
/// launch on (one per shopper), and orders. Conversion is orders per reminder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DropFunnel {
    pub reminders: i64,
    pub visits: i64,
    pub orders: i64,
}

impl DropFunnel {
    /// Orders per reminder, in whole percent (none without reminders).
    pub fn conversion_percent(&self) -> Option<i64> {
        if self.reminders <= 0 {
            return None;
        }
        self.orders
            .checked_mul(100)
            .map(|orders| orders / self.reminders)
    }
}

/// A drop in the studio: as shoppers see it, its launch in the store's zone, and its
/// funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudioDrop {
    pub drop: ProductDrop,
    pub launch: LocalTime,
    pub funnel: DropFunnel,
}

/// A store's drops in the studio, and the zone it schedules in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudioDrops {
    /// The IANA zone the store's launch times are typed in.
    pub time_zone: String,
    pub drops: Vec<StudioDrop>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_orders_per_reminder_and_none_without_reminders() {
        let funnel = DropFunnel {
            reminders: 40,
            visits: 30,
            orders: 10,
        };
        assert_eq!(funnel.conversion_percent(), Some(25));
        assert_eq!(DropFunnel::default().conversion_percent(), None);
    }

    #[test]
    fn states_cross_the_wire_in_snake_case() {
        assert_eq!(
            serde_json::to_value(DropState::SoldOut).unwrap_or_default(),
            serde_json::json!("sold_out")
        );
    }
}
