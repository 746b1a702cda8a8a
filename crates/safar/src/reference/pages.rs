//! Reference data pages for staff.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::service::{self, RegionForm};
use super::store::{self, Coded, CodedTable, Destination, District, Region};
use crate::platform::access::Permission;
use crate::platform::error::ServiceError;
use crate::platform::i18n::Locale;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;

#[derive(Template)]
#[template(path = "reference/index.html")]
struct IndexPage {
    page: Page,
    locale: Locale,
    regions: Vec<Region>,
    destinations: Vec<Destination>,
    sectors: Vec<Coded>,
    languages: Vec<Coded>,
    currencies: Vec<Coded>,
}

async fn load_index(
    st: &AppState,
) -> Result<(Vec<Region>, Vec<Destination>, [Vec<Coded>; 3]), sqlx::Error> {
    Ok((
        store::regions(&st.db).await?,
        store::destinations(&st.db).await?,
        [
            store::coded_list(&st.db, CodedTable::Sectors).await?,
            store::coded_list(&st.db, CodedTable::Languages).await?,
            store::coded_list(&st.db, CodedTable::Currencies).await?,
        ],
    ))
}

pub async fn index(State(st): State<AppState>, ctx: Ctx) -> Response {
    let (regions, destinations, [sectors, languages, currencies]) = match load_index(&st).await {
        Ok(data) => data,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let title = ctx.tr.t("ref-title");
    let html = IndexPage {
        page: Page::new(&ctx, &title),
        locale: ctx.locale(),
        regions,
        destinations,
        sectors,
        languages,
        currencies,
    };
    page(StatusCode::OK, html.render())
}

#[derive(Template)]
#[template(path = "reference/region.html")]
struct RegionPage {
    page: Page,
    locale: Locale,
    region: Region,
    districts: Vec<District>,
    can_edit: bool,
    form: RegionForm,
    errors: FormErrors,
}

async fn region_page(
    st: &AppState,
    ctx: &Ctx,
    iso: &str,
    form: Option<RegionForm>,
    errors: FormErrors,
) -> Response {
    let region = match store::region(&st.db, iso).await {
        Ok(Some(r)) => r,
        Ok(None) => return ServiceError::NotFound.into_response(),
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let districts = match store::districts(&st.db, iso).await {
        Ok(d) => d,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = form.unwrap_or_else(|| RegionForm {
        name_uz_latn: region.names.uz_latn.clone(),
        name_uz_cyrl: region.names.uz_cyrl.clone(),
        name_ru: region.names.ru.clone(),
        name_en: region.names.en.clone(),
        population: region.population.map(|p| p.to_string()).unwrap_or_default(),
        population_date: region.population_date.clone(),
    });
    let title = region.names.get(ctx.locale()).to_string();
    let can_edit = ctx.actor.holds(Permission::EditReference);
    let html = RegionPage {
        page: Page::new(ctx, &title),
        locale: ctx.locale(),
        region,
        districts,
        can_edit,
        form,
        errors,
    };
    page(status, html.render())
}

pub async fn region(State(st): State<AppState>, ctx: Ctx, Path(iso): Path<String>) -> Response {
    region_page(&st, &ctx, &iso, None, FormErrors::none(ctx.tr)).await
}

pub async fn edit_region(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(iso): Path<String>,
    Form(form): Form<RegionForm>,
) -> Response {
    match service::edit_region(&st.db, &st.clock, &ctx.actor, &iso, &form).await {
        Ok(()) => Redirect::to(&format!("/admin/reference/regions/{iso}")).into_response(),
        Err(ServiceError::Invalid(errors)) => {
            region_page(&st, &ctx, &iso, Some(form), FormErrors::new(ctx.tr, errors)).await
        }
        Err(e) => e.into_response(),
    }
}
