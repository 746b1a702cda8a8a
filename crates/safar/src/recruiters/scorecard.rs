//! The public scorecard of a recruiter: placements, complaints per 100 placements,
//! substantiated complaints, median days to a finding, sanctions. Counts below 5 are shown
//! as "fewer than 5" (and rates built on them are not shown), so that nobody can be picked
//! out of a small number.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use sqlx::Row;

use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::web::AppState;
use crate::platform::web::context::Ctx;
use crate::platform::web::forms::page;
use crate::platform::web::layout::Page;

/// Below this, a count is shown as "fewer than 5".
pub const SMALL: i64 = 5;

/// A published figure: its value, or nothing when it is too small to publish.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// `null` when suppressed.
    pub value: Option<i64>,
    /// True when the count is below 5 (or a rate or median rests on fewer than 5).
    pub suppressed: bool,
}

impl Figure {
    fn count(n: i64) -> Self {
        if n < SMALL {
            Figure {
                value: None,
                suppressed: true,
            }
        } else {
            Figure {
                value: Some(n),
                suppressed: false,
            }
        }
    }

    /// A figure derived from counts that must each be publishable.
    fn derived(value: Option<i64>, bases: &[i64]) -> Self {
        match value {
            Some(v) if bases.iter().all(|b| *b >= SMALL) => Figure {
                value: Some(v),
                suppressed: false,
            },
            _ => Figure {
                value: None,
                suppressed: true,
            },
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub name: String,
    pub licence_no: Option<String>,
    /// Workers who departed through its vacancies.
    pub placements: Figure,
    pub complaints: Figure,
    /// Complaints per 100 placements, rounded.
    pub complaints_per_100_placements: Figure,
    pub substantiated_complaints: Figure,
    /// Median days from a complaint to its finding.
    pub median_days_to_resolve: Figure,
    /// Sanctions of complaints and licence suspensions or revocations.
    pub sanctions: Figure,
    pub demo: bool,
}

/// The counts behind a scorecard, unsuppressed (never sent out).
struct Counts {
    placements: i64,
    complaints: i64,
    substantiated: i64,
    resolution_days: Vec<i64>,
    sanctions: i64,
}

async fn count(db: &Db, sql: &'static str, id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query(sql)
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .try_get::<i64, _>(0)
}

async fn counts(db: &Db, id: &str) -> Result<Counts, sqlx::Error> {
    let placements = count(
        db,
        "SELECT COUNT(*) FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
         WHERE v.recruiter_id = $1 AND a.state = 'departed'",
        id,
    )
    .await?;
    let complaints = count(
        db,
        "SELECT COUNT(*) FROM complaints WHERE recruiter_id = $1",
        id,
    )
    .await?;
    let substantiated = count(
        db,
        "SELECT COUNT(*) FROM complaints c WHERE c.recruiter_id = $1 AND EXISTS \
         (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.action = 'substantiate')",
        id,
    )
    .await?;
    let licence_sanctions = count(
        db,
        "SELECT COUNT(*) FROM licence_events WHERE recruiter_id = $1 AND to_state IN ('suspended', 'revoked')",
        id,
    )
    .await?;
    let warnings_and_fines = count(
        db,
        "SELECT COUNT(*) FROM complaints WHERE recruiter_id = $1 AND sanction IN ('warning', 'fine')",
        id,
    )
    .await?;
    let rows = sqlx::query(
        "SELECT resolved_at - received_at FROM complaints WHERE recruiter_id = $1 AND resolved_at IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut resolution_days = rows
        .iter()
        .map(|r| r.try_get::<i64, _>(0).map(|ms| ms / (24 * 3600 * 1000)))
        .collect::<Result<Vec<_>, _>>()?;
    resolution_days.sort_unstable();
    Ok(Counts {
        placements,
        complaints,
        substantiated,
        resolution_days,
        sanctions: licence_sanctions + warnings_and_fines,
    })
}

fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

fn publish(c: &Counts) -> (Figure, Figure, Figure, Figure, Figure, Figure) {
    let per_100 =
        (c.placements > 0).then(|| (c.complaints * 100 + c.placements / 2) / c.placements);
    let resolved = c.resolution_days.len() as i64;
    (
        Figure::count(c.placements),
        Figure::count(c.complaints),
        Figure::derived(per_100, &[c.complaints, c.placements]),
        Figure::count(c.substantiated),
        Figure::derived(median(&c.resolution_days), &[resolved]),
        Figure::count(c.sanctions),
    )
}

pub async fn scorecard(db: &Db, id: &str) -> ServiceResult<Scorecard> {
    let recruiter = super::store::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let licence = super::store::current_licences(db, std::slice::from_ref(&recruiter.id))
        .await?
        .into_iter()
        .next();
    let c = counts(db, id).await?;
    let (placements, complaints, per_100, substantiated, median_days, sanctions) = publish(&c);
    Ok(Scorecard {
        name: recruiter.name,
        licence_no: licence.and_then(|l| l.licence_no),
        placements,
        complaints,
        complaints_per_100_placements: per_100,
        substantiated_complaints: substantiated,
        median_days_to_resolve: median_days,
        sanctions,
        demo: recruiter.demo,
    })
}

/// A recruiter's public scorecard (no account needed); small counts are suppressed.
#[utoipa::path(get, path = "/api/v1/public/recruiters/{id}/scorecard", tag = "public",
    params(("id" = String, Path)), security(()),
    responses((status = 200, body = Scorecard), (status = 404, body = crate::platform::api::Problem),
              (status = 429, body = crate::platform::api::Problem)))]
pub async fn api(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    if !super::public::admit(&st, &ctx, "scorecard") {
        return ServiceError::TooManyAttempts.into_response();
    }
    match scorecard(&st.db, &id).await {
        Ok(s) => Json(s).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "recruiters/scorecard.html")]
struct ScorecardPage {
    page: Page,
    s: Scorecard,
}

pub async fn page_view(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    if !super::public::admit(&st, &ctx, "scorecard") {
        return ServiceError::TooManyAttempts.into_response();
    }
    let s = match scorecard(&st.db, &id).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let title = format!("{} · {}", ctx.tr.t("scorecard-title"), s.name);
    page(
        StatusCode::OK,
        ScorecardPage {
            page: Page::new(&ctx, &title),
            s,
        }
        .render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_and_what_rests_on_them_are_not_published() {
        let c = Counts {
            placements: 40,
            complaints: 3,
            substantiated: 2,
            resolution_days: vec![5, 9, 12],
            sanctions: 0,
        };
        let (placements, complaints, per_100, substantiated, median_days, sanctions) = publish(&c);
        assert_eq!(placements.value, Some(40));
        for suppressed in [complaints, per_100, substantiated, median_days, sanctions] {
            assert_eq!(
                suppressed,
                Figure {
                    value: None,
                    suppressed: true
                }
            );
        }
        let c = Counts {
            placements: 200,
            complaints: 9,
            substantiated: 5,
            resolution_days: vec![3, 4, 10, 20, 30, 31],
            sanctions: 5,
        };
        let (_, _, per_100, _, median_days, _) = publish(&c);
        assert_eq!(per_100.value, Some(5), "9 per 200 is 4.5, rounded");
        assert_eq!(median_days.value, Some(15));
    }
}
