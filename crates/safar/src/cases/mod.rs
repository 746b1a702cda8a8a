//! Help abroad: call-centre cases opened by operators for migrants in trouble, with a
//! suggested priority, a due time on the agency's working calendar and a lifecycle.
//! Other modules call `service`; never the tables.

pub mod api;
pub mod demo;
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
    Route::new("GET", "/cases", Access::Perm(Permission::ManageCases)),
    Route::new("POST", "/cases", Access::Perm(Permission::ManageCases)),
    Route::new("GET", "/cases/new", Access::Perm(Permission::ManageCases)),
    Route::new("GET", "/cases/{id}", Access::Perm(Permission::ManageCases))
        .example("/cases/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/cases/{id}/actions/{action}",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/actions/start"),
    Route::new(
        "POST",
        "/api/v1/cases",
        Access::Perm(Permission::ManageCases),
    ),
    Route::new(
        "GET",
        "/api/v1/cases/{id}",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "GET",
        "/api/v1/cases",
        Access::Perm(Permission::ManageCases),
    ),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/actions/{action}",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/actions/start"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(pages::queue).post(pages::create))
        .route("/cases/new", get(pages::new_form))
        .route("/cases/{id}", get(pages::view))
        .route("/cases/{id}/actions/{action}", post(pages::act))
        .route("/api/v1/cases", post(api::create).get(api::queue))
        .route("/api/v1/cases/{id}/actions/{action}", post(api::act))
        .route("/api/v1/cases/{id}", get(api::read))
}
