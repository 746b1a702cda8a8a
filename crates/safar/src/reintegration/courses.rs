//! Retraining courses, as use cases. A reintegration officer keeps the catalogue of their
//! region's courses (IT, services, care, construction, agriculture, languages) and enrols
//! returnees from the retraining service of their plan; a citizen may enrol themself. Seats
//! are counted in one guarded statement, so a course is never over-filled. The officer
//! records completion and, 3 and 6 months later, what became of the trainee — the outcome
//! the programme is judged by. The catalogue is public; the trainee list is a person's data
//! (scoped to the course's region, audited).

use serde_json::json;

use super::courses_store::{self as store, Course, Enrolment, Trainee};
use super::intake_store;
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role, Scope, ScopeKind};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::new_id;

pub const FIELDS: [&str; 6] = [
    "it",
    "services",
    "care",
    "construction",
    "agriculture",
    "language",
];

/// Where a trainee is 3 and 6 months after the course.
pub const OUTCOMES: [&str; 4] = [
    "employed_home",
    "employed_abroad_legal",
    "self_employed",
    "not_working",
];

const MAX_PLACES: i64 = 500;

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn today(clock: &Clock) -> time::Date {
    crate::recruiters::service::today(clock)
}

fn region_scope(region: &str) -> Scope {
    Scope {
        kind: ScopeKind::Region,
        value: region.to_string(),
    }
}

/// The officer's right over a course: ManageReintegration in the course's region.
fn in_course_region(actor: &Actor, course: &Course) -> ServiceResult<Option<Role>> {
    if !actor.holds(Permission::ManageReintegration) {
        return Err(actor.refusal().into());
    }
    Ok(actor.require_at(
        Permission::ManageReintegration,
        &[region_scope(&course.region)],
    )?)
}

/// Whether the actor keeps this course (the pages show its trainee list and actions then).
pub fn keeps(actor: &Actor, course: &Course) -> bool {
    actor
        .require_in(
            Permission::ManageReintegration,
            Some(&region_scope(&course.region)),
        )
        .is_ok()
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CourseInput {
    #[serde(default)]
    pub title: String,
    /// One of `it`, `services`, `care`, `construction`, `agriculture`, `language`.
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub provider: String,
    /// ISO 3166-2 code of the region, e.g. `UZ-SA`.
    #[serde(default)]
    pub region: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// 1–500.
    #[serde(default)]
    pub places: i64,
}

async fn check_course(db: &Db, clock: &Clock, input: &CourseInput) -> ServiceResult<Course> {
    let mut errors = vec![];
    let title = crate::platform::text::clean_text(&input.title, 3..=200);
    if title.is_none() {
        errors.push(err("title", "err-course-title"));
    }
    if !FIELDS.contains(&input.field.as_str()) {
        errors.push(err("field", "err-course-field"));
    }
    let provider = crate::platform::text::clean_text(&input.provider, 2..=200);
    if provider.is_none() {
        errors.push(err("provider", "err-course-provider"));
    }
    let region = input.region.trim().to_ascii_uppercase();
    if !people::region_exists(db, &region).await? {
        errors.push(err("region", "err-region"));
    }
    let date = |s: &str| crate::people::model::parse_date(s).filter(|d| d.year() >= 2000);
    let starts = date(&input.starts_on);
    if starts.is_none() {
        errors.push(err("starts_on", "err-course-date"));
    }
    let ends = date(&input.ends_on);
    match (starts, ends) {
        (_, None) => errors.push(err("ends_on", "err-course-date")),
        (Some(s), Some(e)) if e < s => errors.push(err("ends_on", "err-course-ends")),
        _ => {}
    }
    if starts.is_some_and(|s| s < today(clock)) {
        errors.push(err("starts_on", "err-course-past"));
    }
    if !(1..=MAX_PLACES).contains(&input.places) {
        errors.push(err("places", "err-course-places"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Course {
        id: new_id(),
        title: title.unwrap_or_default(),
        field: input.field.clone(),
        provider: provider.unwrap_or_default(),
        region,
        starts_on: starts.map(|d| d.to_string()).unwrap_or_default(),
        ends_on: ends.map(|d| d.to_string()).unwrap_or_default(),
        places: input.places,
        taken: 0,
        status: "open".into(),
    })
}

/// Adds a course to the catalogue of a region the officer works in.
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &CourseInput,
) -> ServiceResult<Course> {
    if !actor.holds(Permission::ManageReintegration) {
        return Err(actor.refusal().into());
    }
    let course = check_course(db, clock, input).await?;
    let acting = in_course_region(actor, &course)?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert_course(&mut tx, &course, actor.user_id(), now).await?;
    let details = json!({ "title": course.title, "region": course.region,
        "starts_on": course.starts_on, "places": course.places });
    let event = Event::new("course.create", "course", &course.id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(course)
}

/// The public catalogue: open courses not yet ended, optionally one region and one field.
pub async fn catalogue(
    db: &Db,
    clock: &Clock,
    region: &str,
    field: &str,
) -> ServiceResult<Vec<Course>> {
    let region = Some(region.trim()).filter(|r| !r.is_empty());
    let field = Some(field.trim()).filter(|f| !f.is_empty());
    let day = today(clock).to_string();
    Ok(store::catalogue(db, &day, region, field, 200).await?)
}

pub async fn course(db: &Db, id: &str) -> ServiceResult<Course> {
    store::course(db, id).await?.ok_or(ServiceError::NotFound)
}

/// Whether the course still takes enrolments on `day`: open, not started, a seat left.
pub fn enrolment_open(course: &Course, day: time::Date) -> bool {
    course.status == "open" && day.to_string() <= course.starts_on && course.places_left() > 0
}

/// Takes a seat and records the enrolment, in the caller's transaction.
async fn enrol_in(
    tx: &mut crate::platform::db::Tx,
    course: &Course,
    enrolment: &Enrolment,
    by: Option<&str>,
    now: i64,
) -> ServiceResult<()> {
    if !store::take_seat(tx, &course.id, now).await? {
        return Err(ServiceError::Conflict("err-course-full"));
    }
    if !store::insert_enrolment(tx, enrolment, by, now).await? {
        return Err(ServiceError::Conflict("err-course-already"));
    }
    Ok(())
}

fn new_enrolment(course: &Course, person_id: &str, service_id: Option<&str>) -> Enrolment {
    Enrolment {
        id: new_id(),
        course_id: course.id.clone(),
        person_id: person_id.to_string(),
        service_id: service_id.map(str::to_string),
        channel: if service_id.is_some() { "plan" } else { "self" }.into(),
        status: "enrolled".into(),
        ..Enrolment::default()
    }
}

/// A citizen enrols themself (their account must be linked to their person record).
pub async fn enrol_self(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    course_id: &str,
) -> ServiceResult<Enrolment> {
    actor.require(Permission::EnrolInCourses)?;
    let course = course(db, course_id).await?;
    if !enrolment_open(&course, today(clock)) {
        return Err(ServiceError::Conflict("err-course-closed"));
    }
    let person_id = crate::people::service::own_person_id(db, actor)
        .await?
        .ok_or(ServiceError::Conflict("err-course-profile"))?;
    let enrolment = new_enrolment(&course, &person_id, None);
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    enrol_in(&mut tx, &course, &enrolment, actor.user_id(), now).await?;
    let event = Event::new("course.enrol", "person", &person_id)
        .with(json!({ "course": course.id, "channel": "self" }));
    audit::append(&mut tx, actor, None, now, event).await?;
    tx.commit().await?;
    Ok(enrolment)
}

/// An officer enrols a returnee in a course from the retraining service (RS-TRN) of their
/// plan; the service moves on to `in_progress` with the course named in its outcome.
pub async fn enrol_from_plan(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    intake_id: &str,
    service_id: &str,
    course_id: &str,
) -> ServiceResult<Enrolment> {
    let (intake, acting) = super::intake::intake_in_scope(db, actor, intake_id).await?;
    let service = intake_store::services(db, intake_id)
        .await?
        .into_iter()
        .find(|s| s.id == service_id)
        .ok_or(ServiceError::NotFound)?;
    if service.service != "RS-TRN" || !matches!(service.status.as_str(), "planned" | "referred") {
        return Err(ServiceError::Conflict("err-course-service"));
    }
    let course = match store::course(db, course_id.trim()).await? {
        Some(c) => c,
        None => return Err(ServiceError::invalid("course", "err-course-choose")),
    };
    if !enrolment_open(&course, today(clock)) {
        return Err(ServiceError::Conflict("err-course-closed"));
    }
    let enrolment = new_enrolment(&course, &intake.person_id, Some(service_id));
    let now = clock.now_ms();
    let outcome = format!(
        "{} — {} ({})",
        course.title, course.provider, course.starts_on
    );
    let mut tx = db.begin().await?;
    enrol_in(&mut tx, &course, &enrolment, actor.user_id(), now).await?;
    if !intake_store::step_service(
        &mut tx,
        service_id,
        &service.status,
        "in_progress",
        &outcome,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict("err-returnee-step"));
    }
    let details = json!({ "course": course.id, "channel": "plan", "intake": intake.id });
    let event = Event::new("course.enrol", "person", &intake.person_id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(enrolment)
}

/// The trainee list of a course (the officer of its region; audited: names of persons).
pub async fn trainees(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    course_id: &str,
) -> ServiceResult<Vec<Trainee>> {
    let course = course(db, course_id).await?;
    let acting = in_course_region(actor, &course)?;
    let trainees = store::trainees(db, course_id).await?;
    // Whose names were read, so each person's access history shows it.
    let persons: Vec<&str> = trainees
        .iter()
        .map(|t| t.enrolment.person_id.as_str())
        .collect();
    let event = Event::new("course.trainees.read", "course", &course.id)
        .with(json!({ "persons": persons }));
    audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
    Ok(trainees)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CourseStepInput)]
pub struct StepInput {
    /// For `outcome`: 3 or 6.
    #[serde(default)]
    pub months: u8,
    /// For `outcome`: `employed_home`, `employed_abroad_legal`, `self_employed` or
    /// `not_working`.
    #[serde(default)]
    pub outcome: String,
}

/// The date from which the outcome `months` after completion may be recorded.
pub fn outcome_due(completed_on: &str, months: u8) -> Option<time::Date> {
    let done = crate::people::model::parse_date(completed_on)?;
    let month0 = done.month() as i32 - 1 + i32::from(months);
    let year = done.year() + month0 / 12;
    let month = time::Month::try_from((month0 % 12 + 1) as u8).ok()?;
    let last = time::util::days_in_month(month, year);
    time::Date::from_calendar_date(year, month, done.day().min(last)).ok()
}

/// Moves an enrolment: `complete` (today), `drop` (frees the seat), or `outcome` at 3 or 6
/// months, recorded once each and not before it is due. A plan's retraining service
/// follows the course: done on completion, declined when the trainee drops out.
pub async fn step(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    enrolment_id: &str,
    action: &str,
    input: &StepInput,
) -> ServiceResult<Enrolment> {
    let mut enrolment = store::enrolment(db, enrolment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let course = course(db, &enrolment.course_id).await?;
    let acting = in_course_region(actor, &course)?;
    let day = today(clock);
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let details = match action {
        "complete" | "drop" => {
            if action == "complete" && day.to_string() < course.starts_on {
                return Err(ServiceError::Conflict("err-course-not-started"));
            }
            let (to, completed_on) = if action == "complete" {
                ("completed", Some(day.to_string()))
            } else {
                ("dropped", None)
            };
            if !store::finish(&mut tx, enrolment_id, to, completed_on.as_deref(), now).await? {
                return Err(ServiceError::Conflict("err-course-step"));
            }
            if to == "dropped" {
                store::free_seat(&mut tx, &course.id, now).await?;
            }
            if let Some(service) = &enrolment.service_id {
                let (service_to, outcome) = if to == "completed" {
                    ("done", format!("{}: completed {day}", course.title))
                } else {
                    (
                        "declined",
                        format!("{}: left the course {day}", course.title),
                    )
                };
                // The plan's service follows the course; its move is the person's record
                // too, so it is audited as such in the same transaction.
                if !intake_store::step_service(
                    &mut tx,
                    service,
                    "in_progress",
                    service_to,
                    &outcome,
                    now,
                )
                .await?
                {
                    return Err(ServiceError::Conflict("err-returnee-step"));
                }
                let details = json!({ "service": service, "to": service_to, "course": course.id });
                let event = Event::new("returnee.service.step", "person", &enrolment.person_id)
                    .with(details);
                audit::append(&mut tx, actor, acting, now, event).await?;
            }
            enrolment.status = to.into();
            enrolment.completed_on = completed_on;
            json!({ "course": course.id, "to": to })
        }
        "outcome" => {
            if !matches!(input.months, 3 | 6) {
                return Err(ServiceError::invalid("months", "err-course-months"));
            }
            if !OUTCOMES.contains(&input.outcome.as_str()) {
                return Err(ServiceError::invalid("outcome", "err-course-outcome"));
            }
            let due = enrolment
                .completed_on
                .as_deref()
                .and_then(|d| outcome_due(d, input.months));
            if due.is_none_or(|due| due > day) {
                return Err(ServiceError::Conflict("err-course-not-due"));
            }
            if !store::record_outcome(&mut tx, enrolment_id, input.months, &input.outcome, now)
                .await?
            {
                return Err(ServiceError::Conflict("err-course-step"));
            }
            if input.months == 3 {
                enrolment.outcome_3m = input.outcome.clone();
            } else {
                enrolment.outcome_6m = input.outcome.clone();
            }
            json!({ "course": course.id, "months": input.months, "outcome": input.outcome })
        }
        _ => return Err(ServiceError::NotFound),
    };
    let name = format!("course.{action}");
    let event = Event::new(&name, "person", &enrolment.person_id).with(details);
    audit::append(&mut tx, actor, acting, now, event).await?;
    tx.commit().await?;
    Ok(enrolment)
}

/// What became of a course's trainees: counts by status and by outcome at 3 and 6 months.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CourseOutcomes)]
pub struct Outcomes {
    pub enrolled: i64,
    pub completed: i64,
    pub dropped: i64,
    /// Trainees per outcome code, in the order of `OUTCOMES`; unrecorded ones not counted.
    pub at_3_months: Vec<OutcomeCount>,
    pub at_6_months: Vec<OutcomeCount>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OutcomeCount {
    pub outcome: String,
    pub trainees: i64,
}

pub fn outcomes(trainees: &[Trainee]) -> Outcomes {
    let count =
        |f: &dyn Fn(&Enrolment) -> bool| trainees.iter().filter(|t| f(&t.enrolment)).count() as i64;
    let by = |f: fn(&Enrolment) -> &str| {
        OUTCOMES
            .iter()
            .map(|o| OutcomeCount {
                outcome: o.to_string(),
                trainees: count(&|e| f(e) == *o),
            })
            .collect()
    };
    Outcomes {
        enrolled: count(&|e| e.status == "enrolled"),
        completed: count(&|e| e.status == "completed"),
        dropped: count(&|e| e.status == "dropped"),
        at_3_months: by(|e| &e.outcome_3m),
        at_6_months: by(|e| &e.outcome_6m),
    }
}

/// A citizen's own enrolments with their courses.
pub async fn mine(db: &Db, actor: &Actor) -> ServiceResult<Vec<(Enrolment, Course)>> {
    actor.require(Permission::EnrolInCourses)?;
    match crate::people::service::own_person_id(db, actor).await? {
        Some(person) => Ok(store::of_person(db, &person).await?),
        None => Ok(vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_fall_due_three_and_six_calendar_months_after_completion() {
        let due = |d, m| outcome_due(d, m).map(|d| d.to_string());
        assert_eq!(due("2026-01-15", 3).as_deref(), Some("2026-04-15"));
        assert_eq!(due("2026-08-31", 6).as_deref(), Some("2027-02-28"));
        assert_eq!(due("2026-11-30", 3).as_deref(), Some("2027-02-28"));
        assert_eq!(due("not a date", 3), None);
    }

    #[test]
    fn enrolment_closes_when_the_course_starts_or_is_full() {
        let day =
            time::Date::from_calendar_date(2026, time::Month::May, 1).unwrap_or(time::Date::MIN);
        let course = Course {
            status: "open".into(),
            starts_on: "2026-05-01".into(),
            places: 2,
            taken: 1,
            ..Course::default()
        };
        assert!(enrolment_open(&course, day));
        assert!(!enrolment_open(&course, day + time::Duration::days(1)));
        let full = Course { taken: 2, ..course };
        assert!(!enrolment_open(&full, day));
    }

    #[test]
    fn outcome_counts_follow_the_codes() {
        let trainee = |status: &str, o3: &str| Trainee {
            enrolment: Enrolment {
                status: status.into(),
                outcome_3m: o3.into(),
                ..Enrolment::default()
            },
            ..Trainee::default()
        };
        let list = [
            trainee("completed", "employed_home"),
            trainee("completed", "employed_home"),
            trainee("completed", ""),
            trainee("dropped", ""),
        ];
        let o = outcomes(&list);
        assert_eq!((o.enrolled, o.completed, o.dropped), (0, 3, 1));
        assert_eq!(o.at_3_months[0].outcome, "employed_home");
        assert_eq!(o.at_3_months[0].trainees, 2);
        assert!(o.at_6_months.iter().all(|c| c.trainees == 0));
    }
}
