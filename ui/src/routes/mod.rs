//! One file a screen.

pub mod bookmarks;
pub mod cart;
pub mod checkout;
pub mod drop;
pub mod hashtag;
pub mod home;
pub mod me;
pub mod notifications;
pub mod order;
pub mod orders;
pub mod post;
pub mod product;
pub mod profile;
pub mod settings;
pub mod shop;
pub mod sign_in;
pub mod studio;
pub mod wallet;
