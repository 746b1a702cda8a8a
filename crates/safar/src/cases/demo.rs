//! Demo cases: about two hundred across every category, channel and priority, opened over
//! the last three weeks (so some are overdue and escalated), at every step of their
//! lifecycle, a few closed with money recovered.

use super::model::{CATEGORIES, CHANNELS, INDICATORS};
use super::service::{self, CaseInput, StepInput};
use crate::platform::access::Actor;
use crate::platform::clock::Clock;
use crate::platform::db::Db;

const DAY_MS: i64 = 24 * 3600 * 1000;
const COUNTRIES: [&str; 6] = ["RU", "KZ", "TR", "KR", "AE", "GB"];
/// Where each case ends, by its number: the steps taken after intake.
const PATHS: [&[&str]; 6] = [
    &[],
    &["assign"],
    &["start"],
    &["start", "refer"],
    &["start", "escalate"],
    &["start", "resolve", "close"],
];

pub async fn populate(db: &Db) -> anyhow::Result<usize> {
    let persons: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM persons ORDER BY pinfl DESC LIMIT 40")
            .fetch_all(&db.pool)
            .await?;
    let console = Actor::console();
    let mut opened = 0;
    for n in 0..200usize {
        let Some((person,)) = persons.get(n % persons.len().max(1)) else {
            break;
        };
        // Spread over three weeks, oldest first.
        let clock = Clock::default();
        clock.advance(-21 * DAY_MS + i64::try_from(n).unwrap_or(0) * DAY_MS / 10);
        let (category, _) = CATEGORIES[n % CATEGORIES.len()];
        let input = CaseInput {
            person_id: person.clone(),
            category: category.into(),
            subtype: (category == "EMP").then(|| "EMP-WAGE".to_string()),
            channel: CHANNELS[n % CHANNELS.len()].into(),
            caller_role: Some(if n % 4 == 0 { "family" } else { "migrant" }.into()),
            country: COUNTRIES[n % COUNTRIES.len()].into(),
            city: None,
            summary: format!("Demo case {n}: made up for the demonstration."),
            indicators: if n % 23 == 0 {
                vec![INDICATORS[n % INDICATORS.len()].into()]
            } else {
                vec![]
            },
            modifiers: if n % 11 == 0 {
                vec!["no_food_or_shelter".into()]
            } else {
                vec![]
            },
            suicide_risk: false,
            priority: None,
        };
        let case = service::open(db, &clock, &console, &input).await?;
        for action in PATHS[n % PATHS.len()] {
            let step = StepInput {
                note: "Demo step.".into(),
                outcome: (*action == "close").then(|| "resolved_money".to_string()),
                amount_recovered: (*action == "close").then_some(25_000),
                currency: Some("RUB".into()),
                satisfaction: (*action == "close").then_some(4),
            };
            service::act(db, &clock, &console, &case.id, action, &step).await?;
        }
        opened += 1;
    }
    service::escalate_overdue(db, &Clock::default()).await?;
    Ok(opened)
}
