//! The wallet: what it holds (available, on hold, savings), and its tabs: the overview
//! (requests waiting, the monthly spending chart, the activity), sending and requesting
//! money, savings, the debit card, and topping up from a card or withdrawing to a bank.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{
    Checkout, CheckoutStatus, ErrorBody, Money, MoneyRequests, SpendingQuery, SpendingReport,
    TopUpRequest, WalletHome,
};

use crate::api;
use crate::components::back_header::BackHeader;
use crate::components::card_form::{CardFields, CardForm, CardPayment, CardSecondStep};
use crate::components::debit_card::DebitCards;
use crate::components::error_message::ErrorMessage;
use crate::components::money_forms::{
    AmountField, RequestLists, SavingsForm, SendOrRequest, WithdrawForm,
};
use crate::components::spending_chart::SpendingChart;
use crate::components::wallet_activity::ActivityList;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::checkout::{outcome_unknown, unpaid_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Send,
    Savings,
    Card,
    TopUp,
}

/// The user's IANA time zone, as the webview knows it: months are theirs.
fn time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
        .ok()
        .and_then(|zone| zone.as_string())
}

#[component]
fn Balances(home: WalletHome, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let list = move |class: &'static str, label: Text, items: Vec<Money>| {
        (!items.is_empty()).then(|| {
            view! {
                <div class=format!("balance-group {class}")>
                    <h3>{i18n.t(label)}</h3>
                    <ul class="balances">
                        {items.into_iter().map(|m| {
                            let currency = m.currency.clone();
                            view! { <li class="balance" data-currency=currency>
                                <strong class="price">{move || format::money(i18n.language.get(), &m)}</strong>
                            </li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };
    let empty = home.balances.is_empty() && home.savings.is_empty();
    let unlocked = home.vault.unlocked_until;
    let lock = move |_| {
        spawn_local(async move {
            let _ = api::lock_vault().await;
            on_changed.run(());
        })
    };
    let waiting = home.requests_waiting;
    view! {
        <section class="panel wallet-balances">
            <h2>{i18n.t(Text::Balance)}</h2>
            {empty.then(|| view! { <p class="muted wallet-empty">{i18n.t(Text::WalletEmpty)}</p> })}
            <div class="balance-groups">
                {list("main", Text::MainBalance, home.balances.clone())}
                {list("pending", Text::PendingBalance, home.pending.clone())}
                {list("savings", Text::SavingsBalance, home.savings.clone())}
            </div>
            {(waiting > 0).then(|| view! {
                <p class="requests-waiting" role="status">
                    {move || format!("{}: {}", tr(i18n.language.get(), Text::RequestsWaiting),
                        format::number(i18n.language.get(), waiting.unsigned_abs()))}
                </p>
            })}
            {unlocked.map(|until| view! {
                <p class="vault-unlocked muted">
                    {move || format!("{} {}", tr(i18n.language.get(), Text::Unlocked),
                        format::date_time(i18n.language.get(), until, format::local_offset_minutes(until)))}
                    " "
                    <button type="button" class="link lock-vault" on:click=lock>{i18n.t(Text::PinLock)}</button>
                </p>
            })}
            {home.limits.into_iter().map(|limit| {
                let left = Money {
                    amount_minor: (limit.daily_minor - limit.sent_today_minor).max(0),
                    currency: limit.currency.clone(),
                };
                view! { <p class="muted send-limit" data-currency=limit.currency.clone()>
                    {move || format!("{}: {}", tr(i18n.language.get(), Text::DailyLimitLeft), format::money(i18n.language.get(), &left))}
                </p> }
            }).collect_view()}
        </section>
    }
}

/// Topping up from a card, with its second step when it asks for one.
#[component]
fn TopUpForm(on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new("SAR".to_string());
    let card = CardFields::default();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let bad_input = RwSignal::new(false);
    let topped = RwSignal::new(None::<Checkout>);
    let payment = CardPayment::new(
        busy,
        move |answer: Result<Checkout, ErrorBody>| match answer {
            Ok(done) => {
                topped.set(Some(done));
                on_done.run(());
            }
            Err(e) => {
                error.set(Some(e));
            }
        },
    );
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
        spawn_local(async move { payment.answered(api::top_up(&request).await) });
    };
    view! {
        <form class="panel top-up" on:submit=top_up novalidate>
            <h2>{i18n.t(Text::TopUp)}</h2>
            <AmountField id="top-up-amount" amount=amount currency=currency/>
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
        <CardSecondStep payment=payment/>
    }
}

#[component]
pub fn WalletScreen() -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(Tab::Overview);
    let home = RwSignal::new(None::<Result<WalletHome, ErrorBody>>);
    let requests = RwSignal::new(None::<MoneyRequests>);
    let spending = RwSignal::new(None::<SpendingReport>);
    let (refresh, set_refresh) = signal(0u32);
    let load = move || {
        spawn_local(async move { home.set(Some(api::wallet_home().await)) });
        spawn_local(async move { requests.set(api::money_requests().await.ok()) });
        spawn_local(async move {
            let query = SpendingQuery {
                currency: None,
                time_zone: time_zone(),
                months: Some(6),
            };
            spending.set(api::spending(&query).await.ok());
        });
        set_refresh.update(|n| *n += 1);
    };
    load();
    let changed = Callback::new(move |()| load());
    let tab_button = move |which: Tab, label: Text, name: &'static str| {
        view! {
            <button type="button" role="tab" class=format!("tab wallet-tab-{name}")
                class:active=move || tab.get() == which
                aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>
                {i18n.t(label)}
            </button>
        }
    };
    view! {
        <BackHeader><h1>{i18n.t(Text::Wallet)}</h1></BackHeader>
        {move || match home.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e/> }.into_any(),
            Some(Ok(h)) => view! { <Balances home=h on_changed=changed/> }.into_any(),
        }}
        <div class="tabs wallet-tabs" role="tablist">
            {tab_button(Tab::Overview, Text::WalletOverview, "overview")}
            {tab_button(Tab::Send, Text::WalletSendTab, "send")}
            {tab_button(Tab::Savings, Text::WalletSavingsTab, "savings")}
            {tab_button(Tab::Card, Text::WalletCardTab, "card")}
            {tab_button(Tab::TopUp, Text::WalletTopUpTab, "top-up")}
        </div>
        {move || match tab.get() {
            Tab::Overview => view! {
                {move || requests.get().filter(|r| r.incoming.iter().any(|q| q.status == souq_wire::RequestStatus::Open))
                    .map(|r| view! { <RequestLists requests=r on_changed=changed incoming_only=true/> })}
                {move || spending.get().map(|report| view! { <SpendingChart report=report/> })}
                <ActivityList refresh=refresh/>
            }.into_any(),
            Tab::Send => view! {
                <SendOrRequest request=false on_done=changed/>
                <SendOrRequest request=true on_done=changed/>
                {move || requests.get().map(|r| view! { <RequestLists requests=r on_changed=changed/> })}
            }.into_any(),
            Tab::Savings => view! {
                {move || home.get().and_then(Result::ok).map(|h| view! {
                    <SavingsForm home=h on_moved=Callback::new(move |fresh: WalletHome| {
                        home.set(Some(Ok(fresh)));
                        set_refresh.update(|n| *n += 1);
                    })/>
                })}
            }.into_any(),
            Tab::Card => view! { <DebitCards/> }.into_any(),
            Tab::TopUp => view! {
                <TopUpForm on_done=changed/>
                <WithdrawForm on_done=changed/>
            }.into_any(),
        }}
    }
}
