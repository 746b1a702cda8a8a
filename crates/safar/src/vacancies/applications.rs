//! Applications: a citizen applies to an open vacancy from their account (with their
//! consent to job matching), the recruiter's staff move the application along, ranked by a
//! match score whose parts are shown, and a departure becomes the person's journey.

use serde_json::json;

use super::model::{AppAction, AppState, Offered, Wanted, app_transition, match_score};
use super::service::{public_view, require_agency};
use super::store::{self, Application, NewEvent, Vacancy};
use crate::people::privacy::{self, NewConsent};
use crate::people::service::{Deps, NewJourney};
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::error::{ServiceError, ServiceResult};

/// What a citizen sends to apply.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ApplyInput {
    /// Agreement that the recruiter may see the applicant's profile to match them to this
    /// vacancy (recorded as consent to `job_matching`). Not needed if already given.
    #[serde(default)]
    pub consent: bool,
}

/// The citizen's own person record; an account without one completes its profile first.
async fn own_person(deps: Deps<'_>, actor: &Actor) -> ServiceResult<String> {
    actor.require(Permission::ApplyToVacancies)?;
    crate::people::service::own_person_id(deps.db, actor)
        .await?
        .ok_or(ServiceError::Conflict("err-profile-needed"))
}

async fn score_for(
    deps: Deps<'_>,
    v: &Vacancy,
    person_id: &str,
) -> ServiceResult<(i64, Vec<super::model::ScorePart>)> {
    let person = crate::people::store::find(deps.db, person_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let details = crate::people::details::load(deps.db, deps.keys, person_id).await?;
    let languages: Vec<(String, String)> = details
        .languages
        .into_iter()
        .map(|l| (l.language, l.level))
        .collect();
    let held = crate::pdo::service::valid_certificates(
        deps.db,
        std::slice::from_ref(&person.id),
        &v.country,
    )
    .await?;
    Ok(match_score(
        &Wanted {
            sector_isco: &v.sector,
            language: &v.language,
            language_level: &v.language_level,
            regions: &v.regions,
        },
        &Offered {
            skills: &details.skills,
            languages: &languages,
            region: &person.region_iso,
            pdo_certified: !held.is_empty(),
        },
    ))
}

/// A citizen applies to an open vacancy; returns the application.
pub async fn apply(
    deps: Deps<'_>,
    actor: &Actor,
    reference: &str,
    input: &ApplyInput,
) -> ServiceResult<Application> {
    let person_id = own_person(deps, actor).await?;
    let (vacancy, view) = public_view(deps.db, deps.clock, reference).await?;
    if !view.open {
        return Err(ServiceError::Conflict("err-vacancy-closed"));
    }
    if !privacy::allows(deps.db, &person_id, "job_matching", "").await? {
        if !input.consent {
            return Err(ServiceError::invalid("consent", "err-consent-needed"));
        }
        let consent = NewConsent {
            purpose: "job_matching".into(),
            partner: None,
            channel: Some("web".into()),
        };
        privacy::give(deps, actor, &person_id, &consent).await?;
    }
    let (score, score_parts) = score_for(deps, &vacancy, &person_id).await?;
    let now = deps.clock.now_ms();
    let application = Application::new(&vacancy.id, &person_id, score, score_parts, now);
    let mut tx = deps.db.begin().await?;
    if !store::insert_application(&mut tx, &application, now).await? {
        return Err(ServiceError::Conflict("err-already-applied"));
    }
    let event = NewEvent {
        subject_id: &application.id,
        action: "apply",
        from: "",
        to: AppState::Applied.as_str(),
        reason: "",
        actor_id: actor.user_id(),
    };
    store::insert_application_event(&mut tx, &event, now).await?;
    let details = json!({ "vacancy": vacancy.reference, "score": score });
    audit::append(
        &mut tx,
        actor,
        Some(Role::Citizen),
        now,
        Event::new("application.create", "person", &person_id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(application)
}

/// What goes with a step: the departure date for `depart` (today if left out).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ApplicationStepInput)]
pub struct StepInput {
    /// YYYY-MM-DD, for `depart`.
    #[serde(default)]
    pub date: Option<String>,
}

/// Moves an application along. The applicant may only withdraw; every other step is the
/// recruiter's staff's, for their own vacancies. `depart` records the departure journey in
/// the same transaction.
pub async fn step(
    deps: Deps<'_>,
    actor: &Actor,
    id: &str,
    action: &str,
    input: &StepInput,
) -> ServiceResult<Application> {
    let action = AppAction::parse(action).ok_or(ServiceError::NotFound)?;
    let mut tx = deps.db.begin().await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let vacancy = store::by_id(&mut tx, &application.vacancy_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    let acting = if action.by_applicant() {
        let own = crate::people::service::own_person_id(deps.db, actor).await?;
        if own.as_deref() != Some(application.person_id.as_str()) {
            return Err(actor.refusal().into());
        }
        Some(Role::Citizen)
    } else {
        require_agency(actor, &vacancy.recruiter_id)?
    };
    let from = AppState::parse(&application.state).ok_or(ServiceError::NotFound)?;
    let to =
        app_transition(from, action).ok_or(ServiceError::Conflict("err-application-transition"))?;
    let journey = if action == AppAction::Depart {
        let date = input
            .date
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| crate::recruiters::service::today(deps.clock).to_string());
        let new = NewJourney {
            kind: "departure".into(),
            date,
            country: vacancy.country.clone(),
            channel: Some("official".into()),
            employer: Some(vacancy.employer.chars().take(200).collect()),
            recruiter: Some(vacancy.reference.clone()),
            sector: Some(vacancy.sector.clone()),
            source: Some("agency".into()),
        };
        Some(crate::people::service::validate_journey(deps, &new).await?)
    } else {
        None
    };
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    let mut journey_id = None;
    if let Some(journey) = &journey {
        let person = crate::people::store::find(deps.db, &application.person_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let key = crate::people::service::journey_key(&person.pinfl, journey);
        // The same departure already recorded by hand is not an error: the placement stands
        // without a second journey.
        if crate::people::store::insert_journey(&mut tx, &application.person_id, journey, &key, now)
            .await?
        {
            journey_id = Some(journey.id.as_str());
        }
        crate::people::store::refresh_status(&mut tx, &application.person_id, now).await?;
    }
    if !store::set_application_state(&mut tx, id, from.as_str(), to.as_str(), journey_id, now)
        .await?
    {
        return Err(ServiceError::Conflict("err-application-transition"));
    }
    let event = NewEvent {
        subject_id: id,
        action: action.as_str(),
        from: from.as_str(),
        to: to.as_str(),
        reason: "",
        actor_id: actor.user_id(),
    };
    store::insert_application_event(&mut tx, &event, now).await?;
    let details = json!({ "application": id, "vacancy": vacancy.reference, "from": from.as_str(), "to": to.as_str() });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new(
            &format!("application.{}", action.as_str()),
            "person",
            &application.person_id,
        )
        .with(details),
    )
    .await?;
    let after = store::application(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    Ok(after)
}

/// One applicant as the recruiter sees them: enough to contact and place, no more.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Applicant {
    #[serde(flatten)]
    pub application: Application,
    pub name: String,
    pub region: String,
    pub phones: Vec<String>,
    /// A valid pre-departure certificate for the vacancy's destination, if the applicant
    /// holds one (filled on the recruiter's list of applicants).
    pub pdo_certificate: Option<String>,
}

/// Applications with their applicants' names, regions and phones, in their order; two
/// statements for all of them (not one per applicant).
pub async fn with_persons(
    db: &crate::platform::db::Db,
    applications: Vec<Application>,
) -> Result<Vec<Applicant>, sqlx::Error> {
    let ids: Vec<String> = applications.iter().map(|a| a.person_id.clone()).collect();
    let persons = crate::people::store::find_many(db, &ids).await?;
    let phones = crate::people::store::phones_of_many(db, &ids).await?;
    Ok(applications
        .into_iter()
        .filter_map(|application| {
            let person = persons.iter().find(|p| p.id == application.person_id)?;
            Some(Applicant {
                name: format!("{} {}", person.family_name, person.given_name),
                region: person.region_iso.clone(),
                phones: phones
                    .iter()
                    .filter(|(id, _)| *id == person.id)
                    .map(|(_, phone)| phone.clone())
                    .collect(),
                pdo_certificate: None,
                application,
            })
        })
        .collect())
}

/// A vacancy's applicants, best match first, for its recruiter's staff. Reading them is a
/// staff read of personal data: it is audited, once per list.
pub async fn applicants(
    deps: Deps<'_>,
    actor: &Actor,
    reference: &str,
) -> ServiceResult<(Vacancy, Vec<Applicant>)> {
    let vacancy = store::by_reference(deps.db, reference)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let acting = require_agency(actor, &vacancy.recruiter_id)?;
    let mut out = with_persons(
        deps.db,
        store::applications_of_vacancy(deps.db, &vacancy.id).await?,
    )
    .await?;
    let ids: Vec<String> = out
        .iter()
        .map(|a| a.application.person_id.clone())
        .collect();
    let held = crate::pdo::service::valid_certificates(deps.db, &ids, &vacancy.country).await?;
    for a in &mut out {
        a.pdo_certificate = held
            .iter()
            .find(|(person, _)| *person == a.application.person_id)
            .map(|(_, certificate)| certificate.clone());
    }
    let now = deps.clock.now_ms();
    let mut tx = deps.db.begin().await?;
    let details = json!({ "reference": vacancy.reference, "applicants": out.len(), "purpose": "recruitment" });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("vacancy.applicants.read", "vacancy", &vacancy.id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok((vacancy, out))
}

/// A citizen's own applications with the vacancies they are for.
pub async fn mine(deps: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<(Application, Vacancy)>> {
    let person_id = match own_person(deps, actor).await {
        Ok(id) => id,
        Err(ServiceError::Conflict(_)) => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    let mut out = vec![];
    for application in store::applications_of_person(deps.db, &person_id).await? {
        if let Some(vacancy) = store::find(deps.db, &application.vacancy_id).await? {
            out.push((application, vacancy));
        }
    }
    Ok(out)
}

/// Something the agency tells a person on their account.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Alert {
    /// Why: `licence_suspended`, `licence_revoked`, `host_licence_suspended`,
    /// `host_licence_revoked`.
    pub kind: String,
    /// The vacancy reference it is about.
    pub subject: String,
    pub created_at_ms: i64,
}

/// The signed-in citizen's alerts, newest first.
pub async fn my_alerts(deps: Deps<'_>, actor: &Actor) -> ServiceResult<Vec<Alert>> {
    let person_id = match own_person(deps, actor).await {
        Ok(id) => id,
        Err(ServiceError::Conflict(_)) => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    Ok(store::alerts_of(deps.db, &person_id)
        .await?
        .into_iter()
        .map(|(kind, subject, created_at_ms)| Alert {
            kind,
            subject,
            created_at_ms,
        })
        .collect())
}

/// A complaint from the applicant about the agency of their own application.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct OwnComplaint {
    /// A taxonomy code, `RC01` … `RC13`.
    #[serde(rename = "type", default)]
    pub type_code: String,
    #[serde(default)]
    pub description: String,
}

/// The applicant complains about the agency their application went through; the complaint
/// joins the licensing officers' list with its 30-day deadline. Returns its id.
pub async fn complain(
    deps: Deps<'_>,
    actor: &Actor,
    application_id: &str,
    input: &OwnComplaint,
) -> ServiceResult<String> {
    let person_id = own_person(deps, actor).await?;
    let mut tx = deps.db.begin().await?;
    let application = store::application(&mut tx, application_id).await?;
    let vacancy = match &application {
        Some(a) => store::by_id(&mut tx, &a.vacancy_id).await?,
        None => None,
    };
    tx.commit().await?;
    let (Some(application), Some(vacancy)) = (application, vacancy) else {
        return Err(ServiceError::NotFound);
    };
    if application.person_id != person_id {
        return Err(ServiceError::NotFound);
    }
    let complaint = crate::recruiters::complaints::NewComplaint {
        recruiter_id: vacancy.recruiter_id,
        type_code: input.type_code.clone(),
        description: input.description.clone(),
        person_id: Some(person_id),
    };
    crate::recruiters::complaints::file_as(
        deps.db,
        deps.clock,
        actor,
        Some(Role::Citizen),
        &complaint,
    )
    .await
}
