//! A payment another account asked of the person's card, waiting for their answer:
//! who asks, how much, where, and until when; Approve (with the PIN or biometrics, as
//! the vault asks) or Decline. Shown in the card's activity and in the inbox.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{CardTransaction, CardTransactionStatus, ErrorBody, Money};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, tr, use_i18n};

/// What the approval is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub card_id: i64,
    pub transaction_id: i64,
    pub payer: String,
    pub amount: Money,
    pub merchant: String,
    pub until: Option<DateTime<Utc>>,
}

/// The question and its two answers; `on_answered` gets the transaction as it then is.
#[component]
pub fn CardApproval(asked: Asked, on_answered: Callback<CardTransaction>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let asking_pin = RwSignal::new(false);
    let answered = RwSignal::new(None::<CardTransactionStatus>);
    let (card, transaction) = (asked.card_id, asked.transaction_id);
    let answer = move |approve: bool| {
        busy.set(true);
        spawn_local(async move {
            let result = api::answer_card_approval(card, transaction, approve).await;
            busy.set(false);
            match result {
                Ok(done) => {
                    error.set(None);
                    answered.set(Some(done.status));
                    on_answered.run(done);
                }
                Err(e) if needs_pin(&e) => asking_pin.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let amount = asked.amount.clone();
    let until = asked.until;
    view! {
        <div class="card-approval" role="group" aria-labelledby=format!("approval-{transaction}")>
            <p id=format!("approval-{transaction}") class="card-approval-title"><strong>{i18n.t(Text::ApprovalTitle)}</strong></p>
            <p>
                <strong dir="ltr">{asked.payer.clone()}</strong>" "{i18n.t(Text::ApprovalAsksToPay)}" "
                <strong class="price">{move || format::money(i18n.language.get(), &amount)}</strong>" "
                {i18n.t(Text::ApprovalAt)}" "<span dir="auto">{asked.merchant.clone()}</span>" "
                {i18n.t(Text::ApprovalWithYourCard)}
            </p>
            {until.map(|until| view! {
                <p class="muted">{move || {
                    let language = i18n.language.get();
                    format!("{} {}", tr(language, Text::ApprovalUntil),
                        format::date_time(language, until, format::local_offset_minutes(until)))
                }}</p>
            })}
            {move || match answered.get() {
                Some(status) => view! {
                    <p class="saved" role="status">{i18n.t(if status == CardTransactionStatus::Declined {
                        Text::TxDeclined
                    } else {
                        Text::ApprovalApproved
                    })}</p>
                }.into_any(),
                None => view! {
                    <div class="row-actions">
                        <button type="button" class="button button-primary approve-payment" disabled=busy
                            on:click=move |_| answer(true)>{i18n.t(Text::Approve)}</button>
                        <button type="button" class="button decline-payment" disabled=busy
                            on:click=move |_| answer(false)>{i18n.t(Text::Decline)}</button>
                    </div>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorMessage error=e/> })}
            <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| answer(true))/>
        </div>
    }
}
