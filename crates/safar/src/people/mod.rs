//! The people registry: persons on PINFL with names in both scripts, encrypted passport
//! numbers, search in any script or spelling, and journeys abroad and back.
//! Other modules call `service::read`/`service::search` with their actor; never the tables.

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

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/people", Access::Perm(Permission::ViewPersons)),
    Route::new("GET", "/people/new", Access::Perm(Permission::EditPersons)),
    Route::new("POST", "/people", Access::Perm(Permission::EditPersons)),
    Route::new("GET", "/people/{id}", Access::SignedIn)
        .example("/people/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/people/{id}/journeys",
        Access::Perm(Permission::RecordJourneys),
    )
    .example("/people/00000000-0000-0000-0000-000000000000/journeys"),
    Route::new(
        "GET",
        "/api/v1/persons",
        Access::Perm(Permission::ViewPersons),
    ),
    Route::new("POST", "/api/v1/persons", Access::SignedIn),
    Route::new("GET", "/api/v1/persons/{id}", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/journeys",
        Access::Perm(Permission::RecordJourneys),
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/journeys"),
    Route::new("GET", "/api/v1/persons/{id}/export", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/export"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(pages::search).post(pages::create))
        .route("/people/new", get(pages::new_form))
        .route("/people/{id}", get(pages::record))
        .route("/people/{id}/journeys", post(pages::add_journey))
        .route("/api/v1/persons", get(api::search).post(api::create))
        .route("/api/v1/persons/{id}", get(api::read))
        .route("/api/v1/persons/{id}/journeys", post(api::add_journey))
        .route("/api/v1/persons/{id}/export", get(api::export))
}
