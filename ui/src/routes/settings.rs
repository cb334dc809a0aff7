//! Settings: the account, the language, and signing out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::Role;

use crate::api;
use crate::components::language_picker::LanguagePicker;
use crate::i18n::{Text, use_i18n};
use crate::state::{Screen, use_app};

pub fn role_text(role: Role) -> Text {
    match role {
        Role::Shopper => Text::RoleShopper,
        Role::Merchant => Text::RoleMerchant,
        Role::Nonprofit => Text::RoleNonprofit,
    }
}

#[component]
pub fn SettingsScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        spawn_local(async move {
            // The app forgets the session even when the server cannot be reached.
            let _ = api::sign_out().await;
            state.switch_tab(Screen::Home);
            state.user.set(None);
            busy.set(false);
        });
    };
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::NavSettings)}</h1></header>
        <section class="panel">
            <h2>{i18n.t(Text::Account)}</h2>
            {move || state.user.get().map(|user| view! {
                <p class="account">
                    <span class="muted">{i18n.t(Text::SignedInAs)}</span>" "
                    <strong dir="auto">{user.display_name.clone()}</strong>" "
                    <span class="author-handle" dir="ltr">{format!("@{}", user.handle)}</span>
                    <span class="badge">{i18n.t(role_text(user.role))}</span>
                </p>
            })}
            <button type="button" class="button button-danger sign-out" disabled=busy on:click=sign_out>
                {i18n.t(Text::SignOut)}
            </button>
        </section>
        <section class="panel">
            <LanguagePicker/>
        </section>
    }
}
