//! Analytics: the figures the agency, the regions, ministries and the public need —
//! departures and returns by month, region, district, destination, channel, sector and
//! gender, the share through official channels, PDO coverage, complaints per placement,
//! cases, reintegration and outreach — read from small pre-aggregated tables kept current in
//! the same transaction as each change (`rollup` for journeys, `facts` for the other
//! modules' records), suppressed for the public so no count under 5 is shown or can be
//! worked out from totals (`suppress`), drawn as SVG (`charts`) and exported as CSV and XLSX
//! (`export`). Analysts and the public only ever see aggregates. Other modules call
//! `rollup` and `facts::refresh`; never the tables.

pub mod api;
pub mod charts;
pub mod export;
pub mod facts;
pub mod indicators;
pub mod pages;
pub mod rollup;
pub mod suppress;

use axum::Router;
use axum::routing::get;

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

const VIEW: Access = Access::Perm(Permission::ViewAnalytics);

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/open-data", Access::Public),
    Route::new("GET", "/open-data/{file}", Access::Public).example("/open-data/export.xlsx"),
    Route::new("GET", "/indicators/{name}", Access::Public).example("/indicators/departures"),
    Route::new("GET", "/api/v1/public/indicators/{name}", Access::Public)
        .example("/api/v1/public/indicators/departures"),
    Route::new("GET", "/api/v1/public/open-data/{file}", Access::Public)
        .example("/api/v1/public/open-data/departures.csv"),
    Route::new("GET", "/analytics", VIEW),
    Route::new("GET", "/analytics/{file}", VIEW).example("/analytics/export.csv"),
    Route::new("GET", "/api/v1/indicators/{name}", VIEW).example("/api/v1/indicators/departures"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open-data", get(pages::public))
        .route("/open-data/{file}", get(pages::public_export))
        .route("/indicators/{name}", get(pages::definition))
        .route(
            "/api/v1/public/indicators/{name}",
            get(api::public_indicator),
        )
        .route("/api/v1/public/open-data/{file}", get(api::open_data_csv))
        .route("/analytics", get(pages::staff))
        .route("/analytics/{file}", get(pages::staff_export))
        .route("/api/v1/indicators/{name}", get(api::staff_indicator))
}
