//! Outreach: awareness-raising in every region. Regional officers plan events (mahalla
//! meetings, school sessions, job fairs, media, online) on safe migration, fraud, PDO, legal
//! channels and money, record that they were held, and report attendance by gender and age
//! band, materials, partners and photos. A public table relates attendance to each
//! region's population. No person is recorded: attendance is counted, never listed.
//! Other modules call `service`; never the tables.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};
use crate::recruiters::reports::MAX_FILE_BYTES;

/// One photo and the multipart envelope around it.
const PHOTO_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

const MANAGE: Access = Access::Perm(Permission::ManageOutreach);
const EXAMPLE: &str = "/outreach/no-such-event";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/outreach/regions", Access::Public),
    Route::new("GET", "/api/v1/public/outreach/regions", Access::Public),
    Route::new("GET", "/outreach", MANAGE),
    Route::new("POST", "/outreach", MANAGE),
    Route::new("GET", "/outreach/new", MANAGE),
    Route::new("GET", "/outreach/{id}", MANAGE).example(EXAMPLE),
    Route::new("POST", "/outreach/{id}/actions/{action}", MANAGE)
        .example("/outreach/no-such-event/actions/hold"),
    Route::new("POST", "/outreach/{id}/photos", MANAGE).example("/outreach/no-such-event/photos"),
    Route::new("GET", "/outreach/{id}/photos/{photo}", MANAGE)
        .example("/outreach/no-such-event/photos/no-such-photo"),
    Route::new("GET", "/api/v1/outreach/events", MANAGE),
    Route::new("POST", "/api/v1/outreach/events", MANAGE),
    Route::new("GET", "/api/v1/outreach/events/{id}", MANAGE)
        .example("/api/v1/outreach/events/no-such-event"),
    Route::new(
        "POST",
        "/api/v1/outreach/events/{id}/actions/{action}",
        MANAGE,
    )
    .example("/api/v1/outreach/events/no-such-event/actions/hold"),
    Route::new("POST", "/api/v1/outreach/events/{id}/photos", MANAGE)
        .example("/api/v1/outreach/events/no-such-event/photos"),
    Route::new("GET", "/api/v1/outreach/events/{id}/photos/{photo}", MANAGE)
        .example("/api/v1/outreach/events/no-such-event/photos/no-such-photo"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outreach/regions", get(pages::regions))
        .route("/api/v1/public/outreach/regions", get(api::regions))
        .route("/outreach", get(pages::list).post(pages::plan))
        .route("/outreach/new", get(pages::new_form))
        .route("/outreach/{id}", get(pages::view))
        .route("/outreach/{id}/actions/{action}", post(pages::act))
        .route(
            "/outreach/{id}/photos",
            post(pages::add_photo).layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route("/outreach/{id}/photos/{photo}", get(api::photo))
        .route("/api/v1/outreach/events", get(api::list).post(api::plan))
        .route("/api/v1/outreach/events/{id}", get(api::read))
        .route(
            "/api/v1/outreach/events/{id}/actions/{action}",
            post(api::act),
        )
        .route(
            "/api/v1/outreach/events/{id}/photos",
            post(api::add_photo).layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route(
            "/api/v1/outreach/events/{id}/photos/{photo}",
            get(api::photo),
        )
}
