//! The health check body.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// "ok" when the server can reach its database.
    pub status: String,
    /// "sqlite" or "postgres".
    pub database: String,
    pub version: String,
}
