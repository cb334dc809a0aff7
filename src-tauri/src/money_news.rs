//! Inbox news as OS notifications while the app runs: money sent to the person (or
//! their request paid), asked of them, their request declined, a gift to their
//! nonprofit; their card locked, or another account asking to pay with it; and "was
//! this you?" when another of their sessions signed in on a new device, changed the
//! PIN or revealed the card. The server's inbox stream (`/v1/me/events`) says when the
//! inbox gained such news; the app reads the inbox then and shows what it has not shown
//! before, once each, across restarts too: the newest inbox entry told is kept per
//! person on the device, and saved before anything is shown. A device new to the
//! person starts from what the inbox holds, so signing in does not replay old news;
//! and what this very session did is not told back to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use souq_wire::{Language, Notification, NotificationKind};
use tauri::{AppHandle, Manager};

use crate::alerts::{self, Alert};
use crate::client::SouqClient;
use crate::client::events::{self, Event};
use crate::preferences;

/// The file in the app's data dir.
pub const FILE: &str = "money-news.json";

/// At most this many alerts at once; the inbox holds the rest.
const MOST_AT_ONCE: usize = 3;

/// The newest inbox entry told, per person.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Told {
    by_person: BTreeMap<i64, i64>,
}

/// What this device has told of each person's money news.
pub struct MoneyNews {
    path: PathBuf,
    told: tokio::sync::Mutex<Told>,
}

impl MoneyNews {
    /// Reads what was told before; an unreadable file starts afresh (costing, at worst,
    /// news not shown, never news shown twice: a fresh start tells nothing old).
    pub fn open(path: &Path) -> MoneyNews {
        let told = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        MoneyNews {
            path: path.to_path_buf(),
            told: tokio::sync::Mutex::new(told),
        }
    }

    /// The money news in `inbox` (its newest page) not told before, oldest first, now
    /// marked told.
    pub async fn fresh(&self, person: i64, inbox: &[Notification]) -> Vec<Notification> {
        // An empty inbox starts the mark at nothing: all news after it is new.
        let newest = inbox.iter().map(|n| n.id).max().unwrap_or(0);
        let mut told = self.told.lock().await;
        let Some(&before) = told.by_person.get(&person) else {
            told.by_person.insert(person, newest);
            self.keep(&told);
            return Vec::new();
        };
        let mut fresh: Vec<Notification> = inbox
            .iter()
            .filter(|n| n.id > before && is_told(n))
            .cloned()
            .collect();
        if newest > before {
            told.by_person.insert(person, newest);
            self.keep(&told);
        }
        fresh.sort_by_key(|n| n.id);
        fresh
    }

    fn keep(&self, told: &Told) {
        let saved = serde_json::to_vec(told)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::disk::replace_synced(&self.path, &bytes));
        if let Err(e) = saved {
            tracing::error!(error = %e, "cannot save which money news was told");
        }
    }
}

/// Whether an inbox entry is told as an OS notification: money news, card news, and
/// security notices about another of the person's sessions.
fn is_told(n: &Notification) -> bool {
    match n.kind {
        NotificationKind::MoneyReceived
        | NotificationKind::MoneyRequested
        | NotificationKind::RequestDeclined
        | NotificationKind::Donation
        | NotificationKind::CardLocked
        | NotificationKind::CardApproval => true,
        kind if kind.is_security() => n.session.as_ref().is_some_and(|s| !s.this_session),
        _ => false,
    }
}

/// A security notice: "was this you?", naming the device; a click opens the inbox,
/// where one tap ends that session.
fn security_alert(n: &Notification, language: Language) -> Alert {
    let device = n
        .session
        .as_ref()
        .map(|s| s.device.clone())
        .unwrap_or_default();
    let (title, body) = match (n.kind, language) {
        (NotificationKind::SignedIn, Language::En) => (
            "New sign-in: was this you?",
            format!("{device} signed in to your account. If it was not you, end that session."),
        ),
        (NotificationKind::SignedIn, Language::Ar) => (
            "تسجيل دخول جديد: هل هذا أنت؟",
            format!("سجّل {device} الدخول إلى حسابك. إن لم يكن أنت فأنهِ تلك الجلسة."),
        ),
        (NotificationKind::PinChanged, Language::En) => (
            "Your PIN was changed: was this you?",
            format!("On {device}. If it was not you, end that session."),
        ),
        (NotificationKind::PinChanged, Language::Ar) => (
            "تغيّر رمزك السري: هل هذا أنت؟",
            format!("على {device}. إن لم يكن أنت فأنهِ تلك الجلسة."),
        ),
        (_, Language::En) => (
            "Your card was shown: was this you?",
            format!("Its number was revealed on {device}. If it was not you, end that session."),
        ),
        (_, Language::Ar) => (
            "عُرضت بطاقتك: هل هذا أنت؟",
            format!("كُشف رقمها على {device}. إن لم يكن أنت فأنهِ تلك الجلسة."),
        ),
    };
    Alert {
        title: title.to_string(),
        body,
        link: souq_wire::DeepLink::Notifications.url(),
    }
}

/// What the notification says, in the person's language; a click opens the wallet (or,
/// for a security notice, the inbox).
fn alert(n: &Notification, language: Language) -> Alert {
    if n.kind.is_security() {
        return security_alert(n, language);
    }
    let who = &n.actor.display_name;
    let amount = n
        .money
        .as_ref()
        .map(|m| souq_wire::money::money(language, m))
        .unwrap_or_default();
    let last4 = n.card.as_ref().map(|c| c.last4.clone()).unwrap_or_default();
    let (title, body) = match (n.kind, language) {
        (NotificationKind::CardApproval, Language::En) => (
            "Approve a payment with your card?",
            format!("{who} asks to pay {amount} with your card •••• {last4}"),
        ),
        (NotificationKind::CardApproval, Language::Ar) => (
            "هل توافق على دفعة ببطاقتك؟",
            format!("{who} يطلب دفع {amount} ببطاقتك •••• {last4}"),
        ),
        (NotificationKind::CardLocked, Language::En) => (
            "Your card is locked",
            format!("After wrong security codes for •••• {last4}. Unlock it with your PIN."),
        ),
        (NotificationKind::CardLocked, Language::Ar) => (
            "قُفلت بطاقتك",
            format!("بعد رموز أمان خاطئة للبطاقة •••• {last4}. افتحها برمزك السري."),
        ),
        (NotificationKind::MoneyRequested, Language::En) => {
            ("Money requested", format!("{who} asks you for {amount}"))
        }
        (NotificationKind::MoneyRequested, Language::Ar) => {
            ("طلب أموال", format!("{who} يطلب منك {amount}"))
        }
        (NotificationKind::RequestDeclined, Language::En) => (
            "Request declined",
            format!("{who} declined your request for {amount}"),
        ),
        (NotificationKind::RequestDeclined, Language::Ar) => {
            ("رُفض طلبك", format!("{who} رفض طلبك بمبلغ {amount}"))
        }
        (NotificationKind::Donation, Language::En) => {
            ("New donation", format!("{who} gave {amount}"))
        }
        (NotificationKind::Donation, Language::Ar) => {
            ("تبرع جديد", format!("{who} تبرع بمبلغ {amount}"))
        }
        (_, Language::En) => ("Money received", format!("{who} sent you {amount}")),
        (_, Language::Ar) => ("وصلتك أموال", format!("{who} أرسل إليك {amount}")),
    };
    let body = match n.note.as_deref().map(str::trim) {
        Some(note) if !note.is_empty() => format!("{body}\n{note}"),
        _ => body,
    };
    Alert {
        title: title.to_string(),
        body,
        link: souq_wire::DeepLink::Wallet.url(),
    }
}

/// Runs for the life of the app.
pub async fn run(app: AppHandle) {
    events::follow(app, &["v1", "me", "events"], handle).await;
}

async fn handle(app: AppHandle, event: Event) {
    // On connecting, news that came while the app was away is told too.
    if !matches!(event.name.as_str(), "ready" | "inbox") {
        return;
    }
    let client = app.state::<SouqClient>();
    let me = match client.me().await {
        Ok(me) => me,
        Err(e) => {
            tracing::debug!(error = %e, "cannot tell whose money news this is");
            return;
        }
    };
    let inbox = match client.notifications(None).await {
        Ok(page) => page.notifications,
        Err(e) => {
            tracing::debug!(error = %e, "cannot read the inbox for money news");
            return;
        }
    };
    let fresh = app.state::<MoneyNews>().fresh(me.id, &inbox).await;
    let prefs = preferences::load(&app).unwrap_or_default();
    if !prefs.money_notifications {
        return;
    }
    let skip = fresh.len().saturating_sub(MOST_AT_ONCE);
    for news in fresh.iter().skip(skip) {
        alerts::show(&app, alert(news, prefs.effective_language()));
    }
}

#[cfg(test)]
mod tests {
    use souq_wire::{Author, AuthorKind, Money};

    use super::*;

    fn news(id: i64, kind: NotificationKind) -> Notification {
        Notification {
            id,
            kind,
            actor: Author {
                id: 9,
                kind: AuthorKind::Person,
                handle: "omar".into(),
                display_name: "Omar".into(),
                avatar_media_id: None,
            },
            post_id: None,
            post_excerpt: None,
            order_id: None,
            order_status: None,
            money: Some(Money {
                amount_minor: 2_500,
                currency: "SAR".into(),
            }),
            note: Some("for the coffee".into()),
            money_request_id: None,
            session: None,
            card: None,
            read: false,
            created_at: chrono::Utc::now(),
        }
    }

    fn ids(list: &[Notification]) -> Vec<i64> {
        list.iter().map(|n| n.id).collect()
    }

    #[tokio::test]
    async fn a_new_device_starts_from_the_inbox_as_it_is_then_tells_each_news_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE);
        let told = MoneyNews::open(&path);
        assert!(told.fresh(6, &[]).await.is_empty());
        let first = [news(1, NotificationKind::MoneyReceived)];
        assert_eq!(
            ids(&told.fresh(6, &first).await),
            [1],
            "news after an empty inbox is new"
        );
        let mut inbox = vec![news(1, NotificationKind::MoneyReceived)];
        assert!(
            told.fresh(7, &inbox).await.is_empty(),
            "old news is not replayed"
        );
        inbox.insert(0, news(2, NotificationKind::Liked));
        inbox.insert(0, news(3, NotificationKind::MoneyRequested));
        inbox.insert(0, news(4, NotificationKind::MoneyReceived));
        assert_eq!(
            ids(&told.fresh(7, &inbox).await),
            [3, 4],
            "money news, oldest first"
        );
        assert!(told.fresh(7, &inbox).await.is_empty(), "told once");
        // Another person on this device has their own mark.
        assert!(told.fresh(8, &inbox).await.is_empty());
    }

    #[tokio::test]
    async fn what_was_told_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(FILE);
        let inbox = vec![news(5, NotificationKind::Donation)];
        MoneyNews::open(&path).fresh(7, &inbox).await;
        let mut later = inbox.clone();
        later.insert(0, news(6, NotificationKind::RequestDeclined));
        let reopened = MoneyNews::open(&path);
        assert_eq!(ids(&reopened.fresh(7, &later).await), [6]);
        assert!(MoneyNews::open(&path).fresh(7, &later).await.is_empty());
    }

    #[tokio::test]
    async fn a_security_notice_is_told_to_the_other_devices_not_the_one_that_acted() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let told = MoneyNews::open(&dir.path().join(FILE));
        told.fresh(7, &[]).await;
        let notice = |id: i64, this_session: bool| {
            let mut n = news(id, NotificationKind::SignedIn);
            n.session = Some(souq_wire::SessionNotice {
                session_id: "abc".into(),
                device: "curl/8.5".into(),
                this_session,
                active: true,
            });
            n
        };
        let inbox = [notice(2, true), notice(1, false)];
        assert_eq!(ids(&told.fresh(7, &inbox).await), [1]);
        let alert = alert(&inbox[1], Language::En);
        assert!(alert.title.contains("was this you"), "{}", alert.title);
        assert!(alert.body.contains("curl/8.5"), "{}", alert.body);
        assert_eq!(alert.link, "souq://notifications");
    }

    #[test]
    fn alerts_say_who_how_much_and_the_note_in_both_languages_and_open_the_wallet() {
        let en = alert(&news(1, NotificationKind::MoneyReceived), Language::En);
        assert_eq!(en.title, "Money received");
        assert_eq!(en.body, "Omar sent you SAR 25.00\nfor the coffee");
        assert_eq!(en.link, "souq://wallet");
        let ar = alert(&news(1, NotificationKind::MoneyRequested), Language::Ar);
        assert_eq!(ar.title, "طلب أموال");
        assert!(ar.body.contains("٢٥٫٠٠"), "{}", ar.body);
        assert!(ar.body.starts_with("Omar يطلب منك"), "{}", ar.body);
    }
}
