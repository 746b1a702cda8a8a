//! Demo PDO: centres in Tashkent, Samarkand and Namangan; the demo trainer qualified for
//! five destinations and a second trainer whose qualification runs out soon; past sessions
//! with attendance, results and certificates (one revoked), a session today for taking
//! attendance, and upcoming sessions (one full, with a waiting list).

use sqlx::Row;

use super::service::{
    self, CentreInput, Deps, InspectionInput, QualificationInput, ResultInput, SessionInput,
};
use crate::accounts::service::NewStaff;
use crate::platform::access::{Actor, Role};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::ids::readable_password;
use crate::recruiters::service::today;

const DAY_MS: i64 = 24 * 3600 * 1000;
const DESTINATIONS: [&str; 5] = ["GB", "KR", "KZ", "AE", "TR"];

/// Days a demo session of a destination lasts (its curriculum's length).
fn length(destination: &str) -> i64 {
    if destination == "KR" { 2 } else { 1 }
}

async fn user_id(db: &Db, email: &str) -> anyhow::Result<String> {
    Ok(sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await?
        .try_get("id")?)
}

pub async fn populate(
    db: &Db,
    signing: &crate::platform::signing::SigningKeys,
) -> anyhow::Result<usize> {
    // A clock of its own: the past sessions are made "then", by moving it.
    let clock = Clock::default();
    clock.advance(-60 * DAY_MS);
    let d = Deps {
        db,
        clock: &clock,
        signing,
    };
    let console = Actor::console();
    let centres = centres(d, &console).await?;
    let trainer = user_id(db, "trainer@demo.example.org").await?;
    let second = second_trainer(db, &clock).await?;
    let from = (today(&clock) - time::Duration::days(300)).to_string();
    for dest in DESTINATIONS {
        let q = QualificationInput {
            trainer_id: trainer.clone(),
            destination: dest.into(),
            modules: vec![],
            issued_on: from.clone(),
            expires_on: (today(&clock) + time::Duration::days(700)).to_string(),
        };
        service::qualify(d, &console, &q).await?;
    }
    // Expires three weeks from the real today: it shows on the managers' pages.
    let q = QualificationInput {
        trainer_id: second.clone(),
        destination: "KZ".into(),
        modules: vec![],
        issued_on: from,
        expires_on: (today(&clock) + time::Duration::days(60 + 21)).to_string(),
    };
    service::qualify(d, &console, &q).await?;
    let persons: Vec<(String,)> = sqlx::query_as("SELECT id FROM persons ORDER BY pinfl LIMIT 32")
        .fetch_all(&db.pool)
        .await?;
    let persons: Vec<String> = persons.into_iter().map(|(p,)| p).collect();
    let certificates = past_sessions(d, &console, &centres, &trainer, &persons).await?;
    departures_of(db, &certificates).await?;
    if let Some(first) = certificates.first() {
        let reason = "Issued to the wrong person; reissued after a check";
        service::revoke(d, &console, first, reason).await?;
    }
    // Today's session (for taking attendance) is planned yesterday, when enrolment was open.
    let yesterday = Clock::default();
    yesterday.advance(-DAY_MS);
    let then = Deps {
        clock: &yesterday,
        ..d
    };
    let today_session = session(then, &console, &centres[0], "GB", 1, 12, &trainer).await?;
    for p in persons.iter().skip(20).take(6) {
        service::enrol(then, &console, &today_session, Some(p)).await?;
    }
    let now = Clock::default();
    let d = Deps { clock: &now, ..d };
    upcoming(d, &console, &centres, &trainer, &persons).await?;
    // A failed inspection on record: the Namangan centre is on warning.
    let warning = InspectionInput {
        inspected_on: today(&now).to_string(),
        failed: vec!["records".into()],
        notes: "Attendance sheets of two sessions were incomplete.".into(),
    };
    service::inspect(d, &console, &centres[2], &warning).await?;
    Ok(centres.len())
}

async fn centres(d: Deps<'_>, console: &Actor) -> anyhow::Result<Vec<String>> {
    let list = [
        (
            "Ishga Marhamat mono-markazi (Toshkent)",
            "UZ-TK",
            "Yakkasaroy tumani, Shota Rustaveli ko‘chasi 12",
            60,
        ),
        (
            "Ishga Marhamat mono-markazi (Samarqand)",
            "UZ-SA",
            "Samarqand shahri, Registon ko‘chasi 5",
            40,
        ),
        (
            "Namangan viloyati migratsiya markazi",
            "UZ-NG",
            "Namangan shahri, Navoiy ko‘chasi 21",
            30,
        ),
    ];
    let mut ids = vec![];
    for (name, region, address, capacity) in list {
        let input = CentreInput {
            name: format!("{name} (demo)"),
            region: region.into(),
            district: None,
            address: address.into(),
            capacity: Some(capacity),
            contact: "+998 71 200 00 00".into(),
        };
        ids.push(service::create_centre(d, console, &input).await?.id);
    }
    Ok(ids)
}

async fn second_trainer(db: &Db, clock: &Clock) -> anyhow::Result<String> {
    let email = "trainer2@demo.example.org";
    let form = NewStaff {
        email: email.into(),
        display_name: "Demo trainer (Namangan)".into(),
        role: Role::Trainer.to_string(),
        scope: String::new(),
        password: readable_password(),
    };
    crate::accounts::service::create_user(db, clock, &Actor::console(), &form)
        .await
        .map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
    user_id(db, email).await
}

async fn session(
    d: Deps<'_>,
    console: &Actor,
    centre: &str,
    destination: &str,
    in_days: i64,
    capacity: i64,
    trainer: &str,
) -> anyhow::Result<String> {
    let starts = today(d.clock) + time::Duration::days(in_days);
    let input = SessionInput {
        centre_id: centre.into(),
        destination: destination.into(),
        starts_on: starts.to_string(),
        ends_on: (starts + time::Duration::days(length(destination) - 1)).to_string(),
        capacity: Some(capacity),
        language: "uz-Latn".into(),
        trainers: vec![trainer.into()],
    };
    Ok(service::create_session(d, console, &input).await?)
}

/// Five sessions some 50 days ago, one per destination: four trainees each, attendance
/// The certificate holders leave for their destination the day their certificate is
/// issued, so the departures they prepared for show in the registry and the analytics (the
/// first certificate is revoked afterwards: its departure stops counting as prepared).
async fn departures_of(db: &Db, certificates: &[String]) -> anyhow::Result<()> {
    let now = Clock::default().now_ms();
    let mut tx = db.begin().await?;
    for id in certificates {
        let row = sqlx::query(
            "SELECT c.person_id, c.destination, c.issued_on, p.pinfl FROM pdo_certificates c \
             JOIN persons p ON p.id = c.person_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let person: String = row.try_get("person_id")?;
        let pinfl: String = row.try_get("pinfl")?;
        let journey = crate::people::store::Journey {
            id: crate::platform::ids::new_id(),
            kind: "departure".into(),
            event_date: row.try_get("issued_on")?,
            country_iso2: row.try_get("destination")?,
            channel: "official".into(),
            employer: String::new(),
            recruiter: String::new(),
            sector_isco: String::new(),
            source: "agency".into(),
        };
        let key = crate::people::service::journey_key(&pinfl, &journey);
        crate::people::store::insert_journey(&mut tx, &person, &journey, &key, now).await?;
        crate::people::store::refresh_status(&mut tx, &person, now).await?;
    }
    let event = crate::platform::audit::Event::new("journey.demo", "journeys", "")
        .with(serde_json::json!({ "departures": certificates.len() }));
    crate::platform::audit::append(&mut tx, &Actor::console(), None, now, event).await?;
    tx.commit().await?;
    Ok(())
}

/// taken, most passing (one fails and retakes); returns the certificates issued.
async fn past_sessions(
    d: Deps<'_>,
    console: &Actor,
    centres: &[String],
    trainer: &str,
    persons: &[String],
) -> anyhow::Result<Vec<String>> {
    let mut planned = vec![];
    for (n, dest) in DESTINATIONS.iter().enumerate() {
        let centre = &centres[n % centres.len()];
        let id = session(d, console, centre, dest, 10, 20, trainer).await?;
        let mut enrolments = vec![];
        for p in persons.iter().skip(n * 4).take(4) {
            enrolments.push(service::enrol(d, console, &id, Some(p)).await?.enrolment_id);
        }
        planned.push((dest, enrolments));
    }
    d.clock.advance(11 * DAY_MS);
    let mut certificates = vec![];
    for (dest, enrolments) in planned {
        for (i, e) in enrolments.iter().enumerate() {
            for day in 1..=length(dest) {
                service::mark(d, console, e, day, i != 3 || day == 1).await?;
            }
            let post = if i == 2 {
                55
            } else {
                72 + 5 * i64::try_from(i).unwrap_or(0)
            };
            let input = ResultInput {
                pre_score: Some(40 + 5 * i64::try_from(i).unwrap_or(0)),
                post_score: Some(post),
            };
            let outcome = service::record_result(d, console, e, &input).await?;
            certificates.extend(outcome.certificate_id);
        }
    }
    Ok(certificates)
}

/// Sessions in the coming weeks at every centre; the first UK one is full with two waiting.
async fn upcoming(
    d: Deps<'_>,
    console: &Actor,
    centres: &[String],
    trainer: &str,
    persons: &[String],
) -> anyhow::Result<()> {
    for (n, dest) in DESTINATIONS.iter().enumerate() {
        let centre = &centres[n % centres.len()];
        let capacity = if n == 0 { 3 } else { 20 };
        let id = session(
            d,
            console,
            centre,
            dest,
            3 + 4 * i64::try_from(n).unwrap_or(0),
            capacity,
            trainer,
        )
        .await?;
        if n == 0 {
            for p in persons.iter().skip(26).take(5) {
                service::enrol(d, console, &id, Some(p)).await?;
            }
        }
    }
    Ok(())
}
