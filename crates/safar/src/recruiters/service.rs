//! Recruiter use cases: register an agency or a foreign operator, decide on its licence
//! (every transition checked by the state machine and audited), expire licences past their
//! end date, and the public check anyone may run without an account.

use serde_json::json;
use time::OffsetDateTime;

use super::model::{Action, Kind, LicenceState, parse_stir, transition};
use super::store::{self, Decision, Licence, LicenceEvent, NewEvent, Recruiter};
use crate::platform::access::{Actor, Permission};
use crate::platform::audit::{self, Event};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::error::{FieldError, ServiceError, ServiceResult};
use crate::platform::ids::{fill_random, new_id};

/// What a recruiter's record is made from (a form or JSON).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RecruiterInput {
    #[serde(default)]
    pub name: String,
    /// `local_agency` or `foreign_operator`.
    #[serde(default)]
    pub kind: String,
    /// 9 digits; required for a local agency.
    #[serde(default)]
    pub stir: Option<String>,
    /// ISO 3166-2 region of a local agency, e.g. `UZ-TK`.
    #[serde(default)]
    pub region: Option<String>,
    /// ISO 3166-1 country of a foreign operator, e.g. `GB`.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub registration_no: Option<String>,
    #[serde(default)]
    pub host_licence_no: Option<String>,
    /// `licensed`, `suspended`, `revoked`, `expired` or `unknown` (the default).
    #[serde(default)]
    pub host_licence_state: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

pub const HOST_LICENCE_STATES: &[&str] =
    &["unknown", "licensed", "suspended", "revoked", "expired"];

fn text(
    value: Option<&str>,
    field: &'static str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = value.unwrap_or("").trim().to_string();
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError {
            field,
            message: "err-invalid-text",
        });
    }
    v
}

async fn validate(db: &Db, id: &str, input: &RecruiterInput) -> ServiceResult<Recruiter> {
    let mut errors = vec![];
    let name = text(Some(&input.name), "name", 200, &mut errors);
    if name.chars().count() < 2 {
        errors.push(FieldError {
            field: "name",
            message: "err-recruiter-name",
        });
    }
    let kind = Kind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError {
            field: "kind",
            message: "err-recruiter-kind",
        });
    }
    let stir = match input
        .stir
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => parse_stir(s)
            .map_err(|message| {
                errors.push(FieldError {
                    field: "stir",
                    message,
                })
            })
            .ok(),
        None => None,
    };
    let local = kind == Some(Kind::LocalAgency);
    if local && stir.is_none() && !errors.iter().any(|e| e.field == "stir") {
        errors.push(FieldError {
            field: "stir",
            message: "err-stir",
        });
    }
    let region = input
        .region
        .as_deref()
        .map(|r| r.trim().to_uppercase())
        .filter(|r| !r.is_empty());
    if let Some(r) = &region
        && !crate::people::store::region_exists(db, r).await?
    {
        errors.push(FieldError {
            field: "region",
            message: "err-region",
        });
    }
    if local && region.is_none() && !errors.iter().any(|e| e.field == "region") {
        errors.push(FieldError {
            field: "region",
            message: "err-region",
        });
    }
    let country = if local {
        "UZ".to_string()
    } else {
        input.country.as_deref().unwrap_or("").trim().to_uppercase()
    };
    if !local && !crate::people::store::country_exists(db, &country).await? {
        errors.push(FieldError {
            field: "country",
            message: "err-country",
        });
    }
    let host_state = input
        .host_licence_state
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("unknown");
    if !HOST_LICENCE_STATES.contains(&host_state) {
        errors.push(FieldError {
            field: "host_licence_state",
            message: "err-host-licence-state",
        });
    }
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => crate::accounts::model::parse_phone(p)
            .map_err(|_| {
                errors.push(FieldError {
                    field: "phone",
                    message: "err-phone",
                })
            })
            .unwrap_or_default(),
        None => String::new(),
    };
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => crate::accounts::model::parse_email(e)
            .map_err(|message| {
                errors.push(FieldError {
                    field: "email",
                    message,
                })
            })
            .unwrap_or_default(),
        None => String::new(),
    };
    let registration_no = text(
        input.registration_no.as_deref(),
        "registration_no",
        60,
        &mut errors,
    );
    let host_licence_no = text(
        input.host_licence_no.as_deref(),
        "host_licence_no",
        60,
        &mut errors,
    );
    let address = text(input.address.as_deref(), "address", 300, &mut errors);
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    Ok(Recruiter {
        id: id.to_string(),
        kind: kind.as_str().into(),
        name_other_script: other_script(&name),
        name,
        stir: if local { stir } else { None },
        country,
        registration_no,
        host_licence_no,
        host_licence_state: host_state.into(),
        address,
        region: if local { region } else { None },
        phone,
        email,
        demo: false,
    })
}

/// The name in the other script, so that it is found and shown either way.
pub fn other_script(name: &str) -> String {
    if uz_text::is_cyrillic(name) {
        uz_text::cyrillic_to_latin(name)
    } else {
        uz_text::latin_to_cyrillic(name)
    }
}

/// Search words for a name: folded (script- and apostrophe-independent), without the legal
/// form that every agency carries ("xususiy bandlik agentligi", "MChJ", "LLC" …).
pub fn name_words(name: &str) -> Vec<String> {
    const LEGAL_FORMS: &[&str] = &[
        "mchj",
        "llc",
        "ltd",
        "ooo",
        "xususiy",
        "bandlik",
        "agentligi",
    ];
    let mut words: Vec<String> = uz_text::fold_words(name)
        .into_iter()
        .filter(|w| !LEGAL_FORMS.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Registers a recruiter (licensing officers).
pub async fn create(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    input: &RecruiterInput,
) -> ServiceResult<String> {
    let acting = actor.require(Permission::ManageRecruiters)?;
    let id = new_id();
    let recruiter = validate(db, &id, input).await?;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if let Some(stir) = &recruiter.stir
        && store::stir_taken(&mut tx, stir, &id).await?
    {
        return Err(ServiceError::Conflict("err-stir-taken"));
    }
    store::insert_recruiter(&mut tx, &recruiter, now).await?;
    let mut words = name_words(&recruiter.name);
    words.extend(name_words(&recruiter.name_other_script));
    store::index_words(&mut tx, &id, &words).await?;
    let details = json!({ "kind": recruiter.kind, "name": recruiter.name, "stir": recruiter.stir });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("recruiter.create", "recruiter", &id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a recruiter's record. A new STIR is a new legal entity: its licence expires
/// (no "phoenix" transfers), in the same transaction.
pub async fn update(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    id: &str,
    input: &RecruiterInput,
) -> ServiceResult<()> {
    let acting = actor.require(Permission::ManageRecruiters)?;
    let before = store::find(db, id).await?.ok_or(ServiceError::NotFound)?;
    let mut after = validate(db, id, input).await?;
    if after.kind != before.kind {
        return Err(ServiceError::invalid("kind", "err-recruiter-kind-change"));
    }
    after.demo = before.demo;
    let now = clock.now_ms();
    let mut tx = db.begin().await?;
    if let Some(stir) = &after.stir
        && store::stir_taken(&mut tx, stir, id).await?
    {
        return Err(ServiceError::Conflict("err-stir-taken"));
    }
    let stir_changed = before.stir.is_some() && after.stir != before.stir;
    if stir_changed {
        expire_current(&mut tx, actor, acting, id, "stir_changed", now).await?;
    }
    store::update_recruiter(&mut tx, &after, now).await?;
    let host_fell = after.host_licence_state != before.host_licence_state;
    let affected = match crate::vacancies::cascade::reason_for(&after.host_licence_state, true) {
        Some(why) if host_fell => {
            crate::vacancies::cascade::licence_fell(&mut tx, id, why, now).await?
        }
        _ => 0,
    };
    let mut words = name_words(&after.name);
    words.extend(name_words(&after.name_other_script));
    store::index_words(&mut tx, id, &words).await?;
    let details = json!({ "name": after.name, "stir_before": before.stir, "stir": after.stir,
                          "host_licence_state": after.host_licence_state, "people_affected": affected });
    audit::append(
        &mut tx,
        actor,
        acting,
        now,
        Event::new("recruiter.update", "recruiter", id).with(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The dates and words that go with a licence decision.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LicenceInput {
    /// YYYY-MM-DD; required to grant an application.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// YYYY-MM-DD, after `valid_from`, at most 5 years later.
    #[serde(default)]
    pub valid_to: Option<String>,
    /// Required to suspend, revoke, refuse or record a surrender.
    #[serde(default)]
    pub reason: Option<String>,
    /// Conditions attached to a grant.
    #[serde(default)]
    pub conditions: Option<String>,
}

/// Licence numbers: `PEA-` and six letters and digits without look-alikes.
fn new_licence_no() -> String {
    const ALPHABET: &[u8] = b"ACDEFGHJKLMNPQRTUVWXY346789";
    let mut bytes = [0u8; 6];
    fill_random(&mut bytes);
    let code: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("PEA-{code}")
}

struct Dates {
    from: Option<String>,
    to: Option<String>,
}

fn validate_decision(
    action: Action,
    from: Option<LicenceState>,
    input: &LicenceInput,
) -> ServiceResult<(Dates, String, Option<String>)> {
    let mut errors = vec![];
    let reason = text(input.reason.as_deref(), "reason", 500, &mut errors);
    if action.needs_reason() && reason.is_empty() {
        errors.push(FieldError {
            field: "reason",
            message: "err-licence-reason",
        });
    }
    let conditions = input
        .conditions
        .as_deref()
        .map(|c| text(Some(c), "conditions", 1000, &mut errors));
    let mut dates = Dates {
        from: None,
        to: None,
    };
    if action == Action::Grant && from == Some(LicenceState::Applied) {
        let valid_from = input
            .valid_from
            .as_deref()
            .and_then(crate::people::model::parse_date);
        let valid_to = input
            .valid_to
            .as_deref()
            .and_then(crate::people::model::parse_date);
        match (valid_from, valid_to) {
            (Some(f), Some(t)) if t > f && t <= f.saturating_add(time::Duration::days(5 * 366)) => {
                dates = Dates {
                    from: Some(f.to_string()),
                    to: Some(t.to_string()),
                };
            }
            (None, _) => errors.push(FieldError {
                field: "valid_from",
                message: "err-date",
            }),
            _ => errors.push(FieldError {
                field: "valid_to",
                message: "err-licence-dates",
            }),
        }
    }
    if errors.is_empty() {
        Ok((dates, reason, conditions))
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

/// Applies an officer's action to a recruiter's licence; returns the licence after it.
/// A transition the state machine forbids is a `Conflict` (409).
pub async fn licence_action(
    db: &Db,
    clock: &Clock,
    actor: &Actor,
    recruiter_id: &str,
    action: &str,
    input: &LicenceInput,
) -> ServiceResult<Licence> {
    let acting = actor.require(Permission::ManageRecruiters)?;
    let action = Action::parse(action).ok_or(ServiceError::NotFound)?;
    let recruiter = store::find(db, recruiter_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut tx = db.begin().await?;
    let licence = decide_in(
        &mut tx,
        actor,
        acting,
        &recruiter,
        action,
        input,
        clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(licence)
}

/// A licence decision inside the caller's transaction (a complaint's sanction takes one
/// with its own decision, all or nothing).
pub async fn decide_in(
    tx: &mut crate::platform::db::Tx,
    actor: &Actor,
    acting: Option<crate::platform::access::Role>,
    recruiter: &Recruiter,
    action: Action,
    input: &LicenceInput,
    now: i64,
) -> ServiceResult<Licence> {
    let recruiter_id = recruiter.id.as_str();
    let current = store::current_licence(tx, recruiter_id).await?;
    let from = current.as_ref().and_then(|l| LicenceState::parse(&l.state));
    let to = transition(from, action).ok_or(ServiceError::Conflict("err-licence-transition"))?;
    let (dates, reason, conditions) = validate_decision(action, from, input)?;
    let licence_id = match (&current, action) {
        (Some(l), a) if a != Action::Apply => l.id.clone(),
        _ => store::insert_licence(tx, recruiter_id, to.as_str(), now).await?,
    };
    if action != Action::Apply {
        let first_grant = to == LicenceState::Licensed
            && current.as_ref().is_some_and(|l| l.licence_no.is_none());
        let licence_no = first_grant.then(new_licence_no);
        let decision = Decision {
            licence_id: &licence_id,
            from: from.map_or("", LicenceState::as_str),
            to: to.as_str(),
            licence_no: licence_no.as_deref(),
            valid_from: dates.from.as_deref(),
            valid_to: dates.to.as_deref(),
            conditions: conditions.as_deref(),
            reason: &reason,
            stir_at_grant: if first_grant {
                recruiter.stir.as_deref()
            } else {
                None
            },
            decided_by: actor.user_id(),
        };
        if !store::decide(tx, &decision, now).await? {
            return Err(ServiceError::Conflict("err-licence-transition"));
        }
    }
    let from_text = from.map_or("", LicenceState::as_str);
    let event = NewEvent {
        licence_id: &licence_id,
        recruiter_id,
        action: action.as_str(),
        from: from_text,
        to: to.as_str(),
        reason: &reason,
        actor_id: actor.user_id(),
    };
    store::insert_event(tx, &event, now).await?;
    // The cascade: everyone placed or applying through this agency is flagged with it.
    let affected = match crate::vacancies::cascade::reason_for(to.as_str(), false) {
        Some(why) => crate::vacancies::cascade::licence_fell(tx, recruiter_id, why, now).await?,
        None => 0,
    };
    let details = json!({ "from": from_text, "to": to.as_str(), "reason": reason, "people_affected": affected });
    audit::append(
        tx,
        actor,
        acting,
        now,
        Event::new(
            &format!("licence.{}", action.as_str()),
            "recruiter",
            recruiter_id,
        )
        .with(details),
    )
    .await?;
    let licence = store::current_licence(tx, recruiter_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(licence)
}

/// Expires the current licence if it is valid or suspended (STIR change, end date).
async fn expire_current(
    tx: &mut crate::platform::db::Tx,
    actor: &Actor,
    acting: Option<crate::platform::access::Role>,
    recruiter_id: &str,
    reason: &str,
    now: i64,
) -> ServiceResult<bool> {
    let Some(licence) = store::current_licence(tx, recruiter_id).await? else {
        return Ok(false);
    };
    let Some(from) = LicenceState::parse(&licence.state) else {
        return Ok(false);
    };
    if transition(Some(from), Action::Expire).is_none() {
        return Ok(false);
    }
    let decision = Decision {
        licence_id: &licence.id,
        from: from.as_str(),
        to: LicenceState::Expired.as_str(),
        licence_no: None,
        valid_from: None,
        valid_to: None,
        conditions: None,
        reason,
        stir_at_grant: None,
        decided_by: actor.user_id(),
    };
    if !store::decide(tx, &decision, now).await? {
        return Ok(false);
    }
    let event = NewEvent {
        licence_id: &licence.id,
        recruiter_id,
        action: Action::Expire.as_str(),
        from: from.as_str(),
        to: LicenceState::Expired.as_str(),
        reason,
        actor_id: actor.user_id(),
    };
    store::insert_event(tx, &event, now).await?;
    let details = json!({ "from": from.as_str(), "to": "expired", "reason": reason });
    audit::append(
        tx,
        actor,
        acting,
        now,
        Event::new("licence.expire", "recruiter", recruiter_id).with(details),
    )
    .await?;
    Ok(true)
}

pub fn today(clock: &Clock) -> time::Date {
    OffsetDateTime::from_unix_timestamp(clock.now_ms() / 1000)
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN)
}

/// The background job: every valid or suspended licence whose end date has passed expires.
/// Safe on several servers at once (each decision only moves a licence from its state).
pub async fn expire_due(db: &Db, clock: &Clock) -> ServiceResult<usize> {
    let due = store::past_their_end(db, &today(clock).to_string()).await?;
    let mut expired = 0;
    for licence in due {
        let mut tx = db.begin().await?;
        if expire_current(
            &mut tx,
            &Actor::console(),
            None,
            &licence.recruiter_id,
            "end_date_passed",
            clock.now_ms(),
        )
        .await?
        {
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}

/// One recruiter as the staff pages and API show it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RecruiterRecord {
    #[serde(flatten)]
    pub recruiter: Recruiter,
    pub licence: Option<Licence>,
    pub history: Vec<LicenceEvent>,
}

/// The register is not personal data and not regional: any staff grant of `ViewRecruiters`,
/// scoped or not, may read all of it (reads are not audited).
pub fn may_view(actor: &Actor) -> Result<(), crate::platform::access::AccessError> {
    if actor.holds(Permission::ViewRecruiters) {
        Ok(())
    } else {
        Err(actor.refusal())
    }
}

pub async fn read(db: &Db, actor: &Actor, id: &str) -> ServiceResult<RecruiterRecord> {
    may_view(actor)?;
    let recruiter = store::find(db, id).await?.ok_or(ServiceError::NotFound)?;
    let licence = store::current_licences(db, std::slice::from_ref(&recruiter.id))
        .await?
        .into_iter()
        .next();
    Ok(RecruiterRecord {
        history: store::events(db, id, 0).await?,
        recruiter,
        licence,
    })
}

/// Whether a recruiter may place workers today, for the modules that depend on it
/// (vacancies, applications).
#[derive(Clone, Debug)]
pub struct Standing {
    pub recruiter: Recruiter,
    pub licence: Option<Licence>,
    /// A licence granted and within its dates; for a foreign operator, also a host-country
    /// licence that is not suspended, revoked or expired.
    pub may_recruit: bool,
}

pub async fn standing(db: &Db, clock: &Clock, recruiter_id: &str) -> ServiceResult<Standing> {
    let recruiter = store::find(db, recruiter_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let licence = store::current_licences(db, std::slice::from_ref(&recruiter.id))
        .await?
        .into_iter()
        .next();
    let today = today(clock).to_string();
    let licensed = licence.as_ref().is_some_and(|l| {
        l.state == LicenceState::Licensed.as_str()
            && l.valid_to.as_deref().is_some_and(|to| to >= today.as_str())
    });
    let host_ok = !matches!(
        recruiter.host_licence_state.as_str(),
        "suspended" | "revoked" | "expired"
    );
    Ok(Standing {
        may_recruit: licensed && host_ok,
        recruiter,
        licence,
    })
}
