//! The stylesheet and the small enhancement script, compiled into the binary and cached
//! by browsers for a day (their URLs carry a version, so a new release is fetched at once).

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

use super::AppState;
use super::routes::{Access, Route};

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/static/app.css", Access::Public),
    Route::new("GET", "/static/app.js", Access::Public),
    Route::new("GET", "/favicon.ico", Access::Public),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/favicon.ico", get(favicon))
}

const CACHE: &str = "public, max-age=86400";

async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        include_str!("../../../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, CACHE),
        ],
        include_str!("../../../static/app.js"),
    )
}

/// A tiny SVG icon: browsers ask for /favicon.ico on every site; answer instead of a 404.
async fn favicon() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, CACHE)],
        include_str!("../../../static/favicon.svg"),
    )
}
