//! The PDO managers' forms: centres and their inspections, trainers' qualifications, new
//! sessions and curriculum revisions. Each re-renders with the input kept and errors beside
//! the fields when the service refuses.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::CRITERIA;
use super::service::{
    self, CentreInput, CurriculumInput, InspectionInput, QualificationInput, SessionInput,
    SlotInput,
};
use super::store::{self, Centre, Curriculum, Inspection, Qualification};
use crate::platform::error::ServiceError;
use crate::platform::i18n::Locale;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, fields, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

/// A number typed in a form: empty is `None`; anything else that is not a number is -1,
/// which every range check refuses with the field's own message.
fn number(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(-1))
}

/// What every form page of this module offers in its selects.
struct Choices {
    regions: Vec<(String, String)>,
    destinations: Vec<(String, String)>,
    trainers: Vec<(String, String)>,
    centres: Vec<(String, String)>,
    languages: Vec<(&'static str, &'static str)>,
}

async fn choices(st: &AppState, ctx: &Ctx) -> Result<Choices, ServiceError> {
    let locale = ctx.locale();
    let labels = Labels::load(&st.db, locale).await?;
    let regions = crate::reference::store::regions(&st.db)
        .await?
        .into_iter()
        .map(|r| (r.iso.clone(), r.names.get(locale).to_string()))
        .collect();
    let destinations = store::current_curricula(&st.db)
        .await?
        .into_iter()
        .map(|c| {
            let name = labels.name(&c.destination).to_string();
            (c.destination, name)
        })
        .collect();
    let centres = service::centres(st.pdo(), &ctx.actor)
        .await?
        .into_iter()
        .filter(|c| c.status != "suspended")
        .map(|c| (c.id, c.name))
        .collect();
    Ok(Choices {
        regions,
        destinations,
        trainers: store::trainers(&st.db).await?,
        centres,
        languages: Locale::ALL
            .iter()
            .map(|l| (l.tag(), l.native_name()))
            .collect(),
    })
}

// ---------------------------------------------------------------- centres

#[derive(Template)]
#[template(path = "pdo/centres.html")]
struct CentresPage {
    page: Page,
    centres: Vec<Centre>,
    labels: Labels,
    choices: Choices,
    form: Fields,
    errors: FormErrors,
}

impl CentresPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn centres(State(st): State<AppState>, ctx: Ctx) -> Response {
    centres_page(&st, &ctx, vec![], FormErrors::none(ctx.tr)).await
}

async fn centres_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let found = async {
        Ok::<_, ServiceError>((
            service::centres(st.pdo(), &ctx.actor).await?,
            Labels::load(&st.db, ctx.locale()).await?,
            choices(st, ctx).await?,
        ))
    };
    let (centres, labels, choices) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("pdo-centres");
    page(
        status_of(&errors),
        CentresPage {
            page: Page::new(ctx, &title),
            centres,
            labels,
            choices,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn create_centre(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Fields>,
) -> Response {
    let input = CentreInput {
        name: field(&form, "name"),
        region: field(&form, "region"),
        district: None,
        address: field(&form, "address"),
        capacity: number(&field(&form, "capacity")),
        contact: field(&form, "contact"),
    };
    match service::create_centre(st.pdo(), &ctx.actor, &input).await {
        Ok(c) => Redirect::to(&format!("/pdo/centres/{}", c.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => centres_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "pdo/centre.html")]
struct CentrePage {
    page: Page,
    centre: Centre,
    inspections: Vec<Inspection>,
    labels: Labels,
    criteria: [&'static str; 4],
    form: Fields,
    errors: FormErrors,
}

impl CentrePage {
    fn checked(&self, criterion: &str) -> bool {
        fields(&self.form, "failed").iter().any(|c| c == criterion)
    }
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn centre(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    centre_page(&st, &ctx, &id, vec![], FormErrors::none(ctx.tr)).await
}

async fn centre_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let found = async {
        let centre = service::centre(st.pdo(), &ctx.actor, id).await?;
        Ok::<_, ServiceError>((
            centre,
            store::inspections(&st.db, id).await?,
            Labels::load(&st.db, ctx.locale()).await?,
        ))
    };
    let (centre, inspections, labels) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let title = centre.name.clone();
    page(
        status_of(&errors),
        CentrePage {
            page: Page::new(ctx, &title),
            centre,
            inspections,
            labels,
            criteria: CRITERIA,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn inspect(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = InspectionInput {
        inspected_on: field(&form, "inspected_on"),
        failed: fields(&form, "failed"),
        notes: field(&form, "notes"),
    };
    match service::inspect(st.pdo(), &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/pdo/centres/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => centre_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

// ---------------------------------------------------------------- trainers

#[derive(Template)]
#[template(path = "pdo/trainers.html")]
struct TrainersPage {
    page: Page,
    qualifications: Vec<(Qualification, String)>,
    labels: Labels,
    choices: Choices,
    soon: String,
    today: String,
    form: Fields,
    errors: FormErrors,
}

impl TrainersPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn trainers(State(st): State<AppState>, ctx: Ctx) -> Response {
    trainers_page(&st, &ctx, vec![], FormErrors::none(ctx.tr)).await
}

async fn trainers_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let found = async {
        Ok::<_, ServiceError>((
            service::qualifications_summary(&st.db).await?,
            Labels::load(&st.db, ctx.locale()).await?,
            choices(st, ctx).await?,
        ))
    };
    let (qualifications, labels, choices) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let today = crate::recruiters::service::today(&st.clock);
    let title = ctx.tr.t("pdo-trainers");
    page(
        status_of(&errors),
        TrainersPage {
            page: Page::new(ctx, &title),
            qualifications,
            labels,
            choices,
            soon: (today + time::Duration::weeks(6)).to_string(),
            today: today.to_string(),
            form,
            errors,
        }
        .render(),
    )
}

pub async fn qualify(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    let input = QualificationInput {
        trainer_id: field(&form, "trainer_id"),
        destination: field(&form, "destination"),
        modules: vec![],
        issued_on: field(&form, "issued_on"),
        expires_on: field(&form, "expires_on"),
    };
    match service::qualify(st.pdo(), &ctx.actor, &input).await {
        Ok(_) => Redirect::to("/pdo/trainers").into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => trainers_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

// ---------------------------------------------------------------- sessions

#[derive(Template)]
#[template(path = "pdo/session_new.html")]
struct NewSessionPage {
    page: Page,
    choices: Choices,
    form: Fields,
    errors: FormErrors,
}

impl NewSessionPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn has_trainer(&self, id: &str) -> bool {
        fields(&self.form, "trainer").iter().any(|t| t == id)
    }
}

pub async fn new_session(State(st): State<AppState>, ctx: Ctx) -> Response {
    new_session_page(&st, &ctx, vec![], FormErrors::none(ctx.tr)).await
}

async fn new_session_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let choices = match choices(st, ctx).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("pdo-session-new");
    page(
        status_of(&errors),
        NewSessionPage {
            page: Page::new(ctx, &title),
            choices,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn create_session(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Fields>,
) -> Response {
    let input = SessionInput {
        centre_id: field(&form, "centre_id"),
        destination: field(&form, "destination"),
        starts_on: field(&form, "starts_on"),
        ends_on: field(&form, "ends_on"),
        capacity: number(&field(&form, "capacity")),
        language: field(&form, "language"),
        trainers: fields(&form, "trainer"),
    };
    match service::create_session(st.pdo(), &ctx.actor, &input).await {
        Ok(id) => Redirect::to(&format!("/pdo/sessions/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_session_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

// ---------------------------------------------------------------- curricula

#[derive(Template)]
#[template(path = "pdo/curricula.html")]
struct CurriculaPage {
    page: Page,
    curricula: Vec<Curriculum>,
    labels: Labels,
    /// The destination whose form was sent (to show its errors there).
    sent: String,
    form: Fields,
    errors: FormErrors,
}

impl CurriculaPage {
    fn value(&self, destination: &str, name: &str, current: String) -> String {
        if self.sent == destination {
            field(&self.form, name)
        } else {
            current
        }
    }
    fn error(&self, destination: &str, name: &str) -> String {
        if self.sent == destination {
            self.errors.get(name)
        } else {
            String::new()
        }
    }
}

pub async fn curricula(State(st): State<AppState>, ctx: Ctx) -> Response {
    curricula_page(&st, &ctx, String::new(), vec![], FormErrors::none(ctx.tr)).await
}

async fn curricula_page(
    st: &AppState,
    ctx: &Ctx,
    sent: String,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let found = async {
        Ok::<_, ServiceError>((
            store::current_curricula(&st.db).await?,
            Labels::load(&st.db, ctx.locale()).await?,
        ))
    };
    let (curricula, labels) = match found.await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("pdo-curricula");
    page(
        status_of(&errors),
        CurriculaPage {
            page: Page::new(ctx, &title),
            curricula,
            labels,
            sent,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn revise(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(destination): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let slot_text = field(&form, "slot_text");
    let slots = if slot_text.trim().is_empty() {
        vec![]
    } else {
        vec![SlotInput {
            module: field(&form, "slot_module"),
            language: field(&form, "slot_language"),
            text: slot_text,
        }]
    };
    let input = CurriculumInput {
        pass_mark: number(&field(&form, "pass_mark")),
        days: number(&field(&form, "days")),
        online_only: Some(field(&form, "online_only") == "1"),
        slots,
    };
    match service::revise_curriculum(st.pdo(), &ctx.actor, &destination, &input).await {
        Ok(_) => Redirect::to("/pdo/curricula").into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => curricula_page(&st, &ctx, destination, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}
