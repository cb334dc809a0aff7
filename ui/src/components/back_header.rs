//! The head of a screen opened on top of another: a Back button, then what it names.

use leptos::prelude::*;

use crate::components::icons::BackIcon;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;

#[component]
pub fn BackHeader(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <header class="screen-head">
            <button type="button" class="icon-button back" aria-label=i18n.t(Text::Back)
                on:click=move |_| state.back()>
                <BackIcon/>
            </button>
            {children.map(|c| c())}
        </header>
    }
}
