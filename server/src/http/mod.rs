//! The REST/JSON API under /v1: routes, shared state, and the OpenAPI document, which
//! utoipa builds from the handlers themselves so it cannot drift from them.

pub mod accounts;
pub mod cards;
pub mod cart;
pub mod checkout;
pub mod drops;
pub mod embedded;
pub mod extract;
pub mod feed;
pub mod health;
pub mod media;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod people;
pub mod posts;
pub mod shop;
pub mod studio;
pub mod vault;
pub mod wallet;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::base::error::ApiError;
pub use crate::state::Souq;

/// The largest request body the API reads; bigger ones get 413.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Souq API", description = "Social commerce: accounts, feed, stores."),
    modifiers(&BearerSecurity),
    // Schemas only query parameters name, which the handlers' annotations do not register.
    components(schemas(souq_wire::ShopSort))
)]
struct ApiDoc;

/// The statuses the shared layers give, documented on every operation they can reach:
/// 503 anywhere (a busy database); 401 where a session is required; 400 and 422 where
/// a path or query is read (malformed, or U+0000); 400, 413, 415 and 422 where a JSON
/// body is. Each handler documents what is its own.
fn document_common_responses(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            // A requirement that is empty ({}) makes the session optional.
            let security = serde_json::to_value(&operation.security).unwrap_or_default();
            let signed_in = security.as_array().is_some_and(|reqs| {
                !reqs.is_empty() && reqs.iter().all(|r| r != &serde_json::json!({}))
            });
            let reads_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let reads_json = operation
                .request_body
                .as_ref()
                .is_some_and(|body| body.content.contains_key("application/json"));
            let mut add = |status: &str, description: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description).into());
            };
            add("503", "busy for a moment (the database); see Retry-After");
            if signed_in {
                add("401", "no live session");
            }
            if reads_params || reads_json {
                add("400", "a malformed path, query or body");
                add(
                    "422",
                    "a value breaks a rule (U+0000 is refused everywhere)",
                );
            }
            if reads_json {
                add("413", "the body is over 64 KiB");
                add("415", "the body is not JSON");
            }
        }
    }
}

struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router(state: Souq) -> Router {
    let body_read_timeout = state.base.limits.body_read_timeout;
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(accounts::sign_up))
        .routes(routes!(accounts::sign_in))
        .routes(routes!(accounts::sign_out))
        .routes(routes!(accounts::sessions))
        .routes(routes!(accounts::end_session))
        .routes(routes!(accounts::end_other_sessions))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::my_store))
        .routes(routes!(accounts::my_products))
        .routes(routes!(feed::home))
        .routes(routes!(feed::following))
        .routes(routes!(feed::candidates))
        .routes(routes!(feed::bookmarks))
        .routes(routes!(feed::author))
        .routes(routes!(feed::hashtag))
        .routes(routes!(feed::hashtag_info))
        .routes(routes!(posts::create))
        .routes(routes!(posts::get, posts::delete))
        .routes(routes!(posts::like, posts::unlike))
        .routes(routes!(posts::repost, posts::unrepost))
        .routes(routes!(posts::bookmark, posts::unbookmark))
        .routes(routes!(posts::share))
        .routes(routes!(people::profile))
        .routes(routes!(people::follow, people::unfollow))
        .routes(routes!(people::followers))
        .routes(routes!(people::following))
        .routes(routes!(notifications::inbox))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::events))
        .routes(routes!(shop::home))
        .routes(routes!(shop::search))
        .routes(routes!(shop::store))
        .routes(routes!(shop::product))
        .routes(routes!(feed::product_posts))
        .routes(routes!(cart::get))
        .routes(routes!(cart::add))
        .routes(routes!(cart::set))
        .routes(routes!(checkout::options))
        .routes(routes!(checkout::create))
        .routes(routes!(checkout::get))
        .routes(routes!(checkout::refresh))
        .routes(routes!(checkout::abandon))
        .routes(routes!(checkout::wallet))
        .routes(routes!(checkout::top_up))
        .routes(routes!(wallet::home))
        .routes(routes!(wallet::activity))
        .routes(routes!(wallet::entry))
        .routes(routes!(wallet::spending))
        .routes(routes!(wallet::send))
        .routes(routes!(wallet::requests, wallet::ask))
        .routes(routes!(wallet::accept))
        .routes(routes!(wallet::decline))
        .routes(routes!(wallet::cancel))
        .routes(routes!(wallet::move_savings))
        .routes(routes!(wallet::donate))
        .routes(routes!(wallet::donate_by_card))
        .routes(routes!(wallet::donations_received))
        .routes(routes!(vault::vault_state))
        .routes(routes!(vault::set_pin))
        .routes(routes!(vault::unlock, vault::lock))
        .routes(routes!(vault::make_device_key, vault::forget_device_key))
        .routes(routes!(vault::unlock_with_device_key))
        .routes(routes!(wallet::withdraw))
        .routes(routes!(cards::cards, cards::issue_card))
        .routes(routes!(cards::set_card))
        .routes(routes!(cards::reveal_card))
        .routes(routes!(cards::card_transactions))
        .routes(routes!(cards::answer_approval))
        .routes(routes!(checkout::addresses, checkout::add_address))
        .routes(routes!(checkout::edit_address, checkout::delete_address))
        .routes(routes!(orders::mine))
        .routes(routes!(orders::get))
        .routes(routes!(orders::cancel))
        .routes(routes!(orders::of_store))
        .routes(routes!(orders::ship))
        .routes(routes!(orders::deliver))
        .routes(routes!(orders::store_cancel))
        .routes(routes!(orders::refund))
        .routes(routes!(
            orders::shipping_options,
            orders::set_shipping_options
        ))
        .routes(routes!(payments::callback))
        .routes(routes!(payments::challenge))
        .routes(routes!(studio::open_store))
        .routes(routes!(studio::get))
        .routes(routes!(studio::create_product))
        .routes(routes!(studio::edit_product))
        .routes(routes!(studio::edit_page))
        .routes(routes!(studio::preview))
        .routes(routes!(studio::publish))
        .routes(routes!(studio::discard))
        .routes(routes!(drops::events))
        .routes(routes!(drops::get))
        .routes(routes!(drops::remind, drops::forget))
        .routes(routes!(drops::visit))
        .routes(routes!(drops::reminders))
        .routes(routes!(drops::studio_list, drops::schedule))
        .routes(routes!(drops::reschedule))
        .routes(routes!(drops::cancel))
        .routes(routes!(drops::end))
        .routes(routes!(media::get))
        // Images are bigger than any JSON body: their route has its own limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(media::upload))
                .layer(DefaultBodyLimit::max(crate::media::MAX_UPLOAD_BYTES)),
        )
        .split_for_parts();
    document_common_responses(&mut openapi);
    let openapi = Arc::new(openapi);
    api.route(
        "/v1/openapi.json",
        get(move || {
            let openapi = Arc::clone(&openapi);
            async move { axum::Json(openapi.as_ref().clone()) }
        }),
    )
    .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
    .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
    .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
    // A body that dribbles in slower than this fails its read (a slow client's upload
    // cannot hold the request open).
    .layer(RequestBodyTimeoutLayer::new(body_read_timeout))
    // A bug that panics answers 500 like any other internal error, logged, instead of
    // dropping the connection.
    .layer(CatchPanicLayer::custom(
        |_: Box<dyn std::any::Any + Send>| {
            ApiError::Internal("a handler panicked".into()).into_response()
        },
    ))
    .layer(TraceLayer::new_for_http())
    .with_state(state)
}
