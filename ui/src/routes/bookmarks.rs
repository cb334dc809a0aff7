//! The viewer's bookmarks, newest first.

use leptos::prelude::*;
use souq_wire::Timeline;

use crate::components::feed_list::{FeedList, FeedSource};
use crate::i18n::{Text, use_i18n};

#[component]
pub fn BookmarksScreen() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::NavBookmarks)}</h1></header>
        <FeedList source=FeedSource::Timeline(Timeline::Bookmarks) empty=Text::NoBookmarks/>
    }
}
