//! One file a screen.

pub mod hashtag;
pub mod home;
pub mod settings;
pub mod sign_in;
