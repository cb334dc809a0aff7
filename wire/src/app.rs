//! What the app's commands and the UI exchange over Tauri IPC, beyond server bodies.

/// The header the app sends its embedded server's launch secret in; that server answers
/// nothing without it.
pub const APP_SECRET_HEADER: &str = "x-souq-app-secret";

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::accounts::DemoSignIn;
use crate::language::Language;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The user's choice; `None` follows the operating system.
    pub language: Option<Language>,
    /// The operating system's language, for "follow the system".
    pub system_language: Language,
    /// Drop reminders shown as OS notifications (on unless turned off).
    #[serde(default = "on")]
    pub drop_notifications: bool,
    /// Money sent to, asked of or declined for the person shown as OS notifications
    /// while the app runs (on unless turned off).
    #[serde(default = "on")]
    pub money_notifications: bool,
    /// Closing the window keeps Souq running in the tray, so reminders still fire
    /// (desktop; on unless turned off).
    #[serde(default = "on")]
    pub keep_in_tray: bool,
    /// Souq starts, in the tray, when the user logs in (desktop; off unless turned on).
    #[serde(default)]
    pub start_at_login: bool,
}

fn on() -> bool {
    true
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences {
            language: None,
            system_language: Language::En,
            drop_notifications: true,
            money_notifications: true,
            keep_in_tray: true,
            start_at_login: false,
        }
    }
}

/// The notification settings a user changes: drop reminders, money news, the tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    pub drop_notifications: bool,
    #[serde(default = "on")]
    pub money_notifications: bool,
    pub keep_in_tray: bool,
    pub start_at_login: bool,
}

/// Which of a drop's two reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// 15 minutes before the launch.
    Soon,
    /// At the launch.
    Live,
}

/// A reminder this device showed, for the in-app list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredReminder {
    pub drop_id: i64,
    pub title: String,
    pub store: String,
    pub kind: ReminderKind,
    pub fired_at: DateTime<Utc>,
}

/// Whether the OS lets Souq show notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationPermission {
    Granted,
    Denied,
}

/// The answer to Remind me in the app: the server's count, and whether the OS will show
/// the reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindOutcome {
    pub reminded: bool,
    pub reminder_count: i64,
    pub permission: NotificationPermission,
    /// Whether reminders will fire on time: false on an Android phone that does not let
    /// Souq set exact alarms, where they may come late.
    pub on_time: bool,
}

impl Preferences {
    pub fn effective_language(&self) -> Language {
        self.language.unwrap_or(self.system_language)
    }
}

/// What checking for a newer Souq found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCheck {
    pub current_version: String,
    /// None when this is the newest release, or where updates come from the platform's
    /// store (phones).
    pub update: Option<AppUpdate>,
    /// False on phones: their stores update the app, not Souq.
    pub supported: bool,
}

/// A newer release, signed with Souq's release key, waiting for the user's word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUpdate {
    pub version: String,
    /// What is new, as the release notes say it.
    pub notes: String,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// This app's version (what updates are compared with).
    pub version: String,
    /// True when the app runs its own server in-process (no SOUQ_API_URL).
    pub embedded: bool,
    pub server_url: String,
    /// Offered one tap away on the sign-in screen, only in embedded mode.
    pub demo_sign_ins: Vec<DemoSignIn>,
    /// False where this device has no keychain Souq can use: the session then lasts
    /// only until the app quits, and the sign-in screen says so.
    pub session_kept: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_locales_pick_arabic_and_the_rest_english() {
        for ar in ["ar", "ar-SA", "ar_EG.UTF-8", "AR-ae"] {
            assert_eq!(Language::from_locale(ar), Language::Ar, "{ar}");
        }
        for en in ["en-US", "C", "", "fr-FR", "arn-CL"] {
            assert_eq!(Language::from_locale(en), Language::En, "{en}");
        }
    }

    #[test]
    fn the_users_choice_wins_over_the_system() {
        let prefs = Preferences {
            language: Some(Language::Ar),
            system_language: Language::En,
            ..Preferences::default()
        };
        assert_eq!(prefs.effective_language(), Language::Ar);
        let follow = Preferences {
            language: None,
            ..prefs
        };
        assert_eq!(follow.effective_language(), Language::En);
    }
}

/// Which server timeline the UI asks the app for. "For you" is not one of them: the
/// app ranks it on the device from the server's candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Timeline {
    Following,
    Everyone,
    Bookmarks,
    Hashtag {
        tag: String,
    },
    Author {
        handle: String,
    },
    /// The posts that carry a product.
    Product {
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostAction {
    Like,
    Repost,
    Bookmark,
    Share,
}

/// Why a post ranks where it does in "For you".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RankReason {
    /// You engage with this hashtag.
    Hashtag(String),
    /// You engage with this store (its display name).
    Store(String),
    /// You engage with this kind of product.
    Category(String),
    /// Many people engage with it.
    Popular,
    /// It is new.
    Recent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedPost {
    pub post: crate::feed::Post,
    /// Strongest first; empty when ranking is off.
    pub reasons: Vec<RankReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYouPage {
    pub posts: Vec<RankedPost>,
    pub next_cursor: Option<String>,
    pub ranking_enabled: bool,
}

/// The on-device ranking's state, for the settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingSettings {
    pub enabled: bool,
    /// The strongest interests, strongest first.
    pub top_interests: Vec<RankReason>,
}

/// Where a `souq://` link leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeepLink {
    Post {
        id: i64,
    },
    Product {
        id: i64,
    },
    Store {
        handle: String,
    },
    Hashtag {
        tag: String,
    },
    Drop {
        id: i64,
    },
    /// The wallet: its balances, activity and requests.
    Wallet,
    /// The inbox, where a security notice is answered ("was this you?").
    Notifications,
}

impl DeepLink {
    /// The link for this place: `souq://post/42`, `souq://hashtag/عود`, ...
    pub fn url(&self) -> String {
        match self {
            DeepLink::Post { id } => format!("souq://post/{id}"),
            DeepLink::Product { id } => format!("souq://product/{id}"),
            DeepLink::Store { handle } => format!("souq://store/{handle}"),
            DeepLink::Hashtag { tag } => format!("souq://hashtag/{tag}"),
            DeepLink::Drop { id } => format!("souq://drop/{id}"),
            DeepLink::Wallet => "souq://wallet".into(),
            DeepLink::Notifications => "souq://notifications".into(),
        }
    }
}
