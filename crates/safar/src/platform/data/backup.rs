//! `safar backup create DEST` and `safar backup restore SRC`: a consistent online backup
//! while the server goes on serving, with a manifest that lets a restore prove it got back
//! exactly what was saved. The data and signing keys are not in it: they are backed up
//! separately (without the data key, the sealed passport numbers cannot be read).
//!
//! - SQLite: `VACUUM INTO DEST/safar.db` (one read transaction: a consistent copy, compact).
//! - PostgreSQL: `pg_dump --format=custom` run inside a snapshot this process exported, so
//!   the dump and the manifest's table checksums describe the same moment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{
    TableSum, applied_migrations, catalogue, checksums, connect_once, differences, file_sha256,
    fresh_directory, is_empty, snapshot,
};
use crate::platform::audit::{self, Verdict};
use crate::platform::db::{Backend, Db};
use crate::platform::migrations::MIGRATIONS;

pub const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "safar.db";
const POSTGRES_FILE: &str = "safar.dump";
const FORMAT: &str = "safar-backup/1";
pub const KEYS_REMINDER: &str = "The data key and the signing keys are not in the backup: back \
     them up separately (without the data key, sealed passport numbers cannot be read).";

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub backend: String,
    pub safar_version: String,
    /// The applied migrations: the schema version.
    pub migrations: Vec<String>,
    pub files: Vec<FileSum>,
    pub tables: BTreeMap<String, TableSum>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileSum {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Writes a backup of the database at `url` into the new directory `dest`.
pub async fn create(db: &Db, url: &str, dest: &Path) -> anyhow::Result<Manifest> {
    fresh_directory(dest)?;
    let (file, migrations, tables) = match db.backend {
        Backend::Sqlite => sqlite_copy(db, dest).await?,
        Backend::Postgres => postgres_dump(db, url, dest).await?,
    };
    let (bytes, sha256) = file_sha256(&dest.join(file))?;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: crate::platform::clock::format_ms(crate::platform::clock::system_now_ms()),
        backend: backend_name(db.backend).into(),
        safar_version: env!("CARGO_PKG_VERSION").into(),
        migrations,
        files: vec![FileSum {
            name: file.into(),
            bytes,
            sha256,
        }],
        tables,
    };
    std::fs::write(
        dest.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    Ok(manifest)
}

type Contents = (&'static str, Vec<String>, BTreeMap<String, TableSum>);

async fn sqlite_copy(db: &Db, dest: &Path) -> anyhow::Result<Contents> {
    let path = dest.join(SQLITE_FILE);
    let quoted = path.display().to_string().replace('\'', "''");
    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{quoted}'")))
        .execute(&db.pool)
        .await
        .context("copying the database (VACUUM INTO)")?;
    // The manifest describes the copy itself, read back without changing a byte of it.
    let mut copy = connect_once(&format!("sqlite://{}?mode=ro", path.display())).await?;
    let tables = catalogue(&mut copy, Backend::Sqlite).await?;
    let sums = checksums(&mut copy, &tables).await?;
    let migrations = applied_migrations(&mut copy).await?;
    Ok((SQLITE_FILE, migrations, sums))
}

async fn postgres_dump(db: &Db, url: &str, dest: &Path) -> anyhow::Result<Contents> {
    let mut tx = snapshot(db).await?;
    let id: String = sqlx::query("SELECT pg_export_snapshot() AS id")
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    let file = dest.join(POSTGRES_FILE);
    let args = vec![
        "--format=custom".to_string(),
        format!("--snapshot={id}"),
        format!("--file={}", file.display()),
        format!("--dbname={}", libpq_url(url)),
    ];
    // The snapshot lives as long as this transaction: it stays open until pg_dump is done.
    run_tool("pg_dump", args).await?;
    let tables = catalogue(&mut tx, Backend::Postgres).await?;
    let sums = checksums(&mut tx, &tables).await?;
    let migrations = applied_migrations(&mut tx).await?;
    tx.rollback().await?;
    Ok((POSTGRES_FILE, migrations, sums))
}

/// The URL as libpq reads it: the options only sqlx knows are dropped.
fn libpq_url(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_string()
}

async fn run_tool(program: &'static str, args: Vec<String>) -> anyhow::Result<()> {
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(program).args(&args).output()
    })
    .await?
    .with_context(|| format!("running {program} (is the PostgreSQL client installed?)"))?;
    if !output.status.success() {
        bail!(
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// What a restore found.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub audit_entries: i64,
}

/// Restores the backup in `src` into the empty database at `url`, then proves it: the
/// file's checksum before, every table's row count and checksum and the audit chain after.
pub async fn restore(src: &Path, url: &str) -> anyhow::Result<Restored> {
    let manifest = read_manifest(src)?;
    let backend = Backend::of_url(url)?;
    if manifest.backend != backend_name(backend) {
        bail!(
            "this is a {} backup; restore it into a {} database (then `safar migrate-data` \
             moves it to the other backend)",
            manifest.backend,
            manifest.backend
        );
    }
    let known: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
    if let Some(newer) = manifest
        .migrations
        .iter()
        .find(|m| !known.contains(&m.as_str()))
    {
        bail!(
            "the backup was made by a newer Safar (migration {newer}); restore it with that version"
        );
    }
    for file in &manifest.files {
        let (bytes, sha256) = file_sha256(&src.join(&file.name))?;
        if bytes != file.bytes || sha256 != file.sha256 {
            bail!(
                "{} does not match its checksum in the manifest: the backup is damaged",
                file.name
            );
        }
    }
    let file = src.join(manifest.files.first().map_or("", |f| f.name.as_str()));
    match backend {
        Backend::Sqlite => sqlite_restore(&file, url)?,
        Backend::Postgres => postgres_restore(&file, url).await?,
    }
    let audit_entries = verify(&manifest, url).await?;
    Ok(Restored {
        manifest,
        audit_entries,
    })
}

pub fn read_manifest(src: &Path) -> anyhow::Result<Manifest> {
    let text = std::fs::read_to_string(src.join(MANIFEST))
        .with_context(|| format!("reading {}", src.join(MANIFEST).display()))?;
    let manifest: Manifest = serde_json::from_str(&text).context("the manifest is not valid")?;
    if manifest.format != FORMAT {
        bail!("unknown backup format {:?}", manifest.format);
    }
    Ok(manifest)
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite:// URL")?;
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Copies the file beside its place and renames it there, so a half-copied database is
/// never opened. An existing database is never replaced.
fn sqlite_restore(file: &Path, url: &str) -> anyhow::Result<()> {
    let path = sqlite_path(url)?;
    if path.exists() && std::fs::metadata(&path)?.len() > 0 {
        bail!(
            "{} exists: restore only into a new database file",
            path.display()
        );
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("restoring");
    std::fs::copy(file, &partial).with_context(|| format!("copying to {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &path)?;
    Ok(())
}

async fn postgres_restore(file: &Path, url: &str) -> anyhow::Result<()> {
    let db = Db::connect(url).await?;
    let empty = is_empty(&db).await?;
    db.close().await;
    if !empty {
        bail!("the target database already holds tables: restore only into an empty database");
    }
    let args = vec![
        "--no-owner".to_string(),
        "--no-privileges".to_string(),
        "--exit-on-error".to_string(),
        "--single-transaction".to_string(),
        format!("--dbname={}", libpq_url(url)),
        file.display().to_string(),
    ];
    run_tool("pg_restore", args).await
}

/// The restored database holds what the manifest says, and its audit chain verifies.
async fn verify(manifest: &Manifest, url: &str) -> anyhow::Result<i64> {
    let db = Db::connect(url).await?;
    let mut tx = snapshot(&db).await?;
    let tables = catalogue(&mut tx, db.backend).await?;
    let found = checksums(&mut tx, &tables).await?;
    tx.rollback().await?;
    let mismatched = differences(&manifest.tables, &found);
    if !mismatched.is_empty() {
        bail!(
            "the restored database differs from the backup: {}",
            mismatched.join("; ")
        );
    }
    let verdict = audit::verify(&db).await?;
    db.close().await;
    match verdict {
        Verdict::Intact { entries } => Ok(entries),
        Verdict::Broken { seq, reason } => {
            bail!("the restored audit chain does not verify at entry {seq}: {reason}")
        }
    }
}
