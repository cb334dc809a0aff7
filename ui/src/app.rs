//! The root component: loads what the app knows (server mode, preferences, a saved
//! session), keeps `<html lang dir>` in step with the language, and shows either the
//! sign-in screen or the signed-in shell.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Language};

use crate::api;
use crate::components::shell::Shell;
use crate::i18n::{I18n, Text, error_text};
use crate::routes::sign_in::SignInScreen;
use crate::state::{AppState, Server};

#[derive(Debug, Clone, PartialEq)]
enum Boot {
    Loading,
    Ready,
    Failed(ErrorBody),
}

/// Sets the document's language and direction; Arabic mirrors the whole layout.
pub fn apply_language(language: Language) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", language.code());
        let _ = root.set_attribute("dir", if language.is_rtl() { "rtl" } else { "ltr" });
    }
}

async fn boot(state: AppState, i18n: I18n) -> Result<(), ErrorBody> {
    // Asked together: none needs another's answer, and the first screen waits for all.
    let (preferences, info, user) =
        futures::join!(api::get_preferences(), api::app_info(), api::current_user());
    let preferences = preferences?;
    i18n.language.set(preferences.effective_language());
    state.preferences.set(Some(preferences));
    state.info.set(Some(info?));
    state.user.set(user?);
    Ok(())
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide(Language::En);
    let state = AppState::provide();
    let status = RwSignal::new(Boot::Loading);
    Effect::new(move |_| apply_language(i18n.language.get()));
    // Beside the boot, not in it: the sign-in screen shows while the server prepares.
    spawn_local(async move {
        state.server.set(match api::server_ready().await {
            Ok(()) => Server::Ready,
            Err(e) => Server::Failed(e),
        });
    });

    let start = move || {
        status.set(Boot::Loading);
        spawn_local(async move {
            status.set(match boot(state, i18n).await {
                Ok(()) => Boot::Ready,
                Err(e) => Boot::Failed(e),
            });
        });
    };
    start();

    view! {
        {move || match status.get() {
            Boot::Loading => view! {
                <div class="splash" role="status">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <p>{i18n.t(Text::Loading)}</p>
                </div>
            }
            .into_any(),
            Boot::Failed(error) => view! {
                <div class="splash" role="alert">
                    <p class="error">{move || crate::i18n::tr(i18n.language.get(), error_text(&error))}</p>
                    <button class="button" on:click=move |_| start()>{i18n.t(Text::TryAgain)}</button>
                </div>
            }
            .into_any(),
            Boot::Ready => view! {
                <Show when=move || state.user.with(Option::is_some) fallback=|| view! { <SignInScreen/> }>
                    <Shell/>
                </Show>
            }
            .into_any(),
        }}
    }
}
