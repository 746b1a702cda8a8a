//! Cases in the JSON API (the fixed interface of the help-abroad issue).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::service::{self, CaseInput, Opened, StepInput};
use super::store::Case;
use crate::platform::api::Problem;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

/// Opens a case: the priority is suggested (any trafficking indicator makes it P1) and the
/// due time follows from it on the agency's working calendar.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseInput,
    responses((status = 201, body = Opened), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create(State(st): State<AppState>, ctx: Ctx, Json(body): Json<CaseInput>) -> Response {
    match service::open(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(opened) => (StatusCode::CREATED, Json(opened)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One case, for staff whose scope covers the person.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::read(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(case) => Json(case).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A step on a case: `assign`, `start`, `refer`, `escalate`, `resolve`, `close` (with an
/// outcome) or `reopen` (within 30 days).
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions/{action}", tag = "cases",
    params(("id" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Case), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<StepInput>,
) -> Response {
    match service::act(&st.db, &st.clock, &ctx.actor, &id, &action, &body).await {
        Ok(case) => Json(case).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Open cases in the actor's scope, due first (at most 200).
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    responses((status = 200, body = Vec<Case>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn queue(State(st): State<AppState>, ctx: Ctx) -> Response {
    match service::queue(&st.db, &ctx.actor).await {
        Ok(cases) => Json(serde_json::json!({ "items": cases })).into_response(),
        Err(e) => e.into_response(),
    }
}
