//! The wallet's forms: send to and request from a person, answer requests, move money
//! in and out of savings, and withdraw to a bank. Each one that moves money may meet
//! the PIN vault: the prompt opens, and the same request goes again once unlocked (the
//! app keeps its idempotency key, so it still moves the money once).

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{
    ErrorBody, Money, MoneyRequest, MoneyRequests, MoveSavings, RequestMoney, RequestStatus,
    SavingsDirection, Secret, SendMoney, WalletHome, Withdraw, WithdrawalStatus,
};

use crate::api;
use crate::components::avatar::Avatar;
use crate::components::error_message::ErrorMessage;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, tr, use_i18n};

/// The currencies money may be moved in.
pub const CURRENCIES: [&str; 9] = [
    "SAR", "AED", "KWD", "QAR", "BHD", "OMR", "EGP", "JOD", "USD",
];

/// An amount field and its currency beside it.
#[component]
pub fn AmountField(
    id: &'static str,
    amount: RwSignal<String>,
    currency: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let currency_id = format!("{id}-currency");
    view! {
        <div class="card-form-row">
            <div class="field">
                <label for=id>{i18n.t(Text::Amount)}</label>
                <input id=id class=format!("{id} amount") inputmode="decimal" dir="ltr"
                    prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=currency_id.clone()>{i18n.t(Text::Currency)}</label>
                <select id=currency_id class="currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                    {CURRENCIES.into_iter().map(|c| view! {
                        <option value=c selected=move || currency.get() == c>{c}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}

/// Send money to an @handle, or ask them for it.
#[component]
pub fn SendOrRequest(request: bool, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let who = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("SAR".to_string());
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let bad_input = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let done = RwSignal::new(None::<(String, Money)>);
    let asking_pin = RwSignal::new(false);
    let prefix = if request { "request" } else { "send" };
    let run = move || {
        let currency = currency.get_untracked();
        let Some(amount_minor) = format::parse_money(&amount.get_untracked(), &currency) else {
            bad_input.set(true);
            return;
        };
        let handle = who
            .get_untracked()
            .trim()
            .trim_start_matches('@')
            .to_string();
        if handle.is_empty() {
            bad_input.set(true);
            return;
        }
        bad_input.set(false);
        error.set(None);
        done.set(None);
        busy.set(true);
        let typed_note = note.get_untracked();
        spawn_local(async move {
            let answer = if request {
                api::request_money(&RequestMoney {
                    from: handle.clone(),
                    amount_minor,
                    currency: currency.clone(),
                    note: typed_note,
                })
                .await
                .map(|r| (r.payer.handle, r.amount))
            } else {
                api::send_money(&SendMoney {
                    to: handle.clone(),
                    amount_minor,
                    currency: currency.clone(),
                    note: typed_note,
                })
                .await
                .map(|s| (s.to.handle, s.amount))
            };
            busy.set(false);
            match answer {
                Ok(finished) => {
                    done.set(Some(finished));
                    amount.set(String::new());
                    note.set(String::new());
                    on_done.run(());
                }
                Err(e) if needs_pin(&e) => asking_pin.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run();
    };
    view! {
        <form class=format!("panel {prefix}-money") on:submit=submit novalidate>
            <h2>{i18n.t(if request { Text::RequestMoneyTitle } else { Text::SendMoneyTitle })}</h2>
            <div class="field">
                <label for=format!("{prefix}-who")>{i18n.t(if request { Text::FromHandle } else { Text::ToHandle })}</label>
                <input id=format!("{prefix}-who") class="money-who" dir="ltr" autocomplete="off"
                    prop:value=who on:input=move |ev| who.set(event_target_value(&ev))/>
            </div>
            <AmountField id=if request { "request-amount" } else { "send-amount" } amount=amount currency=currency/>
            <div class="field">
                <label for=format!("{prefix}-note")>{i18n.t(Text::Note)}</label>
                <input id=format!("{prefix}-note") class="money-note" dir="auto" maxlength="140"
                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
            </div>
            {move || bad_input.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckMoneyForm)}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            {move || done.get().map(|(handle, money)| view! {
                <p class="saved money-done" role="status">
                    {move || format!("{} @{handle}: {}",
                        tr(i18n.language.get(), if request { Text::RequestedFrom } else { Text::SentTo }),
                        format::money(i18n.language.get(), &money))}
                </p>
            })}
            <button type="submit" class=format!("button button-primary do-{prefix}") disabled=busy>
                {i18n.t(if request { Text::RequestAction } else { Text::SendAction })}
            </button>
        </form>
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| run())/>
    }
}

fn status_text(status: RequestStatus) -> Text {
    match status {
        RequestStatus::Open => Text::RequestOpen,
        RequestStatus::Paid => Text::RequestPaid,
        RequestStatus::Declined => Text::RequestDeclined,
        RequestStatus::Cancelled => Text::RequestCancelled,
    }
}

/// One request: who, how much, its note and status, and what this side may do.
#[component]
fn RequestRow(request: MoneyRequest, incoming: bool, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = request.id;
    let error = RwSignal::new(None::<ErrorBody>);
    let busy = RwSignal::new(false);
    let asking_pin = RwSignal::new(false);
    let answer = move |what: &'static str| {
        busy.set(true);
        spawn_local(async move {
            let answered = api::answer_request(id, what).await;
            busy.set(false);
            match answered {
                Ok(_) => {
                    error.set(None);
                    on_changed.run(());
                }
                Err(e) if needs_pin(&e) => asking_pin.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let other = if incoming {
        request.requester.clone()
    } else {
        request.payer.clone()
    };
    let open = request.status == RequestStatus::Open;
    let money = request.amount.clone();
    view! {
        <li class="money-request" data-status=request.status.as_str() data-id=id.to_string()>
            <Avatar author=other.clone()/>
            <div class="money-request-body">
                <span class="author-name" dir="auto">{other.display_name.clone()}</span>
                <span class="author-handle" dir="ltr">{format!("@{}", other.handle)}</span>
                <strong class="price">{move || format::money(i18n.language.get(), &money)}</strong>
                {(!request.note.is_empty()).then(|| view! { <p class="muted" dir="auto">{request.note.clone()}</p> })}
                <span class="badge">{i18n.t(status_text(request.status))}</span>
            </div>
            {(open && incoming).then(|| view! {
                <div class="row-actions">
                    <button type="button" class="button button-primary pay-request" disabled=busy
                        on:click=move |_| answer("accept")>{i18n.t(Text::PayRequest)}</button>
                    <button type="button" class="button decline-request" disabled=busy
                        on:click=move |_| answer("decline")>{i18n.t(Text::DeclineRequest)}</button>
                </div>
            })}
            {(open && !incoming).then(|| view! {
                <button type="button" class="link cancel-request" disabled=busy
                    on:click=move |_| answer("cancel")>{i18n.t(Text::CancelRequest)}</button>
            })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| answer("accept"))/>
        </li>
    }
}

/// The person's requests, both ways (or only those waiting for their answer).
#[component]
pub fn RequestLists(
    requests: MoneyRequests,
    on_changed: Callback<()>,
    #[prop(optional)] incoming_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let list = move |items: Vec<MoneyRequest>, incoming: bool| {
        if items.is_empty() {
            view! { <p class="muted">{i18n.t(Text::NoRequests)}</p> }.into_any()
        } else {
            view! {
                <ul class="money-requests">
                    {items.into_iter().map(|r| view! { <RequestRow request=r incoming=incoming on_changed=on_changed/> }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel requests-incoming">
            <h2>{i18n.t(Text::IncomingRequests)}</h2>
            {list(requests.incoming, true)}
        </section>
        {(!incoming_only).then(|| view! {
            <section class="panel requests-outgoing">
                <h2>{i18n.t(Text::OutgoingRequests)}</h2>
                {list(requests.outgoing, false)}
            </section>
        })}
    }
}

/// Moves money between main and savings.
#[component]
pub fn SavingsForm(home: WalletHome, on_moved: Callback<WalletHome>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(
        home.balances
            .first()
            .map_or_else(|| "SAR".to_string(), |m| m.currency.clone()),
    );
    let error = RwSignal::new(None::<ErrorBody>);
    let bad_input = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let rate = home.savings_rate_basis_points;
    let go = move |direction: SavingsDirection| {
        let currency = currency.get_untracked();
        let Some(amount_minor) = format::parse_money(&amount.get_untracked(), &currency) else {
            bad_input.set(true);
            return;
        };
        bad_input.set(false);
        busy.set(true);
        spawn_local(async move {
            let moved = api::move_savings(&MoveSavings {
                direction,
                amount_minor,
                currency,
            })
            .await;
            busy.set(false);
            match moved {
                Ok(home) => {
                    error.set(None);
                    amount.set(String::new());
                    on_moved.run(home);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="panel savings-form" on:submit=|ev| ev.prevent_default() novalidate>
            <h2>{i18n.t(Text::WalletSavingsTab)}</h2>
            <p class="savings-rate">
                {move || format!("{} {}%", tr(i18n.language.get(), Text::SavingsRate),
                    format::digits(i18n.language.get(), &format!("{}.{:02}", rate / 100, rate % 100)))}
            </p>
            <p class="muted">{i18n.t(Text::InterestNote)}</p>
            <AmountField id="savings-amount" amount=amount currency=currency/>
            {move || bad_input.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckMoneyForm)}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            <div class="row-actions">
                <button type="button" class="button button-primary to-savings" disabled=busy
                    on:click=move |_| go(SavingsDirection::In)>{i18n.t(Text::MoveToSavings)}</button>
                <button type="button" class="button from-savings" disabled=busy
                    on:click=move |_| go(SavingsDirection::Out)>{i18n.t(Text::MoveFromSavings)}</button>
            </div>
        </form>
    }
}

/// Takes money out to a bank account by IBAN.
#[component]
pub fn WithdrawForm(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("SAR".to_string());
    let iban = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ErrorBody>);
    let bad_input = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<(WithdrawalStatus, Money)>);
    let asking_pin = RwSignal::new(false);
    let run = move || {
        let currency = currency.get_untracked();
        let typed = iban.get_untracked();
        let (Some(amount_minor), false) = (
            format::parse_money(&amount.get_untracked(), &currency),
            typed.trim().is_empty(),
        ) else {
            bad_input.set(true);
            return;
        };
        bad_input.set(false);
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer = api::withdraw(&Withdraw {
                amount_minor,
                currency,
                iban: Secret::new(typed),
            })
            .await;
            busy.set(false);
            match answer {
                Ok(w) => {
                    outcome.set(Some((w.status, w.amount)));
                    on_done.run(());
                }
                Err(e) if needs_pin(&e) => asking_pin.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="panel withdraw" on:submit=move |ev| { ev.prevent_default(); run(); } novalidate>
            <h2>{i18n.t(Text::WithdrawTitle)}</h2>
            <AmountField id="withdraw-amount" amount=amount currency=currency/>
            <div class="field">
                <label for="withdraw-iban">{i18n.t(Text::Iban)}</label>
                <input id="withdraw-iban" class="withdraw-iban" dir="ltr" autocomplete="off"
                    prop:value=iban on:input=move |ev| iban.set(event_target_value(&ev))/>
            </div>
            {move || bad_input.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckWithdraw)}</p> })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            {move || outcome.get().map(|(status, money)| {
                let text = match status {
                    WithdrawalStatus::Paid => Text::WithdrawPaid,
                    WithdrawalStatus::Pending => Text::WithdrawPending,
                    WithdrawalStatus::Failed => Text::WithdrawFailed,
                };
                view! { <p class="saved withdraw-done" role="status">
                    {move || format!("{} {}", tr(i18n.language.get(), text), format::money(i18n.language.get(), &money))}
                </p> }
            })}
            <button type="submit" class="button button-primary do-withdraw" disabled=busy>{i18n.t(Text::WithdrawAction)}</button>
        </form>
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| run())/>
    }
}
