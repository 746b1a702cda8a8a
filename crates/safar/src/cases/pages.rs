//! Cases in the browser, built for an operator on the phone: the queue (due first), intake
//! from a person's record (keyboard order, checklists as checkboxes), and the case with its
//! steps.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::model::{CALLER_ROLES, CATEGORIES, CHANNELS, INDICATORS, MODIFIERS};
use super::referrals;
use super::service::{self, CaseInput, OUTCOMES, QUEUE_VIEWS, QueueQuery, StepInput};
use super::store::Case;
use super::work_store::{Attachment, Follower, Link, Note, Partner, Referral};
use crate::guidance::store::Listed;
use crate::platform::access::{AccessError, Permission};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, fields, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

#[derive(Template)]
#[template(path = "cases/queue.html")]
struct QueuePage {
    page: Page,
    cases: Vec<Case>,
    labels: Labels,
    now_ms: i64,
    views: [&'static str; 4],
    view: String,
    region: String,
    regions: Vec<(String, String)>,
}

impl QueuePage {
    fn due(&self, ms: &i64) -> String {
        short_time(*ms)
    }
}

pub async fn queue(State(st): State<AppState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> Response {
    let cases = match service::queue(&st.db, &st.clock, &ctx.actor, &q).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    // The regions the actor may pick from: theirs, or all for national staff.
    let scoped = ctx.actor.regions_for(Permission::ManageCases);
    let regions = crate::people::pages::region_choices(&st, &ctx)
        .await
        .into_iter()
        .filter(|(code, _)| scoped.as_ref().is_none_or(|rs| rs.contains(code)))
        .collect();
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("cases-title");
    page(
        StatusCode::OK,
        QueuePage {
            page: Page::new(&ctx, &title),
            cases,
            labels,
            now_ms: st.clock.now_ms(),
            views: QUEUE_VIEWS,
            view: q.view.unwrap_or_else(|| "all".into()),
            region: q.region.unwrap_or_default(),
            regions,
        }
        .render(),
    )
}

#[derive(serde::Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    person: String,
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewPage {
    page: Page,
    person_id: String,
    person_name: String,
    categories: Vec<&'static str>,
    channels: [&'static str; 6],
    callers: [&'static str; 5],
    indicators: [&'static str; 11],
    modifiers: [&'static str; 7],
    countries: Vec<(String, String)>,
    form: Fields,
    errors: FormErrors,
}

impl NewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn checked(&self, name: &str, value: &str) -> bool {
        fields(&self.form, name).iter().any(|v| v == value)
    }
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> Response {
    new_page(&st, &ctx, &q.person, vec![], FormErrors::none(ctx.tr)).await
}

async fn new_page(
    st: &AppState,
    ctx: &Ctx,
    person_id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let person = match crate::people::store::find(&st.db, person_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return Redirect::to("/people").into_response(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let countries = Labels::choices(&st.db, ctx.locale(), CodedTable::Countries)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(code, _)| code != "UZ")
        .collect();
    let title = ctx.tr.t("case-new");
    page(
        status_of(&errors),
        NewPage {
            page: Page::new(ctx, &title),
            person_id: person.id.clone(),
            person_name: format!(
                "{} {} ({})",
                person.family_name, person.given_name, person.birth_date
            ),
            categories: CATEGORIES.iter().map(|(c, _)| *c).collect(),
            channels: CHANNELS,
            callers: CALLER_ROLES,
            indicators: INDICATORS,
            modifiers: MODIFIERS,
            countries,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn create(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    let input = CaseInput {
        person_id: field(&form, "person_id"),
        category: field(&form, "category"),
        subtype: Some(field(&form, "subtype")),
        channel: field(&form, "channel"),
        caller_role: Some(field(&form, "caller_role")).filter(|r| !r.is_empty()),
        country: field(&form, "country"),
        city: Some(field(&form, "city")),
        summary: field(&form, "summary"),
        indicators: fields(&form, "indicator"),
        modifiers: fields(&form, "modifier"),
        suicide_risk: field(&form, "suicide_risk") == "1",
        priority: Some(field(&form, "priority")),
    };
    match service::open(&st.db, &st.clock, &ctx.actor, &input).await {
        Ok(opened) => Redirect::to(&format!("/cases/{}", opened.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_page(&st, &ctx, &input.person_id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "cases/view.html")]
struct ViewPage {
    page: Page,
    case: Case,
    labels: Labels,
    actions: Vec<&'static str>,
    outcomes: [&'static str; 5],
    errors: FormErrors,
    due: String,
    referrals: Vec<Referral>,
    notes: Vec<Note>,
    attachments: Vec<Attachment>,
    links: Vec<Link>,
    link_kinds: [&'static str; 3],
    partners: Vec<Partner>,
    guidance: Vec<Listed>,
    duplicates: Vec<String>,
    followers: Vec<Follower>,
    relations: [&'static str; 5],
    follow_base: String,
    staff: bool,
    form: Fields,
}

impl ViewPage {
    fn when(&self, ms: &i64) -> String {
        short_time(*ms)
    }
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

/// `2026-11-28 19:05` (UTC) for tables and timelines.
pub(super) fn short_time(ms: i64) -> String {
    service::rfc3339(ms)
        .replace('T', " ")
        .chars()
        .take(16)
        .collect()
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    view_page(&st, &ctx, &id, FormErrors::none(ctx.tr)).await
}

pub(super) async fn view_page(st: &AppState, ctx: &Ctx, id: &str, errors: FormErrors) -> Response {
    let case = match service::read(&st.db, &st.clock, &ctx.actor, id).await {
        Ok(c) => c,
        Err(ServiceError::Access(AccessError::Forbidden))
            if ctx.actor.holds(Permission::ManageCases) =>
        {
            return super::work_pages::glass_page(ctx, id, Fields::new(), FormErrors::none(ctx.tr));
        }
        Err(e) => return e.into_response(),
    };
    let (work, partners, followers) = match (
        referrals::work_of(&st.db, id).await,
        referrals::partners(&st.db, &ctx.actor).await,
        super::family::followers(&st.db, &st.clock, &ctx.actor, id).await,
    ) {
        (Ok(work), Ok(partners), Ok(followers)) => (work, partners, followers),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into_response(),
    };
    // Referring happens through the referral form, which names the partner.
    let actions = ["assign", "start", "escalate", "resolve", "close", "reopen"]
        .into_iter()
        .filter(|a| super::model::transition(&case.status, a).is_some())
        .collect();
    // The articles the operator may read out while the caller is on the line.
    let guidance = match crate::guidance::service::suggested(
        &st.db,
        &case.category,
        &case.country,
        ctx.locale().tag(),
    )
    .await
    {
        Ok(g) => g,
        Err(e) => return e.into_response(),
    };
    let duplicates = match service::duplicates_of(&st.db, &case).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = format!(
        "{} · {}",
        ctx.tr.t("case-title"),
        ctx.tr.t(&format!("case-category-{}", case.category))
    );
    page(
        status_of(&errors),
        ViewPage {
            page: Page::new(ctx, &title),
            due: service::rfc3339(case.due_at),
            case,
            labels,
            actions,
            outcomes: OUTCOMES,
            errors,
            referrals: work.referrals,
            notes: work.notes,
            attachments: work.attachments,
            links: work.links,
            link_kinds: super::links::KINDS,
            partners: partners.into_iter().filter(|p| p.active).collect(),
            guidance,
            duplicates,
            followers,
            relations: super::family::RELATIONS,
            follow_base: format!("/cases/{id}"),
            staff: true,
            form: Fields::new(),
        }
        .render(),
    )
}

pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let number = |name: &str| {
        let v = field(&form, name);
        let v = v.trim();
        (!v.is_empty()).then(|| {
            crate::platform::web::forms::parse_amount(v)
                .ok()
                .flatten()
                .unwrap_or(-1)
        })
    };
    let input = StepInput {
        note: field(&form, "note"),
        outcome: Some(field(&form, "outcome")).filter(|o| !o.is_empty()),
        amount_recovered: number("amount_recovered"),
        currency: Some(field(&form, "currency")),
        satisfaction: number("satisfaction"),
    };
    match service::act(&st.db, &st.clock, &ctx.actor, &id, &action, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}
