//! The signed-in layout: a side bar on wide screens, a bottom tab bar below 600 px
//! (the switch is pure CSS, so resizing never re-renders), the current screen, and the
//! composer when it is open. A phone gets five tabs (Home, Shop, Cart with its count,
//! Notifications, Me); the rest (orders, wallet, bookmarks, studio, settings) is one tap
//! away under Me, and the side bar of a wide screen lists it all.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::composer::Composer;
use crate::components::icons::{
    BagIcon, BellIcon, BookmarkIcon, BoxIcon, CartIcon, HomeIcon, PersonIcon, SettingsIcon,
    StoreIcon, WalletIcon,
};
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::{
    bookmarks::BookmarksScreen,
    cart::CartScreen,
    checkout::CheckoutScreen,
    drop::DropScreen,
    hashtag::HashtagScreen,
    home::HomeScreen,
    me::MeScreen,
    notifications::{NotificationsScreen, kind_text},
    order::OrderScreen,
    orders::OrdersScreen,
    post::PostScreen,
    product::ProductScreen,
    profile::ProfileScreen,
    settings::SettingsScreen,
    shop::ShopScreen,
    studio::StudioScreen,
    wallet::WalletScreen,
};
use crate::state::{Screen, use_app};

/// The event the app emits when a souq:// link arrives (src-tauri/src/links.rs).
const LINK_EVENT: &str = "souq:open-link";

/// Where a navigation item shows: everywhere, only in the wide side bar, or only in the
/// phone's tab bar.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Both,
    Wide,
    Phone,
}

#[component]
fn NavItem(
    screen: Screen,
    name: &'static str,
    label: Text,
    #[prop(default = Place::Both)] place: Place,
    /// A shorter label for the phone's narrow tab, so that it fits whole.
    #[prop(optional)]
    short: Option<Text>,
    children: Children,
) -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    let target = screen.clone();
    let me = state
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.handle.clone()))
        .unwrap_or_default();
    let active = Memo::new(move |_| {
        state.screen.with(|s| {
            if target == Screen::Me {
                s.under_me(&me)
            } else {
                s.tab() == target
            }
        })
    });
    view! {
        <button
            type="button"
            class="nav-item"
            class:nav-wide=place == Place::Wide
            class:nav-phone=place == Place::Phone
            data-screen=name
            class:active=move || active.get()
            aria-current=move || if active.get() { Some("page") } else { None }
            on:click=move |_| state.switch_tab(screen.clone())
        >
            {children()}
            {match short {
                Some(short) => view! {
                    <span class="nav-label nav-label-long">{i18n.t(label)}</span>
                    <span class="nav-label nav-label-short">{i18n.t(short)}</span>
                }.into_any(),
                None => view! { <span class="nav-label">{i18n.t(label)}</span> }.into_any(),
            }}
        </button>
    }
}

#[component]
pub fn Shell() -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    let me = state
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.handle.clone()))
        .unwrap_or_default();
    spawn_local(async move {
        if let Ok(cart) = api::cart().await {
            state.cart_items.set(cart.items);
        }
        // The inbox, now and every half minute: the unread count, and an OS notification
        // for each order a store moved along since the last look.
        let mut seen = None::<i64>;
        loop {
            if let Ok(page) = api::notifications(None).await {
                state.unread.set(page.unread);
                let newest = page.notifications.iter().map(|n| n.id).max();
                if let Some(seen) = seen {
                    let language = i18n.language.get_untracked();
                    for n in page.notifications.iter().filter(|n| {
                        n.id > seen && !n.read && n.kind == souq_wire::NotificationKind::Order
                    }) {
                        let title = tr(language, Text::Orders);
                        let body =
                            format!("{} {}", n.actor.display_name, tr(language, kind_text(n)));
                        let _ = api::notify_order(title, &body).await;
                    }
                }
                seen = newest.max(seen);
            }
            if state.user.get_untracked().is_none() {
                return;
            }
            crate::clock::sleep(30_000).await;
        }
    });
    // souq:// links: one that arrived before sign-in, and each one from now on.
    let open_pending = move || {
        spawn_local(async move {
            if let Ok(Some(link)) = api::take_link().await {
                state.open_link(link);
            }
        });
    };
    open_pending();
    spawn_local(async move {
        let _ = api::listen(LINK_EVENT, open_pending).await;
    });
    // Merchants and nonprofits run a store; shoppers get no studio.
    let runs_store = state
        .user
        .get_untracked()
        .is_some_and(|u| u.role != souq_wire::Role::Shopper);
    view! {
        <div class="shell">
            <nav class="nav" aria-label=i18n.t(Text::AppName)>
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{i18n.t(Text::AppName)}</span>
                </div>
                <NavItem screen=Screen::Home name="home" label=Text::NavHome><HomeIcon/></NavItem>
                <NavItem screen=Screen::Shop name="shop" label=Text::NavShop><BagIcon/></NavItem>
                <NavItem screen=Screen::Cart name="cart" label=Text::NavCart>
                    <span class="icon-with-badge">
                        <CartIcon/>
                        <Show when=move || { state.cart_items.get() > 0 }>
                            <span class="unread-badge cart-count">{move || format::number(i18n.language.get(), state.cart_items.get().unsigned_abs())}</span>
                        </Show>
                    </span>
                </NavItem>
                <NavItem screen=Screen::Notifications name="notifications" label=Text::NavNotifications short=Text::NavInbox>
                    <span class="icon-with-badge">
                        <BellIcon/>
                        <Show when=move || { state.unread.get() > 0 }>
                            <span class="unread-badge">{move || format::number(i18n.language.get(), state.unread.get().unsigned_abs())}</span>
                        </Show>
                    </span>
                </NavItem>
                <NavItem screen=Screen::Me name="me" label=Text::NavMe place=Place::Phone><PersonIcon/></NavItem>
                <NavItem screen=Screen::Orders name="orders" label=Text::Orders place=Place::Wide><BoxIcon/></NavItem>
                <NavItem screen=Screen::Wallet name="wallet" label=Text::Wallet place=Place::Wide><WalletIcon/></NavItem>
                {runs_store.then(|| view! {
                    <NavItem screen=Screen::Studio name="studio" label=Text::NavStudio place=Place::Wide><StoreIcon/></NavItem>
                })}
                <NavItem screen=Screen::Bookmarks name="bookmarks" label=Text::NavBookmarks place=Place::Wide><BookmarkIcon/></NavItem>
                <NavItem screen=Screen::Profile(me) name="profile" label=Text::NavProfile place=Place::Wide><PersonIcon/></NavItem>
                <NavItem screen=Screen::Settings name="settings" label=Text::NavSettings place=Place::Wide><SettingsIcon/></NavItem>
            </nav>
            <main class="content">
                {move || match state.screen.get() {
                    Screen::Home => view! { <HomeScreen/> }.into_any(),
                    Screen::Hashtag(tag) => view! { <HashtagScreen tag=tag/> }.into_any(),
                    Screen::Post(id) => view! { <PostScreen id=id/> }.into_any(),
                    Screen::Profile(handle) => view! { <ProfileScreen handle=handle/> }.into_any(),
                    Screen::Shop => view! { <ShopScreen/> }.into_any(),
                    Screen::Product(id) => view! { <ProductScreen id=id/> }.into_any(),
                    Screen::Drop(id) => view! { <DropScreen id=id/> }.into_any(),
                    Screen::Studio => view! { <StudioScreen/> }.into_any(),
                    Screen::Cart => view! { <CartScreen/> }.into_any(),
                    Screen::Checkout => view! { <CheckoutScreen/> }.into_any(),
                    Screen::Orders => view! { <OrdersScreen/> }.into_any(),
                    Screen::Order(id) => view! { <OrderScreen id=id/> }.into_any(),
                    Screen::Wallet => view! { <WalletScreen/> }.into_any(),
                    Screen::Me => view! { <MeScreen/> }.into_any(),
                    Screen::Bookmarks => view! { <BookmarksScreen/> }.into_any(),
                    Screen::Notifications => view! { <NotificationsScreen/> }.into_any(),
                    Screen::Settings => view! { <SettingsScreen/> }.into_any(),
                }}
            </main>
            {move || state.composing.get().map(|quote| {
                let close = Callback::new(move |()| state.composing.set(None));
                view! {
                    <div class="dialog-backdrop" on:click=move |_| state.composing.set(None)
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            // Escape closes the dialog, as the backdrop does for a pointer.
                            if ev.key() == "Escape" {
                                state.composing.set(None);
                            }
                        }>
                        <div class="dialog" role="dialog" aria-modal="true" on:click=|ev| ev.stop_propagation()>
                            {match quote {
                                Some(quote) => view! { <Composer quote=quote on_done=close/> }.into_any(),
                                None => view! { <Composer on_done=close/> }.into_any(),
                            }}
                            <button type="button" class="link close-dialog" on:click=move |_| state.composing.set(None)>{i18n.t(Text::Cancel)}</button>
                        </div>
                    </div>
                }
            })}
        </div>
    }
}
