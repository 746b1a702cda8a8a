//! Background jobs kept in the database. Any server may run them: a worker claims a queued
//! job with a lease it keeps renewing while it works; if the worker dies, the lease runs out
//! and another worker takes the job over (so job handlers must be safe to run again —
//! imports are, through their natural keys). Input and output files live in `job_files`,
//! not on one server's disk.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::db::{Db, Tx};
use super::ids::new_id;

/// How long a claim holds without renewal before another worker may take the job over.
pub const LEASE_MS: i64 = 60_000;
/// A job that failed this many times is given up (a poison input must not loop forever).
pub const MAX_ATTEMPTS: i64 = 3;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: String,
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
    pub attempts: i64,
    /// Work done and to do, in the job's own unit (bytes read, for an import).
    pub done: i64,
    pub total: i64,
    /// What the job reports when it ends (JSON, the job's own shape).
    pub summary: String,
    pub error: String,
}

impl Job {
    /// Progress in whole percent, for a `<progress>` element.
    pub fn percent(&self) -> i64 {
        match self.state.as_str() {
            "done" => 100,
            _ if self.total > 0 => (self.done * 100 / self.total).clamp(0, 100),
            _ => 0,
        }
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.state.as_str(), "done" | "failed")
    }
}

const COLUMNS: &str = "id, kind, state, created_by, created_at, started_at, finished_at, attempts, \
                       done, total, summary, error";

fn job_from_row(r: &AnyRow) -> Result<Job, sqlx::Error> {
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        state: r.try_get("state")?,
        created_by: r.try_get("created_by")?,
        created_at_ms: r.try_get("created_at")?,
        started_at_ms: r.try_get("started_at")?,
        finished_at_ms: r.try_get("finished_at")?,
        attempts: r.try_get("attempts")?,
        done: r.try_get("done")?,
        total: r.try_get("total")?,
        summary: r.try_get("summary")?,
        error: r.try_get("error")?,
    })
}

/// Queues a job in the caller's transaction (with its files, see `put_file`).
pub async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    created_by: Option<&str>,
    total: i64,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO jobs (id, kind, state, created_by, created_at, total) VALUES ($1, $2, 'queued', $3, $4, $5)",
    )
    .bind(&id)
    .bind(kind)
    .bind(created_by)
    .bind(now_ms)
    .bind(total)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn put_file(
    tx: &mut Tx,
    job_id: &str,
    name: &str,
    content: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM job_files WHERE job_id = $1 AND name = $2")
        .bind(job_id)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO job_files (job_id, name, content) VALUES ($1, $2, $3)")
        .bind(job_id)
        .bind(name)
        .bind(content.to_vec())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn file(db: &Db, job_id: &str, name: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query("SELECT content FROM job_files WHERE job_id = $1 AND name = $2")
        .bind(job_id)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get::<Vec<u8>, _>("content"))
        .transpose()
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Job>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(job_from_row)
        .transpose()
}

/// The latest jobs of one kind, newest first.
pub async fn recent(db: &Db, kind: &str, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM jobs WHERE kind = $1 ORDER BY created_at DESC, id LIMIT $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(kind)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(job_from_row)
        .collect()
}

/// Takes the oldest queued job, or one whose worker's lease ran out. The `UPDATE … WHERE`
/// re-checks the state, so of two workers racing for a job exactly one wins.
pub async fn claim(db: &Db, owner: &str, now_ms: i64) -> Result<Option<Job>, sqlx::Error> {
    let candidate: Option<String> = sqlx::query(
        "SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < $1) \
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(now_ms)
    .fetch_optional(&db.pool)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()?;
    let Some(id) = candidate else {
        return Ok(None);
    };
    let taken = sqlx::query(
        "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
         started_at = COALESCE(started_at, $3) \
         WHERE id = $4 AND (state = 'queued' OR (state = 'running' AND lease_until < $3))",
    )
    .bind(owner)
    .bind(now_ms + LEASE_MS)
    .bind(now_ms)
    .bind(&id)
    .execute(&db.pool)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(None);
    }
    find(db, &id).await
}

/// Records progress and renews the lease; `false` when the job is no longer this worker's.
pub async fn progress(
    db: &Db,
    id: &str,
    owner: &str,
    done: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE jobs SET done = $1, lease_until = $2 WHERE id = $3 AND lease_owner = $4 AND state = 'running'",
    )
    .bind(done)
    .bind(now_ms + LEASE_MS)
    .bind(id)
    .bind(owner)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Ends a job in the caller's transaction (so its output files land with its state).
/// A failure before `MAX_ATTEMPTS` puts the job back in the queue.
pub async fn finish(
    tx: &mut Tx,
    id: &str,
    owner: &str,
    outcome: Result<&str, &str>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let (state, summary, error) = match outcome {
        Ok(summary) => ("done", summary, ""),
        Err(error) => ("failed", "", error),
    };
    sqlx::query(
        "UPDATE jobs SET state = CASE WHEN $1 = 'failed' AND attempts < $2 THEN 'queued' ELSE $1 END, \
         finished_at = CASE WHEN $1 = 'failed' AND attempts < $2 THEN NULL ELSE $3 END, \
         summary = $4, error = $5, lease_owner = NULL, lease_until = NULL \
         WHERE id = $6 AND lease_owner = $7",
    )
    .bind(state)
    .bind(MAX_ATTEMPTS)
    .bind(now_ms)
    .bind(summary)
    .bind(error)
    .bind(id)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
