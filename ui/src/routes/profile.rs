//! A profile: a person's or a store's, with follow, their posts, followers, following.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{Author, AuthorKind, ErrorBody, Profile, Storefront, Timeline};

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::back_header::BackHeader;
use crate::components::donate::DonateButton;
use crate::components::error_message::ErrorMessage;
use crate::components::feed_list::{FeedList, FeedSource};
use crate::components::storefront::StorefrontView;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::settings::role_text;
use crate::state::{Screen, use_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    /// A store's mini-store.
    Shop,
    Posts,
    Followers,
    Following,
}

#[component]
fn PeopleList(handle: String, followers: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let people = RwSignal::new(None::<Result<Vec<Author>, ErrorBody>>);
    spawn_local(async move {
        people.set(Some(
            api::people(&handle, followers, None)
                .await
                .map(|p| p.people),
        ));
    });
    view! {
        {move || match people.get() {
            None => view! { <p class="muted">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="people">
                    {list.into_iter().map(|person| {
                        let handle = person.handle.clone();
                        view! {
                            <li>
                                <button type="button" class="person" on:click=move |_| state.open(Screen::Profile(handle.clone()))>
                                    <Avatar author=person.clone()/>
                                    <span class="author-name" dir="auto">{person.display_name.clone()}</span>
                                    <span class="author-handle" dir="ltr">{format!("@{}", person.handle)}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn Header(profile: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let followers = RwSignal::new(profile.followers);
    let following = RwSignal::new(profile.followed_by_viewer);
    let busy = RwSignal::new(false);
    let handle = profile.author.handle.clone();
    let toggle = move |_| {
        let handle = handle.clone();
        busy.set(true);
        spawn_local(async move {
            if let Ok(state) = api::set_follow(&handle, !following.get_untracked()).await {
                following.set(state.followed_by_viewer);
                followers.set(state.followers);
            }
            busy.set(false);
        });
    };
    let count = move |n: i64| format::number(i18n.language.get(), n.unsigned_abs());
    let following_count = profile.following;
    view! {
        <section class="panel profile-head">
            <div class="profile-top">
                <Avatar author=profile.author.clone()/>
                <div class="who">
                    <h1 class="author-name" dir="auto">{profile.author.display_name.clone()}</h1>
                    <span class="author-handle" dir="ltr">{format!("@{}", profile.author.handle)}</span>
                    <span class="badge">{i18n.t(role_text(profile.role))}</span>
                </div>
                {if profile.is_viewer {
                    view! { <span class="muted">{i18n.t(Text::EditProfileLater)}</span> }.into_any()
                } else {
                    view! {
                        <button type="button" class="button follow" class:button-primary=move || !following.get()
                            aria-pressed=move || following.get().to_string() disabled=busy on:click=toggle>
                            {move || tr(i18n.language.get(), if following.get() { Text::Unfollow } else { Text::Follow })}
                        </button>
                        // Only a verified nonprofit is shown as one, and only it takes gifts.
                        {(profile.author.kind == AuthorKind::Nonprofit).then(|| view! {
                            <DonateButton nonprofit=profile.author.clone()/>
                        })}
                    }.into_any()
                }}
            </div>
            {profile.store.as_ref().map(|store| view! { <p class="about" dir="auto">{store.about.clone()}</p> })}
            <p class="counts">
                <span><strong class="followers-count">{move || count(followers.get())}</strong>" "{i18n.t(Text::Followers)}</span>
                <span><strong>{move || count(following_count)}</strong>" "{i18n.t(Text::FollowingCount)}</span>
            </p>
        </section>
    }
}

#[component]
fn StoreTab(handle: String) -> impl IntoView {
    let i18n = use_i18n();
    let front = RwSignal::new(None::<Result<Storefront, ErrorBody>>);
    spawn_local(async move {
        front.set(Some(api::storefront(&handle).await));
    });
    move || match front.get() {
        None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
        Some(Ok(front)) => view! { <StorefrontView front=front/> }.into_any(),
    }
}

#[component]
pub fn ProfileScreen(handle: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let profile = RwSignal::new(None::<Result<Profile, ErrorBody>>);
    let tab = RwSignal::new(Tab::Posts);
    {
        let handle = handle.clone();
        spawn_local(async move {
            let result = api::profile(&handle).await;
            if let Err(e) = &result {
                state.note_error(e);
            }
            // A store opens on its mini-store.
            if result.as_ref().is_ok_and(|p| p.store.is_some()) {
                tab.set(Tab::Shop);
            }
            profile.set(Some(result));
        });
    }
    let tab_button = move |which: Tab, label: Text| {
        view! {
            <button type="button" role="tab" class="tab" class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>
                {i18n.t(label)}
            </button>
        }
    };
    let show_back = state.history.with_untracked(|h| !h.is_empty());
    view! {
        {show_back.then(|| view! {
            <BackHeader/>
        })}
        {move || match profile.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(p)) => view! { <Header profile=p/> }.into_any(),
        }}
        <div class="tabs" role="tablist">
            {move || profile.with(|p| matches!(p, Some(Ok(p)) if p.store.is_some()))
                .then(|| tab_button(Tab::Shop, Text::NavShop))}
            {tab_button(Tab::Posts, Text::Posts)}
            {tab_button(Tab::Followers, Text::Followers)}
            {tab_button(Tab::Following, Text::FollowingCount)}
        </div>
        {move || {
            let handle = handle.clone();
            match tab.get() {
                Tab::Shop => view! { <StoreTab handle=handle/> }.into_any(),
                Tab::Posts => view! { <FeedList source=FeedSource::Timeline(Timeline::Author { handle })/> }.into_any(),
                Tab::Followers => view! { <PeopleList handle=handle followers=true/> }.into_any(),
                Tab::Following => view! { <PeopleList handle=handle followers=false/> }.into_any(),
            }
        }}
    }
}
