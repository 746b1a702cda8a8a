//! Guidance in the JSON API: the public portal (fixed interface) and the editors' workflow.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::model::DiffLine;
use super::service::{self, ArticleInput, Revision, StepInput};
use super::store::{Article, Listed, Text};
use crate::platform::api::Problem;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Words in any script: a Latin query finds Cyrillic text and the reverse.
    #[serde(default)]
    pub q: String,
    /// `uz-Latn`, `uz-Cyrl`, `ru` or `en`; all languages when absent.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub items: Vec<Listed>,
}

/// Searches the published guidance (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/guidance", tag = "guidance", params(SearchQuery),
    responses((status = 200, body = SearchResult), (status = 422, body = Problem)))]
pub async fn search(State(st): State<AppState>, Query(q): Query<SearchQuery>) -> Response {
    match service::search(&st.db, &q.q, q.lang.as_deref()).await {
        Ok(items) => Json(SearchResult { items }).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct LangQuery {
    /// `uz-Latn` (default), `uz-Cyrl`, `ru` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// One published article in a language (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/guidance/{slug}", tag = "guidance",
    params(("slug" = String, Path), LangQuery),
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn public_article(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = match service::lang_of(q.lang.as_deref()) {
        Ok(l) => l.unwrap_or("uz-Latn"),
        Err(e) => return e.into_response(),
    };
    match service::public_article(&st.db, &slug, lang).await {
        Ok((a, t)) => Json(json!({
            "slug": a.slug, "topic": a.topic, "destination": a.destination,
            "version": a.published_version, "lang": t.lang, "title": t.title, "body": t.body,
        }))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Every article with its workflow state (writers and editors).
#[utoipa::path(get, path = "/api/v1/guidance", tag = "guidance",
    responses((status = 200, body = crate::platform::api::Items<crate::guidance::store::Article>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn all(State(st): State<AppState>, ctx: Ctx) -> Response {
    match service::all(&st.db, &ctx.actor).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Writes a new article as a draft.
#[utoipa::path(post, path = "/api/v1/guidance", tag = "guidance", request_body = ArticleInput,
    responses((status = 201, body = Article), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<ArticleInput>,
) -> Response {
    match service::create(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(a) => (StatusCode::CREATED, Json(a)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A version number; the latest when absent.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Editing {
    pub article: Article,
    pub version: i64,
    pub texts: Vec<Text>,
}

/// An article and the texts of one version (writers and editors).
#[utoipa::path(get, path = "/api/v1/guidance/{slug}", tag = "guidance",
    params(("slug" = String, Path), VersionQuery),
    responses((status = 200, body = Editing), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn read(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Response {
    match service::for_editing(&st.db, &ctx.actor, &slug, q.version).await {
        Ok((article, texts)) => Json(Editing {
            version: q.version.unwrap_or(article.version),
            article,
            texts,
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Writes the next version of an article, as a draft (`version`: the one revised).
#[utoipa::path(put, path = "/api/v1/guidance/{slug}", tag = "guidance", params(("slug" = String, Path)),
    request_body = Revision,
    responses((status = 200, body = Article), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Json(body): Json<Revision>,
) -> Response {
    match service::revise(&st.db, &st.clock, &ctx.actor, &slug, &body).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A workflow step: `submit`, `publish`, `reject` (with a note) or `archive`.
#[utoipa::path(post, path = "/api/v1/guidance/{slug}/actions/{action}", tag = "guidance",
    params(("slug" = String, Path), ("action" = String, Path)), request_body = StepInput,
    responses((status = 200, body = Article), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((slug, action)): Path<(String, String)>,
    Json(body): Json<StepInput>,
) -> Response {
    match service::step(&st.db, &st.clock, &ctx.actor, &slug, &action, &body).await {
        Ok(a) => Json(a).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct DiffQuery {
    pub from: i64,
    pub to: i64,
    /// `uz-Latn` (default), `uz-Cyrl`, `ru` or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// What changed between two versions in one language, line by line.
#[utoipa::path(get, path = "/api/v1/guidance/{slug}/diff", tag = "guidance",
    params(("slug" = String, Path), DiffQuery),
    responses((status = 200, body = Vec<DiffLine>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
pub async fn diff(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Response {
    let lang = q.lang.unwrap_or_else(|| "uz-Latn".into());
    match service::diff(&st.db, &ctx.actor, &slug, q.from, q.to, &lang).await {
        Ok(lines) => Json(json!({ "lines": lines })).into_response(),
        Err(e) => e.into_response(),
    }
}
