//! The PDO module's SQL: curricula, centres, inspections, qualifications, sessions,
//! enrolments, attendance, certificates and their verifications. Nothing else touches
//! these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::curriculum::Content;
use crate::platform::db::{Db, Tx};
use crate::platform::ids::new_id;

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Curriculum {
    pub id: String,
    /// ISO 3166-1 alpha-2 of the destination.
    pub destination: String,
    pub version: i64,
    /// `published` or `retired`.
    pub status: String,
    /// Percent on the post-test needed to pass.
    pub pass_mark: i64,
    pub days: i64,
    /// Whether online self-study alone is accepted for this destination.
    pub online_only: bool,
    #[serde(skip)]
    pub content: Content,
}

const CURRICULUM: &str = "id, destination, version, status, pass_mark, days, online_only, content";

fn curriculum_from_row(r: &AnyRow) -> Result<Curriculum, sqlx::Error> {
    let content: String = r.try_get("content")?;
    Ok(Curriculum {
        id: r.try_get("id")?,
        destination: r.try_get("destination")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        pass_mark: r.try_get("pass_mark")?,
        days: r.try_get("days")?,
        online_only: r.try_get::<i64, _>("online_only")? != 0,
        content: serde_json::from_str(&content).unwrap_or_default(),
    })
}

pub async fn insert_curriculum(
    tx: &mut Tx,
    c: &Curriculum,
    actor_id: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_curricula (id, destination, version, status, pass_mark, days, online_only, content, \
         created_by, created_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(&c.id)
    .bind(&c.destination)
    .bind(c.version)
    .bind(&c.status)
    .bind(c.pass_mark)
    .bind(c.days)
    .bind(i64::from(c.online_only))
    .bind(serde_json::to_string(&c.content).unwrap_or_default())
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Retires every published version of a destination but `keep`.
pub async fn retire_others(tx: &mut Tx, destination: &str, keep: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pdo_curricula SET status = 'retired' WHERE destination = $1 AND id <> $2 AND status = 'published'",
    )
    .bind(destination)
    .bind(keep)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn curriculum_count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM pdo_curricula")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

pub async fn curriculum(db: &Db, id: &str) -> Result<Option<Curriculum>, sqlx::Error> {
    let sql = format!("SELECT {CURRICULUM} FROM pdo_curricula WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(curriculum_from_row)
        .transpose()
}

/// The version new sessions of a destination use.
pub async fn current_curriculum(
    db: &Db,
    destination: &str,
) -> Result<Option<Curriculum>, sqlx::Error> {
    let sql = format!(
        "SELECT {CURRICULUM} FROM pdo_curricula WHERE destination = $1 AND status = 'published' \
         ORDER BY version DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(destination)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(curriculum_from_row)
        .transpose()
}

pub async fn current_curricula(db: &Db) -> Result<Vec<Curriculum>, sqlx::Error> {
    let sql = format!(
        "SELECT {CURRICULUM} FROM pdo_curricula WHERE status = 'published' ORDER BY destination"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(curriculum_from_row)
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Centre {
    pub id: String,
    pub name: String,
    pub region: String,
    pub district: Option<String>,
    pub address: String,
    pub capacity: i64,
    pub contact: String,
    /// `active`, `warning` or `suspended`.
    pub status: String,
}

const CENTRE: &str = "id, name, region_iso, district_soato, address, capacity, contact, status";

fn centre_from_row(r: &AnyRow) -> Result<Centre, sqlx::Error> {
    Ok(Centre {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        region: r.try_get("region_iso")?,
        district: r.try_get("district_soato")?,
        address: r.try_get("address")?,
        capacity: r.try_get("capacity")?,
        contact: r.try_get("contact")?,
        status: r.try_get("status")?,
    })
}

pub async fn insert_centre(tx: &mut Tx, c: &Centre, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_centres (id, name, region_iso, district_soato, address, capacity, contact, status, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(&c.id)
    .bind(&c.name)
    .bind(&c.region)
    .bind(&c.district)
    .bind(&c.address)
    .bind(c.capacity)
    .bind(&c.contact)
    .bind(&c.status)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn centre(db: &Db, id: &str) -> Result<Option<Centre>, sqlx::Error> {
    let sql = format!("SELECT {CENTRE} FROM pdo_centres WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(centre_from_row)
        .transpose()
}

/// Every centre, by region and name (the service keeps those in the actor's scope).
pub async fn centres(db: &Db) -> Result<Vec<Centre>, sqlx::Error> {
    let sql = format!("SELECT {CENTRE} FROM pdo_centres ORDER BY region_iso, name");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(centre_from_row)
        .collect()
}

pub async fn set_centre_status(
    tx: &mut Tx,
    id: &str,
    status: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE pdo_centres SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct NewInspection<'a> {
    pub centre_id: &'a str,
    pub inspected_on: &'a str,
    pub failed: &'a [String],
    pub outcome: &'a str,
    pub notes: &'a str,
    pub inspector_id: Option<&'a str>,
}

pub async fn insert_inspection(
    tx: &mut Tx,
    i: &NewInspection<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_inspections (id, centre_id, inspected_on, failed, outcome, notes, inspector_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(i.centre_id)
    .bind(i.inspected_on)
    .bind(i.failed.join(" "))
    .bind(i.outcome)
    .bind(i.notes)
    .bind(i.inspector_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub inspected_on: String,
    /// The criteria that failed.
    pub failed: Vec<String>,
    /// `passed`, `warning` or `suspension`.
    pub outcome: String,
    pub notes: String,
}

/// A centre's inspections, latest first.
pub async fn inspections(db: &Db, centre_id: &str) -> Result<Vec<Inspection>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT inspected_on, failed, outcome, notes FROM pdo_inspections WHERE centre_id = $1 \
         ORDER BY inspected_on DESC, created_at DESC",
    )
    .bind(centre_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let failed: String = r.try_get("failed")?;
            Ok(Inspection {
                inspected_on: r.try_get("inspected_on")?,
                failed: failed.split_whitespace().map(str::to_string).collect(),
                outcome: r.try_get("outcome")?,
                notes: r.try_get("notes")?,
            })
        })
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Qualification {
    pub trainer_id: String,
    pub module: String,
    pub destination: String,
    pub issued_on: String,
    pub expires_on: String,
}

pub async fn insert_qualification(
    tx: &mut Tx,
    q: &Qualification,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_qualifications (id, trainer_id, module, destination, issued_on, expires_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&q.trainer_id)
    .bind(&q.module)
    .bind(&q.destination)
    .bind(&q.issued_on)
    .bind(&q.expires_on)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Modules a trainer is qualified for, for a destination, over the whole period.
pub async fn qualified_modules(
    db: &Db,
    trainer_id: &str,
    destination: &str,
    from: &str,
    to: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT module FROM pdo_qualifications WHERE trainer_id = $1 AND destination = $2 \
         AND issued_on <= $3 AND expires_on >= $4",
    )
    .bind(trainer_id)
    .bind(destination)
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("module")).collect()
}

pub async fn qualifications(db: &Db) -> Result<Vec<(Qualification, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT q.trainer_id, q.module, q.destination, q.issued_on, q.expires_on, u.display_name \
         FROM pdo_qualifications q JOIN users u ON u.id = q.trainer_id \
         ORDER BY u.display_name, q.destination, q.module",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Qualification {
                    trainer_id: r.try_get("trainer_id")?,
                    module: r.try_get("module")?,
                    destination: r.try_get("destination")?,
                    issued_on: r.try_get("issued_on")?,
                    expires_on: r.try_get("expires_on")?,
                },
                r.try_get("display_name")?,
            ))
        })
        .collect()
}

/// Users holding the trainer role: (id, name).
pub async fn trainers(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN role_grants g ON g.user_id = u.id \
         WHERE g.role = 'trainer' AND u.status = 'active' ORDER BY u.display_name",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Session {
    pub id: String,
    pub centre_id: String,
    pub centre: String,
    /// The centre's region.
    pub region: String,
    pub curriculum_id: String,
    pub destination: String,
    pub version: i64,
    pub days: i64,
    pub pass_mark: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub capacity: i64,
    pub language: String,
    /// `open` or `cancelled`.
    pub status: String,
    pub enrolled: i64,
    pub waiting: i64,
    /// User ids of the trainers giving it.
    pub trainers: Vec<String>,
}

const SESSION: &str = "s.id, s.centre_id, c.name AS centre, c.region_iso, s.curriculum_id, k.destination, k.version, \
     k.days, k.pass_mark, s.starts_on, s.ends_on, s.capacity, s.language, s.status, \
     (SELECT COUNT(*) FROM pdo_enrolments e WHERE e.session_id = s.id AND e.status = 'enrolled') AS enrolled, \
     (SELECT COUNT(*) FROM pdo_enrolments e WHERE e.session_id = s.id AND e.status = 'waiting') AS waiting, \
     (SELECT string_agg(trainer_id, ' ') FROM pdo_session_trainers t WHERE t.session_id = s.id) AS trainers";

const SESSION_FROM: &str = "FROM pdo_sessions s JOIN pdo_centres c ON c.id = s.centre_id \
     JOIN pdo_curricula k ON k.id = s.curriculum_id";

fn session_from_row(r: &AnyRow) -> Result<Session, sqlx::Error> {
    let trainers: Option<String> = r.try_get("trainers")?;
    Ok(Session {
        id: r.try_get("id")?,
        centre_id: r.try_get("centre_id")?,
        centre: r.try_get("centre")?,
        region: r.try_get("region_iso")?,
        curriculum_id: r.try_get("curriculum_id")?,
        destination: r.try_get("destination")?,
        version: r.try_get("version")?,
        days: r.try_get("days")?,
        pass_mark: r.try_get("pass_mark")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        capacity: r.try_get("capacity")?,
        language: r.try_get("language")?,
        status: r.try_get("status")?,
        enrolled: r.try_get("enrolled")?,
        waiting: r.try_get("waiting")?,
        trainers: trainers
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    })
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub centre_id: &'a str,
    pub curriculum_id: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub capacity: i64,
    pub language: &'a str,
    pub trainers: &'a [String],
    pub created_by: Option<&'a str>,
}

pub async fn insert_session(tx: &mut Tx, s: &NewSession<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_sessions (id, centre_id, curriculum_id, starts_on, ends_on, capacity, language, status, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)",
    )
    .bind(s.id)
    .bind(s.centre_id)
    .bind(s.curriculum_id)
    .bind(s.starts_on)
    .bind(s.ends_on)
    .bind(s.capacity)
    .bind(s.language)
    .bind(s.created_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    for trainer in s.trainers {
        sqlx::query("INSERT INTO pdo_session_trainers (session_id, trainer_id) VALUES ($1, $2)")
            .bind(s.id)
            .bind(trainer)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Serialises enrolments of one session (a row lock on PostgreSQL; SQLite has one writer).
pub async fn lock_session(tx: &mut Tx, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE pdo_sessions SET status = status WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn session(db: &Db, id: &str) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!("SELECT {SESSION} {SESSION_FROM} WHERE s.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(session_from_row)
        .transpose()
}

/// Sessions starting on or after `from` (all when empty), soonest first, at most `limit`.
pub async fn sessions(db: &Db, from: &str, limit: i64) -> Result<Vec<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {SESSION} {SESSION_FROM} WHERE s.starts_on >= $1 ORDER BY s.starts_on, c.name LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(from)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(session_from_row)
        .collect()
}

/// Sessions a trainer gives, latest first.
pub async fn sessions_of_trainer(db: &Db, trainer_id: &str) -> Result<Vec<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {SESSION} {SESSION_FROM} JOIN pdo_session_trainers st ON st.session_id = s.id \
         WHERE st.trainer_id = $1 ORDER BY s.starts_on DESC LIMIT 100"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(trainer_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(session_from_row)
        .collect()
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PdoEnrolment)]
pub struct Enrolment {
    pub id: String,
    pub session_id: String,
    pub person_id: String,
    /// `enrolled`, `waiting` or `withdrawn`.
    pub status: String,
    pub pre_score: Option<i64>,
    pub post_score: Option<i64>,
    /// `passed`, `failed`, or empty before the post-test.
    pub result: String,
    pub name_latn: String,
    pub name_cyrl: String,
    /// Days attended (1-based day numbers).
    pub present_days: Vec<i64>,
    /// Days recorded as absent.
    pub absent_days: Vec<i64>,
    /// A valid certificate from elsewhere for the same destination and version: the
    /// person need not repeat the course (staff decide).
    pub exempt_by: Option<String>,
}

const ENROLMENT: &str = "e.id, e.session_id, e.person_id, e.status, e.pre_score, e.post_score, e.result, \
     p.given_name_latn, p.family_name_latn, p.given_name_cyrl, p.family_name_cyrl, \
     (SELECT string_agg(CAST(a.day AS TEXT), ' ') FROM pdo_attendance a WHERE a.enrolment_id = e.id AND a.present = 1) AS present, \
     (SELECT string_agg(CAST(a.day AS TEXT), ' ') FROM pdo_attendance a WHERE a.enrolment_id = e.id AND a.present = 0) AS absent \
     FROM pdo_enrolments e JOIN persons p ON p.id = e.person_id";

fn days(text: Option<String>) -> Vec<i64> {
    let mut days: Vec<i64> = text
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|d| d.parse().ok())
        .collect();
    days.sort_unstable();
    days
}

fn enrolment_from_row(r: &AnyRow) -> Result<Enrolment, sqlx::Error> {
    let given_latn: String = r.try_get("given_name_latn")?;
    let family_latn: String = r.try_get("family_name_latn")?;
    let given_cyrl: String = r.try_get("given_name_cyrl")?;
    let family_cyrl: String = r.try_get("family_name_cyrl")?;
    Ok(Enrolment {
        id: r.try_get("id")?,
        session_id: r.try_get("session_id")?,
        person_id: r.try_get("person_id")?,
        status: r.try_get("status")?,
        pre_score: r.try_get("pre_score")?,
        post_score: r.try_get("post_score")?,
        result: r.try_get("result")?,
        name_latn: format!("{given_latn} {family_latn}"),
        name_cyrl: format!("{given_cyrl} {family_cyrl}"),
        present_days: days(r.try_get("present")?),
        absent_days: days(r.try_get("absent")?),
        exempt_by: None,
    })
}

/// Enrols anew, or re-enrols someone who had withdrawn (same row, back in the queue).
pub async fn upsert_enrolment(
    tx: &mut Tx,
    e: &Enrolment,
    enrolled_by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let requeued = sqlx::query(
        "UPDATE pdo_enrolments SET status = $1, queued_at = $2, enrolled_by = $3, updated_at = $2 \
         WHERE id = $4 AND status = 'withdrawn'",
    )
    .bind(&e.status)
    .bind(now)
    .bind(enrolled_by)
    .bind(&e.id)
    .execute(&mut **tx)
    .await?;
    if requeued.rows_affected() == 1 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO pdo_enrolments (id, session_id, person_id, status, queued_at, result, enrolled_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, '', $6, $5, $5)",
    )
    .bind(&e.id)
    .bind(&e.session_id)
    .bind(&e.person_id)
    .bind(&e.status)
    .bind(now)
    .bind(enrolled_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn enrolment(db: &Db, id: &str) -> Result<Option<Enrolment>, sqlx::Error> {
    let sql = format!("SELECT {ENROLMENT} WHERE e.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(enrolment_from_row)
        .transpose()
}

pub async fn enrolment_of(
    tx: &mut Tx,
    session_id: &str,
    person_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, status FROM pdo_enrolments WHERE session_id = $1 AND person_id = $2",
    )
    .bind(session_id)
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("status")?)))
        .transpose()
}

/// A session's trainees (and waiting list), in enrolment order.
pub async fn enrolments(db: &Db, session_id: &str) -> Result<Vec<Enrolment>, sqlx::Error> {
    let sql =
        format!("SELECT {ENROLMENT} WHERE e.session_id = $1 ORDER BY e.status, e.queued_at, e.id");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(enrolment_from_row)
        .collect()
}

/// A person's enrolments, latest first.
pub async fn enrolments_of_person(db: &Db, person_id: &str) -> Result<Vec<Enrolment>, sqlx::Error> {
    let sql = format!("SELECT {ENROLMENT} WHERE e.person_id = $1 ORDER BY e.created_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(enrolment_from_row)
        .collect()
}

/// (person id, certificate id) of a session's trainees who already hold a valid certificate
/// for its destination and version, earned somewhere else.
pub async fn exemptions_in_session(
    db: &Db,
    session: &Session,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.person_id, c.id FROM pdo_enrolments e JOIN pdo_certificates c ON c.person_id = e.person_id \
         WHERE e.session_id = $1 AND c.destination = $2 AND c.version = $3 AND c.status = 'valid' \
         AND (c.enrolment_id IS NULL OR c.enrolment_id <> e.id)",
    )
    .bind(&session.id)
    .bind(&session.destination)
    .bind(session.version)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("person_id")?, r.try_get("id")?)))
        .collect()
}

pub async fn count_enrolled(tx: &mut Tx, session_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM pdo_enrolments WHERE session_id = $1 AND status = 'enrolled'",
    )
    .bind(session_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get("n")
}

/// Moves an enrolment between statuses; false when it was not in `from` any more.
pub async fn set_enrolment_status(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE pdo_enrolments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The first on a session's waiting list: (enrolment id, person id).
pub async fn first_waiting(
    tx: &mut Tx,
    session_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, person_id FROM pdo_enrolments WHERE session_id = $1 AND status = 'waiting' \
         ORDER BY queued_at, id LIMIT 1",
    )
    .bind(session_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("person_id")?)))
        .transpose()
}

pub async fn set_attendance(
    tx: &mut Tx,
    enrolment_id: &str,
    day: i64,
    present: bool,
    by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Last tap wins: a trainer correcting a mark, or a retried request, overwrites it. One
    // upsert, not delete-then-insert: two taps at once on PostgreSQL would both insert.
    sqlx::query(
        "INSERT INTO pdo_attendance (enrolment_id, day, present, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (enrolment_id, day) DO UPDATE SET present = excluded.present, \
         recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(enrolment_id)
    .bind(day)
    .bind(i64::from(present))
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_scores(
    tx: &mut Tx,
    enrolment_id: &str,
    pre: Option<i64>,
    post: Option<i64>,
    result: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE pdo_enrolments SET pre_score = COALESCE($1, pre_score), post_score = COALESCE($2, post_score), \
         result = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(pre)
    .bind(post)
    .bind(result)
    .bind(now)
    .bind(enrolment_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: String,
    /// The compact signed token the QR code carries (`SC1.…`).
    pub token: String,
    /// `valid` or `revoked`.
    pub status: String,
    pub person_id: String,
    pub holder_latn: String,
    pub holder_cyrl: String,
    pub pinfl_last4: String,
    pub destination: String,
    pub curriculum_id: String,
    pub version: i64,
    pub centre_id: Option<String>,
    pub region: String,
    pub starts_on: String,
    pub ends_on: String,
    pub score: i64,
    pub issued_on: String,
    pub kid: String,
    pub revoked_reason: String,
    /// How many times it was checked online.
    pub verifications: i64,
}

const CERTIFICATE: &str = "c.id, c.token, c.status, c.person_id, c.holder_latn, c.holder_cyrl, c.pinfl_last4, \
     c.destination, c.curriculum_id, c.version, c.centre_id, c.region_iso, c.starts_on, c.ends_on, c.score, \
     c.issued_on, c.kid, c.revoked_reason, \
     (SELECT COUNT(*) FROM pdo_verifications v WHERE v.certificate_id = c.id) AS verifications \
     FROM pdo_certificates c";

fn certificate_from_row(r: &AnyRow) -> Result<Certificate, sqlx::Error> {
    Ok(Certificate {
        id: r.try_get("id")?,
        token: r.try_get("token")?,
        status: r.try_get("status")?,
        person_id: r.try_get("person_id")?,
        holder_latn: r.try_get("holder_latn")?,
        holder_cyrl: r.try_get("holder_cyrl")?,
        pinfl_last4: r.try_get("pinfl_last4")?,
        destination: r.try_get("destination")?,
        curriculum_id: r.try_get("curriculum_id")?,
        version: r.try_get("version")?,
        centre_id: r.try_get("centre_id")?,
        region: r.try_get("region_iso")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        score: r.try_get("score")?,
        issued_on: r.try_get("issued_on")?,
        kid: r.try_get("kid")?,
        revoked_reason: r.try_get("revoked_reason")?,
        verifications: r.try_get("verifications")?,
    })
}

pub async fn insert_certificate(
    tx: &mut Tx,
    c: &Certificate,
    enrolment_id: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_certificates (id, person_id, enrolment_id, curriculum_id, destination, version, centre_id, \
         region_iso, holder_latn, holder_cyrl, pinfl_last4, starts_on, ends_on, score, issued_on, kid, token, status, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'valid', $18)",
    )
    .bind(&c.id)
    .bind(&c.person_id)
    .bind(enrolment_id)
    .bind(&c.curriculum_id)
    .bind(&c.destination)
    .bind(c.version)
    .bind(&c.centre_id)
    .bind(&c.region)
    .bind(&c.holder_latn)
    .bind(&c.holder_cyrl)
    .bind(&c.pinfl_last4)
    .bind(&c.starts_on)
    .bind(&c.ends_on)
    .bind(c.score)
    .bind(&c.issued_on)
    .bind(&c.kid)
    .bind(&c.token)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // Departures already recorded may now count as prepared.
    crate::analytics::facts::refresh_departures_of(tx, &c.person_id).await
}

pub async fn certificate(db: &Db, id: &str) -> Result<Option<Certificate>, sqlx::Error> {
    let sql = format!("SELECT {CERTIFICATE} WHERE c.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(certificate_from_row)
        .transpose()
}

/// Latest first, in `regions` (`None`: everywhere), at most `limit`.
pub async fn certificates(
    db: &Db,
    regions: Option<&[String]>,
    limit: i64,
) -> Result<Vec<Certificate>, sqlx::Error> {
    let mut sql = crate::platform::db::SqlBuf::new(&format!("SELECT {CERTIFICATE}"));
    if let Some(regions) = regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        sql.push(" WHERE c.region_iso IN (");
        for (i, r) in regions.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_text(r.clone());
        }
        sql.push(")");
    }
    sql.push(" ORDER BY c.created_at DESC, c.id LIMIT ");
    sql.bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(certificate_from_row)
        .collect()
}

pub async fn certificates_of_person(
    db: &Db,
    person_id: &str,
) -> Result<Vec<Certificate>, sqlx::Error> {
    let sql = format!("SELECT {CERTIFICATE} WHERE c.person_id = $1 ORDER BY c.created_at DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(certificate_from_row)
        .collect()
}

/// (person id, certificate id) of valid certificates for `destination` held by `persons`.
pub async fn valid_for_destination(
    db: &Db,
    persons: &[String],
    destination: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    if persons.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = crate::platform::db::SqlBuf::new(
        "SELECT person_id, id FROM pdo_certificates WHERE status = 'valid' AND destination = ",
    );
    sql.bind_text(destination.to_string());
    sql.push(" AND person_id IN (");
    for (i, p) in persons.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(p.clone());
    }
    sql.push(") ORDER BY issued_on DESC");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("person_id")?, r.try_get("id")?)))
        .collect()
}

pub async fn revoke_certificate(
    tx: &mut Tx,
    id: &str,
    reason: &str,
    by: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE pdo_certificates SET status = 'revoked', revoked_reason = $1, revoked_at = $2, revoked_by = $3 \
         WHERE id = $4 AND status = 'valid'",
    )
    .bind(reason)
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    // A revoked certificate no longer covers its holder's departures.
    let person: String = sqlx::query("SELECT person_id FROM pdo_certificates WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("person_id")?;
    crate::analytics::facts::refresh_departures_of(tx, &person).await?;
    Ok(true)
}

/// Departures since `from` by the person's region and the destination, and how many of
/// them had a valid certificate for that destination issued by the day they left.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub region: String,
    pub destination: String,
    pub departures: i64,
    pub with_certificate: i64,
}

pub async fn coverage(db: &Db, from: &str) -> Result<Vec<Coverage>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.region_iso, j.country_iso2, COUNT(*) AS departures, \
         SUM(CASE WHEN EXISTS (SELECT 1 FROM pdo_certificates c WHERE c.person_id = j.person_id \
           AND c.destination = j.country_iso2 AND c.status = 'valid' AND c.issued_on <= j.event_date) \
           THEN 1 ELSE 0 END) AS covered \
         FROM journeys j JOIN persons p ON p.id = j.person_id \
         WHERE j.kind = 'departure' AND j.event_date >= $1 \
         GROUP BY p.region_iso, j.country_iso2 ORDER BY p.region_iso, j.country_iso2",
    )
    .bind(from)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Coverage {
                region: r.try_get("region_iso")?,
                destination: r.try_get("country_iso2")?,
                departures: r.try_get("departures")?,
                with_certificate: r.try_get("covered")?,
            })
        })
        .collect()
}

/// A person's saved self-study: (module, best score, passed) per module tried.
pub async fn progress(
    db: &Db,
    person_id: &str,
    curriculum_id: &str,
) -> Result<Vec<(String, i64, bool)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let out = progress_in(&mut tx, person_id, curriculum_id).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn progress_in(
    tx: &mut Tx,
    person_id: &str,
    curriculum_id: &str,
) -> Result<Vec<(String, i64, bool)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT module, score, passed FROM pdo_progress WHERE person_id = $1 AND curriculum_id = $2",
    )
    .bind(person_id)
    .bind(curriculum_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("module")?,
                r.try_get("score")?,
                r.try_get::<i64, _>("passed")? != 0,
            ))
        })
        .collect()
}

/// Keeps the best score per module (a pass stays a pass).
pub async fn save_progress(
    tx: &mut Tx,
    person_id: &str,
    curriculum_id: &str,
    module: &str,
    score: i64,
    passed: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_progress (person_id, curriculum_id, module, score, passed, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, curriculum_id, module) DO UPDATE SET \
         score = CASE WHEN excluded.score > pdo_progress.score THEN excluded.score ELSE pdo_progress.score END, \
         passed = CASE WHEN excluded.passed > pdo_progress.passed THEN excluded.passed ELSE pdo_progress.passed END, \
         updated_at = excluded.updated_at",
    )
    .bind(person_id)
    .bind(curriculum_id)
    .bind(module)
    .bind(score)
    .bind(i64::from(passed))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The valid certificate an online completion of this curriculum version earned, if any.
pub async fn online_certificate_in(
    tx: &mut Tx,
    person_id: &str,
    curriculum_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id FROM pdo_certificates WHERE person_id = $1 AND curriculum_id = $2 \
         AND centre_id IS NULL AND status = 'valid'",
    )
    .bind(person_id)
    .bind(curriculum_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

pub async fn record_verification(
    db: &Db,
    certificate_id: &str,
    via: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pdo_verifications (id, certificate_id, via, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(certificate_id)
    .bind(via)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}
