//! Demo recruiters: made-up agencies (flagged `demo`, shown as "demo data, not real") with
//! licences in every state, and foreign operators of the main schemes. The names are
//! assembled from common Uzbek words; any likeness to a real agency is accidental, which is
//! why the flag is shown wherever they appear. Also used by the benchmark for 10 k agencies.

use serde_json::json;

use super::service::{self, LicenceInput, RecruiterInput};
use crate::platform::access::Actor;
use crate::platform::clock::Clock;
use crate::platform::db::Db;

const FIRST: &[&str] = &[
    "Ishonch", "Baraka", "Omad", "Kelajak", "Nurli", "Zafar", "Barkamol", "Mehnat", "Umid",
    "Sarbon", "Yulduz", "Saodat", "Ezgu", "Ziyo", "Tayanch", "Hamkor", "Ravnaq", "Istiqbol",
];
const SECOND: &[&str] = &[
    "Yo‘li", "Ish", "Xizmat", "Servis", "Karvon", "Safar", "Imkon", "Qanot", "Manzil",
];

/// Local agencies' licence states in turn, so every state appears in the demo.
const PLAN: &[&str] = &[
    "licensed",
    "licensed",
    "licensed",
    "applied",
    "suspended",
    "revoked",
    "expired",
    "surrendered",
    "refused",
    "licensed",
    "licensed",
    "ending",
];

const FOREIGN: &[(&str, &str, &str)] = &[
    ("Greenfield Growers Ltd", "GB", "licensed"),
    ("Orchard Harvest Recruitment Ltd", "GB", "revoked"),
    ("Hanbit Manufacturing Co.", "KR", "licensed"),
    ("Sakura Care Services K.K.", "JP", "licensed"),
    ("Rheinland Pflege GmbH", "DE", "licensed"),
    ("Doha Facilities Management W.L.L.", "QA", "unknown"),
];

fn input(name: &str, value: serde_json::Value) -> anyhow::Result<RecruiterInput> {
    let mut body = value;
    body["name"] = json!(name);
    Ok(serde_json::from_value(body)?)
}

fn dates(from: time::Date, days: i64) -> LicenceInput {
    LicenceInput {
        valid_from: Some(from.to_string()),
        valid_to: Some((from + time::Duration::days(days)).to_string()),
        ..LicenceInput::default()
    }
}

fn reason(text: &str) -> LicenceInput {
    LicenceInput {
        reason: Some(text.into()),
        ..LicenceInput::default()
    }
}

/// Adds `count` local agencies (`count / 4` at least 1 foreign operators too when `foreign`).
pub async fn populate(
    db: &Db,
    clock: &Clock,
    count: usize,
    foreign: bool,
) -> anyhow::Result<usize> {
    let console = Actor::console();
    let today = service::today(clock);
    let mut made = 0;
    for i in 0..count {
        let name = format!(
            "{} {} xususiy bandlik agentligi{}",
            FIRST[i % FIRST.len()],
            SECOND[(i * 5 + i / FIRST.len()) % SECOND.len()],
            if i >= FIRST.len() * SECOND.len() {
                format!(" {}", i + 1)
            } else {
                String::new()
            }
        );
        let region = [
            "UZ-TK", "UZ-SA", "UZ-AN", "UZ-FA", "UZ-NG", "UZ-QA", "UZ-SU", "UZ-XO",
        ][i % 8];
        let stir = format!("3{:08}", 10_000_000 + i);
        let body = json!({"kind": "local_agency", "stir": stir, "region": region,
                          "address": format!("{}-uy, Mustaqillik ko‘chasi", 1 + i % 90),
                          "phone": format!("+99871{:07}", 2_000_000 + i)});
        let id = service::create(db, clock, &console, &input(&name, body)?)
            .await
            .map_err(|e| anyhow::anyhow!("demo recruiter {name}: {e}"))?;
        mark_demo(db, &id).await?;
        let state = PLAN[i % PLAN.len()];
        licence_story(db, clock, &console, &id, state, today).await?;
        made += 1;
    }
    if foreign {
        for (name, country, host_state) in FOREIGN {
            let body = json!({"kind": "foreign_operator", "country": country,
                              "host_licence_no": format!("{country}-{:05}", 10_000 + made),
                              "host_licence_state": host_state});
            let id = service::create(db, clock, &console, &input(name, body)?)
                .await
                .map_err(|e| anyhow::anyhow!("demo operator {name}: {e}"))?;
            mark_demo(db, &id).await?;
            let state = if *host_state == "revoked" {
                "revoked"
            } else {
                "licensed"
            };
            licence_story(db, clock, &console, &id, state, today).await?;
            made += 1;
        }
    }
    service::expire_due(db, clock).await?;
    Ok(made)
}

async fn mark_demo(db: &Db, id: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE recruiters SET demo = 1 WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Takes a recruiter's licence to `state` through the same decisions an officer makes.
async fn licence_story(
    db: &Db,
    clock: &Clock,
    console: &Actor,
    id: &str,
    state: &str,
    today: time::Date,
) -> anyhow::Result<()> {
    let act = |action: &'static str, input: LicenceInput| async move {
        service::licence_action(db, clock, console, id, action, &input)
            .await
            .map(|_| ())
            .map_err(|e| anyhow::anyhow!("demo licence {action}: {e}"))
    };
    act("apply", LicenceInput::default()).await?;
    let year_ago = today - time::Duration::days(300);
    match state {
        "applied" => {}
        "refused" => {
            act(
                "refuse",
                reason("no staff member fluent in the destination language"),
            )
            .await?
        }
        // Granted long ago for a year: the expiry run at the end expires it.
        "expired" => act("grant", dates(today - time::Duration::days(500), 365)).await?,
        // A renewal is due within three weeks: it shows on the licensing queue.
        "ending" => act("grant", dates(today - time::Duration::days(350), 365)).await?,
        _ => {
            act("grant", dates(year_ago, 730)).await?;
            match state {
                "suspended" => {
                    act(
                        "suspend",
                        reason("workers charged for visa support (complaint substantiated)"),
                    )
                    .await?
                }
                "revoked" => {
                    act("suspend", reason("passports kept by the agency")).await?;
                    act("revoke", reason("decision of the economic court")).await?;
                }
                "surrendered" => {
                    act(
                        "surrender",
                        reason("the agency closed its placement business"),
                    )
                    .await?
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Reports on made-up intermediaries (one reported often enough to be flagged) and
/// complaints against the demo agencies at every step, one of them past its deadline.
pub async fn populate_reports_and_complaints(db: &Db, clock: &Clock) -> anyhow::Result<()> {
    use super::complaints::{self, Decision, NewComplaint};
    use super::reports::{self, NewReport};
    let visitor = Actor::anonymous(crate::platform::access::RequestMeta::default());
    let reports = [
        (
            "Oltin Vosita",
            "+998901110001",
            "Asked 1 500 USD for a job in Korea, then stopped answering.",
        ),
        (
            "Oltin Vosita",
            "+998901110001",
            "Took my passport 'for the visa' and wanted 700 USD more.",
        ),
        (
            "Oltin Vosita Group",
            "+998901110001",
            "Promised a factory job in Poland; nobody there knows them.",
        ),
        (
            "Baxt Yo‘li",
            "+998935550002",
            "A Telegram channel promising visas to the UK for a fee.",
        ),
    ];
    // Most reporters name the region where they were approached; one does not.
    let regions = ["UZ-SA", "UZ-SA", "UZ-QA", ""];
    for ((name, phone, description), region) in reports.into_iter().zip(regions.into_iter().cycle())
    {
        let report = NewReport {
            intermediary_name: name.into(),
            phones: vec![phone.into()],
            description: description.into(),
            region: Some(region.to_string()).filter(|r| !r.is_empty()),
            ..NewReport::default()
        };
        reports::submit(db, clock, &visitor, &report, vec![])
            .await
            .map_err(|e| anyhow::anyhow!("demo report: {e}"))?;
    }
    let console = Actor::console();
    let licensed: Vec<String> = super::store::list(db, Some("licensed"), 0, 200)
        .await?
        .into_iter()
        .filter(|r| r.demo && r.kind == "local_agency")
        .map(|r| r.id)
        .collect();
    // (agency, type, steps taken)
    let plan: [(usize, &str, &[&str]); 5] = [
        (2, "RC01", &[]),
        (2, "RC02", &["investigate"]),
        (3, "RC03", &["investigate", "substantiate"]),
        (3, "RC12", &["investigate", "dismiss", "close"]),
        (4, "RC07", &["investigate", "substantiate", "sanction"]),
    ];
    for (n, code, steps) in plan {
        let Some(agency) = licensed.get(n % licensed.len().max(1)) else {
            break;
        };
        let complaint = NewComplaint {
            recruiter_id: agency.clone(),
            type_code: code.into(),
            description: "Recorded from a call to the hotline (demo).".into(),
            person_id: None,
        };
        let id = complaints::file(db, clock, &console, &complaint)
            .await
            .map_err(|e| anyhow::anyhow!("demo complaint: {e}"))?;
        for action in steps {
            let decision = Decision {
                note: Some("demo".into()),
                sanction: Some("warning".into()),
                fine_amount: None,
            };
            complaints::decide(db, clock, &console, &id, action, &decision)
                .await
                .map_err(|e| anyhow::anyhow!("demo complaint {action}: {e}"))?;
        }
    }
    // The first complaint arrived 35 days ago: it is overdue on the queue.
    sqlx::query(
        "UPDATE complaints SET received_at = received_at - $1, due_at = due_at - $1 WHERE type_code = 'RC01'",
    )
    .bind(35_i64 * 24 * 3600 * 1000)
    .execute(&db.pool)
    .await?;
    // Back-dated after the fact: its month in the analytics moves too.
    let mut tx = db.begin().await?;
    let ids: Vec<String> = sqlx::query("SELECT id FROM complaints WHERE type_code = 'RC01'")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| sqlx::Row::try_get(r, "id"))
        .collect::<Result<_, _>>()?;
    for id in ids {
        crate::analytics::facts::refresh(&mut tx, crate::analytics::facts::Source::Complaint, &id)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
