//! The licence cascade: when a recruiter's licence (or a foreign operator's host-country
//! licence) is suspended or revoked, everyone with an open application or a placement
//! through it is flagged in the same transaction as the decision, and gets an alert on
//! their account; the licensing officers' queue lists them (`pending`).

use crate::platform::db::{Db, Tx};
use crate::platform::error::ServiceResult;

use super::store;

/// Why a cascade ran: the message suffix of `vacancy-flag-…`.
pub fn reason_for(state: &str, host: bool) -> Option<&'static str> {
    match (state, host) {
        ("suspended", false) => Some("licence_suspended"),
        ("revoked", false) => Some("licence_revoked"),
        ("suspended", true) => Some("host_licence_suspended"),
        ("revoked", true) => Some("host_licence_revoked"),
        _ => None,
    }
}

/// Flags the vacancies and open applications through `recruiter_id`, alerts each person
/// and opens a P2 case for each on the call centre's queue, inside the caller's
/// transaction. Returns how many people were affected.
pub async fn licence_fell(
    tx: &mut Tx,
    recruiter_id: &str,
    reason: &str,
    now_ms: i64,
) -> Result<usize, sqlx::Error> {
    store::flag_vacancies_of(tx, recruiter_id, reason).await?;
    let open = store::open_through(tx, recruiter_id).await?;
    for (application, person, reference) in &open {
        store::flag_application(tx, application, recruiter_id, reason, now_ms).await?;
        store::insert_alert(tx, person, reason, reference, now_ms).await?;
        let destination = store::country_of_reference(tx, reference).await?;
        crate::cases::service::open_for_cascade(
            tx,
            person,
            reason,
            reference,
            &destination,
            now_ms,
        )
        .await?;
    }
    Ok(open.len())
}

/// One line of the licensing officers' queue: a fallen licence and the people it left.
pub struct Pending {
    pub recruiter_id: String,
    pub reason: String,
    pub people: i64,
}

pub async fn pending(db: &Db) -> ServiceResult<Vec<Pending>> {
    Ok(store::cascades(db)
        .await?
        .into_iter()
        .map(|(recruiter_id, reason, people)| Pending {
            recruiter_id,
            reason,
            people,
        })
        .collect())
}

/// One person a fallen licence left, as the licensing officer follows them up.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Affected {
    #[serde(flatten)]
    pub applicant: super::applications::Applicant,
    pub reference: String,
}

/// Everyone flagged by `recruiter_id`'s fallen licence, with how to reach them. A staff
/// read of personal data: audited, once per list.
pub async fn affected(
    deps: crate::people::service::Deps<'_>,
    actor: &crate::platform::access::Actor,
    recruiter_id: &str,
) -> ServiceResult<Vec<Affected>> {
    let acting = actor.require(crate::platform::access::Permission::ManageRecruiters)?;
    let applicants =
        super::applications::with_persons(deps.db, store::flagged_by(deps.db, recruiter_id).await?)
            .await?;
    // The flagged applications go through a handful of vacancies: each is read once.
    let mut references: std::collections::HashMap<String, String> = Default::default();
    let mut out = Vec::with_capacity(applicants.len());
    for applicant in applicants {
        let vacancy_id = applicant.application.vacancy_id.clone();
        if !references.contains_key(&vacancy_id)
            && let Some(v) = store::find(deps.db, &vacancy_id).await?
        {
            references.insert(vacancy_id.clone(), v.reference);
        }
        let reference = references.get(&vacancy_id).cloned().unwrap_or_default();
        out.push(Affected {
            reference,
            applicant,
        });
    }
    let mut tx = deps.db.begin().await?;
    let details = serde_json::json!({ "people": out.len(), "purpose": "licence_cascade" });
    crate::platform::audit::append(
        &mut tx,
        actor,
        acting,
        deps.clock.now_ms(),
        crate::platform::audit::Event::new("recruiter.affected.read", "recruiter", recruiter_id)
            .with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}
