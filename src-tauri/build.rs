//! Generates the Tauri context and one permission per app command, so that the
//! capability file can grant exactly the commands the window uses.

const COMMANDS: &[&str] = &[
    "current_user",
    "sign_in",
    "sign_up",
    "sign_out",
    "timeline",
    "for_you",
    "hashtag_info",
    "get_post",
    "create_post",
    "delete_post",
    "post_action",
    "upload_image",
    "my_products",
    "profile",
    "set_follow",
    "people",
    "notifications",
    "mark_notifications_read",
    "app_info",
    "get_preferences",
    "set_language",
    "ranking_settings",
    "set_ranking",
    "reset_interests",
    "take_link",
    "shop_home",
    "shop_search",
    "storefront",
    "product",
    "open_product_website",
    "cart",
    "add_to_cart",
    "set_cart_quantity",
    "studio",
    "open_store",
    "save_product",
    "save_store_page",
    "preview_storefront",
    "publish_store",
    "discard_drafts",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {e:#}");
    }
}
