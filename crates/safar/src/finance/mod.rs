//! Finance: what it costs to send money home and how to plan the money of a stay abroad.
//! The remittance comparison ranks providers by total cost (fee plus exchange-rate margin)
//! from dated, sourced quotes that staff enter or import; the budget planner shows what can
//! be saved and when a goal is reached. The PDO financial-literacy module links here.
//! Other modules call `service`; never the tables.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::platform::access::Permission;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

/// A CSV file and the multipart envelope around it.
const IMPORT_LIMIT: usize = service::MAX_IMPORT_BYTES + 64 * 1024;

const MANAGE: Access = Access::Perm(Permission::ManageQuotes);

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/money", Access::Public),
    Route::new("GET", "/money/plan", Access::Public),
    Route::new("GET", "/api/v1/public/remittance-quotes", Access::Public),
    Route::new("GET", "/api/v1/public/budget-plan", Access::Public),
    Route::new("GET", "/money/quotes", MANAGE),
    Route::new("POST", "/money/quotes", MANAGE),
    Route::new("POST", "/money/quotes/import", MANAGE),
    Route::new("POST", "/money/quotes/{id}/withdraw", MANAGE)
        .example("/money/quotes/no-such-quote/withdraw"),
    Route::new("GET", "/api/v1/remittance-quotes", MANAGE),
    Route::new("POST", "/api/v1/remittance-quotes", MANAGE),
    Route::new("POST", "/api/v1/remittance-quotes/import", MANAGE),
    Route::new("POST", "/api/v1/remittance-quotes/{id}/withdraw", MANAGE)
        .example("/api/v1/remittance-quotes/no-such-quote/withdraw"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/money", get(pages::compare))
        .route("/money/plan", get(pages::plan))
        .route("/api/v1/public/remittance-quotes", get(api::compare))
        .route("/api/v1/public/budget-plan", get(api::plan))
        .route("/money/quotes", get(pages::quotes).post(pages::add))
        .route(
            "/money/quotes/import",
            post(pages::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/money/quotes/{id}/withdraw", post(pages::withdraw))
        .route("/api/v1/remittance-quotes", get(api::list).post(api::add))
        .route(
            "/api/v1/remittance-quotes/import",
            post(api::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/api/v1/remittance-quotes/{id}/withdraw",
            post(api::withdraw),
        )
}
