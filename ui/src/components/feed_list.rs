//! A paged list of posts: a server timeline, or "For you" ranked by the app. Only the
//! posts on screen or near it are in the page (see `window`), so thousands stay smooth;
//! the next page loads by itself as the end comes near; on a phone, pulling down at the
//! top refreshes.

use std::collections::HashMap;

use leptos::ev;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Post, RankReason, Timeline};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::post_card::PostCard;
use crate::components::window::{self, Pull};
use crate::i18n::{Text, tr, use_i18n};
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

type Key = (i64, Option<i64>);

impl Item {
    /// A post reposted by someone is a different entry from the post itself.
    fn key(&self) -> Key {
        (self.post.id, self.post.reposted_by.as_ref().map(|a| a.id))
    }
}

fn key_text(key: Key) -> String {
    format!("{}-{}", key.0, key.1.unwrap_or(0))
}

/// Where the page is scrolled, how tall the screen is, where the list starts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Viewport {
    scroll_y: f64,
    screen_px: f64,
    list_top: f64,
}

/// The phone layout, where pull to refresh belongs.
fn is_phone() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 600.0)
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
    let heights = RwSignal::new(HashMap::<Key, f64>::new());
    let viewport = RwSignal::new(Viewport {
        scroll_y: 0.0,
        screen_px: 800.0,
        list_top: 0.0,
    });
    let list = NodeRef::<Div>::new();
    let pull_from = StoredValue::new(None::<f64>);
    let pulled = RwSignal::new(Pull::Idle);

    // Each reload starts a new generation: a page asked for before it belongs to the list
    // as it was, and is dropped when it arrives.
    let generation = StoredValue::new(0_u64);
    let load = move || {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        error.set(None);
        let before = cursor.get_untracked();
        let asked_in = generation.get_value();
        spawn_local(async move {
            let source = source.get_value();
            let fetched = fetch(&source, before.as_deref()).await;
            if generation.get_value() != asked_in {
                return;
            }
            match fetched {
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
        generation.update_value(|g| *g = g.wrapping_add(1));
        loading.set(false);
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

    // Measure after layout: where the list is, and how tall each rendered post is.
    let measure = move || {
        request_animation_frame(move || {
            let Some(element) = list.get_untracked() else {
                return;
            };
            let window = window();
            let scroll_y = window.scroll_y().unwrap_or(0.0);
            let screen_px = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(800.0);
            let list_top = element.get_bounding_client_rect().top() + scroll_y;
            let next = Viewport {
                scroll_y,
                screen_px,
                list_top,
            };
            if viewport.get_untracked() != next {
                viewport.set(next);
            }
            let Ok(rendered) = element.query_selector_all(".feed-item") else {
                return;
            };
            let mut changed = Vec::new();
            heights.with_untracked(|known| {
                for index in 0..rendered.length() {
                    let Some(node) = rendered
                        .get(index)
                        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                    else {
                        continue;
                    };
                    let key = node.dataset().get("key").and_then(|k| {
                        let (id, by) = k.split_once('-')?;
                        let by: i64 = by.parse().ok()?;
                        Some((id.parse().ok()?, (by != 0).then_some(by)))
                    });
                    let height = f64::from(node.offset_height());
                    if let Some(key) = key
                        && known.get(&key).is_none_or(|h| (h - height).abs() > 0.5)
                    {
                        changed.push((key, height));
                    }
                }
            });
            if !changed.is_empty() {
                heights.update(|known| known.extend(changed));
            }
        });
    };
    let scrolled = window_event_listener(ev::scroll, move |_| measure());
    let resized = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || {
        scrolled.remove();
        resized.remove();
    });

    let range = Memo::new(move |_| {
        let known = heights.get();
        let sizes: Vec<Option<f64>> =
            items.with(|list| list.iter().map(|i| known.get(&i.key()).copied()).collect());
        let view = viewport.get();
        window::window(&sizes, view.list_top, view.scroll_y, view.screen_px)
    });
    // Re-measure whenever the rendered slice changes; load more near the end.
    Effect::new(move |_| {
        let current = range.get();
        measure();
        let near_end = current.end + 5 >= items.with(Vec::len);
        if near_end && cursor.with(Option::is_some) && !loading.get() && error.with(Option::is_none)
        {
            load();
        }
    });
    let visible = move || {
        let current = range.get();
        items.with(|list| {
            list.get(current.start..current.end)
                .map(<[Item]>::to_vec)
                .unwrap_or_default()
        })
    };

    let touch_y = |ev: &web_sys::TouchEvent| ev.touches().get(0).map(|t| f64::from(t.client_y()));
    let on_touch_start = move |ev: web_sys::TouchEvent| {
        let at_top = window().scroll_y().unwrap_or(1.0) <= 0.0;
        pull_from.set_value(if at_top && is_phone() {
            touch_y(&ev)
        } else {
            None
        });
    };
    let on_touch_move = move |ev: web_sys::TouchEvent| {
        if let (Some(from), Some(now)) = (pull_from.get_value(), touch_y(&ev)) {
            pulled.set(window::pull(now - from));
        }
    };
    let on_touch_end = move |_: web_sys::TouchEvent| {
        if pulled.get_untracked() == Pull::Armed {
            reload();
        }
        pull_from.set_value(None);
        pulled.set(Pull::Idle);
    };

    view! {
        <section class="feed" aria-busy=move || loading.get().to_string()
            on:touchstart=on_touch_start on:touchmove=on_touch_move on:touchend=on_touch_end>
            <Show when=move || pulled.get() != Pull::Idle>
                <p class="pull-indicator" class:armed=move || pulled.get() == Pull::Armed role="status">
                    {move || tr(i18n.language.get(), if pulled.get() == Pull::Armed { Text::ReleaseToRefresh } else { Text::PullToRefresh })}
                </p>
            </Show>
            <div class="feed-items" node_ref=list>
                <div class="feed-spacer" style:height=move || format!("{}px", range.get().before_px)></div>
                <For each=visible key=Item::key let:item>
                    <div class="feed-item" data-key=key_text(item.key())>
                        {let item = item.clone();
                        match item.why {
                            Some(why) => view! { <PostCard post=item.post why=why/> }.into_any(),
                            None => view! { <PostCard post=item.post/> }.into_any(),
                        }}
                    </div>
                </For>
                <div class="feed-spacer" style:height=move || format!("{}px", range.get().after_px)></div>
            </div>
            {move || error.get().map(|e| view! {
                <ErrorMessage error=e/>
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
