//! One file a screen.

pub mod bookmarks;
pub mod hashtag;
pub mod home;
pub mod notifications;
pub mod post;
pub mod profile;
pub mod settings;
pub mod sign_in;
