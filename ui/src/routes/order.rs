//! One order: what was bought, where it goes, how it was paid, and its timeline from
//! placed to delivered, with the carrier and tracking number once shipped. Until it
//! ships, the shopper may cancel it (and is paid back).

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, Order, OrderStatus};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::orders::status_text;

/// What is bought, where it goes, and its timeline: shared by the shopper's order page
/// and the studio's.
#[component]
pub fn OrderDetail(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let address = order.address.clone();
    let (items, shipping, total) = (
        order.items.clone(),
        order.shipping.clone(),
        order.total.clone(),
    );
    view! {
        <section class="panel order-lines">
            <ul class="checkout-lines">
                {order.lines.iter().map(|l| {
                    let line_total = l.line_total.clone();
                    let quantity = l.quantity;
                    view! {
                        <li>
                            {l.image_media_id.map(|m| view! { <img class="thumb" src=api::media_url(m) alt=""/> })}
                            <span dir="auto">{l.title.clone()}" · "{l.variant_name.clone()}</span>
                            <span class="muted">{move || format!("× {}", format::number(i18n.language.get(), quantity.unsigned_abs()))}</span>
                            <span class="price">{move || format::money(i18n.language.get(), &line_total)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p><span>{i18n.t(Text::Items)}</span>" "<span class="price">{move || format::money(i18n.language.get(), &items)}</span></p>
            <p><span dir="auto">{order.shipping_name.clone()}</span>" "<span class="price">{move || format::money(i18n.language.get(), &shipping)}</span></p>
            <p class="checkout-total"><strong>{i18n.t(Text::Total)}</strong>" "<strong class="price">{move || format::money(i18n.language.get(), &total)}</strong></p>
            <p class="muted">{move || tr(i18n.language.get(), if order.payment_method == "card" { Text::PaidByCard } else { Text::PaidFromWallet })}</p>
        </section>
        <section class="panel order-address">
            <h2>{i18n.t(Text::ShipTo)}</h2>
            <p dir="auto"><strong>{address.name.clone()}</strong><br/>
                {address.line1.clone()}{(!address.line2.is_empty()).then(|| format!(", {}", address.line2))}<br/>
                {format!("{} {} {}", address.city, address.postal_code, address.country)}<br/>
                <span dir="ltr">{address.phone.clone()}</span></p>
        </section>
        {order.tracking_number.clone().map(|tracking| view! {
            <section class="panel order-tracking">
                <h2>{i18n.t(Text::Tracking)}</h2>
                <p><span dir="auto" class="carrier">{order.carrier.clone().unwrap_or_default()}</span>" "
                   <strong class="tracking-number" dir="ltr">{tracking}</strong></p>
            </section>
        })}
        <section class="panel">
            <h2>{i18n.t(Text::Timeline)}</h2>
            <ol class="timeline">
                {order.timeline.iter().map(|event| {
                    let at = event.at;
                    let status = event.status;
                    view! {
                        <li data-status=status.as_str()>
                            <strong>{move || tr(i18n.language.get(), status_text(status))}</strong>" "
                            <time class="muted">{move || format::date_time(i18n.language.get(), at, format::local_offset_minutes(at))}</time>
                            {(!event.note.is_empty()).then(|| view! { <span class="muted note" dir="auto">{event.note.clone()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub fn OrderScreen(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let order = RwSignal::new(None::<Result<Order, ErrorBody>>);
    let busy = RwSignal::new(false);
    spawn_local(async move { order.set(Some(api::order(id).await)) });
    let cancel = move |_| {
        busy.set(true);
        spawn_local(async move {
            let answer = api::cancel_order(id, "").await;
            order.set(Some(answer));
            busy.set(false);
        });
    };
    view! {
        <BackHeader><h1>{move || format!("{} #{}", tr(i18n.language.get(), Text::Order), format::number(i18n.language.get(), id.unsigned_abs()))}</h1></BackHeader>
        {move || match order.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e detail=true/> }.into_any(),
            Some(Ok(o)) => {
                let cancellable = o.status == OrderStatus::Paid;
                view! {
                    <p class="order-head" data-status=o.status.as_str()>
                        <span dir="auto">{o.store_name.clone()}</span>" · "
                        <span class="badge order-status">{move || tr(i18n.language.get(), status_text(o.status))}</span>
                    </p>
                    <OrderDetail order=o/>
                    {cancellable.then(|| view! {
                        <button type="button" class="button button-danger cancel-order" disabled=busy on:click=cancel>
                            {i18n.t(Text::CancelOrder)}
                        </button>
                    })}
                }.into_any()
            }
        }}
    }
}
