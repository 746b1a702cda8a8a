//! The public licence check: anyone, without an account, looks up an agency by name (any
//! script), licence number or STIR and sees plainly whether it may recruit. Not finding it
//! is itself the warning. Lookups are limited per address and counted without who asked.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use super::model::LicenceState;
use super::register::{Cache, Flagged};
use super::service::name_words;
use super::store::{self, Licence, Recruiter};
use crate::platform::clock::{Clock, format_ms};
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::page;
use crate::platform::web::layout::Page;

/// At most this many results, never the whole register (no bulk scraping).
pub const MAX_RESULTS: i64 = 20;
/// Sanctions shown: those of the last three years.
const SANCTION_WINDOW_MS: i64 = 3 * 366 * 24 * 3600 * 1000;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Sanction {
    /// `suspended` or `revoked` (licence decisions), `warning` or `fine` (complaints; the
    /// reason is then the complaint type, e.g. `RC01`).
    pub state: String,
    pub reason: String,
    /// YYYY-MM-DD
    pub date: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PublicEntry {
    /// The recruiter's id (its scorecard is `/api/v1/public/recruiters/{id}/scorecard`);
    /// `null` for a reported intermediary.
    pub id: Option<String>,
    pub name: String,
    pub name_other_script: String,
    pub licence_no: Option<String>,
    pub stir: Option<String>,
    /// `applied`, `licensed`, `suspended`, `revoked`, `expired`, `surrendered`, `refused` or
    /// `reported` (on the watch list, not licensed).
    pub status: String,
    /// YYYY-MM-DD, when licensed.
    pub valid_until: Option<String>,
    /// `local_agency`, `foreign_operator`, or `intermediary` (a reported, unlicensed one).
    pub kind: String,
    pub country: String,
    pub sanctions: Vec<Sanction>,
    /// Made up for the demo, not a real agency.
    pub demo: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PublicResults {
    pub items: Vec<PublicEntry>,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct CheckQuery {
    /// A name (any script or spelling), a licence number (`PEA-…`) or a 9-digit STIR.
    pub q: Option<String>,
}

/// Flagged watch-list entries are shown as "reported": not licensed, reported by workers.
fn reported(e: Flagged) -> PublicEntry {
    PublicEntry {
        id: None,
        name_other_script: super::service::other_script(&e.display_name),
        name: e.display_name,
        licence_no: None,
        stir: None,
        status: "reported".into(),
        valid_until: None,
        kind: "intermediary".into(),
        country: String::new(),
        sanctions: vec![],
        demo: false,
    }
}

/// What was typed: an identifier (STIR, licence number) and/or name words.
fn classify(q: &str) -> (Option<String>, Vec<String>) {
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 9 && compact.chars().all(|c| c.is_ascii_digit()) {
        return (Some(compact), vec![]);
    }
    let upper = compact.to_uppercase();
    if upper.starts_with("PEA-") && upper.len() <= 20 {
        return (Some(upper), vec![]);
    }
    (None, name_words(q))
}

/// Why a query is refused before searching: too short to mean a single agency.
fn too_vague(identifier: &Option<String>, words: &[String]) -> bool {
    identifier.is_none() && words.iter().map(|w| w.chars().count()).sum::<usize>() < 3
}

/// Answers a public check from the server's in-memory register (see `register`).
pub async fn check(
    db: &Db,
    clock: &Clock,
    register: &Cache,
    q: &str,
) -> ServiceResult<Vec<PublicEntry>> {
    let q = q.trim();
    if q.chars().count() > 200 {
        return Err(ServiceError::invalid("q", "err-check-query"));
    }
    let (identifier, words) = classify(q);
    if too_vague(&identifier, &words) {
        return Err(ServiceError::invalid("q", "err-check-query"));
    }
    let now = clock.now_ms();
    let snapshot = register.current(db, now).await?;
    let limit = usize::try_from(MAX_RESULTS).unwrap_or(20);
    let since = now - SANCTION_WINDOW_MS;
    let mut entries: Vec<PublicEntry> = snapshot
        .search(&words, identifier.as_deref(), limit)
        .into_iter()
        .map(|(r, l)| entry(r.clone(), Some(l), snapshot.sanctions(&r.id, since)))
        .collect();
    // A phone number (possibly also read as a STIR) or the name of a reported intermediary.
    let phone = crate::accounts::model::parse_phone(q).ok();
    let room = limit.saturating_sub(entries.len());
    entries.extend(
        snapshot
            .flagged(&words, phone.as_deref(), room)
            .into_iter()
            .map(reported),
    );
    Ok(entries)
}

fn entry(r: Recruiter, licence: Option<&Licence>, sanctions: Vec<Sanction>) -> PublicEntry {
    let state = licence.and_then(|l| LicenceState::parse(&l.state));
    PublicEntry {
        id: Some(r.id),
        name: r.name,
        name_other_script: r.name_other_script,
        licence_no: licence.and_then(|l| l.licence_no.clone()),
        stir: r.stir,
        status: state.map_or("applied", LicenceState::as_str).to_string(),
        valid_until: licence
            .filter(|_| state.is_some_and(LicenceState::is_valid))
            .and_then(|l| l.valid_to.clone()),
        kind: r.kind,
        country: r.country,
        sanctions,
        demo: r.demo,
    }
}

/// The per-address limit, shared by the pages and the API of every public lookup
/// (`kind`: `recruiter` or `vacancy`, for the statistics); `false` means answer 429.
pub fn admit(st: &AppState, ctx: &Ctx, kind: &'static str) -> bool {
    let key = format!("check:{}", ctx.actor.meta.ip);
    let limit = st.config.public_lookups_per_minute;
    let allowed = st.usage.limiter.allow(&key, limit, st.clock.now_ms());
    if !allowed {
        st.usage.tally.add(kind, "limited");
    }
    allowed
}

fn tally(st: &AppState, result: &ServiceResult<Vec<PublicEntry>>) {
    let outcome = match result {
        Ok(items) if items.is_empty() => "not_found",
        Ok(_) => "found",
        Err(_) => "refused",
    };
    st.usage.tally.add("recruiter", outcome);
}

/// Checks a recruiter without an account: name (any script), licence number or STIR.
#[utoipa::path(get, path = "/api/v1/public/recruiters", tag = "public", params(CheckQuery), security(()),
    responses((status = 200, body = PublicResults), (status = 422, body = crate::platform::api::Problem),
              (status = 429, body = crate::platform::api::Problem)))]
pub async fn api_check(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CheckQuery>,
) -> Response {
    if !admit(&st, &ctx, "recruiter") {
        return ServiceError::TooManyAttempts.into_response();
    }
    let q = query.q.as_deref().unwrap_or("");
    let result = check(&st.db, &st.clock, &st.register, q).await;
    tally(&st, &result);
    match result {
        Ok(items) => Json(PublicResults { items }).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "recruiters/check.html")]
struct CheckPage {
    page: Page,
    q: String,
    searched: bool,
    items: Vec<PublicEntry>,
    error: String,
}

pub async fn page_check(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CheckQuery>,
) -> Response {
    let q = query.q.unwrap_or_default();
    let searched = !q.trim().is_empty();
    let (items, error) = if searched {
        if !admit(&st, &ctx, "recruiter") {
            return ServiceError::TooManyAttempts.into_response();
        }
        let result = check(&st.db, &st.clock, &st.register, &q).await;
        tally(&st, &result);
        match result {
            Ok(items) => (items, String::new()),
            Err(ServiceError::Invalid(_)) => (vec![], ctx.tr.t("err-check-query")),
            Err(e) => return e.into_response(),
        }
    } else {
        (vec![], String::new())
    };
    let title = ctx.tr.t("check-title");
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = CheckPage {
        page: Page::new(&ctx, &title),
        q,
        searched,
        items,
        error,
    };
    page(status, html.render())
}

/// Writes this server's tallies of public lookups to the statistics table (maintenance).
pub async fn flush_tally(st_usage: &crate::platform::usage::Usage, db: &Db, clock: &Clock) {
    let day: String = format_ms(clock.now_ms()).chars().take(10).collect();
    for (kind, outcome, n) in st_usage.tally.take() {
        if let Err(e) = store::count_lookups(db, &day, kind, outcome, n).await {
            tracing::warn!(error = %e, "could not record public lookup statistics");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_as_stir_licence_number_or_name() {
        assert_eq!(classify("301 234 567"), (Some("301234567".into()), vec![]));
        assert_eq!(classify("pea-7k3m9q"), (Some("PEA-7K3M9Q".into()), vec![]));
        let (id, words) = classify("Ishonch Yo‘li xususiy bandlik agentligi");
        assert_eq!(id, None);
        assert_eq!(words, vec!["ishonch".to_string(), "yoli".to_string()]);
        assert!(too_vague(&None, &name_words("ab")));
        assert!(
            too_vague(&None, &name_words("MChJ")),
            "a legal form alone names no one"
        );
    }
}
