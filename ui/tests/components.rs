//! UI components mounted in a real browser (headless Chromium) with wasm-bindgen-test:
//! the DOM they produce, in English and in Arabic.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use souq_ui::components::post_card::PostCard;
use souq_ui::i18n::I18n;
use souq_ui::state::{AppState, Screen, Server};
use souq_wire::{Author, AuthorKind, Language, Money, Post, ProductCard};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn post(body: &str, minutes_ago: i64, in_stock: bool) -> Post {
    Post {
        id: 7,
        author: Author {
            id: 3,
            kind: AuthorKind::Store,
            handle: "dar_al_oud".into(),
            display_name: "دار العود".into(),
            avatar_media_id: None,
        },
        body: body.into(),
        hashtags: souq_wire::text::hashtags(body),
        images: Vec::new(),
        quote: None,
        stats: souq_wire::PostStats::default(),
        viewer: souq_wire::ViewerState::default(),
        reposted_by: None,
        products: vec![ProductCard {
            id: 11,
            title: "Oud Royale".into(),
            store_name: "دار العود".into(),
            category: "perfume".into(),
            price: Money {
                amount_minor: 62_000,
                currency: "SAR".into(),
            },
            image_media_id: Some(5),
            in_stock,
        }],
        created_at: souq_ui::i18n::format::now() - Duration::minutes(minutes_ago),
    }
}

/// Mounts a post card into a fresh container and returns it with the shared state.
fn mount(language: Language, post: Post) -> (web_sys::HtmlElement, AppState) {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let container: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(container);
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        I18n::provide(language);
        tx.send(AppState::provide()).unwrap();
        view! { <PostCard post=post.clone()/> }
    });
    handle.forget();
    (container, rx.recv().unwrap())
}

fn text(root: &web_sys::HtmlElement, css: &str) -> String {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("{css} missing"))
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
fn a_post_renders_its_hashtags_and_mentions_as_buttons() {
    let (root, _) = mount(Language::En, post("New #Drop by @layla with #عود", 5, true));
    let tags = root.query_selector_all(".hashtag").unwrap();
    assert_eq!(tags.length(), 2);
    assert_eq!(text(&root, ".hashtag"), "#Drop");
    assert_eq!(text(&root, "button.mention"), "@layla");
}

#[wasm_bindgen_test]
fn tapping_a_mention_opens_that_profile() {
    let (root, state) = mount(Language::En, post("Thanks @Layla", 1, true));
    let mention: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(root.query_selector(".mention").unwrap().unwrap());
    mention.click();
    assert_eq!(
        state.screen.get_untracked(),
        Screen::Profile("layla".into())
    );
}

#[wasm_bindgen_test]
fn the_action_bar_shows_counts_in_the_viewers_digits() {
    let mut liked = post("Hello", 1, true);
    liked.stats.likes = 1234;
    liked.viewer.liked = true;
    let (root, _) = mount(Language::Ar, liked);
    assert_eq!(text(&root, ".action.like .count"), "١٬٢٣٤");
    let like = root.query_selector(".action.like").unwrap().unwrap();
    assert_eq!(like.get_attribute("aria-pressed").unwrap(), "true");
}

#[wasm_bindgen_test]
fn tapping_a_hashtag_opens_its_page_by_its_key() {
    let (root, state) = mount(Language::En, post("Back in stock #OudRoyale", 1, true));
    let tag: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(root.query_selector(".hashtag").unwrap().unwrap());
    tag.click();
    assert_eq!(
        state.screen.get_untracked(),
        Screen::Hashtag("oudroyale".into())
    );
    state.back();
    assert_eq!(state.screen.get_untracked(), Screen::Home);
}

#[wasm_bindgen_test]
fn english_shows_western_digits_and_relative_time() {
    let (root, _) = mount(Language::En, post("Hello", 5, true));
    assert_eq!(text(&root, ".price"), "SAR 620.00");
    assert_eq!(text(&root, ".post-time"), "5 minutes ago");
    assert_eq!(text(&root, ".badge"), "Store");
}

#[wasm_bindgen_test]
fn arabic_shows_arabic_digits_plural_forms_and_badges() {
    let (root, _) = mount(Language::Ar, post("مرحبا", 3, false));
    assert_eq!(text(&root, ".price"), "\u{200F}٦٢٠٫٠٠ ر.س.");
    assert_eq!(text(&root, ".post-time"), "منذ ٣ دقائق");
    assert!(text(&root, ".product-card").contains("نفدت الكمية"));
}

#[wasm_bindgen_test]
fn product_images_load_through_the_media_scheme() {
    let (root, _) = mount(Language::En, post("Hello", 5, true));
    let img = root.query_selector(".product-image").unwrap().unwrap();
    assert_eq!(img.get_attribute("src").unwrap(), "media://localhost/5");
}

#[wasm_bindgen_test]
fn arabic_sets_the_document_right_to_left() {
    souq_ui::app::apply_language(Language::Ar);
    let root = document().document_element().unwrap();
    assert_eq!(root.get_attribute("dir").unwrap(), "rtl");
    assert_eq!(root.get_attribute("lang").unwrap(), "ar");
    souq_ui::app::apply_language(Language::En);
    assert_eq!(root.get_attribute("dir").unwrap(), "ltr");
}

#[wasm_bindgen_test]
fn post_times_older_than_a_week_show_the_date() {
    let at: DateTime<Utc> = "2026-11-01T10:00:00Z".parse().unwrap();
    let now: DateTime<Utc> = "2026-11-21T10:00:00Z".parse().unwrap();
    use souq_ui::i18n::format::relative;
    assert_eq!(relative(Language::En, at, now, 0), "1 Nov 2026");
    assert_eq!(relative(Language::Ar, at, now, 0), "١ نوفمبر ٢٠٢٦");
    // Late evening UTC is already the next day three hours east.
    let late: DateTime<Utc> = "2026-11-01T22:30:00Z".parse().unwrap();
    assert_eq!(relative(Language::En, late, now, 180), "2 Nov 2026");
}

/// Mounts the sign-in screen with what the app says of itself; the state it reads is
/// returned, for a test to change what the app knows.
fn mount_sign_in_with(
    language: Language,
    session_kept: bool,
    demo_sign_ins: Vec<souq_wire::DemoSignIn>,
) -> (web_sys::HtmlElement, AppState) {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let container: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(container);
    let shared = std::rc::Rc::new(std::cell::Cell::new(None));
    let handed = shared.clone();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        I18n::provide(language);
        let state = AppState::provide();
        state.info.set(Some(souq_wire::AppInfo {
            version: "0.1.0".into(),
            embedded: !demo_sign_ins.is_empty(),
            server_url: "https://souq.example".into(),
            demo_sign_ins: demo_sign_ins.clone(),
            session_kept,
        }));
        handed.set(Some(state));
        view! { <souq_ui::routes::sign_in::SignInScreen/> }
    });
    handle.forget();
    (container, shared.get().unwrap())
}

fn mount_sign_in(language: Language, session_kept: bool) -> web_sys::HtmlElement {
    mount_sign_in_with(language, session_kept, Vec::new()).0
}

#[wasm_bindgen_test]
async fn the_sign_in_screen_says_the_demo_is_being_prepared_until_the_server_answers() {
    let demo = souq_wire::DemoSignIn {
        email: "layla@demo.souq.example".into(),
        password: "souq-demo".into(),
        display_name: "ليلى حسن".into(),
        role: souq_wire::Role::Shopper,
    };
    let (screen, state) = mount_sign_in_with(Language::En, true, vec![demo.clone()]);
    leptos::task::tick().await;
    let preparing = text(&screen, ".preparing-demo");
    assert!(preparing.contains("Preparing the demo"), "{preparing}");
    assert!(screen.query_selector(".demo-account").unwrap().is_some());
    state.server.set(Server::Ready);
    leptos::task::tick().await;
    assert!(screen.query_selector(".preparing-demo").unwrap().is_none());
    state.server.set(Server::Failed(souq_wire::ErrorBody {
        code: souq_wire::ErrorCode::Internal,
        message: "embedded server: disk full".into(),
    }));
    leptos::task::tick().await;
    assert!(screen.query_selector(".preparing-demo").unwrap().is_none());
    assert!(screen.query_selector("[role=alert]").unwrap().is_some());

    let (arabic, _) = mount_sign_in_with(Language::Ar, true, vec![demo]);
    leptos::task::tick().await;
    let preparing = text(&arabic, ".preparing-demo");
    assert!(preparing.contains("تجهيز النسخة التجريبية"), "{preparing}");
}

#[wasm_bindgen_test]
async fn without_a_keychain_the_sign_in_screen_says_the_session_is_not_kept() {
    let without = mount_sign_in(Language::Ar, false);
    leptos::task::tick().await;
    let notice = text(&without, ".session-not-kept");
    assert!(notice.contains("سلسلة مفاتيح"), "{notice}");
    let with = mount_sign_in(Language::En, true);
    leptos::task::tick().await;
    assert!(with.query_selector(".session-not-kept").unwrap().is_none());
}

#[wasm_bindgen_test]
fn a_card_is_read_from_what_was_typed_or_not_at_all() {
    use souq_ui::components::card_form::CardFields;
    let owner = Owner::new();
    owner.with(|| {
        let fields = CardFields::default();
        fields.number.set("4242 4242-4242 4242".into());
        fields.expiry.set("12/40".into());
        fields.cvc.set("123".into());
        let card = fields.card().expect("a complete card");
        assert_eq!(card.number.expose(), "4242424242424242");
        assert_eq!((card.exp_month, card.exp_year), (12, 2040));
        assert!(!format!("{card:?}").contains("4242"), "never printed");
        for (expiry, cvc) in [("13/40", "123"), ("12-40", "123"), ("12/40", "12")] {
            fields.expiry.set(expiry.into());
            fields.cvc.set(cvc.into());
            assert!(fields.card().is_none(), "{expiry} {cvc}");
        }
    });
}
