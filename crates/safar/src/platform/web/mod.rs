//! The web shell: state, routing, the middleware stack, page layout and error pages.

pub mod assets;
pub mod context;
pub mod csrf;
pub mod errors;
pub mod forms;
pub mod glass;
pub mod home;
pub mod layout;
pub mod read_only;
pub mod routes;
pub mod security;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::auth::sessions::SqlSessionStore;
use super::clock::Clock;
use super::config::WebConfig;
use super::crypto::DataKeys;
use super::db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub config: Arc<WebConfig>,
    pub keys: Arc<DataKeys>,
    /// The public register in memory, answering the public licence check.
    pub register: Arc<crate::recruiters::register::Cache>,
    /// Signs PDO certificates; its public halves are published.
    pub signing: Arc<super::signing::SigningKeys>,
    /// Rate limits and tallies of public lookups (this server's; see `platform::usage`).
    pub usage: Arc<super::usage::Usage>,
}

impl AppState {
    /// What the people module's services need.
    pub fn people(&self) -> crate::people::service::Deps<'_> {
        crate::people::service::Deps {
            db: &self.db,
            clock: &self.clock,
            keys: &self.keys,
        }
    }

    /// What the PDO module's services need.
    pub fn pdo(&self) -> crate::pdo::service::Deps<'_> {
        crate::pdo::service::Deps {
            db: &self.db,
            clock: &self.clock,
            signing: &self.signing,
        }
    }
}

pub const REQUEST_ID: &str = "x-request-id";

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(home::router())
        .merge(assets::router())
        .merge(super::ops::router())
        .merge(super::api::router())
        .merge(crate::accounts::router())
        .merge(super::audit::pages::router())
        .merge(crate::reference::router())
        .merge(crate::people::router())
        .merge(crate::recruiters::router())
        .merge(crate::vacancies::router())
        .merge(crate::pdo::router())
        .merge(crate::cases::router())
        .merge(crate::guidance::router())
        .merge(crate::finance::router())
        .merge(crate::outreach::router())
        .merge(crate::reintegration::router())
        .merge(crate::analytics::router())
        .route_layer(from_fn(routes::guard))
        .fallback(errors::not_found);

    let sessions =
        SessionManagerLayer::new(SqlSessionStore::new(state.db.clone(), state.clock.clone()))
            .with_name(if state.config.is_tls() {
                "__Host-safar_session"
            } else {
                "safar_session"
            })
            .with_secure(state.config.is_tls())
            .with_http_only(true)
            .with_same_site(tower_sessions::cookie::SameSite::Lax)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(30)));

    let request_id = http::HeaderName::from_static(REQUEST_ID);
    routes
        // Inside `establish`, so a refusal is rendered in the visitor's language.
        .layer(from_fn_with_state(state.clone(), read_only::refuse_changes))
        .layer(from_fn_with_state(state.clone(), context::establish))
        .layer(sessions)
        .layer(from_fn(csrf::refuse_cross_site))
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(state.config.request_timeout_secs),
        ))
        .layer(from_fn(errors::render))
        .layer(CompressionLayer::new())
        .layer(from_fn(security::headers))
        .layer(from_fn(super::ops::record_metrics))
        .layer(TraceLayer::new_for_http().make_span_with(security::span_with_request_id))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}
