//! The PIN vault's prompt. An action the server answers with `pin_required` opens it:
//! the first time it asks for a new PIN (twice), later for the PIN, and once the vault
//! is unlocked it runs the action again. Where the server asks for the account's
//! password too (`password_required`: choosing a PIN long after signing in), a password
//! field appears. A PIN locked after wrong tries says until when; one locked until the
//! password (or forgotten) is chosen anew with the password. The PIN lives only in these
//! inputs and the one request that carries it; the server counts wrong tries. On a
//! phone whose biometrics were turned on (Settings), they may unlock instead.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::wallet::PIN_DIGITS;
use souq_wire::{ErrorBody, ErrorCode, VaultState};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::i18n::{Text, format, tr, use_i18n};

/// Whether an answer means the action waits for the PIN.
pub fn needs_pin(error: &ErrorBody) -> bool {
    error.code == ErrorCode::PinRequired
}

/// What the prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    Loading,
    /// The first PIN, typed twice.
    NewPin,
    /// The PIN, to unlock.
    Pin,
    /// Nothing until then: too many wrong PINs.
    LockedUntil(DateTime<Utc>),
    /// A new PIN with the account's password (forgotten, or locked until the password).
    Reset,
}

fn asking(vault: &VaultState) -> Asking {
    if vault.needs_password {
        Asking::Reset
    } else if let Some(until) = vault.locked_until {
        Asking::LockedUntil(until)
    } else if vault.pin_set {
        Asking::Pin
    } else {
        Asking::NewPin
    }
}

/// The prompt's typed fields.
#[derive(Clone, Copy)]
struct Fields {
    pin: RwSignal<String>,
    again: RwSignal<String>,
    password: RwSignal<String>,
}

impl Fields {
    fn clear(self) {
        self.pin.set(String::new());
        self.again.set(String::new());
        self.password.set(String::new());
    }
}

/// The prompt, shown while `open` holds; `on_unlocked` runs the waiting action again.
#[component]
pub fn PinPrompt(open: RwSignal<bool>, on_unlocked: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let mode = RwSignal::new(Asking::Loading);
    let fields = Fields {
        pin: RwSignal::new(String::new()),
        again: RwSignal::new(String::new()),
        password: RwSignal::new(String::new()),
    };
    // Shown once the server asks for the password (or the prompt resets the PIN).
    let with_password = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    let mismatch = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // On a phone whose biometrics were turned on, they may unlock instead.
    let biometrics = RwSignal::new(false);
    let look = move || {
        spawn_local(async move {
            mode.set(api::vault().await.map_or(Asking::Pin, |v| asking(&v)));
        });
    };
    Effect::new(move |_| {
        if open.get() {
            fields.clear();
            error.set(None);
            mismatch.set(false);
            with_password.set(false);
            mode.set(Asking::Loading);
            look();
            spawn_local(async move {
                biometrics.set(api::biometric_state().await.is_ok_and(|b| b.enabled));
            });
        }
    });
    let done = move || {
        open.set(false);
        on_unlocked.run(());
    };
    let by_biometrics = move |_| {
        busy.set(true);
        spawn_local(async move {
            let reason = tr(i18n.language.get_untracked(), Text::BiometricReason);
            let answer = api::unlock_with_biometrics(reason).await;
            busy.set(false);
            match answer {
                Ok(_) => done(),
                // Not confirmed: the PIN is still there to type.
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = mode.get_untracked();
        if matches!(current, Asking::Loading | Asking::LockedUntil(_)) {
            return;
        }
        let Some(typed) = format::pin_digits(&fields.pin.get_untracked()) else {
            mismatch.set(false);
            error.set(Some(ErrorBody {
                code: ErrorCode::Validation,
                message: format!("a PIN is {PIN_DIGITS} digits"),
            }));
            return;
        };
        let choosing = matches!(current, Asking::NewPin | Asking::Reset);
        if choosing
            && format::pin_digits(&fields.again.get_untracked()).as_deref() != Some(typed.as_str())
        {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        busy.set(true);
        let password = (with_password.get_untracked() || current == Asking::Reset)
            .then(|| fields.password.get_untracked());
        spawn_local(async move {
            let answer = if choosing {
                api::set_pin(&typed, None, password.as_deref()).await
            } else {
                api::unlock_vault(&typed).await
            };
            busy.set(false);
            match answer {
                Ok(_) => done(),
                Err(e) => {
                    fields.pin.set(String::new());
                    if e.code == ErrorCode::PasswordRequired {
                        with_password.set(true);
                    }
                    // Locked now (or until the password): the prompt says so.
                    if matches!(e.code, ErrorCode::PinLocked | ErrorCode::PasswordRequired)
                        && current == Asking::Pin
                    {
                        look();
                    }
                    error.set(Some(e));
                }
            }
        });
    };
    let forgot = move |_| {
        fields.clear();
        error.set(None);
        mode.set(Asking::Reset);
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
                    {move || match mode.get() {
                        Asking::Loading => view! { <p class="muted" role="status">{i18n.t(Text::Loading)}</p> }.into_any(),
                        Asking::LockedUntil(until) => view! {
                            <h2 id="pin-title">{i18n.t(Text::PinEnterTitle)}</h2>
                            <p class="pin-locked" role="status">{move || {
                                let language = i18n.language.get();
                                format!("{} {}", tr(language, Text::PinLockedUntil),
                                    format::date_time(language, until, format::local_offset_minutes(until)))
                            }}</p>
                        }.into_any(),
                        current => view! { <PinFields current=current fields=fields with_password=with_password/> }.into_any(),
                    }}
                    {move || mismatch.get().then(|| view! { <p class="error" role="alert">{i18n.t(Text::PinMismatch)}</p> })}
                    // A locked vault says so above: the error that locked it adds nothing.
                    {move || error.get().filter(|_| !matches!(mode.get(), Asking::LockedUntil(_)))
                        .map(|e| view! { <ErrorMessage error=e detail=true/> })}
                    <div class="dialog-actions">
                        {move || (!matches!(mode.get(), Asking::LockedUntil(_))).then(|| view! {
                            <button type="submit" class="button button-primary pin-submit"
                                disabled=move || busy.get() || mode.get() == Asking::Loading>
                                {move || if matches!(mode.get(), Asking::NewPin | Asking::Reset) { i18n.t(Text::PinSave)() } else { i18n.t(Text::PinUnlock)() }}
                            </button>
                        })}
                        {move || (biometrics.get() && mode.get() == Asking::Pin).then(|| view! {
                            <button type="button" class="button pin-biometrics" disabled=busy
                                on:click=by_biometrics>{i18n.t(Text::PinUseBiometrics)}</button>
                        })}
                        {move || matches!(mode.get(), Asking::Pin | Asking::LockedUntil(_)).then(|| view! {
                            <button type="button" class="link pin-forgot" on:click=forgot>{i18n.t(Text::PinForgot)}</button>
                        })}
                        <button type="button" class="link" on:click=move |_| open.set(false)>{i18n.t(Text::Cancel)}</button>
                    </div>
                </form>
            </div>
        </Show>
    }
}

/// The fields for what the prompt asks: the PIN, a new one twice, and the password
/// where it is needed.
#[component]
fn PinFields(current: Asking, fields: Fields, with_password: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let choosing = matches!(current, Asking::NewPin | Asking::Reset);
    let title = match current {
        Asking::NewPin => Text::PinSetTitle,
        Asking::Reset => Text::PinNewTitle,
        _ => Text::PinEnterTitle,
    };
    let hint = match current {
        Asking::NewPin => Some(Text::PinSetHint),
        Asking::Reset => Some(Text::PinNeedsPassword),
        _ => None,
    };
    view! {
        <h2 id="pin-title">{i18n.t(title)}</h2>
        {hint.map(|hint| view! { <p class="muted">{i18n.t(hint)}</p> })}
        {move || (current == Asking::Reset || with_password.get()).then(|| view! {
            <p class="muted">{i18n.t(Text::PasswordConfirmHint)}</p>
            <div class="field">
                <label for="pin-password">{i18n.t(Text::Password)}</label>
                <input id="pin-password" class="pin-password" type="password"
                    autocomplete="current-password" dir="ltr"
                    prop:value=fields.password on:input=move |ev| fields.password.set(event_target_value(&ev))/>
            </div>
        })}
        <div class="field">
            <label for="pin-input">{i18n.t(Text::PinField)}</label>
            <input id="pin-input" class="pin-input" type="password" inputmode="numeric"
                autocomplete="off" maxlength="6" dir="ltr" autofocus
                prop:value=fields.pin on:input=move |ev| fields.pin.set(event_target_value(&ev))/>
        </div>
        {choosing.then(|| view! {
            <div class="field">
                <label for="pin-again">{i18n.t(Text::PinConfirm)}</label>
                <input id="pin-again" class="pin-again" type="password" inputmode="numeric"
                    autocomplete="off" maxlength="6" dir="ltr"
                    prop:value=fields.again on:input=move |ev| fields.again.set(event_target_value(&ev))/>
            </div>
        })}
    }
}
