//! Embedded schema migrations, one list for both backends. Each entry names a file that
//! must exist in both `migrations/sqlite/` and `migrations/postgres/` (a missing one is a
//! build error; a test checks no stray file exists). Applied migrations are recorded with
//! a checksum: editing an applied one stops the server instead of drifting silently.

use anyhow::bail;
use sqlx::Row;

use super::clock::system_now_ms;
use super::db::{Backend, Db};
use super::ids::sha256_hex;

pub struct Migration {
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

macro_rules! migration {
    ($name:literal) => {
        Migration {
            name: $name,
            sqlite: include_str!(concat!("../../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../../migrations/postgres/", $name, ".sql")),
        }
    };
}

pub const MIGRATIONS: &[Migration] = &[
    migration!("0001_platform"),
    migration!("0002_reference"),
    migration!("0003_mfa"),
    migration!("0004_people"),
    migration!("0005_privacy"),
    migration!("0006_person_details"),
    migration!("0007_jobs"),
    migration!("0008_search_speed"),
    migration!("0009_recruiters"),
    migration!("0010_reports"),
    migration!("0011_vacancies"),
    migration!("0012_complaints"),
    migration!("0013_payments"),
    migration!("0014_pdo"),
    migration!("0015_public_register"),
    migration!("0016_cases"),
    migration!("0017_case_work"),
    migration!("0018_guidance"),
    migration!("0019_person_access"),
    migration!("0020_finance"),
    migration!("0021_outreach"),
    migration!("0022_grants"),
    migration!("0023_returnees"),
    migration!("0024_courses"),
    migration!("0025_grant_cancel"),
    migration!("0026_grant_files"),
    migration!("0027_analytics"),
    migration!("0028_module_facts"),
    migration!("0029_report_region"),
    migration!("0030_posting_filters"),
    migration!("0031_open_cases_person"),
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies what is missing; returns how many migrations ran.
pub async fn run(db: &Db) -> anyhow::Result<usize> {
    sqlx::raw_sql(LEDGER).execute(&db.pool).await?;
    let mut applied = 0;
    for m in MIGRATIONS {
        let sql = match db.backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        if apply_one(db, m.name, sql).await? {
            applied += 1;
        }
    }
    Ok(applied)
}

/// The migrations this version has that the database has not applied (a read-only server
/// cannot apply them, so it refuses to start on an older schema).
pub async fn pending(db: &Db) -> anyhow::Result<Vec<&'static str>> {
    let applied: Vec<String> = sqlx::query("SELECT name FROM schema_migrations")
        .fetch_all(&db.pool)
        .await
        .map_err(|e| anyhow::anyhow!("the database has no Safar schema ({e})"))?
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
    Ok(MIGRATIONS
        .iter()
        .map(|m| m.name)
        .filter(|name| !applied.iter().any(|a| a == name))
        .collect())
}

async fn apply_one(db: &Db, name: &str, sql: &'static str) -> anyhow::Result<bool> {
    let checksum = sha256_hex(sql.as_bytes());
    let mut tx = db.begin().await?;
    if db.backend == Backend::Postgres {
        // Several servers may start at once; one migrates, the others wait and then skip.
        sqlx::query("SELECT pg_advisory_xact_lock(725001)")
            .execute(&mut *tx)
            .await?;
    }
    let existing = sqlx::query("SELECT checksum FROM schema_migrations WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(row) = existing {
        let recorded: String = row.try_get("checksum")?;
        if recorded != checksum {
            bail!("migration {name} was changed after it was applied; add a new migration instead");
        }
        return Ok(false);
    }
    sqlx::raw_sql(sql).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO schema_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)")
        .bind(name)
        .bind(checksum)
        .bind(system_now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(migration = name, "applied migration");
    Ok(true)
}
