//! The people registry: persons on PINFL with names in both scripts, encrypted passport
//! numbers, search in any script or spelling, and journeys abroad and back.
//! Other modules call `service::read`/`service::search` with their actor; never the tables.

pub mod api;
pub mod bulk;
pub mod details;
pub mod details_pages;
pub mod glass;
pub mod import;
pub mod import_job;
pub mod import_pages;
pub mod model;
pub mod pages;
pub mod privacy;
pub mod profile;
pub mod service;
pub mod store;
pub mod synthetic;

use axum::Router;
use axum::routing::{get, post, put};

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
        "/people/{id}/break-glass",
        Access::Perm(Permission::ViewPersons),
    )
    .example("/people/00000000-0000-0000-0000-000000000000/break-glass"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/break-glass",
        Access::Perm(Permission::ViewPersons),
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/break-glass"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/journeys",
        Access::Perm(Permission::RecordJourneys),
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/journeys"),
    Route::new("GET", "/api/v1/persons/{id}/export", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/export"),
    Route::new("GET", "/api/v1/persons/{id}/consents", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/consents"),
    Route::new("POST", "/api/v1/persons/{id}/consents", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/consents"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/consents/{consent}/withdraw",
        Access::SignedIn,
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/consents/x/withdraw"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/holds",
        Access::Perm(Permission::ManageLegalHolds),
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/holds"),
    Route::new(
        "POST",
        "/api/v1/persons/{id}/holds/{hold}/release",
        Access::Perm(Permission::ManageLegalHolds),
    )
    .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/holds/x/release"),
    Route::new("POST", "/api/v1/persons/{id}/anonymise", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/anonymise"),
    Route::new(
        "POST",
        "/people/{id}/holds",
        Access::Perm(Permission::ManageLegalHolds),
    )
    .example("/people/00000000-0000-0000-0000-000000000000/holds"),
    // Staff with EditPersons in scope, or the citizen whose record it is (checked in details).
    Route::new("GET", "/people/{id}/details", Access::SignedIn)
        .example("/people/00000000-0000-0000-0000-000000000000/details"),
    Route::new("POST", "/people/{id}/details", Access::SignedIn)
        .example("/people/00000000-0000-0000-0000-000000000000/details"),
    Route::new("PUT", "/api/v1/persons/{id}/details", Access::SignedIn)
        .example("/api/v1/persons/00000000-0000-0000-0000-000000000000/details"),
    Route::new(
        "GET",
        "/admin/imports",
        Access::Perm(Permission::ImportJourneys),
    ),
    Route::new(
        "POST",
        "/admin/imports",
        Access::Perm(Permission::ImportJourneys),
    ),
    Route::new(
        "GET",
        "/admin/imports/{id}",
        Access::Perm(Permission::ImportJourneys),
    )
    .example("/admin/imports/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "GET",
        "/admin/imports/{id}/errors.csv",
        Access::Perm(Permission::ImportJourneys),
    )
    .example("/admin/imports/00000000-0000-0000-0000-000000000000/errors.csv"),
    Route::new(
        "GET",
        "/api/v1/imports/{id}",
        Access::Perm(Permission::ImportJourneys),
    )
    .example("/api/v1/imports/00000000-0000-0000-0000-000000000000"),
    Route::new("GET", "/account/profile", Access::SignedIn),
    Route::new("POST", "/account/profile", Access::SignedIn),
    Route::new("POST", "/account/consents", Access::SignedIn),
    Route::new("POST", "/account/consents/{id}/withdraw", Access::SignedIn)
        .example("/account/consents/x/withdraw"),
    Route::new("POST", "/account/forget", Access::SignedIn),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(pages::search).post(pages::create))
        .route("/people/new", get(pages::new_form))
        .route("/people/{id}", get(pages::record))
        .route("/people/{id}/journeys", post(pages::add_journey))
        .route("/people/{id}/break-glass", post(pages::break_glass))
        .route("/api/v1/persons/{id}/break-glass", post(api::break_glass))
        .route("/api/v1/persons", get(api::search).post(api::create))
        .route("/api/v1/persons/{id}", get(api::read))
        .route("/api/v1/persons/{id}/journeys", post(api::add_journey))
        .route("/api/v1/persons/{id}/export", get(api::export))
        .route(
            "/api/v1/persons/{id}/consents",
            get(api::consents).post(api::give_consent),
        )
        .route(
            "/api/v1/persons/{id}/consents/{consent}/withdraw",
            post(api::withdraw_consent),
        )
        .route("/api/v1/persons/{id}/holds", post(api::place_hold))
        .route(
            "/api/v1/persons/{id}/holds/{hold}/release",
            post(api::release_hold),
        )
        .route("/api/v1/persons/{id}/anonymise", post(api::anonymise))
        .route("/people/{id}/holds", post(pages::place_hold))
        .route(
            "/people/{id}/details",
            get(details_pages::edit).post(details_pages::save),
        )
        .route("/api/v1/persons/{id}/details", put(api::update_details))
        .route(
            "/admin/imports",
            get(import_pages::list).post(import_pages::upload).layer(
                axum::extract::DefaultBodyLimit::max(import_pages::UPLOAD_LIMIT),
            ),
        )
        .route("/admin/imports/{id}", get(import_pages::show))
        .route(
            "/admin/imports/{id}/errors.csv",
            get(import_pages::errors_file),
        )
        .route("/api/v1/imports/{id}", get(import_pages::status))
        .route(
            "/account/profile",
            get(profile::show).post(profile::complete),
        )
        .route("/account/consents", post(profile::give_consent))
        .route(
            "/account/consents/{id}/withdraw",
            post(profile::withdraw_consent),
        )
        .route("/account/forget", post(profile::forget))
}
