//! Admin pages for bulk journey imports: upload a CSV file (queued as a background job),
//! follow its progress, download the error report. `/api/v1/imports/{id}` gives the same
//! progress as JSON (the page's small script polls it; without the script the page offers a
//! refresh link).

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{StatusCode, header};

use super::import_job::{self, ERRORS, KIND};
use crate::platform::access::Permission;
use crate::platform::clock::format_ms;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::jobs::{self, Job};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;

/// The largest file the upload page accepts (about 2.5 M journey rows).
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

#[derive(Template)]
#[template(path = "people/imports.html")]
struct ImportsPage {
    page: Page,
    jobs: Vec<Job>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "people/import_job.html")]
struct JobPage {
    page: Page,
    job: Job,
    summary: Option<Summary>,
    has_errors: bool,
}

/// What an import job reports when it ends.
#[derive(Default, serde::Deserialize)]
struct Summary {
    rows: u64,
    added: u64,
    duplicates: u64,
    persons_registered: u64,
    rejected: u64,
}

impl ImportsPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

impl JobPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

async fn list_page(st: &AppState, ctx: &Ctx, errors: FormErrors) -> Response {
    if let Err(e) = ctx.actor.require(Permission::ImportJourneys) {
        return ServiceError::from(e).into_response();
    }
    let jobs = match jobs::recent(&st.db, KIND, 20).await {
        Ok(j) => j,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("imports-title");
    let html = ImportsPage {
        page: Page::new(ctx, &title),
        jobs,
        errors,
    };
    page(status, html.render())
}

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> Response {
    list_page(&st, &ctx, FormErrors::none(ctx.tr)).await
}

/// The uploaded file's name and content; `Err` with a message key when the form is wrong.
async fn read_upload(mut form: Multipart) -> Result<(String, Vec<u8>), &'static str> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_string();
        return match field.bytes().await {
            Ok(bytes) => Ok((name, bytes.to_vec())),
            Err(_) => Err("err-upload"),
        };
    }
    Err("err-import-empty")
}

pub async fn upload(State(st): State<AppState>, ctx: Ctx, form: Multipart) -> Response {
    let result = match read_upload(form).await {
        Ok((name, content)) => import_job::enqueue(st.people(), &ctx.actor, &name, &content).await,
        Err(message) => Err(ServiceError::Invalid(vec![FieldError {
            field: "file",
            message,
        }])),
    };
    match result {
        Ok(id) => Redirect::to(&format!("/admin/imports/{id}")).into_response(),
        Err(ServiceError::Invalid(fields)) => {
            list_page(&st, &ctx, FormErrors::new(ctx.tr, fields)).await
        }
        Err(e) => e.into_response(),
    }
}

async fn import_of(st: &AppState, ctx: &Ctx, id: &str) -> Result<Job, ServiceError> {
    ctx.actor.require(Permission::ImportJourneys)?;
    match jobs::find(&st.db, id).await? {
        Some(job) if job.kind == KIND => Ok(job),
        _ => Err(ServiceError::NotFound),
    }
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let job = match import_of(&st, &ctx, &id).await {
        Ok(job) => job,
        Err(e) => return e.into_response(),
    };
    let summary = serde_json::from_str::<Summary>(&job.summary).ok();
    let has_errors = summary.as_ref().is_some_and(|s| s.rejected > 0);
    let title = ctx.tr.t("import-job-title");
    let html = JobPage {
        page: Page::new(&ctx, &title),
        job,
        summary,
        has_errors,
    };
    page(StatusCode::OK, html.render())
}

pub async fn errors_file(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Err(e) = import_of(&st, &ctx, &id).await {
        return e.into_response();
    }
    match jobs::file(&st.db, &id, ERRORS).await {
        Ok(Some(csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"journeys.errors.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Ok(None) => ServiceError::NotFound.into_response(),
        Err(e) => ServiceError::from(e).into_response(),
    }
}

/// An import's state and progress.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = Job), (status = 401, body = crate::platform::api::Problem),
              (status = 403, body = crate::platform::api::Problem), (status = 404, body = crate::platform::api::Problem)))]
pub async fn status(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match import_of(&st, &ctx, &id).await {
        Ok(job) => {
            let percent = job.percent();
            let mut body = serde_json::to_value(&job).unwrap_or_default();
            body["percent"] = percent.into();
            Json(body).into_response()
        }
        Err(e) => e.into_response(),
    }
}
