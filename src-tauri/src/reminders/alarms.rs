//! Whether reminders can fire on time, and asking for it where the OS must allow it:
//! Android 12+ fires exact alarms only for apps the user lets (Settings, "Alarms &
//! reminders"); without, the notification plugin falls back to inexact alarms that
//! fire late. Everywhere else reminders are on time without asking.

#[cfg(target_os = "android")]
mod android;

use tauri::AppHandle;

/// Whether reminders will fire on time.
pub async fn on_time(app: &AppHandle) -> bool {
    #[cfg(target_os = "android")]
    return android::exact_alarms_allowed(app).await.unwrap_or(false);
    #[cfg(not(target_os = "android"))]
    {
        let _ = app;
        true
    }
}

/// Opens the system's screen where the user allows Souq exact alarms (Android); a no-op
/// elsewhere.
pub fn ask(app: &AppHandle) {
    #[cfg(target_os = "android")]
    android::open_exact_alarm_settings(app);
    #[cfg(not(target_os = "android"))]
    let _ = app;
}
