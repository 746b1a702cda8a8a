//! Vacancy pages: the public search and a vacancy's page (with the apply form for a
//! citizen and the decisions for staff), the staff list and job-order form, a vacancy's
//! ranked applicants, and a citizen's own applications.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::applications::{self, Applicant, ApplyInput, StepInput};
use super::model::{
    AppAction, AppState as ApplicationState, VacancyAction, VacancyState, app_transition,
    vacancy_transition,
};
use super::service::{self, LEVELS, PublicVacancy, VacancyInput, may_act, require_agency};
use super::store::{self, Application, Vacancy};
use crate::platform::access::Permission;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page, parse_amount};
use crate::platform::web::layout::Page;
use crate::recruiters::public::admit;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

async fn labels(st: &AppState, ctx: &Ctx) -> Result<Labels, Response> {
    Labels::load(&st.db, ctx.locale())
        .await
        .map_err(|e| ServiceError::from(e).into_response())
}

/// The choices of the search filters and the job-order form.
struct Choices {
    countries: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    sectors: Vec<(String, String)>,
    regions: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    currencies: Vec<(String, String)>,
    /// Foreign employers and scheme operators in the register: (id, "name (country)").
    operators: Vec<(String, String)>,
}

async fn choices(st: &AppState, ctx: &Ctx) -> Result<Choices, ServiceError> {
    let locale = ctx.locale();
    let channels = crate::reference::store::channels(&st.db).await?;
    let mut countries: Vec<String> = channels.iter().map(|(c, _)| c.clone()).collect();
    countries.dedup();
    let labels = Labels::load(&st.db, locale).await?;
    Ok(Choices {
        countries: countries
            .into_iter()
            .map(|c| (labels.name(&c).to_string(), c))
            .map(|(n, c)| (c, n))
            .collect(),
        channels: channels
            .iter()
            .map(|(_, ch)| {
                (
                    ch.code.clone(),
                    format!("{} — {}", ch.code, ch.names.get(locale)),
                )
            })
            .collect(),
        sectors: Labels::choices(&st.db, locale, CodedTable::Sectors).await?,
        regions: crate::reference::store::regions(&st.db)
            .await?
            .into_iter()
            .map(|r| (r.iso.clone(), r.names.get(locale).to_string()))
            .collect(),
        languages: Labels::choices(&st.db, locale, CodedTable::Languages).await?,
        currencies: crate::reference::store::coded_list(&st.db, CodedTable::Currencies)
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), c.code))
            .collect(),
        operators: crate::recruiters::store::list(&st.db, None, 0, 500)
            .await?
            .into_iter()
            .filter(|r| r.kind == "foreign_operator")
            .map(|r| (r.id, format!("{} ({})", r.name, r.country)))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "vacancies/search.html")]
struct SearchPage {
    page: Page,
    filters: super::api::SearchParams,
    choices: Choices,
    labels: Labels,
    items: Vec<PublicVacancy>,
    next: Option<String>,
    reference_error: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchForm {
    #[serde(flatten)]
    filters: super::api::SearchParams,
    /// A reference typed to check it.
    reference: Option<String>,
}

/// Open vacancies through licensed recruiters; a typed reference goes to its page.
pub async fn search(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(form): Query<SearchForm>,
) -> Response {
    let typed = form.reference.as_deref().unwrap_or("").trim().to_string();
    if let Some(reference) = super::model::normalise_reference(&typed).filter(|_| !typed.is_empty())
    {
        return Redirect::to(&format!("/vacancies/{reference}")).into_response();
    }
    if !admit(&st, &ctx, "vacancy") {
        return ServiceError::TooManyAttempts.into_response();
    }
    let offset = form
        .filters
        .cursor
        .as_deref()
        .and_then(|c| c.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let page_size = super::api::PAGE;
    let found = service::search_open(
        &st.db,
        &st.clock,
        form.filters.filter(),
        offset,
        page_size + 1,
    )
    .await;
    let (mut items, choices, labels) =
        match (found, choices(&st, &ctx).await, labels(&st, &ctx).await) {
            (Ok(i), Ok(c), Ok(l)) => (i, c, l),
            (Err(e), _, _) | (_, Err(e), _) => return e.into_response(),
            (_, _, Err(r)) => return r,
        };
    let next = (items.len() as i64 > page_size).then(|| (offset + page_size).to_string());
    items.truncate(page_size as usize);
    let reference_error = !typed.is_empty();
    let title = ctx.tr.t("vacancies-title");
    let html = SearchPage {
        page: Page::new(&ctx, &title),
        filters: form.filters,
        choices,
        labels,
        items,
        next,
        reference_error,
    };
    page(
        if reference_error {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        html.render(),
    )
}

#[derive(Template)]
#[template(path = "vacancies/view.html")]
struct ViewPage {
    page: Page,
    v: PublicVacancy,
    labels: Labels,
    /// A signed-in citizen may apply here.
    can_apply: bool,
    /// Staff of the recruiter or an officer: the decisions they may take now.
    actions: Vec<&'static str>,
    is_agency: bool,
    errors: FormErrors,
}

/// The vacancy for this actor: staff of its recruiter and officers also see drafts.
async fn vacancy_for(
    st: &AppState,
    ctx: &Ctx,
    reference: &str,
) -> Result<(Vacancy, PublicVacancy), ServiceError> {
    let normalised = super::model::normalise_reference(reference).ok_or(ServiceError::NotFound)?;
    if let Some(v) = store::by_reference(&st.db, &normalised).await?
        && v.state == VacancyState::Draft.as_str()
        && (require_agency(&ctx.actor, &v.recruiter_id).is_ok()
            || ctx.actor.require(Permission::VerifyVacancies).is_ok())
    {
        let standing =
            crate::recruiters::service::standing(&st.db, &st.clock, &v.recruiter_id).await?;
        let mut view = service::public_view_of(&v, &standing, &st.clock);
        view.open = false;
        return Ok((v, view));
    }
    service::public_view(&st.db, &st.clock, &normalised).await
}

async fn view_page(st: &AppState, ctx: &Ctx, reference: &str, errors: FormErrors) -> Response {
    let (vacancy, v) = match vacancy_for(st, ctx, reference).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let labels = match labels(st, ctx).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let from = VacancyState::parse(&vacancy.state);
    let actions = VacancyAction::ALL
        .into_iter()
        .filter(|a| from.and_then(|f| vacancy_transition(f, *a)).is_some())
        .filter(|a| may_act(&ctx.actor, *a, &vacancy.recruiter_id).is_ok())
        .map(VacancyAction::as_str)
        .collect();
    let title = v.title.clone();
    let html = ViewPage {
        page: Page::new(ctx, &title),
        can_apply: v.open && ctx.actor.is_signed_in() && !ctx.actor.is_staff(),
        is_agency: require_agency(&ctx.actor, &vacancy.recruiter_id).is_ok(),
        v,
        labels,
        actions,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(reference): Path<String>) -> Response {
    view_page(&st, &ctx, &reference, FormErrors::none(ctx.tr)).await
}

/// Errors of a service call shown on a page: fields beside them, conflicts above the form.
fn as_form_errors(ctx: &Ctx, e: ServiceError) -> Result<FormErrors, ServiceError> {
    FormErrors::from_service(ctx.tr, e)
}

#[derive(serde::Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    consent: Option<String>,
}

pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
    Form(form): Form<ApplyForm>,
) -> Response {
    let input = ApplyInput {
        consent: form.consent.is_some(),
    };
    match applications::apply(st.people(), &ctx.actor, &reference, &input).await {
        Ok(_) => Redirect::to("/applications").into_response(),
        Err(e) => match as_form_errors(&ctx, e) {
            Ok(errors) => view_page(&st, &ctx, &reference, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DecideForm {
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((reference, action)): Path<(String, String)>,
    Form(form): Form<DecideForm>,
) -> Response {
    match service::act(
        &st.db,
        &st.clock,
        &ctx.actor,
        &reference,
        &action,
        &form.reason,
    )
    .await
    {
        Ok(v) => Redirect::to(&format!("/vacancies/{}", v.reference)).into_response(),
        Err(e) => match as_form_errors(&ctx, e) {
            Ok(errors) => view_page(&st, &ctx, &reference, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "vacancies/manage.html")]
struct ManagePage {
    page: Page,
    state: String,
    states: Vec<&'static str>,
    items: Vec<Vacancy>,
    labels: Labels,
    can_post: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct ManageForm {
    state: Option<String>,
}

/// Recruiter staff: their agency's vacancies; licensing officers: all, drafts first.
pub async fn manage(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(form): Query<ManageForm>,
) -> Response {
    let state = form
        .state
        .as_deref()
        .and_then(VacancyState::parse)
        .map(VacancyState::as_str);
    let items = match service::staff_list(&st.db, &ctx.actor, state, 0, 200).await {
        Ok(items) => items,
        Err(e) => return e.into_response(),
    };
    let labels = match labels(&st, &ctx).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let title = ctx.tr.t("vacancies-manage-title");
    let html = ManagePage {
        page: Page::new(&ctx, &title),
        state: state.unwrap_or("").to_string(),
        states: VacancyState::ALL.iter().map(|s| s.as_str()).collect(),
        items,
        labels,
        can_post: ctx.actor.holds(Permission::PostVacancies),
    };
    page(StatusCode::OK, html.render())
}

/// The job-order form as typed, kept on an error.
#[derive(Clone, Debug, Default)]
pub struct VacancyForm {
    operator_id: String,
    channel: String,
    employer: String,
    title: String,
    sector: String,
    positions: String,
    wage: String,
    currency: String,
    hours_per_week: String,
    housing: String,
    employer_pays: String,
    worker_fee: String,
    language: String,
    language_level: String,
    pdo_required: bool,
    regions: Vec<String>,
    deadline: String,
}

impl VacancyForm {
    fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut f = VacancyForm::default();
        for (name, value) in fields {
            match name.as_str() {
                "operator_id" => f.operator_id = value,
                "channel" => f.channel = value,
                "employer" => f.employer = value,
                "title" => f.title = value,
                "sector" => f.sector = value,
                "positions" => f.positions = value,
                "wage" => f.wage = value,
                "currency" => f.currency = value,
                "hours_per_week" => f.hours_per_week = value,
                "housing" => f.housing = value,
                "employer_pays" => f.employer_pays = value,
                "worker_fee" => f.worker_fee = value,
                "language" => f.language = value,
                "language_level" => f.language_level = value,
                "pdo_required" => f.pdo_required = true,
                "region" if !value.is_empty() => f.regions.push(value),
                "deadline" => f.deadline = value,
                _ => {}
            }
        }
        f
    }

    fn of(v: &Vacancy) -> Self {
        VacancyForm {
            operator_id: v.operator_id.clone().unwrap_or_default(),
            channel: v.channel.clone(),
            employer: v.employer.clone(),
            title: v.title.clone(),
            sector: v.sector.clone(),
            positions: v.positions.to_string(),
            wage: v.wage.to_string(),
            currency: v.currency.clone(),
            hours_per_week: v.hours_per_week.to_string(),
            housing: v.housing.clone(),
            employer_pays: v.employer_pays.clone(),
            worker_fee: v.worker_fee.to_string(),
            language: v.language.clone(),
            language_level: v.language_level.clone(),
            pdo_required: v.pdo_required,
            regions: v.regions.clone(),
            deadline: v.deadline.clone(),
        }
    }

    /// Numbers typed with spaces or separators are read; what cannot be read is an error.
    fn to_input(&self) -> Result<VacancyInput, Vec<FieldError>> {
        let mut errors = vec![];
        let mut amount = |text: &str, field: &'static str| {
            parse_amount(text).unwrap_or_else(|message| {
                errors.push(FieldError { field, message });
                None
            })
        };
        let input = VacancyInput {
            recruiter_id: None,
            operator_id: Some(self.operator_id.clone()),
            channel: self.channel.clone(),
            employer: self.employer.clone(),
            title: self.title.clone(),
            sector: self.sector.clone(),
            positions: amount(&self.positions, "positions"),
            wage: amount(&self.wage, "wage"),
            currency: self.currency.clone(),
            hours_per_week: amount(&self.hours_per_week, "hours_per_week"),
            housing: Some(self.housing.clone()),
            employer_pays: Some(self.employer_pays.clone()),
            worker_fee: amount(&self.worker_fee, "worker_fee"),
            language: Some(self.language.clone()),
            language_level: Some(self.language_level.clone()),
            pdo_required: Some(self.pdo_required),
            regions: self.regions.clone(),
            deadline: self.deadline.clone(),
        };
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

#[derive(Template)]
#[template(path = "vacancies/form.html")]
struct FormPage {
    page: Page,
    /// Where the form posts: `/vacancies` or `/vacancies/{reference}/edit`.
    action: String,
    form: VacancyForm,
    choices: Choices,
    levels: &'static [&'static str],
    errors: FormErrors,
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    action: String,
    form: VacancyForm,
    errors: FormErrors,
) -> Response {
    let choices = match choices(st, ctx).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("vacancies-new-title");
    let html = FormPage {
        page: Page::new(ctx, &title),
        action,
        form,
        choices,
        levels: LEVELS,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    let form = VacancyForm {
        pdo_required: true,
        ..VacancyForm::default()
    };
    form_page(
        &st,
        &ctx,
        "/vacancies".into(),
        form,
        FormErrors::none(ctx.tr),
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = VacancyForm::from_fields(fields);
    let result = match form.to_input() {
        Ok(input) => service::create(&st.db, &st.clock, &ctx.actor, &input).await,
        Err(fields) => Err(ServiceError::Invalid(fields)),
    };
    match result {
        Ok(reference) => Redirect::to(&format!("/vacancies/{reference}")).into_response(),
        Err(e) => match as_form_errors(&ctx, e) {
            Ok(errors) => form_page(&st, &ctx, "/vacancies".into(), form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Response {
    let v = match vacancy_for(&st, &ctx, &reference).await {
        Ok((v, _)) if require_agency(&ctx.actor, &v.recruiter_id).is_ok() => v,
        Ok(_) => {
            return ServiceError::from(crate::platform::access::AccessError::Forbidden)
                .into_response();
        }
        Err(e) => return e.into_response(),
    };
    let action = format!("/vacancies/{}/edit", v.reference);
    form_page(
        &st,
        &ctx,
        action,
        VacancyForm::of(&v),
        FormErrors::none(ctx.tr),
    )
    .await
}

pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = VacancyForm::from_fields(fields);
    let result = match form.to_input() {
        Ok(input) => service::update(&st.db, &st.clock, &ctx.actor, &reference, &input).await,
        Err(fields) => Err(ServiceError::Invalid(fields)),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/vacancies/{reference}")).into_response(),
        Err(e) => match as_form_errors(&ctx, e) {
            Ok(errors) => {
                form_page(
                    &st,
                    &ctx,
                    format!("/vacancies/{reference}/edit"),
                    form,
                    errors,
                )
                .await
            }
            Err(e) => e.into_response(),
        },
    }
}

/// A step the recruiter may take on an application now (button label and action).
fn next_steps(application: &Application) -> Vec<&'static str> {
    let Some(from) = ApplicationState::parse(&application.state) else {
        return vec![];
    };
    AppAction::ALL
        .into_iter()
        .filter(|a| !a.by_applicant() && app_transition(from, *a).is_some())
        .map(AppAction::as_str)
        .collect()
}

#[derive(Template)]
#[template(path = "vacancies/applicants.html")]
struct ApplicantsPage {
    page: Page,
    v: Vacancy,
    rows: Vec<(Applicant, Vec<&'static str>)>,
    labels: Labels,
    errors: FormErrors,
}

async fn applicants_page(
    st: &AppState,
    ctx: &Ctx,
    reference: &str,
    errors: FormErrors,
) -> Response {
    let (v, list) = match applications::applicants(st.people(), &ctx.actor, reference).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let labels = match labels(st, ctx).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let rows = list
        .into_iter()
        .map(|a| {
            let steps = next_steps(&a.application);
            (a, steps)
        })
        .collect();
    let title = format!("{} · {}", ctx.tr.t("applicants-title"), v.title);
    let html = ApplicantsPage {
        page: Page::new(ctx, &title),
        v,
        rows,
        labels,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn applicants(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> Response {
    applicants_page(&st, &ctx, &reference, FormErrors::none(ctx.tr)).await
}

#[derive(Template)]
#[template(path = "vacancies/mine.html")]
struct MinePage {
    page: Page,
    alerts: Vec<applications::Alert>,
    rows: Vec<(Application, Vacancy)>,
    labels: Labels,
    has_profile: bool,
    errors: FormErrors,
}

impl MinePage {
    fn may_withdraw(&self, a: &Application) -> bool {
        ApplicationState::parse(&a.state)
            .and_then(|s| app_transition(s, AppAction::Withdraw))
            .is_some()
    }
}

async fn mine_page(st: &AppState, ctx: &Ctx, errors: FormErrors) -> Response {
    let rows = match applications::mine(st.people(), &ctx.actor).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let alerts = match applications::my_alerts(st.people(), &ctx.actor).await {
        Ok(alerts) => alerts,
        Err(e) => return e.into_response(),
    };
    let has_profile = matches!(
        crate::people::service::own_person_id(&st.db, &ctx.actor).await,
        Ok(Some(_))
    );
    let labels = match labels(st, ctx).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let title = ctx.tr.t("applications-title");
    let html = MinePage {
        page: Page::new(ctx, &title),
        alerts,
        rows,
        labels,
        has_profile,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    mine_page(&st, &ctx, FormErrors::none(ctx.tr)).await
}

/// A step on an application, from the applicants page (staff) or "my applications" (the
/// applicant withdrawing); back to the same page either way.
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Response {
    let by_applicant = AppAction::parse(&action).is_some_and(AppAction::by_applicant);
    let result = applications::step(st.people(), &ctx.actor, &id, &action, &input).await;
    let reference = async {
        let mut tx = st.db.begin().await?;
        let found = match store::application(&mut tx, &id).await? {
            Some(a) => store::by_id(&mut tx, &a.vacancy_id)
                .await?
                .map(|v| v.reference),
            None => None,
        };
        tx.commit().await?;
        Ok::<_, ServiceError>(found)
    };
    let reference = match reference.await {
        Ok(Some(r)) => r,
        Ok(None) => return ServiceError::NotFound.into_response(),
        Err(e) => return e.into_response(),
    };
    match (result, by_applicant) {
        (Ok(_), true) => Redirect::to("/applications").into_response(),
        (Ok(_), false) => {
            Redirect::to(&format!("/vacancies/{reference}/applicants")).into_response()
        }
        (Err(e), applicant) => match as_form_errors(&ctx, e) {
            Ok(errors) if applicant => mine_page(&st, &ctx, errors).await,
            Ok(errors) => applicants_page(&st, &ctx, &reference, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "vacancies/affected.html")]
struct AffectedPage {
    page: Page,
    recruiter_id: String,
    rows: Vec<super::cascade::Affected>,
    labels: Labels,
}

/// The people a recruiter's fallen licence left (licensing officers; audited).
pub async fn affected(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let recruiter = match crate::recruiters::store::find(&st.db, &id).await {
        Ok(Some(r)) => r,
        Ok(None) => return ServiceError::NotFound.into_response(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let rows = match super::cascade::affected(st.people(), &ctx.actor, &id).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let labels = match labels(&st, &ctx).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let title = format!("{} · {}", ctx.tr.t("queue-cascades"), recruiter.name);
    let html = AffectedPage {
        page: Page::new(&ctx, &title),
        recruiter_id: id,
        rows,
        labels,
    };
    page(StatusCode::OK, html.render())
}

#[derive(Template)]
#[template(path = "vacancies/complain.html")]
struct ComplainPage {
    page: Page,
    id: String,
    types: Vec<&'static str>,
    form: applications::OwnComplaint,
    errors: FormErrors,
}

fn complain_page(
    ctx: &Ctx,
    id: String,
    form: applications::OwnComplaint,
    errors: FormErrors,
) -> Response {
    let title = ctx.tr.t("complaint-own-title");
    let html = ComplainPage {
        page: Page::new(ctx, &title),
        id,
        types: crate::recruiters::complaints::TYPES
            .iter()
            .map(|(c, _)| *c)
            .collect(),
        form,
        errors: errors.clone(),
    };
    page(status_of(&errors), html.render())
}

pub async fn complaint_form(ctx: Ctx, Path(id): Path<String>) -> Response {
    complain_page(
        &ctx,
        id,
        applications::OwnComplaint::default(),
        FormErrors::none(ctx.tr),
    )
}

#[derive(serde::Deserialize, Default)]
pub struct ComplainForm {
    #[serde(default, rename = "type")]
    type_code: String,
    #[serde(default)]
    description: String,
}

pub async fn complain(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ComplainForm>,
) -> Response {
    let input = applications::OwnComplaint {
        type_code: form.type_code,
        description: form.description,
    };
    match applications::complain(st.people(), &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to("/applications?complained=1").into_response(),
        Err(e) => match as_form_errors(&ctx, e) {
            Ok(errors) => complain_page(&ctx, id, input, errors),
            Err(e) => e.into_response(),
        },
    }
}
