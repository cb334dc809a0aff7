//! The one module that talks to the app: typed wrappers around Tauri's `invoke`.
//! Screens call these and never touch the network; errors arrive as `{code, message}`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use souq_wire::app::{FiredReminder, RemindOutcome, ReminderSettings};
use souq_wire::{
    ActivityEntry, ActivityPage, ActivityQuery, CardSettings, CardTransaction, DebitCard, Donate,
    Donation, DonationPage, MoneyRequest, MoneyRequests, MoneySent, MoveSavings, RequestMoney,
    RevealedCard, SendMoney, SpendingQuery, SpendingReport, VaultState, WalletHome, Withdraw,
    Withdrawal,
};
use souq_wire::{
    Address, AddressInput, AppInfo, BiometricState, CardDonation, Cart, Checkout, CheckoutOptions,
    CheckoutRequest, DeepLink, ErrorBody, ErrorCode, FeedPage, FollowState, ForYouPage,
    HashtagInfo, Language, NewPost, NewStore, NotificationPage, Order, OrderPage, PeoplePage, Post,
    PostAction, PostActivity, Preferences, ProductCard, ProductDetail, ProductDraft, Profile,
    RankingSettings, ShippingOption, ShippingOptions, ShopHome, ShopQuery, ShopResults,
    SignInRequest, SignUpRequest, StoreDraft, StoreStep, Storefront, Studio, StudioProduct,
    Timeline, TopUpRequest, UpdateCheck, UploadedMedia, User, Wallet,
};
use souq_wire::{DropUpdate, NewDrop, ProductDrop, RescheduleDrop, StudioDrop, StudioDrops};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = convertFileSrc)]
    fn convert_file_src(path: &str, protocol: &str) -> String;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = transformCallback)]
    fn transform_callback(callback: &js_sys::Function, once: bool) -> f64;
}

pub type ApiResult<T> = Result<T, ErrorBody>;

fn internal(message: String) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::Internal,
        message,
    }
}

fn in_tauri() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("__TAURI_INTERNALS__")).ok())
        .is_some_and(|v| !v.is_undefined())
}

async fn call<A: Serialize, T: DeserializeOwned>(cmd: &str, args: &A) -> ApiResult<T> {
    if !in_tauri() {
        return Err(internal("not running inside the Souq app".into()));
    }
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| internal(format!("encoding {cmd}: {e}")))?;
    match invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| internal(format!("decoding {cmd}: {e}"))),
        Err(error) => Err(serde_wasm_bindgen::from_value::<ErrorBody>(error.clone())
            .unwrap_or_else(|_| {
                internal(error.as_string().unwrap_or_else(|| format!("{cmd} failed")))
            })),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct RequestArgs<'a, T> {
    request: &'a T,
}

#[derive(Serialize)]
struct TimelineArgs<'a> {
    timeline: &'a Timeline,
    before: Option<&'a str>,
}

#[derive(Serialize)]
struct BeforeArgs<'a> {
    before: Option<&'a str>,
}

#[derive(Serialize)]
struct IdArgs {
    id: i64,
}

#[derive(Serialize)]
struct TagArgs<'a> {
    tag: &'a str,
}

#[derive(Serialize)]
struct HandleArgs<'a> {
    handle: &'a str,
}

#[derive(Serialize)]
struct ActionArgs {
    id: i64,
    action: PostAction,
    on: bool,
}

#[derive(Serialize)]
struct FollowArgs<'a> {
    handle: &'a str,
    on: bool,
}

#[derive(Serialize)]
struct PeopleArgs<'a> {
    handle: &'a str,
    followers: bool,
    before: Option<&'a str>,
}

#[derive(Serialize)]
struct NewPostArgs<'a> {
    post: &'a NewPost,
}

#[derive(Serialize)]
struct UploadArgs<'a> {
    bytes: &'a [u8],
}

#[derive(Serialize)]
struct EnabledArgs {
    enabled: bool,
}

#[derive(Serialize)]
struct LanguageArgs {
    language: Option<Language>,
}

pub async fn app_info() -> ApiResult<AppInfo> {
    call("app_info", &NoArgs {}).await
}

/// Answers when the server can answer (the embedded one prepares after the window opens).
pub async fn server_ready() -> ApiResult<()> {
    call("server_ready", &NoArgs {}).await
}

/// Asks the release endpoint for a newer Souq.
pub async fn check_update() -> ApiResult<UpdateCheck> {
    call("check_update", &NoArgs {}).await
}

/// Installs what `check_update` found; it runs from the next start.
pub async fn install_update() -> ApiResult<()> {
    call("install_update", &NoArgs {}).await
}

pub async fn restart_app() -> ApiResult<()> {
    call("restart_app", &NoArgs {}).await
}

pub async fn get_preferences() -> ApiResult<Preferences> {
    call("get_preferences", &NoArgs {}).await
}

pub async fn set_language(language: Option<Language>) -> ApiResult<Preferences> {
    call("set_language", &LanguageArgs { language }).await
}

pub async fn current_user() -> ApiResult<Option<User>> {
    call("current_user", &NoArgs {}).await
}

pub async fn sign_in(request: &SignInRequest) -> ApiResult<User> {
    call("sign_in", &RequestArgs { request }).await
}

pub async fn sign_up(request: &SignUpRequest) -> ApiResult<User> {
    call("sign_up", &RequestArgs { request }).await
}

pub async fn sign_out() -> ApiResult<()> {
    call("sign_out", &NoArgs {}).await
}

pub async fn timeline(timeline: &Timeline, before: Option<&str>) -> ApiResult<FeedPage> {
    call("timeline", &TimelineArgs { timeline, before }).await
}

pub async fn for_you(before: Option<&str>) -> ApiResult<ForYouPage> {
    call("for_you", &BeforeArgs { before }).await
}

pub async fn hashtag_info(tag: &str) -> ApiResult<HashtagInfo> {
    call("hashtag_info", &TagArgs { tag }).await
}

pub async fn get_post(id: i64) -> ApiResult<Post> {
    call("get_post", &IdArgs { id }).await
}

pub async fn create_post(post: &NewPost) -> ApiResult<Post> {
    call("create_post", &NewPostArgs { post }).await
}

pub async fn delete_post(id: i64) -> ApiResult<()> {
    call("delete_post", &IdArgs { id }).await
}

pub async fn post_action(id: i64, action: PostAction, on: bool) -> ApiResult<PostActivity> {
    call("post_action", &ActionArgs { id, action, on }).await
}

pub async fn upload_image(bytes: &[u8]) -> ApiResult<UploadedMedia> {
    call("upload_image", &UploadArgs { bytes }).await
}

pub async fn my_products() -> ApiResult<Vec<ProductCard>> {
    call("my_products", &NoArgs {}).await
}

#[derive(Serialize)]
struct QueryArgs<'a> {
    query: &'a ShopQuery,
}

pub async fn shop_home() -> ApiResult<ShopHome> {
    call("shop_home", &NoArgs {}).await
}

pub async fn shop_search(query: &ShopQuery) -> ApiResult<ShopResults> {
    call("shop_search", &QueryArgs { query }).await
}

pub async fn storefront(handle: &str) -> ApiResult<Storefront> {
    call("storefront", &HandleArgs { handle }).await
}

pub async fn product(id: i64) -> ApiResult<ProductDetail> {
    call("product", &IdArgs { id }).await
}

/// Opens the product's page on its store's website in the system browser.
pub async fn open_product_website(id: i64) -> ApiResult<()> {
    call("open_product_website", &IdArgs { id }).await
}

#[derive(Serialize)]
struct NewStoreArgs<'a> {
    store: &'a NewStore,
}

#[derive(Serialize)]
struct SaveProductArgs<'a> {
    handle: &'a str,
    id: Option<i64>,
    draft: &'a ProductDraft,
}

#[derive(Serialize)]
struct SavePageArgs<'a> {
    handle: &'a str,
    page: &'a StoreDraft,
}

pub async fn studio(handle: &str) -> ApiResult<Studio> {
    call("studio", &HandleArgs { handle }).await
}

pub async fn open_store(store: &NewStore) -> ApiResult<Studio> {
    call("open_store", &NewStoreArgs { store }).await
}

/// Saves a product's draft; a new product when `id` is none.
pub async fn save_product(
    handle: &str,
    id: Option<i64>,
    draft: &ProductDraft,
) -> ApiResult<StudioProduct> {
    call("save_product", &SaveProductArgs { handle, id, draft }).await
}

pub async fn save_store_page(handle: &str, page: &StoreDraft) -> ApiResult<Studio> {
    call("save_store_page", &SavePageArgs { handle, page }).await
}

pub async fn preview_storefront(handle: &str) -> ApiResult<Storefront> {
    call("preview_storefront", &HandleArgs { handle }).await
}

pub async fn publish_store(handle: &str) -> ApiResult<Storefront> {
    call("publish_store", &HandleArgs { handle }).await
}

pub async fn discard_drafts(handle: &str) -> ApiResult<Studio> {
    call("discard_drafts", &HandleArgs { handle }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CartArgs {
    variant_id: i64,
    quantity: i64,
}

pub async fn cart() -> ApiResult<Cart> {
    call("cart", &NoArgs {}).await
}

pub async fn add_to_cart(variant_id: i64, quantity: i64) -> ApiResult<Cart> {
    call(
        "add_to_cart",
        &CartArgs {
            variant_id,
            quantity,
        },
    )
    .await
}

/// Sets how many of an option the cart holds; 0 takes it out.
pub async fn set_cart_quantity(variant_id: i64, quantity: i64) -> ApiResult<Cart> {
    call(
        "set_cart_quantity",
        &CartArgs {
            variant_id,
            quantity,
        },
    )
    .await
}

pub async fn profile(handle: &str) -> ApiResult<Profile> {
    call("profile", &HandleArgs { handle }).await
}

pub async fn set_follow(handle: &str, on: bool) -> ApiResult<FollowState> {
    call("set_follow", &FollowArgs { handle, on }).await
}

pub async fn people(handle: &str, followers: bool, before: Option<&str>) -> ApiResult<PeoplePage> {
    call(
        "people",
        &PeopleArgs {
            handle,
            followers,
            before,
        },
    )
    .await
}

pub async fn notifications(before: Option<&str>) -> ApiResult<NotificationPage> {
    call("notifications", &BeforeArgs { before }).await
}

pub async fn mark_notifications_read() -> ApiResult<()> {
    call("mark_notifications_read", &NoArgs {}).await
}

pub async fn take_link() -> ApiResult<Option<DeepLink>> {
    call("take_link", &NoArgs {}).await
}

#[derive(Serialize)]
struct ListenArgs<'a> {
    event: &'a str,
    target: ListenTarget,
    handler: f64,
}

#[derive(Serialize)]
struct ListenTarget {
    kind: &'static str,
}

/// Calls `handler` each time the app emits `event`, for as long as the page lives.
pub async fn listen(event: &str, handler: impl Fn() + 'static) -> ApiResult<()> {
    if !in_tauri() {
        return Err(internal("not running inside the Souq app".into()));
    }
    let callback = Closure::<dyn Fn(JsValue)>::new(move |_event: JsValue| handler());
    let id = transform_callback(callback.as_ref().unchecked_ref(), false);
    // The listener lives as long as the page: the closure must too.
    callback.forget();
    let args = ListenArgs {
        event,
        target: ListenTarget { kind: "Any" },
        handler: id,
    };
    call::<_, serde::de::IgnoredAny>("plugin:event|listen", &args).await?;
    Ok(())
}

pub async fn ranking_settings() -> ApiResult<RankingSettings> {
    call("ranking_settings", &NoArgs {}).await
}

pub async fn set_ranking(enabled: bool) -> ApiResult<RankingSettings> {
    call("set_ranking", &EnabledArgs { enabled }).await
}

pub async fn reset_interests() -> ApiResult<RankingSettings> {
    call("reset_interests", &NoArgs {}).await
}

/// The URL the webview loads an image from: the app's `media:` scheme, which fetches it
/// from the server. Each platform spells custom schemes its own way; Tauri knows how.
pub fn media_url(id: i64) -> String {
    if in_tauri() {
        convert_file_src(&id.to_string(), "media")
    } else {
        format!("media://localhost/{id}")
    }
}

// Checkout, the wallet, addresses and orders. The app adds the idempotency key of each
// money-moving attempt, so these calls are safe to repeat.

#[derive(Serialize)]
struct HandleBeforeArgs<'a> {
    handle: &'a str,
    before: Option<&'a str>,
}

pub async fn checkout_options() -> ApiResult<CheckoutOptions> {
    call("checkout_options", &NoArgs {}).await
}

pub async fn checkout(request: &CheckoutRequest) -> ApiResult<Checkout> {
    call("checkout", &RequestArgs { request }).await
}

pub async fn top_up(request: &TopUpRequest) -> ApiResult<Checkout> {
    call("top_up", &RequestArgs { request }).await
}

pub async fn checkout_status(id: i64) -> ApiResult<Checkout> {
    call("checkout_status", &IdArgs { id }).await
}

pub async fn refresh_checkout(id: i64) -> ApiResult<Checkout> {
    call("refresh_checkout", &IdArgs { id }).await
}

pub async fn abandon_checkout(id: i64) -> ApiResult<Checkout> {
    call("abandon_checkout", &IdArgs { id }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeArgs<'a> {
    payment_id: &'a str,
    approve: bool,
}

pub async fn answer_challenge(payment_id: &str, approve: bool) -> ApiResult<Checkout> {
    call(
        "answer_challenge",
        &ChallengeArgs {
            payment_id,
            approve,
        },
    )
    .await
}

pub async fn wallet() -> ApiResult<Wallet> {
    call("wallet", &NoArgs {}).await
}

pub async fn addresses() -> ApiResult<Vec<Address>> {
    call("addresses", &NoArgs {}).await
}

#[derive(Serialize)]
struct SaveAddressArgs<'a> {
    id: Option<i64>,
    address: &'a AddressInput,
}

pub async fn save_address(id: Option<i64>, address: &AddressInput) -> ApiResult<Address> {
    call("save_address", &SaveAddressArgs { id, address }).await
}

pub async fn delete_address(id: i64) -> ApiResult<()> {
    call("delete_address", &IdArgs { id }).await
}

pub async fn orders(before: Option<&str>) -> ApiResult<OrderPage> {
    call("orders", &BeforeArgs { before }).await
}

pub async fn order(id: i64) -> ApiResult<Order> {
    call("order", &IdArgs { id }).await
}

#[derive(Serialize)]
struct CancelArgs<'a> {
    id: i64,
    reason: &'a str,
}

pub async fn cancel_order(id: i64, reason: &str) -> ApiResult<Order> {
    call("cancel_order", &CancelArgs { id, reason }).await
}

pub async fn store_orders(handle: &str, before: Option<&str>) -> ApiResult<OrderPage> {
    call("store_orders", &HandleBeforeArgs { handle, before }).await
}

#[derive(Serialize)]
struct StoreStepArgs<'a> {
    handle: &'a str,
    id: i64,
    step: &'a StoreStep,
}

pub async fn store_step(handle: &str, id: i64, step: &StoreStep) -> ApiResult<Order> {
    call("store_step", &StoreStepArgs { handle, id, step }).await
}

pub async fn shipping_options(handle: &str) -> ApiResult<Vec<ShippingOption>> {
    call("shipping_options", &HandleArgs { handle }).await
}

#[derive(Serialize)]
struct ShippingArgs<'a> {
    handle: &'a str,
    options: &'a ShippingOptions,
}

pub async fn set_shipping_options(
    handle: &str,
    options: &ShippingOptions,
) -> ApiResult<Vec<ShippingOption>> {
    call("set_shipping_options", &ShippingArgs { handle, options }).await
}

#[derive(Serialize)]
struct NoticeArgs<'a> {
    title: &'a str,
    body: &'a str,
}

/// An OS notification about an order, in the user's language.
pub async fn notify_order(title: &str, body: &str) -> ApiResult<()> {
    call("notify_order", &NoticeArgs { title, body }).await
}

// Product drops.

/// The app's event for a drop that changed on the server.
pub const DROP_UPDATE_EVENT: &str = "souq:drop-update";

pub async fn drop_page(id: i64) -> ApiResult<ProductDrop> {
    call("drop_page", &IdArgs { id }).await
}

#[derive(Serialize)]
struct ReminderArgs {
    id: i64,
    on: bool,
}

/// Remind me on or off; the app asks the OS's permission the first time.
pub async fn set_reminder(id: i64, on: bool) -> ApiResult<RemindOutcome> {
    call("set_reminder", &ReminderArgs { id, on }).await
}

pub async fn fired_reminders() -> ApiResult<Vec<FiredReminder>> {
    call("fired_reminders", &NoArgs {}).await
}

#[derive(Serialize)]
struct ReminderSettingsArgs {
    settings: ReminderSettings,
}

pub async fn set_reminder_settings(settings: ReminderSettings) -> ApiResult<Preferences> {
    call("set_reminder_settings", &ReminderSettingsArgs { settings }).await
}

/// Opens the drop's page on its store's website in the system browser.
pub async fn open_drop_website(id: i64) -> ApiResult<()> {
    call("open_drop_website", &IdArgs { id }).await
}

/// Calls `handler` with each drop update the app hears from the server.
pub async fn listen_drop_updates(handler: impl Fn(DropUpdate) + 'static) -> ApiResult<()> {
    if !in_tauri() {
        return Err(internal("not running inside the Souq app".into()));
    }
    let callback = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload"))
            .ok()
            .and_then(|p| serde_wasm_bindgen::from_value::<DropUpdate>(p).ok());
        if let Some(update) = payload {
            handler(update);
        }
    });
    let id = transform_callback(callback.as_ref().unchecked_ref(), false);
    callback.forget();
    let args = ListenArgs {
        event: DROP_UPDATE_EVENT,
        target: ListenTarget { kind: "Any" },
        handler: id,
    };
    call::<_, serde::de::IgnoredAny>("plugin:event|listen", &args).await?;
    Ok(())
}

pub async fn studio_drops(handle: &str) -> ApiResult<StudioDrops> {
    call("studio_drops", &HandleArgs { handle }).await
}

#[derive(Serialize)]
struct NewDropArgs<'a> {
    handle: &'a str,
    drop: &'a NewDrop,
}

pub async fn schedule_drop(handle: &str, drop: &NewDrop) -> ApiResult<StudioDrop> {
    call("schedule_drop", &NewDropArgs { handle, drop }).await
}

#[derive(Serialize)]
struct RescheduleArgs<'a> {
    handle: &'a str,
    id: i64,
    change: &'a RescheduleDrop,
}

pub async fn reschedule_drop(
    handle: &str,
    id: i64,
    change: &RescheduleDrop,
) -> ApiResult<StudioDrop> {
    call("reschedule_drop", &RescheduleArgs { handle, id, change }).await
}

#[derive(Serialize)]
struct CloseDropArgs<'a> {
    handle: &'a str,
    id: i64,
    cancel: bool,
}

/// Cancels a drop before its launch (`cancel`), or ends a launched one.
pub async fn close_drop(handle: &str, id: i64, cancel: bool) -> ApiResult<StudioDrop> {
    call("close_drop", &CloseDropArgs { handle, id, cancel }).await
}

/// Opens the system screen where the user lets reminders fire on time (Android).
pub async fn request_exact_alarms() -> ApiResult<()> {
    call("request_exact_alarms", &NoArgs {}).await
}

#[derive(Serialize)]
struct WalletQueryArgs<'a, T> {
    query: &'a T,
}

#[derive(Serialize)]
struct TextIdArgs<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct AnswerArgs<'a> {
    id: i64,
    answer: &'a str,
}

#[derive(Serialize)]
struct BiometricArgs<'a> {
    on: bool,
    reason: &'a str,
    password: Option<&'a str>,
}

#[derive(Serialize)]
struct ReasonArgs<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct CardDonateArgs<'a> {
    handle: &'a str,
    request: &'a CardDonation,
}

#[derive(Serialize)]
struct DonateArgs<'a> {
    handle: &'a str,
    request: &'a Donate,
}

#[derive(Serialize)]
struct StoreBeforeArgs<'a> {
    handle: &'a str,
    before: Option<&'a str>,
}

/// Tauri names a command's arguments in camelCase.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PinArgs<'a> {
    pin: &'a str,
    current_pin: Option<&'a str>,
    password: Option<&'a str>,
}

#[derive(Serialize)]
struct ApprovalArgs {
    card: i64,
    transaction: i64,
    approve: bool,
}

#[derive(Serialize)]
struct SessionArgs<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct CurrencyArgs<'a> {
    currency: &'a str,
}

#[derive(Serialize)]
struct CardSettingsArgs<'a> {
    id: i64,
    settings: &'a CardSettings,
}

pub async fn wallet_home() -> ApiResult<WalletHome> {
    call("wallet_home", &NoArgs {}).await
}

pub async fn wallet_activity(query: &ActivityQuery) -> ApiResult<ActivityPage> {
    call("wallet_activity", &WalletQueryArgs { query }).await
}

pub async fn wallet_entry(id: &str) -> ApiResult<ActivityEntry> {
    call("wallet_entry", &TextIdArgs { id }).await
}

pub async fn spending(query: &SpendingQuery) -> ApiResult<SpendingReport> {
    call("spending", &WalletQueryArgs { query }).await
}

pub async fn send_money(request: &SendMoney) -> ApiResult<MoneySent> {
    call("send_money", &RequestArgs { request }).await
}

pub async fn request_money(request: &RequestMoney) -> ApiResult<MoneyRequest> {
    call("request_money", &RequestArgs { request }).await
}

pub async fn money_requests() -> ApiResult<MoneyRequests> {
    call("money_requests", &NoArgs {}).await
}

/// Pays (`accept`), declines or cancels a request.
pub async fn answer_request(id: i64, answer: &str) -> ApiResult<MoneyRequest> {
    call("answer_request", &AnswerArgs { id, answer }).await
}

pub async fn move_savings(request: &MoveSavings) -> ApiResult<WalletHome> {
    call("move_savings", &RequestArgs { request }).await
}

pub async fn withdraw(request: &Withdraw) -> ApiResult<Withdrawal> {
    call("withdraw", &RequestArgs { request }).await
}

pub async fn donate(handle: &str, request: &Donate) -> ApiResult<Donation> {
    call("donate", &DonateArgs { handle, request }).await
}

pub async fn donate_by_card(handle: &str, request: &CardDonation) -> ApiResult<Checkout> {
    call("donate_by_card", &CardDonateArgs { handle, request }).await
}

pub async fn donations_received(handle: &str, before: Option<&str>) -> ApiResult<DonationPage> {
    call("donations_received", &StoreBeforeArgs { handle, before }).await
}

pub async fn biometric_state() -> ApiResult<BiometricState> {
    call("biometric_state", &NoArgs {}).await
}

/// `reason` is what the system's biometric prompt says it is for; `password` where the
/// server asked for it again (`password_required`).
pub async fn set_biometric_unlock(
    on: bool,
    reason: &str,
    password: Option<&str>,
) -> ApiResult<BiometricState> {
    call(
        "set_biometric_unlock",
        &BiometricArgs {
            on,
            reason,
            password,
        },
    )
    .await
}

pub async fn unlock_with_biometrics(reason: &str) -> ApiResult<VaultState> {
    call("unlock_with_biometrics", &ReasonArgs { reason }).await
}

pub async fn vault() -> ApiResult<VaultState> {
    call("vault", &NoArgs {}).await
}

/// Chooses the PIN: `password` where the server asks for it (`password_required`), or
/// to choose a new one without the current PIN (forgotten, or locked until then).
pub async fn set_pin(
    pin: &str,
    current_pin: Option<&str>,
    password: Option<&str>,
) -> ApiResult<VaultState> {
    call(
        "set_pin",
        &PinArgs {
            pin,
            current_pin,
            password,
        },
    )
    .await
}

pub async fn unlock_vault(pin: &str) -> ApiResult<VaultState> {
    call(
        "unlock_vault",
        &PinArgs {
            pin,
            current_pin: None,
            password: None,
        },
    )
    .await
}

/// The holder approves (the vault unlocked) or declines a payment another account
/// asked of their card.
pub async fn answer_card_approval(
    card: i64,
    transaction: i64,
    approve: bool,
) -> ApiResult<CardTransaction> {
    call(
        "answer_card_approval",
        &ApprovalArgs {
            card,
            transaction,
            approve,
        },
    )
    .await
}

/// Ends another of the person's sessions, by its id.
pub async fn end_session(id: &str) -> ApiResult<()> {
    call("end_session", &SessionArgs { id }).await
}

pub async fn lock_vault() -> ApiResult<VaultState> {
    call("lock_vault", &NoArgs {}).await
}

pub async fn cards() -> ApiResult<Vec<DebitCard>> {
    call("cards", &NoArgs {}).await
}

pub async fn issue_card(currency: &str) -> ApiResult<DebitCard> {
    call("issue_card", &CurrencyArgs { currency }).await
}

pub async fn set_card(id: i64, settings: &CardSettings) -> ApiResult<DebitCard> {
    call("set_card", &CardSettingsArgs { id, settings }).await
}

pub async fn reveal_card(id: i64) -> ApiResult<RevealedCard> {
    call("reveal_card", &IdArgs { id }).await
}

pub async fn card_transactions(id: i64) -> ApiResult<Vec<CardTransaction>> {
    call("card_transactions", &IdArgs { id }).await
}
