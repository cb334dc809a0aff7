//! Settings: the account, the language, notifications, "For you", biometrics for the
//! wallet where the device has them, signing out, and the app's version and updates.

use leptos::prelude::*;
use leptos::task::spawn_local;
use souq_wire::app::ReminderSettings;
use souq_wire::{
    BiometricState, ErrorBody, ErrorCode, RankReason, RankingSettings, Role, UpdateCheck,
};

use crate::api;
use crate::components::error_message::ErrorMessage;
use crate::components::language_picker::LanguagePicker;
use crate::components::pin_prompt::{PinPrompt, needs_pin};
use crate::i18n::{Text, tr, use_i18n};
use crate::state::{Screen, use_app};

pub fn role_text(role: Role) -> Text {
    match role {
        Role::Shopper => Text::RoleShopper,
        Role::Merchant => Text::RoleMerchant,
        Role::Nonprofit => Text::RoleNonprofit,
    }
}

#[component]
pub fn SettingsScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        spawn_local(async move {
            // The app forgets the session even when the server cannot be reached.
            let _ = api::sign_out().await;
            state.switch_tab(Screen::Home);
            state.user.set(None);
            busy.set(false);
        });
    };
    view! {
        <header class="screen-head"><h1>{i18n.t(Text::NavSettings)}</h1></header>
        <section class="panel">
            <h2>{i18n.t(Text::Account)}</h2>
            {move || state.user.get().map(|user| view! {
                <p class="account">
                    <span class="muted">{i18n.t(Text::SignedInAs)}</span>" "
                    <strong dir="auto">{user.display_name.clone()}</strong>" "
                    <span class="author-handle" dir="ltr">{format!("@{}", user.handle)}</span>
                    <span class="badge">{i18n.t(role_text(user.role))}</span>
                </p>
            })}
            <button type="button" class="button button-danger sign-out" disabled=busy on:click=sign_out>
                {i18n.t(Text::SignOut)}
            </button>
        </section>
        <section class="panel">
            <LanguagePicker/>
        </section>
        <Personalization/>
        <BiometricUnlock/>
        <ReminderOptions/>
        <AppUpdates/>
    }
}

/// Where an update stands, as the About panel shows it.
#[derive(Debug, Clone, PartialEq)]
enum Updating {
    Idle,
    Checking,
    Checked(UpdateCheck),
    Installing(UpdateCheck),
    Installed,
}

/// The app's version, and updates: checked when asked, installed on the user's word,
/// running from the next start.
#[component]
fn AppUpdates() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let step = RwSignal::new(Updating::Idle);
    let error = RwSignal::new(None::<ErrorBody>);
    let check = move |_| {
        step.set(Updating::Checking);
        error.set(None);
        spawn_local(async move {
            match api::check_update().await {
                Ok(found) => step.set(Updating::Checked(found)),
                Err(e) => {
                    step.set(Updating::Idle);
                    error.set(Some(e));
                }
            }
        });
    };
    let install = move |found: UpdateCheck| {
        step.set(Updating::Installing(found.clone()));
        error.set(None);
        spawn_local(async move {
            match api::install_update().await {
                Ok(()) => step.set(Updating::Installed),
                Err(e) => {
                    step.set(Updating::Checked(found));
                    error.set(Some(e));
                }
            }
        });
    };
    let version = move || {
        state
            .info
            .with(|i| i.as_ref().map(|i| i.version.clone()).unwrap_or_default())
    };
    let busy = move || matches!(step.get(), Updating::Checking | Updating::Installing(_));
    view! {
        <section class="panel app-updates">
            <h2>{i18n.t(Text::AboutSouq)}</h2>
            <p>
                <span class="muted">{i18n.t(Text::AppVersion)}</span>" "
                <strong class="app-version" dir="ltr">{version}</strong>
            </p>
            {move || match step.get() {
                Updating::Checked(found) | Updating::Installing(found) => match found.update.clone() {
                    Some(update) => {
                        let installing = matches!(step.get_untracked(), Updating::Installing(_));
                        let language = i18n.language.get();
                        let published = update.published_at.map(|at| {
                            crate::i18n::format::date(language, at, crate::i18n::format::local_offset_minutes(at))
                        });
                        view! {
                            <div class="update-found" role="status">
                                <p>
                                    {i18n.t(Text::UpdateAvailable)}" "
                                    <strong class="update-version" dir="ltr">{update.version.clone()}</strong>
                                    {published.map(|date| view! { " · "<span class="muted">{date}</span> })}
                                </p>
                                <h3>{i18n.t(Text::WhatsNew)}</h3>
                                <p class="update-notes" dir="auto">{update.notes.clone()}</p>
                                <button type="button" class="button button-primary install-update"
                                    disabled=installing on:click=move |_| install(found.clone())>
                                    {move || tr(i18n.language.get(), if installing { Text::InstallingUpdate } else { Text::InstallUpdate })}
                                </button>
                            </div>
                        }
                        .into_any()
                    }
                    None if !found.supported => view! {
                        <p class="notice up-to-date" role="status">{i18n.t(Text::UpdatesFromStore)}</p>
                    }
                    .into_any(),
                    None => view! {
                        <p class="notice up-to-date" role="status">{i18n.t(Text::UpToDate)}</p>
                    }
                    .into_any(),
                },
                Updating::Installed => view! {
                    <div class="update-installed" role="status">
                        <p>{i18n.t(Text::UpdateInstalled)}</p>
                        <button type="button" class="button button-primary restart-app"
                            on:click=move |_| spawn_local(async { let _ = api::restart_app().await; })>
                            {i18n.t(Text::RestartNow)}
                        </button>
                    </div>
                }
                .into_any(),
                Updating::Idle | Updating::Checking => ().into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            <Show when=move || !matches!(step.get(), Updating::Installed)>
                <button type="button" class="button check-updates" disabled=busy on:click=check>
                    {move || tr(i18n.language.get(), if step.get() == Updating::Checking { Text::CheckingForUpdates } else { Text::CheckForUpdates })}
                </button>
            </Show>
        </section>
    }
}

/// Notifications: drop reminders and money news shown or not, the tray, start at login.
#[component]
fn ReminderOptions() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let current = move || {
        state.preferences.with(|p| {
            let p = p.clone().unwrap_or_default();
            ReminderSettings {
                drop_notifications: p.drop_notifications,
                money_notifications: p.money_notifications,
                keep_in_tray: p.keep_in_tray,
                start_at_login: p.start_at_login,
            }
        })
    };
    let save = move |edit: fn(&mut ReminderSettings, bool), on: bool| {
        let mut settings = current();
        edit(&mut settings, on);
        spawn_local(async move {
            if let Ok(preferences) = api::set_reminder_settings(settings).await {
                state.preferences.set(Some(preferences));
            }
        });
    };
    let desktop = state
        .info
        .with_untracked(|i| i.as_ref().is_some_and(|i| i.embedded));
    view! {
        <section class="panel reminder-settings">
            <h2>{i18n.t(Text::SettingsReminders)}</h2>
            <label class="choice">
                <input type="checkbox" name="drop-notifications"
                    prop:checked=move || current().drop_notifications
                    on:change=move |ev| save(|s, on| s.drop_notifications = on, event_target_checked(&ev))/>
                <span>{i18n.t(Text::SettingsDropNotifications)}</span>
            </label>
            <label class="choice">
                <input type="checkbox" name="money-notifications"
                    prop:checked=move || current().money_notifications
                    on:change=move |ev| save(|s, on| s.money_notifications = on, event_target_checked(&ev))/>
                <span>{i18n.t(Text::SettingsMoneyNotifications)}</span>
            </label>
            {desktop.then(|| view! {
                <label class="choice">
                    <input type="checkbox" name="keep-in-tray"
                        prop:checked=move || current().keep_in_tray
                        on:change=move |ev| save(|s, on| s.keep_in_tray = on, event_target_checked(&ev))/>
                    <span>{i18n.t(Text::SettingsKeepInTray)}</span>
                </label>
                <label class="choice">
                    <input type="checkbox" name="start-at-login"
                        prop:checked=move || current().start_at_login
                        on:change=move |ev| save(|s, on| s.start_at_login = on, event_target_checked(&ev))/>
                    <span>{i18n.t(Text::SettingsStartAtLogin)}</span>
                </label>
            })}
        </section>
    }
}

/// Biometrics for the wallet's vault, on a device that has them (a phone): turning
/// them on asks them once, and the PIN first when the vault is locked.
#[component]
fn BiometricUnlock() -> impl IntoView {
    let i18n = use_i18n();
    let biometrics = RwSignal::new(None::<BiometricState>);
    let error = RwSignal::new(None::<ErrorBody>);
    let asking_pin = RwSignal::new(false);
    // Turning them on long after signing in asks for the password as well.
    let asking_password = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    spawn_local(async move { biometrics.set(api::biometric_state().await.ok()) });
    let set = move |on: bool| {
        spawn_local(async move {
            let reason = tr(i18n.language.get_untracked(), Text::BiometricReason);
            let typed = password.get_untracked();
            let given = (on && asking_password.get_untracked()).then_some(typed.as_str());
            match api::set_biometric_unlock(on, reason, given).await {
                Ok(state) => {
                    error.set(None);
                    asking_password.set(false);
                    password.set(String::new());
                    biometrics.set(Some(state));
                }
                Err(e) if on && needs_pin(&e) => asking_pin.set(true),
                Err(e) if on && e.code == ErrorCode::PasswordRequired => {
                    asking_password.set(true);
                    error.set(Some(e));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        {move || biometrics.get().filter(|b| b.available).map(|b| view! {
            <section class="panel biometric-settings">
                <label class="choice">
                    <input type="checkbox" name="biometric-unlock" prop:checked=b.enabled
                        on:change=move |ev| set(event_target_checked(&ev))/>
                    <span>{i18n.t(Text::SettingsBiometrics)}</span>
                </label>
                {move || asking_password.get().then(|| view! {
                    <form class="biometric-password" novalidate
                        on:submit=move |ev| { ev.prevent_default(); set(true); }>
                        <p class="muted">{i18n.t(Text::PasswordConfirmHint)}</p>
                        <div class="field">
                            <label for="biometric-password">{i18n.t(Text::Password)}</label>
                            <input id="biometric-password" type="password" autocomplete="current-password"
                                dir="ltr" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        </div>
                        <button type="submit" class="button button-primary">{i18n.t(Text::SettingsBiometrics)}</button>
                    </form>
                })}
                {move || error.get().map(|e| view! { <ErrorMessage error=e detail=true/> })}
            </section>
        })}
        <PinPrompt open=asking_pin on_unlocked=Callback::new(move |()| set(true))/>
    }
}

/// "For you" on this device: on or off, what it has learnt, and a reset.
#[component]
fn Personalization() -> impl IntoView {
    let i18n = use_i18n();
    let settings = RwSignal::new(None::<RankingSettings>);
    spawn_local(async move {
        if let Ok(found) = api::ranking_settings().await {
            settings.set(Some(found));
        }
    });
    let set = move |enabled: bool| {
        spawn_local(async move {
            if let Ok(found) = api::set_ranking(enabled).await {
                settings.set(Some(found));
            }
        });
    };
    let reset = move |_| {
        spawn_local(async move {
            if let Ok(found) = api::reset_interests().await {
                settings.set(Some(found));
            }
        });
    };
    view! {
        <section class="panel personalization">
            <h2>{i18n.t(Text::Personalization)}</h2>
            <p class="muted">{i18n.t(Text::PersonalizationHint)}</p>
            <label class="choice">
                <input type="checkbox" name="ranking"
                    prop:checked=move || settings.with(|s| s.as_ref().is_some_and(|s| s.enabled))
                    disabled=move || settings.with(Option::is_none)
                    on:change=move |ev| set(event_target_checked(&ev))/>
                <span>{i18n.t(Text::RankingOn)}</span>
            </label>
            <h3>{i18n.t(Text::YourInterests)}</h3>
            {move || {
                let language = i18n.language.get();
                // Until the profile is read, say so: "no interests yet" would be a claim.
                let Some(top) = settings.with(|s| s.as_ref().map(|s| s.top_interests.clone())) else {
                    return view! { <p class="muted" role="status">{tr(language, Text::Loading)}</p> }.into_any();
                };
                if top.is_empty() {
                    view! { <p class="muted interests-empty">{tr(language, Text::NoInterests)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="interests">
                            {top.into_iter().map(|reason| view! { <li class="badge">{interest_label(&reason)}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <button type="button" class="button reset-interests" on:click=reset>{i18n.t(Text::ResetInterests)}</button>
        </section>
    }
}

fn interest_label(reason: &RankReason) -> String {
    match reason {
        RankReason::Hashtag(tag) => format!("#{tag}"),
        RankReason::Store(name) | RankReason::Category(name) => name.clone(),
        RankReason::Popular | RankReason::Recent => String::new(),
    }
}
