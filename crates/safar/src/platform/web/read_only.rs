//! Continuity mode (`safar serve --read-only`): when an operator's contract ends or the
//! database is being moved, citizens and staff can still look everything up — a worker
//! abroad their case, a trainee their certificate — while nothing is changed.
//!
//! Every request that could change a record is refused with 503 (a localised page, or
//! problem+json `urn:safar:problem:read-only` under `/api/`). Signing in and out stay open:
//! they touch only sessions, and staff reads of personal data are still written to the
//! audit log, because a read is accountable in any mode.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{Method, StatusCode};

use super::AppState;
use super::errors::error_with;

/// The only changes a read-only server accepts: sessions.
const SIGN_IN_AND_OUT: &[&str] = &["/login", "/login/totp", "/logout"];

pub async fn refuse_changes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !state.config.read_only || reads || SIGN_IN_AND_OUT.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    error_with(
        StatusCode::SERVICE_UNAVAILABLE,
        "read-only",
        "read-only-refused",
    )
}
