//! The vacancies module's SQL: vacancies, their decisions, applications and their steps.
//! Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx};
use crate::platform::ids::new_id;

/// A job order as stored (and as staff see it through the API).
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Vacancy {
    pub id: String,
    /// The short public reference, e.g. `V-7KQ3MX`.
    pub reference: String,
    pub recruiter_id: String,
    /// The foreign employer or scheme operator in the register, if named.
    pub operator_id: Option<String>,
    /// A legal channel code from the reference data, e.g. `KR-EPS`.
    pub channel: String,
    pub country: String,
    pub employer: String,
    pub title: String,
    /// ISCO-08 unit group, e.g. `6111`.
    pub sector: String,
    pub positions: i64,
    /// Gross monthly wage in `currency`.
    pub wage: i64,
    pub currency: String,
    pub hours_per_week: i64,
    pub housing: String,
    /// What the employer pays for (travel, visa, insurance …).
    pub employer_pays: String,
    /// A recruitment fee charged to the worker; must be 0 for the vacancy to be verified.
    pub worker_fee: i64,
    /// ISO 639-1 code of the language required, or empty.
    pub language: String,
    pub language_level: String,
    pub pdo_required: bool,
    /// Regions recruited from; empty means the whole country.
    pub regions: Vec<String>,
    /// YYYY-MM-DD: the last day to apply.
    pub deadline: String,
    /// `draft`, `verified`, `published`, `filled` or `withdrawn`.
    pub state: String,
    /// Why the vacancy is flagged (`worker_paid_fee`, `licence_suspended` …), or empty.
    pub red_flag: String,
    pub demo: bool,
}

const COLUMNS: &str = "v.id, v.reference, v.recruiter_id, v.operator_id, v.channel, v.country_iso2, v.employer, v.title, \
     v.sector_isco, v.positions, v.wage, v.currency, v.hours_per_week, v.housing, v.employer_pays, v.worker_fee, \
     v.language, v.language_level, v.pdo_required, v.regions, v.deadline, v.state, v.red_flag, v.demo";

fn vacancy_from_row(r: &AnyRow) -> Result<Vacancy, sqlx::Error> {
    let regions: String = r.try_get("regions")?;
    Ok(Vacancy {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        recruiter_id: r.try_get("recruiter_id")?,
        operator_id: r.try_get("operator_id")?,
        channel: r.try_get("channel")?,
        country: r.try_get("country_iso2")?,
        employer: r.try_get("employer")?,
        title: r.try_get("title")?,
        sector: r.try_get("sector_isco")?,
        positions: r.try_get("positions")?,
        wage: r.try_get("wage")?,
        currency: r.try_get("currency")?,
        hours_per_week: r.try_get("hours_per_week")?,
        housing: r.try_get("housing")?,
        employer_pays: r.try_get("employer_pays")?,
        worker_fee: r.try_get("worker_fee")?,
        language: r.try_get("language")?,
        language_level: r.try_get("language_level")?,
        pdo_required: r.try_get::<i64, _>("pdo_required")? != 0,
        regions: regions.split_whitespace().map(str::to_string).collect(),
        deadline: r.try_get("deadline")?,
        state: r.try_get("state")?,
        red_flag: r.try_get("red_flag")?,
        demo: r.try_get::<i64, _>("demo")? != 0,
    })
}

pub async fn insert(
    tx: &mut Tx,
    v: &Vacancy,
    created_by: Option<&str>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vacancies (id, reference, recruiter_id, channel, country_iso2, employer, title, sector_isco, \
         positions, wage, currency, hours_per_week, housing, employer_pays, worker_fee, language, language_level, \
         pdo_required, regions, deadline, state, red_flag, demo, created_by, created_at, updated_at, operator_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
         $22, $23, $24, $25, $25, $26)",
    )
    .bind(&v.id)
    .bind(&v.reference)
    .bind(&v.recruiter_id)
    .bind(&v.channel)
    .bind(&v.country)
    .bind(&v.employer)
    .bind(&v.title)
    .bind(&v.sector)
    .bind(v.positions)
    .bind(v.wage)
    .bind(&v.currency)
    .bind(v.hours_per_week)
    .bind(&v.housing)
    .bind(&v.employer_pays)
    .bind(v.worker_fee)
    .bind(&v.language)
    .bind(&v.language_level)
    .bind(i64::from(v.pdo_required))
    .bind(v.regions.join(" "))
    .bind(&v.deadline)
    .bind(&v.state)
    .bind(&v.red_flag)
    .bind(i64::from(v.demo))
    .bind(created_by)
    .bind(now_ms)
    .bind(&v.operator_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rewrites a draft's terms (the state, reference and recruiter never change here).
pub async fn update_terms(tx: &mut Tx, v: &Vacancy, now_ms: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE vacancies SET channel = $1, country_iso2 = $2, employer = $3, title = $4, sector_isco = $5, \
         positions = $6, wage = $7, currency = $8, hours_per_week = $9, housing = $10, employer_pays = $11, \
         worker_fee = $12, language = $13, language_level = $14, pdo_required = $15, regions = $16, \
         deadline = $17, updated_at = $18, operator_id = $20 WHERE id = $19 AND state = 'draft'",
    )
    .bind(&v.channel)
    .bind(&v.country)
    .bind(&v.employer)
    .bind(&v.title)
    .bind(&v.sector)
    .bind(v.positions)
    .bind(v.wage)
    .bind(&v.currency)
    .bind(v.hours_per_week)
    .bind(&v.housing)
    .bind(&v.employer_pays)
    .bind(v.worker_fee)
    .bind(&v.language)
    .bind(&v.language_level)
    .bind(i64::from(v.pdo_required))
    .bind(v.regions.join(" "))
    .bind(&v.deadline)
    .bind(now_ms)
    .bind(&v.id)
    .bind(&v.operator_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_reference(db: &Db, reference: &str) -> Result<Option<Vacancy>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vacancies v WHERE v.reference = $1"
    )))
    .bind(reference)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(vacancy_from_row)
    .transpose()
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Vacancy>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vacancies v WHERE v.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(vacancy_from_row)
    .transpose()
}

pub async fn by_id(tx: &mut Tx, id: &str) -> Result<Option<Vacancy>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vacancies v WHERE v.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(vacancy_from_row)
    .transpose()
}

/// Moves a vacancy from `from` to `to`; false if someone moved it first.
pub async fn set_state(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE vacancies SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(now_ms)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewEvent<'a> {
    pub subject_id: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub reason: &'a str,
    pub actor_id: Option<&'a str>,
}

pub async fn insert_vacancy_event(
    tx: &mut Tx,
    e: &NewEvent<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vacancy_events (id, vacancy_id, action, from_state, to_state, reason, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(e.subject_id)
    .bind(e.action)
    .bind(e.from)
    .bind(e.to)
    .bind(e.reason)
    .bind(e.actor_id)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Filters of the public search and of the staff lists.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub states: Vec<&'static str>,
    pub country: Option<String>,
    /// An ISCO code or its first digits.
    pub sector: Option<String>,
    /// Vacancies recruiting in this region (or nationwide).
    pub region: Option<String>,
    /// Only these recruiters (recruiter staff see their agency's).
    pub recruiters: Option<Vec<String>>,
    /// Deadline on or after this day.
    pub open_on: Option<String>,
}

pub async fn list(
    db: &Db,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Vec<Vacancy>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!("SELECT {COLUMNS} FROM vacancies v WHERE 1 = 1"));
    if !f.states.is_empty() {
        sql.push(" AND v.state IN (");
        for (i, state) in f.states.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(*state);
        }
        sql.push(")");
    }
    if let Some(country) = &f.country {
        sql.push(" AND v.country_iso2 = ")
            .bind_text(country.clone());
    }
    if let Some(sector) = &f.sector {
        sql.push(" AND v.sector_isco LIKE ")
            .bind_text(format!("{}%", crate::platform::db::escape_like(sector)));
        sql.push(" ESCAPE '\\'");
    }
    if let Some(region) = &f.region {
        sql.push(" AND (v.regions = '' OR (' ' || v.regions || ' ') LIKE ")
            .bind_text(format!("% {} %", crate::platform::db::escape_like(region)));
        sql.push(" ESCAPE '\\')");
    }
    if let Some(recruiters) = &f.recruiters {
        if recruiters.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND v.recruiter_id IN (");
        for (i, id) in recruiters.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(id.clone());
        }
        sql.push(")");
    }
    if let Some(day) = &f.open_on {
        sql.push(" AND v.deadline >= ").bind_text(day.clone());
    }
    sql.push(" ORDER BY v.deadline, v.reference LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(vacancy_from_row)
        .collect()
}

/// An application as stored.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = VacancyApplication)]
pub struct Application {
    pub id: String,
    pub vacancy_id: String,
    pub person_id: String,
    /// `applied`, `shortlisted`, `offered`, `contracted`, `departed`, `rejected` or `withdrawn`.
    pub state: String,
    /// Out of 100.
    pub score: i64,
    pub score_parts: Vec<super::model::ScorePart>,
    /// The departure journey, once departed.
    pub journey_id: Option<String>,
    /// When the licence cascade flagged it (the recruiter's licence fell).
    pub flagged_at_ms: Option<i64>,
    pub flag_reason: String,
    pub created_at_ms: i64,
}

impl Application {
    /// A new application, as the applicant sends it.
    pub fn new(
        vacancy_id: &str,
        person_id: &str,
        score: i64,
        score_parts: Vec<super::model::ScorePart>,
        now_ms: i64,
    ) -> Self {
        Application {
            id: new_id(),
            vacancy_id: vacancy_id.to_string(),
            person_id: person_id.to_string(),
            state: super::model::AppState::Applied.as_str().into(),
            score,
            score_parts,
            journey_id: None,
            flagged_at_ms: None,
            flag_reason: String::new(),
            created_at_ms: now_ms,
        }
    }
}

const APP_COLUMNS: &str = "a.id, a.vacancy_id, a.person_id, a.state, a.score, a.score_parts, a.journey_id, \
     a.flagged_at, a.flag_reason, a.created_at";

fn application_from_row(r: &AnyRow) -> Result<Application, sqlx::Error> {
    let parts: String = r.try_get("score_parts")?;
    Ok(Application {
        id: r.try_get("id")?,
        vacancy_id: r.try_get("vacancy_id")?,
        person_id: r.try_get("person_id")?,
        state: r.try_get("state")?,
        score: r.try_get("score")?,
        score_parts: serde_json::from_str(&parts).unwrap_or_default(),
        journey_id: r.try_get("journey_id")?,
        flagged_at_ms: crate::platform::db::opt_i64(r, "flagged_at")?,
        flag_reason: r.try_get("flag_reason")?,
        created_at_ms: r.try_get("created_at")?,
    })
}

/// Inserts an application; false when the person has already applied to this vacancy.
pub async fn insert_application(
    tx: &mut Tx,
    a: &Application,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let parts = serde_json::to_string(&a.score_parts).unwrap_or_else(|_| "[]".into());
    let done = sqlx::query(
        "INSERT INTO applications (id, vacancy_id, person_id, state, score, score_parts, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (vacancy_id, person_id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.vacancy_id)
    .bind(&a.person_id)
    .bind(&a.state)
    .bind(a.score)
    .bind(parts)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn application(tx: &mut Tx, id: &str) -> Result<Option<Application>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APP_COLUMNS} FROM applications a WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(application_from_row)
    .transpose()
}

/// Moves an application from `from` to `to` (with the journey when departing).
pub async fn set_application_state(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    journey_id: Option<&str>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE applications SET state = $1, journey_id = COALESCE($2, journey_id), updated_at = $3 \
         WHERE id = $4 AND state = $5",
    )
    .bind(to)
    .bind(journey_id)
    .bind(now_ms)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    let moved = done.rows_affected() == 1;
    if moved {
        // A departure is a placement of the vacancy's recruiter.
        crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Application, id)
            .await?;
    }
    Ok(moved)
}

pub async fn insert_application_event(
    tx: &mut Tx,
    e: &NewEvent<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_events (id, application_id, action, from_state, to_state, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(e.subject_id)
    .bind(e.action)
    .bind(e.from)
    .bind(e.to)
    .bind(e.actor_id)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A vacancy's applicants, best match first.
pub async fn applications_of_vacancy(
    db: &Db,
    vacancy_id: &str,
) -> Result<Vec<Application>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APP_COLUMNS} FROM applications a WHERE a.vacancy_id = $1 ORDER BY a.score DESC, a.created_at LIMIT 500"
    )))
    .bind(vacancy_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(application_from_row)
    .collect()
}

/// A person's applications, newest first.
pub async fn applications_of_person(
    db: &Db,
    person_id: &str,
) -> Result<Vec<Application>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APP_COLUMNS} FROM applications a WHERE a.person_id = $1 ORDER BY a.created_at DESC LIMIT 200"
    )))
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(application_from_row)
    .collect()
}

/// Flags every unfinished vacancy of (or through) a recruiter whose licence fell.
pub async fn flag_vacancies_of(
    tx: &mut Tx,
    recruiter_id: &str,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE vacancies SET red_flag = $1 WHERE (recruiter_id = $2 OR operator_id = $2) \
         AND state IN ('draft', 'verified', 'published', 'filled')",
    )
    .bind(reason)
    .bind(recruiter_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Open applications and placements (anything not rejected or withdrawn) through a
/// recruiter's vacancies, or vacancies with the recruiter as the foreign operator:
/// (application id, person id, vacancy reference).
pub async fn open_through(
    tx: &mut Tx,
    recruiter_id: &str,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.person_id, v.reference FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
         WHERE (v.recruiter_id = $1 OR v.operator_id = $1) AND a.state NOT IN ('rejected', 'withdrawn') \
         ORDER BY a.created_at",
    )
    .bind(recruiter_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn flag_application(
    tx: &mut Tx,
    id: &str,
    recruiter_id: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE applications SET flagged_at = $1, flag_reason = $2, flagged_recruiter_id = $3 WHERE id = $4",
    )
    .bind(now_ms)
    .bind(reason)
    .bind(recruiter_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_alert(
    tx: &mut Tx,
    person_id: &str,
    kind: &str,
    subject: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO alerts (id, person_id, kind, subject, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(kind)
    .bind(subject)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A person's alerts, newest first: (kind, subject, created_at).
pub async fn alerts_of(
    db: &Db,
    person_id: &str,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, subject, created_at FROM alerts WHERE person_id = $1 ORDER BY created_at DESC LIMIT 50",
    )
    .bind(person_id)
    .fetch_all(&db.pool)
    .await
}

/// Recruiters whose fallen licence left people with open applications or placements:
/// (recruiter id, reason, people affected), for the licensing officers' queue.
pub async fn cascades(db: &Db) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT flagged_recruiter_id, flag_reason, COUNT(*) FROM applications \
         WHERE flagged_recruiter_id IS NOT NULL AND state NOT IN ('rejected', 'withdrawn') \
         GROUP BY flagged_recruiter_id, flag_reason ORDER BY COUNT(*) DESC LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await
}

/// The open applications a fallen licence flagged, for the officers' follow-up.
pub async fn flagged_by(db: &Db, recruiter_id: &str) -> Result<Vec<Application>, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APP_COLUMNS} FROM applications a WHERE a.flagged_recruiter_id = $1 \
         AND a.state NOT IN ('rejected', 'withdrawn') ORDER BY a.created_at LIMIT 1000"
    )))
    .bind(recruiter_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(application_from_row)
    .collect()
}

/// The destination country of a vacancy, by its public reference (inside a transaction).
pub async fn country_of_reference(tx: &mut Tx, reference: &str) -> Result<String, sqlx::Error> {
    Ok(
        sqlx::query("SELECT country_iso2 FROM vacancies WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get("country_iso2"))
            .transpose()?
            .unwrap_or_default(),
    )
}
