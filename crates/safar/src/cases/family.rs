//! Family access: a migrant (from their own account) or an operator (with the migrant's
//! consent, given on the call) lets a family member's citizen account follow a case —
//! its status and public notes, never the summary, internal notes or referrals.

use serde_json::json;

use super::service::{err, in_scope};
use super::store::{self, Case};
use super::work_store::{self, FamilyCase, Follower, NewFollower, Note};
use crate::accounts::model::LoginId;
use crate::accounts::store as accounts;
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{ServiceError, ServiceResult};

pub const RELATIONS: [&str; 5] = ["spouse", "parent", "child", "sibling", "other"];

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct FollowerInput {
    /// The family member's citizen account: its e-mail address or phone number.
    #[serde(default)]
    pub login: String,
    /// `spouse`, `parent`, `child`, `sibling` or `other`.
    #[serde(default)]
    pub relation: String,
    /// For operators: the migrant agreed, on this call, that this person may follow the
    /// case. Migrants granting from their own account need not tick it.
    #[serde(default)]
    pub consent: bool,
}

/// Whether the actor is the migrant the case is about (their citizen account).
async fn is_the_migrant(db: &Db, actor: &Actor, case: &Case) -> ServiceResult<bool> {
    let Some(user) = actor.user_id() else {
        return Ok(false);
    };
    Ok(people::person_of_account(db, user).await?.as_deref() == Some(case.person_id.as_str()))
}

/// Who may manage a case's followers: the migrant (`migrant`) or staff in scope
/// (`operator`); answers the way access was granted and the role to audit.
async fn granter(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
) -> ServiceResult<(Case, &'static str, Option<Role>)> {
    let case = store::find(db, case_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if actor.holds(Permission::FollowCases) && is_the_migrant(db, actor, &case).await? {
        return Ok((case, "migrant", Some(Role::Citizen)));
    }
    let (case, acting) = in_scope(db, clock, actor, case_id).await?;
    Ok((case, "operator", acting))
}

/// Lets a family member's account follow a case.
pub async fn grant(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    input: &FollowerInput,
) -> ServiceResult<Follower> {
    let (case, via, acting) = granter(db, clock, actor, case_id).await?;
    let mut errors = vec![];
    if via == "operator" && !input.consent {
        errors.push(err("consent", "err-follow-consent"));
    }
    if !RELATIONS.contains(&input.relation.as_str()) {
        errors.push(err("relation", "err-follow-relation"));
    }
    let family = match LoginId::parse(&input.login) {
        Ok(login) => {
            let mut tx = db.begin().await?;
            let found = accounts::find_by_login(&mut tx, &login).await?;
            tx.rollback().await?;
            found
        }
        Err(_) => None,
    };
    let family = match family {
        Some(user) if user.status == "active" && Some(user.id.as_str()) != actor.user_id() => {
            let grants = accounts::grants_of(db, &user.id).await?;
            grants
                .iter()
                .any(|g| g.role == Role::Citizen)
                .then_some(user)
        }
        _ => None,
    };
    if family.is_none() {
        errors.push(err("login", "err-follow-account"));
    }
    let (Some(family), true) = (family, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    if work_store::followers(db, case_id)
        .await?
        .iter()
        .any(|f| f.user_id == family.id)
    {
        return Err(ServiceError::Conflict("err-follow-exists"));
    }
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    let follower = NewFollower {
        case_id,
        user_id: &family.id,
        relation: &input.relation,
        granted_via: via,
        granted_by: actor.user_id(),
    };
    let id = work_store::insert_follower(&mut tx, &follower, now).await?;
    let details = json!({ "follower": family.id, "relation": input.relation, "via": via, "person": case.person_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("case.follower_add", "case", case_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(Follower {
        id,
        user_id: family.id,
        display_name: family.display_name,
        relation: input.relation.clone(),
        granted_via: via.into(),
        granted_at: now,
    })
}

/// Ends a family member's access (the migrant or staff in scope).
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
    follower_id: &str,
) -> ServiceResult<()> {
    let (_, _, acting) = granter(db, clock, actor, case_id).await?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if !work_store::revoke_follower(&mut tx, case_id, follower_id, now).await? {
        return Err(ServiceError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("case.follower_revoke", "case", case_id)
            .with(json!({ "follower": follower_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The followers of a case, for the migrant or staff in scope.
pub async fn followers(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    case_id: &str,
) -> ServiceResult<Vec<Follower>> {
    granter(db, clock, actor, case_id).await?;
    Ok(work_store::followers(db, case_id).await?)
}

/// The cases a citizen follows: their own and those shared with them.
pub async fn mine(db: &Db, actor: &Actor) -> ServiceResult<Vec<FamilyCase>> {
    let (Some(user), true) = (actor.user_id(), actor.holds(Permission::FollowCases)) else {
        return Err(actor.refusal().into());
    };
    Ok(work_store::followed_by(db, user).await?)
}

/// A followed case as the family sees it: its status and public notes.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FamilyView {
    #[serde(flatten)]
    pub case: FamilyCase,
    pub notes: Vec<Note>,
}

pub async fn view(db: &Db, actor: &Actor, case_id: &str) -> ServiceResult<FamilyView> {
    let case = mine(db, actor)
        .await?
        .into_iter()
        .find(|c| c.id == case_id)
        .ok_or(ServiceError::NotFound)?;
    let notes = work_store::notes(db, case_id, true).await?;
    Ok(FamilyView { case, notes })
}
