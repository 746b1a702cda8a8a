//! Accounts: users, role grants, sign-in, registration, API tokens.
//! Other modules use `actor_for_user` / `actor_for_token` (via the web context) and nothing else.

pub mod api;
pub mod mfa;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::access::{Actor, Permission, Principal, RequestMeta};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::ids::sha256_hex;
use crate::platform::settings;
use crate::platform::web::AppState;
use crate::platform::web::routes::{Access, Route};

pub const ROUTES: &[Route] = &[
    Route::new("GET", "/login", Access::Public),
    Route::new("POST", "/login", Access::Public),
    Route::new("POST", "/logout", Access::Public),
    Route::new("GET", "/register", Access::Public),
    Route::new("POST", "/register", Access::Public),
    Route::new("GET", "/login/totp", Access::Public),
    Route::new("POST", "/login/totp", Access::Public),
    Route::new("GET", "/account", Access::SignedIn),
    Route::new("GET", "/account/totp", Access::SignedIn),
    Route::new("POST", "/account/totp", Access::SignedIn),
    Route::new(
        "GET",
        "/admin/settings",
        Access::Perm(Permission::ManageSettings),
    ),
    Route::new(
        "POST",
        "/admin/settings",
        Access::Perm(Permission::ManageSettings),
    ),
    Route::new("GET", "/admin/users", Access::Perm(Permission::ManageUsers)),
    Route::new(
        "GET",
        "/admin/users/new",
        Access::Perm(Permission::ManageUsers),
    ),
    Route::new(
        "POST",
        "/admin/users",
        Access::Perm(Permission::ManageUsers),
    ),
    Route::new(
        "POST",
        "/admin/users/disable",
        Access::Perm(Permission::ManageUsers),
    ),
    Route::new(
        "GET",
        "/admin/tokens",
        Access::Perm(Permission::ManageTokens),
    ),
    Route::new(
        "POST",
        "/admin/tokens",
        Access::Perm(Permission::ManageTokens),
    ),
    Route::new(
        "POST",
        "/admin/tokens/{id}/revoke",
        Access::Perm(Permission::ManageTokens),
    )
    .example("/admin/tokens/00000000-0000-0000-0000-000000000000/revoke"),
    Route::new("GET", "/api/v1/me", Access::SignedIn),
    Route::new(
        "GET",
        "/api/v1/users",
        Access::Perm(Permission::ManageUsers),
    ),
    Route::new(
        "POST",
        "/api/v1/users",
        Access::Perm(Permission::ManageUsers),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/register", get(pages::register_form).post(pages::register))
        .route("/login/totp", get(mfa::code_form).post(mfa::check_code))
        .route("/account", get(pages::account))
        .route("/account/totp", get(mfa::enrol_form).post(mfa::enrol))
        .route(
            "/admin/settings",
            get(mfa::settings_form).post(mfa::save_settings),
        )
        .route("/admin/users", get(pages::users).post(pages::create_user))
        .route("/admin/users/new", get(pages::new_user_form))
        .route("/admin/users/disable", post(pages::disable_user))
        .route(
            "/admin/tokens",
            get(pages::tokens).post(pages::create_token),
        )
        .route("/admin/tokens/{id}/revoke", post(pages::revoke_token))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/users", get(api::list_users).post(api::create_user))
}

/// The actor for a signed-in user, or `None` when the account is gone or disabled.
pub async fn actor_for_user(
    db: &Db,
    user_id: &str,
    meta: RequestMeta,
) -> Result<Option<Actor>, sqlx::Error> {
    let Some(user) = store::find_by_id(db, user_id).await? else {
        return Ok(None);
    };
    if user.status != model::UserStatus::Active.as_str() {
        return Ok(None);
    }
    let grants = store::grants_of(db, user_id).await?;
    let staff = grants.iter().any(|g| g.role.is_staff());
    let must_enrol_mfa =
        staff && !user.totp_enabled && settings::flag(db, settings::MFA_REQUIRED_FOR_STAFF).await?;
    Ok(Some(Actor {
        principal: Principal::User {
            id: user.id,
            display_name: user.display_name,
        },
        token_id: None,
        grants,
        meta,
        must_enrol_mfa,
    }))
}

/// The actor an API token acts as: its user's roles and scopes.
pub async fn actor_for_token(
    db: &Db,
    clock: &Clock,
    token: &str,
    meta: RequestMeta,
) -> Result<Option<Actor>, sqlx::Error> {
    if token.is_empty() || token.len() > 200 {
        return Ok(None);
    }
    let Some(owner) = store::token_owner(db, &sha256_hex(token.as_bytes())).await? else {
        return Ok(None);
    };
    let now = clock.now_ms();
    // Record use at most once a minute: reads should not write on every call.
    if owner.last_used_at.is_none_or(|t| now - t > 60_000) {
        store::touch_token(db, &owner.token_id, now).await?;
    }
    // Tokens are issued by an administrator to a system, not typed by a person: no second
    // factor, so the MFA setting is not read.
    Ok(Some(Actor {
        principal: Principal::User {
            id: owner.user_id,
            display_name: owner.display_name,
        },
        token_id: Some(owner.token_id),
        grants: owner.grants,
        meta,
        must_enrol_mfa: false,
    }))
}

/// Part of a person's anonymisation: the account loses its identifiers, is disabled and
/// signed out everywhere. Runs in the caller's transaction.
pub async fn anonymise_account(
    tx: &mut crate::platform::db::Tx,
    user_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    store::anonymise(tx, user_id, now_ms).await?;
    crate::platform::auth::sessions::end_all_for_user(tx, user_id).await?;
    Ok(())
}
