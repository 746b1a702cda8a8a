//! Return and restart: returnee intake with a needs assessment, service plans and
//! follow-ups (`intake`), and small-business grant programmes for returnees (calls,
//! eligibility, committee review, ranking and awards, tranches, monitoring, outcomes —
//! `grants`), and the retraining course catalogue with enrolments, completion and outcomes
//! at 3 and 6 months (`courses`).
//! Other modules call the services; never the tables.

pub mod courses;
pub mod courses_api;
pub mod courses_demo;
pub mod courses_pages;
pub mod courses_store;
pub mod grants;
pub mod grants_api;
pub mod grants_demo;
pub mod grants_files;
pub mod grants_model;
pub mod grants_pages;
pub mod grants_store;
pub mod intake;
pub mod intake_api;
pub mod intake_demo;
pub mod intake_pages;
pub mod intake_store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const MANAGE: Access = Access::Perm(Permission::ManageGrants);
const RETURNEES: Access = Access::Perm(Permission::ManageReintegration);
const REVIEW: Access = Access::Perm(Permission::ReviewGrants);
const APPLY: Access = Access::Perm(Permission::ApplyForGrants);
const ENROL: Access = Access::Perm(Permission::EnrolInCourses);
const CALL: &str = "/api/v1/grant-calls/no-such-call";
/// One file and the multipart envelope around it.
const FILE_LIMIT: usize = crate::recruiters::reports::MAX_FILE_BYTES + 64 * 1024;
const APPLICATION: &str = "/api/v1/grant-applications/no-such-application";

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/courses", Access::Public),
    Route::new("GET", "/courses/new", RETURNEES),
    Route::new("POST", "/courses", RETURNEES),
    Route::new("GET", "/courses/{id}", Access::Public).example("/courses/no-such-course"),
    Route::new("POST", "/courses/{id}/enrol", ENROL).example("/courses/no-such-course/enrol"),
    Route::new(
        "POST",
        "/courses/{id}/enrolments/{enrolment}/actions/{action}",
        RETURNEES,
    )
    .example("/courses/no-such-course/enrolments/none/actions/complete"),
    Route::new("GET", "/api/v1/public/courses", Access::Public),
    Route::new("GET", "/api/v1/public/courses/{id}", Access::Public)
        .example("/api/v1/public/courses/no-such-course"),
    Route::new("POST", "/api/v1/courses", RETURNEES),
    Route::new("GET", "/api/v1/courses/{id}/trainees", RETURNEES)
        .example("/api/v1/courses/no-such-course/trainees"),
    Route::new("POST", "/api/v1/courses/{id}/enrolments", ENROL)
        .example("/api/v1/courses/no-such-course/enrolments"),
    Route::new(
        "POST",
        "/api/v1/returnees/{id}/services/{service}/enrolment",
        RETURNEES,
    )
    .example("/api/v1/returnees/no-such-intake/services/none/enrolment"),
    Route::new(
        "POST",
        "/api/v1/course-enrolments/{id}/actions/{action}",
        RETURNEES,
    )
    .example("/api/v1/course-enrolments/none/actions/complete"),
    Route::new("GET", "/api/v1/my/course-enrolments", ENROL),
    Route::new("GET", "/grants", Access::SignedIn),
    Route::new("GET", "/grants/calls/new", MANAGE),
    Route::new("POST", "/grants/calls", MANAGE),
    Route::new("GET", "/grants/calls/{id}", Access::SignedIn).example("/grants/calls/no-such-call"),
    Route::new("POST", "/grants/calls/{id}/applications", APPLY)
        .example("/grants/calls/no-such-call/applications"),
    Route::new("POST", "/grants/calls/{id}/actions/{action}", MANAGE)
        .example("/grants/calls/no-such-call/actions/close"),
    Route::new("POST", "/grants/calls/{id}/reviewers", MANAGE)
        .example("/grants/calls/no-such-call/reviewers"),
    Route::new("GET", "/grants/applications/{id}", Access::SignedIn)
        .example("/grants/applications/no-such-application"),
    Route::new("POST", "/grants/applications/{id}/actions/{action}", MANAGE)
        .example("/grants/applications/no-such-application/actions/visit"),
    Route::new("GET", "/returnees", RETURNEES),
    Route::new("GET", "/returnees/new", RETURNEES),
    Route::new("POST", "/returnees", RETURNEES),
    Route::new("GET", "/returnees/{id}", RETURNEES).example("/returnees/no-such-intake"),
    Route::new("POST", "/returnees/{id}/actions/{action}", RETURNEES)
        .example("/returnees/no-such-intake/actions/service"),
    Route::new("POST", "/api/v1/returnees", RETURNEES),
    Route::new("GET", "/api/v1/returnees/{id}", RETURNEES)
        .example("/api/v1/returnees/no-such-intake"),
    Route::new("POST", "/api/v1/returnees/{id}/services", RETURNEES)
        .example("/api/v1/returnees/no-such-intake/services"),
    Route::new(
        "POST",
        "/api/v1/returnees/{id}/services/{service}/actions/{step}",
        RETURNEES,
    )
    .example("/api/v1/returnees/no-such-intake/services/none/actions/refer"),
    Route::new("POST", "/api/v1/returnees/{id}/followups", RETURNEES)
        .example("/api/v1/returnees/no-such-intake/followups"),
    Route::new(
        "POST",
        "/api/v1/returnees/{id}/followups/{followup}/done",
        RETURNEES,
    )
    .example("/api/v1/returnees/no-such-intake/followups/none/done"),
    Route::new("GET", "/api/v1/reintegration/queue", RETURNEES),
    Route::new("GET", "/reviews", REVIEW),
    Route::new("GET", "/reviews/{id}", REVIEW).example("/reviews/no-such-application"),
    Route::new("POST", "/reviews/{id}", REVIEW).example("/reviews/no-such-application"),
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
    Route::new("POST", "/api/v1/grant-applications/{id}/cancel", MANAGE)
        .example("/api/v1/grant-applications/no-such-application/cancel"),
    Route::new("POST", "/api/v1/grant-applications/{id}/attachments", APPLY)
        .example("/api/v1/grant-applications/no-such-application/attachments"),
    Route::new(
        "POST",
        "/api/v1/grant-applications/{id}/visits/{month}/photos",
        MANAGE,
    )
    .example("/api/v1/grant-applications/no-such-application/visits/6/photos"),
    Route::new(
        "GET",
        "/api/v1/grant-applications/{id}/files/{file}",
        Access::SignedIn,
    )
    .example("/api/v1/grant-applications/no-such-application/files/none"),
    Route::new("POST", "/grants/applications/{id}/attachments", APPLY)
        .example("/grants/applications/no-such-application/attachments"),
    Route::new(
        "POST",
        "/grants/applications/{id}/visits/{month}/photos",
        MANAGE,
    )
    .example("/grants/applications/no-such-application/visits/6/photos"),
    Route::new(
        "GET",
        "/grants/applications/{id}/files/{file}",
        Access::SignedIn,
    )
    .example("/grants/applications/no-such-application/files/none"),
    Route::new("GET", "/api/v1/reviews", REVIEW),
    Route::new("GET", "/api/v1/reviews/{id}", REVIEW)
        .example("/api/v1/reviews/no-such-application"),
    Route::new("POST", "/api/v1/reviews/{id}", REVIEW)
        .example("/api/v1/reviews/no-such-application"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/courses",
            get(courses_pages::list).post(courses_pages::create),
        )
        .route("/courses/new", get(courses_pages::new_form))
        .route("/courses/{id}", get(courses_pages::view))
        .route("/courses/{id}/enrol", post(courses_pages::enrol))
        .route(
            "/courses/{id}/enrolments/{enrolment}/actions/{action}",
            post(courses_pages::step),
        )
        .route("/api/v1/public/courses", get(courses_api::catalogue))
        .route("/api/v1/public/courses/{id}", get(courses_api::course))
        .route("/api/v1/courses", post(courses_api::create))
        .route("/api/v1/courses/{id}/trainees", get(courses_api::trainees))
        .route(
            "/api/v1/courses/{id}/enrolments",
            post(courses_api::enrol_self),
        )
        .route(
            "/api/v1/returnees/{id}/services/{service}/enrolment",
            post(courses_api::enrol_from_plan),
        )
        .route(
            "/api/v1/course-enrolments/{id}/actions/{action}",
            post(courses_api::step),
        )
        .route("/api/v1/my/course-enrolments", get(courses_api::mine))
        .route("/grants", get(grants_pages::index))
        .route("/grants/calls/new", get(grants_pages::new_call))
        .route("/grants/calls", post(grants_pages::open_call))
        .route("/grants/calls/{id}", get(grants_pages::call))
        .route("/grants/calls/{id}/applications", post(grants_pages::apply))
        .route(
            "/grants/calls/{id}/actions/{action}",
            post(grants_pages::call_step),
        )
        .route(
            "/grants/calls/{id}/reviewers",
            post(grants_pages::add_reviewer),
        )
        .route("/grants/applications/{id}", get(grants_pages::application))
        .route(
            "/grants/applications/{id}/actions/{action}",
            post(grants_pages::application_step),
        )
        .route(
            "/returnees",
            get(intake_pages::queue).post(intake_pages::open),
        )
        .route("/returnees/new", get(intake_pages::new_form))
        .route("/returnees/{id}", get(intake_pages::view))
        .route("/returnees/{id}/actions/{action}", post(intake_pages::act))
        .route("/api/v1/returnees", post(intake_api::open))
        .route("/api/v1/returnees/{id}", get(intake_api::read))
        .route(
            "/api/v1/returnees/{id}/services",
            post(intake_api::add_service),
        )
        .route(
            "/api/v1/returnees/{id}/services/{service}/actions/{step}",
            post(intake_api::step_service),
        )
        .route(
            "/api/v1/returnees/{id}/followups",
            post(intake_api::add_followup),
        )
        .route(
            "/api/v1/returnees/{id}/followups/{followup}/done",
            post(intake_api::finish_followup),
        )
        .route("/api/v1/reintegration/queue", get(intake_api::queue))
        .route("/reviews", get(grants_pages::reviews))
        .route(
            "/reviews/{id}",
            get(grants_pages::review).post(grants_pages::submit_review),
        )
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
        .route(
            "/api/v1/grant-applications/{id}/cancel",
            post(grants_api::cancel),
        )
        .route(
            "/api/v1/grant-applications/{id}/attachments",
            post(grants_api::attach).layer(DefaultBodyLimit::max(FILE_LIMIT)),
        )
        .route(
            "/api/v1/grant-applications/{id}/visits/{month}/photos",
            post(grants_api::visit_photo).layer(DefaultBodyLimit::max(FILE_LIMIT)),
        )
        .route(
            "/api/v1/grant-applications/{id}/files/{file}",
            get(grants_api::file),
        )
        .route(
            "/grants/applications/{id}/attachments",
            post(grants_pages::attach).layer(DefaultBodyLimit::max(FILE_LIMIT)),
        )
        .route(
            "/grants/applications/{id}/visits/{month}/photos",
            post(grants_pages::visit_photo).layer(DefaultBodyLimit::max(FILE_LIMIT)),
        )
        .route(
            "/grants/applications/{id}/files/{file}",
            get(grants_api::file),
        )
        .route("/api/v1/reviews", get(grants_api::reviews))
        .route(
            "/api/v1/reviews/{id}",
            get(grants_api::for_review).post(grants_api::review),
        )
}
