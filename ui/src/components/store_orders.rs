//! The studio's orders: each of the store's orders with where it goes and its timeline,
//! and the step it is ready for: ship (with carrier and tracking number), mark
//! delivered, cancel before shipping, refund after.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{CancelOrder, ErrorBody, Order, OrderPage, OrderStatus, ShipOrder, StoreStep};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::order::OrderDetail;
use crate::routes::orders::status_text;

#[component]
fn StoreOrder(handle: String, order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(order);
    let carrier = RwSignal::new(String::new());
    let tracking = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let open = RwSignal::new(false);
    let step = move |step: StoreStep| {
        let handle = handle.clone();
        let id = current.get_untracked().id;
        busy.set(true);
        spawn_local(async move {
            match api::store_step(&handle, id, &step).await {
                Ok(moved) => {
                    current.set(moved);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let ship = {
        let step = step.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            step(StoreStep::Ship(ShipOrder {
                carrier: carrier.get_untracked(),
                tracking_number: tracking.get_untracked(),
            }));
        }
    };
    let deliver = {
        let step = step.clone();
        move |_| step(StoreStep::Deliver)
    };
    let cancel = {
        let step = step.clone();
        move |_| step(StoreStep::Cancel(CancelOrder::default()))
    };
    let refund = move |_| step(StoreStep::Refund(CancelOrder::default()));
    view! {
        <li class="store-order panel" data-order-id=move || current.get().id data-status=move || current.get().status.as_str()>
            <button type="button" class="order-open" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span dir="ltr">{move || format!("@{}", current.get().shopper_handle)}</span>
                <span class="muted">{move || format!("#{}", format::number(i18n.language.get(), current.get().id.unsigned_abs()))}</span>
                <span class="badge order-status">{move || tr(i18n.language.get(), status_text(current.get().status))}</span>
                <span class="price">{move || format::money(i18n.language.get(), &current.get().total)}</span>
            </button>
            {move || open.get().then(|| view! { <OrderDetail order=current.get()/> })}
            {move || match current.get().status {
                OrderStatus::Paid => view! {
                    <form class="ship-form" on:submit=ship.clone()>
                        <div class="card-form-row">
                            <div class="field">
                                <label for=format!("carrier-{}", current.get_untracked().id)>{i18n.t(Text::Carrier)}</label>
                                <input id=format!("carrier-{}", current.get_untracked().id) class="carrier-input" dir="auto" required
                                    prop:value=carrier on:input=move |ev| carrier.set(event_target_value(&ev))/>
                            </div>
                            <div class="field">
                                <label for=format!("tracking-{}", current.get_untracked().id)>{i18n.t(Text::TrackingNumber)}</label>
                                <input id=format!("tracking-{}", current.get_untracked().id) class="tracking-input" dir="ltr" required
                                    prop:value=tracking on:input=move |ev| tracking.set(event_target_value(&ev))/>
                            </div>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="button button-primary mark-shipped" disabled=busy>{i18n.t(Text::MarkShipped)}</button>
                            <button type="button" class="button button-danger store-cancel" disabled=busy on:click=cancel.clone()>{i18n.t(Text::CancelOrder)}</button>
                        </div>
                    </form>
                }.into_any(),
                OrderStatus::Shipped => view! {
                    <div class="form-actions">
                        <button type="button" class="button button-primary mark-delivered" disabled=busy on:click=deliver.clone()>{i18n.t(Text::MarkDelivered)}</button>
                        <button type="button" class="button button-danger refund" disabled=busy on:click=refund.clone()>{i18n.t(Text::Refund)}</button>
                    </div>
                }.into_any(),
                OrderStatus::Delivered => view! {
                    <div class="form-actions">
                        <button type="button" class="button button-danger refund" disabled=busy on:click=refund.clone()>{i18n.t(Text::Refund)}</button>
                    </div>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        </li>
    }
}

#[component]
pub fn StoreOrders(handle: String) -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(None::<Result<OrderPage, ErrorBody>>);
    {
        let handle = handle.clone();
        spawn_local(async move { page.set(Some(api::store_orders(&handle, None).await)) });
    }
    view! {
        {move || match page.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(p)) if p.orders.is_empty() => view! { <p class="muted empty">{i18n.t(Text::NoStoreOrders)}</p> }.into_any(),
            Some(Ok(p)) => {
                let handle = handle.clone();
                view! {
                    <ul class="store-orders">
                        {p.orders.into_iter().map(|order| view! { <StoreOrder handle=handle.clone() order=order/> }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}
