//! Case use cases: intake (priority suggested from the category, the trafficking
//! indicators and the modifiers; due time from the priority) and reading a case within the
//! actor's scope. Both are audited in their transaction.

use serde_json::json;

use super::model::{self, CALLER_ROLES, CHANNELS, INDICATORS, MODIFIERS, Priority};
use super::store::{self, Case};
use crate::people::service::scopes_of;
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

/// A case as the operator types it (form or JSON).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CaseInput {
    #[serde(default)]
    pub person_id: String,
    /// A taxonomy code: `INF, EMP, DOC, REC, TIP, GBV, DET, HLT, DTH, MIS, FAM, PSY, STR,
    /// IRR, FIN, RET, FBK`.
    #[serde(default)]
    pub category: String,
    /// A sub-type such as `EMP-WAGE` (free, up to 20 characters).
    #[serde(default)]
    pub subtype: Option<String>,
    /// `phone`, `telegram`, `whatsapp`, `web`, `walk_in` or `referral`.
    #[serde(default)]
    pub channel: String,
    /// `migrant` (default), `family`, `employer`, `ngo` or `embassy`.
    #[serde(default)]
    pub caller_role: Option<String>,
    /// Where the person is now: ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub summary: String,
    /// ILO forced-labour indicators observed; any one makes the case P1.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// `minor`, `alone_in_domestic_work`, `no_food_or_shelter` …: each raises one level.
    #[serde(default)]
    pub modifiers: Vec<String>,
    #[serde(default)]
    pub suicide_risk: bool,
    /// A higher priority than suggested, chosen by the operator (never lower).
    #[serde(default)]
    pub priority: Option<String>,
}

/// What intake answers.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Opened {
    pub id: String,
    pub priority: String,
    pub status: String,
    /// When the first action is due, RFC 3339 UTC.
    pub due_at: String,
    /// Open cases of the same person and category: a possible duplicate.
    pub possible_duplicates: Vec<String>,
}

pub(super) fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn listed(
    values: &[String],
    allowed: &[&str],
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for v in values {
        if !allowed.contains(&v.as_str()) {
            errors.push(err(field, "err-case-list"));
        } else if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

pub(super) fn text(
    value: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let value = value.trim();
    if value.chars().count() > max || value.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(err(field, "err-invalid-text"));
    }
    value.to_string()
}

/// Opens a case for a person the actor may serve (the person's region or district).
pub async fn open(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &CaseInput,
) -> ServiceResult<Opened> {
    if !actor.holds(Permission::ManageCases) {
        return Err(actor.refusal().into());
    }
    let person = people::find(db, input.person_id.trim())
        .await?
        .ok_or_else(|| ServiceError::invalid("person_id", "err-case-person"))?;
    let scopes = scopes_of(&person.region_iso, person.district_soato.as_deref());
    // Outside one's scope, only after breaking the glass on the person's record.
    let acting = match actor.require_at(Permission::ManageCases, &scopes) {
        Ok(role) => role,
        Err(refused) => Some(
            crate::people::glass::holder(db, clock, actor, &person.id, Permission::ManageCases)
                .await?
                .ok_or(refused)?,
        ),
    };
    let mut errors = vec![];
    let category = input.category.trim().to_uppercase();
    let base = model::default_priority(&category);
    if base.is_none() {
        errors.push(err("category", "err-case-category"));
    }
    if !CHANNELS.contains(&input.channel.trim()) {
        errors.push(err("channel", "err-case-channel"));
    }
    let caller_role = input
        .caller_role
        .clone()
        .unwrap_or_else(|| "migrant".into());
    if !CALLER_ROLES.contains(&caller_role.as_str()) {
        errors.push(err("caller_role", "err-case-caller"));
    }
    let country = input.country.trim().to_uppercase();
    if country == "UZ" || !people::country_exists(db, &country).await? {
        errors.push(err("country", "err-case-country"));
    }
    let indicators = listed(&input.indicators, &INDICATORS, "indicators", &mut errors);
    let modifiers = listed(&input.modifiers, &MODIFIERS, "modifiers", &mut errors);
    let summary = text(&input.summary, "summary", 4000, &mut errors);
    if summary.chars().count() < 3 {
        errors.push(err("summary", "err-case-summary"));
    }
    let subtype = text(
        input.subtype.as_deref().unwrap_or(""),
        "subtype",
        20,
        &mut errors,
    );
    let city = text(
        input.city.as_deref().unwrap_or(""),
        "city",
        100,
        &mut errors,
    );
    let suggested = model::suggest(
        base.unwrap_or(Priority::P4),
        indicators.len(),
        modifiers.len(),
        input.suicide_risk,
    );
    let priority = match input
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => suggested,
        Some(p) => match Priority::parse(p) {
            // Raised by the operator; a lower one than suggested is not taken.
            Some(chosen) => chosen.min(suggested),
            None => {
                errors.push(err("priority", "err-case-priority"));
                suggested
            }
        },
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let case = Case {
        id: new_id(),
        person_id: person.id.clone(),
        region: person.region_iso.clone(),
        category,
        subtype,
        channel: input.channel.trim().to_string(),
        caller_role,
        country,
        city,
        summary,
        indicators,
        modifiers,
        suicide_risk: input.suicide_risk,
        priority: priority.as_str().into(),
        status: "new".into(),
        due_at: model::due_at(priority, now),
        supervisor_alerted: priority == Priority::P1,
        created_at: now,
        ..Case::default()
    };
    let duplicates = store::open_of_person(db, &case.person_id, &case.category).await?;
    let mut tx = db.begin().await?;
    store::insert(&mut tx, &case, actor.user_id(), now).await?;
    let details = json!({ "category": case.category, "priority": case.priority, "indicators": case.indicators.len(), "supervisor_alerted": case.supervisor_alerted });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("case.open", "case", &case.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Opened {
        id: case.id,
        priority: case.priority,
        status: case.status,
        due_at: rfc3339(case.due_at),
        possible_duplicates: duplicates,
    })
}

pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A case and the role under which the actor may work on it: the person's region or
/// district must be in the actor's scope, or the actor broke the glass for this case less
/// than three hours ago.
pub(super) async fn in_scope(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
) -> ServiceResult<(Case, Option<Role>)> {
    if !actor.holds(Permission::ManageCases) {
        return Err(actor.refusal().into());
    }
    let case = store::find(db, id).await?.ok_or(ServiceError::NotFound)?;
    let district = people::find(db, &case.person_id)
        .await?
        .and_then(|p| p.district_soato);
    match actor.require_at(
        Permission::ManageCases,
        &scopes_of(&case.region, district.as_deref()),
    ) {
        Ok(acting) => Ok((case, acting)),
        // Outside one's scope: a break-the-glass access to the case, or to its person.
        Err(refused) => {
            let role = match super::glass::holder(db, clock, actor, id).await? {
                Some(role) => Some(role),
                None => {
                    let person = &case.person_id;
                    crate::people::glass::holder(db, clock, actor, person, Permission::ManageCases)
                        .await?
                }
            };
            role.map(|r| (case, Some(r))).ok_or_else(|| refused.into())
        }
    }
}

/// Reads a case in the actor's scope (the person's region or district); an audited read.
pub async fn read(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<Case> {
    let (case, acting) = in_scope(db, clock, actor, id).await?;
    let event = Event::new("case.read", "case", id);
    audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
    Ok(case)
}

pub const OUTCOMES: [&str; 5] = [
    "resolved_money",
    "resolved_other",
    "referred_out",
    "unreachable",
    "duplicate",
];

/// A step on a case (form or JSON).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CaseStepInput)]
pub struct StepInput {
    /// What was done or agreed (kept with the step).
    #[serde(default)]
    pub note: String,
    /// For `close`: `resolved_money`, `resolved_other`, `referred_out`, `unreachable` or
    /// `duplicate`.
    #[serde(default)]
    pub outcome: Option<String>,
    /// For `resolved_money`: the amount recovered, in whole units of `currency`.
    #[serde(default)]
    pub amount_recovered: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    /// 1–5, when the caller was reached.
    #[serde(default)]
    pub satisfaction: Option<i64>,
}

const REOPEN_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;

/// Takes a step on a case: `assign` (to oneself), `start`, `refer`, `escalate`, `resolve`,
/// `close` (needs an outcome) or `reopen` (within 30 days of its resolution).
pub async fn act(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    action: &str,
    input: &StepInput,
) -> ServiceResult<Case> {
    // The step's own audit entry records the access; no separate read entry.
    let (case, acting) = in_scope(db, clock, actor, id).await?;
    let to = model::transition(&case.status, action)
        .ok_or(ServiceError::Conflict("err-case-transition"))?;
    let now = clock.now_ms();
    if action == "reopen"
        && case
            .resolved_at
            .is_some_and(|at| now - at > REOPEN_WINDOW_MS)
    {
        return Err(ServiceError::Conflict("err-case-reopen-late"));
    }
    let mut errors = vec![];
    let note = text(&input.note, "note", 4000, &mut errors);
    let closure = if action == "close" {
        Some(closure(input, &mut errors))
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let step = store::Step {
        id,
        from: &case.status,
        to,
        action,
        note: &note,
        closure: closure
            .as_ref()
            .map(|(o, a, c, s)| (o.as_str(), *a, c.as_str(), *s)),
        actor_id: actor.user_id(),
    };
    if !store::step(&mut tx, &step, now).await? {
        return Err(ServiceError::Conflict("err-case-transition"));
    }
    let details =
        json!({ "from": case.status, "to": to, "outcome": closure.as_ref().map(|c| c.0.clone()) });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(&format!("case.{action}"), "case", id).with(details),
    )
    .await?;
    tx.commit().await?;
    store::find(db, id).await?.ok_or(ServiceError::NotFound)
}

/// The outcome of a closure: (outcome, amount, currency, satisfaction).
fn closure(
    input: &StepInput,
    errors: &mut Vec<FieldError>,
) -> (String, Option<i64>, String, Option<i64>) {
    let outcome = input.outcome.clone().unwrap_or_default();
    if !OUTCOMES.contains(&outcome.as_str()) {
        errors.push(err("outcome", "err-case-outcome"));
    }
    let amount = input.amount_recovered;
    let currency = input
        .currency
        .clone()
        .unwrap_or_default()
        .trim()
        .to_uppercase();
    if outcome == "resolved_money"
        && (amount.is_none_or(|a| a <= 0)
            || currency.len() != 3
            || !currency.chars().all(|c| c.is_ascii_uppercase()))
    {
        errors.push(err("amount_recovered", "err-case-amount"));
    }
    if input.satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
        errors.push(err("satisfaction", "err-case-satisfaction"));
    }
    (
        outcome,
        amount.filter(|_| !currency.is_empty()),
        currency,
        input.satisfaction,
    )
}

/// Which queue an operator or supervisor looks at.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// `all` (default: every open case), `overdue`, `soon` (due within 4 hours) or `mine`
    /// (taken by me).
    #[serde(default)]
    pub view: Option<String>,
    /// One region (ISO 3166-2), within the actor's scope.
    #[serde(default)]
    pub region: Option<String>,
}

pub const QUEUE_VIEWS: [&str; 4] = ["all", "overdue", "soon", "mine"];
const SOON_MS: i64 = 4 * 3600 * 1000;

/// The open cases in the actor's scope, due first: all, overdue, due soon or the actor's
/// own, in one of their regions if asked.
pub async fn queue(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    q: &QueueQuery,
) -> ServiceResult<Vec<Case>> {
    if !actor.holds(Permission::ManageCases) {
        return Err(actor.refusal().into());
    }
    let mut filter = store::QueueFilter {
        regions: actor.regions_for(Permission::ManageCases),
        ..store::QueueFilter::default()
    };
    if let Some(region) = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        let allowed = filter
            .regions
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|r| r == region));
        if !allowed {
            return Err(actor.refusal().into());
        }
        filter.regions = Some(vec![region.to_string()]);
    }
    let now = clock.now_ms();
    match q.view.as_deref().unwrap_or("all") {
        "all" | "" => {}
        "overdue" => filter.due_before = Some(now),
        "soon" => {
            filter.due_from = Some(now);
            filter.due_before = Some(now + SOON_MS);
        }
        "mine" => filter.assigned_to = Some(actor.user_id().unwrap_or_default().to_string()),
        _ => return Err(ServiceError::invalid("view", "err-case-view")),
    }
    Ok(store::queue(db, &filter, 200).await?)
}

/// The person's other open cases in the same category: the possible duplicates the case
/// page warns about (call after `read`).
pub async fn duplicates_of(db: &Db, case: &Case) -> ServiceResult<Vec<String>> {
    let mut ids = store::open_of_person(db, &case.person_id, &case.category).await?;
    ids.retain(|id| *id != case.id);
    Ok(ids)
}

/// The supervisors' alert list: open cases that alerted them at intake or breached their
/// due time, in their regions.
pub async fn alerts(db: &Db, actor: &Actor) -> ServiceResult<Vec<Case>> {
    if !actor.holds(Permission::SuperviseCases) {
        return Err(actor.refusal().into());
    }
    let regions = actor.regions_for(Permission::SuperviseCases);
    Ok(store::alerts(db, regions.as_deref(), 200).await?)
}

/// The SLA job: every open case past its due time is escalated to the supervisors once
/// (marked, with a step and an audit entry). Safe on several servers at once: the mark is
/// a conditional update, so each case is escalated by exactly one of them.
pub async fn escalate_overdue(db: &Db, clock: &Clock) -> ServiceResult<usize> {
    let now = clock.now_ms();
    let mut escalated = 0;
    for id in store::overdue_unescalated(db, now, 1000).await? {
        let mut tx = db.begin().await?;
        let Some(status) = store::mark_breached(&mut tx, &id, now).await? else {
            continue;
        };
        let details = json!({ "status": status });
        audit::append(
            &mut tx,
            &Actor::console(),
            None,
            now,
            Event::new("case.sla_breach", "case", &id).with(details),
        )
        .await?;
        tx.commit().await?;
        escalated += 1;
    }
    Ok(escalated)
}

/// Opens the P2 case of a person a fallen licence left (stranded, refund, reassignment), in
/// the licence decision's own transaction; `destination` is where the job was.
pub async fn open_for_cascade(
    tx: &mut crate::platform::db::Tx,
    person_id: &str,
    reason: &str,
    reference: &str,
    destination: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let region = people::region_in(tx, person_id).await?.unwrap_or_default();
    let case = Case {
        id: new_id(),
        person_id: person_id.to_string(),
        region,
        category: "REC".into(),
        subtype: "REC-CASCADE".into(),
        channel: "referral".into(),
        caller_role: "migrant".into(),
        country: destination.to_string(),
        summary: format!(
            "Licence cascade ({reason}) through vacancy {reference}: check whether the person is stranded, owed a refund or can be reassigned."
        ),
        priority: Priority::P2.as_str().into(),
        status: "new".into(),
        due_at: model::due_at(Priority::P2, now),
        created_at: now,
        ..Case::default()
    };
    store::insert(tx, &case, None, now).await?;
    super::links::link_cascade(tx, &case.id, reference, now).await?;
    let details = json!({ "source": "licence_cascade", "reason": reason, "reference": reference, "priority": "P2" });
    audit::append(
        tx,
        &Actor::console(),
        None,
        now,
        Event::new("case.open", "case", &case.id).with(details),
    )
    .await?;
    Ok(case.id)
}
