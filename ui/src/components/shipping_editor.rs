//! The studio's shipping options: name, price and delivery days of each way the store
//! ships; saved as a whole list (those left out are archived; orders keep theirs).

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ErrorBody, ShippingOption, ShippingOptionInput, ShippingOptions};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, use_i18n};

#[derive(Clone)]
struct Row {
    key: u32,
    id: Option<i64>,
    name: RwSignal<String>,
    price: RwSignal<String>,
    min_days: RwSignal<String>,
    max_days: RwSignal<String>,
}

#[component]
pub fn ShippingEditor(handle: String, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(Vec::<Row>::new());
    let next = StoredValue::new(0u32);
    let row = move |option: Option<&ShippingOption>, currency: &str| {
        next.update_value(|k| *k += 1);
        Row {
            key: next.get_value(),
            id: option.map(|o| o.id),
            name: RwSignal::new(option.map(|o| o.name.clone()).unwrap_or_default()),
            price: RwSignal::new(
                option
                    .map(|o| format::money_input(o.price.amount_minor, currency))
                    .unwrap_or_default(),
            ),
            min_days: RwSignal::new(option.map_or("2".into(), |o| o.min_days.to_string())),
            max_days: RwSignal::new(option.map_or("5".into(), |o| o.max_days.to_string())),
        }
    };
    let error = RwSignal::new(None::<ErrorBody>);
    let bad = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let show = {
        let currency = currency.clone();
        move |options: Vec<ShippingOption>| {
            rows.set(options.iter().map(|o| row(Some(o), &currency)).collect());
        }
    };
    {
        let handle = handle.clone();
        let show = show.clone();
        spawn_local(async move {
            match api::shipping_options(&handle).await {
                Ok(options) => show(options),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    let save = {
        let currency = currency.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let options: Option<Vec<ShippingOptionInput>> = rows.with_untracked(|rows| {
                rows.iter()
                    .map(|r| {
                        Some(ShippingOptionInput {
                            id: r.id,
                            name: r.name.get_untracked(),
                            price_minor: match r.price.get_untracked().trim() {
                                "" | "0" => 0,
                                typed => format::parse_money(typed, &currency)?,
                            },
                            min_days: r.min_days.get_untracked().trim().parse().ok()?,
                            max_days: r.max_days.get_untracked().trim().parse().ok()?,
                        })
                    })
                    .collect()
            });
            let Some(options) = options else {
                bad.set(true);
                return;
            };
            bad.set(false);
            busy.set(true);
            saved.set(false);
            let handle = handle.clone();
            let show = show.clone();
            spawn_local(async move {
                match api::set_shipping_options(&handle, &ShippingOptions { options }).await {
                    Ok(fresh) => {
                        show(fresh);
                        error.set(None);
                        saved.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <form class="panel shipping-editor" on:submit=save novalidate>
            <p class="muted">{i18n.t(Text::ShippingHelp)}</p>
            <div class="shipping-head" aria-hidden="true">
                <span>{i18n.t(Text::ShippingName)}</span>
                <span>{
                    let currency = currency.clone();
                    move || format!("{} ({})", crate::i18n::tr(i18n.language.get(), Text::Price), currency)
                }</span>
                <span>{i18n.t(Text::DaysFrom)}</span>
                <span>{i18n.t(Text::DaysTo)}</span>
                <span></span>
            </div>
            <For each=move || rows.get() key=|r| r.key let:r>
                <div class="shipping-row">
                    <input class="shipping-name" dir="auto" aria-label=i18n.t(Text::ShippingName)
                        prop:value=r.name on:input=move |ev| r.name.set(event_target_value(&ev))/>
                    <input class="shipping-price" inputmode="decimal" dir="ltr" aria-label=i18n.t(Text::Price)
                        prop:value=r.price on:input=move |ev| r.price.set(event_target_value(&ev))/>
                    <input class="shipping-min" type="number" min="0" dir="ltr" aria-label=i18n.t(Text::DaysFrom)
                        prop:value=r.min_days on:input=move |ev| r.min_days.set(event_target_value(&ev))/>
                    <input class="shipping-max" type="number" min="0" dir="ltr" aria-label=i18n.t(Text::DaysTo)
                        prop:value=r.max_days on:input=move |ev| r.max_days.set(event_target_value(&ev))/>
                    <button type="button" class="link danger" on:click=move |_| rows.update(|all| all.retain(|x| x.key != r.key))>
                        {i18n.t(Text::Remove)}
                    </button>
                </div>
            </For>
            <button type="button" class="button add-shipping" on:click={
                let currency = currency.clone();
                move |_| rows.update(|all| all.push(row(None, &currency)))
            }>{i18n.t(Text::AddShipping)}</button>
            {move || bad.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckShipping)}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            {move || saved.get().then(|| view! { <p class="saved" role="status">{i18n.t(Text::ShippingSaved)}</p> })}
            <button type="submit" class="button button-primary save-shipping" disabled=busy>{i18n.t(Text::SaveShipping)}</button>
        </form>
    }
}
