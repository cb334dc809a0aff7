//! A paged list of posts: a server timeline, or "For you" ranked by the app. The next
//! page loads by itself as the end of the list comes near.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Post, RankReason, Timeline};

use crate::api;
use crate::components::post_card::PostCard;
use crate::i18n::{Text, error_text, tr, use_i18n};
use crate::state::use_app;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Timeline(Timeline),
    ForYou,
}

/// A post as listed, with why it is there when "For you" ranked it.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    post: Post,
    why: Option<(Vec<RankReason>, bool)>,
}

impl Item {
    /// A post reposted by someone is a different entry from the post itself.
    fn key(&self) -> (i64, Option<i64>) {
        (self.post.id, self.post.reposted_by.as_ref().map(|a| a.id))
    }
}

struct Page {
    items: Vec<Item>,
    next_cursor: Option<String>,
}

async fn fetch(source: &FeedSource, before: Option<&str>) -> Result<Page, ErrorBody> {
    match source {
        FeedSource::Timeline(timeline) => {
            let page = api::timeline(timeline, before).await?;
            Ok(Page {
                items: page
                    .posts
                    .into_iter()
                    .map(|post| Item { post, why: None })
                    .collect(),
                next_cursor: page.next_cursor,
            })
        }
        FeedSource::ForYou => {
            let page = api::for_you(before).await?;
            let ranked = page.ranking_enabled;
            Ok(Page {
                items: page
                    .posts
                    .into_iter()
                    .map(|r| Item {
                        post: r.post,
                        why: Some((r.reasons, ranked)),
                    })
                    .collect(),
                next_cursor: page.next_cursor,
            })
        }
    }
}

#[component]
pub fn FeedList(source: FeedSource, #[prop(optional)] empty: Option<Text>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let items = RwSignal::new(Vec::<Item>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let loaded_once = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let source = StoredValue::new(source);

    let load = move || {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        let before = cursor.get_untracked();
        spawn_local(async move {
            let source = source.get_value();
            match fetch(&source, before.as_deref()).await {
                Ok(page) => {
                    items.update(|list| {
                        let known: std::collections::HashSet<_> =
                            list.iter().map(Item::key).collect();
                        list.extend(page.items.into_iter().filter(|i| !known.contains(&i.key())));
                    });
                    cursor.set(page.next_cursor);
                    loaded_once.set(true);
                }
                Err(e) => {
                    state.note_error(&e);
                    error.set(Some(e));
                }
            }
            loading.set(false);
        });
    };
    let reload = move || {
        items.set(Vec::new());
        cursor.set(None);
        loaded_once.set(false);
        load();
    };
    load();
    // A new post of the viewer's shows at once where it belongs.
    Effect::new(move |previous: Option<u32>| {
        let now = state.posted.get();
        if previous.is_some_and(|p| p != now) {
            reload();
        }
        now
    });

    view! {
        <section class="feed" aria-busy=move || loading.get().to_string()>
            <For each=move || items.get() key=Item::key let:item>
                {match item.why {
                    Some(why) => view! { <PostCard post=item.post why=why/> }.into_any(),
                    None => view! { <PostCard post=item.post/> }.into_any(),
                }}
            </For>
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">{move || tr(i18n.language.get(), error_text(&e))}</p>
            })}
            <div class="feed-footer">
                {move || {
                    if loading.get() {
                        view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any()
                    } else if error.with(Option::is_some) {
                        view! {
                            <button type="button" class="button" on:click=move |_| load()>
                                {i18n.t(Text::TryAgain)}
                            </button>
                        }.into_any()
                    } else if cursor.with(Option::is_some) {
                        view! {
                            <button type="button" class="button load-more" on:click=move |_| load()>
                                {i18n.t(Text::LoadMore)}
                            </button>
                        }.into_any()
                    } else if loaded_once.get() && items.with(Vec::is_empty) {
                        view! { <p class="muted empty">{i18n.t(empty.unwrap_or(Text::EmptyFeed))}</p> }.into_any()
                    } else if loaded_once.get() {
                        view! { <p class="muted">{i18n.t(Text::CaughtUp)}</p> }.into_any()
                    } else {
                        ().into_any()
                    }
                }}
            </div>
        </section>
    }
}
