//! Account pages: sign in, sign out, register, own account, and the admin pages for users and tokens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::header::RETRY_AFTER;
use serde::Deserialize;
use tower_sessions::Session;

use super::service::{self, LoginError, NewStaff, Registration};
use super::store::{TokenSummary, UserSummary};
use crate::platform::access::Role;
use crate::platform::auth::sessions;
use crate::platform::clock::format_ms;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::platform::web::routes::{safe_next, url_encode};

// --- sign in -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct NextParam {
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextParam>) -> Response {
    let next = safe_next(q.next.as_deref());
    if ctx.actor.is_signed_in() {
        return Redirect::to(&next).into_response();
    }
    let title = ctx.tr.t("login-title");
    page(
        StatusCode::OK,
        LoginPage {
            page: Page::new(&ctx, &title),
            email: String::new(),
            next,
            errors: FormErrors::none(ctx.tr),
        }
        .render(),
    )
}

pub async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match service::login(
        &st.db,
        &st.clock,
        &ctx.actor.meta,
        &form.email,
        &form.password,
    )
    .await
    {
        Ok(signed_in) if signed_in.needs_second_factor => {
            let started = sessions::begin_second_factor(
                &session,
                &st.clock,
                &signed_in.user_id,
                signed_in.staff,
            );
            match started.await {
                Ok(()) => {
                    Redirect::to(&format!("/login/totp?next={}", url_encode(&next))).into_response()
                }
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Ok(signed_in) => {
            match sessions::begin(&session, &st.clock, &signed_in.user_id, signed_in.staff).await {
                Ok(()) => Redirect::to(&next).into_response(),
                Err(e) => {
                    tracing::error!(error = %e, "could not start a session");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
        Err(error) => {
            let (status, message) = match error {
                LoginError::Invalid => (StatusCode::UNAUTHORIZED, "login-failed"),
                LoginError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
            };
            let errors = FormErrors::new(ctx.tr, vec![FieldError { field: "", message }]);
            let title = ctx.tr.t("login-title");
            let html = LoginPage {
                page: Page::new(&ctx, &title),
                email: form.email,
                next,
                errors,
            }
            .render();
            let mut response = page(status, html);
            if status == StatusCode::TOO_MANY_REQUESTS {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, http::HeaderValue::from_static("60"));
            }
            response
        }
    }
}

pub async fn logout(State(st): State<AppState>, ctx: Ctx, session: Session) -> Response {
    if let Err(e) = service::logout_audit(&st.db, &st.clock, &ctx.actor).await {
        return e.into_response();
    }
    // Deletes the session row: the old cookie is worthless from now on.
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "could not end a session");
    }
    Redirect::to("/").into_response()
}

// --- register ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    page: Page,
    email: String,
    display_name: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn register_form(ctx: Ctx) -> Response {
    let title = ctx.tr.t("register-title");
    let html = RegisterPage {
        page: Page::new(&ctx, &title),
        email: String::new(),
        display_name: String::new(),
        errors: FormErrors::none(ctx.tr),
    };
    page(StatusCode::OK, html.render())
}

pub async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(form): Form<RegisterForm>,
) -> Response {
    let registration = Registration {
        login: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password,
        password_confirm: form.password_confirm,
    };
    match service::register_citizen(&st.db, &st.clock, &ctx.actor, &registration).await {
        Ok(user_id) => match sessions::begin(&session, &st.clock, &user_id, false).await {
            Ok(()) => Redirect::to("/").into_response(),
            Err(_) => Redirect::to("/login").into_response(),
        },
        Err(ServiceError::Invalid(errors)) => {
            let title = ctx.tr.t("register-title");
            let errors = FormErrors::new(ctx.tr, errors);
            let html = RegisterPage {
                page: Page::new(&ctx, &title),
                email: form.email,
                display_name: form.display_name,
                errors,
            };
            page(StatusCode::UNPROCESSABLE_ENTITY, html.render())
        }
        Err(e) => e.into_response(),
    }
}

// --- own account ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: Page,
    roles: Vec<String>,
}

pub async fn account(ctx: Ctx) -> Response {
    let roles = ctx
        .actor
        .grants
        .iter()
        .map(|g| {
            let role = ctx.tr.t(&format!("role-{}", g.role));
            g.scope
                .as_ref()
                .map_or(role.clone(), |s| format!("{role} ({s})"))
        })
        .collect();
    let title = ctx.tr.t("account-title");
    page(
        StatusCode::OK,
        AccountPage {
            page: Page::new(&ctx, &title),
            roles,
        }
        .render(),
    )
}

// --- admin: users --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserSummary>,
    q: String,
    next_before: Option<String>,
    notice: String,
}

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    q: Option<String>,
    before: Option<String>,
    notice: Option<String>,
}

const PAGE_SIZE: i64 = 50;

pub async fn users(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(query): Query<UsersQuery>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let mut users = match service::list_users(
        &st.db,
        &ctx.actor,
        Some(&q),
        query.before.as_deref(),
        PAGE_SIZE + 1,
    )
    .await
    {
        Ok(users) => users,
        Err(e) => return e.into_response(),
    };
    let next_before = (users.len() as i64 > PAGE_SIZE).then(|| {
        users.truncate(PAGE_SIZE as usize);
        users.last().map(|u| u.id.clone()).unwrap_or_default()
    });
    // Only messages we know are shown: the parameter cannot inject text.
    let notice = match query.notice.as_deref() {
        Some("created") => ctx.tr.t("user-created"),
        Some("disabled") => ctx.tr.t("user-disabled"),
        _ => String::new(),
    };
    let title = ctx.tr.t("admin-users-title");
    page(
        StatusCode::OK,
        UsersPage {
            page: Page::new(&ctx, &title),
            users,
            q,
            next_before,
            notice,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewUserPage {
    page: Page,
    roles: Vec<(&'static str, String)>,
    form: NewUserForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    password: String,
}

fn new_user_page(ctx: &Ctx, form: NewUserForm, errors: FormErrors) -> NewUserPage {
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), ctx.tr.t(&format!("role-{r}"))))
        .collect();
    let title = ctx.tr.t("admin-user-new-title");
    NewUserPage {
        page: Page::new(ctx, &title),
        roles,
        form: NewUserForm {
            password: String::new(),
            ..form
        },
        errors,
    }
}

pub async fn new_user_form(ctx: Ctx) -> Response {
    page(
        StatusCode::OK,
        new_user_page(&ctx, NewUserForm::default(), FormErrors::none(ctx.tr)).render(),
    )
}

pub async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewUserForm>,
) -> Response {
    let staff = NewStaff {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        scope: form.scope.clone(),
        password: form.password.clone(),
    };
    match service::create_user(&st.db, &st.clock, &ctx.actor, &staff).await {
        Ok(_) => Redirect::to("/admin/users?notice=created").into_response(),
        Err(
            e @ (ServiceError::Invalid(_)
            | ServiceError::Access(
                crate::platform::access::AccessError::BadScope
                | crate::platform::access::AccessError::UnknownRole,
            )),
        ) => {
            let errors = FormErrors::new(ctx.tr, e.fields());
            page(
                StatusCode::UNPROCESSABLE_ENTITY,
                new_user_page(&ctx, form, errors).render(),
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    login: String,
}

pub async fn disable_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<DisableForm>,
) -> Response {
    match service::disable_user(&st.db, &st.clock, &ctx.actor, &form.login).await {
        Ok(()) => Redirect::to("/admin/users?notice=disabled").into_response(),
        Err(e) => e.into_response(),
    }
}

// --- admin: API tokens -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    page: Page,
    tokens: Vec<TokenSummary>,
    /// A token just created: shown once, never again.
    new_token: String,
    email: String,
    token_name: String,
    errors: FormErrors,
}

impl TokensPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

async fn tokens_page(
    st: &AppState,
    ctx: &Ctx,
    new_token: String,
    email: String,
    name: String,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let tokens = match service::list_tokens(&st.db, &ctx.actor).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("admin-tokens-title");
    page(
        status,
        TokensPage {
            page: Page::new(ctx, &title),
            tokens,
            new_token,
            email,
            token_name: name,
            errors,
        }
        .render(),
    )
}

pub async fn tokens(State(st): State<AppState>, ctx: Ctx) -> Response {
    tokens_page(
        &st,
        &ctx,
        String::new(),
        String::new(),
        String::new(),
        FormErrors::none(ctx.tr),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TokenForm>,
) -> Response {
    match service::create_token(&st.db, &st.clock, &ctx.actor, &form.email, &form.name).await {
        Ok(secret) => {
            tokens_page(
                &st,
                &ctx,
                secret,
                String::new(),
                String::new(),
                FormErrors::none(ctx.tr),
                StatusCode::OK,
            )
            .await
        }
        Err(ServiceError::NotFound) => {
            let errors = FormErrors::new(
                ctx.tr,
                vec![FieldError {
                    field: "email",
                    message: "err-no-such-user",
                }],
            );
            tokens_page(
                &st,
                &ctx,
                String::new(),
                form.email,
                form.name,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Invalid(errors)) => {
            let errors = FormErrors::new(ctx.tr, errors);
            tokens_page(
                &st,
                &ctx,
                String::new(),
                form.email,
                form.name,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn revoke_token(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    match service::revoke_token(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(()) => Redirect::to("/admin/tokens").into_response(),
        Err(e) => e.into_response(),
    }
}
