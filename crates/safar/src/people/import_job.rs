//! Bulk journey import from the admin pages: the upload is queued as a background job (the
//! file is kept in the database, so whichever server is free runs it), its progress is shown
//! on the job's page, and the error report is kept with the job for download.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde_json::json;

use super::import;
use super::service::Deps;
use crate::platform::access::{Actor, Permission, RequestMeta};
use crate::platform::audit::{self, Event};
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::jobs::{self, Job};

pub const KIND: &str = "import_journeys";
pub const INPUT: &str = "input.csv";
pub const ERRORS: &str = "errors.csv";

/// Queues an uploaded file. The header is checked now, so a wrong file is refused at once
/// instead of failing in the background.
pub async fn enqueue(
    deps: Deps<'_>,
    actor: &Actor,
    file_name: &str,
    content: &[u8],
) -> ServiceResult<String> {
    let acting = actor.require(Permission::ImportJourneys)?;
    if content.is_empty() {
        return Err(ServiceError::invalid("file", "err-import-empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(content);
    let header_ok = reader
        .headers()
        .ok()
        .is_some_and(|h| import::Columns::from_header(h).is_ok());
    if !header_ok {
        return Err(ServiceError::invalid("file", "err-import-header"));
    }
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    let id = jobs::enqueue(&mut tx, KIND, actor.user_id(), content.len() as i64, now).await?;
    jobs::put_file(&mut tx, &id, INPUT, content).await?;
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("import.queue", "job", &id)
            .with(json!({ "file": name, "bytes": content.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Runs a claimed import job as the user who uploaded it (their rights are checked again:
/// an account disabled in the meantime imports nothing).
pub async fn run(deps: Deps<'_>, job: &Job, owner: &str) -> anyhow::Result<()> {
    let outcome = import(deps, job, owner).await;
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    match &outcome {
        Ok((summary, errors)) => {
            if let Some(csv) = errors {
                jobs::put_file(&mut tx, &job.id, ERRORS, csv).await?;
            }
            jobs::finish(&mut tx, &job.id, owner, Ok(&summary.to_string()), now).await?;
        }
        Err(e) => jobs::finish(&mut tx, &job.id, owner, Err(&e.to_string()), now).await?,
    }
    tx.commit().await?;
    Ok(())
}

type Outcome = (serde_json::Value, Option<Vec<u8>>);

async fn import(deps: Deps<'_>, job: &Job, owner: &str) -> anyhow::Result<Outcome> {
    let user = job
        .created_by
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("the job has no uploader"))?;
    let actor = crate::accounts::actor_for_user(deps.db, user, RequestMeta::default())
        .await?
        .ok_or_else(|| anyhow::anyhow!("the account that uploaded the file is disabled"))?;
    actor
        .require(Permission::ImportJourneys)
        .map_err(|_| anyhow::anyhow!("the uploader may no longer import"))?;
    let input = jobs::file(deps.db, &job.id, INPUT)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the uploaded file is missing"))?;
    let done = Arc::new(AtomicI64::new(0));
    let reporter = tokio::spawn(report_progress(
        deps.db.clone(),
        deps.clock.clone(),
        job.id.clone(),
        owner.to_string(),
        done.clone(),
    ));
    let mut rejected = vec![];
    let result = import::import_journeys(
        deps,
        &actor,
        std::io::Cursor::new(input),
        &mut rejected,
        |bytes, _| done.store(bytes as i64, Ordering::Relaxed),
    )
    .await;
    reporter.abort();
    let report = result?;
    let errors = if rejected.is_empty() {
        None
    } else {
        Some(import::errors_csv(&rejected)?)
    };
    let summary = json!({
        "rows": report.rows, "added": report.added, "duplicates": report.duplicates,
        "persons_registered": report.persons_registered, "rejected": report.rejected,
    });
    Ok((summary, errors))
}

/// Writes progress (and renews the lease) once a second while the import runs.
async fn report_progress(
    db: crate::platform::db::Db,
    clock: crate::platform::clock::Clock,
    id: String,
    owner: String,
    done: Arc<AtomicI64>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let bytes = done.load(Ordering::Relaxed);
        if let Err(e) = jobs::progress(&db, &id, &owner, bytes, clock.now_ms()).await {
            tracing::warn!(error = %e, job = %id, "could not record import progress");
        }
    }
}
