//! The cases module's SQL. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, Tx};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: String,
    pub person_id: String,
    /// The person's home region (scopes who may see the case).
    pub region: String,
    /// A taxonomy code: `INF`, `EMP`, `DOC`, `REC`, `TIP` …
    pub category: String,
    pub subtype: String,
    pub channel: String,
    pub caller_role: String,
    /// Where the person is: ISO 3166-1 alpha-2, and the city.
    pub country: String,
    pub city: String,
    pub summary: String,
    pub indicators: Vec<String>,
    pub modifiers: Vec<String>,
    pub suicide_risk: bool,
    /// `P1` … `P4`.
    pub priority: String,
    pub status: String,
    /// When the first action is due (milliseconds since 1970, UTC).
    pub due_at: i64,
    /// Whether a P1 case alerted the supervisors at intake.
    pub supervisor_alerted: bool,
    pub created_at: i64,
    /// At closure: `resolved_money`, `resolved_other`, `referred_out`, `unreachable`,
    /// `duplicate`; empty before.
    pub outcome: String,
    pub amount_recovered: Option<i64>,
    pub currency: String,
    /// 1–5 when the caller was reached.
    pub satisfaction: Option<i64>,
    pub resolved_at: Option<i64>,
    /// Passed its due time while open: escalated to the supervisors by the SLA job.
    pub breached: bool,
}

const COLUMNS: &str = "id, person_id, region_iso, category, subtype, channel, caller_role, country_iso2, city, \
     summary, indicators, modifiers, suicide_risk, priority, status, due_at, supervisor_alerted_at, created_at, \
     outcome, amount_recovered, currency, satisfaction, resolved_at, breached_at";

fn words(s: String) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn case_from_row(r: &AnyRow) -> Result<Case, sqlx::Error> {
    Ok(Case {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        region: r.try_get("region_iso")?,
        category: r.try_get("category")?,
        subtype: r.try_get("subtype")?,
        channel: r.try_get("channel")?,
        caller_role: r.try_get("caller_role")?,
        country: r.try_get("country_iso2")?,
        city: r.try_get("city")?,
        summary: r.try_get("summary")?,
        indicators: words(r.try_get("indicators")?),
        modifiers: words(r.try_get("modifiers")?),
        suicide_risk: r.try_get::<i64, _>("suicide_risk")? != 0,
        priority: r.try_get("priority")?,
        status: r.try_get("status")?,
        due_at: r.try_get("due_at")?,
        supervisor_alerted: r
            .try_get::<Option<i64>, _>("supervisor_alerted_at")?
            .is_some(),
        created_at: r.try_get("created_at")?,
        outcome: r.try_get("outcome")?,
        amount_recovered: r.try_get("amount_recovered")?,
        currency: r.try_get("currency")?,
        satisfaction: r.try_get("satisfaction")?,
        resolved_at: r.try_get("resolved_at")?,
        breached: r.try_get::<Option<i64>, _>("breached_at")?.is_some(),
    })
}

pub async fn insert(
    tx: &mut Tx,
    c: &Case,
    created_by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cases (id, person_id, region_iso, category, subtype, channel, caller_role, country_iso2, city, \
         summary, indicators, modifiers, suicide_risk, priority, status, due_at, supervisor_alerted_at, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $19)",
    )
    .bind(&c.id)
    .bind(&c.person_id)
    .bind(&c.region)
    .bind(&c.category)
    .bind(&c.subtype)
    .bind(&c.channel)
    .bind(&c.caller_role)
    .bind(&c.country)
    .bind(&c.city)
    .bind(&c.summary)
    .bind(c.indicators.join(" "))
    .bind(c.modifiers.join(" "))
    .bind(i64::from(c.suicide_risk))
    .bind(&c.priority)
    .bind(&c.status)
    .bind(c.due_at)
    .bind(c.supervisor_alerted.then_some(now))
    .bind(created_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Case, &c.id).await
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Case>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(case_from_row)
        .transpose()
}

/// Open cases of a person in a category (the possible-duplicate warning).
pub async fn open_of_person(
    db: &Db,
    person_id: &str,
    category: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query(
        "SELECT id FROM cases WHERE person_id = $1 AND category = $2 AND status NOT IN ('resolved', 'closed') \
         ORDER BY created_at",
    )
    .bind(person_id)
    .bind(category)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect()
}

/// What a step changes besides the status.
pub struct Step<'a> {
    pub id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub action: &'a str,
    pub note: &'a str,
    pub closure: Option<(&'a str, Option<i64>, &'a str, Option<i64>)>,
    pub actor_id: Option<&'a str>,
}

/// Moves a case from `from` (false when a concurrent step moved it first) and records it.
pub async fn step(tx: &mut Tx, s: &Step<'_>, now: i64) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE cases SET status = $1, updated_at = $2, \
         resolved_at = CASE WHEN $1 = 'resolved' THEN $2 WHEN $1 = 'in_progress' THEN NULL ELSE resolved_at END, \
         assigned_to = CASE WHEN $3 = 'assign' THEN $4 ELSE assigned_to END \
         WHERE id = $5 AND status = $6",
    )
    .bind(s.to)
    .bind(now)
    .bind(s.action)
    .bind(s.actor_id)
    .bind(s.id)
    .bind(s.from)
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    if let Some((outcome, amount, currency, satisfaction)) = s.closure {
        sqlx::query(
            "UPDATE cases SET outcome = $1, amount_recovered = $2, currency = $3, satisfaction = $4 WHERE id = $5",
        )
        .bind(outcome)
        .bind(amount)
        .bind(currency)
        .bind(satisfaction)
        .bind(s.id)
        .execute(&mut **tx)
        .await?;
    }
    // Resolving (with its outcome) or reopening changes the case's figures.
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Case, s.id).await?;
    sqlx::query(
        "INSERT INTO case_events (id, case_id, action, from_status, to_status, note, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(s.id)
    .bind(s.action)
    .bind(s.from)
    .bind(s.to)
    .bind(s.note)
    .bind(s.actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Which open cases a queue shows.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// `None`: every region.
    pub regions: Option<Vec<String>>,
    /// Due before this time (overdue: now; due soon: a few hours ahead).
    pub due_before: Option<i64>,
    /// Due at or after this time (due soon: not yet overdue).
    pub due_from: Option<i64>,
    /// Taken by this user.
    pub assigned_to: Option<String>,
}

/// Open cases due first, filtered, at most `limit`. Served by the (status, due_at) and
/// (region_iso, status, due_at) indexes: the queue never scans closed cases.
pub async fn queue(db: &Db, filter: &QueueFilter, limit: i64) -> Result<Vec<Case>, sqlx::Error> {
    let mut sql = crate::platform::db::SqlBuf::new(&format!(
        "SELECT {COLUMNS} FROM cases WHERE status NOT IN ('resolved', 'closed')"
    ));
    if let Some(regions) = &filter.regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND ").in_list("region_iso", regions);
    }
    if let Some(before) = filter.due_before {
        sql.push(" AND due_at < ").bind_int(before);
    }
    if let Some(from) = filter.due_from {
        sql.push(" AND due_at >= ").bind_int(from);
    }
    if let Some(user) = &filter.assigned_to {
        sql.push(" AND assigned_to = ").bind_text(user.clone());
    }
    sql.push(" ORDER BY due_at, id LIMIT ").bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(case_from_row)
        .collect()
}

/// Open cases past their due time that the SLA job has not escalated yet, oldest first.
pub async fn overdue_unescalated(
    db: &Db,
    now: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query(
        "SELECT id FROM cases WHERE status NOT IN ('resolved', 'closed') AND due_at < $1 \
         AND breached_at IS NULL ORDER BY due_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect()
}

/// Marks a case as breached, once: false when it was already marked (another server's job
/// got there first), resolved meanwhile, or not due after all.
pub async fn mark_breached(tx: &mut Tx, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE cases SET breached_at = $1 WHERE id = $2 AND breached_at IS NULL \
         AND status NOT IN ('resolved', 'closed') AND due_at < $1",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    let status: String = sqlx::query("SELECT status FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("status")?;
    sqlx::query(
        "INSERT INTO case_events (id, case_id, action, from_status, to_status, note, actor_id, at) \
         VALUES ($1, $2, 'sla_breach', $3, $3, '', NULL, $4)",
    )
    .bind(crate::platform::ids::new_id())
    .bind(id)
    .bind(&status)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(Some(status))
}

/// What the supervisors watch: open cases that alerted them at intake (P1) or passed their
/// due time, in `regions` (`None`: all), due first.
pub async fn alerts(
    db: &Db,
    regions: Option<&[String]>,
    limit: i64,
) -> Result<Vec<Case>, sqlx::Error> {
    let mut sql = crate::platform::db::SqlBuf::new(&format!(
        "SELECT {COLUMNS} FROM cases WHERE status NOT IN ('resolved', 'closed') \
         AND (supervisor_alerted_at IS NOT NULL OR breached_at IS NOT NULL)"
    ));
    if let Some(regions) = regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" AND ").in_list("region_iso", regions);
    }
    sql.push(" ORDER BY due_at, id LIMIT ").bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(case_from_row)
        .collect()
}
