//! The device's "For you" state: the interest profile and whether ranking is on, kept
//! in the app's local store (interests.json in its data dir) and nowhere else.

use std::sync::Mutex;

use souq_wire::{Post, RankingSettings};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

use crate::error::AppError;
use crate::ranking::{Engagement, InterestProfile, Topic};

const FILE: &str = "interests.json";
const PROFILE: &str = "profile";
const ENABLED: &str = "enabled";

pub struct Interests {
    profile: Mutex<InterestProfile>,
    enabled: Mutex<bool>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn poisoned() -> AppError {
    AppError::Internal("interest profile lock poisoned".into())
}

impl Interests {
    pub fn load<R: Runtime>(app: &AppHandle<R>) -> Result<Interests, AppError> {
        let store = app
            .store(FILE)
            .map_err(|e| AppError::Internal(format!("interests: {e}")))?;
        let profile = store
            .get(PROFILE)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let enabled = store.get(ENABLED).and_then(|v| v.as_bool()).unwrap_or(true);
        Ok(Interests {
            profile: Mutex::new(profile),
            enabled: Mutex::new(enabled),
        })
    }

    fn save<R: Runtime>(&self, app: &AppHandle<R>) -> Result<(), AppError> {
        let store = app
            .store(FILE)
            .map_err(|e| AppError::Internal(format!("interests: {e}")))?;
        let profile = self.profile.lock().map_err(|_| poisoned())?.clone();
        let enabled = *self.enabled.lock().map_err(|_| poisoned())?;
        store.set(PROFILE, serde_json::to_value(profile).unwrap_or_default());
        store.set(ENABLED, enabled);
        store
            .save()
            .map_err(|e| AppError::Internal(format!("saving interests: {e}")))
    }

    pub fn record<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        post: &Post,
        engagement: Engagement,
        undo: bool,
    ) -> Result<(), AppError> {
        self.profile
            .lock()
            .map_err(|_| poisoned())?
            .record(post, engagement, undo, now_ms());
        self.save(app)
    }

    pub fn record_topic<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        topic: &Topic,
        engagement: Engagement,
    ) -> Result<(), AppError> {
        self.profile
            .lock()
            .map_err(|_| poisoned())?
            .add(topic, engagement.weight(), now_ms());
        self.save(app)
    }

    pub fn rank(&self, posts: Vec<Post>) -> Result<(Vec<souq_wire::RankedPost>, bool), AppError> {
        let enabled = *self.enabled.lock().map_err(|_| poisoned())?;
        let profile = self.profile.lock().map_err(|_| poisoned())?;
        Ok((
            crate::ranking::rank(&profile, posts, enabled, now_ms()),
            enabled,
        ))
    }

    pub fn settings(&self) -> Result<RankingSettings, AppError> {
        Ok(RankingSettings {
            enabled: *self.enabled.lock().map_err(|_| poisoned())?,
            top_interests: self.profile.lock().map_err(|_| poisoned())?.top(8),
        })
    }

    pub fn set_enabled<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        on: bool,
    ) -> Result<RankingSettings, AppError> {
        *self.enabled.lock().map_err(|_| poisoned())? = on;
        self.save(app)?;
        self.settings()
    }

    pub fn reset<R: Runtime>(&self, app: &AppHandle<R>) -> Result<RankingSettings, AppError> {
        self.profile.lock().map_err(|_| poisoned())?.reset();
        self.save(app)?;
        self.settings()
    }
}
