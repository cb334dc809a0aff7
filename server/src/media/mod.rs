//! Media: images stored in the database, served immutable by id. Keeping the bytes in
//! the database lets many stateless server instances share them with no file store.

use crate::db::{Db, now_ms};
use crate::error::ApiError;

pub struct Media {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores an image; takes any executor so it can join a caller's transaction.
pub async fn insert<'e, E>(executor: E, content_type: &str, bytes: Vec<u8>) -> Result<i64, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO media (content_type, bytes, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(content_type)
    .bind(bytes)
    .bind(now_ms())
    .fetch_one(executor)
    .await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<Media, ApiError> {
    let row: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT content_type, bytes FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let (content_type, bytes) = row.ok_or_else(|| ApiError::not_found("media"))?;
    Ok(Media {
        content_type,
        bytes,
    })
}
