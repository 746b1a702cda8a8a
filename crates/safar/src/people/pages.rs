//! People pages for staff: search, register, open a record (after choosing a purpose),
//! record a journey.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use super::service::{self, NewJourney, NewPerson, PURPOSES, PersonHit, PersonRecord, SearchQuery};
use crate::platform::access::{AccessError, Permission};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page};
use crate::platform::web::glass::glass_page;
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::{self as reference, CodedTable, Region};

#[derive(Template)]
#[template(path = "people/search.html")]
struct SearchPage {
    page: Page,
    q: String,
    birth_year: String,
    region: String,
    regions: Vec<(String, String)>,
    hits: Vec<PersonHit>,
    searched: bool,
    can_create: bool,
}

/// Only the results, for the page's live search (the script asks with `partial=1`).
#[derive(Template)]
#[template(path = "people/search_results.html")]
struct SearchResults {
    page: Page,
    regions: Vec<(String, String)>,
    hits: Vec<PersonHit>,
    searched: bool,
}

fn region_name<'a>(regions: &'a [(String, String)], iso: &'a str) -> &'a str {
    regions
        .iter()
        .find(|(code, _)| code == iso)
        .map_or(iso, |(_, name)| name.as_str())
}

impl SearchPage {
    fn region_name<'a>(&'a self, iso: &'a str) -> &'a str {
        region_name(&self.regions, iso)
    }
}

impl SearchResults {
    fn region_name<'a>(&'a self, iso: &'a str) -> &'a str {
        region_name(&self.regions, iso)
    }
}

/// Search parameters as typed into the form (numbers may be blank).
#[derive(Deserialize, Default)]
pub struct SearchForm {
    q: Option<String>,
    birth_year: Option<String>,
    region: Option<String>,
    /// `1`: answer with the results only (live search).
    partial: Option<String>,
}

/// The regions for a select, named in the page language.
pub async fn region_choices(st: &AppState, ctx: &Ctx) -> Vec<(String, String)> {
    let regions: Vec<Region> = reference::regions(&st.db).await.unwrap_or_default();
    regions
        .into_iter()
        .map(|r| (r.iso.clone(), r.names.get(ctx.locale()).to_string()))
        .collect()
}

/// A region's name and its districts (SOATO code, name), for a grouped select.
pub type DistrictGroup = (String, Vec<(String, String)>);

pub async fn district_choices(st: &AppState, ctx: &Ctx) -> Vec<DistrictGroup> {
    let mut groups = vec![];
    for region in reference::regions(&st.db).await.unwrap_or_default() {
        let districts = reference::districts(&st.db, &region.iso)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.soato.clone(), d.names.get(ctx.locale()).to_string()))
            .collect();
        groups.push((region.names.get(ctx.locale()).to_string(), districts));
    }
    groups
}

pub async fn search(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(form): Query<SearchForm>,
) -> Response {
    let q = form.q.unwrap_or_default();
    let birth_year_text = form.birth_year.unwrap_or_default();
    let region = form.region.unwrap_or_default();
    let query = SearchQuery {
        q: Some(q.clone()),
        birth_year: birth_year_text.trim().parse().ok(),
        region: Some(region.clone()),
    };
    let searched = !q.trim().is_empty();
    let hits = if searched {
        match service::search(st.people(), &ctx.actor, &query, 50).await {
            Ok(h) => h,
            Err(e) => return e.into_response(),
        }
    } else {
        vec![]
    };
    let title = ctx.tr.t("people-title");
    if form.partial.as_deref() == Some("1") {
        let html = SearchResults {
            page: Page::new(&ctx, &title),
            regions: region_choices(&st, &ctx).await,
            hits,
            searched,
        };
        return page(StatusCode::OK, html.render());
    }
    let html = SearchPage {
        page: Page::new(&ctx, &title),
        regions: region_choices(&st, &ctx).await,
        q,
        birth_year: birth_year_text,
        region,
        hits,
        searched,
        can_create: ctx.actor.holds(Permission::EditPersons),
    };
    page(StatusCode::OK, html.render())
}

#[derive(Template)]
#[template(path = "people/new.html")]
struct NewPage {
    page: Page,
    form: PersonForm,
    regions: Vec<(String, String)>,
    districts: Vec<DistrictGroup>,
    errors: FormErrors,
}

/// The registration form (staff) and the profile form (citizens): phones come as one text
/// field, one number per line (the citizen's form names it `phone`).
#[derive(Deserialize, Default, Clone)]
pub struct PersonForm {
    #[serde(default)]
    pub(super) given_name: String,
    #[serde(default)]
    pub(super) family_name: String,
    #[serde(default)]
    pub(super) patronymic: String,
    #[serde(default)]
    pub(super) birth_date: String,
    #[serde(default)]
    pub(super) gender: String,
    #[serde(default)]
    pub(super) pinfl: String,
    #[serde(default)]
    pub(super) region: String,
    #[serde(default)]
    pub(super) district: String,
    #[serde(default)]
    pub(super) mahalla: String,
    #[serde(default, alias = "phone")]
    pub(super) phones: String,
    #[serde(default)]
    pub(super) passport_no: String,
    /// The citizen's own form: the browser may fill in their name and birthday.
    #[serde(skip)]
    pub(super) citizen: bool,
}

impl PersonForm {
    /// The `autocomplete` token for a field: real for a citizen, `off` for staff typing in
    /// someone else's data.
    pub(super) fn ac(&self, token: &'static str) -> &'static str {
        if self.citizen { token } else { "off" }
    }

    pub(super) fn to_input(&self) -> NewPerson {
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        NewPerson {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            patronymic: opt(&self.patronymic),
            birth_date: self.birth_date.clone(),
            gender: self.gender.clone(),
            pinfl: self.pinfl.clone(),
            region: self.region.clone(),
            district: opt(&self.district),
            mahalla: opt(&self.mahalla),
            email: None,
            phones: self.phones.lines().map(str::to_string).collect(),
            passport_no: opt(&self.passport_no),
            details: Default::default(),
        }
    }
}

async fn new_page(st: &AppState, ctx: &Ctx, form: PersonForm, errors: FormErrors) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("people-new-title");
    let html = NewPage {
        page: Page::new(ctx, &title),
        regions: region_choices(st, ctx).await,
        districts: district_choices(st, ctx).await,
        form,
        errors,
    };
    page(status, html.render())
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    new_page(&st, &ctx, PersonForm::default(), FormErrors::none(ctx.tr)).await
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PersonForm>,
) -> Response {
    match service::create(st.people(), &ctx.actor, &form.to_input()).await {
        Ok(id) => Redirect::to(&format!("/people/{id}?purpose=correction")).into_response(),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let fields = match &e {
                ServiceError::Conflict(message) => vec![crate::platform::error::FieldError {
                    field: "pinfl",
                    message,
                }],
                _ => e.fields(),
            };
            new_page(&st, &ctx, form, FormErrors::new(ctx.tr, fields)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "people/purpose.html")]
struct PurposePage {
    page: Page,
    id: String,
    purposes: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "people/record.html")]
struct RecordPage {
    page: Page,
    person: PersonRecord,
    purpose: String,
    can_record_journey: bool,
    can_hold: bool,
    can_edit: bool,
    /// May open a call-centre case for this person.
    can_open_case: bool,
    /// May record a returnee intake for this person.
    can_open_intake: bool,
    journey: NewJourney,
    /// The main destinations first, then every other country.
    destinations: Vec<(String, String)>,
    countries: Vec<(String, String)>,
    labels: Labels,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct PurposeParam {
    purpose: Option<String>,
}

pub async fn record(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PurposeParam>,
) -> Response {
    let staff = ctx.actor.holds(Permission::ViewPersons);
    match p.purpose.filter(|p| !p.is_empty()) {
        None if staff => {
            let purposes = PURPOSES
                .iter()
                .map(|p| (*p, ctx.tr.t(&format!("purpose-{p}"))))
                .collect();
            let title = ctx.tr.t("people-purpose-title");
            page(
                StatusCode::OK,
                PurposePage {
                    page: Page::new(&ctx, &title),
                    id,
                    purposes,
                }
                .render(),
            )
        }
        purpose => {
            record_page(
                &st,
                &ctx,
                &id,
                &purpose.unwrap_or_default(),
                NewJourney::default(),
                FormErrors::none(ctx.tr),
            )
            .await
        }
    }
}

type CountryChoices = (Vec<(String, String)>, Vec<(String, String)>, Labels);

/// Countries for the journey form (main destinations, then the rest) and the names of codes.
async fn country_choices(st: &AppState, ctx: &Ctx) -> Result<CountryChoices, sqlx::Error> {
    let main: Vec<String> = reference::destinations(&st.db)
        .await?
        .into_iter()
        .map(|d| d.iso2)
        .collect();
    let all = Labels::choices(&st.db, ctx.locale(), CodedTable::Countries).await?;
    let (destinations, others) = all
        .into_iter()
        .filter(|(iso, _)| iso != "UZ")
        .partition(|(iso, _)| main.contains(iso));
    Ok((
        destinations,
        others,
        Labels::load(&st.db, ctx.locale()).await?,
    ))
}

async fn record_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    purpose: &str,
    journey: NewJourney,
    errors: FormErrors,
) -> Response {
    let person = match service::read(st.people(), &ctx.actor, id, purpose).await {
        Ok(p) => p,
        Err(ServiceError::Access(AccessError::Forbidden))
            if ctx.actor.holds(Permission::ViewPersons) =>
        {
            let action = format!("/people/{id}/break-glass?purpose={purpose}");
            return glass_page(ctx, &action, Fields::new(), FormErrors::none(ctx.tr));
        }
        Err(e) => return e.into_response(),
    };
    let (destinations, countries, labels) = match country_choices(st, ctx).await {
        Ok(c) => c,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!(
        "{} {} {}",
        person.family_name, person.given_name, person.patronymic
    )
    .trim()
    .to_string();
    let can_record_journey = ctx.actor.holds(Permission::RecordJourneys);
    let can_hold = ctx.actor.holds(Permission::ManageLegalHolds);
    let can_edit = ctx.actor.holds(Permission::EditPersons);
    let html = RecordPage {
        page: Page::new(ctx, &title),
        person,
        purpose: purpose.to_string(),
        can_record_journey,
        can_hold,
        can_edit,
        can_open_case: ctx.actor.holds(Permission::ManageCases),
        can_open_intake: ctx.actor.holds(Permission::ManageReintegration),
        journey,
        destinations,
        countries,
        labels,
        errors,
    };
    page(status, html.render())
}

#[derive(Deserialize)]
pub struct JourneyForm {
    #[serde(default)]
    purpose: String,
    #[serde(flatten)]
    journey: NewJourney,
}

pub async fn add_journey(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<JourneyForm>,
) -> Response {
    match service::add_journey(st.people(), &ctx.actor, &id, &form.journey).await {
        Ok(_) => Redirect::to(&format!(
            "/people/{id}?purpose={}",
            crate::platform::web::routes::url_encode(&form.purpose)
        ))
        .into_response(),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let fields = match &e {
                ServiceError::Conflict(message) => vec![crate::platform::error::FieldError {
                    field: "date",
                    message,
                }],
                _ => e.fields(),
            };
            record_page(
                &st,
                &ctx,
                &id,
                &form.purpose,
                form.journey,
                FormErrors::new(ctx.tr, fields),
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    reason: String,
}

pub async fn place_hold(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<HoldForm>,
) -> Response {
    match super::privacy::place_hold(st.people(), &ctx.actor, &id, &form.reason).await {
        Ok(_) => Redirect::to(&format!(
            "/people/{id}?purpose={}",
            crate::platform::web::routes::url_encode(&form.purpose)
        ))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Breaks the glass on a person outside one's scope, then opens the record for the purpose
/// chosen before.
pub async fn break_glass(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PurposeParam>,
    Form(form): Form<Fields>,
) -> Response {
    let purpose = p
        .purpose
        .filter(|p| PURPOSES.contains(&p.as_str()))
        .unwrap_or_else(|| "case".into());
    let reason = field(&form, "reason");
    match super::glass::break_glass(st.people(), &ctx.actor, &id, &reason).await {
        Ok(_) => Redirect::to(&format!("/people/{id}?purpose={purpose}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => {
                let action = format!("/people/{id}/break-glass?purpose={purpose}");
                glass_page(&ctx, &action, form, errors)
            }
            Err(e) => e.into_response(),
        },
    }
}
