//! The course tables' SQL. Nothing else touches them.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, Tx};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Course {
    pub id: String,
    pub title: String,
    /// `it`, `services`, `care`, `construction`, `agriculture` or `language`.
    pub field: String,
    pub provider: String,
    pub region: String,
    /// `YYYY-MM-DD`; enrolment closes when the course starts.
    pub starts_on: String,
    pub ends_on: String,
    pub places: i64,
    /// Seats taken by enrolled and completed trainees.
    pub taken: i64,
    /// `open` or `cancelled`.
    pub status: String,
}

impl Course {
    pub fn places_left(&self) -> i64 {
        (self.places - self.taken).max(0)
    }
}

fn course_from_row(r: &AnyRow) -> Result<Course, sqlx::Error> {
    Ok(Course {
        id: r.try_get("id")?,
        status: r.try_get("status")?,
        ..course_from_row_fields(r)?
    })
}

/// The course columns whose names no joined table shares.
fn course_from_row_fields(r: &AnyRow) -> Result<Course, sqlx::Error> {
    Ok(Course {
        id: String::new(),
        title: r.try_get("title")?,
        field: r.try_get("field")?,
        provider: r.try_get("provider")?,
        region: r.try_get("region_iso")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        places: r.try_get("places")?,
        taken: r.try_get("taken")?,
        status: String::new(),
    })
}

const COURSE: &str = "SELECT id, title, field, provider, region_iso, starts_on, ends_on, places, taken, \
     status FROM courses";

pub async fn course(db: &Db, id: &str) -> Result<Option<Course>, sqlx::Error> {
    let sql = format!("{COURSE} WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(course_from_row)
        .transpose()
}

/// Open courses not yet ended on `today`, optionally of one region and one field, soonest
/// first.
pub async fn catalogue(
    db: &Db,
    today: &str,
    region: Option<&str>,
    field: Option<&str>,
    limit: i64,
) -> Result<Vec<Course>, sqlx::Error> {
    let sql = format!(
        "{COURSE} WHERE status = 'open' AND ends_on >= $1 AND ($2 = '' OR region_iso = $2) \
         AND ($3 = '' OR field = $3) ORDER BY starts_on, title, id LIMIT $4"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .bind(region.unwrap_or_default())
        .bind(field.unwrap_or_default())
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(course_from_row)
        .collect()
}

pub async fn insert_course(
    tx: &mut Tx,
    c: &Course,
    by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO courses (id, title, field, provider, region_iso, starts_on, ends_on, places, taken, \
         status, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(&c.id)
    .bind(&c.title)
    .bind(&c.field)
    .bind(&c.provider)
    .bind(&c.region)
    .bind(&c.starts_on)
    .bind(&c.ends_on)
    .bind(c.places)
    .bind(c.taken)
    .bind(&c.status)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes a seat; false when the course is full or no longer open (one statement, so two
/// enrolments at once cannot both take the last seat).
pub async fn take_seat(tx: &mut Tx, course_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE courses SET taken = taken + 1, updated_at = $1 \
         WHERE id = $2 AND status = 'open' AND taken < places",
    )
    .bind(now)
    .bind(course_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn free_seat(tx: &mut Tx, course_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE courses SET taken = taken - 1, updated_at = $1 WHERE id = $2 AND taken > 0",
    )
    .bind(now)
    .bind(course_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CourseEnrolment)]
pub struct Enrolment {
    pub id: String,
    pub course_id: String,
    pub person_id: String,
    /// The RS-TRN service of the returnee's plan it came from, if any.
    pub service_id: Option<String>,
    /// `plan` (enrolled by an officer from a service plan) or `self` (by the citizen).
    pub channel: String,
    /// `enrolled`, `completed` or `dropped`.
    pub status: String,
    pub completed_on: Option<String>,
    /// The situation 3 and 6 months after completion: `employed_home`,
    /// `employed_abroad_legal`, `self_employed`, `not_working`, or empty until recorded.
    pub outcome_3m: String,
    pub outcome_6m: String,
}

fn enrolment_from_row(r: &AnyRow) -> Result<Enrolment, sqlx::Error> {
    Ok(Enrolment {
        id: r.try_get("id")?,
        course_id: r.try_get("course_id")?,
        person_id: r.try_get("person_id")?,
        service_id: r.try_get("service_id")?,
        channel: r.try_get("channel")?,
        status: r.try_get("status")?,
        completed_on: r.try_get("completed_on")?,
        outcome_3m: r.try_get("outcome_3m")?,
        outcome_6m: r.try_get("outcome_6m")?,
    })
}

const COLUMNS: &str = "e.id, e.course_id, e.person_id, e.service_id, e.channel, e.status, \
     e.completed_on, e.outcome_3m, e.outcome_6m";

pub async fn enrolment(db: &Db, id: &str) -> Result<Option<Enrolment>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM course_enrolments e WHERE e.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(enrolment_from_row)
        .transpose()
}

/// A trainee on the course's list: the enrolment and the name staff need to call them.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Trainee {
    #[serde(flatten)]
    pub enrolment: Enrolment,
    pub given_name: String,
    pub family_name: String,
}

pub async fn trainees(db: &Db, course_id: &str) -> Result<Vec<Trainee>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, p.given_name, p.family_name FROM course_enrolments e \
         JOIN persons p ON p.id = e.person_id WHERE e.course_id = $1 \
         ORDER BY p.family_name, p.given_name, e.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(course_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Trainee {
                enrolment: enrolment_from_row(r)?,
                given_name: r.try_get("given_name")?,
                family_name: r.try_get("family_name")?,
            })
        })
        .collect()
}

/// A person's enrolments with their courses, latest first, in one query.
pub async fn of_person(db: &Db, person_id: &str) -> Result<Vec<(Enrolment, Course)>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, c.id AS c_id, c.title, c.field, c.provider, c.region_iso, c.starts_on, \
         c.ends_on, c.places, c.taken, c.status AS c_status FROM course_enrolments e \
         JOIN courses c ON c.id = e.course_id WHERE e.person_id = $1 \
         ORDER BY e.created_at DESC, e.id LIMIT 100"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            let course = Course {
                id: r.try_get("c_id")?,
                status: r.try_get("c_status")?,
                ..course_from_row_fields(r)?
            };
            Ok((enrolment_from_row(r)?, course))
        })
        .collect()
}

/// Inserts an enrolment; false when the person is already on the course.
pub async fn insert_enrolment(
    tx: &mut Tx,
    e: &Enrolment,
    by: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO course_enrolments (id, course_id, person_id, service_id, channel, status, \
         completed_on, outcome_3m, outcome_6m, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'enrolled', NULL, '', '', $6, $7, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&e.id)
    .bind(&e.course_id)
    .bind(&e.person_id)
    .bind(e.service_id.as_deref())
    .bind(&e.channel)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let added = done.rows_affected() == 1;
    if added {
        crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Enrolment, &e.id)
            .await?;
    }
    Ok(added)
}

/// Moves an enrolment out of `enrolled`; false when it had already moved.
pub async fn finish(
    tx: &mut Tx,
    id: &str,
    to: &str,
    completed_on: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE course_enrolments SET status = $1, completed_on = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'enrolled'",
    )
    .bind(to)
    .bind(completed_on)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let moved = done.rows_affected() == 1;
    if moved {
        crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Enrolment, id)
            .await?;
    }
    Ok(moved)
}

/// Records the outcome at 3 or 6 months once; false when it was already recorded.
pub async fn record_outcome(
    tx: &mut Tx,
    id: &str,
    months: u8,
    outcome: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let column = if months == 3 {
        "outcome_3m"
    } else {
        "outcome_6m"
    };
    let sql = format!(
        "UPDATE course_enrolments SET {column} = $1, updated_at = $2 \
         WHERE id = $3 AND status = 'completed' AND {column} = ''"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(outcome)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let recorded = done.rows_affected() == 1;
    if recorded {
        crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Enrolment, id)
            .await?;
    }
    Ok(recorded)
}

/// Whether a plan's service has a course enrolment still running (the course then moves
/// the service, not the officer).
pub async fn service_has_live_enrolment(db: &Db, service_id: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM course_enrolments WHERE service_id = $1 AND status = 'enrolled'",
    )
    .bind(service_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}
