//! The recruiters module's SQL. Nothing else touches these tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::platform::db::{Db, SqlBuf, Tx};
use crate::platform::ids::new_id;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Recruiter {
    pub id: String,
    /// `local_agency` or `foreign_operator`.
    pub kind: String,
    pub name: String,
    /// The name in the other script (Latin ↔ Cyrillic), for search and display.
    pub name_other_script: String,
    /// Taxpayer id of a local agency (9 digits).
    pub stir: Option<String>,
    pub country: String,
    pub registration_no: String,
    /// A foreign operator's licence in its own country (e.g. a GLAA licence number).
    pub host_licence_no: String,
    /// `licensed`, `suspended`, `revoked`, `expired` or `unknown`.
    pub host_licence_state: String,
    pub address: String,
    pub region: Option<String>,
    pub phone: String,
    pub email: String,
    /// Made up for the demo; never real.
    pub demo: bool,
}

const RECRUITER_COLUMNS: &str = "r.id, r.kind, r.name, r.name_other_script, r.stir, r.country_iso2, \
     r.registration_no, r.host_licence_no, r.host_licence_state, r.address, r.region_iso, r.phone, r.email, r.demo";

fn recruiter_from_row(r: &AnyRow) -> Result<Recruiter, sqlx::Error> {
    Ok(Recruiter {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        name: r.try_get("name")?,
        name_other_script: r.try_get("name_other_script")?,
        stir: r.try_get("stir")?,
        country: r.try_get("country_iso2")?,
        registration_no: r.try_get("registration_no")?,
        host_licence_no: r.try_get("host_licence_no")?,
        host_licence_state: r.try_get("host_licence_state")?,
        address: r.try_get("address")?,
        region: r.try_get("region_iso")?,
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        demo: r.try_get::<i64, _>("demo")? != 0,
    })
}

pub async fn insert_recruiter(tx: &mut Tx, r: &Recruiter, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recruiters (id, kind, name, name_other_script, stir, country_iso2, registration_no, \
         host_licence_no, host_licence_state, address, region_iso, phone, email, demo, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
    )
    .bind(&r.id)
    .bind(&r.kind)
    .bind(&r.name)
    .bind(&r.name_other_script)
    .bind(&r.stir)
    .bind(&r.country)
    .bind(&r.registration_no)
    .bind(&r.host_licence_no)
    .bind(&r.host_licence_state)
    .bind(&r.address)
    .bind(&r.region)
    .bind(&r.phone)
    .bind(&r.email)
    .bind(i64::from(r.demo))
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    super::register::touch(tx).await
}

pub async fn update_recruiter(tx: &mut Tx, r: &Recruiter, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE recruiters SET name = $1, name_other_script = $2, stir = $3, country_iso2 = $4, \
         registration_no = $5, host_licence_no = $6, host_licence_state = $7, address = $8, region_iso = $9, \
         phone = $10, email = $11, updated_at = $12 WHERE id = $13",
    )
    .bind(&r.name)
    .bind(&r.name_other_script)
    .bind(&r.stir)
    .bind(&r.country)
    .bind(&r.registration_no)
    .bind(&r.host_licence_no)
    .bind(&r.host_licence_state)
    .bind(&r.address)
    .bind(&r.region)
    .bind(&r.phone)
    .bind(&r.email)
    .bind(now_ms)
    .bind(&r.id)
    .execute(&mut **tx)
    .await?;
    // Its complaints and placements are counted in its region, which may have changed.
    crate::analytics::facts::refresh_recruiter(tx, &r.id).await?;
    super::register::touch(tx).await
}

/// Replaces the search words of a recruiter (folded words of both scripts of its name).
pub async fn index_words(tx: &mut Tx, id: &str, words: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recruiter_words WHERE recruiter_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for word in words {
        sqlx::query("INSERT INTO recruiter_words (word, recruiter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(word)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Recruiter>, sqlx::Error> {
    let sql = format!("SELECT {RECRUITER_COLUMNS} FROM recruiters r WHERE r.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(recruiter_from_row)
        .transpose()
}

pub async fn stir_taken(tx: &mut Tx, stir: &str, other_than: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM recruiters WHERE stir = $1 AND id <> $2")
            .bind(stir)
            .bind(other_than)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    )
}

/// Recruiters whose name has every one of `words` as a word prefix, plus exact STIR and
/// licence-number matches; at most `limit`, licensed first, then by name.
pub async fn search(
    db: &Db,
    words: &[String],
    identifier: Option<&str>,
    only_with_licence: bool,
    limit: i64,
) -> Result<Vec<Recruiter>, sqlx::Error> {
    Ok(
        search_with_licences(db, words, identifier, only_with_licence, limit)
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .collect(),
    )
}

/// The current licence's columns, prefixed so they do not clash with the recruiter's.
const JOINED_LICENCE_COLUMNS: &str = "l.id AS l_id, l.recruiter_id AS l_recruiter_id, \
     l.licence_no AS l_licence_no, l.state AS l_state, l.valid_from AS l_valid_from, l.valid_to AS l_valid_to, \
     l.conditions AS l_conditions, l.reason AS l_reason, l.decided_at AS l_decided_at";

fn joined_licence_from_row(r: &AnyRow) -> Result<Option<Licence>, sqlx::Error> {
    let Some(id) = r.try_get::<Option<String>, _>("l_id")? else {
        return Ok(None);
    };
    Ok(Some(Licence {
        id,
        recruiter_id: r.try_get("l_recruiter_id")?,
        licence_no: r.try_get("l_licence_no")?,
        state: r.try_get("l_state")?,
        valid_from: r.try_get("l_valid_from")?,
        valid_to: r.try_get("l_valid_to")?,
        conditions: r.try_get("l_conditions")?,
        reason: r.try_get("l_reason")?,
        decided_at_ms: r.try_get("l_decided_at")?,
    }))
}

/// `search`, with each recruiter's current licence (the one the statement joins anyway), so
/// the public check needs no second statement for it.
pub async fn search_with_licences(
    db: &Db,
    words: &[String],
    identifier: Option<&str>,
    only_with_licence: bool,
    limit: i64,
) -> Result<Vec<(Recruiter, Option<Licence>)>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!(
        "SELECT {RECRUITER_COLUMNS}, {JOINED_LICENCE_COLUMNS} FROM recruiters r \
         LEFT JOIN licences l ON l.id = (SELECT l2.id FROM licences l2 WHERE l2.recruiter_id = r.id \
         ORDER BY l2.created_at DESC, l2.id DESC LIMIT 1) WHERE ("
    ));
    let mut any = false;
    if !words.is_empty() {
        any = true;
        sql.push("(1 = 1");
        for word in words.iter().take(6) {
            sql.push(" AND r.id IN (SELECT recruiter_id FROM recruiter_words WHERE word >= ")
                .bind_text(word.clone())
                .push(" AND word < ")
                .bind_text(format!("{word}\u{10ffff}"))
                .push(")");
        }
        sql.push(")");
    }
    if let Some(id) = identifier {
        if any {
            sql.push(" OR ");
        }
        any = true;
        // The candidates come from the STIR and licence-number indexes (a bare `OR` over the
        // joined current licence would read every recruiter); the match is then checked on
        // the current licence, as before.
        sql.push("(r.id IN (SELECT s.id FROM recruiters s WHERE s.stir = ")
            .bind_text(id.to_string())
            .push(" UNION ALL SELECT n.recruiter_id FROM licences n WHERE n.licence_no = ")
            .bind_text(id.to_string())
            .push(") AND (r.stir = ")
            .bind_text(id.to_string())
            .push(" OR l.licence_no = ")
            .bind_text(id.to_string())
            .push("))");
    }
    if !any {
        return Ok(vec![]);
    }
    sql.push(")");
    if only_with_licence {
        sql.push(" AND l.id IS NOT NULL");
    }
    sql.push(" ORDER BY CASE WHEN l.state = 'licensed' THEN 0 ELSE 1 END, r.name, r.id LIMIT ")
        .bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| Ok((recruiter_from_row(row)?, joined_licence_from_row(row)?)))
        .collect()
}

/// Every recruiter with a current licence, in the public check's order (licensed first,
/// then by name): the in-memory register's rows.
pub async fn all_with_current_licence(db: &Db) -> Result<Vec<(Recruiter, Licence)>, sqlx::Error> {
    let sql = format!(
        "SELECT {RECRUITER_COLUMNS}, {JOINED_LICENCE_COLUMNS} FROM recruiters r \
         JOIN licences l ON l.id = (SELECT l2.id FROM licences l2 WHERE l2.recruiter_id = r.id \
         ORDER BY l2.created_at DESC, l2.id DESC LIMIT 1) \
         ORDER BY CASE WHEN l.state = 'licensed' THEN 0 ELSE 1 END, r.name, r.id"
    );
    let mut out = vec![];
    for row in sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?
    {
        if let Some(licence) = joined_licence_from_row(&row)? {
            out.push((recruiter_from_row(&row)?, licence));
        }
    }
    Ok(out)
}

/// Every (name word, recruiter id) of the search index.
pub async fn all_words(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query("SELECT word, recruiter_id FROM recruiter_words")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("word")?, r.try_get("recruiter_id")?)))
        .collect()
}

/// Recruiters for the staff list, newest first, optionally only those whose current
/// licence is in `state`.
pub async fn list(
    db: &Db,
    state: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Recruiter>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!("SELECT {RECRUITER_COLUMNS} FROM recruiters r"));
    if let Some(state) = state {
        sql.push(
            " WHERE (SELECT l.state FROM licences l WHERE l.recruiter_id = r.id \
             ORDER BY l.created_at DESC, l.id DESC LIMIT 1) = ",
        )
        .bind_text(state.to_string());
    }
    sql.push(" ORDER BY r.name, r.id LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(recruiter_from_row)
        .collect()
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Licence {
    pub id: String,
    pub recruiter_id: String,
    /// Given when the licence is first granted.
    pub licence_no: Option<String>,
    /// `applied`, `licensed`, `suspended`, `revoked`, `expired`, `surrendered` or `refused`.
    pub state: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub conditions: String,
    /// Why the last decision was taken.
    pub reason: String,
    pub decided_at_ms: Option<i64>,
}

const LICENCE_COLUMNS: &str =
    "id, recruiter_id, licence_no, state, valid_from, valid_to, conditions, reason, decided_at";

fn licence_from_row(r: &AnyRow) -> Result<Licence, sqlx::Error> {
    Ok(Licence {
        id: r.try_get("id")?,
        recruiter_id: r.try_get("recruiter_id")?,
        licence_no: r.try_get("licence_no")?,
        state: r.try_get("state")?,
        valid_from: r.try_get("valid_from")?,
        valid_to: r.try_get("valid_to")?,
        conditions: r.try_get("conditions")?,
        reason: r.try_get("reason")?,
        decided_at_ms: r.try_get("decided_at")?,
    })
}

/// The recruiter's latest licence (the current one), inside a transaction.
pub async fn current_licence(
    tx: &mut Tx,
    recruiter_id: &str,
) -> Result<Option<Licence>, sqlx::Error> {
    let sql = format!(
        "SELECT {LICENCE_COLUMNS} FROM licences WHERE recruiter_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(recruiter_id)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(licence_from_row)
        .transpose()
}

/// The current licence of each of `ids`.
pub async fn current_licences(db: &Db, ids: &[String]) -> Result<Vec<Licence>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = SqlBuf::new(&format!(
        "SELECT {LICENCE_COLUMNS} FROM licences l WHERE l.id IN (SELECT (SELECT l2.id FROM licences l2 \
         WHERE l2.recruiter_id = r.id ORDER BY l2.created_at DESC, l2.id DESC LIMIT 1) FROM recruiters r WHERE r.id IN ("
    ));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text(id.clone());
    }
    sql.push("))");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(licence_from_row)
        .collect()
}

pub async fn insert_licence(
    tx: &mut Tx,
    recruiter_id: &str,
    state: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO licences (id, recruiter_id, state, conditions, reason, created_at, updated_at) \
         VALUES ($1, $2, $3, '', '', $4, $4)",
    )
    .bind(&id)
    .bind(recruiter_id)
    .bind(state)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    super::register::touch(tx).await?;
    Ok(id)
}

/// A decision on a licence. Only moves it from `from`: a concurrent decision makes this a
/// no-op (`false`), so two officers cannot both act on the same state.
pub struct Decision<'a> {
    pub licence_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub licence_no: Option<&'a str>,
    pub valid_from: Option<&'a str>,
    pub valid_to: Option<&'a str>,
    pub conditions: Option<&'a str>,
    pub reason: &'a str,
    pub stir_at_grant: Option<&'a str>,
    pub decided_by: Option<&'a str>,
}

pub async fn decide(tx: &mut Tx, d: &Decision<'_>, now_ms: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE licences SET state = $1, licence_no = COALESCE($2, licence_no), \
         valid_from = COALESCE($3, valid_from), valid_to = COALESCE($4, valid_to), \
         conditions = COALESCE($5, conditions), reason = $6, stir_at_grant = COALESCE($7, stir_at_grant), \
         decided_by = $8, decided_at = $9, updated_at = $9 WHERE id = $10 AND state = $11",
    )
    .bind(d.to)
    .bind(d.licence_no)
    .bind(d.valid_from)
    .bind(d.valid_to)
    .bind(d.conditions)
    .bind(d.reason)
    .bind(d.stir_at_grant)
    .bind(d.decided_by)
    .bind(now_ms)
    .bind(d.licence_id)
    .bind(d.from)
    .execute(&mut **tx)
    .await?;
    super::register::touch(tx).await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewEvent<'a> {
    pub licence_id: &'a str,
    pub recruiter_id: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub reason: &'a str,
    pub actor_id: Option<&'a str>,
}

pub async fn insert_event(tx: &mut Tx, e: &NewEvent<'_>, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO licence_events (id, licence_id, recruiter_id, action, from_state, to_state, reason, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(e.licence_id)
    .bind(e.recruiter_id)
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

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LicenceEvent {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    pub at_ms: i64,
}

/// Decisions on a recruiter's licences, newest first; `since_ms` limits to recent ones.
pub async fn events(
    db: &Db,
    recruiter_id: &str,
    since_ms: i64,
) -> Result<Vec<LicenceEvent>, sqlx::Error> {
    sqlx::query(
        "SELECT action, from_state, to_state, reason, at FROM licence_events \
         WHERE recruiter_id = $1 AND at >= $2 ORDER BY at DESC, id DESC",
    )
    .bind(recruiter_id)
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(LicenceEvent {
            action: r.try_get("action")?,
            from_state: r.try_get("from_state")?,
            to_state: r.try_get("to_state")?,
            reason: r.try_get("reason")?,
            at_ms: r.try_get("at")?,
        })
    })
    .collect()
}

/// The decisions on each of `recruiter_ids` since `since_ms` that took the licence to one of
/// `to_states`, as (recruiter id, event); each recruiter's newest first.
/// Licence decisions into `to_states` since `since_ms`, of every recruiter.
pub async fn events_since(
    db: &Db,
    since_ms: i64,
    to_states: &[&str],
) -> Result<Vec<(String, LicenceEvent)>, sqlx::Error> {
    let mut sql = SqlBuf::new(
        "SELECT recruiter_id, action, from_state, to_state, reason, at FROM licence_events WHERE at >= ",
    );
    sql.bind_int(since_ms).push(" AND to_state IN (");
    for (i, state) in to_states.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind_text((*state).to_string());
    }
    sql.push(")");
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("recruiter_id")?,
                LicenceEvent {
                    action: r.try_get("action")?,
                    from_state: r.try_get("from_state")?,
                    to_state: r.try_get("to_state")?,
                    reason: r.try_get("reason")?,
                    at_ms: r.try_get("at")?,
                },
            ))
        })
        .collect()
}

/// Valid or suspended licences whose end date is before `today` (ISO dates compare as text).
pub async fn past_their_end(db: &Db, today: &str) -> Result<Vec<Licence>, sqlx::Error> {
    let sql = format!(
        "SELECT {LICENCE_COLUMNS} FROM licences WHERE state IN ('licensed', 'suspended') AND valid_to < $1 \
         ORDER BY valid_to LIMIT 500"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(today)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(licence_from_row)
        .collect()
}

/// Licences in `state`, ordered by end date (`valid_to` up to `until` when given).
pub async fn licences_in_state(
    db: &Db,
    state: &str,
    until: Option<&str>,
    limit: i64,
) -> Result<Vec<Licence>, sqlx::Error> {
    let mut sql = SqlBuf::new(&format!(
        "SELECT {LICENCE_COLUMNS} FROM licences WHERE state = "
    ));
    sql.bind_text(state.to_string());
    if let Some(until) = until {
        sql.push(" AND valid_to <= ").bind_text(until.to_string());
    }
    sql.push(" ORDER BY valid_to, created_at LIMIT ")
        .bind_int(limit);
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(licence_from_row)
        .collect()
}

/// Counts a public lookup for the statistics (no trace of who asked).
pub async fn count_lookups(
    db: &Db,
    day: &str,
    kind: &str,
    outcome: &str,
    n: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO public_check_stats (day, kind, outcome, lookups) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (day, kind, outcome) DO UPDATE SET lookups = public_check_stats.lookups + excluded.lookups",
    )
    .bind(day)
    .bind(kind)
    .bind(outcome)
    .bind(n)
    .execute(&db.pool)
    .await?;
    Ok(())
}
