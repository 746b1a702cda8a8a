//! Demo vacancies: one under every legal channel of the reference data, posted by the demo
//! agencies that hold a valid licence, in every state; and applications from demo persons
//! at every step. Made-up employers, marked as demo like the agencies.

use super::applications::StepInput;
use super::model::{Offered, Wanted, match_score};
use super::service::{self, VacancyInput};
use super::store::{self, Application};
use crate::people::service::Deps;
use crate::platform::access::Actor;
use crate::platform::db::Db;
use crate::recruiters::service::today;

/// (country, sector, wage, currency, language, employer) of a typical job order there.
fn typical(country: &str) -> (&'static str, i64, &'static str, &'static str, &'static str) {
    match country {
        "GB" => ("9211", 2_300, "GBP", "en", "Greenfield Growers Ltd"),
        "KR" => ("8211", 2_100_000, "KRW", "ko", "Hanbit Manufacturing Co."),
        "JP" => ("5322", 210_000, "JPY", "ja", "Sakura Care Services K.K."),
        "DE" => ("3221", 2_900, "EUR", "de", "Rheinland Pflege GmbH"),
        "QA" => (
            "5414",
            2_800,
            "QAR",
            "ar",
            "Doha Facilities Management W.L.L.",
        ),
        "RU" => ("7112", 75_000, "RUB", "ru", "Volga Stroy LLC"),
        "KZ" => ("9313", 300_000, "KZT", "ru", "Almaty Qurylys LLP"),
        "TR" => ("7533", 30_000, "TRY", "tr", "Bursa Tekstil A.Ş."),
        "AE" => ("9112", 2_500, "AED", "ar", "Gulf Facility Services LLC"),
        "SA" => ("8332", 3_500, "SAR", "ar", "Riyadh Logistics Co."),
        "PL" => ("8160", 5_200, "PLN", "pl", "Mazowsze Food Sp. z o.o."),
        "IL" => ("5322", 7_000, "ILS", "he", "Haifa Home Care Ltd"),
        _ => ("9329", 1_000, "USD", "en", "Demo Employer Ltd"),
    }
}

/// Channel index → the state its demo vacancy ends in; most are published.
fn state_for(i: usize) -> &'static str {
    match i % 9 {
        3 => "draft",
        5 => "verified",
        7 => "filled",
        8 if i > 20 => "withdrawn",
        _ => "published",
    }
}

/// Adds the demo vacancies and applications; returns how many vacancies, and the agency
/// that has the applications (the demo recruiter_staff account works for it).
pub async fn populate(deps: Deps<'_>) -> anyhow::Result<(usize, Option<String>)> {
    let (db, clock) = (deps.db, deps.clock);
    let console = Actor::console();
    let agencies: Vec<String> = crate::recruiters::store::list(db, Some("licensed"), 0, 200)
        .await?
        .into_iter()
        .filter(|r| r.kind == "local_agency" && r.demo)
        .map(|r| r.id)
        .collect();
    let mut may_recruit = vec![];
    for id in agencies {
        if crate::recruiters::service::standing(db, clock, &id)
            .await
            .is_ok_and(|s| s.may_recruit)
        {
            may_recruit.push(id);
        }
    }
    if may_recruit.is_empty() {
        return Ok((0, None));
    }
    let deadline = (today(clock) + time::Duration::days(60)).to_string();
    let mut made = 0;
    for (i, (country, channel)) in crate::reference::store::channels(db)
        .await?
        .into_iter()
        .enumerate()
    {
        let (sector, wage, currency, language, employer) = typical(&country);
        let operator: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM recruiters WHERE kind = 'foreign_operator' AND name = $1 AND country_iso2 = $2",
        )
        .bind(employer)
        .bind(&country)
        .fetch_optional(&db.pool)
        .await?;
        let input = VacancyInput {
            operator_id: operator.map(|(id,)| id),
            // The first agency (the demo recruiter_staff account's) gets every third one.
            recruiter_id: Some(
                may_recruit[if i % 3 == 0 { 0 } else { i % may_recruit.len() }].clone(),
            ),
            channel: channel.code.clone(),
            employer: employer.into(),
            title: format!("{} — {}", channel.code, employer),
            sector: sector.into(),
            positions: Some(5 + (i as i64 * 7) % 40),
            wage: Some(wage),
            currency: currency.into(),
            hours_per_week: Some(40 + (i as i64 % 3) * 4),
            housing: Some("Shared room provided by the employer".into()),
            employer_pays: Some("Air ticket, visa, medical insurance".into()),
            worker_fee: Some(0),
            language: Some(language.into()),
            language_level: Some(if i % 2 == 0 { "A2" } else { "B1" }.into()),
            pdo_required: Some(true),
            regions: if i % 4 == 0 {
                vec!["UZ-SA".into(), "UZ-QA".into()]
            } else {
                vec![]
            },
            deadline: deadline.clone(),
        };
        let reference = service::create(db, clock, &console, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo vacancy {}: {e}", channel.code))?;
        mark_demo(db, &reference).await?;
        let path: &[&str] = match state_for(i) {
            "draft" => &[],
            "verified" => &["verify"],
            "filled" => &["verify", "publish", "fill"],
            "withdrawn" => &["verify", "withdraw"],
            _ => &["verify", "publish"],
        };
        for action in path {
            service::act(db, clock, &console, &reference, action, "")
                .await
                .map_err(|e| anyhow::anyhow!("demo vacancy {action}: {e}"))?;
        }
        made += 1;
    }
    // One draft that asks the worker for a fee, so the refusal can be seen.
    let fee = VacancyInput {
        recruiter_id: Some(may_recruit[0].clone()),
        channel: "RU-ORGREC".into(),
        employer: "Volga Stroy LLC".into(),
        title: "Concrete placers (asks the worker for a fee: cannot be verified)".into(),
        sector: "7114".into(),
        positions: Some(10),
        wage: Some(80_000),
        currency: "RUB".into(),
        hours_per_week: Some(48),
        worker_fee: Some(500),
        deadline,
        ..VacancyInput::default()
    };
    let reference = service::create(db, clock, &console, &fee)
        .await
        .map_err(|e| anyhow::anyhow!("demo fee vacancy: {e}"))?;
    mark_demo(db, &reference).await?;
    add_applications(deps, &may_recruit[0]).await?;
    if let Some(fallen) = may_recruit.get(1) {
        licence_falls(deps, fallen).await?;
    }
    Ok((made + 1, may_recruit.into_iter().next()))
}

async fn mark_demo(db: &Db, reference: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE vacancies SET demo = 1 WHERE reference = $1")
        .bind(reference)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Demo persons apply to the published vacancies of the first agency (the demo
/// recruiter_staff account's), and the agency takes
/// them through every step (a departure is recorded as a journey).
async fn add_applications(deps: Deps<'_>, agency: &str) -> anyhow::Result<()> {
    let (db, clock) = (deps.db, deps.clock);
    let persons: Vec<(String, String)> =
        sqlx::query_as("SELECT id, region_iso FROM persons ORDER BY pinfl LIMIT 12")
            .fetch_all(&db.pool)
            .await?;
    let published = store::list(
        db,
        &store::Filter {
            states: vec!["published"],
            recruiters: Some(vec![agency.to_string()]),
            ..store::Filter::default()
        },
        0,
        3,
    )
    .await?;
    let steps: [&[&str]; 6] = [
        &[],
        &["shortlist"],
        &["shortlist", "offer"],
        &["shortlist", "offer", "contract"],
        &["reject"],
        &["shortlist", "offer", "contract", "depart"],
    ];
    for (n, (person_id, region)) in persons.iter().enumerate() {
        let Some(v) = published.get(n % published.len().max(1)) else {
            break;
        };
        let (score, score_parts) = match_score(
            &Wanted {
                sector_isco: &v.sector,
                language: &v.language,
                language_level: &v.language_level,
                regions: &v.regions,
            },
            &Offered {
                skills: &[],
                languages: &[],
                region,
                // The demo's certificates are issued after its applications.
                pdo_certified: false,
            },
        );
        let application = Application::new(&v.id, person_id, score, score_parts, clock.now_ms());
        let mut tx = db.begin().await?;
        let inserted = store::insert_application(&mut tx, &application, clock.now_ms()).await?;
        tx.commit().await?;
        if !inserted {
            continue;
        }
        for action in steps[n % steps.len()] {
            super::applications::step(
                deps,
                &Actor::console(),
                &application.id,
                action,
                &StepInput::default(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo application {action}: {e}"))?;
        }
    }
    Ok(())
}

/// Two demo persons apply through a second agency, which is then suspended: the licence
/// cascade flags them and alerts them, and the licensing queue lists them.
async fn licence_falls(deps: Deps<'_>, agency: &str) -> anyhow::Result<()> {
    let (db, clock) = (deps.db, deps.clock);
    let filter = store::Filter {
        states: vec!["published"],
        recruiters: Some(vec![agency.to_string()]),
        ..store::Filter::default()
    };
    let Some(v) = store::list(db, &filter, 0, 1).await?.into_iter().next() else {
        return Ok(());
    };
    let persons: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM persons ORDER BY pinfl DESC LIMIT 2")
            .fetch_all(&db.pool)
            .await?;
    for (person_id,) in persons {
        let application = Application::new(&v.id, &person_id, 0, vec![], clock.now_ms());
        let mut tx = db.begin().await?;
        store::insert_application(&mut tx, &application, clock.now_ms()).await?;
        tx.commit().await?;
    }
    let reason = crate::recruiters::service::LicenceInput {
        reason: Some("workers charged for visa support (demo)".into()),
        ..Default::default()
    };
    crate::recruiters::service::licence_action(
        db,
        clock,
        &Actor::console(),
        agency,
        "suspend",
        &reason,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo suspension: {e}"))?;
    Ok(())
}
