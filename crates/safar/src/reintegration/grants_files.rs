//! Files of a grant application, as use cases: the applicant attaches documents to their
//! plan (quotes, licences, photos of the premises) while the call is open; an officer adds
//! photos to a monitoring visit. Types come from the content (PDF, JPEG, PNG, WebP), never
//! from the name; counts are checked with the application's row held, so two uploads at
//! once cannot pass the limit. The applicant, grant officers and the reviewers assigned to
//! the application may open them; every write and every officer's read is audited.

use serde_json::json;

use super::grants_store::{self as store, GrantFile};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};
use crate::recruiters::reports::{MAX_FILE_BYTES, sniff};

pub const MAX_ATTACHMENTS: i64 = 5;
pub const MAX_VISIT_PHOTOS: i64 = 10;

/// The recognised type of an upload, or the field error to show.
fn recognised(content: &[u8], images_only: bool) -> ServiceResult<&'static str> {
    match sniff(content) {
        _ if content.is_empty() => Err(ServiceError::invalid("file", "err-required")),
        _ if content.len() > MAX_FILE_BYTES => {
            Err(ServiceError::invalid("file", "err-evidence-size"))
        }
        Some(t) if t.starts_with("image/") || !images_only => Ok(t),
        _ if images_only => Err(ServiceError::invalid("file", "err-outreach-photo-type")),
        _ => Err(ServiceError::invalid("file", "err-grant-file-type")),
    }
}

/// Stores a file with the application's row held, refusing it past the limit of its kind.
async fn store_file(
    db: &Db,
    actor: &Actor,
    acting: Option<crate::platform::access::Role>,
    application_id: &str,
    open_call: Option<&str>,
    file: GrantFile,
    content: &[u8],
) -> ServiceResult<GrantFile> {
    let max = if file.kind == "attachment" {
        MAX_ATTACHMENTS
    } else {
        MAX_VISIT_PHOTOS
    };
    let sha = sha256_hex(content);
    let mut tx = db.begin().await?;
    if !store::hold_application(&mut tx, application_id).await? {
        return Err(ServiceError::NotFound);
    }
    // An applicant's file needs the call still open, checked on its held row (closing
    // takes the same row), so nothing arrives once the committee has the application.
    if let Some(call) = open_call
        && !store::step_call(&mut tx, call, "open", "open", file.created_at).await?
    {
        return Err(ServiceError::Conflict("err-grant-closed"));
    }
    if store::count_files(&mut tx, application_id, &file.kind).await? >= max {
        return Err(ServiceError::Conflict("err-grant-file-count"));
    }
    store::insert_file(
        &mut tx,
        application_id,
        &file,
        &sha,
        content,
        actor.user_id(),
    )
    .await?;
    let details = json!({ "file": file.id, "kind": file.kind, "month": file.visit_month,
        "sha256": sha, "size": file.size });
    let event = Event::new("grant.file.add", "grant_application", application_id).with(details);
    audit::append(&mut tx, actor, acting, file.created_at, event).await?;
    tx.commit().await?;
    Ok(file)
}

fn new_file(
    kind: &str,
    month: Option<i64>,
    content_type: &str,
    size: usize,
    now: i64,
) -> GrantFile {
    GrantFile {
        id: new_id(),
        kind: kind.into(),
        visit_month: month,
        content_type: content_type.into(),
        size: size as i64,
        created_at: now,
    }
}

/// The applicant attaches a document to their application while the call is still open.
pub async fn attach(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    application_id: &str,
    content: &[u8],
) -> ServiceResult<GrantFile> {
    actor.require(Permission::ApplyForGrants)?;
    let app = store::application(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let own = crate::people::service::own_person_id(db, actor).await?;
    if own.as_deref() != Some(app.person_id.as_str()) {
        return Err(ServiceError::NotFound);
    }
    let call = store::call(db, &app.call_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if call.status != "open" {
        return Err(ServiceError::Conflict("err-grant-closed"));
    }
    let content_type = recognised(content, false)?;
    let file = new_file(
        "attachment",
        None,
        content_type,
        content.len(),
        clock.now_ms(),
    );
    let call = Some(app.call_id.as_str());
    store_file(db, actor, None, application_id, call, file, content).await
}

/// An officer adds a photo to the monitoring visit of `month` (the visit must be recorded).
pub async fn add_visit_photo(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    application_id: &str,
    month: i64,
    content: &[u8],
) -> ServiceResult<GrantFile> {
    let acting = actor.require(Permission::ManageGrants)?;
    let visits = store::visits(db, application_id).await?;
    if !visits.iter().any(|v| v.month == month) {
        return Err(ServiceError::Conflict("err-grant-photo-visit"));
    }
    let content_type = recognised(content, true)?;
    let file = new_file(
        "visit_photo",
        Some(month),
        content_type,
        content.len(),
        clock.now_ms(),
    );
    store_file(db, actor, acting, application_id, None, file, content).await
}

/// The files of an application, for whoever may see the application.
pub async fn files(db: &Db, application_id: &str) -> ServiceResult<Vec<GrantFile>> {
    Ok(store::files(db, application_id).await?)
}

/// A file's type and bytes: for the applicant, grant officers (audited), and the reviewers
/// assigned to the application (its attachments only).
pub async fn file(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    application_id: &str,
    file_id: &str,
) -> ServiceResult<(String, Vec<u8>)> {
    let app = store::application(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (kind, content_type, bytes) = store::file_content(db, application_id, file_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Ok(acting) = actor.require(Permission::ManageGrants) {
        let event = Event::new("grant.file.read", "grant_application", application_id)
            .with(json!({ "file": file_id }));
        audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
        return Ok((content_type, bytes));
    }
    let own = crate::people::service::own_person_id(db, actor).await?;
    if own.as_deref() == Some(app.person_id.as_str()) {
        return Ok((content_type, bytes));
    }
    // A committee member assigned to the application, who has not declared a conflict:
    // documents often carry the applicant's name, so the read is audited.
    let reviewer = actor.holds(Permission::ReviewGrants)
        && kind == "attachment"
        && store::reviews_of(db, application_id)
            .await?
            .iter()
            .any(|r| Some(r.reviewer_id.as_str()) == actor.user_id() && r.status != "conflict");
    if reviewer {
        let acting = actor.require(Permission::ReviewGrants)?;
        let event = Event::new("grant.file.read", "grant_application", application_id)
            .with(json!({ "file": file_id }));
        audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
        return Ok((content_type, bytes));
    }
    Err(actor.refusal().into())
}
