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
    /// Your account was signed in on a device it had no session on: was this you?
    SignedIn,
    /// Your PIN was changed (or chosen again with the password): was this you?
    PinChanged,
    /// Your card's number and code were shown on one of your devices: was this you?
    CardRevealed,
    /// Your card locked itself after wrong security codes or expiry dates.
    CardLocked,
    /// Another account asks to pay with your card: approve or decline it.
    CardApproval,
}

impl NotificationKind {
    /// The kinds that tell of something done with the account from one of its sessions,
    /// which its other devices are asked to confirm ("was this you?").
    pub fn is_security(self) -> bool {
        matches!(
            self,
            NotificationKind::SignedIn
                | NotificationKind::PinChanged
                | NotificationKind::CardRevealed
        )
    }
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
            NotificationKind::SignedIn => "signed_in",
            NotificationKind::PinChanged => "pin_changed",
            NotificationKind::CardRevealed => "card_revealed",
            NotificationKind::CardLocked => "card_locked",
            NotificationKind::CardApproval => "card_approval",
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
            "signed_in" => Some(NotificationKind::SignedIn),
            "pin_changed" => Some(NotificationKind::PinChanged),
            "card_revealed" => Some(NotificationKind::CardRevealed),
            "card_locked" => Some(NotificationKind::CardLocked),
            "card_approval" => Some(NotificationKind::CardApproval),
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
    /// The session that did what a security notice tells of, to end it in one tap.
    #[serde(default)]
    pub session: Option<SessionNotice>,
    /// The card and the payment a card notice is about.
    #[serde(default)]
    pub card: Option<CardNotice>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// The session a security notice names: what it called itself, whether it is the one
/// reading the inbox (which then has nothing to confirm), and whether it still lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionNotice {
    /// The session's public id (`DELETE /v1/sessions/{id}` ends it).
    pub session_id: String,
    pub device: String,
    pub this_session: bool,
    pub active: bool,
}

/// The card (and, for an approval, the payment) a card notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardNotice {
    pub card_id: i64,
    pub last4: String,
    /// The card payment an approval is about, its merchant and where it stands now.
    pub transaction_id: Option<i64>,
    pub merchant: Option<String>,
    pub status: Option<crate::wallet::CardTransactionStatus>,
    pub approval_until: Option<DateTime<Utc>>,
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
