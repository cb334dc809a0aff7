//! An account's row as a `User`: the columns every reader of users selects, and
//! reading one by id.

use souq_wire::{Role, User};

use crate::base::db::{Db, from_ms};
use crate::base::error::ApiError;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    handle: String,
    display_name: String,
    role: String,
    created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User, ApiError> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| ApiError::Internal(format!("unknown role {:?}", self.role)))?;
        Ok(User {
            id: self.id,
            email: self.email,
            handle: self.handle,
            display_name: self.display_name,
            role,
            created_at: from_ms(self.created_at),
        })
    }
}

pub(crate) const USER_COLUMNS: &str = "id, email, handle, display_name, role, created_at";
/// The same columns of a `users u` joined to something else.
pub(crate) const USER_COLUMNS_OF_U: &str =
    "u.id, u.email, u.handle, u.display_name, u.role, u.created_at";

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<User>, ApiError> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(UserRow::into_user).transpose()
}
