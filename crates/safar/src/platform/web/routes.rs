//! The route table: every route with the access it needs. The guard below enforces it
//! before any handler runs (services check again, with scope), and a generated test walks
//! every route × role. A route missing from the table is refused, so forgetting to list
//! one fails closed and fails the tests.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{Method, StatusCode};

use super::context::Ctx;
use super::errors::problem;
use crate::platform::access::Permission;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Perm(Permission),
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// A concrete path for routes with parameters, used by the route-walking test.
    pub example: &'static str,
}

impl Route {
    pub const fn new(method: &'static str, path: &'static str, access: Access) -> Self {
        Route {
            method,
            path,
            access,
            example: path,
        }
    }

    pub const fn example(mut self, example: &'static str) -> Self {
        self.example = example;
        self
    }
}

/// Every route of the application.
pub fn all() -> Vec<&'static Route> {
    [
        super::home::ROUTES,
        super::assets::ROUTES,
        crate::platform::ops::ROUTES,
        crate::platform::api::ROUTES,
        crate::accounts::ROUTES,
        crate::platform::audit::pages::ROUTES,
        crate::reference::ROUTES,
        crate::people::ROUTES,
        crate::recruiters::ROUTES,
        crate::vacancies::ROUTES,
        crate::pdo::ROUTES,
        crate::cases::ROUTES,
        crate::guidance::ROUTES,
        crate::finance::ROUTES,
        crate::outreach::ROUTES,
        crate::reintegration::ROUTES,
        crate::analytics::ROUTES,
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn find(method: &Method, path: &str) -> Option<&'static Route> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    all()
        .into_iter()
        .find(|r| r.method == method && r.path == path)
}

/// What staff may still reach while the administrator's setting obliges them to enrol TOTP.
const ALLOWED_BEFORE_MFA: &[&str] = &[
    "/account/totp",
    "/logout",
    "/static/app.css",
    "/static/app.js",
    "/favicon.ico",
];

/// Which route answered, for metrics (set on the response by the guard).
#[derive(Clone, Debug)]
pub struct MatchedRoute(pub String);

pub async fn guard(req: Request, next: Next) -> Response {
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let Some(route) = find(req.method(), &matched) else {
        return method_not_in_table(req.method(), &matched);
    };
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let allowed = match route.access {
        Access::Public => true,
        Access::SignedIn => ctx.actor.is_signed_in(),
        Access::Perm(p) => ctx.actor.holds(p),
    };
    let must_enrol = ctx.actor.must_enrol_mfa && !ALLOWED_BEFORE_MFA.contains(&route.path);
    let mut response = if allowed && must_enrol {
        Redirect::to("/account/totp").into_response()
    } else if allowed {
        next.run(req).await
    } else if !ctx.actor.is_signed_in() {
        refuse_anonymous(&req, &ctx)
    } else {
        StatusCode::FORBIDDEN.into_response()
    };
    response.extensions_mut().insert(MatchedRoute(matched));
    response
}

/// A method the table does not list for a known path: refuse it without running any handler
/// (fail closed), as 405 with the methods the table does list.
fn method_not_in_table(method: &Method, path: &str) -> Response {
    let allowed: Vec<&str> = all()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.method)
        .collect();
    if allowed.is_empty() {
        tracing::error!(path, %method, "route is missing from the route table");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let allow = allowed.join(", ");
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(http::header::ALLOW, allow)],
    )
        .into_response()
}

/// Pages send a visitor to the login form (and back afterwards); the API answers 401.
fn refuse_anonymous(req: &Request, ctx: &Ctx) -> Response {
    if req.uri().path().starts_with("/api/") {
        return problem(StatusCode::UNAUTHORIZED, "unauthenticated", ctx.tr);
    }
    let next: String = url_encode(&ctx.path);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// A `next=` target is followed only when it is a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}
