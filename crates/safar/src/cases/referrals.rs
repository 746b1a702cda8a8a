//! Handing a case to whoever can act: the registry of partner organisations (consulates,
//! the agency's offices abroad, IOM, shelters, ministries, legal aid), referrals from a
//! case, and what partner users do with them. A partner sees only the referrals sent to its
//! organisation — the request, the category and where the person is — never the case's
//! summary or its internal notes; the person's name only when they agreed to share it.

use serde_json::json;

use super::model;
use super::service::{err, in_scope, text};
use super::store;
use super::work_store::{self, NewReferral, Note, Partner, Referral};
use crate::people::privacy;
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Scope, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::ids::new_id;

pub const PARTNER_KINDS: [&str; 6] = [
    "consulate",
    "agency_office",
    "iom",
    "ngo_shelter",
    "ministry",
    "legal_aid",
];

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PartnerInput {
    #[serde(default)]
    pub name: String,
    /// `consulate`, `agency_office`, `iom`, `ngo_shelter`, `ministry` or `legal_aid`.
    #[serde(default)]
    pub kind: String,
    /// Where the partner works: ISO 3166-1 alpha-2 (`UZ` at home).
    #[serde(default)]
    pub country: String,
    /// Phone, e-mail or address for the operators.
    #[serde(default)]
    pub contact: String,
}

/// Adds a partner to the registry (supervisors; national).
pub async fn add_partner(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &PartnerInput,
) -> ServiceResult<Partner> {
    let acting = actor.require(Permission::ManagePartners)?;
    let mut errors = vec![];
    let name = text(&input.name, "name", 120, &mut errors);
    if name.chars().count() < 2 {
        errors.push(err("name", "err-required"));
    } else if work_store::partner_named(db, &name).await? {
        errors.push(err("name", "err-partner-exists"));
    }
    if !PARTNER_KINDS.contains(&input.kind.as_str()) {
        errors.push(err("kind", "err-partner-kind"));
    }
    let country = input.country.trim().to_uppercase();
    // `country_exists` answers for countries abroad; partners may also work at home.
    if country != "UZ" && !people::country_exists(db, &country).await? {
        errors.push(err("country", "err-case-country"));
    }
    let contact = text(&input.contact, "contact", 300, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let partner = Partner {
        id: new_id(),
        name,
        kind: input.kind.clone(),
        country,
        contact,
        active: true,
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    work_store::insert_partner(&mut tx, &partner, now).await?;
    let details = json!({ "name": partner.name, "kind": partner.kind, "country": partner.country });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("partner.add", "partner", &partner.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(partner)
}

/// The partner registry, for those who refer cases or keep it.
pub async fn partners(db: &Db, actor: &Actor) -> ServiceResult<Vec<Partner>> {
    if !actor.holds(Permission::ManageCases) && !actor.holds(Permission::ManagePartners) {
        return Err(actor.refusal().into());
    }
    Ok(work_store::partners(db).await?)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReferInput {
    #[serde(default)]
    pub partner_id: String,
    /// What the partner is asked to do: the only case text the partner sees.
    #[serde(default)]
    pub request: String,
    /// The person agreed (on this call) to share their name with this partner; recorded
    /// as their `partner_sharing` consent.
    #[serde(default)]
    pub share_identity: bool,
}

/// Refers a case to a partner: the case moves to `referred` (a case already referred may be
/// referred to a second partner) and the partner's users see the request.
pub async fn refer(
    deps: crate::people::service::Deps<'_>,
    actor: &Actor,
    case_id: &str,
    input: &ReferInput,
) -> ServiceResult<Referral> {
    let (case, acting) = in_scope(deps.db, deps.clock, actor, case_id).await?;
    let to = match model::transition(&case.status, "refer") {
        Some(to) => to,
        None if case.status == "referred" => "referred",
        None => return Err(ServiceError::Conflict("err-case-transition")),
    };
    let mut errors = vec![];
    let partner = work_store::partner(deps.db, input.partner_id.trim())
        .await?
        .filter(|p| p.active);
    if partner.is_none() {
        errors.push(err("partner_id", "err-partner-unknown"));
    }
    let request = text(&input.request, "request", 2000, &mut errors);
    if request.chars().count() < 3 {
        errors.push(err("request", "err-required"));
    }
    let (Some(partner), true) = (partner, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let identity_shared =
        sharing_consent(deps, actor, &case.person_id, &partner.name, input).await?;
    let now = deps.clock.now_ms();
    let id = new_id();
    let mut tx = deps.db.begin().await?;
    if to != case.status {
        let step = store::Step {
            id: case_id,
            from: &case.status,
            to,
            action: "refer",
            note: &request,
            closure: None,
            actor_id: actor.user_id(),
        };
        if !store::step(&mut tx, &step, now).await? {
            return Err(ServiceError::Conflict("err-case-transition"));
        }
    }
    let referral = NewReferral {
        id: &id,
        case_id,
        partner_id: &partner.id,
        request: &request,
        identity_shared,
        created_by: actor.user_id(),
    };
    work_store::insert_referral(&mut tx, &referral, now).await?;
    let details = json!({ "referral": id, "partner": partner.id, "from": case.status, "to": to, "identity_shared": identity_shared });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("case.refer", "case", case_id).with(details),
    )
    .await?;
    tx.commit().await?;
    work_store::referral(deps.db, &id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Whether the partner may see the person's name: a consent to share with this partner,
/// already on record or given now on the call (then recorded, with its own audit entry).
async fn sharing_consent(
    deps: crate::people::service::Deps<'_>,
    actor: &Actor,
    person_id: &str,
    partner: &str,
    input: &ReferInput,
) -> ServiceResult<bool> {
    if privacy::allows(deps.db, person_id, "partner_sharing", partner).await? {
        return Ok(true);
    }
    if !input.share_identity {
        return Ok(false);
    }
    let consent = privacy::NewConsent {
        purpose: "partner_sharing".into(),
        partner: Some(partner.to_string()),
        channel: Some("phone".into()),
    };
    privacy::give(deps, actor, person_id, &consent).await?;
    Ok(true)
}

/// The partner organisations the actor works for.
fn organisations(actor: &Actor) -> Vec<String> {
    actor.scope_values(Permission::HandleReferrals, ScopeKind::Partner)
}

/// The referrals sent to the actor's organisation.
pub async fn inbox(db: &Db, actor: &Actor) -> ServiceResult<Vec<Referral>> {
    if !actor.holds(Permission::HandleReferrals) {
        return Err(actor.refusal().into());
    }
    Ok(work_store::referrals_to(db, &organisations(actor)).await?)
}

/// A referral as its partner sees it, with the person's name when they agreed to share it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PartnerView {
    #[serde(flatten)]
    pub referral: Referral,
    pub person_name: Option<String>,
}

/// Reads a referral sent to the actor's organisation (an audited read).
pub async fn open(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<PartnerView> {
    let (referral, acting) = addressed(db, actor, id).await?;
    let person_name = if referral.identity_shared {
        let case = store::find(db, &referral.case_id).await?;
        match case {
            Some(c) => people::find(db, &c.person_id)
                .await?
                .map(|p| format!("{} {} ({})", p.family_name, p.given_name, p.birth_date)),
            None => None,
        }
    } else {
        None
    };
    let event = Event::new("referral.read", "referral", id)
        .with(json!({ "case": referral.case_id, "identity_shared": referral.identity_shared }));
    audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
    Ok(PartnerView {
        referral,
        person_name,
    })
}

/// A referral and the role under which the actor handles it: it must be addressed to one
/// of the actor's organisations.
async fn addressed(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> ServiceResult<(Referral, Option<crate::platform::access::Role>)> {
    if !actor.holds(Permission::HandleReferrals) {
        return Err(actor.refusal().into());
    }
    let referral = work_store::referral(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scope = Scope {
        kind: ScopeKind::Partner,
        value: referral.partner_id.clone(),
    };
    let acting = actor.require_in(Permission::HandleReferrals, Some(&scope))?;
    Ok((referral, acting))
}

/// What a partner does with a referral: `accept` or `decline` it when sent, then `update`
/// (as often as needed) and `done`. Declining and updates need a note.
pub fn referral_transition(from: &str, action: &str) -> Option<&'static str> {
    Some(match (from, action) {
        ("sent", "accept") => "accepted",
        ("sent", "decline") => "declined",
        ("accepted", "update") => "accepted",
        ("accepted", "done") => "done",
        _ => return None,
    })
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReferralStep {
    /// What the partner did or found (required to decline and for updates).
    #[serde(default)]
    pub note: String,
}

pub async fn partner_act(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    action: &str,
    input: &ReferralStep,
) -> ServiceResult<Referral> {
    let (referral, acting) = addressed(db, actor, id).await?;
    let to = referral_transition(&referral.status, action)
        .ok_or(ServiceError::Conflict("err-referral-transition"))?;
    let mut errors = vec![];
    let note = text(&input.note, "note", 2000, &mut errors);
    if matches!(action, "decline" | "update") && note.is_empty() {
        errors.push(err("note", "err-required"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !work_store::move_referral(&mut tx, id, &referral.status, to, now).await? {
        return Err(ServiceError::Conflict("err-referral-transition"));
    }
    work_store::add_update(&mut tx, id, action, "partner", &note, actor.user_id(), now).await?;
    let details = json!({ "case": referral.case_id, "from": referral.status, "to": to });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(&format!("referral.{action}"), "referral", id).with(details),
    )
    .await?;
    tx.commit().await?;
    work_store::referral(db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NoteInput {
    #[serde(default)]
    pub body: String,
    /// Public notes are also shown to family members following the case; internal ones
    /// (the default) to staff only.
    #[serde(default)]
    pub public: bool,
}

/// Adds a note to a case (staff in scope).
pub async fn add_note(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    input: &NoteInput,
) -> ServiceResult<Note> {
    let (_, acting) = in_scope(db, clock, actor, case_id).await?;
    let mut errors = vec![];
    let body = text(&input.body, "body", 4000, &mut errors);
    if body.is_empty() {
        errors.push(err("body", "err-required"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let note = Note {
        id: new_id(),
        visibility: if input.public { "public" } else { "internal" }.into(),
        body,
        at: clock.now_ms(),
    };
    let mut tx = db.begin().await?;
    work_store::insert_note(&mut tx, case_id, &note, actor.user_id()).await?;
    audit::append(
        &mut tx,
        actor,
        acting,
        note.at,
        Event::new("case.note", "case", case_id).with(json!({ "visibility": note.visibility })),
    )
    .await?;
    tx.commit().await?;
    Ok(note)
}

/// The work on a case shown with it (to staff who may read the case: call after
/// `service::read`).
pub struct Work {
    pub referrals: Vec<Referral>,
    pub notes: Vec<Note>,
    pub attachments: Vec<work_store::Attachment>,
    pub links: Vec<work_store::Link>,
}

pub async fn work_of(db: &Db, case_id: &str) -> ServiceResult<Work> {
    Ok(Work {
        referrals: work_store::referrals_of_case(db, case_id).await?,
        notes: work_store::notes(db, case_id, false).await?,
        attachments: work_store::attachments(db, case_id).await?,
        links: work_store::links(db, case_id).await?,
    })
}
