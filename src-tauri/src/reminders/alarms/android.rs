//! Exact alarms on Android, through JNI on the webview's thread (Tauri's own handle, so
//! no unsafe code): `AlarmManager.canScheduleExactAlarms()` and the system screen
//! `Settings.ACTION_REQUEST_SCHEDULE_EXACT_ALARM` for this package. The app's manifest
//! declares `android.permission.SCHEDULE_EXACT_ALARM`; below Android 12 it is granted.

use jni::JNIEnv;
use jni::objects::{JObject, JValue};
use tauri::{AppHandle, Manager};

/// Android 12, where exact alarms began to need the user's leave.
const ANDROID_12: i32 = 31;

fn can_schedule_exact(env: &mut JNIEnv, activity: &JObject) -> jni::errors::Result<bool> {
    let sdk = env
        .get_static_field("android/os/Build$VERSION", "SDK_INT", "I")?
        .i()?;
    if sdk < ANDROID_12 {
        return Ok(true);
    }
    let name = env.new_string("alarm")?;
    let alarms = env
        .call_method(
            activity,
            "getSystemService",
            "(Ljava/lang/String;)Ljava/lang/Object;",
            &[JValue::Object(&name)],
        )?
        .l()?;
    env.call_method(&alarms, "canScheduleExactAlarms", "()Z", &[])?
        .z()
}

fn open_settings(env: &mut JNIEnv, activity: &JObject) -> jni::errors::Result<()> {
    let package = env
        .call_method(activity, "getPackageName", "()Ljava/lang/String;", &[])?
        .l()?;
    let package: String = env.get_string(&package.into())?.into();
    let action = env.new_string("android.settings.REQUEST_SCHEDULE_EXACT_ALARM")?;
    let address = env.new_string(format!("package:{package}"))?;
    let uri = env
        .call_static_method(
            "android/net/Uri",
            "parse",
            "(Ljava/lang/String;)Landroid/net/Uri;",
            &[JValue::Object(&address)],
        )?
        .l()?;
    let intent = env.new_object(
        "android/content/Intent",
        "(Ljava/lang/String;Landroid/net/Uri;)V",
        &[JValue::Object(&action), JValue::Object(&uri)],
    )?;
    env.call_method(
        activity,
        "startActivity",
        "(Landroid/content/Intent;)V",
        &[JValue::Object(&intent)],
    )?;
    Ok(())
}

pub async fn exact_alarms_allowed(app: &AppHandle) -> Option<bool> {
    let window = app.get_webview_window("main")?;
    let (answer, answered) = tokio::sync::oneshot::channel();
    window
        .with_webview(move |webview| {
            webview.jni_handle().exec(move |env, activity, _| {
                let allowed = can_schedule_exact(env, activity).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot ask Android about exact alarms");
                    false
                });
                let _ = answer.send(allowed);
            });
        })
        .ok()?;
    answered.await.ok()
}

pub fn open_exact_alarm_settings(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let opened = window.with_webview(|webview| {
        webview.jni_handle().exec(|env, activity, _| {
            if let Err(e) = open_settings(env, activity) {
                tracing::warn!(error = %e, "cannot open Android's exact alarm settings");
            }
        });
    });
    if let Err(e) = opened {
        tracing::warn!(error = %e, "cannot reach the webview to open Android's settings");
    }
}
