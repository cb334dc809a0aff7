//! The PIN vault's prompt. An action the server answers with `pin_required` opens it:
//! the first time it asks for a new PIN (twice), later for the PIN, and once the vault
//! is unlocked it runs the action again. The PIN lives only in these inputs and the one
//! request that carries it; the server counts wrong tries and says when it locks. On a
//! phone whose biometrics were turned on (Settings), they may unlock instead.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::wallet::PIN_DIGITS;
use souq_wire::{ErrorBody, ErrorCode};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, use_i18n};

/// Whether an answer means the action waits for the PIN.
pub fn needs_pin(error: &ErrorBody) -> bool {
    error.code == ErrorCode::PinRequired
}

/// The prompt, shown while `open` holds; `on_unlocked` runs the waiting action again.
#[component]
pub fn PinPrompt(open: RwSignal<bool>, on_unlocked: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let pin_set = RwSignal::new(None::<bool>);
    let pin = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ErrorBody>);
    let mismatch = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // On a phone whose biometrics were turned on, they may unlock instead.
    let biometrics = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            pin.set(String::new());
            again.set(String::new());
            error.set(None);
            mismatch.set(false);
            spawn_local(async move {
                pin_set.set(Some(api::vault().await.map(|v| v.pin_set).unwrap_or(true)));
            });
            spawn_local(async move {
                biometrics.set(api::biometric_state().await.is_ok_and(|b| b.enabled));
            });
        }
    });
    let by_biometrics = move |_| {
        busy.set(true);
        spawn_local(async move {
            let reason = crate::i18n::tr(i18n.language.get_untracked(), Text::BiometricReason);
            let answer = api::unlock_with_biometrics(reason).await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    open.set(false);
                    on_unlocked.run(());
                }
                // Not confirmed: the PIN is still there to type.
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(typed) = format::pin_digits(&pin.get_untracked()) else {
            mismatch.set(false);
            error.set(Some(ErrorBody {
                code: ErrorCode::Validation,
                message: format!("a PIN is {PIN_DIGITS} digits"),
            }));
            return;
        };
        let first_time = pin_set.get_untracked() == Some(false);
        if first_time
            && format::pin_digits(&again.get_untracked()).as_deref() != Some(typed.as_str())
        {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        busy.set(true);
        spawn_local(async move {
            let answer = if first_time {
                api::set_pin(&typed, None).await
            } else {
                api::unlock_vault(&typed).await
            };
            busy.set(false);
            match answer {
                Ok(_) => {
                    open.set(false);
                    on_unlocked.run(());
                }
                Err(e) => {
                    pin.set(String::new());
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <form class="dialog pin-prompt" role="dialog" aria-modal="true"
                    aria-labelledby="pin-title" on:submit=submit novalidate
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }>
                    {move || match pin_set.get() {
                        None => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                        Some(set) => view! {
                            <h2 id="pin-title">{i18n.t(if set { Text::PinEnterTitle } else { Text::PinSetTitle })}</h2>
                            {(!set).then(|| view! { <p class="muted">{i18n.t(Text::PinSetHint)}</p> })}
                            <div class="field">
                                <label for="pin-input">{i18n.t(Text::PinField)}</label>
                                <input id="pin-input" class="pin-input" type="password" inputmode="numeric"
                                    autocomplete="off" maxlength="6" dir="ltr" autofocus
                                    prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                            </div>
                            {(!set).then(|| view! {
                                <div class="field">
                                    <label for="pin-again">{i18n.t(Text::PinConfirm)}</label>
                                    <input id="pin-again" class="pin-again" type="password" inputmode="numeric"
                                        autocomplete="off" maxlength="6" dir="ltr"
                                        prop:value=again on:input=move |ev| again.set(event_target_value(&ev))/>
                                </div>
                            })}
                        }.into_any(),
                    }}
                    {move || mismatch.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::PinMismatch)}</p> })}
                    {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
                    <div class="dialog-actions">
                        <button type="submit" class="button button-primary pin-submit"
                            disabled=move || busy.get() || pin_set.get().is_none()>
                            {move || if pin_set.get() == Some(false) { i18n.t(Text::PinSave)() } else { i18n.t(Text::PinUnlock)() }}
                        </button>
                        {move || (biometrics.get() && pin_set.get() == Some(true)).then(|| view! {
                            <button type="button" class="button pin-biometrics" disabled=busy
                                on:click=by_biometrics>{i18n.t(Text::PinUseBiometrics)}</button>
                        })}
                        <button type="button" class="link" on:click=move |_| open.set(false)>{i18n.t(Text::Cancel)}</button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
