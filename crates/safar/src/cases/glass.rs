//! Break-the-glass: an operator whose scope does not cover a case (a caller from another
//! region on a night shift) may still open it after stating why. The access lasts three
//! hours, is written to the audit log with the reason, and supervisors see every such
//! access on their list.

use serde_json::json;

use super::service::{err, text};
use super::store;
use super::work_store::{self, GlassAccess};
use crate::people::service::scopes_of;
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};

pub const GLASS_MS: i64 = 3 * 3600 * 1000;

/// The role under which the actor holds a live break-the-glass access to the case.
pub async fn holder(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
) -> ServiceResult<Option<Role>> {
    let Some(user) = actor.user_id() else {
        return Ok(None);
    };
    if work_store::active_grant(db, case_id, user, clock.now_ms())
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(actor.role_holding(Permission::ManageCases))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CaseGlassInput)]
pub struct GlassInput {
    /// Why the case must be opened outside one's scope (10–500 characters).
    #[serde(default)]
    pub reason: String,
}

/// Opens a case outside the actor's scope for three hours; answers when the access ends.
pub async fn break_glass(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    input: &GlassInput,
) -> ServiceResult<i64> {
    let (Some(user), true) = (actor.user_id(), actor.holds(Permission::ManageCases)) else {
        return Err(actor.refusal().into());
    };
    let case = store::find(db, case_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let district = people::find(db, &case.person_id)
        .await?
        .and_then(|p| p.district_soato);
    if actor
        .require_at(
            Permission::ManageCases,
            &scopes_of(&case.region, district.as_deref()),
        )
        .is_ok()
    {
        return Err(ServiceError::Conflict("err-glass-in-scope"));
    }
    let mut errors = vec![];
    let reason = text(&input.reason, "reason", 500, &mut errors);
    if reason.chars().count() < 10 {
        errors.push(err("reason", "err-glass-reason"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let until = now + GLASS_MS;
    let role = actor.role_holding(Permission::ManageCases);
    let mut tx = db.begin().await?;
    work_store::insert_grant(&mut tx, case_id, user, &case.region, &reason, now, until).await?;
    let details = json!({ "reason": reason, "region": case.region, "expires_at": until });
    audit::append(
        &mut tx,
        actor,
        role,
        now,
        Event::new("case.break_glass", "case", case_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(until)
}

/// The supervisors' list: break-the-glass accesses of the last 30 days to cases and
/// persons in their regions, newest first.
pub async fn accesses(db: &Db, clock: &Clock, actor: &Actor) -> ServiceResult<Vec<GlassAccess>> {
    if !actor.holds(Permission::SuperviseCases) {
        return Err(actor.refusal().into());
    }
    let since = clock.now_ms() - 30 * 24 * 3600 * 1000;
    let regions = actor.regions_for(Permission::SuperviseCases);
    let mut all = work_store::grants_since(db, since, regions.as_deref()).await?;
    let persons = people::access_grants_since(db, since, regions.as_deref()).await?;
    all.extend(persons.into_iter().map(|g| GlassAccess {
        kind: "person".into(),
        target_id: g.person_id,
        user: g.user,
        region: g.region,
        reason: g.reason,
        granted_at: g.granted_at,
        expires_at: g.expires_at,
    }));
    all.sort_by_key(|g| std::cmp::Reverse(g.granted_at));
    Ok(all)
}
