//! Liveness and readiness.

use axum::extract::State;
use souq_wire::Health;

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::Json;

fn health_of(state: &Souq) -> Health {
    Health {
        status: "ok".into(),
        database: state.base.db.backend.name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Liveness: the process serves HTTP. Touches nothing else, so it is also the ceiling
/// of the HTTP stack in benchmarks.
#[utoipa::path(get, path = "/v1/health", tag = "health",
    responses((status = 200, body = Health)))]
pub async fn live(State(state): State<Souq>) -> Json<Health> {
    Json(health_of(&state))
}

/// Readiness: the database answers too; 503 when it does not.
#[utoipa::path(get, path = "/v1/health/ready", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = souq_wire::ErrorBody)))]
pub async fn ready(State(state): State<Souq>) -> Result<Json<Health>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(&state.base.db.pool)
        .await
        .map_err(|e| ApiError::Unavailable {
            detail: format!("database: {e}"),
            retry_after_secs: 1,
        })?;
    Ok(Json(health_of(&state)))
}
