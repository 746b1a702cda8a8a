//! The people registry in the JSON API.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::details::{self, Details};
use super::service::{self, NewJourney, NewPerson, PersonHit, PersonRecord, SearchQuery};
use crate::platform::api::{BadCursor, decode_cursor, encode_cursor};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// Registers a person (staff within their scope; a citizen registers themself once).
#[utoipa::path(post, path = "/api/v1/persons", tag = "people", request_body = NewPerson,
    responses((status = 201, body = Created), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn create(State(st): State<AppState>, ctx: Ctx, Json(body): Json<NewPerson>) -> Response {
    match service::create(st.people(), &ctx.actor, &body).await {
        Ok(id) => (StatusCode::CREATED, Json(Created { id })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonHit>,
    /// Pass back as `cursor` for more results; absent on the last page.
    pub cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// How many results (1–100, default 20).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Finds persons by name (any script or spelling), PINFL, phone or passport, ranked, within
/// the caller's scope.
#[utoipa::path(get, path = "/api/v1/persons", tag = "people", params(SearchQuery, ListParams),
    responses((status = 200, body = PersonList), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem)))]
pub async fn search(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
    Query(page): Query<ListParams>,
) -> Response {
    let offset = match decode_cursor(page.cursor.as_deref()).map(|c| c.map(|c| c.parse::<i64>())) {
        Ok(None) => 0,
        Ok(Some(Ok(n))) if (0..10_000).contains(&n) => n,
        _ => return bad_cursor(BadCursor),
    };
    let limit = page.limit.unwrap_or(20).clamp(1, 100);
    match service::search(st.people(), &ctx.actor, &q, offset + limit + 1).await {
        Ok(hits) => {
            let more = hits.len() as i64 > offset + limit;
            let items: Vec<PersonHit> = hits
                .into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect();
            let cursor = more.then(|| encode_cursor(&(offset + limit).to_string()));
            Json(PersonList { items, cursor }).into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn bad_cursor(_: BadCursor) -> Response {
    ServiceError::invalid("cursor", "err-cursor").into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReadParams {
    /// Why the record is opened: case, identity_check, pdo, reintegration, correction or
    /// integration (the default for API clients). Recorded in the audit log.
    pub purpose: Option<String>,
}

/// One person with their journeys. The read is audited with its purpose; the passport is
/// included only for roles allowed to see it.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "people", params(("id" = String, Path), ReadParams),
    responses((status = 200, body = PersonRecord), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn read(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<ReadParams>,
) -> Response {
    let purpose = p.purpose.unwrap_or_else(|| "integration".into());
    match service::read(st.people(), &ctx.actor, &id, &purpose).await {
        Ok(record) => Json(record).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Replaces a person's education, skills, languages and household contacts (staff who may
/// edit the person, or the citizen themself). Blank list entries are ignored.
#[utoipa::path(put, path = "/api/v1/persons/{id}/details", tag = "people", params(("id" = String, Path)),
    request_body = Details,
    responses((status = 200, body = Details), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn update_details(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Details>,
) -> Response {
    match details::update(st.people(), &ctx.actor, &id, &body).await {
        Ok(saved) => Json(saved).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Records a departure or a return.
#[utoipa::path(post, path = "/api/v1/persons/{id}/journeys", tag = "people", params(("id" = String, Path)),
    request_body = NewJourney,
    responses((status = 201, body = Created), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn add_journey(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<NewJourney>,
) -> Response {
    match service::add_journey(st.people(), &ctx.actor, &id, &body).await {
        Ok(journey) => (StatusCode::CREATED, Json(Created { id: journey })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Everything the registry holds about the signed-in citizen.
#[utoipa::path(get, path = "/api/v1/persons/{id}/export", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = PersonRecord), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn export(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::export_own(st.people(), &ctx.actor, &id).await {
        Ok(record) => {
            let disposition = format!("attachment; filename=\"safar-my-data-{id}.json\"");
            let mut response = Json(record).into_response();
            if let Ok(v) = http::HeaderValue::from_str(&disposition) {
                response
                    .headers_mut()
                    .insert(http::header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

// --- consent, legal holds, anonymisation -------------------------------------------------

use super::privacy::{self, Anonymisation, NewConsent};
use super::store::Consent;

/// A person's consents, newest first (the person themself, or staff in scope).
#[utoipa::path(get, path = "/api/v1/persons/{id}/consents", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Consent>), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem)))]
pub async fn consents(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match privacy::list(st.people(), &ctx.actor, &id).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Records a consent for one purpose, with the version of the text shown.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents", tag = "people", params(("id" = String, Path)),
    request_body = NewConsent,
    responses((status = 201, body = Created), (status = 403, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn give_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<NewConsent>,
) -> Response {
    match privacy::give(st.people(), &ctx.actor, &id, &body).await {
        Ok(consent) => (StatusCode::CREATED, Json(Created { id: consent })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Withdraws a consent; processing for that purpose stops.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents/{consent}/withdraw", tag = "people",
    params(("id" = String, Path), ("consent" = String, Path)),
    responses((status = 204), (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn withdraw_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, consent)): Path<(String, String)>,
) -> Response {
    match privacy::withdraw(st.people(), &ctx.actor, &id, &consent).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewHold {
    /// Why the person's data must be kept, e.g. an open complaint's reference.
    pub reason: String,
}

/// Places a legal hold, which blocks anonymisation until released.
#[utoipa::path(post, path = "/api/v1/persons/{id}/holds", tag = "people", params(("id" = String, Path)),
    request_body = NewHold,
    responses((status = 201, body = Created), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn place_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<NewHold>,
) -> Response {
    match privacy::place_hold(st.people(), &ctx.actor, &id, &body.reason).await {
        Ok(hold) => (StatusCode::CREATED, Json(Created { id: hold })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Releases a legal hold.
#[utoipa::path(post, path = "/api/v1/persons/{id}/holds/{hold}/release", tag = "people",
    params(("id" = String, Path), ("hold" = String, Path)),
    responses((status = 204), (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn release_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, hold)): Path<(String, String)>,
) -> Response {
    match privacy::release_hold(st.people(), &ctx.actor, &id, &hold).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// The signed-in citizen asks to be forgotten: 200 when done; 409 with the reasons when a
/// legal hold forbids it for now.
#[utoipa::path(post, path = "/api/v1/persons/{id}/anonymise", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = Anonymisation), (status = 403, body = crate::platform::api::Problem),
              (status = 409, body = Anonymisation)))]
pub async fn anonymise(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match privacy::anonymise_own(st.people(), &ctx.actor, &id).await {
        Ok(done @ Anonymisation::Done) => Json(done).into_response(),
        Ok(refused) => {
            let mut response = (StatusCode::CONFLICT, Json(refused)).into_response();
            // The body (with the holds' reasons) is the answer: keep it as it is.
            response
                .extensions_mut()
                .insert(crate::platform::web::errors::Rendered);
            response
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = PersonGlassInput)]
pub struct GlassInput {
    /// Why the record must be opened outside one's scope (10–500 characters).
    #[serde(default)]
    pub reason: String,
}

/// Opens a person's record outside one's scope for three hours (reading it and opening a
/// case for the person), with the reason; audited and listed for supervisors.
#[utoipa::path(post, path = "/api/v1/persons/{id}/break-glass", tag = "people", params(("id" = String, Path)),
    request_body = GlassInput,
    responses((status = 201, body = Object), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem),
              (status = 409, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn break_glass(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<GlassInput>,
) -> Response {
    match super::glass::break_glass(st.people(), &ctx.actor, &id, &body.reason).await {
        Ok(until) => (
            http::StatusCode::CREATED,
            Json(serde_json::json!({ "person_id": id, "expires_at": crate::cases::service::rfc3339(until) })),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
