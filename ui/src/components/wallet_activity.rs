//! The wallet's activity: every transfer into or out of the wallet and savings, newest
//! first, filtered by kind, searched by counterpart or note, a page at a time; an entry
//! opens to its detail.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{ActivityEntry, ActivityKind, ActivityQuery, Counterpart, ErrorBody};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};
use crate::state::{Screen, use_app};

pub fn kind_text(kind: ActivityKind) -> Text {
    match kind {
        ActivityKind::TopUp => Text::KindTopUp,
        ActivityKind::Purchase => Text::KindPurchase,
        ActivityKind::Refund => Text::KindRefund,
        ActivityKind::Sent => Text::KindSent,
        ActivityKind::Received => Text::KindReceived,
        ActivityKind::ToSavings => Text::KindToSavings,
        ActivityKind::FromSavings => Text::KindFromSavings,
        ActivityKind::Interest => Text::KindInterest,
        ActivityKind::Donation => Text::KindDonation,
        ActivityKind::Withdrawal => Text::KindWithdrawal,
        ActivityKind::Card => Text::KindCard,
    }
}

/// Who an entry was with, as a line says it.
fn counterpart_text(language: souq_wire::Language, counterpart: &Counterpart) -> String {
    match counterpart {
        Counterpart::Party { author } => author.display_name.clone(),
        Counterpart::Outside { last4: Some(last4) } => {
            format!("{} •••• {last4}", tr(language, Text::CounterpartBank))
        }
        Counterpart::Outside { last4: None } => tr(language, Text::CounterpartBank).to_string(),
        Counterpart::Souq => tr(language, Text::CounterpartSouq).to_string(),
        Counterpart::Savings => tr(language, Text::CounterpartSavings).to_string(),
    }
}

#[component]
fn EntryRow(entry: ActivityEntry) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let open = RwSignal::new(false);
    let id = entry.id.clone();
    let shown_id = entry.id.clone();
    let kind = entry.kind;
    let incoming = entry.amount.amount_minor > 0;
    let amount = entry.amount.clone();
    let counterpart = entry.counterpart.clone();
    let when = entry.created_at;
    let detail_id = format!(
        "entry-{}",
        entry.id.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    view! {
        <li class="activity-entry" data-kind=kind.as_str() data-id=id.clone()>
            <button type="button" class="activity-line" aria-expanded=move || open.get().to_string()
                aria-controls=detail_id.clone() on:click=move |_| open.update(|o| *o = !*o)>
                <span class="activity-what">
                    <span class="activity-kind">{i18n.t(kind_text(kind))}</span>
                    <span class="activity-who" dir="auto">{move || counterpart_text(i18n.language.get(), &counterpart)}</span>
                </span>
                <span class=if incoming { "activity-amount price incoming" } else { "activity-amount price" } dir="ltr">
                    {move || {
                        let shown = format::money(i18n.language.get(), &amount);
                        if incoming { format!("+{shown}") } else { shown }
                    }}
                </span>
                {entry.pending.then(|| view! { <span class="badge pending">{i18n.t(Text::Pending)}</span> })}
            </button>
            <Show when=move || open.get()>
                <dl class="activity-detail" id=detail_id.clone()>
                    <dt>{i18n.t(Text::TransferDetail)}</dt>
                    <dd>
                        <time datetime=when.to_rfc3339()>
                            {move || format::date_time(i18n.language.get(), when, format::local_offset_minutes(when))}
                        </time>
                    </dd>
                    {entry.note.clone().map(|note| view! {
                        <dt>{i18n.t(Text::Note)}</dt><dd dir="auto">{note}</dd>
                    })}
                    {entry.order_id.map(|order| view! {
                        <dt>{i18n.t(Text::OrderNumber)}</dt>
                        <dd><button type="button" class="link open-order"
                            on:click=move |_| state.open(Screen::Order(order))>
                            {move || format!("#{}", format::number(i18n.language.get(), order.unsigned_abs()))}
                        </button></dd>
                    })}
                    <dt>{i18n.t(Text::TransferId)}</dt>
                    <dd class="transfer-id" dir="ltr">{shown_id.clone()}</dd>
                </dl>
            </Show>
        </li>
    }
}

/// The activity list with its filter and search; `refresh` reloads it from the top.
#[component]
pub fn ActivityList(refresh: ReadSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<ActivityEntry>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ErrorBody>);
    let load = move |more: bool| {
        let query = ActivityQuery {
            kind: Some(kind.get_untracked()).filter(|k| !k.is_empty()),
            q: Some(search.get_untracked()).filter(|q| !q.trim().is_empty()),
            before: if more { next.get_untracked() } else { None },
            limit: Some(20),
        };
        loading.set(true);
        spawn_local(async move {
            let page = api::wallet_activity(&query).await;
            loading.set(false);
            match page {
                Ok(page) => {
                    error.set(None);
                    next.set(page.next_cursor);
                    if more {
                        entries.update(|e| e.extend(page.entries));
                    } else {
                        entries.set(page.entries);
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        refresh.track();
        kind.track();
        load(false);
    });
    view! {
        <section class="panel activity">
            <h2>{i18n.t(Text::ActivityTitle)}</h2>
            <form class="activity-filters" role="search" on:submit=move |ev| { ev.prevent_default(); load(false); }>
                <label class="visually-hidden" for="activity-kind">{i18n.t(Text::FiltersAndSort)}</label>
                <select id="activity-kind" class="activity-kind-filter" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="" selected=move || kind.get().is_empty()>{i18n.t(Text::ActivityAll)}</option>
                    {ActivityKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k.as_str()>{i18n.t(kind_text(k))}</option>
                    }).collect_view()}
                </select>
                <label class="visually-hidden" for="activity-search">{i18n.t(Text::ActivitySearch)}</label>
                <input id="activity-search" class="activity-search" type="search" dir="auto"
                    placeholder=i18n.t(Text::ActivitySearch)
                    prop:value=search on:input=move |ev| search.set(event_target_value(&ev))/>
            </form>
            {move || error.get().map(|e| view! { <ErrorMessage error=e/> })}
            {move || (!loading.get() && entries.with(Vec::is_empty) && error.get().is_none())
                .then(|| view! { <p class="muted activity-empty">{i18n.t(Text::ActivityEmpty)}</p> })}
            <ul class="activity-list">
                <For each=move || entries.get() key=|e| e.id.clone() let:entry>
                    <EntryRow entry=entry/>
                </For>
            </ul>
            {move || next.get().is_some().then(|| view! {
                <button type="button" class="button load-more" disabled=loading on:click=move |_| load(true)>
                    {i18n.t(Text::LoadMore)}
                </button>
            })}
        </section>
    }
}
