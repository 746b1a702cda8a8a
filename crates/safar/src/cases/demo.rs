//! Demo cases: about two hundred across every category, channel and priority, opened over
//! the last three weeks (so some are overdue and escalated), at every step of their
//! lifecycle, a few closed with money recovered; the partner organisations they are
//! referred to, with referrals accepted and answered.

use super::model::{CATEGORIES, CHANNELS, INDICATORS};
use super::referrals::{self, PartnerInput, ReferInput};
use super::service::{self, CaseInput, StepInput};
use crate::people::service::Deps;
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
    &["start", "refer_partner"],
    &["start", "escalate"],
    &["start", "resolve", "close"],
];

/// The demo partners: a consulate in each destination the demo cases are in, the IOM
/// mission and a legal-aid NGO at home.
const PARTNERS: [(&str, &str, &str, &str); 8] = [
    (
        "Consulate General of Uzbekistan in Moscow",
        "consulate",
        "RU",
        "+7 495 000 00 00",
    ),
    (
        "Consulate of Uzbekistan in Almaty",
        "consulate",
        "KZ",
        "+7 727 000 00 00",
    ),
    (
        "Consulate General of Uzbekistan in Istanbul",
        "consulate",
        "TR",
        "+90 212 000 00 00",
    ),
    (
        "Embassy of Uzbekistan in Seoul",
        "consulate",
        "KR",
        "+82 2 000 0000",
    ),
    (
        "Consulate General of Uzbekistan in Dubai",
        "consulate",
        "AE",
        "+971 4 000 0000",
    ),
    (
        "Embassy of Uzbekistan in London",
        "consulate",
        "GB",
        "+44 20 0000 0000",
    ),
    ("IOM Tashkent", "iom", "UZ", "+998 71 000 00 00"),
    (
        "Legal aid clinic (demo NGO)",
        "legal_aid",
        "UZ",
        "+998 71 000 00 01",
    ),
];

/// Adds the demo partners; returns their ids in the order of `PARTNERS`.
async fn add_partners(db: &Db, clock: &Clock) -> anyhow::Result<Vec<String>> {
    let mut ids = vec![];
    for (name, kind, country, contact) in PARTNERS {
        let input = PartnerInput {
            name: name.into(),
            kind: kind.into(),
            country: country.into(),
            contact: contact.into(),
        };
        let partner = referrals::add_partner(db, clock, &Actor::console(), &input)
            .await
            .map_err(|e| anyhow::anyhow!("partner {name}: {e}"))?;
        ids.push(partner.id);
    }
    Ok(ids)
}

/// Populates partners and cases; returns how many cases were opened and the id of the
/// consulate in Moscow (the demo partner account works for it).
pub async fn populate(deps: Deps<'_>) -> anyhow::Result<(usize, String)> {
    let db = deps.db;
    let partners = add_partners(db, &Clock::default()).await?;
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
        // Shifted every round of paths, so each step (referrals too) meets every country.
        let country = (n + n / PATHS.len()) % COUNTRIES.len();
        let input = CaseInput {
            person_id: person.clone(),
            category: category.into(),
            subtype: (category == "EMP").then(|| "EMP-WAGE".to_string()),
            channel: CHANNELS[n % CHANNELS.len()].into(),
            caller_role: Some(if n % 4 == 0 { "family" } else { "migrant" }.into()),
            country: COUNTRIES[country].into(),
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
            if *action == "refer_partner" {
                refer(
                    Deps {
                        clock: &clock,
                        ..deps
                    },
                    &case.id,
                    &partners[country],
                    n,
                )
                .await?;
                continue;
            }
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
    let moscow = partners.first().cloned().unwrap_or_default();
    Ok((opened, moscow))
}

/// Refers a demo case to the consulate where the person is; every other referral is
/// accepted by the consulate, with an update.
async fn refer(deps: Deps<'_>, case_id: &str, partner: &str, n: usize) -> anyhow::Result<()> {
    let input = ReferInput {
        partner_id: partner.into(),
        request: "Please contact the person and the employer (demo referral).".into(),
        share_identity: false,
    };
    let referral = referrals::refer(deps, &Actor::console(), case_id, &input).await?;
    if n.is_multiple_of(2) {
        let accept = referrals::ReferralStep {
            note: "Consular officer assigned (demo).".into(),
        };
        referrals::partner_act(
            deps.db,
            deps.clock,
            &Actor::console(),
            &referral.id,
            "accept",
            &accept,
        )
        .await?;
    }
    Ok(())
}
