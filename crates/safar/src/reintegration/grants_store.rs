//! The grant tables' SQL. Nothing else touches them.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, Tx, opt_i64};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Call {
    pub id: String,
    pub title: String,
    pub description: String,
    pub currency: String,
    pub budget: i64,
    pub max_award: i64,
    pub returned_within_months: i64,
    pub regions: Vec<String>,
    pub min_age: i64,
    pub max_age: i64,
    pub no_prior_award: bool,
    /// Thousandths of a point (2 500 = 2.5 of 5).
    pub pass_mark: i64,
    pub reviewers_per_application: i64,
    pub first_tranche_percent: i64,
    /// `YYYY-MM-DD`: the last day to apply.
    pub deadline: String,
    /// `open`, `review` or `decided`.
    pub status: String,
    pub criteria: Vec<Criterion>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Criterion {
    pub name: String,
    /// Percent; a call's weights add up to 100.
    pub weight: i64,
}

fn call_from_row(r: &AnyRow) -> Result<Call, sqlx::Error> {
    let regions: String = r.try_get("regions")?;
    Ok(Call {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        currency: r.try_get("currency")?,
        budget: r.try_get("budget")?,
        max_award: r.try_get("max_award")?,
        returned_within_months: r.try_get("returned_within_months")?,
        regions: regions.split_whitespace().map(String::from).collect(),
        min_age: r.try_get("min_age")?,
        max_age: r.try_get("max_age")?,
        no_prior_award: r.try_get::<i64, _>("no_prior_award")? != 0,
        pass_mark: r.try_get("pass_mark")?,
        reviewers_per_application: r.try_get("reviewers_per_application")?,
        first_tranche_percent: r.try_get("first_tranche_percent")?,
        deadline: r.try_get("deadline")?,
        status: r.try_get("status")?,
        criteria: vec![],
    })
}

const CALL: &str = "SELECT id, title, description, currency, budget, max_award, returned_within_months, \
     regions, min_age, max_age, no_prior_award, pass_mark, reviewers_per_application, \
     first_tranche_percent, deadline, status FROM grant_calls";

async fn criteria(db: &Db, call_id: &str) -> Result<Vec<Criterion>, sqlx::Error> {
    sqlx::query("SELECT name, weight FROM grant_criteria WHERE call_id = $1 ORDER BY position")
        .bind(call_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Criterion {
                name: r.try_get("name")?,
                weight: r.try_get("weight")?,
            })
        })
        .collect()
}

pub async fn call(db: &Db, id: &str) -> Result<Option<Call>, sqlx::Error> {
    let sql = format!("{CALL} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut call = call_from_row(&row)?;
    call.criteria = criteria(db, id).await?;
    Ok(Some(call))
}

pub async fn calls(db: &Db, status: Option<&str>) -> Result<Vec<Call>, sqlx::Error> {
    let sql = match status {
        Some(_) => format!("{CALL} WHERE status = $1 ORDER BY deadline DESC, created_at DESC"),
        None => format!("{CALL} ORDER BY deadline DESC, created_at DESC"),
    };
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(s) = status {
        q = q.bind(s);
    }
    let mut out = vec![];
    for row in q.fetch_all(&db.pool).await? {
        let mut call = call_from_row(&row)?;
        call.criteria = criteria(db, &call.id).await?;
        out.push(call);
    }
    Ok(out)
}

pub async fn insert_call(
    tx: &mut Tx,
    c: &Call,
    by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO grant_calls (id, title, description, currency, budget, max_award, \
         returned_within_months, regions, min_age, max_age, no_prior_award, pass_mark, \
         reviewers_per_application, first_tranche_percent, deadline, status, created_by, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', \
         $16, $17, $17)",
    )
    .bind(&c.id)
    .bind(&c.title)
    .bind(&c.description)
    .bind(&c.currency)
    .bind(c.budget)
    .bind(c.max_award)
    .bind(c.returned_within_months)
    .bind(c.regions.join(" "))
    .bind(c.min_age)
    .bind(c.max_age)
    .bind(i64::from(c.no_prior_award))
    .bind(c.pass_mark)
    .bind(c.reviewers_per_application)
    .bind(c.first_tranche_percent)
    .bind(&c.deadline)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for (i, criterion) in c.criteria.iter().enumerate() {
        sqlx::query(
            "INSERT INTO grant_criteria (call_id, position, name, weight) VALUES ($1, $2, $3, $4)",
        )
        .bind(&c.id)
        .bind(i as i64)
        .bind(&criterion.name)
        .bind(criterion.weight)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Moves a call from `from` to `to`; false when another request moved it first.
pub async fn step_call(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grant_calls SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn add_to_committee(
    tx: &mut Tx,
    call_id: &str,
    user_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO grant_committee (call_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(call_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn committee(db: &Db, call_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("SELECT user_id FROM grant_committee WHERE call_id = $1 ORDER BY added_at, user_id")
        .bind(call_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("user_id"))
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GrantApplication)]
pub struct Application {
    pub id: String,
    pub call_id: String,
    #[serde(skip)]
    pub person_id: String,
    pub status: String,
    pub activity: String,
    pub sector_isco: String,
    pub region: String,
    pub district: String,
    pub location: String,
    pub plan: String,
    pub costs: i64,
    pub own_contribution: i64,
    pub requested: i64,
    pub jobs_expected: i64,
    #[serde(skip)]
    pub gender: String,
    pub eligibility: Vec<super::grants_model::Check>,
    pub override_reason: String,
    /// Thousandths of a point, once scored.
    pub mean_score: Option<i64>,
    pub rank: Option<i64>,
    pub awarded: i64,
    pub decision_reason: String,
    /// Why a cancelled award was cancelled (the officer's words).
    pub cancel_reason: String,
    pub submitted_at: i64,
    pub updated_at: i64,
}

fn application_from_row(r: &AnyRow) -> Result<Application, sqlx::Error> {
    let eligibility: String = r.try_get("eligibility")?;
    Ok(Application {
        id: r.try_get("id")?,
        call_id: r.try_get("call_id")?,
        person_id: r.try_get("person_id")?,
        status: r.try_get("status")?,
        activity: r.try_get("activity")?,
        sector_isco: r.try_get("sector_isco")?,
        region: r.try_get("region_iso")?,
        district: r.try_get("district")?,
        location: r.try_get("location")?,
        plan: r.try_get("plan")?,
        costs: r.try_get("costs")?,
        own_contribution: r.try_get("own_contribution")?,
        requested: r.try_get("requested")?,
        jobs_expected: r.try_get("jobs_expected")?,
        gender: r.try_get("gender")?,
        eligibility: serde_json::from_str(&eligibility).unwrap_or_default(),
        override_reason: r.try_get("override_reason")?,
        mean_score: opt_i64(r, "mean_score")?,
        rank: opt_i64(r, "rank_position")?,
        awarded: r.try_get("awarded")?,
        decision_reason: r.try_get("decision_reason")?,
        cancel_reason: r.try_get("cancel_reason")?,
        submitted_at: r.try_get("submitted_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const APPLICATION: &str = "SELECT id, call_id, person_id, status, activity, sector_isco, region_iso, \
     district, location, plan, costs, own_contribution, requested, jobs_expected, gender, eligibility, \
     override_reason, mean_score, rank_position, awarded, decision_reason, cancel_reason, submitted_at, \
     updated_at FROM grant_applications";

pub async fn application(db: &Db, id: &str) -> Result<Option<Application>, sqlx::Error> {
    let sql = format!("{APPLICATION} WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(application_from_row)
        .transpose()
}

pub async fn applications_of_call(db: &Db, call_id: &str) -> Result<Vec<Application>, sqlx::Error> {
    applications_of_call_on(&db.pool, call_id).await
}

/// The same, inside a transaction (closing a call reads them after taking the call's row).
pub async fn applications_of_call_on<'c>(
    on: impl sqlx::Executor<'c, Database = sqlx::Any>,
    call_id: &str,
) -> Result<Vec<Application>, sqlx::Error> {
    let sql = format!("{APPLICATION} WHERE call_id = $1 ORDER BY rank_position, submitted_at, id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(call_id)
        .fetch_all(on)
        .await?
        .iter()
        .map(application_from_row)
        .collect()
}

pub async fn applications_of_person(
    db: &Db,
    person_id: &str,
) -> Result<Vec<Application>, sqlx::Error> {
    let sql = format!("{APPLICATION} WHERE person_id = $1 ORDER BY submitted_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(application_from_row)
        .collect()
}

/// Whether the person holds an award not yet completed or cancelled.
pub async fn has_open_award(db: &Db, person_id: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM grant_applications WHERE person_id = $1 \
         AND status IN ('awarded', 'disbursing', 'monitoring')",
    )
    .bind(person_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Records an application; false when the person already applied to this call.
pub async fn insert_application(
    tx: &mut Tx,
    a: &Application,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let eligibility = serde_json::to_string(&a.eligibility).unwrap_or_else(|_| "[]".into());
    let done = sqlx::query(
        "INSERT INTO grant_applications (id, call_id, person_id, status, activity, sector_isco, region_iso, \
         district, location, plan, costs, own_contribution, requested, jobs_expected, gender, eligibility, \
         override_reason, mean_score, rank_position, awarded, decision_reason, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, '', NULL, NULL, 0, '', \
         $17, $17) ON CONFLICT DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.call_id)
    .bind(&a.person_id)
    .bind(&a.status)
    .bind(&a.activity)
    .bind(&a.sector_isco)
    .bind(&a.region)
    .bind(&a.district)
    .bind(&a.location)
    .bind(&a.plan)
    .bind(a.costs)
    .bind(a.own_contribution)
    .bind(a.requested)
    .bind(a.jobs_expected)
    .bind(&a.gender)
    .bind(eligibility)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an application from one of `from` to `to`; false when it was in none of them.
pub async fn step_application(
    tx: &mut Tx,
    id: &str,
    from: &[&str],
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut q = crate::platform::db::SqlBuf::new("UPDATE grant_applications SET status = ");
    q.bind_text(to).push(", updated_at = ").bind_int(now);
    q.push(" WHERE id = ").bind_text(id).push(" AND ");
    let from: Vec<String> = from.iter().map(|s| s.to_string()).collect();
    q.in_list("status", &from);
    Ok(q.query().execute(&mut **tx).await?.rows_affected() == 1)
}

/// Cancels an award still being paid out or monitored; false when it was not.
pub async fn cancel(tx: &mut Tx, id: &str, reason: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grant_applications SET status = 'cancelled', cancel_reason = $1, updated_at = $2 \
         WHERE id = $3 AND status IN ('awarded', 'disbursing', 'monitoring')",
    )
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_override(tx: &mut Tx, id: &str, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE grant_applications SET override_reason = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_score(tx: &mut Tx, id: &str, mean: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE grant_applications SET mean_score = $1 WHERE id = $2")
        .bind(mean)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_decision(
    tx: &mut Tx,
    id: &str,
    status: &str,
    rank: Option<i64>,
    awarded: i64,
    reason: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE grant_applications SET status = $1, rank_position = $2, awarded = $3, \
         decision_reason = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(status)
    .bind(rank)
    .bind(awarded)
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Review {
    pub application_id: String,
    pub reviewer_id: String,
    /// `assigned`, `conflict` or `submitted`.
    pub status: String,
    pub scores: Vec<i64>,
    /// Thousandths of a point.
    pub weighted: Option<i64>,
    pub comment: String,
    pub conflict_note: String,
}

fn review_from_row(r: &AnyRow) -> Result<Review, sqlx::Error> {
    let scores: String = r.try_get("scores")?;
    Ok(Review {
        application_id: r.try_get("application_id")?,
        reviewer_id: r.try_get("reviewer_id")?,
        status: r.try_get("status")?,
        scores: serde_json::from_str(&scores).unwrap_or_default(),
        weighted: opt_i64(r, "weighted")?,
        comment: r.try_get("comment")?,
        conflict_note: r.try_get("conflict_note")?,
    })
}

const REVIEW: &str = "SELECT application_id, reviewer_id, status, scores, weighted, comment, conflict_note \
     FROM grant_reviews";

pub async fn assign(
    tx: &mut Tx,
    application_id: &str,
    reviewer_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO grant_reviews (application_id, reviewer_id, status, scores, weighted, comment, \
         conflict_note, updated_at) VALUES ($1, $2, 'assigned', '[]', NULL, '', '', $3) ON CONFLICT DO NOTHING",
    )
    .bind(application_id)
    .bind(reviewer_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn reviews_of(db: &Db, application_id: &str) -> Result<Vec<Review>, sqlx::Error> {
    let sql = format!("{REVIEW} WHERE application_id = $1 ORDER BY reviewer_id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(review_from_row)
        .collect()
}

pub async fn reviews_by(db: &Db, reviewer_id: &str) -> Result<Vec<Review>, sqlx::Error> {
    let sql = format!("{REVIEW} WHERE reviewer_id = $1 ORDER BY updated_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(reviewer_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(review_from_row)
        .collect()
}

/// The title of the call of each application a reviewer has, by application id.
pub async fn call_titles_of_reviews(
    db: &Db,
    reviewer_id: &str,
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    sqlx::query(
        "SELECT r.application_id, c.title FROM grant_reviews r \
         JOIN grant_applications a ON a.id = r.application_id \
         JOIN grant_calls c ON c.id = a.call_id WHERE r.reviewer_id = $1",
    )
    .bind(reviewer_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("application_id")?, r.try_get("title")?)))
    .collect()
}

/// Writes a reviewer's conflict or scores; false unless the review was still `assigned`.
pub async fn close_review(tx: &mut Tx, r: &Review, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grant_reviews SET status = $1, scores = $2, weighted = $3, comment = $4, conflict_note = $5, \
         updated_at = $6 WHERE application_id = $7 AND reviewer_id = $8 AND status = 'assigned'",
    )
    .bind(&r.status)
    .bind(serde_json::to_string(&r.scores).unwrap_or_else(|_| "[]".into()))
    .bind(r.weighted)
    .bind(&r.comment)
    .bind(&r.conflict_note)
    .bind(now)
    .bind(&r.application_id)
    .bind(&r.reviewer_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The submitted weighted scores of an application (read inside the transaction that
/// submits one, after the application's row was taken, so the last two reviews submitted
/// at once are counted one after the other).
pub async fn submitted_scores(tx: &mut Tx, application_id: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query(
        "SELECT weighted FROM grant_reviews WHERE application_id = $1 AND status = 'submitted' \
         AND weighted IS NOT NULL",
    )
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| r.try_get("weighted"))
    .collect()
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Tranche {
    pub number: i64,
    pub amount: i64,
    /// `pending` or `released`.
    pub status: String,
    pub released_at: Option<i64>,
}

pub async fn insert_tranche(
    tx: &mut Tx,
    application_id: &str,
    number: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO grant_tranches (application_id, number, amount, status) VALUES ($1, $2, $3, 'pending')",
    )
    .bind(application_id)
    .bind(number)
    .bind(amount)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn tranches(db: &Db, application_id: &str) -> Result<Vec<Tranche>, sqlx::Error> {
    sqlx::query(
        "SELECT number, amount, status, released_at FROM grant_tranches WHERE application_id = $1 ORDER BY number",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Tranche {
            number: r.try_get("number")?,
            amount: r.try_get("amount")?,
            status: r.try_get("status")?,
            released_at: opt_i64(r, "released_at")?,
        })
    })
    .collect()
}

pub async fn release(
    tx: &mut Tx,
    application_id: &str,
    number: i64,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE grant_tranches SET status = 'released', released_at = $1, released_by = $2 \
         WHERE application_id = $3 AND number = $4 AND status = 'pending'",
    )
    .bind(now)
    .bind(by)
    .bind(application_id)
    .bind(number)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: String,
    /// 6 or 12 months after the award.
    pub month: i64,
    pub visited_on: String,
    pub operating: bool,
    pub jobs_created: i64,
    /// `none`, `under_5m`, `5m_20m`, `20m_50m` or `over_50m` (so'm a month).
    pub revenue_band: String,
    pub notes: String,
}

pub async fn insert_visit(
    tx: &mut Tx,
    application_id: &str,
    v: &Visit,
    by: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO grant_visits (id, application_id, month, visited_on, operating, jobs_created, revenue_band, \
         notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
    )
    .bind(&v.id)
    .bind(application_id)
    .bind(v.month)
    .bind(&v.visited_on)
    .bind(i64::from(v.operating))
    .bind(v.jobs_created)
    .bind(&v.revenue_band)
    .bind(&v.notes)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let added = done.rows_affected() == 1;
    if added {
        crate::analytics::facts::refresh(
            tx,
            crate::analytics::facts::Source::Grant,
            application_id,
        )
        .await?;
    }
    Ok(added)
}

pub async fn visits(db: &Db, application_id: &str) -> Result<Vec<Visit>, sqlx::Error> {
    sqlx::query(
        "SELECT id, month, visited_on, operating, jobs_created, revenue_band, notes FROM grant_visits \
         WHERE application_id = $1 ORDER BY month",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Visit {
            id: r.try_get("id")?,
            month: r.try_get("month")?,
            visited_on: r.try_get("visited_on")?,
            operating: r.try_get::<i64, _>("operating")? != 0,
            jobs_created: r.try_get("jobs_created")?,
            revenue_band: r.try_get("revenue_band")?,
            notes: r.try_get("notes")?,
        })
    })
    .collect()
}

/// Active users holding the `grant_reviewer` role: (id, display name), for the committee
/// form.
pub async fn reviewer_candidates(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN role_grants g ON g.user_id = u.id \
         WHERE g.role = 'grant_reviewer' AND u.status = 'active' ORDER BY u.display_name, u.id",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
    .collect()
}

/// A file of an application (its bytes are read only when asked for).
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct GrantFile {
    pub id: String,
    /// `attachment` (the applicant's) or `visit_photo` (the officer's, at a visit).
    pub kind: String,
    pub visit_month: Option<i64>,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn files(db: &Db, application_id: &str) -> Result<Vec<GrantFile>, sqlx::Error> {
    sqlx::query(
        "SELECT id, kind, visit_month, content_type, size, created_at FROM grant_files \
         WHERE application_id = $1 ORDER BY created_at, id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(GrantFile {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            visit_month: opt_i64(r, "visit_month")?,
            content_type: r.try_get("content_type")?,
            size: r.try_get("size")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Takes the application's row for the rest of the transaction, so that counting its files
/// and adding one cannot interleave with another upload (false: no such application).
pub async fn hold_application(tx: &mut Tx, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE grant_applications SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_files(
    tx: &mut Tx,
    application_id: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM grant_files WHERE application_id = $1 AND kind = $2",
    )
    .bind(application_id)
    .bind(kind)
    .fetch_one(&mut **tx)
    .await?;
    row.try_get("n")
}

pub async fn insert_file(
    tx: &mut Tx,
    application_id: &str,
    file: &GrantFile,
    sha256: &str,
    content: &[u8],
    by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO grant_files (id, application_id, kind, visit_month, content_type, size, sha256, \
         content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&file.id)
    .bind(application_id)
    .bind(&file.kind)
    .bind(file.visit_month)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(sha256)
    .bind(content.to_vec())
    .bind(by)
    .bind(file.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A file's kind, type and bytes.
pub async fn file_content(
    db: &Db,
    application_id: &str,
    file_id: &str,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query(
        "SELECT kind, content_type, content FROM grant_files WHERE application_id = $1 AND id = $2",
    )
    .bind(application_id)
    .bind(file_id)
    .fetch_optional(&db.pool)
    .await?
    .map(|r| {
        Ok((
            r.try_get("kind")?,
            r.try_get("content_type")?,
            r.try_get("content")?,
        ))
    })
    .transpose()
}
