//! Sharing a link: the OS share sheet where the platform has one (phones), else the
//! clipboard. Links use the app's own scheme, so opening one brings Souq forward.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub fn post_link(id: i64) -> String {
    format!("souq://post/{id}")
}

/// How the link went out.
pub enum Shared {
    Sheet,
    Copied,
    Failed,
}

fn method(target: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
}

/// Calls a promise-returning method and tells whether the promise resolved.
async fn resolves(function: &js_sys::Function, this: &JsValue, arg: &JsValue) -> bool {
    match function.call1(this, arg) {
        Ok(promise) => JsFuture::from(js_sys::Promise::resolve(&promise))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

pub async fn share(text: &str, url: &str) -> Shared {
    let Some(window) = web_sys::window() else {
        return Shared::Failed;
    };
    let navigator: JsValue = window.navigator().into();
    if let Some(share) = method(&navigator, "share") {
        let data = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&data, &"text".into(), &text.into());
        let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
        if resolves(&share, &navigator, &data).await {
            return Shared::Sheet;
        }
    }
    let clipboard =
        js_sys::Reflect::get(&navigator, &"clipboard".into()).unwrap_or(JsValue::UNDEFINED);
    match method(&clipboard, "writeText") {
        Some(write) if resolves(&write, &clipboard, &url.into()).await => Shared::Copied,
        _ => Shared::Failed,
    }
}
