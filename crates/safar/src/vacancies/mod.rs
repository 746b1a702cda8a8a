//! Vacancies: job orders posted by licensed recruiters under legal channels, verified by
//! licensing officers and published with a short public reference; citizens' applications
//! through to departure. Other modules call `service::public_view`; never the tables.

pub mod api;
pub mod applications;
pub mod cascade;
pub mod demo;
pub mod model;
pub mod pages;
pub mod payment_pages;
pub mod payments;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const REF: &str = "/vacancies/V-ACDEFG";
const API_REF: &str = "/api/v1/vacancies/V-ACDEFG";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/vacancies", Access::Public),
    Route::new("GET", "/api/v1/public/vacancies", Access::Public),
    Route::new(
        "GET",
        "/api/v1/public/vacancies/{reference}",
        Access::Public,
    )
    .example("/api/v1/public/vacancies/V-ACDEFG"),
    Route::new("GET", "/vacancies/{reference}", Access::Public).example(REF),
    Route::new(
        "POST",
        "/vacancies/{reference}/apply",
        Access::Perm(Permission::ApplyToVacancies),
    )
    .example("/vacancies/V-ACDEFG/apply"),
    // Officers verify and withdraw, recruiter staff the rest: the service decides.
    Route::new(
        "POST",
        "/vacancies/{reference}/decide/{action}",
        Access::SignedIn,
    )
    .example("/vacancies/V-ACDEFG/decide/verify"),
    Route::new(
        "GET",
        "/vacancies/manage",
        Access::Perm(Permission::ListVacancies),
    ),
    Route::new(
        "GET",
        "/vacancies/new",
        Access::Perm(Permission::PostVacancies),
    ),
    Route::new(
        "POST",
        "/vacancies",
        Access::Perm(Permission::PostVacancies),
    ),
    Route::new(
        "GET",
        "/vacancies/{reference}/edit",
        Access::Perm(Permission::PostVacancies),
    )
    .example("/vacancies/V-ACDEFG/edit"),
    Route::new(
        "POST",
        "/vacancies/{reference}/edit",
        Access::Perm(Permission::PostVacancies),
    )
    .example("/vacancies/V-ACDEFG/edit"),
    Route::new(
        "GET",
        "/vacancies/{reference}/applicants",
        Access::Perm(Permission::PostVacancies),
    )
    .example("/vacancies/V-ACDEFG/applicants"),
    Route::new(
        "GET",
        "/applications",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    // The applicant withdraws, recruiter staff take every other step: the service decides.
    Route::new("POST", "/applications/{id}/{action}", Access::SignedIn)
        .example("/applications/00000000-0000-0000-0000-000000000000/withdraw"),
    Route::new(
        "GET",
        "/api/v1/vacancies",
        Access::Perm(Permission::ListVacancies),
    ),
    Route::new(
        "POST",
        "/api/v1/vacancies",
        Access::Perm(Permission::PostVacancies),
    ),
    Route::new(
        "PUT",
        "/api/v1/vacancies/{reference}",
        Access::Perm(Permission::PostVacancies),
    )
    .example(API_REF),
    Route::new(
        "POST",
        "/api/v1/vacancies/{reference}/actions/{action}",
        Access::SignedIn,
    )
    .example("/api/v1/vacancies/V-ACDEFG/actions/verify"),
    Route::new(
        "GET",
        "/api/v1/vacancies/{reference}/applications",
        Access::Perm(Permission::PostVacancies),
    )
    .example("/api/v1/vacancies/V-ACDEFG/applications"),
    Route::new(
        "POST",
        "/api/v1/vacancies/{reference}/applications",
        Access::Perm(Permission::ApplyToVacancies),
    )
    .example("/api/v1/vacancies/V-ACDEFG/applications"),
    Route::new(
        "GET",
        "/api/v1/applications",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    Route::new(
        "POST",
        "/api/v1/applications/{id}/{action}",
        Access::SignedIn,
    )
    .example("/api/v1/applications/00000000-0000-0000-0000-000000000000/withdraw"),
    Route::new(
        "GET",
        "/payments",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    Route::new(
        "POST",
        "/payments",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    Route::new(
        "GET",
        "/api/v1/payments",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    Route::new(
        "POST",
        "/api/v1/payments",
        Access::Perm(Permission::ApplyToVacancies),
    ),
    // The people a fallen licence left, for the licensing officers' follow-up.
    Route::new(
        "GET",
        "/recruiters/{id}/affected",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/recruiters/00000000-0000-0000-0000-000000000000/affected"),
    Route::new(
        "GET",
        "/applications/{id}/complaint",
        Access::Perm(Permission::ApplyToVacancies),
    )
    .example("/applications/00000000-0000-0000-0000-000000000000/complaint"),
    Route::new(
        "POST",
        "/applications/{id}/complaint",
        Access::Perm(Permission::ApplyToVacancies),
    )
    .example("/applications/00000000-0000-0000-0000-000000000000/complaint"),
    Route::new(
        "POST",
        "/api/v1/applications/{id}/complaint",
        Access::Perm(Permission::ApplyToVacancies),
    )
    .example("/api/v1/applications/00000000-0000-0000-0000-000000000000/complaint"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vacancies", get(pages::search).post(pages::create))
        .route("/api/v1/public/vacancies", get(api::search))
        .route(
            "/api/v1/public/vacancies/{reference}",
            get(api::public_check),
        )
        .route("/vacancies/manage", get(pages::manage))
        .route("/vacancies/new", get(pages::new_form))
        .route("/vacancies/{reference}", get(pages::view))
        .route("/vacancies/{reference}/apply", post(pages::apply))
        .route(
            "/vacancies/{reference}/decide/{action}",
            post(pages::decide),
        )
        .route(
            "/vacancies/{reference}/edit",
            get(pages::edit_form).post(pages::edit),
        )
        .route("/vacancies/{reference}/applicants", get(pages::applicants))
        .route("/applications", get(pages::mine))
        .route("/applications/{id}/{action}", post(pages::step))
        .route(
            "/applications/{id}/complaint",
            get(pages::complaint_form).post(pages::complain),
        )
        .route("/api/v1/applications/{id}/complaint", post(api::complain))
        .route("/api/v1/vacancies", get(api::list).post(api::create))
        .route(
            "/api/v1/vacancies/{reference}",
            axum::routing::put(api::update),
        )
        .route(
            "/api/v1/vacancies/{reference}/actions/{action}",
            post(api::act),
        )
        .route(
            "/api/v1/vacancies/{reference}/applications",
            get(api::applicants).post(api::apply),
        )
        .route("/api/v1/applications", get(api::mine))
        .route("/recruiters/{id}/affected", get(pages::affected))
        .route(
            "/payments",
            get(payment_pages::ledger)
                .post(payment_pages::record)
                .layer(axum::extract::DefaultBodyLimit::max(
                    payment_pages::FORM_LIMIT,
                )),
        )
        .route(
            "/api/v1/payments",
            get(payment_pages::api_mine).post(payment_pages::api_record),
        )
        .route("/api/v1/applications/{id}/{action}", post(api::step))
}
