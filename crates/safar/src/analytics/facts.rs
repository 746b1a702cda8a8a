//! The other modules' figures — cases, awareness events, returnees, courses, grants — counted into `module_facts`,
//! kept current in the transaction of every change, like the journey cubes.
//!
//! A record (a case, an event) contributes a few *entries* (subject, month, region, up to
//! three keys, a count and an amount), computed here from its current row. Each record's
//! entries are kept in `fact_entries`, so a change is exact whatever it was: `refresh`
//! takes the record's old entries out of the totals and puts its new ones in. A module
//! only has to call `refresh` after writing a record, inside its transaction.

use sqlx::Row;

use crate::platform::clock::format_ms;
use crate::platform::db::{Db, Tx};

/// Which records a fact comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Case,
    Outreach,
    /// A returnee's intake, with its service plan.
    Returnee,
    /// A trainee's course enrolment.
    Enrolment,
    /// A grant application, once visited at 12 months.
    Grant,
    /// A complaint against a recruiter.
    Complaint,
    /// An application to a vacancy, once departed: a placement.
    Application,
    /// A departure, when its person held a certificate for the destination.
    Departure,
    /// A report on an intermediary (the public watch list).
    Report,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Case,
        Source::Outreach,
        Source::Returnee,
        Source::Enrolment,
        Source::Grant,
        Source::Complaint,
        Source::Application,
        Source::Departure,
        Source::Report,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Source::Case => "case",
            Source::Outreach => "outreach",
            Source::Returnee => "returnee",
            Source::Enrolment => "enrolment",
            Source::Grant => "grant",
            Source::Complaint => "complaint",
            Source::Application => "application",
            Source::Departure => "departure",
            Source::Report => "report",
        }
    }

    /// The ids of every record of this source (for `rebuild`).
    fn all_ids(self) -> &'static str {
        match self {
            Source::Case => "SELECT id FROM cases ORDER BY id",
            Source::Outreach => "SELECT id FROM outreach_events ORDER BY id",
            Source::Returnee => "SELECT id FROM returnee_intakes ORDER BY id",
            Source::Enrolment => "SELECT id FROM course_enrolments ORDER BY id",
            Source::Grant => "SELECT DISTINCT application_id AS id FROM grant_visits ORDER BY id",
            Source::Complaint => "SELECT id FROM complaints ORDER BY id",
            Source::Application => {
                "SELECT id FROM applications WHERE state = 'departed' ORDER BY id"
            }
            Source::Departure => {
                "SELECT j.id FROM journeys j WHERE j.kind = 'departure' AND EXISTS \
                 (SELECT 1 FROM pdo_certificates c WHERE c.person_id = j.person_id) ORDER BY j.id"
            }
            Source::Report => "SELECT id FROM intermediary_reports ORDER BY id",
        }
    }
}

/// One contribution of a record to the totals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub subject: String,
    pub month: String,
    pub region: String,
    pub a: String,
    pub b: String,
    pub c: String,
    pub n: i64,
    pub amount: i64,
}

/// `YYYY-MM` of a time in milliseconds (UTC).
fn month_of_ms(ms: i64) -> String {
    format_ms(ms).get(..7).unwrap_or_default().to_string()
}

/// A case counts where it was opened (category, priority, destination) and, once resolved,
/// where it was resolved (outcome, whether within its SLA, money recovered by currency).
async fn case_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT region_iso, category, priority, country_iso2, outcome, amount_recovered, currency, \
         due_at, resolved_at, created_at FROM cases WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let region: String = r.try_get("region_iso")?;
    let mut entries = vec![Entry {
        subject: "cases.opened".into(),
        month: month_of_ms(r.try_get("created_at")?),
        region: region.clone(),
        a: r.try_get("category")?,
        b: r.try_get("priority")?,
        c: r.try_get("country_iso2")?,
        n: 1,
        amount: 0,
    }];
    if let Some(resolved_at) = r.try_get::<Option<i64>, _>("resolved_at")? {
        let due_at: i64 = r.try_get("due_at")?;
        entries.push(Entry {
            subject: "cases.resolved".into(),
            month: month_of_ms(resolved_at),
            region,
            a: r.try_get("outcome")?,
            b: if resolved_at <= due_at {
                "met"
            } else {
                "missed"
            }
            .into(),
            c: r.try_get("currency")?,
            n: 1,
            amount: r
                .try_get::<Option<i64>, _>("amount_recovered")?
                .unwrap_or(0),
        });
    }
    Ok(entries)
}

/// An event counts once held (not cancelled), in the month it was held: the event by its
/// kind, and its attendance by gender.
async fn outreach_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT region_iso, kind, held_on FROM outreach_events WHERE id = $1 AND status IN ('held', 'reported')",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let Some(held_on) = r.try_get::<Option<String>, _>("held_on")? else {
        return Ok(vec![]);
    };
    let month = held_on.get(..7).unwrap_or_default().to_string();
    let region: String = r.try_get("region_iso")?;
    let kind: String = r.try_get("kind")?;
    let mut entries = vec![Entry {
        subject: "outreach.events".into(),
        month: month.clone(),
        region: region.clone(),
        a: kind.clone(),
        b: String::new(),
        c: String::new(),
        n: 1,
        amount: 0,
    }];
    let people = sqlx::query(
        "SELECT gender, CAST(SUM(people) AS BIGINT) AS people FROM outreach_attendance WHERE event_id = $1 \
         GROUP BY gender ORDER BY gender",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    for p in people {
        entries.push(Entry {
            subject: "outreach.attendance".into(),
            month: month.clone(),
            region: region.clone(),
            a: kind.clone(),
            b: p.try_get("gender")?,
            c: String::new(),
            n: p.try_get::<Option<i64>, _>("people")?.unwrap_or(0),
            amount: 0,
        });
    }
    Ok(entries)
}

/// A returnee counts in the month of their intake, by gender and by whether a service plan
/// (any service not declined) is in place.
async fn returnee_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT i.region_iso, i.created_at, p.gender, (SELECT COUNT(*) FROM returnee_services s \
         WHERE s.intake_id = i.id AND s.status <> 'declined') AS services \
         FROM returnee_intakes i JOIN persons p ON p.id = i.person_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let services: i64 = r.try_get("services")?;
    Ok(vec![Entry {
        subject: "returnees.intakes".into(),
        month: month_of_ms(r.try_get("created_at")?),
        region: r.try_get("region_iso")?,
        a: r.try_get("gender")?,
        b: if services > 0 { "planned" } else { "none" }.into(),
        c: String::new(),
        n: 1,
        amount: 0,
    }])
}

/// An enrolment counts in the month it was made, in the course's region, by its status, the
/// trainee's gender and the latest outcome recorded (6 months, else 3).
async fn enrolment_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT c.region_iso, e.created_at, e.status, e.outcome_3m, e.outcome_6m, p.gender \
         FROM course_enrolments e JOIN courses c ON c.id = e.course_id JOIN persons p ON p.id = e.person_id \
         WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let six: String = r.try_get("outcome_6m")?;
    let three: String = r.try_get("outcome_3m")?;
    Ok(vec![Entry {
        subject: "courses.enrolments".into(),
        month: month_of_ms(r.try_get("created_at")?),
        region: r.try_get("region_iso")?,
        a: r.try_get("status")?,
        b: r.try_get("gender")?,
        c: if six.is_empty() { three } else { six },
        n: 1,
        amount: 0,
    }])
}

/// A grant counts once visited at 12 months, in the month of that visit: by the
/// applicant's gender, whether the business was operating, and the jobs it created.
async fn grant_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT a.region_iso, a.gender, v.visited_on, v.operating, v.jobs_created FROM grant_applications a \
         JOIN grant_visits v ON v.application_id = a.id AND v.month = 12 WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let visited_on: String = r.try_get("visited_on")?;
    let operating: i64 = r.try_get("operating")?;
    Ok(vec![Entry {
        subject: "grants.outcome_12m".into(),
        month: visited_on.get(..7).unwrap_or_default().to_string(),
        region: r.try_get("region_iso")?,
        a: r.try_get("gender")?,
        b: if operating != 0 {
            "operating"
        } else {
            "closed"
        }
        .into(),
        c: String::new(),
        n: 1,
        amount: r.try_get("jobs_created")?,
    }])
}

/// A complaint counts in the month it was received, under its recruiter (and the
/// recruiter's region), by its type code and its finding so far.
async fn complaint_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT c.recruiter_id, c.type_code, c.received_at, r.region_iso, \
         (SELECT MAX(CASE WHEN e.to_state = 'substantiated' THEN 2 WHEN e.to_state = 'unsubstantiated' THEN 1 \
         ELSE 0 END) FROM complaint_events e WHERE e.complaint_id = c.id) AS finding \
         FROM complaints c JOIN recruiters r ON r.id = c.recruiter_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let finding = match r.try_get::<Option<i64>, _>("finding")? {
        Some(2) => "substantiated",
        Some(1) => "unsubstantiated",
        _ => "open",
    };
    Ok(vec![Entry {
        subject: "recruiters.complaints".into(),
        month: month_of_ms(r.try_get("received_at")?),
        region: r
            .try_get::<Option<String>, _>("region_iso")?
            .unwrap_or_default(),
        a: r.try_get("recruiter_id")?,
        b: r.try_get("type_code")?,
        c: finding.into(),
        n: 1,
        amount: 0,
    }])
}

/// A departed application is a placement of the vacancy's recruiter, in the month it
/// departed.
async fn placement_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT v.recruiter_id, a.updated_at, r.region_iso FROM applications a \
         JOIN vacancies v ON v.id = a.vacancy_id JOIN recruiters r ON r.id = v.recruiter_id \
         WHERE a.id = $1 AND a.state = 'departed'",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    Ok(vec![Entry {
        subject: "recruiters.placements".into(),
        month: month_of_ms(r.try_get("updated_at")?),
        region: r
            .try_get::<Option<String>, _>("region_iso")?
            .unwrap_or_default(),
        a: r.try_get("recruiter_id")?,
        b: String::new(),
        c: String::new(),
        n: 1,
        amount: 0,
    }])
}

/// A departure counts as prepared when its person held a valid PDO certificate for that
/// destination issued by the day they left (the PDO module's own coverage rule).
async fn departure_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT j.event_date, j.country_iso2, p.region_iso, p.gender FROM journeys j \
         JOIN persons p ON p.id = j.person_id WHERE j.id = $1 AND j.kind = 'departure' \
         AND EXISTS (SELECT 1 FROM pdo_certificates c WHERE c.person_id = j.person_id \
           AND c.destination = j.country_iso2 AND c.status = 'valid' AND c.issued_on <= j.event_date)",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(vec![]);
    };
    let date: String = r.try_get("event_date")?;
    Ok(vec![Entry {
        subject: "pdo.covered".into(),
        month: date.get(..7).unwrap_or_default().to_string(),
        region: r.try_get("region_iso")?,
        a: r.try_get("country_iso2")?,
        b: r.try_get("gender")?,
        c: String::new(),
        n: 1,
        amount: 0,
    }])
}

/// A report on an intermediary counts in the month it was made, in the region the reporter
/// named ('' when they did not).
async fn report_entries(tx: &mut Tx, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let Some(r) =
        sqlx::query("SELECT region_iso, created_at FROM intermediary_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(vec![]);
    };
    Ok(vec![Entry {
        subject: "watch.reports".into(),
        month: month_of_ms(r.try_get("created_at")?),
        region: r.try_get("region_iso")?,
        a: String::new(),
        b: String::new(),
        c: String::new(),
        n: 1,
        amount: 0,
    }])
}

/// Refreshes a recruiter's complaints and placements (counted in its region).
pub async fn refresh_recruiter(tx: &mut Tx, recruiter_id: &str) -> Result<(), sqlx::Error> {
    for (source, sql) in [
        (
            Source::Complaint,
            "SELECT id FROM complaints WHERE recruiter_id = $1",
        ),
        (
            Source::Application,
            "SELECT a.id FROM applications a JOIN vacancies v ON v.id = a.vacancy_id \
             WHERE v.recruiter_id = $1 AND a.state = 'departed'",
        ),
    ] {
        refresh_matching(tx, source, sql, Some(recruiter_id)).await?;
    }
    Ok(())
}

/// Refreshes every departure of a person whose certificates changed.
pub async fn refresh_departures_of(tx: &mut Tx, person_id: &str) -> Result<(), sqlx::Error> {
    let sql = "SELECT id FROM journeys WHERE person_id = $1 AND kind = 'departure'";
    refresh_matching(tx, Source::Departure, sql, Some(person_id)).await?;
    Ok(())
}

/// Refreshes every record of `source` whose id `sql` selects (with `value` as `$1`, if
/// given); returns how many.
async fn refresh_matching(
    tx: &mut Tx,
    source: Source,
    sql: &'static str,
    value: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let mut query = sqlx::query(sql);
    if let Some(value) = value {
        query = query.bind(value.to_string());
    }
    let ids: Vec<String> = query
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    for id in &ids {
        refresh(tx, source, id).await?;
    }
    Ok(ids.len() as u64)
}

async fn entries_of(tx: &mut Tx, source: Source, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let mut entries = match source {
        Source::Case => case_entries(tx, id).await?,
        Source::Outreach => outreach_entries(tx, id).await?,
        Source::Returnee => returnee_entries(tx, id).await?,
        Source::Enrolment => enrolment_entries(tx, id).await?,
        Source::Grant => grant_entries(tx, id).await?,
        Source::Complaint => complaint_entries(tx, id).await?,
        Source::Application => placement_entries(tx, id).await?,
        Source::Departure => departure_entries(tx, id).await?,
        Source::Report => report_entries(tx, id).await?,
    };
    entries.sort();
    Ok(entries)
}

/// Brings the totals up to date with record `id` of `source` after it was written.
pub async fn refresh(tx: &mut Tx, source: Source, id: &str) -> Result<(), sqlx::Error> {
    let old = recorded(tx, source, id).await?;
    let new = entries_of(tx, source, id).await?;
    if old == new {
        return Ok(());
    }
    for e in &old {
        add(tx, e, -1).await?;
    }
    sqlx::query("DELETE FROM fact_entries WHERE source = $1 AND record_id = $2")
        .bind(source.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for e in &new {
        add(tx, e, 1).await?;
        sqlx::query(
            "INSERT INTO fact_entries (source, record_id, subject, month, region, a, b, c, n, amount) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(source.as_str())
        .bind(id)
        .bind(&e.subject)
        .bind(&e.month)
        .bind(&e.region)
        .bind(&e.a)
        .bind(&e.b)
        .bind(&e.c)
        .bind(e.n)
        .bind(e.amount)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The entries a record contributed when last refreshed.
async fn recorded(tx: &mut Tx, source: Source, id: &str) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT subject, month, region, a, b, c, n, amount FROM fact_entries WHERE source = $1 AND record_id = $2",
    )
    .bind(source.as_str())
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut entries = vec![];
    for r in rows {
        entries.push(Entry {
            subject: r.try_get("subject")?,
            month: r.try_get("month")?,
            region: r.try_get("region")?,
            a: r.try_get("a")?,
            b: r.try_get("b")?,
            c: r.try_get("c")?,
            n: r.try_get("n")?,
            amount: r.try_get("amount")?,
        });
    }
    entries.sort();
    Ok(entries)
}

/// Adds (`sign` 1) or takes away (-1) an entry in the totals.
async fn add(tx: &mut Tx, e: &Entry, sign: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO module_facts (subject, month, region, a, b, c, n, amount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (subject, month, region, a, b, c) DO UPDATE SET n = module_facts.n + excluded.n, \
         amount = module_facts.amount + excluded.amount",
    )
    .bind(&e.subject)
    .bind(&e.month)
    .bind(&e.region)
    .bind(&e.a)
    .bind(&e.b)
    .bind(&e.c)
    .bind(sign * e.n)
    .bind(sign * e.amount)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the module facts from every record (part of `safar analytics rebuild`).
pub async fn rebuild_in(tx: &mut Tx) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM module_facts")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM fact_entries")
        .execute(&mut **tx)
        .await?;
    let mut records = 0;
    for source in Source::ALL {
        records += refresh_matching(tx, source, source.all_ids(), None).await?;
    }
    Ok(records)
}

/// Every non-zero total, in key order (for the rebuild test).
pub async fn snapshot(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT subject, month, region, a, b, c, n, amount FROM module_facts WHERE n <> 0 OR amount <> 0 \
         ORDER BY subject, month, region, a, b, c",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}|{}|{}",
                r.try_get::<String, _>(0)?,
                r.try_get::<String, _>(1)?,
                r.try_get::<String, _>(2)?,
                r.try_get::<String, _>(3)?,
                r.try_get::<String, _>(4)?,
                r.try_get::<String, _>(5)?,
                r.try_get::<i64, _>(6)?,
                r.try_get::<i64, _>(7)?
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc() {
        // 2025-03-31 23:30 UTC is still March.
        assert_eq!(month_of_ms(1_743_463_800_000), "2025-03");
        assert_eq!(month_of_ms(0), "1970-01");
    }
}
