//! One post on its own: where a `souq://post/<id>` link or a quote leads.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Post};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::post_card::PostCard;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;

#[component]
pub fn PostScreen(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let post = RwSignal::new(None::<Result<Post, ErrorBody>>);
    spawn_local(async move {
        let result = api::get_post(id).await;
        if let Err(e) = &result {
            state.note_error(e);
        }
        post.set(Some(result));
    });
    view! {
        <BackHeader/>
        {move || match post.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Ok(post)) => view! { <div class="feed single-post"><PostCard post=post/></div> }.into_any(),
            Some(Err(_)) => view! { <p class="muted" role="alert">{i18n.t(Text::PostNotFound)}</p> }.into_any(),
        }}
    }
}
