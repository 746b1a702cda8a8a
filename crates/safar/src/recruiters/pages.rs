//! Staff pages: the register, a recruiter's record with its licence decisions, registering a
//! recruiter, and the licensing officer's queue (applications, renewals due in 6 and 3
//! weeks, suspensions).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use super::model::{Action, LicenceState};
use super::service::{self, HOST_LICENCE_STATES, LicenceInput, RecruiterInput, RecruiterRecord};
use super::store::{self, Licence, Recruiter};
use crate::platform::access::Permission;
use crate::platform::clock::format_ms;
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

#[derive(Template)]
#[template(path = "recruiters/list.html")]
struct ListPage {
    page: Page,
    q: String,
    state: String,
    states: Vec<&'static str>,
    rows: Vec<(Recruiter, Option<Licence>)>,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
pub struct ListForm {
    q: Option<String>,
    state: Option<String>,
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(f): Query<ListForm>) -> Response {
    if let Err(e) = super::service::may_view(&ctx.actor) {
        return ServiceError::from(e).into_response();
    }
    let q = f.q.unwrap_or_default();
    let state = f.state.unwrap_or_default();
    let found = if q.trim().is_empty() {
        let wanted = LicenceState::parse(&state).map(LicenceState::as_str);
        store::list(&st.db, wanted, 0, 200).await
    } else {
        let words = service::name_words(&q);
        let id = q.trim().to_uppercase();
        store::search(&st.db, &words, Some(&id), false, 200).await
    };
    let recruiters = match found {
        Ok(r) => r,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let ids: Vec<String> = recruiters.iter().map(|r| r.id.clone()).collect();
    let licences = match store::current_licences(&st.db, &ids).await {
        Ok(l) => l,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let rows = recruiters
        .into_iter()
        .map(|r| {
            let licence = licences.iter().find(|l| l.recruiter_id == r.id).cloned();
            (r, licence)
        })
        .collect();
    let title = ctx.tr.t("recruiters-title");
    let html = ListPage {
        page: Page::new(&ctx, &title),
        q,
        state,
        states: LicenceState::ALL.iter().map(|s| s.as_str()).collect(),
        rows,
        can_manage: ctx.actor.holds(Permission::ManageRecruiters),
    };
    page(StatusCode::OK, html.render())
}

#[derive(Template)]
#[template(path = "recruiters/record.html")]
struct RecordPage {
    page: Page,
    r: RecruiterRecord,
    labels: Labels,
    actions: Vec<&'static str>,
    /// Granting an application asks for dates; lifting a suspension does not.
    is_application: bool,
    can_manage: bool,
    errors: FormErrors,
    failed_action: String,
}

impl RecordPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

async fn record_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
    failed_action: &str,
) -> Response {
    let r = match service::read(&st.db, &ctx.actor, id).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let labels = match Labels::load(&st.db, ctx.locale()).await {
        Ok(l) => l,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let current = r
        .licence
        .as_ref()
        .and_then(|l| LicenceState::parse(&l.state));
    // Only the decisions the state machine allows now are offered.
    let actions = Action::OFFICER
        .into_iter()
        .filter(|a| super::model::transition(current, *a).is_some())
        .map(Action::as_str)
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = r.recruiter.name.clone();
    let html = RecordPage {
        page: Page::new(ctx, &title),
        r,
        labels,
        actions,
        is_application: current == Some(LicenceState::Applied),
        can_manage: ctx.actor.holds(Permission::ManageRecruiters),
        errors,
        failed_action: failed_action.to_string(),
    };
    page(status, html.render())
}

pub async fn record(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    record_page(&st, &ctx, &id, FormErrors::none(ctx.tr), "").await
}

pub async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(input): Form<LicenceInput>,
) -> Response {
    let input = LicenceInput {
        valid_from: input.valid_from.filter(|s| !s.is_empty()),
        valid_to: input.valid_to.filter(|s| !s.is_empty()),
        ..input
    };
    match service::licence_action(&st.db, &st.clock, &ctx.actor, &id, &action, &input).await {
        Ok(_) => Redirect::to(&format!("/recruiters/{id}")).into_response(),
        Err(ServiceError::Invalid(fields)) => {
            record_page(&st, &ctx, &id, FormErrors::new(ctx.tr, fields), &action).await
        }
        Err(ServiceError::Conflict(message)) => {
            let fields = vec![crate::platform::error::FieldError { field: "", message }];
            record_page(&st, &ctx, &id, FormErrors::new(ctx.tr, fields), &action).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "recruiters/new.html")]
struct NewPage {
    page: Page,
    form: RecruiterForm,
    regions: Vec<(String, String)>,
    countries: Vec<(String, String)>,
    host_states: &'static [&'static str],
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct RecruiterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    stir: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    registration_no: String,
    #[serde(default)]
    host_licence_no: String,
    #[serde(default)]
    host_licence_state: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

impl RecruiterForm {
    fn to_input(&self) -> RecruiterInput {
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        RecruiterInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            stir: opt(&self.stir),
            region: opt(&self.region),
            country: opt(&self.country),
            registration_no: opt(&self.registration_no),
            host_licence_no: opt(&self.host_licence_no),
            host_licence_state: opt(&self.host_licence_state),
            address: opt(&self.address),
            phone: opt(&self.phone),
            email: opt(&self.email),
        }
    }
}

async fn new_page(st: &AppState, ctx: &Ctx, form: RecruiterForm, errors: FormErrors) -> Response {
    let (regions, countries) = match (
        crate::reference::store::regions(&st.db).await,
        Labels::choices(&st.db, ctx.locale(), CodedTable::Countries).await,
    ) {
        (Ok(r), Ok(c)) => (
            r.into_iter()
                .map(|r| (r.iso.clone(), r.names.get(ctx.locale()).to_string()))
                .collect(),
            c.into_iter().filter(|(iso, _)| iso != "UZ").collect(),
        ),
        (Err(e), _) | (_, Err(e)) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("recruiters-new-title");
    let html = NewPage {
        page: Page::new(ctx, &title),
        form,
        regions,
        countries,
        host_states: HOST_LICENCE_STATES,
        errors,
    };
    page(status, html.render())
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    let form = RecruiterForm {
        kind: "local_agency".into(),
        ..RecruiterForm::default()
    };
    new_page(&st, &ctx, form, FormErrors::none(ctx.tr)).await
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RecruiterForm>,
) -> Response {
    match service::create(&st.db, &st.clock, &ctx.actor, &form.to_input()).await {
        Ok(id) => Redirect::to(&format!("/recruiters/{id}")).into_response(),
        Err(ServiceError::Invalid(fields)) => {
            new_page(&st, &ctx, form, FormErrors::new(ctx.tr, fields)).await
        }
        Err(ServiceError::Conflict(message)) => {
            let fields = vec![crate::platform::error::FieldError {
                field: "stir",
                message,
            }];
            new_page(&st, &ctx, form, FormErrors::new(ctx.tr, fields)).await
        }
        Err(e) => e.into_response(),
    }
}

/// A line of the licensing officer's queue.
struct QueueItem {
    recruiter: Recruiter,
    licence: Licence,
}

#[derive(Template)]
#[template(path = "recruiters/queue.html")]
struct QueuePage {
    page: Page,
    /// (heading message, items): applications, due in 3 weeks, in 6 weeks, suspended.
    sections: Vec<(&'static str, Vec<QueueItem>)>,
    /// Fallen licences and the people they left: (recruiter, reason, people).
    cascades: Vec<(Recruiter, String, i64)>,
    /// Open complaints and how many are past their 30-day deadline.
    complaints_open: usize,
    complaints_overdue: usize,
    /// Recruiters workers reported paying fees to, and how many payments.
    fee_reports: Vec<(Recruiter, i64)>,
}

async fn queue_items(
    st: &AppState,
    licences: Vec<Licence>,
) -> Result<Vec<QueueItem>, ServiceError> {
    let mut items = vec![];
    for licence in licences {
        if let Some(recruiter) = store::find(&st.db, &licence.recruiter_id).await? {
            items.push(QueueItem { recruiter, licence });
        }
    }
    Ok(items)
}

async fn fee_items(st: &AppState) -> Result<Vec<(Recruiter, i64)>, ServiceError> {
    let mut items = vec![];
    for (id, n) in crate::vacancies::payments::fee_reports(&st.db).await? {
        if let Some(recruiter) = store::find(&st.db, &id).await? {
            items.push((recruiter, n));
        }
    }
    Ok(items)
}

async fn cascade_items(st: &AppState) -> Result<Vec<(Recruiter, String, i64)>, ServiceError> {
    let mut items = vec![];
    for p in crate::vacancies::cascade::pending(&st.db).await? {
        if let Some(recruiter) = store::find(&st.db, &p.recruiter_id).await? {
            items.push((recruiter, p.reason, p.people));
        }
    }
    Ok(items)
}

/// Applications to decide, licences ending within 3 and 6 weeks (renewal reminders), and
/// suspensions to follow up.
pub async fn queue(State(st): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.actor.require(Permission::ManageRecruiters) {
        return ServiceError::from(e).into_response();
    }
    let today = service::today(&st.clock);
    let in_days = |d: i64| (today + time::Duration::days(d)).to_string();
    let lists = async {
        let licensed_6 =
            store::licences_in_state(&st.db, "licensed", Some(&in_days(42)), 200).await?;
        let (due_3, due_6): (Vec<Licence>, Vec<Licence>) = licensed_6
            .into_iter()
            .partition(|l| l.valid_to.as_deref() <= Some(in_days(21).as_str()));
        Ok::<_, ServiceError>((
            queue_items(
                &st,
                store::licences_in_state(&st.db, "applied", None, 200).await?,
            )
            .await?,
            queue_items(&st, due_3).await?,
            queue_items(&st, due_6).await?,
            queue_items(
                &st,
                store::licences_in_state(&st.db, "suspended", None, 200).await?,
            )
            .await?,
        ))
    };
    let (applications, due_3_weeks, due_6_weeks, suspended) = match lists.await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let (cascades, fee_reports) = match (cascade_items(&st).await, fee_items(&st).await) {
        (Ok(c), Ok(f)) => (c, f),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let open =
        match super::complaints::list(&st.db, &st.clock, &ctx.actor, None, None, 10_000).await {
            Ok(list) => list,
            Err(e) => return e.into_response(),
        };
    let title = ctx.tr.t("licensing-queue-title");
    let html = QueuePage {
        page: Page::new(&ctx, &title),
        sections: vec![
            ("queue-applications", applications),
            ("queue-due-3-weeks", due_3_weeks),
            ("queue-due-6-weeks", due_6_weeks),
            ("queue-suspended", suspended),
        ],
        cascades,
        complaints_open: open.len(),
        complaints_overdue: open.iter().filter(|c| c.overdue).count(),
        fee_reports,
    };
    page(StatusCode::OK, html.render())
}
