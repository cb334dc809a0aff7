//! Choosing the language: the system's, English or Arabic. The choice is saved by the
//! app and applied at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::Language;

use crate::api;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;

#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let choice = move || {
        state
            .preferences
            .with(|p| p.as_ref().and_then(|p| p.language))
    };
    let choose = move |language: Option<Language>| {
        spawn_local(async move {
            if let Ok(preferences) = api::set_language(language).await {
                i18n.language.set(preferences.effective_language());
                state.preferences.set(Some(preferences));
            }
        });
    };
    let option = move |value: &'static str,
                       language: Option<Language>,
                       label: Box<dyn Fn() -> &'static str + Send + Sync>| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="language"
                    value=value
                    prop:checked=move || choice() == language
                    on:change=move |_| choose(language)
                />
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <fieldset class="language-picker">
            <legend>{i18n.t(Text::LanguageLabel)}</legend>
            {option("system", None, Box::new(i18n.t(Text::LanguageSystem)))}
            // Each language is named in itself, so anyone can find their own.
            {option("en", Some(Language::En), Box::new(|| "English"))}
            {option("ar", Some(Language::Ar), Box::new(|| "العربية"))}
        </fieldset>
    }
}
