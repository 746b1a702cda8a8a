//! Recruiters: the register of private employment agencies and foreign operators, their
//! licences and every decision on them, and the public check anyone can run before paying
//! anyone. Other modules call `service::read` and `public::check`; never the tables.

pub mod api;
pub mod complaint_pages;
pub mod complaints;
pub mod demo;
pub mod model;
pub mod pages;
pub mod public;
pub mod register;
pub mod report_pages;
pub mod reports;
pub mod scorecard;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const ID: &str = "/recruiters/00000000-0000-0000-0000-000000000000";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/check", Access::Public),
    Route::new("GET", "/api/v1/public/recruiters", Access::Public),
    Route::new("GET", "/report", Access::Public),
    Route::new("POST", "/report", Access::Public),
    Route::new("GET", "/report/sent", Access::Public),
    Route::new("POST", "/api/v1/public/reports", Access::Public),
    Route::new(
        "GET",
        "/recruiters/watch",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/recruiters",
        Access::Perm(Permission::ViewRecruiters),
    ),
    Route::new(
        "POST",
        "/recruiters",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/recruiters/new",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/recruiters/queue",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/recruiters/{id}",
        Access::Perm(Permission::ViewRecruiters),
    )
    .example(ID),
    Route::new(
        "POST",
        "/recruiters/{id}/licence/{action}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/recruiters/00000000-0000-0000-0000-000000000000/licence/grant"),
    Route::new(
        "GET",
        "/api/v1/recruiters",
        Access::Perm(Permission::ViewRecruiters),
    ),
    Route::new(
        "POST",
        "/api/v1/recruiters",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/api/v1/recruiters/{id}",
        Access::Perm(Permission::ViewRecruiters),
    )
    .example("/api/v1/recruiters/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "PUT",
        "/api/v1/recruiters/{id}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/api/v1/recruiters/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/api/v1/recruiters/{id}/licence/{action}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/api/v1/recruiters/00000000-0000-0000-0000-000000000000/licence/grant"),
    Route::new(
        "GET",
        "/complaints",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "POST",
        "/complaints",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/complaints/new",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/complaints/{id}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example(COMPLAINT),
    Route::new(
        "POST",
        "/complaints/{id}/{action}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/complaints/00000000-0000-0000-0000-000000000000/investigate"),
    Route::new(
        "GET",
        "/api/v1/complaints",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "POST",
        "/api/v1/complaints",
        Access::Perm(Permission::ManageRecruiters),
    ),
    Route::new(
        "GET",
        "/api/v1/complaints/{id}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/api/v1/complaints/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/api/v1/complaints/{id}/{action}",
        Access::Perm(Permission::ManageRecruiters),
    )
    .example("/api/v1/complaints/00000000-0000-0000-0000-000000000000/investigate"),
    Route::new("GET", "/scorecard/{id}", Access::Public)
        .example("/scorecard/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "GET",
        "/api/v1/public/recruiters/{id}/scorecard",
        Access::Public,
    )
    .example("/api/v1/public/recruiters/00000000-0000-0000-0000-000000000000/scorecard"),
];

const COMPLAINT: &str = "/complaints/00000000-0000-0000-0000-000000000000";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/check", get(public::page_check))
        .route("/api/v1/public/recruiters", get(public::api_check))
        .route("/scorecard/{id}", get(scorecard::page_view))
        .route(
            "/api/v1/public/recruiters/{id}/scorecard",
            get(scorecard::api),
        )
        .route(
            "/report",
            get(report_pages::form).post(report_pages::submit).layer(
                axum::extract::DefaultBodyLimit::max(report_pages::FORM_LIMIT),
            ),
        )
        .route("/report/sent", get(report_pages::sent))
        .route("/api/v1/public/reports", post(report_pages::api_submit))
        .route("/recruiters/watch", get(report_pages::watch))
        .route("/recruiters", get(pages::list).post(pages::create))
        .route("/recruiters/new", get(pages::new_form))
        .route("/recruiters/queue", get(pages::queue))
        .route("/recruiters/{id}", get(pages::record))
        .route("/recruiters/{id}/licence/{action}", post(pages::decide))
        .route("/api/v1/recruiters", get(api::list).post(api::create))
        .route("/api/v1/recruiters/{id}", get(api::read).put(api::update))
        .route(
            "/api/v1/recruiters/{id}/licence/{action}",
            post(api::licence_action),
        )
        .route(
            "/complaints",
            get(complaint_pages::list).post(complaint_pages::create),
        )
        .route("/complaints/new", get(complaint_pages::new_form))
        .route("/complaints/{id}", get(complaint_pages::record))
        .route("/complaints/{id}/{action}", post(complaint_pages::decide))
        .route(
            "/api/v1/complaints",
            get(complaint_pages::api_list).post(complaint_pages::api_file),
        )
        .route("/api/v1/complaints/{id}", get(complaint_pages::api_read))
        .route(
            "/api/v1/complaints/{id}/{action}",
            post(complaint_pages::api_decide),
        )
}
