//! Finance in the browser: the public comparison and planner (light pages that work on a
//! 360 px phone without JavaScript: a GET form and the answer under it), and the staff page
//! that keeps the quotes.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::api::PlanQuery;
use super::model::{self, PICKUPS, PLAN_CURRENCIES, Plan, SPEEDS};
use super::service::{self, CompareQuery, Comparison, ImportReport, QuoteInput};
use super::store::Quote;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{
    Fields, FormErrors, field, page, read_multipart_named, status_of,
};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

/// Every currency a corridor uses, for the comparison's choice.
const SEND_CURRENCIES: [&str; 6] = ["USD", "RUB", "KZT", "KRW", "TRY", "GBP"];

#[derive(Template)]
#[template(path = "finance/compare.html")]
struct ComparePage {
    page: Page,
    query: CompareQuery,
    corridors: Vec<(&'static str, &'static str)>,
    currencies: [&'static str; 6],
    comparison: Option<Comparison>,
    labels: Labels,
    errors: FormErrors,
}

impl ComparePage {
    fn money(&self, value: &f64) -> String {
        model::display_money((value * 100.0).round() as i64)
    }
    fn percent(&self, value: &f64) -> String {
        model::display_percent((value * 100.0).round() as i64)
    }
}

/// The comparison: a corridor, an amount, and every provider's price for it.
pub async fn compare(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CompareQuery>,
) -> Response {
    // A link from the planner fills in the amount and currency; the visitor picks the
    // corridor and asks.
    let asked = !query.corridor.is_empty();
    let (comparison, errors) = if asked {
        match service::compare(&st.db, &st.clock, &query).await {
            Ok(c) => (Some(c), FormErrors::none(ctx.tr)),
            Err(e) => match FormErrors::from_service(ctx.tr, e) {
                Ok(errors) => (None, errors),
                Err(e) => return e.into_response(),
            },
        }
    } else {
        (None, FormErrors::none(ctx.tr))
    };
    let corridors = model::CORRIDORS
        .iter()
        .map(|c| (c.code, c.origin))
        .collect();
    let labels = Labels::load(&st.db, ctx.locale()).await.unwrap_or_default();
    let title = ctx.tr.t("finance-compare-title");
    page(
        status_of(&errors),
        ComparePage {
            page: Page::new(&ctx, &title),
            query,
            corridors,
            currencies: SEND_CURRENCIES,
            comparison,
            labels,
            errors,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "finance/plan.html")]
struct PlanPage {
    page: Page,
    query: PlanQuery,
    currencies: &'static [&'static str],
    plan: Option<Plan>,
    goal_month: String,
    errors: FormErrors,
}

impl PlanPage {
    fn money(&self, hundredths: &i64) -> String {
        model::display_money(*hundredths)
    }
    fn month_fields(&self) -> Vec<(&'static str, &str)> {
        let q = &self.query;
        vec![
            ("income", &q.income),
            ("housing", &q.housing),
            ("food", &q.food),
            ("transport", &q.transport),
            ("debts", &q.debts),
            ("other", &q.other),
            ("send_home", &q.send_home),
        ]
    }
    fn savings_fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("saved_now", &self.query.saved_now),
            ("goal", &self.query.goal),
        ]
    }
    /// The comparison for sending this month's amount home (empty for UZS: nobody sends
    /// sums home in it).
    fn compare_link(&self) -> String {
        if self.currency() == "UZS" {
            return String::new();
        }
        let query = serde_urlencoded::to_string([
            ("amount", self.query.send_home.as_str()),
            ("currency", self.currency()),
        ])
        .unwrap_or_default();
        format!("/money?{query}")
    }
    fn is_currency(&self, code: &str) -> bool {
        self.currency() == code
    }
    fn is_income(&self, name: &str) -> bool {
        name == "income"
    }
    fn currency(&self) -> &str {
        if PLAN_CURRENCIES.contains(&self.query.currency.as_str()) {
            &self.query.currency
        } else {
            "USD"
        }
    }
}

/// The budget and savings planner: monthly money abroad, what can be saved, and when the
/// goal is reached. Nothing typed here is stored.
pub async fn plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(query): Query<PlanQuery>,
) -> Response {
    let asked = !query.income.is_empty();
    let (plan, errors) = match query.budget() {
        Ok(budget) if asked => (Some(model::plan(&budget)), FormErrors::none(ctx.tr)),
        Ok(_) => (None, FormErrors::none(ctx.tr)),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => (None, errors),
            Err(e) => return e.into_response(),
        },
    };
    let today = crate::recruiters::service::today(&st.clock);
    let goal_month = plan
        .as_ref()
        .and_then(|p| p.months_to_goal)
        .map(|m| model::month_after(today, m))
        .unwrap_or_default();
    let title = ctx.tr.t("finance-plan-title");
    page(
        status_of(&errors),
        PlanPage {
            page: Page::new(&ctx, &title),
            query,
            currencies: PLAN_CURRENCIES,
            plan,
            goal_month,
            errors,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "finance/quotes.html")]
struct QuotesPage {
    page: Page,
    quotes: Vec<Quote>,
    corridor: String,
    corridors: Vec<&'static str>,
    currencies: [&'static str; 6],
    speeds: [&'static str; 4],
    pickups: [&'static str; 4],
    form: Fields,
    errors: FormErrors,
    report: Option<ImportReport>,
    columns: String,
}

impl QuotesPage {
    fn value(&self, name: &str) -> String {
        field(&self.form, name)
    }
    fn money(&self, hundredths: &i64) -> String {
        model::display_money(*hundredths)
    }
    fn percent(&self, bp: &i64) -> String {
        model::display_percent(*bp)
    }
    fn row_error(&self, message: &str) -> String {
        self.page.t(message)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct QuotesQuery {
    #[serde(default)]
    corridor: String,
}

/// The quotes in force, the form to add one and the CSV import (staff who keep them).
pub async fn quotes(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QuotesQuery>,
) -> Response {
    let errors = FormErrors::none(ctx.tr);
    quotes_page(&st, &ctx, &q.corridor, Fields::new(), errors, None).await
}

async fn quotes_page(
    st: &AppState,
    ctx: &Ctx,
    corridor: &str,
    form: Fields,
    errors: FormErrors,
    report: Option<ImportReport>,
) -> Response {
    let quotes = match service::list(&st.db, &ctx.actor, Some(corridor)).await {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let refused = report.as_ref().is_some_and(|r| !r.errors.is_empty());
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status_of(&errors)
    };
    let title = ctx.tr.t("finance-quotes-title");
    page(
        status,
        QuotesPage {
            page: Page::new(ctx, &title),
            quotes,
            corridor: corridor.to_string(),
            corridors: service::corridor_codes(),
            currencies: SEND_CURRENCIES,
            speeds: SPEEDS,
            pickups: PICKUPS,
            form,
            errors,
            report,
            columns: service::CSV_COLUMNS.join(","),
        }
        .render(),
    )
}

fn quote_input(form: &Fields) -> QuoteInput {
    QuoteInput {
        corridor: field(form, "corridor"),
        provider: field(form, "provider"),
        currency: field(form, "currency"),
        fee_fixed: field(form, "fee_fixed"),
        fee_percent: field(form, "fee_percent"),
        fx_margin: field(form, "fx_margin"),
        min_amount: field(form, "min_amount"),
        max_amount: field(form, "max_amount"),
        speed: field(form, "speed"),
        pickup: field(form, "pickup"),
        quoted_on: field(form, "quoted_on"),
        source: field(form, "source"),
    }
}

pub async fn add(State(st): State<AppState>, ctx: Ctx, Form(form): Form<Fields>) -> Response {
    match service::add_quote(&st.db, &st.clock, &ctx.actor, &quote_input(&form)).await {
        Ok(q) => Redirect::to(&format!("/money/quotes?corridor={}", q.corridor)).into_response(),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => quotes_page(&st, &ctx, "", form, errors, None).await,
            Err(e) => e.into_response(),
        },
    }
}

/// The CSV upload: the report of what was added, or of every bad row (nothing imported).
pub async fn import(State(st): State<AppState>, ctx: Ctx, multipart: Multipart) -> Response {
    let file = match read_multipart_named(multipart, "file").await {
        Ok(Some((_, bytes))) => bytes,
        Ok(None) => return general_error(&st, &ctx, "err-finance-csv-empty").await,
        Err(message) => return general_error(&st, &ctx, message).await,
    };
    match service::import_csv(&st.db, &st.clock, &ctx.actor, &file).await {
        Ok(report) => {
            let errors = FormErrors::none(ctx.tr);
            quotes_page(&st, &ctx, "", Fields::new(), errors, Some(report)).await
        }
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => quotes_page(&st, &ctx, "", Fields::new(), errors, None).await,
            Err(e) => e.into_response(),
        },
    }
}

async fn general_error(st: &AppState, ctx: &Ctx, message: &'static str) -> Response {
    let errors = FormErrors::general_message(ctx.tr, message);
    quotes_page(st, ctx, "", Fields::new(), errors, None).await
}

pub async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match service::withdraw(&st.db, &st.clock, &ctx.actor, &id).await {
        Ok(q) => Redirect::to(&format!("/money/quotes?corridor={}", q.corridor)).into_response(),
        Err(e) => e.into_response(),
    }
}
