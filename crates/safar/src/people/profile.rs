//! The citizen's own record: complete the profile, see and change consents, download
//! everything, ask to be forgotten.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::pages::PersonForm;
use super::privacy::{self, Anonymisation, NewConsent};
use super::service;
use super::store::{Consent, LegalHold};
use crate::platform::clock::format_ms;
use crate::platform::error::{FieldError, ServiceError};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(Template)]
#[template(path = "people/profile.html")]
struct ProfilePage {
    page: Page,
    /// The linked person, when the profile is complete.
    person: Option<service::PersonRecord>,
    consents: Vec<Consent>,
    purposes: Vec<(&'static str, String, String)>,
    holds: Vec<LegalHold>,
    form: PersonForm,
    regions: Vec<(String, String)>,
    districts: Vec<super::pages::DistrictGroup>,
    labels: Labels,
    errors: FormErrors,
}

impl ProfilePage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }
}

async fn profile_page(
    st: &AppState,
    ctx: &Ctx,
    mut form: PersonForm,
    errors: FormErrors,
    holds: Vec<LegalHold>,
) -> Response {
    let person_id = match service::own_person_id(&st.db, &ctx.actor).await {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let (person, consents) = match person_id {
        Some(id) => match (
            service::export_view(st.people(), &ctx.actor, &id).await,
            privacy::list(st.people(), &ctx.actor, &id).await,
        ) {
            (Ok(p), Ok(c)) => (Some(p), c),
            (Err(e), _) | (_, Err(e)) => return e.into_response(),
        },
        None => (None, vec![]),
    };
    let purposes = privacy::PURPOSES
        .iter()
        .map(|p| {
            (
                *p,
                ctx.tr.t(&format!("consent-{p}")),
                ctx.tr.t(&format!("consent-{p}-text")),
            )
        })
        .collect();
    form.citizen = true;
    let regions = super::pages::region_choices(st, ctx).await;
    let labels = match Labels::load(&st.db, ctx.locale()).await {
        Ok(l) => l,
        Err(e) => return ServiceError::from(e).into_response(),
    };
    let status = if errors.is_empty() && holds.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = ctx.tr.t("profile-title");
    let html = ProfilePage {
        page: Page::new(ctx, &title),
        person,
        consents,
        purposes,
        holds,
        form,
        regions,
        districts: super::pages::district_choices(st, ctx).await,
        labels,
        errors,
    };
    page(status, html.render())
}

pub async fn show(State(st): State<AppState>, ctx: Ctx) -> Response {
    profile_page(
        &st,
        &ctx,
        PersonForm::default(),
        FormErrors::none(ctx.tr),
        vec![],
    )
    .await
}

pub async fn complete(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PersonForm>,
) -> Response {
    let input = form.to_input();
    match service::create(st.people(), &ctx.actor, &input).await {
        Ok(_) => Redirect::to("/account/profile").into_response(),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let fields = match &e {
                ServiceError::Conflict(message) => vec![FieldError {
                    field: "pinfl",
                    message,
                }],
                _ => e.fields(),
            };
            profile_page(&st, &ctx, form, FormErrors::new(ctx.tr, fields), vec![]).await
        }
        Err(e) => e.into_response(),
    }
}

async fn own_id(st: &AppState, ctx: &Ctx) -> Result<String, Response> {
    match service::own_person_id(&st.db, &ctx.actor).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(Redirect::to("/account/profile").into_response()),
        Err(e) => Err(e.into_response()),
    }
}

pub async fn give_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewConsent>,
) -> Response {
    let id = match own_id(&st, &ctx).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    match privacy::give(st.people(), &ctx.actor, &id, &form).await {
        Ok(_) | Err(ServiceError::Conflict(_)) => Redirect::to("/account/profile").into_response(),
        Err(ServiceError::Invalid(errors)) => {
            profile_page(
                &st,
                &ctx,
                PersonForm::default(),
                FormErrors::new(ctx.tr, errors),
                vec![],
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn withdraw_consent(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(consent): Path<String>,
) -> Response {
    let id = match own_id(&st, &ctx).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    match privacy::withdraw(st.people(), &ctx.actor, &id, &consent).await {
        Ok(()) => Redirect::to("/account/profile").into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "people/forgotten.html")]
struct ForgottenPage {
    page: Page,
}

pub async fn forget(
    State(st): State<AppState>,
    ctx: Ctx,
    session: tower_sessions::Session,
) -> Response {
    let id = match own_id(&st, &ctx).await {
        Ok(id) => id,
        Err(r) => return r,
    };
    match privacy::anonymise_own(st.people(), &ctx.actor, &id).await {
        Ok(Anonymisation::Done) => {
            let _ = session.flush().await;
            let title = ctx.tr.t("forgotten-title");
            page(
                StatusCode::OK,
                ForgottenPage {
                    page: Page::new(
                        &Ctx {
                            actor: crate::platform::access::Actor::anonymous(
                                ctx.actor.meta.clone(),
                            ),
                            ..ctx.clone()
                        },
                        &title,
                    ),
                }
                .render(),
            )
        }
        Ok(Anonymisation::Refused { holds }) => {
            profile_page(
                &st,
                &ctx,
                PersonForm::default(),
                FormErrors::none(ctx.tr),
                holds,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}
