//! Recruiters in the JSON API (licensing officers and staff). The public check is in
//! `public.rs`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::service::{self, LicenceInput, RecruiterInput, RecruiterRecord};
use super::store::{self, Licence, Recruiter};
use crate::platform::api::{decode_cursor, encode_cursor};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// Registers a local agency or a foreign operator (licensing officers).
#[utoipa::path(post, path = "/api/v1/recruiters", tag = "recruiters", request_body = RecruiterInput,
    responses((status = 201, body = Created), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<RecruiterInput>,
) -> Response {
    match service::create(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(id) => (StatusCode::CREATED, Json(Created { id })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Changes a recruiter's record; a new STIR expires its licence.
#[utoipa::path(put, path = "/api/v1/recruiters/{id}", tag = "recruiters", params(("id" = String, Path)),
    request_body = RecruiterInput,
    responses((status = 200, body = RecruiterRecord), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<RecruiterInput>,
) -> Response {
    if let Err(e) = service::update(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        return e.into_response();
    }
    match service::read(&st.db, &ctx.actor, &id).await {
        Ok(record) => Json(record).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One recruiter with its current licence and every decision on its licences.
#[utoipa::path(get, path = "/api/v1/recruiters/{id}", tag = "recruiters", params(("id" = String, Path)),
    responses((status = 200, body = RecruiterRecord), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::read(&st.db, &ctx.actor, &id).await {
        Ok(record) => Json(record).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Only recruiters whose current licence is in this state.
    pub state: Option<String>,
    /// How many (1–100, default 50).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecruiterList {
    pub items: Vec<Recruiter>,
    pub cursor: Option<String>,
}

/// The register for staff, by name, a page at a time.
#[utoipa::path(get, path = "/api/v1/recruiters", tag = "recruiters", params(ListParams),
    responses((status = 200, body = RecruiterList), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> Response {
    if let Err(e) = super::service::may_view(&ctx.actor) {
        return ServiceError::from(e).into_response();
    }
    let offset = match decode_cursor(p.cursor.as_deref()).map(|c| c.map(|c| c.parse::<i64>())) {
        Ok(None) => 0,
        Ok(Some(Ok(n))) if n >= 0 => n,
        _ => return ServiceError::invalid("cursor", "err-cursor").into_response(),
    };
    let limit = p.limit.unwrap_or(50).clamp(1, 100);
    let state = p.state.as_deref().filter(|s| !s.is_empty());
    match store::list(&st.db, state, offset, limit + 1).await {
        Ok(mut items) => {
            let more = items.len() as i64 > limit;
            items.truncate(limit as usize);
            let cursor = more.then(|| encode_cursor(&(offset + limit).to_string()));
            Json(RecruiterList { items, cursor }).into_response()
        }
        Err(e) => ServiceError::from(e).into_response(),
    }
}

/// A licence decision: `apply`, `grant` (an application, or lifting a suspension), `suspend`,
/// `revoke`, `surrender` or `refuse`. 409 when the current state does not allow it.
#[utoipa::path(post, path = "/api/v1/recruiters/{id}/licence/{action}", tag = "recruiters",
    params(("id" = String, Path), ("action" = String, Path)), request_body = LicenceInput,
    responses((status = 200, body = Licence), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn licence_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<LicenceInput>>,
) -> Response {
    let input = body.map(|Json(b)| b).unwrap_or_default();
    match service::licence_action(&st.db, &st.clock, &ctx.actor, &id, &action, &input).await {
        Ok(licence) => Json(licence).into_response(),
        Err(e) => e.into_response(),
    }
}
