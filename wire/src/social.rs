//! Profiles, follows, the notifications inbox, and hashtag pages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::accounts::{Role, StoreSummary};
use crate::feed::{Author, ProductCard};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub author: Author,
    pub role: Role,
    /// The store this account runs, if any.
    pub store: Option<StoreSummary>,
    pub followers: i64,
    pub following: i64,
    /// Whether the viewer follows this account.
    pub followed_by_viewer: bool,
    pub is_viewer: bool,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeoplePage {
    pub people: Vec<Author>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowState {
    pub followed_by_viewer: bool,
    pub followers: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Followed,
    Liked,
    Reposted,
    Mentioned,
    /// A store moved one of your orders along (paid, shipped, delivered, cancelled,
    /// refunded).
    Order,
    /// Someone sent you money (or paid your request).
    MoneyReceived,
    /// Someone asks you for money.
    MoneyRequested,
    /// Someone declined your request for money.
    RequestDeclined,
    /// Someone gave to your nonprofit.
    Donation,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Followed => "followed",
            NotificationKind::Liked => "liked",
            NotificationKind::Reposted => "reposted",
            NotificationKind::Mentioned => "mentioned",
            NotificationKind::Order => "order",
            NotificationKind::MoneyReceived => "money_received",
            NotificationKind::MoneyRequested => "money_requested",
            NotificationKind::RequestDeclined => "request_declined",
            NotificationKind::Donation => "donation",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        match s {
            "followed" => Some(NotificationKind::Followed),
            "liked" => Some(NotificationKind::Liked),
            "reposted" => Some(NotificationKind::Reposted),
            "mentioned" => Some(NotificationKind::Mentioned),
            "order" => Some(NotificationKind::Order),
            "money_received" => Some(NotificationKind::MoneyReceived),
            "money_requested" => Some(NotificationKind::MoneyRequested),
            "request_declined" => Some(NotificationKind::RequestDeclined),
            "donation" => Some(NotificationKind::Donation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub actor: Author,
    /// The post it is about (liked, reposted, mentioned in), with the start of its text.
    pub post_id: Option<i64>,
    pub post_excerpt: Option<String>,
    /// The order it is about, and the status it reached.
    #[serde(default)]
    pub order_id: Option<i64>,
    #[serde(default)]
    pub order_status: Option<crate::orders::OrderStatus>,
    /// The money it is about (sent, asked for, declined, given), with its note.
    #[serde(default)]
    pub money: Option<crate::money::Money>,
    #[serde(default)]
    pub note: Option<String>,
    /// The request it is about, to pay or decline from the inbox.
    #[serde(default)]
    pub money_request_id: Option<i64>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub notifications: Vec<Notification>,
    pub unread: i64,
    pub next_cursor: Option<String>,
}

/// A product launch, as shown at the top of its hashtag page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DropSummary {
    pub id: i64,
    pub title: String,
    pub hashtag: String,
    pub launch_at: DateTime<Utc>,
    pub store: Author,
    pub product: ProductCard,
}

/// What a hashtag belongs to: a drop, or else a product, when one owns the tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashtagInfo {
    pub tag: String,
    pub drop: Option<DropSummary>,
    pub product: Option<ProductCard>,
}
