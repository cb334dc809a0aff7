//! One file a screen.

pub mod bookmarks;
pub mod cart;
pub mod hashtag;
pub mod home;
pub mod notifications;
pub mod post;
pub mod product;
pub mod profile;
pub mod settings;
pub mod shop;
pub mod sign_in;
pub mod studio;
