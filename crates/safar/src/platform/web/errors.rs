//! One place turns every error response into what the client can read: a localised HTML
//! page for browsers, `application/problem+json` (RFC 9457) for `/api/…`. It also catches
//! the plain-text rejections of axum's extractors (bad form, bad JSON, body too large), so
//! no client ever sees an internal message.

use askama::Template;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use serde_json::json;

use super::context::{Ctx, negotiate_locale};
use super::layout::Page;
use crate::platform::access::{Actor, RequestMeta};
use crate::platform::error::FieldError;
use crate::platform::i18n::Tr;

/// Marks a response whose body is final (a form re-displayed with its errors, say).
#[derive(Clone, Copy, Debug)]
pub struct Rendered;

/// What the renderer needs to explain an error. `slug` is the stable problem `type`.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub slug: &'static str,
    /// Message id overriding the status's default explanation.
    pub message: Option<&'static str>,
    pub fields: Vec<FieldError>,
}

impl ErrorInfo {
    pub fn for_status(status: StatusCode) -> Self {
        ErrorInfo {
            slug: slug(status),
            message: None,
            fields: vec![],
        }
    }
}

fn slug(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "too-large",
        415 => "unsupported-media-type",
        422 => "invalid",
        429 => "too-many-requests",
        503 => "unavailable",
        _ => "internal",
    }
}

/// The message id family for a status: `error-404-title`, `error-404-body`, …
fn message_base(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 415 => "error-400",
        401 => "error-401",
        403 => "error-403",
        404 => "error-404",
        405 => "error-405",
        408 => "error-408",
        409 => "error-409",
        413 => "error-413",
        422 => "error-422",
        429 => "error-429",
        503 => "error-503",
        _ => "error-500",
    }
}

pub fn problem_type(slug: &str) -> String {
    format!("urn:safar:problem:{slug}")
}

/// A problem+json response built directly (before a `Ctx` exists).
pub fn problem(status: StatusCode, slug: &'static str, tr: Tr) -> Response {
    let info = ErrorInfo {
        slug,
        message: None,
        fields: vec![],
    };
    problem_body(status, &info, tr)
}

fn problem_body(status: StatusCode, info: &ErrorInfo, tr: Tr) -> Response {
    let base = message_base(status);
    let detail = tr.t(info.message.unwrap_or(&format!("{base}-body")));
    let mut body = json!({
        "type": problem_type(info.slug),
        "title": tr.t(&format!("{base}-title")),
        "status": status.as_u16(),
        "detail": detail,
    });
    if !info.fields.is_empty() {
        body["errors"] = info
            .fields
            .iter()
            .map(|f| json!({ "field": f.field, "message": tr.t(f.message) }))
            .collect();
    }
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response.extensions_mut().insert(Rendered);
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    body: String,
    fields: Vec<String>,
}

fn html_body(status: StatusCode, info: &ErrorInfo, ctx: &Ctx) -> Response {
    let base = message_base(status);
    let tr = ctx.tr;
    let page = Page::new(ctx, &tr.t(&format!("{base}-title")));
    let body = tr.t(info.message.unwrap_or(&format!("{base}-body")));
    let fields = info.fields.iter().map(|f| tr.t(f.message)).collect();
    let html = ErrorPage {
        page,
        status: status.as_u16(),
        body,
        fields,
    }
    .render()
    .unwrap_or_default();
    let mut response = (status, Html(html)).into_response();
    response.extensions_mut().insert(Rendered);
    response
}

pub async fn render(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let (locale, _) = negotiate_locale(req.uri(), req.headers());
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Rendered>().is_some()
    {
        return response;
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| ErrorInfo::for_status(status));
    let ctx = response
        .extensions()
        .get::<Ctx>()
        .cloned()
        .unwrap_or_else(|| Ctx {
            actor: Actor::anonymous(RequestMeta::default()),
            tr: Tr::new(locale),
            path,
            read_only: false,
        });
    let keep = [
        http::header::RETRY_AFTER,
        http::header::ALLOW,
        http::header::SET_COOKIE,
        http::header::LOCATION,
    ];
    let matched_route = response
        .extensions()
        .get::<super::routes::MatchedRoute>()
        .cloned();
    let kept: Vec<_> = keep
        .iter()
        .flat_map(|h| {
            response
                .headers()
                .get_all(h)
                .iter()
                .map(move |v| (h.clone(), v.clone()))
        })
        .collect();
    let mut fresh = if is_api {
        problem_body(status, &info, ctx.tr)
    } else {
        html_body(status, &info, &ctx)
    };
    fresh.headers_mut().remove(CONTENT_LENGTH);
    for (name, value) in kept {
        fresh.headers_mut().append(name, value);
    }
    // The metrics count errors under their route too (alerts on a route's errors need it).
    if let Some(route) = matched_route {
        fresh.extensions_mut().insert(route);
    }
    fresh
}

pub async fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Adds a stable explanation to an error status (e.g. a CSRF refusal).
pub fn error_with(status: StatusCode, slug: &'static str, message: &'static str) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorInfo {
        slug,
        message: Some(message),
        fields: vec![],
    });
    response
}
