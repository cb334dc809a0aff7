//! The cart: each option with its price and quantity (never more than is in stock),
//! and a total per currency.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::cart::MAX_QUANTITY;
use souq_wire::{Cart, ErrorBody};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

#[component]
pub fn CartScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let cart = RwSignal::new(None::<Cart>);
    let error = RwSignal::new(None::<ErrorBody>);
    let show = move |answer: Result<Cart, ErrorBody>| match answer {
        Ok(fresh) => {
            state.cart_items.set(fresh.items);
            cart.set(Some(fresh));
            error.set(None);
        }
        Err(e) => error.set(Some(e)),
    };
    spawn_local(async move { show(api::cart().await) });
    let set = move |variant: i64, quantity: i64| {
        spawn_local(async move { show(api::set_cart_quantity(variant, quantity).await) });
    };
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::CartTitle)}</h1></header>
        {move || error.get().map(|e| view! {
            <ErrorMessage error=e/>
        })}
        {move || match cart.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(c) if c.lines.is_empty() => view! { <p class="muted empty-cart">{i18n.t(Text::EmptyCart)}</p> }.into_any(),
            Some(c) => view! {
                <ul class="cart-lines">
                    {c.lines.into_iter().map(|line| {
                        let variant = line.variant_id;
                        let quantity = line.quantity;
                        let product = line.product.id;
                        let unit = line.unit_price.clone();
                        let total = line.line_total.clone();
                        let stock = line.in_stock;
                        view! {
                            <li class="cart-line panel" data-variant-id=variant>
                                {line.product.image_media_id.map(|m| view! { <img class="thumb" src=api::media_url(m) alt=""/> })}
                                <div class="cart-line-info">
                                    <button type="button" class="link cart-line-title" dir="auto"
                                        on:click=move |_| state.open(Screen::Product(product))>
                                        {line.product.title.clone()}
                                    </button>
                                    <span class="muted" dir="auto">{line.variant_name.clone()}</span>
                                    <span class="price">{move || format::money(i18n.language.get(), &unit)}</span>
                                    {(stock < quantity).then(|| view! {
                                        <span class="error">{move || format!("{} {}", format::number(i18n.language.get(), stock.unsigned_abs()), tr(i18n.language.get(), Text::OnlyLeft))}</span>
                                    })}
                                </div>
                                <div class="stepper" role="group" aria-label=i18n.t(Text::Quantity)>
                                    <button type="button" class="icon-button less" aria-label=i18n.t(Text::Less)
                                        on:click=move |_| set(variant, quantity - 1)>"−"</button>
                                    <span class="quantity">{move || format::number(i18n.language.get(), quantity.unsigned_abs())}</span>
                                    <button type="button" class="icon-button more" aria-label=i18n.t(Text::More)
                                        disabled={quantity >= stock.min(MAX_QUANTITY)}
                                        on:click=move |_| set(variant, quantity + 1)>"+"</button>
                                </div>
                                <span class="price line-total">{move || format::money(i18n.language.get(), &total)}</span>
                                <button type="button" class="link danger remove-line"
                                    on:click=move |_| set(variant, 0)>{i18n.t(Text::Remove)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <div class="cart-totals panel">
                    <span>{i18n.t(Text::Total)}</span>
                    {c.totals.into_iter().map(|t| view! {
                        <strong class="price cart-total">{move || format::money(i18n.language.get(), &t)}</strong>
                    }).collect_view()}
                </div>
                <button type="button" class="button button-primary go-to-checkout"
                    on:click=move |_| state.open(Screen::Checkout)>{i18n.t(Text::CheckoutTitle)}</button>
            }.into_any(),
        }}
    }
}
