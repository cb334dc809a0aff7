//! Signing in and creating an account. In the embedded demo the demo accounts are one
//! tap away. Fields are checked with the server's own rules before sending.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::validate::{self, Invalid};
use souq_wire::{DemoSignIn, ErrorBody, Role, SignInRequest, SignUpRequest};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::language_picker::LanguagePicker;
use crate::i18n::{Text, tr, use_i18n};
use crate::routes::settings::role_text;
use crate::state::{Server, use_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    SignIn,
    SignUp,
}

fn invalid_text(invalid: Invalid) -> Text {
    match invalid {
        Invalid::Email => Text::CheckEmail,
        Invalid::Handle => Text::CheckHandle,
        Invalid::DisplayName => Text::CheckDisplayName,
        Invalid::Password => Text::CheckPassword,
        Invalid::Characters => Text::CheckCharacters,
        Invalid::HandleReserved => Text::CheckHandleReserved,
    }
}

#[component]
fn Field(
    id: &'static str,
    label: Text,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    problem: Signal<Option<Text>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for=id>{i18n.t(label)}</label>
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                dir="auto"
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=hint_id.clone()
                bind:value=value
            />
            <span class="field-hint" id=hint_id>
                {move || problem.get().map(|text| tr(i18n.language.get(), text))}
            </span>
        </div>
    }
}

#[component]
pub fn SignInScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let mode = RwSignal::new(Mode::SignIn);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let handle = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Shopper);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ErrorBody>);
    // Problems show only after a first attempt, not while typing the first letters.
    let tried = RwSignal::new(false);

    let check = move |rule: fn(&str) -> Result<String, Invalid>, value: RwSignal<String>| {
        Signal::derive(move || {
            if !tried.get() {
                return None;
            }
            rule(&value.get()).err().map(invalid_text)
        })
    };
    let email_problem = check(validate::email, email);
    let password_problem = check(validate::password, password);
    let name_problem = check(validate::display_name, display_name);
    let handle_problem = check(validate::handle, handle);

    let finish = move |result: Result<souq_wire::User, ErrorBody>| match result {
        Ok(user) => {
            state.switch_tab(crate::state::Screen::Home);
            state.user.set(Some(user));
        }
        Err(e) => error.set(Some(e)),
    };

    let sign_in_with = move |request: SignInRequest| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::sign_in(&request).await;
            busy.set(false);
            finish(result);
        });
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let signing_up = mode.get_untracked() == Mode::SignUp;
        let problems = email_problem.get_untracked().is_some()
            || (signing_up
                && (password_problem.get_untracked().is_some()
                    || name_problem.get_untracked().is_some()
                    || handle_problem.get_untracked().is_some()));
        if problems || busy.get_untracked() {
            return;
        }
        if signing_up {
            let request = SignUpRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
                handle: handle.get_untracked(),
                display_name: display_name.get_untracked(),
                role: role.get_untracked(),
            };
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let result = api::sign_up(&request).await;
                busy.set(false);
                finish(result);
            });
        } else {
            sign_in_with(SignInRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
            });
        }
    };

    let demo_accounts = move || {
        state.info.with(|i| {
            i.as_ref()
                .map(|i| i.demo_sign_ins.clone())
                .unwrap_or_default()
        })
    };

    // Said once, where the user signs in: without a keychain nothing is stored, so the
    // session ends when the app quits.
    let session_not_kept = move || {
        state
            .info
            .with(|i| i.as_ref().is_some_and(|i| !i.session_kept))
    };

    view! {
        <div class="auth">
            <div class="auth-card">
                <Show when=session_not_kept>
                    <p class="notice session-not-kept" role="status">{i18n.t(Text::SessionNotKept)}</p>
                </Show>
                <div class="auth-brand">
                    <span class="brand-mark large" aria-hidden="true"></span>
                    <h1>{i18n.t(Text::AppName)}</h1>
                    <p class="muted">{i18n.t(Text::Tagline)}</p>
                </div>
                <form class="auth-form" on:submit=submit novalidate>
                    <h2>{move || tr(i18n.language.get(), if mode.get() == Mode::SignIn { Text::SignIn } else { Text::SignUp })}</h2>
                    <Field id="email" label=Text::Email kind="email" autocomplete="email" value=email problem=email_problem/>
                    <Field id="password" label=Text::Password kind="password"
                        autocomplete="current-password" value=password
                        problem=Signal::derive(move || if mode.get() == Mode::SignUp { password_problem.get() } else { None })/>
                    <Show when=move || mode.get() == Mode::SignUp>
                        <Field id="display_name" label=Text::DisplayName kind="text" autocomplete="name" value=display_name problem=name_problem/>
                        <Field id="handle" label=Text::Handle kind="text" autocomplete="username" value=handle problem=handle_problem/>
                        <div class="field">
                            <label for="role">{i18n.t(Text::AccountType)}</label>
                            <select id="role" name="role" on:change=move |ev| {
                                role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Shopper));
                            }>
                                {[Role::Shopper, Role::Merchant, Role::Nonprofit].into_iter().map(|r| view! {
                                    <option value=r.as_str() selected=move || role.get() == r>{i18n.t(role_text(r))}</option>
                                }).collect_view()}
                            </select>
                        </div>
                    </Show>
                    {move || error.get().map(|e| view! {
                        <ErrorMessage error=e/>
                    })}
                    <button type="submit" class="button button-primary submit" disabled=busy>
                        {move || tr(i18n.language.get(), if mode.get() == Mode::SignIn { Text::SignIn } else { Text::SignUp })}
                    </button>
                    <p class="switch-mode">
                        <span class="muted">{move || tr(i18n.language.get(), if mode.get() == Mode::SignIn { Text::NewToSouq } else { Text::HaveAccount })}</span>" "
                        <button type="button" class="link" on:click=move |_| {
                            tried.set(false);
                            error.set(None);
                            mode.update(|m| *m = if *m == Mode::SignIn { Mode::SignUp } else { Mode::SignIn });
                        }>
                            {move || tr(i18n.language.get(), if mode.get() == Mode::SignIn { Text::SignUp } else { Text::SignIn })}
                        </button>
                    </p>
                </form>
                {move || match state.server.get() {
                    Server::Failed(e) => Some(view! { <ErrorMessage error=e/> }),
                    _ => None,
                }}
                <Show when=move || !demo_accounts().is_empty()>
                    <section class="demo-accounts">
                        <h2>{i18n.t(Text::DemoAccounts)}</h2>
                        <p class="muted">{i18n.t(Text::DemoHint)}</p>
                        // A tap meanwhile waits for the server and then signs in.
                        <Show when=move || state.server.get() == Server::Preparing>
                            <p class="notice preparing-demo" role="status">
                                <span class="spinner" aria-hidden="true"></span>
                                {i18n.t(Text::PreparingDemo)}
                            </p>
                        </Show>
                        <ul>
                            {move || demo_accounts().into_iter().map(|demo: DemoSignIn| {
                                let request = SignInRequest { email: demo.email.clone(), password: demo.password.clone() };
                                view! {
                                    <li>
                                        <button type="button" class="demo-account" data-email=demo.email.clone()
                                            disabled=busy on:click=move |_| sign_in_with(request.clone())>
                                            <span class="demo-name" dir="auto">{demo.display_name.clone()}</span>
                                            <span class="badge">{i18n.t(role_text(demo.role))}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                </Show>
                <LanguagePicker/>
            </div>
        </div>
    }
}
