//! Cross-site request forgery: a state-changing request must come from our own pages.
//! Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`); we refuse any
//! other site. Clients that send neither header (curl, API integrations) are not
//! browsers, so they cannot be tricked into carrying a victim's cookie.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HOST, ORIGIN};
use http::{Method, StatusCode};

use super::errors::error_with;

pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe || is_same_site(&req) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
    error_with(StatusCode::FORBIDDEN, "cross-site-request", "error-csrf")
}

fn is_same_site(req: &Request) -> bool {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
    };
    if let Some(site) = header(http::HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin" || site == "none";
    }
    match header(ORIGIN) {
        None => true,
        Some(origin) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'));
            origin_host.is_some() && origin_host == header(HOST)
        }
    }
}
