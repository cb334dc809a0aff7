//! The signed-in account's notifications inbox, and the stream that tells its apps
//! of money news at once.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use souq_wire::{ErrorBody, NotificationPage};
use tokio_stream::wrappers::BroadcastStream;

use crate::base::error::ApiError;
use crate::base::paging::PageParams;
use crate::http::Souq;
use crate::http::extract::{Client, Json, Query, SignedIn};
use crate::notifications;

#[utoipa::path(get, path = "/v1/me/notifications", tag = "people", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = NotificationPage), (status = 401, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<Souq>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<NotificationPage>, ApiError> {
    let page = notifications::page(
        &state.base.db,
        me.user.id,
        &me.token,
        params.cursor()?,
        params.limit()?,
    )
    .await?;
    Ok(Json(page))
}

#[utoipa::path(post, path = "/v1/me/notifications/read", tag = "people",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn mark_read(State(state): State<Souq>, me: SignedIn) -> Result<StatusCode, ApiError> {
    notifications::mark_all_read(&state.base.db, me.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Server-sent events: `ready` once connected, then `inbox` whenever the person's
/// inbox gains news to show at once (money sent, asked for, declined or given to them;
/// "was this you?" security notices; a card locked, or a payment with it to approve):
/// the app reads its inbox then, and shows what is new as OS notifications.
#[utoipa::path(get, path = "/v1/me/events", tag = "people", security(("bearer" = [])),
    responses((status = 200, description = "a text/event-stream of inbox news",
               content_type = "text/event-stream"),
              (status = 401, body = ErrorBody),
              (status = 429, description = "too many streams opened by this account or address",
               body = ErrorBody)))]
pub async fn events(
    State(state): State<Souq>,
    me: SignedIn,
    Client(client): Client,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    state.actions.streams.check(me.user.id, client.addr)?;
    let (heard, mut closing) = state.inbox.subscribe(me.user.id);
    let ready = futures_util::stream::once(async { Event::default().event("ready").data("{}") });
    // Lagging behind says no more than news does: read the inbox.
    let news = BroadcastStream::new(heard).map(|_| Event::default().event("inbox").data("{}"));
    let stop = async move {
        let _ = closing.wait_for(|closed| *closed).await;
    };
    let stream = ready.chain(news).take_until(stop).map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(super::drops::KEEP_ALIVE)))
}
