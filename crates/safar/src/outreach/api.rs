//! Outreach in the JSON API: regional officers' events, and the public per-region table.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::service::{self, EventInput, EventView, RegionRow, StepInput};
use super::store::{Event, Photo};
use crate::platform::api::Problem;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct ListQuery {
    /// ISO 3166-2 region.
    #[serde(default)]
    pub region: Option<String>,
    /// `planned`, `held`, `reported` or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
}

/// The events of the caller's regions, latest planned first (at most 500).
#[utoipa::path(get, path = "/api/v1/outreach/events", tag = "outreach", params(ListQuery),
    responses((status = 200, body = crate::platform::api::Items<crate::outreach::store::Event>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    match service::list(&st.db, &ctx.actor, q.region.as_deref(), q.status.as_deref()).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Plans an event.
#[utoipa::path(post, path = "/api/v1/outreach/events", tag = "outreach", request_body = EventInput,
    responses((status = 201, body = Event), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn plan(State(st): State<AppState>, ctx: Ctx, Json(body): Json<EventInput>) -> Response {
    match service::plan(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(e) => (StatusCode::CREATED, Json(e)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An event with its attendance cells and photos.
#[utoipa::path(get, path = "/api/v1/outreach/events/{id}", tag = "outreach", params(("id" = String, Path)),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::read(&st.db, &ctx.actor, &id).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `hold` (with `held_on`), `report` (attendance, materials, partners, summary) or `cancel`
/// (with `reason`).
#[utoipa::path(post, path = "/api/v1/outreach/events/{id}/actions/{action}", tag = "outreach",
    params(("id" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Event), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<StepInput>,
) -> Response {
    match service::act(&st.db, &st.clock, &ctx.actor, &id, &action, &body).await {
        Ok(e) => Json(e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Adds a photo: the request body is the image (JPEG, PNG or WebP, at most 5 MB).
#[utoipa::path(post, path = "/api/v1/outreach/events/{id}/photos", tag = "outreach",
    params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Photo), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
              (status = 422, body = Problem)))]
pub async fn add_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    match service::add_photo(&st.db, &st.clock, &ctx.actor, &id, &body).await {
        Ok(p) => (StatusCode::CREATED, Json(p)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A photo of an event (staff of its region).
#[utoipa::path(get, path = "/api/v1/outreach/events/{id}/photos/{photo}", tag = "outreach",
    params(("id" = String, Path), ("photo" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
) -> Response {
    match service::photo(&st.db, &ctx.actor, &id, &photo).await {
        Ok((content_type, bytes)) => photo_response(content_type, bytes),
        Err(e) => e.into_response(),
    }
}

/// An image as stored: its recognised type, never sniffed again by the browser.
pub fn photo_response(content_type: String, bytes: Vec<u8>) -> Response {
    (
        [
            (http::header::CONTENT_TYPE, content_type),
            (http::header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                http::header::CACHE_CONTROL,
                "private, max-age=3600".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// `YYYY-MM`; January of this year when absent.
    #[serde(default)]
    pub from: String,
    /// `YYYY-MM`; December of this year when absent.
    #[serde(default)]
    pub to: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegionTable {
    pub from: String,
    pub to: String,
    pub rows: Vec<RegionRow>,
}

/// Awareness events held and attendance per region, with attendance per 10,000
/// inhabitants (no sign-in; counts only).
#[utoipa::path(get, path = "/api/v1/public/outreach/regions", tag = "outreach", params(PeriodQuery),
    responses((status = 200, body = RegionTable), (status = 422, body = Problem)))]
pub async fn regions(State(st): State<AppState>, Query(q): Query<PeriodQuery>) -> Response {
    let table = match service::period(&q.from, &q.to, &st.clock) {
        Ok((from, to)) => service::region_table(&st.db, &from, &to)
            .await
            .map(|rows| RegionTable { from, to, rows }),
        Err(e) => Err(e),
    };
    match table {
        Ok(t) => Json(t).into_response(),
        Err(e) => e.into_response(),
    }
}
