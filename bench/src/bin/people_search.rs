//! Name search over the people registry: p50/p95 latency of ranked search through the
//! service (the request path, audit entry included) over mixed queries — the other script,
//! Russian-style spellings, typos, partial names — against the naive query (`LIKE '%…%'`
//! over the rows) on the same data, in the same run. Also reports how often the person the
//! query was made from is in the top ten.
//!
//! ```sh
//! cargo run --release -p safar-bench --bin people_search -- --persons 1000000
//! cargo run --release -p safar-bench --bin people_search -- --persons 1000000 \
//!     --database-url postgres://postgres@127.0.0.1:5432/safar_bench
//! ```

use std::time::{Duration, Instant};

use clap::Parser;
use safar::people::model::name_keys;
use safar::people::service::{self, Deps, SearchQuery};
use safar::platform::access::Actor;
use safar::platform::db::Db;
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
    /// Queries for the measured search.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Queries for the naive reference (it is slow at scale).
    #[arg(long, default_value_t = 50)]
    reference_queries: usize,
}

struct Query {
    text: String,
    target: String,
    kind: usize,
    /// The folded family and given name of the target.
    keys: (String, String),
}

const KINDS: [&str; 4] = [
    "other script",
    "Russian-style spelling",
    "typo in family name",
    "given name + start of family",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench = Bench::open(args.database_url.as_deref()).await?;
    let (db, deps) = (&bench.db, bench.deps());
    fill(deps, args.persons).await?;
    analyze(db).await?;
    let queries = make_queries(db, args.queries).await?;
    let shared = shared_names(db, &queries).await?;
    println!(
        "backend {:?}, {} persons, {} queries",
        db.backend,
        count_persons(db).await?,
        queries.len()
    );

    // Warm the caches the way a server that has been up a while has them.
    measure_search(deps, &queries[..queries.len().min(50)]).await?;
    let (times, found) = measure_search(deps, &queries).await?;
    let hits = found.iter().filter(|f| **f).count();
    for (kind, name) in KINDS.iter().enumerate() {
        let of_kind: Vec<Duration> = times
            .iter()
            .enumerate()
            .filter(|(i, _)| queries[*i].kind == kind)
            .map(|(_, t)| *t)
            .collect();
        let (k50, k95) = percentiles(of_kind);
        println!(
            "  {:<28} p50 {:>8.2} ms  p95 {:>8.2} ms",
            name,
            ms(k50),
            ms(k95)
        );
    }
    let (p50, p95) = percentiles(times);
    println!(
        "ranked search:  p50 {:>8.2} ms  p95 {:>8.2} ms  target in top 10: {:.1} %",
        ms(p50),
        ms(p95),
        100.0 * hits as f64 / queries.len() as f64
    );
    // A query names two words; when ten or more persons carry both, no ranking can put one
    // particular of them in the top ten: the recall that can be asked for is on the others.
    let distinct: Vec<usize> = (0..queries.len()).filter(|i| shared[*i] < 10).collect();
    println!(
        "  queries whose two names fewer than 10 persons share: {} of {}, target in top 10 for {:.1} % of them",
        distinct.len(),
        queries.len(),
        100.0 * distinct.iter().filter(|i| found[**i]).count() as f64
            / distinct.len().max(1) as f64
    );

    let reference: Vec<&Query> = queries.iter().take(args.reference_queries).collect();
    let (naive_times, naive_hits) = measure_naive(db, &reference).await?;
    let (n50, n95) = percentiles(naive_times);
    println!(
        "naive LIKE:     p50 {:>8.2} ms  p95 {:>8.2} ms  target found: {:.1} %",
        ms(n50),
        ms(n95),
        100.0 * naive_hits as f64 / reference.len().max(1) as f64
    );
    println!(
        "ratio naive/ranked: p50 {:.1}x  p95 {:.1}x",
        ms(n50) / ms(p50).max(0.001),
        ms(n95) / ms(p95).max(0.001)
    );
    Ok(())
}

/// Queries made from random persons, in the ways staff really type names.
async fn make_queries(db: &Db, n: usize) -> anyhow::Result<Vec<Query>> {
    let rows = sqlx::query(
        "SELECT id, family_name_latn, given_name_latn, family_name_cyrl, given_name_cyrl FROM persons \
         WHERE family_name_latn <> '' ORDER BY id LIMIT $1",
    )
    .bind(i64::try_from(n * 7).unwrap_or(i64::MAX))
    .fetch_all(&db.pool)
    .await?;
    let mut out = vec![];
    for (i, row) in rows.iter().enumerate().filter(|(i, _)| i % 7 == 0).take(n) {
        let family: String = row.try_get("family_name_latn")?;
        let given: String = row.try_get("given_name_latn")?;
        let text = match i % 4 {
            0 => format!(
                "{} {}",
                row.try_get::<String, _>("family_name_cyrl")?,
                row.try_get::<String, _>("given_name_cyrl")?
            ),
            1 => format!("{} {}", russian_style(&family), russian_style(&given)),
            2 => format!("{} {}", typo(&family), given),
            _ => format!("{} {}", given, family.chars().take(4).collect::<String>()),
        };
        let first = |name: &str| name_keys(name).into_iter().next().unwrap_or_default();
        out.push(Query {
            text,
            target: row.try_get("id")?,
            kind: i % 4,
            keys: (first(&family), first(&given)),
        });
    }
    Ok(out)
}

/// How Uzbek names are commonly spelt through Russian: o‘ → u, x → kh, q → k, g‘ → g.
fn russian_style(name: &str) -> String {
    name.replace("O‘", "U")
        .replace("o‘", "u")
        .replace("G‘", "G")
        .replace("g‘", "g")
        .replace('x', "kh")
        .replace('X', "Kh")
        .replace('q', "k")
        .replace('Q', "K")
}

/// Swaps two letters in the middle, the commonest typing slip.
fn typo(word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() > 4 {
        chars.swap(2, 3);
    }
    chars.into_iter().collect()
}

/// For each query, how many persons carry both the target's family and given name words.
async fn shared_names(db: &Db, queries: &[Query]) -> anyhow::Result<Vec<i64>> {
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM person_name_keys d WHERE d.name_key = $1 AND d.names LIKE $2",
        )
        .bind(&q.keys.0)
        .bind(format!("% {} %", q.keys.1))
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
        out.push(n);
    }
    Ok(out)
}

async fn measure_search(
    deps: Deps<'_>,
    queries: &[Query],
) -> anyhow::Result<(Vec<Duration>, Vec<bool>)> {
    let actor = Actor::console();
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = Vec::with_capacity(queries.len());
    for q in queries {
        let query = SearchQuery {
            q: Some(q.text.clone()),
            ..SearchQuery::default()
        };
        let started = Instant::now();
        let found = service::search(deps, &actor, &query, 10).await?;
        times.push(started.elapsed());
        hits.push(found.iter().any(|h| h.id == q.target));
    }
    Ok((times, hits))
}

/// The reference: what a system without a name dictionary does, a LIKE over every row.
async fn measure_naive(db: &Db, queries: &[&Query]) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0;
    for q in queries {
        let word = q.text.split_whitespace().next().unwrap_or("").to_string();
        let started = Instant::now();
        let rows = sqlx::query(
            "SELECT id FROM persons WHERE family_name LIKE $1 OR given_name LIKE $1 OR family_name_latn LIKE $1 \
             OR family_name_cyrl LIKE $1 LIMIT 10",
        )
        .bind(format!("%{word}%"))
        .fetch_all(&db.pool)
        .await?;
        times.push(started.elapsed());
        hits += usize::from(
            rows.iter()
                .any(|r| r.try_get::<String, _>("id").is_ok_and(|id| id == q.target)),
        );
    }
    Ok((times, hits))
}
