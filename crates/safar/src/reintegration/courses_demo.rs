//! Demo courses: two past courses whose trainees completed (or dropped out) and whose
//! outcomes at 3 and 6 months are recorded as they fell due, and upcoming courses in
//! several regions taking enrolments — two of them filled from returnees' plans. Made
//! through the service on clocks set in the past, so dates, seats and the audit log agree.

use sqlx::Row;

use super::courses::{self, CourseInput, StepInput};
use super::intake::{self, ServiceInput};
use crate::platform::access::{Actor, Permission, RequestMeta};
use crate::platform::clock::Clock;
use crate::platform::db::Db;

const DAY_MS: i64 = 86_400_000;

/// (title, field, provider, region, starts in days from today, length in days, places)
type Offer = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
);

const UPCOMING: [Offer; 6] = [
    (
        "Korean for EPS applicants (TOPIK I)",
        "language",
        "Fergana language centre",
        "UZ-FA",
        14,
        90,
        25,
    ),
    (
        "Python programming for beginners",
        "it",
        "IT Park Tashkent",
        "UZ-TK",
        21,
        120,
        20,
    ),
    (
        "Care of older people at home",
        "care",
        "Tashkent medical college",
        "UZ-TO",
        10,
        45,
        15,
    ),
    (
        "Hotel and restaurant service",
        "services",
        "Bukhara tourism college",
        "UZ-BU",
        30,
        60,
        18,
    ),
    (
        "Greenhouse vegetable growing",
        "agriculture",
        "Syrdarya agrarian college",
        "UZ-SI",
        7,
        30,
        12,
    ),
    (
        "German A1 for care workers",
        "language",
        "Samarkand Goethe partner school",
        "UZ-SA",
        40,
        100,
        20,
    ),
];

fn past_clock(clock: &Clock, days_ago: i64) -> Clock {
    // A fresh clock, not a clone: `advance` moves every clone.
    let past = Clock::default();
    past.advance(clock.offset_ms() - days_ago * DAY_MS);
    past
}

fn failed(what: &str, e: crate::platform::error::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("course demo: {what}: {e:?}")
}

fn input(offer: &Offer, starts: time::Date) -> CourseInput {
    let (title, field, provider, region, _, length, places) = *offer;
    CourseInput {
        title: title.into(),
        field: field.into(),
        provider: provider.into(),
        region: region.into(),
        starts_on: starts.to_string(),
        ends_on: (starts + time::Duration::days(length)).to_string(),
        places,
    }
}

/// Citizens with a linked person record: the demo's trainees.
async fn citizens(db: &Db) -> anyhow::Result<Vec<Actor>> {
    let rows = sqlx::query(
        "SELECT user_id FROM persons WHERE user_id IS NOT NULL ORDER BY user_id LIMIT 10",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = vec![];
    for r in rows {
        let user: String = r.try_get("user_id")?;
        let actor = crate::accounts::actor_for_user(db, &user, RequestMeta::default()).await?;
        out.extend(actor.filter(|a| a.holds(Permission::EnrolInCourses)));
    }
    Ok(out)
}

/// A past course: created and filled before it started, finished `ended` days ago, then
/// each outcome recorded a few days after it fell due (when that is in the past).
async fn past_course(
    db: &Db,
    clock: &Clock,
    offer: &Offer,
    ended: i64,
    trainees: &[Actor],
) -> anyhow::Result<usize> {
    let console = Actor::console();
    let length = offer.5;
    let opened = past_clock(clock, ended + length + 20);
    let starts = crate::recruiters::service::today(&opened) + time::Duration::days(10);
    let course = courses::create(db, &opened, &console, &input(offer, starts))
        .await
        .map_err(|e| failed("creating a past course", e))?;
    let mut enrolled = vec![];
    for t in trainees {
        let e = courses::enrol_self(db, &opened, t, &course.id)
            .await
            .map_err(|e| failed("enrolling", e))?;
        enrolled.push(e.id);
    }
    let finished = past_clock(clock, ended);
    for (n, id) in enrolled.iter().enumerate() {
        let action = if n == 3 { "drop" } else { "complete" };
        courses::step(db, &finished, &console, id, action, &StepInput::default())
            .await
            .map_err(|e| failed("finishing", e))?;
    }
    let outcomes = [
        ["employed_home", "employed_home"],
        ["employed_abroad_legal", "employed_abroad_legal"],
        ["self_employed", "self_employed"],
        ["", ""],
        ["not_working", "employed_home"],
        ["employed_home", "self_employed"],
    ];
    for (months, recorded_after) in [(3u8, 95), (6u8, 186)] {
        if recorded_after >= ended {
            continue;
        }
        let when = past_clock(clock, ended - recorded_after);
        for (n, id) in enrolled.iter().enumerate() {
            let outcome = outcomes[n % outcomes.len()][usize::from(months / 6)];
            if outcome.is_empty() {
                continue;
            }
            let step = StepInput {
                months,
                outcome: outcome.into(),
            };
            courses::step(db, &when, &console, id, "outcome", &step)
                .await
                .map_err(|e| failed("recording an outcome", e))?;
        }
    }
    Ok(enrolled.len())
}

/// Intakes whose plan gets a retraining service, and the region each is in.
async fn intakes(db: &Db) -> anyhow::Result<Vec<(String, String)>> {
    let rows =
        sqlx::query("SELECT id, region_iso FROM returnee_intakes ORDER BY created_at, id LIMIT 2")
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("region_iso")?)))
        .collect()
}

/// Populates the catalogue; returns how many courses it holds.
pub async fn populate(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    let console = Actor::console();
    let trainees = citizens(db).await?;
    let (first, second) = trainees.split_at(trainees.len().min(6));
    let web = (
        "Web development basics",
        "it",
        "IT Park Tashkent",
        "UZ-TK",
        0,
        60,
        20,
    );
    past_course(db, clock, &web, 200, first).await?;
    let care = (
        "Home care assistant",
        "care",
        "Samarkand medical college",
        "UZ-SA",
        0,
        40,
        15,
    );
    past_course(db, clock, &care, 110, second).await?;
    let today = crate::recruiters::service::today(clock);
    for offer in &UPCOMING {
        let starts = today + time::Duration::days(offer.4);
        courses::create(db, clock, &console, &input(offer, starts))
            .await
            .map_err(|e| failed("creating a course", e))?;
    }
    let mut made = 2 + UPCOMING.len();
    for (intake_id, region) in intakes(db).await? {
        let starts = today + time::Duration::days(12);
        let offer = (
            "Tiling and plastering",
            "construction",
            "District vocational college",
            "",
            0,
            45,
            16,
        );
        let course = courses::create(
            db,
            clock,
            &console,
            &CourseInput {
                region,
                ..input(&offer, starts)
            },
        )
        .await
        .map_err(|e| failed("creating a course", e))?;
        made += 1;
        let service = ServiceInput {
            service: "RS-TRN".into(),
            provider: course.provider.clone(),
            due_on: course.starts_on.clone(),
        };
        let added = intake::add_service(db, clock, &console, &intake_id, &service)
            .await
            .map_err(|e| failed("planning retraining", e))?;
        courses::enrol_from_plan(db, clock, &console, &intake_id, &added.id, &course.id)
            .await
            .map_err(|e| failed("enrolling from a plan", e))?;
    }
    Ok(made)
}
