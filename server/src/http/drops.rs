//! Product drops: a drop's page, Remind me, visits, the shopper's reminders, the live
//! update stream, and the studio's scheduling. Only translation; the rules live in
//! `crate::drops`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use souq_wire::{
    DropUpdate, ErrorBody, NewDrop, ProductDrop, ReminderState, RescheduleDrop, StudioDrop,
    StudioDrops,
};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use crate::base::error::ApiError;
use crate::drops::{self, events::Heard, studio};
use crate::http::Souq;
use crate::http::extract::{Client, Json, Path, SignedIn};

/// How often an idle stream sends a comment, so proxies and the app see it alive.
pub(super) const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[utoipa::path(get, path = "/v1/drops/{id}", tag = "drops", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ProductDrop), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ProductDrop>, ApiError> {
    Ok(Json(drops::get(&state.base.db, me.user.id, id).await?))
}

/// Remind me: on for a drop not launched yet (409 after), idempotent either way.
#[utoipa::path(put, path = "/v1/drops/{id}/reminder", tag = "drops", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ReminderState), (status = 404, body = ErrorBody),
              (status = 409, description = "launched, ended or cancelled", body = ErrorBody)))]
pub async fn remind(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ReminderState>, ApiError> {
    Ok(Json(drops::remind(&state.base, &me.user, id, true).await?))
}

#[utoipa::path(delete, path = "/v1/drops/{id}/reminder", tag = "drops", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ReminderState), (status = 404, body = ErrorBody)))]
pub async fn forget(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ReminderState>, ApiError> {
    Ok(Json(drops::remind(&state.base, &me.user, id, false).await?))
}

/// Counts the shopper's visit to the drop's page (from its launch on, once each).
#[utoipa::path(post, path = "/v1/drops/{id}/visit", tag = "drops", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn visit(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    drops::visit(&state.base.db, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The open drops the shopper asked to be reminded of, soonest first.
#[utoipa::path(get, path = "/v1/me/reminders", tag = "drops", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProductDrop>)))]
pub async fn reminders(
    State(state): State<Souq>,
    me: SignedIn,
) -> Result<Json<Vec<ProductDrop>>, ApiError> {
    Ok(Json(drops::reminded(&state.base.db, &me.user).await?))
}

/// Server-sent events: `ready` once connected, then a `drop` event (a `DropUpdate`)
/// whenever a drop is rescheduled, cancelled, ended, launched, sold out or back on
/// sale, and `resync` when the app should read its drops again.
#[utoipa::path(get, path = "/v1/drops/events", tag = "drops", security(("bearer" = [])),
    responses((status = 200, description = "a text/event-stream of drop updates",
               content_type = "text/event-stream", body = DropUpdate),
              (status = 429, description = "too many streams opened by this account or address",
               body = ErrorBody)))]
pub async fn events(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    state.actions.streams.check(me.user.id, client.addr)?;
    let (heard, mut closing) = state.drops.subscribe();
    let ready = futures_util::stream::once(async { Event::default().event("ready").data("{}") });
    let updates = BroadcastStream::new(heard).map(|heard| match heard {
        Ok(Heard::Update(update)) => Event::default()
            .event("drop")
            .json_data(&update)
            .unwrap_or_else(|_| Event::default().event("resync").data("{}")),
        Ok(Heard::Resync) | Err(BroadcastStreamRecvError::Lagged(_)) => {
            Event::default().event("resync").data("{}")
        }
    });
    let stop = async move {
        let _ = closing.wait_for(|closed| *closed).await;
    };
    let stream = ready.chain(updates).take_until(stop).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

#[utoipa::path(get, path = "/v1/stores/{handle}/studio/drops", tag = "studio",
    params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = StudioDrops), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn studio_list(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
) -> Result<Json<StudioDrops>, ApiError> {
    Ok(Json(studio::list(&state.base, &me.user, &handle).await?))
}

/// Schedules a drop of one of the store's options.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/drops", tag = "studio",
    params(("handle" = String, Path)), request_body = NewDrop, security(("bearer" = [])),
    responses((status = 201, body = StudioDrop), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "the hashtag or option is another drop's", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<Souq>,
    me: SignedIn,
    Path(handle): Path<String>,
    Json(new): Json<NewDrop>,
) -> Result<(StatusCode, Json<StudioDrop>), ApiError> {
    let drop = studio::schedule(&state.base, &me.user, &handle, new).await?;
    Ok((StatusCode::CREATED, Json(drop)))
}

/// Moves the launch of a drop that has not launched.
#[utoipa::path(put, path = "/v1/stores/{handle}/studio/drops/{id}/launch", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), request_body = RescheduleDrop,
    security(("bearer" = [])),
    responses((status = 200, body = StudioDrop), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "launched or closed", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn reschedule(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
    Json(change): Json<RescheduleDrop>,
) -> Result<Json<StudioDrop>, ApiError> {
    Ok(Json(
        studio::reschedule(&state.base, &me.user, &handle, id, change).await?,
    ))
}

/// Calls off a drop before its launch.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/drops/{id}/cancel", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = StudioDrop), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "launched or closed", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
) -> Result<Json<StudioDrop>, ApiError> {
    Ok(Json(
        studio::close(&state.base, &me.user, &handle, id, true).await?,
    ))
}

/// Ends a launched drop: the option sells as before, with what was held back.
#[utoipa::path(post, path = "/v1/stores/{handle}/studio/drops/{id}/end", tag = "studio",
    params(("handle" = String, Path), ("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = StudioDrop), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "not launched, or closed", body = ErrorBody)))]
pub async fn end(
    State(state): State<Souq>,
    me: SignedIn,
    Path((handle, id)): Path<(String, i64)>,
) -> Result<Json<StudioDrop>, ApiError> {
    Ok(Json(
        studio::close(&state.base, &me.user, &handle, id, false).await?,
    ))
}
