//! Finance in the JSON API: the public comparison (fixed interface) and planner, and the
//! staff's quote keeping.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::model;
use super::service::{self, CompareQuery, Comparison, ImportReport, QuoteInput};
use super::store::Quote;
use crate::platform::api::Problem;
use crate::platform::error::ServiceError;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::errors::{Rendered, problem_type};

/// Providers' prices for sending an amount in a corridor, cheapest total cost first, each
/// with the date and source of its quote and `stale` when older than 90 days (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/remittance-quotes", tag = "finance", params(CompareQuery),
    responses((status = 200, body = Comparison), (status = 422, body = Problem)))]
pub async fn compare(State(st): State<AppState>, Query(q): Query<CompareQuery>) -> Response {
    match service::compare(&st.db, &st.clock, &q).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct PlanQuery {
    /// The currency of every amount below (display only).
    #[serde(default)]
    pub currency: String,
    /// Monthly amounts as typed (`1 200`, `350.50`); empty counts as 0.
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub housing: String,
    #[serde(default)]
    pub food: String,
    #[serde(default)]
    pub transport: String,
    #[serde(default)]
    pub debts: String,
    #[serde(default)]
    pub other: String,
    #[serde(default)]
    pub send_home: String,
    /// What is already saved, and the savings goal.
    #[serde(default)]
    pub saved_now: String,
    #[serde(default)]
    pub goal: String,
}

impl PlanQuery {
    /// The budget, or the fields that are not amounts.
    pub fn budget(&self) -> Result<model::Budget, ServiceError> {
        let mut errors = vec![];
        let mut read = |text: &str, field: &'static str| match model::parse_money(text) {
            Ok(v) => v.unwrap_or(0),
            Err(message) => {
                errors.push(crate::platform::error::FieldError { field, message });
                0
            }
        };
        let budget = model::Budget {
            income: read(&self.income, "income"),
            housing: read(&self.housing, "housing"),
            food: read(&self.food, "food"),
            transport: read(&self.transport, "transport"),
            debts: read(&self.debts, "debts"),
            other: read(&self.other, "other"),
            send_home: read(&self.send_home, "send_home"),
            saved_now: read(&self.saved_now, "saved_now"),
            goal: read(&self.goal, "goal"),
        };
        if errors.is_empty() {
            Ok(budget)
        } else {
            Err(ServiceError::Invalid(errors))
        }
    }
}

/// The budget planner: monthly costs, what is left to save, and when a savings goal is
/// reached (no sign-in; nothing is stored).
#[utoipa::path(get, path = "/api/v1/public/budget-plan", tag = "finance", params(PlanQuery),
    responses((status = 200, body = Object), (status = 422, body = Problem)))]
pub async fn plan(State(st): State<AppState>, ctx: Ctx, Query(q): Query<PlanQuery>) -> Response {
    let budget = match q.budget() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let plan = model::plan(&budget);
    let today = crate::recruiters::service::today(&st.clock);
    let warnings: Vec<_> = plan
        .warnings
        .iter()
        .map(|key| json!({ "code": key, "message": ctx.tr.t(key) }))
        .collect();
    Json(json!({
        "costs": model::decimal(plan.costs),
        "left": model::decimal(plan.left),
        "months_to_goal": plan.months_to_goal,
        "goal_month": plan.months_to_goal.map(|m| model::month_after(today, m)),
        "warnings": warnings,
    }))
    .into_response()
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct ListQuery {
    /// One corridor, e.g. `RU-UZ`; all when absent.
    #[serde(default)]
    pub corridor: Option<String>,
}

/// The quotes in force, newest first (staff who keep the comparison).
#[utoipa::path(get, path = "/api/v1/remittance-quotes", tag = "finance", params(ListQuery),
    responses((status = 200, body = crate::platform::api::Items<crate::finance::store::Quote>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    match service::list(&st.db, &ctx.actor, q.corridor.as_deref()).await {
        Ok(items) => Json(json!({ "items": items })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Records a dated, sourced quote.
#[utoipa::path(post, path = "/api/v1/remittance-quotes", tag = "finance", request_body = QuoteInput,
    responses((status = 201, body = Quote), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(State(st): State<AppState>, ctx: Ctx, Json(body): Json<QuoteInput>) -> Response {
    match service::add_quote(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(q) => (StatusCode::CREATED, Json(q)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Imports quotes from a CSV file (the request body, UTF-8, at most 2 MB) with the columns
/// `corridor, provider, currency, fee_fixed, fee_percent, fx_margin, min_amount,
/// max_amount, speed, pickup, quoted_on, source`. All or nothing: with any bad row, nothing
/// is imported and every problem is listed (422).
#[utoipa::path(post, path = "/api/v1/remittance-quotes/import", tag = "finance",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    match service::import_csv(&st.db, &st.clock, &ctx.actor, &body).await {
        Ok(report) if report.errors.is_empty() => Json(report).into_response(),
        Ok(report) => import_problem(&ctx, &report),
        Err(e) => e.into_response(),
    }
}

/// A refused import as problem+json: one entry per row and field, localised.
fn import_problem(ctx: &Ctx, report: &ImportReport) -> Response {
    let errors: Vec<_> = report
        .errors
        .iter()
        .map(|e| {
            json!({ "field": format!("rows[{}].{}", e.row, e.field), "message": ctx.tr.t(e.message) })
        })
        .collect();
    let body = json!({
        "type": problem_type("invalid"),
        "title": ctx.tr.t("error-422-title"),
        "status": 422,
        "detail": ctx.tr.t("err-finance-import-detail"),
        "errors": errors,
    });
    let mut response = (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(http::header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response();
    response.extensions_mut().insert(Rendered);
    response
}

/// Takes a quote out of the comparison.
#[utoipa::path(post, path = "/api/v1/remittance-quotes/{id}/withdraw", tag = "finance",
    params(("id" = String, Path)),
    responses((status = 200, body = Quote), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::withdraw(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(q) => Json(q).into_response(),
        Err(e) => e.into_response(),
    }
}
