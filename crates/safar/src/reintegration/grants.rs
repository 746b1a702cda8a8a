//! Grant programmes, as use cases: a reintegration officer opens a call (budget, maximum
//! award, eligibility rules, rubric, committee); returnees apply from their accounts and
//! the rules are checked at once (the officer may override with a recorded reason); after
//! the deadline the officer closes the call and the eligible applications are shared among
//! the committee; reviewers declare conflicts or score blind; the officer decides, and the
//! awards go down the ranking until the budget runs out; tranches and monitoring visits
//! follow. Every step is audited in its transaction; reviewers never see who applied.

use serde_json::json;

use super::grants_model::{self as model, Applicant, Ranked, Rules};
use super::grants_store::{self as store, Application, Call, Criterion, Review, Tranche, Visit};
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn today(clock: &Clock) -> time::Date {
    crate::recruiters::service::today(clock)
}

fn clean(text: &str, len: std::ops::RangeInclusive<usize>) -> Option<String> {
    crate::platform::text::clean_text(text, len)
}

/// A new call as sent (JSON) or typed (form). Sums are whole so'm.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CallInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub budget: i64,
    #[serde(default)]
    pub max_award: i64,
    /// Returned within this many months before applying (0: no such rule).
    #[serde(default)]
    pub returned_within_months: i64,
    /// Regions whose residents may apply (empty: everywhere).
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub min_age: i64,
    #[serde(default)]
    pub max_age: i64,
    /// No award still running from an earlier call.
    #[serde(default)]
    pub no_prior_award: bool,
    /// The lowest mean weighted score (0–5) that can be awarded, e.g. `2.5`.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: f64,
    #[serde(default = "default_reviewers")]
    pub reviewers_per_application: i64,
    #[serde(default = "default_first_tranche")]
    pub first_tranche_percent: i64,
    /// `YYYY-MM-DD`, the last day to apply.
    #[serde(default)]
    pub deadline: String,
    /// The rubric: names and weights in percent adding up to 100; each scored 0–5.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// User ids of the committee (users holding the `grant_reviewer` role).
    #[serde(default)]
    pub reviewers: Vec<String>,
}

fn default_pass_mark() -> f64 {
    2.5
}
fn default_reviewers() -> i64 {
    3
}
fn default_first_tranche() -> i64 {
    60
}

impl Default for CallInput {
    fn default() -> Self {
        CallInput {
            title: String::new(),
            description: String::new(),
            budget: 0,
            max_award: 0,
            returned_within_months: 0,
            regions: vec![],
            min_age: 0,
            max_age: 0,
            no_prior_award: false,
            pass_mark: default_pass_mark(),
            reviewers_per_application: default_reviewers(),
            first_tranche_percent: default_first_tranche(),
            deadline: String::new(),
            criteria: vec![],
            reviewers: vec![],
        }
    }
}

/// The largest budget a call may have: a trillion so'm.
const MAX_SUM: i64 = 1_000_000_000_000;

async fn validate_call(db: &Db, clock: &Clock, input: &CallInput) -> ServiceResult<Call> {
    let mut errors = vec![];
    let title = clean(&input.title, 3..=200);
    if title.is_none() {
        errors.push(err("title", "err-grant-title"));
    }
    let description = if input.description.trim().is_empty() {
        Some(String::new())
    } else {
        clean(&input.description, 1..=4_000)
    };
    if description.is_none() {
        errors.push(err("description", "err-grant-text"));
    }
    if !(1..=MAX_SUM).contains(&input.budget) {
        errors.push(err("budget", "err-grant-sum"));
    }
    if !(1..=input.budget.max(1)).contains(&input.max_award) {
        errors.push(err("max_award", "err-grant-max-award"));
    }
    if !(0..=120).contains(&input.returned_within_months) {
        errors.push(err("returned_within_months", "err-grant-months"));
    }
    for region in &input.regions {
        if !people::region_exists(db, region).await? {
            errors.push(err("regions", "err-region"));
            break;
        }
    }
    let ages_ok = (0..=100).contains(&input.min_age)
        && (0..=100).contains(&input.max_age)
        && (input.max_age == 0 || input.max_age >= input.min_age);
    if !ages_ok {
        errors.push(err("max_age", "err-grant-ages"));
    }
    if !(0.0..=5.0).contains(&input.pass_mark) {
        errors.push(err("pass_mark", "err-grant-pass-mark"));
    }
    if !(1..=9).contains(&input.reviewers_per_application) {
        errors.push(err("reviewers_per_application", "err-grant-reviewers"));
    }
    if !(1..=100).contains(&input.first_tranche_percent) {
        errors.push(err("first_tranche_percent", "err-grant-tranche-percent"));
    }
    let deadline = crate::people::model::parse_date(&input.deadline).filter(|d| *d >= today(clock));
    if deadline.is_none() {
        errors.push(err("deadline", "err-grant-deadline"));
    }
    // Each weight is checked before they are added up (no sum of huge numbers).
    let criteria_ok = !input.criteria.is_empty()
        && input.criteria.len() <= 10
        && input
            .criteria
            .iter()
            .all(|c| (1..=100).contains(&c.weight) && clean(&c.name, 2..=200).is_some())
        && input.criteria.iter().map(|c| c.weight).sum::<i64>() == 100;
    if !criteria_ok {
        errors.push(err("criteria", "err-grant-criteria"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut regions = input.regions.clone();
    regions.sort();
    regions.dedup();
    Ok(Call {
        id: new_id(),
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        currency: "UZS".into(),
        budget: input.budget,
        max_award: input.max_award,
        returned_within_months: input.returned_within_months,
        regions,
        min_age: input.min_age,
        max_age: input.max_age,
        no_prior_award: input.no_prior_award,
        pass_mark: (input.pass_mark * 1000.0).round() as i64,
        reviewers_per_application: input.reviewers_per_application,
        first_tranche_percent: input.first_tranche_percent,
        deadline: deadline.map(|d| d.to_string()).unwrap_or_default(),
        status: "open".into(),
        criteria: input
            .criteria
            .iter()
            .map(|c| Criterion {
                name: clean(&c.name, 2..=200).unwrap_or_default(),
                weight: c.weight,
            })
            .collect(),
    })
}

/// Whether a user may sit on a committee: an active account holding `grant_reviewer`.
async fn is_reviewer(db: &Db, user_id: &str) -> ServiceResult<bool> {
    let Some(user) = crate::accounts::store::find_by_id(db, user_id).await? else {
        return Ok(false);
    };
    let grants = crate::accounts::store::grants_of(db, user_id).await?;
    Ok(user.status == "active" && grants.iter().any(|g| g.role == Role::GrantReviewer))
}

/// Opens a call for applications (reintegration officers, national).
pub async fn open_call(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &CallInput,
) -> ServiceResult<Call> {
    let acting = actor.require(Permission::ManageGrants)?;
    let call = validate_call(db, clock, input).await?;
    for reviewer in &input.reviewers {
        if !is_reviewer(db, reviewer).await? {
            return Err(ServiceError::invalid("reviewers", "err-grant-reviewer"));
        }
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert_call(&mut tx, &call, actor.user_id(), now).await?;
    for reviewer in &input.reviewers {
        store::add_to_committee(&mut tx, &call.id, reviewer, now).await?;
    }
    let details = json!({ "title": call.title, "budget": call.budget, "deadline": call.deadline,
        "committee": input.reviewers });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.call.open", "grant_call", &call.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(call)
}

/// Adds a reviewer to a call's committee (before its decision).
pub async fn add_reviewer(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    call_id: &str,
    reviewer: &str,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageGrants)?;
    let call = store::call(db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if call.status == "decided" {
        return Err(ServiceError::Conflict("err-grant-call-step"));
    }
    if !is_reviewer(db, reviewer).await? {
        return Err(ServiceError::invalid("reviewer", "err-grant-reviewer"));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::add_to_committee(&mut tx, call_id, reviewer, now).await?;
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.committee.add", "grant_call", call_id)
            .with(json!({ "reviewer": reviewer })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The calls: open ones for everyone signed in; all for officers.
pub async fn calls(db: &Db, actor: &Actor) -> ServiceResult<Vec<Call>> {
    if actor.require(Permission::ManageGrants).is_ok() {
        return Ok(store::calls(db, None).await?);
    }
    if !actor.is_signed_in() {
        return Err(actor.refusal().into());
    }
    Ok(store::calls(db, Some("open")).await?)
}

pub async fn call(db: &Db, actor: &Actor, id: &str) -> ServiceResult<Call> {
    if !actor.is_signed_in() {
        return Err(actor.refusal().into());
    }
    let call = store::call(db, id).await?.ok_or(ServiceError::NotFound)?;
    if call.status != "open" && actor.require(Permission::ManageGrants).is_err() {
        return Err(ServiceError::NotFound);
    }
    Ok(call)
}

/// A business plan as sent or typed. Sums are whole so'm.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ApplicationInput {
    /// What the business will do.
    #[serde(default)]
    pub activity: String,
    /// ISCO-08 code of the main occupation.
    #[serde(default)]
    pub sector_isco: String,
    /// SOATO code of the district where it will run.
    #[serde(default)]
    pub district: String,
    /// Street, mahalla or market.
    #[serde(default)]
    pub location: String,
    /// The plan: market, costs, how it will earn.
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub costs: i64,
    #[serde(default)]
    pub own_contribution: i64,
    #[serde(default)]
    pub requested: i64,
    #[serde(default)]
    pub jobs_expected: i64,
}

/// The registry facts the rules are checked against.
async fn applicant(db: &Db, person: &people::PersonRow) -> ServiceResult<Applicant> {
    let last_return = people::journeys(db, &person.id)
        .await?
        .into_iter()
        .filter(|j| j.kind == "return")
        .filter_map(|j| crate::people::model::parse_date(&j.event_date))
        .max();
    Ok(Applicant {
        region: person.region_iso.clone(),
        birth_date: crate::people::model::parse_date(&person.birth_date),
        last_return,
        has_open_award: store::has_open_award(db, &person.id).await?,
    })
}

fn rules_of(call: &Call) -> Rules {
    Rules {
        returned_within_months: call.returned_within_months,
        regions: call.regions.clone(),
        min_age: call.min_age,
        max_age: call.max_age,
        no_prior_award: call.no_prior_award,
    }
}

async fn validate_application(
    db: &Db,
    call: &Call,
    input: &ApplicationInput,
) -> ServiceResult<Vec<FieldError>> {
    let mut errors = vec![];
    if clean(&input.activity, 3..=200).is_none() {
        errors.push(err("activity", "err-grant-activity"));
    }
    let sector_ok = input.sector_isco.len() == 4
        && crate::reference::store::sector_exists(db, &input.sector_isco).await?;
    if !sector_ok {
        errors.push(err("sector_isco", "err-grant-sector"));
    }
    if clean(&input.location, 2..=200).is_none() {
        errors.push(err("location", "err-grant-location"));
    }
    if clean(&input.plan, 50..=8_000).is_none() || input.plan.chars().count() > 10_000 {
        errors.push(err("plan", "err-grant-plan"));
    }
    if !(1..=MAX_SUM).contains(&input.costs) {
        errors.push(err("costs", "err-grant-sum"));
    }
    if !(0..=input.costs.max(0)).contains(&input.own_contribution) {
        errors.push(err("own_contribution", "err-grant-contribution"));
    }
    let needed = input.costs.saturating_sub(input.own_contribution);
    if !(1..=call.max_award).contains(&input.requested) || input.requested > needed.max(0) {
        errors.push(err("requested", "err-grant-requested"));
    }
    if !(0..=1_000).contains(&input.jobs_expected) {
        errors.push(err("jobs_expected", "err-grant-jobs"));
    }
    Ok(errors)
}

/// A returnee applies from their account to an open call before its deadline; the rules
/// are checked at once and the application is `eligible` or `ineligible`.
pub async fn apply(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    call_id: &str,
    input: &ApplicationInput,
) -> ServiceResult<Application> {
    actor.require(Permission::ApplyForGrants)?;
    let call = store::call(db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let day = today(clock);
    if call.status != "open" || day.to_string() > call.deadline {
        return Err(ServiceError::Conflict("err-grant-closed"));
    }
    let person_id = crate::people::service::own_person_id(db, actor)
        .await?
        .ok_or(ServiceError::Conflict("err-grant-profile"))?;
    let person = people::find(db, &person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = validate_application(db, &call, input).await?;
    let district = input.district.trim();
    if !district.is_empty() && !people::district_in_region(db, district, &person.region_iso).await?
    {
        errors.push(err("district", "err-district"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let checks = model::eligibility(&rules_of(&call), &applicant(db, &person).await?, day);
    let status = if model::all_passed(&checks) {
        "eligible"
    } else {
        "ineligible"
    };
    let now = clock.now_ms();
    let application = Application {
        id: new_id(),
        call_id: call.id.clone(),
        person_id: person.id.clone(),
        status: status.into(),
        activity: clean(&input.activity, 3..=200).unwrap_or_default(),
        sector_isco: input.sector_isco.clone(),
        region: person.region_iso.clone(),
        district: district.to_string(),
        location: clean(&input.location, 2..=200).unwrap_or_default(),
        plan: input.plan.trim().replace("\r\n", "\n"),
        costs: input.costs,
        own_contribution: input.own_contribution,
        requested: input.requested,
        jobs_expected: input.jobs_expected,
        gender: person.gender.clone(),
        eligibility: checks,
        submitted_at: now,
        updated_at: now,
        ..Application::default()
    };
    let mut tx = db.begin().await?;
    // Take the call's row: closing it waits for this application, or this one is refused.
    if !store::step_call(&mut tx, &call.id, "open", "open", now).await? {
        return Err(ServiceError::Conflict("err-grant-closed"));
    }
    if !store::insert_application(&mut tx, &application, now).await? {
        return Err(ServiceError::Conflict("err-grant-applied"));
    }
    let details = json!({ "call": call.id, "status": status, "requested": application.requested });
    audit::append(
        &mut tx,
        actor,
        None,
        now,
        Event::new("grant.apply", "grant_application", &application.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(application)
}

/// The applications a citizen made, with their decision and its reason.
pub async fn my_applications(db: &Db, actor: &Actor) -> ServiceResult<Vec<Application>> {
    actor.require(Permission::ApplyForGrants)?;
    let Some(person) = crate::people::service::own_person_id(db, actor).await? else {
        return Ok(vec![]);
    };
    Ok(store::applications_of_person(db, &person).await?)
}

/// An application as its officer sees it (the whole record, audited as a read of a
/// person's data), or as its applicant sees it.
pub async fn application(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
) -> ServiceResult<Application> {
    let app = store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Ok(acting) = actor.require(Permission::ManageGrants) {
        let read = Event::new("grant.application.read", "grant_application", id);
        audit::record_read(db, actor, acting, clock.now_ms(), read).await?;
        return Ok(app);
    }
    let own = crate::people::service::own_person_id(db, actor).await?;
    if own.as_deref() == Some(app.person_id.as_str()) {
        return Ok(app);
    }
    Err(actor.refusal().into())
}

/// The officer sets an application eligible or ineligible against the automatic check,
/// with the reason on record (before the call is closed).
pub async fn override_eligibility(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    eligible: bool,
    reason: &str,
) -> ServiceResult<Application> {
    let acting = actor.require(Permission::ManageGrants)?;
    let app = store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reason =
        clean(reason, 10..=1_000).ok_or(ServiceError::invalid("reason", "err-grant-reason"))?;
    let (from, to) = if eligible {
        ("ineligible", "eligible")
    } else {
        ("eligible", "ineligible")
    };
    if app.status != from {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    // Only while the call takes applications: once closed, an application set eligible
    // would never be reviewed. The guarded update also waits for a closing in progress.
    if !store::step_call(&mut tx, &app.call_id, "open", "open", now).await?
        || !store::step_application(&mut tx, id, &[from], to, now).await?
    {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    store::set_override(&mut tx, id, &reason).await?;
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.eligibility.override", "grant_application", id)
            .with(json!({ "from": from, "to": to, "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Closes a call after its deadline: each eligible application goes to review and is
/// shared among the committee, `reviewers_per_application` each, in turn.
pub async fn close_call(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<Call> {
    let acting = actor.require(Permission::ManageGrants)?;
    let call = store::call(db, id).await?.ok_or(ServiceError::NotFound)?;
    if call.status != "open" {
        return Err(ServiceError::Conflict("err-grant-call-step"));
    }
    if today(clock).to_string() <= call.deadline {
        return Err(ServiceError::Conflict("err-grant-before-deadline"));
    }
    let committee = store::committee(db, id).await?;
    let per_application = usize::try_from(call.reviewers_per_application).unwrap_or(3);
    if committee.len() < per_application {
        return Err(ServiceError::Conflict("err-grant-committee-small"));
    }
    let mut members_persons = std::collections::HashMap::new();
    for member in &committee {
        members_persons.insert(member.clone(), people::person_of_account(db, member).await?);
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::step_call(&mut tx, id, "open", "review", now).await? {
        return Err(ServiceError::Conflict("err-grant-call-step"));
    }
    // Read once the call's row is ours: an application sent at this very moment is either
    // in this list or refused (`apply` takes the same row and needs it open).
    let eligible: Vec<Application> = store::applications_of_call_on(&mut *tx, id)
        .await?
        .into_iter()
        .filter(|a| a.status == "eligible")
        .collect();
    for (i, app) in eligible.iter().enumerate() {
        // Changed since read (an override): not sent to review.
        if !store::step_application(&mut tx, &app.id, &["eligible"], "in_review", now).await? {
            continue;
        }
        // Round-robin over the committee, passing over a member who is the applicant.
        let start = i * per_application;
        let reviewers = (0..committee.len())
            .map(|k| &committee[(start + k) % committee.len()])
            .filter(|member| members_persons.get(*member) != Some(&Some(app.person_id.clone())))
            .take(per_application)
            .collect::<Vec<_>>();
        if reviewers.len() < per_application {
            // Dropping the transaction undoes the close: the committee needs another member.
            return Err(ServiceError::Conflict("err-grant-committee-small"));
        }
        for reviewer in reviewers {
            store::assign(&mut tx, &app.id, reviewer, now).await?;
        }
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.call.close", "grant_call", id)
            .with(json!({ "in_review": eligible.len(), "committee": committee.len() })),
    )
    .await?;
    tx.commit().await?;
    store::call(db, id).await?.ok_or(ServiceError::NotFound)
}

/// An application as a reviewer sees it: the business plan, never who applied; other
/// reviewers' scores only once their own review is in.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ForReview {
    pub application_id: String,
    pub call_id: String,
    pub call_title: String,
    pub criteria: Vec<Criterion>,
    pub activity: String,
    pub sector_isco: String,
    pub region: String,
    pub district: String,
    pub location: String,
    pub plan: String,
    pub costs: i64,
    pub own_contribution: i64,
    pub requested: i64,
    pub jobs_expected: i64,
    /// The reviewer's own review.
    pub mine: Review,
    /// The other submitted reviews (scores and comments, reviewers unnamed), once one's
    /// own is submitted.
    pub others: Vec<Review>,
    /// The applicant's attachments (quotes, licences, photos of the premises).
    pub attachments: Vec<store::GrantFile>,
}

async fn own_review(db: &Db, actor: &Actor, application_id: &str) -> ServiceResult<Review> {
    actor.require(Permission::ReviewGrants)?;
    let me = actor.user_id().ok_or(ServiceError::NotFound)?;
    store::reviews_of(db, application_id)
        .await?
        .into_iter()
        .find(|r| r.reviewer_id == me)
        .ok_or(ServiceError::NotFound)
}

pub async fn for_review(db: &Db, actor: &Actor, application_id: &str) -> ServiceResult<ForReview> {
    let mine = own_review(db, actor, application_id).await?;
    let app = store::application(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let call = store::call(db, &app.call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let others = if mine.status == "submitted" {
        store::reviews_of(db, application_id)
            .await?
            .into_iter()
            .filter(|r| r.reviewer_id != mine.reviewer_id && r.status == "submitted")
            .map(|r| Review {
                reviewer_id: String::new(),
                ..r
            })
            .collect()
    } else {
        vec![]
    };
    let attachments = store::files(db, &app.id)
        .await?
        .into_iter()
        .filter(|f| f.kind == "attachment")
        .collect();
    Ok(ForReview {
        application_id: app.id,
        call_id: call.id,
        call_title: call.title,
        criteria: call.criteria,
        activity: app.activity,
        sector_isco: app.sector_isco,
        region: app.region,
        district: app.district,
        location: app.location,
        plan: app.plan,
        costs: app.costs,
        own_contribution: app.own_contribution,
        requested: app.requested,
        jobs_expected: app.jobs_expected,
        mine,
        others,
        attachments,
    })
}

/// The reviews assigned to the reviewer, open ones first.
pub async fn my_reviews(db: &Db, actor: &Actor) -> ServiceResult<Vec<Review>> {
    actor.require(Permission::ReviewGrants)?;
    let me = actor.user_id().ok_or(ServiceError::NotFound)?;
    let mut reviews = store::reviews_by(db, me).await?;
    reviews.sort_by_key(|r| r.status != "assigned");
    Ok(reviews)
}

/// What a reviewer sends: a conflict of interest (with a note), or a score 0–5 for every
/// criterion in order, with a comment.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    #[serde(default)]
    pub conflict: bool,
    #[serde(default)]
    pub conflict_note: String,
    #[serde(default)]
    pub scores: Vec<i64>,
    #[serde(default)]
    pub comment: String,
}

/// Records a reviewer's conflict of interest or scores — once: a review cannot be changed.
/// The application is `scored` when enough reviewers without a conflict have scored it.
pub async fn review(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    application_id: &str,
    input: &ReviewInput,
) -> ServiceResult<Review> {
    let acting = actor.require(Permission::ReviewGrants)?;
    let mine = own_review(db, actor, application_id).await?;
    if mine.status != "assigned" {
        return Err(ServiceError::Conflict("err-grant-reviewed"));
    }
    let app = store::application(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if app.status != "in_review" {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    let own = crate::people::service::own_person_id(db, actor).await?;
    if own.as_deref() == Some(app.person_id.as_str()) && !input.conflict {
        // A reviewer's own application is the plainest conflict of interest.
        return Err(ServiceError::Conflict("err-grant-own"));
    }
    let call = store::call(db, &app.call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let review = if input.conflict {
        let note = clean(&input.conflict_note, 3..=500).ok_or(ServiceError::invalid(
            "conflict_note",
            "err-grant-conflict-note",
        ))?;
        Review {
            status: "conflict".into(),
            conflict_note: note,
            ..mine
        }
    } else {
        let weights: Vec<i64> = call.criteria.iter().map(|c| c.weight).collect();
        let scores_ok =
            input.scores.len() == weights.len() && input.scores.iter().all(|s| (0..=5).contains(s));
        if !scores_ok {
            return Err(ServiceError::invalid("scores", "err-grant-scores"));
        }
        let comment = if input.comment.trim().is_empty() {
            String::new()
        } else {
            clean(&input.comment, 1..=2_000)
                .ok_or(ServiceError::invalid("comment", "err-grant-text"))?
        };
        Review {
            status: "submitted".into(),
            weighted: Some(model::weighted(&input.scores, &weights)),
            scores: input.scores.clone(),
            comment,
            ..mine
        }
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    // Take the application's row first, so that the last two reviews submitted at the same
    // time are counted one after the other and one of them marks it scored.
    if !store::step_application(&mut tx, application_id, &["in_review"], "in_review", now).await? {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    if !store::close_review(&mut tx, &review, now).await? {
        return Err(ServiceError::Conflict("err-grant-reviewed"));
    }
    let scores = store::submitted_scores(&mut tx, application_id).await?;
    let needed = usize::try_from(call.reviewers_per_application).unwrap_or(3);
    if scores.len() >= needed
        && let Some(mean) = model::mean(&scores)
    {
        store::set_score(&mut tx, application_id, mean).await?;
        store::step_application(&mut tx, application_id, &["in_review"], "scored", now).await?;
    }
    let action = if input.conflict {
        "grant.review.conflict"
    } else {
        "grant.review.submit"
    };
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(action, "grant_application", application_id)
            .with(json!({ "weighted": review.weighted, "conflict_note": review.conflict_note })),
    )
    .await?;
    tx.commit().await?;
    Ok(review)
}

/// Gives a conflicted (or missing) review to another committee member.
pub async fn assign_reviewer(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    application_id: &str,
    reviewer: &str,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageGrants)?;
    let app = store::application(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if app.status != "in_review" {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    if !store::committee(db, &app.call_id)
        .await?
        .iter()
        .any(|u| u == reviewer)
    {
        return Err(ServiceError::invalid("reviewer", "err-grant-reviewer"));
    }
    if people::person_of_account(db, reviewer).await?.as_deref() == Some(app.person_id.as_str()) {
        return Err(ServiceError::invalid(
            "reviewer",
            "err-grant-reviewer-applicant",
        ));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::assign(&mut tx, application_id, reviewer, now).await? {
        return Err(ServiceError::Conflict("err-grant-assigned"));
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.review.assign", "grant_application", application_id)
            .with(json!({ "reviewer": reviewer })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One line of a call's ranking: no name, no identifier of the applicant.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RankingLine {
    pub application_id: String,
    pub rank: Option<i64>,
    /// The mean weighted score (0–5, three decimals), once scored.
    pub mean_weighted_score: Option<f64>,
    pub reviews: usize,
    pub activity: String,
    pub region: String,
    pub requested: i64,
    pub own_share_percent: f64,
    pub jobs_expected: i64,
    pub status: String,
    /// `awarded`, `declined`, `ineligible` or `pending`.
    pub decision: String,
    pub awarded: i64,
    /// Why: `awarded`, `below_pass_mark`, `budget_exhausted`, the failed rules …
    pub reason: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub call: Call,
    /// The order in which ties are broken.
    pub tie_rule: Vec<&'static str>,
    pub awarded_total: i64,
    pub items: Vec<RankingLine>,
}

fn decision_of(a: &Application) -> &'static str {
    match a.status.as_str() {
        "awarded" | "disbursing" | "monitoring" | "completed" => "awarded",
        "declined" => "declined",
        "ineligible" => "ineligible",
        "cancelled" if a.awarded > 0 => "awarded",
        _ => "pending",
    }
}

fn reason_of(a: &Application) -> String {
    if a.status == "ineligible" {
        let failed: Vec<_> = a
            .eligibility
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule.as_str())
            .collect();
        return if failed.is_empty() {
            "override".into()
        } else {
            failed.join(" ")
        };
    }
    a.decision_reason.clone()
}

/// The ranking of a call (reintegration officers): each application's mean weighted score,
/// place and decision, best first, then those not ranked.
pub async fn ranking(db: &Db, actor: &Actor, call_id: &str) -> ServiceResult<Ranking> {
    actor.require(Permission::ManageGrants)?;
    let call = store::call(db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut apps = store::applications_of_call(db, call_id).await?;
    apps.sort_by_key(|a| {
        (
            a.rank.is_none(),
            a.rank,
            std::cmp::Reverse(a.mean_score),
            a.submitted_at,
        )
    });
    let mut items = vec![];
    for a in &apps {
        let reviews = store::reviews_of(db, &a.id)
            .await?
            .iter()
            .filter(|r| r.status == "submitted")
            .count();
        items.push(RankingLine {
            application_id: a.id.clone(),
            rank: a.rank,
            mean_weighted_score: a.mean_score.map(|m| m as f64 / 1000.0),
            reviews,
            activity: a.activity.clone(),
            region: a.region.clone(),
            requested: a.requested,
            own_share_percent: (a.own_contribution as f64 * 1000.0 / a.costs.max(1) as f64).round()
                / 10.0,
            jobs_expected: a.jobs_expected,
            status: a.status.clone(),
            decision: decision_of(a).into(),
            awarded: a.awarded,
            reason: reason_of(a),
        });
    }
    Ok(Ranking {
        awarded_total: apps.iter().map(|a| a.awarded).sum(),
        call,
        tie_rule: model::TIE_RULE.to_vec(),
        items,
    })
}

/// Decides a call in review once every application in it is scored: ranks them, awards
/// down the ranking until the budget runs out, and creates each award's two tranches.
pub async fn decide(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    call_id: &str,
) -> ServiceResult<Ranking> {
    let acting = actor.require(Permission::ManageGrants)?;
    let call = store::call(db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if call.status != "review" {
        return Err(ServiceError::Conflict("err-grant-call-step"));
    }
    let apps = store::applications_of_call(db, call_id).await?;
    if apps.iter().any(|a| a.status == "in_review") {
        return Err(ServiceError::Conflict("err-grant-unscored"));
    }
    let scored: Vec<Ranked> = apps
        .iter()
        .filter(|a| a.status == "scored")
        .map(|a| Ranked {
            id: a.id.clone(),
            mean: a.mean_score.unwrap_or(0),
            costs: a.costs,
            own_contribution: a.own_contribution,
            jobs_expected: a.jobs_expected,
            requested: a.requested,
            submitted_at: a.submitted_at,
        })
        .collect();
    let decisions = model::decide(scored, call.budget, call.pass_mark);
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::step_call(&mut tx, call_id, "review", "decided", now).await? {
        return Err(ServiceError::Conflict("err-grant-call-step"));
    }
    for d in &decisions {
        let status = if d.awarded > 0 { "awarded" } else { "declined" };
        store::set_decision(
            &mut tx,
            &d.id,
            status,
            Some(d.rank),
            d.awarded,
            d.reason,
            now,
        )
        .await?;
        if d.awarded > 0 {
            let [first, second] = model::tranches(d.awarded, call.first_tranche_percent);
            store::insert_tranche(&mut tx, &d.id, 1, first).await?;
            store::insert_tranche(&mut tx, &d.id, 2, second).await?;
        }
        audit::append(
            &mut tx,
            actor,
            acting,
            now,
            Event::new("grant.decide", "grant_application", &d.id)
                .with(json!({ "rank": d.rank, "awarded": d.awarded, "reason": d.reason })),
        )
        .await?;
    }
    tx.commit().await?;
    ranking(db, actor, call_id).await
}

/// An award's money and monitoring.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Award {
    pub application: Application,
    pub tranches: Vec<Tranche>,
    pub visits: Vec<Visit>,
    /// The applicant's attachments and the visits' photos.
    pub files: Vec<store::GrantFile>,
}

pub async fn award(db: &Db, clock: &Clock, actor: &Actor, id: &str) -> ServiceResult<Award> {
    let application = application(db, clock, actor, id).await?;
    Ok(Award {
        files: store::files(db, id).await?,
        tranches: store::tranches(db, id).await?,
        visits: store::visits(db, id).await?,
        application,
    })
}

/// Releases tranche `number`: the first once awarded (→ `disbursing`); the second only
/// after a monitoring visit found the business operating (→ `monitoring`).
pub async fn release_tranche(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    number: i64,
) -> ServiceResult<Award> {
    let acting = actor.require(Permission::ManageGrants)?;
    let app = store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tranches = store::tranches(db, id).await?;
    if tranches.is_empty() {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    let first_released = tranches
        .iter()
        .any(|t| t.number == 1 && t.status == "released");
    let operating = store::visits(db, id).await?.iter().any(|v| v.operating);
    model::may_release(number, first_released, operating).map_err(ServiceError::Conflict)?;
    let (from, to) = if number == 1 {
        ("awarded", "disbursing")
    } else {
        ("disbursing", "monitoring")
    };
    let now = clock.now_ms();
    let by = actor.user_id().unwrap_or("console");
    let mut tx = db.begin().await?;
    let moved = store::step_application(&mut tx, id, &[from], to, now).await?;
    if !moved || !store::release(&mut tx, id, number, by, now).await? {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("grant.tranche.release", "grant_application", id)
            .with(json!({ "tranche": number, "status": to, "application_status_was": app.status })),
    )
    .await?;
    tx.commit().await?;
    award(db, clock, actor, id).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    /// 6 or 12.
    #[serde(default)]
    pub month: i64,
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub operating: bool,
    #[serde(default)]
    pub jobs_created: i64,
    /// `none`, `under_5m`, `5m_20m`, `20m_50m` or `over_50m`.
    #[serde(default)]
    pub revenue_band: String,
    #[serde(default)]
    pub notes: String,
}

pub const REVENUE_BANDS: [&str; 5] = ["none", "under_5m", "5m_20m", "20m_50m", "over_50m"];

/// Records a monitoring visit: at 6 months while the money is paid out, at 12 once the
/// second tranche is out — which completes the grant.
pub async fn record_visit(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    input: &VisitInput,
) -> ServiceResult<Award> {
    let acting = actor.require(Permission::ManageGrants)?;
    let app = store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = vec![];
    let visited_on =
        crate::people::model::parse_date(&input.visited_on).filter(|d| *d <= today(clock));
    if visited_on.is_none() {
        errors.push(err("visited_on", "err-grant-visit-date"));
    }
    if !(0..=1_000).contains(&input.jobs_created) {
        errors.push(err("jobs_created", "err-grant-jobs"));
    }
    if !REVENUE_BANDS.contains(&input.revenue_band.as_str()) {
        errors.push(err("revenue_band", "err-grant-revenue"));
    }
    let notes = if input.notes.trim().is_empty() {
        String::new()
    } else {
        clean(&input.notes, 1..=2_000).unwrap_or_else(|| {
            errors.push(err("notes", "err-grant-text"));
            String::new()
        })
    };
    let (from, to) = match input.month {
        6 => ("disbursing", None),
        12 => ("monitoring", Some("completed")),
        _ => {
            errors.push(err("month", "err-grant-visit-month"));
            ("", None)
        }
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    if app.status != from {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    let earliest = earliest_visit(db, id, input.month).await?;
    if visited_on
        .zip(earliest)
        .is_some_and(|(day, first)| day < first)
    {
        return Err(ServiceError::invalid("visited_on", "err-grant-visit-early"));
    }
    let visit = Visit {
        id: new_id(),
        month: input.month,
        visited_on: visited_on.map(|d| d.to_string()).unwrap_or_default(),
        operating: input.operating,
        jobs_created: input.jobs_created,
        revenue_band: input.revenue_band.clone(),
        notes,
    };
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::insert_visit(&mut tx, id, &visit, actor.user_id(), now).await? {
        return Err(ServiceError::Conflict("err-grant-visited"));
    }
    if let Some(to) = to {
        store::step_application(&mut tx, id, &[from], to, now).await?;
    }
    let event = Event::new("grant.visit", "grant_application", id).with(
        json!({ "month": visit.month, "operating": visit.operating, "jobs": visit.jobs_created }),
    );
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    award(db, clock, actor, id).await
}

/// The first day a visit can be dated: the 6-month visit not before the first tranche was
/// paid (there is no business to see before the money), the 12-month one not before the
/// 6-month visit.
async fn earliest_visit(db: &Db, id: &str, month: i64) -> ServiceResult<Option<time::Date>> {
    if month == 12 {
        let visits = store::visits(db, id).await?;
        let six = visits.iter().find(|v| v.month == 6);
        return Ok(six.and_then(|v| crate::people::model::parse_date(&v.visited_on)));
    }
    let tranches = store::tranches(db, id).await?;
    let paid = tranches
        .iter()
        .find(|t| t.number == 1)
        .and_then(|t| t.released_at);
    Ok(paid
        .and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map(|t| t.date()))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CancelInput {
    /// Why the award is cancelled (5–1,000 characters); the applicant reads it.
    #[serde(default)]
    pub reason: String,
}

/// Cancels an award while it is paid out or monitored — the business closed, the money was
/// misused, the returnee withdrew: no further tranche is released, the reason is recorded
/// for the applicant, and the award stays in the ranking as the committee decided it.
pub async fn cancel_award(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    input: &CancelInput,
) -> ServiceResult<Award> {
    let acting = actor.require(Permission::ManageGrants)?;
    let app = store::application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reason = clean(&input.reason, 5..=1_000)
        .ok_or(ServiceError::invalid("reason", "err-grant-cancel-reason"))?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::cancel(&mut tx, id, &reason, now).await? {
        return Err(ServiceError::Conflict("err-grant-step"));
    }
    let event = Event::new("grant.award.cancel", "grant_application", id)
        .with(json!({ "status_was": app.status, "reason": reason }));
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    award(db, clock, actor, id).await
}

/// A call's outcomes in one group (a region, or a gender).
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GrantOutcome)]
pub struct Outcome {
    pub group: String,
    /// Awards standing (decided and not cancelled).
    pub awards: i64,
    /// Awards cancelled after the decision (not counted in `awards` or the amount).
    pub cancelled: i64,
    pub awarded_amount: i64,
    /// Businesses the 12-month visit found operating.
    pub operating_at_12_months: i64,
    /// Jobs created, as found at the latest visit.
    pub jobs_created: i64,
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GrantOutcomes)]
pub struct Outcomes {
    pub total: Outcome,
    pub by_region: Vec<Outcome>,
    pub by_gender: Vec<Outcome>,
}

/// What a call achieved: money awarded, businesses running at 12 months, jobs created —
/// in all, by region and by gender.
pub async fn outcomes(db: &Db, actor: &Actor, call_id: &str) -> ServiceResult<Outcomes> {
    actor.require(Permission::ManageGrants)?;
    store::call(db, call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut by_region: std::collections::BTreeMap<String, Outcome> = Default::default();
    let mut by_gender: std::collections::BTreeMap<String, Outcome> = Default::default();
    let mut total = Outcome {
        group: "total".into(),
        ..Outcome::default()
    };
    for a in store::applications_of_call(db, call_id).await? {
        if a.awarded == 0 {
            continue;
        }
        if a.status == "cancelled" {
            for (map, key) in [(&mut by_region, &a.region), (&mut by_gender, &a.gender)] {
                group(map, key).cancelled += 1;
            }
            total.cancelled += 1;
            continue;
        }
        let visits = store::visits(db, &a.id).await?;
        let operating = visits.iter().any(|v| v.month == 12 && v.operating);
        let jobs = visits
            .iter()
            .max_by_key(|v| v.month)
            .map(|v| v.jobs_created)
            .unwrap_or(0);
        for (map, key) in [(&mut by_region, &a.region), (&mut by_gender, &a.gender)] {
            add(group(map, key), a.awarded, operating, jobs);
        }
        add(&mut total, a.awarded, operating, jobs);
    }
    Ok(Outcomes {
        total,
        by_region: by_region.into_values().collect(),
        by_gender: by_gender.into_values().collect(),
    })
}

fn group<'a>(
    map: &'a mut std::collections::BTreeMap<String, Outcome>,
    key: &str,
) -> &'a mut Outcome {
    map.entry(key.to_string()).or_insert_with(|| Outcome {
        group: key.to_string(),
        ..Outcome::default()
    })
}

fn add(o: &mut Outcome, amount: i64, operating: bool, jobs: i64) {
    o.awards += 1;
    o.awarded_amount += amount;
    o.operating_at_12_months += i64::from(operating);
    o.jobs_created += jobs;
}
