//! How an account is shown wherever it appears (posts, lists, inboxes, profiles): as
//! the store it runs, else as the person; and finding an account by its handle.

use std::collections::HashMap;

use souq_wire::{Author, AuthorKind};

use crate::base::db::{Db, placeholders};
use crate::base::error::ApiError;

/// An account as `AUTHOR_COLUMNS` read it, to show as an `Author`.
#[derive(sqlx::FromRow)]
pub(crate) struct AuthorRow {
    pub id: i64,
    pub handle: String,
    display_name: String,
    store_name: Option<String>,
    store_is_nonprofit: Option<i64>,
    store_avatar: Option<i64>,
}

/// The store an account is shown as: its name, nonprofit flag (0/1) and picture.
pub struct ShownStore {
    pub name: String,
    pub is_nonprofit: i64,
    pub avatar_media_id: Option<i64>,
}

/// How an account is shown: as the store, when there is one to show it as, else as the
/// person. The one place that decides it, for posts, lists, inboxes and profiles.
pub fn shown_as(id: i64, handle: String, person_name: String, store: Option<ShownStore>) -> Author {
    match store {
        Some(store) => Author {
            id,
            kind: if store.is_nonprofit != 0 {
                AuthorKind::Nonprofit
            } else {
                AuthorKind::Store
            },
            handle,
            display_name: store.name,
            avatar_media_id: store.avatar_media_id,
        },
        None => Author {
            id,
            kind: AuthorKind::Person,
            handle,
            display_name: person_name,
            avatar_media_id: None,
        },
    }
}

impl AuthorRow {
    pub(crate) fn author(self) -> Author {
        let store = self.store_name.map(|name| ShownStore {
            name,
            is_nonprofit: self.store_is_nonprofit.unwrap_or(0),
            avatar_media_id: self.store_avatar,
        });
        shown_as(self.id, self.handle, self.display_name, store)
    }
}

/// What an account is shown by, from `users u LEFT JOIN stores s ON s.owner_id = u.id`.
pub(crate) const AUTHOR_COLUMNS: &str = "u.id, u.handle, u.display_name, s.name AS store_name, \
     s.is_nonprofit AS store_is_nonprofit, s.avatar_media_id AS store_avatar";

/// How each account is shown: as its store when it runs one, else as a person.
pub async fn authors(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Author>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {AUTHOR_COLUMNS} FROM users u LEFT JOIN stores s ON s.owner_id = u.id
         WHERE u.id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, AuthorRow>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| (row.id, row.author()))
        .collect())
}

/// The account with this handle; 404 when there is none.
pub async fn id_by_handle(db: &Db, handle: &str) -> Result<i64, ApiError> {
    let handle = handle.trim_start_matches('@').to_ascii_lowercase();
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE handle = $1")
        .bind(handle)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| ApiError::not_found("account"))
}
