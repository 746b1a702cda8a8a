//! Retraining courses in the browser: the public catalogue (with a citizen's own
//! enrolments), a course's page (enrol, or for the officer of its region the trainee list
//! with completion and outcomes), and the officer's form for a new course.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::courses::{self, CourseInput, FIELDS, OUTCOMES, Outcomes, StepInput};
use super::courses_store::{Course, Enrolment, Trainee};
use crate::people::pages::region_choices;
use crate::platform::access::Permission;
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(Template)]
#[template(path = "courses/list.html")]
struct ListPage {
    page: Page,
    courses: Vec<Course>,
    mine: Vec<(Enrolment, Course)>,
    region: String,
    field: String,
    regions: Vec<(String, String)>,
    fields: [&'static str; 6],
    can_create: bool,
    labels: Labels,
}

impl ListPage {
    fn is_region(&self, code: &str) -> bool {
        self.region == code
    }
    fn is_field(&self, code: &str) -> bool {
        self.field == code
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    field: String,
}

/// The catalogue, filtered by region and field; a citizen also sees their enrolments.
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    let list = match courses::catalogue(&st.db, &st.clock, &q.region, &q.field).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let mine = if ctx.actor.holds(Permission::EnrolInCourses) {
        courses::mine(&st.db, &ctx.actor).await.unwrap_or_default()
    } else {
        vec![]
    };
    let title = ctx.tr.t("course-catalogue");
    page(
        http::StatusCode::OK,
        ListPage {
            page: Page::new(&ctx, &title),
            courses: list,
            mine,
            region: q.region,
            field: q.field,
            regions: region_choices(&st, &ctx).await,
            fields: FIELDS,
            can_create: ctx.actor.holds(Permission::ManageReintegration),
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "courses/new.html")]
struct NewPage {
    page: Page,
    regions: Vec<(String, String)>,
    fields: [&'static str; 6],
    form: Fields,
    errors: FormErrors,
}

impl NewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    if !ctx.actor.holds(Permission::ManageReintegration) {
        return ServiceError::from(ctx.actor.refusal()).into_response();
    }
    new_page(&st, &ctx, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn new_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let title = ctx.tr.t("course-new");
    page(
        status_of(&errors),
        NewPage {
            page: Page::new(ctx, &title),
            regions: own_regions(st, ctx).await,
            fields: FIELDS,
            form,
            errors,
        }
        .render(),
    )
}

/// The regions the officer may add courses in (all of them for a national officer).
async fn own_regions(st: &AppState, ctx: &Ctx) -> Vec<(String, String)> {
    let mine = ctx.actor.regions_for(Permission::ManageReintegration);
    region_choices(st, ctx)
        .await
        .into_iter()
        .filter(|(code, _)| mine.as_ref().is_none_or(|m| m.contains(code)))
        .collect()
}

pub async fn create(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    let input = CourseInput {
        title: field(&form, "title"),
        field: field(&form, "field"),
        provider: field(&form, "provider"),
        region: field(&form, "region"),
        starts_on: field(&form, "starts_on"),
        ends_on: field(&form, "ends_on"),
        // An unreadable number is 0, which the service refuses on the field.
        places: field(&form, "places").trim().parse().unwrap_or(0),
    };
    match courses::create(&st.db, &st.clock, &ctx.actor, &input).await {
        Ok(c) => Redirect::to(&format!("/courses/{}", c.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "courses/view.html")]
struct ViewPage {
    page: Page,
    course: Course,
    region_name: String,
    /// The citizen's own enrolment on this course, if any.
    mine: Option<Enrolment>,
    can_enrol: bool,
    open: bool,
    /// The officer of the course's region: the trainees and what became of them.
    trainees: Option<Vec<Trainee>>,
    outcomes: Outcomes,
    outcome_codes: [&'static str; 4],
    today: String,
    errors: FormErrors,
}

impl ViewPage {
    fn six_months(&self, outcome: &str) -> i64 {
        self.outcomes
            .at_6_months
            .iter()
            .find(|c| c.outcome == outcome)
            .map_or(0, |c| c.trainees)
    }
    fn at_label(&self, months: &u8) -> String {
        self.page.tk("course-at", &months.to_string())
    }
    /// The months (3, 6) whose outcome is due and not yet recorded for an enrolment.
    fn due(&self, e: &Enrolment) -> Vec<u8> {
        let Some(done) = e.completed_on.as_deref() else {
            return vec![];
        };
        [(3u8, &e.outcome_3m), (6u8, &e.outcome_6m)]
            .into_iter()
            .filter(|(_, recorded)| recorded.is_empty())
            .filter(|(m, _)| {
                courses::outcome_due(done, *m).is_some_and(|d| d.to_string() <= self.today)
            })
            .map(|(m, _)| m)
            .collect()
    }
    /// When the next outcome falls due, for a completed enrolment still waiting for one.
    fn next_due(&self, e: &Enrolment) -> String {
        let Some(done) = e.completed_on.as_deref() else {
            return String::new();
        };
        [(3u8, &e.outcome_3m), (6u8, &e.outcome_6m)]
            .into_iter()
            .filter(|(_, recorded)| recorded.is_empty())
            .filter_map(|(m, _)| courses::outcome_due(done, m))
            .map(|d| d.to_string())
            .find(|d| *d > self.today)
            .unwrap_or_default()
    }
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    view_page(&st, &ctx, &id, FormErrors::none(ctx.tr)).await
}

async fn view_page(st: &AppState, ctx: &Ctx, id: &str, errors: FormErrors) -> Response {
    let course = match courses::course(&st.db, id).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let citizen = ctx.actor.holds(Permission::EnrolInCourses);
    let mine = if citizen {
        courses::mine(&st.db, &ctx.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|(_, c)| c.id == course.id)
            .map(|(e, _)| e)
    } else {
        None
    };
    let trainees = if courses::keeps(&ctx.actor, &course) {
        match courses::trainees(&st.db, &st.clock, &ctx.actor, &course.id).await {
            Ok(t) => Some(t),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let today = crate::recruiters::service::today(&st.clock);
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    page(
        status_of(&errors),
        ViewPage {
            page: Page::new(ctx, &course.title),
            region_name: labels.name(&course.region).to_string(),
            open: courses::enrolment_open(&course, today),
            can_enrol: citizen && mine.is_none(),
            mine,
            outcomes: courses::outcomes(trainees.as_deref().unwrap_or_default()),
            trainees,
            outcome_codes: OUTCOMES,
            today: today.to_string(),
            course,
            errors,
        }
        .render(),
    )
}

/// The citizen's enrol button.
pub async fn enrol(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match courses::enrol_self(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(_) => Redirect::to(&format!("/courses/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

/// The officer's buttons on a trainee: `complete`, `drop`, `outcome` (months, outcome).
pub async fn step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, enrolment, action)): Path<(String, String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let input = StepInput {
        months: field(&form, "months").parse().unwrap_or(0),
        outcome: field(&form, "outcome"),
    };
    // The enrolment's own course decides who may act; the path's course is where to return.
    match courses::step(&st.db, &st.clock, &ctx.actor, &enrolment, &action, &input).await {
        Ok(e) => Redirect::to(&format!("/courses/{}", e.course_id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}
