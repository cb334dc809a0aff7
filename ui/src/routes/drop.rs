//! A drop's page: the product, a live countdown to the launch in the user's time zone,
//! Remind me with the reminder count, from the launch on Buy now and Shop on website,
//! and the launch posts gathered by its hashtag. Updates from the server (a new time, a
//! cancellation, the launch, a sell-out) show at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::app::NotificationPermission;
use souq_wire::{DropState, ErrorBody, ErrorCode, ProductDrop, Timeline};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::error_message::ErrorMessage;
use crate::components::feed_list::{FeedList, FeedSource};
use crate::components::product_card::ProductCard;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

#[component]
fn Countdown(drop: RwSignal<ProductDrop>) -> impl IntoView {
    let i18n = use_i18n();
    let now = RwSignal::new(format::now());
    // A tick a second while the page shows; it ends with the page.
    let alive = RwSignal::new(true);
    on_cleanup(move || alive.set(false));
    spawn_local(async move {
        while alive.try_get_untracked().unwrap_or(false) {
            crate::clock::sleep(1_000).await;
            let _ = now.try_set(format::now());
        }
    });
    move || {
        let language = i18n.language.get();
        let launch = drop.with(|d| d.launch_at);
        let left = (launch - now.get()).num_seconds();
        let when = format::date_time(language, launch, format::local_offset_minutes(launch));
        view! {
            <p class="drop-countdown" role="timer" aria-live="off">
                <span class="eyebrow">{tr(language, Text::DropStartsIn)}</span>
                <span class="countdown-digits">{format::countdown(language, left)}</span>
            </p>
            <p class="drop-when">{format!("{} {when}", tr(language, Text::DropLaunch))}</p>
        }
    }
}

#[component]
fn Details(drop: ProductDrop) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = drop.id;
    let drop = RwSignal::new(drop);
    let error = RwSignal::new(None::<ErrorBody>);
    let denied = RwSignal::new(false);
    let late = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // What the server says from now on.
    spawn_local(async move {
        let _ = api::listen_drop_updates(move |update| {
            if update.id == id {
                let _ = drop.try_update(|d| {
                    d.launch_at = update.launch_at;
                    d.state = update.state;
                    d.left = update.left;
                });
            }
        })
        .await;
    });
    let toggle = move |_| {
        let on = !drop.with_untracked(|d| d.reminded);
        busy.set(true);
        spawn_local(async move {
            match api::set_reminder(id, on).await {
                Ok(outcome) => {
                    denied.set(outcome.permission == NotificationPermission::Denied);
                    late.set(outcome.reminded && !outcome.on_time);
                    drop.update(|d| {
                        d.reminded = outcome.reminded;
                        d.reminder_count = outcome.reminder_count;
                    });
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let buy = move |_| {
        let variant = drop.with_untracked(|d| d.variant_id);
        spawn_local(async move {
            match api::add_to_cart(variant, 1).await {
                Ok(cart) => {
                    state.cart_items.set(cart.items);
                    state.open(Screen::Checkout);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let website = move |_| {
        spawn_local(async move {
            error.set(api::open_drop_website(id).await.err());
        });
    };
    let notifications_off = move || {
        state
            .preferences
            .with(|p| p.as_ref().is_some_and(|p| !p.drop_notifications))
    };
    let product = drop.with_untracked(|d| d.product.clone());
    let store = drop.with_untracked(|d| d.store.clone());
    view! {
        <section class="panel drop-page" data-drop-id=id>
            <button type="button" class="link product-store-link"
                on:click=move |_| state.open(Screen::Profile(store.handle.clone()))>
                <span dir="auto">{store.display_name.clone()}</span>
            </button>
            <h1 class="product-name" dir="auto">{move || drop.with(|d| d.title.clone())}</h1>
            <p class="drop-state" data-state=move || format!("{:?}", drop.with(|d| d.state)).to_lowercase()>
                {move || {
                    let language = i18n.language.get();
                    drop.with(|d| match d.state {
                        DropState::Scheduled => "",
                        DropState::Live => tr(language, Text::DropLive),
                        DropState::SoldOut => tr(language, Text::DropSoldOut),
                        DropState::Ended => tr(language, Text::DropEnded),
                        DropState::Cancelled => tr(language, Text::DropCancelled),
                    })
                }}
            </p>
            <Show when=move || drop.with(|d| d.state == DropState::Live)>
                <p class="drop-left">{move || {
                    drop.with(|d| format::left_of(i18n.language.get(), d.left, d.stock))
                }}</p>
            </Show>
            <Show when=move || drop.with(|d| d.state == DropState::Scheduled)>
                <Countdown drop=drop/>
                <div class="buy-buttons">
                    <button type="button" class="button remind-me"
                        class:button-primary=move || !drop.with(|d| d.reminded)
                        aria-pressed=move || drop.with(|d| d.reminded).to_string()
                        disabled=move || busy.get() on:click=toggle>
                        {move || {
                            let language = i18n.language.get();
                            if drop.with(|d| d.reminded) {
                                tr(language, Text::DropReminded)
                            } else {
                                tr(language, Text::DropRemindMe)
                            }
                        }}
                    </button>
                </div>
                <p class="reminder-count">{move || {
                    let language = i18n.language.get();
                    format!(
                        "{} {}",
                        tr(language, Text::DropReminderCount),
                        format::number(language, drop.with(|d| d.reminder_count).unsigned_abs()),
                    )
                }}</p>
                {move || denied.get().then(|| view! {
                    <p class="error" role="alert">{i18n.t(Text::DropPermissionDenied)}</p>
                })}
                {move || late.get().then(|| view! {
                    <div class="exact-alarms" role="status">
                        <p>{i18n.t(Text::DropMayBeLate)}</p>
                        <button type="button" class="button allow-exact-alarms" on:click=move |_| {
                            spawn_local(async move {
                                let _ = api::request_exact_alarms().await;
                            });
                        }>{i18n.t(Text::DropAllowOnTime)}</button>
                    </div>
                })}
                {move || (drop.with(|d| d.reminded) && notifications_off()).then(|| view! {
                    <p class="muted" role="status">{i18n.t(Text::DropNotificationsOff)}</p>
                })}
            </Show>
            <Show when=move || drop.with(|d| matches!(d.state, DropState::Live | DropState::SoldOut))>
                <div class="buy-buttons">
                    <button type="button" class="button button-primary buy-now"
                        disabled=move || drop.with(|d| !d.state.on_sale()) on:click=buy>
                        {i18n.t(Text::DropBuyNow)}
                    </button>
                    {move || drop.with(|d| d.external_url.is_some()).then(|| view! {
                        <button type="button" class="button shop-on-website" on:click=website>
                            {i18n.t(Text::DropShopWebsite)}
                        </button>
                    })}
                </div>
            </Show>
            <ul class="drop-facts">
                <li dir="auto">{move || drop.with(|d| d.variant_name.clone())}</li>
                <li class="price">{move || drop.with(|d| format::money(i18n.language.get(), &d.price))}</li>
                <li>{move || {
                    let language = i18n.language.get();
                    format!(
                        "{} {}",
                        tr(language, Text::DropLimit),
                        format::number(language, drop.with(|d| d.per_customer_limit).unsigned_abs())
                    )
                }}</li>
            </ul>
            {move || error.get().map(|e| view! { <ErrorMessage error=e/> })}
            <ProductCard product=product/>
        </section>
    }
}

#[component]
pub fn DropScreen(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let found = RwSignal::new(None::<Result<ProductDrop, ErrorBody>>);
    spawn_local(async move {
        found.set(Some(api::drop_page(id).await));
    });
    view! {
        <BackHeader/>
        {move || match found.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) if e.code == ErrorCode::NotFound => {
                view! { <p class="muted" role="status">{i18n.t(Text::ProductNotFound)}</p> }.into_any()
            }
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(drop)) => {
                let tag = drop.hashtag.clone();
                view! {
                    <Details drop=drop/>
                    <h2 class="section-title">{i18n.t(Text::DropLaunchPosts)}</h2>
                    <FeedList source=FeedSource::Timeline(Timeline::Hashtag { tag })/>
                }
                .into_any()
            }
        }}
    }
}
