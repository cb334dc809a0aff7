//! The notifications inbox: follows, likes, reposts, mentions, orders moved along, and
//! money sent, asked for, declined or given.
//! Opening it marks everything read.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::app::{FiredReminder, ReminderKind};
use souq_wire::{ErrorBody, Notification, NotificationKind, OrderStatus};

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

pub fn kind_text(notification: &Notification) -> Text {
    match notification.kind {
        NotificationKind::Followed => Text::NotifFollowed,
        NotificationKind::Liked => Text::NotifLiked,
        NotificationKind::Reposted => Text::NotifReposted,
        NotificationKind::Mentioned => Text::NotifMentioned,
        NotificationKind::Order => match notification.order_status {
            Some(OrderStatus::Shipped) => Text::NotifOrderShipped,
            Some(OrderStatus::Delivered) => Text::NotifOrderDelivered,
            Some(OrderStatus::Cancelled) => Text::NotifOrderCancelled,
            Some(OrderStatus::Refunded) => Text::NotifOrderRefunded,
            Some(OrderStatus::Placed | OrderStatus::Paid) | None => Text::NotifOrderPaid,
        },
        NotificationKind::MoneyReceived => Text::NotifMoneyReceived,
        NotificationKind::MoneyRequested => Text::NotifMoneyRequested,
        NotificationKind::RequestDeclined => Text::NotifRequestDeclined,
        NotificationKind::Donation => Text::NotifDonation,
    }
}

#[component]
fn Entry(notification: Notification) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let target = match (
        notification.money.is_some(),
        notification.order_id,
        notification.post_id,
    ) {
        // Money opens the wallet, where a request is paid or declined.
        (true, _, _) => Screen::Wallet,
        (false, Some(order), _) => Screen::Order(order),
        (false, None, Some(post)) => Screen::Post(post),
        (false, None, None) => Screen::Profile(notification.actor.handle.clone()),
    };
    let money = notification.money.clone();
    let created = notification.created_at;
    view! {
        <li class="notification" class:unread=!notification.read data-kind=format!("{:?}", notification.kind).to_lowercase()>
            <button type="button" class="notification-open" on:click=move |_| state.open(target.clone())>
                <Avatar author=notification.actor.clone()/>
                <span class="notification-text">
                    <strong dir="auto">{notification.actor.display_name.clone()}</strong>" "
                    {i18n.t(kind_text(&notification))}
                    {money.map(|money| view! { " " <strong class="price">{move || format::money(i18n.language.get(), &money)}</strong> })}
                    {notification.post_excerpt.clone().or(notification.note.clone()).map(|excerpt| view! { <span class="excerpt" dir="auto">{excerpt}</span> })}
                </span>
                <time class="post-time">{move || format::relative(i18n.language.get(), created, format::now(), format::local_offset_minutes(created))}</time>
            </button>
        </li>
    }
}

#[component]
pub fn NotificationsScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let entries = RwSignal::new(None::<Result<Vec<Notification>, ErrorBody>>);
    spawn_local(async move {
        match api::notifications(None).await {
            Ok(page) => {
                entries.set(Some(Ok(page.notifications)));
                if page.unread > 0 && api::mark_notifications_read().await.is_ok() {
                    state.unread.set(0);
                }
            }
            Err(e) => {
                state.note_error(&e);
                entries.set(Some(Err(e)));
            }
        }
    });
    let fired = RwSignal::new(Vec::<FiredReminder>::new());
    spawn_local(async move {
        if let Ok(list) = api::fired_reminders().await {
            fired.set(list);
        }
    });
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::NavNotifications)}</h1></header>
        <Show when=move || fired.with(|f| !f.is_empty())>
            <section class="panel fired-reminders">
                <h2>{i18n.t(Text::RemindersFired)}</h2>
                <ul class="notifications">
                    {move || fired.get().into_iter().map(|r| {
                        let id = r.drop_id;
                        let at = r.fired_at;
                        view! {
                            <li>
                                <button type="button" class="link fired-reminder"
                                    on:click=move |_| state.open(Screen::Drop(id))>
                                    <strong dir="auto">{r.title.clone()}</strong>" "
                                    <span dir="auto">{r.store.clone()}</span>" "
                                    <span>{move || tr(i18n.language.get(), match r.kind {
                                        ReminderKind::Soon => Text::ReminderSoon,
                                        ReminderKind::Live => Text::ReminderLive,
                                    })}</span>" "
                                    <span class="muted">{move || {
                                        let language = i18n.language.get();
                                        format::date_time(language, at, format::local_offset_minutes(at))
                                    }}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
        {move || match entries.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="muted empty">{i18n.t(Text::NoNotifications)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="notifications">
                    {list.into_iter().map(|n| view! { <Entry notification=n/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
