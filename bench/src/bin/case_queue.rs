//! The call-centre queues at national scale: with `--cases` cases (default 1,000,000; as in
//! real life nearly all resolved or closed, a few percent open, some overdue), the p50/p95
//! server time of the operator's queue (national and one region), the overdue queue, the
//! supervisors' alert list and the SLA job's look-up, each through the service the page
//! calls — against a primary-key lookup of a case, in the same run.
//!
//! ```sh
//! cargo run --release -p safar-bench --bin case_queue -- --cases 1000000 \
//!     --database-url sqlite:///work/bench-data/cases1m.db
//! cargo run --release -p safar-bench --bin case_queue -- --cases 1000000 \
//!     --database-url postgres://postgres@127.0.0.1:5432/safar_cases1m
//! ```

use std::time::{Duration, Instant};

use clap::Parser;
use safar::cases::service::{self, QueueQuery};
use safar::cases::store;
use safar::people::service::Deps;
use safar::people::synthetic::{self, Plan};
use safar::platform::access::{Actor, Grant, Principal, RequestMeta, Role, Scope};
use safar::platform::db::{Backend, Db};
use safar_bench::ms;
use sqlx::Row;

#[derive(Parser)]
struct Args {
    /// Database to measure (default: a fresh SQLite file in a temporary directory).
    #[arg(long, env = "SAFAR_BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Cases in the database (inserted if fewer are there).
    #[arg(long, default_value_t = 100_000)]
    cases: u64,
    /// Timed calls of each query.
    #[arg(long, default_value_t = 300)]
    runs: usize,
}

const REGIONS: [&str; 14] = [
    "UZ-AN", "UZ-BU", "UZ-FA", "UZ-JI", "UZ-NG", "UZ-NW", "UZ-QA", "UZ-QR", "UZ-SA", "UZ-SI",
    "UZ-SU", "UZ-TK", "UZ-TO", "UZ-XO",
];
const CATEGORIES: [&str; 6] = ["EMP", "DOC", "REC", "INF", "FIN", "HLT"];
const DAY_MS: i64 = 24 * 3600 * 1000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench = safar_bench::Bench::open(args.database_url.as_deref()).await?;
    let (db, clock) = (bench.db.clone(), bench.clock.clone());
    let persons = persons(bench.deps(), 2000).await?;
    fill(&db, &persons, args.cases, clock.now_ms()).await?;
    analyze(&db).await?;
    let open: i64 = scalar(
        &db,
        "SELECT COUNT(*) AS n FROM cases WHERE status NOT IN ('resolved', 'closed')",
    )
    .await?;
    let total: i64 = scalar(&db, "SELECT COUNT(*) AS n FROM cases").await?;
    println!(
        "backend {:?}, {total} cases, {open} open, {} runs each",
        db.backend, args.runs
    );

    let national = actor(Role::Supervisor, None);
    let regional = actor(Role::RegionalOfficer, Some("region:UZ-SA"));
    let ids = sample_ids(&db, args.runs).await?;
    let mut i = 0;
    let reference = time(args.runs, || {
        i += 1;
        let id = ids[i % ids.len()].clone();
        let db = db.clone();
        async move {
            store::find(&db, &id).await?;
            Ok(())
        }
    })
    .await?;
    let query = |view: &str| QueueQuery {
        view: Some(view.into()),
        region: None,
    };
    let rows = [
        ("queue, national (200 due first)", &national, query("all")),
        ("queue, one region (Samarkand)", &regional, query("all")),
        ("overdue, national", &national, query("overdue")),
        ("overdue, one region", &regional, query("overdue")),
        ("due within 4 hours, national", &national, query("soon")),
    ];
    println!(
        "{:<36} {:>9} {:>9} {:>12}",
        "", "p50 ms", "p95 ms", "p95 / PK"
    );
    report("primary-key lookup (reference)", reference, reference.1);
    for (name, who, q) in rows {
        let timed = time(args.runs, || {
            let (db, clock, who, q) = (db.clone(), clock.clone(), who.clone(), q.clone());
            async move {
                service::queue(&db, &clock, &who, &q).await?;
                Ok(())
            }
        })
        .await?;
        report(name, timed, reference.1);
    }
    let alerts = time(args.runs, || {
        let (db, who) = (db.clone(), national.clone());
        async move {
            service::alerts(&db, &who).await?;
            Ok(())
        }
    })
    .await?;
    report("supervisors' alert list", alerts, reference.1);
    let now = clock.now_ms();
    let sla = time(args.runs, || {
        let db = db.clone();
        async move {
            store::overdue_unescalated(&db, now, 1000).await?;
            Ok(())
        }
    })
    .await?;
    report("SLA job look-up (1000 unescalated)", sla, reference.1);
    Ok(())
}

fn actor(role: Role, scope: Option<&str>) -> Actor {
    Actor {
        principal: Principal::User {
            id: format!("bench-{role}"),
            display_name: format!("bench {role}"),
        },
        token_id: None,
        grants: vec![Grant {
            role,
            scope: scope.and_then(|s| Scope::parse(s).ok()),
        }],
        meta: RequestMeta::default(),
        must_enrol_mfa: false,
    }
}

async fn scalar(db: &Db, sql: &'static str) -> anyhow::Result<i64> {
    Ok(sqlx::query(sql).fetch_one(&db.pool).await?.try_get("n")?)
}

/// Persons for the cases to be about (the synthetic generator, seed 2026).
async fn persons(deps: Deps<'_>, wanted: u64) -> anyhow::Result<Vec<(String, String)>> {
    let have = u64::try_from(scalar(deps.db, "SELECT COUNT(*) AS n FROM persons").await?)?;
    if have < wanted {
        let plan = Plan {
            seed: 2026,
            first: synthetic::next_seq(deps.db).await?,
            count: wanted - have,
            batch: 2000,
        };
        synthetic::populate(deps, plan, |_| {}).await?;
    }
    let rows = sqlx::query("SELECT id, region_iso FROM persons ORDER BY id LIMIT 2000")
        .fetch_all(&deps.db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("region_iso")?)))
        .collect()
}

/// Inserts cases up to `wanted`: four years of them, 96 % resolved or closed; the open
/// ones due from two weeks ago to a week ahead (so some are overdue, a third of those
/// already escalated), one in twenty P1 with the supervisors alerted.
async fn fill(db: &Db, persons: &[(String, String)], wanted: u64, now: i64) -> anyhow::Result<()> {
    let have = u64::try_from(scalar(db, "SELECT COUNT(*) AS n FROM cases").await?)?;
    if have >= wanted {
        return Ok(());
    }
    let started = Instant::now();
    let batch = 500u64;
    let mut n = have;
    while n < wanted {
        let rows = batch.min(wanted - n);
        let mut sql = String::from(
            "INSERT INTO cases (id, person_id, region_iso, category, subtype, channel, caller_role, country_iso2, \
             city, summary, indicators, modifiers, suicide_risk, priority, status, due_at, supervisor_alerted_at, \
             breached_at, created_at, updated_at) VALUES ",
        );
        for k in 0..rows {
            let i = n + k;
            let (person, _) = &persons[(i % persons.len() as u64) as usize];
            let region = REGIONS[(i % 14) as usize];
            let open = i % 25 == 0;
            let created = now - ((i * 7919) % (4 * 365)) as i64 * DAY_MS;
            let (status, due) = if open {
                let status =
                    ["new", "assigned", "in_progress", "referred", "escalated"][(i % 5) as usize];
                (
                    status,
                    now - 14 * DAY_MS + ((i * 104_729) % (21 * 24)) as i64 * 3600 * 1000,
                )
            } else {
                (
                    if i % 2 == 0 { "closed" } else { "resolved" },
                    created + 3 * DAY_MS,
                )
            };
            let p1 = i % 20 == 0;
            let alerted = if p1 {
                created.to_string()
            } else {
                "NULL".into()
            };
            let breached = if open && due < now && i % 3 == 0 {
                due.to_string()
            } else {
                "NULL".into()
            };
            if k > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "('bench-{i:09}', '{person}', '{region}', '{cat}', '', 'phone', 'migrant', 'RU', '', \
                 'Synthetic case.', '', '', 0, '{prio}', '{status}', {due}, {alerted}, {breached}, {created}, {created})",
                cat = CATEGORIES[(i % 6) as usize],
                prio = if p1 { "P1" } else { "P3" },
            ));
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&db.pool)
            .await?;
        n += rows;
        if n % 100_000 < batch {
            println!("  {n} cases, {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    println!(
        "inserted {} cases in {:.1} s",
        wanted - have,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn analyze(db: &Db) -> anyhow::Result<()> {
    let sql = match db.backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE cases",
    };
    sqlx::raw_sql(sql).execute(&db.pool).await?;
    Ok(())
}

async fn sample_ids(db: &Db, n: usize) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query("SELECT id FROM cases WHERE id LIKE 'bench-%7' LIMIT $1")
        .bind(i64::try_from(n)?)
        .fetch_all(&db.pool)
        .await?;
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!ids.is_empty(), "no cases to look up");
    Ok(ids)
}

/// Times `runs` calls after 20 warm-up calls; answers (p50, p95).
async fn time<F, Fut>(runs: usize, mut call: F) -> anyhow::Result<(Duration, Duration)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    for _ in 0..20 {
        call().await?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        call().await?;
        times.push(started.elapsed());
    }
    times.sort();
    let at = |p: f64| {
        times
            .get(((times.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok((at(0.50), at(0.95)))
}

fn report(name: &str, (p50, p95): (Duration, Duration), reference: Duration) {
    println!(
        "{name:<36} {:>9.2} {:>9.2} {:>11.1}x",
        ms(p50),
        ms(p95),
        ms(p95) / ms(reference).max(0.001)
    );
}
