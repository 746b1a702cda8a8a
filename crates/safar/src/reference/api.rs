//! Reference data in the JSON API (public: it is the country's administrative map and
//! published migration channels, needed by every form).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::store::{self, Destination, District, Region};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;

/// The 14 first-level units.
#[utoipa::path(get, path = "/api/v1/reference/regions", tag = "reference", security(()),
    responses((status = 200, body = Vec<Region>)))]
pub async fn regions(State(st): State<AppState>) -> Response {
    match store::regions(&st.db).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => ServiceError::from(e).into_response(),
    }
}

/// The districts of one region.
#[utoipa::path(get, path = "/api/v1/reference/regions/{iso}/districts", tag = "reference", security(()),
    params(("iso" = String, Path, description = "ISO 3166-2 code, e.g. UZ-SA")),
    responses((status = 200, body = Vec<District>), (status = 404, body = crate::platform::api::Problem)))]
pub async fn districts(State(st): State<AppState>, Path(iso): Path<String>) -> Response {
    match store::region(&st.db, &iso).await {
        Ok(Some(_)) => {}
        Ok(None) => return ServiceError::NotFound.into_response(),
        Err(e) => return ServiceError::from(e).into_response(),
    }
    match store::districts(&st.db, &iso).await {
        Ok(d) => Json(d).into_response(),
        Err(e) => ServiceError::from(e).into_response(),
    }
}

/// Destination countries with their legal channels.
#[utoipa::path(get, path = "/api/v1/reference/destinations", tag = "reference", security(()),
    responses((status = 200, body = Vec<Destination>)))]
pub async fn destinations(State(st): State<AppState>) -> Response {
    match store::destinations(&st.db).await {
        Ok(d) => Json(d).into_response(),
        Err(e) => ServiceError::from(e).into_response(),
    }
}
