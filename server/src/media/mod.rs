//! Media: images stored in the database, served immutable by id. Keeping the bytes in
//! the database lets many stateless server instances share them with no file store.
//! Uploads are typed by their content, never by what the client claims. An image is
//! public once something published shows it (a shown product, a post, a store's page);
//! until then only its uploader may fetch it.

use std::time::Duration;

use crate::base::Base;
use crate::base::db::{Db, now_ms};
use crate::base::error::ApiError;
use crate::base::limits::window::{self, Quota};

/// The largest image one upload may carry.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

pub struct Media {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown by something published, so anyone may fetch (and cache) it.
    pub public: bool,
}

/// The image type the bytes really are, from their signature.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

/// Stores an image; takes any executor so it can join a caller's transaction.
pub async fn insert<'e, E>(
    executor: E,
    owner: Option<i64>,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<i64, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO media (content_type, bytes, created_at, owner_id) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(content_type)
    .bind(bytes)
    .bind(now_ms())
    .bind(owner)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// An upload from a user: PNG, JPEG, GIF or WebP by content, else 415. At most
/// `Limits::uploads_per_day` uploads and `Limits::upload_bytes_per_day` bytes a day per
/// user (429 beyond).
pub async fn upload(base: &Base, owner: i64, bytes: Vec<u8>) -> Result<i64, ApiError> {
    let (db, limits) = (&base.db, &base.limits);
    if bytes.is_empty() {
        return Err(ApiError::Validation("the image is empty".into()));
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType("send a PNG, JPEG, GIF or WebP image".into())
    })?;
    let day = Duration::from_secs(24 * 60 * 60);
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let byte_limit = i64::try_from(limits.upload_bytes_per_day).unwrap_or(i64::MAX);
    window::take_all(
        db,
        &[
            (
                &format!("uploads:{owner}"),
                1,
                Quota::new(limits.uploads_per_day, day),
            ),
            (
                &format!("upload-bytes:{owner}"),
                size,
                Quota::new(byte_limit, day),
            ),
        ],
    )
    .await?;
    insert(&db.pool, Some(owner), content_type, bytes).await
}

/// An image as `viewer` may see it: public ones to anyone, others only to whoever
/// uploaded them; 404 otherwise, the same as for an image that does not exist.
pub async fn get(db: &Db, viewer: Option<i64>, id: i64) -> Result<Media, ApiError> {
    let row: Option<(String, Vec<u8>, Option<i64>, i64)> = sqlx::query_as(&format!(
        "SELECT m.content_type, m.bytes, m.owner_id,
                CASE WHEN EXISTS (SELECT 1 FROM product_images i
                                  JOIN products pr ON pr.id = i.product_id
                                  WHERE i.media_id = m.id AND {shown})
                       OR EXISTS (SELECT 1 FROM post_images i JOIN posts p ON p.id = i.post_id
                                  WHERE i.media_id = m.id AND p.deleted_at IS NULL)
                       OR EXISTS (SELECT 1 FROM stores s
                                  WHERE s.avatar_media_id = m.id OR s.banner_media_id = m.id)
                     THEN 1 ELSE 0 END
         FROM media m WHERE m.id = $1",
        shown = crate::stores::cards::SHOWN
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let (content_type, bytes, owner, public) = row.ok_or_else(|| ApiError::not_found("media"))?;
    let public = public != 0;
    if !public && (owner.is_none() || owner != viewer) {
        return Err(ApiError::not_found("media"));
    }
    Ok(Media {
        content_type,
        bytes,
        public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_bytes_not_their_name() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a..."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"MZ\x90\0 not an image"), None);
    }
}
