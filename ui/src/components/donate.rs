//! Donate: the button a verified nonprofit's posts and profile carry, and its dialog:
//! choose or type an amount, add a note, give from the wallet or a card (with the card's
//! second step when it asks for one). The receipt is the entry in the donor's activity;
//! large gifts from the wallet ask for the PIN.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::{Author, CardDonation, Checkout, CheckoutStatus, Donate, ErrorBody, Money};

use crate::api;
use crate::components::card_form::{CardFields, CardForm, CardPayment, CardSecondStep};
use crate::components::error_message::ErrorMessage;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, format, tr, use_i18n};
use crate::routes::checkout::{outcome_unknown, unpaid_text};

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
    let by_card = RwSignal::new(false);
    let card = CardFields::default();
    let card_incomplete = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    // What was given, once it was; a card still being confirmed says so instead.
    let given = RwSignal::new(None::<Money>);
    let unpaid = RwSignal::new(None::<CheckoutStatus>);
    let asking_pin = RwSignal::new(false);
    let payment = CardPayment::new(
        busy,
        move |answer: Result<Checkout, ErrorBody>| match answer {
            Ok(done) => {
                error.set(None);
                if done.status == CheckoutStatus::Paid {
                    unpaid.set(None);
                    given.set(Some(done.total));
                } else {
                    unpaid.set(Some(done.status));
                }
            }
            Err(e) => {
                error.set(Some(e));
            }
        },
    );
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
        if by_card.get_untracked() {
            let Some(card) = card.card() else {
                card_incomplete.set(true);
                return;
            };
            card_incomplete.set(false);
            let request = CardDonation {
                amount_minor,
                currency: CURRENCY.into(),
                note: note.get_untracked(),
                card,
            };
            busy.set(true);
            spawn_local(
                async move { payment.answered(api::donate_by_card(&handle, &request).await) },
            );
            return;
        }
        let request = Donate {
            amount_minor,
            currency: CURRENCY.into(),
            note: note.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            let answer = api::donate(&handle, &request).await;
            busy.set(false);
            match answer {
                Ok(donation) => {
                    error.set(None);
                    given.set(Some(donation.amount));
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
                {move || match given.get() {
                    Some(done) => view! {
                        <p class="saved donate-done" role="status">
                            {move || format!("{} {}", tr(i18n.language.get(), Text::DonateThanks),
                                format::money(i18n.language.get(), &done))}
                        </p>
                    }.into_any(),
                    None => view! {
                        <div class="donate-presets" role="group" aria-label=i18n.t(Text::Amount)>
                            {PRESETS.into_iter().map(|major| {
                                let value = format::money_input(major * 100, CURRENCY);
                                let shown = Money { amount_minor: major * 100, currency: CURRENCY.into() };
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
                        <fieldset class="choices donate-method">
                            <legend>{i18n.t(Text::PayWith)}</legend>
                            <label class="choice give-wallet">
                                <input type="radio" name="donate-method" prop:checked=move || !by_card.get()
                                    on:change=move |_| by_card.set(false)/>
                                <span>{i18n.t(Text::Wallet)}</span>
                            </label>
                            <label class="choice give-card">
                                <input type="radio" name="donate-method" prop:checked=move || by_card.get()
                                    on:change=move |_| by_card.set(true)/>
                                <span>{i18n.t(Text::Card)}</span>
                            </label>
                        </fieldset>
                        {move || by_card.get().then(|| view! { <CardForm fields=card/> })}
                        {move || card_incomplete.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::CheckCard)}</p> })}
                    }.into_any(),
                }}
                {move || unpaid.get().map(|status| view! {
                    <p class="muted donate-unpaid" role="status">{i18n.t(unpaid_text(status))}</p>
                })}
                {move || error.get().map(|e| if outcome_unknown(&e) {
                    view! { <p class="error pay-unknown" role="alert">{i18n.t(Text::PaymentUnknown)}</p> }.into_any()
                } else {
                    view! { <ErrorMessage error=e detail=true/> }.into_any()
                })}
                <div class="dialog-actions">
                    {move || given.get().is_none().then(|| view! {
                        <button type="submit" class="button button-primary give" disabled=busy>{i18n.t(Text::DonateAction)}</button>
                    })}
                    <button type="button" class="link close-donate" on:click=move |_| open.set(false)>{i18n.t(Text::Close)}</button>
                </div>
            </form>
        </div>
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| again())/>
        <CardSecondStep payment=payment/>
    }
}
