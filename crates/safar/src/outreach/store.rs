//! The outreach module's SQL. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx};

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub kind: String,
    /// Topic codes.
    pub topics: Vec<String>,
    pub region: String,
    /// SOATO code of the district, or empty.
    pub district: String,
    pub place: String,
    /// `planned`, `held`, `reported` or `cancelled`.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub planned_on: String,
    pub held_on: Option<String>,
    pub materials: String,
    pub materials_count: i64,
    pub partners: String,
    pub summary: String,
    pub cancel_reason: String,
    /// Total attendance (reported events).
    pub attendance: i64,
    pub updated_at: i64,
}

fn event_from_row(r: &AnyRow) -> Result<Event, sqlx::Error> {
    let topics: String = r.try_get("topics")?;
    Ok(Event {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        kind: r.try_get("kind")?,
        topics: topics.split_whitespace().map(String::from).collect(),
        region: r.try_get("region_iso")?,
        district: r.try_get("district")?,
        place: r.try_get("place")?,
        status: r.try_get("status")?,
        planned_on: r.try_get("planned_on")?,
        held_on: r.try_get("held_on")?,
        materials: r.try_get("materials")?,
        materials_count: r.try_get("materials_count")?,
        partners: r.try_get("partners")?,
        summary: r.try_get("summary")?,
        cancel_reason: r.try_get("cancel_reason")?,
        attendance: r.try_get("attendance")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const EVENT: &str = "SELECT e.id, e.title, e.kind, e.topics, e.region_iso, e.district, e.place, \
     e.status, e.planned_on, e.held_on, e.materials, e.materials_count, e.partners, e.summary, \
     e.cancel_reason, e.updated_at, \
     CAST(COALESCE((SELECT SUM(a.people) FROM outreach_attendance a WHERE a.event_id = e.id), 0) \
     AS BIGINT) AS attendance FROM outreach_events e";

pub async fn by_id(db: &Db, id: &str) -> Result<Option<Event>, sqlx::Error> {
    let sql = format!("{EVENT} WHERE e.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(event_from_row)
        .transpose()
}

/// A list's filters. `regions`: `None` for everywhere, else the regions allowed.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub regions: Option<Vec<String>>,
    pub region: Option<String>,
    pub status: Option<String>,
}

/// Events, upcoming and recent first, at most `limit`.
pub async fn list(db: &Db, f: &Filter, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let mut q = SqlBuf::new(EVENT);
    q.push(" WHERE 1 = 1");
    if let Some(regions) = &f.regions {
        if regions.is_empty() {
            return Ok(vec![]);
        }
        q.push(" AND ").in_list("e.region_iso", regions);
    }
    if let Some(region) = &f.region {
        q.push(" AND e.region_iso = ").bind_text(region.clone());
    }
    if let Some(status) = &f.status {
        q.push(" AND e.status = ").bind_text(status.clone());
    }
    q.push(" ORDER BY e.planned_on DESC, e.created_at DESC LIMIT ")
        .bind_int(limit);
    q.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(event_from_row)
        .collect()
}

pub async fn insert(tx: &mut Tx, e: &Event, by: Option<&str>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outreach_events (id, title, kind, topics, region_iso, district, place, status, \
         planned_on, held_on, materials, materials_count, partners, summary, cancel_reason, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, NULL, '', 0, '', '', '', $9, $10, $10)",
    )
    .bind(&e.id)
    .bind(&e.title)
    .bind(&e.kind)
    .bind(e.topics.join(" "))
    .bind(&e.region)
    .bind(&e.district)
    .bind(&e.place)
    .bind(&e.planned_on)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves an event from `from` to `to`; false when it was no longer in `from` (a
/// concurrent step won).
pub async fn step(
    tx: &mut Tx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outreach_events SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_held(tx: &mut Tx, id: &str, held_on: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outreach_events SET held_on = $1 WHERE id = $2")
        .bind(held_on)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_cancelled(tx: &mut Tx, id: &str, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outreach_events SET cancel_reason = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a report adds to an event.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// (gender, age band, people) for the non-zero cells.
    pub cells: Vec<(String, String, i64)>,
    pub materials: String,
    pub materials_count: i64,
    pub partners: String,
    pub summary: String,
}

pub async fn set_report(tx: &mut Tx, id: &str, r: &Report) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outreach_events SET materials = $1, materials_count = $2, partners = $3, \
         summary = $4 WHERE id = $5",
    )
    .bind(&r.materials)
    .bind(r.materials_count)
    .bind(&r.partners)
    .bind(&r.summary)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    for (gender, band, people) in &r.cells {
        sqlx::query(
            "INSERT INTO outreach_attendance (event_id, gender, age_band, people) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(gender)
        .bind(band)
        .bind(people)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// An event's attendance cells: (gender, age band, people).
pub async fn attendance(db: &Db, id: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query("SELECT gender, age_band, people FROM outreach_attendance WHERE event_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("gender")?,
                r.try_get("age_band")?,
                r.try_get("people")?,
            ))
        })
        .collect()
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Photo {
    pub id: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn insert_photo(
    tx: &mut Tx,
    event_id: &str,
    photo: &Photo,
    sha256: &str,
    content: &[u8],
    by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outreach_photos (id, event_id, content_type, size, sha256, content, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&photo.id)
    .bind(event_id)
    .bind(&photo.content_type)
    .bind(photo.size)
    .bind(sha256)
    .bind(content.to_vec())
    .bind(by)
    .bind(photo.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn photos(db: &Db, event_id: &str) -> Result<Vec<Photo>, sqlx::Error> {
    sqlx::query(
        "SELECT id, content_type, size, created_at FROM outreach_photos WHERE event_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(event_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Photo {
            id: r.try_get("id")?,
            content_type: r.try_get("content_type")?,
            size: r.try_get("size")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// The event's photos, counted with its row held for the rest of the transaction (so two
/// uploads at once cannot both pass the limit).
pub async fn photo_count(tx: &mut Tx, event_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE outreach_events SET updated_at = updated_at WHERE id = $1")
        .bind(event_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("SELECT COUNT(*) AS n FROM outreach_photos WHERE event_id = $1")
        .bind(event_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")
}

/// A photo's type and bytes.
pub async fn photo_content(
    db: &Db,
    event_id: &str,
    photo_id: &str,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query("SELECT content_type, content FROM outreach_photos WHERE event_id = $1 AND id = $2")
        .bind(event_id)
        .bind(photo_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| Ok((r.try_get("content_type")?, r.try_get("content")?)))
        .transpose()
}

/// One region's held events and reported attendance over a period.
#[derive(Clone, Debug, Default)]
pub struct RegionTally {
    pub region: String,
    pub events: i64,
    pub female: i64,
    pub male: i64,
}

/// Events held (reported or not) and their attendance per region, with `held_on` in
/// `[from, to]` (`YYYY-MM-DD`).
pub async fn tally_by_region(
    db: &Db,
    from: &str,
    to: &str,
) -> Result<Vec<RegionTally>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.region_iso, COUNT(DISTINCT e.id) AS events, \
         CAST(COALESCE(SUM(CASE WHEN a.gender = 'female' THEN a.people ELSE 0 END), 0) AS BIGINT) AS female, \
         CAST(COALESCE(SUM(CASE WHEN a.gender = 'male' THEN a.people ELSE 0 END), 0) AS BIGINT) AS male \
         FROM outreach_events e LEFT JOIN outreach_attendance a ON a.event_id = e.id \
         WHERE e.held_on IS NOT NULL AND e.held_on >= $1 AND e.held_on <= $2 \
         GROUP BY e.region_iso",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RegionTally {
                region: r.try_get("region_iso")?,
                events: r.try_get("events")?,
                female: r.try_get("female")?,
                male: r.try_get("male")?,
            })
        })
        .collect()
}
