//! The signed-in layout: a side bar on wide screens, a bottom tab bar below 600 px
//! (the switch is pure CSS, so resizing never re-renders), and the current screen.

use leptos::prelude::*;

use crate::components::icons::{HomeIcon, SettingsIcon};
use crate::i18n::{Text, use_i18n};
use crate::routes::{hashtag::HashtagScreen, home::HomeScreen, settings::SettingsScreen};
use crate::state::{Screen, use_app};

#[component]
fn NavItem(screen: Screen, label: Text, children: Children) -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    let name = match screen {
        Screen::Settings => "settings",
        _ => "home",
    };
    let target = screen.clone();
    let active = Memo::new(move |_| state.screen.with(|s| s.tab() == target));
    view! {
        <button
            type="button"
            class="nav-item"
            data-screen=name
            class:active=active
            aria-current=move || if active.get() { Some("page") } else { None }
            on:click=move |_| state.switch_tab(screen.clone())
        >
            {children()}
            <span class="nav-label">{i18n.t(label)}</span>
        </button>
    }
}

#[component]
pub fn Shell() -> impl IntoView {
    let state = use_app();
    let i18n = use_i18n();
    view! {
        <div class="shell">
            <nav class="nav" aria-label=i18n.t(Text::AppName)>
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{i18n.t(Text::AppName)}</span>
                </div>
                <NavItem screen=Screen::Home label=Text::NavHome><HomeIcon/></NavItem>
                <NavItem screen=Screen::Settings label=Text::NavSettings><SettingsIcon/></NavItem>
            </nav>
            <main class="content">
                {move || match state.screen.get() {
                    Screen::Home => view! { <HomeScreen/> }.into_any(),
                    Screen::Hashtag(tag) => view! { <HashtagScreen tag=tag/> }.into_any(),
                    Screen::Settings => view! { <SettingsScreen/> }.into_any(),
                }}
            </main>
        </div>
    }
}
