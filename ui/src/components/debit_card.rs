//! The virtual debit card: order one, see it masked, reveal its number after the PIN,
//! freeze it, set its limits (unfreezing, unlocking and raising a limit after the PIN),
//! and read its transactions: declines too, who tried, and payments another account
//! asked of it, which wait for the holder's answer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{
    CardSettings, CardTransaction, CardTransactionStatus, DebitCard, ErrorBody, Money, RevealedCard,
};

use crate::api;
use crate::components::card_approval::{Asked, CardApproval};
use crate::components::error_message::ErrorMessage;
use crate::components::money_forms::CURRENCIES;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, use_i18n};

fn status_text(status: CardTransactionStatus) -> Text {
    match status {
        CardTransactionStatus::Held => Text::TxHeld,
        CardTransactionStatus::Posted => Text::TxPosted,
        CardTransactionStatus::Voided => Text::TxVoided,
        CardTransactionStatus::Declined => Text::TxDeclined,
        CardTransactionStatus::AwaitingApproval => Text::TxAwaitingApproval,
    }
}

/// What waits for the PIN, to run again once the vault is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterPin {
    Reveal,
    Save { frozen: bool },
}

/// The number in groups of four, as a card prints it.
fn grouped(number: &str) -> String {
    number
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn CardView(card: DebitCard, on_changed: Callback<DebitCard>) -> impl IntoView {
    let i18n = use_i18n();
    let id = card.id;
    let revealed = RwSignal::new(None::<RevealedCard>);
    let asking_pin = RwSignal::new(false);
    let after_pin = RwSignal::new(AfterPin::Reveal);
    let error = RwSignal::new(None::<ErrorBody>);
    let transactions = RwSignal::new(Vec::<CardTransaction>::new());
    let currency = card.currency.clone();
    let per = RwSignal::new(format::money_input(
        card.per_purchase_limit_minor,
        &currency,
    ));
    let monthly = RwSignal::new(format::money_input(card.monthly_limit_minor, &currency));
    let frozen = card.frozen;
    let locked = card.locked;
    let load_transactions = move || {
        spawn_local(async move {
            if let Ok(list) = api::card_transactions(id).await {
                transactions.set(list);
            }
        })
    };
    load_transactions();
    let reveal = move || {
        spawn_local(async move {
            match api::reveal_card(id).await {
                Ok(card) => {
                    error.set(None);
                    revealed.set(Some(card));
                }
                Err(e) if needs_pin(&e) => {
                    after_pin.set(AfterPin::Reveal);
                    asking_pin.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let limits_currency = currency.clone();
    let save = move |frozen: bool| {
        let (Some(per_purchase_limit_minor), Some(monthly_limit_minor)) = (
            format::parse_money(&per.get_untracked(), &limits_currency),
            format::parse_money(&monthly.get_untracked(), &limits_currency),
        ) else {
            error.set(Some(ErrorBody {
                code: souq_wire::ErrorCode::Validation,
                message: "limits are amounts above 0".into(),
            }));
            return;
        };
        let settings = CardSettings {
            frozen,
            per_purchase_limit_minor,
            monthly_limit_minor,
        };
        spawn_local(async move {
            match api::set_card(id, &settings).await {
                Ok(card) => {
                    error.set(None);
                    on_changed.run(card);
                }
                // Opening the card up (or raising a limit) asks for the PIN first.
                Err(e) if needs_pin(&e) => {
                    after_pin.set(AfterPin::Save { frozen });
                    asking_pin.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save_limits = save.clone();
    let save_after_pin = save.clone();
    let spent = Money {
        amount_minor: card.spent_this_month_minor,
        currency: currency.clone(),
    };
    let expiry = format!("{:02}/{:02}", card.exp_month, card.exp_year % 100);
    view! {
        <div class=if frozen || locked { "debit-card frozen" } else { "debit-card" } dir="ltr" data-id=id.to_string()>
            <span class="debit-card-brand">"Souq"</span>
            <span class="debit-card-number">{move || revealed.get().map_or_else(
                || card.masked.clone(),
                |r| grouped(r.number.expose()))}</span>
            <span class="debit-card-expiry">{expiry}</span>
            {move || revealed.get().map(|r| view! {
                <span class="debit-card-cvv">{format!("CVV {}", r.cvv.expose())}</span>
            })}
            {frozen.then(|| view! { <span class="badge">{i18n.t(Text::CardFrozen)}</span> })}
            {locked.then(|| view! { <span class="badge card-locked">{i18n.t(Text::CardLocked)}</span> })}
        </div>
        {locked.then(|| view! { <p class="muted card-locked-hint">{i18n.t(Text::CardLockedHint)}</p> })}
        <div class="row-actions">
            {move || if revealed.get().is_some() {
                view! { <button type="button" class="button hide-card" on:click=move |_| revealed.set(None)>{i18n.t(Text::CardHide)}</button> }.into_any()
            } else {
                view! { <button type="button" class="button reveal-card" on:click=move |_| reveal()>{i18n.t(Text::CardReveal)}</button> }.into_any()
            }}
            {locked.then(|| view! {
                <button type="button" class="button unlock-card" on:click={
                    let save = save.clone();
                    move |_| save(false)
                }>{i18n.t(Text::CardUnlock)}</button>
            })}
            <button type="button" class="button freeze-card" on:click={
                let save = save.clone();
                move |_| save(!frozen)
            }>
                {i18n.t(if frozen { Text::CardUnfreeze } else { Text::CardFreeze })}
            </button>
        </div>
        <p class="muted card-spent">{move || format!("{}: {}", crate::i18n::tr(i18n.language.get(), Text::CardSpent), format::money(i18n.language.get(), &spent))}</p>
        <form class="card-limits" on:submit=move |ev| { ev.prevent_default(); save_limits(frozen); } novalidate>
            <div class="card-form-row">
                <div class="field">
                    <label for="card-per">{i18n.t(Text::CardPerPurchase)}</label>
                    <input id="card-per" inputmode="decimal" dir="ltr" prop:value=per on:input=move |ev| per.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="card-monthly">{i18n.t(Text::CardMonthly)}</label>
                    <input id="card-monthly" inputmode="decimal" dir="ltr" prop:value=monthly on:input=move |ev| monthly.set(event_target_value(&ev))/>
                </div>
            </div>
            <button type="submit" class="button save-limits">{i18n.t(Text::CardSaveLimits)}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        <h3>{i18n.t(Text::CardTransactions)}</h3>
        {move || if transactions.with(Vec::is_empty) {
            view! { <p class="muted">{i18n.t(Text::CardNoTransactions)}</p> }.into_any()
        } else {
            view! { <ul class="card-transactions">
                {transactions.get().into_iter().map(|t| {
                    let amount = t.amount.clone();
                    let asked = (t.status == CardTransactionStatus::AwaitingApproval).then(|| Asked {
                        card_id: id,
                        transaction_id: t.id,
                        payer: t.payer.clone().unwrap_or_default(),
                        amount: t.amount.clone(),
                        merchant: t.merchant.clone(),
                        until: t.approval_until,
                    });
                    view! { <li class="card-transaction" data-status=t.status.as_str()>
                        <span dir="auto">{t.merchant.clone()}</span>
                        <strong class="price">{move || format::money(i18n.language.get(), &amount)}</strong>
                        <span class="badge">{i18n.t(status_text(t.status))}</span>
                        {t.payer.clone().map(|payer| view! { <span class="muted card-payer">{i18n.t(Text::PaidBy)}" "<bdi dir="ltr">{payer}</bdi></span> })}
                        {t.reason.clone().map(|r| view! { <span class="muted" dir="auto">{r}</span> })}
                        {asked.map(|asked| view! {
                            <CardApproval asked=asked on_answered=Callback::new(move |_| load_transactions())/>
                        })}
                    </li> }
                }).collect_view()}
            </ul> }.into_any()
        }}
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| match after_pin.get_untracked() {
            AfterPin::Reveal => reveal(),
            AfterPin::Save { frozen } => save_after_pin(frozen),
        })/>
    }
}

/// The person's cards, and ordering one.
#[component]
pub fn DebitCards() -> impl IntoView {
    let i18n = use_i18n();
    let cards = RwSignal::new(None::<Result<Vec<DebitCard>, ErrorBody>>);
    let load = move || spawn_local(async move { cards.set(Some(api::cards().await)) });
    load();
    let currency = RwSignal::new("SAR".to_string());
    let error = RwSignal::new(None::<ErrorBody>);
    let issue = move |_| {
        let currency = currency.get_untracked();
        spawn_local(async move {
            match api::issue_card(&currency).await {
                Ok(_) => {
                    error.set(None);
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="panel debit-cards">
            <h2>{i18n.t(Text::WalletCardTab)}</h2>
            {move || match cards.get() {
                None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|card| view! {
                    <CardView card=card on_changed=Callback::new(move |_| load())/>
                }).collect_view().into_any(),
            }}
            <div class="issue-card">
                <p class="muted">{i18n.t(Text::CardHint)}</p>
                <label class="visually-hidden" for="card-currency">{i18n.t(Text::Currency)}</label>
                <select id="card-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                    {CURRENCIES.into_iter().map(|c| view! { <option value=c selected=move || currency.get() == c>{c}</option> }).collect_view()}
                </select>
                <button type="button" class="button button-primary issue-card-button" on:click=issue>{i18n.t(Text::CardIssue)}</button>
            </div>
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        </section>
    }
}
