//! A hashtag's page: the drop or product that owns the tag, then its posts, newest first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{HashtagInfo, Timeline};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::feed_list::{FeedList, FeedSource};
use crate::components::product_card::ProductCard;
use crate::i18n::{Text, format, use_i18n};
use crate::state::{Screen, use_app};

#[component]
fn Owner(info: HashtagInfo) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(drop) = info.drop {
        let launch = drop.launch_at;
        let when = move || {
            let language = i18n.language.get();
            let now = format::now();
            if launch <= now {
                crate::i18n::tr(language, Text::DropLive).to_string()
            } else {
                format!(
                    "{} {}",
                    crate::i18n::tr(language, Text::DropLaunch),
                    format::date_time(language, launch, format::local_offset_minutes(launch))
                )
            }
        };
        let state = use_app();
        let id = drop.id;
        return view! {
            <section class="panel hashtag-owner drop-owner">
                <p class="eyebrow">{drop.store.display_name.clone()}</p>
                <h2 dir="auto">{drop.title.clone()}</h2>
                <p class="drop-when">{when}</p>
                <button type="button" class="button button-primary open-drop"
                    on:click=move |_| state.open(Screen::Drop(id))>
                    {i18n.t(Text::DropOpen)}
                </button>
                <ProductCard product=drop.product/>
            </section>
        }
        .into_any();
    }
    match info.product {
        Some(product) => view! {
            <section class="panel hashtag-owner">
                <p class="eyebrow">{i18n.t(Text::HashtagOwner)}</p>
                <ProductCard product=product/>
            </section>
        }
        .into_any(),
        None => ().into_any(),
    }
}

#[component]
pub fn HashtagScreen(tag: String) -> impl IntoView {
    let i18n = use_i18n();
    let title = format!("#{tag}");
    let info = RwSignal::new(None::<HashtagInfo>);
    {
        let tag = tag.clone();
        spawn_local(async move {
            if let Ok(found) = api::hashtag_info(&tag).await {
                info.set(Some(found));
            }
        });
    }
    view! {
        <BackHeader>
                <div>
                <p class="eyebrow">{i18n.t(Text::PostsTagged)}</p>
                <h1 class="hashtag-title" dir="auto">{title}</h1>
            </div>
            </BackHeader>
        {move || info.get().map(|info| view! { <Owner info=info/> })}
        <FeedList source=FeedSource::Timeline(Timeline::Hashtag { tag })/>
    }
}
