//! The home feed.

use leptos::prelude::*;

use crate::components::feed_list::{FeedList, FeedSource};
use crate::i18n::{Text, use_i18n};

#[component]
pub fn HomeScreen() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::HomeTitle)}</h1></header>
        <FeedList source=FeedSource::Home/>
    }
}
