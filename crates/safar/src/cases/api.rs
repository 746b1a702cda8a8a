//! Cases in the JSON API (the fixed interface of the help-abroad issue).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::service::{self, CaseInput, Opened};
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
