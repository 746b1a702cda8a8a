//! The work around a case in the browser: referring it and writing notes (from the case
//! page), break-the-glass, the partner registry, the partner's inbox of referrals, and the
//! supervisors' lists.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::attachments;
use super::glass::{self, GlassInput};
use super::links::{self, LinkInput};
use super::pages::{short_time, view_page};
use super::referrals::{
    self, NoteInput, PARTNER_KINDS, PartnerInput, PartnerView, ReferInput, ReferralStep,
};
use super::service;
use super::store::Case;
use super::work_store::{GlassAccess, Partner, Referral};
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

/// What an operator sees on a case outside their scope: 403, and the form to break the
/// glass with a reason.
pub fn glass_page(ctx: &Ctx, case_id: &str, form: Fields, errors: FormErrors) -> Response {
    let action = format!("/cases/{case_id}/break-glass");
    crate::platform::web::glass::glass_page(ctx, &action, form, errors)
}

pub async fn break_glass(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = GlassInput {
        reason: field(&form, "reason"),
    };
    match glass::break_glass(&st.db, &st.clock, &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => glass_page(&ctx, &id, form, errors),
            Err(e) => e.into_response(),
        },
    }
}

/// Refers the case from its page, then back to it.
pub async fn refer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = ReferInput {
        partner_id: field(&form, "partner_id"),
        request: field(&form, "request"),
        share_identity: field(&form, "share_identity") == "1",
    };
    match referrals::refer(st.people(), &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#referrals")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn note(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = NoteInput {
        body: field(&form, "body"),
        public: field(&form, "public") == "1",
    };
    match referrals::add_note(&st.db, &st.clock, &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#notes")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "cases/partners.html")]
struct PartnersPage {
    page: Page,
    partners: Vec<Partner>,
    kinds: [&'static str; 6],
    countries: Vec<(String, String)>,
    labels: Labels,
    form: Fields,
    errors: FormErrors,
}

impl PartnersPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn partners(State(st): State<AppState>, ctx: Ctx) -> Response {
    partners_page(&st, &ctx, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn partners_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let partners = match referrals::partners(&st.db, &ctx.actor).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let countries = Labels::choices(&st.db, ctx.locale(), CodedTable::Countries)
        .await
        .unwrap_or_default();
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("partners-title");
    page(
        status_of(&errors),
        PartnersPage {
            page: Page::new(ctx, &title),
            partners,
            kinds: PARTNER_KINDS,
            countries,
            labels,
            form,
            errors,
        }
        .render(),
    )
}

pub async fn add_partner(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Fields>,
) -> Response {
    let input = PartnerInput {
        name: field(&form, "name"),
        kind: field(&form, "kind"),
        country: field(&form, "country"),
        contact: field(&form, "contact"),
    };
    match referrals::add_partner(&st.db, &st.clock, &ctx.actor, &input).await {
        Ok(_) => Redirect::to("/partners").into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => partners_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "cases/inbox.html")]
struct InboxPage {
    page: Page,
    referrals: Vec<Referral>,
    labels: Labels,
}

impl InboxPage {
    fn when(&self, ms: &i64) -> String {
        short_time(*ms)
    }
}

/// The partner user's inbox: referrals to their organisation, open ones first.
pub async fn inbox(State(st): State<AppState>, ctx: Ctx) -> Response {
    let referrals = match referrals::inbox(&st.db, &ctx.actor).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("referrals-title");
    page(
        StatusCode::OK,
        InboxPage {
            page: Page::new(&ctx, &title),
            referrals,
            labels,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "cases/referral.html")]
struct ReferralPage {
    page: Page,
    view: PartnerView,
    labels: Labels,
    actions: Vec<&'static str>,
    errors: FormErrors,
}

impl ReferralPage {
    fn when(&self, ms: &i64) -> String {
        short_time(*ms)
    }
}

pub async fn referral(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    referral_page(&st, &ctx, &id, FormErrors::none(ctx.tr)).await
}

async fn referral_page(st: &AppState, ctx: &Ctx, id: &str, errors: FormErrors) -> Response {
    let view = match referrals::open(&st.db, &st.clock, &ctx.actor, id).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let actions = ["accept", "decline", "update", "done"]
        .into_iter()
        .filter(|a| referrals::referral_transition(&view.referral.status, a).is_some())
        .collect();
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = format!(
        "{} · {}",
        ctx.tr.t("referral-title"),
        ctx.tr
            .t(&format!("case-category-{}", view.referral.category))
    );
    page(
        status_of(&errors),
        ReferralPage {
            page: Page::new(ctx, &title),
            view,
            labels,
            actions,
            errors,
        }
        .render(),
    )
}

pub async fn referral_act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let input = ReferralStep {
        note: field(&form, "note"),
    };
    match referrals::partner_act(&st.db, &st.clock, &ctx.actor, &id, &action, &input).await {
        Ok(_) => Redirect::to(&format!("/referrals/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => referral_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "cases/supervision.html")]
struct SupervisionPage {
    page: Page,
    cases: Vec<Case>,
    accesses: Vec<GlassAccess>,
    labels: Labels,
    now_ms: i64,
}

impl SupervisionPage {
    fn due(&self, ms: &i64) -> String {
        short_time(*ms)
    }
}

/// The supervisors' page: alerted and overdue cases, and every break-the-glass access.
pub async fn supervision(State(st): State<AppState>, ctx: Ctx) -> Response {
    let cases = match service::alerts(&st.db, &ctx.actor).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let accesses = match glass::accesses(&st.db, &st.clock, &ctx.actor).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("supervision-title");
    page(
        StatusCode::OK,
        SupervisionPage {
            page: Page::new(&ctx, &title),
            cases,
            accesses,
            labels,
            now_ms: st.clock.now_ms(),
        }
        .render(),
    )
}

/// Attaches a file from the case page (a multipart form with `file`).
pub async fn attach(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: axum::extract::Multipart,
) -> Response {
    let upload = crate::platform::web::forms::read_multipart_named(multipart, "file").await;
    let result = match upload {
        Ok(Some((name, bytes))) => {
            attachments::attach(&st.db, &st.clock, &ctx.actor, &id, &name, &bytes).await
        }
        Ok(None) => Err(ServiceError::invalid("file", "err-required")),
        Err(message) => Err(ServiceError::invalid("file", message)),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/cases/{id}#files")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

/// Downloads a case's file (browser and API): always as an attachment under a generated
/// name, with its recognised type.
pub async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    match attachments::download(&st.db, &st.clock, &ctx.actor, &id, &file).await {
        Ok((a, bytes)) => (
            [
                (http::header::CONTENT_TYPE, a.content_type.clone()),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        attachments::download_name(&a)
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Links the case to a recruiter, vacancy or complaint from its page.
pub async fn link(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = LinkInput {
        kind: field(&form, "kind"),
        target: field(&form, "target"),
    };
    match links::link(&st.db, &st.clock, &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#links")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}
