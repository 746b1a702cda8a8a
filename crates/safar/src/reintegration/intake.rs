//! Returnee intake, as use cases: a reintegration officer records a returnee's intake —
//! linked to their latest return journey, or recording it — with a needs assessment across
//! economic, social and psychosocial dimensions. A short distress screen flags high risk and
//! then starts the safe referral path at once (psychosocial support referred, a follow-up in
//! two days). The service plan is a list of referrals to services of the reintegration
//! taxonomy, each with a provider, status and outcome; follow-ups at set dates make the
//! officer's queue. Everything is scoped by the person's region and audited.

use serde_json::json;

use super::intake_store::{self as store, FollowUp, Intake, Service};
use crate::people::service::{Deps, NewJourney, scopes_of};
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

/// The reintegration services (taxonomy (c)), in the order the plan offers them.
pub const SERVICES: [&str; 14] = [
    "RS-CM", "RS-SKR", "RS-TRN", "RS-JOB", "RS-BIZ", "RS-FIN", "RS-LEG", "RS-PSS", "RS-MED",
    "RS-HOU", "RS-FAM", "RS-DOC", "RS-RET", "RS-COM",
];

pub const INCOME: [&str; 4] = ["none", "irregular", "below_minimum", "sufficient"];
pub const DEBTS: [&str; 3] = ["none", "manageable", "heavy"];
pub const HEALTH: [&str; 3] = ["good", "needs_care", "urgent"];
pub const HOUSING: [&str; 3] = ["secure", "insecure", "none"];
pub const DOCUMENTS: [&str; 2] = ["complete", "missing"];

/// The distress screen: five questions on the last two weeks, each 0 (never) to 3 (nearly
/// every day). A total of 10 or more, or any thought of self-harm, is a high risk.
pub const SCREEN: [&str; 5] = ["sleep", "worry", "hopeless", "alone", "coping"];
pub const HIGH_RISK_SCORE: i64 = 10;

/// A needs assessment. Bands are codes (see the constants); texts are free.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Assessment {
    /// Economic: what they did abroad, skills gained, income and debts now.
    #[serde(default)]
    pub work_abroad: String,
    #[serde(default)]
    pub skills_gained: String,
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub debts: String,
    /// Social: health, housing, family, documents.
    #[serde(default)]
    pub health: String,
    #[serde(default)]
    pub housing: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub documents: String,
    /// Psychosocial: the five screen answers (0–3 each) and self-harm thoughts.
    #[serde(default)]
    pub screen: Vec<i64>,
    #[serde(default)]
    pub self_harm: bool,
    #[serde(default)]
    pub notes: String,
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn clean(text: &str, max: usize) -> Option<String> {
    if text.trim().is_empty() {
        return Some(String::new());
    }
    crate::platform::text::clean_text(text, 1..=max)
}

fn today(clock: &Clock) -> time::Date {
    crate::recruiters::service::today(clock)
}

/// The checked assessment and its screen total, or the problems.
pub fn check_assessment(a: &Assessment) -> Result<(Assessment, i64), Vec<FieldError>> {
    let mut errors = vec![];
    let band = |value: &str, allowed: &[&str], field, errors: &mut Vec<FieldError>| {
        if !allowed.contains(&value) {
            errors.push(err(field, "err-returnee-band"));
        }
    };
    band(&a.income, &INCOME, "income", &mut errors);
    band(&a.debts, &DEBTS, "debts", &mut errors);
    band(&a.health, &HEALTH, "health", &mut errors);
    band(&a.housing, &HOUSING, "housing", &mut errors);
    band(&a.documents, &DOCUMENTS, "documents", &mut errors);
    if a.screen.len() != SCREEN.len() || a.screen.iter().any(|s| !(0..=3).contains(s)) {
        errors.push(err("screen", "err-returnee-screen"));
    }
    let mut text = |value: &str, field, max| {
        clean(value, max).unwrap_or_else(|| {
            errors.push(err(field, "err-returnee-text"));
            String::new()
        })
    };
    let checked = Assessment {
        work_abroad: text(&a.work_abroad, "work_abroad", 500),
        skills_gained: text(&a.skills_gained, "skills_gained", 500),
        family: text(&a.family, "family", 500),
        notes: text(&a.notes, "notes", 2_000),
        ..a.clone()
    };
    if errors.is_empty() {
        Ok((checked, a.screen.iter().sum()))
    } else {
        Err(errors)
    }
}

/// Whether the screen calls for the safe referral path.
pub fn high_risk(a: &Assessment, score: i64) -> bool {
    a.self_harm || score >= HIGH_RISK_SCORE
}

/// A new intake: the person, the assessment, and the return when the registry has none.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct IntakeInput {
    #[serde(default)]
    pub person_id: String,
    /// Recorded first when given (a return the registry does not know yet).
    #[serde(default)]
    pub returned: Option<NewJourney>,
    #[serde(default)]
    pub assessment: Assessment,
}

async fn person_in_scope(
    db: &Db,
    actor: &Actor,
    person_id: &str,
) -> ServiceResult<(people::PersonRow, Option<Role>)> {
    if !actor.holds(Permission::ManageReintegration) {
        return Err(actor.refusal().into());
    }
    let person = people::find(db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let scopes = scopes_of(&person.region_iso, person.district_soato.as_deref());
    let acting = actor.require_at(Permission::ManageReintegration, &scopes)?;
    Ok((person, acting))
}

/// Records an intake, linked to the person's latest return (recorded first if given). A
/// high-risk screen refers psychosocial support and sets a follow-up in two days.
pub async fn open(deps: Deps<'_>, actor: &Actor, input: &IntakeInput) -> ServiceResult<Intake> {
    let (person, acting) = person_in_scope(deps.db, actor, &input.person_id).await?;
    let (assessment, score) = check_assessment(&input.assessment).map_err(ServiceError::Invalid)?;
    if let Some(journey) = &input.returned {
        if journey.kind != "return" {
            return Err(ServiceError::invalid("kind", "err-journey-kind"));
        }
        match crate::people::service::add_journey(deps, actor, &person.id, journey).await {
            Ok(_) | Err(ServiceError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let last_return = people::journeys(deps.db, &person.id)
        .await?
        .into_iter()
        .filter(|j| j.kind == "return")
        .max_by(|a, b| a.event_date.cmp(&b.event_date));
    let Some(last_return) = last_return else {
        return Err(ServiceError::invalid("returned", "err-returnee-no-return"));
    };
    let intake = Intake {
        id: new_id(),
        person_id: person.id.clone(),
        region: person.region_iso.clone(),
        district: person.district_soato.clone().unwrap_or_default(),
        return_journey_id: Some(last_return.id.clone()),
        status: "open".into(),
        high_risk: high_risk(&assessment, score),
        assessment,
        distress_score: score,
        created_at: deps.clock.now_ms(),
    };
    let now = intake.created_at;
    let mut tx = deps.db.begin().await?;
    store::insert_intake(&mut tx, &intake, actor.user_id(), now).await?;
    if intake.high_risk {
        safe_referral(&mut tx, &intake, today(deps.clock), now).await?;
    }
    let details = json!({ "person": person.id, "return": last_return.event_date,
        "distress_score": score, "high_risk": intake.high_risk });
    let event = Event::new("returnee.intake", "person", &person.id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(intake)
}

/// The safe referral path for a high-risk screen: psychosocial support referred today and
/// a follow-up call in two days, on the officer's queue.
async fn safe_referral(
    tx: &mut crate::platform::db::Tx,
    intake: &Intake,
    day: time::Date,
    now: i64,
) -> ServiceResult<()> {
    let service = Service {
        id: new_id(),
        intake_id: intake.id.clone(),
        service: "RS-PSS".into(),
        provider: "Psychosocial support (urgent referral)".into(),
        status: "referred".into(),
        outcome: String::new(),
        due_on: day.to_string(),
    };
    store::insert_service(tx, &service, now).await?;
    let followup = FollowUp {
        id: new_id(),
        intake_id: intake.id.clone(),
        region: intake.region.clone(),
        due_on: (day + time::Duration::days(2)).to_string(),
        note: "High distress screen: check the psychosocial referral was taken up.".into(),
        ..FollowUp::default()
    };
    store::insert_followup(tx, &followup, now).await?;
    Ok(())
}

/// An intake with its plan and follow-ups.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IntakeView {
    pub intake: Intake,
    pub services: Vec<Service>,
    pub followups: Vec<FollowUp>,
}

/// The intake and the role the actor acts in, when it is in their scope.
pub(super) async fn intake_in_scope(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> ServiceResult<(Intake, Option<Role>)> {
    if !actor.holds(Permission::ManageReintegration) {
        return Err(actor.refusal().into());
    }
    let intake = store::intake(db, id).await?.ok_or(ServiceError::NotFound)?;
    let district = Some(intake.district.as_str()).filter(|d| !d.is_empty());
    let acting = actor.require_at(
        Permission::ManageReintegration,
        &scopes_of(&intake.region, district),
    )?;
    Ok((intake, acting))
}

/// Reads an intake (audited: it is a person's data).
pub async fn read(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<IntakeView> {
    let (intake, acting) = intake_in_scope(db, actor, id).await?;
    let event = Event::new("returnee.read", "person", &intake.person_id);
    audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
    Ok(IntakeView {
        services: store::services(db, id).await?,
        followups: store::followups(db, id).await?,
        intake,
    })
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ServiceInput {
    /// A code of the reintegration services, e.g. `RS-TRN`.
    #[serde(default)]
    pub service: String,
    /// Who provides it: a centre, college, NGO, bank …
    #[serde(default)]
    pub provider: String,
    /// `YYYY-MM-DD`: when it should start.
    #[serde(default)]
    pub due_on: String,
}

/// Adds a service to the plan, as planned.
pub async fn add_service(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    intake_id: &str,
    input: &ServiceInput,
) -> ServiceResult<Service> {
    let (intake, acting) = intake_in_scope(db, actor, intake_id).await?;
    let mut errors = vec![];
    if !SERVICES.contains(&input.service.as_str()) {
        errors.push(err("service", "err-returnee-service"));
    }
    let provider = crate::platform::text::clean_text(&input.provider, 2..=200);
    if provider.is_none() {
        errors.push(err("provider", "err-returnee-provider"));
    }
    let due_on = crate::people::model::parse_date(&input.due_on).filter(|d| d.year() >= 2000);
    if due_on.is_none() {
        errors.push(err("due_on", "err-returnee-date"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let service = Service {
        id: new_id(),
        intake_id: intake.id.clone(),
        service: input.service.clone(),
        provider: provider.unwrap_or_default(),
        status: "planned".into(),
        outcome: String::new(),
        due_on: due_on.map(|d| d.to_string()).unwrap_or_default(),
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert_service(&mut tx, &service, now).await?;
    let details =
        json!({ "intake": intake.id, "service": service.service, "provider": service.provider });
    let event = Event::new("returnee.service.add", "person", &intake.person_id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(service)
}

/// The steps of a service: refer it, start it, finish it (with an outcome) or record that
/// the person declined.
fn service_step(step: &str) -> Option<(&'static [&'static str], &'static str)> {
    match step {
        "refer" => Some((&["planned"], "referred")),
        "start" => Some((&["planned", "referred"], "in_progress")),
        "done" => Some((&["referred", "in_progress"], "done")),
        "decline" => Some((&["planned", "referred", "in_progress"], "declined")),
        _ => None,
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct OutcomeInput {
    /// What came of it (required to finish or decline).
    #[serde(default)]
    pub outcome: String,
}

pub async fn step_service(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    intake_id: &str,
    service_id: &str,
    step: &str,
    input: &OutcomeInput,
) -> ServiceResult<Service> {
    let (intake, acting) = intake_in_scope(db, actor, intake_id).await?;
    let (from, to) = service_step(step).ok_or(ServiceError::NotFound)?;
    let service = store::services(db, intake_id)
        .await?
        .into_iter()
        .find(|s| s.id == service_id)
        .ok_or(ServiceError::NotFound)?;
    if !from.contains(&service.status.as_str()) {
        return Err(ServiceError::Conflict("err-returnee-step"));
    }
    if super::courses_store::service_has_live_enrolment(db, service_id).await? {
        return Err(ServiceError::Conflict("err-returnee-on-course"));
    }
    let needs_outcome = matches!(to, "done" | "declined");
    let outcome = crate::platform::text::clean_text(&input.outcome, 3..=1_000);
    let sent = !input.outcome.trim().is_empty();
    if (needs_outcome || sent) && outcome.is_none() {
        return Err(ServiceError::invalid("outcome", "err-returnee-outcome"));
    }
    let outcome = outcome.unwrap_or(service.outcome.clone());
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::step_service(&mut tx, service_id, &service.status, to, &outcome, now).await? {
        return Err(ServiceError::Conflict("err-returnee-step"));
    }
    let details = json!({ "intake": intake.id, "service": service.service, "from": service.status, "to": to });
    let event = Event::new("returnee.service.step", "person", &intake.person_id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(Service {
        status: to.into(),
        outcome,
        ..service
    })
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// `YYYY-MM-DD`, today or later.
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub note: String,
}

/// Sets a follow-up on the officer's queue.
pub async fn add_followup(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    intake_id: &str,
    input: &FollowUpInput,
) -> ServiceResult<FollowUp> {
    let (intake, acting) = intake_in_scope(db, actor, intake_id).await?;
    let mut errors = vec![];
    let due_on = crate::people::model::parse_date(&input.due_on).filter(|d| *d >= today(clock));
    if due_on.is_none() {
        errors.push(err("due_on", "err-returnee-followup-date"));
    }
    let note = crate::platform::text::clean_text(&input.note, 3..=500);
    if note.is_none() {
        errors.push(err("note", "err-returnee-note"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let followup = FollowUp {
        id: new_id(),
        intake_id: intake.id.clone(),
        region: intake.region.clone(),
        due_on: due_on.map(|d| d.to_string()).unwrap_or_default(),
        note: note.unwrap_or_default(),
        ..FollowUp::default()
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert_followup(&mut tx, &followup, now).await?;
    let event = Event::new("returnee.followup.add", "person", &intake.person_id)
        .with(json!({ "intake": intake.id, "due_on": followup.due_on }));
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(followup)
}

/// Marks a follow-up done, with what happened.
pub async fn finish_followup(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    intake_id: &str,
    followup_id: &str,
    input: &FollowUpInput,
) -> ServiceResult<FollowUp> {
    let (intake, acting) = intake_in_scope(db, actor, intake_id).await?;
    let mut followup = store::followups(db, intake_id)
        .await?
        .into_iter()
        .find(|f| f.id == followup_id)
        .ok_or(ServiceError::NotFound)?;
    let note = crate::platform::text::clean_text(&input.note, 3..=500)
        .ok_or(ServiceError::invalid("note", "err-returnee-note"))?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::finish_followup(&mut tx, followup_id, &note, actor.user_id(), now).await? {
        return Err(ServiceError::Conflict("err-returnee-step"));
    }
    let event = Event::new("returnee.followup.done", "person", &intake.person_id)
        .with(json!({ "intake": intake.id, "followup": followup_id }));
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    followup.done_at = Some(now);
    followup.done_note = note;
    Ok(followup)
}

/// The officer's queue: follow-ups due within the next seven days (or overdue) in their
/// regions or districts, earliest first.
pub async fn queue(db: &Db, clock: &Clock, actor: &Actor) -> ServiceResult<Vec<FollowUp>> {
    if !actor.holds(Permission::ManageReintegration) {
        return Err(actor.refusal().into());
    }
    let regions = actor.regions_for(Permission::ManageReintegration);
    let districts = actor.scope_values(Permission::ManageReintegration, ScopeKind::District);
    let until = (today(clock) + time::Duration::days(7)).to_string();
    Ok(store::queue(db, regions.as_deref(), &districts, &until, 200).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assessment(screen: Vec<i64>, self_harm: bool) -> Assessment {
        Assessment {
            income: "none".into(),
            debts: "heavy".into(),
            health: "good".into(),
            housing: "secure".into(),
            documents: "complete".into(),
            screen,
            self_harm,
            ..Assessment::default()
        }
    }

    #[test]
    fn the_screen_flags_high_risk_by_score_or_self_harm() {
        let (a, score) =
            check_assessment(&assessment(vec![2, 2, 2, 2, 1], false)).unwrap_or_default();
        assert_eq!(score, 9);
        assert!(!high_risk(&a, score));
        let (a, score) =
            check_assessment(&assessment(vec![2, 2, 2, 2, 2], false)).unwrap_or_default();
        assert!(high_risk(&a, score));
        let (a, score) = check_assessment(&assessment(vec![0; 5], true)).unwrap_or_default();
        assert!(high_risk(&a, score));
    }

    #[test]
    fn bands_and_answers_must_be_known() {
        let mut bad = assessment(vec![0, 1, 4, 0, 0], false);
        bad.debts = "some".into();
        let errors = check_assessment(&bad).err().unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["debts", "screen"]);
        assert!(check_assessment(&assessment(vec![0; 4], false)).is_err());
    }

    #[test]
    fn services_move_forward_only() {
        assert_eq!(service_step("refer"), Some((&["planned"][..], "referred")));
        assert!(service_step("reopen").is_none());
    }
}
