//! Journey import: validated rows per second of `people::import::import_journeys` (what
//! `safar import journeys FILE.csv` runs) on a fresh database, against the fastest load of
//! the same file the database itself offers, in the same run: `sqlite3 .import` into a bare
//! table, and on PostgreSQL `COPY … FROM STDIN WITH CSV HEADER` (psql's `\copy`).
//!
//! The file is made from synthetic persons (seed 2027), one row per journey, with the
//! person columns filled, so a fresh registry registers every person on the way: the
//! import's whole work (parse, validate, register, match, write, audit) is in the figure.
//!
//! ```sh
//! cargo build --release -p safar-bench
//! target/release/import_journeys --rows 1000000 --dir /work/bench-data \
//!     --postgres-url postgres://postgres@127.0.0.1:5432/postgres
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use safar::people::import;
use safar::people::service::Deps;
use safar::people::synthetic::Generator;
use safar::platform::access::Actor;
use safar::platform::clock::Clock;
use safar::platform::crypto::DataKeys;

#[derive(Parser)]
struct Args {
    /// Rows in the generated file.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Where the file and the SQLite databases go (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A PostgreSQL server URL (its maintenance database); the benchmark creates and drops
    /// `safar_import_bench` and `safar_import_bare` on it. Without it, SQLite only.
    #[arg(long, env = "SAFAR_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Import the file a second time (every row a duplicate) and time that too.
    #[arg(long)]
    again: bool,
}

const HEADER: [&str; 15] = [
    "pinfl",
    "kind",
    "date",
    "country",
    "channel",
    "employer",
    "recruiter",
    "sector",
    "source",
    "family_name",
    "given_name",
    "patronymic",
    "birth_date",
    "gender",
    "region",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let temp = tempfile::tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("journeys-bench.csv");
    let started = Instant::now();
    let (rows, persons) = write_csv(&csv, args.rows)?;
    println!(
        "wrote {} rows of {} persons ({:.0} MB) in {:.1} s",
        rows,
        persons,
        std::fs::metadata(&csv)?.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let db_file = dir.join("import-bench.db");
    remove_sqlite(&db_file);
    let url = format!("sqlite://{}", db_file.display());
    let ours = time_import(&url, &csv, rows, args.again).await?;
    let bare_file = dir.join("import-bare.db");
    remove_sqlite(&bare_file);
    let reference = time_sqlite_import(&bare_file, &csv, rows)?;
    report("SQLite", ours, reference, "sqlite3 .import");
    remove_sqlite(&db_file);
    remove_sqlite(&bare_file);

    if let Some(server) = &args.postgres_url {
        let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
        for name in ["safar_import_bench", "safar_import_bare"] {
            psql(server, &format!("DROP DATABASE IF EXISTS {name}"))?;
            psql(server, &format!("CREATE DATABASE {name}"))?;
        }
        let ours = time_import(
            &format!("{base}/safar_import_bench"),
            &csv,
            rows,
            args.again,
        )
        .await?;
        let reference = time_copy(&format!("{base}/safar_import_bare"), &csv, rows)?;
        report("PostgreSQL", ours, reference, "COPY");
    }
    Ok(())
}

fn remove_sqlite(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

/// Rows for synthetic persons (with their journeys) until `rows` are written.
fn write_csv(path: &Path, rows: u64) -> anyhow::Result<(u64, u64)> {
    let today = time::OffsetDateTime::now_utc().date();
    let generator = Generator::new(2027, today)?;
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path)?));
    out.write_record(HEADER)?;
    let (mut written, mut persons) = (0, 0);
    let mut seq = 0;
    while written < rows {
        let d = generator.draft(seq);
        seq += 1;
        if d.journeys.is_empty() {
            continue;
        }
        persons += 1;
        let birth = ymd(d.birth_date);
        for j in d.journeys.iter().take((rows - written) as usize) {
            out.write_record([
                d.pinfl.as_str(),
                if j.departure { "departure" } else { "return" },
                &ymd(j.date),
                j.country,
                j.channel,
                "",
                "",
                j.sector,
                j.source,
                &d.family_name,
                &d.given_name,
                &d.patronymic,
                &birth,
                d.gender.as_str(),
                &d.region,
            ])?;
            written += 1;
        }
    }
    out.flush()?;
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .flush()?;
    Ok((written, persons))
}

fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

struct Timing {
    rows: u64,
    seconds: f64,
}

impl Timing {
    fn per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// `import_journeys` on a freshly migrated database (migration and reference data not timed).
async fn time_import(url: &str, csv: &Path, rows: u64, again: bool) -> anyhow::Result<Timing> {
    let clock = Clock::default();
    let keys = DataKeys::generate();
    let db = safar::server::prepare(url, &clock).await?;
    let deps = Deps {
        db: &db,
        clock: &clock,
        keys: &keys,
    };
    let mut runs = vec![];
    for run in 0..if again { 2 } else { 1 } {
        let mut rejected = vec![];
        let started = Instant::now();
        let report = import::import_journeys(
            deps,
            &Actor::console(),
            std::io::BufReader::new(std::fs::File::open(csv)?),
            &mut rejected,
            |_, _| {},
        )
        .await?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "  {:?} import{}: {} rows, {} added, {} duplicates, {} persons registered, {} rejected in {:.1} s",
            db.backend,
            if run == 0 { "" } else { " again" },
            report.rows,
            report.added,
            report.duplicates,
            report.persons_registered,
            report.rejected,
            seconds
        );
        if let Some(first) = rejected.first() {
            println!("  first rejected: {first:?}");
        }
        if report.rows != rows || (run == 0 && report.added + report.rejected != rows) {
            bail!("the import did not read every row");
        }
        runs.push(Timing {
            rows: report.rows - report.rejected,
            seconds,
        });
    }
    db.close().await;
    Ok(runs.swap_remove(0))
}

/// `sqlite3 FILE ".mode csv" ".import CSV bare"`: the table is made from the header row.
fn time_sqlite_import(db: &Path, csv: &Path, rows: u64) -> anyhow::Result<Timing> {
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(db)
        .arg(".mode csv")
        .arg(format!(".import {} bare", csv.display()))
        .status()
        .context("running sqlite3")?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("sqlite3 .import failed");
    }
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT COUNT(*) FROM bare")
        .output()?;
    let loaded: u64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    if loaded != rows {
        bail!("sqlite3 loaded {loaded} rows, not {rows}");
    }
    println!("  sqlite3 .import: {loaded} rows in {seconds:.1} s");
    Ok(Timing { rows, seconds })
}

/// psql `\copy bare FROM FILE WITH CSV HEADER` into a table of text columns.
fn time_copy(url: &str, csv: &Path, rows: u64) -> anyhow::Result<Timing> {
    let columns: Vec<String> = HEADER.iter().map(|h| format!("{h} TEXT")).collect();
    psql(url, &format!("CREATE TABLE bare ({})", columns.join(", ")))?;
    let started = Instant::now();
    psql(
        url,
        &format!("\\copy bare FROM '{}' WITH CSV HEADER", csv.display()),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let out = Command::new("psql")
        .args([
            "-X",
            "-A",
            "-t",
            "-d",
            url,
            "-c",
            "SELECT COUNT(*) FROM bare",
        ])
        .output()?;
    let loaded: u64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    if loaded != rows {
        bail!("COPY loaded {loaded} rows, not {rows}");
    }
    println!("  COPY: {loaded} rows in {seconds:.1} s");
    Ok(Timing { rows, seconds })
}

fn psql(url: &str, command: &str) -> anyhow::Result<()> {
    let status = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            command,
        ])
        .status()
        .context("running psql")?;
    if !status.success() {
        bail!("psql failed: {command}");
    }
    Ok(())
}

fn report(backend: &str, ours: Timing, reference: Timing, name: &str) {
    println!(
        "{backend}: import {:>9.0} rows/s   {name} {:>9.0} rows/s   ratio {:.3}x (target 0.5x)",
        ours.per_second(),
        reference.per_second(),
        ours.per_second() / reference.per_second().max(1e-9)
    );
}
