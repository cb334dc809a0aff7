//! The Shop: search and browse, store pages, product pages, the cart, and "Shop on
//! website".

use souq_wire::{
    AddToCart, Cart, ErrorBody, ErrorCode, ProductDetail, ShopHome, ShopQuery, ShopResults,
    Storefront,
};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::client::SouqClient;
use crate::error::AppError;

#[tauri::command]
pub async fn shop_home(client: State<'_, SouqClient>) -> Result<ShopHome, AppError> {
    client.shop_home().await
}

#[tauri::command]
pub async fn shop_search(
    client: State<'_, SouqClient>,
    query: ShopQuery,
) -> Result<ShopResults, AppError> {
    client.shop_search(&query).await
}

#[tauri::command]
pub async fn storefront(
    client: State<'_, SouqClient>,
    handle: String,
) -> Result<Storefront, AppError> {
    client.storefront(&handle).await
}

#[tauri::command]
pub async fn product(client: State<'_, SouqClient>, id: i64) -> Result<ProductDetail, AppError> {
    client.product(id).await
}

/// Opens a product's page on its store's website in the system browser. Only the URL
/// the server gives for that product is opened, so the webview cannot open anything
/// else through this.
#[tauri::command]
pub async fn open_product_website(
    app: AppHandle,
    client: State<'_, SouqClient>,
    id: i64,
) -> Result<(), AppError> {
    let product = client.product(id).await?;
    let url = product
        .external_url
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| {
            AppError::Server(ErrorBody {
                code: ErrorCode::NotFound,
                message: "this product has no website".into(),
            })
        })?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::Internal(format!("cannot open the browser: {e}")))
}

#[tauri::command]
pub async fn cart(client: State<'_, SouqClient>) -> Result<Cart, AppError> {
    client.cart().await
}

#[tauri::command]
pub async fn add_to_cart(
    client: State<'_, SouqClient>,
    variant_id: i64,
    quantity: i64,
) -> Result<Cart, AppError> {
    client
        .add_to_cart(&AddToCart {
            variant_id,
            quantity,
        })
        .await
}

#[tauri::command]
pub async fn set_cart_quantity(
    client: State<'_, SouqClient>,
    variant_id: i64,
    quantity: i64,
) -> Result<Cart, AppError> {
    client.set_cart_quantity(variant_id, quantity).await
}
