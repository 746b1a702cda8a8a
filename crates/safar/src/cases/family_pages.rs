//! Family access in the browser: the citizen's "my cases" (their own and those a relative
//! shared), where the migrant adds or removes family members, and the same on the
//! operator's case page (with the migrant's consent).

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::family::{self, FamilyView, FollowerInput, RELATIONS};
use super::pages::{short_time, view_page};
use super::work_store::{FamilyCase, Follower};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{Fields, FormErrors, field, page, status_of};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

#[derive(Template)]
#[template(path = "cases/mine.html")]
struct MinePage {
    page: Page,
    cases: Vec<FamilyCase>,
    labels: Labels,
}

impl MinePage {
    fn when(&self, ms: &i64) -> String {
        short_time(*ms)
    }
}

pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> Response {
    let cases = match family::mine(&st.db, &ctx.actor).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("my-cases-title");
    page(
        StatusCode::OK,
        MinePage {
            page: Page::new(&ctx, &title),
            cases,
            labels,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "cases/followed.html")]
struct FollowedPage {
    page: Page,
    shown: FamilyView,
    followers: Vec<Follower>,
    relations: [&'static str; 5],
    labels: Labels,
    form: Fields,
    errors: FormErrors,
    follow_base: String,
    staff: bool,
}

impl FollowedPage {
    fn when(&self, ms: &i64) -> String {
        short_time(*ms)
    }
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
}

pub async fn view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    followed_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn followed_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let shown = match family::view(&st.db, &ctx.actor, id).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    // Only the migrant manages who follows their case.
    let followers = if shown.case.relation == "own" {
        match family::followers(&st.db, &st.clock, &ctx.actor, id).await {
            Ok(f) => f,
            Err(e) => return e.into_response(),
        }
    } else {
        vec![]
    };
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = format!(
        "{} · {}",
        ctx.tr.t("case-title"),
        ctx.tr.t(&format!("case-category-{}", shown.case.category))
    );
    page(
        status_of(&errors),
        FollowedPage {
            page: Page::new(ctx, &title),
            shown,
            followers,
            relations: RELATIONS,
            labels,
            form,
            errors,
            follow_base: format!("/my/cases/{id}"),
            staff: false,
        }
        .render(),
    )
}

fn input_from(form: &Fields) -> FollowerInput {
    FollowerInput {
        login: field(form, "login"),
        relation: field(form, "relation"),
        consent: field(form, "consent") == "1",
    }
}

/// The migrant adds a family member from their own account.
pub async fn grant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    match family::grant(&st.db, &st.clock, &ctx.actor, &id, &input_from(&form)).await {
        Ok(_) => Redirect::to(&format!("/my/cases/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => followed_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, follower)): Path<(String, String)>,
) -> Response {
    match family::revoke(&st.db, &st.clock, &ctx.actor, &id, &follower).await {
        Ok(()) => Redirect::to(&format!("/my/cases/{id}")).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An operator adds a family member on the migrant's word, from the case page.
pub async fn staff_grant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    match family::grant(&st.db, &st.clock, &ctx.actor, &id, &input_from(&form)).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#family")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => view_page(&st, &ctx, &id, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn staff_revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, follower)): Path<(String, String)>,
) -> Response {
    match family::revoke(&st.db, &st.clock, &ctx.actor, &id, &follower).await {
        Ok(()) => Redirect::to(&format!("/cases/{id}#family")).into_response(),
        Err(e) => e.into_response(),
    }
}
