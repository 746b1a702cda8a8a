//! Pre-departure orientation: versioned curricula per destination, centres and their
//! inspections, qualified trainers, sessions with enrolment and a waiting list, attendance,
//! tests, and signed certificates anyone can verify online or offline. Other modules call
//! `service::exemption` and the public check; never the tables.

pub mod admin_pages;
pub mod api;
pub mod curriculum;
pub mod demo;
pub mod document;
pub mod model;
pub mod offline;
pub mod pages;
pub mod pdf;
pub mod service;
pub mod store;
pub mod study;
pub mod study_pages;
pub mod token;

use axum::Router;
use axum::routing::{get, post, put};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/verify", Access::Public),
    Route::new(
        "GET",
        "/pdo/learn",
        Access::Perm(Permission::PrepareDeparture),
    ),
    Route::new(
        "GET",
        "/pdo/learn/{destination}",
        Access::Perm(Permission::PrepareDeparture),
    )
    .example("/pdo/learn/KZ"),
    Route::new(
        "GET",
        "/pdo/learn/{destination}/{module}",
        Access::Perm(Permission::PrepareDeparture),
    )
    .example("/pdo/learn/KZ/M04"),
    Route::new(
        "POST",
        "/pdo/learn/{destination}/{module}",
        Access::Perm(Permission::PrepareDeparture),
    )
    .example("/pdo/learn/KZ/M04"),
    Route::new(
        "GET",
        "/api/v1/pdo/learn/{destination}",
        Access::Perm(Permission::PrepareDeparture),
    )
    .example("/api/v1/pdo/learn/KZ"),
    Route::new(
        "POST",
        "/api/v1/pdo/learn/{destination}/{module}",
        Access::Perm(Permission::PrepareDeparture),
    )
    .example("/api/v1/pdo/learn/KZ/M04"),
    Route::new("GET", "/.well-known/safar-keys.json", Access::Public),
    Route::new("GET", "/api/v1/public/certificates/{id}", Access::Public)
        .example("/api/v1/public/certificates/PDO-AAAA-BBBB-CCCC-DDDD"),
    Route::new("GET", "/pdo", Access::Perm(Permission::ManagePdo)),
    Route::new("GET", "/pdo/teaching", Access::Perm(Permission::TeachPdo)),
    Route::new("GET", "/pdo/centres", Access::Perm(Permission::ManagePdo)),
    Route::new("POST", "/pdo/centres", Access::Perm(Permission::ManagePdo)),
    Route::new(
        "GET",
        "/pdo/centres/{id}",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/pdo/centres/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/pdo/centres/{id}/inspections",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/pdo/centres/00000000-0000-0000-0000-000000000000/inspections"),
    Route::new("GET", "/pdo/trainers", Access::Perm(Permission::ManagePdo)),
    Route::new("POST", "/pdo/trainers", Access::Perm(Permission::ManagePdo)),
    Route::new(
        "GET",
        "/pdo/sessions/new",
        Access::Perm(Permission::ManagePdo),
    ),
    Route::new("POST", "/pdo/sessions", Access::Perm(Permission::ManagePdo)),
    Route::new("GET", "/pdo/curricula", Access::Perm(Permission::ManagePdo)),
    Route::new(
        "POST",
        "/pdo/curricula/{destination}",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/pdo/curricula/GB"),
    Route::new(
        "GET",
        "/pdo/mine",
        Access::Perm(Permission::PrepareDeparture),
    ),
    // Managers of the centre and the session's own trainers: the service decides.
    Route::new("GET", "/pdo/sessions/{id}", Access::SignedIn)
        .example("/pdo/sessions/00000000-0000-0000-0000-000000000000"),
    Route::new("GET", "/pdo/sessions/{id}/test", Access::SignedIn)
        .example("/pdo/sessions/00000000-0000-0000-0000-000000000000/test"),
    // Staff enrol others, citizens themselves: the service decides.
    Route::new("POST", "/pdo/sessions/{id}/enrol", Access::SignedIn)
        .example("/pdo/sessions/00000000-0000-0000-0000-000000000000/enrol"),
    Route::new(
        "POST",
        "/pdo/enrolments/{id}/attendance/{day}",
        Access::SignedIn,
    )
    .example("/pdo/enrolments/00000000-0000-0000-0000-000000000000/attendance/1"),
    Route::new("POST", "/pdo/enrolments/{id}/result", Access::SignedIn)
        .example("/pdo/enrolments/00000000-0000-0000-0000-000000000000/result"),
    Route::new("POST", "/pdo/enrolments/{id}/withdraw", Access::SignedIn)
        .example("/pdo/enrolments/00000000-0000-0000-0000-000000000000/withdraw"),
    // The holder, or the centre's managers.
    Route::new("GET", "/pdo/certificates/{id}/pdf", Access::SignedIn)
        .example("/pdo/certificates/PDO-AAAA-BBBB-CCCC-DDDD/pdf"),
    Route::new(
        "POST",
        "/pdo/certificates/{id}/revoke",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/pdo/certificates/PDO-AAAA-BBBB-CCCC-DDDD/revoke"),
    Route::new(
        "GET",
        "/api/v1/certificates",
        Access::Perm(Permission::ManagePdo),
    ),
    Route::new("GET", "/api/v1/certificates/{id}/pdf", Access::SignedIn)
        .example("/api/v1/certificates/PDO-AAAA-BBBB-CCCC-DDDD/pdf"),
    Route::new(
        "POST",
        "/api/v1/certificates/{id}/revoke",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/api/v1/certificates/PDO-AAAA-BBBB-CCCC-DDDD/revoke"),
    Route::new(
        "GET",
        "/api/v1/pdo/centres",
        Access::Perm(Permission::ManagePdo),
    ),
    Route::new(
        "POST",
        "/api/v1/pdo/centres",
        Access::Perm(Permission::ManagePdo),
    ),
    Route::new(
        "POST",
        "/api/v1/pdo/centres/{id}/inspections",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/api/v1/pdo/centres/00000000-0000-0000-0000-000000000000/inspections"),
    Route::new(
        "POST",
        "/api/v1/pdo/qualifications",
        Access::Perm(Permission::ManagePdo),
    ),
    Route::new(
        "POST",
        "/api/v1/pdo/curricula/{destination}",
        Access::Perm(Permission::ManagePdo),
    )
    .example("/api/v1/pdo/curricula/GB"),
    Route::new(
        "POST",
        "/api/v1/pdo/sessions",
        Access::Perm(Permission::ManagePdo),
    ),
    // Managers see their centres' sessions, trainers the ones they give, others open ones.
    Route::new("GET", "/api/v1/pdo/sessions", Access::SignedIn),
    Route::new("GET", "/api/v1/pdo/sessions/{id}", Access::SignedIn)
        .example("/api/v1/pdo/sessions/00000000-0000-0000-0000-000000000000"),
    Route::new(
        "POST",
        "/api/v1/pdo/sessions/{id}/enrolments",
        Access::SignedIn,
    )
    .example("/api/v1/pdo/sessions/00000000-0000-0000-0000-000000000000/enrolments"),
    Route::new(
        "POST",
        "/api/v1/pdo/enrolments/{id}/withdraw",
        Access::SignedIn,
    )
    .example("/api/v1/pdo/enrolments/00000000-0000-0000-0000-000000000000/withdraw"),
    Route::new(
        "PUT",
        "/api/v1/pdo/enrolments/{id}/attendance/{day}",
        Access::SignedIn,
    )
    .example("/api/v1/pdo/enrolments/00000000-0000-0000-0000-000000000000/attendance/1"),
    Route::new(
        "PUT",
        "/api/v1/pdo/enrolments/{id}/result",
        Access::SignedIn,
    )
    .example("/api/v1/pdo/enrolments/00000000-0000-0000-0000-000000000000/result"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify", get(pages::verify))
        .route("/.well-known/safar-keys.json", get(api::keys))
        .route(
            "/api/v1/public/certificates/{id}",
            get(api::public_certificate),
        )
        .route("/pdo", get(pages::index))
        .route("/pdo/teaching", get(pages::index))
        .route("/pdo/mine", get(pages::mine))
        .route("/pdo/learn", get(study_pages::destinations))
        .route("/pdo/learn/{destination}", get(study_pages::progress))
        .route(
            "/pdo/learn/{destination}/{module}",
            get(study_pages::lesson).post(study_pages::answer),
        )
        .route(
            "/api/v1/pdo/learn/{destination}",
            get(study_pages::api_progress),
        )
        .route(
            "/api/v1/pdo/learn/{destination}/{module}",
            post(study_pages::api_answer),
        )
        .route(
            "/pdo/centres",
            get(admin_pages::centres).post(admin_pages::create_centre),
        )
        .route("/pdo/centres/{id}", get(admin_pages::centre))
        .route("/pdo/centres/{id}/inspections", post(admin_pages::inspect))
        .route(
            "/pdo/trainers",
            get(admin_pages::trainers).post(admin_pages::qualify),
        )
        .route("/pdo/sessions/new", get(admin_pages::new_session))
        .route("/pdo/sessions", post(admin_pages::create_session))
        .route("/pdo/curricula", get(admin_pages::curricula))
        .route("/pdo/curricula/{destination}", post(admin_pages::revise))
        .route("/pdo/sessions/{id}", get(pages::session))
        .route("/pdo/sessions/{id}/test", get(pages::test_sheet))
        .route("/pdo/sessions/{id}/enrol", post(pages::enrol))
        .route("/pdo/enrolments/{id}/attendance/{day}", post(pages::mark))
        .route("/pdo/enrolments/{id}/result", post(pages::result))
        .route("/pdo/enrolments/{id}/withdraw", post(pages::withdraw))
        .route("/pdo/certificates/{id}/pdf", get(pages::certificate_pdf))
        .route("/pdo/certificates/{id}/revoke", post(pages::revoke))
        .route("/api/v1/certificates", get(api::certificates))
        .route("/api/v1/certificates/{id}/pdf", get(api::certificate_pdf))
        .route("/api/v1/certificates/{id}/revoke", post(api::revoke))
        .route(
            "/api/v1/pdo/centres",
            get(api::centres).post(api::create_centre),
        )
        .route("/api/v1/pdo/centres/{id}/inspections", post(api::inspect))
        .route("/api/v1/pdo/qualifications", post(api::qualify))
        .route(
            "/api/v1/pdo/curricula/{destination}",
            post(api::revise_curriculum),
        )
        .route(
            "/api/v1/pdo/sessions",
            get(api::sessions).post(api::create_session),
        )
        .route("/api/v1/pdo/sessions/{id}", get(api::session))
        .route("/api/v1/pdo/sessions/{id}/enrolments", post(api::enrol))
        .route("/api/v1/pdo/enrolments/{id}/withdraw", post(api::withdraw))
        .route(
            "/api/v1/pdo/enrolments/{id}/attendance/{day}",
            put(api::attendance),
        )
        .route("/api/v1/pdo/enrolments/{id}/result", put(api::result))
}
