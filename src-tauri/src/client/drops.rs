//! Product drops: a drop's page, Remind me on the server, visits, the shopper's
//! reminded drops, the update stream, and the studio's scheduling.

use reqwest::Method;
use souq_wire::{NewDrop, ProductDrop, ReminderState, RescheduleDrop, StudioDrop, StudioDrops};

use super::SouqClient;
use crate::api::NO_QUERY;
use crate::error::AppError;

impl SouqClient {
    pub async fn drop_page(&self, id: i64) -> Result<ProductDrop, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "drops", &id.to_string()], NO_QUERY, Some(&token))
            .await
    }

    pub async fn set_reminder(&self, id: i64, on: bool) -> Result<ReminderState, AppError> {
        let token = self.token().await?;
        let path = ["v1", "drops", &id.to_string(), "reminder"];
        if on {
            self.api.put(&path, Some(&token)).await
        } else {
            self.api.delete_json(&path, Some(&token)).await
        }
    }

    pub async fn visit_drop(&self, id: i64) -> Result<(), AppError> {
        let token = self.token().await?;
        self.api
            .no_content(
                Method::POST,
                &["v1", "drops", &id.to_string(), "visit"],
                Some(&token),
            )
            .await
    }

    pub async fn my_reminders(&self) -> Result<Vec<ProductDrop>, AppError> {
        let token = self.token().await?;
        self.api
            .get(&["v1", "me", "reminders"], NO_QUERY, Some(&token))
            .await
    }

    pub async fn studio_drops(&self, handle: &str) -> Result<StudioDrops, AppError> {
        let token = self.token().await?;
        self.api
            .get(
                &["v1", "stores", handle, "studio", "drops"],
                NO_QUERY,
                Some(&token),
            )
            .await
    }

    pub async fn schedule_drop(&self, handle: &str, new: &NewDrop) -> Result<StudioDrop, AppError> {
        let token = self.token().await?;
        self.api
            .post(
                &["v1", "stores", handle, "studio", "drops"],
                new,
                Some(&token),
            )
            .await
    }

    pub async fn reschedule_drop(
        &self,
        handle: &str,
        id: i64,
        change: &RescheduleDrop,
    ) -> Result<StudioDrop, AppError> {
        let token = self.token().await?;
        let id = id.to_string();
        self.api
            .with_body(
                Method::PUT,
                &["v1", "stores", handle, "studio", "drops", &id, "launch"],
                change,
                Some(&token),
            )
            .await
    }

    /// Cancels a drop before its launch (`cancel`), or ends a launched one.
    pub async fn close_drop(
        &self,
        handle: &str,
        id: i64,
        cancel: bool,
    ) -> Result<StudioDrop, AppError> {
        let token = self.token().await?;
        let id = id.to_string();
        let verb = if cancel { "cancel" } else { "end" };
        self.api
            .post(
                &["v1", "stores", handle, "studio", "drops", &id, verb],
                &serde_json::json!({}),
                Some(&token),
            )
            .await
    }
}
