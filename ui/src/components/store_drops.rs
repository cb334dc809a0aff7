//! The studio's drops: schedule one (an option, its launch in the store's time zone, the
//! stock set aside, the limit per customer, a website link), reschedule or cancel it
//! before the launch, end it after, and see each drop's funnel (reminders set, visits
//! from the launch on, orders, orders per reminder) as a small chart.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{
    DropFunnel, DropState, ErrorBody, LocalTime, NewDrop, RescheduleDrop, StudioDrop, StudioDrops,
    StudioProduct,
};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, use_i18n};

/// The device's own time zone, from the webview.
fn device_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &wasm_bindgen::JsValue::from_str("timeZone"))
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".into())
}

fn state_text(state: DropState) -> Text {
    match state {
        DropState::Scheduled => Text::DropScheduled,
        DropState::Live => Text::DropLive,
        DropState::SoldOut => Text::DropSoldOut,
        DropState::Ended => Text::DropEndedShort,
        DropState::Cancelled => Text::DropCancelledShort,
    }
}

/// The funnel as bars, each as long as its share of the reminders (or of the largest
/// step when there are none).
#[component]
fn FunnelChart(funnel: DropFunnel) -> impl IntoView {
    let i18n = use_i18n();
    let steps = [
        (Text::FunnelReminders, funnel.reminders),
        (Text::FunnelVisits, funnel.visits),
        (Text::FunnelOrders, funnel.orders),
    ];
    let most = steps.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let conversion = funnel.conversion_percent();
    view! {
        <figure class="funnel">
            <svg class="funnel-bars" viewBox="0 0 100 36" preserveAspectRatio="none" role="img"
                aria-label=i18n.t(Text::FunnelTitle)>
                {steps.iter().zip(0i64..).map(|((_, n), row)| {
                    let width = (n.clamp(&0, &most) * 100 / most).max(1);
                    view! {
                        <rect class=format!("funnel-bar funnel-bar-{row}") x="0" y=(row * 12).to_string()
                            width=width.to_string() height="10" rx="2"/>
                    }
                }).collect_view()}
            </svg>
            <figcaption>
                <ul class="funnel-legend">
                    {steps.into_iter().map(|(label, n)| view! {
                        <li>
                            <span>{i18n.t(label)}</span>" "
                            <strong>{move || format::number(i18n.language.get(), n.unsigned_abs())}</strong>
                        </li>
                    }).collect_view()}
                    <li class="funnel-conversion">
                        <span>{i18n.t(Text::FunnelConversion)}</span>" "
                        <strong>{move || match conversion {
                            Some(percent) => format!("{}%", format::number(i18n.language.get(), percent.unsigned_abs())),
                            None => "—".into(),
                        }}</strong>
                    </li>
                </ul>
            </figcaption>
        </figure>
    }
}

#[component]
fn DropRow(handle: String, drop: StudioDrop, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = drop.drop.id;
    let state = drop.drop.state;
    let zone = drop.launch.time_zone.clone();
    let moved_to = RwSignal::new(drop.launch.local.clone());
    let error = RwSignal::new(None::<ErrorBody>);
    let act = move |what: &'static str| {
        let handle = handle.clone();
        let zone = zone.clone();
        spawn_local(async move {
            let done = match what {
                "move" => {
                    let change = RescheduleDrop {
                        launch: LocalTime {
                            local: moved_to.get_untracked(),
                            time_zone: zone,
                        },
                    };
                    api::reschedule_drop(&handle, id, &change).await
                }
                "cancel" => api::close_drop(&handle, id, true).await,
                _ => api::close_drop(&handle, id, false).await,
            };
            match done {
                Ok(_) => {
                    error.set(None);
                    on_changed.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act_move = act.clone();
    let act_cancel = act.clone();
    view! {
        <li class="studio-drop panel" data-drop-id=id>
            <h3 dir="auto">{drop.drop.title.clone()}</h3>
            <p class="muted">
                <span class="badge">{i18n.t(state_text(state))}</span>" "
                <span dir="auto">{format!("#{}", drop.drop.hashtag)}</span>" "
                <span dir="ltr">{format!("{} ({})", drop.launch.local.replace('T', " "), drop.launch.time_zone)}</span>
            </p>
            <p class="muted">{move || format::left_of(i18n.language.get(), drop.drop.left, drop.drop.stock)}</p>
            <FunnelChart funnel=drop.funnel.clone()/>
            {(state == DropState::Scheduled).then(|| view! {
                <div class="drop-actions">
                    <label class="field">
                        <span>{i18n.t(Text::DropNewTime)}</span>
                        <input type="datetime-local" step="1" class="drop-move-time" dir="ltr"
                            prop:value=moved_to on:input=move |ev| moved_to.set(event_target_value(&ev))/>
                    </label>
                    <button type="button" class="button reschedule-drop" on:click=move |_| act_move("move")>
                        {i18n.t(Text::DropReschedule)}
                    </button>
                    <button type="button" class="link danger cancel-drop" on:click=move |_| act_cancel("cancel")>
                        {i18n.t(Text::DropCancel)}
                    </button>
                </div>
            })}
            {matches!(state, DropState::Live | DropState::SoldOut).then(|| view! {
                <button type="button" class="button end-drop" on:click=move |_| act("end")>
                    {i18n.t(Text::DropEnd)}
                </button>
            })}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
        </li>
    }
}

#[component]
pub fn StoreDrops(handle: String, products: Vec<StudioProduct>) -> impl IntoView {
    let i18n = use_i18n();
    let drops = RwSignal::new(None::<Result<StudioDrops, ErrorBody>>);
    let reload = {
        let handle = handle.clone();
        Callback::new(move |()| {
            let handle = handle.clone();
            spawn_local(async move {
                drops.set(Some(api::studio_drops(&handle).await));
            });
        })
    };
    reload.run(());
    // Published options: (variant id, label).
    let options: Vec<(i64, String)> = products
        .iter()
        .filter(|p| p.published && !p.draft.archived)
        .flat_map(|p| {
            p.draft.variants.iter().filter_map(move |v| {
                v.id.map(|id| (id, format!("{} — {} ({})", p.draft.title, v.name, v.stock)))
            })
        })
        .collect();
    let variant = RwSignal::new(options.first().map(|(id, _)| *id).unwrap_or_default());
    let title = RwSignal::new(String::new());
    let hashtag = RwSignal::new(String::new());
    let launch = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let stock = RwSignal::new("10".to_string());
    let limit = RwSignal::new("2".to_string());
    let url = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ErrorBody>);
    let busy = RwSignal::new(false);
    // The store's zone, or this device's before the store has scheduled anything.
    Effect::new(move |_| {
        if let Some(Ok(found)) = drops.get()
            && zone.get_untracked().is_empty()
        {
            zone.set(if found.time_zone == "UTC" && found.drops.is_empty() {
                device_zone()
            } else {
                found.time_zone
            });
        }
    });
    let schedule = {
        let handle = handle.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let new = NewDrop {
                variant_id: variant.get_untracked(),
                title: title.get_untracked(),
                hashtag: hashtag.get_untracked(),
                launch: LocalTime {
                    local: launch.get_untracked(),
                    time_zone: zone.get_untracked(),
                },
                stock: stock.get_untracked().trim().parse().unwrap_or(0),
                per_customer_limit: limit.get_untracked().trim().parse().unwrap_or(0),
                external_url: Some(url.get_untracked()).filter(|u| !u.trim().is_empty()),
            };
            let handle = handle.clone();
            busy.set(true);
            spawn_local(async move {
                match api::schedule_drop(&handle, &new).await {
                    Ok(_) => {
                        error.set(None);
                        title.set(String::new());
                        hashtag.set(String::new());
                        reload.run(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <form class="panel drop-form" on:submit=schedule novalidate>
            <h2>{i18n.t(Text::DropScheduleTitle)}</h2>
            <label class="field">
                <span>{i18n.t(Text::Options)}</span>
                <select class="drop-option" on:change=move |ev| {
                    variant.set(event_target_value(&ev).parse().unwrap_or_default());
                }>
                    {options.iter().map(|(id, label)| view! {
                        <option value=id.to_string() dir="auto">{label.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropTitleField)}</span>
                <input class="drop-title" dir="auto" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropHashtagField)}</span>
                <input class="drop-hashtag" dir="auto" prop:value=hashtag on:input=move |ev| hashtag.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropLaunch)}</span>
                <input type="datetime-local" step="1" class="drop-launch" dir="ltr"
                    prop:value=launch on:input=move |ev| launch.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropTimeZone)}</span>
                <input class="drop-zone" dir="ltr" prop:value=zone on:input=move |ev| zone.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropStockField)}</span>
                <input type="number" min="1" class="drop-stock" dir="ltr" prop:value=stock on:input=move |ev| stock.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::DropLimit)}</span>
                <input type="number" min="1" class="drop-limit" dir="ltr" prop:value=limit on:input=move |ev| limit.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{i18n.t(Text::ProductWebsite)}</span>
                <input type="url" class="drop-url" dir="ltr" prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/>
            </label>
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            <button type="submit" class="button button-primary schedule-drop" disabled=busy>
                {i18n.t(Text::DropScheduleButton)}
            </button>
        </form>
        {move || match drops.get() {
            None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e detail=true/> }.into_any(),
            Some(Ok(found)) => view! {
                <ul class="studio-drops">
                    {found.drops.into_iter().map(|drop| view! {
                        <DropRow handle=handle.clone() drop=drop on_changed=reload/>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
