//! `safar serve`: connect, migrate, seed reference data, serve until SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::cli::{ServeArgs, WebArgs};
use crate::platform::auth::{sessions, throttle};
use crate::platform::clock::Clock;
use crate::platform::config::WebConfig;
use crate::platform::crypto::DataKeys;
use crate::platform::db::Db;
use crate::platform::signing::SigningKeys;
use crate::platform::web::{self, AppState};

pub fn web_config(args: &WebArgs) -> WebConfig {
    WebConfig {
        public_url: args.public_url.clone(),
        trust_forwarded_for: args.trust_forwarded_for,
        body_limit_bytes: args.body_limit,
        request_timeout_secs: args.request_timeout,
        public_lookups_per_minute: args.public_lookups_per_minute,
        read_only: args.read_only,
    }
}

/// Connects, migrates and seeds: everything a server or a command needs before it starts.
pub async fn prepare(url: &str, clock: &Clock) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    let applied = db.migrate().await.context("migrating the database")?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    let seeded = crate::reference::seed_if_empty(&db, clock)
        .await
        .context("loading reference data")?
        + crate::pdo::service::seed_curricula(&db, clock)
            .await
            .context("loading the PDO curricula")?
        + crate::guidance::service::seed(&db, clock)
            .await
            .context("loading the guidance articles")?;
    if seeded > 0 {
        tracing::info!(rows = seeded, "reference data loaded");
    }
    Ok(db)
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let clock = Clock::default();
    let url = args.db.url()?;
    let keys = DataKeys::load_or_create(&args.keys.path(&args.db.data_dir))?;
    let signing = SigningKeys::load_or_create(&args.keys.signing_path(&args.db.data_dir))?;
    let db = if args.web.read_only {
        open_read_only(&url).await?
    } else {
        prepare(&url, &clock).await?
    };
    run(
        db,
        clock,
        Keys {
            data: keys,
            signing,
        },
        &args.web,
    )
    .await
}

/// Continuity mode changes nothing, not even the schema: the database must already be at
/// this version's.
async fn open_read_only(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    let pending = crate::platform::migrations::pending(&db).await?;
    if !pending.is_empty() {
        anyhow::bail!(
            "--read-only does not migrate, and the database lacks {} migration(s) ({}); \
             run `safar migrate` first or serve it with the Safar version that wrote it",
            pending.len(),
            pending.join(", ")
        );
    }
    tracing::warn!("read-only mode: every change is refused");
    Ok(db)
}

/// The secrets a server holds: the data key (personal data) and the signing keys
/// (certificates).
pub struct Keys {
    pub data: DataKeys,
    pub signing: SigningKeys,
}

pub async fn run(db: Db, clock: Clock, keys: Keys, args: &WebArgs) -> anyhow::Result<()> {
    let Keys {
        data: keys,
        signing,
    } = keys;
    let state = AppState {
        signing: Arc::new(signing),
        register: Arc::default(),
        db: db.clone(),
        clock: clock.clone(),
        config: Arc::new(web_config(args)),
        keys: Arc::new(keys),
        usage: Arc::default(),
    };
    let usage = state.usage.clone();
    // A read-only server runs no job that changes records.
    let background = if args.read_only {
        vec![]
    } else {
        vec![
            tokio::spawn(maintain(db.clone(), clock.clone())),
            tokio::spawn(escalate_overdue_cases(db.clone(), clock.clone())),
            tokio::spawn(work(db.clone(), clock.clone(), state.keys.clone())),
            tokio::spawn(flush_usage(usage.clone(), db.clone(), clock.clone())),
            tokio::spawn(apply_retention(db.clone(), clock.clone())),
        ]
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    // The bound address: with port 0 the system chose one.
    let address = listener.local_addr().unwrap_or(args.listen);
    tracing::info!(%address, backend = ?db.backend, "Safar is serving");
    eprintln!("Safar is listening on http://{address}");
    axum::serve(
        listener,
        web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    for task in &background {
        task.abort();
    }
    if !args.read_only {
        // What the last tick did not write yet.
        crate::recruiters::public::flush_tally(&usage, &db, &clock).await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Periodic clean-up that any number of servers may run at once (each statement is idempotent).
async fn maintain(db: Db, clock: Clock) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let now = clock.now_ms();
        if let Err(e) = sessions::purge_expired(&db, now).await {
            tracing::warn!(error = %e, "could not purge sessions");
        }
        if let Err(e) = throttle::purge(&db, now).await {
            tracing::warn!(error = %e, "could not purge login failures");
        }
        match crate::recruiters::service::expire_due(&db, &clock).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "licences past their end date expired"),
            Err(e) => tracing::warn!(error = %e, "could not expire licences"),
        }
    }
}

/// The retention schedule, once a day (an hour after start, so a restart loop does not
/// run it again and again).
async fn apply_retention(db: Db, clock: Clock) {
    let day = Duration::from_secs(86_400);
    let mut tick =
        tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(3600), day);
    loop {
        tick.tick().await;
        match crate::platform::retention::run(&db, &clock).await {
            Ok(done) => tracing::info!(?done, "retention schedule applied"),
            Err(e) => tracing::warn!(error = %e, "could not apply the retention schedule"),
        }
    }
}

/// Escalates cases that passed their due time, every minute (P1 cases are due within the hour).
async fn escalate_overdue_cases(db: Db, clock: Clock) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match crate::cases::service::escalate_overdue(&db, &clock).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalated = n, "overdue cases escalated to supervisors"),
            Err(e) => tracing::warn!(error = %e, "could not escalate overdue cases"),
        }
    }
}

/// Writes the tallies of public lookups to the database every ten seconds.
async fn flush_usage(usage: Arc<crate::platform::usage::Usage>, db: Db, clock: Clock) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    loop {
        tick.tick().await;
        crate::recruiters::public::flush_tally(&usage, &db, &clock).await;
    }
}

/// Runs background jobs until the server stops. Every server runs one worker; the jobs
/// table decides who does what (see `platform::jobs`).
async fn work(db: Db, clock: Clock, keys: Arc<DataKeys>) {
    let owner = crate::platform::ids::new_id();
    loop {
        match run_next_job(&db, &clock, &keys, &owner).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(e) => {
                tracing::warn!(error = %e, "background job failed");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// Claims and runs one job; `false` when there was none. Tests call this directly.
pub async fn run_next_job(
    db: &Db,
    clock: &Clock,
    keys: &DataKeys,
    owner: &str,
) -> anyhow::Result<bool> {
    let Some(job) = crate::platform::jobs::claim(db, owner, clock.now_ms()).await? else {
        return Ok(false);
    };
    tracing::info!(job = %job.id, kind = %job.kind, "job started");
    let deps = crate::people::service::Deps { db, clock, keys };
    match job.kind.as_str() {
        crate::people::import_job::KIND => {
            crate::people::import_job::run(deps, &job, owner).await?;
        }
        other => {
            let mut tx = db.begin().await?;
            let error = format!("no handler for jobs of kind {other}");
            crate::platform::jobs::finish(&mut tx, &job.id, owner, Err(&error), clock.now_ms())
                .await?;
            tx.commit().await?;
        }
    }
    tracing::info!(job = %job.id, "job ended");
    Ok(true)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
