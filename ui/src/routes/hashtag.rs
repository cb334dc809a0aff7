//! A hashtag's page: its posts, newest first.

use leptos::prelude::*;

use crate::components::feed_list::{FeedList, FeedSource};
use crate::components::icons::BackIcon;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;

#[component]
pub fn HashtagScreen(tag: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    view! {
        <header class="screen-head">
            <button type="button" class="icon-button back" aria-label=i18n.t(Text::Back)
                on:click=move |_| state.back()>
                <BackIcon/>
            </button>
            <div>
                <p class="eyebrow">{i18n.t(Text::PostsTagged)}</p>
                <h1 class="hashtag-title" dir="auto">{format!("#{tag}")}</h1>
            </div>
        </header>
        <FeedList source=FeedSource::Hashtag(tag)/>
    }
}
