//! Every request gets a `Ctx`: who is acting (from an API token or the session), in which
//! language, from which address. Handlers take it as an extractor; services take its Actor.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use tower_sessions::Session;

use super::AppState;
use super::errors::problem;
use crate::accounts;
use crate::platform::access::{Actor, RequestMeta};
use crate::platform::auth::sessions::{self as auth_sessions, SessionCheck};
use crate::platform::i18n::{Locale, Tr};

#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: Actor,
    pub tr: Tr,
    /// The path and query of this request (for `?lang=` links and `next=` after login).
    pub path: String,
    /// The server refuses changes (`--read-only`); every page says so.
    pub read_only: bool,
}

impl Ctx {
    pub fn locale(&self) -> Locale {
        self.tr.locale
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The language: `?lang=` (remembered in a cookie), then the cookie, then Accept-Language.
pub fn negotiate_locale(uri: &http::Uri, headers: &HeaderMap) -> (Locale, bool) {
    if let Some(locale) = query_param(uri, "lang").and_then(|l| Locale::from_tag(&l)) {
        return (locale, true);
    }
    if let Some(locale) = cookie(headers, "lang").and_then(|l| Locale::from_tag(&l)) {
        return (locale, false);
    }
    let accept = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (
        Locale::from_accept_language(accept).unwrap_or_default(),
        false,
    )
}

pub fn query_param(uri: &http::Uri, name: &str) -> Option<String> {
    let query = uri.query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn client_ip(req: &Request, state: &AppState) -> String {
    if state.config.trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        if let Some(first) = forwarded.and_then(|v| v.split(',').next()) {
            return first.trim().to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string())
}

pub async fn establish(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (locale, remember) = negotiate_locale(req.uri(), req.headers());
    let meta = RequestMeta {
        ip: client_ip(&req, &state),
        request_id: req
            .headers()
            .get(super::REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
    };
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let session = req.extensions().get::<Session>().cloned();
    let actor = match resolve_actor(&state, bearer, session, meta).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let ctx = Ctx {
        actor,
        tr: Tr::new(locale),
        path,
        read_only: state.config.read_only,
    };
    req.extensions_mut().insert(ctx.clone());
    let mut response = next.run(req).await;
    if remember {
        let value = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.tag()
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    // The error renderer (outside this layer) uses it to draw a localised page shell.
    response.extensions_mut().insert(ctx);
    response
}

async fn resolve_actor(
    state: &AppState,
    bearer: Option<String>,
    session: Option<Session>,
    meta: RequestMeta,
) -> Result<Actor, Response> {
    if let Some(header) = bearer {
        let token = header.strip_prefix("Bearer ").unwrap_or_default().trim();
        return match accounts::actor_for_token(&state.db, &state.clock, token, meta).await {
            Ok(Some(actor)) => Ok(actor),
            Ok(None) => Err(problem(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                Tr::default(),
            )),
            Err(e) => Err(internal(e)),
        };
    }
    let Some(session) = session else {
        return Ok(Actor::anonymous(meta));
    };
    match auth_sessions::check(&session, &state.clock).await {
        SessionCheck::Anonymous => Ok(Actor::anonymous(meta)),
        SessionCheck::User(user_id) => {
            match accounts::actor_for_user(&state.db, &user_id, meta.clone()).await {
                Ok(Some(actor)) => Ok(actor),
                Ok(None) => {
                    // Disabled or removed since the session began.
                    let _ = session.flush().await;
                    Ok(Actor::anonymous(meta))
                }
                Err(e) => Err(internal(e)),
            }
        }
    }
}

fn internal(e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "could not resolve the actor");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}
