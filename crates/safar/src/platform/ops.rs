//! Operations endpoints (`/healthz`, `/readyz`, `/metrics`) and request metrics.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::web::AppState;
use super::web::routes::{Access, MatchedRoute, Route};

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/healthz", Access::Public),
    Route::new("GET", "/readyz", Access::Public),
    Route::new("GET", "/metrics", Access::Public),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process-wide recorder (a process has one; every app in it shares it).
fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            const BUCKETS: &[f64] = &[
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ];
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    BUCKETS,
                )
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = prometheus() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    metrics::gauge!("db_pool_connections").set(f64::from(state.db.pool.size()));
    metrics::gauge!("db_pool_idle_connections").set(state.db.pool.num_idle() as f64);
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

pub async fn record_metrics(req: Request, next: Next) -> Response {
    let _ = prometheus();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let route = response
        .extensions()
        .get::<MatchedRoute>()
        .map_or_else(|| "unmatched".to_string(), |r| r.0.clone());
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    /// The metrics `record_metrics` and `/metrics` export (keep in step with the code above).
    const EXPORTED: &[&str] = &[
        "http_requests_total",
        "http_request_duration_seconds",
        "db_pool_connections",
        "db_pool_idle_connections",
    ];

    /// An alert on a metric nobody exports never fires: every name the rules use must be
    /// one Safar exports (promtool, where installed, checks the rest of the file in CI).
    #[test]
    fn the_alert_rules_use_only_exported_metrics() {
        let rules = include_str!("../../../../ops/alerts.yml");
        assert!(!rules.contains('\t'), "YAML is indented with spaces");
        let alerts = rules.matches("- alert: ").count();
        assert!(alerts >= 5, "{alerts} alerts");
        assert_eq!(
            rules.matches("\n        expr: ").count(),
            alerts,
            "one expr per alert"
        );
        assert_eq!(
            rules.matches("severity: ").count(),
            alerts,
            "a severity per alert"
        );
        let mut used = 0;
        for expr in rules
            .lines()
            .filter_map(|l| l.trim().strip_prefix("expr: "))
        {
            for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if !(word.starts_with("http_") || word.starts_with("db_")) {
                    continue;
                }
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| word.strip_suffix(s))
                    .filter(|b| EXPORTED.contains(b))
                    .unwrap_or(word);
                assert!(EXPORTED.contains(&base), "{word} is not exported");
                used += 1;
            }
        }
        assert!(used > 0);
    }
}
