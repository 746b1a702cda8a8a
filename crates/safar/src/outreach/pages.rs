//! Outreach in the browser: the regional officer's list of events, the form to plan one, the
//! event page with its next step (held, report, cancel) and photos, and the public
//! per-region table.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::model::{self, AGE_BANDS, CELLS, GENDERS, KINDS, Step, TOPICS};
use super::service::{self, EventInput, EventView, RegionRow, StepInput};
use super::store::Event;
use crate::people::pages::{DistrictGroup, district_choices, region_choices};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{
    Fields, FormErrors, field, fields, page, required_file, status_of,
};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

const STATUSES: [&str; 4] = ["planned", "held", "reported", "cancelled"];

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "outreach/list.html")]
struct ListPage {
    page: Page,
    events: Vec<Event>,
    region: String,
    status: String,
    regions: Vec<(String, String)>,
    statuses: [&'static str; 4],
    labels: Labels,
}

/// The events of the officer's regions.
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    let events = match service::list(&st.db, &ctx.actor, Some(&q.region), Some(&q.status)).await {
        Ok(e) => e,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("outreach-title");
    page(
        StatusCode::OK,
        ListPage {
            page: Page::new(&ctx, &title),
            events,
            region: q.region,
            status: q.status,
            regions: region_choices(&st, &ctx).await,
            statuses: STATUSES,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "outreach/new.html")]
struct NewPage {
    page: Page,
    kinds: [&'static str; 5],
    topics: [&'static str; 5],
    regions: Vec<(String, String)>,
    districts: Vec<DistrictGroup>,
    form: Fields,
    errors: FormErrors,
}

impl NewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn ticked(&self, topic: &str) -> bool {
        fields(&self.form, "topics").iter().any(|t| t == topic)
    }
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    if !ctx
        .actor
        .holds(crate::platform::access::Permission::ManageOutreach)
    {
        return ServiceError::from(ctx.actor.refusal()).into_response();
    }
    new_page(&st, &ctx, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn new_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let title = ctx.tr.t("outreach-new");
    page(
        status_of(&errors),
        NewPage {
            page: Page::new(ctx, &title),
            kinds: KINDS,
            topics: TOPICS,
            regions: region_choices(st, ctx).await,
            districts: district_choices(st, ctx).await,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn plan(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    let input = EventInput {
        title: field(&form, "title"),
        kind: field(&form, "kind"),
        topics: fields(&form, "topics"),
        region: field(&form, "region"),
        district: field(&form, "district"),
        place: field(&form, "place"),
        planned_on: field(&form, "planned_on"),
    };
    match service::plan(&st.db, &st.clock, &ctx.actor, &input).await {
        Ok(e) => Redirect::to(&format!("/outreach/{}", e.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "outreach/event.html")]
struct EventPage {
    page: Page,
    view: EventView,
    steps: Vec<&'static str>,
    genders: [&'static str; 2],
    bands: [&'static str; 4],
    labels: Labels,
    form: Fields,
    errors: FormErrors,
}

impl EventPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn cell(&self, gender: &str, band: &str) -> i64 {
        let key = format!("{gender}_{band}");
        self.view.attendance.get(&key).copied().unwrap_or(0)
    }
    fn cell_field(&self, gender: &str, band: &str) -> String {
        format!("attendance_{gender}_{band}")
    }
    fn gender_total(&self, gender: &str) -> i64 {
        AGE_BANDS.iter().map(|b| self.cell(gender, b)).sum()
    }
    fn can(&self, step: &str) -> bool {
        self.steps.contains(&step)
    }
    fn can_add_photos(&self) -> bool {
        ["held", "reported"].contains(&self.view.event.status.as_str())
    }
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    event_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn event_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let view = match service::read(&st.db, &ctx.actor, id).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let steps = model::steps_from(&view.event.status)
        .into_iter()
        .map(Step::as_str)
        .collect();
    let title = view.event.title.clone();
    page(
        status_of(&errors),
        EventPage {
            page: Page::new(ctx, &title),
            view,
            steps,
            genders: GENDERS,
            bands: AGE_BANDS,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
            form,
            errors,
        }
        .render(),
    )
}

fn step_input(form: &Fields) -> StepInput {
    let attendance: BTreeMap<String, serde_json::Value> = CELLS
        .iter()
        .map(|(g, b, name)| {
            (
                format!("{g}_{b}"),
                serde_json::Value::String(field(form, name)),
            )
        })
        .collect();
    StepInput {
        held_on: field(form, "held_on"),
        attendance,
        materials: field(form, "materials"),
        materials_count: serde_json::Value::String(field(form, "materials_count")),
        partners: field(form, "partners"),
        summary: field(form, "summary"),
        reason: field(form, "reason"),
    }
}

pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let input = step_input(&form);
    match service::act(&st.db, &st.clock, &ctx.actor, &id, &action, &input).await {
        Ok(_) => Redirect::to(&format!("/outreach/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => event_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn add_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let result = match required_file(multipart).await {
        Ok(bytes) => service::add_photo(&st.db, &st.clock, &ctx.actor, &id, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/outreach/{id}#photos")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => event_page(&st, &ctx, &id, Fields::new(), errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "outreach/regions.html")]
struct RegionsPage {
    page: Page,
    from: String,
    to: String,
    rows: Vec<RegionRow>,
    totals: RegionRow,
    labels: Labels,
    error: String,
}

impl RegionsPage {
    fn per_10k(&self, value: &Option<f64>) -> String {
        value
            .map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| "—".into())
    }
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The public table: events and attendance per region and per 10,000 inhabitants.
pub async fn regions(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let (from, to, error) = match service::period(&q.from, &q.to, &st.clock) {
        Ok((from, to)) => (from, to, String::new()),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => {
                let (from, to) = service::period("", "", &st.clock).unwrap_or_default();
                let message = errors.get("from") + &errors.get("to");
                (from, to, message)
            }
            Err(e) => return e.into_response(),
        },
    };
    let rows = match service::region_table(&st.db, &from, &to).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let totals = service::totals(&rows);
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("outreach-regions-title");
    page(
        status,
        RegionsPage {
            page: Page::new(&ctx, &title),
            from,
            to,
            rows,
            totals,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
            error,
        }
        .render(),
    )
}
