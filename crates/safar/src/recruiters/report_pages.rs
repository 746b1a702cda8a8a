//! Reporting an intermediary: the public form (with evidence files), the JSON endpoint, and
//! the licensing officers' watch list.

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::reports::{self, Evidence, MAX_FILE_BYTES, MAX_FILES, NewReport, WatchEntry};
use crate::platform::access::Permission;
use crate::platform::clock::format_ms;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;

/// Attempts per client address and minute. Reports are written, unlike lookups, so the
/// limit is lower than the public check's; it still leaves room for a citizen who corrects
/// the form a few times.
pub const REPORTS_PER_MINUTE: u32 = 10;
/// The form's whole body: the files and the text around them.
pub const FORM_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 64 * 1024;

fn admit(st: &AppState, ctx: &Ctx) -> bool {
    let key = format!("report:{}", ctx.actor.meta.ip);
    st.usage
        .limiter
        .allow(&key, REPORTS_PER_MINUTE, st.clock.now_ms())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportCreated {
    pub id: String,
}

/// Reports an intermediary (no account needed). Evidence files go through the web form.
#[utoipa::path(post, path = "/api/v1/public/reports", tag = "public", request_body = NewReport, security(()),
    responses((status = 201, body = ReportCreated), (status = 422, body = crate::platform::api::Problem),
              (status = 429, body = crate::platform::api::Problem)))]
pub async fn api_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewReport>,
) -> Response {
    if !admit(&st, &ctx) {
        return ServiceError::TooManyAttempts.into_response();
    }
    match reports::submit(&st.db, &st.clock, &ctx.actor, &body, vec![]).await {
        Ok(id) => (StatusCode::CREATED, Json(ReportCreated { id })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The form as typed (kept on an error so nothing has to be typed twice).
#[derive(Clone, Debug, Default)]
pub struct ReportForm {
    intermediary_name: String,
    phones: String,
    social_handle: String,
    place: String,
    region: String,
    fee_asked: String,
    fee_paid: String,
    currency: String,
    promised: String,
    description: String,
    reporter_contact: String,
}

impl ReportForm {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "intermediary_name" => self.intermediary_name = value,
            "phones" => self.phones = value,
            "social_handle" => self.social_handle = value,
            "place" => self.place = value,
            "region" => self.region = value,
            "fee_asked" => self.fee_asked = value,
            "fee_paid" => self.fee_paid = value,
            "currency" => self.currency = value,
            "promised" => self.promised = value,
            "description" => self.description = value,
            "reporter_contact" => self.reporter_contact = value,
            _ => {}
        }
    }

    fn to_report(&self) -> Result<NewReport, FieldError> {
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let fee_asked =
            crate::platform::web::forms::parse_amount(&self.fee_asked).map_err(|_| FieldError {
                field: "fee_asked",
                message: "err-amount",
            })?;
        let fee_paid =
            crate::platform::web::forms::parse_amount(&self.fee_paid).map_err(|_| FieldError {
                field: "fee_paid",
                message: "err-amount",
            })?;
        Ok(NewReport {
            intermediary_name: self.intermediary_name.clone(),
            phones: self.phones.lines().map(str::to_string).collect(),
            social_handle: opt(&self.social_handle),
            place: opt(&self.place),
            region: opt(&self.region),
            fee_asked,
            fee_paid,
            currency: opt(&self.currency),
            promised: opt(&self.promised),
            description: self.description.clone(),
            reporter_contact: opt(&self.reporter_contact),
        })
    }
}

#[derive(Template)]
#[template(path = "recruiters/report.html")]
struct ReportPage {
    page: Page,
    form: ReportForm,
    errors: FormErrors,
    max_files: usize,
    max_mb: usize,
    /// (ISO 3166-2, name) of the 14 regions.
    regions: Vec<(String, String)>,
}

async fn report_page(st: &AppState, ctx: &Ctx, form: ReportForm, errors: FormErrors) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("report-title");
    let html = ReportPage {
        page: Page::new(ctx, &title),
        form,
        errors,
        max_files: MAX_FILES,
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
        regions: crate::people::pages::region_choices(st, ctx).await,
    };
    page(status, html.render())
}

pub async fn form(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<PrefillQuery>,
) -> Response {
    let form = ReportForm {
        intermediary_name: q.name.unwrap_or_default().chars().take(200).collect(),
        ..ReportForm::default()
    };
    report_page(&st, &ctx, form, FormErrors::none(ctx.tr)).await
}

#[derive(serde::Deserialize, Default)]
pub struct PrefillQuery {
    /// The name looked up on the check page, carried over.
    name: Option<String>,
}

/// Reads the multipart form: text fields and up to `MAX_FILES + 1` non-empty files.
async fn read_form(multipart: Multipart) -> Result<(ReportForm, Vec<Evidence>), &'static str> {
    let (fields, files) =
        crate::platform::web::forms::read_multipart(multipart, "evidence", MAX_FILES).await?;
    let mut form = ReportForm::default();
    for (name, value) in fields {
        form.set(&name, value);
    }
    Ok((
        form,
        files.into_iter().map(|bytes| Evidence { bytes }).collect(),
    ))
}

pub async fn submit(State(st): State<AppState>, ctx: Ctx, multipart: Multipart) -> Response {
    if !admit(&st, &ctx) {
        return ServiceError::TooManyAttempts.into_response();
    }
    let (form, files) = match read_form(multipart).await {
        Ok(parts) => parts,
        Err(message) => {
            let errors = vec![FieldError {
                field: "evidence",
                message,
            }];
            return report_page(
                &st,
                &ctx,
                ReportForm::default(),
                FormErrors::new(ctx.tr, errors),
            )
            .await;
        }
    };
    let report = match form.to_report() {
        Ok(r) => r,
        Err(e) => return report_page(&st, &ctx, form, FormErrors::new(ctx.tr, vec![e])).await,
    };
    match reports::submit(&st.db, &st.clock, &ctx.actor, &report, files).await {
        Ok(_) => Redirect::to("/report/sent").into_response(),
        Err(ServiceError::Invalid(errors)) => {
            report_page(&st, &ctx, form, FormErrors::new(ctx.tr, errors)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "recruiters/report_sent.html")]
struct SentPage {
    page: Page,
}

pub async fn sent(ctx: Ctx) -> Response {
    let title = ctx.tr.t("report-sent-title");
    page(
        StatusCode::OK,
        SentPage {
            page: Page::new(&ctx, &title),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "recruiters/watch.html")]
struct WatchPage {
    page: Page,
    entries: Vec<WatchEntry>,
}

impl WatchPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

pub async fn watch(State(st): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.actor.require(Permission::ManageRecruiters) {
        return ServiceError::from(e).into_response();
    }
    match reports::watch_list(&st.db, 200).await {
        Ok(entries) => {
            let title = ctx.tr.t("watch-title");
            let html = WatchPage {
                page: Page::new(&ctx, &title),
                entries,
            };
            page(StatusCode::OK, html.render())
        }
        Err(e) => ServiceError::from(e).into_response(),
    }
}
