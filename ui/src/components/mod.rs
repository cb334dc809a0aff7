//! Reusable pieces of screens.

pub mod address_form;
pub mod avatar;
pub mod back_header;
pub mod card_form;
pub mod composer;
pub mod debit_card;
pub mod donate;
pub mod error_message;
pub mod feed_list;
pub mod files;
pub mod icons;
pub mod language_picker;
pub mod money_forms;
pub mod pin_prompt;
pub mod post_actions;
pub mod post_card;
pub mod product_card;
pub mod share;
pub mod shell;
pub mod shipping_editor;
pub mod spending_chart;
pub mod store_drops;
pub mod store_orders;
pub mod storefront;
pub mod wallet_activity;
pub mod window;
