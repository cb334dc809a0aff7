//! The Souq app: a Tauri 2 shell around the Leptos UI. It owns what only a device can
//! do (the keychain, local preferences, OS notifications, the drop scheduler)
//! and reaches the Souq server, embedded or remote, through `SouqClient`.

pub mod alerts;
pub mod api;
pub mod attempts;
pub mod backend;
pub mod biometric;
pub mod client;
pub mod commands;
pub mod device;
pub mod disk;
pub mod error;
pub mod interests;
pub mod keychain;
pub mod links;
pub mod media;
pub mod money_news;
pub mod preferences;
pub mod ranking;
pub mod reminders;
#[cfg(desktop)]
pub mod tray;
pub mod updates;

use std::sync::Mutex;

use tauri::{Manager, RunEvent};

use crate::api::Api;
use crate::backend::Backend;
use crate::client::SouqClient;
use crate::keychain::Keychain;

/// Holds the backend until exit, when the embedded server is drained.
struct BackendSlot(Mutex<Option<Backend>>);

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SOUQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let backend = tauri::async_runtime::block_on(Backend::start(&data_dir))?;
    let api = Api::for_device(
        &backend.url,
        backend.app_secret.as_deref(),
        Some(&device::id(&data_dir)),
    )?;
    let keychain = Keychain::for_server(backend.is_embedded(), &backend.url);
    let attempts = attempts::Attempts::open(&data_dir.join("attempts.json"));
    app.manage(SouqClient::new(api, keychain, attempts));
    // While the window loads, not when the UI first asks who is signed in.
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        handle.state::<SouqClient>().read_saved_session().await;
    });
    app.manage(interests::Interests::load(app.handle())?);
    app.manage(backend.info());
    app.manage(backend.readiness());
    app.manage(updates::Updates::default());
    app.manage(BackendSlot(Mutex::new(Some(backend))));
    app.manage(reminders::Reminders::start(
        app.handle(),
        &data_dir.join(reminders::FILE),
    ));
    tauri::async_runtime::spawn(reminders::stream::run(app.handle().clone()));
    app.manage(money_news::MoneyNews::open(
        &data_dir.join(money_news::FILE),
    ));
    tauri::async_runtime::spawn(money_news::run(app.handle().clone()));
    alerts::listen(app.handle());
    #[cfg(desktop)]
    if let Err(e) = tray::setup(app) {
        // No tray on this desktop: closing the window then quits, as it would anyway.
        tracing::warn!(error = %e, "no tray icon");
    }
    setup_links(app);
    Ok(())
}

/// `souq://` links: registered with the OS where that is done at run time, reported
/// while the app runs, and remembered when one started it.
fn setup_links(app: &mut tauri::App) {
    use tauri_plugin_deep_link::DeepLinkExt;
    app.manage(links::PendingLink::default());
    // Off the main thread: on Linux registering runs update-desktop-database and
    // xdg-mime, tens of milliseconds the window would wait for on every launch.
    #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
    {
        let handle = app.handle().clone();
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = handle.deep_link().register_all() {
                tracing::warn!(error = %e, "souq:// links are not registered with the desktop");
            }
        });
    }
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            links::open(&handle, url.as_str());
        }
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            links::open(app.handle(), url.as_str());
        }
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    init_logging();
    let builder = tauri::Builder::default();
    // First of all plugins: a second launch (the OS opening a souq:// link) hands its
    // arguments to this instance, whose deep-link plugin then reports the link.
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        links::bring_forward(app);
    }));
    #[cfg(desktop)]
    let builder = builder
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![tray::HIDDEN]),
        ))
        .on_window_event(tray::on_window_event);
    // Biometrics that stand in for the vault's PIN exist on phones only.
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_biometric::init());
    let app = builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::handle)
        .invoke_handler(tauri::generate_handler![
            commands::accounts::current_user,
            commands::accounts::sign_in,
            commands::accounts::sign_up,
            commands::accounts::sign_out,
            commands::accounts::end_session,
            commands::feed::timeline,
            commands::feed::for_you,
            commands::feed::hashtag_info,
            commands::posts::get_post,
            commands::posts::create_post,
            commands::posts::delete_post,
            commands::posts::post_action,
            commands::posts::upload_image,
            commands::posts::my_products,
            commands::people::profile,
            commands::people::set_follow,
            commands::people::people,
            commands::people::notifications,
            commands::people::mark_notifications_read,
            commands::settings::app_info,
            commands::settings::server_ready,
            commands::settings::check_update,
            commands::settings::install_update,
            commands::settings::restart_app,
            commands::settings::get_preferences,
            commands::settings::set_language,
            commands::settings::ranking_settings,
            commands::settings::set_ranking,
            commands::settings::reset_interests,
            commands::settings::take_link,
            commands::shop::shop_home,
            commands::shop::shop_search,
            commands::shop::storefront,
            commands::shop::product,
            commands::shop::open_product_website,
            commands::shop::cart,
            commands::shop::add_to_cart,
            commands::shop::set_cart_quantity,
            commands::studio::studio,
            commands::studio::open_store,
            commands::studio::save_product,
            commands::studio::save_store_page,
            commands::studio::preview_storefront,
            commands::studio::publish_store,
            commands::studio::discard_drafts,
            commands::checkout::checkout_options,
            commands::checkout::checkout,
            commands::checkout::top_up,
            commands::checkout::checkout_status,
            commands::checkout::refresh_checkout,
            commands::checkout::abandon_checkout,
            commands::checkout::answer_challenge,
            commands::checkout::wallet,
            commands::wallet::wallet_home,
            commands::wallet::wallet_activity,
            commands::wallet::wallet_entry,
            commands::wallet::spending,
            commands::wallet::send_money,
            commands::wallet::request_money,
            commands::wallet::money_requests,
            commands::wallet::answer_request,
            commands::wallet::move_savings,
            commands::wallet::withdraw,
            commands::wallet::donate,
            commands::wallet::donate_by_card,
            commands::wallet::biometric_state,
            commands::wallet::set_biometric_unlock,
            commands::wallet::unlock_with_biometrics,
            commands::wallet::donations_received,
            commands::wallet::vault,
            commands::wallet::set_pin,
            commands::wallet::unlock_vault,
            commands::wallet::lock_vault,
            commands::wallet::cards,
            commands::wallet::issue_card,
            commands::wallet::set_card,
            commands::wallet::reveal_card,
            commands::wallet::answer_card_approval,
            commands::wallet::card_transactions,
            commands::checkout::addresses,
            commands::checkout::save_address,
            commands::checkout::delete_address,
            commands::orders::orders,
            commands::orders::order,
            commands::orders::cancel_order,
            commands::orders::store_orders,
            commands::orders::store_step,
            commands::orders::shipping_options,
            commands::orders::set_shipping_options,
            commands::orders::notify_order,
            commands::drops::drop_page,
            commands::drops::set_reminder,
            commands::drops::fired_reminders,
            commands::drops::set_reminder_settings,
            commands::drops::studio_drops,
            commands::drops::schedule_drop,
            commands::drops::reschedule_drop,
            commands::drops::close_drop,
            commands::drops::open_drop_website,
            commands::drops::request_exact_alarms,
        ])
        .setup(setup)
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Souq could not start");
            eprintln!("Souq could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            let backend = handle
                .state::<BackendSlot>()
                .0
                .lock()
                .ok()
                .and_then(|mut slot| slot.take());
            if let Some(backend) = backend {
                tauri::async_runtime::block_on(backend.shutdown());
            }
        }
    });
}
