//! `safar demo`: a fresh demo database with reference data, one user per role, and
//! synthetic persons (`--scale N` adds N to the 40 always there).
//! It only ever replaces a database that `demo` itself created.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::Row;

use crate::accounts::service::{self, NewStaff};
use crate::cli::DemoArgs;
use crate::people::service::Deps;
use crate::people::synthetic::{self, Plan};
use crate::platform::access::{Actor, Role};
use crate::platform::clock::Clock;
use crate::platform::crypto::DataKeys;
use crate::platform::db::Db;
use crate::platform::ids::readable_password;
use crate::platform::signing::SigningKeys;

const MARKER_KEY: &str = "created_by";
const MARKER_VALUE: &str = "safar demo";

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let db = create(&args.data_dir).await?;
    let keys = DataKeys::load_or_create(&args.data_dir.join("data.key"))?;
    let signing = SigningKeys::load_or_create(&args.data_dir.join("signing.key"))?;
    add_people(&db, &keys, args.scale).await?;
    let recruiters = crate::recruiters::demo::populate(&db, &Clock::default(), 24, true).await?;
    println!("recruiters: {recruiters} demo agencies and operators, licences in every state");
    crate::recruiters::demo::populate_reports_and_complaints(&db, &Clock::default()).await?;
    println!("reports and complaints: a flagged intermediary, complaints at every step");
    let deps = crate::people::service::Deps {
        db: &db,
        clock: &Clock::default(),
        keys: &keys,
    };
    let (vacancies, agency) = crate::vacancies::demo::populate(deps).await?;
    if let Some(agency) = agency {
        scope_demo_role(&db, Role::RecruiterStaff, "recruiter", &agency).await?;
    }
    println!("vacancies: {vacancies} under every legal channel, with applications at every step");
    let centres = crate::pdo::demo::populate(&db, &signing).await?;
    println!(
        "pre-departure orientation: {centres} centres, sessions past, today and upcoming, certificates (one revoked)"
    );
    let (cases, consulate) = crate::cases::demo::populate(deps).await?;
    scope_demo_role(&db, Role::Partner, "partner", &consulate).await?;
    println!(
        "cases: {cases} across every category and step, some overdue and escalated; partners with referrals"
    );
    let quotes = crate::finance::demo::populate(&db, &Clock::default()).await?;
    println!("remittance comparison: {quotes} invented quotes (marked demo) in every corridor");
    let (applications, returnees) =
        crate::reintegration::grants_demo::populate(&db, &Clock::default()).await?;
    append_accounts(&args.data_dir.join("demo-accounts.txt"), &returnees)?;
    println!(
        "grants: one call decided (three reviewers, awards, tranches, monitoring), one in review waiting for the committee, one open; {applications} applications"
    );
    let intakes = crate::reintegration::intake_demo::populate(&db, &Clock::default()).await?;
    println!("returnees: {intakes} intakes with service plans in several states and follow-ups");
    let courses = crate::reintegration::courses_demo::populate(&db, &Clock::default()).await?;
    println!(
        "courses: {courses} in the catalogue, two finished with outcomes at 3 and 6 months, enrolments from plans"
    );
    let events = crate::outreach::demo::populate(&db, &Clock::default()).await?;
    println!("awareness events: {events} in all 14 regions, reported, held, planned and cancelled");
    if args.no_serve {
        db.close().await;
        return Ok(());
    }
    let keys = crate::server::Keys {
        data: keys,
        signing,
    };
    crate::server::run(db, Clock::default(), keys, &args.web).await
}

/// Builds the demo in `data_dir` and returns the open database.
pub async fn create(data_dir: &Path) -> anyhow::Result<Db> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let dir = std::fs::canonicalize(data_dir)?;
    let file = dir.join("safar.db");
    if file.exists() {
        ensure_demo_database(&file).await?;
        for suffix in ["", "-wal", "-shm"] {
            let path = dir.join(format!("safar.db{suffix}"));
            if path.exists() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    let clock = Clock::default();
    let db = crate::server::prepare(&format!("sqlite://{}", file.display()), &clock).await?;
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind(MARKER_KEY)
        .bind(MARKER_VALUE)
        .bind(clock.now_ms())
        .execute(&db.pool)
        .await?;
    let accounts = create_users(&db, &clock).await?;
    write_accounts_file(&dir.join("demo-accounts.txt"), &accounts)?;
    println!(
        "Demo accounts (also in {}):",
        dir.join("demo-accounts.txt").display()
    );
    print!("{accounts}");
    Ok(db)
}

async fn ensure_demo_database(file: &Path) -> anyhow::Result<()> {
    let db = Db::connect(&format!("sqlite://{}?mode=ro", file.display())).await?;
    let marker = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(MARKER_KEY)
        .fetch_optional(&db.pool)
        .await;
    db.close().await;
    match marker {
        Ok(Some(row))
            if row
                .try_get::<String, _>("value")
                .is_ok_and(|v| v == MARKER_VALUE) =>
        {
            Ok(())
        }
        _ => bail!(
            "{} holds a database that `safar demo` did not create; refusing to touch it (choose another --data-dir)",
            file.display()
        ),
    }
}

/// Persons always in the demo, so the people pages have content at the default scale.
const FIXED_PERSONS: u64 = 40;
/// Fixed, so the same `--scale` always gives the same people (benchmarks compare runs).
const PEOPLE_SEED: u64 = 2026;
/// Persons per transaction. Commits are cheap at this size; what larger batches save is
/// rewriting the same index pages (PINFLs and journey keys land at random): 20,000 loaded
/// 300,000 persons about 20 % faster than 5,000, for some 450 MB of memory at the peak.
const PEOPLE_BATCH: usize = 20_000;

/// Adds the fixed persons and `scale` synthetic ones, with their journeys.
async fn add_people(db: &Db, keys: &DataKeys, scale: u64) -> anyhow::Result<()> {
    let clock = Clock::default();
    let deps = Deps {
        db,
        clock: &clock,
        keys,
    };
    let plan = Plan {
        seed: PEOPLE_SEED,
        first: 0,
        count: FIXED_PERSONS.saturating_add(scale),
        batch: PEOPLE_BATCH,
    };
    let started = Instant::now();
    let mut reported = 0;
    let summary = synthetic::populate(deps, plan, |s| {
        // Large runs take minutes: say how far along they are, about every 100,000.
        if s.persons >= reported + 100_000 {
            reported = s.persons;
            eprintln!("people: {} of {} persons written", s.persons, plan.count);
        }
    })
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "people: {} persons, {} journeys ({seconds:.1} s, {:.0} persons/s)",
        summary.persons,
        summary.journeys,
        summary.persons as f64 / seconds.max(0.001)
    );
    if summary.skipped > 0 {
        println!("people: {} skipped (PINFL taken)", summary.skipped);
    }
    Ok(())
}

/// Scopes a demo account to an organisation made by the demo (the recruiter staff to the
/// agency with the applications, the partner to the consulate in Moscow): the scope can
/// only be set once the organisation exists.
async fn scope_demo_role(db: &Db, role: Role, kind: &str, value: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE role_grants SET scope_kind = $1, scope_value = $2 WHERE role = $3")
        .bind(kind)
        .bind(value)
        .bind(role.as_str())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The scope a demo user of `role` gets, so scoped behaviour can be tried at once.
fn demo_scope(role: Role) -> &'static str {
    match role {
        Role::RegionalOfficer => "region:UZ-SA",
        // Replaced by the demo agency's id once it exists (`scope_demo_role`).
        Role::RecruiterStaff => "recruiter:demo",
        Role::Partner => "partner:demo",
        _ => "",
    }
}

/// One demo account per role — and three grant reviewers, so a call has a full committee
/// (`grant_reviewer`, `grant_reviewer2`, `grant_reviewer3` in the accounts file).
fn demo_accounts() -> Vec<(String, Role)> {
    let mut accounts: Vec<(String, Role)> = Role::ALL.iter().map(|r| (r.to_string(), *r)).collect();
    for n in 2..=3 {
        accounts.push((format!("{}{n}", Role::GrantReviewer), Role::GrantReviewer));
    }
    accounts
}

async fn create_users(db: &Db, clock: &Clock) -> anyhow::Result<String> {
    let mut out = String::new();
    for (label, role) in demo_accounts() {
        let email = format!("{label}@demo.example.org");
        let password = readable_password();
        let form = NewStaff {
            email: email.clone(),
            display_name: format!("Demo {label}"),
            role: role.to_string(),
            scope: demo_scope(role).to_string(),
            password: password.clone(),
        };
        service::create_user(db, clock, &Actor::console(), &form)
            .await
            .map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
        let _ = writeln!(out, "{label}\t{email}\t{password}");
    }
    Ok(out)
}

/// Adds accounts made by a module's demo (e.g. the returnees of the grant demo).
fn append_accounts(path: &Path, accounts: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(accounts.as_bytes())?;
    Ok(())
}

fn write_accounts_file(path: &Path, accounts: &str) -> anyhow::Result<()> {
    let text =
        format!("# role\temail\tpassword (generated by safar demo; demo data only)\n{accounts}");
    std::fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
