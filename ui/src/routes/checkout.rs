//! Checkout: where it goes (the address book), how each store ships it, how it is paid
//! (the wallet, or a card and its second step), the review, and the answer: placed,
//! declined, or not known yet (then paying again is safe: the app sends the same
//! attempt, and the server charges once).

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{
    Address, Checkout, CheckoutLine, CheckoutOptions, CheckoutRequest, CheckoutStatus, ErrorBody,
    ErrorCode, Money, PaymentMethod, StoreShipping,
};

use crate::api;
use crate::components::address_form::AddressForm;
use crate::components::back_header::BackHeader;
use crate::components::card_form::{CardFields, CardForm, CardPayment, CardSecondStep};
use crate::components::error_message::ErrorMessage;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

/// Whether an error leaves the payment's outcome unknown: the same attempt may be sent
/// again, and the app sends it under the same key.
pub fn outcome_unknown(error: &ErrorBody) -> bool {
    matches!(error.code, ErrorCode::Unavailable | ErrorCode::Internal)
}

/// What became of a payment that did not (or not yet) go through, in words.
pub fn unpaid_text(status: CheckoutStatus) -> Text {
    match status {
        CheckoutStatus::Expired => Text::PaymentExpired,
        CheckoutStatus::Processing => Text::PaymentProcessing,
        _ => Text::PaymentFailed,
    }
}

fn money(amount_minor: i64, currency: &str) -> Money {
    Money {
        amount_minor,
        currency: currency.to_string(),
    }
}

/// What the shopper is about to pay for in one currency: the cart's lines of it, by
/// store, with the shipping each store offers.
#[derive(Clone, PartialEq)]
struct Basket {
    currency: String,
    lines: Vec<souq_wire::CartLine>,
    stores: Vec<souq_wire::StoreShippingOptions>,
}

fn baskets(options: &CheckoutOptions) -> Vec<Basket> {
    let currencies: BTreeSet<String> = options
        .cart
        .lines
        .iter()
        .map(|l| l.unit_price.currency.clone())
        .collect();
    currencies
        .into_iter()
        .map(|currency| {
            let lines: Vec<_> = options
                .cart
                .lines
                .iter()
                .filter(|l| l.unit_price.currency == currency)
                .cloned()
                .collect();
            let stores = options
                .stores
                .iter()
                .filter(|s| {
                    s.variant_ids
                        .iter()
                        .any(|v| lines.iter().any(|l| l.variant_id == *v))
                })
                .cloned()
                .collect();
            Basket {
                currency,
                lines,
                stores,
            }
        })
        .collect()
}

/// The placed orders, or what became of the payment.
#[component]
fn Outcome(checkout: Checkout) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let paid = checkout.status == CheckoutStatus::Paid;
    let total = checkout.total.clone();
    view! {
        <section class="panel checkout-outcome" data-status=checkout.status.as_str() role="status">
            {if paid {
                view! {
                    <h2>{i18n.t(Text::OrderPlaced)}</h2>
                    {checkout.replayed.then(|| view! { <p class="replayed">{i18n.t(Text::NotChargedAgain)}</p> })}
                    <p>{move || format!("{} {}", tr(i18n.language.get(), Text::Paid), format::money(i18n.language.get(), &total))}</p>
                    <ul class="placed-orders">
                        {checkout.orders.iter().map(|order| {
                            let id = order.id;
                            view! {
                                <li>
                                    <button type="button" class="link open-order" data-order-id=id
                                        on:click=move |_| state.open(Screen::Order(id))>
                                        <span dir="auto">{order.store_name.clone()}</span>
                                        " · " {move || format!("{} #{}", tr(i18n.language.get(), Text::Order), format::number(i18n.language.get(), id.unsigned_abs()))}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            } else {
                let held_until = checkout.reserved_until;
                view! {
                    <h2>{move || tr(i18n.language.get(), unpaid_text(checkout.status))}</h2>
                    {(checkout.status != CheckoutStatus::Processing).then(|| view! {
                        <p>{i18n.t(Text::NothingCharged)}</p>
                    })}
                    {held_until.map(|until| view! {
                        <p class="muted reserved-until">{move || {
                            let language = i18n.language.get();
                            format!("{} {}", tr(language, Text::ReservedUntil),
                                format::date_time(language, until, format::local_offset_minutes(until)))
                        }}</p>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn CheckoutScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let options = RwSignal::new(None::<Result<CheckoutOptions, ErrorBody>>);
    let load = move || {
        spawn_local(async move {
            let answer = api::checkout_options().await;
            if let Ok(o) = &answer {
                state.cart_items.set(o.cart.items);
            }
            options.set(Some(answer));
        })
    };
    load();
    let currency = RwSignal::new(None::<String>);
    let address = RwSignal::new(None::<i64>);
    let adding_address = RwSignal::new(false);
    let shipping = RwSignal::new(Vec::<StoreShipping>::new());
    let by_card = RwSignal::new(false);
    // The shopper's own Souq card, when paying by it: its id.
    let souq_card = RwSignal::new(None::<i64>);
    let cards = RwSignal::new(Vec::<souq_wire::DebitCard>::new());
    spawn_local(async move {
        if let Ok(list) = api::cards().await {
            cards.set(list);
        }
    });
    let asking_pin = RwSignal::new(false);
    let card = CardFields::default();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let card_incomplete = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Checkout>);

    // Defaults once loaded: the first currency, the default address, each store's first
    // shipping option.
    Effect::new(move |_| {
        let Some(Ok(o)) = options.get() else {
            return;
        };
        if address.get_untracked().is_none() {
            address.set(o.addresses.first().map(|a| a.id));
        }
        if currency.get_untracked().is_none() {
            currency.set(baskets(&o).first().map(|b| b.currency.clone()));
        }
        shipping.update(|chosen| {
            for store in &o.stores {
                if !chosen.iter().any(|c| c.store_id == store.store_id)
                    && let Some(first) = store.options.first()
                {
                    chosen.push(StoreShipping {
                        store_id: store.store_id,
                        shipping_option_id: first.id,
                        price_minor: first.price.amount_minor,
                    });
                }
            }
        });
    });
    let basket = Memo::new(move |_| {
        let o = options.get()?.ok()?;
        let currency = currency.get()?;
        baskets(&o).into_iter().find(|b| b.currency == currency)
    });
    let totals = Memo::new(move |_| {
        let basket = basket.get()?;
        let items: i64 = basket.lines.iter().map(|l| l.line_total.amount_minor).sum();
        let chosen = shipping.get();
        let ship: i64 = basket
            .stores
            .iter()
            .filter_map(|s| {
                let pick = chosen.iter().find(|c| c.store_id == s.store_id)?;
                s.options.iter().find(|o| o.id == pick.shipping_option_id)
            })
            .map(|o| o.price.amount_minor)
            .sum();
        Some((items, ship, items + ship, basket.currency.clone()))
    });
    let wallet_balance = Memo::new(move |_| {
        let o = options.get()?.ok()?;
        let currency = currency.get()?;
        Some(
            o.wallet
                .balances
                .iter()
                .find(|m| m.currency == currency)
                .map_or(0, |m| m.amount_minor),
        )
    });

    let card_payment = CardPayment::new(busy, move |answer: Result<Checkout, ErrorBody>| {
        match answer {
            Ok(done) => {
                if done.status == CheckoutStatus::Paid {
                    let language = i18n.language.get_untracked();
                    let stores: Vec<String> =
                        done.orders.iter().map(|o| o.store_name.clone()).collect();
                    let body = format!(
                        "{} · {}",
                        stores.join(", "),
                        format::money(language, &done.total)
                    );
                    let replayed = done.replayed;
                    spawn_local(async move {
                        if !replayed {
                            let _ = api::notify_order(tr(language, Text::OrderPlaced), &body).await;
                        }
                        if let Ok(cart) = api::cart().await {
                            state.cart_items.set(cart.items);
                        }
                    });
                }
                let processing = done.status == CheckoutStatus::Processing;
                let id = done.id;
                outcome.set(Some(done));
                if processing {
                    // The processor settles by itself; look again until it has.
                    spawn_local(async move {
                        for _ in 0..60 {
                            crate::clock::sleep(1_000).await;
                            if let Ok(now) = api::checkout_status(id).await
                                && now.status != CheckoutStatus::Processing
                            {
                                outcome.set(Some(now));
                                return;
                            }
                        }
                    });
                }
            }
            Err(e) => {
                state.note_error(&e);
                // A price or the stock changed: show the cart as it is now, so that paying
                // again is a new attempt for what is really on sale.
                if matches!(
                    e.code,
                    ErrorCode::Conflict | ErrorCode::SoldOut | ErrorCode::PriceChanged
                ) {
                    load();
                }
                error.set(Some(e));
            }
        }
    });
    let pay = move || {
        let Some(basket) = basket.get_untracked() else {
            return;
        };
        let Some(address_id) = address.get_untracked() else {
            return;
        };
        let payment = if let Some(card_id) = souq_card.get_untracked() {
            PaymentMethod::SouqCard { card_id }
        } else if by_card.get_untracked() {
            match card.card() {
                Some(card) => PaymentMethod::Card { card },
                None => {
                    card_incomplete.set(true);
                    return;
                }
            }
        } else {
            PaymentMethod::Wallet
        };
        card_incomplete.set(false);
        let stores: Vec<i64> = basket.stores.iter().map(|s| s.store_id).collect();
        let request = CheckoutRequest {
            lines: basket
                .lines
                .iter()
                .map(|l| CheckoutLine {
                    variant_id: l.variant_id,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price.amount_minor,
                })
                .collect(),
            address_id,
            shipping: shipping
                .get_untracked()
                .into_iter()
                .filter(|s| stores.contains(&s.store_id))
                .collect(),
            payment,
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::checkout(&request).await {
                // A large payment from the wallet asks for the PIN, then goes again.
                Err(e) if needs_pin(&e) => {
                    busy.set(false);
                    asking_pin.set(true);
                }
                answer => card_payment.answered(answer),
            }
        });
    };
    let address_saved = Callback::new(move |saved: Address| {
        adding_address.set(false);
        address.set(Some(saved.id));
        load();
    });

    view! {
        <BackHeader><h1>{i18n.t(Text::CheckoutTitle)}</h1></BackHeader>
        {move || outcome.get().map(|done| view! { <Outcome checkout=done/> })}
        {move || match options.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(_)) if outcome.with(|o| o.as_ref().is_some_and(|c| c.status == CheckoutStatus::Paid)) => ().into_any(),
            Some(Ok(o)) if o.cart.lines.is_empty() => view! { <p class="muted empty-cart">{i18n.t(Text::EmptyCart)}</p> }.into_any(),
            Some(Ok(o)) => {
                let all = baskets(&o);
                let addresses = o.addresses.clone();
                view! {
                    {(all.len() > 1).then(|| view! {
                        <section class="panel">
                            <h2>{i18n.t(Text::PayInCurrency)}</h2>
                            <div class="choices" role="radiogroup">
                                {all.iter().map(|b| {
                                    let c = b.currency.clone();
                                    let c2 = c.clone();
                                    view! {
                                        <label class="choice">
                                            <input type="radio" name="currency" prop:checked=move || currency.get().as_deref() == Some(c.as_str())
                                                on:change=move |_| currency.set(Some(c2.clone()))/>
                                            <span>{b.currency.clone()}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </section>
                    })}
                    <section class="panel checkout-address">
                        <h2>{i18n.t(Text::ShipTo)}</h2>
                        {addresses.is_empty().then(|| view! { <p class="muted">{i18n.t(Text::NoAddresses)}</p> })}
                        <div class="choices" role="radiogroup">
                            {addresses.into_iter().map(|a| {
                                let id = a.id;
                                view! {
                                    <label class="choice address-choice" data-address-id=id>
                                        <input type="radio" name="address" prop:checked=move || address.get() == Some(id)
                                            on:change=move |_| address.set(Some(id))/>
                                        <span dir="auto">
                                            <strong>{a.name.clone()}</strong>" · "{format!("{}, {} {}", a.line1, a.city, a.country)}
                                            <span class="muted" dir="ltr">" "{a.phone.clone()}</span>
                                        </span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        {move || if adding_address.get() {
                            view! { <AddressForm editing=None on_saved=address_saved on_cancel=Callback::new(move |()| adding_address.set(false))/> }.into_any()
                        } else {
                            view! { <button type="button" class="button add-address" on:click=move |_| adding_address.set(true)>{i18n.t(Text::AddAddress)}</button> }.into_any()
                        }}
                    </section>
                    {move || basket.get().map(|b| view! {
                        {b.stores.into_iter().map(|store| {
                            let store_id = store.store_id;
                            let lines: Vec<_> = b.lines.iter().filter(|l| store.variant_ids.contains(&l.variant_id)).cloned().collect();
                            view! {
                                <section class="panel checkout-store" data-store-id=store_id>
                                    <h2 dir="auto">{store.store_name.clone()}</h2>
                                    <ul class="checkout-lines">
                                        {lines.into_iter().map(|l| {
                                            let total = l.line_total.clone();
                                            view! {
                                                <li>
                                                    <span dir="auto">{l.product.title.clone()}" · "{l.variant_name.clone()}</span>
                                                    <span class="muted">{move || format!("× {}", format::number(i18n.language.get(), l.quantity.unsigned_abs()))}</span>
                                                    <span class="price">{move || format::money(i18n.language.get(), &total)}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <h3>{i18n.t(Text::Shipping)}</h3>
                                    {store.options.is_empty().then(|| view! { <p class="error">{i18n.t(Text::StoreDoesNotShip)}</p> })}
                                    <div class="choices" role="radiogroup">
                                        {store.options.into_iter().map(|option| {
                                            let option_id = option.id;
                                            let price = option.price.clone();
                                            let price_minor = price.amount_minor;
                                            let (least, most) = (option.min_days, option.max_days);
                                            view! {
                                                <label class="choice shipping-choice" data-option-id=option_id>
                                                    <input type="radio" name=format!("shipping-{store_id}")
                                                        prop:checked=move || shipping.get().iter().any(|s| s.store_id == store_id && s.shipping_option_id == option_id)
                                                        on:change=move |_| shipping.update(|chosen| {
                                                            chosen.retain(|s| s.store_id != store_id);
                                                            chosen.push(StoreShipping { store_id, shipping_option_id: option_id, price_minor });
                                                        })/>
                                                    <span dir="auto">{option.name.clone()}</span>
                                                    <span class="muted">{move || format::delivery_days(i18n.language.get(), least, most)}</span>
                                                    <span class="price">{move || format::money(i18n.language.get(), &price)}</span>
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                </section>
                            }
                        }).collect_view()}
                    })}
                    <section class="panel checkout-payment">
                        <h2>{i18n.t(Text::PayWith)}</h2>
                        <div class="choices" role="radiogroup">
                            <label class="choice pay-wallet">
                                <input type="radio" name="payment" prop:checked=move || !by_card.get() && souq_card.get().is_none()
                                    on:change=move |_| { by_card.set(false); souq_card.set(None); }/>
                                <span>{i18n.t(Text::Wallet)}</span>
                                <span class="muted wallet-balance">{move || {
                                    let c = currency.get().unwrap_or_default();
                                    format::money(i18n.language.get(), &money(wallet_balance.get().unwrap_or(0), &c))
                                }}</span>
                            </label>
                            {move || {
                                let c = currency.get().unwrap_or_default();
                                cards.get().into_iter().filter(|d| d.currency == c && !d.frozen).map(|d| {
                                    let id = d.id;
                                    view! {
                                        <label class="choice pay-souq-card">
                                            <input type="radio" name="payment" prop:checked=move || souq_card.get() == Some(id)
                                                on:change=move |_| { by_card.set(false); souq_card.set(Some(id)); }/>
                                            <span>{i18n.t(Text::PaySouqCard)}</span>
                                            <span class="muted" dir="ltr">{d.masked.clone()}</span>
                                        </label>
                                    }
                                }).collect_view()
                            }}
                            <label class="choice pay-card">
                                <input type="radio" name="payment" prop:checked=move || by_card.get()
                                    on:change=move |_| { by_card.set(true); souq_card.set(None); }/>
                                <span>{i18n.t(Text::Card)}</span>
                            </label>
                        </div>
                        {move || (!by_card.get() && souq_card.get().is_none() && totals.get().zip(wallet_balance.get()).is_some_and(|((_, _, total, _), balance)| balance < total)).then(|| view! {
                            <p class="muted">{i18n.t(Text::WalletTooLow)}" "
                                <button type="button" class="link top-up-link" on:click=move |_| state.open(Screen::Wallet)>{i18n.t(Text::TopUp)}</button>
                            </p>
                        })}
                        {move || by_card.get().then(|| view! { <CardForm fields=card/> })}
                        {move || card_incomplete.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckCard)}</p> })}
                    </section>
                    {move || totals.get().map(|(items, ship, total, c)| view! {
                        <section class="panel checkout-review">
                            <p><span>{i18n.t(Text::Items)}</span>" "<span class="price">{
                                let c = c.clone();
                                move || format::money(i18n.language.get(), &money(items, &c))
                            }</span></p>
                            <p><span>{i18n.t(Text::Shipping)}</span>" "<span class="price">{
                                let c = c.clone();
                                move || format::money(i18n.language.get(), &money(ship, &c))
                            }</span></p>
                            <p class="checkout-total"><strong>{i18n.t(Text::Total)}</strong>" "<strong class="price">{
                                let c = c.clone();
                                move || format::money(i18n.language.get(), &money(total, &c))
                            }</strong></p>
                        </section>
                    })}
                    {move || error.get().map(|e| {
                        let unknown = outcome_unknown(&e);
                        view! {
                            {if unknown {
                                view! { <p class="error pay-unknown" role="alert">{i18n.t(Text::PaymentUnknown)}</p> }.into_any()
                            } else {
                                view! { <ErrorMessage error=e detail=true/> }.into_any()
                            }}
                        }
                    })}
                    <button type="button" class="button button-primary pay"
                        disabled=move || busy.get() || address.get().is_none() || basket.get().is_none()
                        on:click=move |_| pay()>
                        {move || {
                            let language = i18n.language.get();
                            match totals.get() {
                                Some((_, _, total, c)) => format!("{} {}", tr(language, Text::Pay), format::money(language, &money(total, &c))),
                                None => tr(language, Text::Pay).to_string(),
                            }
                        }}
                    </button>
                }.into_any()
            }
        }}
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| pay())/>
        <CardSecondStep payment=card_payment/>
    }
}
