//! Retraining courses in the JSON API: the public catalogue, the officer's catalogue and
//! trainee list, enrolment by a citizen or from a returnee's plan, completion and outcomes.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::courses::{self, CourseInput, Outcomes, StepInput};
use super::courses_store::{Course, Enrolment, Trainee};
use crate::platform::api::Problem;
use crate::platform::error::ServiceResult;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

fn reply<T: serde::Serialize>(status: StatusCode, result: ServiceResult<T>) -> Response {
    match result {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// ISO 3166-2 region code, e.g. `UZ-SA`.
    #[serde(default)]
    pub region: String,
    /// `it`, `services`, `care`, `construction`, `agriculture` or `language`.
    #[serde(default)]
    pub field: String,
}

/// The course catalogue (no sign-in): open courses not yet ended, soonest first, with the
/// places left.
#[utoipa::path(get, path = "/api/v1/public/courses", tag = "courses", params(CatalogueQuery),
    responses((status = 200, body = crate::platform::api::Items<crate::reintegration::courses_store::Course>)))]
pub async fn catalogue(State(st): State<AppState>, Query(q): Query<CatalogueQuery>) -> Response {
    match courses::catalogue(&st.db, &st.clock, &q.region, &q.field).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[utoipa::path(get, path = "/api/v1/public/courses/{id}", tag = "courses", params(("id" = String, Path)),
    responses((status = 200, body = Course), (status = 404, body = Problem)))]
pub async fn course(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    reply(StatusCode::OK, courses::course(&st.db, &id).await)
}

/// Adds a course to the catalogue of the officer's region.
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", request_body = CourseInput,
    responses((status = 201, body = Course), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CourseInput>,
) -> Response {
    let result = courses::create(&st.db, &st.clock, &ctx.actor, &body).await;
    reply(StatusCode::CREATED, result)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TraineeList {
    pub items: Vec<Trainee>,
    pub outcomes: Outcomes,
}

/// The course's trainees with their status and outcomes (the officer of the course's
/// region; audited read).
#[utoipa::path(get, path = "/api/v1/courses/{id}/trainees", tag = "courses", params(("id" = String, Path)),
    responses((status = 200, body = TraineeList), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn trainees(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let result = courses::trainees(&st.db, &st.clock, &ctx.actor, &id)
        .await
        .map(|items| TraineeList {
            outcomes: courses::outcomes(&items),
            items,
        });
    reply(StatusCode::OK, result)
}

/// The signed-in citizen enrols in a course (enrolment closes when it starts or is full).
#[utoipa::path(post, path = "/api/v1/courses/{id}/enrolments", tag = "courses", params(("id" = String, Path)),
    responses((status = 201, body = Enrolment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn enrol_self(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let result = courses::enrol_self(&st.db, &st.clock, &ctx.actor, &id).await;
    reply(StatusCode::CREATED, result)
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
pub struct PlanEnrolmentInput {
    #[serde(default)]
    pub course_id: String,
}

/// Enrols a returnee in a course from the retraining service (`RS-TRN`) of their plan.
#[utoipa::path(post, path = "/api/v1/returnees/{id}/services/{service}/enrolment", tag = "courses",
    params(("id" = String, Path), ("service" = String, Path)), request_body = PlanEnrolmentInput,
    responses((status = 201, body = Enrolment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn enrol_from_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, service)): Path<(String, String)>,
    Json(body): Json<PlanEnrolmentInput>,
) -> Response {
    let result = courses::enrol_from_plan(
        &st.db,
        &st.clock,
        &ctx.actor,
        &id,
        &service,
        &body.course_id,
    )
    .await;
    reply(StatusCode::CREATED, result)
}

/// `complete`, `drop`, or `outcome` (with `months` 3 or 6 and the `outcome` code).
#[utoipa::path(post, path = "/api/v1/course-enrolments/{id}/actions/{action}", tag = "courses",
    params(("id" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Enrolment), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<StepInput>,
) -> Response {
    let result = courses::step(&st.db, &st.clock, &ctx.actor, &id, &action, &body).await;
    reply(StatusCode::OK, result)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MyEnrolment {
    pub enrolment: Enrolment,
    pub course: Course,
}

/// The signed-in citizen's enrolments.
#[utoipa::path(get, path = "/api/v1/my/course-enrolments", tag = "courses",
    responses((status = 200, body = crate::platform::api::Items<MyEnrolment>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    match courses::mine(&st.db, &ctx.actor).await {
        Ok(list) => {
            let items: Vec<MyEnrolment> = list
                .into_iter()
                .map(|(enrolment, course)| MyEnrolment { enrolment, course })
                .collect();
            Json(json!({ "items": items })).into_response()
        }
        Err(e) => e.into_response(),
    }
}
