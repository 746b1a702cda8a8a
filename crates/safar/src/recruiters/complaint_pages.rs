//! Complaints on pages and in the API (licensing officers): the open list with its
//! deadlines, recording a complaint, and a complaint's record with the decisions it allows.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use http::StatusCode;
use serde::Deserialize;

use super::complaints::{self, ACTIONS, Complaint, Decision, NewComplaint, SANCTIONS, Step, TYPES};
use super::store::{self, Recruiter};
use crate::platform::clock::format_ms;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page, parse_amount};
use crate::platform::web::layout::Page;

fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Field errors beside the fields, a refused transition above the form; others answer.
fn form_errors(ctx: &Ctx, e: ServiceError) -> Result<FormErrors, ServiceError> {
    match e {
        ServiceError::Invalid(fields) => Ok(FormErrors::new(ctx.tr, fields)),
        ServiceError::Conflict(message) => Ok(FormErrors::new(
            ctx.tr,
            vec![FieldError { field: "", message }],
        )),
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "recruiters/complaints.html")]
struct ListPage {
    page: Page,
    rows: Vec<(Complaint, String)>,
    state: String,
    states: &'static [&'static str],
}

impl ListPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms).chars().take(10).collect()
    }
}

#[derive(Deserialize, Default)]
pub struct ListForm {
    state: Option<String>,
    recruiter: Option<String>,
}

async fn with_names(
    st: &AppState,
    list: Vec<Complaint>,
) -> Result<Vec<(Complaint, String)>, ServiceError> {
    // Complaints gather on a few recruiters: each name is read once.
    let mut names: std::collections::HashMap<String, String> = Default::default();
    let mut rows = Vec::with_capacity(list.len());
    for c in list {
        if !names.contains_key(&c.recruiter_id) {
            let name = store::find(&st.db, &c.recruiter_id)
                .await?
                .map_or_else(String::new, |r| r.name);
            names.insert(c.recruiter_id.clone(), name);
        }
        let name = names.get(&c.recruiter_id).cloned().unwrap_or_default();
        rows.push((c, name));
    }
    Ok(rows)
}

/// Open complaints, nearest deadline first (overdue ones marked), or by state.
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(f): Query<ListForm>) -> Response {
    let state = f
        .state
        .as_deref()
        .and_then(|s| complaints::STATES.iter().find(|x| **x == s).copied());
    let recruiter = f.recruiter.as_deref().filter(|r| !r.is_empty());
    let found = complaints::list(&st.db, &st.clock, &ctx.actor, state, recruiter, 500).await;
    let rows = match found {
        Ok(list) => match with_names(&st, list).await {
            Ok(rows) => rows,
            Err(e) => return e.into_response(),
        },
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("complaints-title");
    let html = ListPage {
        page: Page::new(&ctx, &title),
        rows,
        state: state.unwrap_or("").to_string(),
        states: complaints::STATES,
    };
    page(StatusCode::OK, html.render())
}

#[derive(Template)]
#[template(path = "recruiters/complaint_new.html")]
struct NewPage {
    page: Page,
    recruiter: Recruiter,
    types: Vec<&'static str>,
    form: ComplaintForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct ComplaintForm {
    #[serde(default)]
    recruiter_id: String,
    #[serde(default, rename = "type")]
    type_code: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    person_id: String,
}

async fn new_page(st: &AppState, ctx: &Ctx, form: ComplaintForm, errors: FormErrors) -> Response {
    if let Err(e) = ctx
        .actor
        .require(crate::platform::access::Permission::ManageRecruiters)
    {
        return ServiceError::from(e).into_response();
    }
    let recruiter = match store::find(&st.db, &form.recruiter_id).await {
        Ok(Some(r)) => r,
        Ok(None) => return ServiceError::NotFound.into_response(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let title = format!("{} · {}", ctx.tr.t("complaint-new-title"), recruiter.name);
    let html = NewPage {
        page: Page::new(ctx, &title),
        recruiter,
        types: TYPES.iter().map(|(c, _)| *c).collect(),
        form,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    recruiter: Option<String>,
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> Response {
    let form = ComplaintForm {
        recruiter_id: q.recruiter.unwrap_or_default(),
        ..ComplaintForm::default()
    };
    new_page(&st, &ctx, form, FormErrors::none(ctx.tr)).await
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ComplaintForm>,
) -> Response {
    let input = NewComplaint {
        recruiter_id: form.recruiter_id.clone(),
        type_code: form.type_code.clone(),
        description: form.description.clone(),
        person_id: Some(form.person_id.clone()),
    };
    match complaints::file(&st.db, &st.clock, &ctx.actor, &input).await {
        Ok(id) => Redirect::to(&format!("/complaints/{id}")).into_response(),
        Err(e) => match form_errors(&ctx, e) {
            Ok(errors) => new_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "recruiters/complaint.html")]
struct RecordPage {
    page: Page,
    c: Complaint,
    recruiter: Recruiter,
    history: Vec<Step>,
    actions: Vec<&'static str>,
    sanctions: &'static [&'static str],
    errors: FormErrors,
}

impl RecordPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

async fn record_page(st: &AppState, ctx: &Ctx, id: &str, errors: FormErrors) -> Response {
    let c = match complaints::read(&st.db, &st.clock, &ctx.actor, id).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let found = async {
        let recruiter = store::find(&st.db, &c.recruiter_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok::<_, ServiceError>((recruiter, complaints::history(&st.db, id).await?))
    };
    let (recruiter, history) = match found.await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let actions = ACTIONS
        .iter()
        .copied()
        .filter(|a| complaints::transition(&c.state, a).is_some())
        .collect();
    let title = format!(
        "{} {}",
        c.type_code,
        ctx.tr.t(&format!("complaint-type-{}", c.type_code))
    );
    let html = RecordPage {
        page: Page::new(ctx, &title),
        c,
        recruiter,
        history,
        actions,
        sanctions: SANCTIONS,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn record(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    record_page(&st, &ctx, &id, FormErrors::none(ctx.tr)).await
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    sanction: String,
    #[serde(default)]
    fine_amount: String,
}

pub async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let fine = match parse_amount(&form.fine_amount) {
        Ok(f) => f,
        Err(message) => {
            let errors = FormErrors::new(
                ctx.tr,
                vec![FieldError {
                    field: "fine_amount",
                    message,
                }],
            );
            return record_page(&st, &ctx, &id, errors).await;
        }
    };
    let decision = Decision {
        note: Some(form.note),
        sanction: Some(form.sanction).filter(|s| !s.is_empty()),
        fine_amount: fine,
    };
    match complaints::decide(&st.db, &st.clock, &ctx.actor, &id, &action, &decision).await {
        Ok(_) => Redirect::to(&format!("/complaints/{id}")).into_response(),
        Err(e) => match form_errors(&ctx, e) {
            Ok(errors) => record_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Filed {
    pub id: String,
}

/// Records a complaint against a recruiter (licensing officers); 201 with its id.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "recruiters", request_body = NewComplaint,
    responses((status = 201, body = Filed), (status = 403, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn api_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewComplaint>,
) -> Response {
    match complaints::file(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(id) => (StatusCode::CREATED, Json(Filed { id })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ComplaintList {
    pub items: Vec<Complaint>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiListParams {
    /// A state; without it, the open complaints (received or investigating).
    pub state: Option<String>,
    pub recruiter: Option<String>,
}

/// Complaints, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "recruiters", params(ApiListParams),
    responses((status = 200, body = ComplaintList), (status = 403, body = crate::platform::api::Problem)))]
pub async fn api_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ApiListParams>,
) -> Response {
    let state = p
        .state
        .as_deref()
        .and_then(|s| complaints::STATES.iter().find(|x| **x == s).copied());
    let recruiter = p.recruiter.as_deref().filter(|r| !r.is_empty());
    match complaints::list(&st.db, &st.clock, &ctx.actor, state, recruiter, 500).await {
        Ok(items) => Json(ComplaintList { items }).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One complaint.
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "recruiters", params(("id" = String, Path)),
    responses((status = 200, body = Complaint), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem)))]
pub async fn api_read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match complaints::read(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `investigate`, `substantiate`, `dismiss`, `sanction` (with `sanction` and, for a fine,
/// `fine_amount`; a suspension or revocation moves the licence) or `close`. 409 for a step
/// the complaint's state does not allow.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/{action}", tag = "recruiters",
    params(("id" = String, Path), ("action" = String, Path)), request_body = Decision,
    responses((status = 200, body = Complaint), (status = 403, body = crate::platform::api::Problem),
              (status = 404, body = crate::platform::api::Problem), (status = 409, body = crate::platform::api::Problem),
              (status = 422, body = crate::platform::api::Problem)))]
pub async fn api_decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<Decision>>,
) -> Response {
    let decision = body.map(|Json(b)| b).unwrap_or_default();
    match complaints::decide(&st.db, &st.clock, &ctx.actor, &id, &action, &decision).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => e.into_response(),
    }
}
