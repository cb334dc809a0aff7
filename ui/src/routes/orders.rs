//! The shopper's orders, newest first, each with its store, total and where it stands.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Order, OrderPage, OrderStatus};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

pub fn status_text(status: OrderStatus) -> Text {
    match status {
        OrderStatus::Placed => Text::StatusPlaced,
        OrderStatus::Paid => Text::StatusPaid,
        OrderStatus::Shipped => Text::StatusShipped,
        OrderStatus::Delivered => Text::StatusDelivered,
        OrderStatus::Cancelled => Text::StatusCancelled,
        OrderStatus::Refunded => Text::StatusRefunded,
    }
}

/// One order as a row of a list: who from (or to whom), when, how much, its status.
#[component]
pub fn OrderRow(order: Order, #[prop(optional)] for_store: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let id = order.id;
    let total = order.total.clone();
    let created = order.created_at;
    let who = if for_store {
        format!("@{}", order.shopper_handle)
    } else {
        order.store_name.clone()
    };
    let open = move |_| {
        if !for_store {
            state.open(Screen::Order(id));
        }
    };
    view! {
        <li class="order-row panel" data-order-id=id data-status=order.status.as_str()>
            <button type="button" class="order-open" on:click=open disabled=for_store>
                <span class="order-who" dir="auto">{who}</span>
                <span class="muted">{move || format!("#{} · {}", format::number(i18n.language.get(), id.unsigned_abs()),
                    format::date(i18n.language.get(), created, format::local_offset_minutes(created)))}</span>
                <span class="badge order-status">{move || tr(i18n.language.get(), status_text(order.status))}</span>
                <span class="price">{move || format::money(i18n.language.get(), &total)}</span>
            </button>
        </li>
    }
}

#[component]
pub fn OrdersScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let page = RwSignal::new(None::<Result<OrderPage, ErrorBody>>);
    spawn_local(async move {
        let answer = api::orders(None).await;
        if let Err(e) = &answer {
            state.note_error(e);
        }
        page.set(Some(answer));
    });
    view! {
        <BackHeader><h1>{i18n.t(Text::Orders)}</h1></BackHeader>
        {move || match page.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(p)) if p.orders.is_empty() => view! { <p class="muted empty">{i18n.t(Text::NoOrders)}</p> }.into_any(),
            Some(Ok(p)) => view! {
                <ul class="orders">
                    {p.orders.into_iter().map(|order| view! { <OrderRow order=order/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
