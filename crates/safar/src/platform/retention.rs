//! The retention schedule (docs/privacy.md gives each period's reason): personal data is
//! kept no longer than its purpose needs (ZRU-547), then deleted or anonymised by a job every
//! server runs once a day and `safar retention run` runs by hand. Each step is audited in the
//! transaction that makes it, and claims its rows with a guarded UPDATE or DELETE, so two
//! servers running the job at once never handle a record twice.

use serde_json::json;
use sqlx::Row;

use super::access::Actor;
use super::audit::{self, Event};
use super::clock::Clock;
use super::db::{Db, Tx};

const DAY_MS: i64 = 86_400_000;
/// Records handled per transaction: a large backlog never holds the write lock for long.
const BATCH: i64 = 200;

/// One line of the schedule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub name: &'static str,
    pub table: &'static str,
    pub keep_days: i64,
}

pub const SCHEDULE: &[Rule] = &[
    // Uploaded journey files hold whole border extracts (PINFLs, names); the imported rows
    // and the job's summary stay, the file itself goes a month after the import ended.
    Rule {
        name: "import_files",
        table: "job_files",
        keep_days: 30,
    },
    // A reporter's contact is needed while the report is followed up, not afterwards.
    Rule {
        name: "reporter_contacts",
        table: "intermediary_reports",
        keep_days: 730,
    },
    // A person the agency has had nothing to do with for ten years (no change to the record,
    // no journey), who has no account, no open case and no legal hold, is anonymised as on
    // request: aggregates keep their birth year, gender, region and journeys.
    Rule {
        name: "inactive_persons",
        table: "persons",
        keep_days: 3650,
    },
];

/// Applies every rule; returns how many records each one handled.
pub async fn run(db: &Db, clock: &Clock) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let mut done = vec![];
    for rule in SCHEDULE {
        let cutoff = clock.now_ms() - rule.keep_days * DAY_MS;
        let mut handled = 0;
        loop {
            // Persons are looked for before the write transaction: on SQLite a scan inside
            // it would hold every writer back for its length.
            let candidates = match rule.name {
                "inactive_persons" => inactive_persons(db, cutoff).await?,
                _ => vec![],
            };
            let mut tx = db.begin().await?;
            let n = match rule.name {
                "import_files" => drop_import_files(&mut tx, cutoff).await?,
                "reporter_contacts" => clear_reporter_contacts(&mut tx, cutoff).await?,
                _ => anonymise(&mut tx, &candidates, cutoff, clock.now_ms()).await?,
            };
            if n > 0 {
                let details =
                    json!({ "table": rule.table, "records": n, "keep_days": rule.keep_days });
                let event = Event::new("retention.apply", "retention", rule.name).with(details);
                audit::append(&mut tx, &Actor::console(), None, clock.now_ms(), event).await?;
            }
            tx.commit().await?;
            handled += n;
            if n < BATCH as u64 {
                break;
            }
        }
        done.push((rule.name, handled));
    }
    Ok(done)
}

async fn drop_import_files(tx: &mut Tx, cutoff: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM job_files WHERE job_id IN (SELECT id FROM jobs \
         WHERE finished_at IS NOT NULL AND finished_at < $1 \
         AND EXISTS (SELECT 1 FROM job_files f WHERE f.job_id = jobs.id) LIMIT $2)",
    )
    .bind(cutoff)
    .bind(BATCH)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

async fn clear_reporter_contacts(tx: &mut Tx, cutoff: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE intermediary_reports SET reporter_contact = '' WHERE id IN (SELECT id FROM \
         intermediary_reports WHERE created_at < $1 AND reporter_contact <> '' LIMIT $2)",
    )
    .bind(cutoff)
    .bind(BATCH)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// What makes a person past retention, checked when looking and again when claiming.
const INACTIVE: &str = "p.anonymised_at IS NULL AND p.user_id IS NULL AND p.updated_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.person_id = p.id AND j.event_date >= $2) \
     AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = p.id AND h.released_at IS NULL) \
     AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id \
                     AND c.status NOT IN ('resolved', 'closed'))";

/// The first day the ten years count from, as journeys store dates.
fn first_day(cutoff: i64) -> String {
    super::clock::format_ms(cutoff)
        .get(..10)
        .unwrap_or("9999-12-31")
        .to_string()
}

async fn inactive_persons(db: &Db, cutoff: i64) -> anyhow::Result<Vec<String>> {
    let sql = format!("SELECT p.id FROM persons p WHERE {INACTIVE} LIMIT $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(cutoff)
        .bind(first_day(cutoff))
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?)
}

/// Anonymises each candidate still past retention. The claim re-checks the conditions in
/// the write transaction (a journey or a hold may have come since) and wins against another
/// server doing the same.
async fn anonymise(
    tx: &mut Tx,
    candidates: &[String],
    cutoff: i64,
    now: i64,
) -> anyhow::Result<u64> {
    let claim = format!(
        "UPDATE persons SET anonymised_at = $4 WHERE id = $3 AND anonymised_at IS NULL AND id IN \
         (SELECT p.id FROM persons p WHERE p.id = $3 AND {INACTIVE})"
    );
    let mut handled = 0;
    for id in candidates {
        let claimed = sqlx::query(sqlx::AssertSqlSafe(claim.clone()))
            .bind(cutoff)
            .bind(first_day(cutoff))
            .bind(id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        crate::people::store::anonymise(tx, id, now).await?;
        crate::people::details::forget_contacts(tx, id).await?;
        let event = Event::new("person.anonymise", "person", id)
            .with(json!({ "reason": "retention", "rule": "inactive_persons" }));
        audit::append(tx, &Actor::console(), None, now, event).await?;
        handled += 1;
    }
    Ok(handled)
}
