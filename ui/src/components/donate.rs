//! Donate: the button a verified nonprofit's posts and profile carry, and its dialog:
//! choose or type an amount, add a note, give from the wallet. The receipt is the entry
//! in the donor's activity; large gifts ask for the PIN.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{Author, Donate, Donation, ErrorBody};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, tr, use_i18n};

/// The amounts offered at a tap, in major units of the currency.
const PRESETS: [i64; 3] = [10, 50, 100];
/// The amount the dialog opens with.
const FIRST_CHOICE: i64 = 50;
const CURRENCY: &str = "SAR";

#[component]
pub fn DonateButton(nonprofit: Author) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="button button-primary donate-button"
            on:click=move |ev| { ev.stop_propagation(); open.set(true); }>
            {i18n.t(Text::Donate)}
        </button>
        <Show when=move || open.get()>
            <DonateDialog nonprofit=nonprofit.clone() open=open/>
        </Show>
    }
}

#[component]
fn DonateDialog(nonprofit: Author, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = RwSignal::new(format::money_input(FIRST_CHOICE * 100, CURRENCY));
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let receipt = RwSignal::new(None::<Donation>);
    let asking_pin = RwSignal::new(false);
    let handle = nonprofit.handle.clone();
    let run = move || {
        let Some(amount_minor) = format::parse_money(&amount.get_untracked(), CURRENCY) else {
            error.set(Some(ErrorBody {
                code: souq_wire::ErrorCode::Validation,
                message: "an amount above 0".into(),
            }));
            return;
        };
        let handle = handle.clone();
        let request = Donate {
            amount_minor,
            currency: CURRENCY.into(),
            note: note.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            let given = api::donate(&handle, &request).await;
            busy.set(false);
            match given {
                Ok(donation) => {
                    error.set(None);
                    receipt.set(Some(donation));
                }
                Err(e) if needs_pin(&e) => asking_pin.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let again = run.clone();
    view! {
        <div class="dialog-backdrop" on:click=move |ev| ev.stop_propagation()>
            <form class="dialog donate-dialog" role="dialog" aria-modal="true" aria-labelledby="donate-title"
                novalidate on:submit={ let run = run.clone(); move |ev| { ev.prevent_default(); run(); } }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
                <h2 id="donate-title">
                    {i18n.t(Text::DonateTitle)}" "<span dir="auto">{nonprofit.display_name.clone()}</span>
                </h2>
                <p class="muted">{i18n.t(Text::DonateNoFee)}</p>
                {move || match receipt.get() {
                    Some(done) => view! {
                        <p class="saved donate-done" role="status">
                            {move || format!("{} {}", tr(i18n.language.get(), Text::DonateThanks),
                                format::money(i18n.language.get(), &done.amount))}
                        </p>
                    }.into_any(),
                    None => view! {
                        <div class="donate-presets" role="group" aria-label=i18n.t(Text::Amount)>
                            {PRESETS.into_iter().map(|major| {
                                let value = format::money_input(major * 100, CURRENCY);
                                let shown = souq_wire::Money { amount_minor: major * 100, currency: CURRENCY.into() };
                                let chosen = value.clone();
                                view! {
                                    <button type="button" class="chip donate-preset"
                                        aria-pressed=move || (amount.get() == chosen).to_string()
                                        on:click=move |_| amount.set(value.clone())>
                                        {move || format::money(i18n.language.get(), &shown)}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <div class="field">
                            <label for="donate-amount">{i18n.t(Text::DonateOther)}</label>
                            <input id="donate-amount" class="donate-amount" inputmode="decimal" dir="ltr"
                                prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for="donate-note">{i18n.t(Text::Note)}</label>
                            <input id="donate-note" class="donate-note" dir="auto" maxlength="140"
                                prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                        </div>
                    }.into_any(),
                }}
                {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
                <div class="dialog-actions">
                    {move || receipt.get().is_none().then(|| view! {
                        <button type="submit" class="button button-primary give" disabled=busy>{i18n.t(Text::DonateAction)}</button>
                    })}
                    <button type="button" class="link close-donate" on:click=move |_| open.set(false)>{i18n.t(Text::Close)}</button>
                </div>
            </form>
        </div>
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| again())/>
    }
}
