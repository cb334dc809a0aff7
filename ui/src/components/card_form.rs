//! A card typed by the shopper (for the sandbox: its test cards), and the card's second
//! step when it asks for one: 3-D Secure, which the shopper completes, or, for a Souq
//! card of another account, its holder's approval in their own app, which the shopper
//! waits for. The number and CVC live only in these inputs and the one request that
//! carries them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ActionKind, CardDetails, Checkout, CheckoutStatus, ErrorBody, Secret};

use crate::api;
use crate::i18n::{Text, format, tr, use_i18n};

/// How often a payment waiting for its cardholder is looked at again.
const WAIT_POLL_MS: i32 = 2_000;

/// A payment by card, which may ask for a second step, for any form that pays by card
/// (checkout, a top-up, a donation): every answer, to the payment or to its second
/// step, goes through `answered`, which opens the second step when the checkout
/// requires one and hands any other answer to the form's `done`.
#[derive(Clone, Copy)]
pub struct CardPayment {
    waiting: RwSignal<Option<Checkout>>,
    busy: RwSignal<bool>,
    done: Callback<Result<Checkout, ErrorBody>>,
}

impl CardPayment {
    /// `busy` is the form's: set while an answer is awaited.
    pub fn new(
        busy: RwSignal<bool>,
        done: impl Fn(Result<Checkout, ErrorBody>) + Send + Sync + 'static,
    ) -> CardPayment {
        CardPayment {
            waiting: RwSignal::new(None),
            busy,
            done: Callback::new(done),
        }
    }

    /// The server's answer to the payment, or to its second step.
    pub fn answered(self, answer: Result<Checkout, ErrorBody>) {
        self.busy.set(false);
        match answer {
            Ok(checkout) if checkout.status == CheckoutStatus::RequiresAction => {
                self.waiting.set(Some(checkout));
            }
            other => {
                self.waiting.set(None);
                self.done.run(other);
            }
        }
    }

    /// The shopper's answer to 3-D Secure.
    fn answer(self, approve: bool) {
        let Some(action) = self.waiting.get_untracked().and_then(|c| c.next_action) else {
            return;
        };
        self.busy.set(true);
        spawn_local(async move {
            self.answered(api::answer_challenge(&action.payment_id, approve).await);
        });
    }

    /// The shopper gives the second step up: the checkout is abandoned.
    fn abandon(self) {
        let Some(checkout) = self.waiting.get_untracked() else {
            return;
        };
        self.busy.set(true);
        spawn_local(async move { self.answered(api::abandon_checkout(checkout.id).await) });
    }
}

/// The payment's second step, while one is asked for.
#[component]
pub fn CardSecondStep(payment: CardPayment) -> impl IntoView {
    move || {
        payment
            .waiting
            .get()
            .map(|_| view! { <SecondStep payment=payment/> })
    }
}

/// The card fields' signals; `card()` reads them as a card, if complete.
#[derive(Clone, Copy)]
pub struct CardFields {
    pub number: RwSignal<String>,
    pub expiry: RwSignal<String>,
    pub cvc: RwSignal<String>,
}

impl Default for CardFields {
    fn default() -> CardFields {
        CardFields {
            number: RwSignal::new(String::new()),
            expiry: RwSignal::new(String::new()),
            cvc: RwSignal::new(String::new()),
        }
    }
}

impl CardFields {
    /// The card as typed: 12 to 19 digits, an expiry as MM/YY, a 3 or 4 digit CVC.
    pub fn card(&self) -> Option<CardDetails> {
        let number: String = self
            .number
            .get_untracked()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if !(12..=19).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let expiry = self.expiry.get_untracked();
        let (month, year) = expiry.trim().split_once('/')?;
        let exp_month: u32 = month.trim().parse().ok().filter(|m| (1..=12).contains(m))?;
        let year: u32 = year.trim().parse().ok()?;
        let exp_year = if year < 100 { 2000 + year } else { year };
        let cvc = self.cvc.get_untracked().trim().to_string();
        if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(CardDetails {
            number: Secret::new(number),
            exp_month,
            exp_year,
            cvc: Secret::new(cvc),
        })
    }
}

#[component]
pub fn CardForm(fields: CardFields) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card-form">
            <div class="field">
                <label for="card-number">{i18n.t(Text::CardNumber)}</label>
                <input id="card-number" class="card-number" inputmode="numeric" dir="ltr"
                    autocomplete="cc-number" placeholder="4242 4242 4242 4242"
                    prop:value=fields.number on:input=move |ev| fields.number.set(event_target_value(&ev))/>
            </div>
            <div class="card-form-row">
                <div class="field">
                    <label for="card-expiry">{i18n.t(Text::CardExpiry)}</label>
                    <input id="card-expiry" class="card-expiry" inputmode="numeric" dir="ltr"
                        autocomplete="cc-exp" placeholder="MM/YY"
                        prop:value=fields.expiry on:input=move |ev| fields.expiry.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="card-cvc">{i18n.t(Text::CardCvc)}</label>
                    <input id="card-cvc" class="card-cvc" inputmode="numeric" dir="ltr"
                        autocomplete="cc-csc" placeholder="123"
                        prop:value=fields.cvc on:input=move |ev| fields.cvc.set(event_target_value(&ev))/>
                </div>
            </div>
            <p class="muted sandbox-hint">{i18n.t(Text::SandboxCards)}</p>
        </div>
    }
}

/// Looks at the checkout `waiting` on its cardholder every few seconds, while it waits
/// and the step is shown, and hands it to `finish` once it no longer waits.
fn wait_for_cardholder(payment: CardPayment) {
    let waiting = payment.waiting;
    let shown = RwSignal::new(true);
    on_cleanup(move || shown.set(false));
    spawn_local(async move {
        loop {
            crate::clock::sleep(WAIT_POLL_MS).await;
            let Some(id) = waiting.get_untracked().map(|c| c.id) else {
                return;
            };
            if !shown.get_untracked() {
                return;
            }
            if let Ok(now) = api::refresh_checkout(id).await
                && now.status != CheckoutStatus::RequiresAction
            {
                payment.answered(Ok(now));
                return;
            }
        }
    });
}

/// The card's second step. For 3-D Secure, as the sandbox shows it (a bank's page in a
/// real processor's world): the shopper completes it or not, or closes it (abandons).
/// For another account's Souq card: the shopper waits for its holder's answer (the
/// step looks again by itself), or gives up. Either says until when the items are
/// held.
#[component]
fn SecondStep(payment: CardPayment) -> impl IntoView {
    let i18n = use_i18n();
    let busy = payment.busy.read_only();
    let checkout = payment.waiting.get_untracked();
    let by_holder = checkout
        .as_ref()
        .and_then(|c| c.next_action.as_ref())
        .is_some_and(|a| a.kind == ActionKind::CardholderApproval);
    let held_until = checkout.and_then(|c| c.reserved_until);
    if by_holder {
        wait_for_cardholder(payment);
    }
    view! {
        <div class="dialog-backdrop">
            <div class="dialog second-step" class:cardholder-wait=by_holder role="dialog"
                aria-modal="true" aria-labelledby="second-step-title"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        payment.abandon();
                    }
                }>
                {if by_holder {
                    view! {
                        <h2 id="second-step-title">{i18n.t(Text::CardholderWaitTitle)}</h2>
                        <p>{i18n.t(Text::CardholderWaitBody)}</p>
                        <p class="muted" role="status">{i18n.t(Text::Loading)}</p>
                    }.into_any()
                } else {
                    view! {
                        <h2 id="second-step-title">{i18n.t(Text::SecondStepTitle)}</h2>
                        <p>{i18n.t(Text::SecondStepBody)}</p>
                    }.into_any()
                }}
                {held_until.map(|until| view! {
                    <p class="muted reserved-until">{move || {
                        let language = i18n.language.get();
                        format!("{} {}", tr(language, Text::ReservedUntil),
                            format::date_time(language, until, format::local_offset_minutes(until)))
                    }}</p>
                })}
                <div class="dialog-actions">
                    {(!by_holder).then(|| view! {
                        <button type="button" class="button button-primary complete-step" disabled=busy
                            on:click=move |_| payment.answer(true)>{i18n.t(Text::SecondStepComplete)}</button>
                        <button type="button" class="button fail-step" disabled=busy
                            on:click=move |_| payment.answer(false)>{i18n.t(Text::SecondStepFail)}</button>
                    })}
                    <button type="button" class="link abandon-step" disabled=busy
                        on:click=move |_| payment.abandon()>{i18n.t(Text::Cancel)}</button>
                </div>
            </div>
        </div>
    }
}
