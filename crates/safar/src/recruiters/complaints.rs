//! Complaints against licensed recruiters: a type from the agency's taxonomy (RC01 fees …
//! RC13 licensing rules), `received → investigating → substantiated | unsubstantiated →
//! sanctioned | closed`, a 30-day deadline on the licensing officers' queue, and sanctions —
//! a suspension or revocation moves the licence in the same transaction.

use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::model::Action as LicenceAction;
use super::service::{LicenceInput, decide_in};
use super::store as recruiters;
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, SqlBuf, Tx, opt_i64};
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

/// Complaint types and their severity, from the agency's taxonomy of complaints against
/// private employment agencies (ILO fair-recruitment principles, IRIS, Uzbek licence rules;
/// see `data/reference/README.md`). Names are in the locales (`complaint-type-RC01` …).
pub const TYPES: &[(&str, &str)] = &[
    ("RC01", "critical"),
    ("RC02", "major"),
    ("RC03", "major"),
    ("RC04", "critical"),
    ("RC05", "critical"),
    ("RC06", "critical"),
    ("RC07", "major"),
    ("RC08", "critical"),
    ("RC09", "minor"),
    ("RC10", "major"),
    ("RC11", "major"),
    ("RC12", "major"),
    ("RC13", "major"),
];

/// Days the agency gives itself to reach a finding.
pub const SLA_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 3600 * 1000;

pub const STATES: &[&str] = &[
    "received",
    "investigating",
    "substantiated",
    "unsubstantiated",
    "sanctioned",
    "closed",
];
pub const SANCTIONS: &[&str] = &["warning", "fine", "suspension", "revocation"];

/// The complaint state machine: the state after `action`, if allowed from `from`.
pub fn transition(from: &str, action: &str) -> Option<&'static str> {
    match (from, action) {
        ("received", "investigate") => Some("investigating"),
        ("investigating", "substantiate") => Some("substantiated"),
        ("investigating", "dismiss") => Some("unsubstantiated"),
        ("substantiated", "sanction") => Some("sanctioned"),
        ("substantiated" | "unsubstantiated" | "sanctioned", "close") => Some("closed"),
        _ => None,
    }
}

pub const ACTIONS: &[&str] = &[
    "investigate",
    "substantiate",
    "dismiss",
    "sanction",
    "close",
];

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewComplaint {
    pub recruiter_id: String,
    /// A taxonomy code, `RC01` … `RC13`.
    #[serde(rename = "type", default)]
    pub type_code: String,
    #[serde(default)]
    pub description: String,
    /// The complainant, when they are in the registry.
    #[serde(default)]
    pub person_id: Option<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Decision {
    /// What was found or done, for the record.
    #[serde(default)]
    pub note: Option<String>,
    /// For `sanction`: `warning`, `fine`, `suspension` or `revocation`.
    #[serde(default)]
    pub sanction: Option<String>,
    /// For a fine, in UZS.
    #[serde(default)]
    pub fine_amount: Option<i64>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Complaint {
    pub id: String,
    pub recruiter_id: String,
    pub person_id: Option<String>,
    #[serde(rename = "type")]
    pub type_code: String,
    pub severity: String,
    pub description: String,
    pub state: String,
    pub received_at_ms: i64,
    /// Received + 30 days: the finding is due by then.
    pub due_at_ms: i64,
    /// Open past its deadline.
    pub overdue: bool,
    pub resolved_at_ms: Option<i64>,
    pub sanction: String,
    pub fine_amount: Option<i64>,
    pub sanctioned_at_ms: Option<i64>,
}

const COLUMNS: &str = "id, recruiter_id, person_id, type_code, description, state, received_at, due_at, \
     resolved_at, sanction, fine_amount, sanctioned_at";

fn severity(code: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("major", |(_, s)| s)
}

fn from_row(r: &AnyRow, now_ms: i64) -> Result<Complaint, sqlx::Error> {
    let state: String = r.try_get("state")?;
    let due_at_ms: i64 = r.try_get("due_at")?;
    let type_code: String = r.try_get("type_code")?;
    Ok(Complaint {
        id: r.try_get("id")?,
        recruiter_id: r.try_get("recruiter_id")?,
        person_id: r.try_get("person_id")?,
        severity: severity(&type_code).to_string(),
        type_code,
        description: r.try_get("description")?,
        overdue: matches!(state.as_str(), "received" | "investigating") && now_ms > due_at_ms,
        state,
        received_at_ms: r.try_get("received_at")?,
        due_at_ms,
        resolved_at_ms: opt_i64(r, "resolved_at")?,
        sanction: r.try_get("sanction")?,
        fine_amount: opt_i64(r, "fine_amount")?,
        sanctioned_at_ms: opt_i64(r, "sanctioned_at")?,
    })
}

fn clean_text(
    value: &str,
    field: &'static str,
    min: usize,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = value.trim().to_string();
    let n = v.chars().count();
    let control = v.chars().any(|c| c.is_control() && c != '\n' && c != '\r');
    if n < min {
        errors.push(FieldError {
            field,
            message: "err-complaint-description",
        });
    } else if n > max || control {
        errors.push(FieldError {
            field,
            message: "err-invalid-text",
        });
    }
    v
}

/// Records a complaint (licensing officers, e.g. from a call); returns its id.
pub async fn file(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &NewComplaint,
) -> ServiceResult<String> {
    let acting = actor.require(Permission::ManageRecruiters)?;
    file_as(db, clock, actor, acting, input).await
}

/// Records a complaint for an actor whose right to it the caller has checked (an officer,
/// or a citizen about the agency of their own application).
pub async fn file_as(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    acting: Option<crate::platform::access::Role>,
    input: &NewComplaint,
) -> ServiceResult<String> {
    let mut errors = vec![];
    let recruiter = recruiters::find(db, input.recruiter_id.trim()).await?;
    if recruiter.is_none() {
        errors.push(FieldError {
            field: "recruiter_id",
            message: "err-recruiter-unknown",
        });
    }
    let code = input.type_code.trim().to_uppercase();
    if !TYPES.iter().any(|(c, _)| *c == code) {
        errors.push(FieldError {
            field: "type",
            message: "err-complaint-type",
        });
    }
    let description = clean_text(&input.description, "description", 10, 4000, &mut errors);
    let person_id = input
        .person_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(p) = person_id
        && crate::people::store::find(db, p).await?.is_none()
    {
        errors.push(FieldError {
            field: "person_id",
            message: "err-person-unknown",
        });
    }
    let Some(recruiter) = recruiter.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let id = new_id();
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO complaints (id, recruiter_id, person_id, type_code, description, state, received_at, due_at, \
         created_by, updated_at) VALUES ($1, $2, $3, $4, $5, 'received', $6, $7, $8, $6)",
    )
    .bind(&id)
    .bind(&recruiter.id)
    .bind(person_id)
    .bind(&code)
    .bind(&description)
    .bind(now)
    .bind(now + SLA_DAYS * DAY_MS)
    .bind(actor.user_id())
    .execute(&mut *tx)
    .await?;
    insert_event(&mut tx, &id, "file", "", "received", "", actor, now).await?;
    let details = json!({ "recruiter": recruiter.id, "type": code, "person": person_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("complaint.file", "complaint", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    complaint_id: &str,
    action: &str,
    from: &str,
    to: &str,
    note: &str,
    actor: &Actor,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_events (id, complaint_id, action, from_state, to_state, note, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(complaint_id)
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(actor.user_id())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // Every filing and step passes here: the complaint's figures follow it.
    crate::analytics::facts::refresh(tx, crate::analytics::facts::Source::Complaint, complaint_id)
        .await
}

/// What a sanction asks of the licence, if anything.
fn licence_action_for(sanction: &str) -> Option<LicenceAction> {
    match sanction {
        "suspension" => Some(LicenceAction::Suspend),
        "revocation" => Some(LicenceAction::Revoke),
        _ => None,
    }
}

fn validate_sanction(d: &Decision) -> ServiceResult<(String, Option<i64>)> {
    let sanction = d.sanction.as_deref().unwrap_or("").trim().to_string();
    if !SANCTIONS.contains(&sanction.as_str()) {
        return Err(ServiceError::invalid("sanction", "err-sanction"));
    }
    let fine = match (sanction.as_str(), d.fine_amount) {
        ("fine", Some(n)) if n > 0 && n <= 10_000_000_000 => Some(n),
        ("fine", _) => return Err(ServiceError::invalid("fine_amount", "err-amount")),
        _ => None,
    };
    Ok((sanction, fine))
}

/// Moves a complaint (licensing officers). A sanction that suspends or revokes takes the
/// licence decision in the same transaction: if the licence cannot move (already revoked),
/// nothing changes and the answer is 409.
pub async fn decide(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    action: &str,
    d: &Decision,
) -> ServiceResult<Complaint> {
    let acting = actor.require(Permission::ManageRecruiters)?;
    if !ACTIONS.contains(&action) {
        return Err(ServiceError::NotFound);
    }
    let before = read(db, clock, actor, id).await?;
    let to = transition(&before.state, action)
        .ok_or(ServiceError::Conflict("err-complaint-transition"))?;
    let mut errors = vec![];
    let note = clean_text(
        d.note.as_deref().unwrap_or(""),
        "note",
        0,
        2000,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let sanction = if action == "sanction" {
        Some(validate_sanction(d)?)
    } else {
        None
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let moved = sqlx::query(
        "UPDATE complaints SET state = $1, updated_at = $2, \
         resolved_at = CASE WHEN $1 IN ('substantiated', 'unsubstantiated') THEN $2 ELSE resolved_at END \
         WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(&before.state)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(ServiceError::Conflict("err-complaint-transition"));
    }
    if let Some((kind, fine)) = &sanction {
        sqlx::query("UPDATE complaints SET sanction = $1, fine_amount = $2, sanctioned_at = $3 WHERE id = $4")
            .bind(kind)
            .bind(fine)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        super::register::touch(&mut tx).await?;
        if let Some(licence_action) = licence_action_for(kind) {
            let recruiter = recruiters::find(db, &before.recruiter_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let code = &before.type_code;
            let reason = format!("complaint {code} substantiated: {note}");
            let input = LicenceInput {
                reason: Some(
                    reason
                        .trim_end_matches([' ', ':'])
                        .chars()
                        .take(500)
                        .collect(),
                ),
                ..LicenceInput::default()
            };
            decide_in(
                &mut tx,
                actor,
                acting,
                &recruiter,
                licence_action,
                &input,
                now,
            )
            .await?;
        }
    }
    insert_event(&mut tx, id, action, &before.state, to, &note, actor, now).await?;
    let details =
        json!({ "from": before.state, "to": to, "sanction": sanction.as_ref().map(|s| &s.0) });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(&format!("complaint.{action}"), "complaint", id).with(details),
    )
    .await?;
    tx.commit().await?;
    read(db, clock, actor, id).await
}

/// Whether a complaint exists (for other modules linking to it; reveals nothing else).
pub async fn exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 AS one FROM complaints WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn read(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<Complaint> {
    actor.require(Permission::ManageRecruiters)?;
    let sql = format!("SELECT {COLUMNS} FROM complaints WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(from_row(&row, clock.now_ms())?)
}

/// One step of a complaint's history.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Step {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub note: String,
    pub at_ms: i64,
}

pub async fn history(db: &Db, id: &str) -> ServiceResult<Vec<Step>> {
    let rows = sqlx::query(
        "SELECT action, from_state, to_state, note, at FROM complaint_events WHERE complaint_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Step {
                action: r.try_get("action")?,
                from_state: r.try_get("from_state")?,
                to_state: r.try_get("to_state")?,
                note: r.try_get("note")?,
                at_ms: r.try_get("at")?,
            })
        })
        .collect()
}

/// Complaints for the officers: by state (open ones — received or investigating — by
/// default, the nearest deadline first), or one recruiter's.
pub async fn list(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    state: Option<&str>,
    recruiter_id: Option<&str>,
    limit: i64,
) -> ServiceResult<Vec<Complaint>> {
    actor.require(Permission::ManageRecruiters)?;
    let mut sql = SqlBuf::new(&format!("SELECT {COLUMNS} FROM complaints WHERE 1 = 1"));
    match state {
        Some(s) => {
            sql.push(" AND state = ").bind_text(s.to_string());
        }
        None if recruiter_id.is_none() => {
            sql.push(" AND state IN ('received', 'investigating')");
        }
        None => {}
    }
    if let Some(r) = recruiter_id {
        sql.push(" AND recruiter_id = ").bind_text(r.to_string());
    }
    sql.push(" ORDER BY due_at, id LIMIT ").bind_int(limit);
    let now = clock.now_ms();
    Ok(sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| from_row(r, now))
        .collect::<Result<_, _>>()?)
}

/// A sanction as the public check shows it: warnings and fines (suspensions and revocations
/// show as licence decisions already).
pub struct PublicSanction {
    pub recruiter_id: String,
    pub sanction: String,
    pub type_code: String,
    pub at_ms: i64,
}

/// The warnings and fines since `since_ms` of all `recruiter_ids`, in one statement.
/// The warnings and fines of every recruiter since `since_ms` (the in-memory register).
pub async fn public_sanctions_since(
    db: &Db,
    since_ms: i64,
) -> Result<Vec<PublicSanction>, sqlx::Error> {
    sqlx::query(
        "SELECT recruiter_id, sanction, type_code, sanctioned_at FROM complaints \
         WHERE sanction IN ('warning', 'fine') AND sanctioned_at >= $1",
    )
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(PublicSanction {
            recruiter_id: r.try_get("recruiter_id")?,
            sanction: r.try_get("sanction")?,
            type_code: r.try_get("type_code")?,
            at_ms: r.try_get("sanctioned_at")?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_is_investigated_before_any_finding_and_sanctioned_only_if_substantiated() {
        let allowed = [
            ("received", "investigate", "investigating"),
            ("investigating", "substantiate", "substantiated"),
            ("investigating", "dismiss", "unsubstantiated"),
            ("substantiated", "sanction", "sanctioned"),
            ("substantiated", "close", "closed"),
            ("unsubstantiated", "close", "closed"),
            ("sanctioned", "close", "closed"),
        ];
        for from in STATES {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| f == from && a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(transition(from, action), expected, "{from} {action}");
            }
        }
    }

    #[test]
    fn only_known_sanctions_and_positive_fines_pass() {
        let d = |s: &str, amount: Option<i64>| Decision {
            note: None,
            sanction: Some(s.into()),
            fine_amount: amount,
        };
        assert!(validate_sanction(&d("warning", None)).is_ok());
        assert!(validate_sanction(&d("fine", Some(1_000_000))).is_ok());
        assert!(validate_sanction(&d("fine", None)).is_err());
        assert!(validate_sanction(&d("fine", Some(-5))).is_err());
        assert!(validate_sanction(&d("jail", None)).is_err());
        assert_eq!(
            licence_action_for("revocation"),
            Some(LicenceAction::Revoke)
        );
        assert_eq!(licence_action_for("warning"), None);
    }
}
