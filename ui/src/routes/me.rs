//! "Me": the signed-in person's own place, one tap from everything that is not a tab on
//! a phone: their profile, orders, wallet, bookmarks, the studio (for a store), settings.

use leptos::prelude::*;

use crate::components::icons::{
    BookmarkIcon, BoxIcon, PersonIcon, SettingsIcon, StoreIcon, WalletIcon,
};
use crate::i18n::{Text, use_i18n};
use crate::state::{Screen, use_app};

#[component]
fn Entry(screen: Screen, name: &'static str, label: Text, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <li>
            <button type="button" class="me-entry" data-screen=name on:click=move |_| state.open(screen.clone())>
                {children()}
                <span>{i18n.t(label)}</span>
            </button>
        </li>
    }
}

#[component]
pub fn MeScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let user = state.user.get_untracked();
    let handle = user.as_ref().map(|u| u.handle.clone()).unwrap_or_default();
    let name = user
        .as_ref()
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let runs_store = user.is_some_and(|u| u.role != souq_wire::Role::Shopper);
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::NavMe)}</h1></header>
        <p class="me-name"><strong dir="auto">{name}</strong>" "<span class="muted" dir="ltr">{format!("@{handle}")}</span></p>
        <ul class="me-entries panel">
            <Entry screen=Screen::Profile(handle) name="profile" label=Text::NavProfile><PersonIcon/></Entry>
            <Entry screen=Screen::Orders name="orders" label=Text::Orders><BoxIcon/></Entry>
            <Entry screen=Screen::Wallet name="wallet" label=Text::Wallet><WalletIcon/></Entry>
            <Entry screen=Screen::Bookmarks name="bookmarks" label=Text::NavBookmarks><BookmarkIcon/></Entry>
            {runs_store.then(|| view! {
                <Entry screen=Screen::Studio name="studio" label=Text::NavStudio><StoreIcon/></Entry>
            })}
            <Entry screen=Screen::Settings name="settings" label=Text::NavSettings><SettingsIcon/></Entry>
        </ul>
    }
}
