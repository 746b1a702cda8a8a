//! Returnees in the browser: the officer's queue of follow-ups, the intake form (reached
//! from a person's record), and the intake page with the service plan and follow-ups.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::intake::{
    self, Assessment, DEBTS, DOCUMENTS, FollowUpInput, HEALTH, HOUSING, INCOME, IntakeInput,
    IntakeView, OutcomeInput, SCREEN, SERVICES, ServiceInput,
};
use super::intake_store::FollowUp;
use crate::people::service::NewJourney;
use crate::platform::access::Permission;
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(Template)]
#[template(path = "returnees/queue.html")]
struct QueuePage {
    page: Page,
    followups: Vec<FollowUp>,
    labels: Labels,
}

/// Follow-ups overdue or due within a week, in the officer's regions.
pub async fn queue(State(st): State<AppState>, ctx: Ctx) -> Response {
    let followups = match intake::queue(&st.db, &st.clock, &ctx.actor).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("returnee-queue");
    page(
        http::StatusCode::OK,
        QueuePage {
            page: Page::new(&ctx, &title),
            followups,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
        }
        .render(),
    )
}

/// The bands a select offers, by field.
type Choices = Vec<(&'static str, &'static [&'static str])>;

#[derive(Template)]
#[template(path = "returnees/new.html")]
struct NewPage {
    page: Page,
    person: String,
    bands: Choices,
    screen: [&'static str; 5],
    countries: Vec<(String, String)>,
    form: Fields,
    errors: FormErrors,
}

impl NewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn screen_field(&self, item: &str) -> String {
        format!("screen_{item}")
    }
    fn band_label(&self, field: &str, value: &str) -> String {
        self.page.tk(&format!("returnee-{field}"), value)
    }
    fn answer_label(&self, answer: &i64) -> String {
        self.page.tk("returnee-answer", &answer.to_string())
    }
    fn answers(&self) -> [i64; 4] {
        [0, 1, 2, 3]
    }
    fn chosen(&self, item: &str, answer: &i64) -> bool {
        let chosen = field(&self.form, &format!("screen_{item}"));
        chosen == answer.to_string() || (chosen.is_empty() && *answer == 0)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    person: String,
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> Response {
    if !ctx.actor.holds(Permission::ManageReintegration) {
        return ServiceError::from(ctx.actor.refusal()).into_response();
    }
    let mut form = Fields::new();
    form.push(("person_id".into(), q.person));
    new_page(&st, &ctx, form, FormErrors::none(ctx.tr)).await
}

async fn new_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let title = ctx.tr.t("returnee-new");
    let countries = crate::reference::labels::Labels::choices(
        &st.db,
        ctx.locale(),
        crate::reference::store::CodedTable::Countries,
    )
    .await
    .unwrap_or_default();
    page(
        status_of(&errors),
        NewPage {
            page: Page::new(ctx, &title),
            person: field(&form, "person_id"),
            bands: vec![
                ("income", &INCOME[..]),
                ("debts", &DEBTS[..]),
                ("health", &HEALTH[..]),
                ("housing", &HOUSING[..]),
                ("documents", &DOCUMENTS[..]),
            ],
            screen: SCREEN,
            countries,
            form,
            errors,
        }
        .render(),
    )
}

fn intake_input(form: &Fields) -> IntakeInput {
    let returned = Some(field(form, "return_date"))
        .filter(|d| !d.trim().is_empty())
        .map(|date| NewJourney {
            kind: "return".into(),
            date,
            country: field(form, "return_country"),
            channel: Some("unknown".into()),
            ..NewJourney::default()
        });
    IntakeInput {
        person_id: field(form, "person_id"),
        returned,
        assessment: Assessment {
            work_abroad: field(form, "work_abroad"),
            skills_gained: field(form, "skills_gained"),
            income: field(form, "income"),
            debts: field(form, "debts"),
            health: field(form, "health"),
            housing: field(form, "housing"),
            family: field(form, "family"),
            documents: field(form, "documents"),
            screen: SCREEN
                .iter()
                .map(|item| field(form, &format!("screen_{item}")).parse().unwrap_or(-1))
                .collect(),
            self_harm: field(form, "self_harm") == "yes",
            notes: field(form, "notes"),
        },
    }
}

pub async fn open(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    match intake::open(st.people(), &ctx.actor, &intake_input(&form)).await {
        Ok(i) => Redirect::to(&format!("/returnees/{}", i.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "returnees/view.html")]
struct ViewPage {
    page: Page,
    v: IntakeView,
    /// Courses of the returnee's region still taking enrolments, for the retraining service.
    courses: Vec<super::courses_store::Course>,
    services: [&'static str; 14],
    screen: [&'static str; 5],
    form: Fields,
    errors: FormErrors,
}

impl ViewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    /// The steps open from a service's status.
    fn steps(&self, status: &str) -> Vec<&'static str> {
        match status {
            "planned" => vec!["refer", "start", "decline"],
            "referred" => vec!["start", "done", "decline"],
            "in_progress" => vec!["done", "decline"],
            _ => vec![],
        }
    }
    /// Whether a service can be turned into a course enrolment from this page.
    fn enrols(&self, service: &str, status: &str) -> bool {
        service == "RS-TRN" && matches!(status, "planned" | "referred") && !self.courses.is_empty()
    }
    fn needs_outcome(&self, step: &str) -> bool {
        matches!(step, "done" | "decline")
    }
    fn answer(&self, i: &usize) -> i64 {
        self.v
            .intake
            .assessment
            .screen
            .get(*i)
            .copied()
            .unwrap_or(0)
    }
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    view_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn view_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let v = match intake::read(&st.db, &st.clock, &ctx.actor, id).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let day = crate::recruiters::service::today(&st.clock);
    let courses = super::courses::catalogue(&st.db, &st.clock, &v.intake.region, "")
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|c| super::courses::enrolment_open(c, day))
        .collect();
    let title = ctx.tr.t("returnee-intake");
    page(
        status_of(&errors),
        ViewPage {
            page: Page::new(ctx, &title),
            v,
            courses,
            services: SERVICES,
            screen: SCREEN,
            form,
            errors,
        }
        .render(),
    )
}

/// The forms of the intake page: `service`, `step-{service id}-{step}`,
/// `enrol-{service id}` (a course for the retraining service), `followup`,
/// `done-{follow-up id}`.
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let (db, clock, actor) = (&st.db, &st.clock, &ctx.actor);
    let result = if action == "service" {
        let input = ServiceInput {
            service: field(&form, "service"),
            provider: field(&form, "provider"),
            due_on: field(&form, "due_on"),
        };
        intake::add_service(db, clock, actor, &id, &input)
            .await
            .map(|_| ())
    } else if action == "followup" {
        let input = FollowUpInput {
            due_on: field(&form, "followup_due"),
            note: field(&form, "note"),
        };
        intake::add_followup(db, clock, actor, &id, &input)
            .await
            .map(|_| ())
            .map_err(|e| e.renamed("due_on", "followup_due"))
    } else if let Some(rest) = action.strip_prefix("step-") {
        let (service, step) = rest.rsplit_once('-').unwrap_or((rest, ""));
        let input = OutcomeInput {
            outcome: field(&form, "outcome"),
        };
        intake::step_service(db, clock, actor, &id, service, step, &input)
            .await
            .map(|_| ())
    } else if let Some(service) = action.strip_prefix("enrol-") {
        let course = field(&form, "course");
        super::courses::enrol_from_plan(db, clock, actor, &id, service, &course)
            .await
            .map(|_| ())
    } else if let Some(followup) = action.strip_prefix("done-") {
        let input = FollowUpInput {
            due_on: String::new(),
            note: field(&form, "done_note"),
        };
        intake::finish_followup(db, clock, actor, &id, followup, &input)
            .await
            .map(|_| ())
            .map_err(|e| e.renamed("note", "done_note"))
    } else {
        Err(ServiceError::NotFound)
    };
    match result {
        Ok(()) => Redirect::to(&format!("/returnees/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}
