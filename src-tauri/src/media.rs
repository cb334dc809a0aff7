//! The `media:` URI scheme: the webview loads images as `media://localhost/<id>` and
//! this handler fetches them from the server through the same client as every call.
//! The strict CSP can then allow images from `media:` alone, whatever the server is.

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::client::SouqClient;
use crate::error::AppError;

pub const SCHEME: &str = "media";

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(text.as_bytes().to_vec());
    *response.status_mut() = status;
    response
}

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let id = request.uri().path().trim_start_matches('/').parse::<i64>();
    tauri::async_runtime::spawn(async move {
        let response = match id {
            Err(_) => plain(StatusCode::BAD_REQUEST, "media id must be a number"),
            Ok(id) => match app.state::<SouqClient>().media(id).await {
                Ok(media) => {
                    let mut response = Response::new(media.bytes);
                    if let Ok(value) = media.content_type.parse() {
                        response.headers_mut().insert(header::CONTENT_TYPE, value);
                    }
                    if let Ok(value) = media.cache_control.parse() {
                        response.headers_mut().insert(header::CACHE_CONTROL, value);
                    }
                    response
                }
                Err(AppError::Server(body)) if body.code == souq_wire::ErrorCode::NotFound => {
                    plain(StatusCode::NOT_FOUND, &body.message)
                }
                Err(e) => plain(StatusCode::BAD_GATEWAY, &e.to_string()),
            },
        };
        responder.respond(response);
    });
}
