//! The dashboards: staff (exact, within the reader's regions) at `/analytics`, the public
//! (suppressed) at `/open-data`, and each indicator's definition at `/indicators/{name}`.
//! Both dashboards are one form (indicator, breakdown, period, filters) that answers with a
//! chart, the same numbers as a table, and download links; without JavaScript.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use sqlx::Row;

use super::charts::{self, Datum, Stack, number};
use super::export::{self, Cell, FileType, Sheet};
use super::indicators::{self, Audience, INDICATORS, Indicator, Measure, Table, TableQuery};
use super::rollup::Dim;
use crate::people::pages::region_choices;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::i18n::Tr;
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::{FormErrors, page};
use crate::platform::web::layout::Page;
use crate::reference::labels::Labels;

/// The dashboard form: an indicator and a table request.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DashQuery {
    #[serde(default)]
    pub indicator: String,
    #[serde(flatten)]
    pub table: TableQuery,
}

impl DashQuery {
    /// The indicator asked for; departures by region when nothing is.
    fn normalised(mut self) -> Self {
        if self.indicator.is_empty() {
            self.indicator = "departures".into();
            if self.table.by.is_empty() {
                self.table.by = "region".into();
            }
        }
        self
    }

    /// The query string of this request, for download links.
    fn query_string(&self) -> String {
        let t = &self.table;
        serde_urlencoded::to_string([
            ("indicator", self.indicator.as_str()),
            ("by", t.by.as_str()),
            ("from", t.from.as_str()),
            ("to", t.to.as_str()),
            ("region", t.region.as_str()),
            ("destination", t.destination.as_str()),
            ("gender", t.gender.as_str()),
            ("channel", t.channel.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// Names codes for people: regions, districts, countries and sectors from the reference
/// data, genders and channels from the messages.
pub struct Namer {
    labels: Labels,
    tr: Tr,
    /// Recruiters by id (agencies are public: their names are on the public register).
    recruiters: std::collections::HashMap<String, String>,
}

impl Namer {
    /// A namer for a table of `dims` (recruiters' names are read only for a table by
    /// recruiter).
    pub async fn load(st: &AppState, tr: &Tr, dims: &[Dim]) -> Self {
        let recruiters = if dims.contains(&Dim::Recruiter) {
            sqlx::query("SELECT id, name FROM recruiters")
                .fetch_all(&st.db.pool)
                .await
                .unwrap_or_default()
                .iter()
                .filter_map(|r| Some((r.try_get("id").ok()?, r.try_get("name").ok()?)))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        Namer {
            labels: Labels::load(&st.db, tr.locale).await.unwrap_or_default(),
            tr: *tr,
            recruiters,
        }
    }

    pub fn name(&self, dim: Dim, code: &str) -> String {
        if code.is_empty() {
            return self.tr.t("analytics-not-recorded");
        }
        match dim {
            Dim::Month => code.to_string(),
            Dim::Gender if matches!(code, "male" | "female") => {
                self.tr.t(&format!("analytics-gender-{code}"))
            }
            Dim::Channel if matches!(code, "official" | "independent" | "unknown") => {
                self.tr.t(&format!("analytics-channel-{code}"))
            }
            Dim::Category
                if crate::cases::model::CATEGORIES
                    .iter()
                    .any(|(c, _)| *c == code) =>
            {
                self.tr.t(&format!("case-category-{code}"))
            }
            Dim::Outcome if crate::cases::service::OUTCOMES.contains(&code) => {
                self.tr.t(&format!("case-outcome-{code}"))
            }
            Dim::Outcome if crate::reintegration::courses::OUTCOMES.contains(&code) => {
                self.tr.t(&format!("course-outcome-{code}"))
            }
            Dim::Outcome if matches!(code, "operating" | "closed") => {
                self.tr.t(&format!("analytics-grant-{code}"))
            }
            Dim::Status if matches!(code, "enrolled" | "completed" | "dropped") => {
                self.tr.t(&format!("course-status-{code}"))
            }
            Dim::Plan if matches!(code, "planned" | "none") => {
                self.tr.t(&format!("analytics-plan-{code}"))
            }
            Dim::Recruiter => self
                .recruiters
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_string()),
            Dim::Code
                if crate::recruiters::complaints::TYPES
                    .iter()
                    .any(|(c, _)| *c == code) =>
            {
                format!("{code} {}", self.tr.t(&format!("complaint-type-{code}")))
            }
            Dim::Finding if matches!(code, "substantiated" | "unsubstantiated" | "open") => {
                self.tr.t(&format!("analytics-finding-{code}"))
            }
            Dim::EventKind if crate::outreach::model::KINDS.contains(&code) => {
                self.tr.t(&format!("outreach-kind-{code}"))
            }
            Dim::Sla if matches!(code, "met" | "missed") => {
                self.tr.t(&format!("analytics-sla-{code}"))
            }
            Dim::Region | Dim::District | Dim::Destination | Dim::Sector => {
                self.labels.name(code).to_string()
            }
            // Codes read the same in every language (P1, USD) or are unknown.
            _ => code.to_string(),
        }
    }

    pub fn dim(&self, dim: Dim) -> String {
        self.tr.t(&format!("analytics-dim-{}", dim.as_str()))
    }

    pub fn indicator(&self, indicator: &Indicator) -> String {
        self.tr.t(&format!("analytics-ind-{}", indicator.name))
    }
}

/// A table as shown: headers, labelled rows, the chart.
pub struct View {
    pub headers: Vec<String>,
    pub rows: Vec<ViewRow>,
    pub total: String,
    pub chart: String,
    pub empty: bool,
    /// The months covered, as applied (`2025-01 – 2025-12`), or empty for all.
    pub period: String,
}

pub struct ViewRow {
    pub labels: Vec<String>,
    pub value: String,
    pub suppressed: bool,
}

impl View {
    pub fn of(table: &Table, namer: &Namer) -> Self {
        let title = namer.indicator(table.indicator);
        let hidden = namer.tr.t("analytics-hidden");
        let mut headers: Vec<String> = table.dims.iter().map(|d| namer.dim(*d)).collect();
        headers.push(title.clone());
        let rows: Vec<ViewRow> = table
            .lines
            .iter()
            .map(|l| ViewRow {
                labels: table
                    .dims
                    .iter()
                    .zip(&l.keys)
                    .map(|(d, k)| namer.name(*d, k))
                    .collect(),
                value: l.value().map(number).unwrap_or_else(|| hidden.clone()),
                suppressed: l.suppressed,
            })
            .collect();
        let total = match table.total() {
            Some((count, None)) => count.to_string(),
            Some((count, Some(base))) if base > 0 => {
                number((count as f64 * 1000.0 / base as f64).round() / 10.0)
            }
            _ => "—".into(),
        };
        let period = match (&table.from, &table.to) {
            (None, None) => String::new(),
            (from, to) => format!(
                "{} – {}",
                from.as_deref().unwrap_or("…"),
                to.as_deref().unwrap_or("…")
            ),
        };
        View {
            period,
            chart: chart(table, namer, &title),
            empty: rows.is_empty(),
            headers,
            rows,
            total,
        }
    }
}

/// The chart that suits the table: a line over months, a map of regions, bars for one
/// other characteristic, stacked bars for two.
fn chart(table: &Table, namer: &Namer, title: &str) -> String {
    let hidden = namer.tr.t("analytics-hidden");
    let desc = namer.tr.t("analytics-chart-desc");
    let data = |dim: Dim| -> Vec<Datum> {
        table
            .lines
            .iter()
            .map(|l| Datum {
                label: if dim == Dim::Region {
                    l.keys[0].clone()
                } else {
                    namer.name(dim, &l.keys[0])
                },
                value: l.value(),
            })
            .collect()
    };
    match table.dims.as_slice() {
        [Dim::Month] => charts::line("chart", title, &desc, &data(Dim::Month)),
        [Dim::Region] => {
            let name = |code: &str| namer.name(Dim::Region, code);
            charts::region_map("chart", title, &desc, &data(Dim::Region), &name, &hidden)
        }
        [dim] => charts::bars("chart", title, &desc, &data(*dim), &hidden),
        [first, second] if is_plain_count(table.indicator.measure) => {
            let (stacks, series) = stacks(table, namer, *first, *second);
            // More parts than colours would not read: the table says it all.
            if series.len() > charts::COLOURS {
                return String::new();
            }
            charts::stacked("chart", title, &desc, &stacks, &series)
        }
        [first, second] => {
            let combined: Vec<Datum> = table
                .lines
                .iter()
                .map(|l| Datum {
                    label: format!(
                        "{} – {}",
                        namer.name(*first, &l.keys[0]),
                        namer.name(*second, &l.keys[1])
                    ),
                    value: l.value(),
                })
                .collect();
            charts::bars("chart", title, &desc, &combined, &hidden)
        }
        _ => String::new(),
    }
}

/// Counts add up, so they stack; percents, rates and amounts in several currencies do not.
fn is_plain_count(measure: Measure) -> bool {
    matches!(
        measure,
        Measure::Count(_)
            | Measure::Fact(indicators::Fact {
                value: indicators::FactValue::Count,
                ..
            })
    )
}

/// Stacks by the first characteristic, one part per value of the second.
fn stacks(table: &Table, namer: &Namer, first: Dim, second: Dim) -> (Vec<Stack>, Vec<String>) {
    let mut series: Vec<String> = vec![];
    for l in &table.lines {
        if !series.contains(&l.keys[1]) {
            series.push(l.keys[1].clone());
        }
    }
    series.sort();
    let mut stacks: Vec<Stack> = vec![];
    for l in &table.lines {
        let at = series.iter().position(|s| *s == l.keys[1]).unwrap_or(0);
        if stacks.last().is_none_or(|s| s.label != l.keys[0]) {
            stacks.push(Stack {
                label: l.keys[0].clone(),
                parts: vec![None; series.len()],
            });
        }
        if let Some(last) = stacks.last_mut() {
            last.parts[at] = l.value();
        }
    }
    for s in &mut stacks {
        s.label = namer.name(first, &s.label);
    }
    let names = series.iter().map(|s| namer.name(second, s)).collect();
    (stacks, names)
}

/// The choices of the dashboard form.
pub struct Choices {
    pub indicators: Vec<(String, String)>,
    /// One or two characteristics to break the table down by.
    pub breakdowns: Vec<(String, String)>,
    pub regions: Vec<(String, String)>,
    pub destinations: Vec<(String, String)>,
}

impl Choices {
    async fn load(st: &AppState, ctx: &Ctx, namer: &Namer, indicator: &Indicator) -> Self {
        let destinations = crate::reference::store::destinations(&st.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.iso2.clone(), d.names.get(ctx.locale()).to_string()))
            .collect();
        Choices {
            indicators: INDICATORS
                .iter()
                .map(|i| (i.name.to_string(), namer.indicator(i)))
                .collect(),
            breakdowns: breakdowns(namer, indicator),
            regions: region_choices(st, ctx).await,
            destinations,
        }
    }
}

/// Every characteristic the indicator offers alone, then the pairs people ask for most.
fn breakdowns(namer: &Namer, indicator: &Indicator) -> Vec<(String, String)> {
    let offered = |d: &Dim| indicator.dims.contains(d);
    let mut out: Vec<(String, String)> = indicator
        .dims
        .iter()
        .map(|d| (d.as_str().to_string(), namer.dim(*d)))
        .collect();
    for (a, b) in [
        (Dim::Region, Dim::Gender),
        (Dim::Region, Dim::Channel),
        (Dim::Destination, Dim::Gender),
        (Dim::Destination, Dim::Channel),
        (Dim::Month, Dim::Gender),
        (Dim::Month, Dim::Region),
        (Dim::District, Dim::Gender),
        (Dim::Sector, Dim::Gender),
        (Dim::Region, Dim::Category),
        (Dim::Month, Dim::Category),
        (Dim::Region, Dim::Outcome),
        (Dim::Region, Dim::EventKind),
        (Dim::Region, Dim::Plan),
        (Dim::Status, Dim::Gender),
        (Dim::Outcome, Dim::Gender),
        (Dim::Recruiter, Dim::Code),
        (Dim::Recruiter, Dim::Finding),
    ] {
        if !offered(&a) || !offered(&b) {
            continue;
        }
        out.push((
            format!("{},{}", a.as_str(), b.as_str()),
            format!("{} × {}", namer.dim(a), namer.dim(b)),
        ));
    }
    out
}

#[derive(Template)]
#[template(path = "analytics/dashboard.html")]
struct DashboardPage {
    page: Page,
    public: bool,
    action: &'static str,
    q: DashQuery,
    choices: Choices,
    view: Option<View>,
    errors: FormErrors,
    downloads: Vec<(String, &'static str)>,
    definition: String,
    /// The characteristics the chosen indicator offers (the form shows only their filters).
    offered: Vec<&'static str>,
}

impl DashboardPage {
    fn offers(&self, dim: &str) -> bool {
        self.offered.contains(&dim)
    }

    fn selected(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

/// The staff dashboard: exact counts within the reader's regions.
pub async fn staff(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> Response {
    let regions = match indicators::staff_regions(&ctx.actor) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    dashboard(&st, ctx, q.normalised(), Audience::Staff, regions).await
}

/// The public dashboard: the open data, small counts hidden.
pub async fn public(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> Response {
    dashboard(&st, ctx, q.normalised(), Audience::Public, None).await
}

async fn dashboard(
    st: &AppState,
    ctx: Ctx,
    q: DashQuery,
    audience: Audience,
    regions: Option<Vec<String>>,
) -> Response {
    let answered = answer(st, &q, audience, regions.as_deref()).await;
    let dims = answered
        .as_ref()
        .map(|t| t.dims.clone())
        .unwrap_or_default();
    let namer = Namer::load(st, &ctx.tr, &dims).await;
    let public = audience == Audience::Public;
    let (view, errors) = match answered {
        Ok(table) => (Some(View::of(&table, &namer)), FormErrors::none(ctx.tr)),
        Err(e) => match FormErrors::from_service(ctx.tr, e) {
            Ok(errors) => (None, errors),
            Err(e) => return e.into_response(),
        },
    };
    let query = q.query_string();
    let downloads = if public {
        let name = q.indicator.clone();
        let table_query = serde_urlencoded::to_string(&q.table).unwrap_or_default();
        vec![
            (
                format!("/api/v1/public/open-data/{name}.csv?{table_query}"),
                "CSV",
            ),
            (format!("/open-data/export.xlsx?{query}"), "XLSX"),
        ]
    } else {
        vec![
            (format!("/analytics/export.csv?{query}"), "CSV"),
            (format!("/analytics/export.xlsx?{query}"), "XLSX"),
        ]
    };
    let title = ctx.tr.t(if public {
        "analytics-public-title"
    } else {
        "analytics-title"
    });
    let indicator = indicators::find(&q.indicator).unwrap_or(&INDICATORS[0]);
    let definition = ctx.tr.t(&format!("analytics-def-{}", indicator.name));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        DashboardPage {
            page: Page::new(&ctx, &title),
            public,
            action: if public { "/open-data" } else { "/analytics" },
            choices: Choices::load(st, &ctx, &namer, indicator).await,
            q,
            view,
            errors,
            downloads,
            definition,
            offered: indicator.dims.iter().map(|d| d.as_str()).collect(),
        }
        .render(),
    )
}

/// Validates and answers a dashboard request.
async fn answer(
    st: &AppState,
    q: &DashQuery,
    audience: Audience,
    regions: Option<&[String]>,
) -> ServiceResult<Table> {
    let indicator = indicators::find(&q.indicator)
        .map_err(|_| ServiceError::invalid("indicator", "err-analytics-indicator"))?;
    let spec = indicators::validate(indicator, &q.table, audience)?;
    indicators::table(&st.db, indicator, &spec, audience, regions).await
}

/// The table as a sheet: one column per characteristic (names in the reader's language),
/// the value, and for the public whether it was hidden.
pub fn sheet(table: &Table, namer: &Namer, public: bool) -> Sheet {
    let mut header: Vec<String> = table.dims.iter().map(|d| namer.dim(*d)).collect();
    header.push(namer.indicator(table.indicator));
    if public {
        header.push(namer.tr.t("analytics-hidden"));
    }
    let rows = table
        .lines
        .iter()
        .map(|l| {
            let mut row: Vec<Cell> = table
                .dims
                .iter()
                .zip(&l.keys)
                .map(|(d, k)| Cell::Text(namer.name(*d, k)))
                .collect();
            row.push(l.value().map_or(Cell::Empty, Cell::Number));
            if public {
                row.push(Cell::Text(if l.suppressed { "1" } else { "0" }.into()));
            }
            row
        })
        .collect();
    Sheet {
        title: table.indicator.name.to_string(),
        header,
        rows,
    }
}

/// `/analytics/export.csv` and `.xlsx`: the staff table as a file.
pub async fn staff_export(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<DashQuery>,
) -> Response {
    let regions = match indicators::staff_regions(&ctx.actor) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    download(&st, &ctx, &file, q.normalised(), Audience::Staff, regions).await
}

/// `/open-data/export.xlsx`: the public table as a spreadsheet.
pub async fn public_export(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<DashQuery>,
) -> Response {
    download(&st, &ctx, &file, q.normalised(), Audience::Public, None).await
}

async fn download(
    st: &AppState,
    ctx: &Ctx,
    file: &str,
    q: DashQuery,
    audience: Audience,
    regions: Option<Vec<String>>,
) -> Response {
    let kind = match file {
        "export.csv" => FileType::Csv,
        "export.xlsx" => FileType::Xlsx,
        _ => return ServiceError::NotFound.into_response(),
    };
    let table = match answer(st, &q, audience, regions.as_deref()).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let namer = Namer::load(st, &ctx.tr, &table.dims).await;
    let sheet = sheet(&table, &namer, audience == Audience::Public);
    export::download(&sheet, table.indicator.name, kind)
}

#[derive(Template)]
#[template(path = "analytics/indicator.html")]
struct DefinitionPage {
    page: Page,
    name: &'static str,
    dims: Vec<String>,
    all: Vec<(String, String)>,
}

/// An indicator's definition: what it counts, from which records, its limits.
pub async fn definition(
    State(_st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Response {
    let indicator = match indicators::find(&name) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let tr = &ctx.tr;
    let title = tr.t(&format!("analytics-ind-{}", indicator.name));
    page(
        StatusCode::OK,
        DefinitionPage {
            page: Page::new(&ctx, &title),
            name: indicator.name,
            dims: indicator
                .dims
                .iter()
                .map(|d| tr.t(&format!("analytics-dim-{}", d.as_str())))
                .collect(),
            all: INDICATORS
                .iter()
                .map(|i| {
                    (
                        i.name.to_string(),
                        tr.t(&format!("analytics-ind-{}", i.name)),
                    )
                })
                .collect(),
        }
        .render(),
    )
}
