//! The audit log for administrators: a filterable page and the same list in the API.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;

use super::{Entry, Filter};
use crate::platform::access::Permission;
use crate::platform::api::{ListPage, PageParams, decode_cursor, paginate};
use crate::platform::clock::format_ms;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::page;
use crate::platform::web::layout::Page;
use crate::platform::web::routes::{Access, Route};

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/admin/audit", Access::Perm(Permission::ViewAudit)),
    Route::new("GET", "/api/v1/audit", Access::Perm(Permission::ViewAudit)),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(list_page))
        .route("/api/v1/audit", get(api_list))
}

const PAGE_SIZE: i64 = 100;

async fn entries(
    st: &AppState,
    ctx: &Ctx,
    filter: &Filter,
    limit: i64,
) -> ServiceResult<Vec<Entry>> {
    ctx.actor.require(Permission::ViewAudit)?;
    Ok(super::list(&st.db, filter, limit).await?)
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<Entry>,
    filter: Filter,
    older: Option<String>,
}

impl AuditPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }

    /// The link to the next (older) page, keeping the filters.
    fn older_href(&self, before: &str) -> String {
        let params = [
            ("actor", self.filter.actor.clone().unwrap_or_default()),
            ("action", self.filter.action.clone().unwrap_or_default()),
            (
                "target_id",
                self.filter.target_id.clone().unwrap_or_default(),
            ),
            ("before", before.to_string()),
        ];
        format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    }
}

async fn list_page(State(st): State<AppState>, ctx: Ctx, Query(filter): Query<Filter>) -> Response {
    let mut entries = match entries(&st, &ctx, &filter, PAGE_SIZE + 1).await {
        Ok(e) => e,
        Err(e) => return e.into_response(),
    };
    let older = (entries.len() as i64 > PAGE_SIZE).then(|| {
        entries.truncate(PAGE_SIZE as usize);
        entries
            .last()
            .map(|e| e.seq.to_string())
            .unwrap_or_default()
    });
    let title = ctx.tr.t("admin-audit-title");
    page(
        StatusCode::OK,
        AuditPage {
            page: Page::new(&ctx, &title),
            entries,
            filter,
            older,
        }
        .render(),
    )
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Actor's user id or part of their name.
    pub actor: Option<String>,
    /// An action or its prefix, e.g. `login.`.
    pub action: Option<String>,
    pub target_id: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(PageParams, AuditQuery),
    responses((status = 200, body = ListPage<Entry>), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem)))]
pub async fn api_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(page): Query<PageParams>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let before = match decode_cursor(page.cursor.as_deref()).map(|c| c.map(|c| c.parse::<i64>())) {
        Ok(None) => None,
        Ok(Some(Ok(seq))) => Some(seq),
        _ => return ServiceError::invalid("cursor", "err-cursor").into_response(),
    };
    let filter = Filter {
        actor: q.actor,
        action: q.action,
        target_id: q.target_id,
        before,
    };
    let limit = page.limit();
    match entries(&st, &ctx, &filter, limit + 1).await {
        Ok(list) => Json(paginate(list, limit, |e| e.seq.to_string())).into_response(),
        Err(e) => e.into_response(),
    }
}
