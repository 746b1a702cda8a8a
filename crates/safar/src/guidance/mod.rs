//! Guidance: the one-stop information resource for migrants and their families — country
//! guides, how to check a job offer, fees never to pay, where to complain, money matters —
//! written in four languages, reviewed by an editor before publishing, and searchable
//! across scripts. Operators see the articles that fit a case on its page.
//! Other modules call `service`; never the tables.

pub mod api;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const EXAMPLE: &str = "/guidance/no-such-article";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/guide", Access::Public),
    Route::new("GET", "/guide/{slug}", Access::Public).example("/guide/no-such-article"),
    Route::new("GET", "/api/v1/public/guidance", Access::Public),
    Route::new("GET", "/api/v1/public/guidance/{slug}", Access::Public)
        .example("/api/v1/public/guidance/no-such-article"),
    Route::new("GET", "/guidance", Access::Perm(Permission::DraftGuidance)),
    Route::new("POST", "/guidance", Access::Perm(Permission::DraftGuidance)),
    Route::new(
        "GET",
        "/guidance/new",
        Access::Perm(Permission::DraftGuidance),
    ),
    Route::new(
        "GET",
        "/guidance/{slug}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example(EXAMPLE),
    Route::new(
        "POST",
        "/guidance/{slug}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example(EXAMPLE),
    Route::new(
        "POST",
        "/guidance/{slug}/actions/{action}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/guidance/no-such-article/actions/submit"),
    Route::new(
        "GET",
        "/guidance/{slug}/diff",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/guidance/no-such-article/diff"),
    Route::new(
        "GET",
        "/api/v1/guidance",
        Access::Perm(Permission::DraftGuidance),
    ),
    Route::new(
        "POST",
        "/api/v1/guidance",
        Access::Perm(Permission::DraftGuidance),
    ),
    Route::new(
        "GET",
        "/api/v1/guidance/{slug}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/api/v1/guidance/no-such-article"),
    Route::new(
        "PUT",
        "/api/v1/guidance/{slug}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/api/v1/guidance/no-such-article"),
    Route::new(
        "POST",
        "/api/v1/guidance/{slug}/actions/{action}",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/api/v1/guidance/no-such-article/actions/submit"),
    Route::new(
        "GET",
        "/api/v1/guidance/{slug}/diff",
        Access::Perm(Permission::DraftGuidance),
    )
    .example("/api/v1/guidance/no-such-article/diff?from=1&to=2"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/guide", get(pages::portal))
        .route("/guide/{slug}", get(pages::article))
        .route("/api/v1/public/guidance", get(api::search))
        .route("/api/v1/public/guidance/{slug}", get(api::public_article))
        .route("/guidance", get(pages::list).post(pages::create))
        .route("/guidance/new", get(pages::new_form))
        .route("/guidance/{slug}", get(pages::edit).post(pages::revise))
        .route("/guidance/{slug}/actions/{action}", post(pages::step))
        .route("/guidance/{slug}/diff", get(pages::diff))
        .route("/api/v1/guidance", get(api::all).post(api::create))
        .route("/api/v1/guidance/{slug}", get(api::read).put(api::revise))
        .route("/api/v1/guidance/{slug}/actions/{action}", post(api::step))
        .route("/api/v1/guidance/{slug}/diff", get(api::diff))
}
