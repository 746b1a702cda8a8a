//! Consent per purpose, legal holds, and the citizen's rights over their data
//! (download, anonymisation). Checks, writes and audit happen together here.

use serde_json::json;

use super::service::{Deps, scopes_of};
use super::store::{self, Consent, LegalHold, PersonRow};
use crate::platform::access::{AccessError, Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

/// The purposes a person can consent to.
pub const PURPOSES: &[&str] = &["registry", "job_matching", "partner_sharing", "research"];
pub const CHANNELS: &[&str] = &["web", "phone", "paper", "walk_in"];
/// The version of the consent texts (`consent-<purpose>-text` in the locales) now shown.
/// Change it whenever a text changes: each consent keeps the version the person saw.
pub const TEXT_VERSION: &str = "2026-11";

/// Whether the person's data may be used for `purpose` (with `partner` for sharing).
/// Modules that process data for a purpose call this first.
pub async fn allows(
    db: &Db,
    person_id: &str,
    purpose: &str,
    partner: &str,
) -> Result<bool, sqlx::Error> {
    store::active_consent(db, person_id, purpose, partner).await
}

/// Who may act on a person's consents: the person, or staff who may edit them.
fn consent_actor(actor: &Actor, row: &PersonRow) -> ServiceResult<Option<Role>> {
    if actor.user_id().is_some() && row.user_id.as_deref() == actor.user_id() {
        return Ok(Some(Role::Citizen));
    }
    Ok(actor.require_at(
        Permission::EditPersons,
        &scopes_of(&row.region_iso, row.district_soato.as_deref()),
    )?)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewConsent {
    pub purpose: String,
    /// The partner organisation, for `partner_sharing`.
    #[serde(default)]
    pub partner: Option<String>,
    /// How the consent was given; citizens online are always `web`.
    #[serde(default)]
    pub channel: Option<String>,
}

pub async fn give(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    input: &NewConsent,
) -> ServiceResult<String> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = consent_actor(actor, &row)?;
    let own = acting == Some(Role::Citizen);
    let mut errors = vec![];
    if !PURPOSES.contains(&input.purpose.as_str()) {
        errors.push(FieldError {
            field: "purpose",
            message: "err-consent-purpose",
        });
    }
    let partner = input.partner.as_deref().unwrap_or("").trim().to_string();
    if input.purpose == "partner_sharing" && partner.is_empty() {
        errors.push(FieldError {
            field: "partner",
            message: "err-required",
        });
    }
    if partner.chars().count() > 120 || partner.chars().any(char::is_control) {
        errors.push(FieldError {
            field: "partner",
            message: "err-invalid-text",
        });
    }
    let channel = if own {
        "web".to_string()
    } else {
        input.channel.clone().unwrap_or_else(|| "phone".into())
    };
    if !CHANNELS.contains(&channel.as_str()) {
        errors.push(FieldError {
            field: "channel",
            message: "err-consent-channel",
        });
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let partner = if input.purpose == "partner_sharing" {
        partner
    } else {
        String::new()
    };
    if store::active_consent(deps.db, person_id, &input.purpose, &partner).await? {
        return Err(ServiceError::Conflict("err-consent-exists"));
    }
    let now = deps.clock.now_ms();
    let consent = Consent {
        id: new_id(),
        purpose: input.purpose.clone(),
        partner,
        text_version: TEXT_VERSION.into(),
        channel,
        given_at_ms: now,
        withdrawn_at_ms: None,
    };
    let mut tx = deps.db.begin().await?;
    store::insert_consent(&mut tx, person_id, &consent, actor.user_id()).await?;
    let details = json!({ "purpose": consent.purpose, "partner": consent.partner, "version": TEXT_VERSION, "channel": consent.channel });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("consent.give", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(consent.id)
}

pub async fn withdraw(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    consent_id: &str,
) -> ServiceResult<()> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = consent_actor(actor, &row)?;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    if !store::withdraw_consent(&mut tx, person_id, consent_id, now).await? {
        return Err(ServiceError::NotFound);
    }
    let details = json!({ "consent": consent_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("consent.withdraw", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(deps: Deps<'_>, actor: &Actor, person_id: &str) -> ServiceResult<Vec<Consent>> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let own = actor.user_id().is_some() && row.user_id.as_deref() == actor.user_id();
    if !own {
        actor.require_at(
            Permission::ViewPersons,
            &scopes_of(&row.region_iso, row.district_soato.as_deref()),
        )?;
    }
    Ok(store::consents(deps.db, person_id).await?)
}

/// Holds are placed by staff responsible for the person's region (or nationally).
async fn hold_actor(deps: Deps<'_>, actor: &Actor, person_id: &str) -> ServiceResult<Option<Role>> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scopes = scopes_of(&row.region_iso, row.district_soato.as_deref());
    Ok(actor.require_at(Permission::ManageLegalHolds, &scopes)?)
}

/// Places a legal hold: while one is active, the person cannot be anonymised.
pub async fn place_hold(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    reason: &str,
) -> ServiceResult<String> {
    let acting = hold_actor(deps, actor, person_id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 || reason.chars().any(char::is_control) {
        return Err(ServiceError::invalid("reason", "err-hold-reason"));
    }
    let now = deps.clock.now_ms();
    let id = new_id();
    let mut tx = deps.db.begin().await?;
    store::insert_hold(&mut tx, &id, person_id, reason, actor.user_id(), now).await?;
    let details = json!({ "hold": id, "reason": reason });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("legal_hold.place", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn release_hold(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
    hold_id: &str,
) -> ServiceResult<()> {
    let acting = hold_actor(deps, actor, person_id).await?;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    if !store::release_hold(&mut tx, person_id, hold_id, now).await? {
        return Err(ServiceError::NotFound);
    }
    let details = json!({ "hold": hold_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("legal_hold.release", "person", person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What happened to a request to be forgotten.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub enum Anonymisation {
    /// Names, contacts and identifiers are gone; the account is closed.
    Done,
    /// Refused while these holds are active; their reasons are shown to the person.
    Refused { holds: Vec<LegalHold> },
}

/// A citizen asks to be forgotten. Refused (and the refusal recorded) while a legal hold is
/// active; otherwise carried out at once, account included.
pub async fn anonymise_own(
    deps: Deps<'_>,
    actor: &Actor,
    person_id: &str,
) -> ServiceResult<Anonymisation> {
    let row = store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(user_id) = actor
        .user_id()
        .filter(|u| row.user_id.as_deref() == Some(*u))
    else {
        return Err(if actor.is_signed_in() {
            AccessError::Forbidden
        } else {
            AccessError::Unauthenticated
        }
        .into());
    };
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    let holds = store::active_holds(&mut tx, person_id).await?;
    if !holds.is_empty() {
        let details = json!({ "holds": holds.iter().map(|h| h.id.clone()).collect::<Vec<_>>() });
        audit::append(
            &mut tx,
            actor,
            Some(Role::Citizen),
            now,
            Event::new("person.anonymise_refused", "person", person_id).with(details),
        )
        .await?;
        tx.commit().await?;
        return Ok(Anonymisation::Refused { holds });
    }
    store::anonymise(&mut tx, person_id, now).await?;
    super::details::forget_contacts(&mut tx, person_id).await?;
    crate::accounts::anonymise_account(&mut tx, user_id, now).await?;
    audit::append(
        &mut tx,
        actor,
        Some(Role::Citizen),
        now,
        Event::new("person.anonymise", "person", person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Anonymisation::Done)
}
