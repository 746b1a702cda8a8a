//! Grants in the browser: the calls (open ones for returnees, all for officers), the form to
//! open a call, a call's page (apply; or rank, close, decide, committee, outcomes), an
//! application's page (eligibility and its override, reviews, tranches, visits), and the
//! committee member's reviews. Every form posts and redirects; errors come back on the page.

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::grants::{
    self, ApplicationInput, Award, CallInput, ForReview, Outcomes, REVENUE_BANDS, Ranking,
    ReviewInput, VisitInput,
};
use super::grants_store::{self as store, Application, Call, Criterion, Review};
use crate::people::pages::region_choices;
use crate::platform::access::Permission;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{
    Fields, FormErrors, field, fields, page, required_file, status_of,
};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;
use crate::reference::store::CodedTable;

/// A whole number typed in a form (`30 000 000`, `1,500`): 0 when empty, -1 (refused by
/// the service) when not a whole number — `30 000 000.00` is not read as three billion.
fn number(form: &Fields, name: &str) -> i64 {
    match crate::finance::model::parse_money(&field(form, name)) {
        Ok(None) => 0,
        Ok(Some(hundredths)) if hundredths % 100 == 0 => hundredths / 100,
        _ => -1,
    }
}

/// Sums in so'm as people write them, for display: `30 000 000`.
fn som(value: i64) -> String {
    crate::finance::model::display_money(value * 100)
}

/// A score in thousandths as `3.533`.
fn points(thousandths: i64) -> String {
    format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
}

#[derive(Template)]
#[template(path = "grants/index.html")]
struct IndexPage {
    page: Page,
    calls: Vec<Call>,
    mine: Vec<Application>,
    officer: bool,
    citizen: bool,
    reviewer: bool,
}

impl IndexPage {
    fn som(&self, v: &i64) -> String {
        som(*v)
    }
}

/// The calls: open ones to apply to (with one's own applications), or all to manage.
pub async fn index(State(st): State<AppState>, ctx: Ctx) -> Response {
    let calls = match grants::calls(&st.db, &ctx.actor).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let citizen = ctx.actor.holds(Permission::ApplyForGrants);
    let mine = if citizen {
        grants::my_applications(&st.db, &ctx.actor)
            .await
            .unwrap_or_default()
    } else {
        vec![]
    };
    let title = ctx.tr.t("grants-title");
    page(
        StatusCode::OK,
        IndexPage {
            page: Page::new(&ctx, &title),
            calls,
            mine,
            officer: ctx.actor.holds(Permission::ManageGrants),
            citizen,
            reviewer: ctx.actor.holds(Permission::ReviewGrants),
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "grants/call_new.html")]
struct NewCallPage {
    page: Page,
    regions: Vec<(String, String)>,
    reviewers: Vec<(String, String)>,
    form: Fields,
    errors: FormErrors,
}

impl NewCallPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    /// A field's value, or its default when the form is new.
    fn value_or(&self, name: &str, default: &str) -> String {
        if self.form.is_empty() {
            default.into()
        } else {
            field(&self.form, name)
        }
    }
    fn ticked(&self, name: &str, value: &str) -> bool {
        fields(&self.form, name).iter().any(|v| v == value)
    }
    fn rows(&self) -> Vec<usize> {
        (0..5).collect()
    }
    fn criterion_name(&self, i: &usize) -> String {
        let defaults = [
            "Viability of the business plan",
            "Jobs for others",
            "Use of skills gained abroad",
        ];
        self.value_or(
            &format!("criterion_{i}"),
            defaults.get(*i).copied().unwrap_or(""),
        )
    }
    fn criterion_weight(&self, i: &usize) -> String {
        let defaults = ["40", "30", "30"];
        self.value_or(
            &format!("weight_{i}"),
            defaults.get(*i).copied().unwrap_or(""),
        )
    }
}

pub async fn new_call(State(st): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.actor.require(Permission::ManageGrants) {
        return ServiceError::from(e).into_response();
    }
    new_call_page(&st, &ctx, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn new_call_page(st: &AppState, ctx: &Ctx, form: Fields, errors: FormErrors) -> Response {
    let title = ctx.tr.t("grants-new-call");
    page(
        status_of(&errors),
        NewCallPage {
            page: Page::new(ctx, &title),
            regions: region_choices(st, ctx).await,
            reviewers: store::reviewer_candidates(&st.db).await.unwrap_or_default(),
            form,
            errors,
        }
        .render(),
    )
}

fn call_input(form: &Fields) -> CallInput {
    let criteria = (0..5)
        .filter_map(|i| {
            let name = field(form, &format!("criterion_{i}"));
            let weight = field(form, &format!("weight_{i}"));
            (!name.trim().is_empty() || !weight.trim().is_empty()).then(|| Criterion {
                name,
                weight: weight.trim().parse().unwrap_or(-1),
            })
        })
        .collect();
    CallInput {
        title: field(form, "title"),
        description: field(form, "description"),
        budget: number(form, "budget"),
        max_award: number(form, "max_award"),
        returned_within_months: number(form, "returned_within_months"),
        regions: fields(form, "regions"),
        min_age: number(form, "min_age"),
        max_age: number(form, "max_age"),
        no_prior_award: !field(form, "no_prior_award").is_empty(),
        pass_mark: field(form, "pass_mark")
            .trim()
            .replace(',', ".")
            .parse()
            .unwrap_or(-1.0),
        reviewers_per_application: number(form, "reviewers_per_application"),
        first_tranche_percent: number(form, "first_tranche_percent"),
        deadline: field(form, "deadline"),
        criteria,
        reviewers: fields(form, "reviewers"),
    }
}

pub async fn open_call(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    match grants::open_call(&st.db, &st.clock, &ctx.actor, &call_input(&form)).await {
        Ok(call) => Redirect::to(&format!("/grants/calls/{}", call.id)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => new_call_page(&st, &ctx, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "grants/call.html")]
struct CallPage {
    page: Page,
    call: Call,
    ranking: Option<Ranking>,
    outcomes: Option<Outcomes>,
    committee: Vec<(String, String)>,
    candidates: Vec<(String, String)>,
    citizen: bool,
    /// For the application form: occupations (ISCO-08) and districts to choose from.
    sectors: Vec<(String, String)>,
    districts: Vec<crate::people::pages::DistrictGroup>,
    labels: Labels,
    form: Fields,
    errors: FormErrors,
}

impl CallPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn som(&self, v: &i64) -> String {
        som(*v)
    }
    fn points(&self, v: &i64) -> String {
        points(*v)
    }
    fn score(&self, v: &Option<f64>) -> String {
        v.map(|s| format!("{s:.3}")).unwrap_or_else(|| "—".into())
    }
}

pub async fn call(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    call_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn call_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let call = match grants::call(&st.db, &ctx.actor, id).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let officer = ctx.actor.require(Permission::ManageGrants).is_ok();
    let (ranking, outcomes, committee, candidates) = if officer {
        let candidates = store::reviewer_candidates(&st.db).await.unwrap_or_default();
        let members = store::committee(&st.db, id).await.unwrap_or_default();
        let committee = candidates
            .iter()
            .filter(|(u, _)| members.contains(u))
            .cloned()
            .collect();
        (
            grants::ranking(&st.db, &ctx.actor, id).await.ok(),
            grants::outcomes(&st.db, &ctx.actor, id).await.ok(),
            committee,
            candidates,
        )
    } else {
        (None, None, vec![], vec![])
    };
    let title = call.title.clone();
    let citizen = ctx.actor.holds(Permission::ApplyForGrants);
    let (sectors, districts) = if citizen && call.status == "open" {
        let sectors = Labels::choices(&st.db, ctx.locale(), CodedTable::Sectors).await;
        (
            sectors.unwrap_or_default(),
            crate::people::pages::district_choices(st, ctx).await,
        )
    } else {
        (vec![], vec![])
    };
    page(
        status_of(&errors),
        CallPage {
            page: Page::new(ctx, &title),
            call,
            ranking,
            outcomes,
            committee,
            candidates,
            citizen,
            sectors,
            districts,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
            form,
            errors,
        }
        .render(),
    )
}

pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let input = ApplicationInput {
        activity: field(&form, "activity"),
        sector_isco: field(&form, "sector_isco"),
        district: field(&form, "district"),
        location: field(&form, "location"),
        plan: field(&form, "plan"),
        costs: number(&form, "costs"),
        own_contribution: number(&form, "own_contribution"),
        requested: number(&form, "requested"),
        jobs_expected: number(&form, "jobs_expected"),
    };
    match grants::apply(&st.db, &st.clock, &ctx.actor, &id, &input).await {
        Ok(a) => Redirect::to(&format!("/grants/applications/{}", a.id)).into_response(),
        Err(ServiceError::Conflict("err-grant-profile")) => {
            Redirect::to("/account/profile").into_response()
        }
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => call_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

/// `close` or `decide` from the call page.
pub async fn call_step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let result = match action.as_str() {
        "close" => grants::close_call(&st.db, &st.clock, &ctx.actor, &id)
            .await
            .map(|_| ()),
        "decide" => grants::decide(&st.db, &st.clock, &ctx.actor, &id)
            .await
            .map(|_| ()),
        _ => Err(ServiceError::NotFound),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/grants/calls/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => call_page(&st, &ctx, &id, Fields::new(), errors).await,
            Err(e) => e.into_response(),
        },
    }
}

pub async fn add_reviewer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let reviewer = field(&form, "reviewer");
    match grants::add_reviewer(&st.db, &st.clock, &ctx.actor, &id, &reviewer).await {
        Ok(()) => Redirect::to(&format!("/grants/calls/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => call_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "grants/application.html")]
struct ApplicationPage {
    page: Page,
    award: Award,
    /// The call still takes applications (the eligibility override is open).
    open_call: bool,
    reviews: Vec<Review>,
    committee: Vec<(String, String)>,
    officer: bool,
    bands: [&'static str; 5],
    labels: Labels,
    form: Fields,
    errors: FormErrors,
}

impl ApplicationPage {
    /// Whether the award can still be cancelled (it is being paid out or monitored).
    fn cancellable(&self) -> bool {
        matches!(
            self.award.application.status.as_str(),
            "awarded" | "disbursing" | "monitoring"
        )
    }
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn som(&self, v: &i64) -> String {
        som(*v)
    }
    fn points(&self, v: &i64) -> String {
        points(*v)
    }
    fn reviewer_name(&self, id: &str) -> String {
        self.committee
            .iter()
            .find(|(u, _)| u == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| id.to_string())
    }
    fn can_release(&self, number: &i64) -> bool {
        // The second tranche waits for a visit that found the business running (the
        // service's rule; the button follows it).
        let a = &self.award.application.status;
        let running = self.award.visits.iter().any(|v| v.operating);
        (*number == 1 && a == "awarded") || (*number == 2 && a == "disbursing" && running)
    }
    /// The month of the latest recorded visit (photos go with it).
    fn last_visit_month(&self) -> i64 {
        self.award.visits.iter().map(|v| v.month).max().unwrap_or(6)
    }
    fn kind_key(&self, content_type: &str) -> &'static str {
        if content_type == "application/pdf" {
            "grants-file-pdf"
        } else {
            "grants-file-image"
        }
    }
    fn kib(&self, size: &i64) -> i64 {
        (size + 1023) / 1024
    }
    fn visit_month(&self) -> Option<i64> {
        match self.award.application.status.as_str() {
            "disbursing" if self.award.visits.iter().all(|v| v.month != 6) => Some(6),
            "monitoring" => Some(12),
            _ => None,
        }
    }
}

pub async fn application(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    application_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn application_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let award = match grants::award(&st.db, &st.clock, &ctx.actor, id).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let officer = ctx.actor.require(Permission::ManageGrants).is_ok();
    let (reviews, committee) = if officer {
        let call = &award.application.call_id;
        let members = store::committee(&st.db, call).await.unwrap_or_default();
        let committee = store::reviewer_candidates(&st.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|(u, _)| members.contains(u))
            .collect();
        (
            store::reviews_of(&st.db, id).await.unwrap_or_default(),
            committee,
        )
    } else {
        (vec![], vec![])
    };
    let title = award.application.activity.clone();
    let open_call = store::call(&st.db, &award.application.call_id)
        .await
        .ok()
        .flatten()
        .is_some_and(|c| c.status == "open");
    page(
        status_of(&errors),
        ApplicationPage {
            page: Page::new(ctx, &title),
            open_call,
            award,
            reviews,
            committee,
            officer,
            bands: REVENUE_BANDS,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
            form,
            errors,
        }
        .render(),
    )
}

/// The officer's actions on an application: `eligibility`, `reviewer`, `release-1`,
/// `release-2`, `visit`.
pub async fn application_step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Fields>,
) -> Response {
    let (db, clock, actor) = (&st.db, &st.clock, &ctx.actor);
    let result = match action.as_str() {
        "eligibility" => {
            let eligible = field(&form, "eligible") == "yes";
            let reason = field(&form, "reason");
            grants::override_eligibility(db, clock, actor, &id, eligible, &reason)
                .await
                .map(|_| ())
        }
        "reviewer" => {
            grants::assign_reviewer(db, clock, actor, &id, &field(&form, "reviewer")).await
        }
        "release-1" => grants::release_tranche(db, clock, actor, &id, 1)
            .await
            .map(|_| ()),
        "release-2" => grants::release_tranche(db, clock, actor, &id, 2)
            .await
            .map(|_| ()),
        "visit" => {
            let input = VisitInput {
                month: number(&form, "month"),
                visited_on: field(&form, "visited_on"),
                operating: field(&form, "operating") == "yes",
                jobs_created: number(&form, "jobs_created"),
                revenue_band: field(&form, "revenue_band"),
                notes: field(&form, "notes"),
            };
            grants::record_visit(db, clock, actor, &id, &input)
                .await
                .map(|_| ())
        }
        "cancel" => {
            let input = grants::CancelInput {
                reason: field(&form, "cancel_reason"),
            };
            grants::cancel_award(db, clock, actor, &id, &input)
                .await
                .map(|_| ())
                .map_err(|e| e.renamed("reason", "cancel_reason"))
        }
        _ => Err(ServiceError::NotFound),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/grants/applications/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => application_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Template)]
#[template(path = "grants/reviews.html")]
struct ReviewsPage {
    page: Page,
    /// Each review with the title of its call (a member may sit on several committees).
    reviews: Vec<(Review, String)>,
}

/// Each review with the title of its call, in one query.
async fn with_call_titles(st: &AppState, reviews: Vec<Review>) -> Vec<(Review, String)> {
    let reviewer = reviews
        .first()
        .map(|r| r.reviewer_id.clone())
        .unwrap_or_default();
    let titles = store::call_titles_of_reviews(&st.db, &reviewer)
        .await
        .unwrap_or_default();
    reviews
        .into_iter()
        .map(|r| {
            let title = titles.get(&r.application_id).cloned().unwrap_or_default();
            (r, title)
        })
        .collect()
}

/// The committee member's assigned reviews, open ones first.
pub async fn reviews(State(st): State<AppState>, ctx: Ctx) -> Response {
    let reviews = match grants::my_reviews(&st.db, &ctx.actor).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let title = ctx.tr.t("grants-reviews");
    page(
        StatusCode::OK,
        ReviewsPage {
            page: Page::new(&ctx, &title),
            reviews: with_call_titles(&st, reviews).await,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "grants/review.html")]
struct ReviewPage {
    page: Page,
    r: ForReview,
    labels: Labels,
    form: Fields,
    errors: FormErrors,
}

impl ReviewPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn som(&self, v: &i64) -> String {
        som(*v)
    }
    fn points(&self, v: &i64) -> String {
        points(*v)
    }
    fn score_field(&self, i: &usize) -> String {
        format!("score_{i}")
    }
    fn chosen(&self, i: &usize, score: &i64) -> bool {
        field(&self.form, &format!("score_{i}")) == score.to_string()
    }
    fn scale(&self) -> [i64; 6] {
        [0, 1, 2, 3, 4, 5]
    }
}

pub async fn review(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    review_page(&st, &ctx, &id, Fields::new(), FormErrors::none(ctx.tr)).await
}

async fn review_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    form: Fields,
    errors: FormErrors,
) -> Response {
    let r = match grants::for_review(&st.db, &ctx.actor, id).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let title = format!("{} · {}", ctx.tr.t("grants-review"), r.activity);
    page(
        status_of(&errors),
        ReviewPage {
            page: Page::new(ctx, &title),
            r,
            labels: Labels::load(&st.db, ctx.locale()).await.unwrap_or_default(),
            form,
            errors,
        }
        .render(),
    )
}

pub async fn submit_review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Fields>,
) -> Response {
    let conflict = field(&form, "conflict") == "yes";
    // Scores in criterion order; a criterion left unscored makes the list short (refused).
    let scores = (0..10)
        .map_while(|i| field(&form, &format!("score_{i}")).parse::<i64>().ok())
        .collect();
    let input = ReviewInput {
        conflict,
        conflict_note: field(&form, "conflict_note"),
        scores,
        comment: field(&form, "comment"),
    };
    match grants::review(&st.db, &st.clock, &ctx.actor, &id, &input).await {
        Ok(_) => Redirect::to(&format!("/reviews/{id}")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => review_page(&st, &ctx, &id, form, errors).await,
            Err(e) => e.into_response(),
        },
    }
}

/// The applicant's upload form, and the officer's photo form under a visit: one file each.
pub async fn attach(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let result = match required_file(multipart).await {
        Ok(bytes) => super::grants_files::attach(&st.db, &st.clock, &ctx.actor, &id, &bytes).await,
        Err(e) => Err(e),
    };
    after_upload(&st, &ctx, &id, result.map(|_| ())).await
}

pub async fn visit_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, month)): Path<(String, String)>,
    multipart: Multipart,
) -> Response {
    let month = month.parse().unwrap_or(0);
    let result = match required_file(multipart).await {
        Ok(bytes) => {
            super::grants_files::add_visit_photo(&st.db, &st.clock, &ctx.actor, &id, month, &bytes)
                .await
        }
        Err(e) => Err(e),
    };
    after_upload(&st, &ctx, &id, result.map(|_| ())).await
}

async fn after_upload(st: &AppState, ctx: &Ctx, id: &str, result: ServiceResult<()>) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/grants/applications/{id}#files")).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => application_page(st, ctx, id, Fields::new(), errors).await,
            Err(e) => e.into_response(),
        },
    }
}
