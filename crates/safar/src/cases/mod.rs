//! Help abroad: call-centre cases opened by operators for migrants in trouble, with a
//! suggested priority, a due time on the agency's working calendar and a lifecycle.
//! Cases are referred to partner organisations (`referrals`, which also keeps the notes),
//! carry files (`attachments`) and links to recruiters, vacancies and complaints (`links`),
//! may be followed by the family with the migrant's consent (`family`), and may be opened
//! outside one's scope by breaking the glass (`glass`).
//! Other modules call `service`; never the tables.

pub mod api;
pub mod attachments;
pub mod demo;
pub mod family;
pub mod family_pages;
pub mod glass;
pub mod links;
pub mod model;
pub mod pages;
pub mod referrals;
pub mod service;
pub mod store;
pub mod work_pages;
pub mod work_store;

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
    Route::new(
        "POST",
        "/cases/{id}/break-glass",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/break-glass"),
    Route::new(
        "POST",
        "/cases/{id}/referrals",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/referrals"),
    Route::new(
        "POST",
        "/cases/{id}/notes",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/notes"),
    Route::new(
        "GET",
        "/cases/supervision",
        Access::Perm(Permission::SuperviseCases),
    ),
    Route::new("GET", "/partners", Access::Perm(Permission::ManagePartners)),
    Route::new(
        "POST",
        "/partners",
        Access::Perm(Permission::ManagePartners),
    ),
    Route::new(
        "GET",
        "/referrals",
        Access::Perm(Permission::HandleReferrals),
    ),
    Route::new(
        "GET",
        "/referrals/{id}",
        Access::Perm(Permission::HandleReferrals),
    )
    .example("/referrals/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/referrals/{id}/actions/{action}",
        Access::Perm(Permission::HandleReferrals),
    )
    .example("/referrals/00000000-0000-0000-0000-000000000000/actions/accept"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/break-glass",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/break-glass"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/referrals",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/referrals"),
    Route::new(
        "GET",
        "/api/v1/cases/{id}/work",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/work"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/notes",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/notes"),
    Route::new(
        "GET",
        "/api/v1/supervision",
        Access::Perm(Permission::SuperviseCases),
    ),
    Route::new(
        "GET",
        "/api/v1/partners",
        Access::Perm(Permission::ManagePartners),
    ),
    Route::new(
        "POST",
        "/api/v1/partners",
        Access::Perm(Permission::ManagePartners),
    ),
    Route::new(
        "GET",
        "/api/v1/referrals",
        Access::Perm(Permission::HandleReferrals),
    ),
    Route::new(
        "GET",
        "/api/v1/referrals/{id}",
        Access::Perm(Permission::HandleReferrals),
    )
    .example("/api/v1/referrals/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/api/v1/referrals/{id}/actions/{action}",
        Access::Perm(Permission::HandleReferrals),
    )
    .example("/api/v1/referrals/00000000-0000-0000-0000-000000000000/actions/accept"),
    Route::new(
        "POST",
        "/cases/{id}/followers",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/followers"),
    Route::new(
        "POST",
        "/cases/{id}/followers/{follower}/revoke",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/followers/x/revoke"),
    Route::new("GET", "/my/cases", Access::Perm(Permission::FollowCases)),
    Route::new(
        "GET",
        "/my/cases/{id}",
        Access::Perm(Permission::FollowCases),
    )
    .example("/my/cases/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/my/cases/{id}/followers",
        Access::Perm(Permission::FollowCases),
    )
    .example("/my/cases/00000000-0000-0000-0000-000000000000/followers"),
    Route::new(
        "POST",
        "/my/cases/{id}/followers/{follower}/revoke",
        Access::Perm(Permission::FollowCases),
    )
    .example("/my/cases/00000000-0000-0000-0000-000000000000/followers/x/revoke"),
    Route::new(
        "POST",
        "/cases/{id}/attachments",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/attachments"),
    Route::new(
        "GET",
        "/cases/{id}/attachments/{file}",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/attachments/x"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/attachments",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/attachments"),
    Route::new(
        "GET",
        "/api/v1/cases/{id}/attachments/{file}",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/attachments/x"),
    Route::new(
        "POST",
        "/cases/{id}/links",
        Access::Perm(Permission::ManageCases),
    )
    .example("/cases/00000000-0000-0000-0000-000000000000/links"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/links",
        Access::Perm(Permission::ManageCases),
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/links"),
    // The migrant (a citizen) or an operator: the service decides which.
    Route::new("POST", "/api/v1/cases/{id}/followers", Access::SignedIn)
        .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/followers"),
    Route::new(
        "POST",
        "/api/v1/cases/{id}/followers/{follower}/revoke",
        Access::SignedIn,
    )
    .example("/api/v1/cases/00000000-0000-0000-0000-000000000000/followers/x/revoke"),
    Route::new(
        "GET",
        "/api/v1/my/cases",
        Access::Perm(Permission::FollowCases),
    ),
    Route::new(
        "GET",
        "/api/v1/my/cases/{id}",
        Access::Perm(Permission::FollowCases),
    )
    .example("/api/v1/my/cases/00000000-0000-0000-0000-000000000000"),
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
        .route("/cases/supervision", get(work_pages::supervision))
        .route("/cases/{id}/break-glass", post(work_pages::break_glass))
        .route("/cases/{id}/referrals", post(work_pages::refer))
        .route("/cases/{id}/notes", post(work_pages::note))
        .route(
            "/partners",
            get(work_pages::partners).post(work_pages::add_partner),
        )
        .route("/referrals", get(work_pages::inbox))
        .route("/referrals/{id}", get(work_pages::referral))
        .route(
            "/referrals/{id}/actions/{action}",
            post(work_pages::referral_act),
        )
        .route(
            "/cases/{id}/attachments",
            post(work_pages::attach).layer(axum::extract::DefaultBodyLimit::max(
                attachments::UPLOAD_LIMIT,
            )),
        )
        .route("/cases/{id}/attachments/{file}", get(work_pages::download))
        .route(
            "/api/v1/cases/{id}/attachments",
            post(api::attach).layer(axum::extract::DefaultBodyLimit::max(
                attachments::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/api/v1/cases/{id}/attachments/{file}",
            get(work_pages::download),
        )
        .route("/cases/{id}/links", post(work_pages::link))
        .route("/api/v1/cases/{id}/links", post(api::link))
        .route("/cases/{id}/followers", post(family_pages::staff_grant))
        .route(
            "/cases/{id}/followers/{follower}/revoke",
            post(family_pages::staff_revoke),
        )
        .route("/my/cases", get(family_pages::mine))
        .route("/my/cases/{id}", get(family_pages::view))
        .route("/my/cases/{id}/followers", post(family_pages::grant))
        .route(
            "/my/cases/{id}/followers/{follower}/revoke",
            post(family_pages::revoke),
        )
        .route("/api/v1/cases/{id}/followers", post(api::add_follower))
        .route(
            "/api/v1/cases/{id}/followers/{follower}/revoke",
            post(api::revoke_follower),
        )
        .route("/api/v1/my/cases", get(api::my_cases))
        .route("/api/v1/my/cases/{id}", get(api::my_case))
        .route("/api/v1/cases/{id}/break-glass", post(api::break_glass))
        .route("/api/v1/cases/{id}/referrals", post(api::refer))
        .route("/api/v1/cases/{id}/work", get(api::work))
        .route("/api/v1/cases/{id}/notes", post(api::note))
        .route("/api/v1/supervision", get(api::supervision))
        .route(
            "/api/v1/partners",
            get(api::partners).post(api::add_partner),
        )
        .route("/api/v1/referrals", get(api::inbox))
        .route("/api/v1/referrals/{id}", get(api::referral))
        .route(
            "/api/v1/referrals/{id}/actions/{action}",
            post(api::referral_act),
        )
}
