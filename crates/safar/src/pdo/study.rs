//! Online self-study: a citizen reads the core modules of a destination's curriculum on a
//! phone and answers each module's quiz; the best score per module is kept. Completing
//! every module is recorded apart from centre sessions, and where the curriculum accepts
//! online-only completion it earns the signed certificate.

use std::collections::BTreeMap;

use serde_json::json;

use super::curriculum::{self, Module};
use super::service::{Deps, Earned, issue_certificate};
use super::store::{self, Curriculum};
use crate::people::store as people;
use crate::platform::access::{Actor, Permission, Role};
use crate::platform::audit::{self, Event};
use crate::platform::db::Tx;
use crate::platform::error::{ServiceError, ServiceResult};
use crate::recruiters::service::today;

/// One module's standing in a citizen's self-study.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ModuleProgress {
    pub module: String,
    /// Best score so far, percent; `None` before the first try.
    pub score: Option<i64>,
    pub passed: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Study {
    pub curriculum: Curriculum,
    pub modules: Vec<ModuleProgress>,
    /// Every module passed online.
    pub completed: bool,
    /// The certificate online completion earned (where online-only is accepted).
    pub certificate_id: Option<String>,
}

/// The person a citizen's account stands for, or a conflict asking them to complete their
/// profile first.
async fn own_person(d: Deps<'_>, actor: &Actor) -> ServiceResult<(String, Option<Role>)> {
    let acting = actor.require(Permission::PrepareDeparture)?;
    let person = people::person_of_account(d.db, actor.user_id().unwrap_or_default())
        .await?
        .ok_or(ServiceError::Conflict("err-profile-needed"))?;
    Ok((person, acting))
}

async fn current(d: Deps<'_>, destination: &str) -> ServiceResult<Curriculum> {
    store::current_curriculum(d.db, destination)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Where the citizen stands in a destination's curriculum.
pub async fn progress(d: Deps<'_>, actor: &Actor, destination: &str) -> ServiceResult<Study> {
    let (person, _) = own_person(d, actor).await?;
    let curriculum = current(d, destination).await?;
    study_of(d, &person, curriculum).await
}

async fn study_of(d: Deps<'_>, person: &str, curriculum: Curriculum) -> ServiceResult<Study> {
    let saved = store::progress(d.db, person, &curriculum.id).await?;
    let modules: Vec<ModuleProgress> = curriculum
        .content
        .modules
        .iter()
        .map(|m| {
            let best = saved.iter().find(|(code, _, _)| *code == m.code);
            ModuleProgress {
                module: m.code.clone(),
                score: best.map(|(_, score, _)| *score),
                passed: best.is_some_and(|(_, _, passed)| *passed),
            }
        })
        .collect();
    let completed = !modules.is_empty() && modules.iter().all(|m| m.passed);
    let certificate_id = store::certificates_of_person(d.db, person)
        .await?
        .into_iter()
        .find(|c| c.curriculum_id == curriculum.id && c.centre_id.is_none() && c.status == "valid")
        .map(|c| c.id);
    Ok(Study {
        curriculum,
        modules,
        completed,
        certificate_id,
    })
}

/// A module's lesson, for reading.
pub async fn lesson(
    d: Deps<'_>,
    actor: &Actor,
    destination: &str,
    code: &str,
) -> ServiceResult<(Curriculum, Module)> {
    own_person(d, actor).await?;
    let curriculum = current(d, destination).await?;
    let module = curriculum
        .content
        .module(code)
        .cloned()
        .ok_or(ServiceError::NotFound)?;
    Ok((curriculum, module))
}

/// What answering a quiz did.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct QuizResult {
    /// Percent right this time.
    pub score: i64,
    pub passed: bool,
    /// Quiz item ids answered wrongly, so the lesson can be read again.
    pub wrong: Vec<String>,
    /// Every module is now passed online.
    pub completed: bool,
    /// The certificate issued when this answer completed an online-only curriculum.
    pub certificate_id: Option<String>,
}

/// Scores a module's quiz and keeps the best result. Completing the last module of a
/// curriculum that accepts online-only completion issues the certificate in the same
/// transaction.
pub async fn answer(
    d: Deps<'_>,
    actor: &Actor,
    destination: &str,
    code: &str,
    answers: &BTreeMap<String, usize>,
) -> ServiceResult<QuizResult> {
    let (person, acting) = own_person(d, actor).await?;
    let curriculum = current(d, destination).await?;
    let module = curriculum
        .content
        .module(code)
        .ok_or(ServiceError::NotFound)?;
    let items: Vec<&curriculum::QuizItem> = module.quiz.iter().collect();
    if answers.len() > 50 || answers.keys().any(|k| !items.iter().any(|q| q.id == *k)) {
        return Err(ServiceError::invalid("answers", "err-pdo-answers"));
    }
    let score = curriculum::score(&items, answers);
    let passed = score >= curriculum.pass_mark;
    let wrong = items
        .iter()
        .filter(|q| answers.get(&q.id) != Some(&q.answer))
        .map(|q| q.id.clone())
        .collect();
    let now = d.clock.now_ms();
    let mut tx = d.db.begin().await?;
    store::save_progress(&mut tx, &person, &curriculum.id, code, score, passed, now).await?;
    let saved = store::progress_in(&mut tx, &person, &curriculum.id).await?;
    let completed = curriculum.content.modules.iter().all(|m| {
        saved
            .iter()
            .any(|(code, _, passed)| *code == m.code && *passed)
    });
    let held = store::online_certificate_in(&mut tx, &person, &curriculum.id).await?;
    let certificate_id = if completed && held.is_none() && curriculum.online_only {
        let scores: Vec<i64> = saved.iter().map(|(_, score, _)| *score).collect();
        Some(issue_online(d, &mut tx, &person, &curriculum, &scores).await?)
    } else {
        None
    };
    let details = json!({ "destination": destination, "version": curriculum.version, "module": code, "score": score, "passed": passed, "certificate": certificate_id });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("pdo.study", "person", &person).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(QuizResult {
        score,
        passed,
        wrong,
        completed,
        certificate_id,
    })
}

/// The certificate of an online-only completion: no centre; the holder's region; the
/// average of the module scores.
async fn issue_online(
    d: Deps<'_>,
    tx: &mut Tx,
    person_id: &str,
    curriculum: &Curriculum,
    scores: &[i64],
) -> ServiceResult<String> {
    let region = people::find(d.db, person_id)
        .await?
        .map(|p| p.region_iso)
        .unwrap_or_default();
    let average = scores.iter().sum::<i64>() / i64::try_from(scores.len().max(1)).unwrap_or(1);
    let day = today(d.clock).to_string();
    let earned = Earned {
        destination: &curriculum.destination,
        curriculum_id: &curriculum.id,
        version: curriculum.version,
        centre_id: None,
        region: &region,
        starts_on: &day,
        ends_on: &day,
        score: average,
    };
    issue_certificate(d, tx, person_id, &earned, None).await
}
