//! The dashboards at national scale: p50/p95 of every dashboard query through the analytics
//! service (the request path without HTTP) on the cubes, against — in the same run — the raw
//! GROUP BY over the journeys on the same database, and DuckDB's full scan of the same rows
//! exported to Parquet (PyPI `duckdb`, through `bench/duckdb_dashboards.py`). Also reports
//! generation time and the database size.
//!
//! ```sh
//! pip install duckdb
//! cargo build --release -p safar-bench
//! target/release/dashboards --persons 1000000 --database-url sqlite:///work/bench-data/d1m.db
//! target/release/dashboards --persons 1000000 \
//!     --database-url postgres://postgres@127.0.0.1:5432/safar_dash1m
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use futures_util::StreamExt;
use safar::analytics::indicators::{self, Audience, Measure, TableQuery};
use safar::analytics::rollup::{self, Dim};
use safar::platform::access::Actor;
use safar::platform::db::{Backend, Db};
use safar_bench::{Bench, analyze, count_persons, fill, ms, percentiles};
use sqlx::Row;

#[derive(Parser)]
struct Args {
    /// Database to measure (default: a fresh SQLite file in a temporary directory).
    #[arg(long, env = "SAFAR_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Persons in the registry (added with the synthetic generator if fewer are there).
    #[arg(long, default_value_t = 100_000)]
    persons: u64,
    /// Timed runs of each dashboard query.
    #[arg(long, default_value_t = 200)]
    repeats: usize,
    /// Timed runs of each raw GROUP BY and DuckDB query (they are slow at scale).
    #[arg(long, default_value_t = 3)]
    reference_repeats: usize,
    /// Skip the DuckDB comparison.
    #[arg(long)]
    no_duckdb: bool,
}

/// A dashboard query: a label, the indicator, the request, and the regions of the reader
/// (`None`: national).
struct Case {
    label: &'static str,
    indicator: &'static str,
    query: TableQuery,
    audience: Audience,
    regions: Option<Vec<String>>,
}

fn cases(last_year: (&str, &str)) -> Vec<Case> {
    let (from, to) = last_year;
    let q = |by: &str, period: bool| TableQuery {
        by: by.into(),
        from: if period { from.into() } else { String::new() },
        to: if period { to.into() } else { String::new() },
        ..TableQuery::default()
    };
    let staff = |label, indicator, query| Case {
        label,
        indicator,
        query,
        audience: Audience::Staff,
        regions: None,
    };
    let samarkand = Some(vec!["UZ-SA".to_string()]);
    vec![
        staff(
            "departures by month, all years",
            "departures",
            q("month", false),
        ),
        staff(
            "departures by region, 12 months",
            "departures",
            q("region", true),
        ),
        staff(
            "departures by region x gender, 12 months",
            "departures",
            q("region,gender", true),
        ),
        staff(
            "departures by destination x channel, 12 months",
            "departures",
            q("destination,channel", true),
        ),
        staff(
            "departures by district, 12 months",
            "departures",
            q("district", true),
        ),
        staff(
            "departures by occupation x gender, 12 months",
            "departures",
            q("sector,gender", true),
        ),
        staff(
            "official share by region, 12 months",
            "official_share",
            q("region", true),
        ),
        staff("returns by month, all years", "returns", q("month", false)),
        Case {
            regions: samarkand.clone(),
            ..staff(
                "region UZ-SA: departures by month",
                "departures",
                q("month", false),
            )
        },
        Case {
            regions: samarkand,
            ..staff(
                "region UZ-SA: departures by district x gender, 12 months",
                "departures",
                q("district,gender", true),
            )
        },
        Case {
            audience: Audience::Public,
            ..staff(
                "public: departures by region x gender, 12 months",
                "departures",
                q("region,gender", true),
            )
        },
        Case {
            audience: Audience::Public,
            ..staff(
                "public: departures by destination x gender",
                "departures",
                q("destination,gender", false),
            )
        },
    ]
}

/// The same aggregation written against `from` (the raw tables, or DuckDB's `journeys`):
/// `column` names each dimension there.
fn reference_sql(
    case: &Case,
    from: &str,
    column: &dyn Fn(Dim) -> String,
) -> anyhow::Result<String> {
    let indicator =
        indicators::find(case.indicator).map_err(|_| anyhow::anyhow!("no indicator"))?;
    let spec = indicators::validate(indicator, &case.query, Audience::Staff)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut dims = spec.dims();
    let kind = match indicator.measure {
        Measure::Count(kind) => kind,
        Measure::OfficialShare => {
            dims.push(Dim::Channel);
            "departure"
        }
        Measure::Fact(_) => bail!("{}: not a journey indicator", case.label),
    };
    let columns: Vec<String> = dims.iter().map(|d| column(*d)).collect();
    let mut sql = format!(
        "SELECT {}COUNT(*) AS n FROM {from} WHERE {} = '{kind}'",
        columns.iter().map(|c| format!("{c}, ")).collect::<String>(),
        column_kind(from)
    );
    if let Some(f) = &spec.from {
        sql.push_str(&format!(" AND {} >= '{f}'", column(Dim::Month)));
    }
    if let Some(t) = &spec.to {
        sql.push_str(&format!(" AND {} <= '{t}'", column(Dim::Month)));
    }
    if let Some(regions) = &case.regions {
        let list: Vec<String> = regions.iter().map(|r| format!("'{r}'")).collect();
        sql.push_str(&format!(
            " AND {} IN ({})",
            column(Dim::Region),
            list.join(", ")
        ));
    }
    if !columns.is_empty() {
        sql.push_str(&format!(" GROUP BY {}", columns.join(", ")));
    }
    Ok(sql)
}

fn column_kind(from: &str) -> &'static str {
    if from == "journeys" { "kind" } else { "j.kind" }
}

const RAW: &str = "journeys j JOIN persons p ON p.id = j.person_id";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench = Bench::open(args.database_url.as_deref()).await?;
    let (db, clock) = (&bench.db, &bench.clock);
    if fill(bench.deps(), args.persons).await?.is_none() {
        // A database made by an earlier run (perhaps an earlier version): recompute the
        // cubes from its journeys, which also times `safar analytics rebuild`.
        let started = Instant::now();
        rollup::rebuild(db, &Actor::console(), clock).await?;
        println!(
            "analytics rebuild in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    analyze(db).await?;
    let journeys: i64 = sqlx::query("SELECT COUNT(*) AS n FROM journeys")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    let cells: i64 = sqlx::query("SELECT COUNT(*) AS n FROM journey_facts")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    println!(
        "backend {:?}, {} persons, {journeys} journeys, {cells} cube cells, database {:.0} MB",
        db.backend,
        count_persons(db).await?,
        database_mb(db).await?
    );
    let today = time::OffsetDateTime::now_utc().date();
    let to = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
    let from = format!("{:04}-{:02}", today.year() - 1, u8::from(today.month()));
    let cases = cases((&from, &to));

    let duck = if args.no_duckdb {
        None
    } else {
        Some(duckdb(db, &cases, bench.dir(), args.reference_repeats).await?)
    };
    println!(
        "{:<58} {:>9} {:>9} {:>11} {:>8} {:>11} {:>8}",
        "dashboard query", "p50 ms", "p95 ms", "raw ms", "raw/p50", "duckdb ms", "duck/p50"
    );
    for case in &cases {
        let (p50, p95) = time_dashboard(db, case, args.repeats).await?;
        let raw = time_raw(db, case, args.reference_repeats).await?;
        let duck_ms = duck
            .as_ref()
            .and_then(|d| d["queries"][case.label].as_array().cloned())
            .map(|times| {
                let mut v: Vec<f64> = times.iter().filter_map(|t| t.as_f64()).collect();
                v.sort_by(f64::total_cmp);
                v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
            });
        println!(
            "{:<58} {:>9.2} {:>9.2} {:>11.1} {:>7.0}x {:>11} {:>8}",
            case.label,
            ms(p50),
            ms(p95),
            ms(raw),
            ms(raw) / ms(p50).max(0.001),
            duck_ms.map_or("-".into(), |d| format!("{d:.1}")),
            duck_ms.map_or("-".into(), |d| format!("{:.0}x", d / ms(p50).max(0.001))),
        );
    }
    Ok(())
}

async fn time_dashboard(
    db: &Db,
    case: &Case,
    repeats: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let indicator =
        indicators::find(case.indicator).map_err(|_| anyhow::anyhow!("no indicator"))?;
    let spec = indicators::validate(indicator, &case.query, case.audience)
        .map_err(|e| anyhow::anyhow!("{}: {e}", case.label))?;
    let mut times = Vec::with_capacity(repeats);
    for i in 0..repeats + 5 {
        let started = Instant::now();
        let table = indicators::table(db, indicator, &spec, case.audience, case.regions.as_deref())
            .await
            .map_err(|e| anyhow::anyhow!("{}: {e}", case.label))?;
        // The first few warm the caches, as on a server that has been up a while.
        if i >= 5 {
            times.push(started.elapsed());
        }
        std::hint::black_box(table.lines.len());
    }
    Ok(percentiles(times))
}

/// The median of the raw GROUP BY over journeys and persons on the database itself.
async fn time_raw(db: &Db, case: &Case, repeats: usize) -> anyhow::Result<Duration> {
    let sql = reference_sql(case, RAW, &|d: Dim| d.source().to_string())?;
    let mut times = vec![];
    for _ in 0..repeats.max(1) {
        let started = Instant::now();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(&db.pool)
            .await
            .with_context(|| sql.clone())?;
        times.push(started.elapsed());
        std::hint::black_box(rows.len());
    }
    Ok(percentiles(times).0)
}

/// Exports the journeys with their persons' dimensions to CSV and has DuckDB time every
/// query over them (as Parquet). Returns the script's JSON.
async fn duckdb(
    db: &Db,
    cases: &[Case],
    dir: &std::path::Path,
    repeats: usize,
) -> anyhow::Result<serde_json::Value> {
    let started = Instant::now();
    let csv_path = dir.join("journeys.csv");
    let mut out = csv::Writer::from_path(&csv_path)?;
    out.write_record([
        "month",
        "kind",
        "region",
        "district",
        "destination",
        "channel",
        "sector",
        "gender",
    ])?;
    let columns: Vec<String> = [Dim::Month]
        .iter()
        .map(|d| d.source().to_string())
        .chain(std::iter::once("j.kind".to_string()))
        .chain(
            [
                Dim::Region,
                Dim::District,
                Dim::Destination,
                Dim::Channel,
                Dim::Sector,
                Dim::Gender,
            ]
            .iter()
            .map(|d| d.source().to_string()),
        )
        .collect();
    let sql = format!("SELECT {} FROM {RAW}", columns.join(", "));
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&db.pool);
    while let Some(row) = rows.next().await {
        let row = row?;
        let mut record = Vec::with_capacity(8);
        for i in 0..8 {
            record.push(row.try_get::<String, _>(i)?);
        }
        out.write_record(&record)?;
    }
    out.flush()?;
    println!(
        "exported journeys to CSV in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let queries: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            let sql = reference_sql(c, "journeys", &|d: Dim| d.as_str().to_string())?;
            Ok(serde_json::json!({ "name": c.label, "sql": sql }))
        })
        .collect::<anyhow::Result<_>>()?;
    let queries_path = dir.join("queries.json");
    std::fs::write(&queries_path, serde_json::to_vec(&queries)?)?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/duckdb_dashboards.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(&csv_path)
        .arg(&queries_path)
        .arg(repeats.to_string())
        .output()
        .context("running python3 duckdb_dashboards.py (pip install duckdb)")?;
    if !output.status.success() {
        bail!(
            "duckdb_dashboards.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let result: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    println!(
        "DuckDB {} threads; CSV to Parquet in {:.1} s",
        result["threads"],
        result["parquet_s"].as_f64().unwrap_or(f64::NAN)
    );
    Ok(result)
}

async fn database_mb(db: &Db) -> anyhow::Result<f64> {
    let bytes: i64 = match db.backend {
        Backend::Sqlite => sqlx::query(
            "SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()",
        )
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?,
        Backend::Postgres => sqlx::query("SELECT pg_database_size(current_database()) AS n")
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?,
    };
    Ok(bytes as f64 / 1_048_576.0)
}
