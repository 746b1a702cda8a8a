//! Demo intakes: the demo's returnees (those with a recorded return) get an intake and a
//! service plan in several states — some services done with an outcome, some referred or
//! planned, one declined — and follow-ups on the queue; one screen is high-risk, so the
//! safe referral path shows. Made through the service, so the audit log holds them.

use sqlx::Row;

use super::intake::{self, Assessment, FollowUpInput, IntakeInput, OutcomeInput, ServiceInput};
use crate::people::service::Deps;
use crate::platform::access::Actor;
use crate::platform::clock::Clock;
use crate::platform::crypto::DataKeys;
use crate::platform::db::Db;

/// Persons with an account and a recorded return: the demo's returnees.
async fn returnees(db: &Db) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT p.id FROM persons p WHERE p.user_id IS NOT NULL AND EXISTS \
         (SELECT 1 FROM journeys j WHERE j.person_id = p.id AND j.kind = 'return') ORDER BY p.id LIMIT 8",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>("id").ok())
        .collect())
}

fn assessment(n: usize) -> Assessment {
    let high = n == 2;
    Assessment {
        work_abroad: [
            "Builder in Moscow",
            "Greenhouse worker in Korea",
            "Cook in Istanbul",
        ][n % 3]
            .into(),
        skills_gained: [
            "Tiling and plastering",
            "Greenhouse climate control",
            "Turkish cuisine",
        ][n % 3]
            .into(),
        income: ["none", "irregular", "below_minimum", "sufficient"][n % 4].into(),
        debts: ["heavy", "manageable", "none"][n % 3].into(),
        health: if high { "needs_care" } else { "good" }.into(),
        housing: "secure".into(),
        family: "Spouse and two children".into(),
        documents: if n % 4 == 1 { "missing" } else { "complete" }.into(),
        screen: if high {
            vec![3, 2, 2, 2, 2]
        } else {
            vec![1, 1, 0, (n % 2) as i64, 0]
        },
        self_harm: false,
        notes: String::new(),
    }
}

/// The plan of returnee `n`: (service, provider, steps taken, outcome).
fn plan(
    n: usize,
) -> Vec<(
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
)> {
    let retraining = (
        "RS-TRN",
        "Regional mono-centre",
        &["refer", "start", "done"][..],
        "Completed the course; certificate issued",
    );
    let jobs = ("RS-JOB", "District employment centre", &["refer"][..], "");
    let business = (
        "RS-BIZ",
        "Agency business desk",
        &["refer", "start"][..],
        "",
    );
    let credit = (
        "RS-FIN",
        "Microcredit bank",
        &["decline"][..],
        "Did not want a loan now",
    );
    let documents = ("RS-DOC", "Civil registry office", &[][..], "");
    match n % 4 {
        0 => vec![retraining, jobs],
        1 => vec![documents, business],
        2 => vec![business, credit],
        _ => vec![retraining, credit, jobs],
    }
}

pub async fn populate(db: &Db, clock: &Clock) -> anyhow::Result<usize> {
    let console = Actor::console();
    let keys = DataKeys::generate();
    let deps = Deps {
        db,
        clock,
        keys: &keys,
    };
    let today = crate::recruiters::service::today(clock);
    let people = returnees(db).await?;
    for (n, person) in people.iter().enumerate() {
        let input = IntakeInput {
            person_id: person.clone(),
            returned: None,
            assessment: assessment(n),
        };
        let made = intake::open(deps, &console, &input).await?;
        for (service, provider, steps, outcome) in plan(n) {
            let input = ServiceInput {
                service: service.into(),
                provider: provider.into(),
                due_on: (today - time::Duration::days(20 - n as i64)).to_string(),
            };
            let added = intake::add_service(db, clock, &console, &made.id, &input).await?;
            for step in steps {
                let last = matches!(*step, "done" | "decline");
                let outcome = OutcomeInput {
                    outcome: if last { outcome.into() } else { String::new() },
                };
                intake::step_service(db, clock, &console, &made.id, &added.id, step, &outcome)
                    .await?;
            }
        }
        let followup = FollowUpInput {
            due_on: (today + time::Duration::days(n as i64 % 5)).to_string(),
            note: "Call to check how the plan is going".into(),
        };
        intake::add_followup(db, clock, &console, &made.id, &followup).await?;
    }
    Ok(people.len())
}
