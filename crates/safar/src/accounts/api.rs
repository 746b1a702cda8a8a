//! Accounts in the JSON API.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::service::{self, NewStaff};
use super::store::UserSummary;
use crate::platform::api::{ListPage, PageParams, decode_cursor, paginate};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: Option<String>,
    pub display_name: String,
    /// Role grants as `role` or `role@kind:value`.
    pub roles: Vec<String>,
    /// The locale the server chose for this request (uz-Latn, uz-Cyrl, ru, en).
    pub locale: String,
}

/// Who the token (or session) acts as.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = crate::platform::api::Problem)))]
pub async fn me(ctx: Ctx) -> Json<Me> {
    let roles = ctx
        .actor
        .grants
        .iter()
        .map(|g| {
            g.scope
                .as_ref()
                .map_or(g.role.to_string(), |s| format!("{}@{s}", g.role))
        })
        .collect();
    Json(Me {
        id: ctx.actor.user_id().map(str::to_string),
        display_name: ctx.actor.label(),
        roles,
        locale: ctx.locale().tag().to_string(),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserSearch {
    /// Part of a name, e-mail or phone.
    pub q: Option<String>,
}

/// Users, newest first.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(PageParams, UserSearch),
    responses((status = 200, body = ListPage<UserSummary>), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem)))]
pub async fn list_users(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(page): Query<PageParams>,
    Query(search): Query<UserSearch>,
) -> Response {
    let Ok(before) = decode_cursor(page.cursor.as_deref()) else {
        return ServiceError::invalid("cursor", "err-cursor").into_response();
    };
    let limit = page.limit();
    match service::list_users(
        &st.db,
        &ctx.actor,
        search.q.as_deref(),
        before.as_deref(),
        limit + 1,
    )
    .await
    {
        Ok(users) => Json(paginate(users, limit, |u| u.id.clone())).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    /// One of the roles, e.g. `operator`.
    pub role: String,
    /// Optional scope such as `region:UZ-SA`.
    #[serde(default)]
    pub scope: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// Creates an account with one role grant.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = Created), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 422, body = crate::platform::api::Problem)))]
pub async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewUser>,
) -> Response {
    let staff = NewStaff {
        email: body.email,
        display_name: body.display_name,
        role: body.role,
        scope: body.scope,
        password: body.password,
    };
    match service::create_user(&st.db, &st.clock, &ctx.actor, &staff).await {
        Ok(id) => (StatusCode::CREATED, Json(Created { id })).into_response(),
        Err(e) => e.into_response(),
    }
}
