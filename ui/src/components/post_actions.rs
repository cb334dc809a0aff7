//! The action bar under a post: like, repost or quote, bookmark, share, and delete for
//! the author. Counts come back from the server after each action, so they are exact.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{Post, PostAction, PostStats, ViewerState};

use crate::api;
use crate::components::share::{self, Shared};
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::use_app;

#[component]
pub fn PostActions(post: Post, removed: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = post.id;
    let stats = RwSignal::new(post.stats.clone());
    let viewer = RwSignal::new(post.viewer);
    let busy = RwSignal::new(false);
    let repost_menu = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let notice = RwSignal::new(None::<Text>);
    let mine = state.user.with_untracked(|u| u.as_ref().map(|u| u.id)) == Some(post.author.id);

    let act = move |action: PostAction, on: bool| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::post_action(id, action, on).await {
                Ok(activity) => {
                    stats.set(activity.stats);
                    viewer.set(activity.viewer);
                }
                Err(e) => {
                    state.note_error(&e);
                    notice.set(Some(crate::i18n::error_text(&e)));
                }
            }
            busy.set(false);
        });
    };
    let share_post = {
        let text: String = post.body.chars().take(120).collect();
        move |_| {
            let text = text.clone();
            spawn_local(async move {
                let shared = share::share(&text, &share::post_link(id)).await;
                notice.set(match shared {
                    Shared::Sheet => None,
                    Shared::Copied => Some(Text::LinkCopied),
                    Shared::Failed => Some(Text::ErrGeneric),
                });
                if !matches!(shared, Shared::Failed) {
                    act(PostAction::Share, true);
                }
            });
        }
    };
    let quote_post = post.clone();
    let delete = move |_| {
        spawn_local(async move {
            match api::delete_post(id).await {
                Ok(()) => removed.set(true),
                Err(e) => notice.set(Some(crate::i18n::error_text(&e))),
            }
        });
    };
    let count = move |pick: fn(&PostStats) -> i64| {
        move || {
            let n = stats.with(pick);
            if n > 0 {
                format::number(i18n.language.get(), n.unsigned_abs())
            } else {
                String::new()
            }
        }
    };
    let pressed = move |pick: fn(&ViewerState) -> bool| move || viewer.with(pick).to_string();

    view! {
        <div class="post-actions" role="group">
            <button type="button" class="action like" class:on=move || viewer.with(|v| v.liked)
                aria-pressed=pressed(|v| v.liked) disabled=busy
                on:click=move |_| act(PostAction::Like, !viewer.with_untracked(|v| v.liked))>
                // The name is the action and then the count that shows, so what is read
                // out contains what is seen.
                <span class="visually-hidden">{i18n.t(Text::Like)}</span>
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 20.5s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7.7a4.3 4.3 0 0 1 7.5 2.6c0 5.6-7.5 10.2-7.5 10.2z"/></svg>
                <span class="count">{count(|s| s.likes)}</span>
            </button>
            <div class="action-menu">
                <button type="button" class="action repost" class:on=move || viewer.with(|v| v.reposted)
                    aria-pressed=pressed(|v| v.reposted)
                    aria-expanded=move || repost_menu.get().to_string()
                    on:click=move |_| repost_menu.update(|open| *open = !*open)>
                    <span class="visually-hidden">{i18n.t(Text::Repost)}</span>
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7h10l-2.5-2.5M17 17H7l2.5 2.5M17 7v5M7 17v-5"/></svg>
                    <span class="count">{count(|s| s.reposts + s.quotes)}</span>
                </button>
                <Show when=move || repost_menu.get()>
                    <div class="menu" role="menu">
                        <button type="button" role="menuitem" class="menu-repost" on:click=move |_| {
                            repost_menu.set(false);
                            act(PostAction::Repost, !viewer.with_untracked(|v| v.reposted));
                        }>
                            {move || tr(i18n.language.get(), if viewer.with(|v| v.reposted) { Text::UndoRepost } else { Text::Repost })}
                        </button>
                        <button type="button" role="menuitem" class="menu-quote" on:click={
                            let quote_post = quote_post.clone();
                            move |_| {
                                repost_menu.set(false);
                                state.composing.set(Some(Some(quote_post.clone())));
                            }
                        }>{i18n.t(Text::Quote)}</button>
                    </div>
                </Show>
            </div>
            <button type="button" class="action bookmark" class:on=move || viewer.with(|v| v.bookmarked)
                aria-pressed=pressed(|v| v.bookmarked) aria-label=i18n.t(Text::Bookmark) disabled=busy
                on:click=move |_| act(PostAction::Bookmark, !viewer.with_untracked(|v| v.bookmarked))>
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.5 4h11v16l-5.5-4-5.5 4z"/></svg>
            </button>
            <button type="button" class="action share" on:click=share_post>
                <span class="visually-hidden">{i18n.t(Text::Share)}</span>
                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 15V4M8 8l4-4 4 4M5 13v6h14v-6"/></svg>
                <span class="count">{count(|s| s.shares)}</span>
            </button>
            {mine.then(|| view! {
                <Show when=move || confirm_delete.get() fallback=move || view! {
                    <button type="button" class="action delete" aria-label=i18n.t(Text::Delete)
                        on:click=move |_| confirm_delete.set(true)>
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M5 7h14M10 7V5h4v2M7 7l1 13h8l1-13"/></svg>
                    </button>
                }>
                    <span class="confirm">
                        <span>{i18n.t(Text::ConfirmDelete)}</span>
                        <button type="button" class="link danger confirm-delete" on:click=delete>{i18n.t(Text::Delete)}</button>
                        <button type="button" class="link" on:click=move |_| confirm_delete.set(false)>{i18n.t(Text::Cancel)}</button>
                    </span>
                </Show>
            })}
            {move || notice.get().map(|text| view! { <span class="notice" role="status">{move || tr(i18n.language.get(), text)}</span> })}
        </div>
    }
}
