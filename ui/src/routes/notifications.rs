//! The notifications inbox: follows, likes, reposts, mentions, orders moved along,
//! money sent, asked for, declined or given; a card locked, or a payment with it to
//! approve (answered right there); and "was this you?" for what another of the
//! person's sessions did, with the one tap that ends it. Opening it marks everything
//! read.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::app::{FiredReminder, ReminderKind};
use souq_wire::{ErrorBody, Notification, NotificationKind, OrderStatus};

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::card_approval::{Asked, CardApproval};
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
        NotificationKind::SignedIn => Text::NotifSignedIn,
        NotificationKind::PinChanged => Text::NotifPinChanged,
        NotificationKind::CardRevealed => Text::NotifCardRevealed,
        NotificationKind::CardLocked => Text::NotifCardLocked,
        NotificationKind::CardApproval => Text::NotifCardApproval,
    }
}

/// "Was this you?": what another session did, naming its device, with one tap to end
/// it; the session reading it sees it as its own.
#[component]
fn SecurityEntry(notification: Notification) -> impl IntoView {
    let i18n = use_i18n();
    let session = notification.session.clone();
    let ended = RwSignal::new(session.as_ref().is_some_and(|s| !s.active));
    let error = RwSignal::new(None::<ErrorBody>);
    let created = notification.created_at;
    let device = session
        .as_ref()
        .map(|s| s.device.clone())
        .unwrap_or_default();
    let this_session = session.as_ref().is_some_and(|s| s.this_session);
    let session_id = session.map(|s| s.session_id).unwrap_or_default();
    let end = move |_| {
        let id = session_id.clone();
        spawn_local(async move {
            match api::end_session(&id).await {
                Ok(()) => ended.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <li class="notification security-notice" class:unread=!notification.read
            data-kind=notification.kind.as_str()>
            <div class="notification-text">
                <strong>{i18n.t(kind_text(&notification))}" "<bdi dir="ltr">{device}</bdi></strong>
                {if this_session {
                    view! { <span class="muted">" · "{i18n.t(Text::ThisDevice)}</span> }.into_any()
                } else {
                    view! {
                        <span>" "{i18n.t(Text::WasThisYou)}</span>
                        {move || if ended.get() {
                            view! { <p class="muted session-ended" role="status">{i18n.t(Text::SessionEnded)}</p> }.into_any()
                        } else {
                            let end = end.clone();
                            view! { <button type="button" class="button end-session" on:click=end>{i18n.t(Text::EndThatSession)}</button> }.into_any()
                        }}
                    }.into_any()
                }}
                {move || error.get().map(|e| view! { <ErrorMessage error=e/> })}
            </div>
            <time class="post-time">{move || format::relative(i18n.language.get(), created, format::now(), format::local_offset_minutes(created))}</time>
        </li>
    }
}

/// A payment another account asks of the person's card: answered here.
fn approval_of(notification: &Notification) -> Option<Asked> {
    let card = notification.card.as_ref()?;
    if card.status != Some(souq_wire::CardTransactionStatus::AwaitingApproval) {
        return None;
    }
    Some(Asked {
        card_id: card.card_id,
        transaction_id: card.transaction_id?,
        payer: format!("@{}", notification.actor.handle),
        amount: notification.money.clone()?,
        merchant: card.merchant.clone().unwrap_or_default(),
        until: card.approval_until,
    })
}

#[component]
fn Entry(notification: Notification) -> impl IntoView {
    if notification.kind.is_security() {
        return view! { <SecurityEntry notification=notification/> }.into_any();
    }
    let i18n = use_i18n();
    let state = use_app();
    let asked = approval_of(&notification);
    let target = match (
        notification.money.is_some(),
        notification.order_id,
        notification.post_id,
    ) {
        // Money (and a card) opens the wallet, where a request is paid or declined.
        (true, _, _) => Screen::Wallet,
        _ if notification.card.is_some() => Screen::Wallet,
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
            {asked.map(|asked| view! { <CardApproval asked=asked on_answered=Callback::new(|_| ())/> })}
        </li>
    }
    .into_any()
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
