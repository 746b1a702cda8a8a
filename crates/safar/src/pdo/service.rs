//! PDO use cases: curricula seeded and versioned per destination, centres and their
//! inspections, trainer qualifications, sessions, enrolment with a waiting list, attendance,
//! test results and the signed certificate a pass earns, revocation and public checks.
//! Every write and every staff read of trainees is checked and audited in its transaction.

use serde_json::json;
use time::Date;

use super::curriculum::{self, Content};
use super::model::{self, CentreStatus, EnrolmentStatus};
use super::store::{self, Centre, Certificate, Curriculum, Enrolment, Session};
use super::token::{self, Claims};
use crate::people::model::parse_date;
use crate::people::store as people;
use crate::platform::access::{AccessError, Actor, Permission, Role, Scope, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, Tx};
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::i18n::Locale;
use crate::platform::ids::new_id;
use crate::platform::signing::SigningKeys;
use crate::recruiters::service::today;

/// What the PDO services need.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub signing: &'a SigningKeys,
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn invalid(errors: Vec<FieldError>) -> ServiceResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

/// Plain one-line text of `min..=max` characters without control characters.
fn line(
    value: &str,
    field: &'static str,
    min: usize,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let value = value.trim();
    let n = value.chars().count();
    if n < min || n > max || value.chars().any(char::is_control) {
        errors.push(err(field, "err-invalid-text"));
    }
    value.to_string()
}

fn date(value: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let parsed = parse_date(value.trim());
    if parsed.is_none() {
        errors.push(err(field, "err-date"));
    }
    parsed
}

/// Where a centre's data lives, for scoped grants: its region, and the centre itself.
pub fn centre_scopes(region: &str, centre_id: &str) -> Vec<Scope> {
    vec![
        Scope {
            kind: ScopeKind::Region,
            value: region.to_string(),
        },
        Scope {
            kind: ScopeKind::PdoCentre,
            value: centre_id.to_string(),
        },
    ]
}

fn require_centre(actor: &Actor, centre: &Centre) -> Result<Option<Role>, AccessError> {
    actor.require_at(
        Permission::ManagePdo,
        &centre_scopes(&centre.region, &centre.id),
    )
}

/// A manager of the session's centre, or one of its own trainers.
fn require_session(actor: &Actor, session: &Session) -> Result<Option<Role>, AccessError> {
    let manager = actor.require_at(
        Permission::ManagePdo,
        &centre_scopes(&session.region, &session.centre_id),
    );
    if manager.is_ok() {
        return manager;
    }
    let teaches = actor
        .user_id()
        .is_some_and(|me| session.trainers.iter().any(|t| t == me));
    match actor.require(Permission::TeachPdo) {
        Ok(role) if teaches => Ok(role),
        _ => Err(actor.refusal()),
    }
}

// ---------------------------------------------------------------- curricula

/// Writes version 1 of every destination's curriculum from the reference text, once.
pub async fn seed_curricula(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    if store::curriculum_count(db).await? > 0 {
        return Ok(0);
    }
    let reference = curriculum::reference()?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let mut written = 0;
    for pack in &reference.destinations {
        if !people::country_exists(db, &pack.iso2).await? {
            continue;
        }
        let c = Curriculum {
            id: new_id(),
            destination: pack.iso2.clone(),
            version: 1,
            status: "published".into(),
            pass_mark: pack.pass_mark,
            days: pack.days,
            online_only: pack.online_only,
            content: curriculum::content_for(&reference, pack),
        };
        store::insert_curriculum(&mut tx, &c, None, now).await?;
        written += 1;
    }
    let details = json!({ "curricula": written });
    audit::append(
        &mut tx,
        &Actor::console(),
        None,
        now,
        Event::new("pdo.curricula.seed", "pdo_curriculum", "all").with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

/// A change to a destination's curriculum.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CurriculumInput {
    pub pass_mark: Option<i64>,
    pub days: Option<i64>,
    pub online_only: Option<bool>,
    /// Destination facts per module code, replacing the slot's text in one language.
    #[serde(default)]
    pub slots: Vec<SlotInput>,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SlotInput {
    /// `M01` … `M10`.
    pub module: String,
    /// `uz`, `ru` or `en` (Uzbek Cyrillic follows from `uz`).
    pub language: String,
    pub text: String,
}

/// Editing a published curriculum makes a new version (the old one is retired); sessions,
/// enrolments and certificates keep the version they were made with.
pub async fn revise_curriculum(
    d: Deps<'_>,
    actor: &Actor,
    destination: &str,
    input: &CurriculumInput,
) -> ServiceResult<Curriculum> {
    let acting = actor.require(Permission::ManagePdo)?;
    let current = store::current_curriculum(d.db, destination)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = vec![];
    let mut next = Curriculum {
        id: new_id(),
        version: current.version + 1,
        ..current.clone()
    };
    if let Some(mark) = input.pass_mark {
        if !(1..=100).contains(&mark) {
            errors.push(err("pass_mark", "err-pdo-pass-mark"));
        }
        next.pass_mark = mark;
    }
    if let Some(days) = input.days {
        if !(1..=3).contains(&days) {
            errors.push(err("days", "err-pdo-days"));
        }
        next.days = days;
    }
    next.online_only = input.online_only.unwrap_or(current.online_only);
    apply_slots(&mut next.content, &input.slots, &mut errors);
    invalid(errors)?;
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::insert_curriculum(&mut tx, &next, actor.user_id(), now).await?;
    store::retire_others(&mut tx, destination, &next.id).await?;
    let details = json!({ "destination": destination, "version": next.version, "from_version": current.version });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.curriculum.revise", "pdo_curriculum", &next.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

fn apply_slots(content: &mut Content, slots: &[SlotInput], errors: &mut Vec<FieldError>) {
    for slot in slots {
        let text = line(&slot.text, "slots", 0, 1000, errors);
        let Some(module) = content.modules.iter_mut().find(|m| m.code == slot.module) else {
            errors.push(err("slots", "err-pdo-module"));
            continue;
        };
        let texts = module.slot.get_or_insert_with(Default::default);
        match slot.language.as_str() {
            "uz" => texts.uz = text,
            "ru" => texts.ru = text,
            "en" => texts.en = text,
            _ => errors.push(err("slots", "err-pdo-language")),
        }
    }
}

// ---------------------------------------------------------------- centres

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CentreInput {
    #[serde(default)]
    pub name: String,
    /// ISO 3166-2 region code, e.g. `UZ-SA`.
    #[serde(default)]
    pub region: String,
    /// SOATO code of a district of that region.
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub capacity: Option<i64>,
    #[serde(default)]
    pub contact: String,
}

pub async fn create_centre(
    d: Deps<'_>,
    actor: &Actor,
    input: &CentreInput,
) -> ServiceResult<Centre> {
    let mut errors = vec![];
    let region = input.region.trim().to_string();
    if !people::region_exists(d.db, &region).await? {
        errors.push(err("region", "err-region"));
    }
    let district = input
        .district
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(soato) = &district
        && !people::district_in_region(d.db, soato, &region).await?
    {
        errors.push(err("district", "err-district"));
    }
    let capacity = input.capacity.unwrap_or(0);
    if !(1..=1000).contains(&capacity) {
        errors.push(err("capacity", "err-pdo-capacity"));
    }
    let centre = Centre {
        id: new_id(),
        name: line(&input.name, "name", 2, 200, &mut errors),
        region,
        district,
        address: line(&input.address, "address", 2, 300, &mut errors),
        capacity,
        contact: line(&input.contact, "contact", 2, 200, &mut errors),
        status: CentreStatus::Active.as_str().into(),
    };
    invalid(errors)?;
    let acting = require_centre(actor, &centre)?;
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::insert_centre(&mut tx, &centre, now).await?;
    let details = json!({ "name": centre.name, "region": centre.region });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.centre.create", "pdo_centre", &centre.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(centre)
}

/// The centres a manager may run.
pub async fn centres(d: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<Centre>> {
    if !actor.holds(Permission::ManagePdo) {
        return Err(actor.refusal().into());
    }
    Ok(store::centres(d.db)
        .await?
        .into_iter()
        .filter(|c| require_centre(actor, c).is_ok())
        .collect())
}

/// One centre, for a manager who may run it.
pub async fn centre(d: Deps<'_>, actor: &Actor, id: &str) -> ServiceResult<Centre> {
    let centre = store::centre(d.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    require_centre(actor, &centre)?;
    Ok(centre)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct InspectionInput {
    /// YYYY-MM-DD, not in the future.
    #[serde(default)]
    pub inspected_on: String,
    /// The criteria that failed: any of `attendance`, `quality`, `trainers`, `records`.
    #[serde(default)]
    pub failed: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Records an inspection; 1–2 failed criteria put the centre on warning, 3–4 suspend it,
/// none restore it. Returns the outcome (`passed`, `warning`, `suspension`).
pub async fn inspect(
    d: Deps<'_>,
    actor: &Actor,
    centre_id: &str,
    input: &InspectionInput,
) -> ServiceResult<&'static str> {
    let centre = store::centre(d.db, centre_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = require_centre(actor, &centre)?;
    let mut errors = vec![];
    let on = date(&input.inspected_on, "inspected_on", &mut errors);
    if on.is_some_and(|on| on > today(d.clock)) {
        errors.push(err("inspected_on", "err-pdo-date-future"));
    }
    let mut failed: Vec<String> = vec![];
    for c in &input.failed {
        if !model::CRITERIA.contains(&c.as_str()) {
            errors.push(err("failed", "err-pdo-criterion"));
        } else if !failed.contains(c) {
            failed.push(c.clone());
        }
    }
    let notes = line(&input.notes, "notes", 0, 2000, &mut errors);
    invalid(errors)?;
    let (outcome, status) = model::inspection_outcome(failed.len());
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    let inspection = store::NewInspection {
        centre_id,
        inspected_on: input.inspected_on.trim(),
        failed: &failed,
        outcome,
        notes: &notes,
        inspector_id: actor.user_id(),
    };
    store::insert_inspection(&mut tx, &inspection, now).await?;
    store::set_centre_status(&mut tx, centre_id, status.as_str(), now).await?;
    let details = json!({ "failed": failed, "outcome": outcome, "from": centre.status, "to": status.as_str() });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.centre.inspect", "pdo_centre", centre_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

// ---------------------------------------------------------------- trainers

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct QualificationInput {
    /// The trainer's user id (a user holding the `trainer` role).
    #[serde(default)]
    pub trainer_id: String,
    /// ISO 3166-1 alpha-2 of the destination.
    #[serde(default)]
    pub destination: String,
    /// Module codes; empty means all ten.
    #[serde(default)]
    pub modules: Vec<String>,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub expires_on: String,
}

/// Records a training of trainers: the trainer is qualified for these modules of a
/// destination between the two dates. Returns how many module qualifications were written.
pub async fn qualify(
    d: Deps<'_>,
    actor: &Actor,
    input: &QualificationInput,
) -> ServiceResult<usize> {
    let acting = actor.require(Permission::ManagePdo)?;
    let mut errors = vec![];
    let trainers = store::trainers(d.db).await?;
    if !trainers.iter().any(|(id, _)| *id == input.trainer_id) {
        errors.push(err("trainer_id", "err-pdo-trainer"));
    }
    let curriculum = store::current_curriculum(d.db, input.destination.trim()).await?;
    if curriculum.is_none() {
        errors.push(err("destination", "err-pdo-destination"));
    }
    let known = curriculum.map(|c| c.content.codes()).unwrap_or_default();
    let modules = if input.modules.is_empty() {
        known.clone()
    } else {
        input.modules.clone()
    };
    if modules.iter().any(|m| !known.contains(m)) {
        errors.push(err("modules", "err-pdo-module"));
    }
    let issued = date(&input.issued_on, "issued_on", &mut errors);
    let expires = date(&input.expires_on, "expires_on", &mut errors);
    if let (Some(i), Some(e)) = (issued, expires)
        && e <= i
    {
        errors.push(err("expires_on", "err-pdo-expiry"));
    }
    invalid(errors)?;
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    for module in &modules {
        let q = store::Qualification {
            trainer_id: input.trainer_id.clone(),
            module: module.clone(),
            destination: input.destination.trim().to_string(),
            issued_on: input.issued_on.trim().to_string(),
            expires_on: input.expires_on.trim().to_string(),
        };
        store::insert_qualification(&mut tx, &q, now).await?;
    }
    let details = json!({ "destination": input.destination.trim(), "modules": modules, "expires_on": input.expires_on.trim() });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.trainer.qualify", "user", &input.trainer_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(modules.len())
}

/// Qualifications as trainings of trainers: one line per trainer, destination and period,
/// with `module` holding how many modules it covers.
pub async fn qualifications_summary(db: &Db) -> ServiceResult<Vec<(store::Qualification, String)>> {
    let mut lines: Vec<(store::Qualification, String)> = vec![];
    let mut counts: Vec<usize> = vec![];
    for (q, name) in store::qualifications(db).await? {
        let same = |(l, _): &(store::Qualification, String)| {
            l.trainer_id == q.trainer_id
                && l.destination == q.destination
                && l.issued_on == q.issued_on
                && l.expires_on == q.expires_on
        };
        match lines.iter().position(same) {
            Some(i) => counts[i] += 1,
            None => {
                lines.push((q, name));
                counts.push(1);
            }
        }
    }
    for ((q, _), n) in lines.iter_mut().zip(counts) {
        q.module = n.to_string();
    }
    Ok(lines)
}

// ---------------------------------------------------------------- sessions

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionInput {
    #[serde(default)]
    pub centre_id: String,
    /// ISO 3166-1 alpha-2: the session uses that destination's current curriculum.
    #[serde(default)]
    pub destination: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub capacity: Option<i64>,
    /// `uz-Latn`, `uz-Cyrl`, `ru` or `en`.
    #[serde(default)]
    pub language: String,
    /// User ids of the trainers; together they must be qualified for every module.
    #[serde(default)]
    pub trainers: Vec<String>,
}

/// Opens a session at an active centre, on the destination's current curriculum, given by
/// trainers who together hold valid qualifications for all its modules over its dates.
pub async fn create_session(
    d: Deps<'_>,
    actor: &Actor,
    input: &SessionInput,
) -> ServiceResult<String> {
    let centre = store::centre(d.db, input.centre_id.trim())
        .await?
        .ok_or_else(|| ServiceError::invalid("centre_id", "err-pdo-centre"))?;
    let acting = require_centre(actor, &centre)?;
    if !CentreStatus::may_open_sessions(&centre.status) {
        return Err(ServiceError::Conflict("err-pdo-centre-suspended"));
    }
    let curriculum = store::current_curriculum(d.db, input.destination.trim())
        .await?
        .ok_or_else(|| ServiceError::invalid("destination", "err-pdo-destination"))?;
    let mut errors = vec![];
    let starts = date(&input.starts_on, "starts_on", &mut errors);
    let ends = date(&input.ends_on, "ends_on", &mut errors);
    if let (Some(s), Some(e)) = (starts, ends) {
        if s < today(d.clock) {
            errors.push(err("starts_on", "err-pdo-past"));
        }
        if e < s || !model::length_fits(curriculum.days, model::session_days(s, e)) {
            errors.push(err("ends_on", "err-pdo-length"));
        }
    }
    let capacity = input.capacity.unwrap_or(0);
    if !(1..=centre.capacity).contains(&capacity) {
        errors.push(err("capacity", "err-pdo-capacity"));
    }
    if Locale::from_tag(input.language.trim()).is_none() {
        errors.push(err("language", "err-pdo-language"));
    }
    let mut trainers = input.trainers.clone();
    trainers.sort();
    trainers.dedup();
    if trainers.is_empty() || trainers.len() > 5 {
        errors.push(err("trainers", "err-pdo-trainer"));
    }
    invalid(errors)?;
    let (from, to) = (input.starts_on.trim(), input.ends_on.trim());
    covered_by_trainers(d.db, &curriculum, &trainers, from, to).await?;
    let id = new_id();
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    let session = store::NewSession {
        id: &id,
        centre_id: &centre.id,
        curriculum_id: &curriculum.id,
        starts_on: from,
        ends_on: to,
        capacity,
        language: input.language.trim(),
        trainers: &trainers,
        created_by: actor.user_id(),
    };
    store::insert_session(&mut tx, &session, now).await?;
    let details = json!({ "centre": centre.id, "destination": curriculum.destination, "version": curriculum.version, "starts_on": from, "trainers": trainers });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.session.create", "pdo_session", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Refuses a session whose trainers lack a valid qualification for some module.
async fn covered_by_trainers(
    db: &Db,
    curriculum: &Curriculum,
    trainers: &[String],
    from: &str,
    to: &str,
) -> ServiceResult<()> {
    let mut covered: Vec<String> = vec![];
    for trainer in trainers {
        covered.extend(
            store::qualified_modules(db, trainer, &curriculum.destination, from, to).await?,
        );
    }
    let missing = curriculum
        .content
        .codes()
        .into_iter()
        .any(|code| !covered.contains(&code));
    if missing {
        return Err(ServiceError::Conflict("err-pdo-unqualified"));
    }
    Ok(())
}

async fn session_or_404(db: &Db, id: &str) -> ServiceResult<Session> {
    store::session(db, id).await?.ok_or(ServiceError::NotFound)
}

/// A session and its trainees, for its centre's managers and its trainers; an audited read.
pub async fn session_with_trainees(
    d: Deps<'_>,
    actor: &Actor,
    id: &str,
) -> ServiceResult<(Session, Vec<Enrolment>)> {
    let session = session_or_404(d.db, id).await?;
    let acting = require_session(actor, &session)?;
    let mut trainees = store::enrolments(d.db, id).await?;
    let exempt = store::exemptions_in_session(d.db, &session).await?;
    for t in &mut trainees {
        t.exempt_by = exempt
            .iter()
            .find(|(person, _)| *person == t.person_id)
            .map(|(_, certificate)| certificate.clone());
    }
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    let details = json!({ "trainees": trainees.len() });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.session.read", "pdo_session", id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok((session, trainees))
}

/// The session's curriculum version, for printing its pre- and post-test (the quiz items of
/// every module) — for its trainers and its centre's managers.
pub async fn test_sheet(
    d: Deps<'_>,
    actor: &Actor,
    id: &str,
) -> ServiceResult<(Session, Curriculum)> {
    let session = session_or_404(d.db, id).await?;
    require_session(actor, &session)?;
    let curriculum = store::curriculum(d.db, &session.curriculum_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((session, curriculum))
}

/// Sessions: a manager's from a month ago on, the ones a trainer gives; for anyone else
/// the open sessions still taking enrolments (dates, centre and places are public).
pub async fn sessions_for(d: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<Session>> {
    if actor.holds(Permission::ManagePdo) {
        let from = (today(d.clock) - time::Duration::days(30)).to_string();
        let all = store::sessions(d.db, &from, 500).await?;
        return Ok(all
            .into_iter()
            .filter(|s| require_session(actor, s).is_ok())
            .collect());
    }
    if actor.holds(Permission::TeachPdo) {
        let me = actor.user_id().unwrap_or_default();
        return Ok(store::sessions_of_trainer(d.db, me).await?);
    }
    open_sessions(d).await
}

/// Sessions one can still enrol in (starting tomorrow or later), soonest first.
pub async fn open_sessions(d: Deps<'_>) -> ServiceResult<Vec<Session>> {
    let tomorrow = (today(d.clock) + time::Duration::days(1)).to_string();
    Ok(store::sessions(d.db, &tomorrow, 100)
        .await?
        .into_iter()
        .filter(|s| s.status == "open")
        .collect())
}

// ---------------------------------------------------------------- enrolment

/// What enrolment did: a place or the waiting list, and a certificate that already exempts
/// the person (shown to staff; enrolling anyway is their call).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Enrolled {
    pub enrolment_id: String,
    /// `enrolled` or `waiting`.
    pub status: String,
    /// A valid certificate for the same destination and current version, if any.
    pub exempt_by: Option<String>,
}

/// Enrols a person: staff name them; a citizen enrols themself (`person_id` empty).
pub async fn enrol(
    d: Deps<'_>,
    actor: &Actor,
    session_id: &str,
    person_id: Option<&str>,
) -> ServiceResult<Enrolled> {
    let session = session_or_404(d.db, session_id).await?;
    let (person_id, acting) = enrolling_whom(d.db, actor, &session, person_id).await?;
    if session.status != "open" {
        return Err(ServiceError::Conflict("err-pdo-session-closed"));
    }
    let starts = parse_date(&session.starts_on).unwrap_or(Date::MIN);
    if model::list_is_fixed(today(d.clock), starts) {
        return Err(ServiceError::Conflict("err-pdo-list-fixed"));
    }
    let exempt_by = exemption(d.db, &person_id, &session.destination, session.version)
        .await?
        .map(|c| c.id);
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::lock_session(&mut tx, session_id).await?;
    let earlier = store::enrolment_of(&mut tx, session_id, &person_id).await?;
    if earlier
        .as_ref()
        .is_some_and(|(_, status)| status != "withdrawn")
    {
        return Err(ServiceError::Conflict("err-pdo-already-enrolled"));
    }
    // Counted under the session's lock: two people taking the last place at once get
    // one place and one waiting-list position.
    let full = store::count_enrolled(&mut tx, session_id).await? >= session.capacity;
    let status = if full {
        EnrolmentStatus::Waiting
    } else {
        EnrolmentStatus::Enrolled
    };
    // Someone who withdrew and comes back takes a place or the end of the queue again.
    let enrolment = Enrolment {
        id: earlier.map_or_else(new_id, |(id, _)| id),
        session_id: session_id.to_string(),
        person_id: person_id.clone(),
        status: status.as_str().into(),
        ..Enrolment::default()
    };
    store::upsert_enrolment(&mut tx, &enrolment, actor.user_id(), now).await?;
    let details =
        json!({ "session": session_id, "status": status.as_str(), "exempt_by": exempt_by });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.enrol", "person", &person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Enrolled {
        enrolment_id: enrolment.id,
        status: status.as_str().into(),
        exempt_by,
    })
}

/// Staff enrol someone else (scoped to the centre); a citizen only themself.
async fn enrolling_whom(
    db: &Db,
    actor: &Actor,
    session: &Session,
    person_id: Option<&str>,
) -> ServiceResult<(String, Option<Role>)> {
    match person_id.map(str::trim).filter(|p| !p.is_empty()) {
        Some(person_id) => {
            let acting = actor.require_at(
                Permission::ManagePdo,
                &centre_scopes(&session.region, &session.centre_id),
            )?;
            people::find(db, person_id)
                .await?
                .ok_or_else(|| ServiceError::invalid("person_id", "err-pdo-person"))?;
            Ok((person_id.to_string(), acting))
        }
        None => {
            let acting = actor.require(Permission::PrepareDeparture)?;
            let me = actor.user_id().unwrap_or_default();
            let person = people::person_of_account(db, me)
                .await?
                .ok_or(ServiceError::Conflict("err-profile-needed"))?;
            Ok((person, acting))
        }
    }
}

/// Withdraws an enrolment (the person, or the centre's staff) before the list is fixed;
/// a freed place goes to the first on the waiting list in the same transaction.
pub async fn withdraw(d: Deps<'_>, actor: &Actor, enrolment_id: &str) -> ServiceResult<()> {
    let enrolment = store::enrolment(d.db, enrolment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let session = session_or_404(d.db, &enrolment.session_id).await?;
    let acting = own_or_staff(d.db, actor, &session, &enrolment.person_id).await?;
    let starts = parse_date(&session.starts_on).unwrap_or(Date::MIN);
    if model::list_is_fixed(today(d.clock), starts) {
        return Err(ServiceError::Conflict("err-pdo-list-fixed"));
    }
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::lock_session(&mut tx, &session.id).await?;
    let from = enrolment.status.as_str();
    if from == "withdrawn"
        || !store::set_enrolment_status(&mut tx, enrolment_id, from, "withdrawn", now).await?
    {
        return Err(ServiceError::Conflict("err-pdo-withdrawn"));
    }
    let promoted = if from == "enrolled" {
        promote(&mut tx, actor, &session, now).await?
    } else {
        None
    };
    let details = json!({ "session": session.id, "from": from, "promoted": promoted });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.withdraw", "person", &enrolment.person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a free place to the first person waiting; returns their person id.
async fn promote(
    tx: &mut Tx,
    actor: &Actor,
    session: &Session,
    now: i64,
) -> ServiceResult<Option<String>> {
    if store::count_enrolled(tx, &session.id).await? >= session.capacity {
        return Ok(None);
    }
    let Some((enrolment_id, person_id)) = store::first_waiting(tx, &session.id).await? else {
        return Ok(None);
    };
    store::set_enrolment_status(tx, &enrolment_id, "waiting", "enrolled", now).await?;
    let details = json!({ "session": session.id });
    audit::append(
        tx,
        actor,
        None,
        now,
        Event::new("pdo.promote", "person", &person_id).with(details),
    )
    .await?;
    Ok(Some(person_id))
}

async fn own_or_staff(
    db: &Db,
    actor: &Actor,
    session: &Session,
    person_id: &str,
) -> ServiceResult<Option<Role>> {
    let staff = actor.require_at(
        Permission::ManagePdo,
        &centre_scopes(&session.region, &session.centre_id),
    );
    if staff.is_ok() {
        return Ok(staff?);
    }
    let acting = actor.require(Permission::PrepareDeparture)?;
    let mine = people::person_of_account(db, actor.user_id().unwrap_or_default()).await?;
    if mine.as_deref() != Some(person_id) {
        return Err(actor.refusal().into());
    }
    Ok(acting)
}

/// (person id, certificate id) of those among `persons` holding a valid certificate for
/// `destination` (any version): what recruiters see beside their applicants.
pub async fn valid_certificates(
    db: &Db,
    persons: &[String],
    destination: &str,
) -> ServiceResult<Vec<(String, String)>> {
    Ok(store::valid_for_destination(db, persons, destination).await?)
}

/// A valid certificate for the destination's current major version, if the person has one.
pub async fn exemption(
    db: &Db,
    person_id: &str,
    destination: &str,
    version: i64,
) -> ServiceResult<Option<Certificate>> {
    Ok(store::certificates_of_person(db, person_id)
        .await?
        .into_iter()
        .find(|c| c.status == "valid" && c.destination == destination && c.version == version))
}

// ---------------------------------------------------------------- attendance and results

/// Marks a trainee present or absent on a day of the session (the last mark wins, so a
/// retried tap is harmless).
pub async fn mark(
    d: Deps<'_>,
    actor: &Actor,
    enrolment_id: &str,
    day: i64,
    present: bool,
) -> ServiceResult<()> {
    let (enrolment, session, acting) = trainee(d, actor, enrolment_id).await?;
    let starts = parse_date(&session.starts_on).unwrap_or(Date::MIN);
    let ends = parse_date(&session.ends_on).unwrap_or(Date::MIN);
    if day < 1 || day > model::session_days(starts, ends) {
        return Err(ServiceError::invalid("day", "err-pdo-day"));
    }
    if !model::session_has_begun(today(d.clock), starts) {
        return Err(ServiceError::Conflict("err-pdo-not-begun"));
    }
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::set_attendance(&mut tx, enrolment_id, day, present, actor.user_id(), now).await?;
    let details = json!({ "session": session.id, "day": day, "present": present });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.attendance", "person", &enrolment.person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enrolled trainee of a session the actor manages or teaches.
async fn trainee(
    d: Deps<'_>,
    actor: &Actor,
    enrolment_id: &str,
) -> ServiceResult<(Enrolment, Session, Option<Role>)> {
    let enrolment = store::enrolment(d.db, enrolment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let session = session_or_404(d.db, &enrolment.session_id).await?;
    let acting = require_session(actor, &session)?;
    if enrolment.status != "enrolled" {
        return Err(ServiceError::Conflict("err-pdo-not-enrolled"));
    }
    Ok((enrolment, session, acting))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ResultInput {
    /// Percent, 0–100.
    #[serde(default)]
    pub pre_score: Option<i64>,
    /// Percent, 0–100; decides pass or fail against the curriculum's pass mark.
    #[serde(default)]
    pub post_score: Option<i64>,
}

/// What recording a result did.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PdoOutcome)]
pub struct Outcome {
    /// `passed`, `failed`, or empty when only the pre-test was recorded.
    pub result: String,
    /// The certificate issued by a pass.
    pub certificate_id: Option<String>,
}

/// Records test scores. A pass issues the signed certificate in the same transaction; a
/// fail may be retaken (a later post-test replaces it); a pass is final.
pub async fn record_result(
    d: Deps<'_>,
    actor: &Actor,
    enrolment_id: &str,
    input: &ResultInput,
) -> ServiceResult<Outcome> {
    let (enrolment, session, acting) = trainee(d, actor, enrolment_id).await?;
    let mut errors = vec![];
    for (field, score) in [
        ("pre_score", input.pre_score),
        ("post_score", input.post_score),
    ] {
        if score.is_some_and(|s| !(0..=100).contains(&s)) {
            errors.push(err(field, "err-pdo-score"));
        }
    }
    if input.pre_score.is_none() && input.post_score.is_none() {
        errors.push(err("post_score", "err-pdo-score"));
    }
    invalid(errors)?;
    if enrolment.result == "passed" {
        return Err(ServiceError::Conflict("err-pdo-passed"));
    }
    let starts = parse_date(&session.starts_on).unwrap_or(Date::MIN);
    if !model::session_has_begun(today(d.clock), starts) {
        return Err(ServiceError::Conflict("err-pdo-not-begun"));
    }
    let result = input
        .post_score
        .map(|s| model::result_of(s, session.pass_mark))
        .unwrap_or(enrolment.result.as_str())
        .to_string();
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::set_scores(
        &mut tx,
        enrolment_id,
        input.pre_score,
        input.post_score,
        &result,
        now,
    )
    .await?;
    let certificate_id = match (result.as_str(), input.post_score) {
        ("passed", Some(score)) => Some(issue(d, &mut tx, &enrolment, &session, score).await?),
        _ => None,
    };
    let details = json!({ "session": session.id, "pre": input.pre_score, "post": input.post_score, "result": result, "certificate": certificate_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.result", "person", &enrolment.person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome {
        result,
        certificate_id,
    })
}

// ---------------------------------------------------------------- certificates

/// Signs and stores the certificate a pass at a centre earns.
async fn issue(
    d: Deps<'_>,
    tx: &mut Tx,
    enrolment: &Enrolment,
    session: &Session,
    score: i64,
) -> ServiceResult<String> {
    let earned = Earned {
        destination: &session.destination,
        curriculum_id: &session.curriculum_id,
        version: session.version,
        centre_id: Some(&session.centre_id),
        region: &session.region,
        starts_on: &session.starts_on,
        ends_on: &session.ends_on,
        score,
    };
    issue_certificate(d, tx, &enrolment.person_id, &earned, Some(&enrolment.id)).await
}

/// What a certificate attests: where (a centre, or online) and when the training was.
pub struct Earned<'a> {
    pub destination: &'a str,
    pub curriculum_id: &'a str,
    pub version: i64,
    pub centre_id: Option<&'a str>,
    /// The centre's region, or the holder's for online study.
    pub region: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub score: i64,
}

/// Signs a certificate for `person_id` with the active key and stores it in `tx`.
pub async fn issue_certificate(
    d: Deps<'_>,
    tx: &mut Tx,
    person_id: &str,
    earned: &Earned<'_>,
    enrolment_id: Option<&str>,
) -> ServiceResult<String> {
    let person = people::find(d.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut certificate = Certificate {
        id: model::new_certificate_id(),
        status: "valid".into(),
        person_id: person.id.clone(),
        holder_latn: format!("{} {}", person.given_name_latn, person.family_name_latn),
        holder_cyrl: format!("{} {}", person.given_name_cyrl, person.family_name_cyrl),
        pinfl_last4: person.pinfl.chars().skip(10).collect(),
        destination: earned.destination.to_string(),
        curriculum_id: earned.curriculum_id.to_string(),
        version: earned.version,
        centre_id: earned.centre_id.map(str::to_string),
        region: earned.region.to_string(),
        starts_on: earned.starts_on.to_string(),
        ends_on: earned.ends_on.to_string(),
        score: earned.score,
        issued_on: today(d.clock).to_string(),
        ..Certificate::default()
    };
    certificate.token = token::sign(d.signing, &claims_of(&certificate));
    certificate.kid = d.signing.active_kid().to_string();
    store::insert_certificate(tx, &certificate, enrolment_id, d.clock.now_ms()).await?;
    Ok(certificate.id)
}

/// The minimal fields the token carries.
pub fn claims_of(c: &Certificate) -> Claims {
    Claims {
        kid: c.kid.clone(),
        id: c.id.clone(),
        name: c.holder_latn.clone(),
        dest: c.destination.clone(),
        curriculum: format!("{} v{}", c.destination, c.version),
        from: c.starts_on.clone(),
        to: c.ends_on.clone(),
        issued: c.issued_on.clone(),
    }
}

/// Revokes a certificate with a reason (the centre's managers).
pub async fn revoke(d: Deps<'_>, actor: &Actor, id: &str, reason: &str) -> ServiceResult<()> {
    let certificate = store::certificate(d.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = require_certificate(actor, &certificate)?;
    let mut errors = vec![];
    let reason = line(reason, "reason", 3, 500, &mut errors);
    invalid(errors)?;
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    if !store::revoke_certificate(&mut tx, id, &reason, actor.user_id(), now).await? {
        return Err(ServiceError::Conflict("err-pdo-revoked"));
    }
    let details = json!({ "reason": reason });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.certificate.revoke", "pdo_certificate", id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn require_certificate(actor: &Actor, c: &Certificate) -> Result<Option<Role>, AccessError> {
    let mut scopes = vec![Scope {
        kind: ScopeKind::Region,
        value: c.region.clone(),
    }];
    if let Some(centre) = &c.centre_id {
        scopes.push(Scope {
            kind: ScopeKind::PdoCentre,
            value: centre.clone(),
        });
    }
    actor.require_at(Permission::ManagePdo, &scopes)
}

/// The managers' list, latest first, limited to their regions; an audited read.
pub async fn certificates(
    d: Deps<'_>,
    actor: &Actor,
    limit: i64,
) -> ServiceResult<Vec<Certificate>> {
    if !actor.holds(Permission::ManagePdo) {
        return Err(actor.refusal().into());
    }
    let regions = actor.regions_for(Permission::ManagePdo);
    let limit = limit.clamp(1, 500);
    // Region grants filter in SQL; centre grants (no region) are checked row by row.
    let list: Vec<Certificate> = match regions.as_deref() {
        Some([]) => store::certificates(d.db, None, 5000)
            .await?
            .into_iter()
            .filter(|c| require_certificate(actor, c).is_ok())
            .take(usize::try_from(limit).unwrap_or(50))
            .collect(),
        regions => store::certificates(d.db, regions, limit).await?,
    };
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    let details = json!({ "count": list.len(), "regions": regions });
    audit::append(
        &mut tx,
        actor,
        None,
        now,
        Event::new("pdo.certificates.read", "pdo_certificate", "list").with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(list)
}

/// One certificate for staff who may see it, or for its holder.
pub async fn certificate_for(d: Deps<'_>, actor: &Actor, id: &str) -> ServiceResult<Certificate> {
    let certificate = store::certificate(d.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let holder = people::person_of_account(d.db, actor.user_id().unwrap_or_default())
        .await?
        .is_some_and(|p| p == certificate.person_id);
    if !holder {
        let acting = require_certificate(actor, &certificate)?;
        let now = d.clock.now_ms();
        let mut tx = d.db.begin().await?;
        audit::append(
            &mut tx,
            actor,
            acting,
            now,
            Event::new("pdo.certificate.read", "pdo_certificate", id),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(certificate)
}

/// The public check of a certificate id: counted in its history. `None` for unknown ids.
pub async fn verify_online(d: Deps<'_>, id: &str, via: &str) -> ServiceResult<Option<Certificate>> {
    let id = id.trim().to_uppercase();
    if !model::looks_like_certificate_id(&id) {
        return Ok(None);
    }
    let Some(certificate) = store::certificate(d.db, &id).await? else {
        return Ok(None);
    };
    store::record_verification(d.db, &id, via, d.clock.now_ms()).await?;
    Ok(Some(certificate))
}

/// PDO coverage of the last twelve months' departures, by region and destination, limited
/// to the manager's regions. Aggregates only: no person is shown.
pub async fn coverage(d: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<store::Coverage>> {
    if !actor.holds(Permission::ManagePdo) {
        return Err(actor.refusal().into());
    }
    let regions = actor.regions_for(Permission::ManagePdo);
    let from = (today(d.clock) - time::Duration::days(365)).to_string();
    Ok(store::coverage(d.db, &from)
        .await?
        .into_iter()
        .filter(|c| regions.as_ref().is_none_or(|r| r.contains(&c.region)))
        .collect())
}

/// A citizen's own enrolments and certificates.
pub async fn mine(db: &Db, actor: &Actor) -> ServiceResult<(Vec<Enrolment>, Vec<Certificate>)> {
    actor.require(Permission::PrepareDeparture)?;
    let Some(person) = people::person_of_account(db, actor.user_id().unwrap_or_default()).await?
    else {
        return Ok((vec![], vec![]));
    };
    Ok((
        store::enrolments_of_person(db, &person).await?,
        store::certificates_of_person(db, &person).await?,
    ))
}
