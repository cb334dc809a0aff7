//! "For you", ranked on the device. The app keeps an interest profile — how much the
//! user engages with each hashtag, store and product category, fading with a one-week
//! half-life — and ranks the candidates the server returns by it, plus popularity and
//! freshness. The profile lives only in the app's local store and never leaves the
//! device; the server sees candidates requested, not what the user likes about them.
//! Scores are floats: they are weights, never money.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use souq_wire::{AuthorKind, Post, RankReason, RankedPost};

const HALF_LIFE_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;
/// Below this an interest is forgotten.
const FORGET_BELOW: f64 = 0.05;

/// What the user did, and how much it says about their interests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engagement {
    Like,
    Repost,
    Bookmark,
    Share,
    OpenHashtag,
    Follow,
}

impl Engagement {
    pub fn weight(self) -> f64 {
        match self {
            Engagement::OpenHashtag => 0.5,
            Engagement::Like => 1.0,
            Engagement::Bookmark => 1.5,
            Engagement::Repost | Engagement::Share => 2.0,
            Engagement::Follow => 3.0,
        }
    }
}

/// A thing one can be interested in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Topic {
    Hashtag(String),
    /// A store by handle, with its display name for explanations.
    Store {
        handle: String,
        name: String,
    },
    Category(String),
}

impl Topic {
    fn key(&self) -> String {
        match self {
            Topic::Hashtag(tag) => format!("tag:{tag}"),
            Topic::Store { handle, .. } => format!("store:{handle}"),
            Topic::Category(category) => format!("category:{category}"),
        }
    }

    fn reason(&self) -> RankReason {
        match self {
            Topic::Hashtag(tag) => RankReason::Hashtag(tag.clone()),
            Topic::Store { name, .. } => RankReason::Store(name.clone()),
            Topic::Category(category) => RankReason::Category(category.clone()),
        }
    }
}

/// The topics a post is about: its hashtags, its store, its products' categories.
pub fn topics(post: &Post) -> Vec<Topic> {
    let mut topics: Vec<Topic> = post.hashtags.iter().cloned().map(Topic::Hashtag).collect();
    if matches!(post.author.kind, AuthorKind::Store | AuthorKind::Nonprofit) {
        topics.push(Topic::Store {
            handle: post.author.handle.clone(),
            name: post.author.display_name.clone(),
        });
    }
    for product in &post.products {
        let category = Topic::Category(product.category.clone());
        if !topics.contains(&category) {
            topics.push(category);
        }
    }
    topics
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InterestProfile {
    /// Interest by topic key, as of `as_of_ms`.
    interests: BTreeMap<String, Interest>,
    as_of_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Interest {
    weight: f64,
    /// How to explain this interest.
    label: LabelKind,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum LabelKind {
    Hashtag,
    Store,
    Category,
}

fn decay(elapsed_ms: i64) -> f64 {
    let elapsed = f64::from(i32::try_from(elapsed_ms / 1000).unwrap_or(i32::MAX)) * 1000.0;
    0.5_f64.powf(elapsed.max(0.0) / HALF_LIFE_MS)
}

impl InterestProfile {
    pub fn is_empty(&self) -> bool {
        self.interests.is_empty()
    }

    /// Fades every interest to `now_ms`.
    fn age_to(&mut self, now_ms: i64) {
        if now_ms > self.as_of_ms {
            let factor = decay(now_ms - self.as_of_ms);
            for interest in self.interests.values_mut() {
                interest.weight *= factor;
            }
            self.interests.retain(|_, i| i.weight >= FORGET_BELOW);
            self.as_of_ms = now_ms;
        }
    }

    /// Adds `weight` (negative to take back) to a topic.
    pub fn add(&mut self, topic: &Topic, weight: f64, now_ms: i64) {
        self.age_to(now_ms);
        let (label, text) = match topic {
            Topic::Hashtag(tag) => (LabelKind::Hashtag, tag.clone()),
            Topic::Store { name, .. } => (LabelKind::Store, name.clone()),
            Topic::Category(category) => (LabelKind::Category, category.clone()),
        };
        let entry = self.interests.entry(topic.key()).or_insert(Interest {
            weight: 0.0,
            label,
            text,
        });
        entry.weight = (entry.weight + weight).max(0.0);
        self.interests.retain(|_, i| i.weight >= FORGET_BELOW);
    }

    /// Learns from an engagement with a post; `undo` takes it back (an unlike).
    pub fn record(&mut self, post: &Post, engagement: Engagement, undo: bool, now_ms: i64) {
        let weight = if undo {
            -engagement.weight()
        } else {
            engagement.weight()
        };
        for topic in topics(post) {
            self.add(&topic, weight, now_ms);
        }
    }

    pub fn reset(&mut self) {
        self.interests.clear();
    }

    fn weight_of(&self, topic: &Topic, now_ms: i64) -> f64 {
        let factor = decay(now_ms - self.as_of_ms);
        self.interests
            .get(&topic.key())
            .map_or(0.0, |i| i.weight * factor)
    }

    /// The strongest interests, strongest first, for the settings screen.
    pub fn top(&self, count: usize) -> Vec<RankReason> {
        let mut all: Vec<&Interest> = self.interests.values().collect();
        all.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        all.into_iter()
            .take(count)
            .map(|i| match i.label {
                LabelKind::Hashtag => RankReason::Hashtag(i.text.clone()),
                LabelKind::Store => RankReason::Store(i.text.clone()),
                LabelKind::Category => RankReason::Category(i.text.clone()),
            })
            .collect()
    }

    /// A post's score and the reasons behind it, strongest first.
    pub fn score(&self, post: &Post, now_ms: i64) -> (f64, Vec<RankReason>) {
        let mut parts: Vec<(f64, RankReason)> = topics(post)
            .into_iter()
            .map(|topic| (self.weight_of(&topic, now_ms), topic.reason()))
            .filter(|(weight, _)| *weight > 0.0)
            .collect();
        let engagement = post.stats.likes + 2 * post.stats.reposts + post.stats.quotes;
        let popularity = 0.5 * f64::from(i32::try_from(engagement).unwrap_or(i32::MAX)).ln_1p();
        if popularity >= 1.0 {
            parts.push((popularity, RankReason::Popular));
        }
        let age_ms = now_ms - post.created_at.timestamp_millis();
        let freshness = 2.0 * decay(age_ms.saturating_mul(14));
        if freshness >= 1.0 {
            parts.push((freshness, RankReason::Recent));
        }
        let score =
            parts.iter().map(|(w, _)| w).sum::<f64>() + popularity.min(1.0) + freshness.min(1.0);
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        (score, parts.into_iter().map(|(_, reason)| reason).collect())
    }
}

/// Orders candidates for "For you": by score when ranking is on, newest first when off.
pub fn rank(
    profile: &InterestProfile,
    posts: Vec<Post>,
    enabled: bool,
    now_ms: i64,
) -> Vec<RankedPost> {
    if !enabled {
        let mut posts = posts;
        posts.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        return posts
            .into_iter()
            .map(|post| RankedPost {
                post,
                reasons: Vec::new(),
            })
            .collect();
    }
    let mut scored: Vec<(f64, RankedPost)> = posts
        .into_iter()
        .map(|post| {
            let (score, reasons) = profile.score(&post, now_ms);
            (score, RankedPost { post, reasons })
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.post.created_at.cmp(&a.1.post.created_at))
    });
    scored.into_iter().map(|(_, ranked)| ranked).collect()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use souq_wire::{Author, Money, PostStats, ProductCard, ViewerState};

    const NOW: i64 = 1_800_000_000_000;
    const HOUR: i64 = 3_600_000;

    fn post(
        id: i64,
        tags: &[&str],
        store: Option<&str>,
        category: Option<&str>,
        hours_ago: i64,
    ) -> Post {
        let body = tags
            .iter()
            .map(|t| format!("#{t}"))
            .collect::<Vec<_>>()
            .join(" ");
        Post {
            id,
            author: Author {
                id,
                kind: if store.is_some() {
                    AuthorKind::Store
                } else {
                    AuthorKind::Person
                },
                handle: store.unwrap_or("someone").into(),
                display_name: store.unwrap_or("Someone").into(),
                avatar_media_id: None,
            },
            hashtags: souq_wire::text::hashtags(&body),
            body,
            images: Vec::new(),
            products: category
                .map(|c| ProductCard {
                    id,
                    title: "thing".into(),
                    store_name: "store".into(),
                    category: c.into(),
                    price: Money {
                        amount_minor: 100,
                        currency: "SAR".into(),
                    },
                    image_media_id: None,
                    in_stock: true,
                })
                .into_iter()
                .collect(),
            quote: None,
            stats: PostStats::default(),
            viewer: ViewerState::default(),
            reposted_by: None,
            created_at: DateTime::<Utc>::from_timestamp_millis(NOW - hours_ago * HOUR)
                .unwrap_or_default(),
        }
    }

    fn order(ranked: &[RankedPost]) -> Vec<i64> {
        ranked.iter().map(|r| r.post.id).collect()
    }

    #[test]
    fn the_profile_moves_with_engagement() {
        let mut profile = InterestProfile::default();
        let oud = post(1, &["oud"], Some("dar_al_oud"), Some("perfume"), 3);
        profile.record(&oud, Engagement::Like, false, NOW);
        assert!(profile.weight_of(&Topic::Hashtag("oud".into()), NOW) > 0.9);
        assert!(profile.weight_of(&Topic::Category("perfume".into()), NOW) > 0.9);
        profile.record(&oud, Engagement::Repost, false, NOW);
        assert!(profile.weight_of(&Topic::Hashtag("oud".into()), NOW) > 2.9);
        // Taking the like back takes its weight back.
        profile.record(&oud, Engagement::Like, true, NOW);
        let weight = profile.weight_of(&Topic::Hashtag("oud".into()), NOW);
        assert!((weight - 2.0).abs() < 1e-9, "{weight}");
        // Interest fades: after one half-life it is halved.
        let week = 7 * 24 * HOUR;
        let faded = profile.weight_of(&Topic::Hashtag("oud".into()), NOW + week);
        assert!((faded - 1.0).abs() < 1e-6, "{faded}");
    }

    #[test]
    fn engaged_topics_rank_first_and_say_why() {
        let mut profile = InterestProfile::default();
        profile.record(
            &post(9, &["coffee"], Some("qahwa_house"), Some("coffee"), 50),
            Engagement::Bookmark,
            false,
            NOW,
        );
        let candidates = vec![
            post(1, &["fashion"], None, None, 1),
            post(2, &["coffee"], Some("qahwa_house"), Some("coffee"), 20),
            post(3, &["tech"], None, None, 2),
        ];
        let ranked = rank(&profile, candidates, true, NOW);
        assert_eq!(order(&ranked)[0], 2);
        let reasons = &ranked[0].reasons;
        assert!(
            reasons.contains(&RankReason::Hashtag("coffee".into())),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&RankReason::Store("qahwa_house".into())),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&RankReason::Category("coffee".into())),
            "{reasons:?}"
        );
    }

    #[test]
    fn reset_clears_the_profile() {
        let mut profile = InterestProfile::default();
        profile.record(
            &post(1, &["oud"], None, None, 1),
            Engagement::Share,
            false,
            NOW,
        );
        assert!(!profile.is_empty());
        profile.reset();
        assert!(profile.is_empty());
        assert!(profile.top(5).is_empty());
    }

    #[test]
    fn with_ranking_off_the_order_is_chronological() {
        let mut profile = InterestProfile::default();
        profile.record(
            &post(9, &["oud"], None, None, 1),
            Engagement::Follow,
            false,
            NOW,
        );
        let candidates = vec![
            post(1, &["oud"], None, None, 30),
            post(2, &["other"], None, None, 1),
            post(3, &["oud"], None, None, 10),
        ];
        let ranked = rank(&profile, candidates, false, NOW);
        assert_eq!(order(&ranked), [2, 3, 1]);
        assert!(ranked.iter().all(|r| r.reasons.is_empty()));
    }

    #[test]
    fn with_no_interests_fresh_and_popular_posts_lead() {
        let mut popular = post(1, &["x"], None, None, 30);
        popular.stats.likes = 400;
        let ranked = rank(
            &InterestProfile::default(),
            vec![post(2, &["y"], None, None, 40), popular],
            true,
            NOW,
        );
        assert_eq!(order(&ranked), [1, 2]);
        assert_eq!(ranked[0].reasons, [RankReason::Popular]);
    }
}
