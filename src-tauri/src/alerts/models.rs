//! What an alert is, on every platform.

/// The extra a phone's notification keeps its link in, for the tap listener.
pub const LINK: &str = "link";

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub title: String,
    pub body: String,
    /// What a click opens: a `souq://` link.
    pub link: String,
}
