//! Pages for the second factor: the TOTP step of signing in, enrolment, and the
//! administrator setting that makes it mandatory for staff.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;
use tower_sessions::Session;

use super::pages::NextParam;
use super::service::{self, LoginError};
use crate::platform::auth::{sessions, totp};
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::settings;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::platform::web::routes::safe_next;

#[derive(Template)]
#[template(path = "accounts/totp_login.html")]
struct CodePage {
    page: Page,
    next: String,
    errors: FormErrors,
}

pub async fn code_form(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    Query(q): Query<NextParam>,
) -> Response {
    if sessions::pending_second_factor(&session, &st.clock)
        .await
        .is_none()
    {
        return Redirect::to("/login").into_response();
    }
    let title = ctx.tr.t("totp-login-title");
    let next = safe_next(q.next.as_deref());
    page(
        StatusCode::OK,
        CodePage {
            page: Page::new(&ctx, &title),
            next,
            errors: FormErrors::none(ctx.tr),
        }
        .render(),
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

pub async fn check_code(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some((user_id, _)) = sessions::pending_second_factor(&session, &st.clock).await else {
        return Redirect::to("/login").into_response();
    };
    let next = safe_next(form.next.as_deref());
    match service::login_second_factor(&st.db, &st.clock, &ctx.actor.meta, &user_id, &form.code)
        .await
    {
        Ok(signed_in) => {
            sessions::clear_second_factor(&session).await;
            match sessions::begin(&session, &st.clock, &signed_in.user_id, signed_in.staff).await {
                Ok(()) => Redirect::to(&next).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Err(error) => {
            let (status, message) = match error {
                LoginError::Invalid => (StatusCode::UNAUTHORIZED, "err-totp-code"),
                LoginError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
            };
            let errors = FormErrors::new(
                ctx.tr,
                vec![FieldError {
                    field: "code",
                    message,
                }],
            );
            let title = ctx.tr.t("totp-login-title");
            page(
                status,
                CodePage {
                    page: Page::new(&ctx, &title),
                    next,
                    errors,
                }
                .render(),
            )
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/totp_enrol.html")]
struct EnrolPage {
    page: Page,
    enabled: bool,
    required: bool,
    secret: String,
    uri: String,
    qr_svg: String,
    errors: FormErrors,
}

async fn enrol_page(st: &AppState, ctx: &Ctx, session: &Session, errors: FormErrors) -> Response {
    let user = match ctx.actor.user_id() {
        Some(id) => super::store::find_by_id(&st.db, id).await,
        None => return StatusCode::UNAUTHORIZED.into_response(),
    };
    let enabled = matches!(&user, Ok(Some(u)) if u.totp_enabled);
    let account = match &user {
        Ok(Some(u)) => u.email.clone().or(u.phone.clone()).unwrap_or_default(),
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let (secret, uri) = if enabled {
        (String::new(), String::new())
    } else {
        let Ok(secret) = sessions::enrolment_secret(session).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let uri = totp::otpauth_uri(&secret, &account);
        (secret, uri)
    };
    let qr_svg = if uri.is_empty() {
        String::new()
    } else {
        totp::qr_svg(&uri)
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("totp-enrol-title");
    let required = ctx.actor.must_enrol_mfa;
    page(
        status,
        EnrolPage {
            page: Page::new(ctx, &title),
            enabled,
            required,
            secret,
            uri,
            qr_svg,
            errors,
        }
        .render(),
    )
}

pub async fn enrol_form(State(st): State<AppState>, ctx: Ctx, session: Session) -> Response {
    enrol_page(&st, &ctx, &session, FormErrors::none(ctx.tr)).await
}

pub async fn enrol(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Response {
    let Ok(secret) = sessions::enrolment_secret(&session).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match service::enable_totp(&st.db, &st.clock, &ctx.actor, &secret, &form.code).await {
        Ok(()) => {
            sessions::clear_enrolment_secret(&session).await;
            Redirect::to("/account/totp").into_response()
        }
        Err(ServiceError::Invalid(errors)) => {
            enrol_page(&st, &ctx, &session, FormErrors::new(ctx.tr, errors)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    page: Page,
    mfa_required: bool,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct SavedParam {
    saved: Option<String>,
}

pub async fn settings_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedParam>,
) -> Response {
    let mfa_required = match settings::flag(&st.db, settings::MFA_REQUIRED_FOR_STAFF).await {
        Ok(v) => v,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let title = ctx.tr.t("admin-settings-title");
    let saved = q.saved.is_some();
    page(
        StatusCode::OK,
        SettingsPage {
            page: Page::new(&ctx, &title),
            mfa_required,
            saved,
        }
        .render(),
    )
}

#[derive(Deserialize)]
pub struct SettingsForm {
    /// A checkbox: present ("on") when ticked, absent otherwise.
    mfa_required: Option<String>,
}

pub async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SettingsForm>,
) -> Response {
    let required = form.mfa_required.is_some();
    match service::set_mfa_required(&st.db, &st.clock, &ctx.actor, required).await {
        Ok(()) => Redirect::to("/admin/settings?saved=1").into_response(),
        Err(e) => e.into_response(),
    }
}
