//! The device's "For you" state: the interest profile and whether ranking is on, kept
//! in the app's local store (interests.json in its data dir) and nowhere else. The
//! profile belongs to the account that taught it: another account signing in on this
//! device starts from nothing, and signing out clears it.

use std::sync::Mutex;

use souq_wire::{Post, RankingSettings};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

use crate::error::AppError;
use crate::ranking::{Engagement, InterestProfile, Topic};

const FILE: &str = "interests.json";
const PROFILE: &str = "profile";
const ENABLED: &str = "enabled";
const OWNER: &str = "owner";

pub struct Interests {
    profile: Mutex<InterestProfile>,
    enabled: Mutex<bool>,
    /// The account the profile was learnt from.
    owner: Mutex<Option<i64>>,
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
        let owner = store.get(OWNER).and_then(|v| v.as_i64());
        Ok(Interests {
            profile: Mutex::new(profile),
            enabled: Mutex::new(enabled),
            owner: Mutex::new(owner),
        })
    }

    /// The profile is `user`'s from now on: one learnt from another account is dropped
    /// first, so one account's ranking never shapes another's.
    pub fn belong_to<R: Runtime>(&self, app: &AppHandle<R>, user: i64) -> Result<(), AppError> {
        let mut profile = self.profile.lock().map_err(|_| poisoned())?;
        let mut owner = self.owner.lock().map_err(|_| poisoned())?;
        let changed = adopt(&mut profile, &mut owner, user);
        drop((profile, owner));
        if changed { self.save(app) } else { Ok(()) }
    }

    /// Signing out: the profile is forgotten with the session.
    pub fn clear<R: Runtime>(&self, app: &AppHandle<R>) -> Result<(), AppError> {
        self.profile.lock().map_err(|_| poisoned())?.reset();
        *self.owner.lock().map_err(|_| poisoned())? = None;
        self.save(app)
    }

    fn save<R: Runtime>(&self, app: &AppHandle<R>) -> Result<(), AppError> {
        let store = app
            .store(FILE)
            .map_err(|e| AppError::Internal(format!("interests: {e}")))?;
        let profile = self.profile.lock().map_err(|_| poisoned())?.clone();
        let enabled = *self.enabled.lock().map_err(|_| poisoned())?;
        let owner = *self.owner.lock().map_err(|_| poisoned())?;
        store.set(PROFILE, serde_json::to_value(profile).unwrap_or_default());
        store.set(ENABLED, enabled);
        store.set(OWNER, serde_json::to_value(owner).unwrap_or_default());
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

/// Makes `profile` `user`'s: kept when it already is, started afresh when it was learnt
/// from anyone else (or no one). Whether anything changed.
fn adopt(profile: &mut InterestProfile, owner: &mut Option<i64>, user: i64) -> bool {
    if *owner == Some(user) {
        return false;
    }
    profile.reset();
    *owner = Some(user);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_account_starts_from_an_empty_profile_and_the_owner_keeps_theirs() {
        let mut profile = InterestProfile::default();
        let mut owner = None;
        assert!(adopt(&mut profile, &mut owner, 1));
        profile.add(&Topic::Hashtag("oud".into()), 3.0, 0);
        assert!(
            !adopt(&mut profile, &mut owner, 1),
            "the same account keeps it"
        );
        assert_eq!(profile.top(8).len(), 1);
        assert!(adopt(&mut profile, &mut owner, 2));
        assert!(
            profile.top(8).is_empty(),
            "account 2 sees nothing of account 1's"
        );
        assert_eq!(owner, Some(2));
    }
}
