//! Writing, reading and deleting posts, and the actions on them.

use axum::extract::State;
use axum::http::StatusCode;
use souq_wire::{ErrorBody, NewPost, Post, PostActivity};

use crate::base::error::ApiError;
use crate::http::Souq;
use crate::http::extract::{Json, Path, SignedIn};
use crate::posts::{self, Action};

#[utoipa::path(post, path = "/v1/posts", tag = "posts", request_body = NewPost,
    security(("bearer" = [])),
    responses((status = 201, body = Post), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 429, description = "over the posts a minute", body = ErrorBody)))]
pub async fn create(
    State(state): State<Souq>,
    me: SignedIn,
    Json(new): Json<NewPost>,
) -> Result<(StatusCode, Json<Post>), ApiError> {
    let post = posts::create(&state.feed, &me.user, &new).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

#[utoipa::path(get, path = "/v1/posts/{id}", tag = "posts", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Post), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Post>, ApiError> {
    Ok(Json(posts::get(&state.feed, me.user.id, id).await?))
}

#[utoipa::path(delete, path = "/v1/posts/{id}", tag = "posts", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    posts::delete(&state.feed, me.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn act(
    state: &Souq,
    me: &SignedIn,
    id: i64,
    action: Action,
    on: bool,
) -> Result<Json<PostActivity>, ApiError> {
    Ok(Json(
        posts::act(&state.feed, me.user.id, id, action, on).await?,
    ))
}

/// PUT sets an action and DELETE clears it; repeating either changes nothing.
macro_rules! action_routes {
    ($set:ident, $clear:ident, $path:literal, $action:expr) => {
        #[utoipa::path(put, path = $path, tag = "posts", params(("id" = i64, Path)),
            security(("bearer" = [])),
            responses((status = 200, body = PostActivity), (status = 404, body = ErrorBody)))]
        pub async fn $set(
            State(state): State<Souq>,
            me: SignedIn,
            Path(id): Path<i64>,
        ) -> Result<Json<PostActivity>, ApiError> {
            act(&state, &me, id, $action, true).await
        }

        #[utoipa::path(delete, path = $path, tag = "posts", params(("id" = i64, Path)),
            security(("bearer" = [])),
            responses((status = 200, body = PostActivity), (status = 404, body = ErrorBody)))]
        pub async fn $clear(
            State(state): State<Souq>,
            me: SignedIn,
            Path(id): Path<i64>,
        ) -> Result<Json<PostActivity>, ApiError> {
            act(&state, &me, id, $action, false).await
        }
    };
}

action_routes!(like, unlike, "/v1/posts/{id}/like", Action::Like);
action_routes!(repost, unrepost, "/v1/posts/{id}/repost", Action::Repost);
action_routes!(
    bookmark,
    unbookmark,
    "/v1/posts/{id}/bookmark",
    Action::Bookmark
);

/// Records that the viewer shared the post (once per viewer); sharing is not undone.
#[utoipa::path(put, path = "/v1/posts/{id}/share", tag = "posts", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = PostActivity), (status = 404, body = ErrorBody)))]
pub async fn share(
    State(state): State<Souq>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<PostActivity>, ApiError> {
    act(&state, &me, id, Action::Share, true).await
}
