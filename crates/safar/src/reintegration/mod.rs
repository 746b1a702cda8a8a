//! Return and restart: small-business grant programmes for returnees (calls, eligibility,
//! committee review, ranking and awards, tranches, monitoring, outcomes). Returnee intake,
//! service plans and courses join this module next.
//! Other modules call the services; never the tables.

pub mod grants;
pub mod grants_api;
pub mod grants_model;
pub mod grants_store;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const MANAGE: Access = Access::Perm(Permission::ManageGrants);
const REVIEW: Access = Access::Perm(Permission::ReviewGrants);
const APPLY: Access = Access::Perm(Permission::ApplyForGrants);
const CALL: &str = "/api/v1/grant-calls/no-such-call";
const APPLICATION: &str = "/api/v1/grant-applications/no-such-application";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/api/v1/grant-calls", Access::SignedIn),
    Route::new("POST", "/api/v1/grant-calls", MANAGE),
    Route::new("GET", "/api/v1/grant-calls/{id}", Access::SignedIn).example(CALL),
    Route::new("GET", "/api/v1/grant-calls/{id}/ranking", MANAGE)
        .example("/api/v1/grant-calls/no-such-call/ranking"),
    Route::new("GET", "/api/v1/grant-calls/{id}/outcomes", MANAGE)
        .example("/api/v1/grant-calls/no-such-call/outcomes"),
    Route::new("POST", "/api/v1/grant-calls/{id}/reviewers", MANAGE)
        .example("/api/v1/grant-calls/no-such-call/reviewers"),
    Route::new("POST", "/api/v1/grant-calls/{id}/actions/{action}", MANAGE)
        .example("/api/v1/grant-calls/no-such-call/actions/close"),
    Route::new("POST", "/api/v1/grant-calls/{id}/applications", APPLY)
        .example("/api/v1/grant-calls/no-such-call/applications"),
    Route::new("GET", "/api/v1/my/grant-applications", APPLY),
    Route::new("GET", "/api/v1/grant-applications/{id}", Access::SignedIn).example(APPLICATION),
    Route::new(
        "POST",
        "/api/v1/grant-applications/{id}/eligibility",
        MANAGE,
    )
    .example("/api/v1/grant-applications/no-such-application/eligibility"),
    Route::new("POST", "/api/v1/grant-applications/{id}/reviewers", MANAGE)
        .example("/api/v1/grant-applications/no-such-application/reviewers"),
    Route::new(
        "POST",
        "/api/v1/grant-applications/{id}/tranches/{number}/release",
        MANAGE,
    )
    .example("/api/v1/grant-applications/no-such-application/tranches/1/release"),
    Route::new("POST", "/api/v1/grant-applications/{id}/visits", MANAGE)
        .example("/api/v1/grant-applications/no-such-application/visits"),
    Route::new("GET", "/api/v1/reviews", REVIEW),
    Route::new("GET", "/api/v1/reviews/{id}", REVIEW)
        .example("/api/v1/reviews/no-such-application"),
    Route::new("POST", "/api/v1/reviews/{id}", REVIEW)
        .example("/api/v1/reviews/no-such-application"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/grant-calls",
            get(grants_api::calls).post(grants_api::open_call),
        )
        .route("/api/v1/grant-calls/{id}", get(grants_api::call))
        .route("/api/v1/grant-calls/{id}/ranking", get(grants_api::ranking))
        .route(
            "/api/v1/grant-calls/{id}/outcomes",
            get(grants_api::outcomes),
        )
        .route(
            "/api/v1/grant-calls/{id}/reviewers",
            post(grants_api::add_reviewer),
        )
        .route(
            "/api/v1/grant-calls/{id}/actions/{action}",
            post(grants_api::call_step),
        )
        .route(
            "/api/v1/grant-calls/{id}/applications",
            post(grants_api::apply),
        )
        .route("/api/v1/my/grant-applications", get(grants_api::mine))
        .route(
            "/api/v1/grant-applications/{id}",
            get(grants_api::application),
        )
        .route(
            "/api/v1/grant-applications/{id}/eligibility",
            post(grants_api::override_eligibility),
        )
        .route(
            "/api/v1/grant-applications/{id}/reviewers",
            post(grants_api::assign_reviewer),
        )
        .route(
            "/api/v1/grant-applications/{id}/tranches/{number}/release",
            post(grants_api::release),
        )
        .route(
            "/api/v1/grant-applications/{id}/visits",
            post(grants_api::visit),
        )
        .route("/api/v1/reviews", get(grants_api::reviews))
        .route(
            "/api/v1/reviews/{id}",
            get(grants_api::for_review).post(grants_api::review),
        )
}
