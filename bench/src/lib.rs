//! What the benchmarks share: filling the registry with synthetic persons, fresh planner
//! statistics, and percentiles.

use std::time::{Duration, Instant};

use anyhow::Context;
use safar::people::service::Deps;
use safar::people::synthetic::{self, Plan};
use safar::platform::clock::Clock;
use safar::platform::crypto::DataKeys;
use safar::platform::db::{Backend, Db};
use sqlx::Row;

/// A benchmark's database, migrated: the one `url` names, or a fresh SQLite file in a
/// temporary directory that lives as long as this (and holds the benchmark's other files).
pub struct Bench {
    pub db: Db,
    pub clock: Clock,
    pub keys: DataKeys,
    dir: tempfile::TempDir,
}

impl Bench {
    pub async fn open(url: Option<&str>) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let url = url.map_or_else(
            || format!("sqlite://{}", dir.path().join("bench.db").display()),
            str::to_string,
        );
        let clock = Clock::default();
        let db = safar::server::prepare(&url, &clock).await?;
        Ok(Bench {
            db,
            clock,
            keys: DataKeys::generate(),
            dir,
        })
    }

    pub fn deps(&self) -> Deps<'_> {
        Deps {
            db: &self.db,
            clock: &self.clock,
            keys: &self.keys,
        }
    }

    /// A directory for the benchmark's scratch files.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

pub async fn count_persons(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?)
}

/// Adds synthetic persons (seed 2026, as `safar demo` does) until there are `wanted`; a
/// database already that large is reused. Returns the seconds spent generating, if any.
pub async fn fill(deps: Deps<'_>, wanted: u64) -> anyhow::Result<Option<f64>> {
    let have = u64::try_from(count_persons(deps.db).await?).unwrap_or(0);
    if have >= wanted {
        return Ok(None);
    }
    let started = Instant::now();
    let first = synthetic::next_seq(deps.db).await?;
    let plan = Plan {
        seed: 2026,
        first,
        count: wanted - have,
        batch: 5000,
    };
    let summary = synthetic::populate(deps, plan, |_| {})
        .await
        .context("generating persons")?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "generated {} persons, {} journeys in {seconds:.1} s",
        summary.persons, summary.journeys,
    );
    Ok(Some(seconds))
}

/// Fresh statistics, as a maintained server has them (PostgreSQL also needs the visibility
/// map for index-only scans after a bulk load).
pub async fn analyze(db: &Db) -> anyhow::Result<()> {
    let started = Instant::now();
    let sql = match db.backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::raw_sql(sql).execute(&db.pool).await?;
    println!("{sql} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The 50th and 95th percentiles.
pub fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |p: f64| {
        times
            .get(((times.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    (at(0.50), at(0.95))
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
