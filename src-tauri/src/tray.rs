//! The desktop's tray: closing the window keeps Souq running there (a setting, on by
//! default), so drop reminders still fire; its menu opens the window or quits. Start at
//! login (tauri-plugin-autostart) starts Souq in the tray.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{App, AppHandle, Manager, Window, WindowEvent};
use tauri_plugin_autostart::ManagerExt;

use crate::error::AppError;
use crate::preferences;

/// The argument autostart launches Souq with: into the tray, the window hidden.
pub const HIDDEN: &str = "--hidden";

pub fn setup(app: &mut App) -> Result<(), Box<dyn std::error::Error>> {
    let open = MenuItem::with_id(app, "open", "Open Souq", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Souq", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut tray = TrayIconBuilder::with_id("souq")
        .tooltip("Souq")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => crate::links::bring_forward(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    if std::env::args().any(|arg| arg == HIDDEN)
        && let Some(window) = app.get_webview_window("main")
    {
        window.hide()?;
    }
    Ok(())
}

/// Closing the main window hides it in the tray, unless the user turned that off.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        let keep = preferences::load(window.app_handle()).map_or(true, |p| p.keep_in_tray)
            && window.app_handle().tray_by_id("souq").is_some();
        if keep && window.label() == "main" {
            api.prevent_close();
            let _ = window.hide();
        }
    }
}

pub fn start_at_login(app: &AppHandle, on: bool) -> Result<(), AppError> {
    let launcher = app.autolaunch();
    let done = if on {
        launcher.enable()
    } else {
        launcher.disable()
    };
    done.map_err(|e| AppError::Internal(format!("start at login: {e}")))
}
