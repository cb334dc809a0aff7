//! `souq://` links: what they point at, and bringing the app to them. The OS starts a
//! second instance with the link as its argument; the single-instance plugin hands it
//! to the running app, the deep-link plugin reports it, and this module turns it into a
//! `DeepLink` the UI opens. A link that started the app waits until the UI asks.

use std::sync::Mutex;

use souq_wire::DeepLink;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event the UI listens to.
pub const EVENT: &str = "souq:open-link";
pub const SCHEME: &str = "souq";

/// Parses `souq://post/42` and its kin; anything else is `None`.
pub fn parse(url: &str) -> Option<DeepLink> {
    let rest = url.strip_prefix("souq://")?;
    let rest = rest.split(['?', '#']).next()?.trim_end_matches('/');
    match rest {
        "wallet" => return Some(DeepLink::Wallet),
        "notifications" => return Some(DeepLink::Notifications),
        _ => {}
    }
    let (kind, value) = rest.split_once('/')?;
    let value = percent_decode(value)?;
    if value.is_empty() || value.contains('/') {
        return None;
    }
    let id = || value.parse::<i64>().ok().filter(|id| *id > 0);
    match kind {
        "post" => Some(DeepLink::Post { id: id()? }),
        "product" => Some(DeepLink::Product { id: id()? }),
        "drop" => Some(DeepLink::Drop { id: id()? }),
        "store" => Some(DeepLink::Store {
            handle: value.to_ascii_lowercase(),
        }),
        "hashtag" => Some(DeepLink::Hashtag {
            tag: souq_wire::text::hashtag_key(value.trim_start_matches('#')),
        }),
        _ => None,
    }
}

/// Decodes %XX escapes as UTF-8 (an Arabic hashtag arrives escaped).
fn percent_decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut iter = s.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hex = [iter.next()?, iter.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// A link that arrived before the UI was listening.
#[derive(Default)]
pub struct PendingLink(pub Mutex<Option<DeepLink>>);

/// Raises the main window. Phones bring the app forward themselves when a link opens it.
pub fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(desktop)]
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    #[cfg(mobile)]
    let _ = app;
}

/// Brings the main window forward on `url`.
pub fn open<R: Runtime>(app: &AppHandle<R>, url: &str) {
    let Some(link) = parse(url) else {
        tracing::warn!(%url, "ignoring a link Souq does not know");
        return;
    };
    bring_forward(app);
    if let Some(pending) = app.try_state::<PendingLink>()
        && let Ok(mut slot) = pending.0.lock()
    {
        *slot = Some(link.clone());
    }
    if let Err(e) = app.emit(EVENT, &link) {
        tracing::warn!(error = %e, "cannot tell the UI about a link");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_posts_products_stores_hashtags_and_drops() {
        assert_eq!(parse("souq://post/42"), Some(DeepLink::Post { id: 42 }));
        assert_eq!(parse("souq://wallet"), Some(DeepLink::Wallet));
        assert_eq!(parse(&DeepLink::Wallet.url()), Some(DeepLink::Wallet));
        assert_eq!(
            parse(&DeepLink::Notifications.url()),
            Some(DeepLink::Notifications)
        );
        assert_eq!(
            parse("souq://product/7/"),
            Some(DeepLink::Product { id: 7 })
        );
        assert_eq!(
            parse("souq://drop/3?ref=share"),
            Some(DeepLink::Drop { id: 3 })
        );
        assert_eq!(
            parse("souq://store/Dar_Al_Oud"),
            Some(DeepLink::Store {
                handle: "dar_al_oud".into()
            })
        );
        assert_eq!(
            parse("souq://hashtag/%D8%B9%D9%88%D8%AF"),
            Some(DeepLink::Hashtag {
                tag: "عود".into()
            })
        );
        assert_eq!(
            parse("souq://hashtag/OudRoyale"),
            Some(DeepLink::Hashtag {
                tag: "oudroyale".into()
            })
        );
    }

    #[test]
    fn anything_else_is_not_a_link() {
        for bad in [
            "https://post/1",
            "souq://post/",
            "souq://post/abc",
            "souq://post/-1",
            "souq://post/1/2",
            "souq://unknown/1",
            "souq://hashtag/%ZZ",
            "souq:post/1",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_link_parses_back_to_itself() {
        for link in [
            DeepLink::Post { id: 1 },
            DeepLink::Product { id: 2 },
            DeepLink::Store {
                handle: "tech_bazaar".into(),
            },
            DeepLink::Hashtag { tag: "drop".into() },
            DeepLink::Drop { id: 5 },
        ] {
            assert_eq!(parse(&link.url()), Some(link.clone()));
        }
    }
}
