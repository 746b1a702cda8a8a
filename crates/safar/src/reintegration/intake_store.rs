//! The returnee tables' SQL. Nothing else touches them.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx, opt_i64};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Intake {
    pub id: String,
    pub person_id: String,
    pub region: String,
    pub district: String,
    pub return_journey_id: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    pub assessment: super::intake::Assessment,
    pub distress_score: i64,
    pub high_risk: bool,
    pub created_at: i64,
}

fn intake_from_row(r: &AnyRow) -> Result<Intake, sqlx::Error> {
    let assessment: String = r.try_get("assessment")?;
    Ok(Intake {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        region: r.try_get("region_iso")?,
        district: r.try_get("district")?,
        return_journey_id: r.try_get("return_journey_id")?,
        status: r.try_get("status")?,
        assessment: serde_json::from_str(&assessment).unwrap_or_default(),
        distress_score: r.try_get("distress_score")?,
        high_risk: r.try_get::<i64, _>("high_risk")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

const INTAKE: &str = "SELECT id, person_id, region_iso, district, return_journey_id, status, assessment, \
     distress_score, high_risk, created_at FROM returnee_intakes";

pub async fn intake(db: &Db, id: &str) -> Result<Option<Intake>, sqlx::Error> {
    let sql = format!("{INTAKE} WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(intake_from_row)
        .transpose()
}

pub async fn insert_intake(
    tx: &mut Tx,
    i: &Intake,
    by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO returnee_intakes (id, person_id, region_iso, district, return_journey_id, status, \
         assessment, distress_score, high_risk, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $10)",
    )
    .bind(&i.id)
    .bind(&i.person_id)
    .bind(&i.region)
    .bind(&i.district)
    .bind(i.return_journey_id.as_deref())
    .bind(serde_json::to_string(&i.assessment).unwrap_or_else(|_| "{}".into()))
    .bind(i.distress_score)
    .bind(i64::from(i.high_risk))
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Returnee, &i.id).await
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Service {
    pub id: String,
    pub intake_id: String,
    /// A code of the reintegration services taxonomy, e.g. `RS-TRN`.
    pub service: String,
    pub provider: String,
    /// `planned`, `referred`, `in_progress`, `done` or `declined`.
    pub status: String,
    pub outcome: String,
    pub due_on: String,
}

fn service_from_row(r: &AnyRow) -> Result<Service, sqlx::Error> {
    Ok(Service {
        id: r.try_get("id")?,
        intake_id: r.try_get("intake_id")?,
        service: r.try_get("service")?,
        provider: r.try_get("provider")?,
        status: r.try_get("status")?,
        outcome: r.try_get("outcome")?,
        due_on: r.try_get("due_on")?,
    })
}

pub async fn services(db: &Db, intake_id: &str) -> Result<Vec<Service>, sqlx::Error> {
    sqlx::query(
        "SELECT id, intake_id, service, provider, status, outcome, due_on FROM returnee_services \
         WHERE intake_id = $1 ORDER BY created_at, id",
    )
    .bind(intake_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(service_from_row)
    .collect()
}

pub async fn insert_service(tx: &mut Tx, s: &Service, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO returnee_services (id, intake_id, service, provider, status, outcome, due_on, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&s.id)
    .bind(&s.intake_id)
    .bind(&s.service)
    .bind(&s.provider)
    .bind(&s.status)
    .bind(&s.outcome)
    .bind(&s.due_on)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // A first service puts the returnee's plan in place.
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Returnee, &s.intake_id)
        .await
}

/// Moves a service from `from` to `to` with its outcome; false when it was not in `from`.
pub async fn step_service(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    outcome: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE returnee_services SET status = $1, outcome = $2, updated_at = $3 WHERE id = $4 AND status = $5",
    )
    .bind(to)
    .bind(outcome)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    // Declining the last service leaves the returnee without a plan.
    let intake: String = sqlx::query("SELECT intake_id FROM returnee_services WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("intake_id")?;
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Returnee, &intake)
        .await?;
    Ok(true)
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub id: String,
    pub intake_id: String,
    pub region: String,
    pub due_on: String,
    pub note: String,
    pub done_at: Option<i64>,
    pub done_note: String,
}

fn followup_from_row(r: &AnyRow) -> Result<FollowUp, sqlx::Error> {
    Ok(FollowUp {
        id: r.try_get("id")?,
        intake_id: r.try_get("intake_id")?,
        region: r.try_get("region_iso")?,
        due_on: r.try_get("due_on")?,
        note: r.try_get("note")?,
        done_at: opt_i64(r, "done_at")?,
        done_note: r.try_get("done_note")?,
    })
}

const FOLLOWUP: &str =
    "SELECT id, intake_id, region_iso, due_on, note, done_at, done_note FROM returnee_followups";

pub async fn followups(db: &Db, intake_id: &str) -> Result<Vec<FollowUp>, sqlx::Error> {
    let sql = format!("{FOLLOWUP} WHERE intake_id = $1 ORDER BY due_on, id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(intake_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(followup_from_row)
        .collect()
}

/// Follow-ups not done and due by `until` (`YYYY-MM-DD`), in the given regions or of
/// intakes in the given districts (`None`: everywhere), earliest first.
pub async fn queue(
    db: &Db,
    regions: Option<&[String]>,
    districts: &[String],
    until: &str,
    limit: i64,
) -> Result<Vec<FollowUp>, sqlx::Error> {
    let mut q = SqlBuf::new(FOLLOWUP);
    q.push(" WHERE done_at IS NULL AND due_on <= ")
        .bind_text(until);
    if let Some(regions) = regions {
        match (regions.is_empty(), districts.is_empty()) {
            (true, true) => return Ok(vec![]),
            (false, true) => {
                q.push(" AND ").in_list("region_iso", regions);
            }
            (true, false) => {
                q.push(" AND intake_id IN (SELECT id FROM returnee_intakes WHERE ")
                    .in_list("district", districts)
                    .push(")");
            }
            (false, false) => {
                q.push(" AND (").in_list("region_iso", regions);
                q.push(" OR intake_id IN (SELECT id FROM returnee_intakes WHERE ")
                    .in_list("district", districts)
                    .push("))");
            }
        }
    }
    q.push(" ORDER BY due_on, id LIMIT ").bind_int(limit);
    q.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(followup_from_row)
        .collect()
}

pub async fn insert_followup(tx: &mut Tx, f: &FollowUp, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO returnee_followups (id, intake_id, region_iso, due_on, note, done_at, done_note, \
         done_by, created_at) VALUES ($1, $2, $3, $4, $5, NULL, '', NULL, $6)",
    )
    .bind(&f.id)
    .bind(&f.intake_id)
    .bind(&f.region)
    .bind(&f.due_on)
    .bind(&f.note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a follow-up done; false when it already was.
pub async fn finish_followup(
    tx: &mut Tx,
    id: &str,
    note: &str,
    by: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE returnee_followups SET done_at = $1, done_note = $2, done_by = $3 WHERE id = $4 AND done_at IS NULL",
    )
    .bind(now)
    .bind(note)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
