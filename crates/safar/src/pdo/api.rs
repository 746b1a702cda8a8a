//! PDO in the JSON API: centres, qualifications, sessions, enrolments, attendance, results,
//! certificates (with their PDF), the public certificate check and the published keys.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::service::{
    self, CentreInput, CurriculumInput, Enrolled, InspectionInput, Outcome, QualificationInput,
    ResultInput, SessionInput,
};
use super::store::{Centre, Certificate, Curriculum, Enrolment, Session};
use crate::platform::api::Problem;
use crate::platform::error::ServiceError;
use crate::platform::signing::KeySet;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

fn respond<T: Serialize>(result: Result<T, ServiceError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => e.into_response(),
    }
}

fn created(result: Result<String, ServiceError>) -> Response {
    match result {
        Ok(id) => (StatusCode::CREATED, Json(Created { id })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The published Ed25519 public keys that verify certificate tokens offline.
#[utoipa::path(get, path = "/.well-known/safar-keys.json", tag = "public", security(()),
    responses((status = 200, body = KeySet)))]
pub async fn keys(State(st): State<AppState>) -> Response {
    Json(st.signing.key_set()).into_response()
}

/// What anyone may learn about a certificate: no PINFL, no score.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicCertificate {
    /// `valid` or `revoked`.
    pub status: String,
    pub id: String,
    /// The holder's name in Latin script.
    pub holder: String,
    /// The holder's name in Cyrillic script.
    pub holder_cyrl: String,
    /// ISO 3166-1 alpha-2 of the destination.
    pub destination: String,
    pub starts_on: String,
    pub ends_on: String,
    pub issued_on: String,
    /// Why it was revoked, when it was.
    pub revoked_reason: Option<String>,
}

impl From<&Certificate> for PublicCertificate {
    fn from(c: &Certificate) -> Self {
        PublicCertificate {
            status: c.status.clone(),
            id: c.id.clone(),
            holder: c.holder_latn.clone(),
            holder_cyrl: c.holder_cyrl.clone(),
            destination: c.destination.clone(),
            starts_on: c.starts_on.clone(),
            ends_on: c.ends_on.clone(),
            issued_on: c.issued_on.clone(),
            revoked_reason: (c.status == "revoked").then(|| c.revoked_reason.clone()),
        }
    }
}

/// Checks a certificate id without an account; every check is counted in its history.
#[utoipa::path(get, path = "/api/v1/public/certificates/{id}", tag = "public", security(()),
    params(("id" = String, Path, description = "e.g. PDO-7KQ2-M9XW-4R8T-ZP3H")),
    responses((status = 200, body = PublicCertificate), (status = 404, body = Problem)))]
pub async fn public_certificate(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    match service::verify_online(st.pdo(), &id, "api").await {
        Ok(Some(c)) => Json(PublicCertificate::from(&c)).into_response(),
        Ok(None) => ServiceError::NotFound.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// At most this many, latest first (1–500, default 50).
    pub limit: Option<i64>,
}

/// Certificates issued in the manager's scope, latest first, with their signed tokens.
#[utoipa::path(get, path = "/api/v1/certificates", tag = "pdo", params(ListParams),
    responses((status = 200, body = Items<Certificate>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn certificates(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> Response {
    let list = service::certificates(st.pdo(), &ctx.actor, params.limit.unwrap_or(50)).await;
    respond(list.map(|items| Items { items }))
}

/// The certificate as an A4 PDF with its QR code (the holder, or the centre's managers).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/pdf", tag = "pdo", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn certificate_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: http::HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match service::certificate_for(st.pdo(), &ctx.actor, &id).await {
        Ok(c) => super::document::pdf_response(&st, &ctx, &headers, &c).await,
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Revocation {
    pub reason: String,
}

/// Revokes a certificate; the public check then says so, with the reason.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "pdo", params(("id" = String, Path)),
    request_body = Revocation,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Revocation>,
) -> Response {
    match service::revoke(st.pdo(), &ctx.actor, &id, &body.reason).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Registers a PDO centre.
#[utoipa::path(post, path = "/api/v1/pdo/centres", tag = "pdo", request_body = CentreInput,
    responses((status = 201, body = Created), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create_centre(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CentreInput>,
) -> Response {
    created(
        service::create_centre(st.pdo(), &ctx.actor, &body)
            .await
            .map(|c| c.id),
    )
}

/// Centres in the manager's scope.
#[utoipa::path(get, path = "/api/v1/pdo/centres", tag = "pdo",
    responses((status = 200, body = Items<Centre>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn centres(State(st): State<AppState>, ctx: Ctx) -> Response {
    respond(
        service::centres(st.pdo(), &ctx.actor)
            .await
            .map(|items| Items { items }),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InspectionOutcome {
    /// `passed`, `warning` or `suspension`.
    pub outcome: String,
}

/// Records an inspection of a centre against the four criteria.
#[utoipa::path(post, path = "/api/v1/pdo/centres/{id}/inspections", tag = "pdo", params(("id" = String, Path)),
    request_body = InspectionInput,
    responses((status = 201, body = InspectionOutcome), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn inspect(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<InspectionInput>,
) -> Response {
    match service::inspect(st.pdo(), &ctx.actor, &id, &body).await {
        Ok(outcome) => (
            StatusCode::CREATED,
            Json(InspectionOutcome {
                outcome: outcome.into(),
            }),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Qualified {
    /// How many module qualifications were recorded.
    pub modules: usize,
}

/// Records that a trainer completed the training of trainers for modules of a destination.
#[utoipa::path(post, path = "/api/v1/pdo/qualifications", tag = "pdo", request_body = QualificationInput,
    responses((status = 201, body = Qualified), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn qualify(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<QualificationInput>,
) -> Response {
    match service::qualify(st.pdo(), &ctx.actor, &body).await {
        Ok(modules) => (StatusCode::CREATED, Json(Qualified { modules })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Revises a destination's curriculum: a new version, the old one retired.
#[utoipa::path(post, path = "/api/v1/pdo/curricula/{destination}", tag = "pdo",
    params(("destination" = String, Path, description = "ISO 3166-1 alpha-2, e.g. GB")),
    request_body = CurriculumInput,
    responses((status = 201, body = Curriculum), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn revise_curriculum(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(destination): Path<String>,
    Json(body): Json<CurriculumInput>,
) -> Response {
    match service::revise_curriculum(st.pdo(), &ctx.actor, &destination, &body).await {
        Ok(c) => (StatusCode::CREATED, Json(c)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Opens a session at a centre on a destination's current curriculum.
#[utoipa::path(post, path = "/api/v1/pdo/sessions", tag = "pdo", request_body = SessionInput,
    responses((status = 201, body = Created), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_session(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<SessionInput>,
) -> Response {
    created(service::create_session(st.pdo(), &ctx.actor, &body).await)
}

/// Sessions: a manager's from a month ago on, the ones a trainer gives, or (anyone else)
/// the open sessions still taking enrolments.
#[utoipa::path(get, path = "/api/v1/pdo/sessions", tag = "pdo",
    responses((status = 200, body = Items<Session>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn sessions(State(st): State<AppState>, ctx: Ctx) -> Response {
    respond(
        service::sessions_for(st.pdo(), &ctx.actor)
            .await
            .map(|items| Items { items }),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionDetail {
    pub session: Session,
    pub trainees: Vec<Enrolment>,
}

/// A session with its trainees and waiting list (an audited read).
#[utoipa::path(get, path = "/api/v1/pdo/sessions/{id}", tag = "pdo", params(("id" = String, Path)),
    responses((status = 200, body = SessionDetail), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn session(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    respond(
        service::session_with_trainees(st.pdo(), &ctx.actor, &id)
            .await
            .map(|(session, trainees)| SessionDetail { session, trainees }),
    )
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct EnrolInput {
    /// The person to enrol (staff); citizens leave it out to enrol themselves.
    #[serde(default)]
    pub person_id: Option<String>,
}

/// Enrols a person, or the waiting list when the session is full.
#[utoipa::path(post, path = "/api/v1/pdo/sessions/{id}/enrolments", tag = "pdo", params(("id" = String, Path)),
    request_body = EnrolInput,
    responses((status = 201, body = Enrolled), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn enrol(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<EnrolInput>,
) -> Response {
    match service::enrol(st.pdo(), &ctx.actor, &id, body.person_id.as_deref()).await {
        Ok(enrolled) => (StatusCode::CREATED, Json(enrolled)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Withdraws an enrolment before the list is fixed; the first waiting person moves up.
#[utoipa::path(post, path = "/api/v1/pdo/enrolments/{id}/withdraw", tag = "pdo", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::withdraw(st.pdo(), &ctx.actor, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Attendance {
    pub present: bool,
}

/// Marks a trainee present or absent on a day (1 = the first day); the last mark wins.
#[utoipa::path(put, path = "/api/v1/pdo/enrolments/{id}/attendance/{day}", tag = "pdo",
    params(("id" = String, Path), ("day" = i64, Path)), request_body = Attendance,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn attendance(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, day)): Path<(String, i64)>,
    Json(body): Json<Attendance>,
) -> Response {
    match service::mark(st.pdo(), &ctx.actor, &id, day, body.present).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Records pre- and post-test scores; a pass issues the signed certificate.
#[utoipa::path(put, path = "/api/v1/pdo/enrolments/{id}/result", tag = "pdo", params(("id" = String, Path)),
    request_body = ResultInput,
    responses((status = 200, body = Outcome), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn result(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ResultInput>,
) -> Response {
    respond(service::record_result(st.pdo(), &ctx.actor, &id, &body).await)
}
