//! Vacancy use cases: a licensed recruiter's staff post a job order under a legal channel,
//! a licensing officer verifies it (never one that charges the worker a recruitment fee),
//! the recruiter publishes it, and anyone can check its reference or search what is open.

use serde_json::json;

use super::model::{VacancyAction, VacancyState, new_reference, vacancy_transition};
use super::store::{self, Filter, NewEvent, Vacancy};
use crate::platform::access::{AccessError, Actor, Permission, Role, Scope, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;
use crate::recruiters::service::{Standing, standing, today};
use crate::reference::store::{self as reference, CodedTable};

/// A job order as typed (a form or JSON).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct VacancyInput {
    /// The recruiter posting it; may be left out by staff of a single agency.
    #[serde(default)]
    pub recruiter_id: Option<String>,
    /// The foreign employer or scheme operator, if it is in the register (a
    /// `foreign_operator` of the vacancy's country).
    #[serde(default)]
    pub operator_id: Option<String>,
    /// A legal channel code, e.g. `KR-EPS`; the country follows from it.
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub title: String,
    /// ISCO-08 unit group from the reference list, e.g. `6111`.
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub positions: Option<i64>,
    /// Gross monthly wage, whole units of `currency`.
    #[serde(default)]
    pub wage: Option<i64>,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub hours_per_week: Option<i64>,
    #[serde(default)]
    pub housing: Option<String>,
    #[serde(default)]
    pub employer_pays: Option<String>,
    /// A recruitment fee the worker would pay; any amount above 0 blocks verification.
    #[serde(default)]
    pub worker_fee: Option<i64>,
    #[serde(default)]
    pub language: Option<String>,
    /// `A1` … `C2`; required with a language.
    #[serde(default)]
    pub language_level: Option<String>,
    #[serde(default)]
    pub pdo_required: Option<bool>,
    /// Region codes recruited from; none means the whole country.
    #[serde(default)]
    pub regions: Vec<String>,
    /// YYYY-MM-DD, from today to a year ahead.
    #[serde(default)]
    pub deadline: String,
}

pub const LEVELS: &[&str] = &["A1", "A2", "B1", "B2", "C1", "C2"];

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn text(
    value: &str,
    field: &'static str,
    min: usize,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = value.trim().to_string();
    let n = v.chars().count();
    if n < min {
        errors.push(err(field, "err-required"));
    } else if n > max || v.chars().any(char::is_control) {
        errors.push(err(field, "err-invalid-text"));
    }
    v
}

fn number(
    value: Option<i64>,
    field: &'static str,
    range: std::ops::RangeInclusive<i64>,
    errors: &mut Vec<FieldError>,
) -> i64 {
    match value {
        Some(n) if range.contains(&n) => n,
        Some(_) => {
            errors.push(err(field, "err-out-of-range"));
            0
        }
        None => {
            errors.push(err(field, "err-required"));
            0
        }
    }
}

/// Checks a job order against the reference data; the vacancy keeps `id`, `reference`,
/// `recruiter_id` and `state` from `base`.
async fn validate(
    db: &Db,
    clock: &Clock,
    base: Vacancy,
    input: &VacancyInput,
) -> ServiceResult<Vacancy> {
    let mut errors = vec![];
    let channel = input.channel.trim().to_uppercase();
    let country = reference::channels(db)
        .await?
        .into_iter()
        .find(|(_, c)| c.code == channel)
        .map(|(country, _)| country);
    if country.is_none() {
        errors.push(err("channel", "err-channel"));
    }
    let employer = text(&input.employer, "employer", 2, 200, &mut errors);
    let title = text(&input.title, "title", 2, 200, &mut errors);
    let known = |table, code: &str| {
        let code = code.to_string();
        async move {
            Ok::<_, sqlx::Error>(
                reference::coded_list(db, table)
                    .await?
                    .iter()
                    .any(|c| c.code == code),
            )
        }
    };
    let sector = input.sector.trim().to_string();
    if !known(CodedTable::Sectors, &sector).await? {
        errors.push(err("sector", "err-sector"));
    }
    let positions = number(input.positions, "positions", 1..=10_000, &mut errors);
    let wage = number(input.wage, "wage", 1..=1_000_000_000, &mut errors);
    let currency = input.currency.trim().to_uppercase();
    if !known(CodedTable::Currencies, &currency).await? {
        errors.push(err("currency", "err-currency"));
    }
    let hours_per_week = number(input.hours_per_week, "hours_per_week", 1..=84, &mut errors);
    let housing = text(
        input.housing.as_deref().unwrap_or(""),
        "housing",
        0,
        500,
        &mut errors,
    );
    let employer_pays = text(
        input.employer_pays.as_deref().unwrap_or(""),
        "employer_pays",
        0,
        500,
        &mut errors,
    );
    let worker_fee = number(
        Some(input.worker_fee.unwrap_or(0)),
        "worker_fee",
        0..=1_000_000_000,
        &mut errors,
    );
    let language = input
        .language
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    let level = input
        .language_level
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_uppercase();
    if !language.is_empty() {
        if !known(CodedTable::Languages, &language).await? {
            errors.push(err("language", "err-language"));
        }
        if !LEVELS.contains(&level.as_str()) {
            errors.push(err("language_level", "err-language-level"));
        }
    }
    let mut regions: Vec<String> = input
        .regions
        .iter()
        .map(|r| r.trim().to_uppercase())
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    for region in &regions {
        if !crate::people::store::region_exists(db, region).await? {
            errors.push(err("regions", "err-region"));
            break;
        }
    }
    let today = today(clock);
    match crate::people::model::parse_date(&input.deadline) {
        Some(d) if d >= today && d <= today + time::Duration::days(366) => {}
        Some(_) => errors.push(err("deadline", "err-deadline")),
        None => errors.push(err("deadline", "err-date")),
    }
    let operator_id = input
        .operator_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(id) = &operator_id {
        let operator = crate::recruiters::store::find(db, id).await?;
        let fits = operator
            .is_some_and(|o| o.kind == "foreign_operator" && Some(&o.country) == country.as_ref());
        if !fits {
            errors.push(err("operator_id", "err-operator"));
        }
    }
    let (Some(country), true) = (country, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    Ok(Vacancy {
        operator_id,
        channel,
        country,
        employer,
        title,
        sector,
        positions,
        wage,
        currency,
        hours_per_week,
        housing,
        employer_pays,
        worker_fee,
        language_level: if language.is_empty() {
            String::new()
        } else {
            level
        },
        language,
        pdo_required: input.pdo_required.unwrap_or(true),
        regions,
        deadline: input.deadline.trim().to_string(),
        ..base
    })
}

fn agency_scope(recruiter_id: &str) -> Scope {
    Scope {
        kind: ScopeKind::Recruiter,
        value: recruiter_id.to_string(),
    }
}

/// The agencies an actor works for (`None`: every agency, e.g. an officer or the console).
pub fn agencies_of(actor: &Actor, perm: Permission) -> Option<Vec<String>> {
    if actor.require(perm).is_ok() {
        return None;
    }
    Some(
        actor
            .grants
            .iter()
            .filter(|g| g.role.permissions().contains(&perm))
            .filter_map(|g| g.scope.as_ref())
            .filter(|s| s.kind == ScopeKind::Recruiter)
            .map(|s| s.value.clone())
            .collect(),
    )
}

/// Recruiter staff act for their own agency only.
pub fn require_agency(actor: &Actor, recruiter_id: &str) -> Result<Option<Role>, AccessError> {
    actor.require_in(Permission::PostVacancies, Some(&agency_scope(recruiter_id)))
}

/// Which agency a new vacancy is for: the one named, or the actor's only one.
fn posting_agency(actor: &Actor, input: &VacancyInput) -> ServiceResult<String> {
    if let Some(id) = input
        .recruiter_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Ok(id.to_string());
    }
    match agencies_of(actor, Permission::PostVacancies) {
        Some(mut ids) if ids.len() == 1 => Ok(ids.remove(0)),
        _ => Err(ServiceError::invalid("recruiter_id", "err-required")),
    }
}

/// Only a recruiter with a valid licence posts or publishes.
async fn licensed(db: &Db, clock: &Clock, recruiter_id: &str) -> ServiceResult<Standing> {
    let standing = match standing(db, clock, recruiter_id).await {
        Err(ServiceError::NotFound) => {
            return Err(ServiceError::invalid(
                "recruiter_id",
                "err-recruiter-unknown",
            ));
        }
        other => other?,
    };
    if !standing.may_recruit {
        return Err(ServiceError::Conflict("err-recruiter-not-licensed"));
    }
    Ok(standing)
}

/// A recruiter's staff post a draft; returns its public reference.
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &VacancyInput,
) -> ServiceResult<String> {
    actor.require(Permission::OwnAccount)?;
    let recruiter_id = posting_agency(actor, input)?;
    let acting = require_agency(actor, &recruiter_id)?;
    licensed(db, clock, &recruiter_id).await?;
    let base = Vacancy {
        id: new_id(),
        reference: new_reference(),
        recruiter_id,
        state: VacancyState::Draft.as_str().into(),
        ..Vacancy::default()
    };
    let vacancy = validate(db, clock, base, input).await?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert(&mut tx, &vacancy, actor.user_id(), now).await?;
    let details = json!({ "reference": vacancy.reference, "channel": vacancy.channel, "worker_fee": vacancy.worker_fee });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("vacancy.create", "vacancy", &vacancy.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(vacancy.reference)
}

/// Corrects a draft (a verified vacancy is what the officer checked: it no longer changes).
pub async fn update(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    reference: &str,
    input: &VacancyInput,
) -> ServiceResult<()> {
    let before = store::by_reference(db, reference)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = require_agency(actor, &before.recruiter_id)?;
    if before.state != VacancyState::Draft.as_str() {
        return Err(ServiceError::Conflict("err-vacancy-not-draft"));
    }
    let after = validate(db, clock, before.clone(), input).await?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::update_terms(&mut tx, &after, now).await? {
        return Err(ServiceError::Conflict("err-vacancy-not-draft"));
    }
    let details = json!({ "reference": after.reference, "worker_fee": after.worker_fee });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("vacancy.update", "vacancy", &after.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who may take `action` on a vacancy of `recruiter_id`: officers verify (and may
/// withdraw anything); the recruiter's staff do the rest for their own vacancies.
pub fn may_act(
    actor: &Actor,
    action: VacancyAction,
    recruiter_id: &str,
) -> Result<Option<Role>, AccessError> {
    let officer = actor.require(Permission::VerifyVacancies);
    if action.by_officer() && officer.is_ok() {
        return officer;
    }
    if action.by_recruiter() {
        return require_agency(actor, recruiter_id);
    }
    officer
}

/// Applies `action` to a vacancy; returns it afterwards. A transition the state machine
/// forbids is a 409; so is verifying a vacancy that charges the worker a fee, or
/// publishing for a recruiter whose licence is no longer valid.
pub async fn act(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    reference: &str,
    action: &str,
    reason: &str,
) -> ServiceResult<Vacancy> {
    let action = VacancyAction::parse(action).ok_or(ServiceError::NotFound)?;
    let vacancy = store::by_reference(db, reference)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = may_act(actor, action, &vacancy.recruiter_id)?;
    let from = VacancyState::parse(&vacancy.state).ok_or(ServiceError::NotFound)?;
    let to =
        vacancy_transition(from, action).ok_or(ServiceError::Conflict("err-vacancy-transition"))?;
    let reason = reason.trim();
    if reason.chars().count() > 500 || reason.chars().any(char::is_control) {
        return Err(ServiceError::invalid("reason", "err-invalid-text"));
    }
    if action == VacancyAction::Verify && vacancy.worker_fee > 0 {
        // The employer-pays principle: a worker never pays for being recruited.
        return Err(ServiceError::Conflict("err-vacancy-worker-fee"));
    }
    if matches!(action, VacancyAction::Verify | VacancyAction::Publish) {
        licensed(db, clock, &vacancy.recruiter_id).await?;
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::set_state(&mut tx, &vacancy.id, from.as_str(), to.as_str(), now).await? {
        return Err(ServiceError::Conflict("err-vacancy-transition"));
    }
    let event = NewEvent {
        subject_id: &vacancy.id,
        action: action.as_str(),
        from: from.as_str(),
        to: to.as_str(),
        reason,
        actor_id: actor.user_id(),
    };
    store::insert_vacancy_event(&mut tx, &event, now).await?;
    let details = json!({ "reference": vacancy.reference, "from": from.as_str(), "to": to.as_str(), "reason": reason });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(
            &format!("vacancy.{}", action.as_str()),
            "vacancy",
            &vacancy.id,
        )
        .with(details),
    )
    .await?;
    let after = store::by_id(&mut tx, &vacancy.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(after)
}

/// What anyone may learn about a vacancy reference: whether it is real and open, who
/// recruits for it and whether that recruiter is licensed today.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PublicVacancy {
    pub reference: String,
    /// `verified`, `published`, `filled` or `withdrawn` (drafts are not public).
    pub status: String,
    /// Whether a citizen can apply now: published, before its deadline, through a licensed
    /// recruiter.
    pub open: bool,
    pub recruiter: String,
    pub recruiter_licence_no: Option<String>,
    /// The recruiter's licence state today (`licensed`, `suspended`, `revoked` …).
    pub recruiter_licence_status: String,
    pub country: String,
    pub channel: String,
    pub employer: String,
    pub title: String,
    pub sector: String,
    pub positions: i64,
    pub wage: i64,
    pub currency: String,
    pub hours_per_week: i64,
    pub housing: String,
    pub employer_pays: String,
    /// Always 0 on a vacancy the agency verified; shown so nobody is asked to pay.
    pub worker_fee: i64,
    pub language: String,
    pub language_level: String,
    pub pdo_required: bool,
    pub regions: Vec<String>,
    pub deadline: String,
    /// Why the agency flags it, or empty.
    pub red_flag: String,
    pub demo: bool,
}

/// A vacancy as the public sees it; drafts and unknown references are `NotFound`.
pub async fn public_view(
    db: &Db,
    clock: &Clock,
    reference: &str,
) -> ServiceResult<(Vacancy, PublicVacancy)> {
    let reference = super::model::normalise_reference(reference).ok_or(ServiceError::NotFound)?;
    let vacancy = store::by_reference(db, &reference)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if vacancy.state == VacancyState::Draft.as_str() {
        return Err(ServiceError::NotFound);
    }
    let standing = standing(db, clock, &vacancy.recruiter_id).await?;
    let view = public_of(&vacancy, &standing, &today(clock).to_string());
    Ok((vacancy, view))
}

/// The public view of any vacancy (the pages use it for drafts shown to their authors).
pub fn public_view_of(v: &Vacancy, standing: &Standing, clock: &Clock) -> PublicVacancy {
    public_of(v, standing, &today(clock).to_string())
}

fn public_of(v: &Vacancy, standing: &Standing, today: &str) -> PublicVacancy {
    let licence_status = standing
        .licence
        .as_ref()
        .map_or("none", |l| l.state.as_str());
    PublicVacancy {
        reference: v.reference.clone(),
        status: v.state.clone(),
        open: v.state == VacancyState::Published.as_str()
            && v.deadline.as_str() >= today
            && standing.may_recruit
            // A fallen licence of the foreign operator closes it too.
            && !v.red_flag.contains("licence"),
        recruiter: standing.recruiter.name.clone(),
        recruiter_licence_no: standing.licence.as_ref().and_then(|l| l.licence_no.clone()),
        recruiter_licence_status: licence_status.to_string(),
        country: v.country.clone(),
        channel: v.channel.clone(),
        employer: v.employer.clone(),
        title: v.title.clone(),
        sector: v.sector.clone(),
        positions: v.positions,
        wage: v.wage,
        currency: v.currency.clone(),
        hours_per_week: v.hours_per_week,
        housing: v.housing.clone(),
        employer_pays: v.employer_pays.clone(),
        worker_fee: v.worker_fee,
        language: v.language.clone(),
        language_level: v.language_level.clone(),
        pdo_required: v.pdo_required,
        regions: v.regions.clone(),
        deadline: v.deadline.clone(),
        red_flag: v.red_flag.clone(),
        demo: v.demo,
    }
}

/// The public search: published vacancies still open, through recruiters licensed today.
pub async fn search_open(
    db: &Db,
    clock: &Clock,
    filter: Filter,
    offset: i64,
    limit: i64,
) -> ServiceResult<Vec<PublicVacancy>> {
    let today = today(clock).to_string();
    let filter = Filter {
        states: vec![VacancyState::Published.as_str()],
        open_on: Some(today.clone()),
        ..filter
    };
    let mut out = vec![];
    let mut standings: Vec<Standing> = vec![];
    for v in store::list(db, &filter, offset, limit).await? {
        let known = standings
            .iter()
            .position(|s| s.recruiter.id == v.recruiter_id);
        let s = match known {
            Some(i) => &standings[i],
            None => {
                standings.push(standing(db, clock, &v.recruiter_id).await?);
                standings.last().ok_or(ServiceError::NotFound)?
            }
        };
        let view = public_of(&v, s, &today);
        if view.open {
            out.push(view);
        }
    }
    Ok(out)
}

/// Staff lists: recruiter staff see their agencies' vacancies, officers every vacancy.
pub async fn staff_list(
    db: &Db,
    actor: &Actor,
    state: Option<&'static str>,
    offset: i64,
    limit: i64,
) -> ServiceResult<Vec<Vacancy>> {
    // A scoped grant (recruiter staff) is enough to open the list; it is filtered below.
    if !actor.holds(Permission::ListVacancies) {
        return Err(actor.refusal().into());
    }
    let recruiters = if actor.holds(Permission::VerifyVacancies) {
        None
    } else {
        agencies_of(actor, Permission::PostVacancies)
    };
    let filter = Filter {
        states: state.into_iter().collect(),
        recruiters,
        ..Filter::default()
    };
    Ok(store::list(db, &filter, offset, limit).await?)
}
