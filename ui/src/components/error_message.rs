//! An error as the user reads it: translated from its code, optionally with the
//! server's own words beneath (where they name what to fix, as in the studio's forms).

use leptos::prelude::*;
use souq_wire::ErrorBody;

use crate::i18n::{error_text, tr, use_i18n};

#[component]
pub fn ErrorMessage(error: ErrorBody, #[prop(optional)] detail: bool) -> impl IntoView {
    let i18n = use_i18n();
    let message = error.message.clone();
    view! {
        <div class="error" role="alert">
            <p>{move || tr(i18n.language.get(), error_text(&error))}</p>
            {detail.then(|| view! { <p class="muted detail" dir="auto">{message}</p> })}
        </div>
    }
}
