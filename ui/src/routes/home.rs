//! Home: "For you" (ranked on the device), "Following" and "Latest", with the composer.

use leptos::prelude::*;
use souq_wire::Timeline;

use crate::components::composer::Composer;
use crate::components::feed_list::{FeedList, FeedSource};
use crate::i18n::{Text, use_i18n};
use crate::state::{HomeTab, use_app};

#[component]
pub fn HomeScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let tab = state.home_tab;
    let tab_button = move |which: HomeTab, label: Text, name: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" data-tab=name
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>
                {i18n.t(label)}
            </button>
        }
    };
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::HomeTitle)}</h1></header>
        <div class="tabs" role="tablist">
            {tab_button(HomeTab::ForYou, Text::ForYou, "for-you")}
            {tab_button(HomeTab::Following, Text::Following, "following")}
            {tab_button(HomeTab::Latest, Text::Latest, "latest")}
        </div>
        <div class="panel compose-panel"><Composer/></div>
        {move || match tab.get() {
            HomeTab::ForYou => view! { <FeedList source=FeedSource::ForYou/> }.into_any(),
            HomeTab::Following => view! { <FeedList source=FeedSource::Timeline(Timeline::Following)/> }.into_any(),
            HomeTab::Latest => view! { <FeedList source=FeedSource::Timeline(Timeline::Everyone)/> }.into_any(),
        }}
    }
}
