//! Outreach use cases: a regional officer plans an awareness event in their region, records
//! that it was held, reports attendance by gender and age band with materials, partners and
//! photos, or cancels it beforehand. Every write is checked against the event's region and
//! audited in its transaction. The per-region table (public: counts only) relates
//! attendance to population.

use std::collections::BTreeMap;

use serde_json::json;

use super::model::{self, CELLS, KINDS, MAX_CELL, Step};
use super::store::{self, Event, Filter, Photo, Report};
use crate::platform::access::{Actor, Permission, Role, Scope, ScopeKind};
use crate::platform::audit::{self, Event as AuditEvent};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};
use crate::recruiters::reports::{MAX_FILE_BYTES, sniff};

/// At most this many photos per event.
pub const MAX_PHOTOS: i64 = 10;

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

fn region_scope(region: &str) -> Scope {
    Scope {
        kind: ScopeKind::Region,
        value: region.to_string(),
    }
}

fn today(clock: &Clock) -> time::Date {
    crate::recruiters::service::today(clock)
}

/// A new event as typed in the form or sent as JSON.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    #[serde(default)]
    pub title: String,
    /// `mahalla_meeting`, `school_session`, `job_fair`, `media` or `online`.
    #[serde(default)]
    pub kind: String,
    /// One or more of `safe_migration`, `fraud`, `pdo`, `legal_channels`,
    /// `financial_literacy`.
    #[serde(default)]
    pub topics: Vec<String>,
    /// ISO 3166-2, e.g. `UZ-AN`.
    #[serde(default)]
    pub region: String,
    /// SOATO code of a district of the region, or empty.
    #[serde(default)]
    pub district: String,
    /// The mahalla, school or venue; the channel or site for media and online events.
    #[serde(default)]
    pub place: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub planned_on: String,
}

fn date_field(
    text: &str,
    field: &'static str,
    latest: time::Date,
    errors: &mut Vec<FieldError>,
) -> String {
    match crate::people::model::parse_date(text) {
        Some(d) if d.year() >= 2000 && d <= latest => d.to_string(),
        _ => {
            errors.push(err(field, "err-outreach-date"));
            String::new()
        }
    }
}

async fn validate(db: &Db, clock: &Clock, input: &EventInput) -> ServiceResult<Event> {
    let mut errors = vec![];
    let title = crate::platform::text::clean_text(&input.title, 3..=200);
    if title.is_none() {
        errors.push(err("title", "err-outreach-title"));
    }
    if !KINDS.contains(&input.kind.as_str()) {
        errors.push(err("kind", "err-outreach-kind"));
    }
    let topics = model::topics_of(&input.topics);
    if topics.is_empty() {
        errors.push(err("topics", "err-outreach-topics"));
    }
    let region = input.region.trim().to_ascii_uppercase();
    if !crate::people::store::region_exists(db, &region).await? {
        errors.push(err("region", "err-region"));
    }
    let district = input.district.trim();
    if !district.is_empty()
        && !crate::people::store::district_in_region(db, district, &region).await?
    {
        errors.push(err("district", "err-district"));
    }
    let place = crate::platform::text::clean_text(&input.place, 2..=200);
    if place.is_none() {
        errors.push(err("place", "err-outreach-place"));
    }
    // Events are planned up to two years ahead.
    let latest = today(clock) + time::Duration::days(731);
    let planned_on = date_field(&input.planned_on, "planned_on", latest, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(Event {
        id: new_id(),
        title: title.unwrap_or_default(),
        kind: input.kind.clone(),
        topics: topics.split(' ').map(String::from).collect(),
        region,
        district: district.to_string(),
        place: place.unwrap_or_default(),
        status: "planned".into(),
        planned_on,
        ..Event::default()
    })
}

/// Plans an event in a region the actor works in.
pub async fn plan(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &EventInput,
) -> ServiceResult<Event> {
    // Refuse before saying anything about the input to someone who may not plan events.
    if !actor.holds(Permission::ManageOutreach) {
        return Err(actor.refusal().into());
    }
    let event = validate(db, clock, input).await?;
    let acting = actor.require_in(
        Permission::ManageOutreach,
        Some(&region_scope(&event.region)),
    )?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    store::insert(&mut tx, &event, actor.user_id(), now).await?;
    let details =
        json!({ "region": event.region, "kind": event.kind, "planned_on": event.planned_on });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        AuditEvent::new("outreach.plan", "outreach_event", &event.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Event {
        updated_at: now,
        ..event
    })
}

/// An event in the actor's scope, and the role that allows it.
async fn in_scope(db: &Db, actor: &Actor, id: &str) -> ServiceResult<(Event, Option<Role>)> {
    if !actor.holds(Permission::ManageOutreach) {
        return Err(actor.refusal().into());
    }
    let event = store::by_id(db, id).await?.ok_or(ServiceError::NotFound)?;
    let acting = actor.require_in(
        Permission::ManageOutreach,
        Some(&region_scope(&event.region)),
    )?;
    Ok((event, acting))
}

/// Everything about an event: its attendance cells and photos.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub event: Event,
    /// `female_18_29` → people, for reported events.
    pub attendance: BTreeMap<String, i64>,
    pub photos: Vec<Photo>,
}

pub async fn read(db: &Db, actor: &Actor, id: &str) -> ServiceResult<EventView> {
    let (event, _) = in_scope(db, actor, id).await?;
    let attendance = store::attendance(db, id)
        .await?
        .into_iter()
        .map(|(gender, band, people)| (format!("{gender}_{band}"), people))
        .collect();
    let photos = store::photos(db, id).await?;
    Ok(EventView {
        event,
        attendance,
        photos,
    })
}

/// The events of the actor's regions, optionally one region and one status.
pub async fn list(
    db: &Db,
    actor: &Actor,
    region: Option<&str>,
    status: Option<&str>,
) -> ServiceResult<Vec<Event>> {
    if !actor.holds(Permission::ManageOutreach) {
        return Err(actor.refusal().into());
    }
    let status = status.filter(|s| !s.is_empty());
    if status.is_some_and(|s| !["planned", "held", "reported", "cancelled"].contains(&s)) {
        return Err(ServiceError::invalid("status", "err-outreach-status"));
    }
    let filter = Filter {
        regions: actor.regions_for(Permission::ManageOutreach),
        region: region
            .filter(|r| !r.is_empty())
            .map(str::to_ascii_uppercase),
        status: status.map(String::from),
    };
    Ok(store::list(db, &filter, 500).await?)
}

/// What a step needs: the day held (`hold`), the attendance and the rest (`report`), the
/// reason (`cancel`). Counts may be numbers or text.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = EventStepInput)]
pub struct StepInput {
    #[serde(default)]
    pub held_on: String,
    /// People by cell: `female_under_18`, `female_18_29`, `female_30_44`, `female_45_plus`
    /// and the same for `male`; absent cells count 0.
    #[serde(default)]
    pub attendance: BTreeMap<String, serde_json::Value>,
    /// What was handed out, e.g. "leaflets on legal channels".
    #[serde(default)]
    pub materials: String,
    #[serde(default)]
    pub materials_count: serde_json::Value,
    /// The organisations that took part (mahalla committee, school, NGO …).
    #[serde(default)]
    pub partners: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub reason: String,
}

/// A count typed or sent: a whole number from 0 to `max`; empty or absent is 0.
fn count(value: &serde_json::Value, max: i64) -> Option<i64> {
    let n = match value {
        serde_json::Value::Null => 0,
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) if s.trim().is_empty() => 0,
        serde_json::Value::String(s) => s.trim().replace([' ', '\u{a0}'], "").parse().ok()?,
        _ => return None,
    };
    (0..=max).contains(&n).then_some(n)
}

fn optional_text(
    text: &str,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    crate::platform::text::clean_text(text, 1..=max).unwrap_or_else(|| {
        errors.push(err(field, "err-outreach-text"));
        String::new()
    })
}

fn report_of(input: &StepInput) -> Result<Report, Vec<FieldError>> {
    let mut errors = vec![];
    let mut cells = vec![];
    for (gender, band, field) in CELLS {
        let key = format!("{gender}_{band}");
        let value = input
            .attendance
            .get(&key)
            .unwrap_or(&serde_json::Value::Null);
        match count(value, MAX_CELL) {
            Some(0) => {}
            Some(n) => cells.push((gender.to_string(), band.to_string(), n)),
            None => errors.push(err(field, "err-outreach-count")),
        }
    }
    let known = |k: &String| CELLS.iter().any(|(g, b, _)| *k == format!("{g}_{b}"));
    if !input.attendance.keys().all(known) {
        errors.push(err("attendance", "err-outreach-cells"));
    }
    let materials_count = count(&input.materials_count, 10_000_000).unwrap_or_else(|| {
        errors.push(err("materials_count", "err-outreach-count"));
        0
    });
    let report = Report {
        cells,
        materials: optional_text(&input.materials, "materials", 500, &mut errors),
        materials_count,
        partners: optional_text(&input.partners, "partners", 500, &mut errors),
        summary: optional_text(&input.summary, "summary", 2_000, &mut errors),
    };
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(errors)
    }
}

/// Takes a step on an event: `hold`, `report` or `cancel`.
pub async fn act(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    step: &str,
    input: &StepInput,
) -> ServiceResult<Event> {
    let (event, acting) = in_scope(db, actor, id).await?;
    let step = Step::parse(step).ok_or(ServiceError::NotFound)?;
    let (from, to) = step.transition();
    if event.status != from {
        return Err(ServiceError::Conflict("err-outreach-step"));
    }
    let mut errors = vec![];
    let mut details = json!({ "from": from, "to": to });
    let held_on = match step {
        Step::Hold => date_field(&input.held_on, "held_on", today(clock), &mut errors),
        _ => String::new(),
    };
    let report = match step {
        Step::Report => report_of(input).map_err(|e| errors.extend(e)).ok(),
        _ => None,
    };
    let reason = match step {
        Step::Cancel => {
            crate::platform::text::clean_text(&input.reason, 3..=500).unwrap_or_else(|| {
                errors.push(err("reason", "err-outreach-reason"));
                String::new()
            })
        }
        _ => String::new(),
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !store::step(&mut tx, id, from, to, now).await? {
        return Err(ServiceError::Conflict("err-outreach-step"));
    }
    match step {
        Step::Hold => {
            store::set_held(&mut tx, id, &held_on).await?;
            details["held_on"] = json!(held_on);
        }
        Step::Report => {
            let report = report.unwrap_or_default();
            store::set_report(&mut tx, id, &report).await?;
            let total: i64 = report.cells.iter().map(|c| c.2).sum();
            details["attendance"] = json!(total);
        }
        Step::Cancel => {
            store::set_cancelled(&mut tx, id, &reason).await?;
            details["reason"] = json!(reason);
        }
    }
    crate::analytics::facts::refresh(&mut tx, crate::analytics::facts::Source::Outreach, id)
        .await?;
    let action = format!("outreach.{}", step.as_str());
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        AuditEvent::new(&action, "outreach_event", id).with(details),
    )
    .await?;
    tx.commit().await?;
    store::by_id(db, id).await?.ok_or(ServiceError::NotFound)
}

/// Adds a photo (JPEG, PNG or WebP, recognised by content; at most 5 MB and 10 per event)
/// to an event that was held.
pub async fn add_photo(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    content: &[u8],
) -> ServiceResult<Photo> {
    let (event, acting) = in_scope(db, actor, id).await?;
    if !["held", "reported"].contains(&event.status.as_str()) {
        return Err(ServiceError::Conflict("err-outreach-photo-step"));
    }
    let content_type = match sniff(content) {
        _ if content.is_empty() => return Err(ServiceError::invalid("file", "err-required")),
        _ if content.len() > MAX_FILE_BYTES => {
            return Err(ServiceError::invalid("file", "err-evidence-size"));
        }
        Some(t) if t.starts_with("image/") => t,
        _ => return Err(ServiceError::invalid("file", "err-outreach-photo-type")),
    };
    let now = clock.now_ms();
    let photo = Photo {
        id: new_id(),
        content_type: content_type.into(),
        size: content.len() as i64,
        created_at: now,
    };
    let sha = sha256_hex(content);
    let mut tx = db.begin().await?;
    if store::photo_count(&mut tx, id).await? >= MAX_PHOTOS {
        return Err(ServiceError::Conflict("err-outreach-photo-count"));
    }
    store::insert_photo(&mut tx, id, &photo, &sha, content, actor.user_id()).await?;
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        AuditEvent::new("outreach.photo", "outreach_event", id)
            .with(json!({ "photo": photo.id, "sha256": sha, "size": photo.size })),
    )
    .await?;
    tx.commit().await?;
    Ok(photo)
}

/// A photo's type and bytes (staff of the event's region).
pub async fn photo(
    db: &Db,
    actor: &Actor,
    id: &str,
    photo_id: &str,
) -> ServiceResult<(String, Vec<u8>)> {
    in_scope(db, actor, id).await?;
    store::photo_content(db, id, photo_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One row of the regional table.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegionRow {
    pub region: String,
    pub population: Option<i64>,
    /// Events held in the period (reported or not yet).
    pub events: i64,
    pub female: i64,
    pub male: i64,
    pub attendance: i64,
    /// Attendance per 10,000 inhabitants, two decimals; null without a population.
    pub per_10k: Option<f64>,
}

/// A period of whole months, `YYYY-MM` to `YYYY-MM`; the current year when absent.
pub fn period(from: &str, to: &str, clock: &Clock) -> ServiceResult<(String, String)> {
    let year = today(clock).year();
    let month = |text: &str, field: &'static str, default: String| -> ServiceResult<String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(default);
        }
        let ok =
            text.len() == 7 && crate::people::model::parse_date(&format!("{text}-01")).is_some();
        if ok {
            Ok(text.to_string())
        } else {
            Err(ServiceError::invalid(field, "err-outreach-month"))
        }
    };
    let from = month(from, "from", format!("{year:04}-01"))?;
    let to = month(to, "to", format!("{year:04}-12"))?;
    if to < from {
        return Err(ServiceError::invalid("to", "err-outreach-month"));
    }
    Ok((from, to))
}

/// Events held and attendance per region over whole months, for all 14 regions.
pub async fn region_table(db: &Db, from: &str, to: &str) -> ServiceResult<Vec<RegionRow>> {
    let tallies = store::tally_by_region(db, &format!("{from}-01"), &format!("{to}-31")).await?;
    let regions = crate::reference::store::regions(db).await?;
    Ok(regions
        .into_iter()
        .map(|r| {
            let t = tallies
                .iter()
                .find(|t| t.region == r.iso)
                .cloned()
                .unwrap_or_default();
            let attendance = t.female + t.male;
            RegionRow {
                per_10k: model::per_10k_hundredths(attendance, r.population)
                    .map(crate::finance::model::decimal),
                region: r.iso,
                population: r.population,
                events: t.events,
                female: t.female,
                male: t.male,
                attendance,
            }
        })
        .collect())
}

/// The national line under the table.
pub fn totals(rows: &[RegionRow]) -> RegionRow {
    let sum = |f: fn(&RegionRow) -> i64| rows.iter().map(f).sum::<i64>();
    let population = rows.iter().map(|r| r.population).sum::<Option<i64>>();
    let attendance = sum(|r| r.attendance);
    RegionRow {
        region: "UZ".into(),
        population,
        events: sum(|r| r.events),
        female: sum(|r| r.female),
        male: sum(|r| r.male),
        attendance,
        per_10k: model::per_10k_hundredths(attendance, population)
            .map(crate::finance::model::decimal),
    }
}
