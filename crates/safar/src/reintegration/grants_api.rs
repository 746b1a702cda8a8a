//! Grants in the JSON API. `GET /api/v1/grant-calls` and `…/{id}/ranking` are a fixed
//! interface.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::grants::{
    self, ApplicationInput, Award, CallInput, CancelInput, ForReview, Outcomes, Ranking,
    ReviewInput, VisitInput,
};
use super::grants_files;
use super::grants_store::{Application, Call, GrantFile, Review};
use crate::platform::api::Problem;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

fn reply<T: serde::Serialize>(result: ServiceResult<T>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn created<T: serde::Serialize>(result: ServiceResult<T>) -> Response {
    match result {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Grant calls: the open ones for anyone signed in, all of them for reintegration officers.
#[utoipa::path(get, path = "/api/v1/grant-calls", tag = "grants",
    responses((status = 200, body = crate::platform::api::Items<crate::reintegration::grants_store::Call>), (status = 401, body = Problem)))]
pub async fn calls(State(st): State<AppState>, ctx: Ctx) -> Response {
    match grants::calls(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Opens a call: budget and maximum award in so'm, eligibility rules, rubric, committee.
#[utoipa::path(post, path = "/api/v1/grant-calls", tag = "grants", request_body = CallInput,
    responses((status = 201, body = Call), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn open_call(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CallInput>,
) -> Response {
    created(grants::open_call(&st.db, &st.clock, &ctx.actor, &body).await)
}

#[utoipa::path(get, path = "/api/v1/grant-calls/{id}", tag = "grants", params(("id" = String, Path)),
    responses((status = 200, body = Call), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn call(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(grants::call(&st.db, &ctx.actor, &id).await)
}

/// The ranking: each application's mean weighted score, place and decision (no names).
#[utoipa::path(get, path = "/api/v1/grant-calls/{id}/ranking", tag = "grants", params(("id" = String, Path)),
    responses((status = 200, body = Ranking), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn ranking(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(grants::ranking(&st.db, &ctx.actor, &id).await)
}

/// Awards, businesses operating at 12 months and jobs created, by region and gender.
#[utoipa::path(get, path = "/api/v1/grant-calls/{id}/outcomes", tag = "grants", params(("id" = String, Path)),
    responses((status = 200, body = Outcomes), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn outcomes(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(grants::outcomes(&st.db, &ctx.actor, &id).await)
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
pub struct ReviewerInput {
    /// A user holding the `grant_reviewer` role.
    #[serde(default)]
    pub reviewer: String,
}

/// Adds a reviewer to the call's committee.
#[utoipa::path(post, path = "/api/v1/grant-calls/{id}/reviewers", tag = "grants", params(("id" = String, Path)),
    request_body = ReviewerInput,
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_reviewer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewerInput>,
) -> Response {
    let done = grants::add_reviewer(&st.db, &st.clock, &ctx.actor, &id, &body.reviewer).await;
    reply(done.map(|()| json!({ "added": body.reviewer })))
}

/// `close` (after the deadline: eligible applications go to the committee) or `decide`
/// (once all are scored: ranking, awards within the budget, tranches).
#[utoipa::path(post, path = "/api/v1/grant-calls/{id}/actions/{action}", tag = "grants",
    params(("id" = String, Path), ("action" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn call_step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    match action.as_str() {
        "close" => reply(grants::close_call(&st.db, &st.clock, &ctx.actor, &id).await),
        "decide" => reply(grants::decide(&st.db, &st.clock, &ctx.actor, &id).await),
        _ => ServiceError::NotFound.into_response(),
    }
}

/// Applies to an open call from the returnee's account; the eligibility rules are checked
/// at once (`eligible` or `ineligible`, with each rule's result).
#[utoipa::path(post, path = "/api/v1/grant-calls/{id}/applications", tag = "grants",
    params(("id" = String, Path)), request_body = ApplicationInput,
    responses((status = 201, body = Application), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ApplicationInput>,
) -> Response {
    created(grants::apply(&st.db, &st.clock, &ctx.actor, &id, &body).await)
}

/// The caller's own applications with their decision and its reason.
#[utoipa::path(get, path = "/api/v1/my/grant-applications", tag = "grants",
    responses((status = 200, body = crate::platform::api::Items<crate::reintegration::grants_store::Application>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    match grants::my_applications(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An application with its tranches and visits (its officer, or its applicant).
#[utoipa::path(get, path = "/api/v1/grant-applications/{id}", tag = "grants", params(("id" = String, Path)),
    responses((status = 200, body = Award), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn application(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(grants::award(&st.db, &st.clock, &ctx.actor, &id).await)
}

#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
pub struct OverrideInput {
    #[serde(default)]
    pub eligible: bool,
    /// Why the automatic check is set aside (10–1000 characters).
    #[serde(default)]
    pub reason: String,
}

/// Sets an application eligible or ineligible against the automatic check, with a reason.
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/eligibility", tag = "grants",
    params(("id" = String, Path)), request_body = OverrideInput,
    responses((status = 200, body = Application), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn override_eligibility(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<OverrideInput>,
) -> Response {
    let result = grants::override_eligibility(
        &st.db,
        &st.clock,
        &ctx.actor,
        &id,
        body.eligible,
        &body.reason,
    );
    reply(result.await)
}

/// Gives the application to another committee member (e.g. after a conflict).
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/reviewers", tag = "grants",
    params(("id" = String, Path)), request_body = ReviewerInput,
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign_reviewer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewerInput>,
) -> Response {
    let done = grants::assign_reviewer(&st.db, &st.clock, &ctx.actor, &id, &body.reviewer).await;
    reply(done.map(|()| json!({ "assigned": body.reviewer })))
}

/// Releases tranche 1 (once awarded) or 2 (after a visit found the business operating).
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/tranches/{number}/release", tag = "grants",
    params(("id" = String, Path), ("number" = i64, Path)),
    responses((status = 200, body = Award), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn release(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    let Ok(number) = number.parse::<i64>() else {
        return ServiceError::NotFound.into_response();
    };
    reply(grants::release_tranche(&st.db, &st.clock, &ctx.actor, &id, number).await)
}

/// Records a monitoring visit at 6 or 12 months.
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/visits", tag = "grants",
    params(("id" = String, Path)), request_body = VisitInput,
    responses((status = 200, body = Award), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn visit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<VisitInput>,
) -> Response {
    reply(grants::record_visit(&st.db, &st.clock, &ctx.actor, &id, &body).await)
}

/// Cancels an award while it is paid out or monitored, with the reason the applicant reads.
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/cancel", tag = "grants",
    params(("id" = String, Path)), request_body = CancelInput,
    responses((status = 200, body = Award), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<CancelInput>,
) -> Response {
    reply(grants::cancel_award(&st.db, &st.clock, &ctx.actor, &id, &body).await)
}

/// The reviews assigned to the caller.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "grants",
    responses((status = 200, body = crate::platform::api::Items<crate::reintegration::grants_store::Review>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn reviews(State(st): State<AppState>, ctx: Ctx) -> Response {
    match grants::my_reviews(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An assigned application's business plan (never who applied), the caller's review, and
/// the others' once the caller's is in.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "grants", params(("id" = String, Path)),
    responses((status = 200, body = ForReview), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn for_review(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    reply(grants::for_review(&st.db, &ctx.actor, &id).await)
}

/// Declares a conflict of interest or submits scores (0–5 per criterion), once.
#[utoipa::path(post, path = "/api/v1/reviews/{id}", tag = "grants", params(("id" = String, Path)),
    request_body = ReviewInput,
    responses((status = 200, body = Review), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ReviewInput>,
) -> Response {
    reply(grants::review(&st.db, &st.clock, &ctx.actor, &id, &body).await)
}

/// The applicant attaches a document (PDF, JPEG, PNG or WebP, at most 5 MB; five in all)
/// while the call is open: the request body is the file.
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/attachments", tag = "grants",
    params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = GrantFile), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
              (status = 422, body = Problem)))]
pub async fn attach(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    created(grants_files::attach(&st.db, &st.clock, &ctx.actor, &id, &body).await)
}

/// An officer adds a photo (JPEG, PNG or WebP, at most 5 MB; ten in all) to the recorded
/// visit at `month` (6 or 12): the request body is the image.
#[utoipa::path(post, path = "/api/v1/grant-applications/{id}/visits/{month}/photos", tag = "grants",
    params(("id" = String, Path), ("month" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = GrantFile), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
              (status = 422, body = Problem)))]
pub async fn visit_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, month)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    // An unreadable month is no visit's month: refused as such by the service.
    let month = month.parse().unwrap_or(0);
    let result =
        grants_files::add_visit_photo(&st.db, &st.clock, &ctx.actor, &id, month, &body).await;
    created(result)
}

/// A file of an application: for the applicant, grant officers (audited) and the
/// application's reviewers (attachments). Images are shown; PDFs are downloaded.
#[utoipa::path(get, path = "/api/v1/grant-applications/{id}/files/{file}", tag = "grants",
    params(("id" = String, Path), ("file" = String, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    match grants_files::file(&st.db, &st.clock, &ctx.actor, &id, &file).await {
        Ok((content_type, bytes)) if content_type.starts_with("image/") => {
            crate::outreach::api::photo_response(content_type, bytes)
        }
        Ok((content_type, bytes)) => {
            let disposition = format!("attachment; filename=\"{file}.pdf\"");
            let mut response = crate::outreach::api::photo_response(content_type, bytes);
            if let Ok(value) = http::HeaderValue::from_str(&disposition) {
                response
                    .headers_mut()
                    .insert(http::header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}
