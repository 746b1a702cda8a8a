//! What a case is about besides the person: the recruiter, the vacancy, the complaint. A
//! link is checked against the record it names and shown on the case; the licence cascade
//! links the vacancy of the cases it opens.

use serde_json::json;

use super::service::{err, in_scope};
use super::work_store::{self, Link};
use crate::platform::access::Actor;
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, Tx};
use crate::platform::error::{ServiceError, ServiceResult};

pub const KINDS: [&str; 3] = ["recruiter", "vacancy", "complaint"];

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// `recruiter`, `vacancy` or `complaint`.
    #[serde(default)]
    pub kind: String,
    /// The recruiter's id, the vacancy's reference or the complaint's id.
    #[serde(default)]
    pub target: String,
}

/// What the link shows, when the record it names exists.
async fn label(db: &Db, kind: &str, target: &str) -> ServiceResult<Option<String>> {
    Ok(match kind {
        "recruiter" => crate::recruiters::store::find(db, target)
            .await?
            .map(|r| r.name),
        "vacancy" => crate::vacancies::store::by_reference(db, target)
            .await?
            .map(|v| v.reference),
        "complaint" => crate::recruiters::complaints::exists(db, target)
            .await?
            .then(|| target.chars().take(8).collect()),
        _ => None,
    })
}

/// Links a case (staff in scope) to a record that exists.
pub async fn link(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    input: &LinkInput,
) -> ServiceResult<Link> {
    let (_, acting) = in_scope(db, clock, actor, case_id).await?;
    if !KINDS.contains(&input.kind.as_str()) {
        return Err(ServiceError::Invalid(vec![err("kind", "err-link-kind")]));
    }
    let target = input.target.trim();
    let label = match target.len() {
        1..=64 => label(db, &input.kind, target).await?,
        _ => None,
    }
    .ok_or_else(|| ServiceError::Invalid(vec![err("target", "err-link-target")]))?;
    let link = Link {
        kind: input.kind.clone(),
        target: target.to_string(),
        label,
        at: clock.now_ms(),
    };
    let mut tx = db.begin().await?;
    if !work_store::insert_link(&mut tx, case_id, &link, actor.user_id()).await? {
        return Err(ServiceError::Conflict("err-link-exists"));
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        link.at,
        Event::new("case.link", "case", case_id)
            .with(json!({ "kind": link.kind, "target": link.target })),
    )
    .await?;
    tx.commit().await?;
    Ok(link)
}

/// Links a case opened by the licence cascade to its vacancy, in the cascade's transaction.
pub async fn link_cascade(
    tx: &mut Tx,
    case_id: &str,
    reference: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let link = Link {
        kind: "vacancy".into(),
        target: reference.to_string(),
        label: reference.to_string(),
        at: now,
    };
    work_store::insert_link(tx, case_id, &link, None).await?;
    Ok(())
}
