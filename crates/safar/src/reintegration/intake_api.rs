//! Returnee intake, service plans and follow-ups in the JSON API.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::intake::{self, FollowUpInput, IntakeInput, IntakeView, OutcomeInput, ServiceInput};
use super::intake_store::{FollowUp, Intake, Service};
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

/// Records a returnee's intake and needs assessment (`returned` records the return first
/// when the registry does not have it). A high distress screen starts the safe referral.
#[utoipa::path(post, path = "/api/v1/returnees", tag = "reintegration", request_body = IntakeInput,
    responses((status = 201, body = Intake), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn open(State(st): State<AppState>, ctx: Ctx, Json(body): Json<IntakeInput>) -> Response {
    reply(
        StatusCode::CREATED,
        intake::open(st.people(), &ctx.actor, &body).await,
    )
}

/// An intake with its service plan and follow-ups (audited read).
#[utoipa::path(get, path = "/api/v1/returnees/{id}", tag = "reintegration", params(("id" = String, Path)),
    responses((status = 200, body = IntakeView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(
        StatusCode::OK,
        intake::read(&st.db, &st.clock, &ctx.actor, &id).await,
    )
}

/// Adds a service to the plan (planned).
#[utoipa::path(post, path = "/api/v1/returnees/{id}/services", tag = "reintegration",
    params(("id" = String, Path)), request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_service(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ServiceInput>,
) -> Response {
    let result = intake::add_service(&st.db, &st.clock, &ctx.actor, &id, &body).await;
    reply(StatusCode::CREATED, result)
}

/// `refer`, `start`, `done` (with an outcome) or `decline` (with what was said).
#[utoipa::path(post, path = "/api/v1/returnees/{id}/services/{service}/actions/{step}", tag = "reintegration",
    params(("id" = String, Path), ("service" = String, Path), ("step" = String, Path)), request_body = OutcomeInput,
    responses((status = 200, body = Service), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn step_service(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, service, step)): Path<(String, String, String)>,
    Json(body): Json<OutcomeInput>,
) -> Response {
    let result =
        intake::step_service(&st.db, &st.clock, &ctx.actor, &id, &service, &step, &body).await;
    reply(StatusCode::OK, result)
}

/// Sets a follow-up on the queue.
#[utoipa::path(post, path = "/api/v1/returnees/{id}/followups", tag = "reintegration",
    params(("id" = String, Path)), request_body = FollowUpInput,
    responses((status = 201, body = FollowUp), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_followup(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<FollowUpInput>,
) -> Response {
    let result = intake::add_followup(&st.db, &st.clock, &ctx.actor, &id, &body).await;
    reply(StatusCode::CREATED, result)
}

/// Marks a follow-up done (`note`: what happened).
#[utoipa::path(post, path = "/api/v1/returnees/{id}/followups/{followup}/done", tag = "reintegration",
    params(("id" = String, Path), ("followup" = String, Path)), request_body = FollowUpInput,
    responses((status = 200, body = FollowUp), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn finish_followup(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, followup)): Path<(String, String)>,
    Json(body): Json<FollowUpInput>,
) -> Response {
    let result =
        intake::finish_followup(&st.db, &st.clock, &ctx.actor, &id, &followup, &body).await;
    reply(StatusCode::OK, result)
}

/// The officer's queue: follow-ups overdue or due within seven days, in their regions.
#[utoipa::path(get, path = "/api/v1/reintegration/queue", tag = "reintegration",
    responses((status = 200, body = crate::platform::api::Items<crate::reintegration::intake_store::FollowUp>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn queue(State(st): State<AppState>, ctx: Ctx) -> Response {
    match intake::queue(&st.db, &st.clock, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}
