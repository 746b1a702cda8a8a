//! Files on a case: a contract, a pay slip, a photo of a document. The type is recognised
//! from the content (PDF, JPEG, PNG, WebP — never from the name or the browser's claim),
//! at most 5 MB; uploads and downloads are audited, downloads under a generated name.

use serde_json::json;

use super::service::{err, in_scope};
use super::work_store::{self, Attachment};
use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::platform::ids::{new_id, sha256_hex};
use crate::recruiters::reports::{MAX_FILE_BYTES, sniff};

/// The request body limit of the upload routes: one file and the form around it.
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// The name shown for an upload: the last path part, without control characters, at most
/// 120 characters (it is never used to build a path or a header).
fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() {
        "file".into()
    } else {
        clean.trim().to_string()
    }
}

/// Attaches a file to a case in the actor's scope.
pub async fn attach(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    name: &str,
    content: &[u8],
) -> ServiceResult<Attachment> {
    let (_, acting) = in_scope(db, clock, actor, case_id).await?;
    let content_type = match sniff(content) {
        _ if content.is_empty() => {
            return Err(ServiceError::Invalid(vec![err("file", "err-required")]));
        }
        _ if content.len() > MAX_FILE_BYTES => {
            return Err(ServiceError::Invalid(vec![err(
                "file",
                "err-evidence-size",
            )]));
        }
        Some(t) => t,
        None => {
            return Err(ServiceError::Invalid(vec![err(
                "file",
                "err-evidence-type",
            )]));
        }
    };
    let attachment = Attachment {
        id: new_id(),
        name: display_name(name),
        content_type: content_type.into(),
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(content),
        at: clock.now_ms(),
    };
    let mut tx = db.begin().await?;
    work_store::insert_attachment(&mut tx, case_id, &attachment, content, actor.user_id()).await?;
    let details = json!({ "attachment": attachment.id, "type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256 });
    audit::append(
        &mut tx,
        actor,
        acting,
        attachment.at,
        Event::new("case.attach", "case", case_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(attachment)
}

/// A case's file with its content, for staff in scope (an audited read).
pub async fn download(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    id: &str,
) -> ServiceResult<(Attachment, Vec<u8>)> {
    let (_, acting) = in_scope(db, clock, actor, case_id).await?;
    let found = work_store::attachment(db, case_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let event =
        Event::new("case.attachment_read", "case", case_id).with(json!({ "attachment": id }));
    audit::record_read(db, actor, acting, clock.now_ms(), event).await?;
    Ok(found)
}

/// The file name a download is offered under: the id and the extension of its real type.
pub fn download_name(a: &Attachment) -> String {
    let ext = match a.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "webp",
    };
    format!("case-file-{}.{ext}", a.id)
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn upload_names_lose_paths_and_control_characters() {
        assert_eq!(display_name("C:\\Users\\a\\contract.pdf"), "contract.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("pay\r\nslip.png"), "payslip.png");
        assert_eq!(display_name(""), "file");
        assert_eq!(display_name(&"x".repeat(500)).chars().count(), 120);
    }
}
