//! The one module that talks to the app: typed wrappers around Tauri's `invoke`.
//! Screens call these and never touch the network; errors arrive as `{code, message}`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use souq_wire::{
    AppInfo, ErrorBody, ErrorCode, FeedPage, Language, Preferences, SignInRequest, SignUpRequest,
    User,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], js_name = convertFileSrc)]
    fn convert_file_src(path: &str, protocol: &str) -> String;
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
struct PageArgs<'a> {
    tag: Option<&'a str>,
    before: Option<&'a str>,
}

#[derive(Serialize)]
struct LanguageArgs {
    language: Option<Language>,
}

pub async fn app_info() -> ApiResult<AppInfo> {
    call("app_info", &NoArgs {}).await
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

pub async fn feed_page(before: Option<&str>) -> ApiResult<FeedPage> {
    call("feed_page", &PageArgs { tag: None, before }).await
}

pub async fn hashtag_page(tag: &str, before: Option<&str>) -> ApiResult<FeedPage> {
    call(
        "hashtag_page",
        &PageArgs {
            tag: Some(tag),
            before,
        },
    )
    .await
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
