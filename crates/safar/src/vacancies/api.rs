//! Vacancies and applications in the JSON API: the public reference check and search (no
//! account), recruiter staff's job orders and applicants, officers' decisions, and a
//! citizen's own applications.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::applications::{self, Applicant, ApplyInput, StepInput};
use super::service::{self, PublicVacancy, VacancyInput};
use super::store::{Application, Filter, Vacancy};
use crate::platform::api::{decode_cursor, encode_cursor};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::recruiters::public::admit;

/// Checks a vacancy reference without an account: real or not, open or not, and whether
/// its recruiter is licensed today. Unknown references (and drafts) are 404.
#[utoipa::path(get, path = "/api/v1/public/vacancies/{reference}", tag = "public",
    params(("reference" = String, Path, description = "e.g. V-7KQ3MX")), security(()),
    responses((status = 200, body = PublicVacancy), (status = 404, body = crate::platform::api::Problem),
              (status = 429, body = crate::platform::api::Problem)))]
pub async fn public_check(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Response {
    if !admit(&st, &ctx, "vacancy") {
        return ServiceError::TooManyAttempts.into_response();
    }
    let result = service::public_view(&st.db, &st.clock, &reference).await;
    st.usage.tally.add(
        "vacancy",
        if result.is_ok() { "found" } else { "not_found" },
    );
    match result {
        Ok((_, view)) => Json(view).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// ISO 3166-1 code of the destination, e.g. `KR`.
    pub country: Option<String>,
    /// An ISCO-08 code or its first digits, e.g. `61`.
    pub sector: Option<String>,
    /// A region recruited from, e.g. `UZ-SA` (nationwide vacancies match every region).
    pub region: Option<String>,
    pub cursor: Option<String>,
}

impl SearchParams {
    pub fn filter(&self) -> Filter {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 10)
                .map(str::to_string)
        };
        Filter {
            country: clean(&self.country).map(|c| c.to_uppercase()),
            sector: clean(&self.sector),
            region: clean(&self.region).map(|r| r.to_uppercase()),
            ..Filter::default()
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicVacancyList {
    pub items: Vec<PublicVacancy>,
    pub cursor: Option<String>,
}

/// A page of results at most, never the whole list in one go.
pub const PAGE: i64 = 20;

fn offset_of(cursor: Option<&str>) -> Result<i64, ServiceError> {
    match decode_cursor(cursor).map(|c| c.map(|c| c.parse::<i64>())) {
        Ok(None) => Ok(0),
        Ok(Some(Ok(n))) if n >= 0 => Ok(n),
        _ => Err(ServiceError::invalid("cursor", "err-cursor")),
    }
}

/// Open vacancies through licensed recruiters, filtered by country, sector and region.
#[utoipa::path(get, path = "/api/v1/public/vacancies", tag = "public", params(SearchParams), security(()),
    responses((status = 200, body = PublicVacancyList), (status = 422, body = crate::platform::api::Problem),
              (status = 429, body = crate::platform::api::Problem)))]
pub async fn search(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> Response {
    if !admit(&st, &ctx, "vacancy") {
        return ServiceError::TooManyAttempts.into_response();
    }
    let offset = match offset_of(p.cursor.as_deref()) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match service::search_open(&st.db, &st.clock, p.filter(), offset, PAGE + 1).await {
        Ok(mut items) => {
            let more = items.len() as i64 > PAGE;
            items.truncate(PAGE as usize);
            let cursor = more.then(|| encode_cursor(&(offset + PAGE).to_string()));
            Json(PublicVacancyList { items, cursor }).into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Posted {
    pub reference: String,
}

/// A recruiter's staff post a draft vacancy (201 with its public reference).
#[utoipa::path(post, path = "/api/v1/vacancies", tag = "vacancies", request_body = VacancyInput,
    responses((status = 201, body = Posted), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<VacancyInput>,
) -> Response {
    match service::create(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(reference) => (StatusCode::CREATED, Json(Posted { reference })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Corrects a draft (409 once verified).
#[utoipa::path(put, path = "/api/v1/vacancies/{reference}", tag = "vacancies", params(("reference" = String, Path)),
    request_body = VacancyInput,
    responses((status = 204), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
    Json(body): Json<VacancyInput>,
) -> Response {
    match service::update(&st.db, &st.clock, &ctx.actor, &reference, &body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Only vacancies in this state.
    pub state: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VacancyList {
    pub items: Vec<Vacancy>,
    pub cursor: Option<String>,
}

/// Vacancies for staff: their agency's (recruiter staff) or all (licensing officers).
#[utoipa::path(get, path = "/api/v1/vacancies", tag = "vacancies", params(ListParams),
    responses((status = 200, body = VacancyList), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem)))]
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<ListParams>) -> Response {
    let offset = match offset_of(p.cursor.as_deref()) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    let state = p
        .state
        .as_deref()
        .and_then(super::model::VacancyState::parse)
        .map(super::model::VacancyState::as_str);
    match service::staff_list(&st.db, &ctx.actor, state, offset, 101).await {
        Ok(mut items) => {
            let more = items.len() > 100;
            items.truncate(100);
            let cursor = more.then(|| encode_cursor(&(offset + 100).to_string()));
            Json(VacancyList { items, cursor }).into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActInput {
    #[serde(default)]
    pub reason: Option<String>,
}

/// `verify` (licensing officers; 409 if the worker is charged a fee), `publish`, `fill`,
/// `withdraw`. Returns the vacancy afterwards; 409 for a transition not allowed now.
#[utoipa::path(post, path = "/api/v1/vacancies/{reference}/actions/{action}", tag = "vacancies",
    params(("reference" = String, Path), ("action" = String, Path)), request_body = ActInput,
    responses((status = 200, body = Vacancy), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem)))]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    body: Option<Json<ActInput>>,
) -> Response {
    let reason = body.and_then(|Json(b)| b.reason).unwrap_or_default();
    match service::act(&st.db, &st.clock, &ctx.actor, &reference, &action, &reason).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A citizen applies (201); the body says they agree to job matching if not yet given.
#[utoipa::path(post, path = "/api/v1/vacancies/{reference}/applications", tag = "vacancies",
    params(("reference" = String, Path)), request_body = ApplyInput,
    responses((status = 201, body = Application), (status = 401, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
    body: Option<Json<ApplyInput>>,
) -> Response {
    let input = body.map(|Json(b)| b).unwrap_or_default();
    match applications::apply(st.people(), &ctx.actor, &reference, &input).await {
        Ok(a) => (StatusCode::CREATED, Json(a)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicantList {
    pub items: Vec<Applicant>,
}

/// A vacancy's applicants, best match first, with the parts of each score (its
/// recruiter's staff only; audited).
#[utoipa::path(get, path = "/api/v1/vacancies/{reference}/applications", tag = "vacancies",
    params(("reference" = String, Path)),
    responses((status = 200, body = ApplicantList), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem)))]
pub async fn applicants(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Response {
    match applications::applicants(st.people(), &ctx.actor, &reference).await {
        Ok((_, items)) => Json(ApplicantList { items }).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MyApplication {
    #[serde(flatten)]
    pub application: Application,
    pub reference: String,
    pub title: String,
    pub country: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MyApplications {
    pub items: Vec<MyApplication>,
    /// What the agency tells the applicant, e.g. that a recruiter's licence fell.
    pub alerts: Vec<applications::Alert>,
}

/// The signed-in citizen's applications.
#[utoipa::path(get, path = "/api/v1/applications", tag = "vacancies",
    responses((status = 200, body = MyApplications), (status = 401, body = crate::platform::api::Problem)))]
pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    let alerts = match applications::my_alerts(st.people(), &ctx.actor).await {
        Ok(alerts) => alerts,
        Err(e) => return e.into_response(),
    };
    match applications::mine(st.people(), &ctx.actor).await {
        Ok(list) => Json(MyApplications {
            alerts,
            items: list
                .into_iter()
                .map(|(application, v)| MyApplication {
                    application,
                    reference: v.reference,
                    title: v.title,
                    country: v.country,
                })
                .collect(),
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `shortlist`, `offer`, `contract`, `depart` (recording the departure), `reject` —
/// recruiter staff — or `withdraw` — the applicant. 409 for a step not allowed now.
#[utoipa::path(post, path = "/api/v1/applications/{id}/{action}", tag = "vacancies",
    params(("id" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Application), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<StepInput>>,
) -> Response {
    let input = body.map(|Json(b)| b).unwrap_or_default();
    match applications::step(st.people(), &ctx.actor, &id, &action, &input).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ComplaintFiled {
    pub id: String,
}

/// The applicant complains about the agency of their own application (201).
#[utoipa::path(post, path = "/api/v1/applications/{id}/complaint", tag = "vacancies",
    params(("id" = String, Path)), request_body = applications::OwnComplaint,
    responses((status = 201, body = ComplaintFiled), (status = 404, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn complain(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<applications::OwnComplaint>,
) -> Response {
    match applications::complain(st.people(), &ctx.actor, &id, &body).await {
        Ok(id) => (StatusCode::CREATED, Json(ComplaintFiled { id })).into_response(),
        Err(e) => e.into_response(),
    }
}
