//! A paged list of posts from the home feed or a hashtag, newest first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, FeedPage, Post, Timeline};

use crate::api;
use crate::components::post_card::PostCard;
use crate::i18n::{Text, error_text, tr, use_i18n};
use crate::state::use_app;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Home,
    Hashtag(String),
}

async fn fetch(source: &FeedSource, before: Option<&str>) -> Result<FeedPage, ErrorBody> {
    match source {
        FeedSource::Home => api::timeline(&Timeline::Everyone, before).await,
        FeedSource::Hashtag(tag) => {
            api::timeline(&Timeline::Hashtag { tag: tag.clone() }, before).await
        }
    }
}

#[component]
pub fn FeedList(source: FeedSource) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let posts = RwSignal::new(Vec::<Post>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let loaded_once = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);

    let load = move |source: FeedSource| {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        let before = cursor.get_untracked();
        spawn_local(async move {
            match fetch(&source, before.as_deref()).await {
                Ok(page) => {
                    posts.update(|p| p.extend(page.posts));
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
    load(source.clone());

    view! {
        <section class="feed" aria-busy=move || loading.get().to_string()>
            <For each=move || posts.get() key=|post| post.id let:post>
                <PostCard post=post/>
            </For>
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">{move || tr(i18n.language.get(), error_text(&e))}</p>
            })}
            <div class="feed-footer">
                {
                    let source = source.clone();
                    move || {
                        let source = source.clone();
                        if loading.get() {
                            view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any()
                        } else if error.with(Option::is_some) {
                            view! {
                                <button type="button" class="button" on:click=move |_| load(source.clone())>
                                    {i18n.t(Text::TryAgain)}
                                </button>
                            }.into_any()
                        } else if cursor.with(Option::is_some) {
                            view! {
                                <button type="button" class="button load-more" on:click=move |_| load(source.clone())>
                                    {i18n.t(Text::LoadMore)}
                                </button>
                            }.into_any()
                        } else if loaded_once.get() && posts.with(Vec::is_empty) {
                            view! { <p class="muted">{i18n.t(Text::EmptyFeed)}</p> }.into_any()
                        } else if loaded_once.get() {
                            view! { <p class="muted">{i18n.t(Text::CaughtUp)}</p> }.into_any()
                        } else {
                            ().into_any()
                        }
                    }
                }
            </div>
        </section>
    }
}
