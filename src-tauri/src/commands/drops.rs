//! Product drops: a drop's page, Remind me (the OS's permission asked the first time),
//! the reminders that fired, the reminder settings, and the studio's drops.

use souq_wire::app::{FiredReminder, NotificationPermission, RemindOutcome, ReminderSettings};
use souq_wire::{
    DropState, NewDrop, Preferences, ProductDrop, RescheduleDrop, StudioDrop, StudioDrops,
};
use tauri::{AppHandle, State};
use tauri_plugin_notification::{NotificationExt, PermissionState};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::preferences;
use crate::reminders::{Reminders, alarms};

/// A drop's page; from its launch on, the visit is counted for the store's funnel.
#[tauri::command]
pub async fn drop_page(
    client: State<'_, SouqClient>,
    reminders: State<'_, Reminders>,
    id: i64,
) -> Result<ProductDrop, AppError> {
    let drop = client.drop_page(id).await?;
    if drop.reminded {
        // Set on another device: remembered here too.
        reminders.set(&drop, true).await;
    }
    if matches!(drop.state, DropState::Live | DropState::SoldOut)
        && let Err(e) = client.visit_drop(id).await
    {
        tracing::debug!(error = %e, "a drop visit was not counted");
    }
    Ok(drop)
}

/// Whether the OS lets Souq notify, asking the first time.
fn permission(app: &AppHandle) -> NotificationPermission {
    let notification = app.notification();
    let state = match notification.permission_state() {
        Ok(PermissionState::Granted) => PermissionState::Granted,
        _ => notification
            .request_permission()
            .unwrap_or(PermissionState::Denied),
    };
    match state {
        PermissionState::Granted => NotificationPermission::Granted,
        _ => NotificationPermission::Denied,
    }
}

/// Remind me on or off. Turning it on asks the OS's permission first; refused, nothing
/// is set and the UI explains.
#[tauri::command]
pub async fn set_reminder(
    app: AppHandle,
    client: State<'_, SouqClient>,
    reminders: State<'_, Reminders>,
    id: i64,
    on: bool,
) -> Result<RemindOutcome, AppError> {
    let permission = if on {
        permission(&app)
    } else {
        NotificationPermission::Granted
    };
    if permission == NotificationPermission::Denied {
        let drop = client.drop_page(id).await?;
        return Ok(RemindOutcome {
            reminded: drop.reminded,
            reminder_count: drop.reminder_count,
            permission,
            on_time: alarms::on_time(&app).await,
        });
    }
    let state = client.set_reminder(id, on).await?;
    let drop = client.drop_page(id).await?;
    reminders.set(&drop, on).await;
    Ok(RemindOutcome {
        reminded: state.reminded,
        reminder_count: state.reminder_count,
        permission,
        on_time: alarms::on_time(&app).await,
    })
}

/// Opens the system screen where the user lets Souq fire reminders on time (Android's
/// exact alarms); nothing elsewhere.
#[tauri::command]
pub fn request_exact_alarms(app: AppHandle) {
    alarms::ask(&app);
}

/// Every reminder this device showed, newest first.
#[tauri::command]
pub async fn fired_reminders(
    reminders: State<'_, Reminders>,
) -> Result<Vec<FiredReminder>, AppError> {
    Ok(reminders.fired().await)
}

/// Drop notifications, the tray, and start at login.
#[tauri::command]
pub fn set_reminder_settings(
    app: AppHandle,
    settings: ReminderSettings,
) -> Result<Preferences, AppError> {
    #[cfg(desktop)]
    crate::tray::start_at_login(&app, settings.start_at_login)?;
    preferences::set_reminder_settings(&app, settings)
}

#[tauri::command]
pub async fn studio_drops(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<StudioDrops, AppError> {
    client.studio_drops(&handle).await
}

#[tauri::command]
pub async fn schedule_drop(
    client: State<'_, SouqClient>,
    handle: String,
    drop: NewDrop,
) -> Result<StudioDrop, AppError> {
    client.schedule_drop(&handle, &drop).await
}

#[tauri::command]
pub async fn reschedule_drop(
    client: State<'_, SouqClient>,
    handle: String,
    id: i64,
    change: RescheduleDrop,
) -> Result<StudioDrop, AppError> {
    client.reschedule_drop(&handle, id, &change).await
}

#[tauri::command]
pub async fn close_drop(
    client: State<'_, SouqClient>,
    handle: String,
    id: i64,
    cancel: bool,
) -> Result<StudioDrop, AppError> {
    client.close_drop(&handle, id, cancel).await
}

/// Opens the drop's page on the store's own website in the system browser.
#[tauri::command]
pub async fn open_drop_website(
    app: AppHandle,
    client: State<'_, SouqClient>,
    id: i64,
) -> Result<(), AppError> {
    use tauri_plugin_opener::OpenerExt;
    let drop = client.drop_page(id).await?;
    let url = drop
        .external_url
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| {
            AppError::Server(souq_wire::ErrorBody {
                code: souq_wire::ErrorCode::NotFound,
                message: "this drop has no website".into(),
            })
        })?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::Internal(format!("opening the website: {e}")))
}
