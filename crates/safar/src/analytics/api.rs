//! Indicators in the JSON API: the public (suppressed) tables and their CSV, and the staff
//! (exact, scoped) tables. Only aggregates leave here: no route of this module reads a
//! person's row.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use super::export;
use super::indicators::{self, Audience, TableQuery};
use crate::platform::api::Problem;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

async fn answer(
    st: &AppState,
    name: &str,
    q: &TableQuery,
    audience: Audience,
    regions: Option<&[String]>,
) -> ServiceResult<indicators::Table> {
    let indicator = indicators::find(name)?;
    let spec = indicators::validate(indicator, q, audience)?;
    indicators::table(&st.db, indicator, &spec, audience, regions).await
}

/// An indicator for the public: every value at least 5, or null with `suppressed: true`.
#[utoipa::path(get, path = "/api/v1/public/indicators/{name}", tag = "analytics",
    params(("name" = String, Path, description = "an indicator, e.g. departures (each is described at /indicators/{name})"), TableQuery),
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn public_indicator(
    State(st): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<TableQuery>,
) -> Response {
    match answer(&st, &name, &q, Audience::Public, None).await {
        Ok(table) => Json(table.to_json()).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An indicator for staff: exact counts, within the caller's regions.
#[utoipa::path(get, path = "/api/v1/indicators/{name}", tag = "analytics",
    params(("name" = String, Path, description = "an indicator, e.g. departures (each is described at /indicators/{name})"), TableQuery),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn staff_indicator(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Query(q): Query<TableQuery>,
) -> Response {
    let regions = match indicators::staff_regions(&ctx.actor) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match answer(&st, &name, &q, Audience::Staff, regions.as_deref()).await {
        Ok(table) => Json(table.to_json()).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The public table as CSV (`{name}.csv`): codes, the value, and whether it was
/// suppressed; suppressed values are empty.
#[utoipa::path(get, path = "/api/v1/public/open-data/{file}", tag = "analytics",
    params(("file" = String, Path, description = "an indicator and .csv, e.g. departures.csv"), TableQuery),
    responses((status = 200, content_type = "text/csv"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn open_data_csv(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<TableQuery>,
) -> Response {
    let Some(name) = file.strip_suffix(".csv") else {
        return ServiceError::NotFound.into_response();
    };
    let table = match answer(&st, name, &q, Audience::Public, None).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let mut header: Vec<String> = table.dims.iter().map(|d| d.as_str().to_string()).collect();
    header.extend(["value".to_string(), "suppressed".to_string()]);
    let rows = table
        .lines
        .iter()
        .map(|l| {
            let mut row: Vec<export::Cell> =
                l.keys.iter().cloned().map(export::Cell::Text).collect();
            row.push(l.value().map_or(export::Cell::Empty, export::Cell::Number));
            row.push(export::Cell::Text(l.suppressed.to_string()));
            row
        })
        .collect();
    let sheet = export::Sheet {
        title: name.to_string(),
        header,
        rows,
    };
    export::download(&sheet, name, export::FileType::Csv)
}
