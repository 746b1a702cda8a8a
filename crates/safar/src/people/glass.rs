//! Break-the-glass on a person's record: staff whose region or district does not cover the
//! person (a caller from another region on a night shift) may open the record after stating
//! why. The access lasts three hours, covers reading the record and opening a case for the
//! person, is audited with the reason, and supervisors see it on their list.

use serde_json::json;

use super::service::{Deps, scopes_of};
use super::store;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};

pub const GLASS_MS: i64 = 3 * 3600 * 1000;

/// The role under which the actor may use `perm` on the person through a live
/// break-the-glass access.
pub async fn holder(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    person_id: &str,
    perm: Permission,
) -> ServiceResult<Option<Role>> {
    let Some(user) = actor.user_id() else {
        return Ok(None);
    };
    let role = actor.role_holding(perm);
    if role.is_none() || !store::has_access_grant(db, person_id, user, clock.now_ms()).await? {
        return Ok(None);
    }
    Ok(role)
}

/// Opens a person's record outside the actor's scope for three hours; answers when the
/// access ends.
pub async fn break_glass(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    reason: &str,
) -> ServiceResult<i64> {
    let (Some(user), true) = (actor.user_id(), actor.holds(Permission::ViewPersons)) else {
        return Err(actor.refusal().into());
    };
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scopes = scopes_of(&row.region_iso, row.district_soato.as_deref());
    if actor.require_at(Permission::ViewPersons, &scopes).is_ok() {
        return Err(ServiceError::Conflict("err-glass-in-scope"));
    }
    let reason = reason.trim();
    if !(10..=500).contains(&reason.chars().count()) || reason.chars().any(char::is_control) {
        return Err(ServiceError::Invalid(vec![FieldError {
            field: "reason",
            message: "err-glass-reason",
        }]));
    }
    let now = deps.clock.now_ms();
    let until = now + GLASS_MS;
    let role = actor.role_holding(Permission::ViewPersons);
    let mut tx = deps.db.begin().await?;
    store::insert_access_grant(
        &mut tx,
        person_id,
        user,
        &row.region_iso,
        reason,
        now,
        until,
    )
    .await?;
    let details = json!({ "reason": reason, "region": row.region_iso, "expires_at": until });
    audit::append(
        &mut tx,
        actor,
        role,
        now,
        Event::new("person.break_glass", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(until)
}
