//! The wallet: what it holds in each currency, and topping it up from a card (with the
//! card's second step when it asks for one). Sending, savings and the rest come later.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{Checkout, CheckoutStatus, ErrorBody, Money, TopUpRequest, Wallet};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::card_form::{CardFields, CardForm, SecondStep, second_step_handlers};
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::checkout::{outcome_unknown, unpaid_text};

const CURRENCIES: [&str; 9] = [
    "SAR", "AED", "KWD", "QAR", "BHD", "OMR", "EGP", "JOD", "USD",
];

#[component]
pub fn WalletScreen() -> impl IntoView {
    let i18n = use_i18n();
    let wallet = RwSignal::new(None::<Result<Wallet, ErrorBody>>);
    let load = move || spawn_local(async move { wallet.set(Some(api::wallet().await)) });
    load();
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("SAR".to_string());
    let card = CardFields::default();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let bad_input = RwSignal::new(false);
    let topped = RwSignal::new(None::<Checkout>);
    let second_step = RwSignal::new(None::<Checkout>);
    let finish = move |answer: Result<Checkout, ErrorBody>| {
        busy.set(false);
        match answer {
            Ok(done) if done.status == CheckoutStatus::RequiresAction => {
                second_step.set(Some(done))
            }
            Ok(done) => {
                second_step.set(None);
                topped.set(Some(done));
                load();
            }
            Err(e) => {
                second_step.set(None);
                error.set(Some(e));
            }
        }
    };
    let top_up = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let currency = currency.get_untracked();
        let amount = format::parse_money(&amount.get_untracked(), &currency);
        let (Some(amount_minor), Some(card)) = (amount, card.card()) else {
            bad_input.set(true);
            return;
        };
        bad_input.set(false);
        error.set(None);
        topped.set(None);
        busy.set(true);
        let request = TopUpRequest {
            amount_minor,
            currency,
            card,
        };
        spawn_local(async move { finish(api::top_up(&request).await) });
    };
    let (answer_step, abandon_step) = second_step_handlers(second_step, busy, finish);
    view! {
        <BackHeader><h1>{i18n.t(Text::Wallet)}</h1></BackHeader>
        <section class="panel wallet-balances">
            <h2>{i18n.t(Text::Balance)}</h2>
            {move || match wallet.get() {
                None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
                Some(Ok(w)) if w.balances.is_empty() => view! { <p class="muted wallet-empty">{i18n.t(Text::WalletEmpty)}</p> }.into_any(),
                Some(Ok(w)) => view! {
                    <ul class="balances">
                        {w.balances.into_iter().map(|m: Money| {
                            let currency = m.currency.clone();
                            view! { <li class="balance" data-currency=currency><strong class="price">{move || format::money(i18n.language.get(), &m)}</strong></li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
        <form class="panel top-up" on:submit=top_up novalidate>
            <h2>{i18n.t(Text::TopUp)}</h2>
            <div class="card-form-row">
                <div class="field">
                    <label for="top-up-amount">{i18n.t(Text::Amount)}</label>
                    <input id="top-up-amount" class="top-up-amount" inputmode="decimal" dir="ltr"
                        prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="top-up-currency">{i18n.t(Text::Currency)}</label>
                    <select id="top-up-currency" class="top-up-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                        {CURRENCIES.into_iter().map(|c| view! { <option value=c selected=move || currency.get() == c>{c}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <CardForm fields=card/>
            {move || bad_input.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckTopUp)}</p> })}
            {move || error.get().map(|e| if outcome_unknown(&e) {
                view! { <p class="error pay-unknown" role="alert">{i18n.t(Text::PaymentUnknown)}</p> }.into_any()
            } else {
                view! { <ErrorMessage error=e detail=true/> }.into_any()
            })}
            {move || topped.get().map(|done| {
                let total = done.total.clone();
                let text = match done.status {
                    CheckoutStatus::Paid => Text::ToppedUp,
                    other => unpaid_text(other),
                };
                view! { <p class="saved top-up-done" role="status" data-status=done.status.as_str()>
                    {move || format!("{} {}", tr(i18n.language.get(), text), format::money(i18n.language.get(), &total))}
                </p> }
            })}
            <button type="submit" class="button button-primary do-top-up" disabled=busy>{i18n.t(Text::TopUp)}</button>
        </form>
        {move || second_step.get().map(|_| view! {
            <SecondStep on_answer=answer_step on_abandon=abandon_step busy=busy.read_only()/>
        })}
    }
}
