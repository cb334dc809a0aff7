//! Timelines, "For you" (ranked here, on the device), and hashtag pages.

use souq_wire::{FeedPage, ForYouPage, HashtagInfo, Timeline};
use tauri::{AppHandle, State};

use crate::client::SouqClient;
use crate::error::AppError;
use crate::interests::Interests;
use crate::ranking::{Engagement, Topic};

#[tauri::command]
pub async fn timeline(
    app: AppHandle,
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    timeline: Timeline,
    before: Option<String>,
) -> Result<FeedPage, AppError> {
    let page = client.timeline(&timeline, before.as_deref()).await?;
    // Opening a hashtag says something about what the user cares for.
    if let (Timeline::Hashtag { tag }, None) = (&timeline, &before) {
        interests.record_topic(&app, &Topic::Hashtag(tag.clone()), Engagement::OpenHashtag)?;
    }
    Ok(page)
}

#[tauri::command]
pub async fn for_you(
    client: State<'_, SouqClient>,
    interests: State<'_, Interests>,
    before: Option<String>,
) -> Result<ForYouPage, AppError> {
    let page = client.candidates(before.as_deref()).await?;
    let (posts, ranking_enabled) = interests.rank(page.posts)?;
    Ok(ForYouPage {
        posts,
        next_cursor: page.next_cursor,
        ranking_enabled,
    })
}

#[tauri::command]
pub async fn hashtag_info(
    client: State<'_, SouqClient>,
    tag: String,
) -> Result<HashtagInfo, AppError> {
    client.hashtag_info(&tag).await
}
